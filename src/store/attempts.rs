//! Wrong-password counters, one per link per window, in the Cache API of
//! the Cloudflare location serving the visitor.
//!
//! Key: `{origin}/_password-failures/{slug}/{window}` (`_` paths are never
//! slugs). Value: the count as text, cached for one window.
//!
//! Why the cache and not KV or a Durable Object: KV takes one write per
//! key per second and reads lag by up to a minute, so a burst of guesses
//! would outrun it; a Durable Object would be exact but adds a round trip
//! and a binding for a form few links use. The cache is consistent within
//! a location and free, so the limit holds per location: an attacker
//! spreading guesses over N locations gets N × the limit, each guess still
//! paying a full PBKDF2. Read-then-write is not atomic, so concurrent
//! guesses may overshoot by the number in flight. The Cache API does
//! nothing on `*.workers.dev` hostnames: serve smart links from a custom
//! domain for the limit to apply.

use worker::{Cache, Headers, Response, Result};

use crate::core::password::WINDOW_MILLIS;
use crate::core::slug::Slug;

fn key(origin: &str, slug: &Slug, window: i64) -> String {
    format!("{origin}/_password-failures/{slug}/{window}")
}

/// Wrong passwords counted for `slug` in `window`.
pub async fn failures(origin: &str, slug: &Slug, window: i64) -> Result<u32> {
    let Some(mut response) = Cache::default()
        .get(key(origin, slug, window), true)
        .await?
    else {
        return Ok(0);
    };
    Ok(response.text().await?.trim().parse().unwrap_or(0))
}

/// Stores `count` as the window's new total.
pub async fn set_failures(origin: &str, slug: &Slug, window: i64, count: u32) -> Result<()> {
    let headers = Headers::new();
    headers.set(
        "Cache-Control",
        &format!("max-age={}", WINDOW_MILLIS / 1000),
    )?;
    let response = Response::ok(count.to_string())?.with_headers(headers);
    Cache::default()
        .put(key(origin, slug, window), response)
        .await
}
