//! How the worker talks to its Durable Objects: binding names, paths, bodies
//! and stub helpers, in one place for both ends. One file per object; each
//! file's `//!` doc states its contract.

mod attempt_counter;
mod click_counter;
mod rate_limiter;

pub use attempt_counter::*;
pub use click_counter::*;
pub use rate_limiter::*;
