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
use worker::{SqlStorage, SqlStorageValue};

use super::Result;

use super::click_buckets::{self, Table};
pub use super::click_buckets::{report_counts, sketches};
use super::click_queue::ClickMessage;
use crate::core::analytics::aggregate::{Bucket, LinkHours};
use crate::core::analytics::first_kept_hour_sketch;
use crate::core::analytics::shard::{generation, oldest_kept_generation, TOMBSTONE_MILLIS};
use crate::core::time::UnixMillis;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS link_hours (
  link     TEXT    NOT NULL,
  hour     INTEGER NOT NULL,  -- core::period::Hour
  counts   TEXT    NOT NULL,  -- {dimension: {value: count}}
  sketch   BLOB,              -- Hll::to_bytes; NULL once older than 48 hours
  variants TEXT,              -- {variant: base64 Hll::to_bytes} of an A/B test; likewise
  PRIMARY KEY (link, hour)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_days (
  link     TEXT    NOT NULL,
  day      INTEGER NOT NULL,  -- core::time::Day
  counts   TEXT    NOT NULL,
  sketch   BLOB,
  variants TEXT,
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
pub fn apply(sql: &SqlStorage, messages: Vec<ClickMessage>, now: UnixMillis) -> Result<Applied> {
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
        merged.merge(message.clicks);
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
/// deleted lately; returns the human clicks counted. Reads and writes go
/// by table, a few statements per call however many buckets it carries.
pub fn write(sql: &SqlStorage, clicks: &LinkHours, now: UnixMillis) -> Result<u64> {
    let first_kept = first_kept_hour_sketch(now);
    let deleted = deleted_links(sql)?;
    let live: Vec<_> = clicks
        .links()
        .filter(|(link, _)| !deleted.contains(*link))
        .collect();
    let mut day_deltas: BTreeMap<(String, i64), Bucket> = BTreeMap::new();
    let mut hour_keys = Vec::new();
    let mut totals: Vec<(&str, u64)> = Vec::new();
    for (link, hours) in &live {
        let mut humans = 0;
        for (hour, delta) in *hours {
            hour_keys.push(((*link).to_owned(), hour.0));
            humans += delta.counts.humans();
            day_deltas
                .entry(((*link).to_owned(), hour.day().0))
                .or_default()
                .merge(delta);
        }
        if humans > 0 {
            totals.push((link, humans));
        }
    }
    let mut stored_hours = click_buckets::read(sql, Table::Hours, &hour_keys)?;
    let day_keys: Vec<(String, i64)> = day_deltas.keys().cloned().collect();
    let mut stored_days = click_buckets::read(sql, Table::Days, &day_keys)?;
    let mut hour_rows = Vec::with_capacity(hour_keys.len());
    let mut new_hour_links = BTreeSet::new();
    for (link, hours) in &live {
        for (hour, delta) in *hours {
            let key = ((*link).to_owned(), hour.0);
            let mut bucket = stored_hours.remove(&key).unwrap_or_else(|| {
                new_hour_links.insert(*link);
                Bucket::default()
            });
            bucket.merge(delta);
            // Only the last 48 hours' sketches are ever read.
            if *hour < first_kept {
                bucket.forget_visitors();
            }
            hour_rows.push((key, bucket));
        }
    }
    let day_rows: Vec<_> = day_deltas
        .into_iter()
        .map(|(key, delta)| {
            let mut bucket = stored_days.remove(&key).unwrap_or_default();
            bucket.merge(&delta);
            (key, bucket)
        })
        .collect();
    click_buckets::write(sql, Table::Hours, &hour_rows)?;
    click_buckets::write(sql, Table::Days, &day_rows)?;
    // A link's first bucket of an hour drops its sketches that have aged
    // out, once each.
    click_buckets::drop_old_sketches(sql, &new_hour_links, first_kept)?;
    add_totals(sql, &totals)?;
    Ok(totals.iter().map(|(_, humans)| humans).sum())
}

/// Adds human clicks to the links' totals, in one statement.
fn add_totals(sql: &SqlStorage, totals: &[(&str, u64)]) -> Result<()> {
    if totals.is_empty() {
        return Ok(());
    }
    sql.exec(
        "INSERT INTO link_totals (link, clicks, pushed)
         SELECT value ->> 0, value ->> 1, 0 FROM json_each(?) WHERE true
         ON CONFLICT (link) DO UPDATE SET clicks = clicks + excluded.clicks",
        vec![serde_json::to_string(totals)?.into()],
    )?;
    Ok(())
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

/// Links whose total D1 has not seen yet, at most [`PUSH_BATCH`], in link
/// order from the first after `after` round to the start. When more than a
/// batch changes between pushes, each push goes on where the last one
/// stopped: from the start every time, the links first in order would take
/// every batch while they kept changing, and the others never reach D1.
pub fn unpushed(sql: &SqlStorage, after: &str) -> Result<Vec<(String, i64)>> {
    #[derive(Deserialize)]
    struct Row {
        link: String,
        clicks: i64,
    }
    let limit = i64::try_from(PUSH_BATCH).unwrap_or(i64::MAX);
    let rows: Vec<Row> = sql
        .exec(
            "SELECT link, clicks FROM link_totals WHERE clicks <> pushed
             ORDER BY link <= ?, link LIMIT ?",
            vec![after.into(), limit.into()],
        )?
        .to_array()?;
    Ok(rows.into_iter().map(|r| (r.link, r.clicks)).collect())
}

/// Records that D1 now has these totals.
pub fn mark_pushed(sql: &SqlStorage, totals: &[(String, i64)]) -> Result<()> {
    sql.exec(
        "UPDATE link_totals SET pushed = t.value ->> 1
         FROM json_each(?) AS t WHERE link_totals.link = t.value ->> 0",
        vec![serde_json::to_string(totals)?.into()],
    )?;
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
