//! `anomaly-lab compare`: read two run files, compare them, render the comparison, and
//! write the reflection template (`reflect check` is in `reflect.rs`).

use super::output::{self, Output};
use super::parse;
use crate::compare::{self, render};
use crate::error::UsageError;
use crate::filesystem::{self, Replace};
use crate::reflection;
use crate::report::RunReport;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(super) enum Format {
    /// Aligned text table (coloured on a terminal unless NO_COLOR is set)
    Table,
    /// GitHub-flavoured Markdown tables, to paste into a report
    Md,
    /// Machine-readable JSON with exact numbers
    Json,
}

/// `--color`: auto, always, never (as ripgrep and fd).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub(super) struct CompareArgs {
    /// The run before the change: a file printed by `anomaly-lab run`, or - for stdin
    #[arg(value_parser = parse::path)]
    pub before: PathBuf,

    /// The run after the change: a file printed by `anomaly-lab run`, or - for stdin
    #[arg(value_parser = parse::path)]
    pub after: PathBuf,

    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,

    /// Show every parameter, not only those that changed
    #[arg(long)]
    pub all: bool,

    /// Decimals for floats in the table and Markdown [default: every digit]
    #[arg(long, value_name = "N", value_parser = parse::precision, allow_hyphen_values = true)]
    pub precision: Option<usize>,

    /// Also write the lab's reflection template to FILE, with what changed and the metrics
    /// before and after filled in
    #[arg(long, value_name = "FILE", value_parser = parse::file_path)]
    pub reflection: Option<PathBuf>,

    /// Replace an existing reflection file (it may hold a student's work)
    #[arg(long, requires = "reflection")]
    pub force: bool,

    /// When to colour the table: auto (a terminal, unless NO_COLOR is set), always, never
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,

    /// Draw the after-run with the cases that entered and left the priority set ringed
    /// (PNG; only replaces an earlier PNG)
    #[arg(long, value_name = "FILE.png", value_parser = parse::png_path)]
    pub plot: Option<PathBuf>,

    /// The runs' lab file, when it is not a built-in lab: to draw the runs again for
    /// --plot, and to check which cases stayed the same after a distribution change
    #[arg(long, value_name = "FILE", value_parser = parse::path)]
    pub lab: Option<PathBuf>,
}

pub(super) fn execute(args: &CompareArgs) -> Result<()> {
    if is_stdin(&args.before) && is_stdin(&args.after) {
        return Err(
            UsageError::new("BEFORE/AFTER", "only one of the two runs can be - (stdin)").into(),
        );
    }
    let replace = if args.force {
        Replace::RegularFile
    } else {
        Replace::Nothing
    };
    let reflection_output = args
        .reflection
        .as_deref()
        .map(|p| Output::new("--reflection", p, replace));
    let plot_output = args
        .plot
        .as_deref()
        .map(|p| Output::new("--plot", p, Replace::Png));
    let outputs: Vec<&Output> = reflection_output.iter().chain(&plot_output).collect();
    output::distinct(&outputs)?;
    let mut inputs = vec![
        ("the run before the change", args.before.as_path()),
        ("the run after the change", args.after.as_path()),
    ];
    inputs.extend(args.lab.as_deref().map(|lab| ("the lab file", lab)));
    for output in outputs {
        output::not_an_input(output, &inputs)?;
        output.check()?;
    }
    // A lab file given is one to use: a broken one is an error, not a note.
    if let Some(path) = &args.lab {
        super::resolve::load_lab(Some(path))?;
    }
    let before = read_run(&args.before)?;
    let after = read_run(&args.after)?;
    let cmp = compare::compare(&before, &after).with_context(|| {
        format!(
            "cannot compare {} with {}",
            args.before.display(),
            args.after.display()
        )
    })?;
    let cmp = super::redraw::settle(cmp, &before, &after, args.lab.as_deref())?;

    let style = render::Style {
        all: args.all,
        precision: args.precision,
        colour: matches!(args.format, Format::Table) && colour_wanted(args.color),
    };
    let text = match args.format {
        Format::Table => render::table(&cmp, &style),
        Format::Md => render::markdown(&cmp, &style),
        Format::Json => render::json(&cmp, args.all),
    };
    let mut pending = Vec::new();
    if let Some(output) = &reflection_output {
        let doc = reflection::fill(&before, &after, &cmp).to_json();
        pending.push(output.stage(doc.as_bytes())?);
    }
    if let Some(output) = &plot_output {
        let png = super::compare_plot::picture(&after, &cmp, args.lab.as_deref())?;
        pending.push(output.stage(&png)?);
    }
    output::commit_around(pending, || filesystem::print_stdout(&text))?;
    if let Some(path) = &args.plot {
        say!(
            "wrote {}: the after-run, with the cases that moved ringed",
            path.display()
        );
    }
    if let Some(path) = &args.reflection {
        say!(
            "wrote {}: fill in the empty fields, then run `anomaly-lab reflect check {}`",
            path.display(),
            path.display()
        );
    }
    Ok(())
}

fn is_stdin(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// Colour when asked; by default only for a person at a terminal, and never when NO_COLOR
/// is set (no-color.org). `--color always` wins over NO_COLOR, as an explicit flag should.
fn colour_wanted(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Reads a JSON document: its name for messages, its text and its parsed value.
pub(super) fn read_json(path: &Path) -> Result<(String, String, serde_json::Value)> {
    let (name, text) = read_text(path)?;
    let doc = serde_json::from_str(&text).with_context(|| format!("{name} is not valid JSON"))?;
    Ok((name, text, doc))
}

pub(super) fn read_text(path: &Path) -> Result<(String, String)> {
    let limit = filesystem::DOCUMENT_LIMIT;
    if is_stdin(path) {
        let mut text = String::new();
        std::io::stdin()
            .take(limit + 1)
            .read_to_string(&mut text)
            .context("cannot read standard input as UTF-8 text (is it a run's JSON?)")?;
        if text.len() as u64 > limit {
            anyhow::bail!("standard input holds more than a run's JSON ever does");
        }
        return Ok(("<stdin>".into(), text));
    }
    let name = path.display().to_string();
    let text = filesystem::read_limited(path, limit).with_context(|| {
        format!("cannot read {name} (expected the JSON printed by `anomaly-lab run`)")
    })?;
    // An editor's byte-order mark is not part of the JSON.
    let text = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok((name, text))
}

/// Reads and checks one run output file (or stdin).
pub(super) fn read_run(path: &Path) -> Result<RunReport> {
    let (name, text) = read_text(path)?;
    crate::report::parse_run(&name, &text)
}
