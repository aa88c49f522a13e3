//! Pure logic: no `worker` types, unit-tested natively with `cargo test`.
//! Time and randomness come in as arguments, so every function is deterministic.

pub mod account;
pub mod analytics;
pub mod apikey;
pub mod base64;
pub mod destination;
pub mod fields;
pub mod fingerprint;
pub mod hex;
pub mod hll;
pub mod html;
pub mod ids;
pub mod link;
pub mod listing;
pub mod logo_source;
pub mod options;
pub mod password;
pub mod period;
pub mod plan;
pub mod qr;
pub mod qr_request;
pub mod random;
pub mod ratelimit;
pub mod record_cache;
pub mod redirect;
pub mod redirect_page;
pub mod referrer;
pub mod scan;
pub mod slug;
pub mod time;
pub mod useragent;
pub mod validation;
