//! The PNG file format for QR output, written here rather than through the `png`
//! crate's encoder: QR images need a few chunks around one zlib stream
//! ([`super::zlib`]), and this writer only ever sees pixels we drew ourselves.
//! Its output is checked against the `png` crate's decoder in the tests.
//!
//! It writes what [`super::png`] needs: 1-bit palette (with `tRNS` for a translucent
//! colour), 8-bit RGB and RGBA, every row with the Up filter.

use super::zlib;
use super::Rgba;

pub(super) const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// What the encoder writes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Pixels {
    /// 1 bit per pixel, index 0 = `palette[0]`, index 1 = `palette[1]`.
    Bilevel([Rgba; 2]),
    Rgb,
    Rgba,
}

impl Pixels {
    fn bytes_per_row(self, width: u32) -> usize {
        let width = width as usize;
        match self {
            Pixels::Bilevel(_) => width.div_ceil(8),
            Pixels::Rgb => width * 3,
            Pixels::Rgba => width * 4,
        }
    }
}

/// A PNG file of `width`×`height` pixels from unfiltered, packed rows in `data`.
pub(super) fn encode(width: u32, height: u32, pixels: Pixels, data: &[u8]) -> Vec<u8> {
    let stride = pixels.bytes_per_row(width);
    // Up filter: each row minus the one above. QR rows repeat `scale` times, so
    // repeats become zeros that deflate to almost nothing.
    let mut filtered = Vec::with_capacity(data.len() + height as usize);
    let mut prev: &[u8] = &[];
    for row in data.chunks_exact(stride.max(1)) {
        filtered.push(2);
        filtered.extend(
            row.iter()
                .zip(prev.iter().chain(std::iter::repeat(&0)))
                .map(|(x, above)| x.wrapping_sub(*above)),
        );
        prev = row;
    }
    let (color_type, depth) = match pixels {
        Pixels::Bilevel(_) => (3u8, 1u8),
        Pixels::Rgb => (2, 8),
        Pixels::Rgba => (6, 8),
    };
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // Depth, colour type, compression 0, filter method 0, no interlace.
    ihdr.extend_from_slice(&[depth, color_type, 0, 0, 0]);

    let idat = zlib::compress(&filtered);
    let mut out = Vec::with_capacity(idat.len() + 128);
    out.extend_from_slice(SIGNATURE);
    chunk(&mut out, b"IHDR", &ihdr);
    if let Pixels::Bilevel(palette) = pixels {
        let plte: Vec<u8> = palette.iter().flat_map(|c| [c.r, c.g, c.b]).collect();
        chunk(&mut out, b"PLTE", &plte);
        if palette.iter().any(|c| c.a < 255) {
            let trns: Vec<u8> = palette.iter().map(|c| c.a).collect();
            chunk(&mut out, b"tRNS", &trns);
        }
    }
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

pub(super) fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    // Chunks we write are far below the 2^31-byte chunk limit: the largest image,
    // 2048² RGBA, is 16 MiB before compression.
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}
