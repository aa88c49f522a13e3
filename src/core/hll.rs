//! HyperLogLog sketches for unique-visitor counts.
//!
//! The ClickCounter keeps one sketch per link per day (and per hour for the
//! last 48 hours) and merges those of a queried period, so a sketch must be
//! small when traffic is low, bounded when it is high, and mergeable. The
//! sketch holds registers only: no visitor fingerprint is ever kept.
//!
//! - **Dense**: 2^14 one-byte registers (p = 14, standard error 1.04/√m ≈
//!   0.81%), estimated with Ertl's improved raw estimator ("New cardinality
//!   estimation algorithms for HyperLogLog sketches", 2017), which is unbiased
//!   over the whole range without HLL++'s empirical bias tables.
//! - **Sparse** (HLL++ style): while at most [`SPARSE_LIMIT`] registers are
//!   set, a sorted list of (index, rank) pairs at precision 25, estimated by
//!   linear counting over 2^25 registers. Collisions are then so rare that
//!   small counts are exact in practice (500 visitors → 500), and a quiet
//!   day costs a few bytes. A sparse sketch converts to exactly the registers
//!   dense insertion would have produced, so the representation depends only
//!   on the set of hashes inserted: merging is commutative byte for byte.

use thiserror::Error;

/// Dense precision: 2^14 registers.
const P: u32 = 14;
const M: usize = 1 << P;
/// Largest dense rank: the 50 bits below the index all zero, plus one.
const MAX_RANK: u8 = (64 - P + 1) as u8;
/// Sparse precision: 2^25 virtual registers.
const SP: u32 = 25;
/// Largest sparse rank: the 39 bits below the sparse index all zero, plus one.
const MAX_SPARSE_RANK: u32 = 64 - SP + 1;
/// Sparse entries beyond which the dense form is as small: at ~3–4 bytes per
/// serialised entry, 4096 entries are about the dense 16 KiB.
pub const SPARSE_LIMIT: usize = M / 4;

const VERSION: u8 = 1;
const ENCODING_SPARSE: u8 = 0;
const ENCODING_DENSE: u8 = 1;

/// A sketch that cannot be decoded: stored bytes were corrupted or written by
/// an incompatible version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum HllError {
    #[error("sketch ends early")]
    Truncated,
    #[error("unsupported sketch version {0}")]
    Version(u8),
    #[error("unsupported sketch precision {0}")]
    Precision(u8),
    #[error("unknown sketch encoding {0}")]
    Encoding(u8),
    #[error("sketch register out of range or out of order")]
    Register,
    #[error("unexpected bytes after the sketch")]
    Trailing,
}

/// A HyperLogLog sketch of 64-bit hashes (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hll {
    repr: Repr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Repr {
    /// Sorted by index, one entry per index: `index << 6 | rank`.
    Sparse(Vec<u32>),
    /// `M` registers.
    Dense(Vec<u8>),
}

impl Default for Repr {
    fn default() -> Self {
        Repr::Sparse(Vec::new())
    }
}

impl Hll {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one hash. The hash must be uniformly distributed (a fingerprint).
    pub fn insert(&mut self, hash: u64) {
        match &mut self.repr {
            Repr::Sparse(entries) => {
                let index = (hash >> (64 - SP)) as u32;
                let rank = (hash << SP).leading_zeros().min(MAX_SPARSE_RANK - 1) + 1;
                sparse_set(entries, index << 6 | rank);
                if entries.len() > SPARSE_LIMIT {
                    self.densify();
                }
            }
            Repr::Dense(registers) => {
                let (index, rank) = dense_register(hash);
                raise(registers, index, rank);
            }
        }
    }

    /// Makes this sketch count the union of both sets.
    pub fn merge(&mut self, other: &Hll) {
        match (&mut self.repr, &other.repr) {
            (Repr::Sparse(mine), Repr::Sparse(theirs)) => {
                *mine = merge_sparse(mine, theirs);
                if mine.len() > SPARSE_LIMIT {
                    self.densify();
                }
            }
            (Repr::Dense(mine), Repr::Sparse(theirs)) => {
                for &entry in theirs {
                    let (index, rank) = sparse_to_dense(entry);
                    raise(mine, index, rank);
                }
            }
            (Repr::Sparse(_), Repr::Dense(_)) => {
                self.densify();
                self.merge(other);
            }
            (Repr::Dense(mine), Repr::Dense(theirs)) => {
                mine.iter_mut()
                    .zip(theirs)
                    .for_each(|(a, &b)| *a = (*a).max(b));
            }
        }
    }

    /// The estimated number of distinct hashes inserted.
    pub fn estimate(&self) -> u64 {
        match &self.repr {
            Repr::Sparse(entries) => linear_counting(1 << SP, entries.len()),
            Repr::Dense(registers) => ertl_estimate(registers),
        }
    }

    /// `[version, precision, encoding]` then either `count` and the sparse
    /// entries as LEB128 deltas, or the `M` dense registers.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![VERSION, P as u8];
        match &self.repr {
            Repr::Sparse(entries) => {
                out.push(ENCODING_SPARSE);
                write_varint(&mut out, entries.len() as u32);
                let mut previous = 0;
                for &entry in entries {
                    write_varint(&mut out, entry - previous);
                    previous = entry;
                }
            }
            Repr::Dense(registers) => {
                out.push(ENCODING_DENSE);
                out.extend_from_slice(registers);
            }
        }
        out
    }

    /// Decodes [`Hll::to_bytes`], checking every field, so corrupt storage is
    /// an error rather than a wrong count.
    ///
    /// # Errors
    /// [`HllError`] says what is wrong with the bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, HllError> {
        let [version, precision, encoding, body @ ..] = bytes else {
            return Err(HllError::Truncated);
        };
        if *version != VERSION {
            return Err(HllError::Version(*version));
        }
        if u32::from(*precision) != P {
            return Err(HllError::Precision(*precision));
        }
        let repr = match *encoding {
            ENCODING_SPARSE => Repr::Sparse(decode_sparse(body)?),
            ENCODING_DENSE => Repr::Dense(decode_dense(body)?),
            other => return Err(HllError::Encoding(other)),
        };
        Ok(Self { repr })
    }

    fn densify(&mut self) {
        if let Repr::Sparse(entries) = &self.repr {
            let mut registers = vec![0; M];
            for &entry in entries {
                let (index, rank) = sparse_to_dense(entry);
                raise(&mut registers, index, rank);
            }
            self.repr = Repr::Dense(registers);
        }
    }
}

fn dense_register(hash: u64) -> (usize, u8) {
    let index = (hash >> (64 - P)) as usize;
    let rank = (hash << P).leading_zeros().min(u32::from(MAX_RANK) - 1) + 1;
    (index, rank as u8)
}

/// The dense register a sparse entry stands for: the sparse index's low
/// `SP - P` bits are the first bits the dense rank counts zeros in.
fn sparse_to_dense(entry: u32) -> (usize, u8) {
    let sparse_index = entry >> 6;
    let low = sparse_index & ((1 << (SP - P)) - 1);
    let rank = if low == 0 {
        (SP - P) + (entry & 63)
    } else {
        (low << (32 - (SP - P))).leading_zeros() + 1
    };
    ((sparse_index >> (SP - P)) as usize, rank as u8)
}

fn raise(registers: &mut [u8], index: usize, rank: u8) {
    if let Some(register) = registers.get_mut(index) {
        *register = (*register).max(rank);
    }
}

fn sparse_set(entries: &mut Vec<u32>, entry: u32) {
    match entries.binary_search_by_key(&(entry >> 6), |e| e >> 6) {
        Ok(at) => {
            if let Some(existing) = entries.get_mut(at) {
                *existing = (*existing).max(entry);
            }
        }
        Err(at) => entries.insert(at, entry),
    }
}

fn merge_sparse(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(&&x), Some(&&y)) if x >> 6 == y >> 6 => {
                a.next();
                b.next();
                x.max(y)
            }
            (Some(&&x), Some(&&y)) if x < y => {
                a.next();
                x
            }
            (_, Some(&&y)) => {
                b.next();
                y
            }
            (Some(&&x), None) => {
                a.next();
                x
            }
            (None, None) => return merged,
        };
        merged.push(next);
    }
}

/// Linear counting (Whang et al. 1990): `m ln(m / empty)`, rounded.
fn linear_counting(m: u64, set: usize) -> u64 {
    let (m, set) = (m as f64, set as f64);
    (m * (m / (m - set)).ln()).round() as u64
}

/// Ertl's improved raw estimator (Algorithm 6 of the paper cited above).
fn ertl_estimate(registers: &[u8]) -> u64 {
    let mut histogram = [0u32; MAX_RANK as usize + 1];
    for &rank in registers {
        if let Some(count) = histogram.get_mut(usize::from(rank)) {
            *count += 1;
        }
    }
    let m = registers.len() as f64;
    let count = |rank: usize| f64::from(histogram.get(rank).copied().unwrap_or(0));
    if count(0) == m {
        return 0;
    }
    let mut z = m * tau(1.0 - count(usize::from(MAX_RANK)) / m);
    for rank in (1..usize::from(MAX_RANK)).rev() {
        z = 0.5 * (z + count(rank));
    }
    z += m * sigma(count(0) / m);
    (m * m / (2.0 * std::f64::consts::LN_2 * z)).round() as u64
}

fn sigma(mut x: f64) -> f64 {
    let (mut y, mut z) = (1.0, x);
    loop {
        x *= x;
        let previous = z;
        z += x * y;
        y += y;
        if z == previous {
            return z;
        }
    }
}

fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let (mut y, mut z) = (1.0, 1.0 - x);
    loop {
        x = x.sqrt();
        let previous = z;
        y *= 0.5;
        z -= (1.0 - x).powi(2) * y;
        if z == previous {
            return z / 3.0;
        }
    }
}

fn decode_sparse(body: &[u8]) -> Result<Vec<u32>, HllError> {
    let mut cursor = body;
    let count = read_varint(&mut cursor)? as usize;
    if count > SPARSE_LIMIT {
        return Err(HllError::Register);
    }
    let mut entries = Vec::with_capacity(count);
    let mut previous: u32 = 0;
    for _ in 0..count {
        let entry = previous
            .checked_add(read_varint(&mut cursor)?)
            .ok_or(HllError::Register)?;
        let rank = entry & 63;
        let ordered = entries.is_empty() || entry >> 6 > previous >> 6;
        if entry >> 6 >= 1 << SP || rank == 0 || rank > MAX_SPARSE_RANK || !ordered {
            return Err(HllError::Register);
        }
        entries.push(entry);
        previous = entry;
    }
    if !cursor.is_empty() {
        return Err(HllError::Trailing);
    }
    Ok(entries)
}

fn decode_dense(body: &[u8]) -> Result<Vec<u8>, HllError> {
    match body.len() {
        len if len < M => Err(HllError::Truncated),
        len if len > M => Err(HllError::Trailing),
        _ if body.iter().any(|&rank| rank > MAX_RANK) => Err(HllError::Register),
        _ => Ok(body.to_vec()),
    }
}

fn write_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn read_varint(cursor: &mut &[u8]) -> Result<u32, HllError> {
    let mut value: u32 = 0;
    for shift in (0..35).step_by(7) {
        let [byte, rest @ ..] = *cursor else {
            return Err(HllError::Truncated);
        };
        *cursor = rest;
        let bits = u32::from(byte & 0x7f);
        if shift == 28 && bits > 0x0f {
            return Err(HllError::Register);
        }
        value |= bits << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(HllError::Register)
}

#[cfg(test)]
mod tests;
