//! Scoring a telemetry export (CSV, or gzip-compressed CSV) instead of generating cases.
//!
//! The file is read as a stream: each row's needed cells are parsed, folded into its score
//! and dropped, so memory is the score column (and the labels, and the plotted column)
//! whatever the file's size. The explanations' percentiles need every feature value once the
//! top rows are known: the pass sets them aside in temporary files (`spill`) rather than
//! memory, and reads the file again only where it cannot. A lab that scales its features
//! needs each column whole first (numpy's mean is over the population), so it keeps those
//! columns.

mod block;
mod chunks;
mod decimal;
mod fast;
mod field;
mod reader;
mod spill;

pub use reader::{Columns, Source};

use crate::explain::RowCounter;
use crate::lab::Scale;
use crate::scale::Fitted;
use crate::stats::TopK;
use std::collections::HashMap;

/// A problem with a data file, located as precisely as it can be.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{file}{}: {problem}", location(.line, .column))]
pub struct DataError {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub problem: String,
}

fn location(line: &Option<u64>, column: &Option<String>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(", line {l}, column {}", field::quoted(c)),
        (Some(l), None) => format!(", line {l}"),
        (None, Some(c)) => format!(", column {}", field::quoted(c)),
        (None, None) => String::new(),
    }
}

/// One scored column: its name, weight and scale.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredColumn {
    pub name: String,
    pub weight: f64,
    pub scale: Scale,
}

/// What a data run reads from the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub features: Vec<ScoredColumn>,
    /// The 0/1 ground-truth column.
    pub label: Option<String>,
    /// A column to keep whole for the plot's x axis.
    pub plot_x: Option<String>,
    /// How many top cases to remember the feature values of, for explanations.
    pub top_k: usize,
}

/// A scored file.
#[derive(Debug)]
pub struct Scored {
    pub scores: Vec<f64>,
    pub labels: Option<Vec<bool>>,
    pub plot_x: Option<Vec<f64>>,
    /// Each feature's scale as fitted on the file.
    pub fitted: Vec<Fitted>,
    /// The feature columns, where scaling needed them whole.
    pub columns: Option<Vec<Vec<f64>>>,
    /// Otherwise the feature values of the highest-scoring rows, by row.
    pub top_values: HashMap<usize, Vec<f64>>,
    /// Those rows, highest score first: `stats::top_indices` of the scores (None where
    /// scaling left the scoring, and so the ranking, until the columns were whole).
    pub top: Option<Vec<usize>>,
    /// And every row's feature values set aside, for the explanations' percentiles.
    pub set_aside: SetAside,
    pub rows: usize,
    /// "xxh3-128:" and the hash of the file's (decompressed) bytes.
    pub hash: String,
}

impl Plan {
    /// A lab's features as the columns to score, its label as the ground truth, and the
    /// plotted column if there is a plot.
    pub fn of_lab(lab: &crate::lab::Lab, with_plot: bool) -> Plan {
        Plan {
            features: lab
                .features
                .iter()
                .map(|f| ScoredColumn {
                    name: f.name.clone(),
                    weight: f.weight,
                    scale: f.scale,
                })
                .collect(),
            label: lab.label_name().map(str::to_string),
            plot_x: with_plot.then(|| lab.plot.x.clone()),
            top_k: 0,
        }
    }

    fn needed(&self) -> Columns {
        Columns {
            numeric: self
                .features
                .iter()
                .map(|f| f.name.clone())
                .chain(self.plot_x.clone())
                .collect(),
            label: self.label.clone(),
        }
    }

    fn scaled(&self) -> bool {
        self.features.iter().any(|f| !f.scale.is_none())
    }
}

/// Every row's feature values, as the scoring pass set them aside (if it could).
#[derive(Debug)]
pub struct SetAside(Option<spill::Spill>);

/// One block's share of a scoring pass.
struct BlockScores {
    scores: Vec<f64>,
    labels: Vec<bool>,
    plot_x: Vec<f64>,
    columns: Vec<Vec<f64>>,
    /// The block's own top rows (block-relative), with their feature values.
    top: TopK,
    top_values: HashMap<usize, Vec<f64>>,
    /// The block's feature values, a column each, until they go to the spill.
    features: spill::Columns,
}

/// Reads and scores `source`: score = w1*x1 + w2*x2 + ... left to right, on the raw values or,
/// where the plan scales features, on the scaled ones.
pub fn score(source: &Source, plan: &Plan) -> Result<Scored, DataError> {
    let needed = plan.needed();
    let f = plan.features.len();
    let weights: Vec<f64> = plan.features.iter().map(|c| c.weight).collect();
    let keep_columns = plan.scaled();
    let has_label = plan.label.is_some();
    let has_plot = plan.plot_x.is_some();
    let top_k = if keep_columns { 0 } else { plan.top_k };
    let spill = (top_k > 0)
        .then(|| spill::Spill::new_if_allowed(f))
        .flatten();
    let make = || BlockScores {
        scores: Vec::new(),
        labels: Vec::new(),
        plot_x: Vec::new(),
        columns: vec![Vec::new(); if keep_columns { f } else { 0 }],
        top: TopK::new(top_k),
        top_values: HashMap::new(),
        features: spill.as_ref().map(spill::Spill::buffer).unwrap_or_default(),
    };
    let each = |b: &mut BlockScores, values: &[f64], label: Option<bool>| {
        if keep_columns {
            for (column, &v) in b.columns.iter_mut().zip(values) {
                column.push(v);
            }
        } else {
            let mut s = weights[0] * values[0];
            for (w, &x) in weights[1..].iter().zip(&values[1..f]) {
                s += w * x;
            }
            let row = b.scores.len();
            b.scores.push(s);
            if spill.is_some() {
                for (column, v) in b.features.iter_mut().zip(&values[..f]) {
                    crate::parked::append_le(column, std::slice::from_ref(v));
                }
            }
            if let (true, out) = b.top.push(s, row) {
                b.top_values.insert(row, values[..f].to_vec());
                if let Some(out) = out {
                    b.top_values.remove(&out);
                }
            }
        }
        if has_label {
            b.labels.push(label.unwrap_or(false));
        }
        if has_plot {
            b.plot_x.push(values[f]);
        }
    };
    let finish = |b: &mut BlockScores| {
        if let Some(spill) = &spill {
            spill.write(&mut b.features);
        }
    };
    let mut scores = Vec::new();
    let mut labels = has_label.then(Vec::new);
    let mut plot_x = has_plot.then(Vec::new);
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); if keep_columns { f } else { 0 }];
    // The same ranking as stats::top_indices, so the rows remembered are the run's top rows:
    // each block's candidates, offered in file order with their file-wide index.
    let mut top = TopK::new(top_k);
    let mut top_values = HashMap::new();
    let mut offset = 0;
    let mut take = |b: BlockScores| {
        let n = b
            .scores
            .len()
            .max(b.columns.first().map_or(0, Vec::len))
            .max(b.labels.len());
        let mut candidates: Vec<(usize, Vec<f64>)> = b.top_values.into_iter().collect();
        candidates.sort_by_key(|(row, _)| *row);
        for (row, values) in candidates {
            let global = offset + row;
            if let (true, out) = top.push(b.scores[row], global) {
                top_values.insert(global, values);
                if let Some(out) = out {
                    top_values.remove(&out);
                }
            }
        }
        scores.extend_from_slice(&b.scores);
        if let Some(l) = labels.as_mut() {
            l.extend_from_slice(&b.labels);
        }
        if let Some(p) = plot_x.as_mut() {
            p.extend_from_slice(&b.plot_x);
        }
        for (c, part) in columns.iter_mut().zip(b.columns) {
            c.extend_from_slice(&part);
        }
        offset += n;
    };
    let (rows, hash) = chunks::par_rows(source, &needed, &make, &each, &finish, &mut take)?;
    let mut fitted = vec![Fitted::None; f];
    if keep_columns {
        scores = vec![0.0; rows];
        let mut used = Vec::new();
        for (i, (column, spec)) in columns.iter().zip(&plan.features).enumerate() {
            fitted[i] = Fitted::fit(spec.scale, column)
                .map_err(|problem| source.error(None, Some(&spec.name), problem))?;
            used.clone_from(column);
            fitted[i].apply_all(&mut used);
            for (s, &x) in scores.iter_mut().zip(&used) {
                *s = if i == 0 {
                    weights[i] * x
                } else {
                    *s + weights[i] * x
                };
            }
        }
    }
    Ok(Scored {
        scores,
        labels,
        plot_x,
        fitted,
        columns: keep_columns.then_some(columns),
        top_values,
        top: (!keep_columns).then(|| top.into_indices()),
        set_aside: SetAside(spill),
        rows,
        hash: format!("xxh3-128:{hash}"),
    })
}

/// Checks that `source` can be read and its header has every column `plan` scores (and its
/// label), without reading the rows.
pub fn check_header(source: &Source, plan: &Plan) -> Result<(), DataError> {
    chunks::header_only(source, &plan.needed())
}

/// Counts every row's feature values into `counter`, for the explanations' percentiles:
/// from the values the scoring pass set aside (on the other threads, while this one runs
/// `meanwhile`), or, where it could not, by reading the file again after `meanwhile` (each
/// block counts on its own; the counts are added).
pub fn count_rows_while<A>(
    source: &Source,
    plan: &Plan,
    set_aside: SetAside,
    counter: &mut RowCounter,
    meanwhile: impl FnOnce() -> A,
) -> (A, Result<(), DataError>) {
    // The spill counts all of its rows or none.
    let (done, counted) = match set_aside.0 {
        Some(spill) => spill.count(counter, meanwhile),
        None => (meanwhile(), None),
    };
    if counted.is_some() {
        return (done, Ok(()));
    }
    (done, reread(source, plan, counter))
}

/// Counts every row's feature values into `counter` by reading the file again.
fn reread(source: &Source, plan: &Plan, counter: &mut RowCounter) -> Result<(), DataError> {
    let needed = Columns {
        numeric: plan.features.iter().map(|f| f.name.clone()).collect(),
        label: None,
    };
    let empty = counter.empty_like();
    let make = || empty.empty_like();
    let each = |c: &mut RowCounter, values: &[f64], _: Option<bool>| c.add(values);
    chunks::par_rows(source, &needed, &make, &each, &|_| {}, &mut |b| {
        counter.absorb(b)
    })?;
    Ok(())
}
