//! QR codes: `POST /v1/qr-codes`, `GET /v1/links/{idOrSlug}/qr` and the public
//! `GET /{slug}/qr`, plus each link's saved style ([`style`]). A link's code
//! encodes its short URL plus the scan marker (`?qr=1`); the image is SVG or PNG,
//! or with `Accept: application/json` a `{"format","size","dataUrl"}` object.
//!
//! The authenticated routes take per-request options (a link's code starts from
//! its saved style). The public route renders the saved style and lets a visitor
//! choose only the format: it fetches nothing and draws no logo it was handed.
//!
//! The same inputs always make the same bytes, so responses carry a strong `ETag`
//! (conditional GETs get 304) and may be cached for a day.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::json;
use worker::{console_error, Env, Request, Response};

mod logo_fetch;
pub mod style;

use super::error::ApiError;
use super::{body, respond, Call};
use crate::core::destination::{DestinationUrl, ShortHosts};
use crate::core::ids::LinkId;
use crate::core::link::Link;
use crate::core::qr::{render, Format, Logo, QrOptions};
use crate::core::qr_request::{invalid, QrRequest, Target};
use crate::core::qr_style::QrStyle;
use crate::core::redirect::RedirectRecord;
use crate::core::scan::scan_url;
use crate::core::slug::Slug;
use crate::core::validation::Invalid;
use crate::shell::config::{self, ShortBase};
use crate::shell::http;
use crate::shell::throttle::{Budget, Client};
use crate::store::qr_styles;
use logo_fetch::Fetched;

/// A rendered image never changes for the same inputs; a renamed slug changes the
/// encoded URL and so the `ETag`, which revalidation catches.
const CACHE_SECONDS: u32 = 86_400;

/// POST /v1/qr-codes: a code for `linkId`, `slug` or a plain `url`.
pub async fn create(req: &mut Request, call: &Call<'_>) -> Result<Response, ApiError> {
    let (target, request) = QrRequest::from_body(body::json(req).await?)?;
    let text = match target {
        Target::LinkId(id_or_slug) | Target::Slug(id_or_slug) => {
            link_scan_url(call, &find(call, &id_or_slug).await?)
        }
        // Any http(s) URL; the short domain is allowed here (no redirect loop).
        Target::Url(url) => DestinationUrl::parse(&url, &ShortHosts::none())
            .map_err(|e| Invalid::new("url", format!("`url` {e}")))?
            .as_str()
            .to_owned(),
    };
    let logo = load_logo(&request).await?;
    image(req, &text, &request, logo, Caching::Private)
}

/// GET /v1/links/{idOrSlug}/qr?size=&format=&…: the link's saved style, with
/// any option the query gives in its place.
pub async fn for_link(
    req: &Request,
    id_or_slug: &str,
    call: &Call<'_>,
) -> Result<Response, ApiError> {
    let link = find(call, id_or_slug).await?;
    let style = saved_style(&call.db()?, &link.id).await?;
    let request = from_query(req, style.options)?;
    let logo = match request.logo {
        Some(_) => load_logo(&request).await?,
        None => style.logo.map(|l| Fetched {
            content_type: l.kind.mime().to_owned(),
            bytes: l.bytes,
        }),
    };
    image(
        req,
        &link_scan_url(call, &link),
        &request,
        logo,
        Caching::Private,
    )
}

/// GET /{slug}/qr?format= (public, SVG by default), for a link the redirect
/// found: its saved style. Charged to the client's QR budget.
pub async fn public(
    req: &Request,
    record: &RedirectRecord,
    slug: &Slug,
    env: &Env,
) -> worker::Result<Response> {
    match public_image(req, record, slug, env).await {
        Ok(response) => Ok(response),
        Err(error) => {
            let response = error.into_response()?;
            response.headers().set("X-Robots-Tag", "noindex")?;
            Ok(response)
        }
    }
}

async fn public_image(
    req: &Request,
    record: &RedirectRecord,
    slug: &Slug,
    env: &Env,
) -> Result<Response, ApiError> {
    if !Client::of(req, env)?.allow(env, Budget::PublicQr).await {
        return Err(ApiError::Throttled(format!(
            "too many QR codes requested from this address; retry in {} seconds",
            Budget::PERIOD_SECONDS
        )));
    }
    let url = req.url()?;
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let format = QrRequest::public_format(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let base = ShortBase::from_env(env, &url)?;
    let style = saved_style(&env.d1(config::DB)?, &record.link_id).await?;
    let request = QrRequest {
        options: style.options,
        format,
        logo: None,
    };
    let logo = style.logo.map(|l| Fetched {
        content_type: l.kind.mime().to_owned(),
        bytes: l.bytes,
    });
    let text = scan_url(&base.short_url(slug.as_str()));
    image(req, &text, &request, logo, Caching::Public)
}

/// The caller's link; another account's is "not found".
async fn find(call: &Call<'_>, id_or_slug: &str) -> Result<Link, ApiError> {
    super::links::find(call, id_or_slug).await
}

fn link_scan_url(call: &Call<'_>, link: &Link) -> String {
    scan_url(&call.base.short_url(link.slug.as_str()))
}

/// A link's saved style, or the defaults.
async fn saved_style(db: &worker::D1Database, link_id: &LinkId) -> Result<QrStyle, ApiError> {
    Ok(qr_styles::get(db, link_id).await?.unwrap_or_default())
}

fn from_query(req: &Request, base: QrOptions) -> Result<QrRequest, ApiError> {
    let url = req.url()?;
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    Ok(QrRequest::from_query(
        base,
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )?)
}

/// Fetches (or decodes) the logo a request names, if any.
async fn load_logo(request: &QrRequest) -> Result<Option<Fetched>, ApiError> {
    match request.logo.clone() {
        Some(source) => {
            Ok(Some(logo_fetch::load(source).await.map_err(|m| {
                Invalid::new("style.logo", format!("logo {m}"))
            })?))
        }
        None => Ok(None),
    }
}

/// Who may keep a copy: authenticated routes only the client (`private`), the
/// public route any cache.
#[derive(Clone, Copy)]
enum Caching {
    Private,
    Public,
}

/// Renders, and answers with the image, its JSON form, or 304.
fn image(
    req: &Request,
    text: &str,
    request: &QrRequest,
    fetched: Option<Fetched>,
    caching: Caching,
) -> Result<Response, ApiError> {
    let etag = request.etag(text, fetched.as_ref().map(|f| f.bytes.as_slice()));
    let cache_control = format!(
        "{}, max-age={CACHE_SECONDS}",
        match caching {
            Caching::Private => "private",
            Caching::Public => "public",
        }
    );
    let wants_json = http::wants_json(req)?;
    let revalidating = matches!(req.method(), worker::Method::Get | worker::Method::Head)
        && req
            .headers()
            .get("If-None-Match")?
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let response = if revalidating {
        Response::empty()?.with_status(304)
    } else {
        let logo = fetched
            .map(|f| Logo::from_bytes(f.bytes, &f.content_type))
            .transpose()
            .map_err(|e| ApiError::Validation(invalid(&e)))?;
        let bytes = render(text, &request.options, request.format, logo.as_ref()).map_err(|e| {
            if e.field().is_some() {
                ApiError::Validation(invalid(&e))
            } else {
                console_error!("QR render failed: {e}");
                ApiError::Internal
            }
        })?;
        let content_type = request.format.content_type();
        if wants_json {
            let data = BASE64.encode(&bytes);
            respond::json(
                200,
                &json!({
                    "format": match request.format { Format::Svg => "svg", Format::Png => "png" },
                    "size": request.options.size,
                    "dataUrl": format!("data:{content_type};base64,{data}"),
                }),
            )?
        } else {
            let length = bytes.len();
            let response = Response::from_bytes(bytes)?;
            let headers = response.headers();
            headers.set("Content-Type", content_type)?;
            headers.set("Content-Length", &length.to_string())?;
            response
        }
    };
    let headers = response.headers();
    headers.set("ETag", &etag)?;
    headers.set("Cache-Control", &cache_control)?;
    // The same URL answers an image or JSON depending on Accept.
    headers.set("Vary", "Accept")?;
    Ok(response)
}
