//! Decoded logo pixels: the limits every decoder checks, and resampling to the
//! box a logo is drawn in.

use super::{QrError, Rgba};

/// Largest decoded logo, in pixels: 1024×1024, the smallest square of a common icon
/// size covering the largest logo ever drawn ([`super::MAX_DRAWN_SIDE`]², 916²). A
/// small compressed file can declare a huge image; decoding more than is ever drawn
/// only costs CPU (a 2048² logo took 0.3 s).
const MAX_LOGO_PIXELS: u64 = 1024 * 1024;

/// Decoded pixels, straight-alpha RGBA, row-major.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Raster {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<Rgba>,
}

pub(super) fn undecodable(kind: &str, reason: impl std::fmt::Display) -> QrError {
    QrError::Logo(format!("could not be decoded as {kind}: {reason}"))
}

pub(super) fn check_dimensions(width: u32, height: u32) -> Result<(), QrError> {
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_LOGO_PIXELS {
        return Err(QrError::Logo(format!(
            "is {width}x{height} pixels; at most {MAX_LOGO_PIXELS} pixels (1024x1024) are decoded, as a logo is never drawn wider than {} pixels: scale it down",
            super::MAX_DRAWN_SIDE
        )));
    }
    Ok(())
}

/// Dimensions fitting a `side`×`side` box with the raster's aspect ratio kept.
pub(super) fn fit(raster: &Raster, side: u32) -> (u32, u32) {
    let (w, h) = (u64::from(raster.width), u64::from(raster.height));
    let side64 = u64::from(side);
    let (fw, fh) = if w >= h {
        (side64, (side64 * h + w / 2) / w)
    } else {
        ((side64 * w + h / 2) / h, side64)
    };
    let clamp = |v: u64| u32::try_from(v).unwrap_or(side).clamp(1, side);
    (clamp(fw), clamp(fh))
}

/// For each output index, the (input index, weight) pairs of a triangle filter whose
/// radius is one input pixel when enlarging (bilinear) and one output pixel's span when
/// shrinking (so every input pixel contributes: no aliasing). Weights sum to 1.
fn filter_weights(src: u32, dst: u32) -> Vec<Vec<(usize, f32)>> {
    let ratio = src as f32 / dst as f32;
    let radius = ratio.max(1.0);
    (0..dst)
        .map(|i| {
            let centre = (i as f32 + 0.5) * ratio;
            let lo = (centre - radius).floor().max(0.0) as usize;
            let hi = ((centre + radius).ceil() as usize).min(src as usize);
            let mut taps: Vec<(usize, f32)> = (lo..hi)
                .map(|j| (j, 1.0 - ((j as f32 + 0.5 - centre).abs() / radius)))
                .filter(|&(_, w)| w > 0.0)
                .collect();
            let total: f32 = taps.iter().map(|&(_, w)| w).sum();
            if total > 0.0 {
                taps.iter_mut().for_each(|(_, w)| *w /= total);
            }
            taps
        })
        .collect()
}

/// Resizes `src` to `width`×`height`, filtering in premultiplied alpha so transparent
/// pixels' colours don't bleed into edges. Works one output row at a time: memory is
/// O(width), not O(source height × width).
pub(super) fn resample(src: &Raster, width: u32, height: u32) -> Raster {
    let across = filter_weights(src.width, width);
    let down = filter_weights(src.height, height);
    let src_w = src.width as usize;
    let mut pixels = Vec::with_capacity(width as usize * height as usize);
    let mut row_acc = vec![[0f32; 4]; width as usize];
    for taps_y in &down {
        row_acc.iter_mut().for_each(|p| *p = [0.0; 4]);
        for &(sy, wy) in taps_y {
            let Some(line) = src.pixels.get(sy * src_w..(sy + 1) * src_w) else {
                continue;
            };
            for (acc, taps_x) in row_acc.iter_mut().zip(&across) {
                for &(sx, wx) in taps_x {
                    if let Some(p) = line.get(sx) {
                        let w = wx * wy;
                        let a = f32::from(p.a);
                        acc[0] += w * f32::from(p.r) * a;
                        acc[1] += w * f32::from(p.g) * a;
                        acc[2] += w * f32::from(p.b) * a;
                        acc[3] += w * a;
                    }
                }
            }
        }
        pixels.extend(row_acc.iter().map(|&[r, g, b, a]| {
            if a < 0.5 {
                return Rgba::TRANSPARENT;
            }
            // `as u8` saturates, which is the clamp we want for rounding overshoot.
            let c = |v: f32| (v / a).round() as u8;
            Rgba {
                r: c(r),
                g: c(g),
                b: c(b),
                a: a.round() as u8,
            }
        }));
    }
    Raster {
        width,
        height,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(width: u32, height: u32, colour: Rgba) -> Raster {
        Raster {
            width,
            height,
            pixels: vec![colour; (width * height) as usize],
        }
    }

    #[test]
    fn filter_weights_are_normalised() {
        for (src, dst) in [(1, 1), (1, 300), (7, 3), (256, 300), (1000, 37), (300, 300)] {
            let weights = filter_weights(src, dst);
            assert_eq!(weights.len(), dst as usize);
            for taps in weights {
                let total: f32 = taps.iter().map(|&(_, w)| w).sum();
                assert!((total - 1.0).abs() < 1e-4, "{src}->{dst}: {total}");
                assert!(taps.iter().all(|&(j, _)| j < src as usize));
            }
        }
    }

    #[test]
    fn resampling_keeps_flat_colours_and_hides_transparent_ones() {
        let teal = Rgba {
            r: 0,
            g: 128,
            b: 128,
            a: 200,
        };
        for (w, h) in [(1, 1), (13, 40), (300, 200)] {
            let out = resample(&solid(64, 48, teal), w, h);
            assert_eq!(out.pixels.len(), (w * h) as usize);
            assert!(out.pixels.iter().all(|&p| p == teal), "{w}x{h}");
        }
        // Left half opaque black, right half transparent *red*: no red may bleed in.
        let mut half = solid(
            8,
            8,
            Rgba {
                r: 255,
                g: 0,
                b: 0,
                a: 0,
            },
        );
        for row in half.pixels.chunks_exact_mut(8) {
            row[..4].fill(Rgba::BLACK);
        }
        let out = resample(&half, 3, 3);
        assert!(out.pixels.iter().all(|p| p.r == 0), "{:?}", out.pixels);
        assert!(out.pixels[1].a > 0 && out.pixels[1].a < 255);
    }
}
