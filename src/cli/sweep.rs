//! `anomaly-lab sweep`: the run's population at many cuts, as a table (or Markdown, CSV,
//! JSON) and a picture of what each cut costs and catches.

use super::output::{self, Output};
use super::resolve::resolve;
use super::run::{RunArgs, compute};
use crate::error::UsageError;
use crate::filesystem::{self, Replace};
use crate::plot::lines::{Panel, Series};
use crate::plot::{self, NORMAL_RGB, PRIORITY_RGB};
use crate::run::Cut;
use crate::sweep::{Cuts, Row, Sorted, parse_list};
use anyhow::Result;
use clap::{Args, ValueEnum};
use serde_json::json;
use std::fmt::Write;

/// `run`'s one cut (`--quantile`, `--threshold`) is the sweep's operating point; the flags
/// that list top cases or shape `run`'s picture are not offered (and refused if given, see
/// `refuse_unused_run_flags`).
#[derive(Debug, Args)]
#[command(
    mut_arg("quantile", |a| a.help(
        "The run's own cut, marked as the operating point (the JSON's operating_point, \
         the dot on the precision-recall curve), 0 to 1 [lab default: 0.8]"
    )),
    mut_arg("threshold", |a| a.help(
        "An absolute score as the operating point instead of a quantile"
    )),
    mut_arg("top", |a| a.hide(true)),
    mut_arg("decorate", |a| a.hide(true)),
    mut_arg("plot_x", |a| a.hide(true))
)]
pub(super) struct SweepArgs {
    #[command(flatten)]
    pub run: RunArgs,

    /// Quantiles to cut at: a list (0.5,0.8,0.9) or START:STOP:STEP (0.5:0.99:0.01)
    /// [default: 0.5:0.99:0.01]
    #[arg(long, value_name = "LIST", value_parser = quantiles, conflicts_with = "thresholds",
          allow_hyphen_values = true)]
    pub quantiles: Option<CutList>,

    /// Absolute scores to cut at instead: a list or START:STOP:STEP
    #[arg(long, value_name = "LIST", value_parser = thresholds, allow_hyphen_values = true)]
    pub thresholds: Option<CutList>,

    /// table (aligned), md (Markdown), csv, or json (rows, and for labelled runs
    /// scikit-learn's pr_curve and roc_curve)
    #[arg(long, value_enum, default_value = "table")]
    pub format: SweepFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum SweepFormat {
    Table,
    Md,
    Csv,
    Json,
}

/// The flags `sweep` shares with `run` that it has no use for are refused, not ignored: a
/// student who sweeps with `--top 3` or `--decorate` would otherwise look for what they
/// asked for in vain.
fn refuse_unused_run_flags(run: &RunArgs) -> Result<(), UsageError> {
    let refusal = if run.top.is_some() {
        Some(("--top", "it lists no top cases (`run --top K` does)"))
    } else if run.decorate {
        Some((
            "--decorate",
            "its picture has no threshold line to decorate (`run --decorate` draws one)",
        ))
    } else if run.plot_x.is_some() {
        Some((
            "--plot-x",
            "its picture plots the cuts, not a feature (`run --plot-x` chooses one)",
        ))
    } else {
        None
    };
    refusal.map_or(Ok(()), |(flag, why)| {
        Err(UsageError::new(&format!("sweep takes no {flag}"), why))
    })
}

/// A parsed list of cuts (a newtype, so clap takes the whole list as one value).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct CutList(pub Vec<f64>);

fn quantiles(s: &str) -> Result<CutList, String> {
    parse_list(s, "quantile", Some((0.0, 1.0))).map(CutList)
}

fn thresholds(s: &str) -> Result<CutList, String> {
    parse_list(s, "threshold", None).map(CutList)
}

pub(super) fn execute(args: &SweepArgs) -> Result<()> {
    refuse_unused_run_flags(&args.run)?;
    let mut resolved = resolve(&args.run)?;
    // A sweep lists no top cases: skip ranking and explaining them.
    resolved.cfg.top_k = 0;
    if let Some((_, plan)) = resolved.data.as_mut() {
        plan.top_k = 0;
    }
    let plot_path = (!args.run.no_plot).then(|| {
        args.run.plot.clone().unwrap_or_else(|| {
            // The sweep lists no top cases of its own: that is not a change.
            let changes: Vec<String> = resolved
                .changes()
                .into_iter()
                .filter(|c| !c.starts_with("top_k "))
                .collect();
            super::run::default_picture(&args.run, &resolved.cfg, &changes, "sweep")
        })
    });
    if resolved.data.is_none() {
        let mut need = super::run::sweep_footprint(&resolved.cfg);
        need.curves_json = matches!(args.format, SweepFormat::Json);
        super::refusals::check_memory(&need, super::refusals::n_origin(&args.run))?;
    }
    let plot_output = plot_path
        .as_deref()
        .map(|p| Output::new("--plot", p, Replace::Png));
    if let Some(output) = &plot_output {
        output.check()?;
    }
    let computed =
        compute(resolved, false, false).map_err(|e| super::refusals::blame_flag(e, &args.run))?;
    let (cfg, out) = (&computed.cfg, &computed.out);
    let cuts = match (&args.quantiles, &args.thresholds) {
        (_, Some(t)) => Cuts::Thresholds(t.0.clone()),
        (Some(q), None) => Cuts::Quantiles(q.0.clone()),
        (None, None) => Cuts::Quantiles(quantiles("0.5:0.99:0.01").expect("a valid default").0),
    };
    let scores = out.scores.as_slice().expect("contiguous");
    let sorted = Sorted::new(scores, out.labels.as_deref());
    let rows = sorted.rows(&cuts);
    let curves = sorted.curves();
    let run_quantile = match cfg.cut {
        Cut::Quantile(q) => Some(q),
        Cut::Threshold(_) => None,
    };
    let operating = sorted.row(run_quantile, out.threshold);

    let text = match args.format {
        SweepFormat::Table => table(&rows, false),
        SweepFormat::Md => table(&rows, true),
        SweepFormat::Csv => csv(&rows),
        SweepFormat::Json => {
            let mut doc = json!({
                "format": crate::sweep::SWEEP_FORMAT,
                "format_version": crate::json::FORMAT_VERSION,
                "lab": cfg.lab.id,
                "n": cfg.n,
                "operating_point": operating,
                "rows": rows,
            });
            if let Some(c) = &curves {
                doc["pr_curve"] = json!(c.pr_curve);
                doc["roc_curve"] = json!(c.roc_curve);
                doc["average_precision"] = json!(c.average_precision);
                doc["roc_auc"] = json!(c.roc_auc);
            }
            crate::json::pretty(&doc)
        }
    };
    let pending = match &plot_output {
        Some(output) => vec![output.stage(&picture(&rows, &operating, curves.as_ref())?)?],
        None => Vec::new(),
    };
    output::commit_around(pending, || filesystem::print_stdout(&text))
}

fn header(labelled: bool) -> Vec<&'static str> {
    let mut h = vec!["quantile", "threshold", "priority_count"];
    if labelled {
        h.extend(["precision", "recall", "f1", "fpr", "tp", "fp", "fn"]);
    }
    h
}

fn cells(r: &Row, exact: bool) -> Vec<String> {
    let rate = |x: f64| {
        if exact {
            format!("{x:?}")
        } else {
            format!("{x:.4}")
        }
    };
    let mut c = vec![
        r.quantile
            .map_or(String::from(if exact { "" } else { "-" }), |q| {
                crate::readable::number(q)
            }),
        crate::readable::number(r.threshold),
        r.priority_count.to_string(),
    ];
    if let Some(d) = &r.detection {
        c.extend([rate(d.precision), rate(d.recall), rate(d.f1), rate(d.fpr)]);
        c.extend([d.tp.to_string(), d.fp.to_string(), d.fn_.to_string()]);
    }
    c
}

fn table(rows: &[Row], markdown: bool) -> String {
    let labelled = rows.first().is_some_and(|r| r.detection.is_some());
    let mut all: Vec<Vec<String>> = vec![header(labelled).into_iter().map(String::from).collect()];
    all.extend(rows.iter().map(|r| cells(r, false)));
    let widths: Vec<usize> = (0..all[0].len())
        .map(|i| all.iter().map(|r| r[i].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (k, r) in all.iter().enumerate() {
        let padded: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 && !markdown {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        if markdown {
            let _ = writeln!(out, "| {} |", padded.join(" | "));
            if k == 0 {
                let _ = writeln!(out, "|{}", "---:|".repeat(widths.len()));
            }
        } else {
            let _ = writeln!(out, "{}", padded.join("  ").trim_end());
        }
    }
    out
}

fn csv(rows: &[Row]) -> String {
    let labelled = rows.first().is_some_and(|r| r.detection.is_some());
    let mut out = header(labelled).join(",") + "\n";
    for r in rows {
        out.push_str(&cells(r, true).join(","));
        out.push('\n');
    }
    out
}

/// At most this many points of a curve are drawn; a pixel-wide panel shows no more.
const DRAWN: usize = 2000;

fn thin(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    if points.len() <= DRAWN {
        return points;
    }
    let step = points.len().div_ceil(DRAWN);
    let last = *points.last().expect("not empty");
    let mut v: Vec<(f64, f64)> = points.into_iter().step_by(step).collect();
    v.push(last);
    v
}

fn picture(rows: &[Row], op: &Row, curves: Option<&crate::sweep::Curves>) -> Result<Vec<u8>> {
    let mut by_threshold: Vec<&Row> = rows.iter().collect();
    by_threshold.sort_by(|a, b| a.threshold.total_cmp(&b.threshold));
    let queue = Series {
        points: by_threshold
            .iter()
            .map(|r| (r.threshold, r.priority_count as f64))
            .collect(),
        rgb: NORMAL_RGB,
        label: "queue",
    };
    let mut panels = vec![Panel {
        title: "review queue size by threshold".into(),
        x_label: "threshold",
        y_label: "cases flagged",
        series: vec![queue],
        vline: Some(op.threshold),
        point: Some((
            (op.threshold, op.priority_count as f64),
            format!("run: {}", op.priority_count),
        )),
    }];
    if let (Some(c), Some(d)) = (curves, &op.detection) {
        let rate = |f: &dyn Fn(&crate::sweep::RowDetection) -> f64| -> Vec<(f64, f64)> {
            by_threshold
                .iter()
                .filter_map(|r| r.detection.as_ref().map(|d| (r.threshold, f(d))))
                .collect()
        };
        panels.push(Panel {
            title: "precision and recall by threshold".into(),
            x_label: "threshold",
            y_label: "share",
            series: vec![
                Series {
                    points: rate(&|d| d.precision),
                    rgb: PRIORITY_RGB,
                    label: "precision",
                },
                Series {
                    points: rate(&|d| d.recall),
                    rgb: NORMAL_RGB,
                    label: "recall",
                },
            ],
            vline: Some(op.threshold),
            point: None,
        });
        let pr: Vec<(f64, f64)> = c
            .pr_curve
            .recall
            .iter()
            .copied()
            .zip(c.pr_curve.precision.iter().copied())
            .collect();
        panels.push(Panel {
            title: format!(
                "precision-recall (AP {})",
                plot::ticks::short(c.average_precision)
            ),
            x_label: "recall",
            y_label: "precision",
            series: vec![Series {
                points: thin(pr),
                rgb: [0x2a, 0x7f, 0x3f],
                label: "curve",
            }],
            vline: None,
            point: Some((
                (d.recall, d.precision),
                format!("run: P {:.2}, R {:.2}", d.precision, d.recall),
            )),
        });
    }
    Ok(plot::lines::render(&panels)?)
}
