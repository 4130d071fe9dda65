//! The scatter plot's axes box: where it sits in the figure (matplotlib's `tight_layout`
//! margins around the tick labels) and how data values map to its pixels.

use super::ticks::{self, Axis};
use super::{
    BOX_EM, DESCENT_EM, HEIGHT, LABEL_EM, LABEL_PAD, LAYOUT_PAD, PT, PlotInput, SUBTITLE_EM,
    TICK_LEN, TICK_PAD, TITLE_BOX_EM, TITLE_EM, TITLE_PAD, WIDTH, text,
};

/// The narrowest the axes box gets, however wide the y tick labels are.
const MIN_BOX_WIDTH: f64 = 200.0;

/// The axes box in pixels and the data ranges it maps.
pub(super) struct Frame {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub x: Axis,
    pub y: Axis,
}

impl Frame {
    pub(super) fn layout(input: &PlotInput) -> Frame {
        let label_h = BOX_EM * LABEL_EM;
        let bottom =
            f64::from(HEIGHT) - (LAYOUT_PAD + 2.0 * label_h + LABEL_PAD + TICK_LEN + TICK_PAD);
        let subtitle = if input.subtitle.is_some() {
            SUBTITLE_EM * BOX_EM
        } else {
            0.0
        };
        let top =
            LAYOUT_PAD + TITLE_BOX_EM * TITLE_EM + TITLE_PAD - DESCENT_EM * TITLE_EM + subtitle;
        // matplotlib sizes nbins from the axis length: 3 label heights across x, 2 along y.
        let y_nbins = ((bottom - top) / PT / (2.0 * 10.0)).floor() as usize;
        let (lo, hi) = finite_range(input.y);
        let y = Axis::fit_range(lo, hi).with_ticks(y_nbins);
        let widest = y
            .labels()
            .iter()
            .map(|l| text::width(l, LABEL_EM))
            .fold(0.0, f64::max);
        let right = f64::from(WIDTH) - LAYOUT_PAD;
        let left = (LAYOUT_PAD + label_h + LABEL_PAD + widest + TICK_PAD + TICK_LEN)
            .min(right - MIN_BOX_WIDTH);
        let x_nbins = ((right - left) / PT / (3.0 * 10.0)).floor() as usize;
        let (lo, hi) = finite_range(input.x);
        let x = Axis::fit_range(lo, hi).with_ticks(x_nbins);
        Frame {
            left,
            right,
            top,
            bottom,
            x,
            y,
        }
    }

    /// A data value's pixel column.
    pub(super) fn px(&self, x: f64) -> f64 {
        self.left + self.x.fraction(x) * (self.right - self.left)
    }

    /// A data value's pixel row.
    pub(super) fn py(&self, y: f64) -> f64 {
        self.bottom - self.y.fraction(y) * (self.bottom - self.top)
    }

    /// An x tick's pixel column (ticks are in the axis' display units).
    pub(super) fn tick_px(&self, t: f64) -> f64 {
        self.left + self.x.tick_fraction(t) * (self.right - self.left)
    }

    /// A y tick's pixel row.
    pub(super) fn tick_py(&self, t: f64) -> f64 {
        self.bottom - self.y.tick_fraction(t) * (self.bottom - self.top)
    }
}

/// [`ticks::finite_range`] of a column, the same two doubles: eight running extremes the
/// compiler keeps in vector registers, not one whose every step waits on the last (less
/// than half the time at millions of cases). The lanes can disagree with the one-by-one
/// fold only on the sign of a zero, so a zero extreme is left to the fold.
fn finite_range(values: &[f64]) -> (f64, f64) {
    const LANES: usize = 8;
    let (mut lo, mut hi) = ([f64::INFINITY; LANES], [f64::NEG_INFINITY; LANES]);
    let mut chunks = values.chunks_exact(LANES);
    for chunk in &mut chunks {
        for ((lo, hi), &v) in lo.iter_mut().zip(&mut hi).zip(chunk) {
            let finite = v.is_finite();
            *lo = if finite && v < *lo { v } else { *lo };
            *hi = if finite && v > *hi { v } else { *hi };
        }
    }
    let lanes = lo.into_iter().zip(hi);
    let (lo, hi) = ticks::finite_range(
        lanes
            .flat_map(|(l, h)| [l, h])
            .chain(chunks.remainder().iter().copied()),
    );
    if lo == 0.0 || hi == 0.0 {
        return ticks::finite_range(values.iter().copied());
    }
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn signed_zeros_fall_as_the_fold_has_them() {
        // A case the lanes alone get wrong: they meet -0.0 and 0.0 in another order.
        let mut values = vec![0.0; 24];
        values[0] = f64::INFINITY;
        values[8] = -0.0;
        let (a, b) = ticks::finite_range(values.iter().copied());
        let (lo, hi) = finite_range(&values);
        assert_eq!((lo.to_bits(), hi.to_bits()), (a.to_bits(), b.to_bits()));
    }

    proptest! {
        #[test]
        fn a_columns_range_is_the_one_by_one_folds(
            values in prop::collection::vec(prop_oneof![
                prop::sample::select(vec![
                    0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1.0,
                ]),
                any::<f64>(),
            ], 0..100),
        ) {
            let (lo, hi) = finite_range(&values);
            let (a, b) = ticks::finite_range(values.iter().copied());
            prop_assert_eq!((lo.to_bits(), hi.to_bits()), (a.to_bits(), b.to_bits()));
        }
    }
}
