//! Drawing a generated run's labels and feature columns from one numpy stream, in the
//! order the lab's numpy twin draws them.

use super::{RunConfig, RunError};
use crate::lab::InputDistribution;
use crate::numpy::{
    self, Beta, Gamma, Lognormal, Normal, ParamError, Pcg64, Uniform, column, equal_shape_beta,
};
use crate::scale::Fitted;
use ndarray::Array1;

/// Sees feature i's raw column (which it may take: the next is drawn into a new one), the
/// column the score uses where that is a scaled copy (None: the raw column itself) and the
/// fitted scale.
type ColumnVisitor<'a> = dyn FnMut(usize, &mut Vec<f64>, Option<&[f64]>, Fitted) + 'a;
/// The labels, if any.
type Generated = Option<Vec<bool>>;

/// Draws the labels, then each feature's column in order, exactly as the lab's numpy twin:
///
/// ```python
/// threat = rng.random(n) < prevalence          # only in a labelled lab
/// x = rng.<dist>(..., size=n)                  # each feature in lab order
/// x[threat] = rng.<threat dist>(..., size=threat.sum())   # where threats differ
/// ```
///
/// `each(i, raw, used, fitted)` sees feature i's raw column and, where it is scaled, the
/// column the score uses. Returns the labels.
pub(super) fn generate(cfg: &RunConfig, each: &mut ColumnVisitor) -> Result<Generated, RunError> {
    if !cfg.lab.is_generated() || cfg.lab.features.iter().any(|f| f.distribution.is_none()) {
        return Err(RunError::NotGenerated(cfg.lab.id.clone()));
    }
    let mut rng = numpy::default_rng(cfg.seed);
    let labels: Option<Vec<bool>> = cfg.lab.labels.as_ref().map(|l| {
        let p = l.prevalence.unwrap_or(0.0);
        (0..cfg.n)
            .map(|_| numpy::next_double(&mut rng) < p)
            .collect()
    });
    let threats = labels
        .as_ref()
        .map_or(0, |l| l.iter().filter(|&&t| t).count());
    let mut raw = Vec::new();
    let mut used = Vec::new();
    let mut threat_values = Vec::new();
    for (i, feature) in cfg.lab.features.iter().enumerate() {
        let dist = feature
            .distribution
            .expect("a generated lab has distributions");
        let bad = |problem| RunError::Parameter {
            feature: feature.name.clone(),
            problem,
        };
        if raw.len() != cfg.n {
            // The first column, or the last one was kept: fresh pages, touched first by
            // the drawing threads rather than by a copy on this one.
            raw = vec![0.0; cfg.n];
        }
        draw_into(&dist, &mut rng, &mut raw).map_err(bad)?;
        if let (Some(t), Some(labels)) = (&feature.threat, &labels) {
            threat_values.resize(threats, 0.0);
            draw_into(t, &mut rng, &mut threat_values).map_err(bad)?;
            let positions = labels.iter().enumerate().filter(|(_, t)| **t);
            for ((j, _), &v) in positions.zip(&threat_values) {
                raw[j] = v;
            }
        }
        let fitted = Fitted::fit(feature.scale, &raw).map_err(|problem| RunError::Scale {
            feature: feature.name.clone(),
            problem,
        })?;
        if fitted == Fitted::None {
            each(i, &mut raw, None, fitted);
        } else {
            used.clone_from(&raw);
            fitted.apply_all(&mut used);
            each(i, &mut raw, Some(&used), fitted);
        }
    }
    Ok(labels)
}

/// Draws one feature's column in order (on all cores, bit for bit as one loop would),
/// dispatching on the distribution once, outside the loop.
fn draw_into(dist: &InputDistribution, rng: &mut Pcg64, out: &mut [f64]) -> Result<(), ParamError> {
    match *dist {
        // Equal shapes pair up two identically drawn gammas: see numpy::equal_shape_beta.
        InputDistribution::Beta { a, b } if a == b && a > 1.0 => {
            equal_shape_beta::fill(&Gamma::new(a, 1.0)?, rng, out)
        }
        InputDistribution::Beta { a, b } => column::fill(&Beta::new(a, b)?, rng, out),
        InputDistribution::Uniform { low, high } => {
            column::fill(&Uniform::new(low, high)?, rng, out)
        }
        InputDistribution::Normal { mean, sd } => column::fill(&Normal::new(mean, sd)?, rng, out),
        InputDistribution::Gamma { shape, scale } => {
            column::fill(&Gamma::new(shape, scale)?, rng, out)
        }
        InputDistribution::Lognormal { mean, sigma } => {
            column::fill(&Lognormal::new(mean, sigma)?, rng, out)
        }
    }
    Ok(())
}

/// Draws `n` variates of one distribution from a fresh `default_rng(seed)`, as
/// `rng.<dist>(..., size=n)` does. For parity tests and the examples.
pub fn draw_column(
    dist: &InputDistribution,
    seed: u128,
    n: usize,
) -> Result<Array1<f64>, ParamError> {
    let mut rng = numpy::default_rng(seed);
    let mut column = Array1::<f64>::zeros(n);
    draw_into(dist, &mut rng, column.as_slice_mut().expect("contiguous"))?;
    Ok(column)
}
