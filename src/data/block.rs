//! One block of rows: by the quick path where it applies (`fast`), else by the csv crate,
//! with every problem located by line and column.

use super::DataError;
use super::field;
use super::reader::Source;

/// Where the cells a pass needs sit in each row.
#[derive(Debug)]
pub(super) struct Layout {
    pub header: Vec<String>,
    pub numeric: Vec<usize>,
    pub label: Option<usize>,
    /// What each column is to the pass, for the quick path.
    pub roles: super::fast::Roles,
}

/// What a pass does with one row: (its block's state, the numeric cells, the label). The
/// passes take it as a type parameter, so each pass's row function is compiled into the
/// parsing loop rather than called through a pointer per row.
pub(super) trait RowFn<S>: Fn(&mut S, &[f64], Option<bool>) + Sync {}
impl<S, F: Fn(&mut S, &[f64], Option<bool>) + Sync> RowFn<S> for F {}

/// A parsed block: its state, rows and line ends, or the first problem in it, its line
/// counted from the block's first line (1).
pub(super) type BlockResult<S> = Result<(S, usize, u64), DataError>;

/// One block's rows: by the quick path where it applies, else by the csv crate.
pub(super) fn parse_block<S>(
    source: &Source,
    layout: &Layout,
    bytes: &[u8],
    make: &(dyn Fn() -> S + Sync),
    each: &impl RowFn<S>,
) -> BlockResult<S> {
    let mut state = make();
    if let Some((rows, lines)) = super::fast::parse_block(layout, bytes, &mut state, each) {
        return Ok((state, rows, lines));
    }
    csv_block(source, layout, bytes, make(), each)
}

/// One block's rows by the csv crate, with each problem located.
pub(super) fn csv_block<S>(
    source: &Source,
    layout: &Layout,
    bytes: &[u8],
    mut state: S,
    each: &impl RowFn<S>,
) -> BlockResult<S> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut values = vec![0.0; layout.numeric.len()];
    let mut rows = 0;
    let mut lines = LineCount::default();
    loop {
        let more = csv.read_byte_record(&mut record).map_err(|e| {
            let line = e.position().map(|p| lines.of_record(bytes, p));
            source.error(line, None, e.to_string())
        })?;
        if !more {
            return Ok((state, rows, lines.ends_before(bytes, bytes.len())));
        }
        let line = record.position().map_or(1, |p| lines.of_record(bytes, p));
        if let Some(label) = layout.row(source, &record, line, &mut values)? {
            each(&mut state, &values, label);
            rows += 1;
        }
    }
}

/// Line numbers counted in a stretch of bytes (a block, or the stream's first bytes). The
/// csv crate places a record after blank lines at the first of them, line and byte
/// (BurntSushi/rust-csv#208), and stops between the two bytes of a "\r\n", so the line ends
/// there are skipped to reach the record itself. Offsets come in order, so the count goes on
/// from the last.
#[derive(Default)]
pub(super) struct LineCount {
    /// Line ends counted so far, and the offset they were counted to.
    ends: u64,
    to: usize,
}

impl LineCount {
    /// The line (from 1) on which the record at `position` starts.
    pub(super) fn of_record(&mut self, bytes: &[u8], position: &csv::Position) -> u64 {
        let from = offset(bytes, position);
        let blank = bytes[from..]
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
        self.ends_before(bytes, from + blank) + 1
    }

    /// How many line ends come before `byte`.
    pub(super) fn ends_before(&mut self, bytes: &[u8], byte: usize) -> u64 {
        if byte > self.to {
            self.ends += memchr::memchr_iter(b'\n', &bytes[self.to..byte]).count() as u64;
            self.to = byte;
        }
        self.ends
    }
}

/// A csv position as an offset into the `bytes` it was read from.
pub(super) fn offset(bytes: &[u8], position: &csv::Position) -> usize {
    usize::try_from(position.byte()).map_or(bytes.len(), |b| b.min(bytes.len()))
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
