//! The RateLimiter Durable Object's SQLite storage: one row holding its
//! [`RateState`]. Calls are synchronous (the DO's SQL API is), so a load,
//! a decision and a save run with no `.await` in between.

use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue};

use super::Result;

use crate::core::ratelimit::RateState;

/// Idempotent: run by every new instance of the object.
pub fn create_table(sql: &SqlStorage) -> Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS rate_state (
           id     INTEGER PRIMARY KEY CHECK (id = 0),
           at     INTEGER NOT NULL,  -- Unix milliseconds of the levels below
           minute INTEGER NOT NULL,  -- minute-window level, 1/60000ths of a request
           hour   INTEGER NOT NULL   -- hour-window level, 1/3600000ths of a request
         )",
        None,
    )?;
    Ok(())
}

#[derive(Deserialize)]
struct Row {
    at: i64,
    minute: i64,
    hour: i64,
}

/// The stored state; a key that never sent a request has the default.
pub fn load(sql: &SqlStorage) -> Result<RateState> {
    // `to_array`, not `one`: `one` throws on zero rows.
    let rows = sql
        .exec("SELECT at, minute, hour FROM rate_state WHERE id = 0", None)?
        .to_array::<Row>()?;
    Ok(rows.first().map_or_else(RateState::default, |r| RateState {
        at: r.at,
        minute: r.minute,
        hour: r.hour,
    }))
}

/// Every value is ≤ 2^53 − 1 (see core::ratelimit), so it survives the trip
/// through a JS number; `try_from_i64` refuses rather than corrupts if not.
pub fn save(sql: &SqlStorage, state: &RateState) -> Result<()> {
    sql.exec(
        "INSERT INTO rate_state (id, at, minute, hour) VALUES (0, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET at = excluded.at, minute = excluded.minute, hour = excluded.hour",
        vec![
            SqlStorageValue::try_from_i64(state.at)?,
            SqlStorageValue::try_from_i64(state.minute)?,
            SqlStorageValue::try_from_i64(state.hour)?,
        ],
    )?;
    Ok(())
}
