//! Comparing two runs: what changed in the parameters, how the metrics moved, and which
//! cases entered or left the priority set. Pure: two parsed runs in, a [`Comparison`] out.

mod params;
pub mod render;

pub use params::changes_from_lab;
use params::param_changes;

use crate::report::{Ordered, RunReport};
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
    /// Where both runs have labels: tp, fp, fn, tn.
    #[serde(flatten)]
    pub counts: Ordered<MetricChange<i64>>,
    /// Where both runs have labels: precision, recall, f1, fpr, precision_at_k,
    /// average_precision and roc_auc (where both define it).
    #[serde(flatten)]
    pub rates: Ordered<MetricChange<f64>>,
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
    /// Where the runs have labels: the entered and left cases split into threats and
    /// benign ones (threats that entered were caught by the change, threats that left are
    /// now missed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_label: Option<ByLabel>,
}

/// Entered and left cases by ground truth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ByLabel {
    pub entered_threats: Vec<usize>,
    pub entered_benign: Vec<usize>,
    pub left_threats: Vec<usize>,
    pub left_benign: Vec<usize>,
}

impl ByLabel {
    fn new(p: &PriorityChange, threats: &[usize]) -> ByLabel {
        let split = |cases: &[usize]| -> (Vec<usize>, Vec<usize>) {
            cases.iter().partition(|c| threats.binary_search(c).is_ok())
        };
        let (entered_threats, entered_benign) = split(&p.entered);
        let (left_threats, left_benign) = split(&p.left);
        ByLabel {
            entered_threats,
            entered_benign,
            left_threats,
            left_benign,
        }
    }
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
    /// Features redrawn with a changed distribution while every other feature's values
    /// stayed the same case by case (checked by drawing both runs again): the cases are
    /// still comparable, and `priority`/`top` are filled.
    pub redrawn: Vec<String>,
    /// Why the cases are not comparable, when more is known than which parameters differ.
    pub population_detail: Option<String>,
    pub priority: Option<PriorityChange>,
    pub top: Option<TopChange>,
}

impl Comparison {
    /// What changed, "quantile 0.8 -> 0.9", one entry per parameter (the tool version aside).
    pub fn changes(&self) -> Vec<String> {
        self.params
            .iter()
            .filter(|p| p.changed() && p.name != "tool_version")
            .map(ParamChange::describe)
            .collect()
    }
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
    let mut cmp = Comparison {
        metrics: metrics(before, after),
        priority: None,
        top: None,
        params,
        population_differs,
        redrawn: Vec::new(),
        population_detail: None,
    };
    if cmp.population_differs.is_empty() {
        fill_cases(&mut cmp, before, after)?;
    }
    Ok(cmp)
}

/// The parameters that differ are only input distributions, so whether the cases are
/// still the same can be settled by drawing both runs again (see [`with_redrawn`]).
pub fn only_distributions_differ(cmp: &Comparison) -> bool {
    !cmp.population_differs.is_empty()
        && cmp.population_differs.iter().all(|name| {
            name.starts_with("distributions.") || name.starts_with("threat_distributions.")
        })
}

/// The comparison with its case-level part after all: both runs were drawn again and only
/// the `redrawn` features' values differ, every other feature's are the same case by case.
pub fn with_redrawn(
    mut cmp: Comparison,
    before: &RunReport,
    after: &RunReport,
    redrawn: Vec<String>,
) -> Result<Comparison, CompareError> {
    cmp.redrawn = redrawn;
    fill_cases(&mut cmp, before, after)?;
    Ok(cmp)
}

/// Which cases entered or left the priority set, and how the top list moved.
fn fill_cases(
    cmp: &mut Comparison,
    before: &RunReport,
    after: &RunReport,
) -> Result<(), CompareError> {
    let priority = |run: &'_ RunReport, which| {
        run.priority()
            .map(|p| p.into_owned())
            .map_err(|problem| CompareError::Priority { which, problem })
    };
    let (p0, p1) = (priority(before, "first")?, priority(after, "second")?);
    let threats = before.threats().map_err(|problem| CompareError::Priority {
        which: "first",
        problem,
    })?;
    let mut change = priority_change(&p0, &p1);
    change.by_label = threats.as_ref().map(|t| ByLabel::new(&change, t));
    cmp.priority = Some(change);
    cmp.top = Some(top_change(
        &before.summary.top_indices,
        &after.summary.top_indices,
    ));
    Ok(())
}

/// Seed, n, the data file, the base rate and the input distributions decide which cases
/// exist; weights, scales and cuts do not.
fn defines_population(name: &str) -> bool {
    matches!(name, "seed" | "n" | "prevalence" | "data.hash")
        || name.starts_with("distributions.")
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
    let (mut counts, mut rates) = (Ordered::default(), Ordered::default());
    if let (Some(d0), Some(d1)) = (&before.detection, &after.detection) {
        for (name, a, b) in [
            ("tp", d0.tp, d1.tp),
            ("fp", d0.fp, d1.fp),
            ("fn", d0.fn_, d1.fn_),
            ("tn", d0.tn, d1.tn),
        ] {
            let (a, b) = (a as i64, b as i64);
            counts.0.push((name.to_string(), count_change(a, b)));
        }
        for (name, a, b) in [
            ("precision", Some(d0.precision), Some(d1.precision)),
            ("recall", Some(d0.recall), Some(d1.recall)),
            ("f1", Some(d0.f1), Some(d1.f1)),
            ("fpr", Some(d0.fpr), Some(d1.fpr)),
            (
                "precision_at_k",
                Some(d0.precision_at_k),
                Some(d1.precision_at_k),
            ),
            (
                "average_precision",
                Some(d0.average_precision),
                Some(d1.average_precision),
            ),
            ("roc_auc", d0.roc_auc, d1.roc_auc),
        ] {
            if let (Some(a), Some(b)) = (a, b) {
                rates.0.push((name.to_string(), float_change(a, b)));
            }
        }
    }
    Metrics {
        counts,
        rates,
        priority_count: count_change(c0, c1),
        threshold: float_change(t0, t1),
    }
}

fn count_change(old: i64, new: i64) -> MetricChange<i64> {
    MetricChange {
        old,
        new,
        diff: new - old,
        relative: relative((new - old) as f64, old as f64),
    }
}

fn float_change(old: f64, new: f64) -> MetricChange<f64> {
    MetricChange {
        old,
        new,
        diff: new - old,
        relative: relative(new - old, old),
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
        by_label: None,
    }
}

pub fn top_change(old: &[usize], new: &[usize]) -> TopChange {
    let rank = |list: &[usize], case: usize| list.iter().position(|&c| c == case).map(|r| r + 1);
    // A case ranked beyond the other list's length (top 5 -> top 8: ranks 6 to 8) neither
    // entered nor dropped out: the other list never reached that rank.
    let only_in = |list: &[usize], other: &[usize]| -> Vec<Ranked> {
        (1..)
            .zip(list)
            .take(other.len())
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
