//! Line charts side by side on one canvas, for the threshold sweep: queue size against
//! threshold, precision and recall against threshold, and the precision-recall curve with
//! the run's operating point. Same font, ticks and frame as the scatter plot.

use super::raster::Canvas;
use super::text::{self, Align};
use super::ticks::Axis;
use super::{LABEL_EM, PT, PlotError};

/// One line: points in data coordinates, a colour and a legend label.
#[derive(Debug)]
pub struct Series<'a> {
    pub points: Vec<(f64, f64)>,
    pub rgb: [u8; 3],
    pub label: &'a str,
}

/// One panel.
#[derive(Debug)]
pub struct Panel<'a> {
    pub title: String,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub series: Vec<Series<'a>>,
    /// A vertical line (the run's threshold), drawn dashed.
    pub vline: Option<f64>,
    /// A marked point (the run's operating point) and its label.
    pub point: Option<((f64, f64), String)>,
}

const PANEL_W: u32 = 360;
const HEIGHT: u32 = 300;
const SMALL: f64 = 8.0 * PT;

/// Renders the panels left to right.
pub fn render(panels: &[Panel]) -> Result<Vec<u8>, PlotError> {
    let width = PANEL_W * panels.len().max(1) as u32;
    let mut canvas = Canvas::new(width, HEIGHT);
    for (i, p) in panels.iter().enumerate() {
        draw_panel(&mut canvas, p, f64::from(PANEL_W) * i as f64);
    }
    canvas.encode_png()
}

fn draw_panel(canvas: &mut Canvas, p: &Panel, x0: f64) {
    let (left, right) = (x0 + 62.0, x0 + f64::from(PANEL_W) - 14.0);
    let (top, bottom) = (30.0, f64::from(HEIGHT) - 44.0);
    let all = || p.series.iter().flat_map(|s| s.points.iter());
    let xa = Axis::fit(all().map(|p| p.0).chain(p.vline)).with_ticks(4);
    let ya = Axis::fit(all().map(|p| p.1)).with_ticks(5);
    let px = |x: f64| left + xa.fraction(x) * (right - left);
    let py = |y: f64| bottom - ya.fraction(y) * (bottom - top);
    let tick_px = |t: f64| left + xa.tick_fraction(t) * (right - left);
    let tick_py = |t: f64| bottom - ya.tick_fraction(t) * (bottom - top);
    let ink = [0, 0, 0];
    // Frame and ticks.
    for (a, b) in [
        ((left, top), (right, top)),
        ((right, top), (right, bottom)),
        ((right, bottom), (left, bottom)),
        ((left, bottom), (left, top)),
    ] {
        line(canvas, a, b, ink, 1.0);
    }
    for (&t, label) in xa.ticks.iter().zip(xa.labels()) {
        let x = tick_px(t);
        line(canvas, (x, bottom), (x, bottom + 4.0), ink, 1.0);
        text::draw(
            canvas,
            &label,
            SMALL,
            (x, bottom + 15.0),
            Align::Centre,
            false,
            ink,
        );
    }
    for (&t, label) in ya.ticks.iter().zip(ya.labels()) {
        let y = tick_py(t);
        line(canvas, (left - 4.0, y), (left, y), ink, 1.0);
        text::draw(
            canvas,
            &label,
            SMALL,
            (left - 6.0, y + 3.5),
            Align::End,
            false,
            ink,
        );
    }
    text::draw(
        canvas,
        &xa.label(p.x_label),
        LABEL_EM * 0.9,
        ((left + right) / 2.0, bottom + 33.0),
        Align::Centre,
        false,
        ink,
    );
    text::draw(
        canvas,
        &ya.label(p.y_label),
        LABEL_EM * 0.9,
        (x0 + 14.0, (top + bottom) / 2.0),
        Align::Centre,
        true,
        ink,
    );
    text::draw(
        canvas,
        &p.title,
        LABEL_EM,
        ((left + right) / 2.0, top - 10.0),
        Align::Centre,
        false,
        ink,
    );
    let clip = (left, top, right, bottom);
    if let Some(v) = p.vline {
        let x = px(v);
        let mut y = top;
        while y < bottom {
            line(
                canvas,
                (x, y),
                (x, (y + 4.0).min(bottom)),
                [0x55, 0x55, 0x55],
                1.0,
            );
            y += 7.0;
        }
    }
    for s in &p.series {
        let pts: Vec<(f64, f64)> = s.points.iter().map(|&(x, y)| (px(x), py(y))).collect();
        for w in pts.windows(2) {
            line(canvas, w[0], w[1], s.rgb, 1.6);
        }
    }
    if let Some(((x, y), label)) = &p.point {
        canvas.disc(px(*x), py(*y), 4.5, [0, 0, 0], clip);
        canvas.disc(px(*x), py(*y), 3.0, [0xff, 0xcc, 0x00], clip);
        text::draw(
            canvas,
            label,
            SMALL,
            (px(*x) + 7.0, py(*y) - 6.0),
            Align::Start,
            false,
            ink,
        );
    }
    // Legend, top right, where there is more than one line.
    if p.series.len() > 1 {
        let mut y = top + 12.0;
        for s in &p.series {
            line(
                canvas,
                (right - 78.0, y - 3.0),
                (right - 62.0, y - 3.0),
                s.rgb,
                2.0,
            );
            text::draw(
                canvas,
                s.label,
                SMALL,
                (right - 58.0, y),
                Align::Start,
                false,
                ink,
            );
            y += 12.0;
        }
    }
}

/// An anti-aliased line of `width` pixels from a to b.
fn line(canvas: &mut Canvas, a: (f64, f64), b: (f64, f64), rgb: [u8; 3], width: f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    let steps = (len * 2.0).ceil().max(1.0) as usize;
    let half = width / 2.0;
    for i in 0..=steps {
        let t = i as f64 / steps as f64;
        let (x, y) = (a.0 + dx * t, a.1 + dy * t);
        // Cover the pixels within half the width of this point.
        let r = half.ceil() as i64 + 1;
        for oy in -r..=r {
            for ox in -r..=r {
                let (cx, cy) = (x.floor() as i64 + ox, y.floor() as i64 + oy);
                let d = ((cx as f64 + 0.5 - x).powi(2) + (cy as f64 + 0.5 - y).powi(2)).sqrt();
                let cover = (half + 0.5 - d).clamp(0.0, 1.0);
                if cover > 0.0 {
                    canvas.max_blend_at(cx, cy, rgb, cover);
                }
            }
        }
    }
}
