//! Text on the canvas with the embedded DejaVu Sans: baseline layout with sub-pixel
//! advances and kerning, horizontal or turned 90 degrees counter-clockwise (y-axis label).

use super::raster::Canvas;
use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use std::sync::LazyLock;

/// DejaVu Sans, matplotlib's default face (licence: assets/fonts/LICENSE-DejaVu.txt).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// ab_glyph scales by ascent-to-descent height; DejaVu Sans's is 2384/2048 of its em.
const PX_PER_EM: f32 = 2384.0 / 2048.0;

/// The parsed face, once per process: parsing its tables costs more than drawing a label.
fn font() -> &'static FontRef<'static> {
    static PARSED: LazyLock<FontRef<'static>> = LazyLock::new(|| {
        FontRef::try_from_slice(FONT).expect("the embedded font parses (checked by the plot tests)")
    });
    &PARSED
}

/// Where the anchor point sits along the text.
#[derive(Clone, Copy)]
pub(super) enum Align {
    Start,
    Centre,
    End,
}

/// Width of `text` in pixels at `em` pixels per em.
pub(super) fn width(text: &str, em: f64) -> f64 {
    let font = font();
    let scaled = font.as_scaled(PxScale::from(em as f32 * PX_PER_EM));
    advances(&scaled, text)
        .last()
        .map_or(0.0, |&(_, end)| f64::from(end))
}

/// Each character's glyph and its start offset, plus the running end of the line.
fn advances<F: Font>(
    scaled: &ab_glyph::PxScaleFont<F>,
    text: &str,
) -> Vec<(ab_glyph::GlyphId, f32)> {
    let mut caret = 0.0f32;
    let mut prev = None;
    let mut out = Vec::with_capacity(text.len() + 1);
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            caret += scaled.kern(p, id);
        }
        out.push((id, caret));
        caret += scaled.h_advance(id);
        prev = Some(id);
    }
    out.push((scaled.glyph_id(' '), caret));
    out
}

/// Draws `text` with its baseline through (x, y) and `align` deciding where (x, y) falls
/// along the line. `turned` draws it reading upwards, baseline vertical at x.
pub(super) fn draw(
    canvas: &mut Canvas,
    text: &str,
    em: f64,
    (x, y): (f64, f64),
    align: Align,
    turned: bool,
    rgb: [u8; 3],
) {
    let font = font();
    let scale = PxScale::from(em as f32 * PX_PER_EM);
    let scaled = font.as_scaled(scale);
    let layout = advances(&scaled, text);
    let total = layout.last().map_or(0.0, |&(_, end)| end);
    let shift = match align {
        Align::Start => 0.0,
        Align::Centre => total / 2.0,
        Align::End => total,
    };
    // Along-text position of the start, in the text's own frame.
    let along = if turned { y as f32 } else { x as f32 };
    let start = if turned {
        -along - shift
    } else {
        along - shift
    };
    let (base_whole, base_frac) = split(if turned { x } else { y });
    for &(id, offset) in &layout[..layout.len() - 1] {
        let (u_whole, u_frac) = split(f64::from(start + offset));
        let glyph = id.with_scale_and_position(scale, point(u_frac as f32, base_frac as f32));
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            let u = u_whole + bounds.min.x as i64 + i64::from(gx);
            let v = base_whole + bounds.min.y as i64 + i64::from(gy);
            // Turning the text: along-text u becomes upward y, below-baseline v becomes x.
            let (px, py) = if turned { (v, -u - 1) } else { (u, v) };
            canvas.blend_at(px, py, rgb, f64::from(coverage));
        });
    }
}

/// Whole pixels and the sub-pixel rest, so glyphs rasterise at their exact offset.
fn split(v: f64) -> (i64, f64) {
    let whole = v.floor();
    (whole as i64, v - whole)
}
