//! The visitor-facing side of smart links that is not a plain redirect:
//! the password gate (`X-Link-Password`, the HTML form and its POST) and
//! the inspect page `GET /{slug}+`. The decisions are `core::redirect` and
//! `core::password`; this module gathers their inputs and renders them.
//!
//! The form is protected by a double-submit token (a random value in a
//! `__Host-` cookie, `SameSite=Strict`, echoed in a hidden field) and by
//! refusing posts that `Sec-Fetch-Site`/`Origin` mark as cross-site. Wrong
//! passwords are counted per link (`store::attempts`); past
//! `MAX_FAILURES` in a window the link answers 429 without verifying.

use serde_json::json;
use worker::{console_error, Env, Request, Response};

use crate::clock;
use crate::config::{self, ShortBase};
use crate::core::html;
use crate::core::password::{self, FormPost, MAX_FAILURES};
use crate::core::random;
use crate::core::redirect::{decide, Decision, PasswordProof, RedirectRecord};
use crate::core::redirect_page::{self, Inspection};
use crate::core::slug::Slug;
use crate::core::time::UnixMillis;
use crate::redirect::{not_found, page_or_json, respond, unavailable, wants_json, VisitInput};
use crate::store::{attempts, links};

/// API clients may send the password in this header instead of the form.
pub const PASSWORD_HEADER: &str = "X-Link-Password";
const CSRF_COOKIE: &str = "__Host-sl_form";
const TOKEN_LEN: usize = 24;
/// A password of at most 128 characters is at most 512 bytes; with the
/// token and encoding, 4 KiB is ample.
const MAX_FORM_BYTES: usize = 4_096;

/// The outcome of checking a password the visitor sent.
pub enum Checked {
    Locked { retry_after: i64 },
    Proof(PasswordProof),
}

/// Verifies `given` against the link's hash, unless the link is locked by
/// too many wrong guesses; a wrong guess is counted.
pub async fn check_password(
    req: &Request,
    slug: &Slug,
    record: &RedirectRecord,
    given: &str,
    now: UnixMillis,
) -> worker::Result<Checked> {
    let origin = req.url()?.origin().ascii_serialization();
    let window = password::window(now);
    // A counter we cannot read fails open: each guess still costs a PBKDF2.
    let failures = attempts::failures(&origin, slug, window)
        .await
        .unwrap_or_else(|e| {
            console_error!("password counter of '{slug}' unreadable: {e}");
            0
        });
    if failures >= MAX_FAILURES {
        return Ok(Checked::Locked {
            retry_after: password::retry_after_seconds(now),
        });
    }
    let correct = record.password.as_ref().is_some_and(|h| h.verify(given));
    if !correct {
        if let Err(e) = attempts::set_failures(&origin, slug, window, failures + 1).await {
            console_error!("password counter of '{slug}' not written: {e}");
        }
    }
    Ok(Checked::Proof(if correct {
        PasswordProof::Correct
    } else {
        PasswordProof::Wrong
    }))
}

/// The answer to a visitor who has not (or not rightly) given the password:
/// the form, or for API clients a JSON 401/403.
pub async fn password_required(
    req: &Request,
    slug: &Slug,
    wrong: bool,
) -> worker::Result<Response> {
    if wants_json(req)? {
        return Ok(if wrong {
            json_error(403, "wrong_password", "the password is wrong")?
        } else {
            json_error(
                401,
                "password_required",
                "this link is protected; send its password in the X-Link-Password header",
            )?
        });
    }
    if wrong {
        form(req, slug, 403, Some("Wrong password. Please try again.")).await
    } else {
        form(req, slug, 200, None).await
    }
}

/// 429 after too many wrong passwords, with `Retry-After`.
pub async fn locked(req: &Request, slug: &Slug, retry_after: i64) -> worker::Result<Response> {
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
        form(req, slug, 429, Some(&message)).await?
    };
    response
        .headers()
        .set("Retry-After", &retry_after.to_string())?;
    Ok(response)
}

/// POST /{slug}: the password form. A right password gets a 303 to where
/// the link sends this visitor; anything else gets the form again.
pub async fn form_post(
    req: &mut Request,
    slug: &Slug,
    record: &RedirectRecord,
) -> worker::Result<Response> {
    if record.password.is_none() {
        return crate::redirect::method_not_allowed(crate::redirect::READ_ONLY);
    }
    let input = VisitInput::of(req)?;
    let mut visit = input.visit(true);
    // An expired or disabled link says so, password or not.
    let decision = decide(record, &visit);
    if !matches!(decision, Decision::PasswordRequired { .. }) {
        return respond(req, slug, decision).await;
    }
    let headers = req.headers();
    let own_origin = input.origin();
    if !password::same_origin_post(
        headers.get("Sec-Fetch-Site")?.as_deref(),
        headers.get("Origin")?.as_deref(),
        &own_origin,
    ) {
        return form(
            req,
            slug,
            403,
            Some("This form must be sent from this page. Please try again."),
        )
        .await;
    }
    let declared = headers
        .get("Content-Length")?
        .and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FORM_BYTES) {
        return form(req, slug, 413, Some("That was too long. Please try again.")).await;
    }
    let cookie = headers.get("Cookie")?.unwrap_or_default();
    let body = req.bytes().await?;
    if body.len() > MAX_FORM_BYTES {
        return form(req, slug, 413, Some("That was too long. Please try again.")).await;
    }
    let post = FormPost::parse(&body);
    if !password::csrf_ok(password::cookie(&cookie, CSRF_COOKIE), &post.csrf) {
        return form(
            req,
            slug,
            403,
            Some("This form has expired. Please enter the password again."),
        )
        .await;
    }
    match check_password(req, slug, record, &post.password, visit.now).await? {
        Checked::Locked { retry_after } => locked(req, slug, retry_after).await,
        Checked::Proof(proof) => {
            visit.password = proof;
            respond(req, slug, decide(record, &visit)).await
        }
    }
}

/// The form page. Reuses the visitor's token when it has one, so two tabs
/// of protected links do not invalidate each other.
async fn form(
    req: &Request,
    slug: &Slug,
    status: u16,
    error: Option<&str>,
) -> worker::Result<Response> {
    let cookie = req.headers().get("Cookie")?.unwrap_or_default();
    let token = match password::cookie(&cookie, CSRF_COOKIE)
        .filter(|t| t.len() == TOKEN_LEN && random::is_base62(t))
    {
        Some(token) => token.to_owned(),
        None => random::base62(&clock::entropy::<{ random::entropy_for(TOKEN_LEN) }>()?),
    };
    let url = req.url()?;
    let action = match url.query() {
        Some(query) => format!("/{slug}?{query}"),
        None => format!("/{slug}"),
    };
    let response = Response::from_html(redirect_page::password_form(&action, &token, error))?
        .with_status(status);
    let headers = response.headers();
    for (name, value) in html::SECURITY_HEADERS {
        headers.set(name, value)?;
    }
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

/// GET /{slug}+: where the link goes, without going there. Reads D1 (not
/// the hot path) for the title and creation date. A password hides the
/// destinations.
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
    } else if record.expired(clock::now()) {
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
        let response = Response::from_html(redirect_page::inspect(&inspection))?;
        for (name, value) in html::SECURITY_HEADERS {
            response.headers().set(name, value)?;
        }
        response
    };
    response.headers().set("X-Robots-Tag", "noindex")?;
    Ok(response)
}

fn json_error(status: u16, code: &str, message: &str) -> worker::Result<Response> {
    let response = Response::from_json(&json!({ "error": { "code": code, "message": message } }))?
        .with_status(status);
    response.headers().set("X-Robots-Tag", "noindex")?;
    Ok(response)
}

/// The 410 of a disabled or expired link.
pub fn gone(req: &Request, expired: bool) -> worker::Result<Response> {
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
