//! Scoring real data: the shipped KDD SMTP export against pandas, numpy and scikit-learn,
//! exports that round-trip exactly, gzip input, and every kind of broken file refused cleanly.

use crate::common::{Expected, anomaly_lab, f, fixture, hex, least_peak_memory};
use anomaly_lab::data::{self, Plan, ScoredColumn, Source};
use anomaly_lab::detect::Curve;
use anomaly_lab::lab::Scale;
use anomaly_lab::run::{Cut, Population, evaluate};
use ndarray::Array1;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn kdd() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lab/kdd_smtp.csv.gz")
}

fn run_json(dir: &Path, args: &[&str]) -> Value {
    json_of(anomaly_lab(dir).arg("run").args(args))
}

/// Runs a command that must succeed and print one JSON document.
fn json_of(command: &mut assert_cmd::Command) -> Value {
    let out = command.output().expect("runs");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

#[derive(Deserialize)]
struct PrDigest {
    points: usize,
    sha256: String,
}

#[derive(Deserialize)]
struct SweepRow {
    quantile: String,
    threshold: String,
    priority_count: u64,
    tp: u64,
}

#[derive(Deserialize)]
struct DataCase {
    sweep: Vec<SweepRow>,
    weights: serde_json::Map<String, Value>,
    scale: Scale,
    cut: BTreeMap<String, String>,
    top_k: usize,
    threshold: String,
    priority_count: usize,
    top_indices: Vec<usize>,
    detection: Expected,
    pr: PrDigest,
}

#[test]
fn kdd_scores_and_metrics_match_pandas_numpy_and_scikit_learn() {
    let cases: Vec<DataCase> = fixture("data.json");
    assert_eq!(cases.len(), 5);
    for (i, c) in cases.iter().enumerate() {
        let plan = Plan {
            features: c
                .weights
                .iter()
                .map(|(name, w)| ScoredColumn {
                    name: name.clone(),
                    weight: w.as_f64().unwrap(),
                    scale: c.scale,
                })
                .collect(),
            label: Some("attack".into()),
            plot_x: None,
            top_k: c.top_k,
        };
        let scored = data::score(&Source::File(kdd()), &plan).unwrap();
        assert_eq!(scored.rows, 95_156);
        let cut = match (c.cut.get("quantile"), c.cut.get("threshold")) {
            (Some(q), _) => Cut::Quantile(f(q)),
            (_, Some(t)) => Cut::Threshold(f(t)),
            _ => panic!("cut"),
        };
        let labels = scored.labels.clone().unwrap();
        let scores = scored.scores.clone();
        // The reader ranks as it scores (unless scaling waits for whole columns); the
        // run's evaluation is held to numpy on its own ranking below.
        if let Some(top) = &scored.top {
            assert_eq!(top, &c.top_indices, "case {i}: the reader's ranking");
        }
        let population = Population {
            scores: Array1::from(scored.scores),
            labels: scored.labels,
            plot_x: None,
            top: None,
        };
        let out = evaluate(population, cut, c.top_k).unwrap();
        assert_eq!(hex(out.threshold), c.threshold, "case {i}");
        assert_eq!(out.priority.len(), c.priority_count, "case {i}");
        assert_eq!(out.top, c.top_indices, "case {i}");
        c.detection
            .check(out.detection.as_ref().unwrap())
            .unwrap_or_else(|e| panic!("case {i}: {e}"));
        let pr = Curve::new(&scores, &labels).pr_curve();
        let mut h = Sha256::new();
        for a in [&pr.precision, &pr.recall, &pr.thresholds] {
            for v in a.iter() {
                h.update(v.to_le_bytes());
            }
        }
        assert_eq!(pr.precision.len(), c.pr.points, "case {i}");
        assert_eq!(format!("{:x}", h.finalize()), c.pr.sha256, "case {i}");
    }
}

#[test]
fn the_command_line_gives_the_fixture_numbers_for_a_kdd_export() {
    let cases: Vec<DataCase> = fixture("data.json");
    let dir = tempfile::tempdir().unwrap();
    let v = run_json(
        dir.path(),
        &[
            "--data",
            kdd().to_str().unwrap(),
            "--weights",
            "src_bytes=0.5,dst_bytes=0.3,duration=0.2",
            "--label",
            "attack",
            "--no-plot",
        ],
    );
    let c = &cases[0];
    assert_eq!(v["summary"]["priority_count"], c.priority_count);
    assert_eq!(
        hex(v["summary"]["threshold"].as_f64().unwrap()),
        c.threshold
    );
    let d: anomaly_lab::detect::Detection = serde_json::from_value(v["detection"].clone()).unwrap();
    c.detection.check(&d).unwrap();
    assert_eq!(v["params"]["data"]["rows"], 95_156);
    assert!(v["params"].get("seed").is_none());
    // The label is ground truth only: it is no score input.
    let weights = v["params"]["weights"].as_object().unwrap();
    assert!(!weights.contains_key("attack"));
    // top_cases contributions add up to the scores bit for bit.
    for case in v["top_cases"].as_array().unwrap() {
        let parts: Vec<f64> = case["features"]
            .as_object()
            .unwrap()
            .values()
            .map(|p| p["contribution"].as_f64().unwrap())
            .collect();
        let sum = parts[1..].iter().fold(parts[0], |s, x| s + x);
        assert_eq!(sum.to_bits(), case["score"].as_f64().unwrap().to_bits());
    }
}

#[test]
fn gzip_and_plain_input_score_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(kdd()).unwrap();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut plain).unwrap();
    std::fs::write(dir.path().join("kdd.csv"), &plain).unwrap();
    let args = |file: &str| {
        vec![
            "--data".to_string(),
            file.to_string(),
            "--weights".into(),
            "src_bytes=1".into(),
            "--no-plot".into(),
        ]
    };
    let run = |file: &str| {
        let a = args(file);
        run_json(
            dir.path(),
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    let gz = run(kdd().to_str().unwrap());
    let csv = run("kdd.csv");
    assert_eq!(gz["summary"], csv["summary"]);
    assert_eq!(gz["params"]["data"]["hash"], csv["params"]["data"]["hash"]);
}

#[test]
fn explanations_are_the_same_whether_the_rows_were_set_aside_or_read_again() {
    // Where no temporary file can be made, the percentiles come from a second reading.
    let dir = tempfile::tempdir().unwrap();
    let kdd = kdd();
    let args = [
        "--data",
        kdd.to_str().unwrap(),
        "--weights",
        "src_bytes=0.5,dst_bytes=0.3,duration=0.2",
        "--top",
        "8",
        "--no-plot",
    ];
    let set_aside = run_json(dir.path(), &args);
    let read_again = json_of(
        anomaly_lab(dir.path())
            .env("TMPDIR", dir.path().join("missing"))
            .arg("run")
            .args(args),
    );
    assert_eq!(set_aside["top_cases"].as_array().map(Vec::len), Some(8));
    assert_eq!(set_aside, read_again);
}

#[test]
fn a_header_longer_than_a_block_is_read_whole() {
    // The first block is 4 MiB: a longer header (a 5 MiB last name) is read on until its
    // line ends; one past the 16 MiB row limit is refused as such.
    let dir = tempfile::tempdir().unwrap();
    let long = format!("a,b,{}\n1,2,3\n4,5,6\n", "x".repeat(5 << 20));
    std::fs::write(dir.path().join("long.csv"), long).unwrap();
    let v = run_json(
        dir.path(),
        &["--data", "long.csv", "--weights", "b=1", "--no-plot"],
    );
    assert_eq!(v["params"]["data"]["rows"], 2);
    let endless = format!("a,b,{}\n1,2,3\n", "x".repeat(17 << 20));
    std::fs::write(dir.path().join("endless.csv"), endless).unwrap();
    let out = anomaly_lab(dir.path())
        .args([
            "run",
            "--data",
            "endless.csv",
            "--weights",
            "b=1",
            "--no-plot",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 1: has a row longer than 16 MiB"),
        "{err}"
    );
}

/// Exports a run, scores the export with the same weights, and compares.
fn round_trip(generate: &[&str], rescore: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = generate.to_vec();
    args.extend(["--no-plot", "--export", "cases.csv"]);
    let before = run_json(dir.path(), &args);
    let mut args = rescore.to_vec();
    args.extend(["--no-plot", "--data", "cases.csv"]);
    let after = run_json(dir.path(), &args);
    // The numbers, bit for bit (the review note is the lab's text, not a number).
    for key in ["priority_count", "threshold", "top_indices"] {
        assert_eq!(
            before["summary"][key], after["summary"][key],
            "{generate:?} {key}"
        );
    }
    assert_eq!(before["detection"], after["detection"], "{generate:?}");
    assert_eq!(before["top_cases"], after["top_cases"], "{generate:?}");
    // Every score in the file is the run's own double.
    let text = std::fs::read_to_string(dir.path().join("cases.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let s = header.iter().position(|h| *h == "score").unwrap();
    let p = header.iter().position(|h| *h == "priority").unwrap();
    let flagged = text
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(p) == Some("1"))
        .count();
    assert_eq!(
        flagged as u64,
        before["summary"]["priority_count"].as_u64().unwrap()
    );
    assert!(
        text.lines()
            .skip(1)
            .all(|l| l.split(',').nth(s).unwrap().parse::<f64>().is_ok())
    );
}

#[test]
fn an_export_scored_with_the_same_weights_reproduces_the_run() {
    round_trip(
        &["--seed", "2"],
        &[
            "--weights",
            "exposure=0.25,severity=0.25,control_gap=0.2,activity=0.15,business_impact=0.15",
        ],
    );
    // A labelled, scaled lab: the lab names the columns and scales them the same way.
    round_trip(&["--lab", "telemetry"], &["--lab", "telemetry"]);
    round_trip(
        &["--lab", "telemetry", "--n", "5000", "--seed", "9"],
        &["--lab", "telemetry"],
    );
}

#[test]
fn an_export_never_replaces_a_file_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.csv"), "my,own\n1,2\n").unwrap();
    let out = anomaly_lab(dir.path())
        .args(["run", "--no-plot", "--export", "notes.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.csv")).unwrap(),
        "my,own\n1,2\n"
    );
    assert!(out.stdout.is_empty());
}

/// Broken files: (name, bytes, flags, what stderr must say).
fn broken() -> Vec<(&'static str, Vec<u8>, &'static str, Vec<&'static str>)> {
    let ok = "a,b,label\n1,2,0\n3,4,1\n";
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(ok.repeat(200).as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let w = "a=1,b=1";
    vec![
        (
            "missing.csv",
            ok.into(),
            "a=1,bb=1",
            vec![
                "no column \"bb\"",
                "did you mean b?",
                "\"a\", \"b\", \"label\"",
            ],
        ),
        (
            "word.csv",
            "a,b\n1,2\n3,x4\n".into(),
            w,
            vec!["line 3", "column \"b\"", "\"x4\" is not a number"],
        ),
        (
            "blank-lines.csv",
            "a,b\n1,2\n\n\n\n3,x4\n".into(),
            w,
            vec!["line 6,", "\"x4\" is not a number"],
        ),
        (
            "blank-crlf.csv",
            "a,b\r\n1,2\r\n\r\n\r\n3,x4\r\n".into(),
            w,
            vec!["line 5,", "\"x4\" is not a number"],
        ),
        (
            "blank-header.csv",
            "\n\na,b\n1,2\n3,x4\n".into(),
            w,
            vec!["line 5,", "\"x4\" is not a number"],
        ),
        (
            "blank-short.csv",
            "a,b\n1,2\n\n\n3\n".into(),
            w,
            vec!["line 5:", "1 fields but the header has 2"],
        ),
        (
            "blank-dup.csv",
            "\r\n\r\na,b,a\r\n1,2,3\r\n".into(),
            w,
            vec!["line 3,", "names this column twice"],
        ),
        (
            "empty-cell.csv",
            "a,b\n1,\n".into(),
            w,
            vec!["line 2", "column \"b\"", "empty"],
        ),
        (
            "short.csv",
            "a,b\n1,2\n3\n".into(),
            w,
            vec!["line 3", "1 fields but the header has 2"],
        ),
        (
            "long.csv",
            "a,b\n1,2,3\n".into(),
            w,
            vec!["line 2", "3 fields but the header has 2"],
        ),
        (
            "header-only.csv",
            "a,b\n".into(),
            w,
            vec!["header but no rows"],
        ),
        ("empty.csv", Vec::new(), w, vec!["is empty", "header row"]),
        (
            "dup.csv",
            "a,b,a\n1,2,3\n".into(),
            w,
            vec!["column \"a\"", "names this column twice"],
        ),
        (
            "latin1.csv",
            b"a,b\n1,2\n3,4\xe9\n".to_vec(),
            w,
            vec!["line 3", "not UTF-8"],
        ),
        (
            "nan.csv",
            "a,b\n1,nan\n".into(),
            w,
            vec!["line 2", "\"nan\" is not a finite number"],
        ),
        (
            "inf.csv",
            "a,b\n-inf,1\n".into(),
            w,
            vec!["column \"a\"", "not a finite number"],
        ),
        (
            "huge.csv",
            "a,b\n1e999,1\n".into(),
            w,
            vec!["\"1e999\" overflows"],
        ),
        (
            "label.csv",
            "a,b,label\n1,2,2\n".into(),
            w,
            vec![
                "column \"label\"",
                "\"2\" is not a label",
                "0 (benign) or 1",
            ],
        ),
        (
            "cut.csv.gz",
            gz[..gz.len() / 2].to_vec(),
            w,
            vec!["gzip stream is corrupt or cut short"],
        ),
        (
            "junk.csv.gz",
            vec![0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
            w,
            vec!["gzip"],
        ),
    ]
}

#[test]
fn every_broken_file_is_refused_with_its_place_and_nothing_written() {
    for (name, bytes, weights, expect) in broken() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), &bytes).unwrap();
        let mut args = vec![
            "run",
            "--data",
            name,
            "--weights",
            weights,
            "--export",
            "out.csv",
        ];
        if name == "label.csv" || name == "missing.csv" {
            args.extend(["--label", "label"]);
        }
        let out = anomaly_lab(dir.path()).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(out.stdout.is_empty(), "{name}: no JSON on stdout");
        assert!(err.starts_with("error: "), "{name}: {err}");
        assert!(err.contains(name), "{name}: names the file: {err}");
        for e in expect {
            assert!(err.contains(e), "{name}: expected {e:?} in: {err}");
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "{name}: wrote nothing (no plot, no export)");
    }
}

/// A bad row far into a file (past the first of the blocks the file is read in) is placed
/// on its own line, with blank lines before the header and before the row, either line end.
#[test]
fn a_bad_row_past_blank_lines_and_blocks_is_placed_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let rows = 1_000_000; // 4-5 MB: more than one block
    for end in ["\n", "\r\n"] {
        let text = format!(
            "{end}{end}a,b{end}{}{end}{end}3,x4{end}",
            format!("1,2{end}").repeat(rows)
        );
        std::fs::write(dir.path().join("far.csv"), text).unwrap();
        let out = anomaly_lab(dir.path())
            .args([
                "run",
                "--no-plot",
                "--data",
                "far.csv",
                "--weights",
                "a=1,b=1",
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        // Two blank lines, the header, the rows, two blank lines: the bad row's line.
        let line = 2 + 1 + rows + 2 + 1;
        assert!(err.contains(&format!("line {line}, ")), "{end:?}: {err}");
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn generated_only_flags_are_usage_errors_with_data() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, value) in [("--seed", "3"), ("--n", "10"), ("--beta", "a=2,2")] {
        let out = anomaly_lab(dir.path())
            .args(["run", "--data", "x.csv", "--weights", "a=1", flag, value])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(flag));
    }
    let out = anomaly_lab(dir.path())
        .args(["run", "--data", "x.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--weights"));
}

#[test]
fn the_built_in_kdd_lab_runs_from_any_directory() {
    let dir = tempfile::tempdir().unwrap();
    let v = run_json(dir.path(), &["--lab", "kdd"]);
    assert_eq!(v["params"]["data"]["file"], "kdd_smtp.csv.gz");
    assert_eq!(v["params"]["data"]["rows"], 95_156);
    assert_eq!(
        v["detection"]["tp"].as_u64().unwrap() + v["detection"]["fn"].as_u64().unwrap(),
        30
    );
    assert!(dir.path().join("kdd-plot.png").is_file());
}

#[test]
fn sweep_rows_and_curves_match_numpy_and_scikit_learn_on_kdd() {
    let cases: Vec<DataCase> = fixture("data.json");
    let dir = tempfile::tempdir().unwrap();
    for (i, c) in cases
        .iter()
        .enumerate()
        .filter(|(_, c)| c.scale == Scale::None)
    {
        let weights: Vec<String> = c
            .weights
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_f64().unwrap()))
            .collect();
        let qs: Vec<String> = c.sweep.iter().map(|r| f(&r.quantile).to_string()).collect();
        let weights = weights.join(",");
        let qs = qs.join(",");
        let v = json_of(
            anomaly_lab(dir.path())
                .args([
                    "sweep",
                    "--data",
                    kdd().to_str().unwrap(),
                    "--weights",
                    &weights,
                ])
                .args([
                    "--label",
                    "attack",
                    "--quantiles",
                    &qs,
                    "--format",
                    "json",
                    "--no-plot",
                ]),
        );
        for (row, want) in v["rows"].as_array().unwrap().iter().zip(&c.sweep) {
            assert_eq!(
                hex(row["threshold"].as_f64().unwrap()),
                want.threshold,
                "case {i}"
            );
            assert_eq!(row["priority_count"], want.priority_count, "case {i}");
            assert_eq!(row["tp"], want.tp, "case {i}");
        }
        let pr = &v["pr_curve"];
        let mut h = Sha256::new();
        for key in ["precision", "recall", "thresholds"] {
            for x in pr[key].as_array().unwrap() {
                h.update(x.as_f64().unwrap().to_le_bytes());
            }
        }
        assert_eq!(
            pr["precision"].as_array().unwrap().len(),
            c.pr.points,
            "case {i}"
        );
        assert_eq!(
            format!("{:x}", h.finalize()),
            c.pr.sha256,
            "case {i}: pr_curve"
        );
        assert_eq!(
            hex(v["average_precision"].as_f64().unwrap()),
            c.detection.average_precision
        );
    }
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// CSV-ish text: the characters that matter to a CSV parser, numbers and junk.
    fn csvish() -> impl Strategy<Value = Vec<u8>> {
        let cell = prop_oneof![
            Just("a".to_string()),
            Just("b".to_string()),
            Just("label".to_string()),
            Just("1".to_string()),
            Just("0".to_string()),
            Just("\"".to_string()),
            Just("nan".to_string()),
            Just("1e999".to_string()),
            Just("".to_string()),
            "-?[0-9]{1,3}(\\.[0-9]{1,3})?",
            "[ -~]{0,4}",
        ];
        let sep = prop_oneof![Just(","), Just("\n"), Just("\r\n"), Just(",,"), Just("\"")];
        prop::collection::vec((cell, sep), 0..40).prop_map(|parts| {
            let mut text = String::from("a,b,label\n");
            for (c, s) in parts {
                text.push_str(&c);
                text.push_str(s);
            }
            text.into_bytes()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn any_text_is_scored_or_refused_with_the_file_named(bytes in csvish(), gz in any::<bool>()) {
            let bytes = if gz {
                use std::io::Write;
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                e.write_all(&bytes).unwrap();
                let mut z = e.finish().unwrap();
                z.truncate(z.len() * 3 / 4 + 1);
                z
            } else {
                bytes
            };
            let source = Source::Bytes { name: "x.csv".into(), bytes: bytes.into() };
            for scale in [Scale::None, Scale::Zscore] {
                let plan = Plan {
                    features: ["a", "b"]
                        .map(|name| ScoredColumn { name: name.into(), weight: 0.5, scale })
                        .to_vec(),
                    label: Some("label".into()),
                    plot_x: Some("a".into()),
                    top_k: 3,
                };
                match data::score(&source, &plan) {
                    Ok(scored) => prop_assert_eq!(scored.scores.len(), scored.rows),
                    Err(e) => prop_assert!(e.to_string().starts_with("x.csv"), "{}", e),
                }
            }
        }
    }
}

#[test]
fn the_plots_column_waits_on_disk_while_the_curve_sorts_the_scores() {
    // With labels the curve sorts a copy of every score (8 bytes a row); the plot keeps
    // its x column (8 more). Together they would pass the 16 bytes a row the issue allows.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rows = 5_000_000u64;
    let mut csv = String::from("x,y,attack\n");
    for i in 0..rows {
        csv += &format!(
            "{},{},{}\n",
            (i * 7919) % 100_003,
            i % 97,
            u8::from(i % 1000 == 0)
        );
    }
    std::fs::write(d.join("rows.csv"), csv).unwrap();
    let run = [
        "run",
        "--data",
        "rows.csv",
        "--weights",
        "x=1,y=1",
        "--top",
        "0",
    ];
    let labelled = [&run[..], &["--label", "attack"]].concat();
    let without_plot = least_peak_memory(d, &[&labelled[..], &["--no-plot"]].concat(), 2);
    let with_plot = least_peak_memory(d, &[&labelled[..], &["--plot", "p.png"]].concat(), 2);
    // The plot's own canvas and its encoding take about 6 MB.
    let extra = with_plot.saturating_sub(without_plot);
    assert!(
        extra < 4 * rows,
        "the plot added {extra} bytes to {without_plot}"
    );
}
