//! Counting the parked feature columns against the top cases while the run is evaluated:
//! each column waits in a few files (stretches, written at once by as many threads), and
//! the stretches are read back and counted on the other threads (`--threads`), the
//! thread that evaluates joining in once it is done (`threads::share`).

use super::{Cut, Outcome, Population, RunError, evaluate};
use crate::explain::{CountedColumn, count_slices};
use crate::parked::Parked;

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
    let jobs: Vec<(usize, Parked)> = parked
        .into_iter()
        .enumerate()
        .flat_map(|(column, stretches)| stretches.into_iter().map(move |s| (column, s)))
        .collect();
    // A column whose top values could not be read is not counted.
    let count = |(column, stretch): (usize, Parked)| {
        let counted = targets[column]
            .clone()
            .and_then(|t| count_stretch(stretch, t));
        (column, counted)
    };
    let (out, parts) = crate::threads::share(jobs, count, || evaluate(population, cut, top_k));
    // A column is counted once every one of its stretches is.
    let mut columns: Vec<Option<CountedColumn>> = targets.iter().map(|_| None).collect();
    let mut complete: Vec<bool> = targets.iter().map(Option::is_some).collect();
    for (column, part) in parts {
        match (part, &mut columns[column]) {
            (Some(part), Some(whole)) => whole.absorb(part),
            (Some(part), empty) => *empty = Some(part),
            (None, _) => complete[column] = false,
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
    let counted = count_slices(targets, |add| population.each_piece(add));
    population.finish().ok()?;
    Some(counted)
}

#[cfg(test)]
mod tests;
