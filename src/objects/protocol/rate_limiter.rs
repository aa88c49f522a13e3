//! How the worker talks to its Durable Objects: binding names, paths,
//! bodies and the stub helpers, in one place for both ends.
//!
//! # RateLimiter (binding `RATE_LIMITER`, one object per account, named by
//! # the account id: all of an account's keys share its budget)
//!
//! The object knows no plans: every request carries the limits and the time
//! in its query string, `?now=<Unix ms>&perMinute=<n>&perHour=<n>` (an
//! absent limit is unlimited), so a plan change applies on the next request.
//!
//! - `POST /check`: decide one request and charge it if allowed. The object
//!   loads its state, decides and saves with no `.await` in between, and a
//!   Durable Object runs one event at a time between awaits, so concurrent
//!   requests are decided one after another: two can never both take the
//!   last slot.
//! - `GET /peek`: the same answer without charging anything.
//!
//! Both answer 200 with a [`WireDecision`] body; 400 for a malformed query,
//! 404 for another path, 500 when storage fails. The worker treats anything
//! but 200 as the limiter being unavailable (and serves the request).

use serde::{Deserialize, Serialize};
use worker::{Env, Method, Request, RequestInit, Url};

use crate::core::plan::Limits;
use crate::core::ratelimit::{Decision, Denial, Window, WindowStatus};
use crate::core::time::UnixMillis;

pub const RATE_LIMITER: &str = "RATE_LIMITER";
pub const CHECK_PATH: &str = "/check";
pub const PEEK_PATH: &str = "/peek";
/// Stub fetches need an absolute URL; the host is never resolved.
const ORIGIN: &str = "https://rate-limiter.internal";

/// What a rate-limit request asks about: the limits and the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ask {
    pub now: UnixMillis,
    pub limits: Limits,
}

impl Ask {
    fn url(&self, path: &str) -> String {
        let mut url = format!("{ORIGIN}{path}?now={}", self.now.0);
        for (name, limit) in [
            ("perMinute", self.limits.per_minute),
            ("perHour", self.limits.per_hour),
        ] {
            if let Some(limit) = limit {
                url.push_str(&format!("&{name}={limit}"));
            }
        }
        url
    }

    /// The ask in a request URL; `None` when malformed.
    pub fn from_url(url: &Url) -> Option<Ask> {
        let mut ask = Ask {
            now: UnixMillis(i64::MIN),
            limits: Limits::default(),
        };
        for (name, value) in url.query_pairs() {
            match name.as_ref() {
                "now" => ask.now = UnixMillis(value.parse().ok()?),
                "perMinute" => ask.limits.per_minute = Some(value.parse().ok()?),
                "perHour" => ask.limits.per_hour = Some(value.parse().ok()?),
                _ => return None,
            }
        }
        (ask.now.0 != i64::MIN).then_some(ask)
    }
}

/// A [`Decision`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
pub struct WireDecision {
    now: i64,
    windows: Vec<WireWindow>,
    denial: Option<WireDenial>,
}

#[derive(Debug, Serialize, Deserialize)]
struct WireWindow {
    window: String,
    limit: u32,
    remaining: u32,
    reset: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct WireDenial {
    window: String,
    limit: u32,
    retry_after: u64,
}

fn window(name: &str) -> Option<Window> {
    Window::ALL.into_iter().find(|w| w.as_str() == name)
}

impl From<&Decision> for WireDecision {
    fn from(d: &Decision) -> Self {
        WireDecision {
            now: d.now.0,
            windows: d
                .windows
                .iter()
                .map(|s| WireWindow {
                    window: s.window.as_str().to_owned(),
                    limit: s.limit,
                    remaining: s.remaining,
                    reset: s.reset.0,
                })
                .collect(),
            denial: d.denial.map(|n| WireDenial {
                window: n.window.as_str().to_owned(),
                limit: n.limit,
                retry_after: n.retry_after,
            }),
        }
    }
}

impl WireDecision {
    /// `None` when it names a window this build does not know.
    fn into_decision(self) -> Option<Decision> {
        let windows = self
            .windows
            .into_iter()
            .map(|s| {
                Some(WindowStatus {
                    window: window(&s.window)?,
                    limit: s.limit,
                    remaining: s.remaining,
                    reset: UnixMillis(s.reset),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let denial = match self.denial {
            Some(n) => Some(Denial {
                window: window(&n.window)?,
                limit: n.limit,
                retry_after: n.retry_after,
            }),
            None => None,
        };
        Some(Decision {
            now: UnixMillis(self.now),
            windows,
            denial,
        })
    }
}

/// Asks the account's RateLimiter to decide (and charge) one request.
///
/// # Errors
/// When the binding is missing or the object fails or answers badly.
pub async fn check(env: &Env, account_id: &str, ask: &Ask) -> worker::Result<Decision> {
    call(env, account_id, Method::Post, &ask.url(CHECK_PATH)).await
}

/// What the account's RateLimiter would decide now, charging nothing.
///
/// # Errors
/// As [`check`].
pub async fn peek(env: &Env, account_id: &str, ask: &Ask) -> worker::Result<Decision> {
    call(env, account_id, Method::Get, &ask.url(PEEK_PATH)).await
}

async fn call(env: &Env, account_id: &str, method: Method, url: &str) -> worker::Result<Decision> {
    let stub = env.durable_object(RATE_LIMITER)?.get_by_name(account_id)?;
    let mut init = RequestInit::new();
    init.with_method(method);
    let mut response = stub
        .fetch_with_request(Request::new_with_init(url, &init)?)
        .await?;
    if response.status_code() != 200 {
        return Err(worker::Error::RustError(format!(
            "RateLimiter answered {}",
            response.status_code()
        )));
    }
    response
        .json::<WireDecision>()
        .await?
        .into_decision()
        .ok_or_else(|| worker::Error::RustError("RateLimiter named an unknown window".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ask_round_trips_through_its_url() {
        let asks = [
            Ask {
                now: UnixMillis(1_769_940_000_123),
                limits: Limits {
                    per_minute: Some(60),
                    per_hour: Some(1_000),
                    ..Limits::default()
                },
            },
            Ask {
                now: UnixMillis(5),
                limits: Limits {
                    per_hour: Some(0),
                    ..Limits::default()
                },
            },
        ];
        for ask in asks {
            let url = Url::parse(&ask.url(CHECK_PATH)).unwrap();
            assert_eq!(url.path(), CHECK_PATH);
            assert_eq!(Ask::from_url(&url), Some(ask));
        }
    }

    #[test]
    fn malformed_asks_are_refused() {
        for query in [
            "",
            "?perMinute=5",
            "?now=x",
            "?now=1&perHour=-1",
            "?now=1&perDay=3",
        ] {
            let url = Url::parse(&format!("{ORIGIN}/check{query}")).unwrap();
            assert_eq!(Ask::from_url(&url), None, "{query}");
        }
    }

    #[test]
    fn decisions_survive_the_wire() {
        use crate::core::ratelimit::RateState;
        let limits = Limits {
            per_minute: Some(2),
            per_hour: Some(100),
            ..Limits::default()
        };
        let mut state = RateState::default();
        for _ in 0..3 {
            let decision = state.check(&limits, UnixMillis(1_000));
            let text = serde_json::to_string(&WireDecision::from(&decision)).unwrap();
            let back = serde_json::from_str::<WireDecision>(&text).unwrap();
            assert_eq!(back.into_decision(), Some(decision));
        }
    }
}
