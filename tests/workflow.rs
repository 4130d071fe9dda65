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
    let page = stdout(&run(dir.path(), &["man"], &[]));
    assert!(
        page.starts_with(".ie") && page.contains(".TH anomaly-lab 1"),
        "{page}"
    );
    assert!(page.contains("compare"), "the subcommands are listed");
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
    let a = run(d, &["run", "--no-plot"], &[]).stdout;
    let b = run(d, &["run", "--no-plot", "--quantile", "0.9"], &[]).stdout;
    std::fs::write(d.join("a.json"), a).unwrap();
    std::fs::write(d.join("b.json"), b).unwrap();
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
