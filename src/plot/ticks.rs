//! Axis limits and tick positions chosen the way matplotlib's defaults choose them
//! (5% data margins, `MaxNLocator` with steps 1, 2, 2.5, 5, 10), so the picture reads
//! like the notebook's.

/// One axis: limits and ticks in display units, where a display unit is `10^exponent` data
/// units. As matplotlib's ScalarFormatter does, values of magnitude 1e6 and up, or below
/// 1e-4, are shown in such units with the power written by the axis ("1e308"), so any
/// finite range gets short labels and a finite span.
#[derive(Debug, Clone)]
pub struct Axis {
    pub lim: (f64, f64),
    pub ticks: Vec<f64>,
    pub exponent: i32,
    /// `10^-exponent`: data value times this is the display value.
    to_display: f64,
}

impl Axis {
    /// The padded limits of `values` (non-finite ones ignored), no ticks yet.
    pub fn fit(values: impl Iterator<Item = f64>) -> Axis {
        let (lo, hi) = finite_range(values);
        Axis::fit_range(lo, hi)
    }

    /// The padded limits of data from `lo` to `hi` (infinite where there were none).
    pub(super) fn fit_range(lo: f64, hi: f64) -> Axis {
        let largest = lo.abs().max(hi.abs());
        let magnitude = if largest.is_finite() && largest > 0.0 {
            largest.log10().floor() as i32
        } else {
            0
        };
        // Beyond 10^±307 the unit itself would not be a normal double.
        let exponent = if (-4..6).contains(&magnitude) {
            0
        } else {
            magnitude.clamp(-307, 307)
        };
        let to_display: f64 = format!("1e{}", -exponent).parse().unwrap_or(1.0);
        let lim = padded_limits(lo * to_display, hi * to_display);
        Axis {
            lim,
            ticks: Vec::new(),
            exponent,
            to_display,
        }
    }

    /// The axis with ticks for room for `nbins` intervals.
    pub fn with_ticks(mut self, nbins: usize) -> Axis {
        self.ticks = ticks(self.lim.0, self.lim.1, nbins);
        self
    }

    /// Where a data value falls along the axis: 0 at the low limit, 1 at the high one.
    pub fn fraction(&self, v: f64) -> f64 {
        (v * self.to_display - self.lim.0) / (self.lim.1 - self.lim.0)
    }

    /// Where a display value (a tick) falls along the axis.
    pub fn tick_fraction(&self, t: f64) -> f64 {
        (t - self.lim.0) / (self.lim.1 - self.lim.0)
    }

    /// The tick labels, in display units.
    pub fn labels(&self) -> Vec<String> {
        labels(&self.ticks)
    }

    /// The power of ten the labels are in, as matplotlib writes it ("1e308"), if not 1.
    pub fn unit_text(&self) -> Option<String> {
        (self.exponent != 0).then(|| format!("1e{}", self.exponent))
    }

    /// The axis' label with its unit, where the tick labels are in a power of ten
    /// ("score (×1e308)"): said in the label, it cannot collide with a title.
    pub fn label(&self, name: &str) -> String {
        match self.unit_text() {
            Some(unit) => format!("{name} (\u{d7}{unit})"),
            None => name.to_string(),
        }
    }
}

/// Data limits widened by matplotlib's default 5% margin; a zero-width range is widened
/// the way `matplotlib.transforms.nonsingular` does. `lo > hi` means no data.
fn padded_limits(lo: f64, hi: f64) -> (f64, f64) {
    if lo > hi {
        return (-0.05, 0.05);
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(lo.abs()).max(f64::MIN_POSITIVE) {
        return if lo == 0.0 {
            (-0.05, 0.05)
        } else {
            (lo - 0.05 * lo.abs(), hi + 0.05 * hi.abs())
        };
    }
    let m = 0.05 * (hi - lo);
    (lo - m, hi + m)
}

/// Tick positions inside `[vmin, vmax]` for an axis with room for `nbins` intervals.
pub fn ticks(vmin: f64, vmax: f64, nbins: usize) -> Vec<f64> {
    // Axis limits are finite and moderate (see `Axis`); anything else gets no ticks rather
    // than a runaway list.
    if !(vmin.is_finite() && vmax.is_finite() && vmin < vmax && (vmax - vmin).is_finite()) {
        return Vec::new();
    }
    let nbins = nbins.clamp(1, 9) as f64;
    let (scale, offset) = scale_range(vmin, vmax, nbins);
    let (lo, hi) = (vmin - offset, vmax - offset);
    let raw_step = (hi - lo) / nbins;
    let staircase = [0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0];
    let steps: Vec<f64> = staircase.iter().map(|s| s * scale).collect();
    let first_large = steps
        .iter()
        .position(|&s| s >= raw_step)
        .unwrap_or(steps.len() - 1);
    let mut chosen = Vec::new();
    for &step in steps[..=first_large].iter().rev() {
        let best_min = (lo / step).floor() * step;
        let edge = Edge { step, offset };
        let low = edge.le(lo - best_min);
        let high = edge.ge(hi - best_min);
        if !(high - low).is_finite() || high - low > 100.0 {
            continue;
        }
        chosen = (low as i64..=high as i64)
            .map(|i| i as f64 * step + best_min)
            .collect();
        let visible = chosen.iter().filter(|&&t| t >= lo && t <= hi).count();
        if visible >= 2 {
            break;
        }
    }
    // Tolerate the rounding of `i * step` at the ends, as matplotlib's view clipping does.
    let tol = (vmax - vmin) * 1e-10;
    chosen
        .into_iter()
        .map(|t| t + offset)
        .filter(|&t| t >= vmin - tol && t <= vmax + tol)
        .collect()
}

fn scale_range(vmin: f64, vmax: f64, n: f64) -> (f64, f64) {
    let dv = (vmax - vmin).abs();
    let meanv = (vmax + vmin) / 2.0;
    let offset = if meanv.abs() / dv < 100.0 {
        0.0
    } else {
        10f64.powf(meanv.abs().log10().floor()).copysign(meanv)
    };
    (10f64.powf((dv / n).log10().floor()), offset)
}

/// matplotlib's `_Edge_integer`: floor/ceil in units of `step` that forgive rounding error.
struct Edge {
    step: f64,
    offset: f64,
}

impl Edge {
    fn close_to(&self, ms: f64, edge: f64) -> bool {
        let tol = if self.offset > 0.0 {
            let digits = (self.offset / self.step).log10();
            10f64.powf(digits - 12.0).clamp(1e-10, 0.4999)
        } else {
            1e-10
        };
        (ms - edge).abs() < tol
    }

    fn le(&self, x: f64) -> f64 {
        let (d, m) = (x / self.step).floor_and_rem(x, self.step);
        if self.close_to(m / self.step, 1.0) {
            d + 1.0
        } else {
            d
        }
    }

    fn ge(&self, x: f64) -> f64 {
        let (d, m) = (x / self.step).floor_and_rem(x, self.step);
        if self.close_to(m / self.step, 0.0) {
            d
        } else {
            d + 1.0
        }
    }
}

trait FloorRem {
    fn floor_and_rem(self, x: f64, step: f64) -> (f64, f64);
}

impl FloorRem for f64 {
    /// Python's `divmod(x, step)` for a positive step.
    fn floor_and_rem(self, x: f64, step: f64) -> (f64, f64) {
        let d = self.floor();
        (d, x - d * step)
    }
}

/// A value for a label: four significant digits, in scientific notation when that is
/// shorter ("0.4502", "1.235e+12").
pub fn short(v: f64) -> String {
    let plain = format!("{v:.4}");
    let sci = format!("{v:.3e}");
    if v != 0.0 && (v.abs() >= 1e5 || v.abs() < 1e-3) {
        sci
    } else {
        plain
    }
}

/// Labels with the fewest decimals that still tell every tick apart exactly, like
/// matplotlib's ScalarFormatter on ordinary ranges ("0.2", "0.25", "10").
pub fn labels(ticks: &[f64]) -> Vec<String> {
    let decimals = (0..=12).find(|&d| {
        ticks.iter().all(|&t| {
            let s = format!("{t:.d$}");
            s.parse::<f64>()
                .is_ok_and(|p| (p - t).abs() <= 1e-9 * t.abs().max(1e-12))
        })
    });
    // Ticks no fixed decimals tell apart (an axis far from its unit) get four digits each.
    let Some(decimals) = decimals else {
        return ticks
            .iter()
            .map(|&t| short(t).replacen('-', "\u{2212}", 1))
            .collect();
    };
    ticks
        .iter()
        .map(|&t| {
            let s = format!("{t:.decimals$}");
            // Use a real minus sign, as matplotlib does, and never print "-0".
            if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
                s[1..].to_string()
            } else {
                s.replacen('-', "\u{2212}", 1)
            }
        })
        .collect()
}

/// The smallest and largest finite values, one after another (infinities where none are).
pub(super) fn finite_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (lo, hi)
}

#[cfg(test)]
mod tests;
