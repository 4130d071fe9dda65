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
    let parts = crate::threads::for_items(input.x.len());
    let (normal, priority) = count(f, input, (x0, y0, w, h), parts);
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

/// Per pixel of the box (x0, y0, w, h): how many cases that are not priority, and how many
/// that are, fall there. A count is a sum, so the cases are counted in `parts` runs, one a
/// thread, whose counts are added up: the same counts in any order.
fn count(
    f: &Frame,
    input: &PlotInput,
    (x0, y0, w, h): (usize, usize, usize, usize),
    parts: usize,
) -> (Vec<u32>, Vec<u32>) {
    let part = |cases: std::ops::Range<usize>| {
        let mut normal = vec![0u32; w * h];
        let mut priority = vec![0u32; w * h];
        let first = input.priority.partition_point(|&p| p < cases.start);
        let mut next_priority = input.priority[first..].iter().peekable();
        for i in cases {
            let is_priority = next_priority.next_if(|&&p| p == i).is_some();
            let (px, py) = (f.px(input.x[i]) - x0 as f64, f.py(input.y[i]) - y0 as f64);
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
        (normal, priority)
    };
    let n = input.x.len().min(input.y.len());
    let len = crate::threads::part_len(n, parts);
    let runs = (0..n).step_by(len).map(|start| start..(start + len).min(n));
    let mut counted = crate::threads::map(runs.collect(), part);
    let (mut normal, mut priority) = counted.pop().unwrap_or_else(|| part(0..0));
    for (normal_part, priority_part) in counted {
        let pairs = normal.iter_mut().zip(normal_part);
        for (total, count) in pairs.chain(priority.iter_mut().zip(priority_part)) {
            *total = total.saturating_add(count);
        }
    }
    (normal, priority)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_in_parts_are_the_counts_in_one() {
        let n = 10_007;
        let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64).collect();
        let y: Vec<f64> = (0..n).map(|i| ((i * 104_729) % 997) as f64).collect();
        let priority: Vec<usize> = (0..n).filter(|&i| y[i] >= 800.0).collect();
        let input = PlotInput {
            x: &x,
            y: &y,
            priority: &priority,
            labels: None,
            x_label: "x",
            y_label: "y",
            title: "t",
            subtitle: None,
            threshold_line: None,
            moved: None,
        };
        let f = Frame::layout(&input);
        let area = (f.left.ceil() as usize, f.top.ceil() as usize, 300, 200);
        let one = count(&f, &input, area, 1);
        assert!(one.0.iter().sum::<u32>() > 0 && one.1.iter().sum::<u32>() > 0);
        for parts in [2, 3, 7] {
            assert!(count(&f, &input, area, parts) == one, "{parts} parts");
        }
    }
}
