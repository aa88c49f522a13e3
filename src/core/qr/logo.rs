//! Logos placed in the centre of a code: sniffing and validating the fetched bytes,
//! decoding PNG/JPEG to RGBA, and resampling to the box they are drawn in.

use super::pngfile::Pixels;
use super::raster::{fit, resample, Raster};
use super::{decode, pngfile, QrError, MAX_SIZE};

/// Largest logo file, fetched, inlined or saved: the one byte cap. A logo is drawn at
/// most [`MAX_DRAWN_SIDE`] pixels wide, so bigger files only cost fetch time and worker
/// memory.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;

/// The widest a logo is ever drawn: the hole covers at most a fifth of the symbol's
/// area, so its side is at most `MAX_SIZE / √5` ≈ 915.9 pixels (tested in `png`).
pub const MAX_DRAWN_SIDE: u32 = 916;
const _: () = assert!(MAX_DRAWN_SIDE * MAX_DRAWN_SIDE * 5 >= MAX_SIZE * MAX_SIZE);

/// Sides a saved logo is shrunk to, by a quarter at a time, while its PNG is over
/// [`MAX_LOGO_BYTES`]; a logo still too big at this size is refused.
const MIN_SAVED_SIDE: u32 = 64;

const JPEG_MAGIC: &[u8] = b"\xff\xd8\xff";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoKind {
    Png,
    Jpeg,
    /// Only embedded in SVG output, as a data URI in `<image>`: browsers render such an
    /// image in secure static mode (no scripts, no external loads), and the base64
    /// encoding keeps its markup out of ours.
    Svg,
}

impl LogoKind {
    pub fn mime(self) -> &'static str {
        match self {
            LogoKind::Png => "image/png",
            LogoKind::Jpeg => "image/jpeg",
            LogoKind::Svg => "image/svg+xml",
        }
    }
}

/// A validated logo. Raster logos are decoded once up front, so bad bytes fail here
/// with a clear error rather than halfway through a render.
#[derive(Debug, Clone, PartialEq)]
pub struct Logo {
    bytes: Vec<u8>,
    kind: LogoKind,
    raster: Option<Raster>,
}

impl Logo {
    /// Validates fetched logo bytes. The kind comes from the bytes themselves (servers
    /// often send a wrong `Content-Type`); the content type only identifies SVG, which
    /// has no magic number, though SVG text starting with `<svg` or `<?xml` is accepted too.
    ///
    /// # Errors
    /// [`QrError::Logo`] when the bytes are too big, of an unsupported type, or undecodable.
    pub fn from_bytes(bytes: Vec<u8>, content_type: &str) -> Result<Logo, QrError> {
        if bytes.is_empty() {
            return Err(QrError::Logo("is empty".to_owned()));
        }
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(QrError::Logo(format!(
                "is {} bytes; the limit is {MAX_LOGO_BYTES}",
                bytes.len()
            )));
        }
        let (kind, raster) = if bytes.starts_with(pngfile::SIGNATURE) {
            (LogoKind::Png, Some(decode::png(&bytes)?))
        } else if bytes.starts_with(JPEG_MAGIC) {
            (LogoKind::Jpeg, Some(decode::jpeg(&bytes)?))
        } else if looks_like_svg(&bytes, content_type) {
            (LogoKind::Svg, None)
        } else {
            let shown = if content_type.is_empty() {
                "none"
            } else {
                content_type
            };
            return Err(QrError::Logo(format!(
                "must be a PNG, JPEG or SVG image (content type: {shown})"
            )));
        };
        Ok(Logo {
            bytes,
            kind,
            raster,
        })
    }

    /// Validates logo bytes once, to be saved with a link's QR style: a raster logo
    /// wider or taller than [`MAX_DRAWN_SIDE`] is scaled down to fit and kept as PNG,
    /// smaller again while that PNG is over [`MAX_LOGO_BYTES`]. What is saved is then
    /// never bigger than what is drawn.
    ///
    /// # Errors
    /// As [`Logo::from_bytes`], and for a logo that cannot be made small enough.
    pub fn for_saving(bytes: Vec<u8>, content_type: &str) -> Result<Logo, QrError> {
        let logo = Logo::from_bytes(bytes, content_type)?;
        let Some(raster) = &logo.raster else {
            return Ok(logo);
        };
        if raster.width <= MAX_DRAWN_SIDE && raster.height <= MAX_DRAWN_SIDE {
            return Ok(logo);
        }
        let mut side = MAX_DRAWN_SIDE;
        loop {
            let (w, h) = fit(raster, side);
            let small = resample(raster, w, h);
            let rgba: Vec<u8> = small
                .pixels
                .iter()
                .flat_map(|p| [p.r, p.g, p.b, p.a])
                .collect();
            let png = pngfile::encode(w, h, Pixels::Rgba, &rgba);
            if png.len() <= MAX_LOGO_BYTES {
                return Ok(Logo {
                    bytes: png,
                    kind: LogoKind::Png,
                    raster: Some(small),
                });
            }
            if side <= MIN_SAVED_SIDE {
                return Err(QrError::Logo(format!(
                    "is too detailed to store in {} KiB even at {side} pixels; use a simpler image",
                    MAX_LOGO_BYTES / 1024
                )));
            }
            side = (side * 3 / 4).max(MIN_SAVED_SIDE);
        }
    }

    pub fn kind(&self) -> LogoKind {
        self.kind
    }

    /// The file: as given, or as scaled down for saving; embedded in SVG output.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Width and height of a raster logo; `None` for SVG.
    pub fn dimensions(&self) -> Option<(u32, u32)> {
        self.raster.as_ref().map(|r| (r.width, r.height))
    }

    /// Decoded pixels; `None` for SVG logos.
    pub(super) fn raster(&self) -> Option<&Raster> {
        self.raster.as_ref()
    }

    /// Width / height, for fitting the logo in its square box (SVG logos are
    /// letterboxed by the viewer, so treat them as square).
    pub(super) fn aspect(&self) -> f64 {
        match &self.raster {
            Some(r) => f64::from(r.width) / f64::from(r.height),
            None => 1.0,
        }
    }
}

fn looks_like_svg(bytes: &[u8], content_type: &str) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let mime = content_type.split(';').next().unwrap_or("").trim();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let starts_right = text.starts_with("<svg") || text.starts_with("<?xml");
    (mime.eq_ignore_ascii_case("image/svg+xml") || starts_right) && text.contains("<svg")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::qr::Rgba;

    fn png_bytes(
        color: png::ColorType,
        depth: png::BitDepth,
        data: &[u8],
        palette: Option<Vec<u8>>,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, 2, 1);
        enc.set_color(color);
        enc.set_depth(depth);
        if let Some(p) = palette {
            enc.set_palette(p);
        }
        enc.write_header().unwrap().write_image_data(data).unwrap();
        out
    }

    #[test]
    fn decodes_every_png_colour_type_to_rgba() {
        use png::{BitDepth, ColorType};
        let cases = [
            png_bytes(ColorType::Grayscale, BitDepth::Eight, &[0, 255], None),
            png_bytes(
                ColorType::GrayscaleAlpha,
                BitDepth::Eight,
                &[0, 255, 255, 255],
                None,
            ),
            png_bytes(
                ColorType::Rgb,
                BitDepth::Eight,
                &[0, 0, 0, 255, 255, 255],
                None,
            ),
            png_bytes(
                ColorType::Indexed,
                BitDepth::Eight,
                &[1, 0],
                Some(vec![255, 255, 255, 0, 0, 0]),
            ),
            png_bytes(
                ColorType::Rgb,
                BitDepth::Sixteen,
                &[0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255],
                None,
            ),
        ];
        for (i, bytes) in cases.into_iter().enumerate() {
            let logo = Logo::from_bytes(bytes, "image/png").unwrap();
            let raster = logo.raster().unwrap();
            assert_eq!(raster.pixels, vec![Rgba::BLACK, Rgba::WHITE], "case {i}");
            assert_eq!(logo.aspect(), 2.0);
        }
    }

    fn big_png(width: u32, height: u32) -> Vec<u8> {
        // A gradient, so the file is not trivially compressible.
        let data: Vec<u8> = (0..width * height)
            .flat_map(|i| {
                let (x, y) = (i % width, i / width);
                [(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8]
            })
            .collect();
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header().unwrap().write_image_data(&data).unwrap();
        out
    }

    #[test]
    fn a_logo_within_the_drawn_size_is_saved_as_given() {
        let bytes = big_png(300, 200);
        let logo = Logo::for_saving(bytes.clone(), "image/png").unwrap();
        assert_eq!(logo.bytes(), bytes.as_slice());
        assert_eq!(logo.dimensions(), Some((300, 200)));
    }

    #[test]
    fn a_bigger_logo_is_scaled_down_to_the_drawn_size_as_png() {
        let logo = Logo::for_saving(big_png(1000, 500), "image/png").unwrap();
        assert_eq!(logo.kind(), LogoKind::Png);
        assert_eq!(logo.dimensions(), Some((MAX_DRAWN_SIDE, 458)));
        assert!(logo.bytes().len() <= MAX_LOGO_BYTES);
        // What is saved decodes again as what it says it is.
        let again = Logo::from_bytes(logo.bytes().to_vec(), "image/png").unwrap();
        assert_eq!(again.dimensions(), logo.dimensions());
    }

    #[test]
    fn past_the_pixel_cap_a_logo_is_refused_before_decoding() {
        let err = Logo::for_saving(big_png(2048, 2048), "image/png").unwrap_err();
        assert!(err.to_string().contains("2048x2048"), "{err}");
    }

    #[test]
    fn sniffs_svg_only_when_it_is_svg_text() {
        assert!(looks_like_svg(
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            ""
        ));
        assert!(looks_like_svg(
            b"\xef\xbb\xbf <?xml version='1.0'?><svg/>",
            "text/xml"
        ));
        assert!(looks_like_svg(b"<!-- c --><svg/>", "image/svg+xml"));
        assert!(!looks_like_svg(b"<!-- c --><svg/>", "text/plain"));
        assert!(!looks_like_svg(b"<html><svg/></html>", "text/html"));
        assert!(!looks_like_svg(b"\xff\xfe<svg/>", "image/svg+xml"));
    }
}
