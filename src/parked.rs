//! Long columns set aside in unnamed temporary files while something else needs the
//! memory: the plot's x column while a labelled data run's curve sorts a copy of every
//! score, and a generated run's feature columns until the explanations count them. They
//! take no memory of the process meanwhile (they are in the page cache, which is RAM where
//! the temporary directory is a tmpfs) and vanish with it. Where no file can be written,
//! the callers keep the column or compute it again.

use std::fs::File;
use std::io::{Read, Seek, Write};

/// Columns shorter than this stay in memory: writing them out saves little.
pub(crate) const PARK_FROM: usize = 1 << 20;

/// Values written or read at a time: a column is never in memory twice.
const PIECE: usize = 1 << 16;

/// A column, in memory or in a temporary file.
#[derive(Debug)]
pub(crate) enum Parked {
    Memory(Vec<f64>),
    /// The file and the column's length.
    File(File, usize),
}

impl Parked {
    /// A long column in a temporary file, its memory freed; a short one, or one no file can
    /// be written for, stays in memory.
    pub(crate) fn new(column: Vec<f64>) -> Parked {
        match Parked::write(&column) {
            Some(parked) => parked,
            None => Parked::Memory(column),
        }
    }

    /// A long column copied to a temporary file; None where it is short or no file can be
    /// written, or where a file size limit (`ulimit -f`, whose signal would end the run)
    /// could be reached.
    pub(crate) fn write(column: &[f64]) -> Option<Parked> {
        if column.len() < PARK_FROM {
            return None;
        }
        Parked::write_file(column)
    }

    /// A long column in temporary files, a stretch a thread, all written at once: writing
    /// is mostly the kernel's copy into the page cache, done by the writing thread, and one
    /// file's writes take turns. None where [`Parked::write`] would be.
    pub(crate) fn write_split(column: &[f64]) -> Option<Vec<Parked>> {
        if column.len() < PARK_FROM {
            return None;
        }
        let n = column.len();
        let stretch = crate::threads::part_len(n, crate::threads::for_items(n));
        let stretches = column.chunks(stretch).collect();
        crate::threads::map(stretches, Parked::write_file)
            .into_iter()
            .collect()
    }

    /// Any column in a temporary file (see [`Parked::write`]).
    fn write_file(column: &[f64]) -> Option<Parked> {
        if !file_size_unlimited() {
            return None;
        }
        let mut file = tempfile::tempfile().ok()?;
        let mut bytes = Vec::with_capacity(8 * PIECE);
        for piece in column.chunks(PIECE) {
            bytes.clear();
            append_le(&mut bytes, piece);
            file.write_all(&bytes).ok()?;
        }
        Some(Parked::File(file, column.len()))
    }

    /// The column back.
    pub(crate) fn restore(self) -> std::io::Result<Vec<f64>> {
        if let Parked::Memory(column) = self {
            return Ok(column);
        }
        // Reserved whole: growing would copy, with the column in memory twice meanwhile.
        let mut column = Vec::with_capacity(self.len());
        let mut values = self.values()?;
        column.extend(values.by_ref());
        values.finish().map(|()| column)
    }

    /// How many values the column holds.
    pub(crate) fn len(&self) -> usize {
        match self {
            Parked::Memory(column) => column.len(),
            Parked::File(_, len) => *len,
        }
    }

    /// The values at `indices`: a read each, or, for many, one pass over the file.
    pub(crate) fn values_at(&self, indices: &[usize]) -> std::io::Result<Vec<f64>> {
        const FEW: usize = 64;
        match self {
            Parked::Memory(column) => Ok(indices.iter().map(|&i| column[i]).collect()),
            Parked::File(file, _) if indices.len() <= FEW => indices
                .iter()
                .map(|&i| {
                    let mut bytes = [0u8; 8];
                    read_at(file, &mut bytes, 8 * i as u64)?;
                    Ok(f64::from_le_bytes(bytes))
                })
                .collect(),
            Parked::File(file, len) => {
                let mut wanted: Vec<(usize, usize)> = indices.iter().copied().zip(0..).collect();
                wanted.sort_unstable();
                let mut found = vec![0.0; indices.len()];
                let mut values = Parked::File(file.try_clone()?, *len).values()?;
                let mut wanted = wanted.into_iter().peekable();
                for (i, v) in values.by_ref().enumerate() {
                    while let Some((_, place)) = wanted.next_if(|&(index, _)| index == i) {
                        found[place] = v;
                    }
                }
                values.finish()?;
                Ok(found)
            }
        }
    }

    /// The values in order, read a piece at a time; call [`Values::finish`] after.
    pub(crate) fn values(self) -> std::io::Result<Values> {
        let (file, left) = match self {
            Parked::Memory(column) => (None, column),
            Parked::File(mut file, len) => {
                file.rewind()?;
                (Some((file, len)), Vec::new())
            }
        };
        Ok(Values {
            file,
            piece: left,
            at: 0,
            bytes: Vec::new(),
            error: None,
        })
    }
}

/// A parked column's values in order (see [`Parked::values`]). A read error ends them
/// early; [`Values::finish`] reports it.
#[derive(Debug)]
pub(crate) struct Values {
    /// The file and how many values it still holds.
    file: Option<(File, usize)>,
    piece: Vec<f64>,
    at: usize,
    bytes: Vec<u8>,
    error: Option<std::io::Error>,
}

impl Values {
    /// Whether every value was read.
    pub(crate) fn finish(self) -> std::io::Result<()> {
        match self.error {
            Some(e) => Err(e),
            None if self.file.is_some_and(|(_, left)| left > 0) => Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "a parked column was not read to its end",
            )),
            None => Ok(()),
        }
    }

    /// The values not yet taken, handed to `take` a piece at a time (as many as one read
    /// gives), until they end or a read fails.
    pub(crate) fn each_piece(&mut self, take: &mut dyn FnMut(&[f64])) {
        while self.at < self.piece.len() || self.refill().is_some() {
            take(&self.piece[self.at..]);
            self.at = self.piece.len();
        }
    }

    fn refill(&mut self) -> Option<()> {
        let (file, left) = self.file.as_mut().filter(|(_, left)| *left > 0)?;
        let count = PIECE.min(*left);
        self.bytes.resize(8 * count, 0);
        if let Err(e) = file.read_exact(&mut self.bytes) {
            self.error = Some(e);
            *left = 0;
            return None;
        }
        *left -= count;
        self.piece.clear();
        extend_from_le(&mut self.piece, &self.bytes);
        self.at = 0;
        Some(())
    }
}

impl Iterator for Values {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        if self.at == self.piece.len() {
            self.refill()?;
        }
        self.at += 1;
        Some(self.piece[self.at - 1])
    }
}

/// Reads `bytes.len()` bytes at `offset`.
#[cfg(unix)]
pub(crate) fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(not(unix))]
pub(crate) fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    let mut file = file;
    file.seek(std::io::SeekFrom::Start(offset))?;
    file.read_exact(bytes)
}

/// Appends `values` to `bytes` as little-endian doubles, the form temporary files hold.
pub(crate) fn append_le(bytes: &mut Vec<u8>, values: &[f64]) {
    for v in values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
}

/// Appends to `values` the doubles `bytes` hold in that form (whole eights of bytes).
pub(crate) fn extend_from_le(values: &mut Vec<f64>, bytes: &[u8]) {
    let value = |b: &[u8]| f64::from_le_bytes(b.try_into().expect("eight bytes"));
    values.extend(bytes.chunks_exact(8).map(value));
}

/// Whether files may grow without limit (no `ulimit -f`).
#[cfg(unix)]
pub(crate) fn file_size_unlimited() -> bool {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only fills in the struct it is given.
    let got = unsafe { libc::getrlimit(libc::RLIMIT_FSIZE, &mut limit) };
    got == 0 && limit.rlim_cur == libc::RLIM_INFINITY
}

#[cfg(not(unix))]
pub(crate) fn file_size_unlimited() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_comes_back_bit_for_bit_from_memory_or_disk() {
        let long: Vec<f64> = (0..PARK_FROM + PIECE / 2)
            .map(|i| match i % 5 {
                0 => -0.0,
                1 => f64::from_bits(i as u64),
                _ => (i as f64).sqrt() - 300.0,
            })
            .collect();
        let short = long[..10].to_vec();
        for column in [long, short] {
            let parked = Parked::new(column.clone());
            assert_eq!(
                matches!(parked, Parked::File(..)),
                column.len() >= PARK_FROM
            );
            // A few, read one at a time, and many (with repeats), in one pass.
            let picks = [0, 7, column.len() - 1];
            let at = parked.values_at(&picks).unwrap();
            assert_eq!(at, picks.map(|i| column[i]));
            let many: Vec<usize> = (0..200).map(|i| (i * 7919) % column.len()).collect();
            let many = [&many[..], &many[..5]].concat();
            let at = parked.values_at(&many).unwrap();
            let expected: Vec<f64> = many.iter().map(|&i| column[i]).collect();
            assert_eq!(at, expected);
            let back = parked.restore().unwrap();
            let bits = |c: &[f64]| c.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&back), bits(&column));
        }
    }
}
