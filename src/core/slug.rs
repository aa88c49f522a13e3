//! Slugs: the path of a short URL, validated once at the edge (DESIGN.md §2).

use std::fmt;

use super::ids::{Kind, LinkKind};
use super::random;

pub const MAX_LEN: usize = 64;
pub const GENERATED_LEN: usize = 7;
/// Entropy [`Slug::generate`] needs.
pub const GENERATED_ENTROPY: usize = random::entropy_for(GENERATED_LEN);

/// Path words the worker serves (`/health`, `/v1`, `/{slug}/qr`, the
/// dashboard and its assets, `/docs`) or may serve one day; a slug must not
/// shadow them, nor be one that can never be reached (`/qr` is a QR code's
/// suffix, never a redirect). Compared case-insensitively so `V1` can't
/// pose as the API either. `favicon.ico` and `robots.txt` cannot be slugs
/// anyway (no `.`); their stems are reserved with them. The dashboard's
/// pages are served as static assets before the worker runs: keep this list
/// in step with `run_worker_first` in wrangler.toml (a test checks).
const RESERVED: &[&str] = &[
    "_",
    "admin",
    "api",
    "assets",
    "dashboard",
    "docs",
    "favicon",
    "favicon.ico",
    "health",
    "index",
    "links",
    "login",
    "logout",
    "qr",
    "robots",
    "robots.txt",
    "settings",
    "signin",
    "signout",
    "signup",
    "static",
    "v1",
    "v2",
];

/// A valid slug: `[A-Za-z0-9_-]{1,64}`, not starting with `link_` (that
/// prefix marks link ids in `/v1/links/{idOrSlug}`), and, when new, not
/// reserved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// A new slug, for a link being created or renamed.
    ///
    /// # Errors
    /// A message saying which rule the text breaks.
    pub fn parse(text: &str) -> Result<Slug, String> {
        let slug = Slug::for_lookup(text)?;
        if text.starts_with('_') || RESERVED.iter().any(|r| r.eq_ignore_ascii_case(text)) {
            return Err(format!("'{text}' is reserved; choose another"));
        }
        Ok(slug)
    }

    /// A slug that names a link which may already exist: in a short URL's
    /// path, or in `/v1/links/{idOrSlug}`. Reserved words are looked up
    /// like any other: a word reserved in a later release must not break
    /// the links that took it before (printed QR codes live for years).
    /// The paths the worker serves itself are routed before any lookup.
    ///
    /// # Errors
    /// A message saying which rule the text breaks.
    pub fn for_lookup(text: &str) -> Result<Slug, String> {
        if text.is_empty() {
            return Err("must not be empty".into());
        }
        if text.len() > MAX_LEN {
            return Err(format!("must be at most {MAX_LEN} characters"));
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err("may contain only letters, digits, '-' and '_'".into());
        }
        if text.starts_with(LinkKind::PREFIX) {
            return Err(format!(
                "must not start with '{}', which marks link ids",
                LinkKind::PREFIX
            ));
        }
        Ok(Slug(text.to_owned()))
    }

    /// A random 7-character base62 slug (62^7 ≈ 3.5e12 of them), or `None`
    /// in the one-in-trillions case that it spells a reserved word. The
    /// caller retries then, as on a collision with an existing slug.
    pub fn generate(entropy: &[u8; GENERATED_ENTROPY]) -> Option<Slug> {
        Slug::parse(&random::base62(entropy)).ok()
    }

    /// A slug read back from storage, where it was validated on the way in.
    /// Not re-validated, so a rule added later can't make old links unreadable.
    pub fn from_stored(text: String) -> Slug {
        Slug(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_seed_examples() {
        for ok in [
            "custom-code",
            "my-custom-slug",
            "my-slug",
            "a",
            "A_b-9",
            &"x".repeat(64),
        ] {
            assert_eq!(Slug::parse(ok).map(|s| s.to_string()), Ok(ok.to_string()));
        }
    }

    #[test]
    fn rejects_each_broken_rule_with_its_reason() {
        let cases = [
            ("", "must not be empty"),
            (&"x".repeat(65), "at most 64"),
            ("with space", "only letters"),
            ("a/b", "only letters"),
            ("..", "only letters"),
            ("a%2Fb", "only letters"),
            ("café", "only letters"),
            ("a\r\nb", "only letters"),
            ("link_abc", "link_"),
            ("v1", "reserved"),
            ("API", "reserved"),
            ("health", "reserved"),
            ("_internal", "reserved"),
            ("qr", "reserved"),
            ("QR", "reserved"),
            ("dashboard", "reserved"),
            ("login", "reserved"),
            ("signup", "reserved"),
            ("logout", "reserved"),
            ("settings", "reserved"),
            ("links", "reserved"),
        ];
        for (text, reason) in cases {
            let err = Slug::parse(text).unwrap_err();
            assert!(err.contains(reason), "{text:?}: {err}");
        }
    }

    /// Every path the dashboard's static assets answer (wrangler.toml's
    /// `run_worker_first` exclusions) is reserved, or a slug could be
    /// created that never redirects.
    #[test]
    fn the_dashboards_paths_are_reserved() {
        let config = include_str!("../../wrangler.toml");
        let mut checked = 0;
        for line in config.lines() {
            let Some(path) = line.trim().strip_prefix("\"!/") else {
                continue;
            };
            let segment: String = path
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if segment.is_empty() || path.starts_with(&format!("{segment}.")) {
                continue; // `/` itself, and files such as favicon.svg (no dots in slugs)
            }
            checked += 1;
            let err = Slug::parse(&segment).unwrap_err();
            assert!(
                err.contains("reserved"),
                "/{segment} is not reserved: {err}"
            );
        }
        assert!(
            checked >= 4,
            "found only {checked} dashboard paths in wrangler.toml"
        );
    }

    #[test]
    fn a_reserved_word_is_refused_as_a_new_slug_but_looked_up() {
        for word in ["admin", "API", "login", "_internal"] {
            assert!(Slug::parse(word).is_err(), "{word}");
            assert_eq!(
                Slug::for_lookup(word).map(|s| s.to_string()),
                Ok(word.to_string())
            );
        }
    }

    #[test]
    fn a_lookup_keeps_every_other_rule() {
        for (text, reason) in [
            ("", "must not be empty"),
            (&"x".repeat(65), "at most 64"),
            ("a/b", "only letters"),
            ("link_abc", "link_"),
        ] {
            let err = Slug::for_lookup(text).unwrap_err();
            assert!(err.contains(reason), "{text:?}: {err}");
        }
    }

    #[test]
    fn slugs_are_case_sensitive() {
        assert_ne!(Slug::parse("Promo"), Slug::parse("promo"));
    }

    proptest! {
        #[test]
        fn generated_slugs_are_valid_and_seven_long(entropy in any::<[u8; GENERATED_ENTROPY]>()) {
            let slug = Slug::generate(&entropy);
            prop_assert!(slug.is_some());
            let slug = slug.unwrap();
            prop_assert_eq!(slug.as_str().len(), GENERATED_LEN);
            prop_assert_eq!(Slug::parse(slug.as_str()), Ok(slug.clone()));
        }

        #[test]
        fn parse_accepts_exactly_the_slug_alphabet(text in "[A-Za-z0-9_-]{1,64}") {
            let expected = !text.starts_with("link_") && !text.starts_with('_')
                && !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&text));
            prop_assert_eq!(Slug::parse(&text).is_ok(), expected);
        }

        #[test]
        fn a_lookup_accepts_exactly_the_slug_alphabet(text in "[A-Za-z0-9_-]{1,64}") {
            prop_assert_eq!(Slug::for_lookup(&text).is_ok(), !text.starts_with("link_"));
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,80}") {
            let _ = Slug::parse(&text);
            let _ = Slug::for_lookup(&text);
        }
    }
}
