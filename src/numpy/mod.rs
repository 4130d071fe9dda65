//! A bit-exact re-implementation of the parts of numpy's `Generator` the lab uses.
//!
//! `default_rng(seed)` builds numpy's PCG64 from its SeedSequence, and the samplers in
//! [`dist`] follow numpy's C code operation for operation, so the same seed gives the same
//! doubles as `np.random.default_rng(seed)`. Facts, sources and how the fixtures are made: `tools/gen_fixtures.py`.

pub mod column;
pub mod dist;
pub mod equal_shape_beta;
mod gamma;
pub mod param_rules;
pub mod reduce;
mod seed;
mod ziggurat;

pub use dist::{Beta, Gamma, Lognormal, Normal, StandardExponential, StandardNormal, Uniform};
pub use param_rules::ParamError;
pub use seed::{Pcg64, default_rng};

use rand::Rng;

/// 2^53: `next_double` is a 53-bit integer over it.
pub(crate) const TWO_53: f64 = 9_007_199_254_740_992.0;

/// numpy's `next_double`: the top 53 bits of one 64-bit draw, scaled to [0, 1).
#[inline(always)]
pub fn next_double<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    top_53_bits(rng) * (1.0 / TWO_53)
}

/// The top 53 bits of one 64-bit draw, as a (whole, exact) double: `next_double` before
/// its scaling.
#[inline(always)]
pub(crate) fn top_53_bits<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64
}
