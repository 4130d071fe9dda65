//! Average precision and ROC AUC straight from the sorted scores, without the curve: a run
//! over millions of distinct scores would otherwise hold a curve point (three doubles) per
//! score. The points are walked in the order scikit-learn sums them, and summed with numpy's
//! pairwise summation as a stream, so each area is the same double [`Curve`] gives.

use super::Curve;
use crate::numpy::reduce::pairwise_sum_in_order;

/// The two areas a run reports.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Areas {
    pub average_precision: f64,
    /// None unless there are threats and benign cases.
    pub roc_auc: Option<f64>,
}

impl Curve {
    /// This curve's areas.
    pub fn areas(&self) -> Areas {
        Areas {
            average_precision: self.average_precision(),
            roc_auc: self.roc_auc(),
        }
    }
}

/// The curve's points, (tps, fps) at each distinct score, highest score first, from every
/// score and the threats' scores sorted descending (as [`Curve::from_sorted`] makes them).
fn points_down<'a>(all: &'a [f64], threats: &'a [f64]) -> impl Iterator<Item = (f64, f64)> + 'a {
    let (mut i, mut t) = (0, 0);
    std::iter::from_fn(move || {
        let value = *all.get(i)?;
        // == merges -0.0 with +0.0, as np.diff(y_score) != 0 does.
        while i < all.len() && all[i] == value {
            i += 1;
        }
        while t < threats.len() && threats[t] >= value {
            t += 1;
        }
        Some((t as f64, (i - t) as f64))
    })
}

/// The same points, lowest score first: a point still counts every case at or above it.
fn points_up<'a>(all: &'a [f64], threats: &'a [f64]) -> impl Iterator<Item = (f64, f64)> + 'a {
    let (mut i, mut t) = (all.len(), threats.len());
    std::iter::from_fn(move || {
        let value = *all[..i].last()?;
        while t > 0 && threats[t - 1] < value {
            t -= 1;
        }
        let point = (t as f64, (i - t) as f64);
        while i > 0 && all[i - 1] == value {
            i -= 1;
        }
        Some(point)
    })
}

impl Areas {
    /// The areas of the curve of `all` scores and the `threats`' scores, both sorted
    /// descending, as [`Curve::from_sorted`] then [`Curve::areas`] give them.
    pub fn of_sorted(all: &[f64], threats: &[f64]) -> Areas {
        let total = threats.len() as f64;
        let benign = (all.len() - threats.len()) as f64;
        let points = points_down(all, threats).count();
        Areas {
            average_precision: average_precision(all, threats, points, total),
            roc_auc: (total > 0.0 && benign > 0.0).then(|| roc_auc(all, threats, total, benign)),
        }
    }
}

/// `-sum(diff(recall) * precision[:-1])` over the points lowest score first, then the
/// (precision 1, recall 0) end point; clipped at 0.
fn average_precision(all: &[f64], threats: &[f64], points: usize, total: f64) -> f64 {
    let precision = |(tp, fp): (f64, f64)| if tp + fp == 0.0 { 0.0 } else { tp / (tp + fp) };
    let recall = |(tp, _): (f64, f64)| if total == 0.0 { 1.0 } else { tp / total };
    let mut walk = points_up(all, threats).map(|p| (precision(p), recall(p)));
    let mut here = walk.next();
    let area = -pairwise_sum_in_order(points, &mut || {
        let (p, r) = here.unwrap_or((1.0, 0.0));
        here = walk.next();
        let next_recall = here.map_or(0.0, |(_, r)| r);
        (next_recall - r) * p
    });
    if area > 0.0 { area } else { 0.0 }
}

/// The trapezoids under (fpr, tpr) from (0, 0) through the points highest score first,
/// keeping only those where the curve bends (`drop_intermediate`; the first and last
/// points, which have no neighbour on one side, are always kept).
fn roc_auc(all: &[f64], threats: &[f64], total: f64, benign: f64) -> f64 {
    let kept = || {
        let mut before: Option<(f64, f64)> = None;
        let mut walk = points_down(all, threats).peekable();
        std::iter::from_fn(move || {
            loop {
                let here = walk.next()?;
                let around = before.zip(walk.peek().copied());
                before = Some(here);
                let bends = |pick: fn((f64, f64)) -> f64| {
                    around
                        .is_none_or(|(b, a)| (pick(a) - pick(here)) - (pick(here) - pick(b)) != 0.0)
                };
                if bends(|p| p.1) || bends(|p| p.0) {
                    return Some((here.1 / benign, here.0 / total));
                }
            }
        })
    };
    let n = kept().count();
    let mut walk = kept();
    let mut here = (0.0, 0.0);
    pairwise_sum_in_order(n, &mut || {
        let (x0, y0) = here;
        here = walk.next().unwrap_or(here);
        (here.0 - x0) * (here.1 + y0) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn curve_and_sorted(cases: &[(u16, bool)]) -> (Curve, Vec<f64>, Vec<f64>) {
        // Up to 600 distinct scores (past numpy's 128-term block), with ties and -0.0
        // beside +0.0.
        let scores: Vec<f64> = cases
            .iter()
            .map(|&(s, _)| {
                if s == 0 {
                    -0.0
                } else {
                    f64::from(s % 600) / 7.0 - 30.0
                }
            })
            .collect();
        let labels: Vec<bool> = cases.iter().map(|&(_, l)| l).collect();
        let (all, threats) = super::super::sorted_descending(&scores, &labels);
        (Curve::from_sorted(&all, &threats), all, threats)
    }

    #[test]
    fn areas_of_a_small_curve() {
        let (curve, all, threats) =
            curve_and_sorted(&[(3, true), (5, false), (5, true), (1, false), (8, false)]);
        assert_eq!(Areas::of_sorted(&all, &threats), curve.areas());
        assert!(curve.areas().roc_auc.is_some());
    }

    proptest! {
        #[test]
        fn the_streamed_areas_are_the_curves_to_the_bit(
            cases in proptest::collection::vec((any::<u16>(), any::<bool>()), 1..2000),
        ) {
            let (curve, all, threats) = curve_and_sorted(&cases);
            let streamed = Areas::of_sorted(&all, &threats);
            let reference = curve.areas();
            prop_assert_eq!(
                streamed.average_precision.to_bits(),
                reference.average_precision.to_bits()
            );
            prop_assert_eq!(
                streamed.roc_auc.map(f64::to_bits),
                reference.roc_auc.map(f64::to_bits)
            );
        }
    }
}
