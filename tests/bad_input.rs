//! Every wrong input a student can type, table-driven: each gets the documented exit code
//! (2 usage, 1 runtime), an error on stderr that names the flag, field or file, nothing on
//! stdout, and leaves the working directory exactly as it was.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::Path;

/// Files every case starts with: a good run pair, a student's reflection, a plain file.
fn setup(dir: &Path) {
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("anomaly-lab")
            .unwrap()
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    std::fs::write(dir.join("before.json"), run(&["run", "--no-plot"])).unwrap();
    std::fs::write(
        dir.join("after.json"),
        run(&["run", "--no-plot", "--quantile", "0.9"]),
    )
    .unwrap();
    let other = run(&[
        "run",
        "--no-plot",
        "--lab",
        concat!(env!("CARGO_MANIFEST_DIR"), "/lab/telemetry.toml"),
    ]);
    std::fs::write(dir.join("telemetry.json"), other).unwrap();
    std::fs::write(dir.join("reflection.json"), "my graded reflection").unwrap();
    std::fs::write(dir.join("notes.txt"), "notes").unwrap();
    std::fs::write(
        dir.join("drawing.png"),
        "a text file under a picture's name",
    )
    .unwrap();
    std::fs::create_dir(dir.join("adir")).unwrap();
    let good = String::from_utf8(run(&["run", "--no-plot"])).unwrap();
    std::fs::write(dir.join("truncated.json"), &good[..good.len() / 2]).unwrap();
    std::fs::write(dir.join("empty.json"), "").unwrap();
    std::fs::write(
        dir.join("v9.json"),
        good.replace("\"format_version\": 1", "\"format_version\": 9"),
    )
    .unwrap();
    std::fs::write(
        dir.join("edited.json"),
        good.replace("\"priority_count\": 20", "\"priority_count\": 19"),
    )
    .unwrap();
    std::fs::write(dir.join("array.json"), "[1, 2, 3]").unwrap();
    let lab = anomaly_lab::lab::MODULE2_TOML;
    let labs: &[(&str, String)] = &[
        ("lab-garbage.toml", "this is not a lab".into()),
        ("lab-json.toml", "{\"id\": \"module2\"}".into()),
        (
            "lab-nofeatures.toml",
            lab.split("[[features]]").next().unwrap().to_string(),
        ),
        ("lab-zero.toml", {
            let (head, tail) = lab.split_once("[plot]").unwrap();
            let plot = tail.split("[[features]]").next().unwrap();
            format!("{head}features = []\n\n[plot]{plot}")
        }),
        (
            "lab-dup.toml",
            lab.replacen("name = \"activity\"", "name = \"exposure\"", 1),
        ),
        (
            "lab-shape.toml",
            lab.replacen("a = 3.0, b = 5.0", "a = 0.0, b = 5.0", 1),
        ),
        (
            "lab-kind.toml",
            lab.replacen(
                "kind = \"beta\", a = 2.0, b = 6.0",
                "kind = \"betta\", a = 2.0, b = 6.0",
                1,
            ),
        ),
        (
            "lab-weight.toml",
            lab.replacen("weight = 0.15", "weight = nan", 1),
        ),
        (
            "lab-typo.toml",
            lab.replacen("weight = 0.15", "wieght = 0.15", 1),
        ),
        (
            "lab-plotx.toml",
            lab.replacen("x = \"severity\"", "x = \"sevrity\"", 1),
        ),
        ("lab-n.toml", lab.replacen("n = 96", "n = 0", 1)),
        (
            "lab-q.toml",
            lab.replacen("quantile = 0.8", "quantile = 1.5", 1),
        ),
    ];
    for (name, text) in labs {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let bytes = if e.path().is_dir() {
            b"<dir>".to_vec()
        } else {
            std::fs::read(e.path()).unwrap()
        };
        out.insert(name, bytes);
    }
    out
}

/// (arguments, exit code, text stderr must contain)
const CASES: &[(&[&str], i32, &str)] = &[
    // Numbers: NaN, inf, negative, empty, 12x, out of range.
    (&["run", "--seed", "NaN"], 2, "--seed"),
    (&["run", "--seed", "inf"], 2, "--seed"),
    (&["run", "--seed", "-1"], 2, "negative"),
    (&["run", "--seed", ""], 2, "--seed"),
    (&["run", "--seed", "12x"], 2, "--seed"),
    (&["run", "--seed", "2.5"], 2, "--seed"),
    (
        &["run", "--seed", "340282366920938463463374607431768211456"],
        2,
        "--seed",
    ),
    (
        &[
            "compare",
            "before.json",
            "after.json",
            "--color",
            "sometimes",
        ],
        2,
        "--color",
    ),
    (
        &["run", "--lab", "kdd", "--data", "nothere.csv"],
        1,
        "nothere.csv",
    ),
    (
        &["run", "--no-plot", "--export", "adir"],
        1,
        "(for example cases.csv)",
    ),
    (
        &["run", "--no-plot", "--label", "attack"],
        2,
        "use it with --data",
    ),
    (&["run", "--no-plot", "--plot-x", "nosuch"], 2, "--plot-x"),
    (
        &["sweep", "--no-plot", "--quantiles", "2"],
        2,
        "outside [0, 1]",
    ),
    (
        &["sweep", "--no-plot", "--thresholds", "x"],
        2,
        "--thresholds",
    ),
    (&["run", "--threads", "0"], 2, "from 1 to 1024"),
    (&["run", "--threads", "1025"], 2, "from 1 to 1024"),
    (&["run", "--threads", "two"], 2, "--threads"),
    (&["--threads", "-1", "run"], 2, "--threads"),
    (&["run", "--n", "0"], 2, "at least 1"),
    (&["run", "--n", "-5"], 2, "--n"),
    (&["run", "--n", ""], 2, "--n"),
    (&["run", "--n", "12x"], 2, "--n"),
    (&["run", "--n", "NaN"], 2, "--n"),
    (&["run", "--n", "inf"], 2, "--n"),
    (&["run", "--n", "1000000000000000"], 2, "needs about"),
    (&["run", "--quantile", "NaN"], 2, "--quantile"),
    (&["run", "--quantile", "inf"], 2, "--quantile"),
    (&["run", "--quantile", "-0.1"], 2, "outside [0, 1]"),
    (&["run", "--quantile", "1.5"], 2, "outside [0, 1]"),
    (&["run", "--quantile", ""], 2, "--quantile"),
    (&["run", "--quantile", "12x"], 2, "--quantile"),
    (&["run", "--threshold", "NaN"], 2, "--threshold"),
    (&["run", "--threshold", "-inf"], 2, "--threshold"),
    (&["run", "--threshold", ""], 2, "--threshold"),
    (&["run", "--threshold", "12x"], 2, "--threshold"),
    (&["run", "--weights", "0.2,0.2,0.2,0.2,NaN"], 2, "weight 5"),
    (&["run", "--weights", "0.2,0.2,0.2,0.2,inf"], 2, "weight 5"),
    (&["run", "--weights", ""], 2, "--weights"),
    (&["run", "--weights", "12x"], 2, "--weights"),
    (&["run", "--weights", "0.5,0.5"], 2, "got 2 weights"),
    (
        &["run", "--weights", "0.1,0.1,0.1,0.1,0.1,0.5"],
        2,
        "got 6 weights",
    ),
    (&["run", "--weights", "0.4,severity=0.1"], 2, "mixes"),
    (&["run", "--weights", "severity="], 2, "--weights"),
    (&["run", "--weights", "severity=nan"], 2, "--weights"),
    (&["run", "--top", "-1"], 2, "--top"),
    (&["run", "--top", ""], 2, "--top"),
    (&["run", "--top", "1.5"], 2, "--top"),
    (&["run", "--beta", "exposure=0,1"], 2, "greater than 0"),
    (&["run", "--beta", "exposure=-1,2"], 2, "greater than 0"),
    (&["run", "--beta", "exposure=nan,1"], 2, "--beta"),
    (&["run", "--beta", "exposure=1,inf"], 2, "--beta"),
    (&["run", "--beta", "exposure"], 2, "FEATURE=A,B"),
    (&["run", "--beta", "exposure=1"], 2, "A,B"),
    (&["run", "--beta", ""], 2, "--beta"),
    // Names, with suggestions from the lab's features.
    (
        &["run", "--beta", "exposre=2,2"],
        2,
        "did you mean exposure",
    ),
    (
        &["run", "--weights", "controlgap=0.3"],
        2,
        "did you mean control_gap",
    ),
    (
        &["run", "--weights", "bandwidth=0.3"],
        2,
        "the lab's features are exposure",
    ),
    // Flags that exclude each other, flags that do not exist.
    (
        &["run", "--quantile", "0.9", "--threshold", "0.5"],
        2,
        "--threshold",
    ),
    (&["run", "--plot", "p.png", "--no-plot"], 2, "--no-plot"),
    (&["run", "--quantil", "0.9"], 2, "--quantile"),
    (&["run", "--plot", ""], 2, "--plot"),
    (&["run", "--lab", ""], 2, "--lab"),
    // Lab files: missing, unreadable, not the format, missing fields, bad values.
    (
        &["run", "--lab", "missing.toml"],
        1,
        "cannot read lab file missing.toml",
    ),
    (&["run", "--lab", "adir"], 1, "cannot read lab file adir"),
    (&["run", "--lab", "lab-garbage.toml"], 1, "line 1"),
    (&["run", "--lab", "lab-json.toml"], 1, "lab-json.toml"),
    (
        &["run", "--lab", "lab-nofeatures.toml"],
        1,
        "lab-nofeatures.toml:1:1: features: missing",
    ),
    (
        &["run", "--lab", "lab-zero.toml"],
        1,
        "at least one feature",
    ),
    (&["run", "--lab", "lab-dup.toml"], 1, "appears twice"),
    (
        &["run", "--lab", "lab-shape.toml"],
        1,
        "features[2].distribution",
    ),
    (
        &["run", "--lab", "lab-kind.toml"],
        1,
        "\"betta\" is not a distribution (beta, uniform",
    ),
    (
        &["run", "--lab", "lab-weight.toml"],
        1,
        "features[3].weight",
    ),
    (
        &["run", "--lab", "lab-typo.toml"],
        1,
        "lab-typo.toml:50:1: features[3].wieght: unknown key (did you mean weight?)",
    ),
    (&["run", "--lab", "lab-plotx.toml"], 1, "plot.x"),
    (
        &["run", "--lab", "lab-n.toml"],
        1,
        "lab-n.toml:11:1: n: must be at least 1",
    ),
    (
        &["run", "--lab", "lab-q.toml"],
        1,
        "lab-q.toml:13:1: quantile: must be between 0 and 1",
    ),
    // Output paths: a directory, under a regular file, missing directory, not writable,
    // and a file that is not a plot.
    (&["run", "--plot", "adir"], 1, "adir is a directory"),
    (&["run", "--plot", "notes.txt/p.png"], 1, "notes.txt"),
    (&["run", "--plot", "nodir/p.png"], 1, "nodir"),
    (&["run", "--plot", "/proc/anomaly-lab.png"], 1, "/proc"),
    (&["run", "--plot", "drawing.png"], 1, "not overwriting"),
    (&["run", "--dist", "exposure=poisson:1,2"], 2, "--dist"),
    (
        &["run", "--dist", "exposur=beta:2,2"],
        2,
        "did you mean exposure",
    ),
    (&["run", "--plot", "notes.txt"], 2, "ending in .png"),
    // compare inputs.
    (
        &["compare", "before.json", "missing.json"],
        1,
        "cannot read missing.json",
    ),
    (&["compare", "before.json", "adir"], 1, "cannot read adir"),
    (
        &["compare", "empty.json", "after.json"],
        1,
        "empty.json is empty",
    ),
    (
        &["compare", "before.json", "truncated.json"],
        1,
        "truncated.json is not valid JSON",
    ),
    (
        &["compare", "before.json", "notes.txt"],
        1,
        "notes.txt is not valid JSON",
    ),
    (
        &["compare", "before.json", "array.json"],
        1,
        "array.json is not an anomaly-lab run",
    ),
    (
        &["compare", "before.json", "v9.json"],
        1,
        "format version 9",
    ),
    (
        &["compare", "before.json", "edited.json"],
        1,
        "edited.json is inconsistent",
    ),
    (
        &["compare", "before.json", "telemetry.json"],
        1,
        "different labs",
    ),
    (&["compare", "-", "-"], 2, "only one"),
    (&["compare", "before.json"], 2, "AFTER"),
    (
        &["compare", "before.json", "after.json", "--format", "xml"],
        2,
        "--format",
    ),
    (
        &["compare", "before.json", "after.json", "--precision", "-1"],
        2,
        "--precision",
    ),
    (
        &["compare", "before.json", "after.json", "--precision", "99"],
        2,
        "--precision",
    ),
    // The reflection is a student's work.
    (
        &[
            "compare",
            "before.json",
            "after.json",
            "--reflection",
            "reflection.json",
        ],
        1,
        "already exists",
    ),
    (
        &[
            "compare",
            "before.json",
            "after.json",
            "--reflection",
            "nodir/r.json",
        ],
        1,
        "nodir",
    ),
    (
        &[
            "compare",
            "before.json",
            "after.json",
            "--reflection",
            "adir",
        ],
        1,
        "adir",
    ),
    (
        &["compare", "before.json", "after.json", "--force"],
        2,
        "--reflection",
    ),
    (
        &["reflect", "check", "missing.json"],
        1,
        "cannot read missing.json",
    ),
    (
        &["reflect", "check", "notes.txt"],
        1,
        "notes.txt is not valid JSON",
    ),
    (
        &["reflect", "check", "array.json"],
        1,
        "no \"reflection\" object",
    ),
];

#[test]
fn every_bad_input_is_refused_cleanly() {
    let mut failures = Vec::new();
    for (args, code, needle) in CASES {
        let dir = tempfile::tempdir().unwrap();
        setup(dir.path());
        let before = snapshot(dir.path());
        let out = Command::cargo_bin("anomaly-lab")
            .unwrap()
            .current_dir(dir.path())
            .args(*args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut problems = Vec::new();
        if out.status.code() != Some(*code) {
            problems.push(format!("exit {:?}, expected {code}", out.status.code()));
        }
        if !stderr.contains(needle) {
            problems.push(format!("stderr lacks {needle:?}"));
        }
        if !stderr.starts_with("error:") {
            problems.push("stderr does not start with error:".into());
        }
        if !out.stdout.is_empty() {
            problems.push(format!(
                "stdout not empty: {}",
                String::from_utf8_lossy(&out.stdout)
            ));
        }
        if stderr.contains("panicked") {
            problems.push("panicked".into());
        }
        if snapshot(dir.path()) != before {
            problems.push("the directory changed".into());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{args:?}: {}\n    stderr: {}",
                problems.join("; "),
                stderr.trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_covers_every_flag_of_every_command() {
    // Every option that takes a value, of every command, read from the CLI's definition.
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, flags: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let takes_value = arg.get_action().takes_values();
            if let (Some(long), true) = (arg.get_long(), takes_value) {
                flags.push(format!("--{long}"));
            }
        }
        cmd.get_subcommands().for_each(|sub| walk(sub, flags));
    }
    let mut flags = Vec::new();
    walk(&anomaly_lab::cli::Cli::command(), &mut flags);
    flags.sort();
    flags.dedup();
    assert!(flags.contains(&"--seed".to_string()) && flags.contains(&"--threads".to_string()));
    let missing: Vec<&String> = flags
        .iter()
        .filter(|flag| {
            !CASES
                .iter()
                .any(|(args, _, _)| args.contains(&flag.as_str()))
        })
        .collect();
    assert!(missing.is_empty(), "no bad-input case for {missing:?}");
}
