//! `anomaly-lab compare` and `reflect check` as a student uses them.

use crate::common::{Summary, fixture};
use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

fn bin(dir: &Path) -> Command {
    let mut c = crate::common::anomaly_lab(dir);
    c.env("NO_COLOR", "1");
    c
}

/// Writes `anomaly-lab run ARGS` to `name` in `dir`.
fn run_to(dir: &Path, name: &str, args: &[&str]) {
    let out = bin(dir)
        .arg("run")
        .arg("--no-plot")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(dir.join(name), out.stdout).unwrap();
}

/// before.json = the baseline, after.json = quantile 0.9.
fn pair() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    run_to(dir.path(), "before.json", &["--seed", "2"]);
    run_to(
        dir.path(),
        "after.json",
        &["--seed", "2", "--quantile", "0.9"],
    );
    dir
}

fn stdout(dir: &Path, args: &[&str]) -> String {
    let out = bin(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn json_reports_the_quantile_change_exactly() {
    let dir = pair();
    let v: Value = serde_json::from_str(&stdout(
        dir.path(),
        &["compare", "before.json", "after.json", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(
        v["params"],
        serde_json::json!({"quantile": {"old": 0.8, "new": 0.9}})
    );
    assert_eq!(
        v["metrics"]["priority_count"],
        serde_json::json!({"old": 20, "new": 10, "diff": -10, "relative": -0.5})
    );
    // The cases that left are numpy's q=0.8 priority set minus its q=0.9 set.
    let cases: Vec<Summary> = fixture("summaries.json");
    let (q8, q9) = (&cases[0].priority_head, &cases[1].priority_head);
    let left: Vec<usize> = q8.iter().filter(|i| !q9.contains(i)).copied().collect();
    assert_eq!(left.len(), 10);
    assert_eq!(v["priority"]["left"], serde_json::json!(left));
    assert_eq!(v["priority"]["entered"], serde_json::json!([]));
    assert_eq!(
        (
            v["priority"]["kept"].as_u64(),
            v["priority"]["jaccard"].as_f64()
        ),
        (Some(10), Some(0.5))
    );
    let t0 = v["metrics"]["threshold"]["old"].as_f64().unwrap();
    assert_eq!(t0, 0.4501860567503254);
    let d = v["metrics"]["threshold"]["diff"].as_f64().unwrap();
    assert_eq!(
        d,
        v["metrics"]["threshold"]["new"].as_f64().unwrap() - t0,
        "diff is exact, not rounded"
    );
}

#[test]
fn table_output() {
    let dir = pair();
    insta::assert_snapshot!(stdout(
        dir.path(),
        &["compare", "before.json", "after.json"]
    ));
}

#[test]
fn markdown_output() {
    let dir = pair();
    insta::assert_snapshot!(stdout(
        dir.path(),
        &["compare", "before.json", "after.json", "--format", "md"]
    ));
}

#[test]
fn weight_change_shows_top_list_moves() {
    let dir = tempfile::tempdir().unwrap();
    run_to(dir.path(), "before.json", &[]);
    run_to(dir.path(), "after.json", &["--weights", "severity=0.4"]);
    insta::assert_snapshot!(stdout(
        dir.path(),
        &["compare", "before.json", "after.json", "--precision", "4"]
    ));
}

#[test]
fn all_shows_unchanged_parameters_too() {
    let dir = pair();
    let text = stdout(
        dir.path(),
        &[
            "compare",
            "before.json",
            "after.json",
            "--all",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["params"]["seed"], serde_json::json!({"old": 2, "new": 2}));
    assert_eq!(
        v["params"]["weights.severity"],
        serde_json::json!({"old": 0.25, "new": 0.25})
    );
}

#[test]
fn different_populations_skip_the_case_comparison() {
    let dir = tempfile::tempdir().unwrap();
    run_to(dir.path(), "a.json", &["--seed", "2"]);
    run_to(dir.path(), "b.json", &["--seed", "3"]);
    let table = stdout(dir.path(), &["compare", "a.json", "b.json"]);
    assert!(
        table.contains("not compared: the runs differ in seed"),
        "{table}"
    );
    let v: Value = serde_json::from_str(&stdout(
        dir.path(),
        &["compare", "a.json", "b.json", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(v["same_population"], false);
    assert!(v["priority"].is_null());
    assert_eq!(v["metrics"]["priority_count"]["old"], 20);
}

#[test]
fn stdin_can_be_one_of_the_runs() {
    let dir = pair();
    let after = std::fs::read(dir.path().join("after.json")).unwrap();
    let out = bin(dir.path())
        .args(["compare", "before.json", "-", "--format", "json"])
        .write_stdin(after)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["metrics"]["priority_count"]["new"], 10);
    bin(dir.path())
        .args(["compare", "-", "-"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("only one"));
}

#[test]
fn bad_run_files_name_the_file_and_what_is_wrong() {
    let dir = pair();
    let good = std::fs::read_to_string(dir.path().join("before.json")).unwrap();
    let other_lab = good.replace("\"lab\": \"module2\"", "\"lab\": \"telemetry\"");
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty.json", String::new(), "empty.json is empty"),
        (
            "truncated.json",
            good[..good.len() / 2].to_string(),
            "truncated.json is not valid JSON",
        ),
        ("text.json", "hello".into(), "text.json is not valid JSON"),
        (
            "array.json",
            "[1, 2]".into(),
            "not an anomaly-lab run output",
        ),
        (
            "v2.json",
            good.replace("\"format_version\": 1", "\"format_version\": 2"),
            "run format version 2",
        ),
        (
            "partial.json",
            "{\"format\": \"anomaly-lab/run\", \"format_version\": 1}".into(),
            "missing field",
        ),
        (
            "edited.json",
            good.replace("\"priority_count\": 20", "\"priority_count\": 21"),
            "inconsistent",
        ),
        ("lab.json", other_lab, "different labs"),
    ];
    for (name, content, needle) in cases {
        std::fs::write(dir.path().join(name), content).unwrap();
        bin(dir.path())
            .args(["compare", "before.json", name])
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains(needle));
    }
    bin(dir.path())
        .args(["compare", "before.json", "missing.json"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("cannot read missing.json"));
    bin(dir.path())
        .args(["compare", "before.json", "after.json", "--format", "xml"])
        .assert()
        .code(2)
        .stdout("");
    bin(dir.path())
        .args(["compare", "before.json", "after.json", "--precision", "x"])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn reflection_is_filled_from_the_comparison_and_checked() {
    let dir = pair();
    let out = bin(dir.path())
        .args([
            "compare",
            "before.json",
            "after.json",
            "--reflection",
            "reflection.json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("reflection.json")).unwrap())
            .unwrap();
    assert_eq!(r["reflection"]["what_changed"], "quantile 0.8 -> 0.9");
    assert_eq!(
        r["reflection"]["metric_before"],
        "priority_count 20, threshold 0.4501860567503254"
    );
    assert_eq!(
        r["reflection"]["metric_after"],
        "priority_count 10, threshold 0.48685297041803755"
    );
    assert_eq!(r["reflection"]["interpretation"], "");
    assert_eq!(r["before"]["quantile"], 0.8);
    assert_eq!(r["after"]["quantile"], 0.9);

    bin(dir.path())
        .args(["reflect", "check", "reflection.json"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("3 of 6 reflection fields are still empty")
                .and(predicate::str::contains("synthetic_data_limit")),
        );

    // The student writes the rest; check then passes.
    let mut filled = r.clone();
    for field in [
        "interpretation",
        "synthetic_data_limit",
        "next_real_world_evidence_needed",
    ] {
        filled["reflection"][field] = Value::from("written by the student");
    }
    std::fs::write(
        dir.path().join("reflection.json"),
        serde_json::to_string_pretty(&filled).unwrap(),
    )
    .unwrap();
    bin(dir.path())
        .args(["reflect", "check", "reflection.json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("all 6"));
}

#[test]
fn a_reflection_is_never_overwritten_without_force() {
    let dir = pair();
    let path = dir.path().join("reflection.json");
    std::fs::write(&path, "my graded work").unwrap();
    bin(dir.path())
        .args([
            "compare",
            "before.json",
            "after.json",
            "--reflection",
            "reflection.json",
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my graded work");
    bin(dir.path())
        .args([
            "compare",
            "before.json",
            "after.json",
            "--reflection",
            "reflection.json",
            "--force",
        ])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("what_changed")
    );
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "no temporary files left behind");
    bin(dir.path())
        .args(["compare", "before.json", "after.json", "--force"])
        .assert()
        .code(2);
}

/// `--force` replaces a reflection, never one of the files being compared, however the
/// path is spelt (another spelling, a link).
#[test]
fn force_never_turns_a_run_being_compared_into_the_reflection() {
    let dir = pair();
    let after = std::fs::read(dir.path().join("after.json")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("before.json", dir.path().join("link.json")).unwrap();
    for (target, names) in [
        ("./after.json", "the run after the change"),
        ("before.json", "the run before the change"),
        #[cfg(unix)]
        ("link.json", "the run before the change"),
    ] {
        bin(dir.path())
            .args(["compare", "before.json", "after.json", "--force"])
            .args(["--reflection", target])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(names).and(predicate::str::contains("--reflection")));
    }
    assert_eq!(std::fs::read(dir.path().join("after.json")).unwrap(), after);
    assert!(
        std::fs::read_to_string(dir.path().join("before.json"))
            .unwrap()
            .contains("\"summary\"")
    );
}

/// A data file edited after its runs is named as changed (by `reflect check` and `compare
/// --plot`), not taken for a student's wrong facts.
#[test]
fn a_data_file_changed_since_its_runs_is_named_not_blamed_on_the_reflection() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("d.csv"),
        "a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,1,1\n9,9,0\n",
    )
    .unwrap();
    let data = ["--data", "d.csv", "--label", "y"];
    run_to(
        d,
        "before.json",
        &[&data[..], &["--weights", "a=1"]].concat(),
    );
    run_to(
        d,
        "after.json",
        &[&data[..], &["--weights", "a=1,b=1"]].concat(),
    );
    let compare = ["compare", "before.json", "after.json"];
    bin(d)
        .args(compare)
        .args(["--reflection", "r.json"])
        .assert()
        .success();
    let check = || {
        bin(d)
            .args(["reflect", "check", "r.json"])
            .output()
            .unwrap()
    };
    let before = String::from_utf8(check().stdout).unwrap();
    assert!(
        before.contains("facts the tool filled in match"),
        "{before}"
    );
    std::fs::write(
        d.join("d.csv"),
        "a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,1,1\n9,19,0\n",
    )
    .unwrap();
    let after = String::from_utf8(check().stdout).unwrap();
    assert!(after.contains("d.csv has changed since the run"), "{after}");
    assert!(!after.contains("does not match"), "{after}");
    bin(d)
        .args(compare)
        .args(["--plot", "moved.png"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("d.csv has changed since the run"));
    assert!(!d.join("moved.png").exists());
}

#[test]
fn large_runs_encode_their_priority_set_and_still_compare() {
    use anomaly_lab::lab::Lab;
    use anomaly_lab::run::{Cut, RunConfig, simulate};
    let dir = tempfile::tempdir().unwrap();
    run_to(dir.path(), "a.json", &["--n", "100000"]);
    run_to(
        dir.path(),
        "b.json",
        &["--n", "100000", "--quantile", "0.9"],
    );
    let a: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("a.json")).unwrap()).unwrap();
    assert!(
        a.get("priority_indices").is_none(),
        "20,000 cases are not listed inline"
    );
    assert_eq!(a["priority_encoded"]["count"], 20_000);
    assert!(std::fs::metadata(dir.path().join("a.json")).unwrap().len() < 100_000);

    let v: Value = serde_json::from_str(&stdout(
        dir.path(),
        &["compare", "a.json", "b.json", "--format", "json"],
    ))
    .unwrap();
    // Independently: the library's own priority sets for the two cuts.
    let mut cfg = RunConfig::from_lab(Lab::module2());
    cfg.n = 100_000;
    let p8 = simulate(&cfg, false).unwrap().priority;
    cfg.cut = Cut::Quantile(0.9);
    let p9 = simulate(&cfg, false).unwrap().priority;
    let left: Vec<usize> = p8
        .iter()
        .filter(|i| p9.binary_search(i).is_err())
        .copied()
        .collect();
    assert_eq!(v["priority"]["left"], serde_json::json!(left));
    assert_eq!(v["priority"]["kept"], 10_000);

    // A damaged encoding is reported, not trusted.
    let text = std::fs::read_to_string(dir.path().join("a.json")).unwrap();
    let damaged = text.replace("\"count\": 20000", "\"count\": 20001");
    std::fs::write(dir.path().join("bad.json"), damaged).unwrap();
    bin(dir.path())
        .args(["compare", "bad.json", "b.json"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("priority_encoded"));
}

#[test]
fn runs_with_seeds_beyond_u64_round_trip_through_compare() {
    let dir = tempfile::tempdir().unwrap();
    let seed = "1267650600228229401496703205383"; // 2^100 + 7
    run_to(dir.path(), "a.json", &["--seed", seed]);
    run_to(dir.path(), "b.json", &["--seed", seed, "--quantile", "0.5"]);
    let v: Value = serde_json::from_str(&stdout(
        dir.path(),
        &["compare", "a.json", "b.json", "--format", "json", "--all"],
    ))
    .unwrap();
    assert_eq!(
        v["params"]["seed"],
        serde_json::json!({"old": seed, "new": seed})
    );
    assert_eq!(v["same_population"], true);
}
