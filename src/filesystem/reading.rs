//! Reading the text files a command is given (labs, runs, reflections) without blocking on
//! a FIFO or filling memory from a device or an oversized file.

use anyhow::{Result, bail};
use std::path::Path;

/// The most a lab file may hold: far beyond any real lab, far below what would strain memory.
pub(crate) const LAB_FILE_LIMIT: u64 = 1 << 20;
/// The most a run or reflection document may hold: more than any run this tool writes
/// on a machine that could read it back (a run with a million explained top cases is
/// about 1 GB).
pub(crate) const DOCUMENT_LIMIT: u64 = 16 << 30;

/// Reads a text file of at most `limit` bytes. Anything but a regular file (a FIFO, a
/// device such as /dev/zero, a directory) is refused before it is read, so nothing blocks
/// or grows without bound.
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<String> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        bail!("{} is not a regular file", path.display());
    }
    let mut text = String::new();
    let read = std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_string(&mut text)
        .map_err(|_| {
            anyhow::anyhow!(
                "{} is not text (it holds bytes that are not UTF-8: a picture or other binary file?)",
                path.display()
            )
        })?;
    if read as u64 > limit {
        bail!(
            "{} is larger than {}, more than such a file ever holds",
            path.display(),
            crate::memory::human(u128::from(limit))
        );
    }
    Ok(text)
}
