//! Binding and variable names, read once here, and the short-URL base.

use worker::{Env, Url};

pub const DB: &str = "DB";
pub const LINKS_KV: &str = "LINKS_KV";
/// Secret: the operator token for `/v1/admin`.
pub const ADMIN_TOKEN: &str = "ADMIN_TOKEN";
/// Durable Object namespace: one ClickCounter per link, named by link id.
pub const CLICK_COUNTER: &str = "CLICK_COUNTER";
/// Secret: keys the visitor fingerprints of unique-click counting.
pub const CLICK_SECRET: &str = "CLICK_SECRET";
/// Var: `"true"` lets anyone sign up for an account in the dashboard;
/// anything else (or unset) allows only invited people.
pub const SIGNUP_ENABLED: &str = "SIGNUP_ENABLED";
/// Var: base of the short URLs, e.g. `https://smart.link`; empty = request origin.
pub const SHORT_BASE_URL: &str = "SHORT_BASE_URL";
/// Request header: the visitor's address, set by Cloudflare. It only ever
/// enters the keyed visitor fingerprint; it is never stored.
pub const CLIENT_IP_HEADER: &str = "CF-Connecting-IP";

/// `CLICK_SECRET`'s bytes; `None` when it is not set (or empty).
pub fn click_secret(env: &Env) -> Option<Vec<u8>> {
    env.secret(CLICK_SECRET)
        .map(|s| s.to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .map(String::into_bytes)
}

/// Whether self sign-up is on (`SIGNUP_ENABLED = "true"`).
pub fn signup_enabled(env: &Env) -> bool {
    env.var(SIGNUP_ENABLED)
        .is_ok_and(|v| v.to_string().trim().eq_ignore_ascii_case("true"))
}

/// The key of the client-address hashes that count failed sign-ins:
/// `CLICK_SECRET`, else `ADMIN_TOKEN`; `None` when neither is set (then
/// only the per-account limit applies).
pub fn client_tag_secret(env: &Env) -> Option<String> {
    [CLICK_SECRET, ADMIN_TOKEN]
        .into_iter()
        .filter_map(|name| env.secret(name).ok().map(|s| s.to_string()))
        .find(|s| !s.is_empty())
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
