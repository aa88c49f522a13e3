//! What a visit's decision needs from the request, owned so a [`Visit`]
//! can borrow it (the redirect's GET and the password form's POST).

use worker::{Request, Url};

use crate::core::redirect::{PasswordProof, Visit};
use crate::shell::runtime;

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
            now: runtime::now(),
            password: PasswordProof::NotGiven,
            form_post,
        }
    }
}
