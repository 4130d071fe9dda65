//! numpy's 256-layer ziggurat: its tables, and the standard normal and exponential
//! samplers that use them.
//!
//! The tables cannot be recomputed bit for bit from their defining formulas, so they are
//! data (`ziggurat_tables.json`, copied from numpy's `ziggurat_constants.h`), which
//! `build.rs` turns into the static [`TABLES`].

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

/// numpy's `random_standard_normal`.
#[inline(always)]
pub(crate) fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let t = &TABLES;
    loop {
        let mut r = rng.next_u64();
        let idx = (r & 0xff) as usize;
        r >>= 8;
        let sign = r & 1;
        let rabs = (r >> 1) & 0x000f_ffff_ffff_ffff;
        // numpy's `if (sign & 0x1) x = -x;` as a flip of the sign bit: the same bits,
        // without a branch on a random bit (mispredicted half the time, it cost a
        // Beta(2, 4) variate about 5 ns).
        let x = f64::from_bits((rabs as f64 * t.wi[idx]).to_bits() ^ (sign << 63));
        if rabs < t.ki[idx] {
            return x; // ~99.3% of draws
        }
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
}
