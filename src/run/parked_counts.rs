//! Counting the parked feature columns against the top cases while the run is evaluated:
//! each column waits in a few files (stretches, written at once by as many threads), and
//! the stretches are read back and counted on the other threads (`--threads`), the
//! thread that evaluates joining in once it is done.

use super::{Cut, Outcome, Population, RunError, evaluate};
use crate::explain::{CountedColumn, count_values};
use crate::parked::Parked;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What [`evaluate`] returns, and each parked column (its stretches in order) counted for
/// the cases `tops`: None for one that could not be read back.
pub(super) fn evaluate_counting(
    population: Population,
    cut: Cut,
    top_k: usize,
    parked: Vec<Vec<Parked>>,
    tops: &[usize],
) -> (Result<Outcome, RunError>, Vec<Option<CountedColumn>>) {
    // The top cases' values first (a few reads a column, or, for more than 64 top cases in
    // a stretch, a pass over it), then every stretch is a job.
    let targets: Vec<Option<Vec<f64>>> = parked.iter().map(|s| values_at(s, tops)).collect();
    let mut jobs = Vec::new();
    let mut job_columns = Vec::new();
    for (column, stretches) in parked.into_iter().enumerate() {
        job_columns.extend(stretches.iter().map(|_| column));
        jobs.extend(stretches.into_iter().map(|s| Mutex::new(Some(s))));
    }
    let counted: Vec<Mutex<Option<CountedColumn>>> =
        jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else {
                return;
            };
            let Some(stretch) = job.lock().ok().and_then(|mut j| j.take()) else {
                continue;
            };
            // A column whose top values could not be read is not counted.
            let Some(targets) = targets[job_columns[i]].clone() else {
                continue;
            };
            let result = count_stretch(stretch, targets);
            if let Ok(mut out) = counted[i].lock() {
                *out = result;
            }
        }
    };
    let helpers = crate::threads::count().saturating_sub(1).min(jobs.len());
    let out = std::thread::scope(|scope| {
        for _ in 0..helpers {
            crate::allocator::spawn_scoped(scope, work);
        }
        let out = evaluate(population, cut, top_k);
        work();
        out
    });
    // A column is counted once every one of its stretches is.
    let mut columns: Vec<Option<CountedColumn>> = targets.iter().map(|_| None).collect();
    let mut complete: Vec<bool> = targets.iter().map(Option::is_some).collect();
    for (slot, column) in counted.into_iter().zip(job_columns) {
        match slot.into_inner().ok().flatten() {
            Some(part) => match &mut columns[column] {
                Some(whole) => whole.absorb(part),
                empty => *empty = Some(part),
            },
            None => complete[column] = false,
        }
    }
    let counted = columns
        .into_iter()
        .zip(complete)
        .map(|(c, whole)| c.filter(|_| whole))
        .collect();
    (out, counted)
}

/// The values at the column indices `tops`, from the stretches that hold them.
fn values_at(stretches: &[Parked], tops: &[usize]) -> Option<Vec<f64>> {
    let mut found = vec![0.0; tops.len()];
    let mut from = 0;
    for stretch in stretches {
        let to = from + stretch.len();
        let here: Vec<(usize, usize)> = (0..tops.len())
            .filter(|&k| (from..to).contains(&tops[k]))
            .map(|k| (k, tops[k] - from))
            .collect();
        let local: Vec<usize> = here.iter().map(|&(_, i)| i).collect();
        for ((k, _), v) in here.into_iter().zip(stretch.values_at(&local).ok()?) {
            found[k] = v;
        }
        from = to;
    }
    Some(found)
}

/// One stretch counted against a column's top values, as it is read back.
fn count_stretch(stretch: Parked, targets: Vec<f64>) -> Option<CountedColumn> {
    let mut population = stretch.values().ok()?;
    let counted = count_values(targets, population.by_ref());
    population.finish().ok()?;
    Some(counted)
}

#[cfg(test)]
mod tests;
