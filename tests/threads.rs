//! `--threads N` changes only the speed: runs, labelled runs, data runs, sweeps and the
//! top cases' explanations are byte for byte the same on 1, 2, 3 or 16 threads as on the default,
//! and so is the density view's PNG.

use crate::common::anomaly_lab;
use std::path::Path;

/// stdout of `anomaly-lab ARGS --threads N` for each N, and without the flag.
fn outputs(dir: &Path, args: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<Option<&str>> = vec![None];
    all.extend(["1", "2", "3", "16"].map(Some));
    all.into_iter()
        .map(|threads| {
            let mut cmd = anomaly_lab(dir);
            cmd.args(args);
            if let Some(t) = threads {
                cmd.args(["--threads", t]);
            }
            let out = cmd.output().expect("runs");
            assert!(
                out.status.success(),
                "{args:?} --threads {threads:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            (format!("{threads:?}"), out.stdout)
        })
        .collect()
}

fn assert_same(args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let all = outputs(dir.path(), args);
    let (_, default) = &all[0];
    assert!(!default.is_empty());
    for (threads, out) in &all[1..] {
        assert!(
            out == default,
            "{args:?}: --threads {threads} differs from the default"
        );
    }
}

// Sizes large enough that every parallel step splits: columns in up to 16 chunks (2^16
// variates a chunk at least), Beta(2.5, 2.5) in thirds, folding and ranking from 2^17.
const N: &str = "1200000";

#[test]
fn generated_runs_are_the_same_on_any_number_of_threads() {
    assert_same(&["run", "--no-plot", "-n", N, "--top", "8"]);
}

#[test]
fn labelled_runs_and_sweeps_are_the_same_on_any_number_of_threads() {
    assert_same(&["run", "--no-plot", "--lab", "telemetry", "-n", N]);
    assert_same(&[
        "sweep",
        "--no-plot",
        "--lab",
        "telemetry",
        "-n",
        "300000",
        "--format",
        "json",
    ]);
}

#[test]
fn data_runs_are_the_same_on_any_number_of_threads() {
    let kdd = concat!(env!("CARGO_MANIFEST_DIR"), "/lab/kdd_smtp.csv.gz");
    assert_same(&["run", "--no-plot", "--lab", "kdd", "--data", kdd]);
    assert_same(&[
        "run",
        "--no-plot",
        "--lab",
        "kdd",
        "--data",
        kdd,
        "--top",
        "10",
    ]);
}

#[test]
fn every_manual_page_documents_threads() {
    let dir = tempfile::tempdir().unwrap();
    for page in [None, Some("run"), Some("sweep")] {
        let mut cmd = anomaly_lab(dir.path());
        cmd.arg("man").args(page);
        let out = cmd.output().expect("runs");
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("threads"), "man {page:?} lacks --threads");
    }
}

#[test]
fn density_plots_are_the_same_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let png = |threads: &str| {
        let name = format!("p{threads}.png");
        let mut cmd = anomaly_lab(dir.path());
        cmd.args(["--threads", threads, "run", "-n", "300000", "--plot", &name]);
        assert!(cmd.output().expect("runs").status.success());
        std::fs::read(dir.path().join(name)).unwrap()
    };
    let one = png("1");
    for threads in ["2", "3"] {
        assert!(
            png(threads) == one,
            "--threads {threads} draws another plot"
        );
    }
}
