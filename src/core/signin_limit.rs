//! Limits on failed sign-ins (issue 13), per account and per client, and on
//! sign-ups per client, counted in the same fixed 15-minute windows as the
//! link passwords' wrong guesses ([`super::attempts::window`]).
//!
//! Counters are keyed by a hash: of the email for the account (so an
//! attacker's guessed addresses are not kept in the clear), and for the
//! client by its budget key (`core::client::client_key`, a keyed hash of
//! its address block, as the other per-client limits use): the address
//! itself is never stored.

use sha2::{Digest, Sha256};

use super::member::Email;

/// Wrong passwords for one email per window before its sign-ins are refused.
pub const MAX_FAILURES_PER_ACCOUNT: u32 = 5;
/// Wrong passwords from one client per window, over every email it tries.
pub const MAX_FAILURES_PER_CLIENT: u32 = 20;
/// Sign-ups (successful or not) from one client per window.
pub const MAX_SIGNUPS_PER_CLIENT: u32 = 10;

/// The counter of failed sign-ins for an email.
pub fn account_key(email: &Email) -> String {
    let digest = Sha256::digest(email.as_str().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("account:{hex}")
}

/// The counter of failed sign-ins from a client, by its budget key.
pub fn client_key(client: &str) -> String {
    format!("client:{client}")
}

/// The counter of sign-ups from a client, by its budget key.
pub fn signup_key(client: &str) -> String {
    format!("signup:{client}")
}

/// The refusal's message when either count is at its limit, else `None`.
pub fn refusal(account_failures: u32, client_failures: u32) -> Option<&'static str> {
    if account_failures >= MAX_FAILURES_PER_ACCOUNT {
        Some("too many failed sign-ins for this email; wait for the Retry-After seconds, then try again")
    } else if client_failures >= MAX_FAILURES_PER_CLIENT {
        Some("too many failed sign-ins from this network; wait for the Retry-After seconds, then try again")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hash_what_they_count() {
        let email = Email::parse("ada@example.com").unwrap();
        let key = account_key(&email);
        assert!(key.starts_with("account:"));
        assert!(!key.contains("ada"));
        // Clients are counted by their budget key, never their address.
        assert_eq!(client_key("ab12"), "client:ab12");
        assert_ne!(client_key("ab12"), signup_key("ab12"));
    }

    #[test]
    fn sign_ins_are_refused_at_either_limit() {
        assert_eq!(
            refusal(MAX_FAILURES_PER_ACCOUNT - 1, MAX_FAILURES_PER_CLIENT - 1),
            None
        );
        assert!(refusal(MAX_FAILURES_PER_ACCOUNT, 0)
            .unwrap()
            .contains("this email"));
        assert!(refusal(0, MAX_FAILURES_PER_CLIENT)
            .unwrap()
            .contains("this network"));
    }
}
