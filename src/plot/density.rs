//! The density view for large runs: cases counted per pixel, priority and normal kept
//! apart, each shaded from pale to full colour by the logarithm of its count.

use super::raster::Canvas;
use super::{Frame, NORMAL_RGB, PRIORITY_RGB, PlotInput};

/// Counts points per pixel of the axes box and paints them.
pub(super) fn draw(canvas: &mut Canvas, f: &Frame, input: &PlotInput) {
    let (x0, y0) = (f.left.ceil() as usize, f.top.ceil() as usize);
    let (w, h) = (
        f.right.floor() as usize - x0,
        f.bottom.floor() as usize - y0,
    );
    let mut normal = vec![0u32; w * h];
    let mut priority = vec![0u32; w * h];
    let mut next_priority = input.priority.iter().peekable();
    for (i, (&x, &y)) in input.x.iter().zip(input.y).enumerate() {
        let is_priority = next_priority.next_if(|&&p| p == i).is_some();
        let (px, py) = (f.px(x) - x0 as f64, f.py(y) - y0 as f64);
        if px < 0.0 || py < 0.0 || px >= w as f64 || py >= h as f64 {
            continue;
        }
        let cell = py as usize * w + px as usize;
        let counts = if is_priority {
            &mut priority
        } else {
            &mut normal
        };
        counts[cell] = counts[cell].saturating_add(1);
    }
    let max = normal.iter().chain(&priority).copied().max().unwrap_or(0);
    let scale = f64::from(max).ln_1p().max(f64::MIN_POSITIVE);
    for (cell, (&n, &p)) in normal.iter().zip(&priority).enumerate() {
        // Priority wins the one pixel row the threshold runs through.
        let (count, rgb) = if p > 0 {
            (p, PRIORITY_RGB)
        } else {
            (n, NORMAL_RGB)
        };
        if count > 0 {
            // A single case is as strong as the smallest scatter marker, so the views match.
            let depth = 0.55 + 0.45 * f64::from(count).ln_1p() / scale;
            canvas.blend_at((x0 + cell % w) as i64, (y0 + cell / w) as i64, rgb, depth);
        }
    }
}
