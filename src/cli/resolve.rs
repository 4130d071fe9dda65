//! From flags to a run: which lab (built-in name or file), generated or data, and the flags
//! applied to it. Names are checked against the lab's features here, since only now is it
//! known which lab is running.

use super::parse::WeightsArg;
use super::run::RunArgs;
use crate::data::{self, Source};
use crate::error::UsageError;
use crate::lab::{self, DataSpec, Feature, Lab, Labels};
use crate::run::{Cut, RunConfig};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// A resolved run: the configuration and, for a data run, what to read.
#[derive(Debug)]
pub(super) struct Resolved {
    pub cfg: RunConfig,
    pub data: Option<(Source, data::Plan)>,
    /// The lab's own run, before any flag: what the plot's subtitle compares with.
    pub lab_default: Option<RunConfig>,
}

/// Loads `--lab` (a built-in name, or a lab file) and where its data files are relative to.
pub(super) fn load_lab(arg: Option<&Path>) -> Result<(Lab, Option<PathBuf>)> {
    let Some(path) = arg else {
        return Ok((Lab::module2(), None));
    };
    let text = path.to_str().unwrap_or("");
    if let Some(lab) = lab::built_in(text) {
        return Ok((lab, None));
    }
    let looks_like_name = !path.exists() && !text.contains(['/', '.']);
    if looks_like_name {
        let names: Vec<&str> = lab::BUILT_IN.iter().map(|(n, _, _)| *n).collect();
        let hint = lab::suggest(&text.to_lowercase(), names.iter().copied())
            .map(|s| format!(" (did you mean {s}?)"))
            .unwrap_or_default();
        return Err(UsageError::new(
            "--lab",
            format!(
                "{text:?} is neither a built-in lab{hint} nor a file; built-in labs: {} \
                 (see `anomaly-lab labs`)",
                names.join(", ")
            ),
        )
        .into());
    }
    let text = crate::filesystem::read_limited(path, crate::filesystem::LAB_FILE_LIMIT)
        .with_context(|| format!("cannot read lab file {}", path.display()))?;
    let lab = Lab::from_toml(&text).map_err(|e| {
        // Every problem, each with its line, as `lab check` says them, rather than the
        // first one found (or the TOML parser's own words for a wrong type).
        match super::lab_check::problems(&text, false) {
            Ok((found, _)) if !found.is_empty() => {
                let listed: Vec<String> = found
                    .iter()
                    .map(|((line, column), problem)| {
                        format!("  {}:{line}:{column}: {problem}", path.display())
                    })
                    .collect();
                anyhow::anyhow!(
                    "lab file {} is not a valid lab:\n{}",
                    path.display(),
                    listed.join("\n")
                )
            }
            _ => anyhow::Error::new(e)
                .context(format!("lab file {} is not a valid lab", path.display())),
        }
    })?;
    if let Some(problem) = borrowed_id(&lab, &text) {
        bail!("lab file {}: {problem}", path.display());
    }
    let dir = path.parent().map(Path::to_path_buf);
    Ok((lab, dir))
}

/// A built-in lab's id names that lab in every run; another lab may not take it (its runs
/// would compare, plot and check as the built-in's). The built-in's own file is that lab.
pub(super) fn borrowed_id(lab: &Lab, text: &str) -> Option<String> {
    let (_, builtin, _) = lab::BUILT_IN.iter().find(|(id, _, _)| *id == lab.id)?;
    (*builtin != text).then(|| {
        format!(
            "id: {:?} is the built-in lab's; give this lab its own id (a copy of a built-in \
             lab that you changed is a new lab)",
            lab.id
        )
    })
}

impl Resolved {
    /// What the run changes from its lab as written ("quantile 0.9"); none for a bare
    /// `--data` run, which has no lab to differ from.
    pub(super) fn changes(&self) -> Vec<String> {
        self.lab_default
            .as_ref()
            .map(|d| crate::compare::changes_from_lab(d, &self.cfg))
            .unwrap_or_default()
    }
}

/// Applies the flags to the lab.
pub(super) fn resolve(args: &RunArgs) -> Result<Resolved> {
    let (mut lab, lab_dir) = load_lab(args.lab.as_deref())?;
    let as_written = lab.clone();
    let data_run = args.data.is_some() || lab.data.is_some();
    if data_run {
        for (flag, given) in [
            ("--seed", args.seed.is_some()),
            ("--n", args.n.is_some()),
            ("--beta", !args.beta.is_empty()),
            ("--dist", !args.dist.is_empty()),
        ] {
            if given {
                return Err(UsageError::new(
                    flag,
                    "applies to generated cases, not to a data file (--data or a data lab)",
                )
                .into());
            }
        }
    } else if args.label.is_some() {
        return Err(UsageError::new(
            "--label",
            "names the ground-truth column of a data file; use it with --data",
        )
        .into());
    }
    if let Some(path) = &args.data {
        if args.lab.is_none() {
            lab = data_lab(path, args.weights.as_ref())?;
        }
        lab.data = Some(DataSpec {
            file: path.display().to_string(),
        });
    }
    if let Some(label) = &args.label {
        lab.labels = Some(Labels {
            name: label.clone(),
            prevalence: None,
        });
    }
    apply_weights(
        &mut lab,
        args.weights.as_ref(),
        args.data.is_some() && args.lab.is_none(),
    )?;
    super::assumptions::apply(&mut lab, &args.beta, &args.dist)?;
    if let Some(x) = &args.plot_x {
        if data_run || lab.feature_index(x).is_some() {
            lab.plot.x = x.clone();
            lab.plot.x_label = x.replace('_', " ");
        } else {
            feature(&lab, "--plot-x", x)?;
        }
    }
    if let Some(label) = lab.label_name() {
        if lab.feature_index(label).is_some() {
            return Err(UsageError::new(
                if args.label.is_some() {
                    "--label"
                } else {
                    "--weights"
                },
                format!(
                    "{label:?} is the ground-truth label and also a scored column; the label is \
                     never a score input (score other columns, or name another label)"
                ),
            )
            .into());
        }
    }
    let data = if data_run {
        Some(data_source(&mut lab, args, lab_dir)?)
    } else {
        None
    };
    let mut cfg = RunConfig::from_lab(lab);
    if let Some(seed) = args.seed {
        cfg.seed = seed;
    }
    if let Some(n) = args.n {
        cfg.n = n;
    }
    if let Some(q) = args.quantile {
        cfg.cut = Cut::Quantile(q);
    }
    if let Some(t) = args.threshold {
        cfg.cut = Cut::Threshold(t);
    }
    if let Some(k) = args.top {
        cfg.top_k = k;
    }
    let data = data.map(|(source, mut plan)| {
        plan.top_k = cfg.top_k;
        (source, plan)
    });
    // A bare --data run has no lab to differ from.
    let lab_default = (args.data.is_none() || args.lab.is_some()).then(|| {
        let mut d = RunConfig::from_lab(as_written);
        d.lab.data.clone_from(&cfg.lab.data);
        // A data run's n is its file's row count, not a change.
        if data_run {
            d.n = cfg.n;
        }
        d
    });
    Ok(Resolved {
        cfg,
        data,
        lab_default,
    })
}

/// What a bare `--data` run is, before its columns are filled in.
pub(super) const DATA_LAB: &str = r#"
id = "data"
title = "-"
review_note = "Real data: inspect the top cases for false positives and missing context before action."
[data]
file = "-"
[[features]]
name = "x"
weight = 1.0
"#;

/// The lab a bare `--data FILE --weights col=w,...` scores with.
fn data_lab(path: &Path, weights: Option<&WeightsArg>) -> Result<Lab, UsageError> {
    let Some(WeightsArg::Named(pairs)) = weights else {
        return Err(UsageError::new(
            "--weights",
            "--data needs the columns to score and their weights, e.g. \
             --weights src_bytes=0.5,dst_bytes=0.3 (or a data lab with --lab)",
        ));
    };
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut lab = Lab::from_toml(DATA_LAB).expect("the data lab template is valid");
    lab.title = format!("Risk score: {name}");
    lab.features = pairs
        .iter()
        .map(|(name, _)| Feature {
            name: name.clone(),
            weight: 0.0,
            scale: Default::default(),
            distribution: None,
            threat: None,
        })
        .collect();
    lab.plot.x = pairs[0].0.clone();
    lab.plot.x_label = pairs[0].0.replace('_', " ");
    Ok(lab)
}

fn apply_weights(
    lab: &mut Lab,
    weights: Option<&WeightsArg>,
    columns_given: bool,
) -> Result<(), UsageError> {
    match weights {
        Some(WeightsArg::All(values)) => {
            if values.len() != lab.features.len() {
                return Err(UsageError::new(
                    "--weights",
                    format!(
                        "got {} weights, but the lab has {} features ({}); give one per feature \
                         or name=value pairs",
                        values.len(),
                        lab.features.len(),
                        lab.feature_list()
                    ),
                ));
            }
            for (f, &w) in lab.features.iter_mut().zip(values) {
                f.weight = w;
            }
        }
        Some(WeightsArg::Named(pairs)) => {
            for (k, (name, _)) in pairs.iter().enumerate() {
                if pairs[..k].iter().any(|(m, _)| m == name) {
                    return Err(UsageError::new(
                        "--weights",
                        format!("{name} is given twice; give each weight once"),
                    ));
                }
            }
            for (name, w) in pairs {
                let i = if columns_given {
                    lab.feature_index(name)
                        .expect("the data lab has these columns")
                } else {
                    feature(lab, "--weights", name)?
                };
                lab.features[i].weight = *w;
            }
        }
        None => {}
    }
    Ok(())
}

/// Where a data run reads from, and what it reads.
fn data_source(
    lab: &mut Lab,
    args: &RunArgs,
    lab_dir: Option<PathBuf>,
) -> Result<(Source, data::Plan)> {
    let spec = lab.data.clone().expect("a data run has a data spec");
    let source = match &args.data {
        Some(path) => Source::File(path.clone()),
        None => lab_data(&spec.file, lab_dir.as_deref()),
    };
    Ok((source, data::Plan::of_lab(lab, !args.no_plot)))
}

/// Where a lab's data file is read: beside its lab file (`lab_dir`), or for a built-in lab
/// from the copy compiled in (a name without either is read from the working folder).
pub(super) fn lab_data(file: &str, lab_dir: Option<&Path>) -> Source {
    match (lab_dir, lab::built_in_data(file)) {
        (Some(dir), _) => Source::File(dir.join(file)),
        (None, Some(bytes)) => Source::Bytes {
            name: file.to_string(),
            bytes: bytes.into(),
        },
        (None, None) => Source::File(PathBuf::from(file)),
    }
}

pub(super) fn feature(lab: &Lab, flag: &str, name: &str) -> Result<usize, UsageError> {
    lab.feature_index(name).ok_or_else(|| {
        let hint = crate::lab::suggest(name, lab.features.iter().map(|f| f.name.as_str()))
            .map(|s| format!(" (did you mean {s}?)"))
            .unwrap_or_default();
        UsageError::new(
            flag,
            format!(
                "unknown feature {name:?}{hint}; the lab's features are {}",
                lab.feature_list()
            ),
        )
    })
}
