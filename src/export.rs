//! `run --export FILE.csv`: every case with its index, each feature's raw value, the score,
//! whether it is priority and, where there is one, its label. Floats are written in their
//! shortest round-trip form, so pandas (or `run --data`) reads back the exact doubles.

use crate::data::{Plan, Source};
use crate::fsx;
use crate::run::{Outcome, RunConfig};
use anyhow::{Result, bail};
use std::io::Write;
use std::path::Path;

/// The first header cell of every export: how an earlier export is recognised.
const FIRST: &str = "index,";

/// An export path may hold an earlier export (replaced), but never anything else.
pub fn check_target(path: &Path) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let mut head = [0u8; FIRST.len()];
    let earlier = path.is_file()
        && std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok()
        && head == *FIRST.as_bytes();
    if !earlier {
        bail!(
            "--export: {} exists and is not an earlier anomaly-lab export; not overwriting it \
             (choose another path)",
            path.display()
        );
    }
    Ok(())
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

/// Writes the export atomically. A generated run's columns are in `out.columns`; a data run
/// reads its file a second time.
pub fn write(
    path: &Path,
    cfg: &RunConfig,
    out: &Outcome,
    source: Option<&(Source, Plan)>,
) -> Result<()> {
    let header = header(cfg)?;
    let threshold = out.threshold;
    fsx::write_atomic_with(path, true, |file| {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        writeln!(w, "{}", header.join(","))?;
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
    })
}
