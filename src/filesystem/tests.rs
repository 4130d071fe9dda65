use super::*;

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn write(path: &Path, bytes: &[u8], replace: Replace) -> Result<bool> {
    stage(path, replace, bytes)?.commit()
}

#[test]
fn a_failed_write_leaves_the_old_file_and_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("reflection.json");
    std::fs::write(&target, "the student's work").unwrap();
    let err = stage_with(&target, Replace::RegularFile, |f| {
        f.write_all(b"{\"half\": ")?;
        Err(std::io::Error::other("disk full (injected)"))
    })
    .err()
    .unwrap();
    assert!(format!("{err:#}").contains("injected"));
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "the student's work"
    );
    assert_eq!(entries(dir.path()), ["reflection.json"]);
    let registered = in_flight().paths.clone();
    assert!(
        !registered.iter().any(|p| p.starts_with(dir.path())),
        "deregistered"
    );
}

#[test]
fn nothing_is_in_place_until_commit_and_a_dropped_stage_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("p.png");
    let staged = stage(&target, Replace::Png, b"\x89PNG\r\n\x1a\nnew").unwrap();
    assert!(!target.exists());
    drop(staged);
    assert!(entries(dir.path()).is_empty());
    let staged = stage(&target, Replace::Png, b"\x89PNG\r\n\x1a\nnew").unwrap();
    assert!(staged.commit().unwrap(), "a new file");
    assert_eq!(entries(dir.path()), ["p.png"]);
}

#[test]
fn a_plot_replaces_an_earlier_one_by_swapping_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let plot = dir.path().join("p.png");
    // An empty file is no one's work (and what a swap may leave after a crash).
    std::fs::write(&plot, b"").unwrap();
    assert!(!write(&plot, b"\x89PNG\r\n\x1a\nfirst", Replace::Png).unwrap());
    assert!(!write(&plot, b"\x89PNG\r\n\x1a\nsecond", Replace::Png).unwrap());
    assert_eq!(std::fs::read(&plot).unwrap(), b"\x89PNG\r\n\x1a\nsecond");
    // The old plot went with the temporary name it was swapped to.
    assert_eq!(entries(dir.path()), ["p.png"]);
    // Something short that is not a PNG is still not replaced.
    std::fs::write(&plot, b"notes").unwrap();
    assert!(write(&plot, b"\x89PNG\r\n\x1a\nthird", Replace::Png).is_err());
    assert_eq!(std::fs::read(&plot).unwrap(), b"notes");
}

#[test]
fn only_a_persons_file_is_flushed_to_disk_and_before_it_is_put_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let syncs = || SYNCS.with(std::cell::Cell::get);
    let before = syncs();
    let plot = dir.path().join("p.png");
    assert!(write(&plot, b"\x89PNG\r\n\x1a\nfirst", Replace::Png).unwrap());
    assert!(!write(&plot, b"\x89PNG\r\n\x1a\nsecond", Replace::Png).unwrap());
    assert_eq!(std::fs::read(&plot).unwrap(), b"\x89PNG\r\n\x1a\nsecond");
    assert!(write(&dir.path().join("cases.csv"), b"index\n", Replace::Nothing).unwrap());
    assert_eq!(syncs(), before, "plots and exports are not synced");
    let reflection = dir.path().join("reflection.json");
    std::fs::write(&reflection, "{}").unwrap();
    let staged = stage(&reflection, Replace::RegularFile, b"{\"edited\": 1}").unwrap();
    assert_eq!(
        syncs(),
        before + 1,
        "an edited reflection is synced when staged"
    );
    assert_eq!(std::fs::read_to_string(&reflection).unwrap(), "{}");
    assert!(!staged.commit().unwrap());
    assert_eq!(syncs(), before + 1);
}

#[test]
fn a_failed_write_unlinks_its_temporary_file_before_forgetting_it() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("p.png");
    let mut seen = Vec::new();
    let failed = stage_with(&target, Replace::Png, |f| {
        seen = in_flight().paths.clone();
        f.write_all(b"half")?;
        Err(std::io::Error::other("injected"))
    });
    assert!(failed.is_err());
    let temporary = seen.iter().find(|p| p.starts_with(dir.path())).unwrap();
    assert!(!temporary.exists());
    assert!(!in_flight().paths.contains(temporary));
    // Deregistered only once gone: an interrupt in between would have removed it.
    assert!(!LEFT_BEHIND.with(|l| l.borrow().contains(temporary)));
}

#[test]
fn no_clobber_refuses_and_keeps_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("r.json");
    std::fs::write(&target, "old").unwrap();
    let err = write(&target, b"new", Replace::Nothing).unwrap_err();
    assert!(err.to_string().contains("already exists"));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    assert_eq!(entries(dir.path()), ["r.json"]);
    assert!(!write(&target, b"new", Replace::RegularFile).unwrap());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
}

#[test]
fn the_target_is_checked_when_the_file_is_put_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("r.json");
    // Nothing there when the run starts; a file appears while it computes.
    let staged = stage(&target, Replace::Nothing, b"new").unwrap();
    std::fs::write(&target, "written meanwhile").unwrap();
    let err = staged.commit().unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "written meanwhile"
    );
    // A plot path that held a PNG at the start and a user's notes by the end.
    let plot = dir.path().join("p.png");
    std::fs::write(&plot, b"\x89PNG\r\n\x1a\nold").unwrap();
    let staged = stage(&plot, Replace::Png, b"\x89PNG\r\n\x1a\nnew").unwrap();
    std::fs::write(&plot, "notes").unwrap();
    let err = staged.commit().unwrap_err();
    assert!(err.to_string().contains("not a PNG"), "{err}");
    assert_eq!(std::fs::read_to_string(&plot).unwrap(), "notes");
    assert_eq!(entries(dir.path()), ["p.png", "r.json"]);
}

#[cfg(unix)]
#[test]
fn only_regular_files_are_ever_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.png");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    for (path, replace) in [
        (&fifo, Replace::Png),
        (&fifo, Replace::RegularFile),
        (&link, Replace::RegularFile),
    ] {
        let err = write(path, b"x", replace).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }
    let err = write(dir.path(), b"x", Replace::RegularFile).unwrap_err();
    assert!(err.to_string().contains("is a directory"), "{err}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo_like()
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("/dev/null"));
}

#[cfg(unix)]
trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}

#[cfg(unix)]
impl FifoLike for std::fs::FileType {
    fn is_fifo_like(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_fifo(self)
    }
}

#[test]
fn in_flight_files_are_registered_while_written_and_removed_on_interrupt() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("p.png");
    let seen = std::cell::Cell::new(None);
    let staged = stage_with(&target, Replace::Png, |_| {
        let registered = in_flight().paths.clone();
        seen.set(registered.into_iter().find(|p| p.starts_with(dir.path())));
        // What the interrupt handler does mid-write (limited to this test's files, since
        // tests run in parallel):
        remove_in_flight_where(|p| p.starts_with(dir.path()));
        Ok(())
    });
    let tmp = seen.take().expect("the temporary file was registered");
    assert!(!tmp.exists());
    assert!(staged.is_err() || staged.unwrap().commit().is_err());
    assert!(!target.exists(), "nothing was renamed into place");
}
