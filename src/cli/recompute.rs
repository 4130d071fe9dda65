//! Runs recomputed from their recorded parameters: a run's JSON (and a reflection) holds
//! parameters and results, never the cases, so whatever needs the cases (`compare --plot`,
//! `reflect check`'s fact check, `reflect show`) draws or reads them again.

use super::resolve::{Resolved, load_lab};
use super::run::compute;
use crate::data::{self, Source};
use crate::lab::{self, DataSpec, Labels};
use crate::report::{DataParams, Params, RunReport};
use crate::run::{Cut, RunConfig};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// A run's configuration, rebuilt from its recorded parameters on its lab (built in, or
/// `lab_file`). `flag` names the option an error is about.
pub(super) fn rebuild(p: &Params, lab_file: Option<&Path>, flag: &str) -> Result<Resolved> {
    // Parameters read from a file are checked as a run's flags would be.
    if let Err(problem) = p.check() {
        bail!("the recorded parameters cannot be run: {problem}");
    }
    let (mut lab, dir) = match lab_file {
        Some(path) => load_lab(Some(path))?,
        None => match lab::built_in(&p.lab) {
            Some(lab) => (lab, None),
            None if p.data.is_some() => {
                let mut l = lab::Lab::from_toml(super::resolve::DATA_LAB)
                    .expect("the data lab template is valid");
                l.id.clone_from(&p.lab);
                l.title = format!(
                    "Risk score: {}",
                    p.data.as_ref().map_or("", |d| d.file.as_str())
                );
                (l, None)
            }
            None => bail!(
                "{flag}: the runs are of lab {:?}, which is not built in; give its file with --lab",
                p.lab
            ),
        },
    };
    if lab.id != p.lab {
        let problem = format!(
            "the runs are of lab {:?}, but the lab file given is lab {:?}",
            p.lab, lab.id
        );
        return Err(crate::error::UsageError::new("--lab", problem).into());
    }
    // The run's features, in its order, with its weights, scales and distributions.
    lab.features = p
        .weights
        .0
        .iter()
        .map(|(name, weight)| crate::lab::Feature {
            name: name.clone(),
            weight: *weight,
            scale: p.scales.get(name).copied().unwrap_or_default(),
            distribution: p.distributions.get(name).copied(),
            threat: p.threat_distributions.get(name).copied(),
        })
        .collect();
    if lab.feature_index(&lab.plot.x).is_none() {
        lab.plot.x = lab.features[0].name.clone();
        lab.plot.x_label = lab.plot.x.replace('_', " ");
    }
    if let Some(prevalence) = p.prevalence {
        let name = lab.label_name().unwrap_or("threat").to_string();
        lab.labels = Some(Labels {
            name,
            prevalence: Some(prevalence),
        });
    }
    let mut cfg = RunConfig::from_lab(lab);
    cfg.seed = p.seed.unwrap_or(0);
    cfg.n = p.n;
    cfg.top_k = p.top_k;
    cfg.cut = match (p.quantile, p.threshold) {
        (Some(q), _) => Cut::Quantile(q),
        (None, Some(t)) => Cut::Threshold(t),
        (None, None) => bail!("{flag}: the run names neither a quantile nor a threshold"),
    };
    let data = match &p.data {
        None => None,
        Some(d) => {
            cfg.lab.data = Some(DataSpec {
                file: d.file.clone(),
            });
            cfg.lab.labels = d.label.clone().map(|name| Labels {
                name,
                prevalence: None,
            });
            let source = match (dir, lab::built_in_data(&d.file)) {
                (Some(dir), _) => Source::File(dir.join(&d.file)),
                (None, Some(bytes)) if !Path::new(&d.file).exists() => Source::Bytes {
                    name: d.file.clone(),
                    bytes: bytes.into(),
                },
                _ => Source::File(PathBuf::from(&d.file)),
            };
            let mut plan = data::Plan::of_lab(&cfg.lab, true);
            // The scorer remembers as many top rows as the run lists.
            plan.top_k = cfg.top_k;
            Some((source, plan))
        }
    };
    Ok(Resolved {
        cfg,
        data,
        lab_default: None,
    })
}

/// Whether a run drawn again gave its recorded numbers back: the priority set's size and
/// the threshold to the bit.
pub(super) fn gives_back(out: &crate::run::Outcome, run: &RunReport) -> bool {
    out.priority.len() == run.summary.priority_count
        && out.threshold.to_bits() == run.summary.threshold.to_bits()
}

/// A reflection's two runs' parameters, `before` and `after`.
pub(super) fn recorded_pair(doc: &serde_json::Value) -> Result<(Params, Params)> {
    let params = |key: &str| -> Result<Params> {
        let value = doc.get(key).cloned().unwrap_or(serde_json::Value::Null);
        serde_json::from_value(value)
            .map_err(|_| anyhow::anyhow!("its before/after parameters are incomplete"))
    };
    Ok((params("before")?, params("after")?))
}

/// Both runs of a pair, computed again.
pub(super) fn recompute_pair(
    (before, after): &(Params, Params),
    lab_file: Option<&Path>,
) -> Result<(RunReport, RunReport)> {
    Ok((
        recompute(before, lab_file, "--lab")?,
        recompute(after, lab_file, "--lab")?,
    ))
}

/// The run the parameters describe, computed again (without its plot).
pub(super) fn recompute(p: &Params, lab_file: Option<&Path>, flag: &str) -> Result<RunReport> {
    let computed = compute(rebuild(p, lab_file, flag)?, false, false)?;
    same_data(p, computed.data.as_ref())?;
    let mut report = RunReport::new(&computed.cfg, &computed.out, None);
    report.params.data = computed.data;
    Ok(report)
}

/// A run's data file holds other rows than the run scored (edited or replaced since).
#[derive(Debug, thiserror::Error)]
#[error(
    "{file} has changed since the run: it now holds {rows_now} rows hashing to {hash_now}, \
     where the run scored {rows_then} rows hashing to {hash_then}"
)]
pub(super) struct DataChanged {
    file: String,
    rows_now: usize,
    hash_now: String,
    rows_then: usize,
    hash_then: String,
}

/// Refuses a run recomputed from a data file whose rows are not the ones it scored: its
/// numbers would not be the run's.
pub(super) fn same_data(p: &Params, now: Option<&DataParams>) -> Result<(), DataChanged> {
    match (&p.data, now) {
        (Some(then), Some(now)) if then.hash != now.hash => Err(DataChanged {
            file: now.file.clone(),
            rows_now: now.rows,
            hash_now: now.hash.clone(),
            rows_then: then.rows,
            hash_then: then.hash.clone(),
        }),
        _ => Ok(()),
    }
}
