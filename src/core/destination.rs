//! Destination URLs: where a short link sends its visitors, validated once.

use std::fmt;

use url::Url;

pub const MAX_BYTES: usize = 8_192;

/// An absolute `http`/`https` URL with a host, free of control characters,
/// at most 8 KiB, and not pointing back at the short domain (a loop).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationUrl(String);

impl DestinationUrl {
    /// Validates `text`. `short_host` is the short domain's host (`smart.link`
    /// or `127.0.0.1:8787`); a destination on it would redirect to itself.
    ///
    /// The URL is kept as the user wrote it when that is already its
    /// canonical form (give or take the root `/`), so responses echo it back
    /// unchanged; otherwise (IDN hosts, spaces, backslashes …) its WHATWG
    /// serialisation is kept, which is ASCII and safe in a `Location` header.
    ///
    /// # Errors
    /// A message saying what to fix.
    pub fn parse(text: &str, short_host: &str) -> Result<DestinationUrl, String> {
        if text.len() > MAX_BYTES {
            return Err(format!(
                "must be at most {MAX_BYTES} bytes (got {})",
                text.len()
            ));
        }
        // The URL parser silently drops tabs and newlines: refuse them first,
        // so what we store is what was sent.
        if text.chars().any(char::is_control) {
            return Err("must not contain control characters (CR, LF, tab, …)".into());
        }
        let trimmed = text.trim();
        let url = Url::parse(trimmed).map_err(|e| {
            format!("must be an absolute URL such as https://example.com/page ({e})")
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("must use http or https, not {}:", url.scheme()));
        }
        let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
            return Err("must have a host".into());
        };
        // `short.link.` is the same host as `short.link` (a fully-qualified name).
        let host = host.strip_suffix('.').unwrap_or(host);
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        if authority.eq_ignore_ascii_case(short_host) || host.eq_ignore_ascii_case(short_host) {
            return Err(format!(
                "must not point at the short domain {short_host} itself (that would loop)"
            ));
        }
        let canonical = url.as_str();
        let kept = if canonical == trimmed || canonical.strip_suffix('/') == Some(trimmed) {
            trimmed
        } else {
            canonical
        };
        if kept.len() > MAX_BYTES {
            return Err(format!("must be at most {MAX_BYTES} bytes once encoded"));
        }
        Ok(DestinationUrl(kept.to_owned()))
    }

    /// A URL read back from storage, where it was validated on the way in.
    pub fn from_stored(text: String) -> DestinationUrl {
        DestinationUrl(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DestinationUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SHORT: &str = "smart.link";

    fn parse(text: &str) -> Result<String, String> {
        DestinationUrl::parse(text, SHORT).map(|u| u.to_string())
    }

    #[test]
    fn keeps_seed_urls_as_written() {
        for url in [
            "https://example.com/product/123",
            "https://example.com/very-long-url",
            "https://example.com",
            "http://example.com:8080/a?b=c#d",
        ] {
            assert_eq!(parse(url).as_deref(), Ok(url));
        }
    }

    #[test]
    fn canonicalises_what_a_header_cannot_carry() {
        assert_eq!(
            parse("https://bücher.example/ä b").as_deref(),
            Ok("https://xn--bcher-kva.example/%C3%A4%20b")
        );
        assert_eq!(
            parse("  https://example.com/x  ").as_deref(),
            Ok("https://example.com/x")
        );
    }

    #[test]
    fn rejects_each_unsafe_or_broken_destination() {
        let long = format!("https://example.com/{}", "a".repeat(MAX_BYTES));
        let cases = [
            ("example.com/page", "absolute URL"),
            ("/relative", "absolute URL"),
            ("javascript:alert(1)", "not javascript:"),
            ("data:text/html,<script>", "not data:"),
            ("file:///etc/passwd", "not file:"),
            ("vbscript:msgbox", "not vbscript:"),
            ("ftp://example.com/", "not ftp:"),
            (
                "https://example.com/a\r\nSet-Cookie: x",
                "control characters",
            ),
            ("https://exa\tmple.com/", "control characters"),
            ("https://example.com/\u{0}", "control characters"),
            ("https://smart.link/abc", "short domain"),
            ("https://SMART.LINK/abc", "short domain"),
            ("https://smart.link./abc", "short domain"),
            ("http://", "absolute URL"),
            (long.as_str(), "at most 8192 bytes"),
        ];
        for (text, reason) in cases {
            let err = parse(text).unwrap_err();
            assert!(err.contains(reason), "{text:?}: {err}");
        }
    }

    #[test]
    fn a_local_short_domain_with_port_is_recognised() {
        let err = DestinationUrl::parse("http://127.0.0.1:8787/x", "127.0.0.1:8787").unwrap_err();
        assert!(err.contains("short domain"));
        assert!(DestinationUrl::parse("http://127.0.0.1:9999/x", "127.0.0.1:8787").is_ok());
    }

    proptest! {
        #[test]
        fn accepted_urls_are_header_safe(text in "\\PC{0,200}") {
            if let Ok(url) = DestinationUrl::parse(&text, SHORT) {
                prop_assert!(url.as_str().len() <= MAX_BYTES);
                prop_assert!(!url.as_str().chars().any(char::is_control));
                prop_assert!(url.as_str().starts_with("http://") || url.as_str().starts_with("https://"));
            }
        }

        #[test]
        fn http_urls_on_other_hosts_are_accepted(host in "[a-z]{1,20}\\.(com|org|io)", path in "[a-zA-Z0-9/_-]{0,50}") {
            let text = format!("https://{host}/{path}");
            prop_assert_eq!(parse(&text), Ok(text.clone()));
        }
    }
}
