//! Why a case was flagged: for each of the top cases, every feature's raw value, weight,
//! contribution (weight times the value the score used) and percentile in the population.
//! The contributions, summed in feature order from the first, are the score to the bit.

mod counter;

use crate::lab::Lab;
use crate::report::Ordered;
use crate::run::Outcome;
use crate::scale::Fitted;
use counter::Counter;
use serde::{Deserialize, Serialize};

/// One of the top cases, explained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopCase {
    pub index: usize,
    pub score: f64,
    /// 1 for a threat, 0 for benign, where the lab has labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<u8>,
    pub features: Ordered<FeaturePart>,
}

/// One feature's part in a case's score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeaturePart {
    /// The raw value.
    pub value: f64,
    /// The value the score used, where the feature is scaled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaled: Option<f64>,
    pub weight: f64,
    /// weight * (scaled or raw) value.
    pub contribution: f64,
    /// Percent of the population with a value at or below this one.
    pub percentile: f64,
}

/// Builds the explanations feature by feature, from whole columns or streamed values.
#[derive(Debug)]
pub(crate) struct Explainer {
    cases: Vec<TopCase>,
    names: Vec<String>,
    weights: Vec<f64>,
    fitted: Vec<Fitted>,
    /// Per feature: the cases' raw values, and how many population values are <= each.
    values: Vec<Vec<f64>>,
    at_or_below: Vec<Vec<u64>>,
    population: u64,
}

impl Explainer {
    /// Ready to explain `out.top`; `fitted[i]` is feature i's scale.
    pub(crate) fn new(lab: &Lab, out: &Outcome, fitted: &[Fitted]) -> Explainer {
        let k = out.top.len();
        let f = lab.features.len();
        Explainer {
            cases: out
                .top
                .iter()
                .map(|&index| TopCase {
                    index,
                    score: out.scores[index],
                    label: out.labels.as_ref().map(|l| u8::from(l[index])),
                    features: Ordered(Vec::new()),
                })
                .collect(),
            names: lab.features.iter().map(|f| f.name.clone()).collect(),
            weights: lab.features.iter().map(|f| f.weight).collect(),
            fitted: fitted.to_vec(),
            values: vec![vec![f64::NAN; k]; f],
            at_or_below: vec![vec![0; k]; f],
            population: 0,
        }
    }

    /// The top cases' indices, highest score first.
    pub(crate) fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.cases.iter().map(|c| c.index)
    }

    /// Feature `i`'s whole raw column.
    pub(crate) fn feed_column(&mut self, i: usize, column: &[f64]) {
        let top: Vec<usize> = self.indices().collect();
        self.set_counted(i, count_column(&top, column));
    }

    /// Feature `i`, counted before the run was evaluated (see [`count_column`]).
    pub(crate) fn set_counted(&mut self, i: usize, counted: CountedColumn) {
        self.values[i] = counted.values;
        self.at_or_below[i] = counted.at_or_below;
        self.population = counted.population;
    }

    /// Feature `i`'s raw values of the top cases, in top order (for streamed input).
    pub(crate) fn set_values(&mut self, i: usize, values: Vec<f64>) {
        self.values[i] = values;
    }

    /// Takes the counts a [`RowCounter`] gathered.
    pub(crate) fn set_counts(&mut self, counted: RowCounter) {
        self.population = counted.rows;
        self.at_or_below = counted.counters.into_iter().map(Counter::finish).collect();
    }

    /// The explained cases, highest score first.
    pub(crate) fn finish(mut self) -> Vec<TopCase> {
        let n = self.population.max(1) as f64;
        for (c, case) in self.cases.iter_mut().enumerate() {
            case.features = Ordered(
                (0..self.names.len())
                    .map(|i| {
                        let value = self.values[i][c];
                        let fitted = self.fitted[i];
                        let used = fitted.apply(value);
                        let part = FeaturePart {
                            value,
                            scaled: (fitted != Fitted::None).then_some(used),
                            weight: self.weights[i],
                            contribution: self.weights[i] * used,
                            percentile: 100.0 * self.at_or_below[i][c] as f64 / n,
                        };
                        (self.names[i].clone(), part)
                    })
                    .collect(),
            );
        }
        self.cases
    }
}

/// One feature's part of the explanations, counted from its whole column while that was
/// at hand: the top cases' values and how many values are at or below each.
#[derive(Debug)]
pub(crate) struct CountedColumn {
    values: Vec<f64>,
    at_or_below: Vec<u64>,
    population: u64,
}

impl CountedColumn {
    /// Adds the counts of another stretch of the same column (same top cases).
    pub(crate) fn absorb(&mut self, other: CountedColumn) {
        for (count, more) in self.at_or_below.iter_mut().zip(other.at_or_below) {
            *count += more;
        }
        self.population += other.population;
    }
}

/// Counts `column` for the cases `top` (the run's ranking, highest first), as
/// [`Explainer::feed_column`] would once the run is evaluated.
pub(crate) fn count_column(top: &[usize], column: &[f64]) -> CountedColumn {
    let values: Vec<f64> = top.iter().map(|&i| column[i]).collect();
    // A large column is counted in parts, one a thread, and the counts added up.
    let n = column.len();
    let len = crate::threads::part_len(n, crate::threads::for_items(n));
    let each = |part: &[f64]| count_slices(values.clone(), |add| add(part));
    let mut parts = crate::threads::map(column.chunks(len).collect(), each).into_iter();
    let mut whole = parts.next().unwrap_or_else(|| count_slices(values, |_| ()));
    parts.for_each(|part| whole.absorb(part));
    whole
}

/// Counts a column's population for the top cases' `values` (in top order): `feed` hands
/// it over a slice at a time.
pub(crate) fn count_slices(
    values: Vec<f64>,
    feed: impl FnOnce(&mut dyn FnMut(&[f64])),
) -> CountedColumn {
    let mut counter = Counter::new(&values);
    let mut n = 0u64;
    feed(&mut |slice| {
        counter.add_slice(slice);
        n += slice.len() as u64;
    });
    CountedColumn {
        values,
        at_or_below: counter.finish(),
        population: n,
    }
}

/// Counts streamed rows for every feature, at or below each top case's value.
#[derive(Debug)]
pub struct RowCounter {
    counters: Vec<Counter>,
    rows: u64,
}

impl RowCounter {
    /// A counter of the values at or below `targets[i]` in feature i, for every feature.
    pub(crate) fn new(targets: &[Vec<f64>]) -> RowCounter {
        RowCounter {
            counters: targets.iter().map(|v| Counter::new(v)).collect(),
            rows: 0,
        }
    }

    /// A counter for the same targets, with no rows counted yet.
    pub fn empty_like(&self) -> RowCounter {
        RowCounter {
            counters: self.counters.iter().map(Counter::empty_like).collect(),
            rows: 0,
        }
    }

    /// Adds another counter's rows (same targets) to this one's.
    pub fn absorb(&mut self, other: RowCounter) {
        for (c, o) in self.counters.iter_mut().zip(other.counters) {
            c.absorb(o);
        }
        self.rows += other.rows;
    }

    /// Feature `i`'s values of some rows (add the rows with [`RowCounter::add_rows`]).
    pub(crate) fn add_column(&mut self, i: usize, values: &[f64]) {
        self.counters[i].add_slice(values);
    }

    /// Counts `rows` more rows, whose columns were added one by one.
    pub(crate) fn add_rows(&mut self, rows: u64) {
        self.rows += rows;
    }

    /// One row's feature values, in feature order.
    pub fn add(&mut self, row: &[f64]) {
        for (c, &x) in self.counters.iter_mut().zip(row) {
            c.add(x);
        }
        self.rows += 1;
    }
}

/// The readable form: "case 70: score 0.59: severity 0.67 adds 0.17 (29%), ...".
pub(crate) fn describe(case: &TopCase, digits: usize) -> String {
    let mut parts: Vec<&(String, FeaturePart)> = case.features.0.iter().collect();
    parts.sort_by(|a, b| b.1.contribution.total_cmp(&a.1.contribution));
    let total: f64 = case
        .features
        .0
        .iter()
        .map(|(_, p)| p.contribution.abs())
        .sum();
    let label = match case.label {
        Some(1) => " [threat]",
        Some(_) => " [benign]",
        None => "",
    };
    let body: Vec<String> = parts
        .iter()
        .map(|(name, p)| {
            let share = if total > 0.0 {
                format!(" ({:.0}%)", 100.0 * p.contribution.abs() / total)
            } else {
                String::new()
            };
            format!(
                "{name} {:.digits$} (p{:.0}) adds {:+.digits$}{share}",
                p.value, p.percentile, p.contribution
            )
        })
        .collect();
    format!(
        "case {}: score {:.digits$}{label}: {}",
        case.index,
        case.score,
        body.join(", ")
    )
}
