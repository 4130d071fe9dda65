//! A fully resolved run and the computation it describes: draw, score, cut, rank.
//!
//! Pure: no files, no printing. Memory is the score column, one reused feature column and,
//! when a plot is wanted, the plotted feature's column; each feature is folded into the
//! score as soon as it is drawn, which is bit-identical to numpy's whole-column expression
//! evaluated left to right.

use crate::lab::{Distribution, Lab};
use crate::numpy::{self, Beta, Gamma, Normal, Pcg64, Uniform, column, pairs};
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

/// Everything a run depends on. `lab.features` carries the run's weights and distributions.
#[derive(Clone, Debug, PartialEq)]
pub struct RunConfig {
    pub lab: Lab,
    pub seed: u128,
    pub n: usize,
    pub cut: Cut,
    pub top_k: usize,
}

impl RunConfig {
    /// The lab exactly as written: its seed, n, quantile and top K.
    pub fn from_lab(lab: Lab) -> RunConfig {
        RunConfig {
            seed: u128::from(lab.seed),
            n: usize::try_from(lab.n).unwrap_or(usize::MAX),
            cut: Cut::Quantile(lab.quantile),
            top_k: usize::try_from(lab.top_k).unwrap_or(usize::MAX),
            lab,
        }
    }

    /// The index of the feature on the plot's x axis (validated by `Lab::validate`).
    pub fn plot_feature(&self) -> usize {
        self.lab.feature_index(&self.lab.plot.x).unwrap_or(0)
    }
}

/// What a run computes.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub scores: Array1<f64>,
    /// The plotted feature's column, if it was asked for.
    pub plot_x: Option<Array1<f64>>,
    pub threshold: f64,
    /// Indices with score >= threshold, ascending.
    pub priority: Vec<usize>,
    /// The `top_k` highest-scoring indices, highest first.
    pub top: Vec<usize>,
}

/// Runs the lab. `keep_plot_x` keeps the plotted feature's column for the plot.
pub fn simulate(cfg: &RunConfig, keep_plot_x: bool) -> Outcome {
    simulate_observed(cfg, keep_plot_x, &mut |_| {})
}

/// [`simulate`], calling `progress(k)` after the k-th feature column is drawn.
pub fn simulate_observed(
    cfg: &RunConfig,
    keep_plot_x: bool,
    progress: &mut dyn FnMut(usize),
) -> Outcome {
    let mut rng = numpy::default_rng(cfg.seed);
    let mut scores = Array1::<f64>::zeros(cfg.n);
    let plot_index = keep_plot_x.then(|| cfg.plot_feature());
    let mut plot_x = None;
    // One column buffer, reused: memory is the score plus one column (plus the plotted one).
    let mut spare: Option<Array1<f64>> = None;
    for (i, feature) in cfg.lab.features.iter().enumerate() {
        let mut column = spare.take().unwrap_or_else(|| Array1::<f64>::zeros(cfg.n));
        let values = column.as_slice_mut().expect("a fresh Array1 is contiguous");
        draw_into(&feature.distribution, &mut rng, values);
        fold(&mut scores, &column, feature.weight, i == 0);
        if plot_index == Some(i) {
            plot_x = Some(column);
        } else {
            spare = Some(column);
        }
        progress(i + 1);
    }
    let scores_slice = scores.as_slice().expect("a fresh Array1 is contiguous");
    // Ranking needs no threshold, so on a large run it shares the time with the selection.
    let (threshold, top) = std::thread::scope(|scope| {
        let top = (cfg.n >= PARALLEL_FROM)
            .then(|| scope.spawn(|| stats::top_indices(scores_slice, cfg.top_k)));
        let threshold = match cfg.cut {
            Cut::Quantile(q) => {
                // The spare column, already in memory, becomes the selection's scratch copy.
                let mut scratch = spare
                    .map(|a| a.into_raw_vec_and_offset().0)
                    .unwrap_or_default();
                scratch.clear();
                scratch.extend_from_slice(scores_slice);
                stats::quantile_linear(scratch, q)
            }
            Cut::Threshold(t) => t,
        };
        let top = match top {
            Some(handle) => handle.join().expect("ranking thread panicked"),
            None => stats::top_indices(scores_slice, cfg.top_k),
        };
        (threshold, top)
    });
    let priority = stats::priority_indices(scores_slice, threshold);
    Outcome {
        scores,
        plot_x,
        threshold,
        priority,
        top,
    }
}

/// Runs this large use both cores for folding and ranking; smaller ones stay on one.
const PARALLEL_FROM: usize = 1 << 17;

/// Adds `weight * column` to the score, as numpy's left-to-right sum does. The first term
/// is `w * x` itself: adding it to 0.0 would turn -0.0 into +0.0. Each element is
/// independent, so a large column is folded in two halves at once.
fn fold(scores: &mut Array1<f64>, column: &Array1<f64>, weight: f64, first: bool) {
    let one = |s: ndarray::ArrayViewMut1<f64>, c: ndarray::ArrayView1<f64>| {
        let zip = ndarray::Zip::from(s).and(c);
        if first {
            zip.for_each(|s, &x| *s = weight * x);
        } else {
            zip.for_each(|s, &x| *s += weight * x);
        }
    };
    let n = scores.len();
    if n < PARALLEL_FROM {
        return one(scores.view_mut(), column.view());
    }
    let (s0, s1) = scores.view_mut().split_at(ndarray::Axis(0), n / 2);
    let (c0, c1) = column.view().split_at(ndarray::Axis(0), n / 2);
    std::thread::scope(|scope| {
        scope.spawn(|| one(s1, c1));
        one(s0, c0);
    });
}

/// Draws one feature's column in order (on all cores, bit for bit as one loop would),
/// dispatching on the distribution once, outside the loop.
fn draw_into(dist: &Distribution, rng: &mut Pcg64, out: &mut [f64]) {
    match *dist {
        // Equal shapes pair up two identically drawn gammas: see numpy::pairs.
        Distribution::Beta { a, b } if a == b && a > 1.0 => {
            pairs::fill(&Gamma::new(a, 1.0), rng, out)
        }
        Distribution::Beta { a, b } => column::fill(&Beta::new(a, b), rng, out),
        Distribution::Uniform { low, high } => column::fill(&Uniform::new(low, high), rng, out),
        Distribution::Normal { mean, sd } => column::fill(&Normal::new(mean, sd), rng, out),
        Distribution::Gamma { shape, scale } => column::fill(&Gamma::new(shape, scale), rng, out),
    }
}

/// Draws `n` variates of one distribution from a fresh `default_rng(seed)`, as
/// `rng.<dist>(..., size=n)` does. For parity tests and the examples.
pub fn draw_column(dist: &Distribution, seed: u128, n: usize) -> Array1<f64> {
    let mut rng = numpy::default_rng(seed);
    let mut column = Array1::<f64>::zeros(n);
    draw_into(dist, &mut rng, column.as_slice_mut().expect("contiguous"));
    column
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_is_the_handout() {
        let out = simulate(&RunConfig::from_lab(Lab::module2()), false);
        assert_eq!(out.priority.len(), 20);
        assert_eq!(out.threshold, 0.4501860567503254);
        assert_eq!(out.top, vec![70, 55, 56, 14, 16]);
    }

    #[test]
    fn plot_column_is_the_plotted_feature_and_does_not_change_scores() {
        let cfg = RunConfig::from_lab(Lab::module2());
        let with = simulate(&cfg, true);
        let without = simulate(&cfg, false);
        assert_eq!(with.scores, without.scores);
        let severity = Distribution::Beta { a: 2.5, b: 2.5 };
        let x = with.plot_x.expect("kept");
        // The severity column is the second one drawn, so it differs from a fresh first draw.
        assert_ne!(x, draw_column(&severity, 2, 96));
        assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
    }

    #[test]
    fn threshold_cut_flags_scores_at_or_above_it() {
        let mut cfg = RunConfig::from_lab(Lab::module2());
        cfg.cut = Cut::Threshold(0.5);
        let out = simulate(&cfg, false);
        assert_eq!(out.threshold, 0.5);
        let expected = out.scores.iter().filter(|&&s| s >= 0.5).count();
        assert_eq!(out.priority.len(), expected);
    }
}
