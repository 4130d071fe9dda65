//! `anomaly-lab run` as a student uses it: output shape, determinism, each flag, errors.

use crate::common::{Summary, anomaly_lab, f, fixture};
use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

fn run_json(dir: &Path, args: &[&str]) -> Value {
    let out = anomaly_lab(dir)
        .arg("run")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

fn summaries() -> Vec<Summary> {
    fixture("summaries.json")
}

/// Replays a numpy fixture run (the lab's weights and distributions, a quantile cut)
/// through the command-line flags.
fn replay(dir: &Path, case: &Summary) -> Value {
    let n = case.n.to_string();
    let q = f(&case.cut["quantile"]).to_string();
    let k = case.top_k.to_string();
    let args = [
        "--no-plot",
        "--seed",
        &case.seed,
        "--n",
        &n,
        "--quantile",
        &q,
        "--top",
        &k,
    ];
    run_json(dir, &args)
}

/// Asserts the run's summary is the numpy fixture's.
fn assert_matches(v: &Value, case: &Summary) {
    let s = &v["summary"];
    assert_eq!(s["priority_count"], case.priority_count);
    assert_eq!(
        s["threshold"].as_f64().unwrap().to_bits(),
        f(&case.threshold).to_bits()
    );
    assert_eq!(s["top_indices"], serde_json::json!(case.top_indices));
    let indices: Vec<usize> = serde_json::from_value(v["priority_indices"].clone()).unwrap();
    assert_eq!(indices.len(), case.priority_count);
    assert_eq!(crate::common::sha_idx(&indices), case.priority_sha256);
}

#[test]
fn baseline_prints_the_handout_summary_and_writes_the_plot() {
    let dir = tempfile::tempdir().unwrap();
    let v = run_json(dir.path(), &["--seed", "2"]);
    assert_matches(&v, &summaries()[0]);
    assert_eq!(
        v["summary"].as_object().unwrap().len(),
        4,
        "exactly the notebook's four keys"
    );
    assert_eq!(
        v["summary"]["review_note"],
        "Inspect high-score cases for false positives and missing context before action."
    );
    let reflection = v["reflection"].as_object().unwrap();
    assert_eq!(reflection.len(), 6);
    assert!(reflection.values().all(|x| x == ""));
    assert_eq!(v["plot"], "module2-plot.png");
    assert!(dir.path().join("module2-plot.png").is_file());
    let p = &v["params"];
    assert_eq!(
        (p["seed"].as_u64(), p["n"].as_u64(), p["quantile"].as_f64()),
        (Some(2), Some(96), Some(0.8))
    );
    assert_eq!(p["weights"]["control_gap"], 0.2);
    assert_eq!(
        p["distributions"]["severity"],
        serde_json::json!({"kind": "beta", "a": 2.5, "b": 2.5})
    );
    assert_eq!(p["tool_version"], env!("CARGO_PKG_VERSION"));
}

/// The keys at one indentation level of pretty-printed JSON, in the order printed.
fn keys_at(text: &str, indent: usize, after: &str) -> Vec<String> {
    let start = text.find(after).expect("section present");
    let prefix = format!("{}\"", " ".repeat(indent));
    text[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with(&" ".repeat(indent)))
        .filter(|l| l.starts_with(&prefix))
        .map(|l| l.trim().split('"').nth(1).unwrap().to_string())
        .collect()
}

#[test]
fn keys_come_in_a_fixed_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = anomaly_lab(dir.path())
        .args(["run", "--no-plot"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        keys_at(&text, 2, "{"),
        [
            "format",
            "format_version",
            "params",
            "summary",
            "top_cases",
            "priority_indices",
            "plot",
            "reflection"
        ]
    );
    assert_eq!(
        keys_at(&text, 4, "\"summary\""),
        ["priority_count", "threshold", "top_indices", "review_note"]
    );
    assert_eq!(
        keys_at(&text, 4, "\"reflection\""),
        [
            "what_changed",
            "metric_before",
            "metric_after",
            "interpretation",
            "synthetic_data_limit",
            "next_real_world_evidence_needed"
        ]
    );
    assert_eq!(
        keys_at(&text, 6, "\"weights\""),
        [
            "exposure",
            "severity",
            "control_gap",
            "activity",
            "business_impact"
        ]
    );
}

#[test]
fn identical_arguments_give_identical_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let args = ["run", "--seed", "7", "--quantile", "0.7", "--plot", "p.png"];
    let first = anomaly_lab(a.path()).args(args).output().unwrap();
    let second = anomaly_lab(b.path()).args(args).output().unwrap();
    assert!(first.status.success());
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(
        std::fs::read(a.path().join("p.png")).unwrap(),
        std::fs::read(b.path().join("p.png")).unwrap()
    );
}

#[test]
fn quantile_threshold_weights_and_beta_flags_match_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let cases = summaries();
    let q = run_json(dir.path(), &["--no-plot", "--quantile", "0.9"]);
    assert_matches(&q, &cases[1]);
    assert_eq!(q["summary"]["priority_count"], 10);
    let w = run_json(
        dir.path(),
        &["--no-plot", "--weights", "0.4,0.1,0.2,0.15,0.15"],
    );
    assert_matches(&w, &cases[2]);
    let b = run_json(dir.path(), &["--no-plot", "--beta", "exposure=3,3"]);
    assert_matches(&b, &cases[3]);
    assert_eq!(b["params"]["distributions"]["exposure"]["a"], 3.0);
    let t = run_json(dir.path(), &["--no-plot", "--threshold", "0.5"]);
    assert_matches(&t, &cases[4]);
    assert_eq!(t["params"]["threshold"], 0.5);
    assert!(t["params"].get("quantile").is_none());
}

#[test]
fn named_weights_change_only_the_named_feature() {
    let dir = tempfile::tempdir().unwrap();
    let named = run_json(
        dir.path(),
        &["--no-plot", "--weights", "exposure=0.4,severity=0.1"],
    );
    let full = run_json(
        dir.path(),
        &["--no-plot", "--weights", "0.4,0.1,0.2,0.15,0.15"],
    );
    assert_eq!(named["summary"], full["summary"]);
    assert_eq!(named["params"]["weights"], full["params"]["weights"]);
}

#[test]
fn seed_n_and_top_flags_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let cases = summaries();
    // Any fixture run with the lab's own weights and quantile cut can be replayed by flags.
    let case = cases
        .iter()
        .find(|c| {
            c.lab == "module2"
                && c.weights.is_none()
                && c.betas.is_empty()
                && c.cut.contains_key("quantile")
                && c.n > 100
                && c.top_k == 10
        })
        .expect("fixtures hold such a run");
    let v = replay(dir.path(), case);
    assert_matches(&v, case);
    assert_eq!(v["params"]["n"].as_u64(), Some(case.n as u64));
    let top3 = run_json(dir.path(), &["--no-plot", "--top", "3"]);
    assert_eq!(
        top3["summary"]["top_indices"],
        serde_json::json!([70, 55, 56])
    );
}

#[test]
fn seeds_beyond_u64_work() {
    let dir = tempfile::tempdir().unwrap();
    let case = summaries()
        .into_iter()
        .find(|c| {
            c.seed.parse::<u128>().unwrap() > u128::from(u64::MAX)
                && c.weights.is_none()
                && c.betas.is_empty()
                && c.cut.contains_key("quantile")
        })
        .expect("a u128 seed fixture");
    let v = replay(dir.path(), &case);
    assert_matches(&v, &case);
}

#[test]
fn another_lab_file_runs_without_code_changes() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/labs/mixed.toml");
    let v = run_json(dir.path(), &["--lab", lab.to_str().unwrap()]);
    assert_matches(&v, summaries().iter().find(|c| c.lab == "mixed").unwrap());
    assert_eq!(v["params"]["lab"], "mixed");
    assert!(dir.path().join("mixed-plot.png").is_file());
}

#[test]
fn plot_and_no_plot_choose_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let v = run_json(dir.path(), &["--plot", "sub.png"]);
    assert_eq!(v["plot"], "sub.png");
    assert!(dir.path().join("sub.png").is_file());
    let none = tempfile::tempdir().unwrap();
    let v = run_json(none.path(), &["--no-plot"]);
    assert!(v["plot"].is_null());
    assert_eq!(std::fs::read_dir(none.path()).unwrap().count(), 0);
}

#[test]
fn bad_values_exit_2_name_the_flag_and_write_nothing() {
    let cases: &[(&[&str], &str)] = &[
        (&["--quantile", "1.5"], "--quantile"),
        (&["--quantile", "NaN"], "--quantile"),
        (&["--quantile", "-0.1"], "--quantile"),
        (&["--weights", "0.5,0.5"], "--weights"),
        (&["--weights", "0.2,0.2,0.2,0.2,inf"], "--weights"),
        (&["--weights", "sevrity=0.3"], "did you mean severity"),
        (&["--n", "0"], "--n"),
        (&["--n", "12x"], "--n"),
        (&["--n", "1000000000000000"], "needs about"),
        (&["--seed", "-1"], "--seed"),
        (&["--seed", "2.5"], "--seed"),
        (&["--beta", "exposure=0,1"], "--beta"),
        (&["--beta", "exposure=nan,1"], "--beta"),
        (&["--beta", "exposre=2,2"], "did you mean exposure"),
        (&["--quantile", "0.9", "--threshold", "0.5"], "--threshold"),
        (&["--top", "-1"], "--top"),
    ];
    for (args, needle) in cases {
        let dir = tempfile::tempdir().unwrap();
        anomaly_lab(dir.path())
            .arg("run")
            .args(*args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(*needle));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{args:?} wrote a file"
        );
    }
}

#[test]
fn a_file_that_is_not_a_plot_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.png");
    std::fs::write(&notes, "my notes").unwrap();
    anomaly_lab(dir.path())
        .args(["run", "--plot", "notes.png"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("not overwriting"));
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes");
    // An earlier plot is replaced, as a notebook would.
    anomaly_lab(dir.path())
        .args(["run", "--plot", "p.png"])
        .assert()
        .success();
    anomaly_lab(dir.path())
        .args(["run", "--plot", "p.png", "--seed", "3"])
        .assert()
        .success();
}

#[test]
fn a_closed_stdout_ends_quietly() {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    let dir = tempfile::tempdir().unwrap();
    // ~270 kB of JSON (n = 10^6, priority set encoded): more than a pipe buffer, so the
    // writer meets the closed pipe.
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("anomaly-lab"))
        .current_dir(dir.path())
        .args(["run", "--no-plot", "--n", "1000000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn help_describes_every_flag() {
    let out = Command::cargo_bin("anomaly-lab")
        .unwrap()
        .args(["run", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in crate::common::RUN_FLAGS {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn weights_off_the_unit_sum_are_allowed_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let out = anomaly_lab(dir.path())
        .args(["run", "--no-plot", "--weights", "0.5,0.5,0.5,0.5,-0.5"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "a negative weight is a legitimate what-if"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
    assert!(stderr.contains("sum to 1.5, not 1"), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["params"]["weights"]["business_impact"], -0.5);
    // Weights that sum to 1 (in any order of addition) say nothing.
    let quiet = anomaly_lab(dir.path())
        .args(["run", "--no-plot", "--weights", "0.1,0.2,0.3,0.2,0.2"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
}
