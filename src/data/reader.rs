//! Reading a CSV export row by row: gzip detection, the header, field counts, UTF-8, and a
//! hash (xxh3-128) of the (decompressed) bytes, with every error located by file, line and column.

use super::DataError;
use super::block::{Layout, LineCount, offset};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

/// Where a data file comes from: a path, or bytes compiled into the binary.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    File(PathBuf),
    /// Bytes in memory: a built-in lab's data, or a fuzzer's input.
    Bytes {
        name: String,
        bytes: Arc<[u8]>,
    },
}

/// The columns a pass needs: numeric ones in this order, and the label.
#[derive(Clone, Debug, PartialEq)]
pub struct Columns {
    pub numeric: Vec<String>,
    pub label: Option<String>,
}

impl Source {
    /// The name errors and the run's JSON use: the path as given.
    pub fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Bytes { name, .. } => name.clone(),
        }
    }

    pub(crate) fn error(
        &self,
        line: Option<u64>,
        column: Option<&str>,
        problem: String,
    ) -> DataError {
        DataError {
            file: crate::readable::without_controls(&self.name()),
            line,
            column: column.map(str::to_string),
            problem,
        }
    }

    /// A failed read, named for what it most likely is.
    pub(super) fn read_error(&self, e: &std::io::Error, line: Option<u64>) -> DataError {
        let what = if self.is_gzip() && e.kind() != std::io::ErrorKind::NotFound {
            "the gzip stream is corrupt or cut short"
        } else {
            "cannot read it"
        };
        self.error(line, None, format!("{what}: {e}"))
    }

    /// The header's columns, the byte where the first row starts and that row's line, from
    /// the stream's first bytes (blank lines may come before the header).
    pub(super) fn layout(
        &self,
        head: &[u8],
        cols: &Columns,
    ) -> Result<(Layout, usize, u64), DataError> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(head);
        let mut record = csv::ByteRecord::new();
        let got = csv
            .read_byte_record(&mut record)
            .map_err(|e| self.error(Some(1), None, e.to_string()))?;
        if !got {
            return Err(self.error(
                None,
                None,
                "is empty; expected a header row naming the columns, then one row per case".into(),
            ));
        }
        let mut lines = LineCount::default();
        let header_line = record.position().map_or(1, |p| lines.of_record(head, p));
        // After a "\r\n" the csv crate stops between the two bytes; the row starts after both.
        let mut end = offset(head, csv.position());
        if head.get(end) == Some(&b'\n') && end > 0 && head[end - 1] == b'\r' {
            end += 1;
        }
        let layout = self.layout_of(&record, cols).map_err(|mut e| {
            e.line = e.line.map(|_| header_line);
            e
        })?;
        Ok((layout, end, lines.ends_before(head, end) + 1))
    }

    /// Where the needed columns are, from the header record.
    fn layout_of(&self, record: &csv::ByteRecord, cols: &Columns) -> Result<Layout, DataError> {
        let header = self.header(record)?;
        let index = |name: &str| self.find(&header, name);
        let numeric = cols
            .numeric
            .iter()
            .map(|c| index(c))
            .collect::<Result<Vec<usize>, _>>()?;
        let label = cols.label.as_deref().map(index).transpose()?;
        Ok(Layout {
            roles: super::fast::roles(header.len(), &numeric, label),
            header,
            numeric,
            label,
        })
    }

    /// The raw byte stream, decompressed if it starts with gzip's magic bytes.
    pub(super) fn open(&self) -> Result<Box<dyn Read + Send>, DataError> {
        let mut raw: Box<dyn Read + Send> = match self {
            Source::File(path) => {
                let meta = std::fs::metadata(path)
                    .map_err(|e| self.error(None, None, format!("cannot read it: {e}")))?;
                if !meta.is_file() {
                    return Err(self.error(None, None, "is not a regular file".into()));
                }
                let file = std::fs::File::open(path)
                    .map_err(|e| self.error(None, None, format!("cannot read it: {e}")))?;
                Box::new(file)
            }
            Source::Bytes { bytes, .. } => Box::new(std::io::Cursor::new(Arc::clone(bytes))),
        };
        let mut magic = [0u8; 2];
        let mut got = 0;
        while got < 2 {
            match raw.read(&mut magic[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) => return Err(self.error(None, None, format!("cannot read it: {e}"))),
            }
        }
        let head = std::io::Cursor::new(magic[..got].to_vec());
        let stream = head.chain(raw);
        Ok(if magic[..got] == [0x1f, 0x8b] {
            Box::new(flate2::read::MultiGzDecoder::new(stream))
        } else {
            Box::new(stream)
        })
    }

    /// Calls `each(values, label)` for every row, values in `cols.numeric` order. Returns the
    /// row count and the xxh3-128 hash of the decompressed bytes. The rows are parsed a block
    /// at a time on every core (as the scoring pass does) and handed over in file order.
    pub fn for_each_row(
        &self,
        cols: &Columns,
        each: &mut dyn FnMut(&[f64], Option<bool>),
    ) -> Result<(usize, String), DataError> {
        let width = cols.numeric.len();
        type Block = (Vec<f64>, Vec<Option<bool>>);
        let make = || (Vec::new(), Vec::new());
        let add = |(values, labels): &mut Block, row: &[f64], label: Option<bool>| {
            values.extend_from_slice(row);
            labels.push(label);
        };
        let mut take = |(values, labels): Block| {
            for (i, label) in labels.into_iter().enumerate() {
                each(&values[i * width..(i + 1) * width], label);
            }
        };
        super::chunks::par_rows(self, cols, &make, &add, &|_| {}, &mut take)
    }

    fn is_gzip(&self) -> bool {
        let mut magic = [0u8; 2];
        let n = match self {
            Source::Bytes { bytes, .. } => {
                let n = bytes.len().min(2);
                magic[..n].copy_from_slice(&bytes[..n]);
                n
            }
            Source::File(path) => std::fs::File::open(path)
                .and_then(|f| f.take(2).read(&mut magic))
                .unwrap_or(0),
        };
        magic[..n] == [0x1f, 0x8b]
    }

    fn header(&self, record: &csv::ByteRecord) -> Result<Vec<String>, DataError> {
        let mut names = Vec::with_capacity(record.len());
        let mut seen = std::collections::HashSet::with_capacity(record.len());
        for (i, cell) in record.iter().enumerate() {
            // A UTF-8 byte-order mark before the first name is not part of it.
            let cell = if i == 0 {
                cell.strip_prefix(b"\xef\xbb\xbf").unwrap_or(cell)
            } else {
                cell
            };
            let name = std::str::from_utf8(cell)
                .map_err(|_| {
                    self.error(
                        Some(1),
                        None,
                        "the header holds bytes that are not UTF-8 text".into(),
                    )
                })?
                .trim()
                .to_string();
            if !seen.insert(name.clone()) {
                return Err(self.error(
                    Some(1),
                    Some(&name),
                    "the header names this column twice; column names must be unique".into(),
                ));
            }
            names.push(name);
        }
        Ok(names)
    }

    fn find(&self, header: &[String], name: &str) -> Result<usize, DataError> {
        header.iter().position(|h| h == name).ok_or_else(|| {
            let hint = crate::lab::suggest(name, header.iter().map(String::as_str))
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            const SHOWN: usize = 20;
            let mut listed: Vec<String> = header
                .iter()
                .take(SHOWN)
                .map(|h| super::field::quoted(h))
                .collect();
            if header.len() > SHOWN {
                listed.push(format!("and {} more", header.len() - SHOWN));
            }
            self.error(
                Some(1),
                None,
                format!(
                    "has no column {}{hint}; its columns are {}",
                    super::field::quoted(name),
                    listed.join(", ")
                ),
            )
        })
    }
}
