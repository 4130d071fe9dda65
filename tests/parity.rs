//! Bit-for-bit parity with numpy 2.4.6, against fixtures made by tools/gen_fixtures.py.

use crate::common::{Summary, f, fixture, hex, sha_f64};
use anomaly_lab::lab::InputDistribution;
use anomaly_lab::run::{draw_column, simulate};
use anomaly_lab::stats::quantile_linear;
use serde::Deserialize;

#[derive(Deserialize)]
struct RawCase {
    distribution: InputDistribution,
    seed: String,
    n: usize,
    head: Vec<String>,
    sha256: String,
}

#[test]
fn raw_variates_match_numpy_for_every_sampler_branch() {
    let cases: Vec<RawCase> = fixture("raw_variates.json");
    assert!(cases.len() >= 100);
    let mut failures = Vec::new();
    for case in &cases {
        let seed: u128 = case.seed.parse().expect("seed");
        let column = draw_column(&case.distribution, seed, case.n).unwrap();
        let head: Vec<String> = column
            .iter()
            .take(case.head.len())
            .map(|&x| hex(x))
            .collect();
        if head != case.head || sha_f64(column.iter().copied()) != case.sha256 {
            let first = head.iter().zip(&case.head).position(|(a, b)| a != b);
            failures.push(format!(
                "{:?} seed {}: first differing draw {first:?}",
                case.distribution, case.seed
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[derive(Deserialize)]
struct QuantileCase {
    values: Vec<String>,
    checks: Vec<[String; 2]>,
}

#[test]
fn quantiles_match_numpy_including_the_upper_interpolation_branch() {
    let cases: Vec<QuantileCase> = fixture("quantiles.json");
    let mut upper_branch_hits = 0;
    for case in &cases {
        let values: Vec<f64> = case.values.iter().map(|b| f(b)).collect();
        for [q, expected] in &case.checks {
            let q = f(q);
            let got = quantile_linear(&values, q);
            assert_eq!(hex(got), *expected, "n {} q {q}", values.len());
            let vi = (values.len() - 1) as f64 * q;
            if vi < (values.len() - 1) as f64 && vi - vi.floor() >= 0.5 {
                upper_branch_hits += 1;
            }
        }
    }
    assert!(
        upper_branch_hits > 20,
        "the fixtures exercise the g >= 0.5 branch"
    );
}

#[test]
fn whole_runs_match_numpy_across_seeds_sizes_cuts_weights_and_betas() {
    let cases: Vec<Summary> = fixture("summaries.json");
    assert!(cases.len() >= 150);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| case.check(&simulate(&case.config(), false).unwrap()).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} runs differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_handout_baseline_is_the_first_fixture() {
    let cases: Vec<Summary> = fixture("summaries.json");
    let base = &cases[0];
    assert_eq!(
        (base.seed.as_str(), base.n, base.priority_count),
        ("2", 96, 20)
    );
    assert_eq!(f(&base.threshold), 0.4501860567503254);
    assert_eq!(base.top_indices, [70, 55, 56, 14, 16]);
}
