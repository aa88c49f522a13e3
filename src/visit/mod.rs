//! The short domain, for anonymous visitors (DESIGN.md §3): `GET|HEAD
//! /{slug}` and the password form's `POST /{slug}`, the inspect page
//! `/{slug}+` and the public QR code `/{slug}/qr`.
//!
//! - [`lookup`]: the slug's record: the isolate's cache, KV, D1 on a miss.
//! - [`redirect`]: a visit's decision (`core::redirect::decide`) and its answer.
//! - [`password`]: the password gate, by header or by form.
//! - [`inspect`]: where a link goes, without going there.
//! - [`render`]: every page and JSON answer a visitor can get.
//! - [`click`]: the click, copied from the request into the isolate's buffer.
//! - [`flush`]: that buffer, handed to the clicks queue once per window.

mod click;
mod flush;
mod input;
mod inspect;
mod lookup;
mod password;
mod redirect;
mod render;

use worker::{console_error, Context, Env, Method, Request};

use crate::core::redirect::{cap_reached, cap_to_check};
use crate::core::routing::Target;
use crate::core::slug::Slug;
use crate::shell::http::{self, Reply};
use crate::shell::runtime;
use input::VisitUrl;
use password::Gate;
use render::{method_not_allowed, not_found, unavailable, READ_ONLY, WITH_FORM};

/// What the path asks of a slug.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Page {
    Redirect,
    Inspect,
    Qr,
}

/// Splits `/{slug}`, `/{slug}+` and `/{slug}/qr`; `None` for any other path.
fn parse_path(path: &str) -> Option<(&str, Page)> {
    let (path, qr) = match path.strip_suffix("/qr") {
        Some(rest) => (rest, true),
        None => (path, false),
    };
    let rest = path.strip_prefix('/').filter(|s| !s.contains('/'))?;
    match (rest.strip_suffix('+'), qr) {
        (Some(_), true) => None,
        (Some(text), false) => Some((text, Page::Inspect)),
        (None, true) => Some((rest, Page::Qr)),
        (None, false) => Some((rest, Page::Redirect)),
    }
}

pub async fn handle(mut req: Request, env: &Env, ctx: &Context) -> worker::Result<Reply> {
    let path = req.path();
    let Some((text, page)) = parse_path(&path) else {
        return not_found(&req).map(Reply::from);
    };
    // POST is the password form's, on `/{slug}` only; links without a
    // password refuse it later.
    let allow = if page == Page::Redirect {
        WITH_FORM
    } else {
        READ_ONLY
    };
    let Some(method) = http::method(&req).filter(|m| {
        matches!(m, Method::Get | Method::Head) || (allow == WITH_FORM && *m == Method::Post)
    }) else {
        return method_not_allowed(allow).map(Reply::from);
    };
    let Ok(slug) = Slug::for_lookup(text) else {
        return not_found(&req).map(Reply::from);
    };
    if page == Page::Inspect {
        return inspect::inspect(&req, &slug, env).await.map(Reply::from);
    }
    let record = match lookup::lookup(&slug, env, ctx).await {
        Ok(Some(record)) => record,
        Ok(None) => return not_found(&req).map(Reply::from),
        Err(e) => {
            console_error!("redirect of '{slug}' failed: {e}");
            return unavailable(&req).map(Reply::from);
        }
    };
    if page == Page::Qr {
        return crate::api::qr::public(&req, &record, &slug, env)
            .await
            .map(Reply::from);
    }
    let url = VisitUrl::of(&req);
    let user_agent = req.headers().get("User-Agent")?.unwrap_or_default();
    let answer = if method == Method::Post {
        let body = password::read_form(&mut req).await?;
        let gate = Gate {
            req: &req,
            url: &url,
            user_agent: &user_agent,
            env,
            ctx,
        };
        gate.form_post(body, &slug, &record).await?
    } else {
        let gate = Gate {
            req: &req,
            url: &url,
            user_agent: &user_agent,
            env,
            ctx,
        };
        redirect::visit(&gate, &slug, &record).await?
    };
    // Only a visitor who was sent on is a click, and a social preview an
    // unfurl: not a 410, a password form or a refusal, which therefore
    // copy nothing. An unfurl consumes no capped click.
    if let Some(target) = answer.served {
        if let Some(click) = click::capture(&req, &url, &user_agent, &record.link_id, target) {
            match cap_to_check(&record, runtime::now()).filter(|_| target != Target::Preview) {
                None => click.record(env, ctx),
                Some(cap) => {
                    if !click.admit(env, cap).await {
                        return render::decision(&req, &slug, cap_reached(&record));
                    }
                }
            }
        }
    }
    Ok(answer.response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_slug_is_a_redirect() {
        assert!(matches!(parse_path("/abc"), Some(("abc", Page::Redirect))));
    }

    #[test]
    fn a_trailing_plus_is_the_inspect_page() {
        assert!(matches!(parse_path("/abc+"), Some(("abc", Page::Inspect))));
    }

    #[test]
    fn a_qr_suffix_is_the_public_qr_code() {
        assert!(matches!(parse_path("/abc/qr"), Some(("abc", Page::Qr))));
    }

    #[test]
    fn other_paths_are_not_slugs() {
        for path in ["/a/b", "/abc+/qr", "abc", "/a/b/qr"] {
            assert!(parse_path(path).is_none(), "{path}");
        }
    }
}
