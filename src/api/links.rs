//! `/v1/links`: create, read, list, update and delete links.

use std::future::Future;

use futures_util::future::join;
use serde_json::json;
use worker::{console_error, Request, Response};

use super::error::ApiError;
use super::{body, respond, views, Call};
use crate::core::ids::LinkId;
use crate::core::link::{Link, LinkPatch, LinkRef, Minted, NewLink};
use crate::core::listing::ListQuery;
use crate::core::password::SALT_BYTES;
use crate::core::redirect::RedirectRecord;
use crate::core::slug::Slug;
use crate::objects::protocol;
use crate::shell::config;
use crate::shell::runtime;
use crate::store::{kv, links, record_cache, Written};

/// POST /v1/links
pub async fn create(req: &mut Request, call: &Call<'_>) -> Result<Response, ApiError> {
    let new = NewLink::from_body(body::json(req).await?, call.base.host())?;
    let chosen_slug = new.slug.is_some();
    let Minted {
        mut link,
        mut fallback_slugs,
    } = new
        .mint(
            call.caller.account_id.clone(),
            runtime::now(),
            &runtime::link_entropy()?,
        )
        .ok_or(ApiError::Internal)?;
    let db = call.db()?;
    let max_links = call.caller.limits.max_links;
    loop {
        match links::insert(&db, &link, max_links).await? {
            Written::Done => break,
            Written::QuotaReached => {
                return Err(ApiError::plan_limit(
                    call.caller.plan,
                    max_links.unwrap_or(0),
                    "link",
                    "links",
                    "delete a link",
                ))
            }
            Written::Conflict if chosen_slug => return Err(slug_taken(&link.slug)),
            Written::Conflict => match fallback_slugs.pop() {
                Some(slug) => link.slug = slug,
                None => {
                    console_error!("every generated slug was taken");
                    return Err(ApiError::Internal);
                }
            },
        }
    }
    publish(call, &link).await;
    let response = respond::json(201, &views::link(&link, &call.base))?;
    response
        .headers()
        .set("Location", &format!("/v1/links/{}", link.id))?;
    Ok(response)
}

/// GET /v1/links
pub async fn list(req: &Request, call: &Call<'_>) -> Result<Response, ApiError> {
    let url = req.url()?;
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let query = ListQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let (page, total) = links::list(&call.db()?, &call.caller.account_id, &query).await?;
    let items: Vec<_> = page.iter().map(|l| views::link(l, &call.base)).collect();
    respond::json(
        200,
        &json!({
            "links": items,
            "total": total,
            "page": query.page,
            "limit": query.page_size,
            "pageSize": query.page_size,
            "totalPages": total.div_ceil(u64::from(query.page_size)),
        }),
    )
}

/// GET /v1/links/{idOrSlug}: `clicks` from the link's shard, so it equals
/// its analytics' `total_clicks` at the moment of reading.
pub async fn get(id_or_slug: &str, call: &Call<'_>) -> Result<Response, ApiError> {
    let (mut link, total) = find_with(call, id_or_slug, |id| async move {
        protocol::total(call.env, &id).await
    })
    .await?;
    use_total(&mut link, total);
    respond::json(200, &views::link(&link, &call.base))
}

/// PATCH /v1/links/{idOrSlug}: any subset of the create fields; a new slug
/// takes over at once and the old one stops resolving.
pub async fn update(
    req: &mut Request,
    id_or_slug: &str,
    call: &Call<'_>,
) -> Result<Response, ApiError> {
    let patch = LinkPatch::from_body(body::json(req).await?, call.base.host())?;
    let before = find(call, id_or_slug).await?;
    let salt = if patch.options.sets_password() {
        salt()?
    } else {
        [0; SALT_BYTES]
    };
    let after = patch.apply(before.clone(), runtime::now(), &salt);
    if links::update(&call.db()?, &after).await? == Written::Conflict {
        return Err(slug_taken(&after.slug));
    }
    if before.slug != after.slug {
        unpublish(call, &before.slug).await;
    }
    publish(call, &after).await;
    let total = protocol::total(call.env, &after.id).await;
    let mut after = after;
    use_total(&mut after, total);
    respond::json(200, &views::link(&after, &call.base))
}

/// DELETE /v1/links/{idOrSlug}
pub async fn delete(id_or_slug: &str, call: &Call<'_>) -> Result<Response, ApiError> {
    let link = find(call, id_or_slug).await?;
    // KV first: should it fail, nothing has changed and the client may
    // retry; should D1 then fail, the redirect's D1 fallback still finds
    // the link, so it is never half-deleted in a way that keeps resolving.
    kv::delete(&call.kv()?, &link.slug).await?;
    // Analytics go before the row, so a failure here is retried by the
    // client rather than leaving rows no link points to.
    protocol::wipe(call.env, &link.id).await.map_err(|e| {
        console_error!("could not delete the analytics of {}: {e}", link.id);
        ApiError::Unavailable
    })?;
    if !links::delete(&call.db()?, &call.caller.account_id, &link.id).await? {
        return Err(ApiError::not_found("link"));
    }
    // A redirect between the KV delete and the D1 delete may have cached
    // the link again from D1: this isolate forgets it now.
    record_cache::forget(&link.slug);
    respond::json(200, &json!({ "message": "Link deleted successfully" }))
}

/// Sets `clicks` to the shard's total; keeps D1's copy (pushed by the
/// shard within seconds) when the shard could not answer.
fn use_total(link: &mut Link, total: worker::Result<u64>) {
    match total {
        Ok(clicks) => link.clicks = clicks,
        Err(e) => console_error!("clicks of {} read from D1's copy: {e}", link.id),
    }
}

/// The caller's link, and what `ask_shard` answers for its id. A path that
/// names the link by id names its shard too, so both are asked at once;
/// the shard's answer is only ever used once D1 has said the link is the
/// caller's. A slug needs D1 first.
pub(super) async fn find_with<T, F, Fut>(
    call: &Call<'_>,
    id_or_slug: &str,
    ask_shard: F,
) -> Result<(Link, T), ApiError>
where
    F: FnOnce(LinkId) -> Fut,
    Fut: Future<Output = T>,
{
    if let Some(LinkRef::Id(id)) = LinkRef::parse(id_or_slug) {
        let (link, answer) = join(find(call, id_or_slug), ask_shard(id)).await;
        return Ok((link?, answer));
    }
    let link = find(call, id_or_slug).await?;
    let answer = ask_shard(link.id.clone()).await;
    Ok((link, answer))
}

/// The caller's link; another account's link is "not found", never
/// "forbidden", so ids and slugs of other tenants leak nothing.
/// A path segment that is neither a link id nor a slug names no link.
pub(super) async fn find(call: &Call<'_>, id_or_slug: &str) -> Result<Link, ApiError> {
    let not_found = || ApiError::not_found("link");
    let link = LinkRef::parse(id_or_slug).ok_or_else(not_found)?;
    links::find(&call.db()?, &call.caller.account_id, &link)
        .await?
        .ok_or_else(not_found)
}

/// A fresh salt for a password hash.
fn salt() -> Result<[u8; SALT_BYTES], ApiError> {
    Ok(runtime::entropy::<SALT_BYTES>()?)
}

fn slug_taken(slug: &Slug) -> ApiError {
    ApiError::SlugTaken(format!(
        "the slug '{slug}' is already taken; choose another"
    ))
}

/// Writes the link's redirect record through to KV. A failure is logged
/// and otherwise harmless: the redirect falls back to D1 and repairs KV.
async fn publish(call: &Call<'_>, link: &Link) {
    let result = match call.env.kv(config::LINKS_KV) {
        Ok(store) => kv::put(&store, &link.slug, &RedirectRecord::of(link))
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

/// Removes a renamed link's old redirect record. A failure is logged: the
/// old slug would keep resolving until KV is repaired.
async fn unpublish(call: &Call<'_>, slug: &Slug) {
    let result = match call.env.kv(config::LINKS_KV) {
        Ok(store) => kv::delete(&store, slug).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = result {
        console_error!("KV delete of '{slug}' failed; it may keep resolving: {e}");
    }
}
