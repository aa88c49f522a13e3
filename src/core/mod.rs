//! Pure logic: no `worker` types, unit-tested natively with `cargo test`.
//! Time and randomness come in as arguments, so every function is deterministic.

pub mod analytics;
pub mod fingerprint;
pub mod hll;
pub mod period;
pub mod plan;
pub mod referrer;
pub mod time;
pub mod useragent;
