//! The scatter plot's axes box: where it sits in the figure (matplotlib's `tight_layout`
//! margins around the tick labels) and how data values map to its pixels.

use super::ticks::Axis;
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
        let y = Axis::fit(input.y.iter().copied()).with_ticks(y_nbins);
        let widest = y
            .labels()
            .iter()
            .map(|l| text::width(l, LABEL_EM))
            .fold(0.0, f64::max);
        let right = f64::from(WIDTH) - LAYOUT_PAD;
        let left = (LAYOUT_PAD + label_h + LABEL_PAD + widest + TICK_PAD + TICK_LEN)
            .min(right - MIN_BOX_WIDTH);
        let x_nbins = ((right - left) / PT / (3.0 * 10.0)).floor() as usize;
        let x = Axis::fit(input.x.iter().copied()).with_ticks(x_nbins);
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
