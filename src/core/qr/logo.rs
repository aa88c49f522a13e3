//! Logos placed in the centre of a code: sniffing and validating the fetched bytes,
//! decoding PNG/JPEG to RGBA, and resampling to the box they are drawn in.

use super::raster::Raster;
use super::{decode, pngfile, QrError};

/// Largest logo accepted, in bytes. A logo is drawn at under half the code's width
/// (at most ~900 px), so bigger files only cost fetch time and worker memory.
pub const MAX_LOGO_BYTES: usize = 1024 * 1024;

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

    pub fn kind(&self) -> LogoKind {
        self.kind
    }

    /// The original file, as embedded in SVG output.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
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
