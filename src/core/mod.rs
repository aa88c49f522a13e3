//! Pure logic: no `worker` types, unit-tested natively with `cargo test`.
//! Time and randomness come in as arguments, so every function is deterministic.

pub mod plan;
pub mod qr;
pub mod time;
