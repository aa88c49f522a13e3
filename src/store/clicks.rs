//! A ClickCounter shard's SQLite storage: the hour and day buckets of each
//! of its links, their click totals, the ids of the messages it has applied
//! and the links deleted lately (model: `core::analytics`; the bucket
//! encoding is the queue's, `store::click_queue`).
//!
//! Every function here is synchronous: Durable Object SQL runs in-process,
//! and a sequence of statements with no `await` between them commits as one
//! transaction while no other event can interleave. So a message's id and
//! its counts are written together, and a message is applied exactly once.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use worker::{console_error, SqlStorage, SqlStorageValue};

use super::Result;

use super::click_queue::{counts_from_wire, counts_to_wire, ClickMessage, WireCounts};
use crate::core::analytics::aggregate::{Bucket, Counts, LinkHours};
use crate::core::analytics::shard::{generation, oldest_kept_generation, TOMBSTONE_MILLIS};
use crate::core::analytics::{first_kept_hour_sketch, Dimension, HourlyCount, SketchRange};
use crate::core::hll::Hll;
use crate::core::period::Hour;
use crate::core::time::{Day, UnixMillis};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS link_hours (
  link   TEXT    NOT NULL,
  hour   INTEGER NOT NULL,  -- core::period::Hour
  counts TEXT    NOT NULL,  -- {dimension: {value: count}}
  sketch BLOB,              -- Hll::to_bytes; NULL once older than 48 hours
  PRIMARY KEY (link, hour)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_days (
  link   TEXT    NOT NULL,
  day    INTEGER NOT NULL,  -- core::time::Day
  counts TEXT    NOT NULL,
  sketch BLOB,
  PRIMARY KEY (link, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_totals (
  link   TEXT    PRIMARY KEY,
  clicks INTEGER NOT NULL,  -- human clicks ever counted
  pushed INTEGER NOT NULL   -- the value last written to D1's links.clicks
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS applied (
  generation INTEGER NOT NULL,  -- core::analytics::shard::generation
  id         TEXT    NOT NULL,
  PRIMARY KEY (generation, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deleted_links (
  link TEXT    PRIMARY KEY,
  at   INTEGER NOT NULL
) WITHOUT ROWID;";

/// Links whose total changes are pushed to D1 per alarm, at most.
pub const PUSH_BATCH: usize = 500;

pub fn ensure_schema(sql: &SqlStorage) -> Result<()> {
    sql.exec(SCHEMA, None)?;
    Ok(())
}

/// What [`apply`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Messages counted now.
    pub messages: usize,
    /// Messages skipped: already applied.
    pub duplicates: usize,
    /// Human clicks counted now.
    pub humans: u64,
}

/// Applies each message whose id this shard has not applied yet, and
/// remembers its id, in one transaction: merged, the messages cost one
/// write per bucket however many carried it.
pub fn apply(sql: &SqlStorage, messages: &[ClickMessage], now: UnixMillis) -> Result<Applied> {
    let mut outcome = Applied::default();
    let mut merged = LinkHours::default();
    let current = generation(now);
    for message in messages {
        if was_applied(sql, &message.id, current)? {
            outcome.duplicates += 1;
            continue;
        }
        sql.exec(
            "INSERT INTO applied (generation, id) VALUES (?, ?)",
            vec![current.into(), message.id.as_str().into()],
        )?;
        merged.merge(&message.clicks);
        outcome.messages += 1;
    }
    outcome.humans = write(sql, &merged, now)?;
    Ok(outcome)
}

fn was_applied(sql: &SqlStorage, id: &str, current: i64) -> Result<bool> {
    let cursor = sql.exec(
        "SELECT 1 FROM applied WHERE generation IN (?, ?) AND id = ?",
        vec![current.into(), (current - 1).into(), id.into()],
    )?;
    Ok(cursor.raw().next().is_some())
}

/// Adds `clicks` to the buckets and totals of their links, except links
/// deleted lately; returns the human clicks counted.
pub fn write(sql: &SqlStorage, clicks: &LinkHours, now: UnixMillis) -> Result<u64> {
    let first_kept = first_kept_hour_sketch(now);
    let deleted = deleted_links(sql)?;
    let mut counted = 0;
    for (link, hours) in clicks.links() {
        if deleted.contains(link) {
            continue;
        }
        let mut days: BTreeMap<Day, Bucket> = BTreeMap::new();
        let mut humans = 0;
        for (hour, delta) in hours {
            humans += delta.counts.humans();
            days.entry(hour.day()).or_default().merge(delta);
            let stored = read_bucket(sql, Table::Hours, link, hour.0)?;
            let created = stored.is_none();
            let mut bucket = stored.unwrap_or_default();
            bucket.counts.merge(&delta.counts);
            // Only the last 48 hours' sketches are ever read.
            if *hour >= first_kept {
                bucket.sketch.merge(&delta.sketch);
            } else {
                bucket.sketch = Hll::new();
            }
            write_bucket(sql, Table::Hours, link, hour.0, &bucket)?;
            if created {
                // A link's first bucket of an hour: drop its sketches that
                // have aged out, once each.
                sql.exec(
                    "UPDATE link_hours SET sketch = NULL
                     WHERE link = ? AND hour < ? AND sketch IS NOT NULL",
                    vec![link.into(), first_kept.0.into()],
                )?;
            }
        }
        for (day, delta) in days {
            let mut bucket = read_bucket(sql, Table::Days, link, day.0)?.unwrap_or_default();
            bucket.merge(&delta);
            write_bucket(sql, Table::Days, link, day.0, &bucket)?;
        }
        if humans > 0 {
            let humans = i64::try_from(humans).unwrap_or(i64::MAX);
            sql.exec(
                "INSERT INTO link_totals (link, clicks, pushed) VALUES (?, ?, 0)
                 ON CONFLICT (link) DO UPDATE SET clicks = clicks + excluded.clicks",
                vec![link.into(), humans.into()],
            )?;
        }
        counted += humans;
    }
    Ok(counted)
}

#[derive(Clone, Copy)]
enum Table {
    Hours,
    Days,
}

impl Table {
    fn select(self) -> &'static str {
        match self {
            Table::Hours => "SELECT counts, sketch FROM link_hours WHERE link = ? AND hour = ?",
            Table::Days => "SELECT counts, sketch FROM link_days WHERE link = ? AND day = ?",
        }
    }

    fn upsert(self) -> &'static str {
        match self {
            Table::Hours => {
                "INSERT INTO link_hours (link, hour, counts, sketch) VALUES (?, ?, ?, ?)
                 ON CONFLICT (link, hour) DO UPDATE SET counts = excluded.counts, sketch = excluded.sketch"
            }
            Table::Days => {
                "INSERT INTO link_days (link, day, counts, sketch) VALUES (?, ?, ?, ?)
                 ON CONFLICT (link, day) DO UPDATE SET counts = excluded.counts, sketch = excluded.sketch"
            }
        }
    }
}

fn read_bucket(sql: &SqlStorage, table: Table, link: &str, key: i64) -> Result<Option<Bucket>> {
    let cursor = sql.exec(table.select(), vec![link.into(), key.into()])?;
    let Some(row) = cursor.raw().next() else {
        return Ok(None);
    };
    let mut values = row?.into_iter();
    Ok(Some(Bucket {
        counts: decode_counts(values.next()),
        sketch: decode_sketch(values.next()),
    }))
}

fn write_bucket(
    sql: &SqlStorage,
    table: Table,
    link: &str,
    key: i64,
    bucket: &Bucket,
) -> Result<()> {
    let counts = serde_json::to_string(&counts_to_wire(&bucket.counts))?;
    let sketch = if bucket.sketch == Hll::new() {
        SqlStorageValue::Null
    } else {
        bucket.sketch.to_bytes().into()
    };
    sql.exec(
        table.upsert(),
        vec![link.into(), key.into(), counts.into(), sketch],
    )?;
    Ok(())
}

/// Stored counts; unreadable ones are logged and read as empty, so one
/// corrupt row does not fail every later click of its link.
fn decode_counts(value: Option<SqlStorageValue>) -> Counts {
    let Some(SqlStorageValue::String(text)) = value else {
        return Counts::default();
    };
    match serde_json::from_str::<WireCounts>(&text) {
        Ok(wire) => counts_from_wire(wire),
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
    let query = match table {
        Table::Hours => {
            "SELECT hour, counts FROM link_hours WHERE link = ? AND hour BETWEEN ? AND ?"
        }
        Table::Days => "SELECT day, counts FROM link_days WHERE link = ? AND day BETWEEN ? AND ?",
    };
    let cursor = sql.exec(query, vec![link.into(), first.into(), last.into()])?;
    let mut rows = Vec::new();
    for row in cursor.raw() {
        let mut values = row?.into_iter();
        if let Some(SqlStorageValue::Integer(key)) = values.next() {
            rows.push((key, decode_counts(values.next())));
        }
    }
    Ok(rows)
}

/// The union of the range's unique-visitor sketches of `link`: its hour
/// sketches when the range says so, else the day sketches it touches.
pub fn merged_sketch(sql: &SqlStorage, link: &str, range: &SketchRange) -> Result<Hll> {
    let (query, first, last) = if range.hourly {
        (
            "SELECT sketch FROM link_hours WHERE link = ? AND hour BETWEEN ? AND ?",
            range.first.0,
            range.last.0,
        )
    } else {
        (
            "SELECT sketch FROM link_days WHERE link = ? AND day BETWEEN ? AND ?",
            range.first.day().0,
            range.last.day().0,
        )
    };
    let mut merged = Hll::new();
    let cursor = sql.exec(query, vec![link.into(), first.into(), last.into()])?;
    for row in cursor.raw() {
        merged.merge(&decode_sketch(row?.into_iter().next()));
    }
    Ok(merged)
}

/// The link's human clicks ever counted.
pub fn total(sql: &SqlStorage, link: &str) -> Result<i64> {
    #[derive(Deserialize)]
    struct Row {
        clicks: i64,
    }
    let rows: Vec<Row> = sql
        .exec(
            "SELECT clicks FROM link_totals WHERE link = ?",
            vec![link.into()],
        )?
        .to_array()?;
    Ok(rows.first().map_or(0, |row| row.clicks))
}

/// Deletes every row of `link`, and remembers it was deleted so that its
/// clicks still on their way are dropped.
pub fn wipe(sql: &SqlStorage, link: &str, now: UnixMillis) -> Result<()> {
    for statement in [
        "DELETE FROM link_hours WHERE link = ?",
        "DELETE FROM link_days WHERE link = ?",
        "DELETE FROM link_totals WHERE link = ?",
    ] {
        sql.exec(statement, vec![link.into()])?;
    }
    sql.exec(
        "INSERT INTO deleted_links (link, at) VALUES (?, ?)
         ON CONFLICT (link) DO UPDATE SET at = excluded.at",
        vec![link.into(), now.0.into()],
    )?;
    Ok(())
}

/// The links deleted lately: few, so one read serves a whole apply.
fn deleted_links(sql: &SqlStorage) -> Result<BTreeSet<String>> {
    let mut links = BTreeSet::new();
    for row in sql.exec("SELECT link FROM deleted_links", None)?.raw() {
        if let Some(SqlStorageValue::String(link)) = row?.into_iter().next() {
            links.insert(link);
        }
    }
    Ok(links)
}

/// Links whose total D1 has not seen yet, at most [`PUSH_BATCH`].
pub fn unpushed(sql: &SqlStorage) -> Result<Vec<(String, i64)>> {
    #[derive(Deserialize)]
    struct Row {
        link: String,
        clicks: i64,
    }
    let limit = i64::try_from(PUSH_BATCH).unwrap_or(i64::MAX);
    let rows: Vec<Row> = sql
        .exec(
            "SELECT link, clicks FROM link_totals WHERE clicks <> pushed LIMIT ?",
            vec![limit.into()],
        )?
        .to_array()?;
    Ok(rows.into_iter().map(|r| (r.link, r.clicks)).collect())
}

/// Records that D1 now has these totals.
pub fn mark_pushed(sql: &SqlStorage, totals: &[(String, i64)]) -> Result<()> {
    for (link, clicks) in totals {
        sql.exec(
            "UPDATE link_totals SET pushed = ? WHERE link = ?",
            vec![(*clicks).into(), link.as_str().into()],
        )?;
    }
    Ok(())
}

/// Forgets applied ids and deleted links past their time.
pub fn prune(sql: &SqlStorage, now: UnixMillis) -> Result<()> {
    sql.exec(
        "DELETE FROM applied WHERE generation < ?",
        vec![oldest_kept_generation(now).into()],
    )?;
    sql.exec(
        "DELETE FROM deleted_links WHERE at < ?",
        vec![(now.0 - TOMBSTONE_MILLIS).into()],
    )?;
    Ok(())
}
