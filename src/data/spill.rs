//! The feature values of every row, set aside during the scoring pass, so the explanations'
//! percentiles are counted without reading (and parsing) the file a second time. They go to
//! unnamed temporary files, so they take no memory and vanish with the process; where no
//! temporary file can be written, the caller reads the file again instead.

use crate::explain::RowCounter;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Values (f64, little-endian), a row's features after one another, in as many files as
/// there were parsers at once. Row order does not matter to a count.
#[derive(Debug)]
pub(super) struct Spill {
    width: usize,
    /// Files not being written to now.
    idle: Mutex<Vec<File>>,
    /// Emptied buffers, for the next blocks (so no block pays for fresh pages).
    buffers: Mutex<Vec<Vec<u8>>>,
    /// Set once a file could not be made or written: the spill is then incomplete.
    failed: AtomicBool,
}

impl Spill {
    /// A spill of rows of `width` values, or None where the files could outgrow a limit on
    /// file size (`ulimit -f`, whose signal would end the run): then the file is read again.
    pub(super) fn new_if_allowed(width: usize) -> Option<Spill> {
        crate::parked::file_size_unlimited().then(|| Spill {
            width,
            idle: Mutex::new(Vec::new()),
            buffers: Mutex::new(Vec::new()),
            failed: AtomicBool::new(false),
        })
    }

    /// An empty buffer for a block's values: one a written block gave back, if any.
    pub(super) fn buffer(&self) -> Vec<u8> {
        let reused = self.buffers.lock().ok().and_then(|mut b| b.pop());
        reused.unwrap_or_default()
    }

    /// Writes one block's rows (`buffer`, from `parked::append_le`), then empties it for reuse.
    pub(super) fn write(&self, buffer: &mut Vec<u8>) {
        if !self.has_failed() {
            self.write_out(buffer);
        }
        let mut buffer = std::mem::take(buffer);
        buffer.clear();
        if let Ok(mut buffers) = self.buffers.lock() {
            buffers.push(buffer);
        }
    }

    fn write_out(&self, bytes: &[u8]) {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let Some(mut file) = idle.or_else(|| tempfile::tempfile().ok()) else {
            return self.fail();
        };
        if file.write_all(bytes).is_err() {
            return self.fail();
        }
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(file);
        }
    }

    fn fail(&self) {
        self.failed.store(true, Ordering::Relaxed);
    }

    fn has_failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Counts every row set aside into `counter`, the files shared out among the threads
    /// (`threads::share`); None if the spill is incomplete or cannot be read back (then
    /// nothing is counted).
    pub(super) fn count(self, counter: &mut RowCounter) -> Option<()> {
        if self.has_failed() {
            return None;
        }
        let files = self.idle.into_inner().ok()?;
        let like = &*counter;
        let each = |file| count_file(file, self.width, like);
        let ((), counted) = crate::threads::share(files, each, || ());
        let counted: Vec<RowCounter> = counted.into_iter().collect::<Option<_>>()?;
        for c in counted {
            counter.absorb(c);
        }
        Some(())
    }
}

/// One file's rows, counted into a counter like `like`.
fn count_file(mut file: File, width: usize, like: &RowCounter) -> Option<RowCounter> {
    let mut counter = like.empty_like();
    file.rewind().ok()?;
    let row_bytes = 8 * width;
    // Whole rows at a time, about 1 MiB.
    let mut buf = vec![0u8; row_bytes * (1usize << 20).div_ceil(row_bytes)];
    loop {
        let got = read_full(&mut file, &mut buf)?;
        if got % row_bytes != 0 {
            return None;
        }
        counter.add_le_rows(&buf[..got]);
        if got < buf.len() {
            return Some(counter);
        }
    }
}

/// Fills `buf` unless the file ends first; returns how much it read.
fn read_full(file: &mut File, buf: &mut [u8]) -> Option<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(got)
}

#[cfg(test)]
mod tests {
    use super::super::{Plan, ScoredColumn, Source, count_rows, score};
    use crate::explain::RowCounter;
    use crate::lab::Scale;

    fn source(name: &str, text: &str) -> Source {
        Source::Bytes {
            name: name.into(),
            bytes: text.as_bytes().into(),
        }
    }

    #[test]
    fn the_set_aside_values_count_as_a_second_reading_would() {
        let mut text = String::from("a,b\n");
        for i in 0..5000 {
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
        count_rows(&gone, &plan, scored.set_aside, &mut from_spill).unwrap();
        let mut reread = RowCounter::new(&targets);
        let nothing_set_aside = super::super::SetAside(None);
        count_rows(&file, &plan, nothing_set_aside, &mut reread).unwrap();
        assert_eq!(format!("{from_spill:?}"), format!("{reread:?}"));
        assert!(format!("{reread:?}").contains("rows: 5000"));
    }
}
