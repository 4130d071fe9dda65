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
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Blocks of values (f64, little-endian), each one column a feature, in as many files as
/// there were parsers at once. Row order does not matter to a count.
#[derive(Debug)]
pub(super) struct Spill {
    width: usize,
    /// Files not being written to now: the file's place in `Spill::count`'s list, the
    /// file and its length.
    idle: Mutex<Vec<(usize, File, u64)>>,
    /// How many files were made.
    made: AtomicUsize,
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
            made: AtomicUsize::new(0),
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
        Some((self.made.fetch_add(1, Ordering::Relaxed), file, 0))
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
        let (Ok(idle), Ok(blocks)) = (self.idle.into_inner(), self.blocks.into_inner()) else {
            return (meanwhile(), None);
        };
        let mut files: Vec<Option<File>> = (0..self.made.into_inner()).map(|_| None).collect();
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
            crate::parked::extend_from_le(&mut values, &bytes);
            counter.add_column(i, &values);
        }
        counter.add_rows(rows as u64);
    }
    Some(counter)
}

#[cfg(test)]
mod tests;
