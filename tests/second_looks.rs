//! What a second look at the finished commands found: a flag's value that breaks a run is
//! named as that flag, an answer is never erased unasked, a folder of hand-ins may hold a
//! folder per student, `lab check` looks at a data lab's file, the flags a command does
//! not use are not offered, and an overflow on a data file's values blames the file.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(assert_cmd::cargo::cargo_bin("anomaly-lab"))
        .current_dir(dir)
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The baseline run as a.json and the quantile-0.9 run as b.json, in `d`.
fn write_runs(d: &Path) {
    for (args, file) in [
        (&["run", "--no-plot"][..], "a.json"),
        (&["run", "--no-plot", "--quantile", "0.9"][..], "b.json"),
    ] {
        std::fs::write(d.join(file), run(d, args).stdout).unwrap();
    }
}

/// Exit 2, nothing on stdout, and stderr naming `flag` and saying `says`.
fn usage_error(out: &Output, flag: &str, says: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty(), "{}", stdout(out));
    assert!(
        err.contains(flag) && err.contains(says),
        "{flag} / {says}:\n{err}"
    );
}

#[test]
fn a_flag_whose_value_breaks_the_run_is_named_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let telemetry = ["run", "--lab", "telemetry", "--no-plot"];
    // Finite parameters whose draws overflow a double: the feature cannot be scaled.
    for dist in [
        "login_velocity=gamma:1e308,1e308",
        "login_velocity=normal:0,1e308",
    ] {
        let out = run(d, &[&telemetry[..], &["--dist", dist]].concat());
        usage_error(&out, "--dist", "overflow");
        assert!(!stderr(&out).contains("standard deviation is NaN, so"));
    }
    // One case has nothing to be z-scored against.
    let out = run(d, &[&telemetry[..], &["-n", "1"]].concat());
    usage_error(&out, "--n", "use --n 2 or more");
    // A lab file's own settings stay a runtime error (exit 1): no flag is to blame.
    let lab =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("lab/telemetry.toml"))
            .unwrap()
            .replacen("id = \"telemetry\"", "id = \"tele-n1\"", 1)
            .replacen("n = 2000", "n = 1", 1);
    assert!(lab.contains("n = 1\n"), "the fixture's n changed");
    std::fs::write(d.join("n1.toml"), lab).unwrap();
    let out = run(d, &["run", "--lab", "n1.toml", "--no-plot"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// A score that overflows on a data file's own values names the file and its row, exit 1
/// (the file is half the cause), not `--weights` as a bad flag.
#[test]
fn an_overflow_from_a_data_files_values_names_the_file_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("huge.csv"), "a,b\n1,2\n1e308,1e308\n3,4\n").unwrap();
    let out = run(
        d,
        &[
            "run",
            "--data",
            "huge.csv",
            "--weights",
            "a=1,b=1",
            "--no-plot",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert!(
        err.contains("huge.csv, data row 2 (case 1)") && err.contains("scale the file's values"),
        "{err}"
    );
    assert!(!err.contains("invalid value for '--weights'"), "{err}");
}

#[test]
fn weights_and_cuts_say_what_is_wrong_in_short_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run(d, &["run", "--no-plot", "--weights", "severity=0.4,"]);
    usage_error(&out, "--weights", "weight 2 of 2 is empty (a stray comma?)");
    assert!(!stderr(&out).contains("mixes"));
    // Huge numbers are written as a person would, not as 309 digits.
    let out = run(d, &["run", "--no-plot", "--quantile", "1e300"]);
    usage_error(&out, "--quantile", "1e300 is outside [0, 1]");
    let out = run(
        d,
        &[
            "run",
            "--lab",
            "telemetry",
            "--no-plot",
            "--dist",
            "login_velocity=uniform:-1e308,1e308",
        ],
    );
    usage_error(&out, "--dist", "got low -1e308, high 1e308");
    // -0 is 0: the run records 0.0, as numpy's twin would print it.
    let out = run(d, &["run", "--no-plot", "--quantile", "-0"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let q = doc["params"]["quantile"].as_f64().unwrap();
    assert_eq!(q.to_bits(), 0.0f64.to_bits(), "{q:?}");
}

#[test]
fn reflect_set_never_erases_an_answer_unasked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_runs(d);
    let out = run(
        d,
        &["compare", "a.json", "b.json", "--reflection", "r.json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let set = |text: &str, force: bool| {
        let mut args = vec!["reflect", "set", "r.json", "interpretation", text];
        if force {
            args.push("--force");
        }
        run(d, &args)
    };
    let answer = |d: &Path| -> String {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
        doc["reflection"]["interpretation"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // An empty answer is refused outright.
    usage_error(&set("  ", false), "TEXT", "the answer is empty");
    assert!(set("First thoughts.", false).status.success());
    // A second answer does not replace the first without --force; the first is shown.
    let before = std::fs::read(d.join("r.json")).unwrap();
    let out = set("Second thoughts.", false);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("already has an answer") && stderr(&out).contains("First thoughts.")
    );
    assert_eq!(std::fs::read(d.join("r.json")).unwrap(), before);
    // The same answer again changes nothing and is no error.
    assert!(set("First thoughts.", false).status.success());
    // With --force it is replaced, and the old answer is printed so it is not lost.
    let out = set("Second thoughts.", true);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("First thoughts."));
    assert_eq!(answer(d), "Second thoughts.");
    // Clearing is --force with an empty text.
    assert!(set("", true).status.success());
    assert_eq!(answer(d), "");
    // Another lab's --lab is a bad flag value, and the file is left as it was.
    let before = std::fs::read(d.join("r.json")).unwrap();
    let args = [
        "reflect",
        "set",
        "r.json",
        "interpretation",
        "x",
        "--lab",
        "telemetry",
    ];
    usage_error(
        &run(d, &args),
        "--lab",
        "the reflection is of lab \"module2\"",
    );
    assert_eq!(std::fs::read(d.join("r.json")).unwrap(), before);
}

#[test]
fn lab_check_reads_a_data_labs_header() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lab = std::fs::read_to_string(root.join("lab/kdd.toml"))
        .unwrap()
        .replacen("id = \"kdd\"", "id = \"kdd-copy\"", 1);
    std::fs::write(d.join("kdd.toml"), &lab).unwrap();
    // The file is not beside the lab: refused, at data.file's line.
    let out = run(d, &["lab", "check", "kdd.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("data.file: kdd_smtp.csv.gz: cannot read it"),
        "{}",
        stdout(&out)
    );
    std::fs::copy(root.join("lab/kdd_smtp.csv.gz"), d.join("kdd_smtp.csv.gz")).unwrap();
    assert!(run(d, &["lab", "check", "kdd.toml"]).status.success());
    // A scored column, and the label, that the header lacks.
    for (from, to) in [
        ("name = \"dst_bytes\"", "name = \"dst_byte\""),
        ("name = \"attack\"", "name = \"attck\""),
    ] {
        assert!(lab.contains(from));
        std::fs::write(d.join("typo.toml"), lab.replacen(from, to, 1)).unwrap();
        let out = run(d, &["lab", "check", "typo.toml"]);
        assert_eq!(out.status.code(), Some(1));
        let wrong = &to["name = ".len()..];
        assert!(
            stdout(&out).contains(&format!("has no column {wrong}")),
            "{}",
            stdout(&out)
        );
    }
}

#[test]
fn a_seed_past_a_lab_files_range_is_said_plainly_by_check_and_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lab =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("lab/module2.toml"))
            .unwrap()
            .replacen("id = \"module2\"", "id = \"mine\"", 1)
            .replacen("seed = 2\n", "seed = 99999999999999999999\n", 1);
    assert!(lab.contains("seed = 99999999999999999999"));
    std::fs::write(d.join("big.toml"), lab).unwrap();
    for args in [
        &["lab", "check", "big.toml"][..],
        &["run", "--lab", "big.toml", "--no-plot"],
    ] {
        let out = run(d, args);
        assert_eq!(out.status.code(), Some(1));
        let text = stdout(&out) + &stderr(&out);
        assert!(
            text.contains(
                "seed: 99999999999999999999 is not a whole number up to 18446744073709551615"
            ),
            "{text}"
        );
        assert!(!text.contains("i128"), "{text}");
    }
}

#[test]
fn commands_offer_only_the_flags_they_use() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for command in ["sweep", "notebook"] {
        let help = stdout(&run(d, &[command, "--help"]));
        assert!(!help.contains("--export <"), "{command}:\n{help}");
        let out = run(d, &[command, "--export", "x.csv"]);
        assert_eq!(out.status.code(), Some(2), "{command}: {}", stderr(&out));
        assert!(!d.join("x.csv").exists());
    }
    assert!(stdout(&run(d, &["run", "--help"])).contains("--export"));
    // sweep lists no top cases and draws its cuts: the flags for those are neither offered
    // nor ignored. (`--quantile` and `--threshold` set its operating point.)
    let sweep_help = stdout(&run(d, &["sweep", "--help"]));
    let run_help = stdout(&run(d, &["run", "--help"]));
    for (flag, value) in [
        ("--top", Some("3")),
        ("--decorate", None),
        ("--plot-x", Some("severity")),
    ] {
        let offered = |help: &str| {
            let with_space = format!("{flag} ");
            help.lines()
                .any(|l| l.trim_start().starts_with(&with_space))
        };
        assert!(!offered(&sweep_help), "{flag}:\n{sweep_help}");
        assert!(offered(&run_help), "{flag}:\n{run_help}");
        let out = run(d, &[&["sweep", flag][..], value.as_slice()].concat());
        usage_error(&out, &format!("sweep takes no {flag}"), "");
        assert!(!d.join("module2-sweep.png").exists());
    }
    let operating = |args: &[&str]| {
        let out = run(
            d,
            &[&["sweep", "--no-plot", "--format", "json"][..], args].concat(),
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["operating_point"]["priority_count"].clone()
    };
    assert_ne!(operating(&[]), operating(&["--quantile", "0.9"]));
    assert!(
        sweep_help.contains("marked as the operating point"),
        "{sweep_help}"
    );
    // The numpy twin saves its picture where --plot says.
    let twin = stdout(&run(d, &["notebook", "--plot", "mine.png"]));
    assert!(
        twin.contains("plt.savefig('mine.png')") || twin.contains("plt.savefig(\"mine.png\")"),
        "{twin}"
    );
    let twin = stdout(&run(d, &["notebook"]));
    assert!(twin.contains("module2-plot-numpy.png"), "{twin}");
}

#[test]
fn a_read_only_or_hard_linked_file_is_not_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_runs(d);
    assert!(
        run(
            d,
            &["compare", "a.json", "b.json", "--reflection", "r.json"]
        )
        .status
        .success()
    );
    let original = std::fs::read(d.join("r.json")).unwrap();
    // Read-only: the rename would go through anyway, so the mark is checked.
    std::fs::set_permissions(d.join("r.json"), std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = run(
        d,
        &["reflect", "set", "r.json", "interpretation", "x", "--force"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("r.json is read-only"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(d.join("r.json")).unwrap(), original);
    // A second name for the file would keep the old content: refused too.
    std::fs::set_permissions(d.join("r.json"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::hard_link(d.join("r.json"), d.join("twin.json")).unwrap();
    let out = run(d, &["reflect", "set", "r.json", "interpretation", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("has other hard links"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(d.join("r.json")).unwrap(), original);
    // The tool's own facts are not a student's to set.
    let out = run(d, &["reflect", "set", "twin.json", "metric_before", "x"]);
    usage_error(
        &out,
        "FIELD",
        "metric_before is filled in by `compare --reflection`",
    );
    // The numpy twin's --plot is checked as run's is: only an earlier PNG is replaced.
    std::fs::write(d.join("notes.png"), "my notes").unwrap();
    let out = run(d, &["notebook", "--plot", "notes.png"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_lab_files_problems_are_all_listed_by_check_and_by_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let telemetry = std::fs::read_to_string(root.join("lab/telemetry.toml"))
        .unwrap()
        .replacen("id = \"telemetry\"", "id = \"tele2\"", 1);
    // Wrong types inside [plot] and [labels], beside one at the top.
    let typed = telemetry
        .replacen("prevalence = 0.03", "prevalence = true", 1)
        .replacen("x = \"login_velocity\"", "x = 1", 1)
        .replacen("quantile = 0.95", "quantile = true", 1);
    assert_eq!(typed.matches("true").count(), 2, "the fixture changed");
    std::fs::write(d.join("typed.toml"), typed).unwrap();
    // Rule problems, several.
    let rules = "id = \"x\"\ntitle = \"t\"\nquantile = 2.0\nn = 0\n[[features]]\nname = \"a\"\n\
                 weight = 1\ndistribution = { kind = \"beta\", a = -1, b = 1 }\n";
    std::fs::write(d.join("rules.toml"), rules).unwrap();
    // One case in a lab that scales its features.
    let one = telemetry.replacen("n = 2000", "n = 1", 1);
    std::fs::write(d.join("one.toml"), one).unwrap();
    for (file, lines) in [
        (
            "typed.toml",
            &[
                "quantile: true is not a number",
                "plot.x: 1 is not text in quotes",
                "labels.prevalence: true is not a number",
            ][..],
        ),
        (
            "rules.toml",
            &[
                "rules.toml:3:1: quantile: must be between 0 and 1, got 2",
                "rules.toml:4:1: n: must be at least 1",
                "rules.toml:8:1: features[0].distribution: a must be greater than 0, got -1",
            ],
        ),
        (
            "one.toml",
            &["n: one case has nothing to be scaled against"],
        ),
    ] {
        for command in [
            &["lab", "check", file][..],
            &["run", "--lab", file, "--no-plot"],
        ] {
            let out = run(d, command);
            assert_eq!(out.status.code(), Some(1), "{command:?}");
            let text = stdout(&out) + &stderr(&out);
            for line in lines {
                assert!(text.contains(line), "{command:?}: {line}\n{text}");
            }
            assert!(!text.contains("TOML parse error"), "{text}");
        }
    }
    // A data lab may plot a column that is not scored; one its file lacks is refused.
    let kdd = std::fs::read_to_string(root.join("lab/kdd.toml"))
        .unwrap()
        .replacen("id = \"kdd\"", "id = \"kdd-x\"", 1);
    std::fs::copy(root.join("lab/kdd_smtp.csv.gz"), d.join("kdd_smtp.csv.gz")).unwrap();
    for (x, ok) in [("attack", true), ("nosuch", false)] {
        let lab = kdd.replacen("x = \"src_bytes\"", &format!("x = \"{x}\""), 1);
        std::fs::write(d.join("k.toml"), lab).unwrap();
        let out = run(d, &["lab", "check", "k.toml"]);
        assert_eq!(out.status.success(), ok, "{x}: {}", stdout(&out));
    }
}

#[test]
fn a_folder_of_hand_ins_counts_each_once_and_skips_hidden_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_runs(d);
    std::fs::create_dir_all(d.join("in/ana")).unwrap();
    let out = run(
        d,
        &[
            "compare",
            "a.json",
            "b.json",
            "--reflection",
            "in/ana/r.json",
        ],
    );
    assert!(out.status.success());
    std::fs::write(d.join("in/ana/._r.json"), "editor junk").unwrap();
    std::os::unix::fs::symlink("ana/r.json", d.join("in/linked.json")).unwrap();
    let out = run(d, &["reflect", "check", "in", "in/ana", "--format", "csv"]);
    let csv = stdout(&out);
    assert_eq!(csv.lines().count(), 2, "a header and one row:\n{csv}");
    assert!(csv.contains("in/ana/r.json,"), "{csv}");
    // A pipe and a dangling link named *.json are rows that say what they are, without
    // waiting on the pipe for a writer.
    let fifo =
        std::ffi::CString::new(d.join("in/ana/pipe.json").as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("gone.json", d.join("in/dangling.json")).unwrap();
    let out = run(d, &["reflect", "check", "in", "--format", "csv"]);
    let csv = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{csv}{}", stderr(&out));
    assert_eq!(csv.lines().count(), 4, "a header and three rows:\n{csv}");
    for name in ["in/ana/pipe.json", "in/dangling.json"] {
        let row = csv.lines().find(|l| l.starts_with(name)).unwrap_or("");
        assert!(
            row.contains("not a regular file") || row.contains("No such file"),
            "{name}:\n{csv}"
        );
    }
}

#[test]
fn text_from_a_data_file_is_quoted_short_and_escaped_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A header cell of megabytes, then a cell of a thousand letters.
    let wide = format!("a,{}\n1,2\n", "x".repeat(5_000_000));
    std::fs::write(d.join("wide.csv"), wide).unwrap();
    let out = run(
        d,
        &[
            "run",
            "--data",
            "wide.csv",
            "--weights",
            "zz=1",
            "--no-plot",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).len() < 1000, "{} bytes", stderr(&out).len());
    assert!(
        stderr(&out).contains("(5000000 characters)"),
        "{}",
        stderr(&out)
    );
    std::fs::write(d.join("long.csv"), format!("a,b\n1,{}\n", "y".repeat(1000))).unwrap();
    let out = run(
        d,
        &[
            "run",
            "--data",
            "long.csv",
            "--weights",
            "a=1,b=1",
            "--no-plot",
        ],
    );
    assert!(
        stderr(&out).contains("… (1000 characters) is not a number"),
        "{}",
        stderr(&out)
    );
    // A control character in the file's name does not reach the terminal.
    let odd = "we\u{1b}[31mird.csv";
    std::fs::write(d.join(odd), "a,b\n1,x\n").unwrap();
    let out = run(
        d,
        &["run", "--data", odd, "--weights", "a=1,b=1", "--no-plot"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains('\u{1b}'), "{:?}", stderr(&out));
    assert!(
        stderr(&out).contains("we\\u{1b}[31mird.csv"),
        "{:?}",
        stderr(&out)
    );
}

#[test]
fn a_hand_ins_name_is_text_in_the_csv_and_escaped_in_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_runs(d);
    std::fs::create_dir(d.join("in")).unwrap();
    for name in ["=HYPERLINK(1).json", "a\u{1b}[31mb.json"] {
        let path = format!("in/{name}");
        let out = run(d, &["compare", "a.json", "b.json", "--reflection", &path]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // Named one by one (`reflect check *.json`), a name is a cell of its own.
    let args = ["reflect", "check", "--format", "csv", "=HYPERLINK(1).json"];
    let csv = stdout(&run(&d.join("in"), &args));
    assert!(csv.contains("\n'=HYPERLINK(1).json,"), "{csv}");
    let table = stdout(&run(d, &["reflect", "check", "in"]));
    assert!(!table.contains('\u{1b}'), "{table:?}");
    assert!(table.contains("\\u{1b}"), "{table:?}");
}
