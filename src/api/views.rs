//! Response bodies in both dialects (DESIGN.md §4.1): where SmartLinks and
//! SMO1 name a field differently, both names are sent.

use serde_json::{json, Value};

use crate::config::ShortBase;
use crate::core::account::Account;
use crate::core::link::Link;
use crate::core::plan::Limits;
use crate::core::ratelimit::WindowStatus;
use crate::core::time::{UnixMillis, MILLIS_PER_SECOND};
use crate::store::keys::{NewKey, StoredKey};

pub fn link(link: &Link, base: &ShortBase) -> Value {
    let short_url = base.short_url(link.slug.as_str());
    let created = link.created_at.to_rfc3339();
    let updated = link.updated_at.to_rfc3339();
    json!({
        "id": link.id,
        "slug": link.slug.as_str(),
        "shortCode": link.slug.as_str(),
        "shortUrl": short_url,
        "short_url": short_url,
        "url": link.url.as_str(),
        "original_url": link.url.as_str(),
        "title": link.title,
        "metadata": link.metadata,
        "clicks": link.clicks,
        "createdAt": created,
        "created_at": created,
        "updatedAt": updated,
        "updated_at": updated,
    })
}

pub fn limits(limits: &Limits) -> Value {
    json!({
        "perMinute": limits.per_minute,
        "perHour": limits.per_hour,
        "maxLinks": limits.max_links,
        "maxApiKeys": limits.max_api_keys,
    })
}

pub fn account(account: &Account) -> Value {
    json!({
        "id": account.id,
        "name": account.name,
        "plan": account.plan.as_str(),
        "limits": limits(&account.plan.limits(&account.overrides)),
        "createdAt": account.created_at.to_rfc3339(),
    })
}

/// A key as shown once, at creation: the only response carrying the secret.
pub fn new_key(key: &NewKey, secret: &str) -> Value {
    json!({
        "id": key.id,
        "key": secret,
        "name": key.name,
        "prefix": key.prefix,
        "scopes": key.scopes.names(),
        "createdAt": key.created_at.to_rfc3339(),
    })
}

/// A stored key, never with its secret. `current` marks the key making
/// the request.
pub fn key(key: &StoredKey, current_key_id: &str) -> Value {
    json!({
        "id": key.id,
        "name": key.name,
        "prefix": key.prefix,
        "scopes": key.scopes.names(),
        "active": key.revoked_at.is_none(),
        "current": key.id == current_key_id,
        "createdAt": key.created_at.to_rfc3339(),
        "lastUsedAt": key.last_used_at.map(UnixMillis::to_rfc3339),
        "revokedAt": key.revoked_at.map(UnixMillis::to_rfc3339),
    })
}

/// `used` of `max` (`null`: unlimited), and what is left.
pub fn quota(used: u32, max: Option<u32>) -> Value {
    json!({
        "used": used,
        "max": max,
        "remaining": max.map(|m| m.saturating_sub(used)),
    })
}

/// One rate-limit window's standing: `reset` in Unix seconds like
/// `X-RateLimit-Reset`, and as a time.
pub fn window(status: &WindowStatus) -> Value {
    let reset_seconds = status.reset_seconds();
    json!({
        "limit": status.limit,
        "remaining": status.remaining,
        "reset": reset_seconds,
        "resetAt": UnixMillis(reset_seconds * MILLIS_PER_SECOND).to_rfc3339(),
    })
}
