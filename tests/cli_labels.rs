//! Ground truth from the command line: the telemetry lab's detection metrics, compare of a
//! threshold change in a labelled lab, the numpy twins, and the built-in labs.

use crate::common::{Expected, anomaly_lab, fixture};
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

fn stdout(dir: &Path, args: &[&str]) -> String {
    let out = anomaly_lab(dir).args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[derive(Deserialize)]
struct Labelled {
    detection: Expected,
    priority_count: usize,
}

#[test]
fn the_telemetry_lab_from_an_empty_directory_has_scikit_learns_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let v: Value =
        serde_json::from_str(&stdout(dir.path(), &["run", "--lab", "telemetry"])).unwrap();
    // The first labelled fixture is the built-in telemetry lab as written.
    let want = &fixture::<Labelled>("labelled.json")[0];
    assert_eq!(v["summary"]["priority_count"], want.priority_count);
    let d: anomaly_lab::detect::Detection = serde_json::from_value(v["detection"].clone()).unwrap();
    want.detection.check(&d).unwrap();
    // The label is ground truth only: no weight, no distribution, no score input.
    assert!(v["params"]["weights"].get("threat").is_none());
    assert!(v["params"]["distributions"].get("threat").is_none());
    assert_eq!(v["params"]["prevalence"], 0.03);
    let threats = v["threat_indices"].as_array().unwrap().len() as u64;
    assert_eq!(threats, d.tp + d.fn_);
    assert!(dir.path().join("telemetry-plot.png").is_file());
}

#[test]
fn an_unlabelled_lab_has_no_detection_and_no_threats() {
    let dir = tempfile::tempdir().unwrap();
    let v: Value = serde_json::from_str(&stdout(dir.path(), &["run", "--no-plot"])).unwrap();
    assert!(v.get("detection").is_none() && v.get("threat_indices").is_none());
}

#[test]
fn compare_of_a_threshold_change_reports_detection_and_which_threats_moved() {
    let dir = tempfile::tempdir().unwrap();
    let before = stdout(dir.path(), &["run", "--lab", "telemetry", "--no-plot"]);
    let after = stdout(
        dir.path(),
        &[
            "run",
            "--lab",
            "telemetry",
            "--no-plot",
            "--quantile",
            "0.9",
        ],
    );
    std::fs::write(dir.path().join("before.json"), &before).unwrap();
    std::fs::write(dir.path().join("after.json"), &after).unwrap();
    let (b, a): (Value, Value) = (
        serde_json::from_str(&before).unwrap(),
        serde_json::from_str(&after).unwrap(),
    );
    let c: Value = serde_json::from_str(&stdout(
        dir.path(),
        &["compare", "before.json", "after.json", "--format", "json"],
    ))
    .unwrap();
    for m in ["precision", "recall", "tp", "fp", "fn"] {
        assert_eq!(c["metrics"][m]["old"], b["detection"][m], "{m}");
        assert_eq!(c["metrics"][m]["new"], a["detection"][m], "{m}");
    }
    let threats: Vec<u64> = b["threat_indices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    let p = &c["priority"];
    let list = |k: &str| -> Vec<u64> {
        p["by_label"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect()
    };
    let entered: Vec<u64> = p["entered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    let caught = list("entered_threats");
    assert!(!caught.is_empty());
    assert!(
        caught
            .iter()
            .all(|i| threats.contains(i) && entered.contains(i))
    );
    assert_eq!(caught.len() + list("entered_benign").len(), entered.len());
    // tp grew by exactly the threats that entered minus those that left.
    let tp = |d: &Value| d["detection"]["tp"].as_i64().unwrap();
    assert_eq!(
        tp(&a) - tp(&b),
        caught.len() as i64 - list("left_threats").len() as i64
    );
    let table = stdout(dir.path(), &["compare", "before.json", "after.json"]);
    for text in [
        "precision",
        "recall",
        "threats caught (entered)",
        "threats now missed (left)",
    ] {
        assert!(table.contains(text), "{text}:\n{table}");
    }
    // The reflection's metric fields carry precision and recall.
    let _ = stdout(
        dir.path(),
        &[
            "compare",
            "before.json",
            "after.json",
            "--reflection",
            "r.json",
        ],
    );
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let before_text = r["reflection"]["metric_before"].as_str().unwrap();
    assert!(
        before_text.contains("precision 0.21") && before_text.contains("recall"),
        "{before_text}"
    );
}

#[test]
fn notebook_twins_are_the_committed_samples() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/twins");
    for (args, sample) in [
        (vec!["notebook", "--seed", "2"], "module2.py"),
        (vec!["notebook", "--lab", "telemetry"], "telemetry.py"),
    ] {
        let text = stdout(dir.path(), &args);
        let want = std::fs::read_to_string(root.join(sample)).unwrap();
        assert_eq!(
            text, want,
            "{sample} (regenerate it if the change is intended)"
        );
    }
    // The Module 2 twin reads like the course notebook.
    let text = std::fs::read_to_string(root.join("module2.py")).unwrap();
    for line in [
        "rng = np.random.default_rng(2)",
        "exposure = rng.beta(2.0, 4.0, size=n)",
        "risk_score = 0.25*exposure + 0.25*severity + 0.2*control_gap + 0.15*activity + 0.15*business_impact",
        "threshold = float(np.quantile(risk_score, 0.8))",
        "priority = risk_score >= threshold",
    ] {
        assert!(text.contains(line), "{line}");
    }
    assert!(
        !text.contains("sklearn"),
        "an unlabelled twin needs no scikit-learn"
    );
}

#[test]
fn twins_follow_every_run_flag() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(
        dir.path(),
        &[
            "notebook",
            "--lab",
            "telemetry",
            "--seed",
            "11",
            "--n",
            "500",
            "--threshold",
            "0.7",
            "--weights",
            "login_velocity=0.9",
            "--top",
            "3",
        ],
    );
    for line in [
        "rng = np.random.default_rng(11)",
        "n = 500",
        "threshold = 0.7\n",
        "risk_score = 0.9*login_velocity_scaled",
        "[::-1][:3]",
    ] {
        assert!(text.contains(line), "{line}:\n{text}");
    }
    let text = stdout(
        dir.path(),
        &[
            "notebook",
            "--data",
            "x.csv",
            "--weights",
            "b=-0.5,a=2",
            "--label",
            "y",
        ],
    );
    assert!(text.contains("df = pd.read_csv(\"x.csv\")"));
    assert!(text.contains("risk_score = -0.5*b + 2.0*a"));
    // The label "y" would shadow the twin's own `y`, so it gets a variable of its own.
    assert!(text.contains("y_1 = df[\"y\"].to_numpy() == 1"), "{text}");
    assert!(text.contains("y = y_1.astype(int)"), "{text}");
}

#[test]
fn the_ipynb_twin_is_a_notebook_with_the_same_code() {
    let dir = tempfile::tempdir().unwrap();
    let nb: Value = serde_json::from_str(&stdout(
        dir.path(),
        &["notebook", "--lab", "telemetry", "--format", "ipynb"],
    ))
    .unwrap();
    assert_eq!(nb["nbformat"], 4);
    let cells = nb["cells"].as_array().unwrap();
    assert_eq!(cells[0]["cell_type"], "markdown");
    let code: String = cells
        .iter()
        .filter(|c| c["cell_type"] == "code")
        .flat_map(|c| {
            c["source"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap().to_string())
        })
        .collect();
    let script = stdout(dir.path(), &["notebook", "--lab", "telemetry"]);
    for line in script
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        assert!(code.contains(line), "{line}");
    }
}

#[test]
fn labs_lists_the_built_in_labs_and_a_wrong_name_gets_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(dir.path(), &["labs"]);
    for name in ["module2", "telemetry", "kdd"] {
        assert!(text.contains(name));
    }
    let out = anomaly_lab(dir.path())
        .args(["run", "--lab", "telemtry"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did you mean telemetry?") && err.contains("--lab"),
        "{err}"
    );
}

#[test]
fn threats_are_drawn_distinctly_on_the_plot() {
    use anomaly_lab::lab::built_in;
    use anomaly_lab::plot::{PlotInput, render_png};
    use anomaly_lab::run::{RunConfig, simulate};
    let cfg = RunConfig::from_lab(built_in("telemetry").unwrap());
    let out = simulate(&cfg, true).unwrap();
    let input = |labels| PlotInput {
        x: out.plot_x.as_ref().unwrap().as_slice().unwrap(),
        y: out.scores.as_slice().unwrap(),
        priority: &out.priority,
        labels,
        x_label: "x",
        y_label: "y",
        title: "t",
        subtitle: None,
        threshold_line: None,
        moved: None,
    };
    let with = render_png(&input(out.labels.as_deref())).unwrap();
    let without = render_png(&input(None)).unwrap();
    assert_ne!(with, without);
}

/// Runs `args` in `dir` and returns (exit code, stdout, stderr).
fn outcome(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = anomaly_lab(dir).args(args).output().expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sweep_never_replaces_a_file_that_is_not_a_png_and_refuses_what_cannot_fit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.png"), "my notes").unwrap();
    let (code, out, err) = outcome(
        dir.path(),
        &["sweep", "--plot", "notes.png", "--quantiles", "0.5"],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(out.is_empty() && err.contains("not a PNG"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.png")).unwrap(),
        "my notes"
    );
    let (code, _, err) = outcome(dir.path(), &["sweep", "--no-plot", "--n", "100000000000"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--n") && err.contains("memory"), "{err}");
}

#[test]
fn the_label_can_never_be_a_score_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.csv"), "a,label\n1,0\n2,1\n3,0\n").unwrap();
    let (code, out, err) = outcome(
        dir.path(),
        &[
            "run",
            "--data",
            "d.csv",
            "--weights",
            "label=1",
            "--label",
            "label",
            "--no-plot",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        out.is_empty() && err.contains("never a score input"),
        "{err}"
    );
}

#[test]
fn an_export_header_is_valid_csv_whatever_the_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.csv"), "a,\"x,y\"\n1,0\n2,1\n3,0\n").unwrap();
    let (code, _, err) = outcome(
        dir.path(),
        &[
            "run",
            "--data",
            "d.csv",
            "--weights",
            "a=1",
            "--label",
            "x,y",
            "--no-plot",
            "--export",
            "e.csv",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    // The export reads back, label column and all.
    let (code, _, err) = outcome(
        dir.path(),
        &[
            "run",
            "--data",
            "e.csv",
            "--weights",
            "a=1",
            "--label",
            "x,y",
            "--no-plot",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_title_cannot_break_out_of_the_twins_comment() {
    let dir = tempfile::tempdir().unwrap();
    let lab = "id = \"t\"\ntitle = \"Line one\\nimport os\"\n[[features]]\nname = \"x\"\nweight = 1.0\n\
               distribution = { kind = \"beta\", a = 2.0, b = 2.0 }\n";
    std::fs::write(dir.path().join("t.toml"), lab).unwrap();
    let script = stdout(dir.path(), &["notebook", "--lab", "t.toml"]);
    assert!(!script.lines().any(|l| l.trim() == "import os"), "{script}");
    assert!(script.starts_with("# Line one import os\n"), "{script}");
}

#[test]
fn a_failed_run_leaves_no_export() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, _) = outcome(
        dir.path(),
        &[
            "run",
            "--plot",
            "missing-dir/p.png",
            "--export",
            "cases.csv",
        ],
    );
    assert_eq!(code, Some(1));
    assert!(!dir.path().join("cases.csv").exists());
}

#[test]
fn compare_plot_draws_the_after_run_with_the_moved_cases() {
    let dir = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("b.json", vec!["run", "--lab", "telemetry", "--no-plot"]),
        (
            "a.json",
            vec![
                "run",
                "--lab",
                "telemetry",
                "--no-plot",
                "--quantile",
                "0.9",
            ],
        ),
        (
            "s.json",
            vec!["run", "--lab", "telemetry", "--no-plot", "--seed", "8"],
        ),
    ] {
        std::fs::write(dir.path().join(name), stdout(dir.path(), &args)).unwrap();
    }
    let (code, _, err) = outcome(
        dir.path(),
        &["compare", "b.json", "a.json", "--plot", "moved.png"],
    );
    assert_eq!(code, Some(0), "{err}");
    let png = std::fs::read(dir.path().join("moved.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    // Different populations: no case moved, so nothing to draw, and nothing is written.
    let (code, _, err) = outcome(
        dir.path(),
        &["compare", "b.json", "s.json", "--plot", "x.png"],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("different populations"), "{err}");
    assert!(!dir.path().join("x.png").exists());
    // A run whose numbers no longer come back (edited by hand) is refused, not drawn wrong.
    let edited = std::fs::read_to_string(dir.path().join("a.json"))
        .unwrap()
        .replace("\"seed\": 7", "\"seed\": 8");
    std::fs::write(dir.path().join("e.json"), edited).unwrap();
    let (code, _, err) = outcome(
        dir.path(),
        &["compare", "a.json", "e.json", "--plot", "y.png"],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(!dir.path().join("y.png").exists());
}
