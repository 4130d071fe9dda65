//! File output that never leaves a half-written file and never replaces what it should
//! not: each file is written whole to a temporary file in the target's directory
//! ([`stage`]), and only put in place ([`Staged::commit`]) once the command has done
//! everything else, checking the target at that moment. Temporary files still in flight
//! when the process is interrupted (Ctrl-C, SIGTERM, SIGHUP) are removed before it exits.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files in existence right now, for the interrupt handler to remove, and
/// whether the process is ending (then no new temporary file may be created).
struct InFlight {
    paths: Vec<PathBuf>,
    ending: bool,
}

static IN_FLIGHT: Mutex<InFlight> = Mutex::new(InFlight {
    paths: Vec::new(),
    ending: false,
});

fn in_flight() -> std::sync::MutexGuard<'static, InFlight> {
    IN_FLIGHT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// On Ctrl-C, SIGTERM or SIGHUP: remove in-flight temporary files, exit 130 as shells
/// expect. A finished target file is never touched: it was renamed into place whole.
/// The handler holds the registry's lock until the process is gone, and temporary files
/// are created under the same lock, so none can appear after the clean-up. It is
/// installed as the first temporary file is about to be made: a command that writes no
/// file never starts the handler's thread, and a signal before then finds nothing to
/// clean and ends the process as it would any other.
fn install_interrupt_cleanup() {
    let _ = ctrlc::set_handler(|| {
        in_flight().end();
        std::process::exit(crate::exit::Exit::Interrupted.code());
    });
}

impl InFlight {
    /// Removes every temporary file and lets no new one be created.
    fn end(&mut self) {
        self.ending = true;
        for p in &self.paths {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Removes the in-flight temporary files as the process dies of something it cannot
/// handle (an allocation that failed): only if the registry is free, since the failed
/// allocation may have happened while it was held.
pub(crate) fn remove_in_flight_now() {
    if let Ok(mut registry) = IN_FLIGHT.try_lock() {
        registry.end();
    }
}

/// What the handler does, for the files `select` picks (tests run in parallel).
#[cfg(test)]
fn remove_in_flight_where(select: impl Fn(&Path) -> bool) {
    let registry = in_flight();
    for p in registry.paths.iter().filter(|p| select(p)) {
        let _ = std::fs::remove_file(p);
    }
}

/// Creates the temporary file at `path` and registers it, in one step under the lock.
fn create_registered(
    path: &Path,
    options: &std::fs::OpenOptions,
) -> std::io::Result<std::fs::File> {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    let mut registry = in_flight();
    INSTALLED.call_once(install_interrupt_cleanup);
    if registry.ending {
        return Err(std::io::Error::other("interrupted"));
    }
    let file = options.open(path)?;
    registry.paths.push(path.to_path_buf());
    Ok(file)
}

fn deregister(path: &Path) {
    #[cfg(test)]
    LEFT_BEHIND.with(|l| {
        l.borrow_mut()
            .extend(path.exists().then(|| path.to_path_buf()))
    });
    in_flight().paths.retain(|p| p != path);
}

#[cfg(test)]
thread_local! {
    /// Paths that still existed when they were deregistered (on this thread), for the
    /// tests: an interrupt then would not have removed them.
    static LEFT_BEHIND: std::cell::RefCell<Vec<PathBuf>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Keeps a temporary path registered for as long as it exists under that name.
#[derive(Debug)]
struct Registered(PathBuf);

impl Drop for Registered {
    fn drop(&mut self) {
        deregister(&self.0);
    }
}

/// What an output may replace when its path already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replace {
    /// Nothing: the path must not exist (a reflection or export a person may have edited).
    Nothing,
    /// A regular file holding a PNG image: an earlier plot.
    Png,
    /// Any regular file (the user asked for it); never a device, FIFO, link or directory.
    RegularFile,
}

/// Why an output was not put in place. The command line adds what the user can do.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OutputError {
    #[error("{} already exists; not overwriting it", .0.display())]
    AlreadyExists(PathBuf),
    #[error("{} exists and is not a PNG image; not overwriting it", .0.display())]
    NotPng(PathBuf),
    #[error("{} is a directory; give a file name", .0.display())]
    Directory(PathBuf),
    #[error("{} is not a regular file (a device, FIFO, socket or link); not replacing it", .0.display())]
    NotRegular(PathBuf),
    #[error("{} is read-only; not replacing it", .0.display())]
    ReadOnly(PathBuf),
    #[error(
        "{} has other hard links; replacing it would leave them with the old content, so it \
         is not replaced",
        .0.display()
    )]
    HardLinked(PathBuf),
    #[error("cannot write {}: {}", .0.display(), .1)]
    Unusable(PathBuf, std::io::Error),
}

/// Whether `path` may be written under `replace`, as it is now. [`Staged::commit`] checks
/// again when it puts the file in place; calling this first only saves a wasted run.
pub(crate) fn check_target(path: &Path, replace: Replace) -> Result<(), OutputError> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        // A name too long, a directory that is a file, no permission: the write would fail.
        Err(e) => return Err(OutputError::Unusable(path.to_path_buf(), e)),
    };
    let owned = || path.to_path_buf();
    if meta.is_dir() {
        return Err(OutputError::Directory(owned()));
    }
    match replace {
        Replace::Nothing => Err(OutputError::AlreadyExists(owned())),
        _ if !meta.file_type().is_file() => Err(OutputError::NotRegular(owned())),
        // A new file is renamed over the old one: the old one's read-only mark and its
        // other names would not stop that, so they are checked here.
        _ if meta.permissions().readonly() => Err(OutputError::ReadOnly(owned())),
        #[cfg(unix)]
        _ if std::os::unix::fs::MetadataExt::nlink(&meta) > 1 => {
            Err(OutputError::HardLinked(owned()))
        }
        Replace::Png if !holds_png(path) => Err(OutputError::NotPng(owned())),
        Replace::Png | Replace::RegularFile => Ok(()),
    }
}

/// Reads a regular file's first bytes without following a link or blocking on a FIFO
/// that was swapped in after the type check.
fn holds_png(path: &Path) -> bool {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let mut head = [0u8; 8];
    options.open(path).is_ok_and(|mut f| {
        let Ok(meta) = f.metadata() else {
            return false;
        };
        // Empty: no one's work, and what a plot swapped in just before a crash may be left
        // as (see `exchanged`).
        meta.is_file()
            && (meta.len() == 0
                || (f.read_exact(&mut head).is_ok() && head == *b"\x89PNG\r\n\x1a\n"))
    })
}

/// A complete output waiting in a temporary file beside its target.
#[derive(Debug)]
pub(crate) struct Staged {
    file: tempfile::NamedTempFile,
    target: PathBuf,
    replace: Replace,
    // Dropped after `file`, which removes the temporary file.
    _registered: Registered,
}

/// Writes `bytes` to a temporary file for `path`; see [`stage_with`].
pub(crate) fn stage(path: &Path, replace: Replace, bytes: &[u8]) -> Result<Staged> {
    stage_with(path, replace, |f| f.write_all(bytes))
}

/// Writes a temporary file for `path` with `write`. Nothing is at `path` until
/// [`Staged::commit`]; dropping the result removes the temporary file.
pub(crate) fn stage_with(
    path: &Path,
    replace: Replace,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<Staged> {
    check_target(path, replace)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".anomaly-lab-").suffix(".tmp");
    #[cfg(unix)]
    let mode = mode_for(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    let file = builder
        .make_in(dir, |tmp| create_registered(tmp, &options))
        .map_err(|e| {
            let why = if !dir.exists() {
                format!("directory {} does not exist", dir.display())
            } else if !dir.is_dir() {
                format!("{} is not a directory", dir.display())
            } else {
                format!("cannot create files in {} ({})", dir.display(), e.kind())
            };
            anyhow::anyhow!("cannot write {}: {why}", path.display())
        })?;
    let registered = Registered(file.path().to_path_buf());
    // From here a failure drops `staged`, whose temporary file goes before its registration.
    let mut staged = Staged {
        file,
        target: path.to_path_buf(),
        replace,
        _registered: registered,
    };
    write(staged.file.as_file_mut())
        .and_then(|()| crate::fault::point())
        .and_then(|()| finished(staged.file.as_file(), replace))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(staged)
}

impl Staged {
    /// The path the file will be put at.
    pub(crate) fn target(&self) -> &Path {
        &self.target
    }

    /// Whether something is at the target now (so the commit would replace it).
    pub(crate) fn target_exists(&self) -> bool {
        std::fs::symlink_metadata(&self.target).is_ok()
    }

    /// Puts the file in place if its target still allows it: a new file atomically and
    /// only if nothing appeared there meanwhile; a replacement only over what `replace`
    /// allows, checked now. Returns whether the file is new.
    pub(crate) fn commit(self) -> Result<bool> {
        let Staged { file, target, .. } = self;
        let exists = std::fs::symlink_metadata(&target).is_ok();
        check_target(&target, self.replace)?;
        if exists && self.replace == Replace::Png && exchanged(file.path(), &target) {
            // The temporary name now holds the old plot; dropping `file` removes it.
            return Ok(false);
        }
        let persisted = if exists {
            file.persist(&target).map(|_| ())
        } else {
            file.persist_noclobber(&target).map(|_| ())
        };
        persisted.map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::Error::new(OutputError::AlreadyExists(target.clone()))
            } else {
                anyhow::Error::new(e.error).context(format!("cannot write {}", target.display()))
            }
        })?;
        Ok(!exists)
    }
}

/// Swaps `new` and `target` atomically (`renameat2` with `RENAME_EXCHANGE`), so `new`'s
/// name then holds the old file; false where the file system cannot swap. A plot replaces
/// an earlier one this way: a rename over an existing file makes ext4 write the new file
/// out at once (its `auto_da_alloc`, 0.25 ms of a 3 ms run here), a guarantee against an
/// empty file after a crash that a plot, drawn again by any run, does not need (and an
/// empty file is replaced as a plot is; see [`holds_png`]).
fn exchanged(new: &Path, target: &Path) -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::ffi::OsStrExt;
        let (Ok(from), Ok(to)) = (
            std::ffi::CString::new(new.as_os_str().as_bytes()),
            std::ffi::CString::new(target.as_os_str().as_bytes()),
        ) else {
            return false;
        };
        // SAFETY: two NUL-terminated paths that outlive the call.
        let done = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        done == 0
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = (new, target);
        false
    }
}

/// Ends a temporary file's writing so that every write error shows now, before anything
/// is put in place or printed. A file that may replace a person's own (a reflection being
/// edited) is flushed to disk, so that a crash after its rename leaves the old version or
/// the new one, never an empty file. Any other (a plot the run can draw again, a new
/// file) is not, since an fsync costs more than a small run: closing a duplicate of its
/// descriptor makes a file system that reports write errors only as a file is closed
/// (NFS, FUSE) report them here.
fn finished(file: &std::fs::File, replace: Replace) -> std::io::Result<()> {
    if replace == Replace::RegularFile {
        return synced(file);
    }
    #[cfg(unix)]
    {
        use std::os::fd::IntoRawFd;
        let fd = file.try_clone()?.into_raw_fd();
        // SAFETY: `fd` is a descriptor this function owns (a fresh duplicate), closed once.
        if unsafe { libc::close(fd) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(not(unix))]
    file.sync_all()
}

/// Flushes the file to disk (counted, for the tests, on the thread that does it).
fn synced(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(test)]
    SYNCS.with(|n| n.set(n.get() + 1));
    file.sync_all()
}

#[cfg(test)]
thread_local! {
    static SYNCS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A replaced file keeps its mode; a new one gets the usual rw-r--r-- rather than the
/// owner-only mode temporary files are created with.
#[cfg(unix)]
fn mode_for(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map_or(0o644, |m| m.permissions().mode() & 0o7777)
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
pub(crate) fn print_stdout(text: &str) -> Result<()> {
    print_stdout_with(|w| w.write_all(text.as_bytes()))
}

/// Writes to stdout through `write`, buffered, so a large document streams out rather than
/// being built in memory first; a reader that went away is not an error.
pub(crate) fn print_stdout_with(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

mod reading;
#[cfg(test)]
mod tests;

pub(crate) use reading::{DOCUMENT_LIMIT, LAB_FILE_LIMIT, read_limited};
