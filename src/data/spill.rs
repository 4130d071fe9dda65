//! The feature values of every row, set aside during the scoring pass, so the explanations'
//! percentiles are counted without reading (and parsing) the file a second time. They go to
//! unnamed temporary files, so they take no memory and vanish with the process; where no
//! temporary file can be written, the caller reads the file again instead. A block's values
//! go out a feature at a time (each feature's column after the last), so a column is counted
//! against each of a few top cases' values in a run of vector compares.

use crate::explain::RowCounter;
use std::fs::File;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Blocks of values (f64, little-endian), each one column a feature, in as many files as
/// there were parsers at once. Row order does not matter to a count.
#[derive(Debug)]
pub(super) struct Spill {
    width: usize,
    /// Files not being written to now: the file's place in `Spill::count`'s list, the
    /// file and its length.
    idle: Mutex<Vec<(usize, File, u64)>>,
    /// How many files were made.
    made: Mutex<usize>,
    /// Where each block went: file, offset, rows.
    blocks: Mutex<Vec<(usize, u64, usize)>>,
    /// Emptied buffers, for the next blocks (so no block pays for fresh pages).
    buffers: Mutex<Vec<Columns>>,
    /// Set once a file could not be made or written: the spill is then incomplete.
    failed: AtomicBool,
}

/// One block's values, a column a feature, as the bytes the files hold.
pub(super) type Columns = Vec<Vec<u8>>;

impl Spill {
    /// A spill of blocks of `width` columns, or None where the files could outgrow a limit on
    /// file size (`ulimit -f`, whose signal would end the run): then the file is read again.
    pub(super) fn new_if_allowed(width: usize) -> Option<Spill> {
        crate::parked::file_size_unlimited().then(|| Spill {
            width,
            idle: Mutex::new(Vec::new()),
            made: Mutex::new(0),
            blocks: Mutex::new(Vec::new()),
            buffers: Mutex::new(Vec::new()),
            failed: AtomicBool::new(false),
        })
    }

    /// Empty columns for a block's values: ones a written block gave back, if any.
    pub(super) fn buffer(&self) -> Columns {
        let reused = self.buffers.lock().ok().and_then(|mut b| b.pop());
        reused.unwrap_or_else(|| vec![Vec::new(); self.width])
    }

    /// Writes one block's columns, then empties them for reuse.
    pub(super) fn write(&self, columns: &mut Columns) {
        if !self.has_failed() {
            self.write_out(columns);
        }
        let mut columns = std::mem::take(columns);
        columns.iter_mut().for_each(Vec::clear);
        if let Ok(mut buffers) = self.buffers.lock() {
            buffers.push(columns);
        }
    }

    fn write_out(&self, columns: &[Vec<u8>]) {
        let rows = columns.first().map_or(0, |c| c.len() / 8);
        if rows == 0 {
            return;
        }
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let Some((id, mut file, at)) = idle.or_else(|| self.new_file()) else {
            return self.fail();
        };
        if columns.iter().any(|c| file.write_all(c).is_err()) {
            return self.fail();
        }
        let len = at + columns.iter().map(|c| c.len() as u64).sum::<u64>();
        let recorded = self.blocks.lock().map(|mut b| b.push((id, at, rows)));
        let returned = self.idle.lock().map(|mut idle| idle.push((id, file, len)));
        if recorded.is_err() || returned.is_err() {
            self.fail();
        }
    }

    fn new_file(&self) -> Option<(usize, File, u64)> {
        let file = tempfile::tempfile().ok()?;
        let mut made = self.made.lock().ok()?;
        *made += 1;
        Some((*made - 1, file, 0))
    }

    fn fail(&self) {
        self.failed.store(true, Ordering::Relaxed);
    }

    fn has_failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Counts every row set aside into `counter`, the blocks shared out among the threads
    /// (`threads::share`), while this thread runs `meanwhile` first; None if the spill is
    /// incomplete or cannot be read back (then nothing is counted).
    pub(super) fn count<A>(
        self,
        counter: &mut RowCounter,
        meanwhile: impl FnOnce() -> A,
    ) -> (A, Option<()>) {
        let (Ok(idle), Ok(blocks), Ok(made)) = (
            self.idle.into_inner(),
            self.blocks.into_inner(),
            self.made.into_inner(),
        ) else {
            return (meanwhile(), None);
        };
        let mut files: Vec<Option<File>> = (0..made).map(|_| None).collect();
        for (id, file, _) in idle {
            files[id] = Some(file);
        }
        // Every file made is idle again once the pass is over.
        if self.failed.into_inner() || files.iter().any(Option::is_none) {
            return (meanwhile(), None);
        }
        let files: Vec<File> = files.into_iter().flatten().collect();
        let jobs = jobs(&files, blocks, !cfg!(unix));
        let (width, like) = (self.width, &*counter);
        let each = |blocks: Vec<(&File, u64, usize)>| count_blocks(&blocks, width, like);
        let (done, counted) = crate::threads::share(jobs, each, meanwhile);
        // Closing the files frees their pages, which takes a while: the run's output is
        // written meanwhile (or, where no thread can be started, they close here).
        let _ = std::thread::Builder::new().spawn(move || drop(files));
        let Some(counted) = counted.into_iter().collect::<Option<Vec<RowCounter>>>() else {
            return (done, None);
        };
        for c in counted {
            counter.absorb(c);
        }
        (done, Some(()))
    }
}

/// The blocks as jobs for the threads: one a job, or, with `by_file` (where reading at an
/// offset moves the file's shared position), a file's blocks one job.
fn jobs<F>(
    files: &[F],
    blocks: Vec<(usize, u64, usize)>,
    by_file: bool,
) -> Vec<Vec<(&F, u64, usize)>> {
    let located = blocks
        .into_iter()
        .map(|(id, at, rows)| (id, (&files[id], at, rows)));
    if !by_file {
        return located.map(|(_, block)| vec![block]).collect();
    }
    let mut by_file = vec![Vec::new(); files.len()];
    for (id, block) in located {
        by_file[id].push(block);
    }
    by_file
}

/// The rows of `blocks` (`width` columns of `rows` values from each offset) counted into
/// a counter like `like`; None if any cannot be read.
fn count_blocks(
    blocks: &[(&File, u64, usize)],
    width: usize,
    like: &RowCounter,
) -> Option<RowCounter> {
    let mut counter = like.empty_like();
    let (mut bytes, mut values) = (Vec::new(), Vec::new());
    for &(file, at, rows) in blocks {
        bytes.resize(8 * rows, 0);
        for i in 0..width {
            crate::parked::read_at(file, &mut bytes, at + (8 * rows * i) as u64).ok()?;
            values.clear();
            values.extend(
                bytes
                    .chunks_exact(8)
                    .map(|b| f64::from_le_bytes(b.try_into().expect("eight bytes"))),
            );
            counter.add_column(i, &values);
        }
        counter.add_rows(rows as u64);
    }
    Some(counter)
}

#[cfg(test)]
mod tests {
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
}
