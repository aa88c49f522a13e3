//! Link bodies and references: ids and slugs in paths, both dialects' create
//! bodies, each invalid field named, and patches with their versions.

use super::*;
use crate::core::random::ID_ENTROPY;

#[test]
fn a_link_prefix_names_an_id_and_anything_else_a_slug() {
    let id = LinkId::mint(&[3u8; ID_ENTROPY]);
    assert_eq!(LinkRef::parse(id.as_str()), Some(LinkRef::Id(id)));
    assert!(
        matches!(LinkRef::parse("summer-sale"), Some(LinkRef::Slug(s)) if s.as_str() == "summer-sale")
    );
    assert_eq!(LinkRef::parse("link_short"), None);
    assert_eq!(LinkRef::parse("no/slash"), None);
}

#[test]
fn a_reserved_word_still_names_the_link_that_took_it_before() {
    assert!(matches!(LinkRef::parse("admin"), Some(LinkRef::Slug(s)) if s.as_str() == "admin"));
}

use serde_json::json;

fn short() -> ShortHosts {
    ShortHosts::of(["smart.link"])
}

fn create(body: Value) -> Result<NewLink, Invalid> {
    NewLink::from_body(body, &short())
}

#[test]
fn smartlinks_seed_body_is_accepted() {
    let link = create(json!({
        "url": "https://example.com/product/123",
        "shortCode": "custom-code",
        "title": "My Product Link",
        "metadata": { "campaign": "summer-sale" }
    }))
    .unwrap();
    assert_eq!(link.url.as_str(), "https://example.com/product/123");
    assert_eq!(link.slug.unwrap().as_str(), "custom-code");
    assert_eq!(link.title.as_deref(), Some("My Product Link"));
    assert_eq!(link.metadata.unwrap()["campaign"], "summer-sale");
}

#[test]
fn smo1_seed_body_is_accepted() {
    let link = create(json!({
        "url": "https://example.com/very-long-url",
        "slug": "my-custom-slug",
        "title": "My Link"
    }))
    .unwrap();
    assert_eq!(link.slug.unwrap().as_str(), "my-custom-slug");
}

#[test]
fn each_invalid_field_is_named() {
    let cases = [
        (json!({}), "url", "`url` is required"),
        (
            json!({"url": 5}),
            "url",
            "`url` must be a string, not a number",
        ),
        (
            json!({"url": "nope"}),
            "url",
            "`url` must be an absolute URL",
        ),
        (
            json!({"url": "https://e.com", "slug": "a b"}),
            "slug",
            "`slug` may contain only",
        ),
        (
            json!({"url": "https://e.com", "shortCode": "v1"}),
            "shortCode",
            "reserved",
        ),
        (
            json!({"url": "https://e.com", "title": "x".repeat(513)}),
            "title",
            "at most 512",
        ),
        (
            json!({"url": "https://e.com", "title": []}),
            "title",
            "string or null",
        ),
        (
            json!({"url": "https://e.com", "metadata": "x"}),
            "metadata",
            "JSON object",
        ),
        (
            json!({"url": "https://e.com", "metadata": {"k": "x".repeat(4100)}}),
            "metadata",
            "at most 4096 bytes",
        ),
        (
            json!({"url": "https://e.com", "shortcode": "x"}),
            "shortcode",
            "unknown field",
        ),
        (
            json!({"url": "https://good.com@evil.com/"}),
            "url",
            "user name or password",
        ),
        (
            json!({"url": "https://e.com", "title": "Invoice \u{202E}fdp.exe"}),
            "title",
            "bidirectional control",
        ),
        (
            json!({"url": "https://e.com", "metadata": {"a": {"b": ["ok", "x\u{2066}"]}}}),
            "metadata.a.b.1",
            "bidirectional control",
        ),
        (
            json!({"url": "https://e.com", "metadata": {"\u{200F}k": 1}}),
            "metadata.\u{200F}k",
            "bidirectional control",
        ),
    ];
    for (body, field, message) in cases {
        let err = create(body.clone()).unwrap_err();
        assert_eq!(err.field, field, "{body}");
        assert!(err.message.contains(message), "{body}: {}", err.message);
    }
}

#[test]
fn patch_distinguishes_absent_from_null() {
    let patch = LinkPatch::from_body(json!({"title": null}), &short()).unwrap();
    assert_eq!(patch.title, Some(None));
    assert_eq!(patch.metadata, None);
    assert_eq!(patch.url, None);
}

#[test]
fn patch_reads_the_version_and_if_match() {
    let patch = LinkPatch::from_body(json!({"version": 3}), &short()).unwrap();
    assert_eq!(patch.version, Some(3));
    assert_eq!(patch.expected_version(None), Ok(Some(3)));
    assert_eq!(patch.expected_version(Some("\"3\"")), Ok(Some(3)));
    assert_eq!(patch.expected_version(Some("W/\"3\"")), Ok(Some(3)));
    assert_eq!(
        patch.expected_version(Some("\"4\"")).unwrap_err().field,
        "version"
    );
    let bare = LinkPatch::from_body(json!({}), &short()).unwrap();
    assert_eq!(bare.expected_version(None), Ok(None));
    assert_eq!(bare.expected_version(Some("*")), Ok(None));
    assert_eq!(bare.expected_version(Some(" \"7\" ")), Ok(Some(7)));
    for bad in ["3", "\"x\"", "\"0\"", "\"-1\""] {
        assert_eq!(
            bare.expected_version(Some(bad)).unwrap_err().field,
            "If-Match",
            "{bad}"
        );
    }
    for bad in [
        json!({"version": 0}),
        json!({"version": "3"}),
        json!({"version": 1.5}),
    ] {
        assert_eq!(
            LinkPatch::from_body(bad.clone(), &short())
                .unwrap_err()
                .field,
            "version",
            "{bad}"
        );
    }
    // Creating takes no version.
    assert_eq!(
        create(json!({"url": "https://e.com", "version": 1}))
            .unwrap_err()
            .field,
        "version"
    );
}

#[test]
fn patch_rejects_a_null_url() {
    let err = LinkPatch::from_body(json!({"url": null}), &short()).unwrap_err();
    assert_eq!(err.message, "`url` must be a string, not null");
}

/// A stored link whose slug is `slug`, however it was taken.
fn stored(slug: &str) -> Link {
    let entropy = LinkEntropy {
        id: [2; ID_ENTROPY],
        slugs: [[5; GENERATED_ENTROPY]; GENERATED_SLUG_TRIES],
    };
    let minted = create(json!({"url": "https://e.com/a"}))
        .unwrap()
        .mint(
            AccountId::mint(&[1; ID_ENTROPY]),
            UnixMillis(1),
            &entropy,
            None,
        )
        .unwrap();
    Link {
        slug: Slug::from_stored(slug.to_owned()),
        ..minted.link
    }
}

fn patch(body: Value) -> LinkPatch {
    LinkPatch::from_body(body, &short()).unwrap()
}

#[test]
fn a_patch_may_send_back_the_reserved_slug_its_link_already_has() {
    let after = patch(json!({"slug": "admin", "title": "Kept"}))
        .apply(stored("admin"), UnixMillis(2), None)
        .unwrap();
    assert_eq!(after.slug.as_str(), "admin");
    assert_eq!(after.title.as_deref(), Some("Kept"));
    assert_eq!(after.version, 2);
}

#[test]
fn a_patch_may_not_rename_a_link_onto_a_reserved_word() {
    let err = patch(json!({"shortCode": "admin"}))
        .apply(stored("summer"), UnixMillis(2), None)
        .unwrap_err();
    assert_eq!(
        err,
        Invalid::new(
            "shortCode",
            "`shortCode` 'admin' is reserved; choose another"
        )
    );
}

#[test]
fn a_patch_renames_onto_a_free_slug() {
    let after = patch(json!({"slug": "winter"}))
        .apply(stored("summer"), UnixMillis(2), None)
        .unwrap();
    assert_eq!(after.slug.as_str(), "winter");
}

#[test]
fn a_patch_slug_that_breaks_the_lookup_rules_is_refused_when_read() {
    let err = LinkPatch::from_body(json!({"slug": "a b"}), &short()).unwrap_err();
    assert_eq!(err.field, "slug");
    assert_eq!(
        err.message,
        "`slug` may contain only letters, digits, '-' and '_'"
    );
}
