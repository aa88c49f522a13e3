//! zlib streams (RFC 1950/1951) for the PNG codec, written here because a general
//! deflate library is the largest piece of a PNG stack (miniz_oxide: ~28 KB of wasm
//! before optimisation) and QR images need little of it.
//!
//! The compressor does greedy LZ77 over a one-entry-per-hash table and codes with the
//! fixed Huffman table: QR rows after PNG's Up filter are long zero runs and repeats,
//! which that finds, at a few percent above zlib level 6 in size. The decompressor is
//! complete (stored, fixed and dynamic blocks), as logos come from any encoder.

/// Length code bases and extra bits for codes 257..=285 (RFC 1951 §3.2.5).
const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// Order of the code-length code lengths in a dynamic block header.
const CLEN_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

const WINDOW: usize = 32 * 1024;
const MAX_MATCH: usize = 258;
const HASH_BITS: u32 = 15;

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before `b` could overflow (zlib's NMAX).
    for block in data.chunks(5552) {
        for &byte in block {
            a += u32::from(byte);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    (b << 16) | a
}

/// Writes bits least-significant first, as deflate packs them.
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    count: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, bits: u32) {
        self.acc |= u64::from(value) << self.count;
        self.count += bits;
        while self.count >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code, which deflate sends most-significant bit first.
    fn code(&mut self, code: u32, bits: u32) {
        self.put(code.reverse_bits() >> (32 - bits), bits);
    }

    /// The fixed-table code of a literal/length symbol (RFC 1951 §3.2.6).
    fn symbol(&mut self, sym: u32) {
        match sym {
            0..=143 => self.code(0x30 + sym, 8),
            144..=255 => self.code(0x190 + sym - 144, 9),
            256..=279 => self.code(sym - 256, 7),
            _ => self.code(0xc0 + sym - 280, 8),
        }
    }

    fn length_and_distance(&mut self, len: usize, dist: usize) {
        let l = LEN_BASE
            .iter()
            .rposition(|&b| usize::from(b) <= len)
            .unwrap_or(0);
        let d = DIST_BASE
            .iter()
            .rposition(|&b| usize::from(b) <= dist)
            .unwrap_or(0);
        let (lb, le) = (LEN_BASE.get(l), LEN_EXTRA.get(l));
        let (db, de) = (DIST_BASE.get(d), DIST_EXTRA.get(d));
        if let (Some(&lb), Some(&le), Some(&db), Some(&de)) = (lb, le, db, de) {
            self.symbol(257 + l as u32);
            self.put((len - usize::from(lb)) as u32, u32::from(le));
            self.code(d as u32, 5);
            self.put((dist - usize::from(db)) as u32, u32::from(de));
        }
    }
}

fn hash(data: &[u8], i: usize) -> usize {
    match data.get(i..i + 3) {
        Some(&[a, b, c]) => {
            let v = u32::from(a) | u32::from(b) << 8 | u32::from(c) << 16;
            (v.wrapping_mul(0x9e37_79b1) >> (32 - HASH_BITS)) as usize
        }
        _ => 0,
    }
}

fn match_len(data: &[u8], earlier: usize, at: usize) -> usize {
    let limit = (data.len() - at).min(MAX_MATCH);
    match (data.get(earlier..), data.get(at..)) {
        (Some(a), Some(b)) => a
            .iter()
            .zip(b)
            .take(limit)
            .take_while(|(x, y)| x == y)
            .count(),
        _ => 0,
    }
}

/// A zlib stream of `data`: one final fixed-Huffman block.
pub(super) fn compress(data: &[u8]) -> Vec<u8> {
    let mut w = BitWriter {
        out: Vec::with_capacity(data.len() / 8 + 64),
        acc: 0,
        count: 0,
    };
    w.out.extend_from_slice(&[0x78, 0x01]); // deflate, 32 KiB window, no dictionary
    w.put(1, 1); // final block
    w.put(1, 2); // fixed Huffman codes
    let mut head = vec![usize::MAX; 1 << HASH_BITS];
    let mut i = 0;
    while i < data.len() {
        // Runs (distance 1) first: they are what filtered QR rows are made of.
        let run = if i > 0 { match_len(data, i - 1, i) } else { 0 };
        let h = hash(data, i);
        let candidate = head.get(h).copied().unwrap_or(usize::MAX);
        let (mut len, mut dist) = (run, 1);
        if candidate < i && i - candidate <= WINDOW {
            let found = match_len(data, candidate, i);
            if found > len {
                (len, dist) = (found, i - candidate);
            }
        }
        if len >= 3 {
            w.length_and_distance(len, dist);
            // Index the first positions of the match too, cheaply: every fourth.
            for j in (i..i + len).step_by(4) {
                if let Some(slot) = head.get_mut(hash(data, j)) {
                    *slot = j;
                }
            }
            i += len;
        } else {
            if let Some(slot) = head.get_mut(h) {
                *slot = i;
            }
            w.symbol(u32::from(data.get(i).copied().unwrap_or(0)));
            i += 1;
        }
    }
    w.symbol(256);
    let mut out = w.out;
    if w.count > 0 {
        out.push(w.acc as u8);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// Why a stream could not be inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum InflateError {
    Corrupt,
    /// The output would pass the caller's limit.
    TooLarge,
}

/// A canonical Huffman code as counts per length and symbols in code order.
struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Result<Huffman, InflateError> {
        let mut counts = [0u16; 16];
        for &l in lengths {
            *counts
                .get_mut(usize::from(l))
                .ok_or(InflateError::Corrupt)? += 1;
        }
        let mut offsets = [0u16; 16];
        for len in 1..16 {
            let prev = offsets.get(len - 1).copied().unwrap_or(0)
                + counts.get(len - 1).copied().unwrap_or(0);
            if let Some(o) = offsets.get_mut(len) {
                *o = if len == 1 { 0 } else { prev };
            }
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (sym, &l) in lengths.iter().enumerate() {
            if l > 0 {
                let slot = offsets
                    .get_mut(usize::from(l))
                    .ok_or(InflateError::Corrupt)?;
                if let Some(s) = symbols.get_mut(usize::from(*slot)) {
                    *s = sym as u16;
                }
                *slot += 1;
            }
        }
        Ok(Huffman { counts, symbols })
    }
}

struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    bit: u32,
}

impl BitReader<'_> {
    fn bits(&mut self, n: u32) -> Result<u32, InflateError> {
        let mut v = 0;
        for i in 0..n {
            let byte = self.data.get(self.pos).ok_or(InflateError::Corrupt)?;
            v |= u32::from((byte >> self.bit) & 1) << i;
            self.bit += 1;
            if self.bit == 8 {
                self.bit = 0;
                self.pos += 1;
            }
        }
        Ok(v)
    }

    /// One symbol, read a bit at a time (puff's canonical decoding).
    fn decode(&mut self, h: &Huffman) -> Result<u16, InflateError> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= self.bits(1)? as i32;
            let count = i32::from(h.counts.get(len).copied().unwrap_or(0));
            if code - count < first {
                let at =
                    usize::try_from(index + (code - first)).map_err(|_| InflateError::Corrupt)?;
                return h.symbols.get(at).copied().ok_or(InflateError::Corrupt);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(InflateError::Corrupt)
    }
}

/// Inflates a zlib stream, refusing output past `limit` bytes; the Adler-32 is checked.
pub(super) fn decompress(stream: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
    let [cmf, flg, ..] = *stream else {
        return Err(InflateError::Corrupt);
    };
    if cmf & 0x0f != 8 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 || flg & 0x20 != 0 {
        return Err(InflateError::Corrupt);
    }
    let mut r = BitReader {
        data: stream,
        pos: 2,
        bit: 0,
    };
    let mut out = Vec::new();
    loop {
        let last = r.bits(1)?;
        match r.bits(2)? {
            0 => {
                if r.bit > 0 {
                    r.bit = 0;
                    r.pos += 1;
                }
                let header = stream.get(r.pos..r.pos + 4).ok_or(InflateError::Corrupt)?;
                let len = usize::from(u16::from_le_bytes([
                    header.first().copied().unwrap_or(0),
                    header.get(1).copied().unwrap_or(0),
                ]));
                let block = stream
                    .get(r.pos + 4..r.pos + 4 + len)
                    .ok_or(InflateError::Corrupt)?;
                if out.len() + len > limit {
                    return Err(InflateError::TooLarge);
                }
                out.extend_from_slice(block);
                r.pos += 4 + len;
            }
            1 => {
                let mut lengths = [0u8; 288];
                for (sym, l) in lengths.iter_mut().enumerate() {
                    *l = match sym {
                        0..=143 => 8,
                        144..=255 => 9,
                        256..=279 => 7,
                        _ => 8,
                    };
                }
                let lit = Huffman::new(&lengths)?;
                let dist = Huffman::new(&[5; 30])?;
                codes(&mut r, &mut out, &lit, &dist, limit)?;
            }
            2 => {
                let (lit, dist) = dynamic_tables(&mut r)?;
                codes(&mut r, &mut out, &lit, &dist, limit)?;
            }
            _ => return Err(InflateError::Corrupt),
        }
        if last == 1 {
            break;
        }
    }
    let at = if r.bit > 0 { r.pos + 1 } else { r.pos };
    let check = stream.get(at..at + 4).ok_or(InflateError::Corrupt)?;
    if check != adler32(&out).to_be_bytes() {
        return Err(InflateError::Corrupt);
    }
    Ok(out)
}

fn dynamic_tables(r: &mut BitReader<'_>) -> Result<(Huffman, Huffman), InflateError> {
    let nlen = r.bits(5)? as usize + 257;
    let ndist = r.bits(5)? as usize + 1;
    let ncode = r.bits(4)? as usize + 4;
    let mut clens = [0u8; 19];
    for &i in CLEN_ORDER.iter().take(ncode) {
        if let Some(l) = clens.get_mut(i) {
            *l = r.bits(3)? as u8;
        }
    }
    let clen = Huffman::new(&clens)?;
    let mut lengths = vec![0u8; nlen + ndist];
    let mut i = 0;
    while i < nlen + ndist {
        let sym = r.decode(&clen)?;
        let (value, repeat) = match sym {
            0..=15 => (sym as u8, 1),
            16 => {
                let prev = i
                    .checked_sub(1)
                    .and_then(|p| lengths.get(p))
                    .copied()
                    .ok_or(InflateError::Corrupt)?;
                (prev, 3 + r.bits(2)? as usize)
            }
            17 => (0, 3 + r.bits(3)? as usize),
            _ => (0, 11 + r.bits(7)? as usize),
        };
        let slots = lengths
            .get_mut(i..i + repeat)
            .ok_or(InflateError::Corrupt)?;
        slots.fill(value);
        i += repeat;
    }
    let (lit, dist) = lengths.split_at(nlen);
    Ok((Huffman::new(lit)?, Huffman::new(dist)?))
}

fn codes(
    r: &mut BitReader<'_>,
    out: &mut Vec<u8>,
    lit: &Huffman,
    dist: &Huffman,
    limit: usize,
) -> Result<(), InflateError> {
    loop {
        let sym = usize::from(r.decode(lit)?);
        if sym < 256 {
            if out.len() >= limit {
                return Err(InflateError::TooLarge);
            }
            out.push(sym as u8);
            continue;
        }
        if sym == 256 {
            return Ok(());
        }
        let i = sym - 257;
        let base = LEN_BASE.get(i).ok_or(InflateError::Corrupt)?;
        let extra = LEN_EXTRA.get(i).ok_or(InflateError::Corrupt)?;
        let len = usize::from(*base) + r.bits(u32::from(*extra))? as usize;
        let d = usize::from(r.decode(dist)?);
        let base = DIST_BASE.get(d).ok_or(InflateError::Corrupt)?;
        let extra = DIST_EXTRA.get(d).ok_or(InflateError::Corrupt)?;
        let distance = usize::from(*base) + r.bits(u32::from(*extra))? as usize;
        if distance > out.len() {
            return Err(InflateError::Corrupt);
        }
        if out.len() + len > limit {
            return Err(InflateError::TooLarge);
        }
        let start = out.len() - distance;
        // Byte by byte: the copy may overlap what it produces (a run).
        for k in 0..len {
            let byte = out.get(start + k).copied().ok_or(InflateError::Corrupt)?;
            out.push(byte);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn samples() -> Vec<Vec<u8>> {
        let mut qr_like = Vec::new();
        for row in 0..300u32 {
            qr_like.push(2);
            qr_like.extend((0..128u32).map(|x| {
                if row % 8 == 0 {
                    ((x * 37 + row) % 7) as u8 * 36
                } else {
                    0
                }
            }));
        }
        vec![
            Vec::new(),
            vec![7],
            vec![0; 100_000],
            (0..70_000u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect(),
            b"abcabcabcabcabcabcabd hello hello hello".repeat(50),
            qr_like,
        ]
    }

    #[test]
    fn miniz_reads_what_we_write_and_we_read_what_miniz_writes() {
        for data in samples() {
            let ours = compress(&data);
            assert_eq!(
                miniz_oxide::inflate::decompress_to_vec_zlib(&ours).unwrap(),
                data
            );
            assert_eq!(decompress(&ours, data.len()).unwrap(), data);
            for level in [0, 1, 6, 9] {
                let theirs = miniz_oxide::deflate::compress_to_vec_zlib(&data, level);
                assert_eq!(
                    decompress(&theirs, data.len()).unwrap(),
                    data,
                    "level {level}"
                );
            }
        }
    }

    #[test]
    fn runs_and_repeats_compress_well() {
        assert!(compress(&[0; 100_000]).len() < 1_000);
        let qr_like = samples().pop().unwrap();
        let ours = compress(&qr_like).len();
        let zlib6 = miniz_oxide::deflate::compress_to_vec_zlib(&qr_like, 6).len();
        // Fixed codes spend 8-9 bits per literal where zlib fits a table to the data.
        assert!(ours < zlib6 * 4, "{ours} vs zlib-6 {zlib6}");
    }

    #[test]
    fn limits_and_corruption_are_errors() {
        let data = vec![1u8; 5000];
        let z = compress(&data);
        assert_eq!(decompress(&z, 4999), Err(InflateError::TooLarge));
        let mut bad_sum = z.clone();
        *bad_sum.last_mut().unwrap() ^= 1;
        assert_eq!(decompress(&bad_sum, 5000), Err(InflateError::Corrupt));
        assert!(decompress(&[0x78], 10).is_err());
        assert!(decompress(&[0x78, 0x9c, 0xff, 0xff], 10).is_err());
    }

    proptest! {
        #[test]
        fn round_trips_anything(data in proptest::collection::vec(0u8..4, 0..5000)) {
            let z = compress(&data);
            prop_assert_eq!(decompress(&z, data.len()).unwrap(), data.clone());
            let theirs = miniz_oxide::deflate::compress_to_vec_zlib(&data, 6);
            prop_assert_eq!(decompress(&theirs, data.len()).unwrap(), data);
        }

        #[test]
        fn never_panics_on_garbage(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut stream = vec![0x78, 0x9c];
            stream.extend(data);
            let _ = decompress(&stream, 10_000);
        }
    }
}
