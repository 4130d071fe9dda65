//! An RGB pixel buffer with anti-aliased discs and PNG encoding.
//!
//! plotters' bitmap circles snap centre and radius to whole pixels; scatter markers need
//! sub-pixel positions and smooth edges to look like matplotlib's, so they are drawn here.

use super::PlotError;

pub(super) struct Canvas {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Canvas {
    /// A white canvas.
    pub(super) fn new(width: u32, height: u32) -> Canvas {
        Canvas {
            width,
            height,
            rgb: vec![255; width as usize * height as usize * 3],
        }
    }

    pub(super) fn rgb_mut(&mut self) -> &mut [u8] {
        &mut self.rgb
    }

    /// A filled disc centred at (cx, cy) in pixel coordinates (pixel centres at +0.5),
    /// with coverage-based edges, clipped to (left, top, right, bottom).
    pub(super) fn disc(
        &mut self,
        cx: f64,
        cy: f64,
        r: f64,
        rgb: [u8; 3],
        clip: (f64, f64, f64, f64),
    ) {
        let (l, t, rr, b) = clip;
        let x0 = (cx - r - 1.0).max(l).floor().max(0.0) as u32;
        let x1 = ((cx + r + 1.0).min(rr).ceil() as u32).min(self.width);
        let y0 = (cy - r - 1.0).max(t).floor().max(0.0) as u32;
        let y1 = ((cy + r + 1.0).min(b).ceil() as u32).min(self.height);
        for py in y0..y1 {
            for px in x0..x1 {
                let dx = f64::from(px) + 0.5 - cx;
                let dy = f64::from(py) + 0.5 - cy;
                let coverage = (r + 0.5 - (dx * dx + dy * dy).sqrt()).clamp(0.0, 1.0);
                if coverage > 0.0 {
                    self.blend(px, py, rgb, coverage);
                }
            }
        }
    }

    /// Blends one pixel; coordinates off the canvas are ignored.
    pub(super) fn blend_at(&mut self, x: i64, y: i64, rgb: [u8; 3], alpha: f64) {
        if (0..i64::from(self.width)).contains(&x) && (0..i64::from(self.height)).contains(&y) {
            self.blend(x as u32, y as u32, rgb, alpha.clamp(0.0, 1.0));
        }
    }

    /// Paints towards `rgb` with at least `alpha` of it, never less than the pixel already
    /// has of it, so overlapping strokes of one line do not darken where they meet.
    pub(super) fn max_blend_at(&mut self, x: i64, y: i64, rgb: [u8; 3], alpha: f64) {
        if !((0..i64::from(self.width)).contains(&x) && (0..i64::from(self.height)).contains(&y)) {
            return;
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        for (dst, &src) in self.rgb[i..i + 3].iter_mut().zip(&rgb) {
            let target = 255.0 * (1.0 - alpha) + f64::from(src) * alpha;
            let mixed = if f64::from(src) < 255.0 {
                f64::from(*dst).min(target.max(f64::from(src)))
            } else {
                f64::from(*dst)
            };
            *dst = rounded(mixed);
        }
    }

    fn blend(&mut self, x: u32, y: u32, rgb: [u8; 3], alpha: f64) {
        let i = (y as usize * self.width as usize + x as usize) * 3;
        for (dst, &src) in self.rgb[i..i + 3].iter_mut().zip(&rgb) {
            let mixed = f64::from(*dst) * (1.0 - alpha) + f64::from(src) * alpha;
            *dst = rounded(mixed);
        }
    }

    /// The canvas as an 8-bit RGB PNG.
    pub(super) fn encode_png(&self) -> Result<Vec<u8>, PlotError> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, self.width, self.height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header()?;
        writer.write_image_data(&self.rgb)?;
        writer.finish()?;
        Ok(out)
    }
}

/// `v.round() as u8` for v in [0, 255] (to nearest, halves up), without the call to
/// libm's `round` that baseline x86-64 makes of it: the fraction `v - trunc(v)` is exact.
#[inline]
fn rounded(v: f64) -> u8 {
    let whole = v as u8;
    whole + u8::from(v - f64::from(whole) >= 0.5)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_channel_rounds_as_round_does() {
        let mut v = 0.0f64;
        while v <= 255.0 {
            // Each step, and the doubles either side of it (halves included).
            let below = f64::from_bits(v.to_bits().saturating_sub(1)).max(0.0);
            let above = f64::from_bits(v.to_bits() + 1).min(255.0);
            for x in [v, below, above] {
                assert_eq!(super::rounded(x), x.round() as u8, "{x}");
            }
            v += 0.125;
        }
        assert_eq!(super::rounded(0.49999999999999994), 0);
    }
}
