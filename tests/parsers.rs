//! Property tests: whatever text reaches a parser (flag values, lab files, run JSON),
//! the answer is a value or a clean error, never a panic.

use anomaly_lab::lab::{Lab, MODULE2_TOML};
use anomaly_lab::report::parse_run;
use assert_cmd::Command;
use proptest::prelude::*;

/// A valid run document to mutate.
fn run_json() -> String {
    let cfg = anomaly_lab::run::RunConfig::from_lab(Lab::module2());
    let out = anomaly_lab::run::simulate(&cfg, false).unwrap();
    anomaly_lab::report::RunReport::new(&cfg, &out, None).to_json()
}

/// Values that are wrong in interesting ways.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("-1".to_string()),
        Just("".to_string()),
        Just("1e400".to_string()),
        Just("18446744073709551616".to_string()),
        Just("\"text\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("null".to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
        ".{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_text_as_a_lab_file_is_a_lab_or_an_error(text in ".{0,400}") {
        let _ = Lab::from_toml(&text);
    }

    #[test]
    fn any_value_in_any_lab_field_is_a_lab_or_an_error(pick in 0usize..200, value in nasty()) {
        // Replace the pick-th "= value" on a key line of the real lab file.
        let mut count = 0;
        let text: String = MODULE2_TOML
            .lines()
            .map(|line| match line.split_once(" = ") {
                Some((key, _)) if !line.trim_start().starts_with('#') => {
                    count += 1;
                    if count == pick % 40 + 1 { format!("{key} = {value}") } else { line.to_string() }
                }
                _ => line.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        if let Ok(lab) = Lab::from_toml(&text) {
            // Whatever was accepted is runnable: validated numbers only.
            prop_assert!(lab.validate().is_ok());
        }
    }

    #[test]
    fn any_text_as_a_run_file_is_a_run_or_an_error(text in ".{0,400}") {
        let _ = parse_run("x.json", &text);
    }

    #[test]
    fn any_lab_text_gets_every_problem_without_a_panic(text in ".{0,400}") {
        // What `lab check` does: parse leniently, then list every rule broken.
        if let Ok(lab) = Lab::from_toml_unchecked(&text) {
            let _ = lab.located_problems(&text);
        }
    }

    #[test]
    fn setting_a_reflection_field_keeps_the_document_json(
        prefix in "[ \t\n]{0,3}",
        key in "[a-z_\"\\\\ ]{0,12}",
        value in ".{0,40}",
        noise in "[{}\\[\\],:\"\\\\a-z0-9 ]{0,30}",
    ) {
        use anomaly_lab::reflection::edit::set_field;
        prop_assume!(key != "odd" && key != "interpretation");
        let doc = serde_json::json!({"format": "anomaly-lab/reflection", "reflection": {
            "interpretation": "", "odd": noise.clone(), key.clone(): "x"}});
        let text = format!("{prefix}{}", serde_json::to_string_pretty(&doc).unwrap());
        let edited = set_field(&text, "interpretation", &value).expect("a reflection edits");
        let back: serde_json::Value = serde_json::from_str(&edited).unwrap();
        prop_assert_eq!(back["reflection"]["interpretation"].as_str(), Some(value.as_str()));
        prop_assert_eq!(&back["reflection"]["odd"], &serde_json::Value::from(noise.clone()));
        // On arbitrary text: an edited document, or None; never a panic or broken JSON.
        let mangled = format!("{{\"reflection\": {{{noise}}}}}");
        if let Some(out) = set_field(&mangled, "interpretation", &value) {
            prop_assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
        }
    }

    #[test]
    fn any_value_in_any_run_field_is_a_run_or_an_error(pick in 0usize..400, value in nasty(), cut in 0usize..4000) {
        let json = run_json();
        let mut count = 0;
        let mutated: String = json
            .lines()
            .map(|line| match line.split_once(": ") {
                Some((key, old)) => {
                    count += 1;
                    // Keep the line's comma, so the document stays JSON with a wrong value.
                    let comma = if old.ends_with(',') { "," } else { "" };
                    if count == pick % 90 + 1 { format!("{key}: {value}{comma}") } else { line.to_string() }
                }
                None => line.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let _ = parse_run("x.json", &mutated);
        // And truncated anywhere before its closing brace: always an error.
        let end = cut.min(json.len());
        if json.is_char_boundary(end) && end < json.trim_end().len() {
            prop_assert!(parse_run("x.json", &json[..end]).is_err());
        }
    }
}

proptest! {
    // Each case starts the binary: fewer cases, every flag.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_flag_value_runs_or_fails_cleanly(flag in prop::sample::select(vec![
        "--seed", "--n", "--quantile", "--threshold", "--weights", "--beta", "--dist", "--top",
        "--plot", "--lab",
    ]), value in nasty()) {
        // An OS argument cannot hold a NUL byte; the shell could never pass one.
        prop_assume!(!value.contains('\0'));
        let dir = tempfile::tempdir().unwrap();
        let out = Command::cargo_bin("anomaly-lab").unwrap()
            .current_dir(dir.path())
            .args(["run", "--no-plot"].iter().filter(|_| flag != "--plot"))
            .args([flag, value.as_str()])
            .args(["--n", "50"].iter().filter(|_| flag != "--n"))
            .output()
            .unwrap();
        let code = out.status.code();
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!(matches!(code, Some(0..=2)), "exit {code:?}: {stderr}");
        prop_assert!(!stderr.contains("panicked"), "{stderr}");
        if code != Some(0) {
            prop_assert!(out.stdout.is_empty(), "output printed despite an error");
            prop_assert!(stderr.starts_with("error:"), "{stderr}");
        }
    }
}
