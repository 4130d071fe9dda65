//! Interrupting anomaly-lab at any moment never leaves a partial file: the target is the
//! old file or the complete new one, and after Ctrl-C no temporary file is left behind.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const OLD: &[u8] = b"\x89PNG\r\n\x1a\n an earlier plot, not a real image";

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect()
}

fn is_complete_png(bytes: &[u8]) -> bool {
    png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .and_then(|mut r| {
            let mut buf = vec![0; r.output_buffer_size()];
            r.next_frame(&mut buf).map(|_| ())
        })
        .is_ok()
}

/// Starts a run that replaces `p.png`, sends `signal` after `delay`, waits for the end.
/// Returns the exit code, or `-signal` if the signal ended the process (as it does when
/// it arrives before the handler is installed, at start-up, when nothing is written yet).
fn interrupt(signal: &str, delay: Duration) -> (tempfile::TempDir, Option<i32>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.png"), OLD).unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("anomaly-lab"))
        .current_dir(dir.path())
        .args(["run", "--n", "2000000", "--plot", "p.png"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    (dir, status.code().or(status.signal().map(|s| -s)))
}

#[test]
fn ctrl_c_at_any_moment_leaves_the_old_plot_or_the_new_one_and_no_temporary_file() {
    for ms in [0, 5, 20, 50, 100, 150, 200, 250, 300, 400, 600] {
        let (dir, code) = interrupt("-INT", Duration::from_millis(ms));
        let bytes = std::fs::read(dir.path().join("p.png")).unwrap();
        assert!(
            bytes == OLD || is_complete_png(&bytes),
            "after {ms} ms: a partial plot"
        );
        assert!(
            leftovers(dir.path()).is_empty(),
            "after {ms} ms: {:?}",
            leftovers(dir.path())
        );
        // Finished (0), cleaned up and exited (130), or stopped by SIGINT itself at start-up.
        assert!(
            matches!(code, Some(0) | Some(130) | Some(-2)),
            "after {ms} ms: exit {code:?}"
        );
    }
}

#[test]
fn a_hard_kill_at_any_moment_never_leaves_a_partial_plot() {
    // SIGKILL cannot be handled, so a temporary file may remain; the target never breaks.
    for ms in [0, 10, 50, 100, 200, 300, 450] {
        let (dir, _) = interrupt("-KILL", Duration::from_millis(ms));
        let bytes = std::fs::read(dir.path().join("p.png")).unwrap();
        assert!(
            bytes == OLD || is_complete_png(&bytes),
            "after {ms} ms: a partial plot"
        );
    }
}
