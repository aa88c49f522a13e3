//! Per-client limits on the public paths that cost CPU or invite guessing,
//! through Cloudflare's Rate Limiting binding (`[[ratelimits]]` in
//! wrangler.toml), keyed by the client's salted hash (`core::client`):
//! failed authentication (strict), password form posts, public QR images
//! (generous). Redirects and the inspect page are never limited per
//! client: one address can be a whole office behind NAT, or a load test,
//! and the edge's DDoS protection covers them.
//!
//! Loopback clients are exempt: on Cloudflare's network `CF-Connecting-IP`
//! is the real client and never loopback, while `npm start`, the tests and
//! `npm run bench` all come from 127.0.0.1. A limiter that is missing or
//! fails lets the request through (logged): it is a shield against abuse,
//! not a correctness check.

use worker::{console_error, Env, Request};

use super::config;
use super::runtime;
use crate::core::client::{client_key, is_loopback};

/// One limit of wrangler.toml's `[[ratelimits]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Requests whose API key or operator token was refused.
    AuthFailures,
    /// Password guesses at protected links (form posts and the header).
    PasswordGuesses,
    /// Public `/{slug}/qr` images.
    PublicQr,
}

impl Budget {
    fn binding(self) -> &'static str {
        match self {
            Budget::AuthFailures => "AUTH_FAILURES",
            Budget::PasswordGuesses => "PASSWORD_FORMS",
            Budget::PublicQr => "PUBLIC_QR",
        }
    }

    /// The binding's period: `Retry-After` of a refusal.
    pub const PERIOD_SECONDS: u32 = 60;
}

/// Who is asking, as far as budgets go.
#[derive(Debug, Clone)]
pub struct Client {
    /// `core::client::client_key` of `CF-Connecting-IP` (empty when absent).
    pub key: String,
    loopback: bool,
}

impl Client {
    pub fn of(req: &Request, env: &Env) -> worker::Result<Client> {
        let ip = req.headers().get("CF-Connecting-IP")?.unwrap_or_default();
        Ok(Client {
            key: client_key(&secret(env), &ip, runtime::now()),
            loopback: is_loopback(&ip),
        })
    }

    /// Whether the client is this machine (tests, `npm start`), which no
    /// per-client limit counts.
    pub fn is_local(&self) -> bool {
        self.loopback
    }

    /// Charges one request to `budget`; false when the client is past it.
    pub async fn allow(&self, env: &Env, budget: Budget) -> bool {
        if self.loopback {
            return true;
        }
        let limiter = match env.rate_limiter(budget.binding()) {
            Ok(limiter) => limiter,
            Err(e) => {
                console_error!("rate limit binding {} missing: {e}", budget.binding());
                return true;
            }
        };
        match limiter.limit(self.key.clone()).await {
            Ok(outcome) => outcome.success,
            Err(e) => {
                console_error!("rate limit binding {} failed: {e}", budget.binding());
                true
            }
        }
    }
}

/// The key of client hashes: the deployment's `CLICK_SECRET`. Without it
/// the hash is unkeyed (logged): budgets still work, but a stored client
/// key could be tested against guessed addresses.
fn secret(env: &Env) -> Vec<u8> {
    match env.secret(config::CLICK_SECRET).map(|s| s.to_string()) {
        Ok(secret) if !secret.is_empty() => secret.into_bytes(),
        _ => {
            console_error!("CLICK_SECRET is not set: client budget keys are unkeyed hashes");
            Vec::new()
        }
    }
}
