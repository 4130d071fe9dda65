use super::*;
use crate::explain::count_column;
use ndarray::Array1;
use std::io::Write;

/// A column of `n` distinct-ish values with repeats, as stretches of `stretch` values.
fn column(n: usize, seed: u64) -> Vec<f64> {
    (0..n as u64)
        .map(|i| ((i * 7919 + seed * 104_729) % 1009) as f64 / 17.0)
        .collect()
}

/// A stretch in a temporary file, as a long column's would be.
fn on_disk(values: &[f64]) -> Parked {
    let mut bytes = Vec::new();
    crate::parked::append_le(&mut bytes, values);
    let mut file = tempfile::tempfile().unwrap();
    file.write_all(&bytes).unwrap();
    Parked::File(file, values.len())
}

fn population(n: usize, tops: &[usize]) -> Population {
    Population {
        scores: Array1::from_iter((0..n).map(|i| i as f64)),
        labels: None,
        plot_x: None,
        top: Some(tops.to_vec()),
    }
}

/// Counting a column in stretches, on whichever threads, equals counting it whole: with
/// top cases on both sides of a stretch's boundary, and more of them than are read one at
/// a time.
#[test]
fn stretches_count_as_the_whole_column() {
    let n = 3000;
    let columns = [column(n, 1), column(n, 2)];
    for tops in [vec![999, 1000, 0, 2999, 1500], (0..n).step_by(37).collect()] {
        let parked = columns
            .iter()
            .map(|c| {
                let mut stretches = c.chunks(1000);
                let first = on_disk(stretches.next().unwrap());
                let rest = stretches.map(|s| Parked::new(s.to_vec()));
                std::iter::once(first).chain(rest).collect()
            })
            .collect();
        let (out, counted) =
            evaluate_counting(population(n, &tops), Cut::Quantile(0.8), 5, parked, &tops);
        assert!(out.is_ok());
        for (c, whole) in counted.iter().zip(&columns) {
            let expected = format!("{:?}", count_column(&tops, whole));
            assert_eq!(format!("{:?}", c.as_ref().unwrap()), expected);
        }
    }
}

/// A stretch that cannot be read back leaves its column uncounted (the run then draws the
/// columns again), and only that column: whether the read that fails is a top case's value
/// or the count's pass.
#[test]
fn a_stretch_that_cannot_be_read_leaves_its_column_uncounted() {
    let n = 2000;
    let good = column(n, 3);
    // Files that say they hold 1000 values and hold 10.
    let short = || {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&[0u8; 8 * 10]).unwrap();
        Parked::File(file, 1000)
    };
    let parked = vec![
        vec![on_disk(&good[..1000]), Parked::new(good[1000..].to_vec())],
        vec![Parked::new(vec![1.0; 1000]), short()],
        vec![short(), Parked::new(vec![1.0; 1000])],
    ];
    // Both top cases in the first stretch: the third column's values cannot be read, the
    // second column's count fails in its second stretch.
    let tops = [5, 700];
    let (_, counted) =
        evaluate_counting(population(n, &tops), Cut::Quantile(0.5), 2, parked, &tops);
    let expected = format!("{:?}", count_column(&tops, &good));
    assert_eq!(format!("{:?}", counted[0].as_ref().unwrap()), expected);
    assert!(counted[1].is_none());
    assert!(counted[2].is_none());
}
