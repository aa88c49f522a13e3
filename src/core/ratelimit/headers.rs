//! How a [`Decision`] is told to clients: the rate-limit response headers
//! of DESIGN.md §4.5 and the 429 message.
//!
//! Two header families, both describing the [`Decision::tightest`] window:
//! the de-facto `X-RateLimit-Limit/Remaining/Reset` (reset as absolute Unix
//! seconds), and the IETF pair of draft-ietf-httpapi-ratelimit-headers-11,
//! whose structured-field form is `RateLimit-Policy: "minute";q=60;w=60,
//! "hour";q=1000;w=3600` (every limited window) and `RateLimit:
//! "minute";r=12;t=48` (the tightest one, `t` in seconds from now). Resets
//! are rounded up to whole seconds, so by then the window really is full.
//!
//! An account with every window unlimited gets no rate-limit headers at
//! all: there is no policy to advertise, and invented numbers would send
//! clients into needless backoff.

use super::{ceil_div, Decision, Denial};
use crate::core::time::MILLIS_PER_SECOND;

impl Decision {
    /// The response headers, as (name, value) pairs in a fixed order;
    /// `Retry-After` only on denial.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let Some(tightest) = self.tightest() else {
            return Vec::new();
        };
        let policy = self
            .windows
            .iter()
            .map(|s| {
                let seconds = s.window.millis() / MILLIS_PER_SECOND;
                format!("\"{}\";q={};w={seconds}", s.window.as_str(), s.limit)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let reset_in = ceil_div(
            tightest.reset.0.saturating_sub(self.now.0),
            MILLIS_PER_SECOND,
        );
        let mut headers = vec![
            ("X-RateLimit-Limit", tightest.limit.to_string()),
            ("X-RateLimit-Remaining", tightest.remaining.to_string()),
            ("X-RateLimit-Reset", tightest.reset_seconds().to_string()),
            ("RateLimit-Policy", policy),
            (
                "RateLimit",
                format!(
                    "\"{}\";r={};t={}",
                    tightest.window.as_str(),
                    tightest.remaining,
                    reset_in.max(0)
                ),
            ),
        ];
        if let Some(denial) = self.denial {
            headers.push(("Retry-After", denial.retry_after.to_string()));
        }
        headers
    }
}

impl Denial {
    /// The 429 message, e.g. "Rate limit exceeded: this account may make 60
    /// requests per minute; retry in 12 seconds". Worded from the limit in
    /// force, whether the plan's or an operator's override, so it never
    /// names a plan whose numbers do not apply.
    pub fn message(&self) -> String {
        format!(
            "Rate limit exceeded: this account may make {} per {}; retry in {}",
            count(u64::from(self.limit), "request"),
            self.window.as_str(),
            count(self.retry_after, "second"),
        )
    }
}

fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{burst, limits, T0};
    use super::super::{RateState, Window};
    use crate::core::plan::Plan;
    use crate::core::time::UnixMillis;

    #[test]
    fn allowed_request_headers_are_exact() {
        let mut state = RateState::default();
        burst(&mut state, &Plan::Free.default_limits(), 47, T0);
        let decision = state.check(&Plan::Free.default_limits(), T0);
        assert_eq!(
            decision.headers(),
            [
                ("X-RateLimit-Limit", "60".to_string()),
                ("X-RateLimit-Remaining", "12".to_string()),
                ("X-RateLimit-Reset", "1769940048".to_string()),
                (
                    "RateLimit-Policy",
                    "\"minute\";q=60;w=60, \"hour\";q=1000;w=3600".to_string()
                ),
                ("RateLimit", "\"minute\";r=12;t=48".to_string()),
            ]
        );
    }

    #[test]
    fn denied_request_headers_add_retry_after() {
        let mut state = RateState::default();
        burst(&mut state, &Plan::Free.default_limits(), 60, T0);
        let decision = state.check(&Plan::Free.default_limits(), T0);
        assert_eq!(
            decision.headers(),
            [
                ("X-RateLimit-Limit", "60".to_string()),
                ("X-RateLimit-Remaining", "0".to_string()),
                ("X-RateLimit-Reset", "1769940060".to_string()),
                (
                    "RateLimit-Policy",
                    "\"minute\";q=60;w=60, \"hour\";q=1000;w=3600".to_string()
                ),
                ("RateLimit", "\"minute\";r=0;t=60".to_string()),
                ("Retry-After", "1".to_string()),
            ]
        );
    }

    #[test]
    fn headers_describe_the_hour_window_once_it_is_tighter() {
        let mut state = RateState::default();
        let tight_hour = limits(Some(60), Some(3));
        burst(&mut state, &tight_hour, 1, T0);
        let headers = state.check(&tight_hour, T0).headers();
        assert_eq!(headers[0], ("X-RateLimit-Limit", "3".to_string()));
        assert_eq!(headers[1], ("X-RateLimit-Remaining", "1".to_string()));
        // Two requests at 1,200 s each: full again 2,400 s from now.
        assert_eq!(headers[2], ("X-RateLimit-Reset", "1769942400".to_string()));
        assert_eq!(headers[4], ("RateLimit", "\"hour\";r=1;t=2400".to_string()));
    }

    #[test]
    fn resets_round_up_to_the_next_whole_second() {
        let mut state = RateState::default();
        // 7 per minute: one request takes 8,571.43 ms to drain.
        let decision = state.check(&limits(Some(7), None), UnixMillis(T0.0 + 250));
        let headers = decision.headers();
        assert_eq!(headers[2], ("X-RateLimit-Reset", "1769940009".to_string()));
        assert_eq!(headers[4], ("RateLimit", "\"minute\";r=6;t=9".to_string()));
    }

    #[test]
    fn unlimited_account_gets_no_headers() {
        let decision = RateState::default().check(&limits(None, None), T0);
        assert!(decision.allowed());
        assert!(decision.headers().is_empty());
    }

    #[test]
    fn policy_lists_only_limited_windows() {
        let decision = RateState::default().check(&Plan::Business.default_limits(), T0);
        let policy = decision.headers().remove(3);
        assert_eq!(
            policy,
            ("RateLimit-Policy", "\"minute\";q=1000;w=60".to_string())
        );
    }

    #[test]
    fn denial_message_names_window_limit_and_wait() {
        let mut state = RateState::default();
        let five = limits(Some(5), None);
        burst(&mut state, &five, 5, T0);
        let denial = state.check(&five, T0).denial.unwrap();
        assert_eq!(denial.window, Window::Minute);
        assert_eq!(
            denial.message(),
            "Rate limit exceeded: this account may make 5 requests per minute; retry in 12 seconds"
        );
    }

    #[test]
    fn denial_message_uses_singulars() {
        let mut state = RateState::default();
        let one = limits(Some(60), Some(1));
        burst(&mut state, &one, 1, T0);
        let denial = state
            .check(&one, UnixMillis(T0.0 + 3_599_500))
            .denial
            .unwrap();
        assert_eq!(
            denial.message(),
            "Rate limit exceeded: this account may make 1 request per hour; retry in 1 second"
        );
    }
}
