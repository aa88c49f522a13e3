//! A ClickCounter shard's bucket rows: one per link and hour
//! (`link_hours`) and one per link and day (`link_days`), each holding a
//! bucket's counts as JSON (`{dimension: {value: count}}`, as in
//! `store::click_queue`), its unique-visitor sketch as bytes
//! (`core::hll::Hll::to_bytes`) and an A/B-tested link's variant sketches
//! as JSON (`{variant: base64 sketch}`). Schema: `store::clicks`.
//!
//! Writes go by table: a call's buckets are read in one statement and
//! written in one (their keys and values as a JSON array walked by
//! `json_each`), so applying a batch costs a handful of statements however
//! many buckets it carries. Rows written, which are billed, stay one per
//! bucket.

use std::collections::{BTreeMap, BTreeSet};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use worker::{console_error, SqlStorage, SqlStorageValue};

use super::click_queue::{CountsIn, CountsOut};
use super::Result;
use crate::core::analytics::aggregate::{Bucket, Counts};
use crate::core::analytics::{Dimension, HourlyCount, SketchRange};
use crate::core::hex;
use crate::core::hll::Hll;
use crate::core::period::Hour;
use crate::core::time::Day;

/// Keys per read statement, and at most this many bytes of rows per write
/// statement: well inside a statement's limits, with dense 16 KiB sketches.
const READ_CHUNK: usize = 500;
const WRITE_CHUNK_BYTES: usize = 500_000;

/// Which bucket rows: per hour or per day.
#[derive(Clone, Copy)]
pub enum Table {
    Hours,
    Days,
}

impl Table {
    fn select_many(self) -> &'static str {
        // CROSS JOIN keeps the key list outside, so each key is one
        // primary-key lookup rather than a scan.
        match self {
            Table::Hours => {
                "SELECT b.link, b.hour, b.counts, b.sketch, b.variants FROM json_each(?) AS k
                 CROSS JOIN link_hours AS b ON b.link = k.value ->> 0 AND b.hour = k.value ->> 1"
            }
            Table::Days => {
                "SELECT b.link, b.day, b.counts, b.sketch, b.variants FROM json_each(?) AS k
                 CROSS JOIN link_days AS b ON b.link = k.value ->> 0 AND b.day = k.value ->> 1"
            }
        }
    }

    fn upsert_many(self) -> &'static str {
        match self {
            Table::Hours => {
                "INSERT INTO link_hours (link, hour, counts, sketch, variants)
                 SELECT value ->> 0, value ->> 1, value ->> 2, unhex(value ->> 3), value ->> 4
                 FROM json_each(?) WHERE true
                 ON CONFLICT (link, hour) DO UPDATE SET counts = excluded.counts,
                   sketch = excluded.sketch, variants = excluded.variants"
            }
            Table::Days => {
                "INSERT INTO link_days (link, day, counts, sketch, variants)
                 SELECT value ->> 0, value ->> 1, value ->> 2, unhex(value ->> 3), value ->> 4
                 FROM json_each(?) WHERE true
                 ON CONFLICT (link, day) DO UPDATE SET counts = excluded.counts,
                   sketch = excluded.sketch, variants = excluded.variants"
            }
        }
    }

    fn range(self) -> &'static str {
        match self {
            Table::Hours => {
                "SELECT hour, counts FROM link_hours WHERE link = ? AND hour BETWEEN ? AND ?"
            }
            Table::Days => {
                "SELECT day, counts FROM link_days WHERE link = ? AND day BETWEEN ? AND ?"
            }
        }
    }
}

/// The stored buckets of `keys` ((link, hour or day)); absent keys have none.
pub fn read(
    sql: &SqlStorage,
    table: Table,
    keys: &[(String, i64)],
) -> Result<BTreeMap<(String, i64), Bucket>> {
    let mut buckets = BTreeMap::new();
    for chunk in keys.chunks(READ_CHUNK) {
        let cursor = sql.exec(
            table.select_many(),
            vec![serde_json::to_string(chunk)?.into()],
        )?;
        for row in cursor.raw() {
            let mut values = row?.into_iter();
            if let (Some(SqlStorageValue::String(link)), Some(SqlStorageValue::Integer(key))) =
                (values.next(), values.next())
            {
                let bucket = Bucket {
                    counts: decode_counts(values.next()),
                    sketch: decode_sketch(values.next()),
                    variants: decode_variants(values.next()),
                };
                buckets.insert((link, key), bucket);
            }
        }
    }
    Ok(buckets)
}

/// Writes `rows` (inserting or replacing), a statement per chunk.
pub fn write(sql: &SqlStorage, table: Table, rows: &[((String, i64), Bucket)]) -> Result<()> {
    type Row<'a> = (&'a str, i64, String, Option<String>, Option<String>);
    let mut chunk: Vec<Row<'_>> = Vec::new();
    let mut bytes = 0;
    for ((link, key), bucket) in rows {
        let counts = serde_json::to_string(&CountsOut(&bucket.counts))?;
        let sketch = (bucket.sketch != Hll::new()).then(|| hex::encode(&bucket.sketch.to_bytes()));
        let variants = if bucket.variants.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&variants_to_wire(&bucket.variants))?)
        };
        bytes += link.len()
            + counts.len()
            + sketch.as_ref().map_or(0, String::len)
            + variants.as_ref().map_or(0, String::len)
            + 32;
        chunk.push((link, *key, counts, sketch, variants));
        if bytes >= WRITE_CHUNK_BYTES {
            sql.exec(
                table.upsert_many(),
                vec![serde_json::to_string(&chunk)?.into()],
            )?;
            chunk.clear();
            bytes = 0;
        }
    }
    if !chunk.is_empty() {
        sql.exec(
            table.upsert_many(),
            vec![serde_json::to_string(&chunk)?.into()],
        )?;
    }
    Ok(())
}

/// Drops the hour sketches (the link's and its variants') of `links` older
/// than `first_kept`: only the last 48 hours' are ever read.
pub fn drop_old_sketches(sql: &SqlStorage, links: &BTreeSet<&str>, first_kept: Hour) -> Result<()> {
    if links.is_empty() {
        return Ok(());
    }
    sql.exec(
        "UPDATE link_hours SET sketch = NULL, variants = NULL
         WHERE link IN (SELECT value FROM json_each(?)) AND hour < ?
           AND (sketch IS NOT NULL OR variants IS NOT NULL)",
        vec![serde_json::to_string(links)?.into(), first_kept.0.into()],
    )?;
    Ok(())
}

/// Stored counts; unreadable ones are logged and read as empty, so one
/// corrupt row does not fail every later click of its link.
fn decode_counts(value: Option<SqlStorageValue>) -> Counts {
    let Some(SqlStorageValue::String(text)) = value else {
        return Counts::default();
    };
    match serde_json::from_str::<CountsIn>(&text) {
        Ok(CountsIn(counts)) => counts,
        Err(e) => {
            console_error!("dropping corrupt stored counts: {e}");
            Counts::default()
        }
    }
}

/// A stored sketch; a corrupt one is logged and read as empty, so uniques
/// restart rather than every later click failing.
fn decode_sketch(value: Option<SqlStorageValue>) -> Hll {
    match value {
        Some(SqlStorageValue::Blob(bytes)) => Hll::from_bytes(&bytes).unwrap_or_else(|e| {
            console_error!("dropping a corrupt sketch: {e}");
            Hll::new()
        }),
        _ => Hll::new(),
    }
}

/// The rows a report of `link` needs for `range` (`SketchRange::buckets`):
/// per-hour (or, from day rows, per-day) `clicks`, and every other
/// dimension summed over the range and stamped with its first hour, so the
/// answer stays small however long the period.
pub fn report_counts(
    sql: &SqlStorage,
    link: &str,
    range: &SketchRange,
) -> Result<Vec<HourlyCount>> {
    let plan = range.buckets();
    let mut clicks: Vec<HourlyCount> = Vec::new();
    let mut others = Counts::default();
    let mut add = |stamp: Hour, counts: Counts| {
        for (dimension, value, count) in counts.iter() {
            if dimension == Dimension::Clicks {
                clicks.push(HourlyCount {
                    hour: stamp,
                    dimension,
                    value: value.to_owned(),
                    count,
                });
            } else {
                others.insert_stored(dimension, value.to_owned(), count);
            }
        }
    };
    for (first, last) in &plan.hours {
        for (hour, counts) in read_counts(sql, Table::Hours, link, first.0, last.0)? {
            add(Hour(hour), counts);
        }
    }
    if let Some((first, last)) = plan.days {
        for (day, counts) in read_counts(sql, Table::Days, link, first.0, last.0)? {
            add(Hour::of(Day(day).start()), counts);
        }
    }
    clicks.extend(others.iter().map(|(dimension, value, count)| HourlyCount {
        hour: range.first,
        dimension,
        value: value.to_owned(),
        count,
    }));
    Ok(clicks)
}

fn read_counts(
    sql: &SqlStorage,
    table: Table,
    link: &str,
    first: i64,
    last: i64,
) -> Result<Vec<(i64, Counts)>> {
    let cursor = sql.exec(table.range(), vec![link.into(), first.into(), last.into()])?;
    let mut rows = Vec::new();
    for row in cursor.raw() {
        let mut values = row?.into_iter();
        if let Some(SqlStorageValue::Integer(key)) = values.next() {
            rows.push((key, decode_counts(values.next())));
        }
    }
    Ok(rows)
}

/// The union of the range's unique-visitor sketches of `link` (its hour
/// sketches when the range says so, else the day sketches it touches),
/// and the same union for each A/B variant that has one.
pub fn sketches(
    sql: &SqlStorage,
    link: &str,
    range: &SketchRange,
) -> Result<(Hll, BTreeMap<u8, Hll>)> {
    let (query, first, last) = if range.hourly {
        (
            "SELECT sketch, variants FROM link_hours WHERE link = ? AND hour BETWEEN ? AND ?",
            range.first.0,
            range.last.0,
        )
    } else {
        (
            "SELECT sketch, variants FROM link_days WHERE link = ? AND day BETWEEN ? AND ?",
            range.first.day().0,
            range.last.day().0,
        )
    };
    let mut merged = Hll::new();
    let mut variants: BTreeMap<u8, Hll> = BTreeMap::new();
    let cursor = sql.exec(query, vec![link.into(), first.into(), last.into()])?;
    for row in cursor.raw() {
        let mut values = row?.into_iter();
        merged.merge(&decode_sketch(values.next()));
        for (variant, sketch) in decode_variants(values.next()) {
            variants.entry(variant).or_default().merge(&sketch);
        }
    }
    Ok((merged, variants))
}

fn variants_to_wire(variants: &BTreeMap<u8, Hll>) -> BTreeMap<u8, String> {
    variants
        .iter()
        .map(|(variant, sketch)| (*variant, BASE64.encode(sketch.to_bytes())))
        .collect()
}

/// Stored variant sketches; unreadable ones are logged and skipped.
fn decode_variants(value: Option<SqlStorageValue>) -> BTreeMap<u8, Hll> {
    let Some(SqlStorageValue::String(text)) = value else {
        return BTreeMap::new();
    };
    let wire: BTreeMap<u8, String> = serde_json::from_str(&text).unwrap_or_else(|e| {
        console_error!("dropping corrupt variant sketches: {e}");
        BTreeMap::new()
    });
    wire.into_iter()
        .filter_map(|(variant, text)| {
            let sketch = BASE64
                .decode(text)
                .map_err(|e| e.to_string())
                .and_then(|bytes| Hll::from_bytes(&bytes).map_err(|e| e.to_string()));
            match sketch {
                Ok(sketch) => Some((variant, sketch)),
                Err(e) => {
                    console_error!("dropping a corrupt sketch of variant {variant}: {e}");
                    None
                }
            }
        })
        .collect()
}
