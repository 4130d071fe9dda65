//! Counting the parked feature columns against the top cases while the run is evaluated:
//! the columns are read back and counted on the other threads (`--threads`), and the
//! thread that evaluates joins in once it is done.

use super::{Cut, Outcome, Population, RunError, evaluate};
use crate::explain::{CountedColumn, count_values};
use crate::parked::Parked;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What [`evaluate`] returns, and each parked column counted for the cases `tops` (None
/// for one that could not be read back).
pub(super) fn evaluate_counting(
    population: Population,
    cut: Cut,
    top_k: usize,
    parked: Vec<Parked>,
    tops: &[usize],
) -> (Result<Outcome, RunError>, Vec<Option<CountedColumn>>) {
    let columns: Vec<Mutex<Option<Parked>>> =
        parked.into_iter().map(|p| Mutex::new(Some(p))).collect();
    let counted: Vec<Mutex<Option<CountedColumn>>> =
        columns.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(slot) = columns.get(i) else {
            return;
        };
        let column = slot.lock().ok().and_then(|mut c| c.take());
        let result = column.and_then(|c| count_parked(c, tops));
        if let Ok(mut out) = counted[i].lock() {
            *out = result;
        }
    };
    let helpers = crate::threads::count().saturating_sub(1).min(columns.len());
    let out = std::thread::scope(|scope| {
        for _ in 0..helpers {
            crate::allocator::spawn_scoped(scope, work);
        }
        let out = evaluate(population, cut, top_k);
        work();
        out
    });
    let counted = counted
        .into_iter()
        .map(|c| c.into_inner().ok().flatten())
        .collect();
    (out, counted)
}

/// One parked column's values for `tops` and its counts, as it is read back.
fn count_parked(column: Parked, tops: &[usize]) -> Option<CountedColumn> {
    let values = column.values_at(tops).ok()?;
    let mut population = column.values().ok()?;
    let counted = count_values(values, population.by_ref());
    population.finish().ok()?;
    Some(counted)
}
