//! An independent statistical cross-check: our numpy-exact samplers against rand_distr's
//! (different algorithms, so equal in distribution, never in bits). Parity tests prove we
//! are numpy; this proves the distribution is the right one, with a two-sample
//! Kolmogorov-Smirnov test at a fixed seed (deterministic, so it cannot flake).

use anomaly_lab::lab::InputDistribution;
use anomaly_lab::run::draw_column;
use rand::SeedableRng;

const N: usize = 100_000;

/// The two-sample KS statistic sup |F1 - F2|.
fn ks(mut a: Vec<f64>, mut b: Vec<f64>) -> f64 {
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            i += 1;
        } else {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

/// The KS critical value at alpha = 0.001 for two samples of N.
fn critical() -> f64 {
    1.95 * (2.0 / N as f64).sqrt()
}

fn reference<D: rand_distr::Distribution<f64>>(d: D) -> Vec<f64> {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(99);
    (0..N).map(|_| d.sample(&mut rng)).collect()
}

#[test]
fn beta_samples_follow_beta_in_every_branch() {
    // Gamma-ratio branch (shapes > 1), Johnk (both <= 1), and mixed shapes around 1.
    for (a, b) in [
        (2.0, 4.0),
        (2.5, 2.5),
        (0.5, 0.5),
        (0.3, 0.9),
        (0.5, 3.0),
        (1.0, 5.0),
    ] {
        let ours = draw_column(&InputDistribution::Beta { a, b }, 2, N)
            .unwrap()
            .to_vec();
        let theirs = reference(rand_distr::Beta::new(a, b).unwrap());
        let d = ks(ours, theirs);
        assert!(
            d < critical(),
            "Beta({a}, {b}): KS distance {d:.5} >= {:.5}",
            critical()
        );
    }
}

#[test]
fn gamma_and_normal_samples_follow_their_distributions() {
    for (shape, scale) in [(0.5, 2.0), (1.0, 1.0), (7.5, 0.1)] {
        let ours = draw_column(&InputDistribution::Gamma { shape, scale }, 3, N)
            .unwrap()
            .to_vec();
        let d = ks(
            ours,
            reference(rand_distr::Gamma::new(shape, scale).unwrap()),
        );
        assert!(
            d < critical(),
            "Gamma({shape}, {scale}): KS distance {d:.5}"
        );
    }
    let ours = draw_column(
        &InputDistribution::Normal {
            mean: -3.0,
            sd: 0.25,
        },
        4,
        N,
    )
    .unwrap()
    .to_vec();
    let d = ks(
        ours,
        reference(rand_distr::Normal::new(-3.0, 0.25).unwrap()),
    );
    assert!(d < critical(), "Normal: KS distance {d:.5}");
}

#[test]
fn the_check_can_tell_distributions_apart() {
    // Beta(2, 4) against Beta(2.2, 4) differ by a few percent in the CDF: the test must see it.
    let ours = draw_column(&InputDistribution::Beta { a: 2.0, b: 4.0 }, 2, N)
        .unwrap()
        .to_vec();
    let d = ks(ours, reference(rand_distr::Beta::new(2.2, 4.0).unwrap()));
    assert!(
        d > critical(),
        "KS distance {d:.5} should exceed {:.5}",
        critical()
    );
}
