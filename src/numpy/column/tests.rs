use super::*;
use crate::numpy::{Beta, Gamma, Normal, Uniform, default_rng};
use rand::Rng;

/// Parallel fill equals the serial loop: the same values and the same generator after.
fn check<D: Distribution<f64> + Sync>(
    dist: &D,
    n: usize,
    chunks: usize,
    guess_error: i64,
) -> Stitching {
    let mut serial_rng = default_rng(5);
    let serial: Vec<f64> = (0..n).map(|_| dist.sample(&mut serial_rng)).collect();
    let mut rng = default_rng(5);
    let mut out = vec![0.0; n];
    let stitching = fill_chunked(dist, &mut rng, &mut out, chunks, guess_error);
    let first_diff = out
        .iter()
        .zip(&serial)
        .position(|(a, b)| a.to_bits() != b.to_bits());
    assert_eq!(
        first_diff, None,
        "n {n} chunks {chunks} error {guess_error}"
    );
    assert_eq!(
        rng.next_u64(),
        serial_rng.next_u64(),
        "state after the column"
    );
    stitching
}

#[test]
fn beta_by_gammas_matches_serial_for_any_guess() {
    let d = Beta::new(2.0, 4.0).unwrap();
    for error in [0, 1, 2, 3, -7, 5, -3000, 4000] {
        assert_eq!(check(&d, 40_000, 2, error).synced, 1, "guess error {error}");
    }
    assert_eq!(check(&d, 50_001, 3, 0).synced, 2);
    assert_eq!(check(&d, 50_001, 5, -11).synced, 4);
}

#[test]
fn other_samplers_and_branches_match_serial() {
    // Each resynchronises from an aligned guess.
    assert_eq!(check(&Beta::new(0.5, 0.5).unwrap(), 30_000, 3, 0).synced, 2); // Johnk
    assert_eq!(check(&Beta::new(0.5, 3.0).unwrap(), 30_000, 2, 3).synced, 1); // gamma shape < 1
    assert_eq!(
        check(&Beta::new(1e-200, 1e-200).unwrap(), 30_000, 2, 1).synced,
        1
    ); // 0/1 branch
    assert_eq!(
        check(&Gamma::new(1.0, 2.0).unwrap(), 30_000, 2, 2).synced,
        1
    ); // exponential
    assert_eq!(
        check(&Normal::new(0.0, 1.0).unwrap(), 30_000, 4, 1).synced,
        3
    );
    assert_eq!(
        check(&Uniform::new(-1.0, 1.0).unwrap(), 30_000, 2, 5).synced,
        1
    );
    // Johnk always takes two draws, so an odd guess never meets the true parse: the
    // chunk is finished serially, still exactly.
    assert_eq!(check(&Beta::new(0.5, 0.5).unwrap(), 30_000, 2, 1).serial, 1);
}

#[test]
fn a_guess_too_far_off_falls_back_to_serial() {
    let d = Beta::new(2.0, 4.0).unwrap();
    assert_eq!(check(&d, 30_000, 2, 10_000_000).serial, 1);
    assert_eq!(check(&d, 30_000, 2, -10_000_000).serial, 1);
    check(&d, 10, 4, 0); // chunks shorter than the window
}
