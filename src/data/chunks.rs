//! Reading a CSV export on every core: each parser in turn reads (and decompresses and
//! hashes) the next stretch of the byte stream and cuts a block from it at a line end, then
//! parses the block into a state of its own; the states come back in file order. A block
//! never ends inside a quoted field: one with an odd number of quotes is joined to the next.

use super::DataError;
use super::block::{BlockResult, Layout, RowFn, parse_block};
use super::reader::{Columns, Source};
use std::io::Read;
use std::sync::Mutex;
use std::sync::mpsc;
use xxhash_rust::xxh3::Xxh3;

/// Bytes a block holds before it is handed to a parser.
const BLOCK: usize = 4 << 20;
/// The longest row read: far beyond any export's, and a bound on what one row can take.
const MAX_ROW: usize = 16 << 20;

/// Reads only as far as the header and finds `cols` in it: the file can be opened and
/// read, and has every column (for `lab check`, which runs nothing).
pub(super) fn header_only(source: &Source, cols: &Columns) -> Result<(), DataError> {
    at_header(source, cols).map(|_| ())
}

/// The stream opened and read to the end of its header (the first record, wherever it
/// ends, so until one line end is in), with the columns' layout, the byte where the first
/// row starts and that row's line.
fn at_header<'a>(
    source: &'a Source,
    cols: &Columns,
) -> Result<(Cutter<'a>, Layout, usize, u64), DataError> {
    let mut cutter = Cutter {
        source,
        stream: source.open()?,
        hasher: Xxh3::new(),
        pending: Vec::new(),
        eof: false,
        next: 0,
        stopped: false,
        failed: None,
    };
    cutter.fill_to(BLOCK)?;
    cutter.read_to_cut()?;
    let (layout, header_end, first_line) = source.layout(&cutter.pending, cols)?;
    Ok((cutter, layout, header_end, first_line))
}

/// Parses the rows of every block into a state `S` made by `make`, calling `each(state,
/// values, label)` per row and `finish(state)` once a block is done; `take` receives the
/// states in file order as they come (so only blocks still out of order are held). Returns
/// the row count and the hash of the whole (decompressed) stream.
pub(super) fn par_rows<S: Send>(
    source: &Source,
    cols: &Columns,
    make: &(dyn Fn() -> S + Sync),
    each: &impl RowFn<S>,
    finish: &(dyn Fn(&mut S) + Sync),
    take: &mut dyn FnMut(S),
) -> Result<(usize, String), DataError> {
    let (mut cutter, layout, header_end, first_line) = at_header(source, cols)?;
    cutter.pending.drain(..header_end);
    // Each parser cuts its next block itself (the stream is read and hashed in order under
    // the lock), so no core waits on a reader and each reuses one buffer. Past 16 parsers
    // the reading is the limit.
    let workers = crate::threads::count().min(16);
    let cutter = Mutex::new(cutter);
    let (to_collector, results) = mpsc::channel::<(usize, BlockResult<S>)>();
    let layout = &layout;
    // Blocks count their own lines; the first problem in file order wins, so a read error
    // (a corrupt gzip stream) is reported after the rows before it. Lines start after the
    // header's.
    let (mut rows, mut line) = (0, first_line);
    let at = |mut e: DataError, line: u64| {
        e.line = e.line.map(|l| line + l - 1);
        e
    };
    let mut problem = None;
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = to_collector.clone();
            let cutter = &cutter;
            crate::allocator::spawn_scoped(scope, move || {
                let mut bytes = Vec::new();
                loop {
                    let index = match cutter.lock() {
                        Ok(mut c) => c.next_block(&mut bytes),
                        Err(_) => None,
                    };
                    let Some(index) = index else { return };
                    let mut got = parse_block(source, layout, &bytes, make, each);
                    if let Ok((state, _, _)) = &mut got {
                        finish(state);
                    }
                    if tx.send((index, got)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(to_collector);
        // This thread puts the blocks in order as they come, until every parser is done.
        let mut waiting = std::collections::BTreeMap::new();
        let mut next = 0;
        for (index, got) in results.iter() {
            waiting.insert(index, got);
            while let Some(got) = waiting.remove(&next) {
                next += 1;
                match got {
                    _ if problem.is_some() => {}
                    Ok((state, n, lines)) => {
                        rows += n;
                        line += lines;
                        take(state);
                    }
                    Err(e) => {
                        problem = Some(at(e, line));
                        // Later blocks cannot matter: the first problem in file order wins.
                        if let Ok(mut c) = cutter.lock() {
                            c.stopped = true;
                        }
                    }
                }
            }
        }
    });
    if let Some(e) = problem {
        return Err(e);
    }
    let cutter = cutter
        .into_inner()
        .map_err(|_| source.error(None, None, "a parser stopped unexpectedly".into()))?;
    if let Some((_, e)) = cutter.failed {
        return Err(at(e, line));
    }
    if rows == 0 {
        return Err(source.error(None, None, "has a header but no rows".into()));
    }
    Ok((rows, format!("{:032x}", cutter.hasher.digest128())))
}

/// The (decompressed) byte stream as it is cut into blocks at line ends.
struct Cutter<'a> {
    source: &'a Source,
    stream: Box<dyn Read + Send>,
    hasher: Xxh3,
    /// Read but not yet handed out.
    pending: Vec<u8>,
    eof: bool,
    /// The index of the next block.
    next: usize,
    /// Set when a block failed to parse: no more are cut.
    stopped: bool,
    /// The cutter's own problem (a read error, an endless row) and the block it was cutting.
    failed: Option<(usize, DataError)>,
}

impl Cutter<'_> {
    /// Puts the next block in `into` (replacing what it held) and returns its index; None at
    /// the end, or once something failed.
    fn next_block(&mut self, into: &mut Vec<u8>) -> Option<usize> {
        if self.stopped || self.failed.is_some() {
            return None;
        }
        match self.cut(into) {
            Ok(true) => {
                self.next += 1;
                Some(self.next - 1)
            }
            Ok(false) => None,
            Err(e) => {
                self.failed = Some((self.next, e));
                None
            }
        }
    }

    /// Reads until `pending` holds `want` bytes or the stream ends.
    fn fill_to(&mut self, want: usize) -> Result<(), DataError> {
        self.eof = fill(
            self.source,
            &mut self.stream,
            &mut self.hasher,
            &mut self.pending,
            want,
        )?;
        Ok(())
    }

    /// Reads on until `pending` holds a place to cut it (after a line end with balanced
    /// quotes, or anywhere once the stream has ended) and returns it; an error once a row
    /// passes [`MAX_ROW`].
    fn read_to_cut(&mut self) -> Result<usize, DataError> {
        loop {
            if self.eof {
                return Ok(self.pending.len());
            }
            match cut_point(&self.pending) {
                0 if self.pending.len() >= MAX_ROW => {
                    return Err(self.source.error(Some(1), None, too_long()));
                }
                0 => self.fill_to(self.pending.len() + BLOCK)?,
                cut => return Ok(cut),
            }
        }
    }

    fn cut(&mut self, into: &mut Vec<u8>) -> Result<bool, DataError> {
        if !self.eof && self.pending.len() < BLOCK {
            self.fill_to(BLOCK)?;
        }
        if self.pending.is_empty() {
            return Ok(false);
        }
        let cut = self.read_to_cut()?;
        // The rest goes to `into`'s buffer, which becomes the pending one.
        into.clear();
        into.extend_from_slice(&self.pending[cut..]);
        std::mem::swap(into, &mut self.pending);
        into.truncate(cut);
        Ok(true)
    }
}

fn too_long() -> String {
    format!(
        "has a row longer than {} MiB (no line end, or a quote that is never closed): not a \
         telemetry export?",
        MAX_ROW >> 20
    )
}

/// Reads until `pending` holds at least `want` bytes or the stream ends; hashes what it read.
/// Returns whether the stream ended.
fn fill(
    source: &Source,
    stream: &mut Box<dyn Read + Send>,
    hasher: &mut Xxh3,
    pending: &mut Vec<u8>,
    want: usize,
) -> Result<bool, DataError> {
    while pending.len() < want {
        let before = pending.len();
        pending.reserve(want - before);
        // Straight into the block's own buffer: no copy in between.
        let got = stream
            .by_ref()
            .take((want - before) as u64)
            .read_to_end(pending);
        hasher.update(&pending[before..]);
        match got {
            Ok(0) => return Ok(true),
            Ok(_) => {}
            Err(e) => return Err(source.read_error(&e, None)),
        }
    }
    Ok(false)
}

/// Where to end a block: just after its last line end with an even number of quotes before
/// it (0 when there is none).
fn cut_point(bytes: &[u8]) -> usize {
    // Exports rarely quote anything: then the cut is simply after the last line end.
    if memchr::memchr(b'"', bytes).is_none() {
        return memchr::memrchr(b'\n', bytes).map_or(0, |i| i + 1);
    }
    let mut quotes = 0usize;
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'"' {
            quotes += 1;
        } else if b == b'\n' && quotes % 2 == 0 {
            last = i + 1;
        }
    }
    last
}
