//! Link passwords: salted PBKDF2-HMAC-SHA256 hashes, the per-link limit on
//! wrong guesses, and the checks that guard the visitor's password form
//! against cross-site posting.
//!
//! The hash is stored in D1 and copied into the KV record, so the redirect
//! verifies a password from KV alone. Its text form names the algorithm and
//! the iteration count (`pbkdf2-sha256$<iterations>$<salt>$<hash>`, base64
//! without padding), so the count can be raised later without breaking the
//! hashes already stored.

use base64::engine::general_purpose::STANDARD_NO_PAD_INDIFFERENT as BASE64;
use base64::Engine as _;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::time::UnixMillis;

/// Iterations for new hashes: one verify is ~2 SHA-256 compressions per
/// iteration. Measured (README, "Passwords") at 2.6–6.7 ms natively and
/// ~12 ms in workerd per verify on a loaded 2-core machine, so a form post fits
/// the free plan's 10 ms CPU budget on an idle edge machine and is far
/// under the paid plan's 30 s. OWASP's 600,000 would cost seconds of Worker
/// CPU; what holds off online guessing is [`MAX_FAILURES`] per window, and
/// the per-link salt plus this cost make an offline attack on a leaked
/// hash pay ~10,000 HMACs per guess per link.
pub const ITERATIONS: u32 = 10_000;
pub const SALT_BYTES: usize = 16;
const HASH_BYTES: usize = 32;
const SCHEME: &str = "pbkdf2-sha256";
/// Stored hashes are ours, but a corrupt count must not make a verify cost
/// seconds of CPU.
const MAX_ITERATIONS: u32 = 1_000_000;

/// Wrong passwords allowed per link per window (per Cloudflare location,
/// where the counter lives) before the form refuses to check more.
pub const MAX_FAILURES: u32 = 10;

/// The password form's double-submit cookie: a random token, echoed by the
/// form in a hidden field.
pub const CSRF_COOKIE: &str = "__Host-sl_form";
/// Characters of that token (base62).
pub const CSRF_TOKEN_LEN: usize = 24;
pub const WINDOW_MILLIS: i64 = 15 * 60 * 1000;

/// A password hash in its stored text form. Kept as text (not decoded into
/// parts) so no storage path can turn a corrupt hash into "no password":
/// a hash that does not parse simply never verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Hashes `password` with a fresh `salt` at [`ITERATIONS`].
    pub fn derive(password: &str, salt: &[u8; SALT_BYTES]) -> PasswordHash {
        Self::derive_with(password, salt, ITERATIONS)
    }

    fn derive_with(password: &str, salt: &[u8], iterations: u32) -> PasswordHash {
        let hash =
            pbkdf2::pbkdf2_hmac_array::<Sha256, HASH_BYTES>(password.as_bytes(), salt, iterations);
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

    /// Whether `password` matches, compared in constant time. False for a
    /// hash that does not parse.
    pub fn verify(&self, password: &str) -> bool {
        let mut parts = self.0.split('$');
        let (Some(SCHEME), Some(iterations), Some(salt), Some(expected), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return false;
        };
        let Some(iterations) = iterations
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_ITERATIONS).contains(n))
        else {
            return false;
        };
        let (Ok(salt), Ok(expected)) = (BASE64.decode(salt), BASE64.decode(expected)) else {
            return false;
        };
        let actual =
            pbkdf2::pbkdf2_hmac_array::<Sha256, HASH_BYTES>(password.as_bytes(), &salt, iterations);
        actual.as_slice().ct_eq(&expected).into()
    }
}

/// The fixed window a failure at `now` counts in: failures are kept per
/// (link, window), so a lock-out ends by itself when the window does.
pub fn window(now: UnixMillis) -> i64 {
    now.0.div_euclid(WINDOW_MILLIS)
}

/// Whole seconds until the window of `now` ends: the `Retry-After` of a
/// locked form.
pub fn retry_after_seconds(now: UnixMillis) -> i64 {
    let end = (window(now) + 1) * WINDOW_MILLIS;
    (end - now.0 + 999) / 1000
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

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn pbkdf2_matches_the_rfc_7914_vector() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256("passwd", "salt", 1), first 32 bytes.
        let out = pbkdf2::pbkdf2_hmac_array::<Sha256, 32>(b"passwd", b"salt", 1);
        assert_eq!(
            hex(&out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
    }

    #[test]
    fn a_derived_hash_verifies_only_its_password() {
        let hash = PasswordHash::derive("open sesame", &[7; SALT_BYTES]);
        assert!(hash.as_str().starts_with("pbkdf2-sha256$10000$"));
        assert!(hash.verify("open sesame"));
        assert!(!hash.verify("open sesame "));
        assert!(!hash.verify(""));
    }

    #[test]
    fn the_salt_changes_the_hash() {
        let a = PasswordHash::derive("pw", &[1; SALT_BYTES]);
        let b = PasswordHash::derive("pw", &[2; SALT_BYTES]);
        assert_ne!(a, b);
    }

    #[test]
    fn hashes_at_another_iteration_count_still_verify() {
        let old = PasswordHash::derive_with("pw", b"0123456789abcdef", 1_000);
        assert!(old.as_str().starts_with("pbkdf2-sha256$1000$"));
        assert!(PasswordHash::from_stored(old.as_str().to_owned()).verify("pw"));
    }

    #[test]
    fn a_corrupt_hash_never_verifies() {
        for text in [
            "",
            "pbkdf2-sha256",
            "pbkdf2-sha256$x$AA$AA",
            "pbkdf2-sha256$0$AA$AA",
            "pbkdf2-sha256$99999999$AA$AA",
            "pbkdf2-sha256$1$!!$AA",
            "md5$1$AA$AA",
            "pbkdf2-sha256$1$AA$AA$extra",
        ] {
            assert!(!PasswordHash::from_stored(text.into()).verify(""), "{text}");
        }
    }

    #[test]
    fn windows_are_fifteen_minutes_and_retry_after_counts_to_the_end() {
        let start = UnixMillis(WINDOW_MILLIS * 100);
        assert_eq!(window(start), 100);
        assert_eq!(window(UnixMillis(start.0 + WINDOW_MILLIS - 1)), 100);
        assert_eq!(retry_after_seconds(start), 900);
        assert_eq!(retry_after_seconds(UnixMillis(start.0 + 899_500)), 1);
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
        fn arbitrary_stored_text_never_verifies(text in "(?s).{0,120}", password in "(?s).{0,20}") {
            proptest::prop_assert!(!PasswordHash::from_stored(text).verify(&password));
        }

        #[test]
        fn hash_shaped_text_with_arbitrary_parts_never_panics(iterations in "[0-9]{0,3}", salt in "[A-Za-z0-9+/=!]{0,30}", hash in "[A-Za-z0-9+/=]{0,50}") {
            let _ = PasswordHash::from_stored(format!("{SCHEME}${iterations}${salt}${hash}")).verify("pw");
        }

        #[test]
        fn csrf_tokens_match_only_themselves(a in "(?s).{0,30}", b in "(?s).{0,30}") {
            proptest::prop_assert_eq!(csrf_ok(Some(&a), &b), !a.is_empty() && a == b);
        }
    }
}
