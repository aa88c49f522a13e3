//! API keys: secret format, hashing for storage, scopes, constant-time
//! compare, and the `POST /v1/api-keys` body.

use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::fields::{kind, Fields, Present};
use super::hex;
use super::ids::{AccountId, KeyId};
use super::random::{self, ID_ENTROPY};
use super::time::UnixMillis;
use super::validation::Invalid;

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

/// The randomness one new key needs: its id's and its secret's.
pub struct KeyEntropy {
    pub id: [u8; ID_ENTROPY],
    pub secret: [u8; SECRET_ENTROPY],
}

/// A key about to be stored: the secret itself is not here, only its hash.
pub struct NewKey {
    pub id: KeyId,
    pub account_id: AccountId,
    pub name: String,
    pub scopes: Scopes,
    pub prefix: String,
    pub secret_hash: String,
    pub created_at: UnixMillis,
}

impl NewKey {
    /// A new key of `account_id`, and its secret, which is shown once and
    /// never stored.
    pub fn mint(
        account_id: AccountId,
        name: String,
        scopes: Scopes,
        now: UnixMillis,
        entropy: &KeyEntropy,
    ) -> (NewKey, String) {
        let secret = new_secret(&entropy.secret);
        let key = NewKey {
            id: KeyId::mint(&entropy.id),
            account_id,
            name,
            scopes,
            prefix: display_prefix(&secret),
            secret_hash: hash_secret(&secret),
            created_at: now,
        };
        (key, secret)
    }
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
    hex::encode(&Sha256::digest(secret.as_bytes()))
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
    da.as_slice().ct_eq(db.as_slice()).into()
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

    /// Every scope but `except`.
    pub fn all_but(except: Scope) -> Scopes {
        Scopes(Scope::ALL.into_iter().filter(|s| *s != except).collect())
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

    /// The first of these scopes that `held` lacks: a key may only create
    /// keys with scopes it has itself, or `keys:manage` alone would be a
    /// way to every other scope.
    pub fn first_missing_from(&self, held: &Scopes) -> Option<Scope> {
        self.0.iter().copied().find(|s| !held.contains(*s))
    }
}

/// Longest API key name, in characters.
pub const MAX_KEY_NAME_CHARS: usize = 100;
/// The name of a key created without one.
pub const DEFAULT_KEY_NAME: &str = "API key";

/// A validated `POST /v1/api-keys` body: both fields optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRequest {
    pub name: Option<String>,
    /// `None`: the creating key's own scopes (all of them for a full key).
    pub scopes: Option<Scopes>,
}

impl KeyRequest {
    /// # Errors
    /// The first invalid field, by name.
    pub fn from_body(body: Value) -> Result<KeyRequest, Invalid> {
        let mut fields = Fields::from_body(body)?;
        let name = fields
            .string(&["name"])?
            .map(|(_, n)| key_name(&n))
            .transpose()?;
        let scopes = match fields.take(&["scopes"])? {
            None
            | Some(Present {
                value: Value::Null, ..
            }) => None,
            Some(Present { value, .. }) => Some(scopes_value(value)?),
        };
        fields.finish(&["name", "scopes"])?;
        Ok(KeyRequest { name, scopes })
    }
}

/// A validated `POST /v1/admin/accounts/{id}/keys` body: the operator's
/// new key for an account (every scope), both fields optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyReissue {
    pub name: String,
    /// Revoke every other key of the account in the same step.
    pub revoke_others: bool,
}

pub const REISSUED_KEY_NAME: &str = "Reissued key";

impl KeyReissue {
    /// # Errors
    /// The first invalid field, by name.
    pub fn from_body(body: Value) -> Result<KeyReissue, Invalid> {
        let mut fields = Fields::from_body(body)?;
        let name = fields
            .string(&["name"])?
            .map(|(_, n)| key_name(&n))
            .transpose()?
            .unwrap_or_else(|| REISSUED_KEY_NAME.to_owned());
        let revoke_others = fields.boolean(&["revokeOthers"])?.unwrap_or(false);
        fields.finish(&["name", "revokeOthers"])?;
        Ok(KeyReissue {
            name,
            revoke_others,
        })
    }
}

fn key_name(name: &str) -> Result<String, Invalid> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.chars().count() > MAX_KEY_NAME_CHARS {
        return Err(Invalid::new(
            "name",
            format!("`name` must be 1 to {MAX_KEY_NAME_CHARS} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Invalid::new(
            "name",
            "`name` must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

/// A non-empty array of scope names, kept in [`Scope::ALL`] order without
/// duplicates, so equal sets are stored alike.
fn scopes_value(value: Value) -> Result<Scopes, Invalid> {
    let known = || Scope::ALL.map(Scope::as_str).join(", ");
    let Value::Array(items) = value else {
        return Err(Invalid::new(
            "scopes",
            format!(
                "`scopes` must be an array of scope names, not {}",
                kind(&value)
            ),
        ));
    };
    let mut requested = Vec::with_capacity(items.len());
    for item in &items {
        let scope = item.as_str().and_then(Scope::parse).ok_or_else(|| {
            Invalid::new(
                "scopes",
                format!(
                    "`scopes` has an unknown scope {item}; known scopes are {}",
                    known()
                ),
            )
        })?;
        requested.push(scope);
    }
    if requested.is_empty() {
        return Err(Invalid::new(
            "scopes",
            format!("`scopes` must name at least one of {}", known()),
        ));
    }
    Ok(Scopes(
        Scope::ALL
            .into_iter()
            .filter(|s| requested.contains(s))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn key_request_defaults_to_nothing_chosen() {
        let request = KeyRequest::from_body(json!({})).unwrap();
        assert_eq!(
            request,
            KeyRequest {
                name: None,
                scopes: None
            }
        );
    }

    #[test]
    fn key_request_scopes_are_canonical() {
        let request = KeyRequest::from_body(json!({
            "name": "  CI deploys ",
            "scopes": ["keys:manage", "links:read", "links:read"]
        }))
        .unwrap();
        assert_eq!(request.name.as_deref(), Some("CI deploys"));
        assert_eq!(
            request.scopes.unwrap().names(),
            vec!["links:read", "keys:manage"]
        );
    }

    #[test]
    fn invalid_key_requests_name_the_field() {
        let cases = [
            (json!({"name": ""}), "name", "`name` must be 1 to 100 characters"),
            (json!({"name": "a\u{7}"}), "name", "`name` must not contain control characters"),
            (json!({"name": 5}), "name", "`name` must be a string, not a number"),
            (json!({"scopes": "links:read"}), "scopes", "`scopes` must be an array of scope names, not a string"),
            (json!({"scopes": []}), "scopes", "`scopes` must name at least one of links:read, links:write, analytics:read, qr:write, keys:manage"),
            (json!({"scopes": ["links:admin"]}), "scopes", "`scopes` has an unknown scope \"links:admin\"; known scopes are links:read, links:write, analytics:read, qr:write, keys:manage"),
            (json!({"scope": ["links:read"]}), "scope", "unknown field `scope`; accepted fields are name, scopes"),
        ];
        for (body, field, message) in cases {
            let err = KeyRequest::from_body(body.clone()).unwrap_err();
            assert_eq!(
                (err.field.as_str(), err.message.as_str()),
                (field, message),
                "{body}"
            );
        }
    }

    #[test]
    fn a_key_cannot_grant_scopes_it_lacks() {
        let held = Scopes::from_stored("links:read keys:manage");
        assert_eq!(
            Scopes::from_stored("links:read").first_missing_from(&held),
            None
        );
        assert_eq!(
            Scopes::all().first_missing_from(&held),
            Some(Scope::LinksWrite)
        );
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

    #[test]
    fn a_reissue_defaults_to_keeping_the_other_keys() {
        let reissue = KeyReissue::from_body(serde_json::json!({})).unwrap();
        assert_eq!(reissue.name, REISSUED_KEY_NAME);
        assert!(!reissue.revoke_others);
        let named =
            KeyReissue::from_body(serde_json::json!({"name": " Laptop ", "revokeOthers": true}))
                .unwrap();
        assert_eq!((named.name.as_str(), named.revoke_others), ("Laptop", true));
        for (body, field) in [
            (serde_json::json!({"revokeOthers": "yes"}), "revokeOthers"),
            (serde_json::json!({"name": ""}), "name"),
            (serde_json::json!({"scopes": []}), "scopes"),
        ] {
            assert_eq!(KeyReissue::from_body(body).unwrap_err().field, field);
        }
    }
}
