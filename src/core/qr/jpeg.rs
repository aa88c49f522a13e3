//! Baseline JPEG decoding for logos (ITU T.81 sequential DCT with Huffman coding,
//! 8-bit samples; SOF0 and SOF1), written here because the decoder crates cost
//! ~38 KiB gzip each (jpeg-decoder, zune-jpeg; measured standalone), an eighth of the
//! worker's budget, for a logo drawn a few hundred pixels wide.
//!
//! Handles grey, YCbCr, RGB (Adobe transform 0) and Adobe CMYK/YCCK images, every
//! sampling factor (chroma is upsampled by nearest neighbour, which is invisible at
//! logo size once resampled), restart intervals, and interleaved or per-component
//! scans. Progressive, lossless, arithmetic-coded and 12-bit JPEGs are refused with
//! an error that says so.

use super::raster::{check_dimensions, undecodable, Raster};
use super::{QrError, Rgba};

/// Natural (row-major) index of the k-th coefficient in zigzag order.
const ZIGZAG: [u8; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

fn bad(reason: &str) -> QrError {
    undecodable("JPEG", reason)
}

/// A Huffman table in the form of T.81 Annex F.2.2.3: per code length, the largest
/// code and where its symbols start.
#[derive(Clone, Default)]
struct Huffman {
    max_code: [i32; 17],
    min_code: [i32; 17],
    offset: [usize; 17],
    symbols: Vec<u8>,
}

impl Huffman {
    fn new(counts: &[u8], symbols: &[u8]) -> Huffman {
        let mut table = Huffman {
            max_code: [-1; 17],
            symbols: symbols.to_vec(),
            ..Huffman::default()
        };
        let (mut code, mut k) = (0i32, 0usize);
        for (len, &count) in counts.iter().enumerate().take(16) {
            let len = len + 1;
            if count > 0 {
                if let (Some(min), Some(max), Some(off)) = (
                    table.min_code.get_mut(len),
                    table.max_code.get_mut(len),
                    table.offset.get_mut(len),
                ) {
                    *off = k;
                    *min = code;
                    code += i32::from(count);
                    k += usize::from(count);
                    *max = code - 1;
                }
            }
            code <<= 1;
        }
        table
    }
}

/// Reads entropy-coded bits, undoing 0xFF00 byte stuffing; at a marker it yields
/// zeros without passing it, so a truncated scan cannot read past its end.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    byte: u32,
    left: u32,
}

impl Bits<'_> {
    fn bit(&mut self) -> u32 {
        if self.left == 0 {
            self.byte = match (self.data.get(self.pos), self.data.get(self.pos + 1)) {
                (Some(0xff), Some(0)) => {
                    self.pos += 2;
                    0xff
                }
                (Some(0xff), _) | (None, _) => 0,
                (Some(&b), _) => {
                    self.pos += 1;
                    u32::from(b)
                }
            };
            self.left = 8;
        }
        self.left -= 1;
        (self.byte >> self.left) & 1
    }

    fn bits(&mut self, n: u8) -> i32 {
        (0..n).fold(0i32, |v, _| (v << 1) | self.bit() as i32)
    }

    /// `n` bits as a signed value (T.81 F.2.2.1 EXTEND).
    fn signed(&mut self, n: u8) -> i32 {
        if n == 0 || n > 16 {
            return 0;
        }
        let v = self.bits(n);
        if v < 1 << (n - 1) {
            v - (1 << n) + 1
        } else {
            v
        }
    }

    fn decode(&mut self, table: &Huffman) -> Result<u8, QrError> {
        let mut code = 0i32;
        for len in 1..=16 {
            code = (code << 1) | self.bit() as i32;
            let max = table.max_code.get(len).copied().unwrap_or(-1);
            if code <= max {
                let min = table.min_code.get(len).copied().unwrap_or(0);
                let base = table.offset.get(len).copied().unwrap_or(0);
                let index = base + usize::try_from(code - min).unwrap_or(usize::MAX);
                return table
                    .symbols
                    .get(index)
                    .copied()
                    .ok_or_else(|| bad("bad Huffman code"));
            }
        }
        Err(bad("bad Huffman code"))
    }

    /// Skips to just after the next RSTn marker and starts a fresh byte.
    fn restart(&mut self) {
        self.left = 0;
        while let Some(&b) = self.data.get(self.pos) {
            let next = self.data.get(self.pos + 1).copied();
            self.pos += 1;
            if b == 0xff && next.is_some_and(|m| (0xd0..=0xd7).contains(&m)) {
                self.pos += 1;
                return;
            }
        }
    }
}

struct Component {
    id: u8,
    h: usize,
    v: usize,
    quant: usize,
    dc: usize,
    ac: usize,
    pred: i32,
    /// Decoded samples; `stride` wide, padded to whole MCUs.
    plane: Vec<u8>,
    stride: usize,
}

struct Frame {
    width: usize,
    height: usize,
    h_max: usize,
    v_max: usize,
    mcus_x: usize,
    mcus_y: usize,
    components: Vec<Component>,
}

/// `cos[x][u] = C(u)/2 · cos((2x+1)uπ/16)`, so the 2-D inverse DCT is two passes.
/// Built from the eight values of cos(kπ/16), so no `cos` (and no libm) is linked in.
fn cos_table() -> [[f32; 8]; 8] {
    // cos(kπ/16) for k = 0..8.
    const COS: [f32; 8] = [
        1.0,
        0.980_785_3,
        0.923_879_5,
        0.831_469_6,
        std::f32::consts::FRAC_1_SQRT_2,
        0.555_570_2,
        0.382_683_43,
        0.195_090_32,
    ];
    let mut table = [[0f32; 8]; 8];
    for (x, row) in table.iter_mut().enumerate() {
        for (u, c) in row.iter_mut().enumerate() {
            let scale = if u == 0 {
                std::f32::consts::FRAC_1_SQRT_2
            } else {
                1.0
            };
            // cos(kπ/16) with k reduced to 0..32 (period 2π), then by symmetry to 0..8.
            let k = (2 * x + 1) * u % 32;
            let (k, sign) = if k > 16 { (32 - k, 1.0) } else { (k, 1.0) };
            let (k, sign) = if k > 8 { (16 - k, -sign) } else { (k, sign) };
            *c = scale / 2.0 * sign * COS.get(k).copied().unwrap_or(0.0);
        }
    }
    table
}

#[cfg(test)]
#[test]
fn cos_table_matches_cos() {
    let table = cos_table();
    for (x, row) in table.iter().enumerate() {
        for (u, &c) in row.iter().enumerate() {
            let scale = if u == 0 {
                std::f32::consts::FRAC_1_SQRT_2
            } else {
                1.0
            };
            let want =
                scale / 2.0 * ((2 * x + 1) as f32 * u as f32 * std::f32::consts::PI / 16.0).cos();
            assert!((c - want).abs() < 1e-6, "{x},{u}: {c} vs {want}");
        }
    }
}

/// Inverse DCT of dequantised coefficients (natural order) to level-shifted samples.
fn idct(coef: &[f32; 64], cos: &[[f32; 8]; 8]) -> [u8; 64] {
    let mut tmp = [[0f32; 8]; 8]; // [y][u]
    for (row, cy) in tmp.iter_mut().zip(cos) {
        for (u, t) in row.iter_mut().enumerate() {
            *t = cy
                .iter()
                .zip(coef.iter().skip(u).step_by(8))
                .map(|(c, f)| c * f)
                .sum();
        }
    }
    let mut out = [0u8; 64];
    for (out_row, t_row) in out.chunks_exact_mut(8).zip(&tmp) {
        for (o, cx) in out_row.iter_mut().zip(cos) {
            let v: f32 = cx.iter().zip(t_row).map(|(c, t)| c * t).sum();
            // `as u8` saturates; the clamp documents the intent.
            *o = (v + 128.0).round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// Decodes a baseline JPEG to RGBA.
///
/// # Errors
/// [`QrError::Logo`] for malformed, truncated or unsupported files and images past
/// the logo pixel limit (checked before any sample buffer is allocated).
pub(super) fn decode(bytes: &[u8]) -> Result<Raster, QrError> {
    let mut pos = 2; // after SOI
    let mut quant = [[0u16; 64]; 4];
    let (mut dc_tables, mut ac_tables) = (vec![Huffman::default(); 4], vec![Huffman::default(); 4]);
    let mut frame: Option<Frame> = None;
    let mut restart_interval = 0usize;
    let mut adobe_transform: Option<u8> = None;
    let cos = cos_table();
    loop {
        // Markers may be preceded by any number of 0xff fill bytes.
        while bytes.get(pos) == Some(&0xff) && bytes.get(pos + 1) == Some(&0xff) {
            pos += 1;
        }
        let (Some(0xff), Some(&marker)) = (bytes.get(pos), bytes.get(pos + 1)) else {
            return Err(bad("truncated or missing marker"));
        };
        pos += 2;
        if marker == 0xd9 {
            break; // EOI
        }
        if (0xd0..=0xd7).contains(&marker) || marker == 0x01 {
            continue; // stray RSTn / TEM carry no segment
        }
        let len = match (bytes.get(pos), bytes.get(pos + 1)) {
            (Some(&a), Some(&b)) => usize::from(u16::from_be_bytes([a, b])),
            _ => return Err(bad("truncated segment")),
        };
        let seg = bytes
            .get(pos + 2..pos + len.max(2))
            .ok_or_else(|| bad("truncated segment"))?;
        pos += len.max(2);
        match marker {
            0xc0 | 0xc1 => frame = Some(parse_frame(seg)?),
            0xc2 | 0xc6 | 0xca | 0xce => {
                return Err(QrError::Logo(
                    "is a progressive JPEG, which is not supported; save it as a baseline JPEG or a PNG".to_owned(),
                ))
            }
            0xc3 | 0xc5 | 0xc7 | 0xc9 | 0xcb | 0xcd | 0xcf => {
                return Err(QrError::Logo(
                    "uses a JPEG variant (lossless, hierarchical or arithmetic) that is not supported; save it as a baseline JPEG or a PNG".to_owned(),
                ))
            }
            0xc4 => parse_huffman(seg, &mut dc_tables, &mut ac_tables)?,
            0xdb => parse_quant(seg, &mut quant)?,
            0xdd => {
                if let [a, b, ..] = *seg {
                    restart_interval = usize::from(u16::from_be_bytes([a, b]));
                }
            }
            0xee if seg.starts_with(b"Adobe") => adobe_transform = seg.get(11).copied(),
            0xda => {
                let frame = frame.as_mut().ok_or_else(|| bad("scan before frame header"))?;
                let tables = Tables {
                    quant: &quant,
                    dc: &dc_tables,
                    ac: &ac_tables,
                    cos: &cos,
                };
                let rest = bytes.get(pos..).unwrap_or(&[]);
                pos += decode_scan(seg, rest, frame, &tables, restart_interval)?;
            }
            _ => {} // APPn, COM, DNL...: nothing we need
        }
    }
    let frame = frame.ok_or_else(|| bad("no frame header"))?;
    to_raster(&frame, adobe_transform)
}

fn parse_frame(seg: &[u8]) -> Result<Frame, QrError> {
    let [precision, h0, h1, w0, w1, count, ref specs @ ..] = *seg else {
        return Err(bad("short frame header"));
    };
    if precision != 8 {
        return Err(QrError::Logo(format!(
            "is a {precision}-bit JPEG; only 8-bit JPEGs are supported"
        )));
    }
    let (height, width) = (u16::from_be_bytes([h0, h1]), u16::from_be_bytes([w0, w1]));
    check_dimensions(u32::from(width), u32::from(height))?;
    let mut components = Vec::new();
    for spec in specs.chunks_exact(3).take(usize::from(count)) {
        let [id, hv, quant] = *spec else { continue };
        let (h, v) = (usize::from(hv >> 4), usize::from(hv & 15));
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) || quant > 3 {
            return Err(bad("bad component parameters"));
        }
        components.push(Component {
            id,
            h,
            v,
            quant: usize::from(quant),
            dc: 0,
            ac: 0,
            pred: 0,
            plane: Vec::new(),
            stride: 0,
        });
    }
    if !matches!(components.len(), 1 | 3 | 4) || components.len() != usize::from(count) {
        return Err(bad("unsupported number of components"));
    }
    let (width, height) = (usize::from(width), usize::from(height));
    let h_max = components.iter().map(|c| c.h).max().unwrap_or(1);
    let v_max = components.iter().map(|c| c.v).max().unwrap_or(1);
    let mcus_x = width.div_ceil(8 * h_max);
    let mcus_y = height.div_ceil(8 * v_max);
    for c in &mut components {
        c.stride = mcus_x * c.h * 8;
        c.plane = vec![0; c.stride * mcus_y * c.v * 8];
    }
    Ok(Frame {
        width,
        height,
        h_max,
        v_max,
        mcus_x,
        mcus_y,
        components,
    })
}

fn parse_huffman(mut seg: &[u8], dc: &mut [Huffman], ac: &mut [Huffman]) -> Result<(), QrError> {
    while let Some((&class_id, rest)) = seg.split_first() {
        let counts = rest.get(..16).ok_or_else(|| bad("short Huffman table"))?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let symbols = rest
            .get(16..16 + total)
            .ok_or_else(|| bad("short Huffman table"))?;
        let table = Huffman::new(counts, symbols);
        let slot = match class_id >> 4 {
            0 => dc.get_mut(usize::from(class_id & 15)),
            _ => ac.get_mut(usize::from(class_id & 15)),
        };
        *slot.ok_or_else(|| bad("bad Huffman table id"))? = table;
        seg = rest.get(16 + total..).unwrap_or(&[]);
    }
    Ok(())
}

fn parse_quant(mut seg: &[u8], quant: &mut [[u16; 64]; 4]) -> Result<(), QrError> {
    while let Some((&pq_tq, rest)) = seg.split_first() {
        let wide = pq_tq >> 4 != 0;
        let size = if wide { 128 } else { 64 };
        let values = rest
            .get(..size)
            .ok_or_else(|| bad("short quantisation table"))?;
        let table = quant
            .get_mut(usize::from(pq_tq & 15))
            .ok_or_else(|| bad("bad quantisation table id"))?;
        if wide {
            for (q, pair) in table.iter_mut().zip(values.chunks_exact(2)) {
                *q = u16::from_be_bytes([
                    pair.first().copied().unwrap_or(0),
                    pair.get(1).copied().unwrap_or(0),
                ]);
            }
        } else {
            for (q, &v) in table.iter_mut().zip(values) {
                *q = u16::from(v);
            }
        }
        seg = rest.get(size..).unwrap_or(&[]);
    }
    Ok(())
}

struct Tables<'a> {
    quant: &'a [[u16; 64]; 4],
    dc: &'a [Huffman],
    ac: &'a [Huffman],
    cos: &'a [[f32; 8]; 8],
}

/// Decodes one scan into the component planes; returns the bytes of entropy-coded
/// data consumed, so parsing resumes at the next marker.
fn decode_scan(
    header: &[u8],
    data: &[u8],
    frame: &mut Frame,
    tables: &Tables<'_>,
    restart_interval: usize,
) -> Result<usize, QrError> {
    let (&count, specs) = header
        .split_first()
        .ok_or_else(|| bad("short scan header"))?;
    let mut members = Vec::new();
    for spec in specs.chunks_exact(2).take(usize::from(count)) {
        let [id, tables_id] = *spec else { continue };
        let index = frame
            .components
            .iter()
            .position(|c| c.id == id)
            .ok_or_else(|| bad("scan names an unknown component"))?;
        if let Some(c) = frame.components.get_mut(index) {
            c.dc = usize::from(tables_id >> 4);
            c.ac = usize::from(tables_id & 15);
            c.pred = 0;
        }
        members.push(index);
    }
    if members.is_empty() || members.len() != usize::from(count) {
        return Err(bad("bad scan header"));
    }
    let mut bits = Bits {
        data,
        pos: 0,
        byte: 0,
        left: 0,
    };
    // One component alone is coded block by block over its own extent (T.81 A.2.2);
    // several are interleaved MCU by MCU.
    let (units_x, units_y) = match members.as_slice() {
        [only] => {
            let c = frame.components.get(*only).ok_or_else(|| bad("bad scan"))?;
            (
                (frame.width * c.h).div_ceil(frame.h_max).div_ceil(8),
                (frame.height * c.v).div_ceil(frame.v_max).div_ceil(8),
            )
        }
        _ => (frame.mcus_x, frame.mcus_y),
    };
    let single = members.len() == 1;
    let mut coef = [0f32; 64];
    for unit in 0..units_x * units_y {
        if restart_interval > 0 && unit > 0 && unit % restart_interval == 0 {
            bits.restart();
            frame.components.iter_mut().for_each(|c| c.pred = 0);
        }
        let (ux, uy) = (unit % units_x, unit / units_x);
        for &index in &members {
            let c = frame
                .components
                .get_mut(index)
                .ok_or_else(|| bad("bad scan"))?;
            let (bh, bv) = if single { (1, 1) } else { (c.h, c.v) };
            for by in 0..bv {
                for bx in 0..bh {
                    decode_block(&mut bits, c, tables, &mut coef)?;
                    let samples = idct(&coef, tables.cos);
                    let (x, y) = ((ux * bh + bx) * 8, (uy * bv + by) * 8);
                    for (row, line) in samples.chunks_exact(8).enumerate() {
                        let start = (y + row) * c.stride + x;
                        if let Some(dst) = c.plane.get_mut(start..start + 8) {
                            dst.copy_from_slice(line);
                        }
                    }
                }
            }
        }
    }
    Ok(bits.pos)
}

fn decode_block(
    bits: &mut Bits<'_>,
    c: &mut Component,
    tables: &Tables<'_>,
    coef: &mut [f32; 64],
) -> Result<(), QrError> {
    let missing = || bad("scan uses an undefined table");
    let dc = tables.dc.get(c.dc).ok_or_else(missing)?;
    let ac = tables.ac.get(c.ac).ok_or_else(missing)?;
    let q = tables.quant.get(c.quant).ok_or_else(missing)?;
    coef.fill(0.0);
    let size = bits.decode(dc)?;
    c.pred = c.pred.wrapping_add(bits.signed(size));
    let dequant = |k: usize, v: i32| v as f32 * f32::from(q.get(k).copied().unwrap_or(0));
    if let Some(first) = coef.first_mut() {
        *first = dequant(0, c.pred);
    }
    let mut k = 1;
    while k < 64 {
        let rs = bits.decode(ac)?;
        let (run, size) = (usize::from(rs >> 4), rs & 15);
        if size == 0 {
            if run != 15 {
                break; // end of block
            }
            k += 16;
            continue;
        }
        k += run;
        let natural = ZIGZAG
            .get(k)
            .ok_or_else(|| bad("coefficient past the block"))?;
        if let Some(slot) = coef.get_mut(usize::from(*natural)) {
            *slot = dequant(k, bits.signed(size));
        }
        k += 1;
    }
    Ok(())
}

fn clamp_u8(v: f32) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

fn ycc_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let (y, cb, cr) = (f32::from(y), f32::from(cb) - 128.0, f32::from(cr) - 128.0);
    [
        clamp_u8(y + 1.402 * cr),
        clamp_u8(y - 0.344_136 * cb - 0.714_136 * cr),
        clamp_u8(y + 1.772 * cb),
    ]
}

/// Upsamples and converts the planes to RGBA.
fn to_raster(frame: &Frame, adobe_transform: Option<u8>) -> Result<Raster, QrError> {
    let sample = |c: &Component, x: usize, y: usize| {
        let (sx, sy) = (x * c.h / frame.h_max, y * c.v / frame.v_max);
        c.plane.get(sy * c.stride + sx).copied().unwrap_or(0)
    };
    let rgb = adobe_transform == Some(0) || frame.components.iter().map(|c| c.id).eq(*b"RGB");
    let mut pixels = Vec::with_capacity(frame.width * frame.height);
    let mut s = [0u8; 4];
    for y in 0..frame.height {
        for x in 0..frame.width {
            for (slot, c) in s.iter_mut().zip(&frame.components) {
                *slot = sample(c, x, y);
            }
            let pixel = match (frame.components.len(), s) {
                (1, [l, ..]) => Rgba::opaque(l, l, l),
                (3, [r, g, b, _]) if rgb => Rgba::opaque(r, g, b),
                (3, [y, cb, cr, _]) => {
                    let [r, g, b] = ycc_to_rgb(y, cb, cr);
                    Rgba::opaque(r, g, b)
                }
                // Adobe stores CMYK inverted (255 = no ink); YCCK is that after YCC.
                (_, [a, b, c, k]) => {
                    let [c, m, ye] = if adobe_transform == Some(2) {
                        ycc_to_rgb(a, b, c)
                    } else {
                        [a, b, c]
                    };
                    let ink = |v: u8| ((u32::from(v) * u32::from(k) + 127) / 255) as u8;
                    Rgba::opaque(ink(c), ink(m), ink(ye))
                }
            };
            pixels.push(pixel);
        }
    }
    Ok(Raster {
        width: u32::try_from(frame.width).unwrap_or(0),
        height: u32::try_from(frame.height).unwrap_or(0),
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

    use super::*;

    /// A smooth colour field (JPEG's best case, so errors measure our decoder).
    fn source(w: u16, h: u16) -> Vec<[u8; 3]> {
        (0..h)
            .flat_map(|y| {
                (0..w).map(move |x| {
                    [
                        (u32::from(x) * 255 / u32::from(w)) as u8,
                        (u32::from(y) * 255 / u32::from(h)) as u8,
                        ((u32::from(x) + u32::from(y)) * 127 / u32::from(w + h)) as u8 + 64,
                    ]
                })
            })
            .collect()
    }

    fn mean_error(raster: &Raster, expected: &[[u8; 3]], grey: bool) -> f64 {
        let total: u64 = raster
            .pixels
            .iter()
            .zip(expected)
            .map(|(p, e)| {
                let want = if grey {
                    let l =
                        ((u32::from(e[0]) * 299 + u32::from(e[1]) * 587 + u32::from(e[2]) * 114)
                            / 1000) as u8;
                    [l, l, l]
                } else {
                    *e
                };
                [p.r, p.g, p.b]
                    .iter()
                    .zip(want)
                    .map(|(a, b)| u64::from(a.abs_diff(b)))
                    .sum::<u64>()
            })
            .sum();
        total as f64 / (expected.len() * 3) as f64
    }

    fn encode(w: u16, h: u16, color: ColorType, sampling: SamplingFactor, restart: u16) -> Vec<u8> {
        let src = source(w, h);
        let data: Vec<u8> = match color {
            ColorType::Luma => src
                .iter()
                .map(|p| {
                    ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000)
                        as u8
                })
                .collect(),
            ColorType::Cmyk => src
                .iter()
                .flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], 0])
                .collect(),
            _ => src.iter().flatten().copied().collect(),
        };
        let mut out = Vec::new();
        let mut enc = Encoder::new(&mut out, 92);
        enc.set_sampling_factor(sampling);
        if restart > 0 {
            enc.set_restart_interval(restart);
        }
        enc.encode(&data, w, h, color).unwrap();
        out
    }

    #[test]
    fn decodes_every_sampling_and_colour_model_close_to_the_source() {
        let cases = [
            (ColorType::Rgb, SamplingFactor::R_4_4_4, 0, false),
            (ColorType::Rgb, SamplingFactor::R_4_2_0, 0, false),
            (ColorType::Rgb, SamplingFactor::R_4_2_2, 3, false),
            (ColorType::Rgb, SamplingFactor::R_4_1_1, 0, false),
            (ColorType::Luma, SamplingFactor::R_4_4_4, 5, true),
            (ColorType::Cmyk, SamplingFactor::R_4_4_4, 0, false),
        ];
        for (w, h) in [(37, 23), (64, 64), (1, 1), (200, 9)] {
            let expected = source(w, h);
            for (color, sampling, restart, grey) in cases {
                let raster = decode(&encode(w, h, color, sampling, restart)).unwrap();
                assert_eq!((raster.width, raster.height), (u32::from(w), u32::from(h)));
                let error = mean_error(&raster, &expected, grey);
                // Chroma subsampling of a 1-2 px wide image loses the most.
                let limit = if matches!(sampling, SamplingFactor::R_4_4_4) {
                    3.0
                } else {
                    8.0
                };
                assert!(
                    error < limit,
                    "{w}x{h} {color:?} {sampling:?}: mean error {error}"
                );
            }
        }
    }

    #[test]
    fn refuses_progressive_and_broken_files_with_a_clear_error() {
        let mut progressive = Vec::new();
        let mut enc = Encoder::new(&mut progressive, 90);
        enc.set_progressive(true);
        enc.encode(&[0u8; 16 * 16 * 3], 16, 16, ColorType::Rgb)
            .unwrap();
        assert!(decode(&progressive)
            .unwrap_err()
            .to_string()
            .contains("progressive"));
        let good = encode(16, 16, ColorType::Rgb, SamplingFactor::R_4_2_0, 0);
        for cut in [3, 20, 200, good.len() - 2] {
            // Truncated files fail or decode to something; they never panic.
            let _ = decode(&good[..cut]);
        }
        assert!(decode(b"\xff\xd8\xff").is_err());
        // Every single-byte corruption is survivable.
        for i in 2..good.len() {
            let mut broken = good.clone();
            broken[i] ^= 0x5a;
            let _ = decode(&broken);
        }
    }
}
