//! Referrer normalisation: a `Referer` header becomes the host that sent the
//! click, the value the analytics report groups referrers by.

use url::Url;

/// The referrer of clicks that carried no usable `Referer` (typed or pasted
/// links, apps, privacy settings), as the SMO1 document names it.
pub const DIRECT: &str = "direct";

/// Longest DNS name (RFC 1035): anything longer is not a host we can report.
const MAX_HOST_LEN: usize = 253;

/// The host of a `Referer` header: lowercased, without a leading `www.` and a
/// trailing dot, so `https://WWW.Twitter.com./x` and `https://twitter.com/`
/// group together. Absent, empty or unparseable headers, and URLs without a
/// host (`about:blank`, `data:`), give [`DIRECT`]. Non-web schemes keep their
/// authority, so `android-app://com.slack/` gives the app id `com.slack`.
/// Internationalised hosts come out in their punycode (`xn--`) form.
pub fn referrer_host(referer: Option<&str>) -> String {
    referer
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .and_then(|r| Url::parse(r).ok())
        .and_then(|url| url.host_str().map(normalise_host))
        .filter(|host| !host.is_empty() && host.len() <= MAX_HOST_LEN)
        .unwrap_or_else(|| DIRECT.to_owned())
}

fn normalise_host(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    host.strip_prefix("www.").unwrap_or(host).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(referer: &str) -> String {
        referrer_host(Some(referer))
    }

    #[test]
    fn an_absent_referer_is_direct() {
        assert_eq!(referrer_host(None), "direct");
    }

    #[test]
    fn an_empty_or_blank_referer_is_direct() {
        assert_eq!(host(""), "direct");
        assert_eq!(host("   "), "direct");
    }

    #[test]
    fn an_unparseable_referer_is_direct() {
        for bad in [
            "not a url",
            "twitter.com/status/1",
            "https://",
            "http://exa mple.com/",
            "::::",
        ] {
            assert_eq!(host(bad), "direct", "{bad}");
        }
    }

    #[test]
    fn a_url_without_host_is_direct() {
        assert_eq!(host("about:blank"), "direct");
        assert_eq!(host("data:text/html,hi"), "direct");
    }

    #[test]
    fn keeps_only_the_host() {
        assert_eq!(
            host("https://twitter.com/someone/status/1?s=20#x"),
            "twitter.com"
        );
        assert_eq!(
            host("http://user:pw@news.ycombinator.com:8080/item"),
            "news.ycombinator.com"
        );
    }

    #[test]
    fn lowercases_and_drops_www_and_the_trailing_dot() {
        assert_eq!(host("https://WWW.Google.COM./search"), "google.com");
        assert_eq!(host("https://www.bbc.co.uk/"), "bbc.co.uk");
    }

    #[test]
    fn keeps_other_subdomains() {
        assert_eq!(host("https://m.facebook.com/"), "m.facebook.com");
        assert_eq!(host("https://wwwx.example.com/"), "wwwx.example.com");
    }

    #[test]
    fn android_app_referrers_give_the_app_id() {
        assert_eq!(
            host("android-app://com.Google.android.gm/"),
            "com.google.android.gm"
        );
    }

    #[test]
    fn ip_and_international_hosts_are_kept_in_canonical_form() {
        assert_eq!(host("http://192.168.1.10/"), "192.168.1.10");
        assert_eq!(host("http://[::1]:8080/"), "[::1]");
        assert_eq!(host("https://bücher.de/"), "xn--bcher-kva.de");
    }

    #[test]
    fn an_overlong_host_is_direct() {
        let long = format!("https://{}.com/", "a.".repeat(200));
        assert_eq!(host(&long), "direct");
    }

    /// A reported host is `direct` or a normalised host name.
    fn check(host: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        if host != DIRECT {
            proptest::prop_assert!(!host.is_empty() && host.len() <= MAX_HOST_LEN, "{host}");
            proptest::prop_assert!(!host.starts_with("www.") && !host.ends_with('.'), "{host}");
            proptest::prop_assert!(!host.chars().any(|c| c.is_ascii_uppercase()), "{host}");
        }
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_gives_direct_or_a_normalised_host(text in "(?s).{0,200}") {
            check(&referrer_host(Some(&text)))?;
        }

        #[test]
        fn arbitrary_urls_give_direct_or_a_normalised_host(
            scheme in "(https?|android-app|about|data|[a-z]{1,8})",
            host in "(?s)(www\\.)?(\\[[0-9a-f:.]{0,20}\\]|[0-9.]{1,16}|[A-Za-z0-9.-]{0,30}|.{0,20})\\.?",
            rest in "(?s).{0,40}",
        ) {
            check(&referrer_host(Some(&format!("{scheme}://{host}{rest}"))))?;
        }
    }
}
