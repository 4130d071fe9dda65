//! `anomaly-lab reflect check`: are reflections complete, field by field against the lab's
//! own list, and are the facts the tool filled in (what changed, the metrics before and
//! after) still what the two runs give? One file in detail, or a folder as one table.

use super::compare::read_json;
use super::parse;
use super::recompute::{DataChanged, recompute_pair, recorded_pair};
use crate::exit::Exit;
use crate::reflection::{self, Audit};
use crate::{compare, filesystem, lab};
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// Reflection files written by `compare --reflection`, or folders of them (every *.json
    /// inside, subfolders included: one folder a student)
    #[arg(required = true, value_parser = parse::path)]
    pub files: Vec<PathBuf>,
    /// The lab (built-in name or file) whose fields the reflections must have [default: the
    /// built-in lab each file names]
    #[arg(long, value_name = "LAB", value_parser = parse::path)]
    pub lab: Option<PathBuf>,
    /// Output: text (one file in detail), table or csv (one row a file) [default: text for
    /// one file, table for several]
    #[arg(long, value_enum)]
    pub format: Option<CheckFormat>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum CheckFormat {
    Text,
    Table,
    Csv,
}

/// Whether the filled-in facts still match the runs they came from.
#[derive(Debug)]
pub(super) enum Facts {
    /// Recomputed: every fact the tool filled in matches.
    Verified,
    /// These fields no longer match: (field, the file's text, the runs' text).
    Wrong(Vec<(String, String, String)>),
    /// Not recomputed, and why: the check fails until it can be done (`--lab`).
    NotChecked(String),
}

/// One file's verdict.
struct Verdict {
    name: String,
    lab_id: String,
    audit: Audit,
    facts: Facts,
}

impl Verdict {
    fn passes(&self) -> bool {
        self.audit.complete() && matches!(self.facts, Facts::Verified)
    }
}

/// The fields the tool fills from the runs.
pub(super) const FACT_FIELDS: [&str; 3] = ["what_changed", "metric_before", "metric_after"];

/// Recomputes a reflection's two runs and compares the facts it holds with theirs.
pub(super) fn check_facts(doc: &Value, lab_file: Option<&Path>) -> Facts {
    if doc.get("format").and_then(Value::as_str) != Some(reflection::REFLECTION_FORMAT) {
        return Facts::NotChecked(
            "a run output, not a reflection: write one with `compare BEFORE AFTER --reflection FILE`"
                .into(),
        );
    }
    let pair = match recorded_pair(doc) {
        Ok(pair) => pair,
        Err(e) => return Facts::NotChecked(e.to_string()),
    };
    let data_run = pair.0.data.is_some() || pair.1.data.is_some();
    let (before, after) = match recompute_pair(&pair, lab_file) {
        Ok(runs) => runs,
        // The file's rows differ from those the runs scored: the facts cannot be checked,
        // and the student is not to blame.
        Err(e) if e.downcast_ref::<DataChanged>().is_some() => {
            return Facts::NotChecked(e.to_string());
        }
        // A data file named in a hand-in is read, never quoted: the reason stays general.
        Err(_) if data_run => {
            return Facts::NotChecked(
                "the runs' data file could not be scored again as recorded (run the check \
                 where the file is, at the path the runs name)"
                    .into(),
            );
        }
        Err(e) => return Facts::NotChecked(format!("{e:#}")),
    };
    let cmp = match compare::compare(&before, &after) {
        Ok(cmp) => cmp,
        Err(e) => return Facts::NotChecked(e.to_string()),
    };
    let truth = reflection::fill(&before, &after, &cmp);
    let wrong: Vec<_> = FACT_FIELDS
        .iter()
        .filter_map(|&field| {
            let value = doc["reflection"].get(field)?;
            let right = truth.reflection.get(field)?;
            // A fact that is not text (a number, null) states nothing right.
            let said = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            (value.as_str() != Some(right.as_str()))
                .then(|| (field.to_string(), said, right.clone()))
        })
        .collect();
    if wrong.is_empty() {
        Facts::Verified
    } else {
        Facts::Wrong(wrong)
    }
}

/// Every file named, with folders expanded to the *.json files in them and in their
/// subfolders (a class's hand-ins, one folder a student), in name order.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut inside = Vec::new();
            json_files_under(path, &mut inside)?;
            inside.sort();
            if inside.is_empty() {
                bail!(
                    "folder {} holds no .json files (nor do its subfolders)",
                    path.display()
                );
            }
            files.extend(inside);
        } else {
            files.push(path.clone());
        }
    }
    // A file named twice (overlapping folders, a link to another hand-in) is one row.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    Ok(files)
}

/// The *.json files in `dir` and below. Hidden files and folders (.git, an editor's
/// ._x.json) are skipped, and a link to a folder is not followed, so a link back up cannot
/// loop. A subfolder that cannot be read is listed itself, to be a row saying so, and so is
/// anything else named *.json (a pipe, a dangling link): the reading refuses what is not a
/// regular file without opening it, so such a row says why instead of a hand-in vanishing.
fn json_files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read folder {}", dir.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() && json_files_under(&path, out).is_err() => out.push(path),
            Ok(t) if t.is_dir() => {}
            _ if path.extension().is_some_and(|e| e == "json") => out.push(path),
            _ => {}
        }
    }
    Ok(())
}

fn judge(path: &Path, lab_file: Option<&Path>) -> Result<Verdict> {
    let (name, _, doc) = read_json(path)?;
    if !doc.get("reflection").is_some_and(Value::is_object) {
        bail!(
            "{name} has no \"reflection\" object; check a file written by `compare --reflection`"
        );
    }
    let format = doc.get("format").and_then(Value::as_str).unwrap_or("");
    if format != reflection::REFLECTION_FORMAT && format != crate::report::RUN_FORMAT {
        bail!(
            "{name} is not a reflection (\"format\": {format:?}); check a file written by \
             `compare --reflection`"
        );
    }
    let version = crate::json::FORMAT_VERSION;
    if doc.get("format_version").and_then(Value::as_u64) != Some(u64::from(version)) {
        bail!("{name} is not format version {version}; this anomaly-lab reads version {version}");
    }
    // A reflection names its lab at the top and in both runs; a run output in its params.
    let lab_id = doc
        .get("lab")
        .or_else(|| doc.pointer("/params/lab"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    for side in ["/before/lab", "/after/lab"] {
        if let Some(run_lab) = doc.pointer(side).and_then(Value::as_str)
            && run_lab != lab_id
        {
            bail!(
                "{name} is inconsistent (edited by hand?): it is a reflection of lab {lab_id:?}, \
                 but its runs are of lab {run_lab:?}"
            );
        }
    }
    let lab = match lab_file {
        Some(path) => Some(super::resolve::load_lab(Some(path))?.0),
        None => lab::built_in(&lab_id),
    };
    let expected = lab.as_ref().map(|l| l.reflection.as_slice());
    let Some(audit) = reflection::audit(&doc, expected) else {
        bail!(
            "{name} has no \"reflection\" object; check a file written by `compare --reflection`"
        );
    };
    let facts = check_facts(&doc, lab_file);
    Ok(Verdict {
        name,
        lab_id: if lab.is_some() { lab_id } else { String::new() },
        audit,
        facts,
    })
}

/// Checks the files; exit 1 if any is incomplete or states a fact the runs contradict.
pub(super) fn check(args: &CheckArgs) -> Result<Exit> {
    let files = expand(&args.files)?;
    let format = args
        .format
        .unwrap_or(if files.len() == 1 && !args.files[0].is_dir() {
            CheckFormat::Text
        } else {
            CheckFormat::Table
        });
    let mut verdicts = Vec::new();
    let mut failed_to_read = Vec::new();
    for file in &files {
        match judge(file, args.lab.as_deref()) {
            Ok(v) => verdicts.push(v),
            // One unreadable hand-in is a row of the table, not the end of the check.
            Err(e) if format != CheckFormat::Text => failed_to_read.push((file, e)),
            Err(e) => return Err(e),
        }
    }
    let text = match format {
        CheckFormat::Text => verdicts.iter().map(detail).collect(),
        CheckFormat::Table | CheckFormat::Csv => {
            let mut rows: Vec<[String; 4]> = verdicts.iter().map(row).collect();
            rows.extend(failed_to_read.iter().map(|(file, e)| {
                let why = format!("{e:#}").replace(['\n', '\r'], " ");
                [
                    file.display().to_string(),
                    "unreadable".into(),
                    why,
                    String::new(),
                ]
            }));
            super::reflect_set_show::table(&rows, format == CheckFormat::Csv)
        }
    };
    filesystem::print_stdout(&text)?;
    let all_pass = failed_to_read.is_empty() && verdicts.iter().all(Verdict::passes);
    Ok(if all_pass {
        Exit::Success
    } else {
        Exit::Failure
    })
}

/// One file in detail: each unfilled field on its line, then the facts.
fn detail(v: &Verdict) -> String {
    let (name, a) = (&v.name, &v.audit);
    let mut lines = Vec::new();
    lines.extend(a.empty.iter().map(|f| format!("  {f}")));
    lines.extend(
        a.missing
            .iter()
            .map(|f| format!("  {f} (missing: the field was deleted; add it back as text)")),
    );
    lines.extend(
        a.not_text
            .iter()
            .map(|f| format!("  {f} (not text: write the answer in quotes)")),
    );
    let total = a.expected.len();
    let mut text = if lines.is_empty() {
        format!("{name}: all {total} reflection fields are filled in\n")
    } else {
        format!(
            "{name}: {} of {total} reflection fields are still empty or invalid:\n",
            lines.len()
        )
    };
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    if !a.unknown.is_empty() {
        let whose = if v.lab_id.is_empty() {
            String::new()
        } else {
            format!(" of lab {}", v.lab_id)
        };
        let unknown: Vec<String> = a
            .unknown
            .iter()
            .map(|f| f.escape_debug().to_string())
            .collect();
        text.push_str(&format!(
            "{name}: not fields{whose} (renamed or added by hand?): {}; the fields are: {}\n",
            unknown.join(", "),
            a.expected.join(", ")
        ));
    }
    if v.lab_id.is_empty() {
        text.push_str(
            "note: the lab is not built in, so the file's own field names were checked; pass \
             --lab FILE to check them against the lab's list\n",
        );
    }
    match &v.facts {
        Facts::Verified => text.push_str(&format!(
            "{name}: the facts the tool filled in match the two runs, recomputed\n"
        )),
        Facts::Wrong(wrong) => {
            for (field, said, right) in wrong {
                text.push_str(&format!(
                    "{name}: {field} does not match the runs: it says {said:?}; the runs give \
                     {right:?}\n"
                ));
            }
        }
        Facts::NotChecked(why) => {
            text.push_str(&format!("{name}: facts not checked: {why}\n"));
        }
    }
    text
}

/// One file as a table row: file, complete, what is unfilled, facts.
fn row(v: &Verdict) -> [String; 4] {
    let a = &v.audit;
    let mut unfilled: Vec<String> = a.empty.clone();
    unfilled.extend(a.missing.iter().map(|f| format!("{f} (missing)")));
    unfilled.extend(a.not_text.iter().map(|f| format!("{f} (not text)")));
    unfilled.extend(
        a.unknown
            .iter()
            .map(|f| format!("{} (unknown)", f.escape_debug())),
    );
    let facts = match &v.facts {
        Facts::Verified => "verified".to_string(),
        Facts::Wrong(w) => {
            let fields: Vec<&str> = w.iter().map(|(f, _, _)| f.as_str()).collect();
            format!("wrong: {}", fields.join(" "))
        }
        Facts::NotChecked(why) => format!("not checked: {}", why.replace(['\n', '\r'], " ")),
    };
    let complete = if a.complete() { "yes" } else { "no" };
    [v.name.clone(), complete.into(), unfilled.join(" "), facts]
}
