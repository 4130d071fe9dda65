use super::*;
use crate::lab::InputDistribution;
use crate::numpy;

#[test]
fn baseline_is_the_handout() {
    let out = simulate(&RunConfig::from_lab(Lab::module2()), false).unwrap();
    assert_eq!(out.priority.len(), 20);
    assert_eq!(out.threshold, 0.4501860567503254);
    assert_eq!(out.top, vec![70, 55, 56, 14, 16]);
    assert!(out.detection.is_none() && out.labels.is_none());
}

#[test]
fn plot_column_is_the_plotted_feature_and_does_not_change_scores() {
    let cfg = RunConfig::from_lab(Lab::module2());
    let with = simulate(&cfg, true).unwrap();
    let without = simulate(&cfg, false).unwrap();
    assert_eq!(with.scores, without.scores);
    let severity = InputDistribution::Beta { a: 2.5, b: 2.5 };
    let x = with.plot_x.expect("kept");
    // The severity column is the second one drawn, so it differs from a fresh first draw.
    assert_ne!(x, draw_column(&severity, 2, 96).unwrap());
    assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn threshold_cut_flags_scores_at_or_above_it() {
    let mut cfg = RunConfig::from_lab(Lab::module2());
    cfg.cut = Cut::Threshold(0.5);
    let out = simulate(&cfg, false).unwrap();
    assert_eq!(out.threshold, 0.5);
    let expected = out.scores.iter().filter(|&&s| s >= 0.5).count();
    assert_eq!(out.priority.len(), expected);
}

#[test]
fn explanations_are_the_same_kept_or_redrawn() {
    let mut cfg = RunConfig::from_lab(crate::lab::built_in("telemetry").unwrap());
    cfg.n = KEEP_COLUMNS_BYTES / (8 * cfg.lab.features.len()) + 1;
    assert!(!keeps_columns(&cfg));
    let redrawn = simulate(&cfg, false).unwrap();
    cfg.n = 2000;
    let kept = simulate(&cfg, false).unwrap();
    assert_eq!(redrawn.top_cases.len(), cfg.top_k);
    assert_eq!(kept.top_cases.len(), cfg.top_k);
    for out in [&kept, &redrawn] {
        for case in &out.top_cases {
            let parts = &case.features.0;
            let sum = parts[1..]
                .iter()
                .fold(parts[0].1.contribution, |s, (_, f)| s + f.contribution);
            assert_eq!(sum.to_bits(), out.scores[case.index].to_bits());
        }
    }
}

#[test]
fn explanations_are_the_same_from_parked_columns_as_from_memory() {
    // A labelled lab whose features are scaled: the parked columns hold the raw values.
    let mut cfg = RunConfig::from_lab(crate::lab::built_in("telemetry").unwrap());
    cfg.n = PARK_FROM;
    assert!(keeps_columns(&cfg) && !keeps_columns_in_memory(&cfg, false));
    // This environment can park a column, so the run below does.
    assert!(Parked::write(&vec![0.0; PARK_FROM]).is_some());
    let parked = simulate(&cfg, false).unwrap();
    // An export keeps its columns in memory.
    let in_memory = simulate_keeping(&cfg, false, true, &mut |_| {}).unwrap();
    assert_eq!(parked.top_cases.len(), cfg.top_k);
    let described = |out: &Outcome| format!("{:?}", out.top_cases);
    assert_eq!(described(&parked), described(&in_memory));
}

#[test]
fn labels_come_first_at_the_lab_prevalence() {
    let cfg = RunConfig::from_lab(crate::lab::built_in("telemetry").unwrap());
    let out = simulate(&cfg, false).unwrap();
    let labels = out.labels.as_ref().unwrap();
    let mut rng = numpy::default_rng(cfg.seed);
    let expected: Vec<bool> = (0..cfg.n)
        .map(|_| numpy::next_double(&mut rng) < 0.03)
        .collect();
    assert_eq!(labels, &expected);
    let d = out.detection.unwrap();
    assert_eq!(d.tp + d.fn_, labels.iter().filter(|&&t| t).count() as u64);
    assert_eq!(d.tp + d.fp, out.priority.len() as u64);
}

#[test]
fn a_feature_without_spread_cannot_be_scaled() {
    let mut cfg = RunConfig::from_lab(crate::lab::built_in("telemetry").unwrap());
    cfg.n = 1;
    let err = simulate(&cfg, false).unwrap_err();
    assert!(matches!(err, RunError::Scale { .. }), "{err}");
}
