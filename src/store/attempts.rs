//! The AttemptCounter Durable Object's SQLite storage: one row per client
//! (a keyed hash of its address, `core::client`) and one for the whole
//! link (`*`), each holding its count in the current window. Calls are
//! synchronous (the DO's SQL API is), so load, decide and save run with no
//! `.await` between them.

use serde::Deserialize;
use worker::{Result, SqlStorage, SqlStorageValue};

use crate::core::attempts::Counts;

/// The row of the link's total.
const LINK: &str = "*";

/// Idempotent: run by every new instance of the object.
pub fn create_table(sql: &SqlStorage) -> Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS attempts (
           client TEXT PRIMARY KEY,   -- keyed hash of the client's address, or '*' for the link
           window INTEGER NOT NULL,   -- core::attempts::window
           count  INTEGER NOT NULL
         )",
        None,
    )?;
    Ok(())
}

#[derive(Deserialize)]
struct Row {
    client: String,
    count: i64,
}

/// `client`'s and the link's counts in `window` (zero when stale).
pub fn load(sql: &SqlStorage, client: &str, window: i64) -> Result<Counts> {
    let rows = sql
        .exec(
            "SELECT client, count FROM attempts WHERE client IN (?, ?) AND window = ?",
            vec![
                SqlStorageValue::from(client),
                SqlStorageValue::from(LINK),
                SqlStorageValue::try_from_i64(window)?,
            ],
        )?
        .to_array::<Row>()?;
    let mut counts = Counts::default();
    for row in rows {
        let count = u32::try_from(row.count).unwrap_or(0);
        if row.client == LINK {
            counts.link = count;
        } else {
            counts.client = count;
        }
    }
    Ok(counts)
}

/// Stores both counts for `window`, replacing older windows' values.
pub fn save(sql: &SqlStorage, client: &str, window: i64, counts: Counts) -> Result<()> {
    for (row, count) in [(client, counts.client), (LINK, counts.link)] {
        sql.exec(
            "INSERT INTO attempts (client, window, count) VALUES (?, ?, ?)
             ON CONFLICT (client) DO UPDATE SET window = excluded.window, count = excluded.count",
            vec![
                SqlStorageValue::from(row),
                SqlStorageValue::try_from_i64(window)?,
                SqlStorageValue::from(i64::from(count)),
            ],
        )?;
    }
    Ok(())
}

/// Forgets every window before `window`.
pub fn prune(sql: &SqlStorage, window: i64) -> Result<()> {
    sql.exec(
        "DELETE FROM attempts WHERE window < ?",
        vec![SqlStorageValue::try_from_i64(window)?],
    )?;
    Ok(())
}
