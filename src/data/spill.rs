//! The feature values of every row, set aside during the scoring pass, so the explanations'
//! percentiles are counted without reading (and parsing) the file a second time. They go to
//! unnamed temporary files, so they take no memory and vanish with the process; where no
//! temporary file can be written, the caller reads the file again instead.

use crate::explain::RowCounter;
use std::fs::File;
use std::io::Write;
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
    /// (`threads::share`), while this thread runs `meanwhile` first; None if the spill is
    /// incomplete or cannot be read back (then nothing is counted).
    pub(super) fn count<A>(
        self,
        counter: &mut RowCounter,
        meanwhile: impl FnOnce() -> A,
    ) -> (A, Option<()>) {
        if self.has_failed() {
            return (meanwhile(), None);
        }
        let Ok(files) = self.idle.into_inner() else {
            return (meanwhile(), None);
        };
        let row_bytes = 8 * self.width;
        // Stretches of whole rows, so a thread done with its own work joins in on the rest.
        let step = row_bytes * (STRETCH / row_bytes).max(1);
        let mut stretches = Vec::new();
        for file in &files {
            let Ok(meta) = file.metadata() else {
                return (meanwhile(), None);
            };
            let len = meta.len() as usize;
            stretches.extend(
                (0..len)
                    .step_by(step)
                    .map(|at| (file, at, (at + step).min(len))),
            );
        }
        let like = &*counter;
        let each = |(file, from, to)| count_stretch(file, from, to, row_bytes, like);
        let (done, counted) = crate::threads::share(stretches, each, meanwhile);
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

/// Bytes of rows a thread counts at a time (a whole file where reading at an offset
/// moves the file's shared position).
#[cfg(all(unix, not(test)))]
const STRETCH: usize = 8 << 20;
/// In the tests: many stretches a file, and not a whole number of rows.
#[cfg(all(unix, test))]
const STRETCH: usize = 1000;
#[cfg(not(unix))]
const STRETCH: usize = usize::MAX;

/// The rows in bytes `from..to` of `file`, counted into a counter like `like`; None if
/// they cannot all be read, or the file ends inside a row.
fn count_stretch(
    file: &File,
    from: usize,
    to: usize,
    row_bytes: usize,
    like: &RowCounter,
) -> Option<RowCounter> {
    let mut counter = like.empty_like();
    // Whole rows at a time, about 1 MiB.
    let mut buf = vec![0u8; row_bytes * (1usize << 20).div_ceil(row_bytes)];
    let mut at = from;
    while at < to {
        let want = buf.len().min(to - at);
        crate::parked::read_at(file, &mut buf[..want], at as u64).ok()?;
        if want % row_bytes != 0 {
            return None;
        }
        counter.add_le_rows(&buf[..want]);
        at += want;
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
        assert!(format!("{reread:?}").contains("rows: 5000"));
    }
}
