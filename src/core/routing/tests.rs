use super::*;
use crate::core::destination::ShortHosts;
use serde_json::json;

fn short() -> ShortHosts {
    ShortHosts::of(["smart.link"])
}

fn err<T: std::fmt::Debug>(result: Result<T, Invalid>) -> (String, String) {
    let e = result.unwrap_err();
    (e.field, e.message)
}

#[test]
fn country_codes_are_assigned_iso_codes_in_either_case() {
    assert_eq!(CountryCode::parse("us").unwrap().as_str(), "US");
    assert_eq!(CountryCode::parse("De").unwrap().as_str(), "DE");
    assert_eq!(CountryCode::parse("XK").unwrap().as_str(), "XK");
    for bad in ["", "U", "USA", "XX", "T1", "ZZ", "UK", "1A", "é"] {
        assert_eq!(CountryCode::parse(bad), None, "{bad}");
    }
}

#[test]
fn geo_targets_are_read_and_kept_by_country() {
    let geo = GeoTargets::parse(
        "geo",
        json!({"us": "https://example.com/us", "DE": "https://example.com/de"}),
        &short(),
    )
    .unwrap();
    let us = CountryCode::parse("US").unwrap();
    assert_eq!(geo.get(us).unwrap().as_str(), "https://example.com/us");
    assert_eq!(
        Value::Object(geo.to_map()),
        json!({"DE": "https://example.com/de", "US": "https://example.com/us"})
    );
    assert_eq!(GeoTargets::from_map(&geo.to_map()), geo);
}

#[test]
fn each_bad_geo_target_is_named() {
    let cases = [
        (json!("US"), "geo", "must be an object"),
        (
            json!({"USA": "https://e.com"}),
            "geo.USA",
            "'USA' is not an ISO 3166-1 alpha-2",
        ),
        (
            json!({"ZZ": "https://e.com"}),
            "geo.ZZ",
            "not an ISO 3166-1",
        ),
        (
            json!({"US": "ftp://e.com"}),
            "geo.US",
            "must use http or https",
        ),
        (
            json!({"US": 5}),
            "geo.US",
            "must be a URL string, not a number",
        ),
        (json!({"US": "https://smart.link/x"}), "geo.US", "loop"),
        (
            json!({"US": "https://e.com/1", "us": "https://e.com/2"}),
            "geo.us",
            "repeats the country US",
        ),
    ];
    for (value, field, message) in cases {
        let (f, m) = err(GeoTargets::parse("geo", value.clone(), &short()));
        assert_eq!(f, field, "{value}");
        assert!(m.contains(message), "{value}: {m}");
    }
}

#[test]
fn at_most_fifty_countries() {
    let codes: Vec<&str> = isocountry::CountryCode::as_array()
        .iter()
        .map(isocountry::CountryCode::alpha2)
        .collect();
    let map = |n: usize| -> Value {
        codes
            .iter()
            .take(n)
            .map(|c| ((*c).to_owned(), json!("https://e.com/")))
            .collect::<Map<_, _>>()
            .into()
    };
    assert!(GeoTargets::parse("geo", map(50), &short()).is_ok());
    let (field, message) = err(GeoTargets::parse("geo", map(51), &short()));
    assert_eq!(field, "geo");
    assert!(
        message.contains("at most 50 countries (got 51)"),
        "{message}"
    );
}

fn variants(value: Value) -> Result<TestVariants, Invalid> {
    TestVariants::parse("testVariants", value, &short())
}

#[test]
fn variants_are_read_in_order() {
    let v = variants(json!([
        {"url": "https://e.com/a", "percentage": 30},
        {"url": "https://e.com/b", "percentage": 70}
    ]))
    .unwrap();
    let read: Vec<(&str, u8)> = v
        .variants()
        .iter()
        .map(|v| (v.url.as_str(), v.percentage))
        .collect();
    assert_eq!(read, [("https://e.com/a", 30), ("https://e.com/b", 70)]);
}

#[test]
fn each_bad_variant_list_is_named() {
    let a = json!({"url": "https://e.com/a", "percentage": 50});
    let cases = [
        (json!({}), "testVariants", "must be an array"),
        (json!([a]), "testVariants", "2 to 4 variants (got 1)"),
        (
            json!([a, a, a, a, a]),
            "testVariants",
            "2 to 4 variants (got 5)",
        ),
        (json!([a, "x"]), "testVariants[1]", "must be an object"),
        (
            json!([a, {"percentage": 50}]),
            "testVariants[1].url",
            "is required",
        ),
        (
            json!([a, {"url": "nope", "percentage": 50}]),
            "testVariants[1].url",
            "absolute URL",
        ),
        (
            json!([{"url": "https://e.com/a"}, a]),
            "testVariants[0].percentage",
            "is required",
        ),
        (
            json!([a, {"url": "https://e.com/b", "percentage": 0}]),
            "testVariants[1].percentage",
            "1 to 99 (got 0)",
        ),
        (
            json!([a, {"url": "https://e.com/b", "percentage": 50.5}]),
            "testVariants[1].percentage",
            "whole number",
        ),
        (
            json!([a, {"url": "https://e.com/b", "percentage": "50"}]),
            "testVariants[1].percentage",
            "whole number",
        ),
        (
            json!([a, {"url": "https://e.com/b", "percentage": 50, "weight": 1}]),
            "testVariants[1].weight",
            "not a variant field",
        ),
        (
            json!([a, {"url": "https://e.com/b", "percentage": 40}]),
            "testVariants",
            "add up to exactly 100 (got 90)",
        ),
    ];
    for (value, field, message) in cases {
        let (f, m) = err(variants(value.clone()));
        assert_eq!(f, field, "{value}");
        assert!(m.contains(message), "{value}: {m}");
    }
}

#[test]
fn a_visitor_keeps_their_variant() {
    let v = variants(json!([
        {"url": "https://e.com/a", "percentage": 50},
        {"url": "https://e.com/b", "percentage": 50}
    ]))
    .unwrap();
    for fingerprint in [0, 1, 42, u64::MAX, 0x1234_5678_9abc_def0] {
        let first = v.pick(fingerprint).unwrap().0;
        for _ in 0..3 {
            assert_eq!(v.pick(fingerprint).unwrap().0, first);
        }
    }
}

#[test]
fn visitors_split_by_the_percentages() {
    let v = variants(json!([
        {"url": "https://e.com/a", "percentage": 20},
        {"url": "https://e.com/b", "percentage": 30},
        {"url": "https://e.com/c", "percentage": 50}
    ]))
    .unwrap();
    let mut counts = [0u32; 3];
    // Fingerprints are HMAC outputs; a simple sequence stands in for them
    // because the split mixes the bits first.
    let n = 100_000u64;
    for f in 0..n {
        let (number, _) = v.pick(f.wrapping_mul(0x9e37_79b9_7f4a_7c15)).unwrap();
        counts[usize::from(number - 1)] += 1;
    }
    for (count, expected) in counts.iter().zip([20_000, 30_000, 50_000]) {
        assert!(count.abs_diff(expected) < 1_000, "{counts:?}");
    }
}

#[test]
fn no_test_picks_nothing() {
    assert_eq!(TestVariants::default().pick(7), None);
}

fn og(value: Value) -> Result<SocialPreview, Invalid> {
    SocialPreview::parse("og", value, &short())
}

#[test]
fn a_preview_needs_a_title_and_may_have_a_description_and_image() {
    let p =
        og(json!({"title": "T", "description": "D", "image": "https://i.example/a.png"})).unwrap();
    assert_eq!(
        (
            p.title.as_str(),
            p.description.as_deref(),
            p.image.map(|i| i.as_str().to_owned())
        ),
        ("T", Some("D"), Some("https://i.example/a.png".into()))
    );
    let p = og(json!({"title": "T", "description": null})).unwrap();
    assert_eq!((p.description, p.image), (None, None));
}

#[test]
fn each_bad_preview_field_is_named() {
    let cases = [
        (json!("x"), "og", "must be an object"),
        (json!({}), "og.title", "is required"),
        (
            json!({"title": ""}),
            "og.title",
            "1 to 200 characters (got 0)",
        ),
        (
            json!({"title": "é".repeat(201)}),
            "og.title",
            "1 to 200 characters (got 201)",
        ),
        (
            json!({"title": "a\u{7}b"}),
            "og.title",
            "control characters",
        ),
        (json!({"title": 5}), "og.title", "must be a string"),
        (
            json!({"title": "T", "description": "d".repeat(501)}),
            "og.description",
            "1 to 500",
        ),
        (
            json!({"title": "T", "image": "http://i.example/a.png"}),
            "og.image",
            "must be an https URL",
        ),
        (
            json!({"title": "T", "image": "javascript:alert(1)"}),
            "og.image",
            "http or https",
        ),
        (
            json!({"title": "T", "url": "https://e.com"}),
            "og.url",
            "not a preview field",
        ),
    ];
    for (value, field, message) in cases {
        let (f, m) = err(og(value.clone()));
        assert_eq!(f, field, "{value}");
        assert!(m.contains(message), "{value}: {m}");
    }
    assert!(og(json!({"title": "é".repeat(200), "description": "d".repeat(500)})).is_ok());
}

#[test]
fn targets_read_back_what_they_write() {
    let targets = [
        Target::Default,
        Target::Ios,
        Target::Android,
        Target::Geo(CountryCode::parse("DE").unwrap()),
        Target::Variant(1),
        Target::Variant(4),
        Target::Fallback,
        Target::Preview,
    ];
    let text: Vec<String> = targets.iter().map(Target::to_string).collect();
    assert_eq!(
        text,
        [
            "default",
            "ios",
            "android",
            "geo:DE",
            "variant:1",
            "variant:4",
            "fallback",
            "preview"
        ]
    );
    for (target, text) in targets.iter().zip(&text) {
        assert_eq!(Target::parse(text), Some(*target));
    }
    for bad in ["", "geo:XX", "variant:0", "variant:5", "variant:x", "web"] {
        assert_eq!(Target::parse(bad), None, "{bad}");
    }
}

#[test]
fn targets_serialize_as_text() {
    assert_eq!(
        serde_json::to_value(Target::Variant(2)).unwrap(),
        json!("variant:2")
    );
    assert_eq!(
        serde_json::from_value::<Target>(json!("geo:US"))
            .unwrap()
            .to_string(),
        "geo:US"
    );
    assert!(serde_json::from_value::<Target>(json!("nope")).is_err());
}
