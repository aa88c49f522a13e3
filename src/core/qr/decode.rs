//! Logo decoding: PNG through the `png` crate and JPEG (baseline and progressive)
//! through `zune-jpeg`, both maintained, fuzzed, pure-Rust decoders, since these
//! bytes come from anywhere on the internet. Each checks the declared size against
//! the logo pixel limit before decoding any image data, so a small file cannot
//! make the worker allocate a huge image.

use std::io::Cursor;

use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use super::raster::{check_dimensions, undecodable, Raster};
use super::{QrError, Rgba};

/// What the PNG decoder may allocate besides the image buffer (which is ours and
/// bounded by the pixel limit): a row or two of a legitimate logo is tens of KiB.
const PNG_DECODER_BYTES: usize = 1024 * 1024;

/// Decodes a PNG file (any colour type and depth, `tRNS`, Adam7; the first frame
/// of an APNG) to straight-alpha RGBA.
///
/// # Errors
/// [`QrError::Logo`] for a malformed or truncated file, a bad CRC, or an image past
/// the logo pixel limit.
pub(super) fn png(bytes: &[u8]) -> Result<Raster, QrError> {
    let bad = |e: png::DecodingError| undecodable("PNG", e);
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: PNG_DECODER_BYTES,
        },
    );
    // Palette and tRNS expanded, 16-bit samples cut to their high byte.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    // Text and colour profiles do not change the pixels we draw.
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    let header = decoder.read_header_info().map_err(bad)?;
    check_dimensions(header.width, header.height)?;
    let mut reader = decoder.read_info().map_err(bad)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| undecodable("PNG", "image too large"))?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(bad)?;
    let data = buf.get(..frame.buffer_size()).unwrap_or_default();
    let pixels: Vec<Rgba> = match frame.color_type {
        png::ColorType::Grayscale => data.iter().map(|&l| Rgba::opaque(l, l, l)).collect(),
        png::ColorType::GrayscaleAlpha => data
            .chunks_exact(2)
            .map(|p| match *p {
                [l, a] => Rgba {
                    r: l,
                    g: l,
                    b: l,
                    a,
                },
                _ => Rgba::TRANSPARENT,
            })
            .collect(),
        png::ColorType::Rgb => rgb_pixels(data),
        png::ColorType::Rgba => rgba_pixels(data),
        // `normalize_to_color8` expands palettes; this is only reachable if it did not.
        png::ColorType::Indexed => return Err(undecodable("PNG", "palette was not expanded")),
    };
    raster(frame.width, frame.height, pixels, "PNG")
}

/// Decodes a JPEG file (baseline or progressive; grey, YCbCr, RGB, CMYK or YCCK) to
/// opaque RGBA.
///
/// # Errors
/// [`QrError::Logo`] for a malformed or unsupported file (lossless, arithmetic-coded,
/// 12-bit) or an image past the logo pixel limit.
pub(super) fn jpeg(bytes: &[u8]) -> Result<Raster, QrError> {
    let bad = |e: zune_jpeg::errors::DecodeErrors| undecodable("JPEG", e);
    // RGB, not RGBA: zune-jpeg 0.5.15 packs CMYK and YCCK images wrongly into RGBA.
    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(bad)?;
    let (width, height) = decoder
        .dimensions()
        .ok_or_else(|| undecodable("JPEG", "no frame header"))?;
    let width = u32::try_from(width).map_err(|e| undecodable("JPEG", e))?;
    let height = u32::try_from(height).map_err(|e| undecodable("JPEG", e))?;
    check_dimensions(width, height)?;
    let size = decoder
        .output_buffer_size()
        .ok_or_else(|| undecodable("JPEG", "image too large"))?;
    let mut buf = vec![0; size];
    decoder.decode_into(&mut buf).map_err(bad)?;
    raster(width, height, rgb_pixels(&buf), "JPEG")
}

fn rgb_pixels(data: &[u8]) -> Vec<Rgba> {
    data.chunks_exact(3)
        .map(|p| match *p {
            [r, g, b] => Rgba::opaque(r, g, b),
            _ => Rgba::TRANSPARENT,
        })
        .collect()
}

fn rgba_pixels(data: &[u8]) -> Vec<Rgba> {
    data.chunks_exact(4)
        .map(|p| match *p {
            [r, g, b, a] => Rgba { r, g, b, a },
            _ => Rgba::TRANSPARENT,
        })
        .collect()
}

/// The decoded image, after checking the decoder produced every pixel it declared.
fn raster(width: u32, height: u32, pixels: Vec<Rgba>, kind: &str) -> Result<Raster, QrError> {
    if pixels.len() as u64 != u64::from(width) * u64::from(height) {
        return Err(undecodable(kind, "fewer pixels than its size"));
    }
    Ok(Raster {
        width,
        height,
        pixels,
    })
}
