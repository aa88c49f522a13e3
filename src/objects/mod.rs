//! The Durable Objects: thin wrappers that hand their storage to `store`
//! and their decisions to `core`, plus the protocol the worker calls them by.

pub mod attempt_counter;
pub mod click_counter;
pub mod protocol;
pub mod rate_limiter;
