//! Interrupting anomaly-lab at any moment never leaves a partial file: the target is the
//! old file or the complete new one, and after Ctrl-C no temporary file is left behind.

use crate::common::is_complete_png;
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

/// Starts a run that replaces `p.png`, sends `signal` after `delay`, waits for the end.
/// Returns the exit code, or `-signal` if the signal ended the process (as it does when
/// it arrives before the handler is installed: before the first output's temporary file).
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
        // Finished (0), cleaned up and exited (130), or stopped by SIGINT itself before any
        // output was begun.
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

/// Deterministic faults: the `fault-injection` build stops the first output write right
/// after its temporary file is written (src/fault.rs) and delivers a signal or an error
/// there, the moment a real signal almost never hits.
#[cfg(feature = "fault-injection")]
mod injected {
    use super::{OLD, leftovers};
    use std::path::Path;
    use std::process::Command;

    /// Sets up `dir` for one command; returns its arguments and the file it writes.
    fn scenario(dir: &Path, name: &str) -> (Vec<String>, &'static str) {
        let bin = assert_cmd::cargo::cargo_bin("anomaly-lab");
        let run = |args: &[&str], out: &str| {
            let o = Command::new(&bin)
                .current_dir(dir)
                .args(args)
                .output()
                .unwrap();
            assert!(o.status.success());
            std::fs::write(dir.join(out), o.stdout).unwrap();
        };
        let args: &[&str] = match name {
            "run --plot" => {
                std::fs::write(dir.join("p.png"), OLD).unwrap();
                &["run", "--plot", "p.png"]
            }
            "run --export" => &["run", "--no-plot", "--export", "cases.csv"],
            "compare --reflection --force" => {
                run(&["run", "--no-plot"], "a.json");
                run(&["run", "--no-plot", "--quantile", "0.9"], "b.json");
                std::fs::write(dir.join("r.json"), "the student's edits").unwrap();
                &[
                    "compare",
                    "a.json",
                    "b.json",
                    "--reflection",
                    "r.json",
                    "--force",
                ]
            }
            "sweep --plot" => {
                std::fs::write(dir.join("s.png"), OLD).unwrap();
                &["sweep", "--plot", "s.png"]
            }
            _ => unreachable!(),
        };
        let target = match name {
            "run --plot" => "p.png",
            "run --export" => "cases.csv",
            "compare --reflection --force" => "r.json",
            _ => "s.png",
        };
        (args.iter().map(|s| s.to_string()).collect(), target)
    }

    const SCENARIOS: [&str; 4] = [
        "run --plot",
        "run --export",
        "compare --reflection --force",
        "sweep --plot",
    ];

    fn with_fault(
        fault: &str,
        name: &str,
    ) -> (tempfile::TempDir, std::process::Output, &'static str) {
        let dir = tempfile::tempdir().unwrap();
        let (args, target) = scenario(dir.path(), name);
        let out = Command::new(assert_cmd::cargo::cargo_bin("anomaly-lab"))
            .current_dir(dir.path())
            .args(&args)
            .env("ANOMALY_LAB_FAULT", fault)
            .output()
            .unwrap();
        (dir, out, target)
    }

    fn target_untouched(dir: &Path, target: &str) -> bool {
        match std::fs::read(dir.join(target)) {
            Ok(bytes) => bytes == OLD || bytes == b"the student's edits",
            Err(_) => true,
        }
    }

    #[test]
    fn a_signal_while_a_file_is_written_removes_it_and_keeps_the_old_one() {
        for signal in ["SIGINT", "SIGTERM", "SIGHUP"] {
            for name in SCENARIOS {
                let (dir, out, target) = with_fault(signal, name);
                let what = format!("{name} with {signal}");
                assert_eq!(out.status.code(), Some(130), "{what}");
                assert!(
                    leftovers(dir.path()).is_empty(),
                    "{what}: {:?}",
                    leftovers(dir.path())
                );
                assert!(
                    target_untouched(dir.path(), target),
                    "{what}: {target} changed"
                );
                assert!(out.stdout.is_empty(), "{what}: printed a result");
            }
        }
    }

    /// A signal while the second of two outputs is written: both temporary files go, and
    /// neither the new export nor a changed plot is left.
    #[test]
    fn a_signal_at_the_second_output_removes_both_temporaries() {
        for signal in ["SIGTERM@2", "SIGINT@2", "error@2"] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("p.png"), OLD).unwrap();
            let out = Command::new(assert_cmd::cargo::cargo_bin("anomaly-lab"))
                .current_dir(dir.path())
                .args(["run", "--plot", "p.png", "--export", "cases.csv"])
                .env("ANOMALY_LAB_FAULT", signal)
                .output()
                .unwrap();
            let code = if signal.starts_with("error") { 1 } else { 130 };
            assert_eq!(out.status.code(), Some(code), "{signal}");
            assert!(
                leftovers(dir.path()).is_empty(),
                "{signal}: {:?}",
                leftovers(dir.path())
            );
            assert!(!dir.path().join("cases.csv").exists(), "{signal}");
            assert_eq!(
                std::fs::read(dir.path().join("p.png")).unwrap(),
                OLD,
                "{signal}"
            );
            assert!(out.stdout.is_empty(), "{signal}");
        }
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_no_temporary_and_no_output() {
        for name in SCENARIOS {
            let (dir, out, target) = with_fault("error", name);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{name}: {err}");
            assert!(err.contains("injected write failure"), "{name}: {err}");
            let flag = name.split(' ').nth(1).unwrap();
            assert!(
                err.starts_with(&format!("error: {flag}: ")),
                "{name}: {err}"
            );
            assert!(leftovers(dir.path()).is_empty(), "{name}");
            assert!(
                target_untouched(dir.path(), target),
                "{name}: {target} changed"
            );
            assert!(out.stdout.is_empty(), "{name}: printed a result");
        }
    }
}
