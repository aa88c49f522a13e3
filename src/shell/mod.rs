//! The thin edge between the Workers runtime and the rest of the crate:
//! binding names and configuration ([`config`]), the runtime's clock and
//! entropy ([`runtime`]), and the HTTP pieces both the API and the visitor
//! side share ([`http`]): the method as sent, content negotiation, the JSON
//! error body and HTML pages with their security headers; WebCrypto's
//! PBKDF2 for link passwords ([`crypto`]) and the per-client rate limits
//! of public paths ([`throttle`]).

pub mod config;
pub mod crypto;
pub mod http;
pub mod runtime;
pub mod throttle;
