//! numpy's `random_standard_gamma`, split by shape once, with one addition that changes no
//! bit: a second squeeze for Marsaglia and Tsang's method.
//!
//! For shape > 1 numpy accepts a candidate when `u < 1 - 0.0331 x^4` and otherwise decides
//! with two logarithms, `ln u < x^2/2 + b (1 - v + ln v)`. That first squeeze misses about
//! one candidate in twelve, and each miss costs two `ln` calls and a mispredicted branch.
//! The second squeeze (`second_squeeze`, tested as [`second_squeeze_scaled`]) is a lower
//! bound of the accepted region tight enough to leave the logarithms only the rejections
//! and about 1% more. Wherever it
//! accepts, numpy's log test accepts too, as computed (see its proof), so the same draws
//! give the same variates. It is tested first, alone (one compare and one well-predicted
//! branch a candidate); numpy's own squeeze and logarithms decide the few it leaves.

use super::ziggurat::{standard_exponential, standard_normal};
use super::{TWO_53, next_double, top_53_bits};
use rand::Rng;

/// How a shape is drawn, with the constants numpy derives from it precomputed: the same
/// IEEE operations on the same inputs, done once instead of per draw. (numpy's shape 0,
/// always 0.0, is not a shape the constructors accept.)
#[derive(Clone, Copy, Debug)]
pub(super) enum GammaMethod {
    Exponential,
    /// shape < 1: rejection from the exponential. `inv` is `1. / shape`.
    Small {
        shape: f64,
        inv: f64,
    },
    /// shape > 1: Marsaglia and Tsang, `b = shape - 1/3`, `c = 1 / sqrt(9 b)`; `k` is the
    /// second squeeze's coefficient (see `second_squeeze`).
    Squeeze {
        b: f64,
        c: f64,
        k: f64,
    },
}

/// Above this `b` the second squeeze is off: its margin covers the rounding of numpy's
/// test only while `b` is moderate (the terms of `b (1 - v + ln v)` grow as `sqrt(b)`).
const SECOND_SQUEEZE_MAX_B: f64 = 1e6;

/// How far inside the proven bound the second squeeze stays. The rounding of both sides
/// of numpy's test is at most a few 1e-12 (|x| < 14, the normal's farthest tail, and
/// b <= 1e6; the tests find 1e-13 too small at b = 1e6); 1e-9 is far above that, and
/// sends about one candidate in a billion more to the logarithms.
const MARGIN: f64 = 1e-9;

impl GammaMethod {
    pub(super) fn new(shape: f64) -> GammaMethod {
        if shape == 1.0 {
            GammaMethod::Exponential
        } else if shape < 1.0 {
            GammaMethod::Small {
                shape,
                inv: 1.0 / shape,
            }
        } else {
            let b = shape - 1.0 / 3.0;
            // An infinite `k` makes the bound -inf (or NaN at x = 0): it accepts nothing,
            // and numpy's own test decides.
            let k = if b <= SECOND_SQUEEZE_MAX_B {
                1.0 / (108.0 * b)
            } else {
                f64::INFINITY
            };
            GammaMethod::Squeeze {
                b,
                c: 1.0 / (9.0 * b).sqrt(),
                k,
            }
        }
    }
}

/// A `u` below which numpy's log test is sure to accept the candidate `x`, from `v0 = 1 +
/// c x` (before cubing) and `x4 = x^4`.
///
/// Why: with `t = v0 - 1`, the test's right side is `h = 3 b g(t)` where `g(t) = ln(1+t) -
/// t + t^2/2 - t^3/3` (the `x^2/2` cancels against `b`'s quadratic term since `9 b c^2 =
/// 1`). As `g' = -t^3 / (1+t)`, `-g(t) <= t^4 / (4 min(1+t, 1))` for every `t > -1`. With
/// `3 b t^4/4 = k x^4` (`k = 1/(108 b)`, up to rounding), `h >= -k x^4 / min(v0, 1)`. So if
/// `u < 1 - MARGIN - k x^4 / min(v0, 1)`, then `ln u <= u - 1 < h - MARGIN`, and the margin
/// absorbs every rounding in numpy's two sides: its computed test accepts as well.
/// (The sampler uses its scaled form, [`second_squeeze_scaled`]; the tests check the two
/// agree bit for bit.)
#[cfg(test)]
fn second_squeeze(k: f64, x4: f64, v0: f64) -> f64 {
    1.0 - MARGIN - k * x4 / v0.min(1.0)
}

/// `second_squeeze` times 2^53, computed on constants scaled by 2^53: each operation's
/// result is the unscaled one's times 2^53 exactly (a power of two changes no rounding,
/// and nothing here comes near overflow or the subnormals), so `m < scaled` is `m / 2^53
/// < second_squeeze`. An infinite `k` gives -inf or NaN, which accepts nothing.
#[inline(always)]
fn second_squeeze_scaled(k: f64, x4: f64, v0: f64) -> f64 {
    TWO_53 * (1.0 - MARGIN) - (TWO_53 * k) * x4 / v0.min(1.0)
}

#[inline(always)]
pub(super) fn standard_gamma<R: Rng + ?Sized>(method: GammaMethod, rng: &mut R) -> f64 {
    match method {
        GammaMethod::Exponential => standard_exponential(rng),
        GammaMethod::Small { shape, inv } => loop {
            let u = next_double(rng);
            let v = standard_exponential(rng);
            if u <= 1.0 - shape {
                let x = u.powf(inv);
                if x <= v {
                    return x;
                }
            } else {
                let y = -((1.0 - u) / shape).ln();
                let x = (1.0 - shape + shape * y).powf(inv);
                if x <= v + y {
                    return x;
                }
            }
        },
        GammaMethod::Squeeze { b, c, k } => loop {
            let (x, v0) = loop {
                let x = standard_normal(rng);
                let v = 1.0 + c * x;
                if v > 0.0 {
                    break (x, v);
                }
            };
            let v = v0 * v0 * v0;
            // numpy's u is `next_double`, m / 2^53 for the draw's top 53 bits m. The
            // second squeeze is tested on m against its bound scaled by 2^53, which scales
            // every rounding exactly: the same decision, one multiply fewer.
            let m = top_53_bits(rng);
            let x4 = (x * x) * (x * x);
            if m < second_squeeze_scaled(k, x4, v0) {
                return b * v;
            }
            // The rest of numpy's test, exactly as numpy rounds it: its own squeeze (which
            // accepts little the second one does not), then the logarithms. The order
            // does not matter: each part is a function of (x, u) alone.
            let u = m * (1.0 / TWO_53);
            if u < 1.0 - 0.0331 * (x * x) * (x * x) || log_test(u, x, v, b) {
                return b * v;
            }
        },
    }
}

/// numpy's exact acceptance test, reached by about 1-3% of candidates.
#[inline(always)]
fn log_test(u: f64, x: f64, v: f64, b: f64) -> bool {
    #[cfg(test)]
    LOG_TESTS.with(|n| n.set(n.get() + 1));
    u.ln() < 0.5 * x * x + b * (1.0 - v + v.ln())
}

#[cfg(test)]
thread_local! {
    /// How many candidates this thread sent to the logarithms (tests only).
    static LOG_TESTS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
mod tests;
