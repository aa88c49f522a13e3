//! A ClickCounter's SQLite storage: the hourly counters, the unique-visitor
//! sketches and the click total pushed to D1 (schema and protocol:
//! `core::analytics`).
//!
//! Every function here is synchronous: Durable Object SQL runs in-process,
//! and a sequence of statements with no `await` between them commits as one
//! transaction while no other event can interleave. So one click's reads
//! and writes are atomic, and concurrent clicks never lose an update.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use serde::Deserialize;
use worker::{console_error, SqlStorage, SqlStorageValue};

use super::Result;

use crate::core::analytics::{
    ClickEvent, Dimension, HourlyCount, ReferrerRows, SketchKey, SketchRange,
};
use crate::core::hll::Hll;
use crate::core::period::Hour;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS hourly_counts (
  hour      INTEGER NOT NULL,
  dimension TEXT    NOT NULL,
  value     TEXT    NOT NULL,
  count     INTEGER NOT NULL,
  PRIMARY KEY (hour, dimension, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sketches (
  kind   TEXT    NOT NULL,
  start  INTEGER NOT NULL,
  sketch BLOB    NOT NULL,
  PRIMARY KEY (kind, start)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS totals (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  clicks  INTEGER NOT NULL,  -- human clicks ever recorded
  pushed  INTEGER NOT NULL   -- the value last written to D1's links.clicks
);";

/// The click total and how much of it D1 has seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct Totals {
    pub clicks: i64,
    pub pushed: i64,
}

pub fn ensure_schema(sql: &SqlStorage) -> Result<()> {
    sql.exec(SCHEMA, None)?;
    Ok(())
}

/// Records clicks in order: their counters, their sketches and the total.
/// Each sketch a batch touches is read and written once, whatever the
/// batch's size: a dense sketch is 16 KiB.
pub fn record(sql: &SqlStorage, events: &[ClickEvent]) -> Result<()> {
    let mut sketches: BTreeMap<(&'static str, i64), (SketchKey, Option<Hll>, Hll)> =
        BTreeMap::new();
    let mut humans = 0i64;
    for event in events {
        count(sql, event)?;
        humans += i64::from(!event.client.is_bot);
        for key in event.sketch_keys() {
            let entry = match sketches.entry((key.kind(), key.start())) {
                Entry::Occupied(entry) => entry.into_mut(),
                Entry::Vacant(entry) => {
                    let stored = read_sketch(sql, key)?;
                    let current = stored.clone().unwrap_or_default();
                    entry.insert((key, stored, current))
                }
            };
            entry.2.insert(event.fingerprint);
        }
    }
    for (key, stored, sketch) in sketches.into_values() {
        // Repeat visitors change no register: skip rewriting the sketch.
        if stored.as_ref() == Some(&sketch) {
            continue;
        }
        sql.exec(
            "INSERT INTO sketches (kind, start, sketch) VALUES (?, ?, ?)
             ON CONFLICT (kind, start) DO UPDATE SET sketch = excluded.sketch",
            vec![
                key.kind().into(),
                key.start().into(),
                sketch.to_bytes().into(),
            ],
        )?;
    }
    if humans > 0 {
        sql.exec(
            "INSERT INTO totals (id, clicks, pushed) VALUES (1, ?, 0)
             ON CONFLICT (id) DO UPDATE SET clicks = clicks + excluded.clicks",
            vec![humans.into()],
        )?;
    }
    Ok(())
}

/// Adds one click to its hour's counters.
fn count(sql: &SqlStorage, event: &ClickEvent) -> Result<()> {
    let hour = event.hour();
    let referrers = if event.client.is_bot {
        ReferrerRows {
            distinct: 0,
            includes_this: false,
        }
    } else {
        referrer_rows(sql, hour, &event.referrer)?
    };
    let increments = event.increments(referrers);
    let tuples = vec!["(?, ?, ?, 1)"; increments.len()].join(", ");
    let mut bindings = Vec::with_capacity(increments.len() * 3);
    for (dimension, value) in increments {
        bindings.push(SqlStorageValue::from(hour.0));
        bindings.push(dimension.as_str().into());
        bindings.push(value.into());
    }
    sql.exec(
        &format!(
            "INSERT INTO hourly_counts (hour, dimension, value, count) VALUES {tuples}
             ON CONFLICT (hour, dimension, value) DO UPDATE SET count = count + 1"
        ),
        bindings,
    )?;
    Ok(())
}

fn referrer_rows(sql: &SqlStorage, hour: Hour, referrer: &str) -> Result<ReferrerRows> {
    #[derive(Deserialize)]
    struct Row {
        distinct_values: i64,
        includes_this: i64,
    }
    let rows: Vec<Row> = sql
        .exec(
            "SELECT COUNT(*) AS distinct_values, COALESCE(MAX(value = ?), 0) AS includes_this
             FROM hourly_counts WHERE hour = ? AND dimension = 'referrer'",
            vec![referrer.into(), hour.0.into()],
        )?
        .to_array()?;
    Ok(rows.first().map_or(
        ReferrerRows {
            distinct: 0,
            includes_this: false,
        },
        |row| ReferrerRows {
            distinct: usize::try_from(row.distinct_values).unwrap_or(usize::MAX),
            includes_this: row.includes_this != 0,
        },
    ))
}

/// A stored sketch; a corrupt one is logged and read as absent, so uniques
/// restart rather than every later click failing.
fn read_sketch(sql: &SqlStorage, key: SketchKey) -> Result<Option<Hll>> {
    let cursor = sql.exec(
        "SELECT sketch FROM sketches WHERE kind = ? AND start = ?",
        vec![key.kind().into(), key.start().into()],
    )?;
    for row in cursor.raw() {
        if let Some(SqlStorageValue::Blob(bytes)) = row?.into_iter().next() {
            match Hll::from_bytes(&bytes) {
                Ok(sketch) => return Ok(Some(sketch)),
                Err(e) => console_error!("dropping corrupt {key:?} sketch: {e}"),
            }
        }
    }
    Ok(None)
}

/// The rows a report needs for `range`: per-hour `clicks`, and every other
/// dimension summed over the range and stamped with its first hour, so the
/// answer stays small however long the period.
pub fn report_counts(sql: &SqlStorage, range: &SketchRange) -> Result<Vec<HourlyCount>> {
    #[derive(Deserialize)]
    struct Row {
        hour: i64,
        dimension: String,
        value: String,
        count: i64,
    }
    let (first, last) = (range.first.0, range.last.0);
    let rows: Vec<Row> = sql
        .exec(
            "SELECT hour, dimension, value, count FROM hourly_counts
               WHERE hour BETWEEN ? AND ? AND dimension = 'clicks'
             UNION ALL
             SELECT ? AS hour, dimension, value, SUM(count) AS count FROM hourly_counts
               WHERE hour BETWEEN ? AND ? AND dimension <> 'clicks'
               GROUP BY dimension, value",
            vec![
                first.into(),
                last.into(),
                first.into(),
                first.into(),
                last.into(),
            ],
        )?
        .to_array()?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(HourlyCount {
                hour: Hour(row.hour),
                dimension: Dimension::parse(&row.dimension)?,
                value: row.value,
                count: u64::try_from(row.count).unwrap_or(0),
            })
        })
        .collect())
}

/// The union of the range's unique-visitor sketches.
pub fn merged_sketch(sql: &SqlStorage, range: &SketchRange) -> Result<Hll> {
    let keys = range.keys();
    let mut merged = Hll::new();
    let (Some(first), Some(last)) = (keys.first(), keys.last()) else {
        return Ok(merged);
    };
    let cursor = sql.exec(
        "SELECT sketch FROM sketches WHERE kind = ? AND start BETWEEN ? AND ?",
        vec![
            first.kind().into(),
            first.start().into(),
            last.start().into(),
        ],
    )?;
    for row in cursor.raw() {
        if let Some(SqlStorageValue::Blob(bytes)) = row?.into_iter().next() {
            match Hll::from_bytes(&bytes) {
                Ok(sketch) => merged.merge(&sketch),
                Err(e) => console_error!("skipping a corrupt sketch: {e}"),
            }
        }
    }
    Ok(merged)
}

pub fn totals(sql: &SqlStorage) -> Result<Totals> {
    let rows: Vec<Totals> = sql
        .exec("SELECT clicks, pushed FROM totals WHERE id = 1", None)?
        .to_array()?;
    Ok(rows.first().copied().unwrap_or_default())
}

pub fn mark_pushed(sql: &SqlStorage, clicks: i64) -> Result<()> {
    sql.exec(
        "UPDATE totals SET pushed = ? WHERE id = 1",
        vec![clicks.into()],
    )?;
    Ok(())
}

/// Deletes hour sketches before `first_kept`: only the last 48 hours' are
/// ever merged (`core::analytics::HOURLY_SKETCH_RETENTION`).
pub fn prune_hour_sketches(sql: &SqlStorage, first_kept: Hour) -> Result<()> {
    sql.exec(
        "DELETE FROM sketches WHERE kind = 'hour' AND start < ?",
        vec![first_kept.0.into()],
    )?;
    Ok(())
}
