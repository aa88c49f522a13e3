//! An account's links a page at a time, and its tags: the listing's SQL
//! (its query, sorts and page sizes are `core::listing`).

use serde::Deserialize;
use worker::{query, D1Database};

use super::{Row, COLUMNS};
use crate::core::ids::AccountId;
use crate::core::link::Link;
use crate::core::listing::{ListQuery, Sort};
use crate::core::options::Tag;
use crate::store::{count, Result};

/// One page of an account's links, newest first, and how many match in all.
pub async fn list(
    db: &D1Database,
    account_id: &AccountId,
    q: &ListQuery,
) -> Result<(Vec<Link>, u64)> {
    // A substring test rather than LIKE: D1 caps LIKE patterns at 50 bytes,
    // and the user's `%` and `_` need no escaping. `lower()` folds ASCII
    // only, as LIKE would.
    let needle = q.search.as_ref().map(|s| s.to_ascii_lowercase());
    let filter = "account_id = ?1 AND (?2 IS NULL OR instr(lower(title), ?2) > 0 \
                  OR instr(lower(url), ?2) > 0 OR instr(lower(slug), ?2) > 0) \
                  AND (?5 IS NULL OR id IN \
                    (SELECT link_id FROM link_tags WHERE account_id = ?1 AND tag = ?5))";
    let count_sql = format!("SELECT COUNT(*) AS total FROM links WHERE {filter}");
    let page_sql = format!(
        "SELECT {COLUMNS} FROM links WHERE {filter} ORDER BY {} LIMIT ?3 OFFSET ?4",
        order_by(q.sort)
    );
    let offset = i64::try_from(q.offset()).unwrap_or(i64::MAX);
    let tag = q.tag.as_ref().map(Tag::as_str);
    let results = db
        .batch(vec![
            // ?3 and ?4 (paging) are unused by the count, but bound so ?5
            // means the same in both statements.
            query!(db, &count_sql, account_id, needle, 0, 0, tag)?,
            query!(db, &page_sql, account_id, needle, q.page_size, offset, tag)?,
        ])
        .await?;
    let total = count(results.first())?;
    let links = match results.get(1) {
        Some(page) => page
            .results::<Row>()?
            .into_iter()
            .map(Row::into_link)
            .collect(),
        None => Vec::new(),
    };
    Ok((links, total))
}

/// The SQL order of a listing; `rowid` breaks ties, so pages never overlap.
fn order_by(sort: Sort) -> &'static str {
    match sort {
        Sort::NewestFirst => "created_at DESC, rowid DESC",
        Sort::OldestFirst => "created_at, rowid",
        Sort::MostClicks => "clicks DESC, created_at DESC, rowid DESC",
        Sort::FewestClicks => "clicks, created_at DESC, rowid DESC",
        Sort::SlugAscending => "slug, rowid",
        Sort::SlugDescending => "slug DESC, rowid DESC",
        Sort::RecentlyUpdated => "updated_at DESC, rowid DESC",
        Sort::LeastRecentlyUpdated => "updated_at, rowid",
    }
}

/// The account's tags with how many links carry each, alphabetically.
pub async fn tags(db: &D1Database, account_id: &AccountId) -> Result<Vec<(String, u32)>> {
    #[derive(Deserialize)]
    struct Row {
        tag: String,
        links: u32,
    }
    let rows = query!(
        db,
        "SELECT tag, COUNT(*) AS links FROM link_tags WHERE account_id = ?1 GROUP BY tag ORDER BY tag",
        account_id
    )?
    .all()
    .await?
    .results::<Row>()?;
    Ok(rows.into_iter().map(|r| (r.tag, r.links)).collect())
}
