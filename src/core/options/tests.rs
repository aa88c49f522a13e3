use super::*;
use serde_json::json;

fn read(body: Value) -> Result<OptionsInput, Invalid> {
    let mut fields = Fields::from_body(body)?;
    let input = OptionsInput::read(&mut fields, &ShortHosts::of(["smart.link"]))?;
    fields.finish(ACCEPTED)?;
    Ok(input)
}

/// Stands in for the caller's WebCrypto hash, which core never computes.
fn hashed(input: &OptionsInput) -> Option<PasswordHash> {
    input
        .new_password()
        .map(|p| PasswordHash::from_stored(format!("hash-of:{p}")))
}

fn options(body: Value) -> Options {
    let mut options = Options::default();
    let input = read(body).unwrap();
    let hash = hashed(&input);
    input.apply(&mut options, hash);
    options
}

#[test]
fn defaults_forward_the_query_with_a_302() {
    let o = Options::default();
    assert!(o.forward_query && !o.disabled);
    assert_eq!(o.redirect_type.status(), 302);
}

#[test]
fn camel_case_options_are_read() {
    let o = options(json!({
        "ios": "https://apps.apple.com/app/id1",
        "android": "https://play.google.com/store/apps/details?id=x",
        "expiresAt": "2030-01-01T00:00:00Z",
        "expiredUrl": "https://example.com/over",
        "password": "hunter2",
        "redirectType": 307,
        "forwardQuery": false,
        "utm": {"source": "news", "campaign": "spring"},
        "tags": ["Sale", "q1", "sale"],
        "disabled": true
    }));
    assert_eq!(o.ios.unwrap().as_str(), "https://apps.apple.com/app/id1");
    assert_eq!(
        o.expires_at,
        UnixMillis::parse_rfc3339("2030-01-01T00:00:00Z")
    );
    assert_eq!(o.expired_url.unwrap().as_str(), "https://example.com/over");
    assert_eq!(o.password.unwrap().as_str(), "hash-of:hunter2");
    assert_eq!(o.redirect_type.status(), 307);
    assert!(!o.forward_query && o.disabled);
    assert_eq!(
        o.utm.pairs().collect::<Vec<_>>(),
        [("utm_source", "news"), ("utm_campaign", "spring")]
    );
    let tags: Vec<&str> = o.tags.iter().map(Tag::as_str).collect();
    assert_eq!(tags, ["sale", "q1"]);
}

#[test]
fn snake_case_aliases_are_read() {
    let o = options(json!({
        "expires_at": "2030-01-01T00:00:00+02:00",
        "expired_url": "https://example.com/over",
        "redirect_type": 301,
        "forward_query": false
    }));
    assert_eq!(
        o.expires_at,
        UnixMillis::parse_rfc3339("2029-12-31T22:00:00Z")
    );
    assert_eq!(o.redirect_type.status(), 301);
    assert!(!o.forward_query);
}

#[test]
fn max_clicks_is_read_in_both_spellings_and_cleared_by_null() {
    assert_eq!(options(json!({"maxClicks": 3})).max_clicks, Some(3));
    let mut o = options(json!({"max_clicks": 4_294_967_295u64}));
    assert_eq!(o.max_clicks, Some(u32::MAX));
    read(json!({"maxClicks": null}))
        .unwrap()
        .apply(&mut o, None);
    assert_eq!(o.max_clicks, None);
}

#[test]
fn max_clicks_must_be_a_positive_whole_number() {
    for (body, name) in [
        (json!({"maxClicks": 0}), "maxClicks"),
        (json!({"maxClicks": -1}), "maxClicks"),
        (json!({"maxClicks": 1.5}), "maxClicks"),
        (json!({"maxClicks": 3.0}), "maxClicks"),
        (json!({"max_clicks": "3"}), "max_clicks"),
        (json!({"max_clicks": 4_294_967_296u64}), "max_clicks"),
        (json!({"maxClicks": true}), "maxClicks"),
    ] {
        let err = read(body.clone()).unwrap_err();
        assert_eq!(err.field, name, "{body}");
        assert!(
            err.message.contains("whole number from 1"),
            "{body}: {}",
            err.message
        );
    }
}

#[test]
fn nulls_clear_and_reset() {
    let mut o = options(
        json!({"password": "pw", "redirectType": 308, "tags": ["a"], "utm": {"source": "s"}}),
    );
    read(json!({"password": null, "redirectType": null, "tags": null, "utm": null}))
        .unwrap()
        .apply(&mut o, None);
    assert_eq!(o, Options::default());
}

#[test]
fn absent_options_leave_a_link_unchanged() {
    let before = options(json!({"disabled": true, "tags": ["x"]}));
    let mut after = before.clone();
    read(json!({})).unwrap().apply(&mut after, None);
    assert_eq!(after, before);
}

#[test]
fn each_invalid_option_is_named() {
    let long_password = "p".repeat(129);
    let eleven: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
    let cases = [
        (json!({"expiresAt": "tomorrow"}), "expiresAt", "RFC 3339"),
        (
            json!({"expires_at": "2026-02-30T00:00:00Z"}),
            "expires_at",
            "RFC 3339",
        ),
        (
            json!({"expiresAt": 1700000000}),
            "expiresAt",
            "string or null",
        ),
        (
            json!({"redirectType": 303}),
            "redirectType",
            "301, 302, 307 or 308",
        ),
        (
            json!({"redirect_type": "301"}),
            "redirect_type",
            "301, 302, 307 or 308",
        ),
        (json!({"password": long_password}), "password", "1 to 128"),
        (json!({"password": ""}), "password", "1 to 128"),
        (json!({"tags": eleven}), "tags", "at most 10"),
        (json!({"tags": ["x".repeat(33)]}), "tags[0]", "1 to 32"),
        (
            json!({"tags": ["ok", "no spaces"]}),
            "tags[1]",
            "letters, digits",
        ),
        (json!({"tags": "a"}), "tags", "array"),
        (
            json!({"utm": {"campaing": "x"}}),
            "utm.campaing",
            "not a UTM key",
        ),
        (
            json!({"utm": {"source": 1}}),
            "utm.source",
            "string or null",
        ),
        (json!({"utm": {"source": ""}}), "utm.source", "1 to 256"),
        (json!({"utm": "x"}), "utm", "object"),
        (json!({"ios": "itms://x"}), "ios", "http or https"),
        (json!({"android": "nope"}), "android", "absolute URL"),
        (
            json!({"expiredUrl": "https://smart.link/x"}),
            "expiredUrl",
            "loop",
        ),
        (
            json!({"forwardQuery": "yes"}),
            "forwardQuery",
            "true or false",
        ),
        (json!({"disabled": null}), "disabled", "true or false"),
        (
            json!({"expiresAt": "2030-01-01T00:00:00Z", "expires_at": "2031-01-01T00:00:00Z"}),
            "expires_at",
            "not both",
        ),
    ];
    for (body, field, message) in cases {
        let err = read(body.clone()).unwrap_err();
        assert_eq!(err.field, field, "{body}");
        assert!(err.message.contains(message), "{body}: {}", err.message);
    }
}

#[test]
fn tags_are_checked_and_lowercased() {
    assert_eq!(Tag::parse(" Q1-Sale_x ").unwrap().as_str(), "q1-sale_x");
    assert!(Tag::parse("50%").is_err());
    assert!(Tag::parse("").is_err());
}

#[test]
fn utm_round_trips_through_its_stored_map() {
    let utm = Utm {
        source: Some("a".into()),
        content: Some("b".into()),
        ..Utm::default()
    };
    assert_eq!(Utm::from_map(&utm.to_map()), utm);
    assert!(Utm::default().is_empty() && !utm.is_empty());
}

#[test]
fn routing_options_are_read_in_both_spellings() {
    for name in ["testVariants", "test_variants"] {
        let o = options(json!({
            "geo": {"US": "https://example.com/us"},
            name: [
                {"url": "https://example.com/a", "percentage": 50},
                {"url": "https://example.com/b", "percentage": 50}
            ],
            "og": {"title": "Spring", "image": "https://img.example/a.png"}
        }));
        assert!(!o.geo.is_empty(), "{name}");
        assert_eq!(o.test_variants.variants().len(), 2, "{name}");
        assert_eq!(o.og.unwrap().title, "Spring");
    }
}

#[test]
fn routing_options_are_cleared_by_null() {
    let mut o = options(json!({
        "geo": {"DE": "https://example.com/de"},
        "testVariants": [
            {"url": "https://example.com/a", "percentage": 10},
            {"url": "https://example.com/b", "percentage": 90}
        ],
        "og": {"title": "T"}
    }));
    read(json!({"geo": null, "test_variants": null, "og": null}))
        .unwrap()
        .apply(&mut o, None);
    assert!(o.geo.is_empty() && o.test_variants.is_empty() && o.og.is_none());
}

#[test]
fn absent_routing_options_are_left_alone() {
    let mut o = options(json!({"og": {"title": "T"}, "geo": {"FR": "https://example.com/fr"}}));
    read(json!({"disabled": true})).unwrap().apply(&mut o, None);
    assert!(o.og.is_some() && !o.geo.is_empty());
}

#[test]
fn routing_option_errors_name_the_field_as_sent() {
    let err =
        read(json!({"test_variants": [{"url": "https://e.com", "percentage": 100}]})).unwrap_err();
    assert_eq!(err.field, "test_variants");
    let err = read(json!({"geo": {"U": "https://e.com"}})).unwrap_err();
    assert_eq!(err.field, "geo.U");
    let err = read(json!({"og": {"title": "T", "image": "http://e.com/i.png"}})).unwrap_err();
    assert_eq!(err.field, "og.image");
}
