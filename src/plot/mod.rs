//! The lab's scatter plot as PNG bytes, laid out like the notebook's matplotlib figure:
//! 6x3 inches at 100 dpi, DejaVu Sans (embedded, so no system fonts are needed),
//! coolwarm's two ends for normal and priority cases, `tight_layout` margins.
//!
//! Rendering is pure (data in, bytes out); writing the file is the caller's job.

mod density;
mod frame;
pub mod lines;
mod raster;
mod text;
pub mod ticks;

use frame::Frame;
use plotters::prelude::*;
use raster::Canvas;
use text::Align;

pub const WIDTH: u32 = 600;
pub const HEIGHT: u32 = 300;
/// coolwarm(0.0) and coolwarm(1.0), the colours `c=priority, cmap="coolwarm"` gives.
pub const NORMAL_RGB: [u8; 3] = [0x3b, 0x4c, 0xc0];
pub const PRIORITY_RGB: [u8; 3] = [0xb4, 0x04, 0x26];

// matplotlib's defaults at 100 dpi, in pixels (1 pt = 100/72 px).
const PT: f64 = 100.0 / 72.0;
const LABEL_EM: f64 = 10.0 * PT;
const TITLE_EM: f64 = 12.0 * PT;
const SUBTITLE_EM: f64 = 9.0 * PT;
const LAYOUT_PAD: f64 = 1.08 * LABEL_EM;
const TICK_LEN: f64 = 3.5 * PT;
const TICK_PAD: f64 = 3.5 * PT;
const LABEL_PAD: f64 = 4.0 * PT;
const TITLE_PAD: f64 = 6.0 * PT;
/// Text boxes as matplotlib's Agg measures DejaVu Sans: 1.0325 em tall at 10 pt, 1.02 em at
/// 12 pt, 0.236 em of it below the baseline.
const BOX_EM: f64 = 1.0325;
const TITLE_BOX_EM: f64 = 1.02;
const DESCENT_EM: f64 = 0.236;
/// `s=24` is the marker's area in pt^2; its 1 pt edge in the face colour adds to the radius.
const MARKER_RADIUS: f64 = (2.449_489_742_783_178 + 0.5) * PT; // sqrt(24) / 2 + 1 pt / 2

/// What the plot shows.
#[derive(Debug, Clone, Copy)]
pub struct PlotInput<'a> {
    pub x: &'a [f64],
    pub y: &'a [f64],
    /// Priority indices, ascending.
    pub priority: &'a [usize],
    /// Ground truth (true = threat), where the lab has it: threats get a dark ring.
    pub labels: Option<&'a [bool]>,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub title: &'a str,
    /// What this run changed from its lab ("quantile 0.9"), drawn under the title.
    pub subtitle: Option<&'a str>,
    /// Draw the threshold as a dashed line, with a legend.
    pub threshold_line: Option<f64>,
    /// Cases that entered and left the priority set in a comparison, to be marked.
    pub moved: Option<PriorityMoves<'a>>,
}

/// The cases a change moved, for `compare --plot` (ascending indices).
#[derive(Debug, Clone, Copy)]
pub struct PriorityMoves<'a> {
    pub entered: &'a [usize],
    pub left: &'a [usize],
}

const ENTERED_RGB: [u8; 3] = [0x1a, 0x9e, 0x3a];
const LEFT_RGB: [u8; 3] = [0xe0, 0x80, 0x00];

#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("PNG encoding failed: {0}")]
    Encode(#[from] png::EncodingError),
}

/// Above this many points a scatter is a solid blob; the plot shows density instead.
pub const DENSITY_ABOVE: usize = 100_000;

/// Renders the plot and returns the PNG file's bytes: a scatter as in the notebook, or
/// for more than [`DENSITY_ABOVE`] points a density view that says so in its title.
pub fn render_png(input: &PlotInput) -> Result<Vec<u8>, PlotError> {
    let mut canvas = Canvas::new(WIDTH, HEIGHT);
    let density = input.x.len() > DENSITY_ABOVE;
    // The density view says what its colours mean above the axes, never over the data.
    let note = density.then(|| {
        let note = "density view: red = priority, blue = not priority, darker = more cases \
                    per pixel (log scale)";
        match input.subtitle {
            Some(s) => format!("{s} · {note}"),
            None => note.to_string(),
        }
    });
    let input = &PlotInput {
        subtitle: note.as_deref().or(input.subtitle),
        ..*input
    };
    let frame = Frame::layout(input);
    let title = if density {
        density::draw(&mut canvas, &frame, input);
        format!("{} (n = {})", input.title, thousands(input.x.len()))
    } else {
        draw_markers(&mut canvas, &frame, input);
        input.title.to_string()
    };
    if let Some(t) = input.threshold_line {
        let legend = input.labels.is_none() && input.moved.is_none();
        threshold_line(&mut canvas, &frame, t, legend);
    }
    draw_axes(&mut canvas, &frame, input, &title);
    canvas.encode_png()
}

/// 10000000 -> "10,000,000".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Markers in data order, as matplotlib draws a scatter, clipped to the axes box. In a
/// labelled lab the threats are drawn last, each inside a dark ring, so a blue ringed
/// marker is a missed threat and a red one without a ring a false alarm.
fn draw_markers(canvas: &mut Canvas, f: &Frame, input: &PlotInput) {
    let clip = (f.left, f.top, f.right, f.bottom);
    let mut flagged = vec![false; input.x.len()];
    for &p in input.priority {
        flagged[p] = true;
    }
    let colour = |i: usize| if flagged[i] { PRIORITY_RGB } else { NORMAL_RGB };
    let threat = |i: usize| input.labels.is_some_and(|l| l[i]);
    // Markers shrink as cases multiply, so the step to the density view above
    // DENSITY_ABOVE cases is no jolt; the notebook's 96 keep matplotlib's size.
    let radius = marker_radius(input.x.len());
    for (i, (&x, &y)) in input.x.iter().zip(input.y).enumerate() {
        if !threat(i) {
            canvas.disc(f.px(x), f.py(y), radius, colour(i), clip);
        }
    }
    for (i, (&x, &y)) in input.x.iter().zip(input.y).enumerate() {
        if threat(i) {
            ringed(canvas, f.px(x), f.py(y), colour(i), clip);
        }
    }
    if let Some(m) = input.moved {
        for (cases, rgb) in [(m.entered, ENTERED_RGB), (m.left, LEFT_RGB)] {
            for &i in cases.iter().filter(|&&i| i < input.x.len()) {
                ring(canvas, f.px(input.x[i]), f.py(input.y[i]), rgb, clip);
            }
        }
        moved_legend(canvas, f, clip, m, input.labels.is_some());
    } else if input.labels.is_some() {
        legend(canvas, f, clip);
    }
}

/// A hollow ring around a marker: drawn as a disc of the colour with the marker redrawn
/// inside would hide it, so only the annulus is painted.
fn ring(canvas: &mut Canvas, x: f64, y: f64, rgb: [u8; 3], clip: (f64, f64, f64, f64)) {
    let (outer, inner) = (MARKER_RADIUS + 3.5, MARKER_RADIUS + 1.5);
    for py in (y - outer - 1.0).floor() as i64..=(y + outer + 1.0).ceil() as i64 {
        for px in (x - outer - 1.0).floor() as i64..=(x + outer + 1.0).ceil() as i64 {
            let (cx, cy) = (px as f64 + 0.5, py as f64 + 0.5);
            if cx < clip.0 || cy < clip.1 || cx > clip.2 || cy > clip.3 {
                continue;
            }
            let d = ((cx - x).powi(2) + (cy - y).powi(2)).sqrt();
            let cover = (outer + 0.5 - d).clamp(0.0, 1.0) * (d - inner + 0.5).clamp(0.0, 1.0);
            if cover > 0.0 {
                canvas.blend_at(px, py, rgb, cover);
            }
        }
    }
}

/// What the rings of `compare --plot` mean.
fn moved_legend(
    canvas: &mut Canvas,
    f: &Frame,
    clip: (f64, f64, f64, f64),
    m: PriorityMoves,
    threats: bool,
) {
    let em = 8.0 * PT;
    let (x0, mut y) = (f.left + 12.0, f.top + 12.0);
    let entries = [
        (
            format!("entered the priority set ({})", m.entered.len()),
            ENTERED_RGB,
        ),
        (format!("left it ({})", m.left.len()), LEFT_RGB),
    ];
    for (label, rgb) in entries {
        ring(canvas, x0, y, rgb, clip);
        text::draw(
            canvas,
            &label,
            em,
            (x0 + 12.0, y + 0.36 * em),
            Align::Start,
            false,
            [0, 0, 0],
        );
        y += 15.0;
    }
    if threats {
        ringed(canvas, x0, y, NORMAL_RGB, clip);
        let label = "threat (dark edge)";
        text::draw(
            canvas,
            label,
            em,
            (x0 + 12.0, y + 0.36 * em),
            Align::Start,
            false,
            [0, 0, 0],
        );
    }
}

const RING_RGB: [u8; 3] = [0x1a, 0x1a, 0x1a];

/// Full size up to 2,000 cases, then shrinking with the square root of n, to about a pixel.
pub fn marker_radius(n: usize) -> f64 {
    const FULL_UP_TO: f64 = 2000.0;
    if (n as f64) <= FULL_UP_TO {
        MARKER_RADIUS
    } else {
        (MARKER_RADIUS * (FULL_UP_TO / n as f64).sqrt()).max(1.0)
    }
}

fn ringed(canvas: &mut Canvas, x: f64, y: f64, rgb: [u8; 3], clip: (f64, f64, f64, f64)) {
    canvas.disc(x, y, MARKER_RADIUS + 1.6, RING_RGB, clip);
    canvas.disc(x, y, MARKER_RADIUS - 0.4, rgb, clip);
}

/// What the markers mean, in the axes' upper left corner.
fn legend(canvas: &mut Canvas, f: &Frame, clip: (f64, f64, f64, f64)) {
    let em = 8.0 * PT;
    let entries: [(&str, [u8; 3], bool); 3] = [
        ("priority", PRIORITY_RGB, false),
        ("not priority", NORMAL_RGB, false),
        ("threat (ringed)", NORMAL_RGB, true),
    ];
    let (x0, mut y) = (f.left + 10.0, f.top + 10.0);
    for (label, rgb, ring) in entries {
        if ring {
            ringed(canvas, x0, y, rgb, clip);
        } else {
            canvas.disc(x0, y, MARKER_RADIUS, rgb, clip);
        }
        let at = (x0 + 9.0, y + 0.36 * em);
        text::draw(canvas, label, em, at, Align::Start, false, [0, 0, 0]);
        y += 13.0;
    }
}

/// Frame and ticks drawn with plotters; tick labels, axis labels and title as text.
fn draw_axes(canvas: &mut Canvas, f: &Frame, input: &PlotInput, title: &str) {
    // matplotlib snaps 1-px lines to the nearest pixel: the left spine at x = 66.6 fills column 67.
    let snap = |v: f64| v.round() as i32;
    let (l, r, t, b) = (snap(f.left), snap(f.right), snap(f.top), snap(f.bottom));
    let tick_len = TICK_LEN.round() as i32;
    {
        let root =
            BitMapBackend::with_buffer(canvas.rgb_mut(), (WIDTH, HEIGHT)).into_drawing_area();
        let black = BLACK.stroke_width(1);
        let mut lines = vec![vec![(l, t), (r, t), (r, b), (l, b), (l, t)]];
        lines.extend(f.x.ticks.iter().map(|&v| {
            let x = snap(f.tick_px(v));
            vec![(x, b), (x, b + tick_len)]
        }));
        lines.extend(f.y.ticks.iter().map(|&v| {
            let y = snap(f.tick_py(v));
            vec![(l - tick_len, y), (l, y)]
        }));
        for points in lines {
            // Drawing into an in-memory buffer of the right size cannot fail.
            let _ = root.draw(&PathElement::new(points, black));
        }
        let _ = root.present();
    }

    let ink = [0, 0, 0];
    let label_baseline = (BOX_EM - DESCENT_EM) * LABEL_EM;
    let label_h = BOX_EM * LABEL_EM;
    let gap = TICK_LEN + TICK_PAD;
    for (&v, label) in f.x.ticks.iter().zip(f.x.labels()) {
        let at = (f.tick_px(v), f.bottom + gap + label_baseline);
        text::draw(canvas, &label, LABEL_EM, at, Align::Centre, false, ink);
    }
    for (&v, label) in f.y.ticks.iter().zip(f.y.labels()) {
        // 'center_baseline': the box above the baseline is centred on the tick.
        let at = (f.left - gap, f.tick_py(v) + label_baseline / 2.0);
        text::draw(canvas, &label, LABEL_EM, at, Align::End, false, ink);
    }
    let centre_x = (f.left + f.right) / 2.0;
    let x_label_top = f.bottom + gap + label_h + LABEL_PAD;
    let at = (centre_x, x_label_top + label_baseline);
    let x_label = f.x.label(input.x_label);
    text::draw(canvas, &x_label, LABEL_EM, at, Align::Centre, false, ink);
    let at = (LAYOUT_PAD + label_baseline, (f.top + f.bottom) / 2.0);
    let y_label = f.y.label(input.y_label);
    text::draw(canvas, &y_label, LABEL_EM, at, Align::Centre, true, ink);
    let baseline = LAYOUT_PAD + (TITLE_BOX_EM - DESCENT_EM) * TITLE_EM;
    fitted(canvas, title, TITLE_EM, (centre_x, baseline), ink);
    if let Some(sub) = input.subtitle {
        let at = (centre_x, baseline + SUBTITLE_EM * BOX_EM);
        fitted(canvas, sub, SUBTITLE_EM, at, [0x44, 0x44, 0x44]);
    }
}

/// A line of text centred at `at` (over the axes, as matplotlib does) but never past the
/// figure's edges: set smaller until it fits, and cut as a last resort.
fn fitted(canvas: &mut Canvas, line: &str, em: f64, at: (f64, f64), rgb: [u8; 3]) {
    let room = f64::from(WIDTH) - 2.0 * LAYOUT_PAD;
    let mut size = em;
    while text::width(line, size) > room && size > 0.6 * em {
        size *= 0.95;
    }
    let mut shown = line.to_string();
    let chars: Vec<char> = line.chars().collect();
    let mut keep = chars.len();
    while text::width(&shown, size) > room && keep > 4 {
        keep -= 1;
        shown = chars[..keep].iter().collect::<String>() + "…";
    }
    let half = text::width(&shown, size) / 2.0;
    let x =
        at.0.min(f64::from(WIDTH) - LAYOUT_PAD - half)
            .max(LAYOUT_PAD + half);
    text::draw(canvas, &shown, size, (x, at.1), Align::Centre, false, rgb);
}

/// The threshold as a dashed line across the axes, labelled; with `legend`, the colours too.
fn threshold_line(canvas: &mut Canvas, f: &Frame, t: f64, legend: bool) {
    let y = f.py(t);
    if y >= f.top && y <= f.bottom {
        let mut x = f.left;
        while x < f.right {
            let end = (x + 6.0).min(f.right);
            for px in x as i64..end as i64 {
                canvas.blend_at(px, y.round() as i64, [0x30, 0x30, 0x30], 0.9);
            }
            x += 10.0;
        }
        let label = format!("threshold {}", ticks::short(t));
        let at = (f.right - 4.0, y - 4.0);
        text::draw(
            canvas,
            &label,
            8.0 * PT,
            at,
            Align::End,
            false,
            [0x30, 0x30, 0x30],
        );
    }
    if legend {
        let clip = (f.left, f.top, f.right, f.bottom);
        let em = 8.0 * PT;
        let (x0, mut yy) = (f.left + 10.0, f.top + 10.0);
        for (label, rgb) in [("priority", PRIORITY_RGB), ("not priority", NORMAL_RGB)] {
            canvas.disc(x0, yy, MARKER_RADIUS, rgb, clip);
            text::draw(
                canvas,
                label,
                em,
                (x0 + 9.0, yy + 0.36 * em),
                Align::Start,
                false,
                [0, 0, 0],
            );
            yy += 13.0;
        }
    }
}
