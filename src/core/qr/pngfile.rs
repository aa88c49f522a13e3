//! The PNG file format over our own zlib ([`super::zlib`]), written here instead of
//! using the `png` crate: that crate (with `flate2`, `fdeflate`, two `miniz_oxide`s and
//! `crc32fast`) cost ~100 KiB gzip of the worker's 300 KiB budget, while what a QR
//! code needs is a few chunks around one zlib stream.
//!
//! The encoder writes what [`super::png`] needs: 1-bit palette (with `tRNS` for a
//! translucent colour), 8-bit RGB and RGBA, every row with the Up filter. The decoder
//! reads every PNG a logo can be: all colour types and bit depths (1-16), `PLTE`,
//! `tRNS`, all five filters and Adam7 interlacing; chunk CRCs are checked.

use super::raster::{check_dimensions, undecodable, Raster};
use super::zlib::{self, InflateError};
use super::{QrError, Rgba};

pub(super) const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// CRC-32 as PNG chunks use it (ISO 3309, reflected 0xedb88320), one table lookup per
/// byte; the table is computed by the compiler.
// Const evaluation: an out-of-range index would fail the build, never panic at run time.
#[allow(clippy::indexing_slicing)]
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

fn crc32(parts: &[&[u8]]) -> u32 {
    let mut c = 0xffff_ffff_u32;
    for part in parts {
        for &byte in *part {
            let i = usize::from((c as u8) ^ byte);
            c = CRC_TABLE.get(i).copied().unwrap_or(0) ^ (c >> 8);
        }
    }
    c ^ 0xffff_ffff
}

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

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    // Chunks we write are far below the 2^31-byte chunk limit: the largest image,
    // 2048² RGBA, is 16 MiB before compression.
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
}

/// The header fields the decoder needs.
struct Header {
    width: u32,
    height: u32,
    depth: u8,
    color_type: u8,
    interlaced: bool,
}

impl Header {
    fn parse(data: &[u8]) -> Result<Header, QrError> {
        let [w0, w1, w2, w3, h0, h1, h2, h3, depth, color_type, compression, filter, interlace] =
            *data
        else {
            return Err(bad("IHDR is not 13 bytes"));
        };
        let valid_depth = match color_type {
            0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
            3 => matches!(depth, 1 | 2 | 4 | 8),
            2 | 4 | 6 => matches!(depth, 8 | 16),
            _ => false,
        };
        if !valid_depth || compression != 0 || filter != 0 || interlace > 1 {
            return Err(bad("unsupported IHDR (colour type, depth or method)"));
        }
        Ok(Header {
            width: u32::from_be_bytes([w0, w1, w2, w3]),
            height: u32::from_be_bytes([h0, h1, h2, h3]),
            depth,
            color_type,
            interlaced: interlace == 1,
        })
    }

    fn channels(&self) -> usize {
        match self.color_type {
            2 => 3,
            4 => 2,
            6 => 4,
            _ => 1,
        }
    }

    fn bits_per_pixel(&self) -> usize {
        self.channels() * usize::from(self.depth)
    }

    fn stride(&self, width: usize) -> usize {
        (width * self.bits_per_pixel()).div_ceil(8)
    }

    /// Each pass as (x0, y0, dx, dy, width, height); one full pass when not interlaced.
    fn passes(&self) -> Vec<(usize, usize, usize, usize, usize, usize)> {
        const ADAM7: [(usize, usize, usize, usize); 7] = [
            (0, 0, 8, 8),
            (4, 0, 8, 8),
            (0, 4, 4, 8),
            (2, 0, 4, 4),
            (0, 2, 2, 4),
            (1, 0, 2, 2),
            (0, 1, 1, 2),
        ];
        let (w, h) = (self.width as usize, self.height as usize);
        if !self.interlaced {
            return vec![(0, 0, 1, 1, w, h)];
        }
        ADAM7
            .iter()
            .map(|&(x0, y0, dx, dy)| {
                let count = |len: usize, start: usize, step: usize| {
                    len.saturating_sub(start).div_ceil(step)
                };
                (x0, y0, dx, dy, count(w, x0, dx), count(h, y0, dy))
            })
            .filter(|&(.., pw, ph)| pw > 0 && ph > 0)
            .collect()
    }
}

fn bad(reason: &str) -> QrError {
    undecodable("PNG", reason)
}

/// Decodes a PNG file to straight-alpha RGBA.
///
/// # Errors
/// [`QrError::Logo`] for a malformed or truncated file, a bad CRC, or an image past
/// the logo pixel limit (checked before anything is inflated).
pub(super) fn decode(bytes: &[u8]) -> Result<Raster, QrError> {
    let mut rest = bytes
        .strip_prefix(SIGNATURE)
        .ok_or_else(|| bad("no PNG signature"))?;
    let mut header = None;
    let (mut palette, mut trns, mut idat) = (Vec::new(), Vec::new(), Vec::new());
    loop {
        let (len, tail) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| bad("truncated"))?;
        let len = u32::from_be_bytes(*len) as usize;
        let (kind, tail) = tail
            .split_first_chunk::<4>()
            .ok_or_else(|| bad("truncated"))?;
        let data = tail.get(..len).ok_or_else(|| bad("truncated chunk"))?;
        let (crc, tail) = tail
            .get(len..)
            .and_then(<[u8]>::split_first_chunk::<4>)
            .ok_or_else(|| bad("truncated chunk"))?;
        if crc32(&[kind, data]) != u32::from_be_bytes(*crc) {
            return Err(bad("chunk CRC mismatch"));
        }
        rest = tail;
        match kind {
            b"IHDR" => {
                let h = Header::parse(data)?;
                check_dimensions(h.width, h.height)?;
                header = Some(h);
            }
            b"PLTE" => palette = data.to_vec(),
            b"tRNS" => trns = data.to_vec(),
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => break,
            // Ancillary chunks (gAMA, iCCP, tEXt, ...) do not change the pixels we draw.
            _ => {}
        }
    }
    let header = header.ok_or_else(|| bad("no IHDR"))?;
    let passes = header.passes();
    let expected: usize = passes
        .iter()
        .map(|&(.., pw, ph)| ph * (1 + header.stride(pw)))
        .sum();
    let mut raw = zlib::decompress(&idat, expected).map_err(|e| match e {
        InflateError::Corrupt => bad("corrupt image data"),
        InflateError::TooLarge => bad("more image data than its size needs"),
    })?;
    if raw.len() < expected {
        return Err(bad("image data is truncated"));
    }
    let width = header.width as usize;
    let mut pixels = vec![Rgba::TRANSPARENT; width * header.height as usize];
    let convert = Converter::new(&header, &palette, &trns);
    let bpp = header.bits_per_pixel().div_ceil(8);
    let mut offset = 0;
    for (x0, y0, dx, dy, pw, ph) in passes {
        let stride = header.stride(pw);
        let pass = raw
            .get_mut(offset..offset + ph * (1 + stride))
            .ok_or_else(|| bad("image data is truncated"))?;
        offset += ph * (1 + stride);
        let mut prev = vec![0u8; stride];
        for (py, line) in pass.chunks_exact_mut(1 + stride).enumerate() {
            let (filter, row) = line.split_first_mut().ok_or_else(|| bad("empty row"))?;
            unfilter(*filter, row, &prev, bpp)?;
            let y = y0 + py * dy;
            for px in 0..pw {
                if let Some(p) = pixels.get_mut(y * width + x0 + px * dx) {
                    *p = convert.pixel(row, px)?;
                }
            }
            prev.copy_from_slice(row);
        }
    }
    Ok(Raster {
        width: header.width,
        height: header.height,
        pixels,
    })
}

/// Reverses one row's filter in place (PNG spec §9: None, Sub, Up, Average, Paeth).
fn unfilter(filter: u8, row: &mut [u8], prev: &[u8], bpp: usize) -> Result<(), QrError> {
    match filter {
        0 => return Ok(()),
        1..=4 => {}
        _ => return Err(bad("unknown row filter")),
    }
    for i in 0..row.len() {
        let left = |row: &[u8]| i.checked_sub(bpp).and_then(|j| row.get(j)).copied();
        let a = left(row).unwrap_or(0);
        let b = prev.get(i).copied().unwrap_or(0);
        let c = left(prev).unwrap_or(0);
        let predicted = match filter {
            1 => a,
            2 => b,
            3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
            _ => paeth(a, b, c),
        };
        if let Some(x) = row.get_mut(i) {
            *x = x.wrapping_add(predicted);
        }
    }
    Ok(())
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// Turns samples of one colour type and depth into RGBA.
struct Converter<'a> {
    color_type: u8,
    depth: u8,
    channels: usize,
    palette: &'a [u8],
    trns: &'a [u8],
}

impl<'a> Converter<'a> {
    fn new(header: &Header, palette: &'a [u8], trns: &'a [u8]) -> Converter<'a> {
        Converter {
            color_type: header.color_type,
            depth: header.depth,
            channels: header.channels(),
            palette,
            trns,
        }
    }

    /// Sample `index` of a row (pixel × channels + channel), at the file's depth.
    fn sample(&self, row: &[u8], index: usize) -> u16 {
        match self.depth {
            16 => {
                let hi = row.get(2 * index).copied().unwrap_or(0);
                let lo = row.get(2 * index + 1).copied().unwrap_or(0);
                u16::from_be_bytes([hi, lo])
            }
            8 => u16::from(row.get(index).copied().unwrap_or(0)),
            depth => {
                let bit = index * usize::from(depth);
                let byte = row.get(bit / 8).copied().unwrap_or(0);
                let shift = 8 - usize::from(depth) - bit % 8;
                u16::from(byte >> shift) & ((1 << depth) - 1)
            }
        }
    }

    /// A sample scaled to 8 bits.
    fn to8(&self, v: u16) -> u8 {
        match self.depth {
            16 => (v >> 8) as u8,
            8 => v as u8,
            depth => (u32::from(v) * 255 / ((1u32 << depth) - 1)) as u8,
        }
    }

    /// The `tRNS` colour key (grey or RGB), as 16-bit values.
    fn key(&self, i: usize) -> Option<u16> {
        Some(u16::from_be_bytes([
            *self.trns.get(2 * i)?,
            *self.trns.get(2 * i + 1)?,
        ]))
    }

    fn pixel(&self, row: &[u8], x: usize) -> Result<Rgba, QrError> {
        let base = x * self.channels;
        let s = |c: usize| self.sample(row, base + c);
        Ok(match self.color_type {
            0 => {
                let v = s(0);
                let l = self.to8(v);
                let a = if self.key(0) == Some(v) { 0 } else { 255 };
                Rgba {
                    r: l,
                    g: l,
                    b: l,
                    a,
                }
            }
            2 => {
                let (r, g, b) = (s(0), s(1), s(2));
                let keyed =
                    self.key(0) == Some(r) && self.key(1) == Some(g) && self.key(2) == Some(b);
                Rgba {
                    r: self.to8(r),
                    g: self.to8(g),
                    b: self.to8(b),
                    a: if keyed { 0 } else { 255 },
                }
            }
            3 => {
                let i = usize::from(s(0));
                let entry = self
                    .palette
                    .get(3 * i..3 * i + 3)
                    .ok_or_else(|| bad("palette index out of range"))?;
                let (r, g, b) = match *entry {
                    [r, g, b] => (r, g, b),
                    _ => (0, 0, 0),
                };
                let a = self.trns.get(i).copied().unwrap_or(255);
                Rgba { r, g, b, a }
            }
            4 => {
                let l = self.to8(s(0));
                Rgba {
                    r: l,
                    g: l,
                    b: l,
                    a: self.to8(s(1)),
                }
            }
            _ => Rgba {
                r: self.to8(s(0)),
                g: self.to8(s(1)),
                b: self.to8(s(2)),
                a: self.to8(s(3)),
            },
        })
    }
}
