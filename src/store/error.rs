//! The store's one error type. Callers decide what a failure means to them
//! (the API answers 503 or 500, the redirect falls back to D1 or a page);
//! the detail is for the log, never for a client.

use worker::KvError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// D1, KV or a Durable Object's storage failed or could not be reached:
    /// worth retrying shortly.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else the runtime reported: a bug or a misconfigured binding.
    #[error("storage call failed: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

impl From<worker::Error> for StoreError {
    fn from(error: worker::Error) -> Self {
        match error {
            worker::Error::D1(_) => StoreError::Unavailable(error.to_string()),
            other => StoreError::Internal(other.to_string()),
        }
    }
}

impl From<KvError> for StoreError {
    fn from(error: KvError) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

/// Encoding what the store writes (JSON it builds itself) failed: a bug.
impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        StoreError::Internal(error.to_string())
    }
}

/// Durable Objects and the redirect speak `worker::Result`.
impl From<StoreError> for worker::Error {
    fn from(error: StoreError) -> Self {
        worker::Error::RustError(error.to_string())
    }
}

/// Whether a write failed on a UNIQUE constraint (a taken slug). D1 reports
/// constraint failures only as SQLite's message text, so this is the one
/// place that reads it.
pub(super) fn is_unique_violation(error: &worker::Error) -> bool {
    error.to_string().contains("UNIQUE constraint failed")
}
