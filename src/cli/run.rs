//! `anomaly-lab run`: resolve the lab and flags into a run, compute, render, then write.

use super::output::{self, Output};
use super::parse::{self, BetaArg, DistArg, WeightsArg};
use super::refusals::{blame_flag, check_memory, n_origin};
use super::resolve::{Resolved, resolve};
use crate::explain::{Explainer, RowCounter};
use crate::filesystem::{self, Replace};
use crate::plot::{self, PlotInput};
use crate::report::{DataParams, RunReport};
use crate::run::{Outcome, Population, RunConfig, evaluate, simulate_keeping};
use crate::{data, export, memory};
use anyhow::{Context, Result};
use clap::Args;
use ndarray::Array1;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Seed for numpy's default_rng: a whole number from 0 to 2^128-1 [lab default: 2]
    #[arg(long, value_parser = parse::seed, allow_hyphen_values = true)]
    pub seed: Option<u128>,

    /// Number of cases to generate [lab default: 96]
    #[arg(short = 'n', long, value_parser = parse::count, allow_hyphen_values = true)]
    pub n: Option<usize>,

    /// Flag cases at or above this quantile of the risk score, 0 to 1 [lab default: 0.8]
    #[arg(long, value_name = "Q", value_parser = parse::quantile, allow_hyphen_values = true)]
    pub quantile: Option<f64>,

    /// Flag cases at or above this absolute risk score instead of a quantile
    #[arg(long, value_name = "SCORE", value_parser = parse::finite,
          allow_hyphen_values = true, conflicts_with = "quantile")]
    pub threshold: Option<f64>,

    /// Score weights: one number per feature in lab order (0.4,0.1,0.2,0.15,0.15),
    /// or name=value pairs that change single weights (severity=0.4,activity=0); with
    /// --data and no lab, the columns to score and their weights (src_bytes=0.5,...)
    #[arg(long, value_name = "W,W,...", value_parser = parse::weights, allow_hyphen_values = true)]
    pub weights: Option<WeightsArg>,

    /// Change a feature's Beta(A, B) input assumption, e.g. exposure=3,3 (repeatable)
    #[arg(long = "beta", value_name = "FEATURE=A,B", value_parser = parse::beta)]
    pub beta: Vec<BetaArg>,

    /// Change any feature's input distribution: beta:A,B, uniform:LOW,HIGH,
    /// normal:MEAN,SD, gamma:SHAPE,SCALE or lognormal:MEAN,SIGMA, e.g.
    /// login_velocity=gamma:3,1.5 (repeatable)
    #[arg(long = "dist", value_name = "FEATURE=KIND:P1,P2", value_parser = parse::dist)]
    pub dist: Vec<DistArg>,

    /// How many of the highest-scoring cases to list in top_indices and explain in
    /// top_cases; 0 lists none (not every case, as numpy's `[-0:]` would) [lab default: 5]
    #[arg(long = "top", value_name = "K", value_parser = parse::top_k, allow_hyphen_values = true)]
    pub top: Option<usize>,

    /// Where to write the picture (PNG; only an earlier PNG is replaced) [default:
    /// <lab id>-plot.png, with what the run changes from its lab in the name, e.g.
    /// module2-plot.png, module2-quantile-0.9-plot.png; for sweep <lab id>-sweep.png; for
    /// notebook, where the twin saves its picture, <lab id>-plot-numpy.png]
    #[arg(long, value_name = "PATH", value_parser = parse::png_path, conflicts_with = "no_plot")]
    pub plot: Option<PathBuf>,

    /// Do not draw the plot
    #[arg(long)]
    pub no_plot: bool,

    /// The lab: a built-in name (module2, telemetry, kdd; see `anomaly-lab labs`) or a lab
    /// file (TOML, see lab/FORMAT.md) [default: module2]
    #[arg(long, value_name = "NAME|FILE", value_parser = parse::path)]
    pub lab: Option<PathBuf>,

    /// Score a telemetry export (CSV with a header, or .csv.gz) instead of generating cases
    #[arg(long, value_name = "FILE", value_parser = parse::path)]
    pub data: Option<PathBuf>,

    /// The data file's 0/1 ground-truth column (1 = threat); adds the detection metrics
    #[arg(long, value_name = "COLUMN")]
    pub label: Option<String>,

    /// The feature or column on the plot's x axis [default: the lab's, or the first column]
    #[arg(long = "plot-x", value_name = "NAME")]
    pub plot_x: Option<String>,

    /// Draw the threshold as a dashed line on the plot, with a legend
    #[arg(long)]
    pub decorate: bool,
}

/// `run`'s flags: the run's, and the export only `run` writes (sweep and notebook take
/// the run's flags without it).
#[derive(Debug, Args)]
pub(super) struct RunCommandArgs {
    #[command(flatten)]
    pub run: RunArgs,

    /// Write every case to a CSV file: index, each feature, score, priority (0/1) and the
    /// label where there is one
    #[arg(long, value_name = "FILE.csv", value_parser = parse::file_path)]
    pub export: Option<PathBuf>,
}

/// A computed run, ready to render.
pub(super) struct Computed {
    pub cfg: RunConfig,
    pub out: Outcome,
    pub data: Option<DataParams>,
    /// What a data run read, for a second pass (the export).
    pub source: Option<(data::Source, data::Plan)>,
}

pub(super) fn execute(command: &RunCommandArgs) -> Result<()> {
    let (args, export) = (&command.run, &command.export);
    let resolved = resolve(args)?;
    warn_about_weights(&resolved.cfg);
    let changes = resolved.changes();
    let plot_path = (!args.no_plot).then(|| {
        args.plot
            .clone()
            .unwrap_or_else(|| default_picture(args, &resolved.cfg, &changes, "plot"))
    });
    if resolved.data.is_none() {
        let cfg = &resolved.cfg;
        let kept = crate::run::keeps_columns_in_memory(cfg, export.is_some());
        check_memory(&footprint(cfg, plot_path.is_some(), kept), n_origin(args))?;
    }
    let export_output = export
        .as_deref()
        .map(|p| Output::new("--export", p, Replace::Nothing));
    let plot_output = plot_path
        .as_deref()
        .map(|p| Output::new("--plot", p, Replace::Png));
    let outputs: Vec<&Output> = export_output.iter().chain(&plot_output).collect();
    output::distinct(&outputs)?;
    for output in outputs {
        output.check()?;
    }
    let changes = (!changes.is_empty()).then(|| changes.join("; "));
    let decorate = args.decorate || resolved.cfg.lab.plot.decorations;
    let computed = compute(resolved, plot_path.is_some(), export.is_some())
        .map_err(|e| blame_flag(e, args))?;
    let Computed {
        cfg,
        out,
        data,
        source,
    } = &computed;

    let png = match (&plot_path, &out.plot_x) {
        (Some(_), Some(x)) => Some(plot::render_png(&PlotInput {
            x: x.as_slice().unwrap_or_default(),
            y: out.scores.as_slice().unwrap_or_default(),
            priority: &out.priority,
            labels: out.labels.as_deref(),
            x_label: &cfg.lab.plot.x_label,
            y_label: &cfg.lab.plot.y_label,
            title: &cfg.lab.title,
            subtitle: changes.as_deref(),
            threshold_line: decorate.then_some(out.threshold),
            moved: None,
        })?),
        _ => None,
    };
    let shown_path = plot_path.as_ref().map(|p| p.display().to_string());
    let mut report = RunReport::new(cfg, out, shown_path);
    report.params.data = data.clone();

    // Files are written whole first, the JSON printed, and only then are the files put in
    // place: a command that fails at any step leaves no file behind.
    let mut pending = Vec::new();
    if let Some(output) = &export_output {
        let header = export::header_line(cfg).context("--export")?;
        pending.push(output.stage_with(|f| export::write(f, &header, out, source.as_ref()))?);
    }
    if let (Some(output), Some(bytes)) = (&plot_output, &png) {
        pending.push(output.stage(bytes)?);
    }
    output::commit_around(pending, || {
        filesystem::print_stdout_with(|w| report.write_json(w))
    })?;
    if cfg.n >= 100_000 && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        say!(
            "note: the JSON above is the whole run ({} cases, its priority set encoded on one \
             line); save it with `> run.json` to compare or explain it",
            cfg.n
        );
    }
    Ok(())
}

/// A picture's default path (`kind` "plot" or "sweep"), named after what sets it apart
/// (see [`picture_parts`]).
pub(super) fn default_picture(
    args: &RunArgs,
    cfg: &RunConfig,
    changes: &[String],
    kind: &str,
) -> PathBuf {
    let parts = picture_parts(args, cfg, changes);
    output::default_name(&cfg.lab.id, &parts, kind)
}

/// What tells this run's picture apart from others of its lab: the changes from the lab
/// and, where they change the picture alone, `--plot-x` and `--decorate`; a bare `--data`
/// run (no lab to differ from) names its file and weights.
fn picture_parts(args: &RunArgs, cfg: &RunConfig, changes: &[String]) -> Vec<String> {
    let mut parts = Vec::new();
    if let (Some(file), None) = (&args.data, &args.lab) {
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        parts.push(
            name.trim_end_matches(".gz")
                .trim_end_matches(".csv")
                .to_string(),
        );
        let mut all = file.display().to_string();
        for f in &cfg.lab.features {
            parts.push(format!("{} {}", f.name, crate::readable::number(f.weight)));
            all.push_str(&format!("\0{}\0{:?}", f.name, f.weight));
        }
        // Column names and paths can differ in ways a file name cannot show ("a b" and
        // "a-b", d.csv and sub/d.csv): a hash of them all tells such runs apart.
        let hash = xxhash_rust::xxh3::xxh3_64(all.as_bytes());
        parts.push(format!("{:08x}", hash as u32));
    }
    parts.extend(changes.iter().cloned());
    if let Some(x) = &args.plot_x {
        parts.push(format!("x {x}"));
    }
    if args.decorate {
        parts.push("decorated".into());
    }
    parts
}

/// Generates or reads the cases and computes the run.
pub(super) fn compute(resolved: Resolved, keep_plot_x: bool, export: bool) -> Result<Computed> {
    let Resolved { cfg, data, .. } = resolved;
    let Some((source, plan)) = data else {
        let bar = progress_bar(&cfg);
        let out = simulate_keeping(&cfg, keep_plot_x, export, &mut |k| {
            bar.set_position(k as u64)
        });
        bar.finish_and_clear();
        return Ok(Computed {
            out: out?,
            cfg,
            data: None,
            source: None,
        });
    };
    let scored = data::score(&source, &plan)?;
    let mut cfg = cfg;
    cfg.n = scored.rows;
    // With labels the curve sorts a copy of every score: meanwhile the plot's column waits
    // in a temporary file (where one can be written), so the two are not in memory together.
    let (plot_x, parked) = match (&scored.labels, scored.plot_x) {
        (Some(_), Some(x)) => (None, Some(crate::parked::Parked::new(x))),
        (_, x) => (x.map(Array1::from), None),
    };
    let population = Population {
        scores: Array1::from(scored.scores),
        labels: scored.labels,
        plot_x,
        top: scored.top.clone(),
    };
    let evaluated = || evaluate(population, cfg.cut, cfg.top_k);
    // Streamed rows' explanations: the values set aside are counted on the other threads
    // while this one evaluates the run (the top rows are already known).
    let (out, streamed) = match (&scored.top, &scored.columns) {
        (Some(top), None) if cfg.top_k > 0 => {
            let targets = top_values(top, &scored.top_values, cfg.lab.features.len())?;
            let mut counter = RowCounter::new(&targets);
            let (out, read) =
                data::count_rows_while(&source, &plan, scored.set_aside, &mut counter, evaluated);
            read?;
            (out, Some((top, targets, counter)))
        }
        _ => (evaluated(), None),
    };
    let mut out = out?;
    if let Some(parked) = parked {
        let x = parked
            .restore()
            .context("could not read back the plot's column from its temporary file")?;
        out.plot_x = Some(Array1::from(x));
    }
    let mut explainer = Explainer::new(&cfg.lab, &out, &scored.fitted);
    match &scored.columns {
        Some(columns) => {
            for (i, column) in columns.iter().enumerate() {
                explainer.feed_column(i, column);
            }
        }
        None => {
            if let Some((top, targets, counter)) = streamed {
                if !explainer.indices().eq(top.iter().copied()) {
                    anyhow::bail!("the run's top cases are not the rows the scorer kept");
                }
                for (i, values) in targets.into_iter().enumerate() {
                    explainer.set_values(i, values);
                }
                explainer.set_counts(counter);
            }
        }
    }
    out.top_cases = explainer.finish();
    if export {
        out.columns = scored.columns;
    }
    let params = DataParams {
        file: source.name(),
        rows: scored.rows,
        hash: scored.hash,
        label: plan.label.clone(),
    };
    Ok(Computed {
        cfg,
        out,
        data: Some(params),
        source: Some((source, plan)),
    })
}

/// Each feature's values in the rows `top` (feature by feature, in top order), from the
/// values the scorer kept for its top rows.
fn top_values(
    top: &[usize],
    kept: &std::collections::HashMap<usize, Vec<f64>>,
    features: usize,
) -> Result<Vec<Vec<f64>>> {
    (0..features)
        .map(|i| {
            top.iter()
                .map(|r| kept.get(r).map(|v| v[i]))
                .collect::<Option<Vec<f64>>>()
                .ok_or_else(|| anyhow::anyhow!("the scorer kept fewer top rows than listed"))
        })
        .collect()
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

/// What a generated run of `cfg` holds at its peak (see [`memory::Footprint`]).
pub(super) fn footprint(
    cfg: &RunConfig,
    with_plot: bool,
    keeps_columns: bool,
) -> memory::Footprint {
    footprint_of(cfg, with_plot, keeps_columns, false)
}

/// [`footprint`] of a sweep over `cfg`'s population.
pub(super) fn sweep_footprint(cfg: &RunConfig) -> memory::Footprint {
    footprint_of(cfg, false, false, true)
}

fn footprint_of(cfg: &RunConfig, with_plot: bool, keeps: bool, sweep: bool) -> memory::Footprint {
    let features = cfg.lab.features.len();
    let n = cfg.n;
    // A quantile cut flags about (1 - q) of the cases; a threshold may flag them all.
    let priority = match cfg.cut {
        crate::run::Cut::Quantile(q) => ((1.0 - q) * n as f64).ceil() as usize + 1,
        crate::run::Cut::Threshold(_) => n,
    };
    memory::Footprint {
        n,
        with_plot,
        labelled: cfg.lab.labels.is_some(),
        sweep,
        curves_json: false,
        kept: if keeps {
            n as u128 * 8 * features as u128
        } else {
            0
        },
        top: cfg.top_k,
        features,
        priority,
    }
}

fn warn_about_weights(cfg: &RunConfig) {
    // Only where the lab says its features are on 0-1 (Module 2) does the sum of the
    // weights say what scale the score is on.
    if !cfg.lab.unit_score {
        return;
    }
    let sum: f64 = cfg.lab.features.iter().map(|f| f.weight).sum();
    if (sum - 1.0).abs() > 1e-9 {
        let sum = if sum.is_finite() {
            crate::readable::number(sum)
        } else {
            "more than 1.8e308".to_string()
        };
        say!("warning: the weights sum to {sum}, not 1, so scores are not on the 0-1 scale");
    }
}
