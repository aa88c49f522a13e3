//! The Durable Objects: thin wrappers that load state, call a pure `core`
//! algorithm and save, plus their request protocol in [`protocol`].

pub mod protocol;
pub mod rate_limiter;
