//! Per-account rate limiting of `/v1` (DESIGN.md §4.5): one question to the
//! account's RateLimiter Durable Object per authenticated request, a 429
//! when it says no, and its headers on every response to that request.
//!
//! The budget belongs to the account, as both API documents price it per
//! plan: every key of an account (and revoking and re-creating keys) draws
//! on the same object, named by the account id.
//!
//! The limiter fails open: if the object cannot be reached or answers
//! badly, the request is served without rate-limit headers and the failure
//! is logged. A limiter hiccup must never turn into a 500 for the API.

use worker::{console_error, Env, Response};

use super::auth::Caller;
use super::error::ApiError;
use crate::core::ratelimit::Decision;
use crate::objects::protocol::{self, Ask};
use crate::shell::runtime;

/// The headers a browser script may read on a cross-origin response:
/// the rate-limit ones, where a created resource lives, and a link's
/// version (`ETag`, for `If-Match`).
pub const EXPOSED_HEADERS: &str =
    "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, RateLimit-Policy, RateLimit, Retry-After, Location, ETag";

/// Decides (and charges) one request of `caller`. `None` when the account
/// has no rate limit at all (then the object is not asked) or when the
/// limiter failed.
pub async fn check(env: &Env, caller: &Caller) -> Option<Decision> {
    let ask = ask(caller)?;
    match protocol::check(env, caller.account_id.as_str(), &ask).await {
        Ok(decision) => Some(decision),
        Err(e) => {
            console_error!(
                "rate limiter of {} failed; serving the request unlimited: {e}",
                caller.account_id
            );
            None
        }
    }
}

/// What `check` would say now, charging nothing: for `GET /v1/account`.
/// `None` as for `check`.
pub async fn peek(env: &Env, caller: &Caller) -> Option<Decision> {
    let ask = ask(caller)?;
    match protocol::peek(env, caller.account_id.as_str(), &ask).await {
        Ok(decision) => Some(decision),
        Err(e) => {
            console_error!("rate limiter of {} failed on peek: {e}", caller.account_id);
            None
        }
    }
}

/// `None` when every window is unlimited: nothing to ask.
fn ask(caller: &Caller) -> Option<Ask> {
    let limits = caller.limits;
    (limits.per_minute.is_some() || limits.per_hour.is_some()).then(|| Ask {
        now: runtime::now(),
        limits,
    })
}

/// 429 `rate_limited` when the decision refused the request.
pub fn enforce(decision: Option<&Decision>) -> Result<(), ApiError> {
    match decision.and_then(|d| d.denial) {
        Some(denial) => Err(ApiError::RateLimited(denial.message())),
        None => Ok(()),
    }
}

/// Adds the decision's headers (`Retry-After` on a 429) to the response.
///
/// # Errors
/// Only if the runtime refuses to set a header.
pub fn stamp(response: &Response, decision: Option<&Decision>) -> worker::Result<()> {
    let Some(decision) = decision else {
        return Ok(());
    };
    let headers = response.headers();
    for (name, value) in decision.headers() {
        headers.set(name, &value)?;
    }
    Ok(())
}
