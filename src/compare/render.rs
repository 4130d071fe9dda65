//! A [`Comparison`] as an aligned text table, GitHub-flavoured Markdown, or JSON.

use super::{Comparison, MetricChange, ParamChange, PriorityChange, TopChange};
use serde_json::{Map, Value, json};
use std::fmt::Write;

mod markup;
pub use markup::{markdown, table};

/// Identifies compare's JSON output.
pub const COMPARE_FORMAT: &str = "anomaly-lab/compare";

/// Presentation choices shared by the text formats.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// Show every parameter, not only the changed ones.
    pub all: bool,
    /// Decimals for floats; None prints the shortest exact form.
    pub precision: Option<usize>,
    /// ANSI colour (only for a terminal).
    pub colour: bool,
}

/// How many cases a text list shows before "... and N more".
const LIST_LIMIT: usize = 30;

impl Style {
    fn float(&self, x: f64) -> String {
        match self.precision {
            Some(p) => format!("{x:.p$}"),
            None => x.to_string(),
        }
    }

    fn signed(&self, x: f64) -> String {
        let s = self.float(x);
        if x > 0.0 { format!("+{s}") } else { s }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn heading(&self, text: &str) -> String {
        self.paint("1", text)
    }
}

fn percent(rel: Option<f64>) -> String {
    rel.map(|r| format!(" ({}{:.1}%)", if r > 0.0 { "+" } else { "" }, r * 100.0))
        .unwrap_or_default()
}

fn count_change(m: &MetricChange<i64>) -> String {
    let sign = if m.diff > 0 { "+" } else { "" };
    format!("{sign}{}{}", m.diff, percent(m.relative))
}

fn float_change(m: &MetricChange<f64>, st: &Style) -> String {
    format!("{}{}", st.signed(m.diff), percent(m.relative))
}

fn list(cases: &[usize], sep: &str) -> String {
    if cases.is_empty() {
        return "none".into();
    }
    let shown: Vec<String> = cases
        .iter()
        .take(LIST_LIMIT)
        .map(usize::to_string)
        .collect();
    let more = cases.len().saturating_sub(LIST_LIMIT);
    let tail = if more > 0 {
        format!("{sep}... and {more} more (--format json lists all)")
    } else {
        String::new()
    };
    format!("{}{tail}", shown.join(sep))
}

fn shown_params<'a>(c: &'a Comparison, st: &Style) -> Vec<&'a ParamChange> {
    c.params.iter().filter(|p| st.all || p.changed()).collect()
}

fn redrawn_note(c: &Comparison) -> String {
    format!(
        "(the runs drew {} from different distributions; every other feature's values are \
         the same case by case, drawn again to check, so case 14 is still case 14)",
        c.redrawn.join(", ")
    )
}

fn population_note(c: &Comparison) -> String {
    if let Some(detail) = &c.population_detail {
        return format!("not compared: {detail}");
    }
    format!(
        "not compared: the runs differ in {}, so they are different populations (case 14 of one \
         is not case 14 of the other). Keep seed, n and distributions fixed to compare cases.",
        c.population_differs.join(", ")
    )
}

fn top_rows(t: &TopChange) -> Vec<[String; 4]> {
    let rows = t.old.len().max(t.new.len());
    (0..rows)
        .map(|r| {
            let cell = |l: &[usize]| l.get(r).map_or("-".to_string(), usize::to_string);
            let note = t.new.get(r).map_or(String::new(), |&case| {
                match t.old.iter().position(|&c| c == case) {
                    None if r >= t.old.len() => String::new(),
                    None => "new".into(),
                    Some(o) if o == r => String::new(),
                    Some(o) => format!("was #{}", o + 1),
                }
            });
            [format!("#{}", r + 1), cell(&t.old), cell(&t.new), note]
        })
        .collect()
}

/// Left-aligns columns to their widest cell.
fn align(rows: &[Vec<String>], indent: &str) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
            .collect();
        let _ = writeln!(out, "{indent}{}", cells.join("  ").trim_end());
    }
    out
}

/// The detection metrics' rows (name, before, after, change), where the runs have labels.
fn detection_rows(m: &super::Metrics, st: &Style) -> Vec<Vec<String>> {
    let counts = m.counts.0.iter().map(|(name, c)| {
        vec![
            name.clone(),
            c.old.to_string(),
            c.new.to_string(),
            count_change(c),
        ]
    });
    let rates = m.rates.0.iter().map(|(name, r)| {
        vec![
            name.clone(),
            st.float(r.old),
            st.float(r.new),
            float_change(r, st),
        ]
    });
    counts.chain(rates).collect()
}

fn priority_rows(p: &PriorityChange, st: &Style, sep: &str) -> Vec<Vec<String>> {
    let mut rows = priority_set_rows(p, st, sep);
    if let Some(b) = &p.by_label {
        for (name, cases, code) in [
            ("threats caught (entered)", &b.entered_threats, "32"),
            ("false alarms added (entered)", &b.entered_benign, "31"),
            ("threats now missed (left)", &b.left_threats, "31"),
            ("false alarms removed (left)", &b.left_benign, "32"),
        ] {
            rows.push(vec![
                format!("{name} ({})", cases.len()),
                st.paint(code, &list(cases, sep)),
            ]);
        }
    }
    rows
}

fn priority_set_rows(p: &PriorityChange, st: &Style, sep: &str) -> Vec<Vec<String>> {
    vec![
        vec![
            format!("entered ({})", p.entered.len()),
            st.paint("32", &list(&p.entered, sep)),
        ],
        vec![
            format!("left ({})", p.left.len()),
            st.paint("31", &list(&p.left, sep)),
        ],
        vec!["kept".into(), p.kept.to_string()],
        vec!["overlap (Jaccard)".into(), st.float(p.jaccard)],
    ]
}

/// Machine-readable JSON: changed parameters as {name: {old, new}} (all with `all`),
/// exact numbers, and the full entered/left lists.
pub fn json(c: &Comparison, all: bool) -> String {
    let params: Map<String, Value> = c
        .params
        .iter()
        .filter(|p| all || p.changed())
        .map(|p| (p.name.clone(), json!({"old": p.old, "new": p.new})))
        .collect();
    let doc = json!({
        "format": COMPARE_FORMAT,
        "format_version": crate::json::FORMAT_VERSION,
        "params": params,
        "metrics": c.metrics,
        "same_population": c.population_differs.is_empty(),
        "population_differs": c.population_differs,
        "redrawn": c.redrawn,
        "population_detail": c.population_detail,
        "priority": c.priority,
        "top": c.top,
    });
    crate::json::pretty(&doc)
}
