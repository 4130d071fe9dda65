//! A column kept on disk for a while: the plot's x column waits in an unnamed temporary
//! file while the detection curve sorts a copy of every score, so the two are never in
//! memory together (the memory bound of a labelled, plotted run).

use anyhow::{Context, Result};
use std::fs::File;
use std::io::{Read, Seek, Write};

/// Columns shorter than this stay in memory: writing them out saves little.
const PARK_FROM: usize = 1 << 20;

/// Values written or read at a time: the column is never in memory twice.
const PIECE: usize = 1 << 16;

/// A column, in memory or in a temporary file.
#[derive(Debug)]
pub enum Parked {
    Memory(Vec<f64>),
    /// The file and the column's length.
    File(File, usize),
}

impl Parked {
    /// Writes a long column to a temporary file and frees its memory. Where no file can be
    /// written (or a file size limit could end the run), the column stays in memory.
    pub fn new(column: Vec<f64>) -> Parked {
        if column.len() < PARK_FROM || !super::spill::file_size_unlimited() {
            return Parked::Memory(column);
        }
        let written = tempfile::tempfile().ok().and_then(|mut file| {
            let mut bytes = Vec::with_capacity(8 * PIECE);
            for piece in column.chunks(PIECE) {
                bytes.clear();
                bytes.extend(piece.iter().flat_map(|v| v.to_le_bytes()));
                file.write_all(&bytes).ok()?;
            }
            Some(file)
        });
        match written {
            Some(file) => Parked::File(file, column.len()),
            None => Parked::Memory(column),
        }
    }

    /// The column back.
    pub fn restore(self) -> Result<Vec<f64>> {
        let (mut file, len) = match self {
            Parked::Memory(column) => return Ok(column),
            Parked::File(file, len) => (file, len),
        };
        let failed = "could not read back the plot's column from its temporary file";
        file.rewind().context(failed)?;
        let mut column = Vec::with_capacity(len);
        let mut bytes = vec![0u8; 8 * PIECE];
        while column.len() < len {
            let piece = &mut bytes[..8 * PIECE.min(len - column.len())];
            file.read_exact(piece).context(failed)?;
            column.extend(
                piece
                    .chunks_exact(8)
                    .map(|b| f64::from_le_bytes(b.try_into().expect("eight bytes"))),
            );
        }
        Ok(column)
    }
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
            let back = parked.restore().unwrap();
            let bits = |c: &[f64]| c.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&back), bits(&column));
        }
    }
}
