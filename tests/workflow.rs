//! The student's and instructor's workflow around the runs: help with examples, shell
//! completions, the manual page, `-n`, and `--color`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("anomaly-lab"));
    c.current_dir(dir).stdin(Stdio::null()).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// a.json (the baseline) and b.json (quantile 0.9) in `dir`.
fn write_pair(dir: &Path) {
    let a = run(dir, &["run", "--no-plot"], &[]).stdout;
    let b = run(dir, &["run", "--no-plot", "--quantile", "0.9"], &[]).stdout;
    std::fs::write(dir.join("a.json"), a).unwrap();
    std::fs::write(dir.join("b.json"), b).unwrap();
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn run_and_compare_help_show_examples_that_work() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["run", "compare"] {
        let help = stdout(&run(dir.path(), &[command, "--help"], &[]));
        let examples = help
            .split("Examples:\n")
            .nth(1)
            .expect("an Examples section");
        assert!(
            examples.contains(&format!("anomaly-lab {command} ")),
            "{help}"
        );
    }
    // The run examples' first lines run as printed (file redirections aside).
    let help = stdout(&run(dir.path(), &["run", "--help"], &[]));
    let examples = help.split("Examples:\n").nth(1).unwrap();
    for line in examples
        .lines()
        .filter(|l| l.trim_start().starts_with("anomaly-lab run"))
    {
        let command = line.split("  ").find(|p| !p.is_empty()).unwrap().trim();
        let args: Vec<&str> = command
            .split(" > ")
            .next()
            .unwrap()
            .split_whitespace()
            .skip(1)
            .collect();
        if args.contains(&"--data") {
            continue; // names the student's own export
        }
        let mut args = args;
        args.push("--no-plot");
        let out = run(dir.path(), &args, &[]);
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn completions_and_the_manual_page_come_from_the_command_definition() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(dir.path(), &["completions", shell], &[]);
        assert!(out.status.success(), "{shell}");
        assert!(stdout(&out).contains("quantile"), "{shell}");
    }
    let out = run(dir.path(), &["completions", "tcsh"], &[]);
    assert_eq!(out.status.code(), Some(2));
    // Bash completes flags and subcommands after a subcommand (bash is on every Debian).
    let script = stdout(&run(dir.path(), &["completions", "bash"], &[]));
    std::fs::write(dir.path().join("c.bash"), script).unwrap();
    for (words, expect) in [("run --qua", "--quantile"), ("reflect s", "set show")] {
        let probe = format!(
            "source ./c.bash; COMP_WORDS=(anomaly-lab {words}); COMP_CWORD=2; \
             COMP_LINE='anomaly-lab {words}'; COMP_POINT=${{#COMP_LINE}}; \
             _anomaly__lab anomaly-lab {} {}; echo \"${{COMPREPLY[@]}}\"",
            words.split(' ').nth(1).unwrap(),
            words.split(' ').next().unwrap()
        );
        let out = Command::new("bash")
            .arg("-c")
            .arg(probe)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(stdout(&out).trim(), expect, "{words}");
    }
    let page = stdout(&run(dir.path(), &["man"], &[]));
    assert!(
        page.starts_with(".ie") && page.contains(".TH anomaly-lab 1"),
        "{page}"
    );
    assert!(page.contains("compare"), "the subcommands are listed");
    let run_page = stdout(&run(dir.path(), &["man", "run"], &[]));
    assert!(
        run_page.contains(".TH anomaly-lab-run 1") && run_page.contains("dist"),
        "{run_page}"
    );
    assert_eq!(
        run(dir.path(), &["man", "nope"], &[]).status.code(),
        Some(2)
    );
}

#[test]
fn dash_n_is_short_for_the_number_of_cases() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["run", "-n", "10", "--no-plot"], &[]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["params"]["n"], 10);
}

#[test]
fn color_is_a_choice_beside_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_pair(d);
    let table = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["compare", "a.json", "b.json"];
        args.extend(extra);
        stdout(&run(d, &args, env))
    };
    // stdout is a pipe here, so auto means no colour.
    assert!(!table(&[], &[]).contains('\x1b'));
    assert!(table(&["--color", "always"], &[]).contains('\x1b'));
    assert!(table(&["--color", "always"], &[("NO_COLOR", "1")]).contains('\x1b'));
    assert!(!table(&["--color", "never"], &[]).contains('\x1b'));
    assert!(!table(&["--color", "auto"], &[("NO_COLOR", "1")]).contains('\x1b'));
}

#[test]
fn smaller_stumbles_get_plain_answers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let err = |out: &Output| String::from_utf8_lossy(&out.stderr).into_owned();
    let a = run(d, &["run", "--plot", "a.png"], &[]).stdout;
    std::fs::write(d.join("a.json"), a).unwrap();
    let b = run(d, &["run", "--no-plot", "--top", "8"], &[]).stdout;
    std::fs::write(d.join("b.json"), b).unwrap();
    // A picture passed as a run.
    let out = run(d, &["compare", "a.json", "a.png"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).contains("a.png is not text"), "{}", err(&out));
    // A reflection passed as a run: "an", not "a".
    run(
        d,
        &["compare", "a.json", "b.json", "--reflection", "r.json"],
        &[],
    );
    let out = run(d, &["compare", "a.json", "r.json"], &[]);
    assert!(
        err(&out).contains("is an \"anomaly-lab/reflection\" file"),
        "{}",
        err(&out)
    );
    // A picture under another image type's name.
    for args in [
        &["run", "--plot", "out.jpg"][..],
        &["compare", "a.json", "b.json", "--plot", "moved.JPEG"][..],
    ] {
        let out = run(d, args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(err(&out).contains(".png"), "{}", err(&out));
    }
    assert!(
        run(d, &["run", "--plot", "UPPER.PNG"], &[])
            .status
            .success()
    );
    // Top 5 -> top 8: ranks 6 to 8 did not enter; the old list never reached them.
    let out = run(d, &["compare", "a.json", "b.json", "--format", "json"], &[]);
    let cmp: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        cmp["top"]["entered"],
        serde_json::json!([]),
        "{}",
        cmp["top"]
    );
    let table = stdout(&run(d, &["compare", "a.json", "b.json"], &[]));
    assert!(!table.contains("new"), "{table}");
}

/// A reflection pair and its directory: before (seed 2), after (quantile 0.9), r.json.
fn reflection_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_pair(d);
    let out = run(
        d,
        &["compare", "a.json", "b.json", "--reflection", "r.json"],
        &[],
    );
    assert!(out.status.success());
    dir
}

#[test]
fn reflect_set_fills_a_field_and_keeps_every_other_byte() {
    let dir = reflection_dir();
    let d = dir.path();
    // The student reformatted the file by hand: that formatting stays.
    let original = std::fs::read_to_string(d.join("r.json"))
        .unwrap()
        .replace("\n  ", "\n\t");
    std::fs::write(d.join("r.json"), &original).unwrap();
    let answer = "Fewer alerts: \"precision\" up.\nSecond line, ünïcode.";
    let out = run(
        d,
        &["reflect", "set", "r.json", "interpretation", answer],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let edited = std::fs::read_to_string(d.join("r.json")).unwrap();
    let literal = serde_json::to_string(answer).unwrap();
    assert_eq!(
        edited,
        original.replace(
            "\"interpretation\": \"\"",
            &format!("\"interpretation\": {literal}")
        )
    );
    // Unknown fields are refused, with the nearest name; the file is untouched.
    let out = run(d, &["reflect", "set", "r.json", "interpretaton", "x"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean interpretation"));
    assert_eq!(std::fs::read_to_string(d.join("r.json")).unwrap(), edited);
    // Not a reflection: refused.
    let out = run(d, &["reflect", "set", "a.json", "interpretation", "x"], &[]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn reflect_check_verifies_the_facts_and_checks_a_folder() {
    let dir = reflection_dir();
    let d = dir.path();
    for (field, text) in [
        ("interpretation", "a"),
        ("synthetic_data_limit", "b"),
        ("next_real_world_evidence_needed", "c"),
    ] {
        assert!(
            run(d, &["reflect", "set", "r.json", field, text], &[])
                .status
                .success()
        );
    }
    let out = run(d, &["reflect", "check", "r.json"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("match the two runs"));
    // A fact changed by hand is caught, naming the field.
    let good = std::fs::read_to_string(d.join("r.json")).unwrap();
    std::fs::create_dir(d.join("hand-ins")).unwrap();
    std::fs::write(d.join("hand-ins/good.json"), &good).unwrap();
    let wrong = good.replace("priority_count 20", "priority_count 21");
    std::fs::write(d.join("hand-ins/wrong.json"), &wrong).unwrap();
    let blank = good.replace("\"interpretation\": \"a\"", "\"interpretation\": \" \"");
    std::fs::write(d.join("hand-ins/blank.json"), &blank).unwrap();
    std::fs::write(d.join("hand-ins/broken.json"), "{").unwrap();
    // One folder a student is found too; a hidden folder (.git) is not.
    std::fs::create_dir_all(d.join("hand-ins/dan")).unwrap();
    std::fs::write(d.join("hand-ins/dan/reflection.json"), &good).unwrap();
    std::fs::create_dir_all(d.join("hand-ins/.git")).unwrap();
    std::fs::write(d.join("hand-ins/.git/x.json"), "{").unwrap();
    let out = run(d, &["reflect", "check", "hand-ins/wrong.json"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("metric_before does not match the runs"),
        "{}",
        stdout(&out)
    );
    let out = run(d, &["reflect", "check", "hand-ins", "--format", "csv"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let csv = stdout(&out);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "file,complete,unfilled,facts");
    assert!(lines.contains(&"hand-ins/good.json,yes,,verified"), "{csv}");
    assert!(
        lines.contains(&"hand-ins/dan/reflection.json,yes,,verified"),
        "{csv}"
    );
    assert!(!csv.contains(".git"), "{csv}");
    assert!(
        lines.contains(&"hand-ins/wrong.json,yes,,wrong: metric_before"),
        "{csv}"
    );
    assert!(
        lines.contains(&"hand-ins/blank.json,no,interpretation,verified"),
        "{csv}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("hand-ins/broken.json,unreadable,")),
        "{csv}"
    );
    let table = stdout(&run(d, &["reflect", "check", "hand-ins"], &[]));
    assert!(
        table.starts_with("file ") && table.contains("verified"),
        "{table}"
    );
}

#[test]
fn reflect_set_show_prints_a_hand_in_with_the_comparison() {
    let dir = reflection_dir();
    let d = dir.path();
    run(
        d,
        &[
            "reflect",
            "set",
            "r.json",
            "interpretation",
            "Fewer, surer alerts.",
        ],
        &[],
    );
    let md = stdout(&run(d, &["reflect", "show", "r.json"], &[]));
    assert!(md.starts_with("# Reflection: Module 2 Lab"), "{md}");
    assert!(md.contains("| quantile | 0.8 | 0.9 |"), "{md}");
    assert!(
        md.contains("## Interpretation\n\nFewer, surer alerts."),
        "{md}"
    );
    assert!(
        md.contains("## Synthetic data limit\n\n(not filled in)"),
        "{md}"
    );
    let text = stdout(&run(
        d,
        &["reflect", "show", "r.json", "--format", "text"],
        &[],
    ));
    assert!(
        text.contains("Interpretation\n==============\n\nFewer"),
        "{text}"
    );
}

/// Column `name` of an export CSV, as text cells.
fn column(path: &Path, name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == name).unwrap();
    lines
        .map(|l| l.split(',').nth(i).unwrap().to_string())
        .collect()
}

#[test]
fn dist_changes_any_features_distribution() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let args = [
        "run",
        "--no-plot",
        "--lab",
        "telemetry",
        "--dist",
        "login_velocity=gamma:3,1.5",
    ];
    let out = run(d, &args, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let dist = &v["params"]["distributions"]["login_velocity"];
    assert_eq!(
        dist,
        &serde_json::json!({"kind": "gamma", "shape": 3.0, "scale": 1.5})
    );
    for (bad, needle) in [
        ("exposure=poisson:1,2", "not a distribution"),
        ("exposure=normal:0,-1", "sd must be"),
        ("exposure=beta:2", "two parameters"),
        ("exposure", "FEATURE=KIND"),
    ] {
        let out = run(d, &["run", "--no-plot", "--dist", bad], &[]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(needle),
            "{bad}"
        );
    }
    // --beta on a feature that is not beta points at --dist.
    let out = run(
        d,
        &["run", "--lab", "telemetry", "--beta", "login_velocity=3,3"],
        &[],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--dist login_velocity=gamma:"));
}

#[test]
fn compare_keeps_the_cases_after_a_distribution_change_when_they_are_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let save = |name: &str, extra: &[&str]| {
        let mut args = vec!["run", "--no-plot", "--n", "10000", "--export"];
        let csv = format!("{name}.csv");
        args.push(&csv);
        args.extend(extra);
        let out = run(d, &args, &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(d.join(format!("{name}.json")), out.stdout).unwrap();
    };
    save("base", &[]);
    save("last", &["--beta", "business_impact=3,3"]);
    save("first", &["--beta", "exposure=3,3"]);
    let cmp = |other: &str| -> serde_json::Value {
        let out = run(d, &["compare", "base.json", other, "--format", "json"], &[]);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // The last-drawn feature changed: the other columns are the same (read from the
    // exports, independently of compare), so the cases are compared.
    for f in ["exposure", "severity", "control_gap", "activity"] {
        assert_eq!(
            column(&d.join("base.csv"), f),
            column(&d.join("last.csv"), f),
            "{f}"
        );
    }
    let c = cmp("last.json");
    assert_eq!(c["redrawn"], serde_json::json!(["business_impact"]));
    assert!(c["priority"].is_object(), "{c}");
    // The first-drawn feature changed: later columns shifted, and compare says so.
    assert_ne!(
        column(&d.join("base.csv"), "severity"),
        column(&d.join("first.csv"), "severity")
    );
    let c = cmp("first.json");
    assert!(c["priority"].is_null());
    let detail = c["population_detail"].as_str().unwrap();
    assert!(
        detail.contains("exposure used a different count") && detail.contains("severity"),
        "{detail}"
    );
}

#[test]
fn lab_check_reports_every_problem_at_once_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let keys = "id = \"t\"\ntitel = \"T\"\n\n[plot]\ncolour = \"red\"\n\n[[features]]\nname = \"x\"\n\
                wieght = 1.0\ndistribution = { kind = \"betta\", a = 1.0, b = 2.0 }\n";
    std::fs::write(d.join("keys.toml"), keys).unwrap();
    let out = run(d, &["lab", "check", "keys.toml"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    for line in [
        "keys.toml:1:1: title: missing",
        "keys.toml:2:1: titel: unknown key (did you mean title?)",
        "keys.toml:5:1: plot.colour: unknown key",
        "keys.toml:7:1: features[0].weight: missing",
        "keys.toml:9:1: features[0].wieght: unknown key (did you mean weight?)",
        "keys.toml:10:25: features[0].distribution.kind: \"betta\" is not a distribution",
        "keys.toml: 6 problems",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let rules = "id = \"t\"\ntitle = \"T\"\nn = 0\nquantile = 1.5\n\n[[features]]\nname = \"x\"\n\
                 weight = 1.0\ndistribution = { kind = \"beta\", a = -1.0, b = 2.0 }\n";
    std::fs::write(d.join("rules.toml"), rules).unwrap();
    let text = stdout(&run(d, &["lab", "check", "rules.toml"], &[]));
    for line in [
        "rules.toml:3:1: n: must be at least 1",
        "rules.toml:4:1: quantile: must be between 0 and 1",
        "rules.toml:9:1: features[0].distribution: a must be greater than 0",
        "rules.toml: 3 problems",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    // Every shipped lab passes, and says what it is.
    for lab in ["module2", "telemetry", "kdd"] {
        let path = format!("{}/lab/{lab}.toml", env!("CARGO_MANIFEST_DIR"));
        let out = run(d, &["lab", "check", &path], &[]);
        assert_eq!(out.status.code(), Some(0), "{lab}: {}", stdout(&out));
        assert!(stdout(&out).contains("a valid lab"));
    }
    // A minimal lab: only the required keys; the rest take their defaults.
    let minimal = "id = \"m\"\ntitle = \"M\"\n[[features]]\nname = \"x\"\nweight = 1.0\n\
                   distribution = { kind = \"uniform\", low = 0.0, high = 1.0 }\n";
    std::fs::write(d.join("m.toml"), minimal).unwrap();
    assert_eq!(
        run(d, &["lab", "check", "m.toml"], &[]).status.code(),
        Some(0)
    );
    assert!(
        run(d, &["run", "--lab", "m.toml", "--no-plot"], &[])
            .status
            .success()
    );
}

#[test]
fn a_large_run_printed_to_a_terminal_says_to_save_it() {
    // `script` (util-linux, essential on Debian) gives the run a terminal as stdout.
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("anomaly-lab");
    let command = format!("{} run --n 200000 --no-plot", bin.display());
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir.path())
        .output()
        .expect("script(1) runs");
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("save it with `> run.json`"),
        "{}",
        stdout(&out)
    );
    // Redirected, no note.
    let out = run(dir.path(), &["run", "--n", "200000", "--no-plot"], &[]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("save it"));
}

#[test]
fn lab_check_names_every_wrong_type_and_a_borrowed_id() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "id = \"t\"\ntitle = \"T\"\nseed = -4\ntop_k = \"eight\"\nunit_score = \"yes\"\n\
                reflection = \"a\"\n[[features]]\nname = \"x\"\nweight = \"w\"\nscale = \"log\"\n\
                distribution = { kind = \"beta\", a = \"one\", b = 2.0 }\n";
    std::fs::write(d.join("t.toml"), text).unwrap();
    let out = stdout(&run(d, &["lab", "check", "t.toml"], &[]));
    for line in [
        "t.toml:3:8: seed: -4 is not a whole number",
        "t.toml:4:9: top_k: \"eight\" is not a whole number",
        "t.toml:5:14: unit_score: \"yes\" is not true or false",
        "t.toml:6:14: reflection: \"a\" is not a list of names",
        "t.toml:9:10: features[0].weight: \"w\" is not a number",
        "t.toml:10:9: features[0].scale: \"log\" is not",
        "t.toml:11:37: features[0].distribution.a: \"one\" is not a number",
        "t.toml: 7 problems",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    let spoof = "id = \"module2\"\ntitle = \"T\"\n[[features]]\nname = \"x\"\nweight = 1.0\n\
                 distribution = { kind = \"beta\", a = 1.0, b = 2.0 }\n";
    std::fs::write(d.join("s.toml"), spoof).unwrap();
    let out = run(d, &["lab", "check", "s.toml"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("s.toml:1:1: id: \"module2\" is the built-in lab's"));
    assert!(run(d, &["lab", "check", "telemetry"], &[]).status.success());
}
