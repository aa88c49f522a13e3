//! The KV namespace: one record per slug, read by the redirect.
//!
//! Key: the slug itself. Value, version 3, with short names because every
//! redirect reads and parses it, and absent/default options left out:
//!
//! ```text
//! {"v":3,"id":"link_…","u":"https://…",   destination
//!  "i":"https://…", "a":"https://…",      iOS / Android targets
//!  "x":1767225599000, "f":"https://…",    expires at (Unix ms) / fallback after expiry
//!  "c":100,                               click cap (max human clicks)
//!  "p":"pbkdf2-sha256$…",                 password hash
//!  "r":307, "q":false,                    redirect status (302 omitted) / forward query (true omitted)
//!  "m":{"source":"…",…}, "d":true,        UTM / disabled
//!  "g":{"US":"https://…",…},              geo targets
//!  "t":[{"url":"https://…","percentage":50},…],   A/B test variants
//!  "o":{"title":"…","description":"…","image":"https://…"}}  social preview
//! ```
//!
//! `t` and `o` have the shape of D1's `test_variants` and `og` columns
//! (`store::routing`), so one piece of code reads both.
//!
//! Older versions are still read: version 2 (written before geo targets,
//! variants and previews existed) as a link without them, version 1
//! (`{"v":1,"id","url"}`, before smart options) as a link with every option
//! at its default. A build that does not know version 3 reads it as
//! missing and rewrites it from D1 in its own version, so during a rolling
//! deploy a link's newest options may be absent from KV until its next
//! change; D1 keeps them all.
//!
//! Metadata, `{"id":"link_…","v":3}`: the link and its version the record
//! was written from. A key listing returns it, so the reconciliation pass
//! (`sync::reconcile`) compares KV with D1 without reading values. Records
//! written before it existed have none and are rewritten by that pass.
//!
//! Keys starting with `_` are never slugs; none are written today.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use worker::{KvError, KvStore};

use super::record_cache;
use crate::core::ids::LinkId;
use crate::core::options::{RedirectType, Utm};
use crate::core::password::PasswordHash;
use crate::core::redirect::RedirectRecord;
use crate::core::routing::GeoTargets;
use crate::core::slug::Slug;
use crate::core::sync::Published;
use crate::core::time::UnixMillis;
use crate::store::routing::{
    preview_of, stored_preview, stored_variants, variants_of, StoredPreview, StoredVariant,
};

/// How long an edge location may serve a record from its cache. KV's
/// minimum; bounds how long a changed or deleted link can keep resolving
/// elsewhere in production (locally there is no such cache). The isolate's
/// record cache never keeps a record longer (`store::record_cache`).
pub const CACHE_TTL_SECONDS: u64 = 30;

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn yes() -> bool {
    true
}

/// The version this build writes.
const VERSION: u8 = 3;

/// Any version: v1 has `url`, v2 `u` and the options, v3 also `g`, `t`, `o`.
#[derive(Serialize, Deserialize)]
struct Record {
    v: u8,
    id: String,
    #[serde(default, skip_serializing)]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    u: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    i: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    a: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    f: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    c: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    p: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    r: Option<u16>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    q: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    m: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "is_false")]
    d: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    g: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<Vec<StoredVariant>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    o: Option<StoredPreview>,
}

impl Record {
    fn decode(self) -> Option<RedirectRecord> {
        match self.v {
            1 => Some(RedirectRecord::plain(
                LinkId::from_stored(self.id),
                self.url?,
            )),
            // v2 has no `g`, `t` or `o`: they read as absent.
            2 | 3 => Some(RedirectRecord {
                link_id: LinkId::from_stored(self.id),
                url: self.u?,
                ios: self.i,
                android: self.a,
                expires_at: self.x.map(UnixMillis),
                expired_url: self.f,
                max_clicks: self.c,
                password: self.p.map(PasswordHash::from_stored),
                // An unknown status is a record this build did not write:
                // refuse it, so the caller reads D1 instead.
                redirect_type: match self.r {
                    None => RedirectType::default(),
                    Some(status) => RedirectType::from_status(u64::from(status))?,
                },
                forward_query: self.q,
                utm: self.m.as_ref().map(Utm::from_map).unwrap_or_default(),
                disabled: self.d,
                geo: self
                    .g
                    .as_ref()
                    .map(GeoTargets::from_map)
                    .unwrap_or_default(),
                test_variants: variants_of(self.t),
                og: self.o.map(preview_of),
            }),
            _ => None,
        }
    }

    fn encode(record: &RedirectRecord) -> Record {
        let status = record.redirect_type.status();
        Record {
            v: VERSION,
            id: record.link_id.as_str().to_owned(),
            url: None,
            u: Some(record.url.clone()),
            i: record.ios.clone(),
            a: record.android.clone(),
            x: record.expires_at.map(|t| t.0),
            f: record.expired_url.clone(),
            c: record.max_clicks,
            p: record.password.as_ref().map(|p| p.as_str().to_owned()),
            r: (record.redirect_type != RedirectType::default()).then_some(status),
            q: record.forward_query,
            m: (!record.utm.is_empty()).then(|| record.utm.to_map()),
            d: record.disabled,
            g: (!record.geo.is_empty()).then(|| record.geo.to_map()),
            t: stored_variants(&record.test_variants),
            o: record.og.as_ref().map(stored_preview),
        }
    }
}

/// Parses a stored value; `None` for anything this build cannot read.
fn parse(text: &str) -> Option<RedirectRecord> {
    serde_json::from_str::<Record>(text).ok()?.decode()
}

fn serialize(record: &RedirectRecord) -> Result<String, serde_json::Error> {
    serde_json::to_string(&Record::encode(record))
}

/// The record for `slug`, `None` when absent or in a format this build
/// does not know (the caller then falls back to D1 and rewrites it).
pub async fn get(kv: &KvStore, slug: &Slug) -> Result<Option<RedirectRecord>, KvError> {
    let Some(text) = kv
        .get(slug.as_str())
        .cache_ttl(CACHE_TTL_SECONDS)
        .text()
        .await?
    else {
        return Ok(None);
    };
    Ok(parse(&text))
}

/// The listing metadata of a record.
#[derive(Serialize, Deserialize)]
struct Meta {
    id: String,
    v: u64,
}

/// Writes `record`, made from its link at `version`; this isolate's cached
/// copy is forgotten once the write is done (or failed: either way it may
/// be stale).
pub async fn put(
    kv: &KvStore,
    slug: &Slug,
    record: &RedirectRecord,
    version: u64,
) -> Result<(), KvError> {
    let text = serialize(record).map_err(KvError::Serialization)?;
    let meta = Meta {
        id: record.link_id.to_string(),
        v: version,
    };
    let written = kv.put(slug.as_str(), text)?.metadata(meta)?.execute().await;
    record_cache::forget(slug);
    written
}

/// One page of keys: each slug with the link and version its record was
/// written from (`None` when it has no metadata); the cursor of the next
/// page, `None` after the last.
pub async fn list_page(
    kv: &KvStore,
    cursor: Option<String>,
    limit: u64,
) -> Result<(Vec<(String, Option<Published>)>, Option<String>), KvError> {
    let mut request = kv.list().limit(limit);
    if let Some(cursor) = cursor {
        request = request.cursor(cursor);
    }
    let page = request.execute().await?;
    let keys = page
        .keys
        .into_iter()
        .map(|key| {
            let published = key
                .metadata
                .and_then(|m| serde_json::from_value::<Meta>(m).ok())
                .map(|m| Published {
                    link_id: LinkId::from_stored(m.id),
                    version: m.v,
                });
            (key.name, published)
        })
        .collect();
    let next = if page.list_complete {
        None
    } else {
        page.cursor.filter(|c| !c.is_empty())
    };
    Ok((keys, next))
}

/// Deletes the record, and forgets this isolate's cached copy.
pub async fn delete(kv: &KvStore, slug: &Slug) -> Result<(), KvError> {
    let deleted = kv.delete(slug.as_str()).await;
    record_cache::forget(slug);
    deleted
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::core::destination::DestinationUrl;
    use crate::core::routing::{SocialPreview, TestVariants, Variant};
    use serde_json::json;

    fn plain() -> RedirectRecord {
        RedirectRecord::plain(
            LinkId::from_stored("link_a".into()),
            "https://e.com/".into(),
        )
    }

    #[test]
    fn a_plain_record_is_compact() {
        assert_eq!(
            serialize(&plain()).unwrap(),
            r#"{"v":3,"id":"link_a","u":"https://e.com/"}"#
        );
    }

    #[test]
    fn every_option_round_trips() {
        let record = RedirectRecord {
            ios: Some("https://i.example/".into()),
            android: Some("https://a.example/".into()),
            expires_at: Some(UnixMillis(1_767_225_599_000)),
            expired_url: Some("https://over.example/".into()),
            max_clicks: Some(100),
            password: Some(PasswordHash::from_stored("pbkdf2-sha256$1$AA$AA".into())),
            redirect_type: RedirectType::TemporaryRedirect,
            forward_query: false,
            utm: Utm {
                source: Some("news".into()),
                ..Utm::default()
            },
            disabled: true,
            geo: GeoTargets::from_map(
                json!({"US": "https://us.example/", "DE": "https://de.example/"})
                    .as_object()
                    .unwrap(),
            ),
            test_variants: TestVariants::from_stored(vec![
                Variant {
                    url: DestinationUrl::from_stored("https://a.example/".into()),
                    percentage: 30,
                },
                Variant {
                    url: DestinationUrl::from_stored("https://b.example/".into()),
                    percentage: 70,
                },
            ]),
            og: Some(SocialPreview {
                title: "Spring <sale>".into(),
                description: Some("Up to \"50%\" off".into()),
                image: Some(DestinationUrl::from_stored(
                    "https://img.example/a.png".into(),
                )),
            }),
            ..plain()
        };
        let text = serialize(&record).unwrap();
        assert!(text.contains(r#""r":307"#) && text.contains(r#""q":false"#));
        assert!(text.contains(r#""c":100"#));
        assert!(text.contains(r#""g":{"DE":"https://de.example/","US":"https://us.example/"}"#));
        assert!(text.contains(
            r#""t":[{"url":"https://a.example/","percentage":30},{"url":"https://b.example/","percentage":70}]"#
        ));
        assert_eq!(parse(&text), Some(record));
    }

    #[test]
    fn version_2_records_still_read_without_the_routing_options() {
        let v2 = r#"{"v":2,"id":"link_a","u":"https://e.com/","i":"https://i.example/","r":307}"#;
        let record = parse(v2).unwrap();
        assert_eq!(record.ios.as_deref(), Some("https://i.example/"));
        assert_eq!(record.redirect_type, RedirectType::TemporaryRedirect);
        assert!(record.geo.is_empty() && record.test_variants.is_empty() && record.og.is_none());
    }

    #[test]
    fn version_1_records_still_read() {
        assert_eq!(
            parse(r#"{"v":1,"id":"link_a","url":"https://e.com/"}"#),
            Some(plain())
        );
    }

    #[test]
    fn unknown_or_corrupt_records_read_as_missing() {
        for text in [
            "{not json",
            r#"{"v":4,"id":"link_a","u":"https://e.com/"}"#,
            r#"{"v":2,"id":"link_a"}"#,
            r#"{"v":3,"id":"link_a","u":"https://e.com/","t":[{"url":"https://a.example/","percentage":300}]}"#,
            r#"{"v":2,"id":"link_a","u":"https://e.com/","r":303}"#,
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    /// Any JSON value, a few levels deep.
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "(?s).{0,30}".prop_map(Value::String),
            "https://[a-z]{1,8}\\.example/[a-z]{0,5}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z]{1,8}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// A valid record's required fields, overlaid with the record's own keys (and
    /// some others) holding any values, so parsing gets past its first checks.
    fn record_like() -> impl Strategy<Value = String> {
        const KEYS: [&str; 15] = [
            "v", "id", "url", "u", "i", "a", "x", "f", "c", "p", "r", "q", "m", "d", "zz",
        ];
        (
            1u8..=2,
            proptest::collection::btree_map(
                proptest::sample::select(&KEYS[..]),
                json_value(),
                0..8,
            ),
        )
            .prop_map(|(v, fields)| {
                let mut object = Map::new();
                object.insert("v".into(), v.into());
                object.insert("id".into(), "link_a".into());
                object.insert("u".into(), "https://e.com/".into());
                object.insert("url".into(), "https://e.com/".into());
                object.extend(fields.into_iter().map(|(k, v)| (k.to_owned(), v)));
                Value::Object(object).to_string()
            })
    }

    proptest! {
        #[test]
        fn arbitrary_text_reads_as_missing_or_a_record(text in "(?s).{0,300}") {
            let _ = parse(&text);
        }

        #[test]
        fn whatever_parses_writes_back_as_the_same_record(text in record_like()) {
            if let Some(record) = parse(&text) {
                let again = serialize(&record).unwrap();
                prop_assert_eq!(parse(&again), Some(record));
            }
        }
    }
}
