//! The threshold sweep: many cuts over one scored population, sorted once. Each row is
//! what a run at that cut would report: the threshold, the review queue's size and, with
//! labels, the confusion counts and rates (the same definitions as [`crate::detect`]).

use crate::detect::{Curve, PrCurve, RocCurve};
use crate::stats::quantile_sorted_descending;
use serde::Serialize;

/// Identifies a sweep document (`sweep --format json`).
pub(crate) const SWEEP_FORMAT: &str = "anomaly-lab/sweep";

/// The cuts to try.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cuts {
    Quantiles(Vec<f64>),
    Thresholds(Vec<f64>),
}

/// One cut's numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Row {
    /// The quantile asked for; null for an absolute threshold.
    pub quantile: Option<f64>,
    pub threshold: f64,
    /// Cases at or above the threshold: the review queue.
    pub priority_count: u64,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub detection: Option<RowDetection>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct RowDetection {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub fpr: f64,
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
}

/// The population, sorted once: every score and the threats' scores, highest first.
#[derive(Clone, Debug)]
pub(crate) struct Sorted {
    pub all: Vec<f64>,
    pub threats: Option<Vec<f64>>,
}

impl Sorted {
    pub(crate) fn new(scores: &[f64], labels: Option<&[bool]>) -> Sorted {
        match labels {
            Some(labels) => {
                let (all, threats) = crate::detect::sorted_descending(scores, labels);
                Sorted {
                    all,
                    threats: Some(threats),
                }
            }
            None => {
                let mut all = scores.to_vec();
                crate::stats::sort_ascending(&mut all);
                all.reverse();
                Sorted { all, threats: None }
            }
        }
    }

    /// How many of `desc` (sorted descending) are >= t.
    fn at_or_above(desc: &[f64], t: f64) -> u64 {
        desc.partition_point(|&s| s >= t) as u64
    }

    /// One row for a threshold (and the quantile it came from).
    pub(crate) fn row(&self, quantile: Option<f64>, threshold: f64) -> Row {
        let flagged = Self::at_or_above(&self.all, threshold);
        let detection = self.threats.as_ref().map(|threats| {
            let positives = threats.len() as u64;
            let negatives = self.all.len() as u64 - positives;
            let tp = Self::at_or_above(threats, threshold);
            let fp = flagged - tp;
            let fn_ = positives - tp;
            let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
            RowDetection {
                precision: ratio(tp, flagged),
                recall: ratio(tp, positives),
                f1: ratio(2 * tp, 2 * tp + fp + fn_),
                fpr: ratio(fp, negatives),
                tp,
                fp,
                fn_,
            }
        });
        Row {
            quantile,
            threshold,
            priority_count: flagged,
            detection,
        }
    }

    /// Every cut's row, in the order given. A quantile's threshold is `np.quantile`'s.
    pub(crate) fn rows(&self, cuts: &Cuts) -> Vec<Row> {
        match cuts {
            Cuts::Quantiles(qs) => qs
                .iter()
                .map(|&q| self.row(Some(q), quantile_sorted_descending(&self.all, q)))
                .collect(),
            Cuts::Thresholds(ts) => ts.iter().map(|&t| self.row(None, t)).collect(),
        }
    }

    /// The threshold-free curves, where there are labels.
    pub(crate) fn curves(&self) -> Option<Curves> {
        let threats = self.threats.as_ref()?;
        let curve = Curve::from_sorted(&self.all, threats);
        Some(Curves {
            pr_curve: curve.pr_curve(),
            roc_curve: curve.roc_curve(),
            average_precision: curve.average_precision(),
            roc_auc: curve.roc_auc(),
        })
    }
}

/// scikit-learn's curves and their areas.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Curves {
    pub pr_curve: PrCurve,
    pub roc_curve: RocCurve,
    pub average_precision: f64,
    pub roc_auc: Option<f64>,
}

/// Parses `--quantiles`: a comma list (0.5,0.8,0.9) or start:stop:step (0.5:0.99:0.01,
/// stop included when a step lands on it). Values are rounded to the decimals written, so
/// 0.01 steps give 0.07, not 0.07000000000000001.
pub(crate) fn parse_list(
    s: &str,
    what: &str,
    bounds: Option<(f64, f64)>,
) -> Result<Vec<f64>, String> {
    let number = |t: &str| -> Result<f64, String> {
        let t = t.trim();
        let v: f64 = t.parse().map_err(|_| format!("{t:?} is not a number"))?;
        if !v.is_finite() {
            return Err(format!("{t} is not a finite number"));
        }
        if let Some((lo, hi)) = bounds {
            if !(lo..=hi).contains(&v) {
                return Err(format!("{v} is outside [{lo}, {hi}]"));
            }
        }
        Ok(v)
    };
    // The decimals a number is written with: 0.25 has 2, 1.25e-5 has 7, 1.7e308 none.
    let decimals = |t: &str| -> i64 {
        let t = t.trim().to_ascii_lowercase();
        let (mantissa, exponent) = t
            .split_once('e')
            .map_or((t.as_str(), 0), |(m, e)| (m, e.parse::<i64>().unwrap_or(0)));
        let fraction = mantissa.split_once('.').map_or(0, |(_, d)| d.len());
        (i64::try_from(fraction).unwrap_or(i64::MAX))
            .saturating_sub(exponent)
            .max(0)
    };
    let values = if let Some((start, rest)) = s.split_once(':') {
        let (stop, step) = rest
            .split_once(':')
            .ok_or_else(|| format!("{s:?} is not START:STOP:STEP (e.g. 0.5:0.99:0.01)"))?;
        let (a, b, h) = (
            number(start)?,
            number(stop)?,
            step.trim()
                .parse::<f64>()
                .map_err(|_| format!("step {step:?} is not a number"))?,
        );
        if !(h > 0.0 && h.is_finite()) {
            return Err(format!(
                "the step must be greater than 0, got {}",
                step.trim()
            ));
        }
        if b < a {
            return Err(format!(
                "stop {} is below start {}",
                crate::readable::number(b),
                crate::readable::number(a)
            ));
        }
        // In floating point first: a tiny step must not wrap. A range wider than f64::MAX
        // (stop - start overflows) is measured in steps from each end instead.
        let wide = !(b - a).is_finite();
        let steps = if wide { b / h - a / h } else { (b - a) / h };
        let count = (steps + 1e-9).floor() + 1.0;
        if count.is_nan() || count > 100_000.0 {
            let many = if count.is_finite() {
                crate::readable::number(count)
            } else {
                "more than 1.8e308".into()
            };
            return Err(format!("{many} {what}s is too many; at most 100,000"));
        }
        let count = count as u64;
        let places = decimals(start).max(decimals(step));
        (0..count)
            .map(|i| {
                // Halved where the range is wider than the largest double: h * i may be too.
                let v = if wide {
                    (a / 2.0 + h / 2.0 * i as f64) * 2.0
                } else {
                    a + h * i as f64
                };
                match usize::try_from(places) {
                    Ok(places) if places <= 15 => {
                        format!("{v:.places$}").parse::<f64>().unwrap_or(v)
                    }
                    _ => round_significant(v, places),
                }
            })
            .collect()
    } else {
        s.split(',').map(number).collect::<Result<Vec<_>, _>>()?
    };
    if values.is_empty() {
        return Err(format!("no {what}s given"));
    }
    Ok(values)
}

/// `v` rounded to `places` decimals (more than 15) as significant digits: the fixed form
/// would need more digits than a double holds. Unchanged where that is more than 17.
fn round_significant(v: f64, places: i64) -> f64 {
    let shown = format!("{v:e}");
    let Some(exponent) = shown
        .split_once('e')
        .and_then(|(_, e)| e.parse::<i64>().ok())
    else {
        return v;
    };
    match usize::try_from(places.saturating_add(exponent)) {
        Ok(digits) if digits <= 17 => format!("{v:.digits$e}").parse().unwrap_or(v),
        Ok(_) => v,
        // Below the last decimal written: nothing but rounding noise.
        Err(_) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_too_fine_or_too_wide_are_too_many() {
        for (range, bounds) in [
            ("0:1:1e-300", Some((0.0, 1.0))),
            ("-1.7e308:1.7e308:1e300", None),
            ("0:1:0.000001", Some((0.0, 1.0))),
        ] {
            let err = parse_list(range, "quantile", bounds).unwrap_err();
            assert!(err.contains("too many"), "{range}: {err}");
        }
    }

    /// A range wider than the largest double (stop - start overflows) is counted in steps,
    /// not refused as endless.
    #[test]
    fn ranges_past_the_largest_double_are_counted() {
        let ts = parse_list("-1.7e308:1.7e308:1e308", "threshold", None).unwrap();
        // Steps of 1e308 from -1.7e308, as the arithmetic rounds them.
        let expected = [-1.7e308, -0.7e308, 0.3e308, 1.3e308];
        assert_eq!(ts.len(), expected.len());
        for (t, e) in ts.iter().zip(expected) {
            assert!((t - e).abs() <= e.abs() * 1e-15, "{t} against {e}");
        }
        let ts = parse_list("-1e308:1e308:1e306", "threshold", None).unwrap();
        assert_eq!((ts.len(), ts[0], ts[200]), (201, -1e308, 1e308));
    }

    /// Numbers in exponent notation are rounded to the decimals they stand for, and tiny
    /// ones (past a double's 15 decimals) are not rounded away.
    #[test]
    fn ranges_in_exponent_notation_keep_their_values() {
        let ts = parse_list("1.25e-5:1.5e-5:1e-6", "threshold", None).unwrap();
        assert_eq!(ts, [0.0000125, 0.0000135, 0.0000145]);
        let ts = parse_list("1e-20:3e-20:1e-20", "threshold", None).unwrap();
        assert_eq!(ts, [1e-20, 2e-20, 3e-20]);
        let qs = parse_list("5E-1:7e-1:1E-1", "quantile", Some((0.0, 1.0))).unwrap();
        assert_eq!(qs, [0.5, 0.6, 0.7]);
    }

    #[test]
    fn ranges_round_to_the_decimals_written() {
        let qs = parse_list("0.01:0.99:0.01", "quantile", Some((0.0, 1.0))).unwrap();
        assert_eq!(qs.len(), 99);
        assert_eq!(qs[6], 0.07);
        assert_eq!(qs[98], 0.99);
        assert_eq!(
            parse_list("0.5, 0.9", "quantile", None).unwrap(),
            [0.5, 0.9]
        );
        assert!(parse_list("0.5:0.1:0.1", "quantile", None).is_err());
        assert!(parse_list("0.5:0.9:0", "quantile", None).is_err());
        assert!(parse_list("1.5", "quantile", Some((0.0, 1.0))).is_err());
        assert!(parse_list("0.1,,0.2", "quantile", None).is_err());
    }

    #[test]
    fn rows_count_the_queue_and_the_threats() {
        let scores = [0.9, 0.5, 0.5, 0.1];
        let labels = [true, false, true, false];
        let sorted = Sorted::new(&scores, Some(&labels));
        let row = sorted.row(None, 0.5);
        assert_eq!(row.priority_count, 3);
        let d = row.detection.unwrap();
        assert_eq!((d.tp, d.fp, d.fn_), (2, 1, 0));
        let rows = sorted.rows(&Cuts::Quantiles(vec![0.0, 1.0]));
        assert_eq!(rows[0].threshold, 0.1);
        assert_eq!(rows[1].priority_count, 1);
    }
}
