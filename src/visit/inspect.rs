//! `GET /{slug}+`: where the link goes, without going there. Reads D1 (not
//! the hot path) for the title and creation date. A password hides the
//! destinations.

use serde_json::json;
use worker::{console_error, Env, Request, Response};

use super::render::{not_found, unavailable};
use crate::core::redirect::RedirectRecord;
use crate::core::redirect_page::{self, Inspection};
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
    let record = RedirectRecord::of(&link);
    let status = if record.disabled {
        "disabled"
    } else if record.expired(runtime::now()) {
        "expired"
    } else {
        "active"
    };
    let hidden = record.password.is_some();
    fn shown(url: Option<&String>, hidden: bool) -> Option<&str> {
        url.filter(|_| !hidden).map(String::as_str)
    }
    let short_url = ShortBase::from_env(env, &req.url()?).short_url(slug.as_str());
    let created = link.created_at.to_rfc3339();
    let inspection = Inspection {
        short_url: &short_url,
        destination: shown(Some(&record.url), hidden),
        ios: shown(record.ios.as_ref(), hidden),
        android: shown(record.android.as_ref(), hidden),
        title: link.title.as_deref(),
        created_at: &created,
        status,
    };
    let response = if wants_json(req)? {
        Response::from_json(&json!({
            "slug": slug.as_str(),
            "shortCode": slug.as_str(),
            "shortUrl": short_url,
            "short_url": short_url,
            "url": inspection.destination,
            "original_url": inspection.destination,
            "ios": inspection.ios,
            "android": inspection.android,
            "title": inspection.title,
            "createdAt": created,
            "created_at": created,
            "status": status,
            "hasPassword": hidden,
            "has_password": hidden,
        }))?
    } else {
        http::html_page(200, redirect_page::inspect(&inspection))?
    };
    response.headers().set("X-Robots-Tag", "noindex")?;
    Ok(response)
}
