//! Binding and variable names, read once here, and the short-URL base.

use worker::{Env, Url};

use crate::core::analytics::shard::{DEFAULT_SHARDS, MAX_SHARDS};

pub const DB: &str = "DB";
pub const LINKS_KV: &str = "LINKS_KV";
/// Secret: the operator token for `/v1/admin`.
pub const ADMIN_TOKEN: &str = "ADMIN_TOKEN";
/// Durable Object namespace: the ClickCounter shards, `shard-0`…
pub const CLICK_COUNTER: &str = "CLICK_COUNTER";
/// Queue producer: the isolates' click flushes (`store::click_queue`).
pub const CLICKS_QUEUE: &str = "CLICKS";
/// Var: how many ClickCounter shards hold the links' clicks (default 64, at
/// most 1,024). Fixed for the life of a deployment: a link's history stays
/// in the shard that counted it (`core::analytics::shard`).
pub const CLICK_SHARDS: &str = "CLICK_SHARDS";
/// Var: seconds an isolate may serve a slug's record from memory; capped at
/// KV's `cacheTtl` (`store::record_cache`).
pub const RECORD_CACHE_SECONDS: &str = "RECORD_CACHE_SECONDS";
/// Secret: keys the visitor fingerprints of unique-click counting.
pub const CLICK_SECRET: &str = "CLICK_SECRET";
/// Var: base of the short URLs, e.g. `https://smart.link`; empty = request origin.
pub const SHORT_BASE_URL: &str = "SHORT_BASE_URL";

/// The shard count ([`CLICK_SHARDS`]); the default when unset or not a
/// number, at most [`MAX_SHARDS`].
pub fn click_shards(env: &Env) -> u16 {
    number_var(env, CLICK_SHARDS)
        .and_then(|n| u16::try_from(n).ok())
        .map_or(DEFAULT_SHARDS, |n| n.clamp(1, MAX_SHARDS))
}

/// [`RECORD_CACHE_SECONDS`] as set; `None` when unset or not a number.
pub fn record_cache_seconds(env: &Env) -> Option<u32> {
    number_var(env, RECORD_CACHE_SECONDS)
}

fn number_var(env: &Env, name: &str) -> Option<u32> {
    env.var(name).ok()?.to_string().trim().parse().ok()
}

/// Where short URLs live: `https://smart.link` and its host `smart.link`.
#[derive(Debug, Clone)]
pub struct ShortBase {
    origin: String,
    host: String,
}

impl ShortBase {
    /// `SHORT_BASE_URL` when set and valid, else the request's own origin.
    pub fn from_env(env: &Env, request_url: &Url) -> ShortBase {
        let configured = env
            .var(SHORT_BASE_URL)
            .ok()
            .map(|v| v.to_string())
            .filter(|v| !v.trim().is_empty())
            .and_then(|v| Url::parse(v.trim()).ok());
        let url = configured.as_ref().unwrap_or(request_url);
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => String::new(),
        };
        ShortBase {
            origin: url.origin().ascii_serialization(),
            host,
        }
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn short_url(&self, slug: &str) -> String {
        format!("{}/{slug}", self.origin)
    }
}
