//! Loads a QR logo from its vetted [`LogoSource`]: inline bytes as they are, or an
//! `https` fetch with a 5 s timeout, a 512 KiB cap, redirects followed by hand (each
//! hop re-vetted, at most 3) and image content types only. Fetched logos are kept in
//! the Cache API (`caches.default`, keyed by URL) for a day, so a popular QR code
//! does not refetch its logo on every render.

use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use worker::{
    console_error, AbortController, AbortSignal, Cache, Delay, Fetch, Headers, Method, Request,
    RequestInit, RequestRedirect, Response, Url,
};

use crate::core::logo_source::{
    is_image_type, redirect_target, LogoSource, MAX_LOGO_BYTES, MAX_REDIRECTS,
};

/// Whole fetch, redirects and body included.
const TIMEOUT: Duration = Duration::from_secs(5);
/// How long a fetched logo is reused.
const CACHE_SECONDS: u32 = 86_400;

/// A logo's bytes and its content type.
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// The logo's bytes. The error is a message for `style.logo`.
pub async fn load(source: LogoSource) -> Result<Fetched, String> {
    let url = match source {
        LogoSource::Inline { bytes, media_type } => {
            return Ok(Fetched {
                bytes,
                content_type: media_type,
            })
        }
        LogoSource::Remote(url) => url,
    };
    let cache = Cache::default();
    if let Ok(Some(mut hit)) = cache.get(url.as_str(), false).await {
        if let (Ok(bytes), Ok(content_type)) = (hit.bytes().await, content_type(&hit)) {
            return Ok(Fetched {
                bytes,
                content_type,
            });
        }
    }
    let controller = AbortController::default();
    let fetch = Box::pin(fetch_following(url.clone(), controller.signal()));
    let fetched = match select(fetch, Delay::from(TIMEOUT)).await {
        Either::Left((result, _)) => result?,
        Either::Right(((), pending)) => {
            drop(pending);
            // Cancels the request (or the body read) in the runtime too.
            controller.abort();
            return Err(format!(
                "could not be fetched within {} s",
                TIMEOUT.as_secs()
            ));
        }
    };
    if let Err(e) = remember(&cache, &url, &fetched).await {
        console_error!("could not cache the logo {url}: {e}");
    }
    Ok(fetched)
}

async fn fetch_following(mut url: Url, signal: AbortSignal) -> Result<Fetched, String> {
    for _ in 0..=MAX_REDIRECTS {
        let mut init = RequestInit::new();
        init.with_method(Method::Get)
            .with_redirect(RequestRedirect::Manual);
        let request = Request::new_with_init(url.as_str(), &init).map_err(unreachable)?;
        let mut response = Fetch::Request(request)
            .send_with_signal(&signal)
            .await
            .map_err(unreachable)?;
        let status = response.status_code();
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            let location = response
                .headers()
                .get("Location")
                .ok()
                .flatten()
                .ok_or("redirected without a Location")?;
            url = redirect_target(&url, &location)?;
            continue;
        }
        if status != 200 {
            return Err(format!(
                "could not be fetched: the server answered {status}"
            ));
        }
        let content_type = content_type(&response)?;
        if !is_image_type(&content_type) {
            return Err(format!(
                "is not an image (content type: {})",
                if content_type.is_empty() {
                    "none"
                } else {
                    &content_type
                }
            ));
        }
        let declared = response
            .headers()
            .get("Content-Length")
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse::<usize>().ok());
        if declared.is_some_and(|n| n > MAX_LOGO_BYTES) {
            return Err(too_large());
        }
        let bytes = read_capped(&mut response).await?;
        return Ok(Fetched {
            bytes,
            content_type,
        });
    }
    Err(format!("was redirected more than {MAX_REDIRECTS} times"))
}

/// The body, stopping as soon as it passes the cap (a missing or lying
/// `Content-Length` cannot make us buffer more).
async fn read_capped(response: &mut Response) -> Result<Vec<u8>, String> {
    let mut stream = response.stream().map_err(unreachable)?;
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(unreachable)?;
        if bytes.len() + chunk.len() > MAX_LOGO_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn content_type(response: &Response) -> Result<String, String> {
    Ok(response
        .headers()
        .get("Content-Type")
        .map_err(unreachable)?
        .unwrap_or_default())
}

async fn remember(cache: &Cache, url: &Url, fetched: &Fetched) -> worker::Result<()> {
    let headers = Headers::new();
    headers.set("Content-Type", &fetched.content_type)?;
    headers.set("Cache-Control", &format!("public, max-age={CACHE_SECONDS}"))?;
    let response = Response::from_bytes(fetched.bytes.clone())?.with_headers(headers);
    cache.put(url.as_str(), response).await
}

fn unreachable(e: worker::Error) -> String {
    format!("could not be fetched ({e})")
}

fn too_large() -> String {
    format!("is larger than {} KiB", MAX_LOGO_BYTES / 1024)
}
