//! The decision table of smart routing (DESIGN.md §3 step 3): social
//! preview for unfurlers, device target, geo target, A/B variant,
//! destination; each row a visitor and what they are served.

use super::*;
use crate::core::destination::DestinationUrl;
use crate::core::ids::LinkId;
use crate::core::routing::Variant;
use serde_json::json;

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const PIXEL: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36";
const DESKTOP: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
const SLACK: &str = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";
const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

fn url(text: &str) -> DestinationUrl {
    DestinationUrl::from_stored(text.into())
}

fn preview() -> SocialPreview {
    SocialPreview {
        title: "Spring sale".into(),
        description: None,
        image: None,
    }
}

/// A link with every routing option: device targets, geo targets for US
/// and DE, a 50/50 test, and a social preview.
fn everything() -> RedirectRecord {
    let mut r = RedirectRecord::plain(
        LinkId::from_stored("link_x".into()),
        "https://example.com/page".into(),
    );
    r.ios = Some("https://apps.apple.com/app".into());
    r.android = Some("https://play.google.com/app".into());
    r.geo = GeoTargets::from_map(
        json!({"US": "https://example.com/us", "DE": "https://example.com/de"})
            .as_object()
            .unwrap(),
    );
    r.test_variants = TestVariants::from_stored(vec![
        Variant {
            url: url("https://example.com/a"),
            percentage: 50,
        },
        Variant {
            url: url("https://example.com/b"),
            percentage: 50,
        },
    ]);
    r.og = Some(preview());
    r
}

fn visit<'a>(user_agent: &'a str, country: Option<&'a str>, fingerprint: Option<u64>) -> Visit<'a> {
    Visit {
        user_agent,
        query: None,
        now: UnixMillis(1_000_000),
        password: PasswordProof::NotGiven,
        form_post: false,
        country,
        fingerprint,
    }
}

/// A fingerprint that the 50/50 test sends to variant `n`.
fn fingerprint_for(variants: &TestVariants, n: u8) -> u64 {
    (0..)
        .find(|&f| variants.pick(f).map(|(v, _)| v) == Some(n))
        .unwrap()
}

fn served(decision: Decision) -> (Target, String) {
    match decision {
        Decision::Redirect {
            target, location, ..
        } => (target, location),
        Decision::Preview { location, .. } => (Target::Preview, location),
        other => panic!("expected a redirect or preview, got {other:?}"),
    }
}

/// User-Agent, country, fingerprint → target served, location.
type Row<'a> = (&'a str, Option<&'a str>, Option<u64>, Target, &'a str);

#[test]
fn the_decision_table_follows_the_documented_order() {
    let r = everything();
    let to_a = fingerprint_for(&r.test_variants, 1);
    let to_b = fingerprint_for(&r.test_variants, 2);
    let us = Target::Geo(CountryCode::parse("US").unwrap());
    let rows: [Row; 9] = [
        // An unfurler gets the preview whatever else applies.
        (
            SLACK,
            Some("US"),
            Some(to_a),
            Target::Preview,
            "https://example.com/us",
        ),
        // Device targets come before geo and variants.
        (
            IPHONE,
            Some("US"),
            Some(to_a),
            Target::Ios,
            "https://apps.apple.com/app",
        ),
        (
            PIXEL,
            Some("DE"),
            Some(to_b),
            Target::Android,
            "https://play.google.com/app",
        ),
        // Geo before the test.
        (
            DESKTOP,
            Some("US"),
            Some(to_b),
            us,
            "https://example.com/us",
        ),
        (
            DESKTOP,
            Some("us"),
            Some(to_b),
            us,
            "https://example.com/us",
        ),
        // A country without a target takes the test.
        (
            DESKTOP,
            Some("FR"),
            Some(to_a),
            Target::Variant(1),
            "https://example.com/a",
        ),
        (
            DESKTOP,
            Some("XX"),
            Some(to_b),
            Target::Variant(2),
            "https://example.com/b",
        ),
        // A crawler that is no unfurler is routed like anyone.
        (
            GOOGLEBOT,
            None,
            Some(to_b),
            Target::Variant(2),
            "https://example.com/b",
        ),
        // No fingerprint (the shell could not compute one): the destination.
        (
            DESKTOP,
            None,
            None,
            Target::Default,
            "https://example.com/page",
        ),
    ];
    for (ua, country, fingerprint, target, location) in rows {
        assert_eq!(
            served(decide(&r, &visit(ua, country, fingerprint))),
            (target, location.to_owned()),
            "{ua} from {country:?}"
        );
    }
}

#[test]
fn a_device_without_its_target_falls_through_to_geo() {
    let mut r = everything();
    r.ios = None;
    let (target, location) = served(decide(&r, &visit(IPHONE, Some("DE"), None)));
    assert_eq!(target.to_string(), "geo:DE");
    assert_eq!(location, "https://example.com/de");
}

#[test]
fn without_og_an_unfurler_is_redirected_as_before() {
    let mut r = everything();
    r.og = None;
    let (target, location) = served(decide(&r, &visit(SLACK, Some("DE"), None)));
    assert_eq!(
        (target.to_string(), location.as_str()),
        ("geo:DE".into(), "https://example.com/de")
    );
}

#[test]
fn the_preview_comes_after_disabled_expiry_and_password() {
    let mut r = everything();
    r.password = Some(PasswordHash::from_stored("pbkdf2-sha256$1$AA$AA".into()));
    assert_eq!(
        decide(&r, &visit(SLACK, None, None)),
        Decision::PasswordRequired { wrong: false }
    );
    r.password = None;
    r.expires_at = Some(UnixMillis(0));
    assert_eq!(
        decide(&r, &visit(SLACK, None, None)),
        Decision::Gone(GoneReason::Expired)
    );
}

#[test]
fn the_preview_carries_the_link_preview_and_where_the_redirect_would_go() {
    let mut r = everything();
    r.utm.source = Some("social".into());
    assert_eq!(
        decide(&r, &visit(SLACK, None, None)),
        Decision::Preview {
            preview: preview(),
            location: "https://example.com/page?utm_source=social".into(),
        }
    );
}

#[test]
fn utm_and_the_visitors_query_apply_to_whichever_target_is_served() {
    let mut r = everything();
    r.utm.campaign = Some("spring".into());
    let v = Visit {
        query: Some("ref=x"),
        ..visit(DESKTOP, Some("DE"), None)
    };
    assert_eq!(
        served(decide(&r, &v)).1,
        "https://example.com/de?utm_campaign=spring&ref=x"
    );
}

#[test]
fn a_fallback_redirect_is_served_as_the_fallback() {
    let mut r = everything();
    r.expires_at = Some(UnixMillis(0));
    r.expired_url = Some("https://example.com/over".into());
    assert_eq!(
        served(decide(&r, &visit(DESKTOP, Some("US"), Some(1)))),
        (Target::Fallback, "https://example.com/over".into())
    );
}
