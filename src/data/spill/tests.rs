use super::super::{Plan, ScoredColumn, Source, count_rows_while, score};
use crate::explain::RowCounter;
use crate::lab::Scale;

fn source(name: &str, text: &str) -> Source {
    Source::Bytes {
        name: name.into(),
        bytes: text.as_bytes().into(),
    }
}

/// A spill of one feature holding `blocks` blocks of one value each, or None where
/// files may not grow (`ulimit -f`).
fn spill_of(blocks: usize) -> Option<super::Spill> {
    let spill = super::Spill::new_if_allowed(1)?;
    for b in 0..blocks {
        let mut columns = spill.buffer();
        columns[0].extend_from_slice(&(b as f64).to_le_bytes());
        spill.write(&mut columns);
    }
    Some(spill)
}

#[test]
fn an_incomplete_spill_counts_nothing() {
    let counter = || RowCounter::new(&[vec![1.0]]);
    let Some(whole) = spill_of(3) else { return };
    assert_eq!(
        whole.count(&mut counter(), || "evaluated"),
        ("evaluated", Some(()))
    );
    // A write that failed (a full disk, say): the caller reads the file again.
    let failed = spill_of(3).unwrap();
    failed.fail();
    assert_eq!(
        failed.count(&mut counter(), || "evaluated"),
        ("evaluated", None)
    );
    // A file that went missing without the flag: not counted either.
    let lost = spill_of(3).unwrap();
    lost.idle.lock().unwrap().pop();
    assert_eq!(
        lost.count(&mut counter(), || "evaluated"),
        ("evaluated", None)
    );
}

#[test]
fn every_block_is_one_job_or_in_its_files_job() {
    let files = ["f0", "f1", "f2"];
    let blocks = vec![(1, 0, 5), (0, 0, 7), (1, 40, 2), (2, 0, 1), (0, 56, 3)];
    let one_each = super::jobs(&files, blocks.clone(), false);
    assert_eq!(one_each.len(), blocks.len());
    let by_file = super::jobs(&files, blocks.clone(), true);
    assert_eq!(by_file.len(), files.len());
    for (file, jobs) in files.iter().zip(&by_file) {
        assert!(jobs.iter().all(|(f, _, _)| *f == file), "{file}: {jobs:?}");
    }
    // Both hold every block once.
    let mut expected: Vec<_> = blocks
        .iter()
        .map(|&(id, at, n)| (files[id], at, n))
        .collect();
    expected.sort();
    for jobs in [one_each, by_file] {
        let mut found: Vec<_> = jobs
            .concat()
            .into_iter()
            .map(|(f, at, n)| (*f, at, n))
            .collect();
        found.sort();
        assert_eq!(found, expected);
    }
}

#[test]
fn the_set_aside_values_count_as_a_second_reading_would() {
    let mut text = String::from("a,b\n");
    // Over 12 MB: several blocks, each set aside on its own.
    for i in 0..600_000 {
        text += &format!("{},{}\n", (i * 37) % 101, f64::from(i % 13) / 7.0);
    }
    let plan = Plan {
        features: ["a", "b"]
            .map(|name| ScoredColumn {
                name: name.into(),
                weight: 1.0,
                scale: Scale::None,
            })
            .to_vec(),
        label: None,
        plot_x: None,
        top_k: 3,
    };
    let targets = vec![vec![0.0, 50.0, 100.0], vec![0.5, 1.0, 2.0]];
    let file = source("t.csv", &text);
    let scored = score(&file, &plan).unwrap();
    let mut from_spill = RowCounter::new(&targets);
    // The file given now cannot be read: the count must come from what was set aside.
    let gone = source("gone.csv", "");
    let (evaluated, read) = count_rows_while(
        &gone,
        &plan,
        scored.set_aside,
        &mut from_spill,
        || "evaluated",
    );
    read.unwrap();
    assert_eq!(evaluated, "evaluated");
    let mut reread = RowCounter::new(&targets);
    let nothing_set_aside = super::super::SetAside(None);
    count_rows_while(&file, &plan, nothing_set_aside, &mut reread, || ())
        .1
        .unwrap();
    assert_eq!(format!("{from_spill:?}"), format!("{reread:?}"));
    assert!(format!("{reread:?}").contains("rows: 600000"));
}
