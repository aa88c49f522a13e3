//! QR requests: query options over a saved style, the public query, the body's
//! one target, and the ETag of every input.

use proptest::prelude::*;
use serde_json::json;

use super::*;

fn query(q: &[(&str, &str)]) -> Result<QrRequest, Invalid> {
    QrRequest::from_query(QrOptions::default(), q.iter().copied())
}

#[test]
fn query_options_apply_over_a_saved_style() {
    let saved = QrOptions {
        size: 300,
        dark: Rgba::opaque(0, 0, 0x80),
        ..QrOptions::default()
    };
    let r = QrRequest::from_query(saved, [("margin", "1")]).unwrap();
    assert_eq!(
        (r.options.size, r.options.margin, r.options.dark),
        (300, 1, saved.dark)
    );
}

#[test]
fn the_public_query_takes_only_a_format() {
    let public = |q: &[(&str, &str)]| QrRequest::public_format(q.iter().copied());
    assert_eq!(public(&[]), Ok(Format::Svg));
    assert_eq!(public(&[("format", "PNG")]), Ok(Format::Png));
    for (q, field) in [
        (vec![("logo", "https://example.com/x.png")], "logo"),
        (vec![("size", "2048")], "size"),
        (vec![("dotsColor", "#000")], "dotsColor"),
        (vec![("v", "1")], "v"),
        (vec![("format", "gif")], "format"),
        (vec![("format", "svg"), ("format", "png")], "format"),
    ] {
        assert_eq!(public(&q).unwrap_err().field, field, "{q:?}");
    }
}

#[test]
fn defaults_follow_the_issue() {
    let r = query(&[]).unwrap();
    assert_eq!(r.format, Format::Svg);
    assert_eq!(r.options, QrOptions::default());
    assert_eq!(
        (r.options.size, r.options.margin, r.options.ec),
        (512, 4, EcLevel::M)
    );
    assert!(r.logo.is_none());
}

#[test]
fn query_options_are_read_and_checked() {
    let r = query(&[
        ("size", "300"),
        ("format", "PNG"),
        ("margin", "0"),
        ("errorCorrection", "q"),
        ("dotsColor", "#123"),
        ("backgroundColor", "#ffffff00"),
    ])
    .unwrap();
    assert_eq!(r.format, Format::Png);
    assert_eq!(
        (r.options.size, r.options.margin, r.options.ec),
        (300, 0, EcLevel::Q)
    );
    assert_eq!(r.options.dark, Rgba::opaque(0x11, 0x22, 0x33));
    assert_eq!(r.options.light.a, 0);
    for (q, field) in [
        (vec![("size", "63")], "size"),
        (vec![("size", "99999999999")], "size"),
        (vec![("size", "big")], "size"),
        (vec![("size", "-5")], "size"),
        (vec![("margin", "17")], "margin"),
        (vec![("format", "gif")], "format"),
        (vec![("errorCorrection", "X")], "errorCorrection"),
        (vec![("dotsColor", "red")], "style.dotsColor"),
        (vec![("backgroundColor", "#12")], "style.backgroundColor"),
        (vec![("dotsColor", "#eee")], "style"),
        (vec![("logo", "http://10.0.0.1/x.png")], "style.logo"),
        (vec![("colour", "#000")], "colour"),
        (vec![("size", "100"), ("size", "200")], "size"),
    ] {
        assert_eq!(query(&q).unwrap_err().field, field, "{q:?}");
    }
}

#[test]
fn body_needs_exactly_one_target() {
    let (t, r) = QrRequest::from_body(json!({"linkId": "link_abc", "size": 500, "format": "png",
        "style": {"dotsColor": "#000000", "backgroundColor": "#ffffff", "logo": "https://example.com/logo.png"}}))
    .unwrap();
    assert_eq!(t, Target::LinkId("link_abc".into()));
    assert_eq!((r.options.size, r.format), (500, Format::Png));
    assert!(matches!(r.logo, Some(LogoSource::Remote(_))));
    let (t, _) = QrRequest::from_body(json!({"shortCode": "abc"})).unwrap();
    assert_eq!(t, Target::Slug("abc".into()));
    let (t, _) = QrRequest::from_body(json!({"url": "https://example.com"})).unwrap();
    assert_eq!(t, Target::Url("https://example.com".into()));
    for (body, field) in [
        (json!({}), "linkId"),
        (json!({"linkId": "a", "url": "https://x.y"}), "linkId"),
        (json!({"url": "https://x.y", "size": "500"}), "size"),
        (json!({"url": "https://x.y", "size": 12.5}), "size"),
        (json!({"url": "https://x.y", "style": "red"}), "style"),
        (
            json!({"url": "https://x.y", "style": {"color": "#000"}}),
            "style.color",
        ),
        (json!({"url": "https://x.y", "colour": 1}), "colour"),
        (
            json!({"url": "https://x.y", "style": {"logo": "https://localhost/x.png"}}),
            "style.logo",
        ),
    ] {
        assert_eq!(
            QrRequest::from_body(body.clone()).unwrap_err().field,
            field,
            "{body}"
        );
    }
}

#[test]
fn etag_changes_with_every_input() {
    let r = query(&[]).unwrap();
    let base = r.etag("https://s.test/a?qr=1", None);
    assert_eq!(base, r.etag("https://s.test/a?qr=1", None));
    assert_eq!(base.len(), 34);
    assert_ne!(base, r.etag("https://s.test/b?qr=1", None));
    assert_ne!(base, r.etag("https://s.test/a?qr=1", Some(b"logo")));
    assert_ne!(
        base,
        query(&[("size", "513")])
            .unwrap()
            .etag("https://s.test/a?qr=1", None)
    );
    assert_ne!(
        base,
        query(&[("format", "png")])
            .unwrap()
            .etag("https://s.test/a?qr=1", None)
    );
}

const NAMES: [&str; 8] = [
    "size",
    "format",
    "margin",
    "errorCorrection",
    "dotsColor",
    "backgroundColor",
    "logo",
    "other",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(&NAMES[..]).prop_map(str::to_owned),
        "(?s).{0,10}"
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,5}",
        "#[0-9a-fA-F]{0,9}",
        "(svg|png|L|M|Q|H)",
        "(?s).{0,30}"
    ]
}

proptest! {
    #[test]
    fn arbitrary_query_pairs_are_a_valid_request_or_say_what_to_fix(
        pairs in proptest::collection::vec((name(), value()), 0..6)
    ) {
        match QrRequest::from_query(QrOptions::default(), pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))) {
            Ok(request) => prop_assert_eq!(request.options.validate(), Ok(())),
            Err(invalid) => {
                prop_assert!(!invalid.field.is_empty() || pairs.iter().any(|(n, _)| n.is_empty()));
                prop_assert!(!invalid.message.is_empty());
            }
        }
    }
}
