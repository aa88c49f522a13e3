//! What a visit's decision needs from the request (the redirect's GET and
//! the password form's POST): the country owned, the URL and User-Agent
//! borrowed from the caller, which reads each once for the decision and the
//! click, so a [`Visit`] can borrow them all.

use worker::{Env, Request, Url};

use crate::core::fingerprint::fingerprint;
use crate::core::redirect::{PasswordProof, RedirectRecord, Visit};
use crate::shell::config;
use crate::shell::runtime;

/// The request's URL as the runtime serialised it (WHATWG). A redirect
/// needs only its query, which this splits off without parsing the URL
/// again: in that serialisation the first `?` starts the query (the path
/// and user info percent-encode it) and a `#` would end it.
pub struct VisitUrl(String);

impl VisitUrl {
    pub fn of(req: &Request) -> VisitUrl {
        VisitUrl(req.inner().url())
    }

    /// The query without its `?` (`Some("")` for a bare `?`), as
    /// `Url::query` gives it.
    pub fn query(&self) -> Option<&str> {
        let (_, rest) = self.0.split_once('?')?;
        Some(rest.split_once('#').map_or(rest, |(query, _)| query))
    }

    /// The origin, e.g. `https://smart.link`: parsed in full, as it guards
    /// the password form against cross-site posts.
    pub fn origin(&self) -> worker::Result<String> {
        Ok(Url::parse(&self.0)?.origin().ascii_serialization())
    }
}

pub struct VisitInput<'a> {
    url: &'a VisitUrl,
    user_agent: &'a str,
    country: Option<String>,
    fingerprint: Option<u64>,
}

impl<'a> VisitInput<'a> {
    /// Reads the country and computes the visitor's fingerprint only for
    /// a link whose decision needs them (geo targets, an A/B test). `url`
    /// is `req`'s, read once for the decision and the click.
    pub fn of(
        req: &Request,
        url: &'a VisitUrl,
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
    pub fn origin(&self) -> worker::Result<String> {
        self.url.origin()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn query(url: &str) -> Option<String> {
        VisitUrl(url.to_owned()).query().map(str::to_owned)
    }

    #[test]
    fn the_query_is_what_follows_the_first_question_mark() {
        assert_eq!(
            query("https://s.test/abc?a=1&b=?2").as_deref(),
            Some("a=1&b=?2")
        );
    }

    #[test]
    fn a_url_without_a_question_mark_has_no_query() {
        assert_eq!(query("https://s.test/abc"), None);
    }

    #[test]
    fn a_bare_question_mark_is_an_empty_query() {
        assert_eq!(query("https://s.test/abc?").as_deref(), Some(""));
    }

    #[test]
    fn a_fragment_ends_the_query() {
        assert_eq!(query("https://s.test/abc?a=1#top").as_deref(), Some("a=1"));
    }

    #[test]
    fn the_query_agrees_with_a_full_parse() {
        for url in [
            "https://s.test/abc?utm_source=x%20y&q=%3F",
            "http://[::1]:8787/a%3Fb?c=d",
            "https://user:p%3Fw@s.test/x?y",
            "https://s.test/%E2%9C%93?%E2%9C%93=1",
        ] {
            let parsed = Url::parse(url).map(|u| u.query().map(str::to_owned));
            assert_eq!(parsed.ok().flatten(), query(url), "{url}");
        }
    }

    #[test]
    fn the_origin_leaves_out_user_info_path_and_query() {
        let url = VisitUrl("https://user:pw@s.test:8443/abc?x=1".to_owned());
        assert_eq!(url.origin().ok().as_deref(), Some("https://s.test:8443"));
    }
}
