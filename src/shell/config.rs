//! Binding and variable names, read once here, and the short-URL base.

use std::cell::RefCell;
use std::collections::BTreeMap;

use worker::{Env, Url};

use crate::core::analytics::shard::{DEFAULT_SHARDS, MAX_SHARDS};
use crate::core::destination::ShortHosts;

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
/// Var: `"true"` lets anyone sign up for an account in the dashboard;
/// anything else (or unset) allows only invited people.
pub const SIGNUP_ENABLED: &str = "SIGNUP_ENABLED";
/// Var: base of the short URLs, e.g. `https://smart.link`. Required in
/// production: the request's `Host` is the client's to choose.
pub const SHORT_BASE_URL: &str = "SHORT_BASE_URL";
/// Request header: the visitor's address, set by Cloudflare. It only ever
/// enters the keyed visitor fingerprint; it is never stored.
pub const CLIENT_IP_HEADER: &str = "CF-Connecting-IP";

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

thread_local! {
    /// Number vars read so far. A var or secret changes only with a new
    /// deployment, which starts new isolates, and reading one from `Env`
    /// crosses into JavaScript several times: the redirect reads one per KV
    /// lookup, and `CLICK_SECRET` per click.
    static NUMBERS: RefCell<BTreeMap<&'static str, Option<u32>>> = const { RefCell::new(BTreeMap::new()) };
    /// `CLICK_SECRET` once read (the outer `Option`), as it was read.
    static SECRET: RefCell<Option<Option<Vec<u8>>>> = const { RefCell::new(None) };
}

fn number_var(env: &Env, name: &'static str) -> Option<u32> {
    if let Some(number) = NUMBERS.with_borrow(|numbers| numbers.get(name).copied()) {
        return number;
    }
    let number = env
        .var(name)
        .ok()
        .and_then(|var| var.to_string().trim().parse().ok());
    NUMBERS.with_borrow_mut(|numbers| numbers.insert(name, number));
    number
}

/// `CLICK_SECRET`'s bytes; `None` when it is not set (or empty).
pub fn click_secret(env: &Env) -> Option<Vec<u8>> {
    if let Some(secret) = SECRET.with_borrow(Clone::clone) {
        return secret;
    }
    let secret = env
        .secret(CLICK_SECRET)
        .map(|s| s.to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .map(String::into_bytes);
    SECRET.set(Some(secret.clone()));
    secret
}

/// Whether self sign-up is on (`SIGNUP_ENABLED = "true"`).
pub fn signup_enabled(env: &Env) -> bool {
    env.var(SIGNUP_ENABLED)
        .is_ok_and(|v| v.to_string().trim().eq_ignore_ascii_case("true"))
}

/// Var, `wrangler dev` and tests only (`.dev.vars`): `"true"` lets an empty
/// `SHORT_BASE_URL` fall back to the request's own origin.
pub const SHORT_BASE_FROM_REQUEST: &str = "SHORT_BASE_FROM_REQUEST";
/// Var: other hosts serving these short links (custom domains, the
/// `workers.dev` name), comma- or space-separated; destinations on them
/// are loops too.
pub const SHORT_HOSTS: &str = "SHORT_HOSTS";

/// Where short URLs live (`https://smart.link`), and every host that
/// serves them, for the loop check.
#[derive(Debug, Clone)]
pub struct ShortBase {
    origin: String,
    hosts: ShortHosts,
}

/// `SHORT_BASE_URL` is missing or invalid where it is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconfigured(pub String);

impl ShortBase {
    /// `SHORT_BASE_URL` when set; else, only where `SHORT_BASE_FROM_REQUEST`
    /// allows it (local development), the request's own origin.
    ///
    /// # Errors
    /// When `SHORT_BASE_URL` is empty without that allowance, or is not an
    /// absolute http(s) URL.
    pub fn from_env(env: &Env, request_url: &Url) -> Result<ShortBase, Unconfigured> {
        let var = |name: &str| env.var(name).map(|v| v.to_string()).unwrap_or_default();
        let configured = var(SHORT_BASE_URL);
        let configured = configured.trim();
        let base = if configured.is_empty() {
            if var(SHORT_BASE_FROM_REQUEST).trim() != "true" {
                return Err(Unconfigured(format!(
                    "{SHORT_BASE_URL} is not set; set it to the short domain, e.g. https://smart.link"
                )));
            }
            request_url.clone()
        } else {
            Url::parse(configured)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
                .ok_or_else(|| {
                    Unconfigured(format!(
                        "{SHORT_BASE_URL} must be an absolute http(s) URL such as https://smart.link"
                    ))
                })?
        };
        let mut hosts =
            ShortHosts::of([authority(&base).as_str(), authority(request_url).as_str()]);
        for host in var(SHORT_HOSTS).split([',', ' ']) {
            hosts.add(host);
        }
        Ok(ShortBase {
            origin: base.origin().ascii_serialization(),
            hosts,
        })
    }

    pub fn hosts(&self) -> &ShortHosts {
        &self.hosts
    }

    pub fn short_url(&self, slug: &str) -> String {
        format!("{}/{slug}", self.origin)
    }
}

/// `host` or `host:port` of a URL.
fn authority(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => String::new(),
    }
}
