//! numpy's 256-layer ziggurat: its tables, and the standard normal and exponential
//! samplers that use them.
//!
//! The tables cannot be recomputed bit for bit from their defining formulas, so they are
//! data (`ziggurat_tables.json`, copied from numpy's `ziggurat_constants.h`), which
//! `build.rs` turns into the static [`TABLES`].
//!
//! The normal's common case reads [`SIGNED_LAYERS`], the same numbers laid out so that one
//! index picks both a layer and the variate's sign: fewer instructions a draw, the same bits.

use super::next_double;
use rand::Rng;

#[derive(Debug)]
pub(crate) struct Tables {
    pub(crate) nor_r: f64,
    pub(crate) nor_inv_r: f64,
    pub(crate) ki: [u64; 256],
    pub(crate) wi: [f64; 256],
    pub(crate) fi: [f64; 256],
    pub(crate) exp_r: f64,
    pub(crate) ke: [u64; 256],
    pub(crate) we: [f64; 256],
    pub(crate) fe: [f64; 256],
}

include!(concat!(env!("OUT_DIR"), "/ziggurat_tables.rs"));

/// The normal's `ki` and `wi` indexed by a draw's low nine bits: its layer (bits 0-7) and
/// its sign (bit 8). Entry `j` holds layer `j & 0xff`'s `ki`, and its `wi` negated where bit
/// 8 is set: `rabs * -w` is `-(rabs * w)` bit for bit (rounding to nearest is symmetric),
/// which is numpy's `if (sign & 0x1) x = -x;`, done without a branch and without the sign's
/// shifts and masks.
struct SignedLayers {
    ki: [u64; 512],
    wi: [f64; 512],
}

static SIGNED_LAYERS: SignedLayers = {
    let mut layers = SignedLayers {
        ki: [0; 512],
        wi: [0.0; 512],
    };
    let mut j = 0;
    while j < 512 {
        let w = TABLES.wi[j & 0xff];
        layers.ki[j] = TABLES.ki[j & 0xff];
        layers.wi[j] = if j < 256 { w } else { -w };
        j += 1;
    }
    layers
};

/// numpy's `random_standard_normal`.
#[inline(always)]
pub(crate) fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let (t, signed) = (&TABLES, &SIGNED_LAYERS);
    loop {
        let r = rng.next_u64();
        // numpy: idx = r & 0xff, sign = bit 8, rabs = bits 9-60 (52 bits). The sign is applied
        // through the table (see `SignedLayers`), never by a branch on a random bit: the
        // compiler made `if sign: x = -x` one, mispredicted half the time (about 5 ns a
        // Beta(2, 4) variate).
        let layer_and_sign = (r & 0x1ff) as usize;
        let rabs = (r << 3) >> 12;
        let x = rabs as f64 * signed.wi[layer_and_sign];
        if rabs < signed.ki[layer_and_sign] {
            return x; // ~99.3% of draws
        }
        let idx = layer_and_sign & 0xff;
        if idx == 0 {
            // The tail beyond r, by Marsaglia's method.
            loop {
                let xx = -t.nor_inv_r * (-next_double(rng)).ln_1p();
                let yy = -(-next_double(rng)).ln_1p();
                if yy + yy > xx * xx {
                    return if (rabs >> 8) & 1 == 1 {
                        -(t.nor_r + xx)
                    } else {
                        t.nor_r + xx
                    };
                }
            }
        }
        if (t.fi[idx - 1] - t.fi[idx]) * next_double(rng) + t.fi[idx] < (-0.5 * x * x).exp() {
            return x;
        }
    }
}

/// numpy's `random_standard_exponential_zig`.
#[inline]
pub(crate) fn standard_exponential<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let t = &TABLES;
    loop {
        let mut ri = rng.next_u64() >> 3;
        let idx = (ri & 0xff) as usize;
        ri >>= 8;
        let x = ri as f64 * t.we[idx];
        if ri < t.ke[idx] {
            return x; // ~98.9% of draws
        }
        if idx == 0 {
            return t.exp_r - (-next_double(rng)).ln_1p();
        }
        if (t.fe[idx - 1] - t.fe[idx]) * next_double(rng) + t.fe[idx] < (-x).exp() {
            return x;
        }
        // numpy recurses with a fresh draw; a loop is the same sequence of draws.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_ziggurat_shape() {
        let t = &TABLES;
        // The normal tail starts at r ~ 3.6541528853610088 and inv_r is its reciprocal.
        assert!((t.nor_r - 3.654_152_885_361_009).abs() < 1e-12);
        assert!((t.nor_r * t.nor_inv_r - 1.0).abs() < 1e-15);
        assert!((t.exp_r - 7.697_117_470_131_05).abs() < 1e-12);
        // f(x) of each layer's edge: 1 at the top layer (x = 0), strictly falling outwards.
        assert_eq!(t.fi[0], 1.0);
        assert_eq!(t.fe[0], 1.0);
        assert!(t.fi.windows(2).all(|w| w[0] > w[1]));
        assert!(t.fe.windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn signed_layers_are_the_tables_with_the_sign_applied() {
        let (t, signed) = (&TABLES, &SIGNED_LAYERS);
        for j in 0..512 {
            assert_eq!(signed.ki[j], t.ki[j & 0xff]);
            let flipped = t.wi[j & 0xff].to_bits() ^ (((j >> 8) as u64) << 63);
            assert_eq!(signed.wi[j].to_bits(), flipped);
        }
        // Where the sign is applied does not change a bit: negate-then-multiply is
        // multiply-then-negate, for every layer and a spread of 52-bit `rabs`.
        let mut rabs: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..10_000 {
            rabs = rabs.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let r52 = rabs >> 12;
            for j in 256..512 {
                let numpy = -(r52 as f64 * t.wi[j & 0xff]);
                assert_eq!((r52 as f64 * signed.wi[j]).to_bits(), numpy.to_bits());
            }
        }
    }
}
