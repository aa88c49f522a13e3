//! The `auth_attempts` table: failed sign-ins (and sign-ups) counted per key
//! and fixed window (`core::signin_limit` says which keys and how many).
//! D1 rather than the Cache API the link passwords use: these limits must
//! hold across Cloudflare locations, and sign-ins are rare enough for it.

use serde::Deserialize;
use worker::{query, D1Database};

use super::{Result, StoreError};

/// The failures counted for each of `keys` in `window` (0 for none), in
/// the order of `keys`.
pub async fn counts(db: &D1Database, keys: &[&str], window: i64) -> Result<Vec<u32>> {
    #[derive(Deserialize)]
    struct Row {
        counter: String,
        failures: u32,
    }
    let list = serde_json::to_string(keys).map_err(|e| StoreError::Internal(e.to_string()))?;
    let rows = query!(
        db,
        "SELECT counter, failures FROM auth_attempts
         WHERE window_no = ?2 AND counter IN (SELECT value FROM json_each(?1))",
        list,
        window,
    )?
    .all()
    .await?
    .results::<Row>()?;
    Ok(keys
        .iter()
        .map(|k| {
            rows.iter()
                .find(|r| r.counter == *k)
                .map_or(0, |r| r.failures)
        })
        .collect())
}

/// Counts one more failure for each of `keys` in `window`, starting over
/// when the stored count is from an earlier window; forgets rows of
/// earlier windows as it goes.
pub async fn record(db: &D1Database, keys: &[&str], window: i64) -> Result<()> {
    let mut statements = Vec::with_capacity(keys.len() + 1);
    for key in keys {
        statements.push(query!(
            db,
            "INSERT INTO auth_attempts (counter, window_no, failures) VALUES (?1, ?2, 1)
             ON CONFLICT (counter) DO UPDATE SET
               failures = CASE WHEN window_no = excluded.window_no THEN failures + 1 ELSE 1 END,
               window_no = excluded.window_no",
            key,
            window,
        )?);
    }
    statements.push(query!(
        db,
        "DELETE FROM auth_attempts WHERE window_no < ?1",
        window
    )?);
    db.batch(statements).await?;
    Ok(())
}

/// Forgets the failures of `key` (a successful sign-in clears its email's).
pub async fn clear(db: &D1Database, key: &str) -> Result<()> {
    query!(db, "DELETE FROM auth_attempts WHERE counter = ?1", key)?
        .run()
        .await?;
    Ok(())
}
