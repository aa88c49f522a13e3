//! A slug's redirect record: the isolate's cache first, then KV. D1 is
//! touched only when KV misses: the link may exist with its KV write lost
//! (or KV emptied), so D1 answers and the record is rewritten after the
//! response. Unknown slugs are cached too, briefly, so a stream of made-up
//! slugs costs one KV and one D1 read per slug and cache period, not per
//! request.

use worker::{console_error, Context, Env};

use crate::core::record_cache::Cached;
use crate::core::redirect::RedirectRecord;
use crate::core::slug::Slug;
use crate::shell::{config, runtime};
use crate::store::{kv, links, record_cache};
use crate::sync;

/// The slug's record: cached; else KV; on a miss (or a KV fault), D1,
/// repairing KV after the response.
pub async fn lookup(
    slug: &Slug,
    env: &Env,
    ctx: &Context,
) -> worker::Result<Option<RedirectRecord>> {
    let now = runtime::now();
    match record_cache::get(slug, now) {
        Cached::Found(record) => return Ok(Some(record)),
        Cached::Missing => return Ok(None),
        Cached::Unknown => {}
    }
    let epoch = record_cache::epoch();
    let seconds = config::record_cache_seconds(env);
    let store = env.kv(config::LINKS_KV)?;
    match kv::get(&store, slug).await {
        Ok(Some(record)) => {
            record_cache::remember(slug, Some(&record), epoch, now, seconds);
            return Ok(Some(record));
        }
        Ok(None) => {}
        Err(e) => console_error!("KV read of '{slug}' failed, trying D1: {e}"),
    }
    let Some(link) = links::by_slug(&env.d1(config::DB)?, slug).await? else {
        record_cache::remember(slug, None, epoch, now, seconds);
        return Ok(None);
    };
    let record = RedirectRecord::of(&link);
    record_cache::remember(slug, Some(&record), epoch, now, seconds);
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
