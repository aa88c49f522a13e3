//! The hot path: `GET|HEAD /{slug}` → one KV read → 30x (DESIGN.md §3).
//!
//! D1 is touched only when KV misses: the link may exist with its KV write
//! lost (or KV emptied), so D1 answers and the record is rewritten after
//! the response.

use worker::{console_error, Context, Env, Method, Request, Response};

use crate::config;
use crate::core::html;
use crate::core::redirect::RedirectRecord;
use crate::core::slug::Slug;
use crate::store::{kv, links};

pub async fn handle(req: Request, env: &Env, ctx: &Context) -> worker::Result<Response> {
    let method = req.method();
    if !matches!(method, Method::Get | Method::Head) {
        let response = Response::error("Method Not Allowed", 405)?;
        response.headers().set("Allow", "GET, HEAD")?;
        return Ok(response);
    }
    let path = req.path();
    // `/{slug}/qr` serves the link's QR code (DESIGN.md §3).
    let (path, qr) = match path.strip_suffix("/qr") {
        Some(rest) => (rest, true),
        None => (path.as_str(), false),
    };
    let Some(slug) = path
        .strip_prefix('/')
        .filter(|s| !s.contains('/'))
        .and_then(|s| Slug::parse(s).ok())
    else {
        return not_found(&req);
    };
    match lookup(&slug, env, ctx).await {
        Ok(Some(_)) if qr => crate::api::qr::public(&req, &slug, env).await,
        Ok(Some(record)) => redirect(&record),
        Ok(None) => not_found(&req),
        Err(e) => {
            console_error!("redirect of '{slug}' failed: {e}");
            unavailable(&req)
        }
    }
}

/// The slug's record: KV first; on a miss (or a KV fault), D1, repairing
/// KV after the response.
async fn lookup(slug: &Slug, env: &Env, ctx: &Context) -> worker::Result<Option<RedirectRecord>> {
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
    let (slug, repaired) = (slug.clone(), record.clone());
    ctx.wait_until(async move {
        if let Err(e) = kv::put(&store, &slug, &repaired).await {
            console_error!("KV repair of '{slug}' failed: {e}");
        }
    });
    Ok(Some(record))
}

fn redirect(record: &RedirectRecord) -> worker::Result<Response> {
    let response = Response::empty()?.with_status(302);
    let headers = response.headers();
    headers.set("Location", &record.url)?;
    // Every visit must reach us to be counted: no shared or browser caching.
    headers.set("Cache-Control", "private, max-age=0")?;
    headers.set("X-Robots-Tag", "noindex")?;
    Ok(response)
}

/// 404: JSON for API clients that ask for it, a small page for browsers.
fn not_found(req: &Request) -> worker::Result<Response> {
    page_or_json(
        req,
        404,
        "not_found",
        "Link not found",
        "This short link does not exist, or it has been deleted.",
    )
}

fn unavailable(req: &Request) -> worker::Result<Response> {
    let response = page_or_json(
        req,
        503,
        "service_unavailable",
        "Temporarily unavailable",
        "This link cannot be resolved right now. Please try again in a few seconds.",
    )?;
    response.headers().set("Retry-After", "5")?;
    Ok(response)
}

fn page_or_json(
    req: &Request,
    status: u16,
    code: &str,
    title: &str,
    message: &str,
) -> worker::Result<Response> {
    let wants_json = req
        .headers()
        .get("Accept")?
        .is_some_and(|accept| accept.contains("application/json"));
    let response = if wants_json {
        Response::from_json(&serde_json::json!({ "error": { "code": code, "message": message } }))?
    } else {
        let response = Response::from_html(html::page(title, message))?;
        for (name, value) in html::SECURITY_HEADERS {
            response.headers().set(name, value)?;
        }
        response
    };
    let response = response.with_status(status);
    response.headers().set("X-Robots-Tag", "noindex")?;
    Ok(response)
}
