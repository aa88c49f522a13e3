//! QR codes: `POST /v1/qr-codes`, `GET /v1/links/{idOrSlug}/qr` and the public
//! `GET /{slug}/qr`. A link's code encodes its short URL plus the scan marker
//! (`?qr=1`); the image is SVG or PNG, or with `Accept: application/json` a
//! `{"format","size","dataUrl"}` object.
//!
//! The same inputs always make the same bytes, so responses carry a strong `ETag`
//! (conditional GETs get 304) and may be cached for a day.

use serde_json::json;
use worker::{console_error, Env, Request, Response};

mod logo_fetch;

use super::error::ApiError;
use super::{body, respond, Call};
use crate::core::base64;
use crate::core::destination::DestinationUrl;
use crate::core::qr::{render, Format, Logo};
use crate::core::qr_request::{invalid, QrRequest, Target};
use crate::core::scan::scan_url;
use crate::core::slug::Slug;
use crate::core::validation::Invalid;
use crate::shell::config::ShortBase;
use crate::shell::http;

/// A rendered image never changes for the same inputs; a renamed slug changes the
/// encoded URL and so the `ETag`, which revalidation catches.
const CACHE_SECONDS: u32 = 86_400;

/// POST /v1/qr-codes: a code for `linkId`, `slug` or a plain `url`.
pub async fn create(req: &mut Request, call: &Call<'_>) -> Result<Response, ApiError> {
    let (target, request) = QrRequest::from_body(body::json(req).await?)?;
    let text = match target {
        Target::LinkId(id_or_slug) | Target::Slug(id_or_slug) => {
            link_scan_url(call, &id_or_slug).await?
        }
        // Any http(s) URL; the short domain is allowed here (no redirect loop).
        Target::Url(url) => DestinationUrl::parse(&url, "")
            .map_err(|e| Invalid::new("url", format!("`url` {e}")))?
            .as_str()
            .to_owned(),
    };
    image(req, &text, request, Caching::Private).await
}

/// GET /v1/links/{idOrSlug}/qr?size=&format=&…
pub async fn for_link(
    req: &Request,
    id_or_slug: &str,
    call: &Call<'_>,
) -> Result<Response, ApiError> {
    let request = from_query(req)?;
    let text = link_scan_url(call, id_or_slug).await?;
    image(req, &text, request, Caching::Private).await
}

/// GET /{slug}/qr?… (public, SVG by default), for a slug the redirect found.
pub async fn public(req: &Request, slug: &Slug, env: &Env) -> worker::Result<Response> {
    let base = ShortBase::from_env(env, &req.url()?);
    let result = match from_query(req) {
        Ok(request) => {
            let text = scan_url(&base.short_url(slug.as_str()));
            image(req, &text, request, Caching::Public).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(response) => Ok(response),
        Err(error) => error.into_response(),
    }
}

async fn link_scan_url(call: &Call<'_>, id_or_slug: &str) -> Result<String, ApiError> {
    let link = super::links::find(call, id_or_slug).await?;
    Ok(scan_url(&call.base.short_url(link.slug.as_str())))
}

fn from_query(req: &Request) -> Result<QrRequest, ApiError> {
    let url = req.url()?;
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    Ok(QrRequest::from_query(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )?)
}

/// Who may keep a copy: authenticated routes only the client (`private`), the
/// public route any cache.
#[derive(Clone, Copy)]
enum Caching {
    Private,
    Public,
}

/// Loads the logo, renders, and answers with the image, its JSON form, or 304.
async fn image(
    req: &Request,
    text: &str,
    request: QrRequest,
    caching: Caching,
) -> Result<Response, ApiError> {
    let fetched = match request.logo.clone() {
        Some(source) => Some(
            logo_fetch::load(source)
                .await
                .map_err(|m| Invalid::new("style.logo", format!("logo {m}")))?,
        ),
        None => None,
    };
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
            let data = base64::encode(&bytes);
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
