//! Reading a CSV export on every core: one thread reads (and decompresses and hashes) the
//! byte stream and cuts it into blocks at line ends; the others parse blocks with the csv
//! crate, each into a state of its own, returned in file order. A block never ends inside a
//! quoted field: one with an odd number of quotes is joined to the next.

use super::DataError;
use super::field;
use super::reader::{Columns, Source};
use std::io::Read;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use xxhash_rust::xxh3::Xxh3;

/// Bytes a block holds before it is handed to a parser.
const BLOCK: usize = 4 << 20;
/// The longest row read: far beyond any export's, and a bound on what one row can take.
const MAX_ROW: usize = 16 << 20;

/// Where the cells a pass needs sit in each row.
pub(super) struct Layout {
    pub header: Vec<String>,
    pub numeric: Vec<usize>,
    pub label: Option<usize>,
}

/// What a pass does with one row: (its block's state, the numeric cells, the label).
pub(super) type RowFn<'a, S> = dyn Fn(&mut S, &[f64], Option<bool>) + Sync + 'a;
/// A parsed block: its state and row count, or the first problem in it.
type BlockResult<S> = Result<(S, usize), DataError>;

struct Block {
    index: usize,
    /// Lines before this block (the header's included), for error messages.
    first_line: u64,
    bytes: Vec<u8>,
}

/// Parses the rows of every block into a state `S` made by `make`, calling `each(state,
/// values, label)` per row. Returns the states in file order, the row count and the hash of
/// the whole (decompressed) stream.
pub(super) fn par_rows<S: Send>(
    source: &Source,
    cols: &Columns,
    make: &(dyn Fn() -> S + Sync),
    each: &RowFn<'_, S>,
) -> Result<(Vec<S>, usize, String), DataError> {
    let mut stream = source.open()?;
    let mut hasher = Xxh3::new();
    let mut pending = Vec::new();
    let eof = fill(source, &mut stream, &mut hasher, &mut pending, BLOCK)?;
    // The header: the first record, wherever it ends.
    let (layout, header_end) = source.layout(&pending, cols)?;
    pending.drain(..header_end);
    // One reader (this thread) feeds the parsers; past 16 it is the limit, and each parser
    // holds a block in memory.
    let workers = crate::threads::count().min(16);
    let (to_workers, from_reader) = mpsc::sync_channel::<Block>(workers * 2);
    let from_reader = Arc::new(Mutex::new(from_reader));
    let (to_collector, results) = mpsc::channel::<(usize, BlockResult<S>)>();
    let layout = &layout;
    let hash = std::thread::scope(|scope| -> Result<String, DataError> {
        for _ in 0..workers {
            let rx = Arc::clone(&from_reader);
            let tx = to_collector.clone();
            crate::allocator::spawn_scoped(scope, move || {
                loop {
                    let block = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    let Ok(block) = block else { return };
                    let mut state = make();
                    let got = parse_block(source, layout, &block, &mut state, each);
                    if tx
                        .send((block.index, got.map(|rows| (state, rows))))
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
        drop(to_collector);
        let reading = (|| -> Result<(), DataError> {
            let (mut index, mut line) = (0usize, 2u64);
            let mut eof = eof;
            loop {
                if !eof && pending.len() < BLOCK {
                    eof = fill(source, &mut stream, &mut hasher, &mut pending, BLOCK)?;
                }
                if pending.is_empty() {
                    return Ok(());
                }
                let cut = if eof {
                    pending.len()
                } else {
                    cut_point(&pending)
                };
                if cut == 0 && pending.len() >= MAX_ROW {
                    return Err(source.error(
                        Some(line),
                        None,
                        format!(
                            "has a row longer than {} MiB (no line end, or a quote that is \
                             never closed): not a telemetry export?",
                            MAX_ROW >> 20
                        ),
                    ));
                }
                if cut == 0 {
                    // No line end with balanced quotes yet: read more before cutting.
                    let want = pending.len() + BLOCK;
                    eof = fill(source, &mut stream, &mut hasher, &mut pending, want)?;
                    continue;
                }
                let rest = pending.split_off(cut);
                let bytes = std::mem::replace(&mut pending, rest);
                let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
                if to_workers
                    .send(Block {
                        index,
                        first_line: line,
                        bytes,
                    })
                    .is_err()
                {
                    return Ok(());
                }
                index += 1;
                line += lines;
            }
        })();
        drop(to_workers);
        reading?;
        Ok(format!("{:032x}", hasher.digest128()))
    });
    let mut done: Vec<(usize, BlockResult<S>)> = results.into_iter().collect();
    done.sort_by_key(|(i, _)| *i);
    // A read error (a corrupt gzip stream) is reported where it happened, after the rows
    // before it, so the first problem in file order wins.
    let mut states = Vec::with_capacity(done.len());
    let mut rows = 0;
    for (_, r) in done {
        let (s, n) = r?;
        rows += n;
        states.push(s);
    }
    let hash = hash?;
    if rows == 0 {
        return Err(source.error(None, None, "has a header but no rows".into()));
    }
    Ok((states, rows, hash))
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
    let mut buf = vec![0u8; 1 << 20];
    while pending.len() < want {
        match stream.read(&mut buf) {
            Ok(0) => return Ok(true),
            Ok(n) => {
                hasher.update(&buf[..n]);
                pending.extend_from_slice(&buf[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(source.read_error(&e, None)),
        }
    }
    Ok(false)
}

/// Where to end a block: just after its last line end with an even number of quotes before
/// it (0 when there is none).
fn cut_point(bytes: &[u8]) -> usize {
    // Exports rarely quote anything: then the cut is simply after the last line end.
    if !bytes.contains(&b'"') {
        return bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
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

fn parse_block<S>(
    source: &Source,
    layout: &Layout,
    block: &Block,
    state: &mut S,
    each: &RowFn<'_, S>,
) -> Result<usize, DataError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&block.bytes[..]);
    let mut record = csv::ByteRecord::new();
    let mut values = vec![0.0; layout.numeric.len()];
    let mut rows = 0;
    loop {
        let more = csv.read_byte_record(&mut record).map_err(|e| {
            let line = e.position().map(|p| block.first_line + p.line() - 1);
            source.error(line, None, e.to_string())
        })?;
        if !more {
            return Ok(rows);
        }
        let line = block.first_line + record.position().map_or(1, |p| p.line()) - 1;
        if let Some(label) = layout.row(source, &record, line, &mut values)? {
            each(state, &values, label);
            rows += 1;
        }
    }
}

impl Layout {
    /// Checks one record and parses its needed cells into `values`: Ok(None) for a blank
    /// line, Ok(Some(label)) for a row, or the problem with its line and column.
    pub(super) fn row(
        &self,
        source: &Source,
        record: &csv::ByteRecord,
        line: u64,
        values: &mut [f64],
    ) -> Result<Option<Option<bool>>, DataError> {
        let width = self.header.len();
        if record.len() != width {
            if record.len() == 1 && record[0].is_empty() {
                return Ok(None);
            }
            return Err(source.error(
                Some(line),
                None,
                format!(
                    "has {} fields but the header has {width}; every row needs one value per column",
                    record.len()
                ),
            ));
        }
        if std::str::from_utf8(record.as_slice()).is_err() {
            return Err(source.error(
                Some(line),
                None,
                "holds bytes that are not UTF-8 text".into(),
            ));
        }
        for (v, &j) in values.iter_mut().zip(&self.numeric) {
            *v = field::number(&record[j])
                .map_err(|p| source.error(Some(line), Some(&self.header[j]), p))?;
        }
        let label = match self.label {
            Some(j) => Some(
                field::label(&record[j])
                    .map_err(|p| source.error(Some(line), Some(&self.header[j]), p))?,
            ),
            None => None,
        };
        Ok(Some(label))
    }
}
