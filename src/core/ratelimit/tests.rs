//! Unit tests of the rate-limit arithmetic; this whole file is `#[cfg(test)]` (see mod.rs).

use super::*;
use crate::core::plan::Plan;
use proptest::prelude::*;

/// 2026-02-01T10:00:00Z, on a whole second.
pub(super) const T0: UnixMillis = UnixMillis(1_769_940_000_000);

pub(super) fn limits(per_minute: Option<u32>, per_hour: Option<u32>) -> Limits {
    Limits {
        per_minute,
        per_hour,
        ..Limits::default()
    }
}

fn at(offset_ms: i64) -> UnixMillis {
    UnixMillis(T0.0 + offset_ms)
}

/// Sends `n` requests at `now`, asserting every one is allowed.
pub(super) fn burst(state: &mut RateState, limits: &Limits, n: u32, now: UnixMillis) {
    for i in 0..n {
        assert!(state.check(limits, now).allowed(), "request {i}");
    }
}

#[test]
fn allows_exactly_the_limit_then_denies() {
    for n in [1, 7, 60, 300] {
        let mut state = RateState::default();
        burst(&mut state, &limits(Some(n), None), n, T0);
        let decision = state.check(&limits(Some(n), None), T0);
        assert_eq!(
            decision.denial.map(|d| d.window),
            Some(Window::Minute),
            "{n}"
        );
    }
}

#[test]
fn denied_requests_consume_nothing() {
    let five = limits(Some(5), None);
    let mut state = RateState::default();
    burst(&mut state, &five, 5, T0);
    let full = state;
    for _ in 0..100 {
        assert!(!state.check(&five, T0).allowed());
    }
    assert_eq!(state, full);
}

#[test]
fn hour_window_denies_when_it_is_the_smaller_limit() {
    let mut state = RateState::default();
    burst(&mut state, &limits(Some(60), Some(5)), 5, T0);
    let denial = state.check(&limits(Some(60), Some(5)), T0).denial.unwrap();
    assert_eq!((denial.window, denial.limit), (Window::Hour, 5));
    // 3,600 s / 5 = 720 s until one request has drained.
    assert_eq!(denial.retry_after, 720);
}

#[test]
fn a_denial_names_the_window_needing_the_longest_wait() {
    let two = limits(Some(2), Some(2));
    let mut state = RateState::default();
    burst(&mut state, &two, 2, T0);
    let denial = state.check(&two, T0).denial.unwrap();
    assert_eq!((denial.window, denial.retry_after), (Window::Hour, 1_800));
}

#[test]
fn a_denial_by_one_window_charges_no_other() {
    let tight_hour = limits(Some(60), Some(5));
    let mut state = RateState::default();
    burst(&mut state, &tight_hour, 5, T0);
    let minute_before = state.minute;
    state.check(&tight_hour, T0);
    assert_eq!(state.minute, minute_before);
}

#[test]
fn an_allowed_request_is_charged_to_every_window() {
    let mut state = RateState::default();
    state.check(&Plan::Free.default_limits(), T0);
    assert_eq!(
        state,
        RateState {
            at: T0.0,
            minute: MILLIS_PER_MINUTE,
            hour: MILLIS_PER_HOUR
        }
    );
}

#[test]
fn succeeds_retry_after_seconds_later_and_not_a_second_sooner() {
    // 3 per minute drains one request every 20 s; 7 per minute every 8.57 s.
    for (n, expected_retry) in [(3, 20), (7, 9)] {
        let mut state = RateState::default();
        burst(&mut state, &limits(Some(n), None), n, T0);
        let retry = state
            .check(&limits(Some(n), None), T0)
            .denial
            .unwrap()
            .retry_after;
        assert_eq!(retry, expected_retry);
        let seconds = i64::try_from(retry).unwrap() * 1000;
        assert!(!state
            .peek(&limits(Some(n), None), at(seconds - 1000))
            .allowed());
        assert!(state.check(&limits(Some(n), None), at(seconds)).allowed());
    }
}

#[test]
fn capacity_refills_at_the_limit_rate() {
    let sixty = limits(Some(60), None);
    let mut state = RateState::default();
    burst(&mut state, &sixty, 60, T0);
    // One request per second, indefinitely, and never two.
    for second in 1..=120 {
        assert!(state.check(&sixty, at(second * 1000)).allowed());
        assert!(!state.check(&sixty, at(second * 1000)).allowed());
    }
}

#[test]
fn remaining_and_reset_follow_the_level() {
    let ten = limits(Some(10), None);
    let mut state = RateState::default();
    burst(&mut state, &ten, 2, T0);
    let status = state.check(&ten, T0).windows[0];
    // Three requests at 6 s each.
    assert_eq!(
        (status.limit, status.remaining, status.reset),
        (10, 7, at(18_000))
    );
    let later = state.peek(&ten, at(7_000)).windows[0];
    assert_eq!((later.remaining, later.reset), (8, at(18_000)));
}

#[test]
fn peek_reports_without_consuming() {
    let free = Plan::Free.default_limits();
    let mut state = RateState::default();
    burst(&mut state, &free, 10, T0);
    let saved = state;
    let peeked = state.peek(&free, T0);
    assert_eq!(state, saved);
    assert!(peeked.allowed());
    let remaining: Vec<u32> = peeked.windows.iter().map(|s| s.remaining).collect();
    assert_eq!(remaining, [50, 990]);
}

#[test]
fn peek_on_a_full_window_reports_the_coming_denial() {
    let mut state = RateState::default();
    burst(&mut state, &limits(Some(2), None), 2, T0);
    let peeked = state.peek(&limits(Some(2), None), T0);
    assert_eq!(peeked.denial.map(|d| d.retry_after), Some(30));
}

#[test]
fn unlimited_windows_are_skipped() {
    let business = Plan::Business.default_limits();
    let mut state = RateState::default();
    burst(&mut state, &business, 1_000, T0);
    let decision = state.check(&business, T0);
    let windows: Vec<Window> = decision.windows.iter().map(|s| s.window).collect();
    assert_eq!(windows, [Window::Minute]);
    assert_eq!(state.hour, 0);
}

#[test]
fn all_unlimited_always_allows_and_stores_nothing() {
    let mut state = RateState::default();
    for _ in 0..10_000 {
        assert!(state.check(&limits(None, None), T0).allowed());
    }
    assert_eq!((state.minute, state.hour), (0, 0));
}

#[test]
fn a_downgrade_clamps_used_requests_to_the_new_limit() {
    let mut state = RateState::default();
    burst(&mut state, &Plan::Pro.default_limits(), 100, T0);
    let free = Plan::Free.default_limits();
    let decision = state.peek(&free, T0);
    assert_eq!(decision.windows[0].remaining, 0);
    // Never locked out for longer than one window.
    assert_eq!(decision.windows[0].reset, at(60_000));
    assert!(state.check(&free, at(1_000)).allowed());
}

#[test]
fn an_upgrade_keeps_requests_already_made() {
    let mut state = RateState::default();
    burst(&mut state, &Plan::Free.default_limits(), 60, T0);
    let decision = state.check(&Plan::Pro.default_limits(), T0);
    assert_eq!(decision.windows[0].remaining, 300 - 61);
}

#[test]
fn a_window_that_becomes_limited_starts_empty() {
    let mut state = RateState::default();
    burst(&mut state, &limits(Some(60), None), 60, T0);
    state.check(&limits(None, None), T0);
    assert!(state.check(&limits(Some(60), None), T0).allowed());
}

#[test]
fn a_zero_limit_denies_for_a_whole_window() {
    let mut state = RateState::default();
    let decision = state.check(&limits(Some(0), Some(10)), T0);
    assert_eq!(decision.denial.map(|d| d.retry_after), Some(60));
    assert_eq!(state.hour, 0);
}

#[test]
fn huge_limits_are_capped_to_js_safe_integers() {
    let mut state = RateState::default();
    let decision = state.check(&limits(Some(u32::MAX), Some(u32::MAX)), T0);
    assert_eq!(decision.windows[0].limit, u32::MAX);
    assert_eq!(decision.windows[1].limit, 2_501_999_792);
    assert!(state.hour <= JS_MAX_SAFE_INTEGER);
}

#[test]
fn a_clock_stepping_back_refunds_at_most_the_step() {
    let two = limits(Some(2), None);
    let mut state = RateState::default();
    burst(&mut state, &two, 2, at(10_000));
    assert!(!state.check(&two, at(9_000)).allowed());
    // 30 s per request; only the 1 s step back is refunded.
    assert!(!state.check(&two, at(38_999)).allowed());
    assert!(state.check(&two, at(39_000)).allowed());
}

#[test]
fn corrupt_levels_are_clamped() {
    let free = Plan::Free.default_limits();
    let negative = RateState {
        at: T0.0,
        minute: -5,
        hour: i64::MIN,
    };
    assert_eq!(negative.peek(&free, T0).windows[0].remaining, 60);
    let overfull = RateState {
        at: T0.0,
        minute: i64::MAX,
        hour: 0,
    };
    assert_eq!(overfull.peek(&free, T0).windows[0].reset, at(60_000));
}

fn any_limits() -> impl Strategy<Value = Limits> {
    (
        prop::option::of(any::<u32>()),
        prop::option::of(any::<u32>()),
    )
        .prop_map(|(m, h)| limits(m, h))
}

/// Gaps between requests: mostly bursts, so windows fill up.
fn gaps(max: i64, len: usize) -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(prop_oneof![3 => Just(0), 1 => 0..max], 1..len)
}

fn any_state() -> impl Strategy<Value = RateState> {
    (any::<i64>(), any::<i64>(), any::<i64>()).prop_map(|(at, minute, hour)| RateState {
        at,
        minute,
        hour,
    })
}

proptest! {
    #[test]
    fn never_panics_and_remaining_never_exceeds_the_limit(
        mut state in any_state(),
        limits in any_limits(),
        now in any::<i64>(),
    ) {
        let peeked = state.peek(&limits, UnixMillis(now));
        let decision = state.check(&limits, UnixMillis(now));
        for status in peeked.windows.iter().chain(&decision.windows) {
            prop_assert!(status.remaining <= status.limit);
        }
        if let Some(denial) = decision.denial {
            prop_assert!(denial.retry_after >= 1);
            let _ = denial.message();
        }
        let _ = decision.headers();
    }

    #[test]
    fn retry_after_is_exactly_enough(
        minute in 1u32..500,
        hour in 1u32..5_000,
        gaps in gaps(5_000, 300),
    ) {
        let limits = limits(Some(minute), Some(hour));
        let mut state = RateState::default();
        let mut now = T0.0;
        for gap in gaps {
            now += gap;
            if let Some(denial) = state.check(&limits, UnixMillis(now)).denial {
                let wait = i64::try_from(denial.retry_after).unwrap() * 1000;
                prop_assert!(state.peek(&limits, UnixMillis(now + wait)).allowed());
                prop_assert!(!state.peek(&limits, UnixMillis(now + wait - 1000)).allowed());
            }
        }
    }

    #[test]
    fn no_span_admits_more_than_limit_plus_refill(
        minute in 1u32..50,
        hour in 1u32..200,
        gaps in gaps(10_000, 400),
    ) {
        let limits = limits(Some(minute), Some(hour));
        let mut state = RateState::default();
        let mut allowed = Vec::new();
        let mut now = T0.0;
        for gap in gaps {
            now += gap;
            if state.check(&limits, UnixMillis(now)).allowed() {
                allowed.push(now);
            }
        }
        for window in Window::ALL {
            let n = i128::from(window.limit(&limits).unwrap());
            let w = i128::from(window.millis());
            for (i, &start) in allowed.iter().enumerate() {
                for (j, &end) in allowed.iter().enumerate().skip(i) {
                    let count = i128::try_from(j - i + 1).unwrap();
                    let span = i128::from(end - start);
                    prop_assert!(count * w <= n * w + span * n, "{window:?}");
                }
            }
        }
    }
}
