//! A fully resolved run and the computation it describes: draw (or take the scored data),
//! score, cut, rank, judge against the labels, explain the top cases.
//!
//! Pure computation: no printing, and no files but one kind, for memory's sake: long feature
//! columns kept for the explanations wait in unnamed temporary files (`parked`). Memory is
//! the score column, one reused feature column, the labels where the lab has them and, when
//! a plot is wanted, the plotted feature's column; each feature is folded into the score as
//! soon as it is drawn (and scaled), which is bit-identical to numpy's whole-column
//! expression evaluated left to right.

use crate::detect::{Areas, Detection, confusion_at};
use crate::explain::{Explainer, TopCase};
use crate::lab::Lab;
use crate::numpy::ParamError;
use crate::parked::{PARK_FROM, Parked};
use crate::stats;
use ndarray::Array1;

/// How the priority cut-off is set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cut {
    /// `np.quantile(score, q)` (method 'linear').
    Quantile(f64),
    /// A fixed score.
    Threshold(f64),
}

/// Everything a generated run depends on. `lab.features` carries the run's weights,
/// distributions and scales.
#[derive(Clone, Debug, PartialEq)]
pub struct RunConfig {
    pub lab: Lab,
    pub seed: u128,
    pub n: usize,
    pub cut: Cut,
    pub top_k: usize,
}

/// The quantile a lab uses when it names neither a quantile nor a threshold.
pub const DEFAULT_QUANTILE: f64 = 0.8;

impl RunConfig {
    /// The lab exactly as written: its seed, n, cut and top K.
    pub fn from_lab(lab: Lab) -> RunConfig {
        RunConfig {
            seed: u128::from(lab.seed),
            n: usize::try_from(lab.n).unwrap_or(usize::MAX),
            cut: lab_cut(&lab),
            top_k: usize::try_from(lab.top_k).unwrap_or(usize::MAX),
            lab,
        }
    }

    /// The index of the feature on the plot's x axis (validated by `Lab::validate`).
    pub fn plot_feature(&self) -> usize {
        self.lab.feature_index(&self.lab.plot.x).unwrap_or(0)
    }
}

/// The cut a lab file asks for.
pub fn lab_cut(lab: &Lab) -> Cut {
    match lab.threshold {
        Some(t) => Cut::Threshold(t),
        None => Cut::Quantile(lab.quantile.unwrap_or(DEFAULT_QUANTILE)),
    }
}

/// A scored population, generated or read: what the cut, ranking and metrics work on.
#[derive(Clone, Debug)]
pub struct Population {
    pub scores: Array1<f64>,
    /// Ground truth, where the lab has it: true for a threat.
    pub labels: Option<Vec<bool>>,
    /// The plotted feature's raw column, if it was asked for.
    pub plot_x: Option<Array1<f64>>,
    /// The `top_k` highest-scoring indices, highest first, where they are known already
    /// (ranked by the data reader as it scored, or by a generated run once its last column
    /// was folded; exactly as `stats::top_indices` would).
    pub top: Option<Vec<usize>>,
}

/// What a run computes.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub scores: Array1<f64>,
    pub labels: Option<Vec<bool>>,
    /// The plotted feature's column, if it was asked for.
    pub plot_x: Option<Array1<f64>>,
    pub threshold: f64,
    /// Indices with score >= threshold, ascending.
    pub priority: Vec<usize>,
    /// The `top_k` highest-scoring indices, highest first.
    pub top: Vec<usize>,
    /// Detection metrics, where the lab has labels.
    pub detection: Option<Detection>,
    /// The top cases with each feature's part in their score.
    pub top_cases: Vec<TopCase>,
    /// Every raw feature column, where an export asked for them.
    pub columns: Option<Vec<Vec<f64>>>,
}

/// Why a run cannot be computed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RunError {
    #[error("feature {feature}: {problem}")]
    Scale { feature: String, problem: String },
    #[error(
        "case {case}'s risk score is not a finite number (its weighted sum overflowed past \
         1.8e308): make the weights smaller (--weights, or features[].weight in a lab file) \
         or, for generated cases, the distributions' parameters"
    )]
    Overflow {
        /// The first such case, as the run's indices count (from 0).
        case: usize,
    },
    #[error("lab {0} scores a data file; it has no distributions to generate cases from")]
    NotGenerated(String),
    /// Only for a lab built without its checks: a checked lab's distributions all build.
    #[error("feature {feature}: {problem}")]
    Parameter {
        feature: String,
        problem: ParamError,
    },
}

/// Runs the lab. `keep_plot_x` keeps the plotted feature's column for the plot.
pub fn simulate(cfg: &RunConfig, keep_plot_x: bool) -> Result<Outcome, RunError> {
    simulate_with_progress(cfg, keep_plot_x, &mut |_| {})
}

/// The feature columns are kept for the explanations (in memory below
/// [`PARK_FROM`] cases, in temporary files from there on) while they take at most this
/// many bytes; beyond it they are drawn a second time instead.
pub const KEEP_COLUMNS_BYTES: usize = 512 << 20;

/// Whether a run keeps its feature columns for the explanations (see [`KEEP_COLUMNS_BYTES`]).
pub fn keeps_columns(cfg: &RunConfig) -> bool {
    cfg.top_k > 0
        && cfg
            .n
            .checked_mul(8 * cfg.lab.features.len())
            .is_some_and(|bytes| bytes <= KEEP_COLUMNS_BYTES)
}

/// Whether a run holds its feature columns in memory: an export's, and those kept for the
/// explanations that are too short to be parked in temporary files.
pub fn keeps_columns_in_memory(cfg: &RunConfig, export: bool) -> bool {
    export || (keeps_columns(cfg) && cfg.n < PARK_FROM)
}

/// [`simulate`], calling `progress(k)` after the k-th feature column is drawn.
pub fn simulate_with_progress(
    cfg: &RunConfig,
    keep_plot_x: bool,
    progress: &mut dyn FnMut(usize),
) -> Result<Outcome, RunError> {
    simulate_keeping(cfg, keep_plot_x, false, progress)
}

/// [`simulate_with_progress`]; with `keep_columns` the raw feature columns stay in
/// `Outcome::columns` (for an export).
pub fn simulate_keeping(
    cfg: &RunConfig,
    keep_plot_x: bool,
    export: bool,
    progress: &mut dyn FnMut(usize),
) -> Result<Outcome, RunError> {
    let keep_columns = export || keeps_columns(cfg);
    // Long columns wait in temporary files, an export's stay in memory; if one cannot be
    // written, the columns are drawn again for the explanations instead.
    let park = !export && cfg.n >= PARK_FROM;
    let mut in_memory: Vec<Vec<f64>> = Vec::new();
    let mut parked: Vec<Vec<Parked>> = Vec::new();
    let mut fitted = Vec::new();
    let plot_index = keep_plot_x.then(|| cfg.plot_feature());
    let mut plot_x = None;
    let mut scores = Array1::<f64>::zeros(cfg.n);
    let last = cfg.lab.features.len().saturating_sub(1);
    // Once the last column is folded the scores are whole, so the top cases are known and
    // that column is counted before it goes, instead of waiting on disk: (ranking, counts).
    let mut last_counted = None;
    let labels = generate(cfg, &mut |i, raw, used, scale| {
        if plot_index == Some(i) {
            plot_x = Some(Array1::from(raw.to_vec()));
        }
        if keep_columns && park && parked.len() == i && i < last {
            // Once one column could not be written, the rest are not tried.
            parked.extend(Parked::write_split(raw));
        }
        fitted.push(scale);
        fold(
            &mut scores,
            used.unwrap_or(raw),
            cfg.lab.features[i].weight,
            i == 0,
        );
        if keep_columns && park && i == last && parked.len() == last {
            let top = stats::top_indices(scores.as_slice().expect("contiguous"), cfg.top_k);
            last_counted = Some((crate::explain::count_column(&top, raw), top));
        }
        if keep_columns && !park {
            // Taken, not copied: the next column is drawn into new memory.
            in_memory.push(std::mem::take(raw));
        }
        progress(i + 1);
    })?;
    let population = Population {
        scores,
        labels,
        plot_x,
        top: last_counted.as_ref().map(|(_, top)| top.clone()),
    };
    let (out, counted) = match &last_counted {
        Some((_, tops)) => {
            parked_counts::evaluate_counting(population, cfg.cut, cfg.top_k, parked, tops)
        }
        None => {
            // Drawn again below if at all: the files would only take room meanwhile.
            drop(parked);
            (evaluate(population, cfg.cut, cfg.top_k), Vec::new())
        }
    };
    let mut out = out?;
    let mut explainer = Explainer::new(&cfg.lab, &out, &fitted);
    let mut fed = 0;
    if keep_columns && !park {
        for (i, column) in in_memory.iter().enumerate() {
            explainer.feed_column(i, column);
        }
        fed = in_memory.len();
    } else if let Some((last_column, _)) = last_counted {
        // Up to the first column that could not be read back; the rest are drawn again.
        for (i, column) in counted.into_iter().map_while(|c| c).enumerate() {
            explainer.set_counted(i, column);
            fed += 1;
        }
        if fed == last {
            explainer.set_counted(last, last_column);
            fed += 1;
        }
    }
    if cfg.top_k > 0 && fed < cfg.lab.features.len() {
        generate(cfg, &mut |i, raw, _, _| explainer.feed_column(i, raw))?;
    }
    out.top_cases = explainer.finish();
    if export {
        out.columns = Some(in_memory);
    }
    Ok(out)
}

/// The cut, the priority set, the ranking and, with labels, the detection metrics.
pub fn evaluate(pop: Population, cut: Cut, top_k: usize) -> Result<Outcome, RunError> {
    let scores = pop.scores.as_slice().expect("contiguous");
    // A check the compiler vectorizes first (the search for the case stops at each value).
    let finite = |part: &[f64]| part.iter().fold(true, |all, s| all & s.is_finite());
    if !scores.chunks(256).all(finite) {
        let case = scores
            .iter()
            .position(|s| !s.is_finite())
            .expect("one is not finite");
        return Err(RunError::Overflow { case });
    }
    // Ranking needs no threshold, so on a large run it shares the time with the selection.
    let ranked = pop.top;
    let (threshold, top, sorted) = std::thread::scope(|scope| {
        let top = (ranked.is_none()
            && scores.len() >= PARALLEL_FROM
            && crate::threads::count() > 1)
            .then(|| crate::allocator::spawn_scoped(scope, || stats::top_indices(scores, top_k)));
        // With labels the curve sorts the scores anyway: the quantile is read off that sort.
        let sorted = pop
            .labels
            .as_ref()
            .map(|labels| crate::detect::sorted_descending(scores, labels));
        let threshold = match (cut, &sorted) {
            (Cut::Quantile(q), Some((all, _))) => stats::quantile_sorted_descending(all, q),
            (Cut::Quantile(q), None) => stats::quantile_linear(scores, q),
            (Cut::Threshold(t), _) => t,
        };
        let top = match (top, ranked) {
            (Some(handle), _) => handle.join().expect("ranking thread panicked"),
            (None, Some(ranked)) => ranked,
            (None, None) => stats::top_indices(scores, top_k),
        };
        (threshold, top, sorted)
    });
    let priority = stats::priority_indices(scores, threshold);
    let detection = pop
        .labels
        .as_ref()
        .zip(sorted)
        .map(|(labels, (all, threats))| {
            let top_threats = top.iter().filter(|&&i| labels[i]).count() as u64;
            let areas = Areas::of_sorted(&all, &threats);
            drop((all, threats));
            let counts = confusion_at(scores, threshold, labels);
            Detection::new(counts, top_threats, top.len(), areas)
        });
    Ok(Outcome {
        scores: pop.scores,
        labels: pop.labels,
        plot_x: pop.plot_x,
        threshold,
        priority,
        top,
        detection,
        top_cases: Vec::new(),
        columns: None,
    })
}

/// Runs this large fold and rank on several threads; smaller ones stay on one.
const PARALLEL_FROM: usize = 1 << 17;

/// Adds `weight * column` to the score, as numpy's left-to-right sum does. The first term
/// is `w * x` itself: adding it to 0.0 would turn -0.0 into +0.0. Each element is
/// independent, so a large column is folded in parts, one a thread.
pub fn fold(scores: &mut Array1<f64>, column: &[f64], weight: f64, first: bool) {
    let one = |s: &mut [f64], c: &[f64]| {
        if first {
            s.iter_mut().zip(c).for_each(|(s, &x)| *s = weight * x);
        } else {
            s.iter_mut().zip(c).for_each(|(s, &x)| *s += weight * x);
        }
    };
    let scores = scores.as_slice_mut().expect("contiguous");
    // Below 2 x threads::MIN_SHARE cases (PARALLEL_FROM) this is one part, on this thread.
    let n = scores.len();
    let part = crate::threads::part_len(n, crate::threads::for_items(n));
    let parts = scores.chunks_mut(part).zip(column.chunks(part)).collect();
    crate::threads::map(parts, |(s, c)| one(s, c));
}

mod generate;
mod parked_counts;

pub use generate::draw_column;
use generate::generate;

#[cfg(test)]
mod tests;
