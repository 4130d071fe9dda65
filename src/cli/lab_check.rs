//! `anomaly-lab lab check FILE`: every problem of a lab file at once, each with its line
//! and column, without running it: unknown and missing keys first (from the TOML's own
//! structure), then wrong types, then every rule a run relies on.

use super::parse;
use crate::error::LabError;
use crate::exit::Exit;
use crate::lab::Lab;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use toml::de::{DeTable, DeValue};

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
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

struct Finder<'t> {
    text: &'t str,
    found: Vec<Located>,
}

/// What a key's value must be.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Count,
    Number,
    Flag,
    Texts,
    Scale,
}

/// The kind of each known key that holds a plain value (tables are walked instead).
fn kind_of(key: &str, in_distribution: bool) -> Option<Kind> {
    if in_distribution {
        return Some(if key == "kind" {
            Kind::Text
        } else {
            Kind::Number
        });
    }
    Some(match key {
        "id" | "title" | "review_note" | "x" | "x_label" | "y_label" | "name" | "file" => {
            Kind::Text
        }
        "seed" | "n" | "top_k" => Kind::Count,
        "quantile" | "threshold" | "prevalence" | "weight" => Kind::Number,
        "unit_score" | "decorations" => Kind::Flag,
        "reflection" => Kind::Texts,
        "scale" => Kind::Scale,
        _ => return None,
    })
}

impl Finder<'_> {
    fn add(&mut self, offset: usize, message: String) {
        self.found
            .push((crate::lab::line_column(self.text, offset), message));
    }

    /// Wrong types among `table`'s values, each named with what it must be.
    fn types(&mut self, table: &DeTable, path: &str, in_distribution: bool) {
        for (key, value) in table.iter() {
            let name = key.get_ref();
            let Some(kind) = kind_of(name, in_distribution) else {
                continue;
            };
            let v = value.get_ref();
            let wrong = match kind {
                Kind::Text => (!v.is_str()).then_some("text in quotes"),
                Kind::Count => match v.as_integer() {
                    Some(i) if i.as_str().starts_with('-') => Some("a whole number, 0 or more"),
                    // Decimal digits past u64 (hex, octal and binary forms are short).
                    Some(i)
                        if i.radix() == 10
                            && i.as_str().replace('_', "").parse::<u64>().is_err() =>
                    {
                        Some(
                            "a whole number up to 18446744073709551615 (2^64-1), the largest \
                             a lab file takes; the --seed flag takes seeds up to 2^128-1",
                        )
                    }
                    Some(_) => None,
                    None => Some("a whole number, 0 or more"),
                },
                Kind::Number => (!(v.is_integer() || v.is_float())).then_some("a number"),
                Kind::Flag => (!v.is_bool()).then_some("true or false"),
                Kind::Texts => {
                    let ok = v
                        .as_array()
                        .is_some_and(|a| a.iter().all(|x| x.get_ref().is_str()));
                    (!ok).then_some("a list of names in quotes, e.g. [\"interpretation\"]")
                }
                Kind::Scale => {
                    let ok = matches!(v.as_str(), Some("none" | "zscore" | "minmax"));
                    (!ok).then_some("\"none\", \"zscore\" or \"minmax\"")
                }
            };
            if let Some(must) = wrong {
                let text = self.text[value.span()].trim();
                self.add(
                    value.span().start,
                    format!("{path}{name}: {text} is not {must}"),
                );
            }
        }
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

    /// `value` as a table, or a problem saying it must be one (`form`, e.g. "[plot]").
    fn table<'v>(
        &mut self,
        value: &'v toml::Spanned<DeValue<'v>>,
        path: &str,
        form: &str,
    ) -> Option<&'v DeTable<'v>> {
        let table = value.get_ref().as_table();
        if table.is_none() {
            let text = self.text[value.span()].trim();
            self.add(
                value.span().start,
                format!("{path}: {text} is not a table; write it as {form}"),
            );
        }
        table
    }

    fn distribution(&mut self, value: &toml::Spanned<DeValue>, path: &str) {
        let form = "{ kind = \"beta\", a = 2.0, b = 4.0 }";
        let Some(table) = self.table(value, path, form) else {
            return;
        };
        let kind = table.iter().find(|(k, _)| k.get_ref() == "kind");
        let kinds = crate::lab::kinds_in_words(|kind, _| kind.to_string());
        let Some((_, kind)) = kind else {
            self.add(
                value.span().start,
                format!("{path}.kind: missing ({kinds})"),
            );
            return;
        };
        let Some(name) = kind.get_ref().as_str() else {
            let text = self.text[kind.span()].trim();
            self.add(
                kind.span().start,
                format!("{path}.kind: {text} is not a distribution's name in quotes ({kinds})"),
            );
            return;
        };
        match crate::lab::InputDistribution::parameter_names(name) {
            None => self.add(
                kind.span().start,
                format!("{path}.kind: {name:?} is not a distribution ({kinds})"),
            ),
            Some(params) => {
                let known = ["kind", params[0], params[1]];
                self.keys(
                    table,
                    value.span().start,
                    &format!("{path}."),
                    &known,
                    &params,
                );
                self.types(table, &format!("{path}."), true);
            }
        }
    }
}

/// Checks the file; prints every problem (exit 1) or what the lab is (exit 0).
pub(super) fn check(args: &CheckArgs) -> Result<Exit> {
    let name = args.file.display().to_string();
    // A built-in lab by name, as --lab takes it.
    let builtin = crate::lab::BUILT_IN
        .iter()
        .find(|(id, _, _)| *id == name && !args.file.exists());
    let text = match builtin {
        Some((_, text, _)) => text.to_string(),
        None => crate::filesystem::read_limited(&args.file, crate::filesystem::LAB_FILE_LIMIT)
            .with_context(|| format!("cannot read lab file {name}"))?,
    };
    let (mut found, lab) = match problems(&text, builtin.is_some()) {
        Ok(found) => found,
        Err(e) => {
            crate::filesystem::print_stdout(&format!("{name}: {}\n", e.trim_end()))?;
            return Ok(Exit::Failure);
        }
    };
    if let Some(lab) = lab.filter(|_| found.is_empty()) {
        match data_problem(&lab, args, builtin.is_some()) {
            Some(problem) => {
                let at = crate::lab::locate(&text, "data.file").unwrap_or((1, 1));
                found.push((at, problem));
            }
            None => {
                crate::filesystem::print_stdout(&format!("{name}: {}\n", summary(&lab)))?;
                return Ok(Exit::Success);
            }
        }
    }
    let mut out: String = found
        .iter()
        .map(|((line, column), message)| format!("{name}:{line}:{column}: {message}\n"))
        .collect();
    let n = found.len();
    out.push_str(&format!(
        "{name}: {n} problem{}\n",
        if n == 1 { "" } else { "s" }
    ));
    crate::filesystem::print_stdout(&out)?;
    Ok(Exit::Failure)
}

/// A lab file's problems, each with its place, as `lab check` finds them: unknown, missing
/// and mistyped keys first; when there are none, every rule a run relies on (and another
/// lab's built-in id borrowed). With the lab, where it could be read. Err: not TOML, or a
/// value no lab can hold (the message says which).
pub(super) fn problems(text: &str, builtin: bool) -> Result<(Vec<Located>, Option<Lab>), String> {
    let mut found = shape_problems(text).map_err(|e| format!("not valid TOML: {e}"))?;
    if !found.is_empty() {
        return Ok((found, None));
    }
    let lab = Lab::from_toml_unchecked(text).map_err(|e| e.to_string())?;
    if !builtin && let Some(spoof) = super::resolve::borrowed_id(&lab, text) {
        found.push((crate::lab::locate(text, "id").unwrap_or((1, 1)), spoof));
    }
    for problem in lab.located_problems(text) {
        if let LabError::Invalid { field, problem, at } = problem {
            found.push((at.unwrap_or((1, 1)), format!("{field}: {problem}")));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    Ok((found, Some(lab)))
}

/// A problem at a line and column (both from 1).
pub(super) type Located = ((usize, usize), String);

/// Unknown, missing and mistyped keys, each with its line and column, or why `text` is not
/// TOML at all. (The rules a run relies on are checked once these pass.)
pub(super) fn shape_problems(text: &str) -> Result<Vec<Located>, String> {
    let root = DeTable::parse(text).map_err(|e| e.to_string())?;
    let mut finder = Finder {
        text,
        found: Vec::new(),
    };
    let top = root.get_ref();
    finder.keys(top, 0, "", &TOP, &["id", "title", "features"]);
    finder.types(top, "", false);
    for (key, value) in top.iter() {
        match (key.get_ref().as_ref(), value.get_ref()) {
            (section @ ("plot" | "labels" | "data"), _) => {
                let (known, required): (&[&str], &[&str]) = match section {
                    "plot" => (&PLOT, &[]),
                    "labels" => (&LABELS, &[]),
                    _ => (&DATA, &DATA),
                };
                let form = format!("a [{section}] section");
                if let Some(t) = finder.table(value, section, &form) {
                    let path = format!("{section}.");
                    finder.keys(t, value.span().start, &path, known, required);
                    finder.types(t, &path, false);
                }
            }
            ("features", DeValue::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let at = format!("features[{i}]");
                    let Some(t) = finder.table(item, &at, "a [[features]] section") else {
                        continue;
                    };
                    let path = format!("{at}.");
                    finder.keys(t, item.span().start, &path, &FEATURE, &["name", "weight"]);
                    finder.types(t, &path, false);
                    for (k, v) in t.iter() {
                        if matches!(k.get_ref().as_ref(), "distribution" | "threat") {
                            finder.distribution(v, &format!("features[{i}].{}", k.get_ref()));
                        }
                    }
                }
            }
            ("features", _) => {
                let text = text[value.span()].trim();
                finder.add(
                    value.span().start,
                    format!("features: {text} is not a list of [[features]] sections"),
                );
            }
            _ => {}
        }
    }
    let mut found = finder.found;
    found.sort_by_key(|(at, _)| *at);
    Ok(found)
}

/// For a data lab, whether its file (found beside the lab file, as a run finds it) can be
/// read and has the columns the lab scores: the header only, no rows.
fn data_problem(lab: &Lab, args: &CheckArgs, builtin: bool) -> Option<String> {
    let spec = lab.data.as_ref()?;
    let lab_dir = (!builtin).then(|| args.file.parent().unwrap_or(std::path::Path::new("")));
    let source = super::resolve::lab_data(&spec.file, lab_dir);
    let plan = crate::data::Plan::of_lab(lab, true);
    crate::data::check_header(&source, &plan)
        .err()
        .map(|e| format!("data.file: {e}"))
}

/// What a valid lab is, in one line.
fn summary(lab: &Lab) -> String {
    let what = if lab.is_generated() {
        let cases = if lab.n == 1 { "case" } else { "cases" };
        format!("generates {} {cases} (seed {})", lab.n, lab.seed)
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
        "a valid lab: {:?}, {what}, {} feature{} ({}), {cut}{labels}",
        lab.id,
        lab.features.len(),
        if lab.features.len() == 1 { "" } else { "s" },
        lab.feature_list()
    )
}
