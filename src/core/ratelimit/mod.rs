//! Per-account rate limiting (DESIGN.md §4.5): the arithmetic behind the
//! RateLimiter Durable Object. The DO loads a [`RateState`], calls
//! [`RateState::check`] once per request with the time and the account's
//! [`Limits`], saves the state and returns the [`Decision`], whose headers
//! and denial message live in [`headers`].
//!
//! # Algorithm: GCRA, one bucket per limited window
//!
//! Each window (per minute, per hour; `None` skips it) runs the Generic Cell
//! Rate Algorithm. With limit N over a window of W ms, a fresh account may send a
//! burst of exactly N requests; after that capacity comes back steadily, one
//! request every W/N ms. So no span of T ms ever admits more than
//! N + T·N/W requests, and there are no window boundaries to burst across
//! (a fixed window lets 2N through around each boundary). The state is
//! O(1): one number per window. A request must fit in every window; if any
//! window denies, none is charged, so a denied request costs nothing.
//!
//! GCRA is usually written with a theoretical arrival time (TAT) per window.
//! We keep the equivalent continuous-state leaky-bucket form (ITU-T I.371):
//! a `level` per window, with TAT = `at` + level/N ms. Two reasons: a TAT in
//! whole milliseconds cannot be exact when W/N is not an integer
//! (3,600,000 / 7), whereas a level in units of 1/W of a request keeps every
//! quantity an integer (a request adds W units, each millisecond drains N,
//! capacity is N·W); and a level counts requests, which mean the same under
//! any limit, so limit changes need no conversion (below).
//!
//! # What the numbers mean under GCRA
//!
//! - *remaining*: how many more requests could be sent right now.
//! - *reset*: when the window would be fully replenished (level 0). It is not
//!   a fixed boundary; there is none.
//! - *retry after*: whole seconds, rounded up and at least 1, until the
//!   request would fit in every window. Sooner than that it cannot.
//!
//! # Limit changes
//!
//! The state stores no limits. On a plan or override change, levels drain
//! at the new rate and are clamped to the new capacity: an upgrade keeps
//! the requests already made and grants the difference; a downgrade can
//! leave nothing remaining, but never a wait longer than one window. A
//! window that becomes unlimited forgets its level; one that becomes
//! limited starts empty.
//!
//! # Edge cases
//!
//! - A limit of 0 denies every request, with the window length as the
//!   retry (no wait would help, so clients are asked to stay away a while).
//! - Time is the caller's: a clock that steps back by d refunds at most d
//!   of drain. Corrupt stored levels are clamped into range.
//! - Limits are capped so that capacity ≤ 2^53 − 1 (per hour that is
//!   2,501,999,792 requests): every stored number then survives the DO's
//!   round trip through a JS number exactly.

pub mod headers;

use std::cmp::Reverse;

use serde::{Deserialize, Serialize};

use super::plan::Limits;
use super::time::{UnixMillis, MILLIS_PER_HOUR, MILLIS_PER_SECOND};

const MILLIS_PER_MINUTE: i64 = 60_000;

/// `Number.MAX_SAFE_INTEGER`: the DO's SQLite bindings go through JS numbers.
const JS_MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// One of the rate-limit windows of [`Limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Window {
    Minute,
    Hour,
}

impl Window {
    pub const ALL: [Window; 2] = [Window::Minute, Window::Hour];

    /// The policy name in `RateLimit-Policy` and the noun in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Window::Minute => "minute",
            Window::Hour => "hour",
        }
    }

    pub fn millis(self) -> i64 {
        match self {
            Window::Minute => MILLIS_PER_MINUTE,
            Window::Hour => MILLIS_PER_HOUR,
        }
    }

    /// This window's limit; `None` means unlimited.
    pub fn limit(self, limits: &Limits) -> Option<u32> {
        match self {
            Window::Minute => limits.per_minute,
            Window::Hour => limits.per_hour,
        }
    }
}

/// What the RateLimiter DO stores between requests: three integers (the
/// levels never exceed 2^53 − 1). `RateState::default()` is an account that has
/// sent nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RateState {
    /// When the levels below were computed, in Unix milliseconds.
    pub at: i64,
    /// Requests counted against the minute window, in 1/60,000ths of a
    /// request (60,000 is one request); drains at the per-minute limit per ms.
    pub minute: i64,
    /// The same for the hour window, in 1/3,600,000ths of a request.
    pub hour: i64,
}

/// One limited window's standing after a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowStatus {
    pub window: Window,
    pub limit: u32,
    /// How many more requests this window would admit right now.
    pub remaining: u32,
    /// When this window will be fully replenished.
    pub reset: UnixMillis,
}

impl WindowStatus {
    /// [`reset`](Self::reset) in Unix seconds, rounded up so that by then
    /// the window really is full (`X-RateLimit-Reset`).
    pub fn reset_seconds(&self) -> i64 {
        ceil_div(self.reset.0, MILLIS_PER_SECOND)
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denial {
    /// The window that was exceeded (the one needing the longest wait).
    pub window: Window,
    pub limit: u32,
    /// Whole seconds until the request would be allowed: rounded up, ≥ 1.
    pub retry_after: u64,
}

/// The answer to one request (or to a [`RateState::peek`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The time the decision was made at; header deltas count from it.
    pub now: UnixMillis,
    /// Every limited window, in [`Window::ALL`] order; empty when unlimited.
    pub windows: Vec<WindowStatus>,
    /// `Some` when the request is refused.
    pub denial: Option<Denial>,
}

impl Decision {
    pub fn allowed(&self) -> bool {
        self.denial.is_none()
    }

    /// The window the single-valued headers describe: on denial the one
    /// that denied, otherwise the one with the fewest remaining (on a tie,
    /// the one that takes longer to replenish). `None` when unlimited.
    pub fn tightest(&self) -> Option<&WindowStatus> {
        match self.denial {
            Some(denial) => self.windows.iter().find(|s| s.window == denial.window),
            None => self
                .windows
                .iter()
                .min_by_key(|s| (s.remaining, Reverse(s.reset))),
        }
    }
}

impl RateState {
    /// Decides one request and, if it is allowed, charges it to every
    /// window. On denial nothing is charged: the new state is the old one
    /// drained up to `now`.
    pub fn check(&mut self, limits: &Limits, now: UnixMillis) -> Decision {
        let mut buckets = self.drained(limits, now);
        let denial = denial(&buckets);
        if denial.is_none() {
            for bucket in &mut buckets {
                bucket.level = bucket.level.saturating_add(bucket.window.millis());
            }
        }
        let level = |window| {
            buckets
                .iter()
                .find(|b| b.window == window)
                .map_or(0, |b| b.level)
        };
        *self = RateState {
            at: now.0,
            minute: level(Window::Minute),
            hour: level(Window::Hour),
        };
        decision(&buckets, denial, now)
    }

    /// What [`check`](Self::check) would say about a request at `now`,
    /// without charging it: for `GET /v1/account`.
    pub fn peek(&self, limits: &Limits, now: UnixMillis) -> Decision {
        let buckets = self.drained(limits, now);
        decision(&buckets, denial(&buckets), now)
    }

    /// The limited windows with their levels drained up to `now`.
    fn drained(&self, limits: &Limits, now: UnixMillis) -> Vec<Bucket> {
        let elapsed = now.0.saturating_sub(self.at).max(0);
        Window::ALL
            .into_iter()
            .filter_map(|window| {
                let stored = match window {
                    Window::Minute => self.minute,
                    Window::Hour => self.hour,
                };
                Some(Bucket::drained(
                    window,
                    window.limit(limits)?,
                    stored,
                    elapsed,
                ))
            })
            .collect()
    }
}

/// One window mid-decision. `level` is in 1/`window.millis()` of a request.
struct Bucket {
    window: Window,
    limit: u32,
    level: i64,
}

impl Bucket {
    fn drained(window: Window, limit: u32, stored: i64, elapsed: i64) -> Self {
        let max_limit = u32::try_from(JS_MAX_SAFE_INTEGER / window.millis()).unwrap_or(u32::MAX);
        let mut bucket = Bucket {
            window,
            limit: limit.min(max_limit),
            level: 0,
        };
        let drain = elapsed.saturating_mul(i64::from(bucket.limit));
        bucket.level = stored
            .clamp(0, bucket.capacity())
            .saturating_sub(drain)
            .max(0);
        bucket
    }

    fn capacity(&self) -> i64 {
        i64::from(self.limit).saturating_mul(self.window.millis())
    }

    /// Milliseconds until one more request fits; `None` if it fits now.
    fn wait(&self) -> Option<i64> {
        let excess = self
            .level
            .saturating_add(self.window.millis())
            .saturating_sub(self.capacity());
        match self.limit {
            _ if excess <= 0 => None,
            0 => Some(self.window.millis()),
            limit => Some(ceil_div(excess, i64::from(limit))),
        }
    }

    fn status(&self, now: UnixMillis) -> WindowStatus {
        let free = self.capacity().saturating_sub(self.level) / self.window.millis();
        let until_empty = match self.limit {
            0 => 0,
            limit => ceil_div(self.level, i64::from(limit)),
        };
        WindowStatus {
            window: self.window,
            limit: self.limit,
            remaining: u32::try_from(free).unwrap_or(0),
            reset: UnixMillis(now.0.saturating_add(until_empty)),
        }
    }
}

/// The denial, if any window is full: named for the window that needs the
/// longest wait, since only after it does the request fit everywhere.
fn denial(buckets: &[Bucket]) -> Option<Denial> {
    let (bucket, wait) = buckets
        .iter()
        .filter_map(|b| Some((b, b.wait()?)))
        .max_by_key(|&(_, wait)| wait)?;
    Some(Denial {
        window: bucket.window,
        limit: bucket.limit,
        retry_after: u64::try_from(ceil_div(wait, MILLIS_PER_SECOND).max(1)).unwrap_or(1),
    })
}

fn decision(buckets: &[Bucket], denial: Option<Denial>, now: UnixMillis) -> Decision {
    Decision {
        now,
        windows: buckets.iter().map(|b| b.status(now)).collect(),
        denial,
    }
}

/// `a / b` rounded toward +∞, for any `a` and `b > 0`.
fn ceil_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b) + i64::from(a.rem_euclid(b) != 0)
}

#[cfg(test)]
mod tests;
