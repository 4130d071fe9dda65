//! `run --export FILE.csv`: every case with its index, each feature's raw value, the score,
//! whether it is priority and, where there is one, its label. Floats are written in their
//! shortest round-trip form, so pandas (or `run --data`) reads back the exact doubles.

use crate::data::{Plan, Source};
use crate::run::{Outcome, RunConfig};
use anyhow::{Result, bail};
use std::io::Write;

/// A header cell, quoted as RFC 4180 asks when it holds a comma, quote or line break.
fn cell(name: &str) -> String {
    if name.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_string()
    }
}

/// The header: index, the features, score, priority, the label.
fn header(cfg: &RunConfig) -> Result<Vec<String>> {
    let mut names = vec!["index".to_string()];
    names.extend(cfg.lab.features.iter().map(|f| f.name.clone()));
    names.extend(["score".to_string(), "priority".to_string()]);
    names.extend(cfg.lab.label_name().map(str::to_string));
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            bail!(
                "a feature or the label is called {n:?}, which the export uses for its own column"
            );
        }
    }
    Ok(names)
}

/// The export's first line, or why this lab cannot be exported.
pub(crate) fn header_line(cfg: &RunConfig) -> Result<String> {
    let cells: Vec<String> = header(cfg)?.iter().map(|h| cell(h)).collect();
    Ok(cells.join(","))
}

/// Writes the export under `header` (from [`header_line`]). A generated run's columns are
/// in `out.columns`; a data run reads its file a second time.
pub(crate) fn write(
    file: &mut dyn Write,
    header: &str,
    out: &Outcome,
    source: Option<&(Source, Plan)>,
) -> std::io::Result<()> {
    let threshold = out.threshold;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        writeln!(w, "{header}")?;
        let row = |w: &mut dyn Write, i: usize, values: &mut dyn Iterator<Item = f64>| {
            write!(w, "{i}")?;
            for v in values {
                write!(w, ",{v:?}")?;
            }
            let s = out.scores[i];
            write!(w, ",{s:?},{}", u8::from(s >= threshold))?;
            if let Some(labels) = &out.labels {
                write!(w, ",{}", u8::from(labels[i]))?;
            }
            writeln!(w)
        };
        match (&out.columns, source) {
            (Some(columns), _) => {
                for i in 0..out.scores.len() {
                    row(&mut w, i, &mut columns.iter().map(|c| c[i]))?;
                }
            }
            (None, Some((source, plan))) => {
                let mut i = 0;
                let mut failed = None;
                let cols = crate::data::Columns {
                    numeric: plan.features.iter().map(|f| f.name.clone()).collect(),
                    label: None,
                };
                source
                    .for_each_row(&cols, &mut |values, _| {
                        if failed.is_none() {
                            if let Err(e) = row(&mut w, i, &mut values.iter().copied()) {
                                failed = Some(e);
                            }
                        }
                        i += 1;
                    })
                    .map_err(std::io::Error::other)?;
                if let Some(e) = failed {
                    return Err(e);
                }
            }
            (None, None) => return Err(std::io::Error::other("the run kept no columns")),
        }
        w.flush()
    }
}
