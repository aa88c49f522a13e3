//! PNG output, exactly `size`×`size` pixels. Every module is a whole number of pixels
//! (uneven modules confuse decoders); the leftover pixels widen the quiet zone evenly.

use super::matrix::Matrix;
use super::pngfile::{self, Pixels};
use super::raster::{fit, resample, Raster};
use super::{Logo, QrError, QrOptions, Rgba};

/// Where the symbol sits in the image.
struct Layout {
    size: u32,
    /// Pixels per module.
    scale: u32,
    /// Pixel offset of module (0, 0) on both axes.
    origin: u32,
}

impl Layout {
    fn new(matrix: &Matrix, options: &QrOptions) -> Result<Layout, QrError> {
        let width = u32::try_from(matrix.width()).map_err(|e| QrError::Internal(e.to_string()))?;
        let modules = width + 2 * options.margin;
        let scale = options.size / modules;
        if scale == 0 {
            return Err(QrError::SizeTooSmall {
                size: options.size,
                modules,
            });
        }
        Ok(Layout {
            size: options.size,
            scale,
            origin: (options.size - width * scale) / 2,
        })
    }

    /// The module index covering pixel coordinate `p`, if inside the symbol.
    fn module(&self, p: u32) -> Option<usize> {
        p.checked_sub(self.origin)
            .map(|q| (q / self.scale) as usize)
    }
}

pub(super) fn render(
    matrix: &Matrix,
    options: &QrOptions,
    logo: Option<&Logo>,
) -> Result<Vec<u8>, QrError> {
    let layout = Layout::new(matrix, options)?;
    // The seen colour of a dot: SVG viewers composite the path over the background rect.
    let dark = options.dark.over(options.light);
    match logo.and_then(Logo::raster).zip(matrix.hole()) {
        Some((raster, hole)) => {
            let mut pixels = rgba_canvas(matrix, &layout, dark, options.light);
            let scale = layout.scale;
            let hole_px = hole.len as u32 * scale;
            // Half a module of background around the logo, like the SVG.
            let inset = scale / 2;
            let side = hole_px.saturating_sub(2 * inset).max(1);
            let (w, h) = fit(raster, side);
            let x0 = layout.origin + hole.start as u32 * scale + (hole_px - w) / 2;
            let y0 = layout.origin + hole.start as u32 * scale + (hole_px - h) / 2;
            composite(&mut pixels, layout.size, &resample(raster, w, h), x0, y0);
            // Opaque background means opaque result: RGB saves a quarter of the bytes.
            let (kind, bytes): (_, Vec<u8>) = if options.light.a == 255 {
                (
                    Pixels::Rgb,
                    pixels.iter().flat_map(|p| [p.r, p.g, p.b]).collect(),
                )
            } else {
                (
                    Pixels::Rgba,
                    pixels.iter().flat_map(|p| [p.r, p.g, p.b, p.a]).collect(),
                )
            };
            Ok(pngfile::encode(layout.size, layout.size, kind, &bytes))
        }
        None => {
            // Two colours: a 1-bit palette image is 32x smaller to deflate than RGBA.
            Ok(pngfile::encode(
                layout.size,
                layout.size,
                Pixels::Bilevel([options.light, dark]),
                &bilevel_rows(matrix, &layout),
            ))
        }
    }
}

/// Packed 1-bit rows (index 1 = dark), built once per module row and repeated.
fn bilevel_rows(matrix: &Matrix, layout: &Layout) -> Vec<u8> {
    let stride = layout.size.div_ceil(8) as usize;
    let mut out = Vec::with_capacity(stride * layout.size as usize);
    let mut current: Option<(Option<usize>, Vec<u8>)> = None;
    for py in 0..layout.size {
        let my = layout.module(py);
        if current.as_ref().is_none_or(|(m, _)| *m != my) {
            let mut row = vec![0u8; stride];
            if let Some(my) = my {
                for px in 0..layout.size {
                    let dark = layout.module(px).is_some_and(|mx| matrix.is_dark(mx, my));
                    if let (true, Some(byte)) = (dark, row.get_mut(px as usize / 8)) {
                        *byte |= 0x80 >> (px % 8);
                    }
                }
            }
            current = Some((my, row));
        }
        if let Some((_, row)) = &current {
            out.extend_from_slice(row);
        }
    }
    out
}

/// The code as RGBA pixels; each module row is built once and copied `scale` times.
fn rgba_canvas(matrix: &Matrix, layout: &Layout, dark: Rgba, light: Rgba) -> Vec<Rgba> {
    let size = layout.size as usize;
    let mut pixels = Vec::with_capacity(size * size);
    let mut current: Option<(Option<usize>, Vec<Rgba>)> = None;
    for py in 0..layout.size {
        let my = layout.module(py);
        if current.as_ref().is_none_or(|(m, _)| *m != my) {
            let row = (0..layout.size)
                .map(|px| {
                    let is_dark = my
                        .zip(layout.module(px))
                        .is_some_and(|(my, mx)| matrix.is_dark(mx, my));
                    if is_dark {
                        dark
                    } else {
                        light
                    }
                })
                .collect();
            current = Some((my, row));
        }
        if let Some((_, row)) = &current {
            pixels.extend_from_slice(row);
        }
    }
    pixels
}

/// Paints `logo` over the canvas with its top-left corner at (`x0`, `y0`).
fn composite(canvas: &mut [Rgba], size: u32, logo: &Raster, x0: u32, y0: u32) {
    let size = size as usize;
    let (x0, y0) = (x0 as usize, y0 as usize);
    for (ly, src_row) in logo.pixels.chunks_exact(logo.width as usize).enumerate() {
        let start = (y0 + ly) * size + x0;
        let Some(dst_row) = canvas.get_mut(start..start + src_row.len()) else {
            continue;
        };
        for (dst, src) in dst_row.iter_mut().zip(src_row) {
            *dst = src.over(*dst);
        }
    }
}
