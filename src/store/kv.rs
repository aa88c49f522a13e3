//! The KV namespace: one record per slug, read by the redirect.
//!
//! Key: the slug itself. Value, version 2, with short names because every
//! redirect reads and parses it, and absent/default options left out:
//!
//! ```text
//! {"v":2,"id":"link_…","u":"https://…",   destination
//!  "i":"https://…", "a":"https://…",      iOS / Android targets
//!  "x":1767225599000, "f":"https://…",    expires at (Unix ms) / fallback after expiry
//!  "c":100,                               click cap (max human clicks)
//!  "p":"pbkdf2-sha256$…",                 password hash
//!  "r":307, "q":false,                    redirect status (302 omitted) / forward query (true omitted)
//!  "m":{"source":"…",…}, "d":true}        UTM / disabled
//! ```
//!
//! Version 1
//! (`{"v":1,"id","url"}`, written before smart options existed) is still
//! read, as a link with every option at its default.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use worker::{KvError, KvStore};

use super::record_cache;
use crate::core::ids::LinkId;
use crate::core::options::{RedirectType, Utm};
use crate::core::password::PasswordHash;
use crate::core::redirect::RedirectRecord;
use crate::core::slug::Slug;
use crate::core::time::UnixMillis;

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

/// Either version: v1 has `url`, v2 has `u` and the options.
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
}

impl Record {
    fn decode(self) -> Option<RedirectRecord> {
        match self.v {
            1 => Some(RedirectRecord::plain(
                LinkId::from_stored(self.id),
                self.url?,
            )),
            2 => Some(RedirectRecord {
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
            }),
            _ => None,
        }
    }

    fn encode(record: &RedirectRecord) -> Record {
        let status = record.redirect_type.status();
        Record {
            v: 2,
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

/// Writes the record; this isolate's cached copy is forgotten once the
/// write is done (or failed: either way it may be stale).
pub async fn put(kv: &KvStore, slug: &Slug, record: &RedirectRecord) -> Result<(), KvError> {
    let text = serialize(record).map_err(KvError::Serialization)?;
    let written = kv.put(slug.as_str(), text)?.execute().await;
    record_cache::forget(slug);
    written
}

/// Deletes the record, and forgets this isolate's cached copy.
pub async fn delete(kv: &KvStore, slug: &Slug) -> Result<(), KvError> {
    let deleted = kv.delete(slug.as_str()).await;
    record_cache::forget(slug);
    deleted
}

#[cfg(test)]
mod tests {
    use super::*;

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
            r#"{"v":2,"id":"link_a","u":"https://e.com/"}"#
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
            ..plain()
        };
        let text = serialize(&record).unwrap();
        assert!(text.contains(r#""r":307"#) && text.contains(r#""q":false"#));
        assert!(text.contains(r#""c":100"#));
        assert_eq!(parse(&text), Some(record));
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
            r#"{"v":3,"id":"link_a","u":"https://e.com/"}"#,
            r#"{"v":2,"id":"link_a"}"#,
            r#"{"v":2,"id":"link_a","u":"https://e.com/","r":303}"#,
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
