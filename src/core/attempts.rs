//! Link password guesses: the budgets the AttemptCounter Durable Object
//! keeps for each protected link, as pure arithmetic.
//!
//! Every guess is counted *before* its hash is verified, so concurrent
//! guesses cannot outrun the count: the object admits them one at a time
//! and the one past the budget is refused unverified. A right password
//! gives its attempt back ([`Counts::refund`]), so the counts hold wrong
//! guesses (and those still being verified).
//!
//! Two budgets per fixed window of [`WINDOW_MILLIS`]:
//! - [`PER_CLIENT`] guesses per client (`core::client`'s keyed hash of its
//!   address), so a stranger's wrong guesses lock out only the stranger;
//! - [`PER_LINK`] guesses from everyone together, a ceiling for guessing
//!   spread over many addresses. Reaching it locks the link for everyone
//!   until the window ends: that is the price of a bound on what a botnet
//!   can try.

use super::time::UnixMillis;

/// Fixed windows: a lock-out ends by itself when its window does.
pub const WINDOW_MILLIS: i64 = 15 * 60 * 1000;
/// Guesses one client may make at one link per window.
pub const PER_CLIENT: u32 = 10;
/// Guesses all clients together may make at one link per window.
pub const PER_LINK: u32 = 100;

/// The window a guess at `now` counts in.
pub fn window(now: UnixMillis) -> i64 {
    now.0.div_euclid(WINDOW_MILLIS)
}

/// Whole seconds until the window of `now` ends: a lock-out's `Retry-After`.
pub fn retry_after_seconds(now: UnixMillis) -> i64 {
    let end = (window(now) + 1) * WINDOW_MILLIS;
    (end - now.0 + 999) / 1000
}

/// One window's counts for one client, and for the whole link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub client: u32,
    pub link: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Counted: verify the password.
    Allowed,
    /// Not counted and not to be verified, for this many seconds.
    Locked { retry_after: i64 },
}

impl Counts {
    /// Decides one more guess at `now`, counting it when allowed.
    pub fn admit(&mut self, now: UnixMillis) -> Verdict {
        if self.client >= PER_CLIENT || self.link >= PER_LINK {
            return Verdict::Locked {
                retry_after: retry_after_seconds(now),
            };
        }
        self.client += 1;
        self.link += 1;
        Verdict::Allowed
    }

    /// Gives back an allowed guess that turned out right.
    pub fn refund(&mut self) {
        self.client = self.client.saturating_sub(1);
        self.link = self.link.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: UnixMillis = UnixMillis(WINDOW_MILLIS * 100);

    #[test]
    fn windows_are_fifteen_minutes_and_retry_after_counts_to_the_end() {
        assert_eq!(window(T0), 100);
        assert_eq!(window(UnixMillis(T0.0 + WINDOW_MILLIS - 1)), 100);
        assert_eq!(retry_after_seconds(T0), 900);
        assert_eq!(retry_after_seconds(UnixMillis(T0.0 + 899_500)), 1);
    }

    #[test]
    fn a_client_gets_exactly_its_budget() {
        let mut c = Counts::default();
        for _ in 0..PER_CLIENT {
            assert_eq!(c.admit(T0), Verdict::Allowed);
        }
        assert_eq!(c.admit(T0), Verdict::Locked { retry_after: 900 });
        assert_eq!(
            c,
            Counts {
                client: PER_CLIENT,
                link: PER_CLIENT
            }
        );
    }

    #[test]
    fn the_link_ceiling_binds_fresh_clients_too() {
        let mut c = Counts {
            client: 0,
            link: PER_LINK,
        };
        assert!(matches!(c.admit(T0), Verdict::Locked { .. }));
        assert_eq!(c.client, 0);
    }

    #[test]
    fn a_right_password_gives_its_attempt_back() {
        let mut c = Counts::default();
        assert_eq!(c.admit(T0), Verdict::Allowed);
        c.refund();
        assert_eq!(c, Counts::default());
        c.refund();
        assert_eq!(c, Counts::default());
    }
}
