//! The KV namespace: one record per slug, read by the redirect.
//!
//! Key: the slug itself. Value, version 1: `{"v":1,"id":"link_…","url":"…"}`.
//! The version lets a later format coexist with records already written.

use serde::{Deserialize, Serialize};
use worker::{KvError, KvStore};

use crate::core::redirect::RedirectRecord;
use crate::core::slug::Slug;

/// How long an edge location may serve a record from its cache. KV's
/// minimum; bounds how long a changed or deleted link can keep resolving
/// elsewhere in production (locally there is no such cache).
const CACHE_TTL_SECONDS: u64 = 30;

#[derive(Serialize, Deserialize)]
struct RecordV1 {
    v: u8,
    id: String,
    url: String,
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
    Ok(serde_json::from_str::<RecordV1>(&text)
        .ok()
        .filter(|r| r.v == 1)
        .map(|r| RedirectRecord {
            link_id: r.id,
            url: r.url,
        }))
}

pub async fn put(kv: &KvStore, slug: &Slug, record: &RedirectRecord) -> Result<(), KvError> {
    let value = RecordV1 {
        v: 1,
        id: record.link_id.clone(),
        url: record.url.clone(),
    };
    let text = serde_json::to_string(&value).map_err(KvError::Serialization)?;
    kv.put(slug.as_str(), text)?.execute().await
}

pub async fn delete(kv: &KvStore, slug: &Slug) -> Result<(), KvError> {
    kv.delete(slug.as_str()).await
}
