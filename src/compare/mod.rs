//! Comparing two runs: what changed in the parameters, how the metrics moved, and which
//! cases entered or left the priority set. Pure: two parsed runs in, a [`Comparison`] out.

mod params;
pub mod render;

pub use params::describe;
use params::param_changes;

use crate::report::RunReport;
use serde::Serialize;
use serde_json::Value;

/// One parameter of a run, flattened (`weights.severity`, `distributions.exposure`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamChange {
    pub name: String,
    /// JSON value, `null` where the run does not have the parameter.
    pub old: Value,
    pub new: Value,
    /// Human form of old and new ("beta(2, 4)", "0.8", "-").
    #[serde(skip)]
    pub old_text: String,
    #[serde(skip)]
    pub new_text: String,
}

impl ParamChange {
    pub fn changed(&self) -> bool {
        self.old != self.new
    }

    /// "quantile 0.8 -> 0.9".
    pub fn describe(&self) -> String {
        format!("{} {} -> {}", self.name, self.old_text, self.new_text)
    }
}

/// A metric before and after.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricChange<T> {
    pub old: T,
    pub new: T,
    pub diff: T,
    /// diff / old, where old is not zero.
    pub relative: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metrics {
    pub priority_count: MetricChange<i64>,
    pub threshold: MetricChange<f64>,
}

/// How the priority set moved between two runs of the same population.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PriorityChange {
    /// In the priority set after, not before (ascending).
    pub entered: Vec<usize>,
    /// In the priority set before, not after (ascending).
    pub left: Vec<usize>,
    /// In both.
    pub kept: usize,
    /// |before ∩ after| / |before ∪ after|; 1 when both are empty.
    pub jaccard: f64,
}

/// A case at a rank of a top-K list (ranks count from 1).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Ranked {
    pub case: usize,
    pub rank: usize,
}

/// A case in both top-K lists whose rank changed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Moved {
    pub case: usize,
    pub from: usize,
    pub to: usize,
}

/// How the top-K list moved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopChange {
    pub old: Vec<usize>,
    pub new: Vec<usize>,
    /// In the new list, not the old one, at their new rank.
    pub entered: Vec<Ranked>,
    /// In the old list, not the new one, at their old rank.
    pub dropped: Vec<Ranked>,
    /// In both lists at different ranks, in new-rank order.
    pub moved: Vec<Moved>,
}

/// Everything `compare` reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub params: Vec<ParamChange>,
    pub metrics: Metrics,
    /// Parameters that make the two runs different populations (seed, n, distributions);
    /// when any differ, case-level comparison is meaningless and `priority`/`top` are None.
    pub population_differs: Vec<String>,
    pub priority: Option<PriorityChange>,
    pub top: Option<TopChange>,
}

/// Why two runs cannot be compared at all.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CompareError {
    #[error("the {which} run's priority cases cannot be read: it {problem}")]
    Priority {
        which: &'static str,
        problem: String,
    },
    #[error("the runs are of different labs ({before} and {after}); compare runs of one lab")]
    DifferentLabs { before: String, after: String },
}

/// Compares `before` with `after`.
pub fn compare(before: &RunReport, after: &RunReport) -> Result<Comparison, CompareError> {
    if before.params.lab != after.params.lab {
        return Err(CompareError::DifferentLabs {
            before: before.params.lab.clone(),
            after: after.params.lab.clone(),
        });
    }
    let params = param_changes(before, after);
    let population_differs: Vec<String> = params
        .iter()
        .filter(|p| p.changed() && defines_population(&p.name))
        .map(|p| p.name.clone())
        .collect();
    let same = population_differs.is_empty();
    let priority = |run: &'_ RunReport, which| {
        run.priority()
            .map(|p| p.into_owned())
            .map_err(|problem| CompareError::Priority { which, problem })
    };
    let (p0, p1) = (priority(before, "first")?, priority(after, "second")?);
    Ok(Comparison {
        metrics: metrics(before, after),
        priority: same.then(|| priority_change(&p0, &p1)),
        top: same.then(|| top_change(&before.summary.top_indices, &after.summary.top_indices)),
        params,
        population_differs,
    })
}

/// Seed, n, the data file, the base rate and the input distributions decide which cases
/// exist; weights, scales and cuts do not.
fn defines_population(name: &str) -> bool {
    matches!(
        name,
        "seed" | "n" | "prevalence" | "data.sha256" | "data.label"
    ) || name.starts_with("distributions.")
        || name.starts_with("threat_distributions.")
}

fn relative(diff: f64, old: f64) -> Option<f64> {
    (old != 0.0 && old.is_finite()).then(|| diff / old)
}

fn metrics(before: &RunReport, after: &RunReport) -> Metrics {
    let (c0, c1) = (
        before.summary.priority_count as i64,
        after.summary.priority_count as i64,
    );
    let (t0, t1) = (before.summary.threshold, after.summary.threshold);
    Metrics {
        priority_count: MetricChange {
            old: c0,
            new: c1,
            diff: c1 - c0,
            relative: relative((c1 - c0) as f64, c0 as f64),
        },
        threshold: MetricChange {
            old: t0,
            new: t1,
            diff: t1 - t0,
            relative: relative(t1 - t0, t0),
        },
    }
}

/// Set differences of two ascending index lists in one merge pass.
pub fn priority_change(before: &[usize], after: &[usize]) -> PriorityChange {
    let (mut i, mut j) = (0, 0);
    let (mut entered, mut left, mut kept) = (Vec::new(), Vec::new(), 0usize);
    while i < before.len() || j < after.len() {
        match (before.get(i), after.get(j)) {
            (Some(a), Some(b)) if a == b => {
                kept += 1;
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a < b => {
                left.push(*a);
                i += 1;
            }
            (Some(a), None) => {
                left.push(*a);
                i += 1;
            }
            (_, Some(b)) => {
                entered.push(*b);
                j += 1;
            }
            (None, None) => break,
        }
    }
    let union = kept + entered.len() + left.len();
    let jaccard = if union == 0 {
        1.0
    } else {
        kept as f64 / union as f64
    };
    PriorityChange {
        entered,
        left,
        kept,
        jaccard,
    }
}

pub fn top_change(old: &[usize], new: &[usize]) -> TopChange {
    let rank = |list: &[usize], case: usize| list.iter().position(|&c| c == case).map(|r| r + 1);
    let only_in = |list: &[usize], other: &[usize]| -> Vec<Ranked> {
        (1..)
            .zip(list)
            .filter(|&(_, &case)| rank(other, case).is_none())
            .map(|(rank, &case)| Ranked { case, rank })
            .collect()
    };
    let moved = (1..)
        .zip(new)
        .filter_map(|(to, &case)| {
            rank(old, case)
                .filter(|&from| from != to)
                .map(|from| Moved { case, from, to })
        })
        .collect();
    TopChange {
        old: old.to_vec(),
        new: new.to_vec(),
        entered: only_in(new, old),
        dropped: only_in(old, new),
        moved,
    }
}

#[cfg(test)]
mod tests;
