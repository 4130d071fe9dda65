//! The text table and Markdown forms of a [`Comparison`]: one walk over the four sections
//! (parameters, metrics, priority cases, top list), each format supplying its headings,
//! tables and notes (as hyperfine's `export/markup.rs`).

use super::{
    Style, align, count_change, detection_rows, float_change, population_note, priority_rows,
    redrawn_note, shown_params, top_rows,
};
use crate::compare::{Comparison, ParamChange};
use std::fmt::Write;

/// One table of a section: its column names, which columns hold numbers (right-aligned
/// in Markdown), and its rows. The text table shows the header only if `text_header`,
/// with the first column's name left blank.
struct Grid {
    header: &'static [&'static str],
    numbers: &'static [bool],
    text_header: bool,
    rows: Vec<Vec<String>>,
}

/// What differs between the text table and Markdown; [`walk`] is shared.
trait Markup {
    /// A section heading; `first` for the document's first.
    fn heading(&self, out: &mut String, text: &str, first: bool);
    fn grid(&self, out: &mut String, grid: Grid);
    /// A line of prose; `gap` leaves a blank line after it (before a table).
    fn note(&self, out: &mut String, text: &str, gap: bool);
    /// The line that says the runs' parameters are the same.
    fn same_params(&self) -> &'static str;
    /// A parameter's row (the text table marks changes with an arrow).
    fn param_row(&self, p: &ParamChange) -> Vec<String>;
    /// The separator of a list of cases.
    fn separator(&self) -> &'static str;
    /// A case that dropped out of the top list.
    fn dropped(&self, out: &mut String, case: usize, rank: usize);
}

/// The four sections in order, each drawn by `markup`.
fn walk(c: &Comparison, st: &Style, markup: &dyn Markup) -> String {
    let mut out = String::new();
    let params = shown_params(c, st);
    let title = if st.all { "Parameters" } else { "What changed" };
    markup.heading(&mut out, title, true);
    if params.is_empty() {
        out.push_str(markup.same_params());
    } else {
        let rows = params.iter().map(|p| markup.param_row(p)).collect();
        markup.grid(
            &mut out,
            Grid {
                header: &["parameter", "before", "after"],
                numbers: &[false, false, false],
                text_header: false,
                rows,
            },
        );
    }

    let m = &c.metrics;
    markup.heading(&mut out, "Metrics", false);
    let mut rows = vec![
        vec![
            "priority_count".into(),
            m.priority_count.old.to_string(),
            m.priority_count.new.to_string(),
            count_change(&m.priority_count),
        ],
        vec![
            "threshold".into(),
            st.float(m.threshold.old),
            st.float(m.threshold.new),
            float_change(&m.threshold, st),
        ],
    ];
    rows.extend(detection_rows(m, st));
    markup.grid(
        &mut out,
        Grid {
            header: &["metric", "before", "after", "change"],
            numbers: &[false, true, true, true],
            text_header: true,
            rows,
        },
    );

    markup.heading(&mut out, "Priority cases", false);
    match &c.priority {
        None => markup.note(&mut out, &population_note(c), false),
        Some(p) => {
            if !c.redrawn.is_empty() {
                markup.note(&mut out, &redrawn_note(c), true);
            }
            let rows = priority_rows(p, st, markup.separator());
            markup.grid(
                &mut out,
                Grid {
                    header: &["", "cases"],
                    numbers: &[false, false],
                    text_header: false,
                    rows,
                },
            );
        }
    }

    if let Some(t) = &c.top {
        let title = format!("Top {}", t.old.len().max(t.new.len()));
        markup.heading(&mut out, &title, false);
        let rows = top_rows(t).into_iter().map(Vec::from).collect();
        markup.grid(
            &mut out,
            Grid {
                header: &["rank", "before", "after", ""],
                numbers: &[true, true, true, false],
                text_header: true,
                rows,
            },
        );
        for d in &t.dropped {
            markup.dropped(&mut out, d.case, d.rank);
        }
    }
    out
}

/// The aligned text table, in `Style`'s colours.
struct Text<'a>(&'a Style);

impl Markup for Text<'_> {
    fn heading(&self, out: &mut String, text: &str, first: bool) {
        let gap = if first { "" } else { "\n" };
        let _ = writeln!(out, "{gap}{}", self.0.heading(text));
    }

    fn grid(&self, out: &mut String, grid: Grid) {
        let mut rows = grid.rows;
        if grid.text_header {
            let mut header: Vec<String> = grid.header.iter().map(|h| h.to_string()).collect();
            header[0].clear();
            rows.insert(0, header);
        }
        out.push_str(&align(&rows, "  "));
    }

    fn note(&self, out: &mut String, text: &str, _gap: bool) {
        let _ = writeln!(out, "  {text}");
    }

    fn same_params(&self) -> &'static str {
        "  nothing: the two runs have the same parameters\n"
    }

    fn param_row(&self, p: &ParamChange) -> Vec<String> {
        let mark = if p.changed() { "->" } else { "  " };
        vec![
            p.name.clone(),
            p.old_text.clone(),
            mark.into(),
            p.new_text.clone(),
        ]
    }

    fn separator(&self) -> &'static str {
        " "
    }

    fn dropped(&self, out: &mut String, case: usize, rank: usize) {
        let _ = writeln!(out, "  dropped: {case} (was #{rank})");
    }
}

/// GitHub-flavoured Markdown.
struct Markdown;

impl Markup for Markdown {
    fn heading(&self, out: &mut String, text: &str, first: bool) {
        let gap = if first { "" } else { "\n" };
        let _ = write!(out, "{gap}### {text}\n\n");
    }

    fn grid(&self, out: &mut String, grid: Grid) {
        // An empty header cell is written "| |", as GitHub's own tables do.
        for name in grid.header {
            out.push_str("| ");
            if !name.is_empty() {
                let _ = write!(out, "{name} ");
            }
        }
        out.push_str("|\n");
        for &number in grid.numbers {
            out.push_str(if number { "|---:" } else { "|---" });
        }
        out.push_str("|\n");
        for row in grid.rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
    }

    fn note(&self, out: &mut String, text: &str, gap: bool) {
        let _ = writeln!(out, "{text}{}", if gap { "\n" } else { "" });
    }

    fn same_params(&self) -> &'static str {
        "Nothing: the two runs have the same parameters.\n"
    }

    fn param_row(&self, p: &ParamChange) -> Vec<String> {
        vec![p.name.clone(), p.old_text.clone(), p.new_text.clone()]
    }

    fn separator(&self) -> &'static str {
        ", "
    }

    fn dropped(&self, out: &mut String, case: usize, rank: usize) {
        let _ = writeln!(
            out,
            "\nDropped from the top list: case {case} (was #{rank})."
        );
    }
}

/// The aligned text table.
pub fn table(c: &Comparison, st: &Style) -> String {
    walk(c, st, &Text(st))
}

/// GitHub-flavoured Markdown, to paste into a report.
pub fn markdown(c: &Comparison, st: &Style) -> String {
    let st = Style {
        colour: false,
        ..*st
    };
    walk(c, &st, &Markdown)
}
