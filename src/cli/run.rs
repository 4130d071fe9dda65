//! `anomaly-lab run`: resolve the lab and flags into a run, compute, render, then write.

use super::parse::{self, BetaArg, WeightsArg};
use crate::error::UsageError;
use crate::lab::{Distribution, Lab};
use crate::plot::{self, PlotInput};
use crate::report::RunReport;
use crate::run::{Cut, RunConfig, simulate_observed};
use crate::{fsx, memory};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Seed for numpy's default_rng: a whole number from 0 to 2^128-1 [lab default: 2]
    #[arg(long, value_parser = parse::seed, allow_hyphen_values = true)]
    pub seed: Option<u128>,

    /// Number of cases to generate [lab default: 96]
    #[arg(long, value_parser = parse::count, allow_hyphen_values = true)]
    pub n: Option<usize>,

    /// Flag cases at or above this quantile of the risk score, 0 to 1 [lab default: 0.8]
    #[arg(long, value_name = "Q", value_parser = parse::quantile, allow_hyphen_values = true)]
    pub quantile: Option<f64>,

    /// Flag cases at or above this absolute risk score instead of a quantile
    #[arg(long, value_name = "SCORE", value_parser = parse::finite,
          allow_hyphen_values = true, conflicts_with = "quantile")]
    pub threshold: Option<f64>,

    /// Score weights: one number per feature in lab order (0.4,0.1,0.2,0.15,0.15),
    /// or name=value pairs that change single weights (severity=0.4,activity=0)
    #[arg(long, value_name = "W,W,...", value_parser = parse::weights, allow_hyphen_values = true)]
    pub weights: Option<WeightsArg>,

    /// Change a feature's Beta(A, B) input assumption, e.g. exposure=3,3 (repeatable)
    #[arg(long = "beta", value_name = "FEATURE=A,B", value_parser = parse::beta)]
    pub beta: Vec<BetaArg>,

    /// How many of the highest-scoring cases to list in top_indices [lab default: 5]
    #[arg(long = "top", value_name = "K", value_parser = parse::top_k, allow_hyphen_values = true)]
    pub top: Option<usize>,

    /// Where to write the scatter plot (PNG) [default: <lab id>-plot.png, e.g. module2-plot.png]
    #[arg(long, value_name = "PATH", value_parser = parse::path, conflicts_with = "no_plot")]
    pub plot: Option<PathBuf>,

    /// Do not draw the plot
    #[arg(long)]
    pub no_plot: bool,

    /// Run another lab file (TOML, same shape as lab/module2.toml) instead of Module 2
    #[arg(long, value_name = "FILE", value_parser = parse::path)]
    pub lab: Option<PathBuf>,
}

pub fn run(args: &RunArgs) -> Result<()> {
    let lab = match &args.lab {
        Some(path) => load_lab(path)?,
        None => Lab::module2(),
    };
    let cfg = resolve(lab, args)?;
    warn_about_weights(&cfg);
    let plot_path = (!args.no_plot).then(|| {
        args.plot
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{}-plot.png", cfg.lab.id)))
    });
    check_memory(cfg.n, plot_path.is_some())?;
    if let Some(path) = &plot_path {
        check_plot_target(path)?;
    }

    let outcome = {
        let bar = progress_bar(&cfg);
        let out = simulate_observed(&cfg, plot_path.is_some(), &mut |k| {
            bar.set_position(k as u64)
        });
        bar.finish_and_clear();
        out?
    };
    let png = match (&plot_path, &outcome.plot_x) {
        (Some(_), Some(x)) => Some(plot::render_png(&PlotInput {
            x: x.as_slice().unwrap_or_default(),
            y: outcome.scores.as_slice().unwrap_or_default(),
            priority: &outcome.priority,
            x_label: &cfg.lab.plot.x_label,
            y_label: &cfg.lab.plot.y_label,
            title: &cfg.lab.title,
        })?),
        _ => None,
    };
    let shown_path = plot_path.as_ref().map(|p| p.display().to_string());
    let json = RunReport::new(&cfg, &outcome, shown_path).to_json();

    if let (Some(path), Some(bytes)) = (&plot_path, &png) {
        fsx::write_atomic(path, bytes, true).context("--plot")?;
    }
    fsx::print_stdout(&json)
}

fn load_lab(path: &Path) -> Result<Lab> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read lab file {}", path.display()))?;
    Lab::from_toml(&text).with_context(|| format!("lab file {} is not a valid lab", path.display()))
}

/// Applies the flags to the lab. Names are checked against the lab's features here,
/// since only now is it known which lab is running.
pub fn resolve(mut lab: Lab, args: &RunArgs) -> Result<RunConfig, UsageError> {
    match &args.weights {
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
            for (name, w) in pairs {
                let i = feature(&lab, "--weights", name)?;
                lab.features[i].weight = *w;
            }
        }
        None => {}
    }
    for b in &args.beta {
        let i = feature(&lab, "--beta", &b.feature)?;
        let f = &mut lab.features[i];
        if !matches!(f.distribution, Some(Distribution::Beta { .. })) {
            return Err(UsageError::new(
                "--beta",
                format!("feature {} is not beta-distributed in this lab", f.name),
            ));
        }
        f.distribution = Some(Distribution::Beta { a: b.a, b: b.b });
    }
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
    Ok(cfg)
}

fn feature(lab: &Lab, flag: &str, name: &str) -> Result<usize, UsageError> {
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

/// Progress for long runs, only for a person watching a terminal: hidden when stderr is a
/// pipe or file, so it never mixes into captured output.
fn progress_bar(cfg: &RunConfig) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    let features = cfg.lab.features.len() as u64;
    if cfg.n < 1_000_000 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(features);
    let style = indicatif::ProgressStyle::with_template(
        "drawing {msg} cases [{bar:30}] {pos}/{len} features, {elapsed}",
    );
    if let Ok(style) = style {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(cfg.n.to_string());
    bar
}

/// Refuses, before allocating, a run this machine cannot hold.
fn check_memory(n: usize, with_plot: bool) -> Result<(), UsageError> {
    let need = memory::required(n, with_plot);
    match memory::available() {
        Some(have) if need > u128::from(have) => Err(UsageError::new(
            "--n",
            format!(
                "n = {n} needs about {} of memory; this machine has {} available \
                 (at most about {} cases{})",
                memory::human(need),
                memory::human(u128::from(have)),
                memory::max_cases(have, with_plot),
                if with_plot {
                    " with the plot, more with --no-plot"
                } else {
                    ""
                },
            ),
        )),
        _ => Ok(()),
    }
}

fn warn_about_weights(cfg: &RunConfig) {
    let sum: f64 = cfg.lab.features.iter().map(|f| f.weight).sum();
    if (sum - 1.0).abs() > 1e-9 {
        eprintln!("warning: the weights sum to {sum}, not 1, so scores are not on the 0-1 scale");
    }
}

/// The plot path may hold an earlier plot (replaced), but never anything else.
fn check_plot_target(path: &Path) -> Result<()> {
    if path.is_dir() {
        bail!(
            "--plot: {} is a directory; give a file name such as plot.png",
            path.display()
        );
    }
    if path.exists() {
        let mut head = [0u8; 8];
        let is_png = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok()
            && head == *b"\x89PNG\r\n\x1a\n";
        if !is_png {
            bail!(
                "--plot: {} exists and is not a PNG image; not overwriting it (choose another path)",
                path.display()
            );
        }
    }
    Ok(())
}
