//! What has been published to KV, as D1 remembers it: `link_slugs`, every
//! slug a link has been reachable at (a slug points at the last link that
//! published it), and the reconciliation pass's resume point.

use serde::Deserialize;
use worker::{query, D1Database, D1PreparedStatement};

use super::links::at_version;
use super::Result;
use crate::core::ids::LinkId;
use crate::core::link::Link;
use crate::core::slug::Slug;

const UPSERT: &str = "ON CONFLICT (slug) DO UPDATE SET link_id = excluded.link_id, \
     published_at = excluded.published_at";

/// Records a new link's slug, if the same batch inserted the link.
pub(super) fn record_new(db: &D1Database, link: &Link) -> worker::Result<D1PreparedStatement> {
    query!(
        db,
        &format!(
            "INSERT INTO link_slugs (slug, link_id, published_at) SELECT ?1, ?2, ?3 \
             WHERE EXISTS (SELECT 1 FROM links WHERE id = ?2) {UPSERT}"
        ),
        link.slug.as_str(),
        link.id,
        link.updated_at.0,
    )
}

/// Records a changed link's slug, while the link is still at `expected`.
pub(super) fn record_update(
    db: &D1Database,
    link: &Link,
    expected: i64,
) -> worker::Result<D1PreparedStatement> {
    query!(
        db,
        &format!(
            "INSERT INTO link_slugs (slug, link_id, published_at) SELECT ?3, ?1, ?4 \
             WHERE {} {UPSERT}",
            at_version(5)
        ),
        link.id,
        link.account_id,
        link.slug.as_str(),
        link.updated_at.0,
        expected,
    )
}

/// Every slug `link_id` has published and still owns.
pub async fn history(db: &D1Database, link_id: &LinkId) -> Result<Vec<Slug>> {
    #[derive(Deserialize)]
    struct Row {
        slug: String,
    }
    Ok(query!(
        db,
        "SELECT slug FROM link_slugs WHERE link_id = ?1 ORDER BY published_at",
        link_id
    )?
    .all()
    .await?
    .results::<Row>()?
    .into_iter()
    .map(|r| Slug::from_stored(r.slug))
    .collect())
}

/// Where the scheduled reconciliation pass resumes its KV listing; `None`
/// at the start of a pass.
pub async fn reconcile_cursor(db: &D1Database) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        cursor: Option<String>,
    }
    let row = db
        .prepare("SELECT cursor FROM reconcile_state WHERE id = 0")
        .first::<Row>(None)
        .await?;
    Ok(row.and_then(|r| r.cursor))
}

pub async fn set_reconcile_cursor(db: &D1Database, cursor: Option<&str>, now: i64) -> Result<()> {
    query!(
        db,
        "INSERT INTO reconcile_state (id, cursor, updated_at) VALUES (0, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
        cursor,
        now,
    )?
    .run()
    .await?;
    Ok(())
}
