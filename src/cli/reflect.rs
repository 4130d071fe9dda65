//! `anomaly-lab reflect check`: is a reflection complete, field by field, against the
//! lab's own list of fields?

use super::compare::read_text;
use super::parse;
use crate::{fsx, lab, reflection};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A reflection file written by `compare --reflection` (or a run output)
    #[arg(value_parser = parse::path)]
    pub file: PathBuf,
    /// The lab (built-in name or file) whose fields the reflection must have [default: the
    /// built-in lab the file names]
    #[arg(long, value_name = "LAB", value_parser = parse::path)]
    pub lab: Option<PathBuf>,
}

/// Lists the reflection fields not yet filled in; exit 1 if any are, like a failing check.
pub fn check(args: &CheckArgs) -> Result<ExitCode> {
    let (name, text) = read_text(&args.file)?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{name} is not valid JSON"))?;
    let lab_id = doc.get("lab").and_then(|v| v.as_str()).unwrap_or("");
    let lab = match &args.lab {
        Some(path) => Some(super::resolve::load_lab(Some(path))?.0),
        None => lab::built_in(lab_id),
    };
    let expected = lab.as_ref().map(|l| l.reflection.as_slice());
    let Some(found) = reflection::audit(&doc, expected) else {
        bail!(
            "{name} has no \"reflection\" object; check a file written by `compare --reflection`"
        );
    };
    let total = found.expected.len();
    let mut lines = Vec::new();
    for f in &found.empty {
        lines.push(format!("  {f}"));
    }
    for f in &found.missing {
        lines.push(format!(
            "  {f} (missing: the field was deleted; add it back as text)"
        ));
    }
    for f in &found.not_text {
        lines.push(format!("  {f} (not text: write the answer in quotes)"));
    }
    let unfilled = lines.len();
    let mut text = if unfilled == 0 {
        format!("{name}: all {total} reflection fields are filled in\n")
    } else {
        format!("{name}: {unfilled} of {total} reflection fields are still empty or invalid:\n")
    };
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    if !found.unknown.is_empty() {
        let whose = lab
            .as_ref()
            .map_or(String::new(), |l| format!(" of lab {}", l.id));
        text.push_str(&format!(
            "{name}: not fields{whose} (renamed or added by hand?): {}; the fields are: {}\n",
            found.unknown.join(", "),
            found.expected.join(", ")
        ));
    }
    if lab.is_none() {
        text.push_str(&format!(
            "note: {lab_id:?} is not a built-in lab, so the file's own field names were \
             checked; pass --lab FILE to check them against the lab's list\n"
        ));
    }
    fsx::print_stdout(&text)?;
    Ok(if found.complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
