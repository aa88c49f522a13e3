use super::*;
use crate::core::ids::LinkId;

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const PIXEL: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36";
const DESKTOP: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

fn record() -> RedirectRecord {
    RedirectRecord::plain(
        LinkId::from_stored("link_x".into()),
        "https://example.com/page".into(),
    )
}

fn visit(user_agent: &str) -> Visit<'_> {
    Visit {
        user_agent,
        query: None,
        now: UnixMillis(1_000_000),
        password: PasswordProof::NotGiven,
        form_post: false,
        country: None,
        fingerprint: None,
    }
}

fn location(decision: Decision) -> (u16, String) {
    match decision {
        Decision::Redirect {
            status, location, ..
        } => (status, location),
        other => panic!("expected a redirect, got {other:?}"),
    }
}

#[test]
fn a_plain_link_redirects_with_302() {
    assert_eq!(
        location(decide(&record(), &visit(DESKTOP))),
        (302, "https://example.com/page".into())
    );
}

#[test]
fn device_targets_pick_by_platform() {
    let mut r = record();
    r.ios = Some("https://apps.apple.com/app".into());
    r.android = Some("https://play.google.com/app".into());
    assert_eq!(
        location(decide(&r, &visit(IPHONE))).1,
        "https://apps.apple.com/app"
    );
    assert_eq!(
        location(decide(&r, &visit(PIXEL))).1,
        "https://play.google.com/app"
    );
    assert_eq!(
        location(decide(&r, &visit(DESKTOP))).1,
        "https://example.com/page"
    );
    r.ios = None;
    assert_eq!(
        location(decide(&r, &visit(IPHONE))).1,
        "https://example.com/page"
    );
}

#[test]
fn redirect_type_sets_the_status_and_a_form_post_gets_303() {
    let mut r = record();
    r.redirect_type = RedirectType::PermanentRedirect;
    assert_eq!(location(decide(&r, &visit(DESKTOP))).0, 308);
    let post = Visit {
        form_post: true,
        ..visit(DESKTOP)
    };
    assert_eq!(location(decide(&r, &post)).0, 303);
}

#[test]
fn expiry_gives_410_or_the_fallback() {
    let mut r = record();
    r.expires_at = Some(UnixMillis(1_000_000));
    let before = Visit {
        now: UnixMillis(999_999),
        ..visit(DESKTOP)
    };
    assert_eq!(location(decide(&r, &before)).0, 302);
    assert_eq!(
        decide(&r, &visit(DESKTOP)),
        Decision::Gone(GoneReason::Expired)
    );
    r.expired_url = Some("https://example.com/over".into());
    r.redirect_type = RedirectType::MovedPermanently;
    assert_eq!(
        location(decide(&r, &visit(DESKTOP))),
        (302, "https://example.com/over".into())
    );
}

#[test]
fn disabled_wins_over_everything() {
    let mut r = record();
    r.disabled = true;
    r.expires_at = Some(UnixMillis(0));
    r.expired_url = Some("https://example.com/over".into());
    assert_eq!(
        decide(&r, &visit(DESKTOP)),
        Decision::Gone(GoneReason::Disabled)
    );
}

#[test]
fn a_password_is_asked_before_any_target_and_expiry_comes_first() {
    let mut r = record();
    r.password = Some(PasswordHash::from_stored("pbkdf2-sha256$1$AA$AA".into()));
    r.ios = Some("https://apps.apple.com/app".into());
    assert_eq!(
        decide(&r, &visit(IPHONE)),
        Decision::PasswordRequired { wrong: false }
    );
    let wrong = Visit {
        password: PasswordProof::Wrong,
        ..visit(IPHONE)
    };
    assert_eq!(
        decide(&r, &wrong),
        Decision::PasswordRequired { wrong: true }
    );
    let right = Visit {
        password: PasswordProof::Correct,
        form_post: true,
        ..visit(IPHONE)
    };
    assert_eq!(
        location(decide(&r, &right)),
        (303, "https://apps.apple.com/app".into())
    );
    r.expires_at = Some(UnixMillis(0));
    assert_eq!(
        decide(&r, &visit(IPHONE)),
        Decision::Gone(GoneReason::Expired)
    );
}

#[test]
fn the_visitors_query_is_forwarded_unless_turned_off() {
    let mut r = record();
    let v = Visit {
        query: Some("ref=tw&qr=1"),
        ..visit(DESKTOP)
    };
    assert_eq!(
        location(decide(&r, &v)).1,
        "https://example.com/page?ref=tw"
    );
    r.forward_query = false;
    assert_eq!(location(decide(&r, &v)).1, "https://example.com/page");
}

#[test]
fn the_links_parameters_win_over_the_visitors() {
    let utm = Utm {
        source: Some("news letter".into()),
        medium: Some("email".into()),
        ..Utm::default()
    };
    let merged = merge_query(
        "https://e.com/p?a=1&utm_source=old&b=%20x#top",
        &utm,
        Some("utm_medium=social&a=2&a=3&qr=1"),
    );
    assert_eq!(
        merged,
        "https://e.com/p?a=1&b=%20x&utm_source=news+letter&utm_medium=email#top"
    );
}

#[test]
fn the_visitor_adds_only_names_the_link_lacks() {
    let merged = merge_query(
        "https://shop.example/p?next=/cart&aff=owner",
        &Utm::default(),
        Some("next=https://evil.example&aff=thief&utm_source=x&ref=tw"),
    );
    assert_eq!(
        merged,
        "https://shop.example/p?next=/cart&aff=owner&utm_source=x&ref=tw"
    );
}

#[test]
fn nothing_to_merge_leaves_the_destination_untouched() {
    let d = "https://e.com/p?x=%7E#f";
    assert_eq!(merge_query(d, &Utm::default(), None), d);
    assert_eq!(merge_query(d, &Utm::default(), Some("qr=1")), d);
    assert_eq!(merge_query(d, &Utm::default(), Some("")), d);
}

#[test]
fn utm_alone_is_appended() {
    let utm = Utm {
        campaign: Some("spring".into()),
        ..Utm::default()
    };
    assert_eq!(
        merge_query("https://e.com/", &utm, None),
        "https://e.com/?utm_campaign=spring"
    );
}

#[test]
fn a_reached_cap_behaves_as_expiry() {
    let mut r = record();
    assert_eq!(cap_reached(&r), Decision::Gone(GoneReason::CapReached));
    r.expired_url = Some("https://example.com/over".into());
    assert_eq!(
        location(cap_reached(&r)),
        (302, "https://example.com/over".into())
    );
}

#[test]
fn only_a_capped_unexpired_link_is_checked() {
    let mut r = record();
    let now = UnixMillis(1_000_000);
    assert_eq!(cap_to_check(&r, now), None);
    r.max_clicks = Some(3);
    assert_eq!(cap_to_check(&r, now), Some(3));
    r.expires_at = Some(now);
    assert_eq!(cap_to_check(&r, now), None);
}

#[test]
fn the_cap_admits_exactly_cap_clicks() {
    assert!(within_cap(0, 1));
    assert!(!within_cap(1, 1));
    assert!(within_cap(2, 3));
    assert!(!within_cap(3, 3));
    assert!(!within_cap(7, 3));
    assert!(within_cap(i64::from(u32::MAX) - 1, u32::MAX));
}
