//! A slug's redirect record: KV first. D1 is touched only when KV misses:
//! the link may exist with its KV write lost (or KV emptied), so D1 answers
//! and the record is rewritten after the response.

use worker::{console_error, Context, Env};

use crate::core::redirect::RedirectRecord;
use crate::core::slug::Slug;
use crate::shell::config;
use crate::store::{kv, links};
use crate::sync;

/// The slug's record: KV first; on a miss (or a KV fault), D1, repairing
/// KV after the response.
pub async fn lookup(
    slug: &Slug,
    env: &Env,
    ctx: &Context,
) -> worker::Result<Option<RedirectRecord>> {
    let store = env.kv(config::LINKS_KV)?;
    match kv::get(&store, slug).await {
        Ok(Some(record)) => return Ok(Some(record)),
        Ok(None) => {}
        Err(e) => console_error!("KV read of '{slug}' failed, trying D1: {e}"),
    }
    let Some(link) = links::by_slug(&env.d1(config::DB)?, slug).await? else {
        return Ok(None);
    };
    let record = RedirectRecord::of(&link);
    let (slug, repaired, env) = (slug.clone(), record.clone(), env.clone());
    ctx.wait_until(async move {
        match kv::put(&store, &slug, &repaired, link.version).await {
            // The link may have been renamed or deleted since D1 was read.
            Ok(()) => sync::confirm_repair(&env, &slug, &link).await,
            Err(e) => console_error!("KV repair of '{slug}' failed: {e}"),
        }
    });
    Ok(Some(record))
}
