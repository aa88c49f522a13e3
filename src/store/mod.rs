//! The only code that knows SQL statements and KV key/value formats.
//!
//! D1 is the source of truth; KV holds a derived record per slug for the
//! redirect, written through on every change and rebuildable from D1.

pub mod accounts;
pub mod attempts;
pub mod keys;
pub mod kv;
pub mod links;

/// Whether a D1 error is a UNIQUE constraint violation (a taken slug).
fn is_unique_violation(error: &worker::Error) -> bool {
    error.to_string().contains("UNIQUE constraint failed")
}

/// Outcome of a write that may collide with a unique column.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    Done,
    Conflict,
}

fn written<T>(result: worker::Result<T>) -> worker::Result<Written> {
    match result {
        Ok(_) => Ok(Written::Done),
        Err(e) if is_unique_violation(&e) => Ok(Written::Conflict),
        Err(e) => Err(e),
    }
}
