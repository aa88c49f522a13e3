//! Link passwords: the salted PBKDF2-HMAC-SHA256 hash format and its
//! parsing, and the checks that guard the visitor's password form against
//! cross-site posting. The derivation itself runs in the platform's
//! WebCrypto (`shell::crypto`), natively; this module decides what to
//! derive and whether the result matches.
//!
//! The hash is stored in D1 and copied into the KV record, so the redirect
//! verifies a password from KV alone. Its text form names the algorithm and
//! the iteration count (`pbkdf2-sha256$<iterations>$<salt>$<hash>`, base64
//! without padding), so the count can be raised without breaking the hashes
//! already stored: a hash below [`ITERATIONS`] verifies, and is replaced on
//! its next successful verify ([`Derivation::is_current`]).

use base64::engine::general_purpose::STANDARD_NO_PAD_INDIFFERENT as BASE64;
use base64::Engine as _;
use subtle::ConstantTimeEq;

/// Iterations for new hashes: the most Workers' WebCrypto derives (it
/// refuses more), up from the 10,000 the wasm implementation could afford.
/// Guessing online is held off by the attempt counter (`core::attempts`);
/// this cost is what an offline attack on a leaked hash pays per guess.
pub const ITERATIONS: u32 = 100_000;
pub const SALT_BYTES: usize = 16;
/// SHA-256's output: the derived key's length.
pub const HASH_BYTES: usize = 32;
const SCHEME: &str = "pbkdf2-sha256";
/// A stored count above what WebCrypto derives could never verify, and a
/// corrupt one must not cost more: such hashes are refused as corrupt.
const MAX_ITERATIONS: u32 = ITERATIONS;

/// The password form's double-submit cookie: a random token, echoed by the
/// form in a hidden field.
pub const CSRF_COOKIE: &str = "__Host-sl_form";
/// Characters of that token (base62).
pub const CSRF_TOKEN_LEN: usize = 24;

/// A password hash in its stored text form. Kept as text (not decoded into
/// parts) so no storage path can turn a corrupt hash into "no password":
/// a hash that does not parse simply never verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

/// What verifying against a stored hash takes: the derivation to repeat on
/// the given password, and the output it must produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivation {
    pub iterations: u32,
    pub salt: Vec<u8>,
    expected: Vec<u8>,
}

impl PasswordHash {
    /// The stored form of a `hash` derived from `salt` at `iterations`.
    pub fn from_derived(iterations: u32, salt: &[u8], hash: &[u8]) -> PasswordHash {
        PasswordHash(format!(
            "{SCHEME}${iterations}${}${}",
            BASE64.encode(salt),
            BASE64.encode(hash)
        ))
    }

    /// A hash read back from storage.
    pub fn from_stored(text: String) -> PasswordHash {
        PasswordHash(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The derivation to repeat; `None` for a hash that does not parse,
    /// which therefore never verifies.
    pub fn derivation(&self) -> Option<Derivation> {
        let mut parts = self.0.split('$');
        let (Some(SCHEME), Some(iterations), Some(salt), Some(expected), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let iterations = iterations
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_ITERATIONS).contains(n))?;
        let salt = BASE64.decode(salt).ok().filter(|s| !s.is_empty())?;
        let expected = BASE64
            .decode(expected)
            .ok()
            .filter(|e| e.len() == HASH_BYTES)?;
        Some(Derivation {
            iterations,
            salt,
            expected,
        })
    }
}

impl Derivation {
    /// Whether `derived` (the derivation run on the given password) is the
    /// stored hash, compared in constant time.
    pub fn matches(&self, derived: &[u8]) -> bool {
        derived.ct_eq(&self.expected).into()
    }

    /// Whether the hash is at today's cost; an older one is replaced after
    /// its next successful verify.
    pub fn is_current(&self) -> bool {
        self.iterations >= ITERATIONS
    }
}

/// Whether a form post comes from our own page, from the browser's
/// `Sec-Fetch-Site` and `Origin` headers. Absent headers pass (older
/// browsers, API clients): the double-submit token is the real check and
/// these only refuse what a browser tells us is cross-site.
pub fn same_origin_post(
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    own_origin: &str,
) -> bool {
    let site_ok = sec_fetch_site.is_none_or(|s| matches!(s, "same-origin" | "none"));
    // `null` is what a browser sends under a strict referrer policy.
    let origin_ok = origin.is_none_or(|o| o == "null" || o.eq_ignore_ascii_case(own_origin));
    site_ok && origin_ok
}

/// What the visitor's form posted: `password` and the `csrf` token.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FormPost {
    pub password: String,
    pub csrf: String,
}

impl FormPost {
    /// Reads an `application/x-www-form-urlencoded` body; missing fields
    /// are empty (and then fail their checks).
    pub fn parse(body: &[u8]) -> FormPost {
        let mut post = FormPost::default();
        for (name, value) in url::form_urlencoded::parse(body) {
            match name.as_ref() {
                "password" => post.password = value.into_owned(),
                "csrf" => post.csrf = value.into_owned(),
                _ => {}
            }
        }
        post
    }
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// Whether the posted token matches the one in the visitor's cookie.
pub fn csrf_ok(cookie_token: Option<&str>, posted: &str) -> bool {
    match cookie_token {
        Some(token) if !token.is_empty() => token.as_bytes().ct_eq(posted.as_bytes()).into(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_form_round_trips() {
        let hash = PasswordHash::from_derived(ITERATIONS, &[7; SALT_BYTES], &[9; HASH_BYTES]);
        assert_eq!(
            hash.as_str(),
            "pbkdf2-sha256$100000$BwcHBwcHBwcHBwcHBwcHBw$CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk"
        );
        let d = hash.derivation().unwrap();
        assert_eq!(
            (d.iterations, d.salt.as_slice()),
            (100_000, &[7; SALT_BYTES][..])
        );
        assert!(d.matches(&[9; HASH_BYTES]));
        assert!(!d.matches(&[8; HASH_BYTES]));
        assert!(!d.matches(&[9; HASH_BYTES - 1]));
        assert!(d.is_current());
    }

    #[test]
    fn old_hashes_still_verify_and_ask_to_be_replaced() {
        // Written by the wasm implementation: 10,000 iterations.
        let old = PasswordHash::from_derived(10_000, b"0123456789abcdef", &[1; HASH_BYTES]);
        let d = old.derivation().unwrap();
        assert_eq!(d.iterations, 10_000);
        assert!(d.matches(&[1; HASH_BYTES]));
        assert!(!d.is_current());
    }

    #[test]
    fn a_corrupt_hash_never_verifies() {
        for text in [
            "",
            "pbkdf2-sha256",
            "pbkdf2-sha256$x$AA$AA",
            "pbkdf2-sha256$0$AA$AA",
            "pbkdf2-sha256$100001$AAAA$CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk",
            "pbkdf2-sha256$99999999$AA$AA",
            "pbkdf2-sha256$1$!!$AA",
            "pbkdf2-sha256$1$AAAA$AA",
            "pbkdf2-sha256$1$$CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk",
            "md5$1$AA$AA",
            "pbkdf2-sha256$1$AA$AA$extra",
        ] {
            assert_eq!(
                PasswordHash::from_stored(text.into()).derivation(),
                None,
                "{text}"
            );
        }
    }

    #[test]
    fn cross_site_posts_are_refused() {
        let own = "https://smart.link";
        assert!(same_origin_post(None, None, own));
        assert!(same_origin_post(Some("same-origin"), Some(own), own));
        assert!(same_origin_post(Some("none"), Some("null"), own));
        assert!(!same_origin_post(Some("cross-site"), None, own));
        assert!(!same_origin_post(Some("same-site"), None, own));
        assert!(!same_origin_post(None, Some("https://evil.example"), own));
    }

    #[test]
    fn form_posts_parse_and_tokens_must_match() {
        let post = FormPost::parse(b"password=a%20b%26c&csrf=tok&other=1");
        assert_eq!(post.password, "a b&c");
        assert_eq!(post.csrf, "tok");
        assert!(csrf_ok(Some("tok"), &post.csrf));
        assert!(!csrf_ok(Some("tok"), "tok2"));
        assert!(!csrf_ok(None, "tok"));
        assert!(!csrf_ok(Some(""), ""));
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let header = "a=1; __Host-sl_form=tok; x__Host-sl_form=no";
        assert_eq!(cookie(header, "__Host-sl_form"), Some("tok"));
        assert_eq!(cookie(header, "b"), None);
    }

    proptest::proptest! {
        #[test]
        fn form_bodies_of_arbitrary_bytes_parse_without_panicking(body in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = FormPost::parse(&body);
        }

        #[test]
        fn posted_fields_read_back_exactly(password in "(?s).{0,40}", csrf in "[A-Za-z0-9]{0,30}", other in "(?s).{0,20}") {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("other", &other)
                .append_pair("password", &password)
                .append_pair("csrf", &csrf)
                .finish();
            proptest::prop_assert_eq!(FormPost::parse(body.as_bytes()), FormPost { password, csrf });
        }

        #[test]
        fn a_cookie_found_in_arbitrary_text_is_part_of_it(header in "(?s).{0,200}", name in "(?s).{0,12}") {
            if let Some(value) = cookie(&header, &name) {
                proptest::prop_assert!(header.contains(value));
            }
        }

        #[test]
        fn the_form_cookie_is_found_among_others(others in "([a-z]{1,5}=[a-z0-9]{0,5}; ){0,4}", token in "[A-Za-z0-9]{1,24}") {
            let header = format!("{others}{CSRF_COOKIE}={token}");
            proptest::prop_assert_eq!(cookie(&header, CSRF_COOKIE), Some(token.as_str()));
        }

        #[test]
        fn whatever_parses_from_arbitrary_text_is_a_bounded_derivation(text in "(?s).{0,120}") {
            if let Some(d) = PasswordHash::from_stored(text).derivation() {
                proptest::prop_assert!((1..=ITERATIONS).contains(&d.iterations) && !d.salt.is_empty());
            }
        }

        #[test]
        fn hash_shaped_text_with_arbitrary_parts_never_panics(iterations in "[0-9]{0,3}", salt in "[A-Za-z0-9+/=!]{0,30}", hash in "[A-Za-z0-9+/=]{0,50}") {
            let _ = PasswordHash::from_stored(format!("{SCHEME}${iterations}${salt}${hash}")).derivation();
        }

        #[test]
        fn csrf_tokens_match_only_themselves(a in "(?s).{0,30}", b in "(?s).{0,30}") {
            proptest::prop_assert_eq!(csrf_ok(Some(&a), &b), !a.is_empty() && a == b);
        }
    }
}
