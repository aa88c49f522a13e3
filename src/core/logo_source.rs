//! Where a QR logo comes from, vetted before anything is fetched: an `https` URL whose
//! host is a public name or address (no SSRF into loopback, private, link-local, CGNAT
//! or cloud-metadata ranges), or an inline `data:image/…;base64,` URL.
//!
//! A Worker cannot resolve DNS itself, so only the literal host can be vetted: names
//! that only make sense inside a network (`localhost`, `*.internal`, single labels) and
//! IP literals in non-public ranges are refused. Each redirect hop is vetted again.

use std::net::{Ipv4Addr, Ipv6Addr};

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use url::{Host, Url};

use super::qr::MAX_LOGO_BYTES;
/// Redirect hops followed (each re-vetted) before giving up.
pub const MAX_REDIRECTS: usize = 3;
/// Longest logo URL accepted (data URLs excepted; those are capped by [`MAX_LOGO_BYTES`]).
const MAX_URL_BYTES: usize = 2048;

/// Base64 as browsers read it in `data:` URLs (WHATWG forgiving-base64): padding
/// optional, and stray low bits in the last character ignored.
const DATA_URL_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// A vetted logo location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogoSource {
    /// Bytes given inline as a `data:` URL, with their declared media type.
    Inline { bytes: Vec<u8>, media_type: String },
    /// An `https` URL on a public host.
    Remote(Url),
}

impl LogoSource {
    /// Parses and vets `text`. The error says what is wrong, for `style.logo`.
    ///
    /// # Errors
    /// Anything but a public `https` URL or a base64 `data:image/…` URL.
    pub fn parse(text: &str) -> Result<LogoSource, String> {
        let text = text.trim();
        if let Some(rest) = strip_prefix_ignore_case(text, "data:") {
            return parse_data(rest);
        }
        if text.len() > MAX_URL_BYTES {
            return Err(format!("URL must be at most {MAX_URL_BYTES} bytes"));
        }
        let url = Url::parse(text)
            .map_err(|e| format!("must be an https URL or a data:image/… URL ({e})"))?;
        vet(&url)?;
        Ok(LogoSource::Remote(url))
    }
}

/// The next hop of a redirect from `current` to `location` (relative or absolute),
/// vetted like the first URL.
///
/// # Errors
/// When the location does not parse or fails vetting.
pub fn redirect_target(current: &Url, location: &str) -> Result<Url, String> {
    let next = current
        .join(location)
        .map_err(|e| format!("redirected to an invalid URL ({e})"))?;
    vet(&next).map_err(|e| format!("redirected to a refused URL: {e}"))?;
    Ok(next)
}

/// Whether a fetched response's `Content-Type` is an image type.
pub fn is_image_type(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
        .starts_with("image/")
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

/// `data:image/png;base64,…` (also jpeg and svg+xml); other media types and
/// non-base64 data are refused.
fn parse_data(rest: &str) -> Result<LogoSource, String> {
    let (meta, payload) = rest
        .split_once(',')
        .ok_or("data URL has no ',' before its data")?;
    let mut params = meta.split(';');
    let media_type = params
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if !matches!(
        media_type.as_str(),
        "image/png" | "image/jpeg" | "image/jpg" | "image/svg+xml"
    ) {
        return Err(format!(
            "data URL must be image/png, image/jpeg or image/svg+xml, not '{media_type}'"
        ));
    }
    if !params.any(|p| p.trim().eq_ignore_ascii_case("base64")) {
        return Err("data URL must be base64-encoded (data:image/png;base64,…)".into());
    }
    // Checked before decoding, so an oversized payload costs no allocation.
    if payload.len() / 4 * 3 > MAX_LOGO_BYTES + 3 {
        return Err(format!("is larger than {} KiB", MAX_LOGO_BYTES / 1024));
    }
    let bytes = DATA_URL_BASE64
        .decode(payload.trim())
        .map_err(|e| format!("data URL is not valid base64 ({e})"))?;
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(format!("is larger than {} KiB", MAX_LOGO_BYTES / 1024));
    }
    Ok(LogoSource::Inline { bytes, media_type })
}

/// Refuses anything but `https` to a public host, without credentials.
fn vet(url: &Url) -> Result<(), String> {
    if url.scheme() != "https" {
        return Err(format!("URL must use https, not {}:", url.scheme()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("URL must not carry credentials".into());
    }
    match url.host() {
        None => Err("URL must have a host".into()),
        Some(Host::Ipv4(ip)) if !is_public_v4(ip) => Err(refused(&ip.to_string())),
        Some(Host::Ipv6(ip)) if !is_public_v6(ip) => Err(refused(&format!("[{ip}]"))),
        Some(Host::Domain(name)) if is_internal_name(name) => Err(refused(name)),
        Some(_) => Ok(()),
    }
}

fn refused(host: &str) -> String {
    format!("host {host} is not a public internet host (loopback, private, link-local and metadata addresses are refused)")
}

/// Names that resolve only inside a network: `localhost`, single labels, and the
/// special-use suffixes of RFC 6761/6762/8375 plus cloud-internal `.internal`.
fn is_internal_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    const SUFFIXES: [&str; 5] = [
        ".localhost",
        ".local",
        ".internal",
        ".home.arpa",
        ".localdomain",
    ];
    name.is_empty()
        || name == "localhost"
        || !name.contains('.')
        || SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// Whether an IPv4 address is publicly routable: not "this network", private,
/// CGNAT, loopback, link-local (cloud metadata at 169.254.169.254), IETF protocol
/// assignments, documentation, benchmarking, multicast or reserved.
pub fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0
        || a == 10
        || (a == 100 && (64..128).contains(&b))
        || a == 127
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 0 && (c == 0 || c == 2))
        || (a == 192 && b == 168)
        || (a == 198 && (b == 18 || b == 19))
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || a >= 224)
}

/// Whether an IPv6 address is publicly routable; addresses embedding an IPv4 one
/// (mapped, NAT64, 6to4) are judged by that address.
pub fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let [s0, s1, ..] = s;
    let embedded = |hi: u16, lo: u16| {
        let [h1, h2] = hi.to_be_bytes();
        let [l1, l2] = lo.to_be_bytes();
        Ipv4Addr::new(h1, h2, l1, l2)
    };
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    match s {
        // NAT64 (64:ff9b::/96) carries the IPv4 address in the last 32 bits.
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => return is_public_v4(embedded(hi, lo)),
        // 6to4 (2002::/16) carries it in bits 16-47.
        [0x2002, hi, lo, ..] => return is_public_v4(embedded(hi, lo)),
        // Unspecified, loopback and the deprecated IPv4-compatible ::a.b.c.d.
        [0, 0, 0, 0, 0, 0, ..] => return false,
        _ => {}
    }
    !((s0 & 0xfe00) == 0xfc00 // unique local fc00::/7 (AWS metadata fd00:ec2::254 too)
        || (s0 & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s0 & 0xffc0) == 0xfec0 // deprecated site-local fec0::/10
        || (s0 & 0xff00) == 0xff00 // multicast
        || (s0 == 0x2001 && s1 == 0x0db8) // documentation
        || (s0 == 0x0100 && s1 == 0 && s.get(2..4) == Some(&[0, 0]))) // discard-only 100::/64
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::STANDARD;
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn accepts_public_https_urls() {
        for ok in [
            "https://example.com/logo.png",
            "https://cdn.example.co.uk:8443/a/b.svg?x=1",
            "https://93.184.216.34/logo.png",
            "https://[2606:4700::6810:85e5]/logo.png",
        ] {
            assert!(
                matches!(LogoSource::parse(ok), Ok(LogoSource::Remote(_))),
                "{ok}"
            );
        }
    }

    #[test]
    fn refuses_internal_hosts_and_other_schemes() {
        for bad in [
            "http://example.com/logo.png",
            "ftp://example.com/logo.png",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://localhost/logo.png",
            "https://LOCALHOST./logo.png",
            "https://app.localhost/logo.png",
            "https://metadata.google.internal/computeMetadata/v1/",
            "https://printer.local/x.png",
            "https://intranet/logo.png",
            "https://127.0.0.1/logo.png",
            "https://127.1/logo.png",
            "https://2130706433/logo.png",
            "https://0x7f000001/logo.png",
            "https://0.0.0.0/logo.png",
            "https://10.0.0.1/logo.png",
            "https://172.16.5.4/logo.png",
            "https://172.31.255.255/logo.png",
            "https://192.168.1.1/logo.png",
            "https://100.64.0.1/logo.png",
            "https://169.254.169.254/latest/meta-data/",
            "https://224.0.0.1/x.png",
            "https://[::1]/logo.png",
            "https://[::]/logo.png",
            "https://[::ffff:127.0.0.1]/logo.png",
            "https://[::ffff:a9fe:a9fe]/logo.png",
            "https://[64:ff9b::a00:1]/logo.png",
            "https://[2002:c0a8:101::1]/logo.png",
            "https://[fd00:ec2::254]/logo.png",
            "https://[fe80::1]/logo.png",
            "https://user:pass@example.com/logo.png",
            "not a url",
            "",
        ] {
            assert!(LogoSource::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn public_ranges_are_not_overblocked() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "192.0.3.1",
        ] {
            assert!(is_public_v4(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "2606:4700::1",
            "2a00:1450::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(is_public_v6(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn redirects_are_vetted_per_hop() {
        let from = Url::parse("https://example.com/a/logo").unwrap();
        assert_eq!(
            redirect_target(&from, "/b/logo.png").unwrap().as_str(),
            "https://example.com/b/logo.png"
        );
        assert!(redirect_target(&from, "https://cdn.example.net/l.png").is_ok());
        assert!(redirect_target(&from, "http://example.com/l.png").is_err());
        assert!(redirect_target(&from, "https://169.254.169.254/").is_err());
        assert!(redirect_target(&from, "https://[::1]:8443/").is_err());
    }

    #[test]
    fn decodes_base64_image_data_urls() {
        let Ok(LogoSource::Inline { bytes, media_type }) =
            LogoSource::parse("data:image/png;base64,iVBORw0KGgo=")
        else {
            panic!("not inline");
        };
        assert_eq!(bytes, b"\x89PNG\r\n\x1a\n");
        assert_eq!(media_type, "image/png");
        assert!(LogoSource::parse("DATA:image/svg+xml;base64,PHN2Zy8+").is_ok());
        // Unpadded, and with stray bits in the last character, as browsers accept.
        for lenient in ["iVBORw0KGgo", "iVBORw0KGgp"] {
            let Ok(LogoSource::Inline { bytes, .. }) =
                LogoSource::parse(&format!("data:image/png;base64,{lenient}"))
            else {
                panic!("{lenient} refused");
            };
            assert_eq!(bytes, b"\x89PNG\r\n\x1a\n");
        }
        for bad in [
            "data:text/html;base64,PGI+",
            "data:image/png,rawbytes",
            "data:image/png;base64",
            "data:image/png;base64,!!!",
            "data:image/png;base64,Zg===",
            "data:image/png;base64,Z",
            "data:image/png;base64,Zm 9v",
            "data:image/png;base64,Zm9v-_",
        ] {
            assert!(LogoSource::parse(bad).is_err(), "{bad}");
        }
        let huge = format!("data:image/png;base64,{}", "A".repeat(MAX_LOGO_BYTES * 2));
        assert!(LogoSource::parse(&huge).unwrap_err().contains("512 KiB"));
    }

    #[test]
    fn only_image_content_types_pass() {
        assert!(is_image_type("image/png"));
        assert!(is_image_type("IMAGE/SVG+XML; charset=utf-8"));
        assert!(!is_image_type("text/html"));
        assert!(!is_image_type(""));
    }

    /// What every accepted source must satisfy, whatever text it came from.
    fn check(parsed: Result<LogoSource, String>) -> Result<(), TestCaseError> {
        match parsed {
            Ok(LogoSource::Inline { bytes, media_type }) => {
                prop_assert!(bytes.len() <= MAX_LOGO_BYTES);
                prop_assert!(media_type.starts_with("image/"));
            }
            Ok(LogoSource::Remote(url)) => {
                prop_assert_eq!(url.scheme(), "https");
                prop_assert_eq!(vet(&url), Ok(()));
            }
            Err(message) => prop_assert!(!message.is_empty()),
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn arbitrary_text_is_vetted_or_refused(text in "(?s).{0,300}") {
            check(LogoSource::parse(&text))?;
        }

        #[test]
        fn arbitrary_urls_on_any_host_are_vetted_or_refused(
            scheme in "(https?|ftp|data|HTTPS)",
            userinfo in "([a-z]{1,4}(:[a-z]{0,4})?@)?",
            host in "(\\[[0-9a-f:.]{0,30}\\]|[0-9.]{1,16}|[a-z0-9.-]{0,20}|[0-9]{1,12}|0x[0-9a-f]{1,8})",
            rest in "(?s).{0,40}",
        ) {
            check(LogoSource::parse(&format!("{scheme}://{userinfo}{host}{rest}")))?;
        }

        #[test]
        fn arbitrary_data_urls_are_decoded_or_refused(meta in "(?s).{0,40}", payload in "(?s).{0,200}") {
            check(LogoSource::parse(&format!("data:{meta},{payload}")))?;
            check(LogoSource::parse(&format!("data:image/png;base64,{payload}")))?;
        }

        #[test]
        fn base64_of_any_bytes_reads_back_padded_or_not(
            bytes in proptest::collection::vec(any::<u8>(), 0..2000),
            padded in any::<bool>(),
            media_type in proptest::sample::select(&["image/png", "image/jpeg", "image/svg+xml"][..]),
        ) {
            let text = STANDARD.encode(&bytes);
            let text = if padded { text.as_str() } else { text.trim_end_matches('=') };
            let parsed = LogoSource::parse(&format!("data:{media_type};base64,{text}"));
            prop_assert_eq!(parsed, Ok(LogoSource::Inline { bytes, media_type: media_type.to_owned() }));
        }
    }
}
