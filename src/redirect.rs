//! The hot path: `GET|HEAD /{slug}` → one KV read → 30x (DESIGN.md §3),
//! then the click, recorded after the response ([`crate::click`]). A
//! capped link (`maxClicks`) is the one exception: its redirect waits for
//! the link's ClickCounter to admit the click, and a refusal renders as
//! expiry (`core::redirect::cap_reached`).
//! What to answer is `core::redirect::decide`; password-protected links
//! and the inspect page `/{slug}+` go on to [`crate::link_pages`].
//!
//! D1 is touched only when KV misses: the link may exist with its KV write
//! lost (or KV emptied), so D1 answers and the record is rewritten after
//! the response.

use worker::{console_error, Context, Env, Method, Request, Response, Url};

use crate::click;
use crate::clock;
use crate::config;
use crate::core::html;
use crate::core::redirect::{
    cap_reached, cap_to_check, decide, Decision, GoneReason, PasswordProof, RedirectRecord, Visit,
};
use crate::core::slug::Slug;
use crate::link_pages::{self, Checked, PASSWORD_HEADER};
use crate::store::{kv, links};

pub async fn handle(mut req: Request, env: &Env, ctx: &Context) -> worker::Result<Response> {
    let path = req.path();
    // `/{slug}/qr` serves the link's QR code (DESIGN.md §3).
    let (path, qr) = match path.strip_suffix("/qr") {
        Some(rest) => (rest, true),
        None => (path.as_str(), false),
    };
    let Some(rest) = path.strip_prefix('/').filter(|s| !s.contains('/')) else {
        return not_found(&req);
    };
    let (text, inspect) = match rest.strip_suffix('+') {
        Some(text) => (text, true),
        None => (rest, false),
    };
    // POST is the password form's, on `/{slug}` only; links without a
    // password refuse it below.
    let allow = if qr || inspect { READ_ONLY } else { WITH_FORM };
    let Some(method) = crate::method::of(&req).filter(|m| {
        matches!(m, Method::Get | Method::Head) || (allow == WITH_FORM && *m == Method::Post)
    }) else {
        return method_not_allowed(allow);
    };
    let Ok(slug) = Slug::parse(text) else {
        return not_found(&req);
    };
    if qr && inspect {
        return not_found(&req);
    }
    if inspect {
        return link_pages::inspect(&req, &slug, env).await;
    }
    match lookup(&slug, env, ctx).await {
        Ok(Some(_)) if qr => crate::api::qr::public(&req, &slug, env).await,
        Ok(Some(record)) => {
            let response = if method == Method::Post {
                link_pages::form_post(&mut req, &slug, &record).await?
            } else {
                visit(&req, &slug, &record).await?
            };
            // Only a visitor who was sent on is a click: not a 410, a
            // password form or a refusal, which therefore copy nothing.
            if (300..400).contains(&response.status_code()) {
                if let Some(click) = click::capture(&req, &record.link_id) {
                    match cap_to_check(&record, clock::now()) {
                        None => click.send_later(env, ctx),
                        Some(cap) => {
                            if !click.admit(env, cap).await {
                                return respond(&req, &slug, cap_reached(&record)).await;
                            }
                        }
                    }
                }
            }
            Ok(response)
        }
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

/// What a visit's decision needs from the request, owned so a [`Visit`]
/// can borrow it (the GET path here and the password form's POST).
pub struct VisitInput {
    url: Url,
    user_agent: String,
}

impl VisitInput {
    pub fn of(req: &Request) -> worker::Result<VisitInput> {
        Ok(VisitInput {
            url: req.url()?,
            user_agent: req.headers().get("User-Agent")?.unwrap_or_default(),
        })
    }

    /// The request's own origin, e.g. `https://smart.link`.
    pub fn origin(&self) -> String {
        self.url.origin().ascii_serialization()
    }

    /// The visit as of now, with no password proven yet.
    pub fn visit(&self, form_post: bool) -> Visit<'_> {
        Visit {
            user_agent: &self.user_agent,
            query: self.url.query(),
            now: clock::now(),
            password: PasswordProof::NotGiven,
            form_post,
        }
    }
}

/// GET or HEAD of a known link. The password, when the link has one and
/// the visitor sent `X-Link-Password`, is verified only when the decision
/// asks for it, so open links never pay for a PBKDF2.
async fn visit(req: &Request, slug: &Slug, record: &RedirectRecord) -> worker::Result<Response> {
    let input = VisitInput::of(req)?;
    let mut visit = input.visit(false);
    let mut decision = decide(record, &visit);
    if matches!(decision, Decision::PasswordRequired { .. }) {
        if let Some(given) = req.headers().get(PASSWORD_HEADER)? {
            match link_pages::check_password(req, slug, record, &given, visit.now).await? {
                Checked::Locked { retry_after } => {
                    return link_pages::locked(req, slug, retry_after).await
                }
                Checked::Proof(proof) => {
                    visit.password = proof;
                    decision = decide(record, &visit);
                }
            }
        }
    }
    respond(req, slug, decision).await
}

/// Renders a decision.
pub async fn respond(req: &Request, slug: &Slug, decision: Decision) -> worker::Result<Response> {
    match decision {
        Decision::Redirect { status, location } => redirect(status, &location),
        Decision::Gone(reason) => link_pages::gone(req, reason != GoneReason::Disabled),
        Decision::PasswordRequired { wrong } => {
            link_pages::password_required(req, slug, wrong).await
        }
    }
}

/// `Allow` of `/{slug}+` and `/{slug}/qr`, and of links without a password.
pub const READ_ONLY: &str = "GET, HEAD";
/// `Allow` of `/{slug}`: POST submits a password form.
pub const WITH_FORM: &str = "GET, HEAD, POST";

pub fn method_not_allowed(allow: &str) -> worker::Result<Response> {
    let response = Response::error("Method Not Allowed", 405)?;
    response.headers().set("Allow", allow)?;
    Ok(response)
}

fn redirect(status: u16, location: &str) -> worker::Result<Response> {
    let response = Response::empty()?.with_status(status);
    let headers = response.headers();
    headers.set("Location", location)?;
    // Every visit must reach us to be counted: no shared or browser caching.
    headers.set("Cache-Control", "private, max-age=0")?;
    headers.set("X-Robots-Tag", "noindex")?;
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

/// Whether the client asked for JSON rather than a page.
pub fn wants_json(req: &Request) -> worker::Result<bool> {
    Ok(req
        .headers()
        .get("Accept")?
        .is_some_and(|accept| accept.contains("application/json")))
}

pub fn page_or_json(
    req: &Request,
    status: u16,
    code: &str,
    title: &str,
    message: &str,
) -> worker::Result<Response> {
    let response = if wants_json(req)? {
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
