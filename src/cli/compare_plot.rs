//! `compare --plot FILE`: the after-run drawn again, with the cases that entered and left the
//! priority set ringed. The run is recomputed from its recorded parameters (and checked
//! against its own summary), since a run's JSON holds no scores.

use super::recompute::{gives_back, rebuild, same_data};
use super::run::compute;
use crate::compare::Comparison;
use crate::plot::{self, PlotInput, PriorityMoves};
use crate::report::RunReport;
use anyhow::{Context, Result, bail};
use std::path::Path;

/// The PNG of the after-run with the moved cases ringed.
pub(super) fn picture(
    after: &RunReport,
    cmp: &Comparison,
    lab_file: Option<&Path>,
) -> Result<Vec<u8>> {
    let Some(moved) = &cmp.priority else {
        bail!(
            "--plot: the runs are different populations ({}), so no case moved: there is \
             nothing to mark",
            cmp.population_differs.join(", ")
        );
    };
    let mut resolved = rebuild(&after.params, lab_file, "--plot")?;
    resolved.cfg.top_k = 0;
    let computed = compute(resolved, true, false)?;
    let out = &computed.out;
    same_data(&after.params, computed.data.as_ref()).context("--plot")?;
    if !gives_back(out, after) {
        bail!(
            "--plot: recomputing the after run did not give its numbers back (another tool \
             version, or another lab file?)"
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
        moved: Some(PriorityMoves {
            entered: &moved.entered,
            left: &moved.left,
        }),
    })?)
}
