//! The `links` table, and beside it `link_tags` (one row per tag, in the
//! order sent, indexed by account and tag for the listing's filter) and
//! `link_slugs` (every slug a link has published, so a rename or delete
//! can remove them all from KV; `store::published`).
//!
//! Writes to an existing link are conditional on its `version`: each
//! statement of the write's batch (one transaction) applies only while the
//! row is still at the version the writer read, and the row's own UPDATE,
//! last, moves it one on. A write from a stale read changes nothing.
//!
//! The listing (a page of an account's links, and its tags) is [`listing`].

use serde::Deserialize;
use serde_json::{Map, Value};
use worker::{query, D1Database};

use super::{
    changed, is_unique_violation, published, written, written_within_quota, Result, Written,
};
use crate::core::destination::DestinationUrl;
use crate::core::ids::{AccountId, LinkId};
use crate::core::link::{Link, LinkRef};
use crate::core::options::{Options, RedirectType, Tag, Utm};
use crate::core::password::PasswordHash;
use crate::core::routing::GeoTargets;
use crate::core::slug::Slug;
use crate::core::time::UnixMillis;
use crate::store::routing::{
    preview_of, stored_preview, stored_variants, variants_of, StoredPreview, StoredVariant,
};

mod listing;
pub use listing::{list, tags};

const COLUMNS: &str = "id, account_id, slug, url, title, metadata, clicks, created_at, updated_at, \
     ios, android, expires_at, expired_url, password_hash, redirect_type, forward_query, utm, disabled, \
     max_clicks, geo, test_variants, og, version, (SELECT json_group_array(tag) FROM \
       (SELECT tag FROM link_tags t WHERE t.link_id = links.id ORDER BY position)) AS tags";

/// Replaces nothing: adds the tags of `?1` (a JSON array in `?3`) in order.
const INSERT_TAGS: &str = "INSERT INTO link_tags (link_id, account_id, tag, position) \
     SELECT ?1, ?2, value, key FROM json_each(?3)";
/// [`INSERT_TAGS`] for a link the same batch may not have inserted (quota).
const INSERT_NEW_LINK_TAGS: &str = "INSERT INTO link_tags (link_id, account_id, tag, position) \
     SELECT ?1, ?2, value, key FROM json_each(?3) WHERE EXISTS (SELECT 1 FROM links WHERE id = ?1)";
/// A condition true while link `?1` of account `?2` is still at the
/// version bound as parameter `n`.
pub(super) fn at_version(n: u8) -> String {
    format!("EXISTS (SELECT 1 FROM links WHERE id = ?1 AND account_id = ?2 AND version = ?{n})")
}

#[derive(Deserialize)]
struct Row {
    id: String,
    account_id: String,
    slug: String,
    url: String,
    title: Option<String>,
    metadata: Option<String>,
    clicks: i64,
    created_at: i64,
    updated_at: i64,
    ios: Option<String>,
    android: Option<String>,
    expires_at: Option<i64>,
    expired_url: Option<String>,
    password_hash: Option<String>,
    redirect_type: i64,
    forward_query: i64,
    utm: Option<String>,
    disabled: i64,
    max_clicks: Option<i64>,
    geo: Option<String>,
    test_variants: Option<String>,
    og: Option<String>,
    version: i64,
    tags: String,
}

impl Row {
    fn into_link(self) -> Link {
        Link {
            id: LinkId::from_stored(self.id),
            account_id: AccountId::from_stored(self.account_id),
            slug: Slug::from_stored(self.slug),
            url: DestinationUrl::from_stored(self.url),
            title: self.title,
            // Written by `metadata_text` below, so it parses; a corrupt value
            // reads as no metadata rather than failing the whole listing.
            metadata: self
                .metadata
                .and_then(|m| serde_json::from_str::<Map<String, Value>>(&m).ok()),
            clicks: u64::try_from(self.clicks).unwrap_or(0),
            options: Options {
                ios: self.ios.map(DestinationUrl::from_stored),
                android: self.android.map(DestinationUrl::from_stored),
                expires_at: self.expires_at.map(UnixMillis),
                expired_url: self.expired_url.map(DestinationUrl::from_stored),
                max_clicks: self.max_clicks.and_then(|n| u32::try_from(n).ok()),
                password: self.password_hash.map(PasswordHash::from_stored),
                // Only the four are ever written (a CHECK-free column).
                redirect_type: u64::try_from(self.redirect_type)
                    .ok()
                    .and_then(RedirectType::from_status)
                    .unwrap_or_default(),
                // D1 returns booleans as 0/1.
                forward_query: self.forward_query != 0,
                utm: self
                    .utm
                    .and_then(|u| serde_json::from_str::<Map<String, Value>>(&u).ok())
                    .map(|m| Utm::from_map(&m))
                    .unwrap_or_default(),
                tags: serde_json::from_str::<Vec<String>>(&self.tags)
                    .unwrap_or_default()
                    .into_iter()
                    .map(Tag::from_stored)
                    .collect(),
                disabled: self.disabled != 0,
                // Written by the `*_text` functions below; a corrupt value
                // reads as the option unset.
                geo: self
                    .geo
                    .and_then(|g| serde_json::from_str::<Map<String, Value>>(&g).ok())
                    .map(|m| GeoTargets::from_map(&m))
                    .unwrap_or_default(),
                test_variants: variants_of(
                    self.test_variants
                        .and_then(|t| serde_json::from_str::<Vec<StoredVariant>>(&t).ok()),
                ),
                og: self
                    .og
                    .and_then(|o| serde_json::from_str::<StoredPreview>(&o).ok())
                    .map(preview_of),
            },
            created_at: UnixMillis(self.created_at),
            updated_at: UnixMillis(self.updated_at),
            version: u64::try_from(self.version).unwrap_or(1),
        }
    }
}

/// Outcome of a conditional write to an existing link.
#[derive(Debug, PartialEq, Eq)]
pub enum Updated {
    Done,
    /// The new slug belongs to another link; nothing was written.
    SlugTaken,
    /// The link is no longer at the version read (changed or deleted);
    /// nothing was written.
    Stale,
}

fn metadata_text(link: &Link) -> Option<String> {
    link.metadata
        .as_ref()
        .map(|m| Value::Object(m.clone()).to_string())
}

fn utm_text(link: &Link) -> Option<String> {
    let utm = &link.options.utm;
    (!utm.is_empty()).then(|| Value::Object(utm.to_map()).to_string())
}

fn geo_text(link: &Link) -> Option<String> {
    let geo = &link.options.geo;
    (!geo.is_empty()).then(|| Value::Object(geo.to_map()).to_string())
}

fn test_variants_text(link: &Link) -> Option<String> {
    stored_variants(&link.options.test_variants).and_then(|v| serde_json::to_string(&v).ok())
}

fn og_text(link: &Link) -> Option<String> {
    let og = link.options.og.as_ref()?;
    serde_json::to_string(&stored_preview(og)).ok()
}

fn tags_text(link: &Link) -> String {
    let tags: Vec<&str> = link.options.tags.iter().map(Tag::as_str).collect();
    Value::from(tags).to_string()
}

/// Inserts a new link and its tags in one transaction; `Conflict` when its
/// slug is taken, `QuotaReached` when the account already has `max_links`
/// (`None`: no cap). The count is inside the INSERT, so concurrent
/// creations cannot overshoot the cap; the tags follow only an inserted link.
pub async fn insert(db: &D1Database, link: &Link, max_links: Option<u32>) -> Result<Written> {
    let o = &link.options;
    let statements = vec![
        query!(
            db,
            "INSERT INTO links (id, account_id, slug, url, title, metadata, clicks, created_at, updated_at,
               ios, android, expires_at, expired_url, password_hash, redirect_type, forward_query, utm, disabled,
               max_clicks, geo, test_variants, og)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?19,
               ?20, ?21, ?22
             WHERE ?18 IS NULL OR (SELECT COUNT(*) FROM links WHERE account_id = ?2) < ?18",
            link.id,
            link.account_id,
            link.slug.as_str(),
            link.url.as_str(),
            link.title,
            metadata_text(link),
            link.created_at.0,
            link.updated_at.0,
            o.ios.as_ref().map(DestinationUrl::as_str),
            o.android.as_ref().map(DestinationUrl::as_str),
            o.expires_at.map(|t| t.0),
            o.expired_url.as_ref().map(DestinationUrl::as_str),
            o.password.as_ref().map(PasswordHash::as_str),
            o.redirect_type.status(),
            i32::from(o.forward_query),
            utm_text(link),
            i32::from(o.disabled),
            max_links,
            o.max_clicks,
            geo_text(link),
            test_variants_text(link),
            og_text(link),
        )?,
        query!(db, INSERT_NEW_LINK_TAGS, link.id, link.account_id, tags_text(link))?,
        published::record_new(db, link)?,
    ];
    match db.batch(statements).await {
        Ok(results) => written_within_quota(
            results
                .into_iter()
                .next()
                .ok_or_else(|| worker::Error::RustError("D1 batch returned no result".into())),
        ),
        Err(e) => written(Err::<(), _>(e)),
    }
}

/// Writes every mutable column of an existing link of the same account,
/// replaces its tags and records its slug as published, in one
/// transaction, if the link is still at `expected`; `link.version` is the
/// version it moves to (`expected + 1`).
pub async fn update(db: &D1Database, link: &Link, expected: u64) -> Result<Updated> {
    let o = &link.options;
    let expected = version_param(expected);
    let statements = vec![
        query!(
            db,
            &format!("DELETE FROM link_tags WHERE link_id = ?1 AND {}", at_version(3)),
            link.id,
            link.account_id,
            expected,
        )?,
        query!(
            db,
            &format!("{INSERT_TAGS} WHERE {}", at_version(4)),
            link.id,
            link.account_id,
            tags_text(link),
            expected,
        )?,
        published::record_update(db, link, expected)?,
        query!(
            db,
            "UPDATE links SET slug = ?3, url = ?4, title = ?5, metadata = ?6, updated_at = ?7,
               ios = ?8, android = ?9, expires_at = ?10, expired_url = ?11, password_hash = ?12,
               redirect_type = ?13, forward_query = ?14, utm = ?15, disabled = ?16, max_clicks = ?17,
               geo = ?18, test_variants = ?19, og = ?20, version = ?21 + 1
             WHERE id = ?1 AND account_id = ?2 AND version = ?21",
            link.id,
            link.account_id,
            link.slug.as_str(),
            link.url.as_str(),
            link.title,
            metadata_text(link),
            link.updated_at.0,
            o.ios.as_ref().map(DestinationUrl::as_str),
            o.android.as_ref().map(DestinationUrl::as_str),
            o.expires_at.map(|t| t.0),
            o.expired_url.as_ref().map(DestinationUrl::as_str),
            o.password.as_ref().map(PasswordHash::as_str),
            o.redirect_type.status(),
            i32::from(o.forward_query),
            utm_text(link),
            i32::from(o.disabled),
            o.max_clicks,
            geo_text(link),
            test_variants_text(link),
            og_text(link),
            expected,
        )?,
    ];
    match db.batch(statements).await {
        Ok(results) => Ok(match results.last() {
            Some(result) if changed(result)? => Updated::Done,
            _ => Updated::Stale,
        }),
        Err(e) if is_unique_violation(&e) => Ok(Updated::SlugTaken),
        Err(e) => Err(e.into()),
    }
}

/// A version as a D1 parameter: an integer well inside a JS number.
pub(super) fn version_param(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

/// A link of this account, by id or by slug.
pub async fn find(db: &D1Database, account_id: &AccountId, link: &LinkRef) -> Result<Option<Link>> {
    let (column, value) = match link {
        LinkRef::Id(id) => ("id", id.as_str()),
        LinkRef::Slug(slug) => ("slug", slug.as_str()),
    };
    let sql = format!("SELECT {COLUMNS} FROM links WHERE {column} = ?1 AND account_id = ?2");
    let row = query!(db, &sql, value, account_id)?
        .first::<Row>(None)
        .await?;
    Ok(row.map(Row::into_link))
}

/// Any account's link by id: what KV must say about it.
pub async fn by_id(db: &D1Database, id: &LinkId) -> Result<Option<Link>> {
    let sql = format!("SELECT {COLUMNS} FROM links WHERE id = ?1");
    let row = query!(db, &sql, id)?.first::<Row>(None).await?;
    Ok(row.map(Row::into_link))
}

/// A link's version; `None` once it is deleted.
pub async fn version_of(db: &D1Database, id: &LinkId) -> Result<Option<u64>> {
    #[derive(Deserialize)]
    struct Row {
        version: i64,
    }
    let row = query!(db, "SELECT version FROM links WHERE id = ?1", id)?
        .first::<Row>(None)
        .await?;
    Ok(row.map(|r| u64::try_from(r.version).unwrap_or(0)))
}

/// The live links holding any of `slugs` (at most a KV listing's page).
pub async fn by_slugs(db: &D1Database, slugs: &[String]) -> Result<Vec<Link>> {
    let sql =
        format!("SELECT {COLUMNS} FROM links WHERE slug IN (SELECT value FROM json_each(?1))");
    let list = Value::from(slugs.to_vec()).to_string();
    Ok(query!(db, &sql, list)?
        .all()
        .await?
        .results::<Row>()?
        .into_iter()
        .map(Row::into_link)
        .collect())
}

/// Any account's link by slug: the redirect's fallback when KV misses.
pub async fn by_slug(db: &D1Database, slug: &Slug) -> Result<Option<Link>> {
    let sql = format!("SELECT {COLUMNS} FROM links WHERE slug = ?1");
    let row = query!(db, &sql, slug.as_str())?.first::<Row>(None).await?;
    Ok(row.map(Row::into_link))
}

/// Deletes a link of this account with its tags, slug history and saved
/// QR style, if it is still at `version`; false when it was not (changed
/// since, or gone).
pub async fn delete(
    db: &D1Database,
    account_id: &AccountId,
    id: &LinkId,
    version: u64,
) -> Result<bool> {
    let version = version_param(version);
    let guarded = |table: &str| {
        query!(
            db,
            &format!(
                "DELETE FROM {table} WHERE link_id = ?1 AND {}",
                at_version(3)
            ),
            id,
            account_id,
            version,
        )
    };
    let results = db
        .batch(vec![
            guarded("link_tags")?,
            guarded("link_slugs")?,
            guarded("link_qr_styles")?,
            query!(
                db,
                "DELETE FROM links WHERE id = ?1 AND account_id = ?2 AND version = ?3",
                id,
                account_id,
                version
            )?,
        ])
        .await?;
    match results.last() {
        Some(result) => changed(result),
        None => Ok(false),
    }
}

/// Replaces a link's password hash by a stronger one of the same password,
/// if it still holds `old`: a PATCH in between wins. Not a change anyone
/// sees, so the version stays.
pub async fn replace_password_hash(
    db: &D1Database,
    id: &LinkId,
    old: &PasswordHash,
    new: &PasswordHash,
) -> Result<bool> {
    let result = query!(
        db,
        "UPDATE links SET password_hash = ?3 WHERE id = ?1 AND password_hash = ?2",
        id,
        old.as_str(),
        new.as_str()
    )?
    .run()
    .await?;
    changed(&result)
}

/// Writes the click totals a ClickCounter shard pushes, in one statement
/// (any account's links: shards hold many). Deleted links update nothing.
pub async fn set_clicks(db: &D1Database, totals: &[(String, i64)]) -> Result<()> {
    let pairs = serde_json::to_string(totals)?;
    query!(
        db,
        "UPDATE links SET clicks = t.clicks
         FROM (SELECT value ->> 0 AS id, value ->> 1 AS clicks FROM json_each(?1)) AS t
         WHERE links.id = t.id",
        pairs
    )?
    .run()
    .await?;
    Ok(())
}
