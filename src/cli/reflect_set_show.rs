//! `anomaly-lab reflect set` (fill one field without editing JSON by hand) and `reflect
//! show` (a reflection as Markdown or text for hand-in, with the comparison's tables).

use super::compare::read_json;
use super::parse;
use super::recompute::{recompute_pair, recorded_pair};
use crate::compare::render::{self, Style};
use crate::filesystem::{self, Replace};
use crate::json::FORMAT_VERSION;
use crate::{compare, lab, reflection};
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub(super) struct SetArgs {
    /// The reflection file (written by `compare --reflection`)
    #[arg(value_parser = parse::file_path)]
    pub file: PathBuf,
    /// The field to fill in, e.g. interpretation
    pub field: String,
    /// The answer; - reads it from standard input (for several lines)
    #[arg(allow_hyphen_values = true)]
    pub text: String,
    /// The lab (built-in name or file) whose fields the reflection has [default: the
    /// built-in lab the file names]
    #[arg(long, value_name = "LAB", value_parser = parse::path)]
    pub lab: Option<PathBuf>,
    /// Replace the field's answer if it has one (the old answer is printed), or clear it
    /// with an empty TEXT
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub(super) struct ShowArgs {
    /// The reflection file (written by `compare --reflection`)
    #[arg(value_parser = parse::path)]
    pub file: PathBuf,
    /// md: Markdown for a report; text: plain text
    #[arg(long, value_enum, default_value = "md")]
    pub format: ShowFormat,
    /// The lab (built-in name or file), when it is not built in: needed to recompute the
    /// runs for the comparison's tables
    #[arg(long, value_name = "LAB", value_parser = parse::path)]
    pub lab: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum ShowFormat {
    Md,
    Text,
}

/// Reads a reflection file: its name, text and parsed document.
fn read_reflection(path: &Path) -> Result<(String, String, Value)> {
    let (name, text, doc) = read_json(path)?;
    if doc.get("format").and_then(Value::as_str) != Some(reflection::REFLECTION_FORMAT) {
        bail!(
            "{name} is not a reflection file (\"format\": \"{}\"); write one with `anomaly-lab \
             compare BEFORE AFTER --reflection FILE`",
            reflection::REFLECTION_FORMAT
        );
    }
    if doc.get("format_version").and_then(Value::as_u64) != Some(u64::from(FORMAT_VERSION)) {
        bail!(
            "{name} is not reflection format version {FORMAT_VERSION}, which this anomaly-lab reads"
        );
    }
    if !doc.get("reflection").is_some_and(Value::is_object) {
        bail!("{name} has no \"reflection\" object (edited by hand?)");
    }
    Ok((name, text, doc))
}

/// The lab's reflection fields: from `--lab`, the built-in lab, or the file's own.
fn fields(doc: &Value, lab_file: Option<&Path>) -> Result<Vec<String>> {
    let id = doc.get("lab").and_then(Value::as_str).unwrap_or("");
    let lab = match lab_file {
        Some(path) => Some(super::resolve::load_lab(Some(path))?.0),
        None => lab::built_in(id),
    };
    // A --lab that is not the reflection's lab is a bad flag value (exit 2).
    if let Some(lab) = lab.as_ref().filter(|l| l.id != id) {
        return Err(crate::error::UsageError::new(
            "--lab",
            format!(
                "the reflection is of lab {id:?}, but the lab given is {:?}; give that lab's \
                 file, or leave --lab out for a built-in lab",
                lab.id
            ),
        )
        .into());
    }
    Ok(match lab {
        Some(lab) => lab.reflection,
        None => doc["reflection"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default(),
    })
}

/// Sets one field's text in place: atomically, every other byte kept.
pub(super) fn set(args: &SetArgs) -> Result<()> {
    let (name, text, doc) = read_reflection(&args.file)?;
    let fields = fields(&doc, args.lab.as_deref())?;
    if !fields.contains(&args.field) {
        let hint = lab::suggest(&args.field, fields.iter().map(String::as_str))
            .map(|s| format!(" (did you mean {s}?)"))
            .unwrap_or_default();
        return Err(crate::error::UsageError::new(
            "FIELD",
            format!(
                "{:?} is not a reflection field{hint}; the fields are: {}",
                args.field,
                fields.join(", ")
            ),
        )
        .into());
    }
    if super::reflect::FACT_FIELDS.contains(&args.field.as_str()) {
        return Err(crate::error::UsageError::new(
            "FIELD",
            format!(
                "{} is filled in by `compare --reflection` from the two runs, and `reflect \
                 check` holds it to them; the fields to answer are: {}",
                args.field,
                fields
                    .iter()
                    .filter(|f| !super::reflect::FACT_FIELDS.contains(&f.as_str()))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .into());
    }
    let answer = if args.text == "-" {
        let mut s = String::new();
        std::io::stdin()
            .take(filesystem::LAB_FILE_LIMIT + 1)
            .read_to_string(&mut s)
            .context("cannot read the answer from standard input as UTF-8 text")?;
        if s.len() as u64 > filesystem::LAB_FILE_LIMIT {
            bail!("the answer on standard input is longer than 1 MiB");
        }
        s.trim_end_matches(['\n', '\r']).to_string()
    } else {
        args.text.clone()
    };
    let old = match &doc["reflection"][&args.field] {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    };
    if answer.trim().is_empty() && !args.force {
        return Err(crate::error::UsageError::new(
            "TEXT",
            format!(
                "the answer is empty; give the answer's text (or --force to clear {})",
                args.field
            ),
        )
        .into());
    }
    match &old {
        None if answer.trim().is_empty() => {
            say!("{} in {name} is empty already; nothing changed", args.field);
            return Ok(());
        }
        Some(old) if *old == answer => {
            say!(
                "{} in {name} already has that answer; nothing changed",
                args.field
            );
            return Ok(());
        }
        Some(old) if !args.force => bail!(
            "{name}: {} already has an answer; not replacing it (a student's work is never \
             replaced: use --force to replace it). It is:\n{old}",
            args.field
        ),
        _ => {}
    }
    let Some(edited) = reflection::edit::set_field(&text, &args.field, &answer) else {
        bail!("{name}: its \"reflection\" object could not be edited (is the JSON intact?)");
    };
    filesystem::stage(&args.file, Replace::RegularFile, edited.as_bytes())?
        .commit()
        .with_context(|| format!("cannot write {name}"))?;
    let doc: Value = serde_json::from_str(&edited)?;
    let left = reflection::audit(&doc, Some(&fields)).map_or(0, |a| a.unfilled());
    say!(
        "set {} in {name}; {left} field(s) left to fill in",
        args.field
    );
    if let Some(old) = old {
        say!("its answer before was:\n{old}");
    }
    Ok(())
}

/// "synthetic_data_limit" -> "Synthetic data limit".
fn heading(field: &str) -> String {
    let words = field.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// The reflection as a document to hand in: the lab, the comparison's tables (recomputed
/// from the two runs' parameters), then each field's answer under its heading.
pub(super) fn show(args: &ShowArgs) -> Result<()> {
    let (name, _, doc) = read_reflection(&args.file)?;
    let md = args.format == ShowFormat::Md;
    let lab_id = doc.get("lab").and_then(Value::as_str).unwrap_or("?");
    let title = match &args.lab {
        Some(path) => super::resolve::load_lab(Some(path))?.0.title,
        None => lab::built_in(lab_id).map_or_else(|| lab_id.to_string(), |l| l.title),
    };
    let mut out = String::new();
    let head = |out: &mut String, level: usize, text: &str| {
        if md {
            out.push_str(&format!("{} {text}\n\n", "#".repeat(level)));
        } else {
            out.push_str(&format!("{text}\n{}\n\n", "=".repeat(text.chars().count())));
        }
    };
    head(&mut out, 1, &format!("Reflection: {title}"));
    let comparison = recorded_pair(&doc)
        .and_then(|pair| recompute_pair(&pair, args.lab.as_deref()))
        .and_then(|(b, a)| {
            let cmp = compare::compare(&b, &a)?;
            super::redraw::settle(cmp, &b, &a, args.lab.as_deref())
        });
    head(&mut out, 2, "The comparison");
    match comparison {
        Ok(cmp) => {
            let style = Style::default();
            out.push_str(&if md {
                render::markdown(&cmp, &style)
            } else {
                render::table(&cmp, &style)
            });
            out.push('\n');
        }
        Err(e) => out.push_str(&format!(
            "(The runs could not be recomputed, so the tables are left out: {e:#}.)\n\n"
        )),
    }
    let fields = doc["reflection"].as_object().cloned().unwrap_or_default();
    for (field, value) in &fields {
        head(&mut out, 2, &heading(field));
        let answer = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        let answer = if answer.trim().is_empty() {
            "(not filled in)".to_string()
        } else {
            answer
        };
        out.push_str(&answer);
        out.push_str("\n\n");
    }
    let _ = name;
    filesystem::print_stdout(out.trim_end_matches('\n').to_string().as_str())?;
    filesystem::print_stdout("\n")
}

/// Rows as an aligned table with a header, or as CSV (RFC 4180 quoting).
pub(super) fn table(rows: &[[String; 4]], csv: bool) -> String {
    let header = ["file", "complete", "unfilled", "facts"].map(String::from);
    let all: Vec<&[String; 4]> = std::iter::once(&header).chain(rows).collect();
    if csv {
        let cell = |c: &String| {
            // A cell a spreadsheet would run as a formula (a hand-in named "=HYPERLINK(..)
            // .json") is written as text, with the apostrophe spreadsheets take for that.
            let c = &if c.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{c}")
            } else {
                c.clone()
            };
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        };
        return all
            .iter()
            .map(|r| r.iter().map(cell).collect::<Vec<_>>().join(",") + "\n")
            .collect();
    }
    // No control character (a newline, an escape sequence in a file's name) reaches the
    // terminal.
    let all: Vec<[String; 4]> = all
        .iter()
        .map(|r| r.each_ref().map(|c| crate::readable::without_controls(c)))
        .collect();
    let widths: Vec<usize> = (0..4)
        .map(|i| all.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    all.iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(c, &w)| format!("{c:<w$}"))
                .collect();
            cells.join("  ").trim_end().to_string() + "\n"
        })
        .collect()
}
