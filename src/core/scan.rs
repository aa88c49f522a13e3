//! The scan marker: a link's QR code encodes its short URL plus `?qr=1`, so
//! analytics can tell a scan from a click. The redirect never forwards the
//! marker to the destination.

use url::form_urlencoded;

/// The query parameter's name.
pub const MARKER_NAME: &str = "qr";
/// Its value in the URL a QR code encodes.
const MARKER_VALUE: &str = "1";

/// The text a link's QR code encodes: its short URL plus the scan marker.
pub fn scan_url(short_url: &str) -> String {
    format!("{short_url}?{MARKER_NAME}={MARKER_VALUE}")
}

/// Whether a visit came from a QR scan: its query string carries `qr=1`.
pub fn is_scan(query: Option<&str>) -> bool {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .any(|(name, value)| name == MARKER_NAME && value == MARKER_VALUE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_url_carries_the_marker() {
        assert_eq!(scan_url("https://s.test/abc"), "https://s.test/abc?qr=1");
    }

    #[test]
    fn only_qr_1_marks_a_scan() {
        assert!(is_scan(Some("qr=1")));
        assert!(is_scan(Some("utm=x&qr=1")));
        assert!(!is_scan(None));
        assert!(!is_scan(Some("qr=0")));
        assert!(!is_scan(Some("qrx=1")));
    }
}
