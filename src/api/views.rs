//! Response bodies in both dialects (DESIGN.md §4.1): where SmartLinks and
//! SMO1 name a field differently, both names are sent.

use serde_json::{json, Map, Value};

use crate::core::account::Account;
use crate::core::apikey::NewKey;
use crate::core::destination::DestinationUrl;
use crate::core::ids::KeyId;
use crate::core::link::Link;
use crate::core::options::{Options, Tag};
use crate::core::plan::Limits;
use crate::core::ratelimit::WindowStatus;
use crate::core::time::{UnixMillis, MILLIS_PER_SECOND};
use crate::shell::config::ShortBase;
use crate::store::accounts::Usage;
use crate::store::invitations::Invitation;
use crate::store::keys::StoredKey;
use crate::store::members::Member;
use crate::store::sessions::ActiveSession;

pub fn link(link: &Link, base: &ShortBase) -> Value {
    let short_url = base.short_url(link.slug.as_str());
    let created = link.created_at.to_rfc3339();
    let updated = link.updated_at.to_rfc3339();
    let mut view = json!({
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
        "version": link.version,
    });
    if let Value::Object(fields) = &mut view {
        fields.extend(link_options(&link.options));
    }
    view
}

/// The smart-link options, in both spellings; the password only as
/// `hasPassword`, never the hash.
fn link_options(o: &Options) -> Map<String, Value> {
    let expires_at = o.expires_at.map(UnixMillis::to_rfc3339);
    let expired_url = o.expired_url.as_ref().map(DestinationUrl::as_str);
    let has_password = o.password.is_some();
    let redirect_type = o.redirect_type.status();
    let utm = (!o.utm.is_empty()).then(|| o.utm.to_map());
    let tags: Vec<&str> = o.tags.iter().map(Tag::as_str).collect();
    let geo = (!o.geo.is_empty()).then(|| o.geo.to_map());
    let test_variants = (!o.test_variants.is_empty()).then(|| {
        o.test_variants
            .variants()
            .iter()
            .map(|v| json!({ "url": v.url.as_str(), "percentage": v.percentage }))
            .collect::<Vec<_>>()
    });
    let og = o.og.as_ref().map(|og| {
        json!({
            "title": og.title,
            "description": og.description,
            "image": og.image.as_ref().map(DestinationUrl::as_str),
        })
    });
    let view = json!({
        "ios": o.ios.as_ref().map(DestinationUrl::as_str),
        "android": o.android.as_ref().map(DestinationUrl::as_str),
        "expiresAt": expires_at,
        "expires_at": expires_at,
        "expiredUrl": expired_url,
        "expired_url": expired_url,
        "maxClicks": o.max_clicks,
        "max_clicks": o.max_clicks,
        "hasPassword": has_password,
        "has_password": has_password,
        "redirectType": redirect_type,
        "redirect_type": redirect_type,
        "forwardQuery": o.forward_query,
        "forward_query": o.forward_query,
        "utm": utm,
        "tags": tags,
        "disabled": o.disabled,
        "geo": geo,
        "testVariants": test_variants,
        "test_variants": test_variants,
        "og": og,
    });
    match view {
        Value::Object(map) => map,
        _ => Map::new(),
    }
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
        "state": account.state.as_str(),
        "limits": limits(&account.plan.limits(&account.overrides)),
        "createdAt": account.created_at.to_rfc3339(),
    })
}

/// An account as the operator sees it: with how many links and active
/// keys it has.
pub fn admin_account(account: &Account, usage: &Usage) -> Value {
    let mut view = self::account(account);
    if let Some(fields) = view.as_object_mut() {
        fields.insert(
            "usage".into(),
            json!({ "links": usage.links, "apiKeys": usage.keys }),
        );
    }
    view
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
/// the request (none for the dashboard's session).
pub fn key(key: &StoredKey, current_key_id: Option<&KeyId>) -> Value {
    json!({
        "id": key.id,
        "name": key.name,
        "prefix": key.prefix,
        "scopes": key.scopes.names(),
        "active": key.revoked_at.is_none(),
        "current": current_key_id == Some(&key.id),
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

/// A member of an account: never their password hash.
pub fn member(member: &Member) -> Value {
    json!({
        "id": member.id,
        "email": member.email.as_str(),
        "role": member.role.as_str(),
        "createdAt": member.created_at.to_rfc3339(),
    })
}

/// The signed-in person (`GET /v1/auth/session`, and the answer to signing
/// up or in): who, in which account, until when, and the CSRF token their
/// writes must carry.
pub fn session(s: &ActiveSession, csrf_token: &str) -> Value {
    json!({
        "member": {
            "id": s.member_id,
            "email": s.email.as_str(),
            "role": s.role.as_str(),
            "createdAt": s.member_created_at.to_rfc3339(),
        },
        "account": { "id": s.account_id, "name": s.account_name, "plan": s.plan.as_str() },
        "session": {
            "id": s.id,
            "createdAt": s.created_at.to_rfc3339(),
            "expiresAt": s.expires_at.to_rfc3339(),
        },
        "csrfToken": csrf_token,
    })
}

/// A pending invitation, without its token.
pub fn invitation(invitation: &Invitation) -> Value {
    json!({
        "id": invitation.id,
        "email": invitation.email.as_str(),
        "role": invitation.role.as_str(),
        "accountName": invitation.account_name,
        "createdAt": invitation.created_at.to_rfc3339(),
        "expiresAt": invitation.expires_at.to_rfc3339(),
    })
}
