//! The README's promises under attack, one test per class of attack: any finite data plots,
//! messages never panic, special files are never replaced or blocked on, a failed command
//! leaves no file, memory refusals respect every limit, reflections are checked against
//! the lab, lab ids stay plain names, and errors point at the right place.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("anomaly-lab"));
    c.current_dir(dir).stdin(Stdio::null());
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin(dir).args(args).output().unwrap()
}

/// a.json (the baseline) and b.json (quantile 0.9) in `dir`.
fn write_pair(dir: &Path) {
    std::fs::write(dir.join("a.json"), run(dir, &["run", "--no-plot"]).stdout).unwrap();
    let q9 = run(dir, &["run", "--no-plot", "--quantile", "0.9"]).stdout;
    std::fs::write(dir.join("b.json"), q9).unwrap();
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn decodes(path: &Path) -> bool {
    crate::common::is_complete_png(&std::fs::read(path).unwrap())
}

const UNIFORM_LAB: &str = r#"id = "wide"
title = "Wide"
n = 500
quantile = 0.8
[[features]]
name = "x"
weight = 1.0
distribution = { kind = "uniform", low = -8e307, high = 8e307 }
"#;

#[test]
fn any_finite_range_plots_as_a_readable_png() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("wide.toml"), UNIFORM_LAB).unwrap();
    let cases: [&[&str]; 5] = [
        &["run", "--weights", "1.3e308,-1.3e308,0,0,0"],
        &[
            "run",
            "--n",
            "200000",
            "--weights",
            "0.2e100,0.2e100,0.2e100,0.2e100,0.2e100",
        ],
        &[
            "run",
            "--n",
            "2000",
            "--weights",
            "0.2e100,0.2e100,0.2e100,0.2e100,0.2e100",
        ],
        &["run", "--weights", "1e-310,0,0,0,0"],
        &["run", "--lab", "wide.toml"],
    ];
    for (i, args) in cases.iter().enumerate() {
        let plot = format!("p{i}.png");
        let mut args = args.to_vec();
        args.extend(["--plot", &plot]);
        let out = run(dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(decodes(&dir.path().join(&plot)), "{args:?}: not a PNG");
    }
    let out = run(
        dir.path(),
        &[
            "sweep",
            "--weights",
            "1.3e308,-1.3e308,0,0,0",
            "--plot",
            "s.png",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(decodes(&dir.path().join("s.png")));
}

/// Runs with stderr on /dev/full: messages are lost, exit codes are not.
#[test]
fn a_full_stderr_changes_no_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for (args, code) in [
        (
            &["run", "--no-plot", "--weights", "0.5,0.5,0.5,0.5,0.5"][..],
            0,
        ),
        (&["run", "--quantile", "7"][..], 2),
        (&["compare", "missing.json", "also-missing.json"][..], 1),
        (&["run", "--bogus"][..], 2),
    ] {
        let status = bin(dir.path())
            .args(args)
            .stdout(Stdio::null())
            .stderr(full())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}");
    }
}

#[test]
fn special_files_are_never_replaced_or_opened_in_a_way_that_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run(d, &["run", "--no-plot"]).status.success());
    write_pair(d);
    let fifo = d.join("fifo.png");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("/dev/null", d.join("null.json")).unwrap();
    let cases: [&[&str]; 4] = [
        &["run", "--plot", "fifo.png"],
        &["sweep", "--plot", "fifo.png"],
        &[
            "compare",
            "a.json",
            "b.json",
            "--reflection",
            "/dev/null",
            "--force",
        ],
        &[
            "compare",
            "a.json",
            "b.json",
            "--reflection",
            "null.json",
            "--force",
        ],
    ];
    for args in cases {
        // A blocked open would hang: the run must end by itself, well within the timeout.
        let mut child = bin(d)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            assert!(started.elapsed().as_secs() < 20, "{args:?} hangs");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains("not a regular file"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert!(
        std::fs::symlink_metadata(d.join("null.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

/// A command whose result cannot be printed fails, and then leaves no file behind.
#[test]
fn a_command_that_fails_to_print_writes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_pair(d);
    let before = files(d);
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let cases: [&[&str]; 4] = [
        &["run", "--plot", "p.png", "--export", "cases.csv"],
        &[
            "compare",
            "a.json",
            "b.json",
            "--reflection",
            "r.json",
            "--plot",
            "c.png",
        ],
        &["sweep", "--plot", "s.png"],
        &["run", "--lab", "telemetry", "--export", "t.csv"],
    ];
    for args in cases {
        let out = bin(d).args(args).stdout(full()).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains("standard output"), "{}", stderr(&out));
        assert_eq!(files(d), before, "{args:?} left a file");
    }
}

/// Runs `args` under an address-space limit (`ulimit -v`) of `bytes`.
fn limited(dir: &Path, bytes: u64, args: &[&str]) -> Output {
    limited_by(dir, libc::RLIMIT_AS, bytes, args)
}

/// Runs `args` with `resource` limited to `bytes`.
fn limited_by(
    dir: &Path,
    resource: libc::__rlimit_resource_t,
    bytes: u64,
    args: &[&str],
) -> Output {
    let mut c = bin(dir);
    c.args(args);
    // SAFETY: only setrlimit, which is async-signal-safe, runs in the child before exec.
    unsafe {
        c.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(resource, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    c.output().unwrap()
}

#[test]
fn a_file_size_limit_leaves_the_explanations_to_a_second_reading() {
    // The explanations' values go to temporary files; under `ulimit -f` they could outgrow
    // the limit, whose signal would end the run, so the file is read again instead.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut csv = String::from("a,b\n");
    for i in 0..2000 {
        csv += &format!("{},{}\n", i % 7, i % 5);
    }
    std::fs::write(d.join("rows.csv"), csv).unwrap();
    let args = [
        "run",
        "--data",
        "rows.csv",
        "--weights",
        "a=0.5,b=0.3",
        "--no-plot",
    ];
    let free = bin(d).args(args).output().unwrap();
    let limited = limited_by(d, libc::RLIMIT_FSIZE, 4096, &args);
    assert!(limited.status.success(), "{:?}", limited.status);
    assert_eq!(limited.stdout, free.stdout);
}

#[test]
fn memory_refusals_respect_the_address_space_limit_and_the_top_list() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (limit_mib, args) in [
        (300, &["run", "--no-plot", "--n", "20000000"][..]),
        (
            300,
            &["run", "--no-plot", "--lab", "telemetry", "--n", "4000000"][..],
        ),
        (
            600,
            &["run", "--no-plot", "--n", "2000000", "--top", "2000000"][..],
        ),
        (
            300,
            &["sweep", "--no-plot", "--lab", "telemetry", "--n", "2000000"][..],
        ),
    ] {
        let out = limited(d, limit_mib << 20, args);
        let err = stderr(&out);
        // Refused up front (2), never aborted by a failed allocation (134 / SIGABRT).
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("ulimit -v"), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
    // Within the limit, the same kind of run goes through.
    let out = limited(d, 600 << 20, &["run", "--no-plot", "--n", "1000000"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Threads are reserved only as the run will start them: a run too small to split
    // starts none, however many --threads allows.
    let small = ["--threads", "64", "run", "--no-plot", "--n", "70000"];
    let out = limited(d, 1000 << 20, &small);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn an_explained_run_keeps_only_its_score_column_in_memory() {
    // The five feature columns kept for the explanations (40 bytes a row) wait in
    // temporary files; in memory they would pass the 16 bytes a row the runs allow.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let n = 3_000_000u64;
    let run = ["run", "--no-plot", "--n", "3000000"];
    let explained = crate::common::least_peak_memory(d, &run, 2);
    let unexplained = crate::common::least_peak_memory(d, &[&run[..], &["--top", "0"]].concat(), 2);
    let extra = explained.saturating_sub(unexplained);
    assert!(
        extra < 4 * n,
        "the explanations added {extra} bytes to {unexplained}"
    );
}

#[test]
fn without_a_temporary_directory_the_columns_are_drawn_again_to_the_same_explanations() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = ["run", "--no-plot", "--n", "1100000", "--top", "3"];
    let parked = bin(d).args(run).output().unwrap();
    let redrawn = bin(d)
        .args(run)
        .env("TMPDIR", d.join("missing"))
        .output()
        .unwrap();
    assert!(parked.status.success() && redrawn.status.success());
    assert!(String::from_utf8_lossy(&parked.stdout).contains("\"percentile\""));
    assert_eq!(parked.stdout, redrawn.stdout);
}

#[test]
fn reflect_check_holds_a_reflection_to_the_labs_fields() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_pair(d);
    let out = run(
        d,
        &["compare", "a.json", "b.json", "--reflection", "r.json"],
    );
    assert!(out.status.success());
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("r.json")).unwrap()).unwrap();
    let mut filled = doc.clone();
    for (_, v) in filled["reflection"].as_object_mut().unwrap() {
        // The facts the tool filled in stay; the student's fields get an answer.
        if v.as_str() == Some("") {
            *v = "an answer".into();
        }
    }
    let check = |edit: &dyn Fn(&mut serde_json::Value), expect: &str| {
        let mut doc = filled.clone();
        edit(&mut doc);
        std::fs::write(d.join("x.json"), doc.to_string()).unwrap();
        let out = run(d, &["reflect", "check", "x.json"]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.code(), text.contains(expect), text)
    };
    let (code, _, text) = check(&|_| {}, "");
    assert_eq!(code, Some(0), "{text}");
    let r = |doc: &mut serde_json::Value| doc["reflection"].as_object_mut().unwrap().clone();
    type Edit<'a> = &'a dyn Fn(&mut serde_json::Value);
    let cases: [(Edit, &str); 5] = [
        (
            &|doc| {
                doc["reflection"]
                    .as_object_mut()
                    .unwrap()
                    .remove("interpretation");
            },
            "interpretation (missing",
        ),
        (&|doc| doc["reflection"] = serde_json::json!({}), "6 of 6"),
        (
            &|doc| doc["reflection"]["interpretation"] = " \u{200B}\u{FEFF}\u{2060}\t".into(),
            "interpretation",
        ),
        (
            &|doc| doc["reflection"]["interpretation"] = 5.into(),
            "not text",
        ),
        (
            &|doc| {
                let mut fields = r(doc);
                let v = fields.remove("interpretation").unwrap();
                fields.insert("interpretaton".into(), v);
                doc["reflection"] = fields.into();
            },
            "interpretaton",
        ),
    ];
    for (edit, expect) in cases {
        let (code, found, text) = check(edit, expect);
        assert_eq!(code, Some(1), "{expect}: {text}");
        assert!(found, "{expect}: {text}");
    }
    // Another document with a reflection object, or another version, is not checked.
    for (key, value) in [
        ("format", "something".into()),
        ("format_version", 99.into()),
    ] {
        let mut doc = filled.clone();
        doc[key] = value;
        std::fs::write(d.join("x.json"), doc.to_string()).unwrap();
        let out = run(d, &["reflect", "check", "x.json"]);
        assert_eq!(out.status.code(), Some(1), "{key}");
        assert!(stderr(&out).contains("not"), "{key}: {}", stderr(&out));
    }
}

const LAB_HEAD: &str = "title = \"T\"\nn = 50\nquantile = 0.8\n";
const LAB_FEATURE: &str = "[[features]]\nname = \"x\"\nweight = 1.0\ndistribution = { kind = \"beta\", a = 2.0, b = 2.0 }\n";

#[test]
fn a_lab_id_is_a_plain_name_and_reflection_fields_are_a_real_list() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("work");
    std::fs::create_dir(&d).unwrap();
    for (id, extra, needle) in [
        ("../escape", "", "not a plain name"),
        ("/tmp/abs", "", "not a plain name"),
        ("a\\nb", "", "not a plain name"),
        ("a\\u0000b", "", "not a plain name"),
        (".hidden", "", "not a plain name"),
        ("ok", "reflection = []\n", "at least one field"),
        ("ok", "reflection = [\"a\", \"a\"]\n", "appears twice"),
    ] {
        let text = format!("id = \"{id}\"\n{LAB_HEAD}{extra}{LAB_FEATURE}");
        std::fs::write(d.join("lab.toml"), text).unwrap();
        let out = run(&d, &["run", "--lab", "lab.toml"]);
        assert_eq!(out.status.code(), Some(1), "{id:?} {extra:?}");
        assert!(stderr(&out).contains(needle), "{id:?}: {}", stderr(&out));
        assert_eq!(files(&d), ["lab.toml"]);
        assert_eq!(files(dir.path()), ["work"]);
    }
}

#[test]
fn errors_point_at_the_flag_or_the_lab_files_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A value from the lab file is not reported as a flag.
    let big =
        format!("id = \"big\"\ntitle = \"T\"\nn = 100000000000000\nquantile = 0.8\n{LAB_FEATURE}");
    std::fs::write(d.join("big.toml"), big).unwrap();
    let err = stderr(&run(d, &["run", "--lab", "big.toml", "--no-plot"]));
    assert!(
        err.contains("the lab file's `n`") && !err.contains("'--n'"),
        "{err}"
    );
    // Inline tables keep their line and column.
    let inline = "id = \"t\"\ntitle = \"T\"\nn = 50\nquantile = 0.8\nfeatures = [\n  \
                  { name = \"x\", weight = 1.0, distribution = { kind = \"beta\", a = -1.0, b = 2.0 } },\n]\n";
    std::fs::write(d.join("inline.toml"), inline).unwrap();
    let err = stderr(&run(d, &["run", "--lab", "inline.toml"]));
    assert!(
        err.contains("inline.toml:6:31: features[0].distribution"),
        "{err}"
    );
    // An overflowing score names the case and where the weights come from.
    let err = stderr(&run(
        d,
        &["run", "--weights", "1e308,1e308,1e308,0,0", "--no-plot"],
    ));
    assert!(err.contains("case ") && err.contains("--weights"), "{err}");
    // A feature given twice is refused, not last-wins.
    for args in [
        &["run", "--weights", "severity=0.4,severity=0.5"][..],
        &["run", "--beta", "exposure=2,2", "--beta", "exposure=3,3"][..],
    ] {
        let out = run(d, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("twice"), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn following_the_guide_never_replaces_the_baselines_picture() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run(d, &["run", "--seed", "2"]).status.success());
    let baseline = std::fs::read(d.join("module2-plot.png")).unwrap();
    for args in [
        &["run", "--seed", "2", "--quantile", "0.9"][..],
        &["run", "--seed", "2", "--weights", "severity=0.4"][..],
        &["run", "--seed", "2", "--beta", "exposure=3,3"][..],
        &["run", "--seed", "2", "--threshold", "0.5"][..],
        &["run", "--seed", "2", "--threshold", "-0.5"][..],
        &["run", "--seed", "2", "--weights", "severity=-0.4"][..],
        &["run", "--seed", "2", "-n", "200"][..],
        &["run", "--seed", "2", "--decorate"][..],
        &["run", "--seed", "2", "--plot-x", "exposure"][..],
    ] {
        let out = run(d, args);
        assert!(out.status.success(), "{args:?}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let plot = report["plot"].as_str().unwrap();
        assert_ne!(plot, "module2-plot.png", "{args:?}");
        assert!(d.join(plot).is_file(), "{args:?}: {plot}");
    }
    assert_eq!(std::fs::read(d.join("module2-plot.png")).unwrap(), baseline);
    assert_eq!(
        files(d).len(),
        10,
        "every picture has its own name: {:?}",
        files(d)
    );
    // Two bare data runs with different weights draw two pictures.
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/lab/kdd_smtp.csv.gz");
    for weights in ["src_bytes=0.5,dst_bytes=0.3", "src_bytes=-1"] {
        assert!(
            run(d, &["run", "--data", data, "--weights", weights])
                .status
                .success()
        );
    }
    assert_eq!(files(d).len(), 12, "{:?}", files(d));
    // The sweep's picture is named the same way.
    for weights in ["src_bytes=0.5,dst_bytes=0.3", "src_bytes=-1"] {
        let args = [
            "sweep",
            "--data",
            data,
            "--weights",
            weights,
            "--quantiles",
            "0.5",
        ];
        assert!(run(d, &args).status.success());
    }
    assert_eq!(files(d).len(), 14, "{:?}", files(d));
}

#[test]
fn the_weight_warning_only_where_the_lab_puts_its_score_on_0_to_1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let warns = |args: &[&str]| stderr(&run(d, args)).contains("weights sum to");
    assert!(warns(&["run", "--no-plot", "--weights", "1,1,1,1,1"]));
    assert!(!warns(&[
        "run",
        "--no-plot",
        "--weights",
        "0.2,0.2,0.2,0.2,0.2"
    ]));
    assert!(!warns(&[
        "run",
        "--no-plot",
        "--lab",
        "telemetry",
        "--weights",
        "5,5,5"
    ]));
    // Readable, whatever the weights.
    let err = stderr(&run(d, &["run", "--no-plot", "--weights", "1e100,0,0,0,0"]));
    assert!(err.contains("sum to 1e100,"), "{err}");
    let lab = format!("id = \"u\"\nunit_score = true\n{LAB_HEAD}{LAB_FEATURE}")
        .replace("weight = 1.0", "weight = 2.0");
    std::fs::write(d.join("u.toml"), lab).unwrap();
    assert!(warns(&["run", "--no-plot", "--lab", "u.toml"]));
}

#[test]
fn running_out_of_memory_anywhere_ends_cleanly_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut csv = String::from("a,b,label\n");
    for i in 0..400_000u32 {
        csv.push_str(&format!(
            "{}.5,{},{}\n",
            i % 977,
            i % 13,
            u32::from(i % 50 == 0)
        ));
    }
    std::fs::write(d.join("big.csv"), csv).unwrap();
    // A data run has no size known up front: a failed allocation (or thread start) is the
    // refusal, wherever it happens.
    let args = [
        "run",
        "--data",
        "big.csv",
        "--weights",
        "a=1,b=1",
        "--label",
        "label",
        "--plot",
        "p.png",
    ];
    let mut refused = 0;
    for mib in [12, 14, 16, 18, 20, 24, 28] {
        let out = limited(d, mib << 20, &args);
        let err = stderr(&out);
        match out.status.code() {
            Some(0) => {}
            Some(2) => {
                refused += 1;
                assert!(err.starts_with("error: out of memory"), "{mib} MiB: {err}");
                assert!(out.stdout.is_empty());
            }
            other => panic!("{mib} MiB: exit {other:?}: {err}"),
        }
        let _ = std::fs::remove_file(d.join("p.png"));
        assert_eq!(
            files(d),
            ["big.csv"],
            "{mib} MiB: a temporary file was left"
        );
    }
    assert!(refused > 0, "no limit was low enough to test the refusal");
}

#[test]
fn outputs_that_cannot_be_written_are_refused_before_any_result() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_pair(d);
    let before = files(d);
    let long = format!("{}.png", "a".repeat(300));
    let long_csv = format!("{}.csv", "e".repeat(300));
    for (args, code) in [
        (
            vec![
                "compare",
                "a.json",
                "b.json",
                "--reflection",
                "r.png",
                "--plot",
                "r.png",
            ],
            2,
        ),
        (
            vec!["run", "--plot", "./same.png", "--export", "same.png"],
            2,
        ),
        (vec!["run", "--plot", long.as_str()], 1),
        (vec!["run", "--no-plot", "--export", long_csv.as_str()], 1),
        (
            vec!["compare", "a.json", "b.json", "--reflection", long.as_str()],
            1,
        ),
        (vec!["sweep", "--plot", long.as_str()], 1),
    ] {
        let out = run(d, &args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?} printed its result");
        assert_eq!(files(d), before, "{args:?}");
    }
}

#[test]
fn runs_and_labs_carry_no_control_characters_or_borrowed_ids() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = String::from_utf8(run(d, &["run", "--no-plot"]).stdout).unwrap();
    std::fs::write(d.join("a.json"), &good).unwrap();
    for (name, text, needle) in [
        (
            "esc.json",
            good.replace("\"lab\": \"module2\"", "\"lab\": \"x\\u001b[31mRED\""),
            "control character",
        ),
        (
            "q5.json",
            good.replace("\"quantile\": 0.8", "\"quantile\": 5.0"),
            "quantile",
        ),
    ] {
        std::fs::write(d.join(name), text).unwrap();
        for args in [&["compare", "a.json", name][..], &["explain", name][..]] {
            let out = run(d, args);
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            assert!(!out.stderr.contains(&0x1b), "{args:?}: raw escape printed");
            assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        }
    }
    // A lab may not borrow a built-in lab's id, nor hide control characters in its text.
    let spoof = format!("id = \"module2\"\n{LAB_HEAD}{LAB_FEATURE}");
    std::fs::write(d.join("spoof.toml"), spoof).unwrap();
    let err = stderr(&run(d, &["run", "--lab", "spoof.toml"]));
    assert!(err.contains("built-in lab's"), "{err}");
    let nul = format!("id = \"t\"\n{LAB_HEAD}{LAB_FEATURE}")
        .replace("title = \"T\"", "title = \"a\\u0000b\"");
    std::fs::write(d.join("nul.toml"), nul).unwrap();
    let err = stderr(&run(d, &["notebook", "--lab", "nul.toml"]));
    assert!(err.contains("control character"), "{err}");
    // The built-in lab's own file is the built-in lab.
    let own = concat!(env!("CARGO_MANIFEST_DIR"), "/lab/module2.toml");
    assert!(run(d, &["run", "--lab", own, "--no-plot"]).status.success());
}

#[test]
fn small_stumbles_in_values_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for n in ["_1", "1__0", "1_", "_"] {
        assert_eq!(
            run(d, &["run", "--n", n, "--no-plot"]).status.code(),
            Some(2),
            "{n}"
        );
    }
    assert!(
        run(d, &["run", "--n", "1_000", "--no-plot"])
            .status
            .success()
    );
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let status = bin(d)
        .args(["run", "--help"])
        .stdout(full)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "help that could not be written");
    let out = run(d, &["sweep", "--quantiles", "0:1:1e-300", "--no-plot"]);
    assert!(stderr(&out).contains("too many"), "{}", stderr(&out));
    // An overflow caused by --weights is a bad flag value.
    let out = run(
        d,
        &[
            "run",
            "--weights",
            "1e308,1e308,1e308,1e308,1e308",
            "--no-plot",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn a_data_lab_refuses_keys_that_only_generated_labs_use() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let kdd =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/lab/kdd.toml")).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/lab/kdd_smtp.csv.gz"),
        d.join("kdd_smtp.csv.gz"),
    )
    .unwrap();
    for key in ["seed = 3", "n = 500"] {
        let text = kdd.replace("id = \"kdd\"", &format!("id = \"mine\"\n{key}"));
        std::fs::write(d.join("mine.toml"), text).unwrap();
        let out = run(d, &["run", "--lab", "mine.toml", "--no-plot"]);
        assert_eq!(out.status.code(), Some(1), "{key}");
        assert!(
            stderr(&out).contains("a data lab scores its file"),
            "{key}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn reflections_read_from_files_are_checked_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A data-run reflection checks without a panic, and its facts verify.
    std::fs::write(d.join("d.csv"), "a,b\n1,2\n3,4\n5,6\n7,1\n").unwrap();
    for (name, w) in [("d1.json", "a=1"), ("d2.json", "a=2,b=1")] {
        let out = run(d, &["run", "--data", "d.csv", "--weights", w, "--no-plot"]);
        std::fs::write(d.join(name), out.stdout).unwrap();
    }
    run(
        d,
        &["compare", "d1.json", "d2.json", "--reflection", "dr.json"],
    );
    let out = run(d, &["reflect", "check", "dr.json"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "three fields are empty: {text}");
    assert!(text.contains("match the two runs"), "{text}");
    // A data file named in a hand-in is never quoted back.
    let planted = std::fs::read_to_string(d.join("dr.json"))
        .unwrap()
        .replace("\"d.csv\"", "\"/etc/passwd\"");
    std::fs::write(d.join("planted.json"), planted).unwrap();
    let out = run(d, &["reflect", "check", "planted.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("root"),
        "file content leaked"
    );
    // Impossible parameters: refused, not computed (n = 0 used to panic).
    write_pair(d);
    run(
        d,
        &["compare", "a.json", "b.json", "--reflection", "r.json"],
    );
    let r = std::fs::read_to_string(d.join("r.json")).unwrap();
    for (from, to) in [("\"n\": 96", "\"n\": 0"), ("\"a\": 2.0", "\"a\": -5.0")] {
        std::fs::write(d.join("x.json"), r.replacen(from, to, 1)).unwrap();
        let out = run(d, &["reflect", "check", "x.json"]);
        assert_eq!(out.status.code(), Some(1), "{to}: {}", stderr(&out));
        // show prints the answers, and says why the tables are left out.
        let out = run(d, &["reflect", "show", "x.json"]);
        assert_eq!(out.status.code(), Some(0), "{to}: {}", stderr(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("cannot be run"),
            "{to}"
        );
    }
    // Its lab and its runs' lab must agree; a run output is no hand-in.
    std::fs::write(
        d.join("x.json"),
        r.replacen("\"lab\": \"module2\"", "\"lab\": \"foo\"", 1),
    )
    .unwrap();
    assert!(stderr(&run(d, &["reflect", "check", "x.json"])).contains("inconsistent"));
    assert_eq!(
        run(d, &["reflect", "check", "a.json"]).status.code(),
        Some(1)
    );
    // A byte-order mark is fine; a fact that is not text is wrong.
    std::fs::write(d.join("x.json"), format!("\u{FEFF}{r}")).unwrap();
    assert!(
        String::from_utf8_lossy(&run(d, &["reflect", "check", "x.json"]).stdout).contains("match")
    );
    let v = r.replace(
        "\"what_changed\": \"quantile 0.8 -> 0.9\"",
        "\"what_changed\": 5",
    );
    std::fs::write(d.join("x.json"), v).unwrap();
    let text =
        String::from_utf8_lossy(&run(d, &["reflect", "check", "x.json"]).stdout).into_owned();
    assert!(text.contains("what_changed does not match"), "{text}");
    // - is never a file to write; a document without a reflection object is not edited.
    for args in [
        &["reflect", "set", "-", "interpretation", "x"][..],
        &["compare", "a.json", "b.json", "--reflection", "-"][..],
        &["run", "--export", "-"][..],
    ] {
        assert_eq!(run(d, args).status.code(), Some(2), "{args:?}");
    }
    std::fs::write(
        d.join("bare.json"),
        "{\"format\": \"anomaly-lab/reflection\", \"format_version\": 1}",
    )
    .unwrap();
    assert_eq!(
        run(d, &["reflect", "set", "bare.json", "interpretation", "x"])
            .status
            .code(),
        Some(1)
    );
    assert!(!d.join("-").exists());
    // A lab file given to compare must load.
    let out = run(d, &["compare", "a.json", "b.json", "--lab", "missing.toml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}
