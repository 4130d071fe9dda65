//! Putting a feature on a common scale, fitted on the population exactly as numpy computes
//! `x.mean()`, `x.std()`, `x.min()` and `x.max()`, then applied one value at a time, so a
//! single case's scaled value (for explanations) equals the column's to the last bit.

use crate::lab::Scale;
use crate::numpy::reduce;

/// A scale fitted to one column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fitted {
    None,
    /// `(x - mean) / std`.
    Zscore {
        mean: f64,
        std: f64,
    },
    /// `(x - min) / (max - min)`.
    Minmax {
        min: f64,
        range: f64,
    },
}

impl Fitted {
    /// Fits `scale` to `column`. A feature that does not vary cannot be scaled: numpy would
    /// divide by zero and every score would be NaN.
    pub fn fit(scale: Scale, column: &[f64]) -> Result<Fitted, String> {
        let fitted = match scale {
            Scale::None => return Ok(Fitted::None),
            Scale::Zscore => Fitted::Zscore {
                mean: reduce::mean(column),
                std: reduce::std(column),
            },
            Scale::Minmax => {
                let min = column.iter().copied().fold(f64::INFINITY, f64::min);
                let max = column.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                Fitted::Minmax {
                    min,
                    range: max - min,
                }
            }
        };
        let spread = match fitted {
            Fitted::Zscore { std, .. } => std,
            Fitted::Minmax { range, .. } => range,
            Fitted::None => 1.0,
        };
        if spread > 0.0 && spread.is_finite() {
            Ok(fitted)
        } else if !spread.is_finite() {
            Err(format!(
                "its values overflow ({} is {spread}): they reach past 1.8e308, the largest \
                 double; it needs smaller values (for generated cases, smaller distribution \
                 parameters)",
                spread_name(&fitted)
            ))
        } else {
            Err(format!(
                "it has no usable spread in this population ({} is {spread}), so it cannot be \
                 scaled; use scale = \"none\", more cases or a distribution that varies",
                spread_name(&fitted)
            ))
        }
    }

    /// The value the score uses for a raw value `x`.
    #[inline]
    pub fn apply(&self, x: f64) -> f64 {
        match *self {
            Fitted::None => x,
            Fitted::Zscore { mean, std } => (x - mean) / std,
            Fitted::Minmax { min, range } => (x - min) / range,
        }
    }

    /// Scales a whole column in place.
    pub fn apply_all(&self, column: &mut [f64]) {
        if *self != Fitted::None {
            column.iter_mut().for_each(|x| *x = self.apply(*x));
        }
    }
}

/// What a fitted scale divides by, as a message names it.
fn spread_name(fitted: &Fitted) -> &'static str {
    if matches!(fitted, Fitted::Zscore { .. }) {
        "its standard deviation"
    } else {
        "max - min"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zscore_and_minmax_of_a_known_column() {
        let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let z = Fitted::fit(Scale::Zscore, &x).unwrap();
        assert_eq!(z.apply(9.0), 2.0);
        let m = Fitted::fit(Scale::Minmax, &x).unwrap();
        assert_eq!((m.apply(2.0), m.apply(9.0)), (0.0, 1.0));
        assert_eq!(Fitted::fit(Scale::None, &x).unwrap().apply(4.5), 4.5);
    }

    #[test]
    fn a_constant_column_is_refused() {
        let err = Fitted::fit(Scale::Zscore, &[3.0, 3.0]).unwrap_err();
        assert!(err.contains("no usable spread"), "{err}");
        assert!(Fitted::fit(Scale::Minmax, &[1.0]).is_err());
        let err = Fitted::fit(Scale::Zscore, &[1.0, f64::INFINITY]).unwrap_err();
        assert!(err.contains("overflow"), "{err}");
        let err = Fitted::fit(Scale::Minmax, &[-1e308, 1e308]).unwrap_err();
        assert!(err.contains("overflow"), "{err}");
    }
}
