//! numpy's samplers behind rand's [`Distribution`] trait.
//!
//! Each `sample` is a line-for-line port of numpy 2.x `distributions.c`: same draws in the
//! same order, same floating-point operations in the same order, no fused multiply-add, and
//! std's `ln`/`ln_1p`/`exp`/`powf` (the platform libm, which numpy also calls).
//!
//! `sample` is always inlined: called out of line, the generator's 128-bit state goes
//! through memory on every draw, which measured about twice as slow.

use super::gamma::{GammaMethod, standard_gamma};
use super::next_double;
use super::param_rules::{ParamError, non_negative, positive, range};
use super::ziggurat::{standard_exponential, standard_normal};
use rand::Rng;
use rand::distr::Distribution;

/// Standard normal N(0, 1) by numpy's ziggurat (`random_standard_normal`).
#[derive(Clone, Copy, Debug, Default)]
pub struct StandardNormal;

/// Standard exponential Exp(1) by numpy's ziggurat (`random_standard_exponential_zig`).
#[derive(Clone, Copy, Debug, Default)]
pub struct StandardExponential;

/// Gamma(shape, scale) as `scale * random_standard_gamma(shape)`.
#[derive(Clone, Copy, Debug)]
pub struct Gamma {
    method: GammaMethod,
    scale: f64,
}

/// Beta(a, b) as numpy's `random_beta`: Johnk's method when both shapes are <= 1,
/// otherwise the ratio of two gammas.
#[derive(Clone, Copy, Debug)]
pub struct Beta {
    method: BetaMethod,
}

#[derive(Clone, Copy, Debug)]
enum BetaMethod {
    /// Both shapes below 3e-103: the variate is 0 or 1 to double precision.
    Degenerate { a: f64, b: f64 },
    /// Both shapes <= 1: Johnk's algorithm, with `1. / a` and `1. / b` precomputed.
    Johnk {
        a: f64,
        b: f64,
        inv_a: f64,
        inv_b: f64,
    },
    /// Otherwise Ga / (Ga + Gb).
    Gammas { a: GammaMethod, b: GammaMethod },
}

/// Normal(loc, scale) as `loc + scale * random_standard_normal()`.
#[derive(Clone, Copy, Debug)]
pub struct Normal {
    loc: f64,
    scale: f64,
}

/// Lognormal(mean, sigma) as `exp(random_normal(mean, sigma))`.
#[derive(Clone, Copy, Debug)]
pub struct Lognormal {
    normal: Normal,
}

/// Uniform[low, high) as `low + (high - low) * next_double()`.
#[derive(Clone, Copy, Debug)]
pub struct Uniform {
    low: f64,
    range: f64,
}

impl Gamma {
    /// Gamma(shape, scale) for a finite shape and scale greater than 0.
    pub fn new(shape: f64, scale: f64) -> Result<Self, ParamError> {
        Ok(Self {
            method: GammaMethod::new(positive("shape", shape)?),
            scale: positive("scale", scale)?,
        })
    }
}

impl Beta {
    /// Beta(a, b) for finite shapes greater than 0.
    pub fn new(a: f64, b: f64) -> Result<Self, ParamError> {
        let (a, b) = (positive("a", a)?, positive("b", b)?);
        let method = if a <= 1.0 && b <= 1.0 {
            if a < 3e-103 && b < 3e-103 {
                BetaMethod::Degenerate { a, b }
            } else {
                BetaMethod::Johnk {
                    a,
                    b,
                    inv_a: 1.0 / a,
                    inv_b: 1.0 / b,
                }
            }
        } else {
            BetaMethod::Gammas {
                a: GammaMethod::new(a),
                b: GammaMethod::new(b),
            }
        };
        Ok(Self { method })
    }
}

impl Normal {
    /// Normal(mean, sd) for a finite mean and sd 0 or more (numpy's `loc`, `scale`).
    pub fn new(mean: f64, sd: f64) -> Result<Self, ParamError> {
        Ok(Self {
            loc: super::param_rules::finite("mean", mean)?,
            scale: non_negative("sd", sd)?,
        })
    }
}

impl Lognormal {
    /// Lognormal(mean, sigma) of the underlying normal, for a finite mean and sigma 0 or
    /// more.
    pub fn new(mean: f64, sigma: f64) -> Result<Self, ParamError> {
        // Checked under the lognormal's own names (sigma, not sd).
        let normal = Normal {
            loc: super::param_rules::finite("mean", mean)?,
            scale: non_negative("sigma", sigma)?,
        };
        Ok(Self { normal })
    }
}

impl Uniform {
    /// Uniform[low, high) for finite bounds, low < high, with a finite range.
    pub fn new(low: f64, high: f64) -> Result<Self, ParamError> {
        Ok(Self {
            low,
            range: range(low, high)?,
        })
    }
}

#[inline(always)]
fn beta<R: Rng + ?Sized>(method: BetaMethod, rng: &mut R) -> f64 {
    match method {
        BetaMethod::Degenerate { a, b } => {
            if (a + b) * next_double(rng) < a {
                1.0
            } else {
                0.0
            }
        }
        BetaMethod::Johnk { a, b, inv_a, inv_b } => loop {
            let u = next_double(rng);
            let v = next_double(rng);
            let x = u.powf(inv_a);
            let y = v.powf(inv_b);
            let xpy = x + y;
            if xpy <= 1.0 && u + v > 0.0 {
                if x > 0.0 && y > 0.0 {
                    return x / xpy;
                }
                // X or Y underflowed: finish the ratio in log space.
                let log_x = u.ln() / a;
                let log_y = v.ln() / b;
                let delta = log_x - log_y;
                return if delta > 0.0 {
                    (-(-delta).exp().ln_1p()).exp()
                } else {
                    (delta - delta.exp().ln_1p()).exp()
                };
            }
        },
        BetaMethod::Gammas { a, b } => {
            let ga = standard_gamma(a, rng);
            let gb = standard_gamma(b, rng);
            ga / (ga + gb)
        }
    }
}

impl Distribution<f64> for StandardNormal {
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        standard_normal(rng)
    }
}

impl Distribution<f64> for StandardExponential {
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        standard_exponential(rng)
    }
}

impl Distribution<f64> for Gamma {
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.scale * standard_gamma(self.method, rng)
    }
}

impl Distribution<f64> for Beta {
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        beta(self.method, rng)
    }
}

impl Distribution<f64> for Normal {
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.loc + self.scale * standard_normal(rng)
    }
}

impl Distribution<f64> for Uniform {
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.low + self.range * next_double(rng)
    }
}

impl Distribution<f64> for Lognormal {
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.normal.sample(rng).exp()
    }
}
