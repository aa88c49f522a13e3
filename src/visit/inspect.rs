//! `GET /{slug}+`: where the link goes, without going there. Reads D1 (not
//! the hot path) for the title, creation date and click count. What may be
//! shown is `core::redirect_page::Inspection`'s rule: a password hides the
//! destinations and the title; a disabled, expired or capped link shows
//! only its status.

use serde_json::json;
use worker::{console_error, Env, Request, Response};

use super::render::{misconfigured, not_found, unavailable};
use crate::core::redirect::RedirectRecord;
use crate::core::redirect_page::{self, Inspection, Status};
use crate::core::slug::Slug;
use crate::shell::config::{self, ShortBase};
use crate::shell::http::{self, wants_json};
use crate::shell::runtime;
use crate::store::links;

pub async fn inspect(req: &Request, slug: &Slug, env: &Env) -> worker::Result<Response> {
    let link = match links::by_slug(&env.d1(config::DB)?, slug).await {
        Ok(Some(link)) => link,
        Ok(None) => return not_found(req),
        Err(e) => {
            console_error!("inspect of '{slug}' failed: {e}");
            return unavailable(req);
        }
    };
    let base = match ShortBase::from_env(env, &req.url()?) {
        Ok(base) => base,
        Err(e) => {
            console_error!("configuration: {}", e.0);
            return misconfigured(req);
        }
    };
    let record = RedirectRecord::of(&link);
    // The click count in D1 trails the link's counter by moments, so a
    // link may read "active" for its last few allowed clicks.
    let status = Status::of(&record, link.clicks, runtime::now());
    let short_url = base.short_url(slug.as_str());
    let created = link.created_at.to_rfc3339();
    let i = Inspection::new(&short_url, &record, link.title.as_deref(), &created, status);
    let response = if wants_json(req)? {
        Response::from_json(&json!({
            "slug": slug.as_str(),
            "shortCode": slug.as_str(),
            "shortUrl": short_url,
            "short_url": short_url,
            "url": i.destination,
            "original_url": i.destination,
            "ios": i.ios,
            "android": i.android,
            "title": i.title,
            "createdAt": i.created_at,
            "created_at": i.created_at,
            "status": i.status.as_str(),
            "hasPassword": i.has_password,
            "has_password": i.has_password,
        }))?
    } else {
        http::html_page(200, redirect_page::inspect(&i))?
    };
    response.headers().set("X-Robots-Tag", "noindex")?;
    Ok(response)
}
