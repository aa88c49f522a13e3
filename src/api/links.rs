//! `/v1/links`: create, read, list, update and delete links.

use std::future::Future;

use futures_util::future::join;
use serde_json::json;
use worker::{console_error, Env, Request, Response};

use super::error::ApiError;
use super::{body, respond, views, Call};
use crate::core::ids::LinkId;
use crate::core::link::{etag, if_match, Link, LinkPatch, LinkRef, Minted, NewLink};
use crate::core::listing::ListQuery;
use crate::core::password::PasswordHash;
use crate::core::slug::Slug;
use crate::objects::protocol;
use crate::shell::{config, crypto, runtime};
use crate::store::links::Updated;
use crate::store::{kv, links, published, record_cache, Written};
use crate::sync;

/// A DELETE without `If-Match` re-reads a link that changed underneath it
/// this many times before answering 409.
const DELETE_ATTEMPTS: usize = 3;

/// POST /v1/links
pub async fn create(req: &mut Request, call: &Call<'_>) -> Result<Response, ApiError> {
    let new = NewLink::from_body(body::json(req).await?, call.base.hosts())?;
    let chosen_slug = new.slug.is_some();
    let password = hash_new_password(new.options.new_password()).await?;
    let Minted {
        mut link,
        mut fallback_slugs,
    } = new
        .mint(
            call.caller.account_id.clone(),
            runtime::now(),
            &runtime::link_entropy()?,
            password,
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
    sync::publish_new(call.env, &link).await;
    let response = link_response(201, &link, call)?;
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

/// GET /v1/tags: the account's tags and how many links carry each, for
/// the dashboard's tag filter.
pub async fn tags(call: &Call<'_>) -> Result<Response, ApiError> {
    let tags = links::tags(&call.db()?, &call.caller.account_id).await?;
    let items: Vec<_> = tags
        .iter()
        .map(|(tag, count)| json!({ "tag": tag, "links": count }))
        .collect();
    respond::json(200, &json!({ "tags": items, "total": items.len() }))
}

/// GET /v1/links/{idOrSlug}: the link, with its version as `ETag`, and
/// `clicks` from its shard, so it equals its analytics' `total_clicks` at
/// the moment of reading.
pub async fn get(id_or_slug: &str, call: &Call<'_>) -> Result<Response, ApiError> {
    let (mut link, total) = find_with(call, id_or_slug, |id| async move {
        protocol::total(call.env, &id).await
    })
    .await?;
    use_total(&mut link, total);
    link_response(200, &link, call)
}

/// PATCH /v1/links/{idOrSlug}: any subset of the create fields; a new slug
/// takes over at once and every slug the link held before stops resolving.
///
/// Conditional: the patch applies only to the version named by `If-Match`
/// or the body's `version`, else to the version read here, and only if the
/// link is still at it when written; otherwise 409 `conflict` (re-read and
/// retry). So two concurrent renames cannot both win.
pub async fn update(
    req: &mut Request,
    id_or_slug: &str,
    call: &Call<'_>,
) -> Result<Response, ApiError> {
    let if_match = req.headers().get("If-Match")?;
    let patch = LinkPatch::from_body(body::json(req).await?, call.base.hosts())?;
    let expected = patch.expected_version(if_match.as_deref())?;
    let before = find(call, id_or_slug).await?;
    if let Some(expected) = expected.filter(|&v| v != before.version) {
        return Err(conflict(expected, before.version));
    }
    let password = hash_new_password(patch.options.new_password()).await?;
    let after = patch.apply(before.clone(), runtime::now(), password)?;
    match links::update(&call.db()?, &after, before.version).await? {
        Updated::Done => {}
        Updated::SlugTaken => return Err(slug_taken(&after.slug)),
        Updated::Stale => {
            let now = find(call, id_or_slug).await?;
            return Err(conflict(before.version, now.version));
        }
    }
    sync::converge(call.env, &after.id, &[before.slug, after.slug.clone()]).await;
    let total = protocol::total(call.env, &after.id).await;
    let mut after = after;
    use_total(&mut after, total);
    link_response(200, &after, call)
}

/// DELETE /v1/links/{idOrSlug}: the link, its analytics, and every slug it
/// has published stop at once. With `If-Match`, only at that version (409
/// otherwise); without, a link that changes underneath is read again.
pub async fn delete(
    req: &Request,
    id_or_slug: &str,
    call: &Call<'_>,
) -> Result<Response, ApiError> {
    let if_match = if_match(req.headers().get("If-Match")?.as_deref())?;
    for _ in 0..DELETE_ATTEMPTS {
        let link = find(call, id_or_slug).await?;
        if let Some(expected) = if_match.filter(|&v| v != link.version) {
            return Err(conflict(expected, link.version));
        }
        if remove(call.env, &link).await? {
            return respond::json(200, &json!({ "message": "Link deleted successfully" }));
        }
    }
    let now = find(call, id_or_slug).await?;
    Err(ApiError::Conflict(format!(
        "the link kept changing while it was being deleted (now version {}); retry",
        now.version
    )))
}

/// Deletes a link with everything kept about it: the redirect records of
/// every slug it has published, its analytics, its saved QR style and its
/// row, if the row is still at `link.version`. False when it was not
/// (changed since it was read, or already gone): read it again. Deleting a
/// link and deleting an account both come through here.
pub async fn remove(env: &Env, link: &Link) -> Result<bool, ApiError> {
    let db = env.d1(config::DB)?;
    let mut slugs = published::history(&db, &link.id).await?;
    slugs.push(link.slug.clone());
    // KV first: should it fail, nothing has changed and the client may
    // retry; should D1 then fail, the redirect's D1 fallback still finds
    // the link, so it is never half-deleted in a way that keeps resolving.
    let store = env.kv(config::LINKS_KV)?;
    for slug in &slugs {
        kv::delete(&store, slug).await?;
    }
    // Analytics go before the row, so a failure here is retried by the
    // client rather than leaving rows no link points to.
    protocol::wipe(env, &link.id).await.map_err(|e| {
        console_error!("could not delete the analytics of {}: {e}", link.id);
        ApiError::Unavailable
    })?;
    // A write that published after the KV deletes above sees the link gone
    // when it re-reads (`sync::converge`), and removes what it wrote.
    let removed = links::delete(&db, &link.account_id, &link.id, link.version).await?;
    // A redirect between the KV deletes and the D1 delete may have cached
    // a slug again from D1: this isolate forgets them now.
    for slug in &slugs {
        record_cache::forget(slug);
    }
    Ok(removed)
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

/// The WebCrypto hash of a password being set, if any.
async fn hash_new_password(password: Option<&str>) -> Result<Option<PasswordHash>, ApiError> {
    match password {
        Some(password) => Ok(Some(crypto::hash_password(password).await?)),
        None => Ok(None),
    }
}

/// A link in both dialects, its version as `ETag`.
fn link_response(status: u16, link: &Link, call: &Call<'_>) -> Result<Response, ApiError> {
    let response = respond::json(status, &views::link(link, &call.base))?;
    response.headers().set("ETag", &etag(link.version))?;
    Ok(response)
}

/// 409 `conflict`: the link is not at the version the client (or this
/// request) read.
fn conflict(expected: u64, now: u64) -> ApiError {
    ApiError::Conflict(format!(
        "the link changed since version {expected} was read (it is now version {now}); GET it again and retry"
    ))
}

fn slug_taken(slug: &Slug) -> ApiError {
    ApiError::SlugTaken(format!(
        "the slug '{slug}' is already taken; choose another"
    ))
}
