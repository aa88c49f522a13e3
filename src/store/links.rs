//! The `links` table.

use serde::Deserialize;
use serde_json::{Map, Value};
use worker::{query, D1Database, Result};

use super::{written, written_within_quota, Written};
use crate::core::destination::DestinationUrl;
use crate::core::link::Link;
use crate::core::listing::ListQuery;
use crate::core::slug::Slug;
use crate::core::time::UnixMillis;

const COLUMNS: &str = "id, account_id, slug, url, title, metadata, clicks, created_at, updated_at";

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
}

impl Row {
    fn into_link(self) -> Link {
        Link {
            id: self.id,
            account_id: self.account_id,
            slug: Slug::from_stored(self.slug),
            url: DestinationUrl::from_stored(self.url),
            title: self.title,
            // Written by `metadata_text` below, so it parses; a corrupt value
            // reads as no metadata rather than failing the whole listing.
            metadata: self
                .metadata
                .and_then(|m| serde_json::from_str::<Map<String, Value>>(&m).ok()),
            clicks: u64::try_from(self.clicks).unwrap_or(0),
            created_at: UnixMillis(self.created_at),
            updated_at: UnixMillis(self.updated_at),
        }
    }
}

fn metadata_text(link: &Link) -> Option<String> {
    link.metadata
        .as_ref()
        .map(|m| Value::Object(m.clone()).to_string())
}

/// Inserts a new link; `Conflict` when its slug is taken, `QuotaReached`
/// when the account already has `max_links` (`None`: no cap). The count is
/// inside the INSERT, so concurrent creations cannot overshoot the cap.
pub async fn insert(db: &D1Database, link: &Link, max_links: Option<u32>) -> Result<Written> {
    let statement = query!(
        db,
        "INSERT INTO links (id, account_id, slug, url, title, metadata, clicks, created_at, updated_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8
         WHERE ?9 IS NULL OR (SELECT COUNT(*) FROM links WHERE account_id = ?2) < ?9",
        link.id,
        link.account_id,
        link.slug.as_str(),
        link.url.as_str(),
        link.title,
        metadata_text(link),
        link.created_at.0,
        link.updated_at.0,
        max_links,
    )?;
    written_within_quota(statement.run().await)
}

/// Writes every mutable column of an existing link of the same account;
/// `Conflict` when its new slug is taken.
pub async fn update(db: &D1Database, link: &Link) -> Result<Written> {
    let statement = query!(
        db,
        "UPDATE links SET slug = ?3, url = ?4, title = ?5, metadata = ?6, updated_at = ?7
         WHERE id = ?1 AND account_id = ?2",
        link.id,
        link.account_id,
        link.slug.as_str(),
        link.url.as_str(),
        link.title,
        metadata_text(link),
        link.updated_at.0,
    )?;
    written(statement.run().await)
}

/// A link of this account, by id (`link_…`) or by slug.
pub async fn find(db: &D1Database, account_id: &str, id_or_slug: &str) -> Result<Option<Link>> {
    let column = if id_or_slug.starts_with("link_") {
        "id"
    } else {
        "slug"
    };
    let sql = format!("SELECT {COLUMNS} FROM links WHERE {column} = ?1 AND account_id = ?2");
    let row = query!(db, &sql, id_or_slug, account_id)?
        .first::<Row>(None)
        .await?;
    Ok(row.map(Row::into_link))
}

/// Any account's link by slug: the redirect's fallback when KV misses.
pub async fn by_slug(db: &D1Database, slug: &Slug) -> Result<Option<Link>> {
    let sql = format!("SELECT {COLUMNS} FROM links WHERE slug = ?1");
    let row = query!(db, &sql, slug.as_str())?.first::<Row>(None).await?;
    Ok(row.map(Row::into_link))
}

/// Deletes a link of this account; false when there was none.
pub async fn delete(db: &D1Database, account_id: &str, id: &str) -> Result<bool> {
    let result = query!(
        db,
        "DELETE FROM links WHERE id = ?1 AND account_id = ?2",
        id,
        account_id
    )?
    .run()
    .await?;
    Ok(result
        .meta()?
        .and_then(|m| m.changes)
        .is_some_and(|changes| changes > 0))
}

/// One page of an account's links, newest first, and how many match in all.
pub async fn list(db: &D1Database, account_id: &str, q: &ListQuery) -> Result<(Vec<Link>, u64)> {
    // A substring test rather than LIKE: D1 caps LIKE patterns at 50 bytes,
    // and the user's `%` and `_` need no escaping. `lower()` folds ASCII
    // only, as LIKE would.
    let needle = q.search.as_ref().map(|s| s.to_ascii_lowercase());
    let filter = "account_id = ?1 AND (?2 IS NULL OR instr(lower(title), ?2) > 0 \
                  OR instr(lower(url), ?2) > 0 OR instr(lower(slug), ?2) > 0)";
    let count_sql = format!("SELECT COUNT(*) AS total FROM links WHERE {filter}");
    let page_sql = format!(
        "SELECT {COLUMNS} FROM links WHERE {filter} ORDER BY created_at DESC, rowid DESC LIMIT ?3 OFFSET ?4"
    );
    let offset = i64::try_from(q.offset()).unwrap_or(i64::MAX);
    let results = db
        .batch(vec![
            query!(db, &count_sql, account_id, needle)?,
            query!(db, &page_sql, account_id, needle, q.page_size, offset)?,
        ])
        .await?;
    #[derive(Deserialize)]
    struct Total {
        total: i64,
    }
    let total = results
        .first()
        .map(|r| r.results::<Total>())
        .transpose()?
        .and_then(|rows| rows.first().map(|t| t.total))
        .unwrap_or(0);
    let links = match results.get(1) {
        Some(page) => page
            .results::<Row>()?
            .into_iter()
            .map(Row::into_link)
            .collect(),
        None => Vec::new(),
    };
    Ok((links, u64::try_from(total).unwrap_or(0)))
}

/// Writes the click total a link's ClickCounter pushes (any account's link:
/// the counter is addressed by link id). A deleted link updates nothing.
pub async fn set_clicks(db: &D1Database, id: &str, clicks: i64) -> Result<()> {
    query!(db, "UPDATE links SET clicks = ?2 WHERE id = ?1", id, clicks)?
        .run()
        .await?;
    Ok(())
}
