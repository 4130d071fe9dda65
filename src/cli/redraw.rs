//! After an input-distribution change, are the cases still the same cases? numpy draws the
//! feature columns in turn from one stream, so a redrawn feature leaves the others alone
//! exactly when it used as many random numbers as before. Both runs are drawn again and
//! their columns compared bit for bit to settle it.

use super::recompute::{gives_back, rebuild};
use crate::compare::{self, Comparison};
use crate::report::RunReport;
use crate::run::simulate_keeping;
use anyhow::Result;
use std::path::Path;

/// `cmp` with its case-level part filled in when only the changed features' values differ,
/// or with a precise reason when the cases are not the same.
pub(super) fn settle(
    mut cmp: Comparison,
    before: &RunReport,
    after: &RunReport,
    lab_file: Option<&Path>,
) -> Result<Comparison> {
    if !compare::only_distributions_differ(&cmp) || before.params.seed.is_none() {
        return Ok(cmp);
    }
    let changed: Vec<String> = {
        let mut names: Vec<String> = cmp
            .population_differs
            .iter()
            .filter_map(|p| p.split_once('.').map(|(_, f)| f.to_string()))
            .collect();
        names.dedup();
        names
    };
    let differs = cmp.population_differs.join(", ");
    match draw_and_find_shift(before, after, lab_file, &changed) {
        Ok(None) => Ok(compare::with_redrawn(cmp, before, after, changed)?),
        Ok(Some(shifted)) => {
            cmp.population_detail = Some(format!(
                "the runs differ in {differs}, and numpy draws the feature columns in turn \
                 from one stream: {} used a different count of random numbers, so {} (drawn \
                 after) came out different too. Case 14 of one is not case 14 of the other; \
                 change the last-drawn feature, or compare the metrics only.",
                changed.join(", "),
                shifted.join(", ")
            ));
            Ok(cmp)
        }
        Err(why) => {
            cmp.population_detail = Some(format!(
                "the runs differ in {differs}; whether the other features' values stayed the \
                 same could not be checked ({why:#})"
            ));
            Ok(cmp)
        }
    }
}

/// A run drawn again: its feature names, raw columns and threat labels.
type Drawn = (Vec<String>, Vec<Vec<f64>>, Option<Vec<bool>>);

/// Draws both runs again; the unchanged features whose values differ (empty: none).
fn draw_and_find_shift(
    before: &RunReport,
    after: &RunReport,
    lab_file: Option<&Path>,
    changed: &[String],
) -> Result<Option<Vec<String>>> {
    let features = before.params.weights.0.len() as u128;
    let need = 2 * before.params.n as u128 * features * 8 + (64 << 20);
    if crate::memory::available().is_some_and(|(have, _)| need > u128::from(have)) {
        anyhow::bail!(
            "drawing both runs again needs {}",
            crate::memory::human(need)
        );
    }
    let draw = |run: &RunReport| -> Result<Drawn> {
        let resolved = rebuild(&run.params, lab_file, "--lab")?;
        let out = simulate_keeping(&resolved.cfg, false, true, &mut |_| {})?;
        if !gives_back(&out, run) {
            anyhow::bail!("drawing it again did not give its numbers back: another tool version?");
        }
        let names = resolved
            .cfg
            .lab
            .features
            .iter()
            .map(|f| f.name.clone())
            .collect();
        Ok((names, out.columns.unwrap_or_default(), out.labels))
    };
    let (names, cols0, labels0) = draw(before)?;
    let (names1, cols1, labels1) = draw(after)?;
    if names != names1 || labels0 != labels1 {
        anyhow::bail!("the runs' features or threats differ");
    }
    let same = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
    let shifted: Vec<String> = names
        .iter()
        .zip(cols0.iter().zip(&cols1))
        .filter(|(name, (a, b))| !changed.contains(name) && !same(a, b))
        .map(|(name, _)| name.clone())
        .collect();
    Ok((!shifted.is_empty()).then_some(shifted))
}
