//! Unit and property tests of the comparison logic.

use super::*;
use crate::lab::Lab;
use crate::run::{Cut, RunConfig, simulate};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn report(cfg: &RunConfig) -> RunReport {
    RunReport::new(cfg, &simulate(cfg, false).unwrap(), None)
}

fn baseline() -> RunConfig {
    RunConfig::from_lab(Lab::module2())
}

#[test]
fn quantile_change_moves_ten_cases_out() {
    let before = report(&baseline());
    let mut cfg = baseline();
    cfg.cut = Cut::Quantile(0.9);
    let after = report(&cfg);
    let c = compare(&before, &after).unwrap();
    let changed: Vec<String> = c
        .params
        .iter()
        .filter(|p| p.changed())
        .map(ParamChange::describe)
        .collect();
    assert_eq!(changed, ["quantile 0.8 -> 0.9"]);
    assert_eq!(
        (c.metrics.priority_count.old, c.metrics.priority_count.new),
        (20, 10)
    );
    assert_eq!(c.metrics.priority_count.relative, Some(-0.5));
    let p = c.priority.unwrap();
    assert!(p.entered.is_empty());
    assert_eq!(p.left.len(), 10);
    assert_eq!(p.kept, 10);
    assert_eq!(p.jaccard, 0.5);
}

#[test]
fn a_different_population_has_no_case_level_comparison() {
    let before = report(&baseline());
    let mut cfg = baseline();
    cfg.seed = 3;
    let c = compare(&before, &report(&cfg)).unwrap();
    assert_eq!(c.population_differs, ["seed"]);
    assert!(c.priority.is_none() && c.top.is_none());
}

#[test]
fn different_labs_are_refused() {
    let before = report(&baseline());
    let mut other = report(&baseline());
    other.params.lab = "telemetry".into();
    assert!(matches!(
        compare(&before, &other),
        Err(CompareError::DifferentLabs { .. })
    ));
}

#[test]
fn top_moves_are_reported_by_rank() {
    let t = top_change(&[70, 55, 56, 14, 16], &[55, 70, 56, 14, 93]);
    assert_eq!(t.entered, [Ranked { case: 93, rank: 5 }]);
    assert_eq!(t.dropped, [Ranked { case: 16, rank: 5 }]);
    assert_eq!(
        t.moved,
        [
            Moved {
                case: 55,
                from: 2,
                to: 1
            },
            Moved {
                case: 70,
                from: 1,
                to: 2
            }
        ]
    );
}

fn sorted_set() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::btree_set(0usize..60, 0..40).prop_map(|s| s.into_iter().collect())
}

proptest! {
    #[test]
    fn comparing_a_set_with_itself_shows_no_change(a in sorted_set()) {
        let p = priority_change(&a, &a);
        prop_assert!(p.entered.is_empty() && p.left.is_empty());
        prop_assert_eq!(p.kept, a.len());
        prop_assert_eq!(p.jaccard, 1.0);
    }

    #[test]
    fn entered_and_left_are_the_set_differences(a in sorted_set(), b in sorted_set()) {
        let p = priority_change(&a, &b);
        let (sa, sb): (BTreeSet<_>, BTreeSet<_>) = (a.iter().copied().collect(), b.iter().copied().collect());
        prop_assert_eq!(p.entered, sb.difference(&sa).copied().collect::<Vec<_>>());
        prop_assert_eq!(p.left, sa.difference(&sb).copied().collect::<Vec<_>>());
        prop_assert_eq!(p.kept, sa.intersection(&sb).count());
        prop_assert!((0.0..=1.0).contains(&p.jaccard));
    }

    #[test]
    fn swapping_before_and_after_swaps_entered_and_left(a in sorted_set(), b in sorted_set()) {
        let (ab, ba) = (priority_change(&a, &b), priority_change(&b, &a));
        prop_assert_eq!(&ab.entered, &ba.left);
        prop_assert_eq!(&ab.left, &ba.entered);
        prop_assert_eq!(ab.jaccard, ba.jaccard);
    }

    #[test]
    fn a_run_compared_with_itself_changes_nothing(seed in 0u64..1000, n in 1usize..300, q in 0.0f64..=1.0) {
        let mut cfg = baseline();
        cfg.seed = u128::from(seed);
        cfg.n = n;
        cfg.cut = Cut::Quantile(q);
        let r = report(&cfg);
        let c = compare(&r, &r).unwrap();
        prop_assert!(c.params.iter().all(|p| !p.changed()));
        prop_assert_eq!(c.metrics.priority_count.diff, 0);
        prop_assert_eq!(c.metrics.threshold.diff, 0.0);
        let t = c.top.unwrap();
        prop_assert!(t.entered.is_empty() && t.dropped.is_empty() && t.moved.is_empty());
    }

    #[test]
    fn swapping_runs_swaps_the_metric_signs(q0 in 0.0f64..=1.0, q1 in 0.0f64..=1.0) {
        let (mut a, mut b) = (baseline(), baseline());
        a.cut = Cut::Quantile(q0);
        b.cut = Cut::Quantile(q1);
        let (ra, rb) = (report(&a), report(&b));
        let (ab, ba) = (compare(&ra, &rb).unwrap(), compare(&rb, &ra).unwrap());
        prop_assert_eq!(ab.metrics.priority_count.diff, -ba.metrics.priority_count.diff);
        prop_assert_eq!(ab.metrics.threshold.diff, -ba.metrics.threshold.diff);
        let (pa, pb) = (ab.priority.unwrap(), ba.priority.unwrap());
        prop_assert_eq!(pa.entered, pb.left);
    }
}
