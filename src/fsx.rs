//! File output that never leaves a half-written file: write a temporary file in the
//! target's directory, flush it to disk, then rename it into place. Temporary files still
//! in flight when the user presses Ctrl-C are removed before the process exits.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written right now, for the interrupt handler to remove.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// On Ctrl-C (or SIGTERM): remove in-flight temporary files, exit 130 as shells expect.
/// A finished target file is never touched: it was renamed into place whole.
pub fn install_interrupt_cleanup() {
    let _ = ctrlc::set_handler(|| {
        remove_in_flight();
        std::process::exit(130);
    });
}

fn remove_in_flight() {
    remove_in_flight_where(|_| true);
}

fn remove_in_flight_where(select: impl Fn(&Path) -> bool) {
    let paths = IN_FLIGHT.lock().map(|p| p.clone()).unwrap_or_default();
    for p in paths.iter().filter(|p| select(p)) {
        let _ = std::fs::remove_file(p);
    }
}

/// Keeps a temporary path registered for as long as it is being written.
struct Registered(PathBuf);

impl Registered {
    fn new(path: &Path) -> Registered {
        if let Ok(mut v) = IN_FLIGHT.lock() {
            v.push(path.to_path_buf());
        }
        Registered(path.to_path_buf())
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut v) = IN_FLIGHT.lock() {
            v.retain(|p| p != &self.0);
        }
    }
}

/// Writes `bytes` to `path` atomically. With `overwrite` false an existing file is left alone
/// and reported; the check and the rename are one step (`persist_noclobber`), so a file
/// created meanwhile is not clobbered either.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    write_atomic_with(path, overwrite, |f| f.write_all(bytes))
}

/// [`write_atomic`] with the content produced by `write`. If `write` fails, the target is
/// untouched and the temporary file removed.
pub fn write_atomic_with(
    path: &Path,
    overwrite: bool,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
    if path.is_dir() {
        bail!("{} is a directory; give a file name", path.display());
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".anomaly-lab-").suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(permissions_for(path));
    let mut tmp = builder.tempfile_in(dir).map_err(|e| {
        let why = if !dir.exists() {
            format!("directory {} does not exist", dir.display())
        } else if !dir.is_dir() {
            format!("{} is not a directory", dir.display())
        } else {
            format!("cannot create files in {} ({})", dir.display(), e.kind())
        };
        anyhow::anyhow!("cannot write {}: {why}", path.display())
    })?;
    let _registered = Registered::new(tmp.path());
    write(tmp.as_file_mut())
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let persisted = if overwrite {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    persisted.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!(
                "{} already exists; not overwriting it (use --force to replace it)",
                path.display()
            )
        } else {
            anyhow::Error::new(e.error).context(format!("cannot write {}", path.display()))
        }
    })?;
    Ok(())
}

/// A replaced file keeps its mode; a new one gets the usual rw-r--r-- rather than the
/// owner-only mode temporary files are created with.
#[cfg(unix)]
fn permissions_for(path: &Path) -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.permissions())
        .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644))
}

/// The most a lab file may hold: far beyond any real lab, far below what would strain memory.
pub const LAB_FILE_LIMIT: u64 = 1 << 20;
/// The most a run or reflection document may hold (a 10^8-case run's JSON is about 140 MB).
pub const DOCUMENT_LIMIT: u64 = 1 << 30;

/// Reads a text file of at most `limit` bytes. Anything but a regular file (a FIFO, a
/// device such as /dev/zero, a directory) is refused before it is read, so nothing blocks
/// or grows without bound.
pub fn read_limited(path: &Path, limit: u64) -> Result<String> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        bail!("{} is not a regular file", path.display());
    }
    let mut text = String::new();
    let read = std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("{} is not UTF-8 text", path.display()))?;
    if read as u64 > limit {
        bail!(
            "{} is larger than {}, more than such a file ever holds",
            path.display(),
            crate::memory::human(u128::from(limit))
        );
    }
    Ok(text)
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
pub fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("reflection.json");
        std::fs::write(&target, "the student's work").unwrap();
        let err = write_atomic_with(&target, true, |f| {
            f.write_all(b"{\"half\": ")?;
            Err(std::io::Error::other("disk full (injected)"))
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("injected"));
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "the student's work"
        );
        assert_eq!(entries(dir.path()), ["reflection.json"]);
        let registered = IN_FLIGHT.lock().unwrap().clone();
        assert!(
            !registered.iter().any(|p| p.starts_with(dir.path())),
            "deregistered"
        );
    }

    #[test]
    fn no_clobber_refuses_and_keeps_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("r.json");
        std::fs::write(&target, "old").unwrap();
        let err = write_atomic(&target, b"new", false).unwrap_err();
        assert!(err.to_string().contains("already exists"));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(entries(dir.path()), ["r.json"]);
        write_atomic(&target, b"new", true).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn in_flight_files_are_registered_while_written_and_removed_on_interrupt() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("p.png");
        let seen = std::cell::Cell::new(None);
        write_atomic_with(&target, true, |_| {
            let registered = IN_FLIGHT.lock().unwrap().clone();
            seen.set(registered.into_iter().find(|p| p.starts_with(dir.path())));
            // What the Ctrl-C handler does mid-write (limited to this test's files, since
            // tests run in parallel):
            remove_in_flight_where(|p| p.starts_with(dir.path()));
            Ok(())
        })
        .unwrap_err();
        let tmp = seen.take().expect("the temporary file was registered");
        assert!(!tmp.exists());
        assert!(!target.exists(), "nothing was renamed into place");
    }
}
