//! The only code that knows SQL statements, KV key/value formats and the
//! clicks queue's message format; also the isolate's cache of KV records.
//!
//! D1 is the source of truth; KV holds a derived record per slug for the
//! redirect, written through on every change and rebuildable from D1.

pub mod accounts;
pub mod attempts;
pub mod auth_attempts;
mod click_buckets;
pub mod click_queue;
pub mod clicks;
mod error;
pub mod invitations;
pub mod keys;
pub mod kv;
mod limits;
pub mod links;
pub mod members;
pub mod published;
pub mod qr_styles;
pub mod rate_state;
pub mod record_cache;
mod routing;
pub mod sessions;

use error::is_unique_violation;
pub use error::{Result, StoreError};

/// Outcome of a write that may collide with a unique column.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    Done,
    Conflict,
    /// Not written: the account is at its plan's quota.
    QuotaReached,
}

/// The `total` column of a `SELECT COUNT(*) AS total` result; 0 without one.
fn count(result: Option<&worker::D1Result>) -> Result<u64> {
    #[derive(serde::Deserialize)]
    struct Total {
        total: i64,
    }
    let total = result
        .map(|r| r.results::<Total>())
        .transpose()?
        .and_then(|rows| rows.first().map(|t| t.total))
        .unwrap_or(0);
    Ok(u64::try_from(total).unwrap_or(0))
}

/// Whether a write statement changed any row.
fn changed(result: &worker::D1Result) -> Result<bool> {
    Ok(result
        .meta()?
        .and_then(|m| m.changes)
        .is_some_and(|changes| changes > 0))
}

fn written<T>(result: worker::Result<T>) -> Result<Written> {
    match result {
        Ok(_) => Ok(Written::Done),
        Err(e) if is_unique_violation(&e) => Ok(Written::Conflict),
        Err(e) => Err(e.into()),
    }
}

/// [`written`] for a conditional `INSERT … SELECT … WHERE <quota>`: no row
/// inserted (and no error) means the quota condition was false.
fn written_within_quota(result: worker::Result<worker::D1Result>) -> Result<Written> {
    match result {
        Ok(r) if !changed(&r)? => Ok(Written::QuotaReached),
        other => written(other),
    }
}
