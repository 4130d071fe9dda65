//! Judging a detector against ground truth: the confusion counts at the run's cut and the
//! threshold-free curves, each equal to scikit-learn's to the last bit.
//!
//! scikit-learn's arithmetic is followed exactly: the curves merge tied scores into one
//! point (`_binary_clf_curve`), average precision is `-np.sum(np.diff(recall) *
//! precision[:-1])` and ROC AUC `np.trapezoid` over the `drop_intermediate` ROC curve, both
//! summed with numpy's pairwise summation ([`crate::numpy::reduce`]).

mod areas;

use crate::numpy::reduce::pairwise_sum;
pub use areas::Areas;
use serde::{Deserialize, Serialize};

/// The detection metrics of one run, as the run's JSON `detection` object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detection {
    /// Threats flagged (true positives).
    pub tp: u64,
    /// Benign cases flagged (false alarms).
    pub fp: u64,
    /// Threats not flagged (misses).
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// Benign cases not flagged.
    pub tn: u64,
    /// tp / (tp + fp): of the alerts, the share that are threats (0 with no alerts).
    pub precision: f64,
    /// tp / (tp + fn): of the threats, the share flagged (0 with no threats).
    pub recall: f64,
    /// 2 tp / (2 tp + fp + fn), the harmonic mean of the two (0 when tp = 0).
    pub f1: f64,
    /// fp / (fp + tn): of the benign cases, the share flagged (0 with no benign cases).
    pub fpr: f64,
    /// Of the top K cases by score, the share that are threats (0 when K = 0).
    pub precision_at_k: f64,
    /// The K of `precision_at_k`: the length of the run's top list.
    pub k: usize,
    /// Area under the precision-recall curve, over all scores (0 without threats, as
    /// scikit-learn returns).
    pub average_precision: f64,
    /// Area under the ROC curve, over all scores; null unless there are threats and
    /// benign cases.
    pub roc_auc: Option<f64>,
}

/// `zero_division=0` division, as scikit-learn's scores with that setting.
fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// The four counts at a cut: (tp, fp, fn, tn).
pub fn confusion(flagged: &[bool], labels: &[bool]) -> (u64, u64, u64, u64) {
    confusion_of(flagged.iter().copied(), labels)
}

/// [`confusion`] with the cases at or above `threshold` flagged.
pub fn confusion_at(scores: &[f64], threshold: f64, labels: &[bool]) -> (u64, u64, u64, u64) {
    confusion_of(scores.iter().map(|&s| s >= threshold), labels)
}

fn confusion_of(flagged: impl Iterator<Item = bool>, labels: &[bool]) -> (u64, u64, u64, u64) {
    let mut c = [0u64; 4];
    for (f, &l) in flagged.zip(labels) {
        c[usize::from(!l) + 2 * usize::from(!f)] += 1;
    }
    // c[0]: flagged threat, c[1]: flagged benign, c[2]: missed threat, c[3]: benign unflagged.
    (c[0], c[1], c[2], c[3])
}

impl Detection {
    /// The metrics from the counts at the cut, the threats among the top K, and the
    /// curve's areas.
    pub fn new(counts: (u64, u64, u64, u64), top_threats: u64, k: usize, areas: Areas) -> Self {
        let (tp, fp, fn_, tn) = counts;
        Detection {
            tp,
            fp,
            fn_,
            tn,
            precision: ratio(tp, tp + fp),
            recall: ratio(tp, tp + fn_),
            f1: ratio(2 * tp, 2 * tp + fp + fn_),
            fpr: ratio(fp, fp + tn),
            precision_at_k: ratio(top_threats, k as u64),
            k,
            average_precision: areas.average_precision,
            roc_auc: areas.roc_auc,
        }
    }
}

/// Every score and the threats' scores, each sorted descending.
pub fn sorted_descending(scores: &[f64], labels: &[bool]) -> (Vec<f64>, Vec<f64>) {
    let all = crate::stats::sorted_descending(scores.to_vec());
    let threats: Vec<f64> = scores
        .iter()
        .zip(labels)
        .filter_map(|(&s, &l)| l.then_some(s))
        .collect();
    (all, crate::stats::sorted_descending(threats))
}

/// scikit-learn's `_binary_clf_curve`: one point per distinct score, highest first, with
/// the threats (`tps`) and benign cases (`fps`) scoring at or above it.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    pub tps: Vec<f64>,
    pub fps: Vec<f64>,
    pub thresholds: Vec<f64>,
}

/// scikit-learn's `precision_recall_curve` or `roc_curve` output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PrCurve {
    pub precision: Vec<f64>,
    pub recall: Vec<f64>,
    pub thresholds: Vec<f64>,
}

/// `roc_curve`; `thresholds[0]` is +inf in scikit-learn and is written as JSON null.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RocCurve {
    pub fpr: Vec<f64>,
    pub tpr: Vec<f64>,
    pub thresholds: Vec<Option<f64>>,
}

impl Curve {
    /// The curve of `scores` (finite) against their labels. Sorts a copy of the scores and
    /// of the threats' scores, then merges equal scores into one point.
    pub fn new(scores: &[f64], labels: &[bool]) -> Curve {
        let (all, threats) = sorted_descending(scores, labels);
        Curve::from_sorted(&all, &threats)
    }

    /// The curve from every score and the threats' scores, both sorted descending.
    pub fn from_sorted(all: &[f64], threats: &[f64]) -> Curve {
        let mut curve = Curve {
            tps: Vec::new(),
            fps: Vec::new(),
            thresholds: Vec::new(),
        };
        let (mut i, mut t) = (0, 0);
        while i < all.len() {
            let value = all[i];
            // == merges -0.0 with +0.0, as np.diff(y_score) != 0 does.
            while i < all.len() && all[i] == value {
                i += 1;
            }
            while t < threats.len() && threats[t] >= value {
                t += 1;
            }
            curve.tps.push(t as f64);
            curve.fps.push((i - t) as f64);
            curve.thresholds.push(value);
        }
        curve
    }

    fn threats(&self) -> f64 {
        self.tps.last().copied().unwrap_or(0.0)
    }

    fn benign(&self) -> f64 {
        self.fps.last().copied().unwrap_or(0.0)
    }

    /// `precision_recall_curve`: lowest threshold first, then the (1, 0) end point.
    pub fn pr_curve(&self) -> PrCurve {
        let total = self.threats();
        let mut precision: Vec<f64> = self
            .tps
            .iter()
            .zip(&self.fps)
            .rev()
            .map(|(&tp, &fp)| if tp + fp == 0.0 { 0.0 } else { tp / (tp + fp) })
            .collect();
        let mut recall: Vec<f64> = self
            .tps
            .iter()
            .rev()
            .map(|&tp| if total == 0.0 { 1.0 } else { tp / total })
            .collect();
        precision.push(1.0);
        recall.push(0.0);
        PrCurve {
            precision,
            recall,
            thresholds: self.thresholds.iter().rev().copied().collect(),
        }
    }

    /// `average_precision_score`: `max(0.0, -np.sum(np.diff(recall) * precision[:-1]))`
    /// (the max clips a -0.0).
    pub fn average_precision(&self) -> f64 {
        let pr = self.pr_curve();
        let (p, r) = (&pr.precision, &pr.recall);
        let area = -pairwise_sum(r.len() - 1, &|i| (r[i + 1] - r[i]) * p[i]);
        if area > 0.0 { area } else { 0.0 }
    }

    /// `roc_curve` with `drop_intermediate=True`: points where the curve does not bend
    /// are dropped, then (0, 0) is put first at threshold +inf.
    pub fn roc_curve(&self) -> RocCurve {
        let m = self.tps.len();
        let keep: Vec<usize> = (0..m)
            .filter(|&i| {
                let bends = |v: &[f64]| (v[i + 1] - v[i]) - (v[i] - v[i - 1]) != 0.0;
                m <= 2 || i == 0 || i == m - 1 || bends(&self.fps) || bends(&self.tps)
            })
            .collect();
        let (fp_total, tp_total) = (self.benign(), self.threats());
        let rate = |v: f64, total: f64| if total > 0.0 { v / total } else { f64::NAN };
        let mut fpr = vec![rate(0.0, fp_total)];
        let mut tpr = vec![rate(0.0, tp_total)];
        let mut thresholds = vec![None];
        for &i in &keep {
            fpr.push(rate(self.fps[i], fp_total));
            tpr.push(rate(self.tps[i], tp_total));
            thresholds.push(Some(self.thresholds[i]));
        }
        RocCurve {
            fpr,
            tpr,
            thresholds,
        }
    }

    /// `roc_auc_score`; None unless there are threats and benign cases.
    pub fn roc_auc(&self) -> Option<f64> {
        if self.threats() == 0.0 || self.benign() == 0.0 {
            return None;
        }
        let roc = self.roc_curve();
        let (x, y) = (&roc.fpr, &roc.tpr);
        Some(pairwise_sum(x.len() - 1, &|i| {
            (x[i + 1] - x[i]) * (y[i + 1] + y[i]) / 2.0
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_form_one_point() {
        let c = Curve::new(&[0.9, 0.5, 0.5, 0.1], &[true, false, true, false]);
        assert_eq!(c.thresholds, [0.9, 0.5, 0.1]);
        assert_eq!(c.tps, [1.0, 2.0, 2.0]);
        assert_eq!(c.fps, [0.0, 1.0, 2.0]);
    }

    #[test]
    fn confusion_counts_each_cell() {
        let flagged = [true, true, false, false, true];
        let labels = [true, false, true, false, true];
        assert_eq!(confusion(&flagged, &labels), (2, 1, 1, 1));
    }

    #[test]
    fn perfect_and_no_threat_detectors() {
        let c = Curve::new(&[0.9, 0.8, 0.1], &[true, true, false]);
        assert_eq!(c.average_precision(), 1.0);
        assert_eq!(c.roc_auc(), Some(1.0));
        let none = Curve::new(&[0.9, 0.8], &[false, false]);
        assert_eq!((none.average_precision(), none.roc_auc()), (0.0, None));
    }
}
