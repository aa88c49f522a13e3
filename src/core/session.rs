//! Dashboard sessions (issue 13): the cookie's token, its hash for storage,
//! the cookie itself, expiry, and the CSRF rule for cookie-authenticated
//! writes.
//!
//! The token is 32 base62 characters (~190 bits) in an `HttpOnly`,
//! `SameSite=Strict` cookie, `Secure` with the `__Host-` prefix except on a
//! loopback host (plain-http development). D1 keeps only its SHA-256.
//! Writes made with the cookie must also carry `X-CSRF-Token`, a value
//! derived from the token that only our own pages can read (from
//! `GET /v1/auth/session`), and must not be marked cross-site by the
//! browser's `Sec-Fetch-Site` or `Origin`.

use std::net::{Ipv4Addr, Ipv6Addr};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::apikey::hash_secret;
use super::password::{cookie, same_origin_post};
use super::random;
use super::time::UnixMillis;

pub const TOKEN_LEN: usize = 32;
pub const TOKEN_ENTROPY: usize = random::entropy_for(TOKEN_LEN);
/// Sessions last 14 days from sign-in, then the person signs in again.
pub const TTL_MILLIS: i64 = 14 * 24 * 60 * 60 * 1000;
/// Invitations are valid for 7 days.
pub const INVITATION_TTL_MILLIS: i64 = 7 * 24 * 60 * 60 * 1000;
/// The cookie over https: `__Host-` makes browsers insist on `Secure`,
/// `Path=/` and no `Domain`, so no subdomain can set or read it.
pub const SECURE_COOKIE: &str = "__Host-sl_session";
/// The cookie on plain-http loopback development servers.
pub const LOCAL_COOKIE: &str = "sl_session";
/// The header writes carry the CSRF token in.
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// A fresh session (or invitation) token.
pub fn new_token(entropy: &[u8; TOKEN_ENTROPY]) -> String {
    random::base62(entropy)
}

/// Whether `text` has the shape of a token: checked before hashing and
/// looking anything up.
pub fn is_token_shaped(text: &str) -> bool {
    text.len() == TOKEN_LEN && random::is_base62(text)
}

/// What D1 stores and looks sessions and invitations up by: the token has
/// ~190 bits of entropy, so a fast hash suffices, as for API keys.
pub fn token_hash(token: &str) -> String {
    hash_secret(token)
}

/// The CSRF token of a session: derived from its token, so nothing more is
/// stored, and one-way, so reading it reveals nothing of the cookie.
pub fn csrf_token(token: &str) -> String {
    let digest = Sha256::digest(format!("smartlinks-csrf\0{token}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Whether a session is usable at `now`.
pub fn is_live(expires_at: UnixMillis, revoked_at: Option<UnixMillis>, now: UnixMillis) -> bool {
    revoked_at.is_none() && now.0 < expires_at.0
}

/// How the cookie is named and flagged for a request to `host` (with or
/// without its port).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookiePolicy {
    secure: bool,
}

impl CookiePolicy {
    /// `Secure` everywhere but loopback hosts, where development runs over
    /// plain http and a `Secure` cookie would not be kept.
    pub fn for_host(host: &str) -> CookiePolicy {
        CookiePolicy {
            secure: !is_loopback(host),
        }
    }

    pub fn name(self) -> &'static str {
        if self.secure {
            SECURE_COOKIE
        } else {
            LOCAL_COOKIE
        }
    }

    /// The `Set-Cookie` value that starts a session.
    pub fn set(self, token: &str, max_age_seconds: i64) -> String {
        format!(
            "{}={token}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Strict{}",
            self.name(),
            if self.secure { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that ends one in the browser.
    pub fn clear(self) -> String {
        self.set("", 0)
    }

    /// The session token in a `Cookie` header, if it has a token's shape.
    pub fn token(self, cookie_header: &str) -> Option<&str> {
        cookie(cookie_header, self.name()).filter(|t| is_token_shaped(t))
    }
}

/// `localhost`, `*.localhost`, `127.x.x.x` and `[::1]`, with any port.
pub fn is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
        || name.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// Why a cookie-authenticated write is refused, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfRefusal {
    CrossSite,
    MissingToken,
    WrongToken,
}

impl CsrfRefusal {
    pub fn message(self) -> &'static str {
        match self {
            CsrfRefusal::CrossSite => {
                "cross-site requests cannot sign in or use the dashboard's session"
            }
            CsrfRefusal::MissingToken => {
                "requests made with the session cookie must send the X-CSRF-Token header \
                 (its value is `csrfToken` in GET /v1/auth/session)"
            }
            CsrfRefusal::WrongToken => {
                "the X-CSRF-Token header does not match this session; reload the page"
            }
        }
    }
}

/// The first half of the CSRF rule, and all of it for signing in and up
/// (no session yet): the browser must not say the request is cross-site.
///
/// # Errors
/// [`CsrfRefusal::CrossSite`] when it does.
pub fn check_origin(
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    own_origin: &str,
) -> Result<(), CsrfRefusal> {
    if same_origin_post(sec_fetch_site, origin, own_origin) {
        Ok(())
    } else {
        Err(CsrfRefusal::CrossSite)
    }
}

/// The CSRF rule for a write made with session `token`: the browser must
/// not say it is cross-site, and the header must carry the session's CSRF
/// token.
///
/// # Errors
/// Which part of the rule the request breaks.
pub fn check_write(
    token: &str,
    csrf_header: Option<&str>,
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    own_origin: &str,
) -> Result<(), CsrfRefusal> {
    check_origin(sec_fetch_site, origin, own_origin)?;
    match csrf_header {
        None | Some("") => Err(CsrfRefusal::MissingToken),
        Some(sent) if bool::from(sent.as_bytes().ct_eq(csrf_token(token).as_bytes())) => Ok(()),
        Some(_) => Err(CsrfRefusal::WrongToken),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdefghijABCDEFGHIJ01";

    #[test]
    fn tokens_are_32_base62_characters() {
        let token = new_token(&[9u8; TOKEN_ENTROPY]);
        assert!(is_token_shaped(&token));
        assert!(!is_token_shaped("short"));
        assert!(!is_token_shaped("0123456789abcdefghijABCDEFGHIJ0-"));
    }

    #[test]
    fn the_csrf_token_is_stable_per_session_and_differs_between_them() {
        assert_eq!(csrf_token(TOKEN), csrf_token(TOKEN));
        assert_eq!(csrf_token(TOKEN).len(), 32);
        assert_ne!(
            csrf_token(TOKEN),
            csrf_token("1123456789abcdefghijABCDEFGHIJ01")
        );
        assert!(!csrf_token(TOKEN).contains(TOKEN));
    }

    #[test]
    fn https_hosts_get_the_host_prefixed_secure_cookie() {
        let policy = CookiePolicy::for_host("smart.link");
        assert_eq!(
            policy.set(TOKEN, 60),
            format!(
                "__Host-sl_session={TOKEN}; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure"
            )
        );
        assert_eq!(
            policy.clear(),
            "__Host-sl_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure"
        );
    }

    #[test]
    fn loopback_hosts_get_a_plain_cookie() {
        for host in [
            "localhost",
            "localhost:8787",
            "127.0.0.1:8787",
            "[::1]:8787",
            "app.localhost",
        ] {
            let policy = CookiePolicy::for_host(host);
            assert_eq!(policy.name(), "sl_session", "{host}");
            assert!(!policy.set(TOKEN, 1).contains("Secure"), "{host}");
        }
        assert!(!is_loopback("127.example.com"));
        assert!(!is_loopback("example.com:8787"));
    }

    #[test]
    fn the_token_is_read_from_its_own_cookie_only() {
        let policy = CookiePolicy::for_host("smart.link");
        assert_eq!(
            policy.token(&format!("a=b; __Host-sl_session={TOKEN}")),
            Some(TOKEN)
        );
        assert_eq!(policy.token(&format!("sl_session={TOKEN}")), None);
        assert_eq!(policy.token("__Host-sl_session=junk"), None);
    }

    #[test]
    fn sessions_end_at_expiry_or_revocation() {
        assert!(is_live(UnixMillis(10), None, UnixMillis(9)));
        assert!(!is_live(UnixMillis(10), None, UnixMillis(10)));
        assert!(!is_live(UnixMillis(10), Some(UnixMillis(5)), UnixMillis(9)));
    }

    #[test]
    fn writes_need_the_sessions_csrf_token_from_our_own_origin() {
        let own = "https://smart.link";
        let good = csrf_token(TOKEN);
        assert_eq!(
            check_write(TOKEN, Some(&good), Some("same-origin"), Some(own), own),
            Ok(())
        );
        assert_eq!(check_write(TOKEN, Some(&good), None, None, own), Ok(()));
        assert_eq!(
            check_write(TOKEN, None, Some("same-origin"), None, own),
            Err(CsrfRefusal::MissingToken)
        );
        assert_eq!(
            check_write(TOKEN, Some("nope"), None, None, own),
            Err(CsrfRefusal::WrongToken)
        );
        assert_eq!(
            check_write(TOKEN, Some(&good), Some("cross-site"), None, own),
            Err(CsrfRefusal::CrossSite)
        );
        assert_eq!(
            check_write(TOKEN, Some(&good), None, Some("https://evil.example"), own),
            Err(CsrfRefusal::CrossSite)
        );
    }
}
