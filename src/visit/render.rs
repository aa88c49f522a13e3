//! Every answer a visitor of the short domain can get: the redirect itself,
//! the social preview for unfurling bots, pages for browsers and JSON for
//! clients that ask for it (404, 410, 503, 405), the password form and its
//! lock-out. Page bodies are built in
//! `core::html` and `core::redirect_page`; this module adds status and
//! headers.

use worker::{Request, Response};

use super::input::VisitUrl;
use crate::core::html;
use crate::core::password::{self, CSRF_COOKIE, CSRF_TOKEN_LEN};
use crate::core::random;
use crate::core::redirect::{Decision, GoneReason};
use crate::core::redirect_page::{self, Preview};
use crate::core::routing::{SocialPreview, Target};
use crate::core::slug::Slug;
use crate::shell::http::{self, wants_json, Reply};
use crate::shell::runtime;

/// `Allow` of `/{slug}+` and `/{slug}/qr`, and of links without a password.
pub const READ_ONLY: &str = "GET, HEAD";
/// `Allow` of `/{slug}`: POST submits a password form.
pub const WITH_FORM: &str = "GET, HEAD, POST";

/// A response, and what it served the visitor when it is a click or an
/// unfurl to record (`None`: a page that sent nobody anywhere).
pub struct Answer {
    pub response: Reply,
    pub served: Option<Target>,
}

impl From<Response> for Answer {
    fn from(response: Response) -> Self {
        Answer {
            response: response.into(),
            served: None,
        }
    }
}

/// Renders a visit's decision, with what it served.
pub fn answer(req: &Request, slug: &Slug, decision: Decision) -> worker::Result<Answer> {
    let served = match &decision {
        Decision::Redirect { target, .. } => Some(*target),
        Decision::Preview { .. } => Some(Target::Preview),
        Decision::Gone(_) | Decision::PasswordRequired { .. } => None,
    };
    Ok(Answer {
        response: self::decision(req, slug, decision)?,
        served,
    })
}

/// Renders a visit's decision.
pub fn decision(req: &Request, slug: &Slug, decision: Decision) -> worker::Result<Reply> {
    let page = match decision {
        Decision::Redirect {
            status, location, ..
        } => return redirect(status, &location),
        Decision::Preview { preview, location } => social_preview(req, slug, &preview, &location),
        Decision::Gone(reason) => gone(req, reason != GoneReason::Disabled),
        Decision::PasswordRequired { wrong } => password_required(req, slug, wrong),
    };
    page.map(Reply::from)
}

/// The 200 page of Open Graph and Twitter Card tags a link-unfurling bot
/// builds its preview card from. `og:url` is the short URL it fetched.
fn social_preview(
    req: &Request,
    slug: &Slug,
    preview: &SocialPreview,
    location: &str,
) -> worker::Result<Response> {
    let short_url = format!("{}/{slug}", req.url()?.origin().ascii_serialization());
    let response = http::html_page(
        200,
        redirect_page::social_preview(&Preview {
            preview,
            short_url: &short_url,
            destination: location,
        }),
    )?;
    let headers = response.headers();
    // Each unfurl is counted, and a changed preview shows at the next one.
    headers.set("Cache-Control", "private, max-age=0")?;
    headers.set("X-Robots-Tag", "noindex")?;
    Ok(response)
}

fn redirect(status: u16, location: &str) -> worker::Result<Reply> {
    // Every visit must reach us to be counted: no shared or browser caching.
    http::redirect(
        status,
        location,
        &[
            ("Cache-Control", "private, max-age=0"),
            ("X-Robots-Tag", "noindex"),
        ],
    )
}

pub fn method_not_allowed(allow: &str) -> worker::Result<Response> {
    let response = Response::error("Method Not Allowed", 405)?;
    response.headers().set("Allow", allow)?;
    Ok(response)
}

/// 404: JSON for API clients that ask for it, a small page for browsers.
pub fn not_found(req: &Request) -> worker::Result<Response> {
    page_or_json(
        req,
        404,
        "not_found",
        "Link not found",
        "This short link does not exist, or it has been deleted.",
    )
}

/// 500 for a deployment missing a setting (logged by the caller).
pub fn misconfigured(req: &Request) -> worker::Result<Response> {
    page_or_json(
        req,
        500,
        "internal_error",
        "Not available",
        "This page cannot be shown right now.",
    )
}

pub fn unavailable(req: &Request) -> worker::Result<Response> {
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

/// The 410 of a disabled or expired link.
fn gone(req: &Request, expired: bool) -> worker::Result<Response> {
    if expired {
        page_or_json(
            req,
            410,
            "expired",
            "Link expired",
            "This short link has expired and no longer leads anywhere.",
        )
    } else {
        page_or_json(
            req,
            410,
            "disabled",
            "Link disabled",
            "This short link has been disabled by its owner.",
        )
    }
}

fn page_or_json(
    req: &Request,
    status: u16,
    code: &str,
    title: &str,
    message: &str,
) -> worker::Result<Response> {
    let response = if wants_json(req)? {
        http::json_error(status, code, message, None)?
    } else {
        http::html_page(status, html::page(title, message))?
    };
    response.headers().set("X-Robots-Tag", "noindex")?;
    Ok(response)
}

/// A JSON error that search engines should not index.
fn json_error(status: u16, code: &str, message: &str) -> worker::Result<Response> {
    let response = http::json_error(status, code, message, None)?;
    response.headers().set("X-Robots-Tag", "noindex")?;
    Ok(response)
}

/// The answer to a visitor who has not (or not rightly) given the password:
/// the form, or for API clients a JSON 401/403.
fn password_required(req: &Request, slug: &Slug, wrong: bool) -> worker::Result<Response> {
    if wants_json(req)? {
        return if wrong {
            json_error(403, "wrong_password", "the password is wrong")
        } else {
            json_error(
                401,
                "password_required",
                "this link is protected; send its password in the X-Link-Password header",
            )
        };
    }
    if wrong {
        password_form(req, slug, 403, Some("Wrong password. Please try again."))
    } else {
        password_form(req, slug, 200, None)
    }
}

/// 429 after too many wrong passwords, with `Retry-After`.
pub fn locked(req: &Request, slug: &Slug, retry_after: i64) -> worker::Result<Response> {
    let response = if wants_json(req)? {
        json_error(
            429,
            "rate_limited",
            "too many wrong passwords for this link; try again later",
        )?
    } else {
        let minutes = (retry_after + 59) / 60;
        let message = format!(
            "Too many wrong passwords. Try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        );
        password_form(req, slug, 429, Some(&message))?
    };
    response
        .headers()
        .set("Retry-After", &retry_after.to_string())?;
    Ok(response)
}

/// The password form page. Reuses the visitor's token when it has one, so
/// two tabs of protected links do not invalidate each other.
pub fn password_form(
    req: &Request,
    slug: &Slug,
    status: u16,
    error: Option<&str>,
) -> worker::Result<Response> {
    let cookie = req.headers().get("Cookie")?.unwrap_or_default();
    let token = match password::cookie(&cookie, CSRF_COOKIE)
        .filter(|t| t.len() == CSRF_TOKEN_LEN && random::is_base62(t))
    {
        Some(token) => token.to_owned(),
        None => random::base62(&runtime::entropy::<{ random::entropy_for(CSRF_TOKEN_LEN) }>()?),
    };
    let action = match VisitUrl::of(req).query() {
        Some(query) => format!("/{slug}?{query}"),
        None => format!("/{slug}"),
    };
    let response = http::html_page(status, redirect_page::password_form(&action, &token, error))?;
    let headers = response.headers();
    // `same-origin` instead of `no-referrer`, so the browser sends a real
    // `Origin` with the post for the cross-site check.
    headers.set("Referrer-Policy", "same-origin")?;
    headers.set("Cache-Control", "no-store")?;
    headers.set("X-Robots-Tag", "noindex")?;
    headers.set(
        "Set-Cookie",
        &format!("{CSRF_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=3600"),
    )?;
    Ok(response)
}
