//! The password gate of a protected link: the `X-Link-Password` header and
//! the HTML form's POST. The decisions are `core::redirect` and
//! `core::password`; the pages are [`super::render`]'s.
//!
//! The form is protected by a double-submit token (a random value in a
//! `__Host-` cookie, `SameSite=Strict`, echoed in a hidden field) and by
//! refusing posts that `Sec-Fetch-Site`/`Origin` mark as cross-site. Wrong
//! passwords are counted per link (`store::attempts`); past
//! `MAX_FAILURES` in a window the link answers 429 without verifying.

use worker::{console_error, Env, Request};

use super::input::VisitInput;
use super::render::{self, password_form, Answer, READ_ONLY};
use crate::core::password::{self, FormPost, CSRF_COOKIE, MAX_FAILURES};
use crate::core::redirect::{decide, Decision, PasswordProof, RedirectRecord};
use crate::core::slug::Slug;
use crate::core::time::UnixMillis;
use crate::store::attempts;

/// API clients may send the password in this header instead of the form.
pub const PASSWORD_HEADER: &str = "X-Link-Password";
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
pub async fn check(
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

/// POST /{slug}: the password form. A right password gets a 303 to where
/// the link sends this visitor; anything else gets the form again.
pub async fn form_post(
    req: &mut Request,
    env: &Env,
    slug: &Slug,
    record: &RedirectRecord,
) -> worker::Result<Answer> {
    if record.password.is_none() {
        return render::method_not_allowed(READ_ONLY).map(Answer::from);
    }
    let input = VisitInput::of(req, env, record)?;
    let mut visit = input.visit(true);
    // An expired or disabled link says so, password or not.
    let decision = decide(record, &visit);
    if !matches!(decision, Decision::PasswordRequired { .. }) {
        return render::answer(req, slug, decision);
    }
    let headers = req.headers();
    let own_origin = input.origin();
    if !password::same_origin_post(
        headers.get("Sec-Fetch-Site")?.as_deref(),
        headers.get("Origin")?.as_deref(),
        &own_origin,
    ) {
        return password_form(
            req,
            slug,
            403,
            Some("This form must be sent from this page. Please try again."),
        )
        .map(Answer::from);
    }
    let declared = headers
        .get("Content-Length")?
        .and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FORM_BYTES) {
        return password_form(req, slug, 413, Some("That was too long. Please try again."))
            .map(Answer::from);
    }
    let cookie = headers.get("Cookie")?.unwrap_or_default();
    let body = req.bytes().await?;
    if body.len() > MAX_FORM_BYTES {
        return password_form(req, slug, 413, Some("That was too long. Please try again."))
            .map(Answer::from);
    }
    let post = FormPost::parse(&body);
    if !password::csrf_ok(password::cookie(&cookie, CSRF_COOKIE), &post.csrf) {
        return password_form(
            req,
            slug,
            403,
            Some("This form has expired. Please enter the password again."),
        )
        .map(Answer::from);
    }
    match check(req, slug, record, &post.password, visit.now).await? {
        Checked::Locked { retry_after } => render::locked(req, slug, retry_after).map(Answer::from),
        Checked::Proof(proof) => {
            visit.password = proof;
            render::answer(req, slug, decide(record, &visit))
        }
    }
}
