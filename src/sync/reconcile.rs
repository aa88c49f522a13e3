//! The reconciliation pass: lists KV a page at a time, asks D1 which live
//! link holds each listed slug, and removes the records none holds (slugs a
//! lost rename or delete left redirecting) and rewrites those that are
//! another link's, an older version's or unlabelled (`core::sync::fix`).
//!
//! It runs on the Cron Trigger (`[triggers]` in wrangler.toml), resuming
//! where the previous run stopped (the cursor is kept in D1), and on the
//! operator's demand (`POST /v1/admin/reconcile`, `npm run admin --
//! reconcile`), which walks from a cursor it is given. Each run stops
//! before [`OPERATIONS`] KV and D1 calls, under Workers' per-invocation
//! limit of 1,000.

use std::collections::HashMap;

use serde::Serialize;
use worker::{console_error, console_log, Env};

use crate::core::link::Link;
use crate::core::redirect::RedirectRecord;
use crate::core::slug::Slug;
use crate::core::sync::{fix, is_link_key, Fix, Published};
use crate::shell::{config, runtime};
use crate::store::{kv, links, published};

/// Keys per KV listing page.
const PAGE: u64 = 250;
/// KV and D1 calls one run may make: a page costs at most `PAGE` + 2.
const OPERATIONS: u64 = 900;
/// Pages per scheduled run, within [`OPERATIONS`] even when every record
/// must be rewritten.
pub const SCHEDULED_PAGES: u32 = 3;

/// What one run did, and where the next resumes.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub scanned: u64,
    pub removed: u64,
    pub republished: u64,
    /// Where to resume; `None` once the whole namespace has been walked.
    pub cursor: Option<String>,
    pub complete: bool,
}

/// Walks up to `pages` pages from `cursor` (`None`: the start).
///
/// # Errors
/// When KV or D1 fails; what was fixed before stays fixed.
pub async fn run(env: &Env, cursor: Option<String>, pages: u32) -> worker::Result<Report> {
    let db = env.d1(config::DB)?;
    let store = env.kv(config::LINKS_KV)?;
    let mut report = Report {
        cursor,
        ..Report::default()
    };
    let mut operations = 0;
    for _ in 0..pages {
        if operations + PAGE + 2 > OPERATIONS {
            break;
        }
        let (keys, next) = kv::list_page(&store, report.cursor.take(), PAGE).await?;
        let slugs: Vec<String> = keys
            .iter()
            .map(|(name, _)| name.clone())
            .filter(|name| is_link_key(name))
            .collect();
        let live = links::by_slugs(&db, &slugs).await?;
        operations += 2;
        let by_slug: HashMap<&str, &Link> = live.iter().map(|l| (l.slug.as_str(), l)).collect();
        for (name, listed) in &keys {
            if !is_link_key(name) {
                continue;
            }
            report.scanned += 1;
            let link = by_slug.get(name.as_str()).copied();
            let held = link.map(|l| Published {
                link_id: l.id.clone(),
                version: l.version,
            });
            let slug = Slug::from_stored(name.clone());
            match (fix(listed.as_ref(), held.as_ref()), link) {
                (Fix::Keep, _) => continue,
                (Fix::Remove, _) => {
                    kv::delete(&store, &slug).await?;
                    report.removed += 1;
                }
                (Fix::Republish, Some(link)) => {
                    kv::put(&store, &slug, &RedirectRecord::of(link), link.version).await?;
                    report.republished += 1;
                }
                (Fix::Republish, None) => continue,
            }
            operations += 1;
        }
        report.cursor = next;
        if report.cursor.is_none() {
            report.complete = true;
            break;
        }
    }
    Ok(report)
}

/// The Cron Trigger's run: resumes from the stored cursor and stores where
/// it stopped (back at the start once a walk completes).
pub async fn scheduled(env: &Env) {
    let result = async {
        let db = env.d1(config::DB)?;
        let cursor = published::reconcile_cursor(&db).await?;
        let report = run(env, cursor, SCHEDULED_PAGES).await?;
        published::set_reconcile_cursor(&db, report.cursor.as_deref(), runtime::now().0).await?;
        Ok::<Report, worker::Error>(report)
    }
    .await;
    match result {
        Ok(r) => console_log!(
            "reconcile: {} scanned, {} removed, {} republished{}",
            r.scanned,
            r.removed,
            r.republished,
            if r.complete { ", walk complete" } else { "" }
        ),
        Err(e) => console_error!("reconcile failed; the next run resumes: {e}"),
    }
}
