//! Keeping KV in step with D1. D1 is the truth; KV holds a derived record
//! per slug for the redirect (`store::kv`), and a KV write cannot be made
//! conditional, so two writers of one link could leave it behind D1, or
//! leave a slug redirecting after its link was renamed or deleted.
//!
//! Three things keep it in step:
//! - every slug a link publishes is recorded in D1 (`store::published`), so
//!   a rename or delete removes all of them, not only the one it read;
//! - after each write, [`converge`] publishes what D1 now says and re-reads
//!   the link's version, again while it moves: the writer that finishes last
//!   has seen the final state, whichever order the KV writes landed in;
//! - [`reconcile`] lists KV and removes or rewrites whatever still differs
//!   (a writer that died between D1 and KV, records older than this
//!   scheme), on a Cron Trigger and on the operator's demand.
//!
//! Removing too much is harmless (the redirect falls back to D1 on a miss
//! and writes the record again); failures are logged and left to those.

pub mod reconcile;

use worker::{console_error, Env};

use crate::core::ids::LinkId;
use crate::core::link::Link;
use crate::core::redirect::RedirectRecord;
use crate::core::slug::Slug;
use crate::core::sync::stale_slugs;
use crate::shell::config;
use crate::store::{kv, links, published};

/// Re-reads after which [`converge`] gives up on a link that keeps moving
/// (the last of those writers converges it).
const CONVERGE_ROUNDS: usize = 4;

/// Publishes a link created a moment ago: no other writer can know its id
/// yet, so one write is enough.
pub async fn publish_new(env: &Env, link: &Link) {
    let result = match env.kv(config::LINKS_KV) {
        Ok(store) => kv::put(&store, &link.slug, &RedirectRecord::of(link), link.version)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = result {
        console_error!(
            "KV write for '{}' failed, D1 fallback will repair it: {e}",
            link.slug
        );
    }
}

/// After a write to link `link_id` (an update, a delete, a new password
/// hash), makes KV say what D1 says: the link's record at its slug and none
/// at any other slug it has held. `known` adds the slugs the writer saw,
/// which a deleted link's history no longer lists.
pub async fn converge(env: &Env, link_id: &LinkId, known: &[Slug]) {
    if let Err(e) = try_converge(env, link_id, known).await {
        console_error!(
            "KV for {link_id} not brought in line with D1 (the reconciliation pass will): {e}"
        );
    }
}

async fn try_converge(env: &Env, link_id: &LinkId, known: &[Slug]) -> worker::Result<()> {
    let db = env.d1(config::DB)?;
    let store = env.kv(config::LINKS_KV)?;
    for _ in 0..CONVERGE_ROUNDS {
        let link = links::by_id(&db, link_id).await?;
        let mut slugs = known.to_vec();
        slugs.extend(published::history(&db, link_id).await?);
        if let Some(link) = &link {
            kv::put(&store, &link.slug, &RedirectRecord::of(link), link.version).await?;
        }
        for slug in stale_slugs(link.as_ref().map(|l| &l.slug), &slugs) {
            kv::delete(&store, &slug).await?;
        }
        let now = links::version_of(&db, link_id).await?;
        if now == link.as_ref().map(|l| l.version) {
            return Ok(());
        }
    }
    console_error!("{link_id} kept changing while KV was written; its last writer converges it");
    Ok(())
}

/// After the redirect rewrote a missing KV record from D1 (`link`, read
/// before the response): checks D1 again, so a link renamed or deleted in
/// the meantime does not get its old slug back.
pub async fn confirm_repair(env: &Env, slug: &Slug, link: &Link) {
    let now = match env.d1(config::DB) {
        Ok(db) => links::by_slug(&db, slug).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match now {
        Ok(Some(now)) if now.id == link.id && now.version == link.version => {}
        Ok(_) => converge(env, &link.id, std::slice::from_ref(slug)).await,
        Err(e) => console_error!("KV repair of '{slug}' not confirmed: {e}"),
    }
}
