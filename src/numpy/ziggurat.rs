//! numpy's 256-layer ziggurat: its tables, loaded once from the bit patterns numpy compiles
//! in, and the standard normal and exponential samplers that use them.
//!
//! The tables cannot be recomputed bit for bit from their defining formulas, so they are
//! data (`ziggurat_tables.json`, copied from numpy's `ziggurat_constants.h`).

use super::next_double;
use rand::Rng;
use serde::Deserialize;
use std::sync::OnceLock;

pub(crate) struct Tables {
    pub nor_r: f64,
    pub nor_inv_r: f64,
    pub ki: [u64; 256],
    pub wi: [f64; 256],
    pub fi: [f64; 256],
    pub exp_r: f64,
    pub ke: [u64; 256],
    pub we: [f64; 256],
    pub fe: [f64; 256],
}

#[derive(Deserialize)]
struct RawFile {
    normal: RawNormal,
    exponential: RawExponential,
}

#[derive(Deserialize)]
struct RawNormal {
    r_bits: String,
    inv_r_bits: String,
    ki: Vec<u64>,
    wi_bits: Vec<String>,
    fi_bits: Vec<String>,
}

#[derive(Deserialize)]
struct RawExponential {
    r_bits: String,
    ke: Vec<u64>,
    we_bits: Vec<String>,
    fe_bits: Vec<String>,
}

const RAW: &str = include_str!("ziggurat_tables.json");

fn bits(hex: &str) -> f64 {
    let digits = hex.trim_start_matches("0x");
    f64::from_bits(u64::from_str_radix(digits, 16).expect("ziggurat table holds hex bit patterns"))
}

fn table<T: Copy + Default, S>(src: &[S], f: impl Fn(&S) -> T) -> [T; 256] {
    assert_eq!(src.len(), 256, "ziggurat tables have 256 layers");
    let mut out = [T::default(); 256];
    for (o, s) in out.iter_mut().zip(src) {
        *o = f(s);
    }
    out
}

/// The tables, parsed on first use. The embedded file is fixed at compile time and checked by
/// the unit test below, so a parse failure here is a build defect, not a user error.
pub(crate) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let raw: RawFile = serde_json::from_str(RAW).expect("embedded ziggurat tables are valid");
        Tables {
            nor_r: bits(&raw.normal.r_bits),
            nor_inv_r: bits(&raw.normal.inv_r_bits),
            ki: table(&raw.normal.ki, |&k| k),
            wi: table(&raw.normal.wi_bits, |s| bits(s)),
            fi: table(&raw.normal.fi_bits, |s| bits(s)),
            exp_r: bits(&raw.exponential.r_bits),
            ke: table(&raw.exponential.ke, |&k| k),
            we: table(&raw.exponential.we_bits, |s| bits(s)),
            fe: table(&raw.exponential.fe_bits, |s| bits(s)),
        }
    })
}

/// numpy's `random_standard_normal`.
#[inline(always)]
pub(crate) fn standard_normal<R: Rng + ?Sized>(t: &Tables, rng: &mut R) -> f64 {
    loop {
        let mut r = rng.next_u64();
        let idx = (r & 0xff) as usize;
        r >>= 8;
        let sign = r & 1;
        let rabs = (r >> 1) & 0x000f_ffff_ffff_ffff;
        let mut x = rabs as f64 * t.wi[idx];
        if sign == 1 {
            x = -x;
        }
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
pub(crate) fn standard_exponential<R: Rng + ?Sized>(t: &Tables, rng: &mut R) -> f64 {
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
    fn tables_load_and_have_ziggurat_shape() {
        let t = tables();
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
