//! What a visit's decision needs from the request (the redirect's GET and
//! the password form's POST): the country owned, the URL and User-Agent
//! borrowed from the caller, which reads each once for the decision and the
//! click, so a [`Visit`] can borrow them all.

use worker::{Env, Request, Url};

use crate::core::fingerprint::fingerprint;
use crate::core::redirect::{PasswordProof, RedirectRecord, Visit};
use crate::shell::config;
use crate::shell::runtime;

pub struct VisitInput<'a> {
    url: &'a Url,
    user_agent: &'a str,
    country: Option<String>,
    fingerprint: Option<u64>,
}

impl<'a> VisitInput<'a> {
    /// Reads the country and computes the visitor's fingerprint only for
    /// a link whose decision needs them (geo targets, an A/B test). `url`
    /// is `req`'s, parsed once for the decision and the click.
    pub fn of(
        req: &Request,
        url: &'a Url,
        user_agent: &'a str,
        env: &Env,
        record: &RedirectRecord,
    ) -> worker::Result<VisitInput<'a>> {
        let country = if record.needs_country() {
            req.cf().and_then(|cf| cf.country())
        } else {
            None
        };
        let fingerprint = if record.needs_fingerprint() {
            // The fingerprint unique counting uses, so a visitor's variant
            // and their unique visit agree. Without CLICK_SECRET the clicks
            // are keyed randomly, but the variant must stay stable: an empty
            // key then (the clicks' path logs the missing secret).
            let secret = config::click_secret(env).unwrap_or_default();
            let ip = req
                .headers()
                .get(config::CLIENT_IP_HEADER)?
                .unwrap_or_default();
            Some(fingerprint(
                &secret,
                &ip,
                user_agent,
                record.link_id.as_str(),
            ))
        } else {
            None
        };
        Ok(VisitInput {
            url,
            user_agent,
            country,
            fingerprint,
        })
    }

    /// The request's own origin, e.g. `https://smart.link`.
    pub fn origin(&self) -> String {
        self.url.origin().ascii_serialization()
    }

    /// The visit as of now, with no password proven yet.
    pub fn visit(&self, form_post: bool) -> Visit<'_> {
        Visit {
            user_agent: self.user_agent,
            query: self.url.query(),
            now: runtime::now(),
            password: PasswordProof::NotGiven,
            form_post,
            country: self.country.as_deref(),
            fingerprint: self.fingerprint,
        }
    }
}
