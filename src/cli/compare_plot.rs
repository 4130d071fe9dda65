//! `compare --plot FILE`: the after-run drawn again, with the cases that entered and left the
//! priority set ringed. The run is recomputed from its recorded parameters (and checked
//! against its own summary), since a run's JSON holds no scores.

use super::resolve::{Resolved, load_lab};
use super::run::compute;
use crate::compare::Comparison;
use crate::data::{self, Source};
use crate::lab::{self, DataSpec, Labels};
use crate::plot::{self, Moved, PlotInput};
use crate::report::RunReport;
use crate::run::{Cut, RunConfig};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// The after-run's configuration, rebuilt from its parameters on its lab.
fn rebuild(run: &RunReport, lab_file: Option<&Path>) -> Result<Resolved> {
    let p = &run.params;
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
                "--plot: the runs are of lab {:?}, which is not built in; give its file with --lab",
                p.lab
            ),
        },
    };
    if lab.id != p.lab {
        bail!(
            "--lab: the file is lab {:?}, but the runs are of lab {:?}",
            lab.id,
            p.lab
        );
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
    cfg.top_k = 0;
    cfg.cut = match (p.quantile, p.threshold) {
        (Some(q), _) => Cut::Quantile(q),
        (None, Some(t)) => Cut::Threshold(t),
        (None, None) => bail!("the after run names neither a quantile nor a threshold"),
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
            let plan = data::Plan::of_lab(&cfg.lab, true);
            Some((source, plan))
        }
    };
    Ok(Resolved {
        cfg,
        data,
        lab_default: None,
    })
}

/// The PNG of the after-run with the moved cases ringed.
pub fn picture(after: &RunReport, cmp: &Comparison, lab_file: Option<&Path>) -> Result<Vec<u8>> {
    let Some(moved) = &cmp.priority else {
        bail!(
            "--plot: the runs are different populations ({}), so no case moved: there is \
             nothing to mark",
            cmp.population_differs.join(", ")
        );
    };
    let computed = compute(rebuild(after, lab_file)?, true, false)?;
    let out = &computed.out;
    if out.priority.len() != after.summary.priority_count
        || out.threshold.to_bits() != after.summary.threshold.to_bits()
        || computed.data.as_ref().map(|d| &d.hash) != after.params.data.as_ref().map(|d| &d.hash)
    {
        bail!(
            "--plot: recomputing the after run did not give its numbers back (another tool \
             version, another lab file or a changed data file?)"
        );
    }
    let Some(x) = &out.plot_x else {
        bail!("--plot: the run has no plotted feature");
    };
    let subtitle = cmp.changes().join("; ");
    Ok(plot::render_png(&PlotInput {
        x: x.as_slice().unwrap_or_default(),
        y: out.scores.as_slice().unwrap_or_default(),
        priority: &out.priority,
        labels: out.labels.as_deref(),
        x_label: &computed.cfg.lab.plot.x_label,
        y_label: &computed.cfg.lab.plot.y_label,
        title: &computed.cfg.lab.title,
        subtitle: (!subtitle.is_empty()).then_some(subtitle.as_str()),
        threshold_line: Some(out.threshold),
        moved: Some(Moved {
            entered: &moved.entered,
            left: &moved.left,
        }),
    })?)
}
