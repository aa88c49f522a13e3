//! API keys: secret format, hashing for storage, scopes, constant-time compare.

use sha2::{Digest, Sha256};

use super::random;

pub const SECRET_PREFIX: &str = "sl_live_";
pub const SECRET_RANDOM_LEN: usize = 32;
/// Entropy [`new_secret`] needs.
pub const SECRET_ENTROPY: usize = random::entropy_for(SECRET_RANDOM_LEN);
/// Characters of the random part shown in listings, so owners can tell keys
/// apart (8 of 32 base62 characters: 143 bits stay secret).
pub const DISPLAY_PREFIX_LEN: usize = 8;

/// A fresh secret: `sl_live_` + 32 base62 characters (~190 bits).
pub fn new_secret(entropy: &[u8; SECRET_ENTROPY]) -> String {
    format!("{SECRET_PREFIX}{}", random::base62(entropy))
}

/// Whether `token` has the shape of one of our secrets. Checked before any
/// lookup, so junk in `Authorization` costs neither a hash nor a query.
pub fn is_secret_shaped(token: &str) -> bool {
    token
        .strip_prefix(SECRET_PREFIX)
        .is_some_and(|rest| rest.len() == SECRET_RANDOM_LEN && random::is_base62(rest))
}

/// Hex SHA-256 of the secret: what D1 stores and looks keys up by. A fast
/// hash is right here: the secret has ~190 bits of entropy, so there is
/// nothing to brute-force, and it keeps the per-request lookup cheap.
pub fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// The part of a secret shown in listings.
pub fn display_prefix(secret: &str) -> String {
    secret
        .strip_prefix(SECRET_PREFIX)
        .unwrap_or(secret)
        .chars()
        .take(DISPLAY_PREFIX_LEN)
        .collect()
}

/// Compares two secrets in time independent of where they differ (and of
/// their lengths, by comparing digests), so the operator token cannot be
/// guessed byte by byte from response times.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (da, db) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    da.iter()
        .zip(db.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a key may do. A route names the scope it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    LinksRead,
    LinksWrite,
    AnalyticsRead,
    QrWrite,
    KeysManage,
}

impl Scope {
    pub const ALL: [Scope; 5] = [
        Scope::LinksRead,
        Scope::LinksWrite,
        Scope::AnalyticsRead,
        Scope::QrWrite,
        Scope::KeysManage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::LinksRead => "links:read",
            Scope::LinksWrite => "links:write",
            Scope::AnalyticsRead => "analytics:read",
            Scope::QrWrite => "qr:write",
            Scope::KeysManage => "keys:manage",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A set of scopes, stored as space-separated names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    pub fn all() -> Scopes {
        Scopes(Scope::ALL.to_vec())
    }

    /// Unknown names in storage are dropped: a key never gains a scope it
    /// wasn't given.
    pub fn from_stored(text: &str) -> Scopes {
        let mut scopes: Vec<Scope> = text.split_whitespace().filter_map(Scope::parse).collect();
        scopes.dedup();
        Scopes(scopes)
    }

    pub fn to_stored(&self) -> String {
        self.names().join(" ")
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|s| s.as_str()).collect()
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_the_documented_shape() {
        let secret = new_secret(&[7u8; SECRET_ENTROPY]);
        assert!(secret.starts_with("sl_live_"));
        assert_eq!(secret.len(), 8 + 32);
        assert!(is_secret_shaped(&secret));
    }

    #[test]
    fn malformed_tokens_are_not_secret_shaped() {
        for token in [
            "",
            "sl_live_",
            "sl_test_0123456789abcdefghijABCDEFGHIJ01",
            "sl_live_0123456789abcdefghijABCDEFGHIJ0",
            "sl_live_0123456789abcdefghijABCDEFGHI-01",
        ] {
            assert!(!is_secret_shaped(token), "{token}");
        }
    }

    #[test]
    fn hash_is_hex_sha256() {
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn display_prefix_is_the_start_of_the_random_part() {
        assert_eq!(display_prefix("sl_live_AbCdEfGh12345678"), "AbCdEfGh");
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq("token", "token"));
        assert!(!constant_time_eq("token", "token2"));
        assert!(!constant_time_eq("", "x"));
    }

    #[test]
    fn scopes_round_trip_through_storage() {
        let all = Scopes::all();
        assert_eq!(
            all.to_stored(),
            "links:read links:write analytics:read qr:write keys:manage"
        );
        assert_eq!(Scopes::from_stored(&all.to_stored()), all);
        assert_eq!(
            Scopes::from_stored("links:read bogus").names(),
            vec!["links:read"]
        );
    }
}
