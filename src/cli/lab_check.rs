//! `anomaly-lab lab check FILE`: every problem of a lab file at once, each with its line
//! and column, without running it: unknown and missing keys first (from the TOML's own
//! structure), then wrong types, then every rule a run relies on.

use super::parse;
use crate::error::LabError;
use crate::lab::Lab;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use toml::de::{DeTable, DeValue};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The lab file to check (see lab/FORMAT.md)
    #[arg(value_parser = parse::path)]
    pub file: PathBuf,
}

const TOP: [&str; 14] = [
    "id",
    "title",
    "seed",
    "n",
    "quantile",
    "threshold",
    "top_k",
    "unit_score",
    "review_note",
    "reflection",
    "plot",
    "labels",
    "data",
    "features",
];
const PLOT: [&str; 4] = ["x", "x_label", "y_label", "decorations"];
const LABELS: [&str; 2] = ["name", "prevalence"];
const DATA: [&str; 1] = ["file"];
const FEATURE: [&str; 5] = ["name", "weight", "scale", "distribution", "threat"];

/// A distribution kind's parameter names, as lab/FORMAT.md lists them.
fn parameters(kind: &str) -> Option<[&'static str; 2]> {
    Some(match kind {
        "beta" => ["a", "b"],
        "uniform" => ["low", "high"],
        "normal" => ["mean", "sd"],
        "gamma" => ["shape", "scale"],
        "lognormal" => ["mean", "sigma"],
        _ => return None,
    })
}

/// (line, column) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

struct Finder<'t> {
    text: &'t str,
    found: Vec<((usize, usize), String)>,
}

impl Finder<'_> {
    fn add(&mut self, offset: usize, message: String) {
        self.found.push((position(self.text, offset), message));
    }

    /// Unknown keys of `table` (at `path`) and missing `required` ones.
    fn keys(&mut self, table: &DeTable, at: usize, path: &str, known: &[&str], required: &[&str]) {
        for (key, _) in table.iter() {
            let name = key.get_ref();
            if !known.contains(&name.as_ref()) {
                let hint = crate::lab::suggest(name, known.iter().copied())
                    .map(|s| format!(" (did you mean {s}?)"))
                    .unwrap_or_default();
                self.add(key.span().start, format!("{path}{name}: unknown key{hint}"));
            }
        }
        for need in required {
            if !table.iter().any(|(k, _)| k.get_ref() == need) {
                let place = if path.is_empty() {
                    "the file"
                } else {
                    path.trim_end_matches('.')
                };
                self.add(at, format!("{path}{need}: missing; {place} needs it"));
            }
        }
    }

    fn distribution(&mut self, value: &toml::Spanned<DeValue>, path: &str) {
        let Some(table) = value.get_ref().as_table() else {
            return; // a wrong type: the typed pass says so
        };
        let kind = table.iter().find(|(k, _)| k.get_ref() == "kind");
        let Some((_, kind)) = kind else {
            self.add(
                value.span().start,
                format!("{path}.kind: missing (beta, uniform, normal, gamma or lognormal)"),
            );
            return;
        };
        let Some(name) = kind.get_ref().as_str() else {
            return;
        };
        match parameters(name) {
            None => self.add(
                kind.span().start,
                format!("{path}.kind: {name:?} is not a distribution (beta, uniform, normal, gamma or lognormal)"),
            ),
            Some(params) => {
                let known = ["kind", params[0], params[1]];
                self.keys(table, value.span().start, &format!("{path}."), &known, &params);
            }
        }
    }
}

/// Checks the file; prints every problem (exit 1) or what the lab is (exit 0).
pub fn check(args: &CheckArgs) -> Result<ExitCode> {
    let name = args.file.display().to_string();
    let text = crate::fsx::read_limited(&args.file, crate::fsx::LAB_FILE_LIMIT)
        .with_context(|| format!("cannot read lab file {name}"))?;
    let root = match DeTable::parse(&text) {
        Ok(root) => root,
        Err(e) => {
            crate::fsx::print_stdout(&format!("{name}: not valid TOML: {e}"))?;
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut finder = Finder {
        text: &text,
        found: Vec::new(),
    };
    let top = root.get_ref();
    finder.keys(top, 0, "", &TOP, &["id", "title", "features"]);
    for (key, value) in top.iter() {
        match (key.get_ref().as_ref(), value.get_ref()) {
            ("plot", DeValue::Table(t)) => finder.keys(t, value.span().start, "plot.", &PLOT, &[]),
            ("labels", DeValue::Table(t)) => {
                finder.keys(t, value.span().start, "labels.", &LABELS, &[])
            }
            ("data", DeValue::Table(t)) => {
                finder.keys(t, value.span().start, "data.", &DATA, &DATA)
            }
            ("features", DeValue::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let Some(t) = item.get_ref().as_table() else {
                        continue;
                    };
                    let path = format!("features[{i}].");
                    finder.keys(t, item.span().start, &path, &FEATURE, &["name", "weight"]);
                    for (k, v) in t.iter() {
                        if matches!(k.get_ref().as_ref(), "distribution" | "threat") {
                            finder.distribution(v, &format!("features[{i}].{}", k.get_ref()));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut found = finder.found;
    if found.is_empty() {
        // The keys are right: now the values' types, then every rule a run relies on.
        match Lab::from_toml_unchecked(&text) {
            Err(e) => {
                crate::fsx::print_stdout(&format!("{name}: {e}\n"))?;
                return Ok(ExitCode::FAILURE);
            }
            Ok(lab) => {
                for problem in lab.located_problems(&text) {
                    if let LabError::Invalid { field, problem, at } = problem {
                        found.push((at.unwrap_or((1, 1)), format!("{field}: {problem}")));
                    }
                }
                if found.is_empty() {
                    crate::fsx::print_stdout(&format!("{name}: {}\n", summary(&lab)))?;
                    return Ok(ExitCode::SUCCESS);
                }
            }
        }
    }
    found.sort_by_key(|(at, _)| *at);
    let mut out: String = found
        .iter()
        .map(|((line, column), message)| format!("{name}:{line}:{column}: {message}\n"))
        .collect();
    let n = found.len();
    out.push_str(&format!(
        "{name}: {n} problem{}\n",
        if n == 1 { "" } else { "s" }
    ));
    crate::fsx::print_stdout(&out)?;
    Ok(ExitCode::FAILURE)
}

/// What a valid lab is, in one line.
fn summary(lab: &Lab) -> String {
    let what = if lab.is_generated() {
        format!("generates {} cases (seed {})", lab.n, lab.seed)
    } else {
        format!(
            "scores {}",
            lab.data.as_ref().map_or("", |d| d.file.as_str())
        )
    };
    let cut = match (lab.quantile, lab.threshold) {
        (_, Some(t)) => format!("threshold {t}"),
        (q, None) => format!("quantile {}", q.unwrap_or(0.8)),
    };
    let labels = lab
        .labels
        .as_ref()
        .map_or(String::new(), |l| format!(", labels in {:?}", l.name));
    format!(
        "a valid lab: {:?}, {what}, {} features ({}), {cut}{labels}",
        lab.id,
        lab.features.len(),
        lab.feature_list()
    )
}
