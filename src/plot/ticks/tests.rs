use super::*;

#[test]
fn notebook_axes_get_the_notebook_ticks() {
    // Limits and tick counts of the reference figure (read from matplotlib itself).
    let x = ticks(0.000_972_507_889_557_584_8, 0.999_083_163_368_785_1, 9);
    assert_eq!(labels(&x), ["0.2", "0.4", "0.6", "0.8"]);
    let y = ticks(0.156_156_283_962_625_7, 0.605_737_632_486_820_6, 7);
    assert_eq!(labels(&y), ["0.2", "0.3", "0.4", "0.5", "0.6"]);
}

#[test]
fn padded_limits_add_five_percent() {
    assert_eq!(Axis::fit([0.0, 1.0].into_iter()).lim, (-0.05, 1.05));
    assert_eq!(Axis::fit([2.0].into_iter()).lim, (1.9, 2.1));
    assert_eq!(Axis::fit(std::iter::empty()).lim, (-0.05, 0.05));
}

#[test]
fn labels_use_as_few_decimals_as_needed() {
    assert_eq!(labels(&[0.0, 0.25, 0.5]), ["0.00", "0.25", "0.50"]);
    assert_eq!(labels(&[-10.0, 0.0, 10.0]), ["\u{2212}10", "0", "10"]);
}

#[test]
fn any_finite_range_gets_a_few_short_labels() {
    let cases: [&[f64]; 6] = [
        &[-1.3e308, 1.3e308],
        &[f64::MAX, -f64::MAX],
        &[-8e307, 8e307, 0.0],
        &[1e100, 1.000_000_1e100],
        &[5e-324, 1e-320],
        &[0.0, 2e6],
    ];
    for values in cases {
        let axis = Axis::fit(values.iter().copied()).with_ticks(9);
        assert!(
            axis.lim.0.is_finite() && axis.lim.1.is_finite(),
            "{values:?}"
        );
        assert!((2..=12).contains(&axis.ticks.len()), "{values:?}: {axis:?}");
        for label in axis.labels() {
            assert!(label.chars().count() <= 12, "{values:?}: {label}");
        }
        for &v in values {
            let f = axis.fraction(v);
            assert!((0.0..=1.0).contains(&f), "{values:?}: {v} at {f}");
        }
    }
    let axis = Axis::fit([0.0, 2e6].into_iter()).with_ticks(9);
    assert_eq!(axis.unit_text().as_deref(), Some("1e6"));
    let last: f64 = axis.labels().last().unwrap().parse().unwrap();
    assert_eq!(last, 2.0);
    assert_eq!(Axis::fit([0.0, 1.0].into_iter()).unit_text(), None);
}
