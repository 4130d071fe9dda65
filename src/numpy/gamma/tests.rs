use super::*;
use crate::numpy::default_rng;

const SHAPES: [f64; 12] = [
    1.000_001, 1.01, 1.2, 1.5, 2.0, 2.5, 4.0, 7.5, 100.0, 1e4, 1e6, 1e7,
];

/// Every `u` the second squeeze takes, up to its very edge, passes numpy's test as
/// numpy computes it: over a fine grid of candidates `x`, for shapes from just above 1 to
/// past where the squeeze switches off.
#[test]
fn the_second_squeeze_accepts_only_what_numpys_test_accepts() {
    let mut edges_checked = 0;
    for shape in SHAPES {
        let GammaMethod::Squeeze { b, c, k } = GammaMethod::new(shape) else {
            panic!("shape {shape} is drawn by Marsaglia and Tsang");
        };
        let lowest = -1.0 / c;
        let steps = 400_000;
        for i in 0..=steps {
            // From where v0 reaches 0 to x = 14 (the ziggurat's farthest tail is below 14).
            let x = lowest + (14.0 - lowest) * f64::from(i) / f64::from(steps);
            let v0 = 1.0 + c * x;
            if v0 <= 0.0 {
                continue;
            }
            let v = v0 * v0 * v0;
            let x4 = (x * x) * (x * x);
            let squeeze = second_squeeze(k, x4, v0);
            if squeeze <= 0.0 {
                continue;
            }
            // The largest draw below the squeeze: draws are multiples of 2^-53.
            let scale = 9_007_199_254_740_992.0;
            let u = ((squeeze * scale).ceil() - 1.0) / scale;
            assert!(u < squeeze && u >= 0.0);
            for u in [u, u / 2.0, 1.0 / scale] {
                assert!(
                    log_test(u, x, v, b),
                    "shape {shape}, x {x:e}, u {u:e}: the squeeze takes what numpy refuses"
                );
            }
            edges_checked += 1;
        }
    }
    assert!(edges_checked > 1_000_000, "{edges_checked}");
}

/// The second squeeze is what keeps the logarithms rare: at shape 2 numpy's squeeze alone
/// sends about 8% of candidates to them, with the second one under 3% (mostly rejections).
#[test]
fn the_second_squeeze_leaves_the_logarithms_few_candidates() {
    let GammaMethod::Squeeze { c, k, .. } = GammaMethod::new(2.0) else {
        panic!("shape 2 is drawn by Marsaglia and Tsang");
    };
    let mut rng = default_rng(7);
    let n = 200_000;
    let (mut numpy_misses, mut both_miss) = (0, 0);
    for _ in 0..n {
        let x = standard_normal(&mut rng);
        let v0 = 1.0 + c * x;
        let u = next_double(&mut rng);
        let x4 = (x * x) * (x * x);
        if v0 > 0.0 && u >= 1.0 - 0.0331 * x4 {
            numpy_misses += 1;
            if u >= second_squeeze(k, x4, v0) {
                both_miss += 1;
            }
        }
    }
    assert!(numpy_misses > n * 6 / 100, "{numpy_misses}");
    assert!(both_miss < n * 3 / 100, "{both_miss}");
}

/// Large shapes switch the second squeeze off (its margin would not cover the rounding).
#[test]
fn huge_shapes_draw_without_the_second_squeeze() {
    let GammaMethod::Squeeze { k, c, .. } = GammaMethod::new(1e7) else {
        panic!("shape 1e7 is drawn by Marsaglia and Tsang");
    };
    assert_eq!(second_squeeze(k, 1.0, 1.0 + c), f64::NEG_INFINITY);
}

/// The sampler itself uses the second squeeze: at shape 2, fewer than 3 candidates in 100
/// reach the logarithms (numpy's squeeze alone sends about 8).
#[test]
fn the_sampler_sends_few_candidates_to_the_logarithms() {
    let method = GammaMethod::new(2.0);
    let mut rng = default_rng(11);
    let before = LOG_TESTS.with(std::cell::Cell::get);
    let n = 100_000;
    for _ in 0..n {
        standard_gamma(method, &mut rng);
    }
    let logs = LOG_TESTS.with(std::cell::Cell::get) - before;
    assert!(logs < n * 3 / 100, "{logs} of {n}");
    assert!(logs > 0, "rejections still take the exact test");
}

/// The sampler tests the second squeeze on the draw's 53 bits against the bound scaled by
/// 2^53: that scaled bound is the bound times 2^53 bit for bit, so the decision is the
/// same, for candidates from where `v0` reaches 0 out to the farthest tail, and tiny ones.
#[test]
fn the_scaled_second_squeeze_is_the_second_squeeze_times_two_to_the_53() {
    let mut compared = 0;
    for shape in SHAPES {
        let GammaMethod::Squeeze { c, k, .. } = GammaMethod::new(shape) else {
            panic!("shape {shape} is drawn by Marsaglia and Tsang");
        };
        let lowest = -1.0 / c;
        let steps = 100_000;
        let grid = (0..=steps).map(|i| lowest + (40.0 - lowest) * f64::from(i) / f64::from(steps));
        let tiny = (0..1000).map(|i| f64::from(i - 500) * 1e-15);
        for x in grid.chain(tiny) {
            let v0 = 1.0 + c * x;
            if v0 <= 0.0 {
                continue;
            }
            let x4 = (x * x) * (x * x);
            let scaled = second_squeeze_scaled(k, x4, v0);
            let unscaled = TWO_53 * second_squeeze(k, x4, v0);
            if unscaled.is_nan() {
                assert!(scaled.is_nan(), "shape {shape}, x {x:e}");
            } else {
                assert_eq!(
                    scaled.to_bits(),
                    unscaled.to_bits(),
                    "shape {shape}, x {x:e}"
                );
            }
            compared += 1;
        }
    }
    assert!(compared > 1_000_000, "{compared}");
}
