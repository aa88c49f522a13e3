//! Destination URLs: where a short link sends its visitors, validated once.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

pub const MAX_BYTES: usize = 8_192;

/// Every host short links are served on: the configured base, the request's
/// own host and any extra ones the operator lists. A destination on any of
/// them redirects to itself.
///
/// Loopback hosts are one machine whatever their spelling (`localhost`,
/// `127.0.0.1`, `[::1]`, `[::ffff:127.0.0.1]`, `0.0.0.0` …), so on loopback
/// a destination is a loop when its *port* is a short host's port. Other
/// hosts are compared by name, any port.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShortHosts(Vec<(Host<String>, Option<u16>)>);

impl ShortHosts {
    /// No short host at all (QR codes of arbitrary URLs cannot loop).
    pub fn none() -> ShortHosts {
        ShortHosts(Vec::new())
    }

    /// Hosts as written in configuration or a `Host` header: `smart.link`,
    /// `127.0.0.1:8787`, `[::1]:8787`. Entries that do not parse are skipped.
    pub fn of<'a>(hosts: impl IntoIterator<Item = &'a str>) -> ShortHosts {
        let mut out = ShortHosts::none();
        for text in hosts {
            out.add(text);
        }
        out
    }

    /// Adds one host (ignored when it does not parse or is already there).
    pub fn add(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() || text.contains(['/', '?', '#', '@']) {
            return;
        }
        let Ok(url) = Url::parse(&format!("http://{text}/")) else {
            return;
        };
        let Some(host) = url.host().map(|h| normalise(h.to_owned())) else {
            return;
        };
        let entry = (host, url.port());
        if !self.0.contains(&entry) {
            self.0.push(entry);
        }
    }

    /// The first host, for messages.
    fn first(&self) -> String {
        match self.0.first() {
            Some((host, Some(port))) => format!("{host}:{port}"),
            Some((host, None)) => host.to_string(),
            None => String::new(),
        }
    }

    /// Whether `url` points at one of these hosts.
    fn contains(&self, url: &Url) -> bool {
        let Some(host) = url.host().map(|h| normalise(h.to_owned())) else {
            return false;
        };
        let port = url.port_or_known_default();
        self.0.iter().any(|(short, short_port)| {
            if is_loopback(short) && is_loopback(&host) {
                short_port.is_none() || *short_port == port
            } else {
                *short == host
            }
        })
    }
}

/// `short.link.` is the same host as `short.link` (a fully-qualified name).
fn normalise(host: Host<String>) -> Host<String> {
    match host {
        Host::Domain(name) => Host::Domain(name.trim_end_matches('.').to_ascii_lowercase()),
        other => other,
    }
}

/// Names and addresses that reach the machine itself.
fn is_loopback(host: &Host<String>) -> bool {
    match host {
        Host::Domain(name) => name == "localhost" || name.ends_with(".localhost"),
        Host::Ipv4(ip) => v4_is_local(*ip),
        Host::Ipv6(ip) => v6_is_local(*ip),
    }
}

fn v4_is_local(ip: Ipv4Addr) -> bool {
    ip.is_loopback() || ip.is_unspecified()
}

fn v6_is_local(ip: Ipv6Addr) -> bool {
    ip.is_loopback() || ip.is_unspecified() || ip.to_ipv4_mapped().is_some_and(v4_is_local)
}

/// An absolute `http`/`https` URL with a host, free of control characters
/// and of a user name or password, at most 8 KiB, and not pointing back at
/// a short host (a loop).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationUrl(String);

impl DestinationUrl {
    /// Validates `text` against the short hosts (a destination on one of
    /// them would redirect to itself).
    ///
    /// The URL is kept as the user wrote it when that is already its
    /// canonical form (give or take the root `/`), so responses echo it back
    /// unchanged; otherwise (IDN hosts, spaces, backslashes …) its WHATWG
    /// serialisation is kept, which is ASCII and safe in a `Location` header.
    ///
    /// # Errors
    /// A message saying what to fix.
    pub fn parse(text: &str, short_hosts: &ShortHosts) -> Result<DestinationUrl, String> {
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
        if url.host_str().is_none_or(str::is_empty) {
            return Err("must have a host".into());
        }
        // `https://good.example@evil.example/` goes to evil.example: a
        // reader sees the wrong host first.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(
                "must not contain a user name or password before the host (user@host): it disguises where the link goes"
                    .into(),
            );
        }
        if short_hosts.contains(&url) {
            return Err(format!(
                "must not point at the short domain {} itself (that would loop)",
                short_hosts.first()
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

    fn short() -> ShortHosts {
        ShortHosts::of(["smart.link"])
    }

    fn parse(text: &str) -> Result<String, String> {
        DestinationUrl::parse(text, &short()).map(|u| u.to_string())
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
        let local = ShortHosts::of(["127.0.0.1:8787"]);
        let err = DestinationUrl::parse("http://127.0.0.1:8787/x", &local).unwrap_err();
        assert!(err.contains("short domain 127.0.0.1:8787"));
        assert!(DestinationUrl::parse("http://127.0.0.1:9999/x", &local).is_ok());
    }

    #[test]
    fn loopback_aliases_of_a_local_short_host_are_loops() {
        let local = ShortHosts::of(["127.0.0.1:8787"]);
        for alias in [
            "http://localhost:8787/x",
            "http://LOCALHOST.:8787/x",
            "http://app.localhost:8787/x",
            "http://[::1]:8787/x",
            "http://[::ffff:127.0.0.1]:8787/x",
            "http://127.1:8787/x",
            "http://127.0.0.2:8787/x",
            "http://2130706433:8787/x",
            "http://0.0.0.0:8787/x",
            "http://[::]:8787/x",
        ] {
            let err = DestinationUrl::parse(alias, &local).unwrap_err();
            assert!(err.contains("loop"), "{alias}: {err}");
        }
        assert!(DestinationUrl::parse("http://localhost:9999/x", &local).is_ok());
    }

    #[test]
    fn every_configured_short_host_is_checked() {
        let hosts = ShortHosts::of([
            "smart.link",
            "go.example.com",
            "smartlinks.acme.workers.dev",
        ]);
        for text in [
            "https://smart.link/a",
            "https://go.example.com:8443/a",
            "http://SmartLinks.Acme.Workers.Dev/a",
        ] {
            assert!(DestinationUrl::parse(text, &hosts).is_err(), "{text}");
        }
        assert!(DestinationUrl::parse("https://example.com/a", &hosts).is_ok());
        // Unparseable entries are skipped, not fatal.
        assert_eq!(ShortHosts::of(["", "a b", "x/y"]), ShortHosts::none());
    }

    #[test]
    fn user_info_before_the_host_is_refused() {
        for text in [
            "https://good.com@evil.com/",
            "https://good.com:pass@evil.com/",
            "https://:pass@evil.com/",
            "https://user@example.com/",
        ] {
            assert!(
                parse(text).unwrap_err().contains("user name or password"),
                "{text}"
            );
        }
        // An `@` after the host is just part of the path or query.
        assert!(parse("https://example.com/@user?mail=a@b.c").is_ok());
    }

    proptest! {
        #[test]
        fn accepted_urls_are_header_safe(text in "\\PC{0,200}") {
            if let Ok(url) = DestinationUrl::parse(&text, &short()) {
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
