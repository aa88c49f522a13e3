//! The password gate of a protected link: the `X-Link-Password` header and
//! the HTML form's POST. The decisions are `core::redirect`,
//! `core::password` and `core::attempts`; the pages are [`super::render`]'s.
//!
//! The form is protected by a double-submit token (a random value in a
//! `__Host-` cookie, `SameSite=Strict`, echoed in a hidden field) and by
//! refusing posts that `Sec-Fetch-Site`/`Origin` mark as cross-site.
//!
//! Every guess, by form or header, is first charged to the client's
//! password budget of the Rate Limiting binding (`shell::throttle`), then
//! counted by the link's AttemptCounter *before* the hash is verified
//! (per client and per link, `core::attempts`): concurrent guesses cannot
//! outrun the count, another `Host` gets no fresh budget, and a stranger's
//! wrong guesses lock out only the stranger. If the counter cannot be
//! reached, no guess is verified (503): the limit is the point.
//!
//! A right password is verified by WebCrypto (`shell::crypto`); a hash
//! below today's cost is replaced after the response.

use worker::{console_error, Context, Env, Request};

use super::input::{VisitInput, VisitUrl};
use super::render::{self, password_form, Answer, READ_ONLY};
use crate::core::attempts::Verdict;
use crate::core::ids::LinkId;
use crate::core::password::{self, FormPost, PasswordHash, CSRF_COOKIE};
use crate::core::redirect::{decide, Decision, PasswordProof, RedirectRecord};
use crate::core::slug::Slug;
use crate::core::time::UnixMillis;
use crate::objects::protocol::{self, Guess};
use crate::shell::crypto::{self, Verified};
use crate::shell::throttle::{Budget, Client};
use crate::store::links;
use crate::sync;

/// API clients may send the password in this header instead of the form.
pub const PASSWORD_HEADER: &str = "X-Link-Password";
/// A password of at most 128 characters is at most 512 bytes; with the
/// token and encoding, 4 KiB is ample.
const MAX_FORM_BYTES: usize = 4_096;

/// The outcome of checking a password the visitor sent.
pub enum Checked {
    /// Past a budget: not verified.
    Locked {
        retry_after: i64,
    },
    /// The attempt counter is unreachable: not verified.
    Unavailable,
    Proof(PasswordProof),
}

/// Where a check runs: the request and the runtime's handles.
pub struct Gate<'a> {
    pub req: &'a Request,
    /// `req`'s URL, read once for the decision and the click.
    pub url: &'a VisitUrl,
    /// `req`'s User-Agent ("" when it has none), read once for the
    /// decision and the click.
    pub user_agent: &'a str,
    pub env: &'a Env,
    pub ctx: &'a Context,
}

impl Gate<'_> {
    /// Verifies `given` against the link's hash, once the client's budgets
    /// allow one more guess.
    pub async fn check(
        &self,
        record: &RedirectRecord,
        given: &str,
        now: UnixMillis,
    ) -> worker::Result<Checked> {
        let client = Client::of(self.req, self.env)?;
        if !client.allow(self.env, Budget::PasswordGuesses).await {
            return Ok(Checked::Locked {
                retry_after: i64::from(Budget::PERIOD_SECONDS),
            });
        }
        let guess = Guess {
            client: client.key,
            now,
        };
        match protocol::attempt(self.env, &record.link_id, &guess).await {
            Ok(Verdict::Allowed) => {}
            Ok(Verdict::Locked { retry_after }) => return Ok(Checked::Locked { retry_after }),
            Err(e) => {
                console_error!("attempt counter of {} failed: {e}", record.link_id);
                return Ok(Checked::Unavailable);
            }
        }
        let Some(hash) = &record.password else {
            return Ok(Checked::Proof(PasswordProof::Wrong));
        };
        match crypto::verify_password(hash, given).await? {
            Verified::Wrong => Ok(Checked::Proof(PasswordProof::Wrong)),
            Verified::Right { stale } => {
                self.after_right(
                    &record.link_id,
                    guess,
                    stale.then(|| (hash.clone(), given.to_owned())),
                );
                Ok(Checked::Proof(PasswordProof::Correct))
            }
        }
    }

    /// After the response: gives the right guess back to the counter, and
    /// replaces a hash below today's cost (`rehash`: the old hash and the
    /// password that matched it).
    fn after_right(&self, link_id: &LinkId, guess: Guess, rehash: Option<(PasswordHash, String)>) {
        let (env, link_id) = (self.env.clone(), link_id.clone());
        self.ctx.wait_until(async move {
            if let Err(e) = protocol::refund(&env, &link_id, &guess).await {
                console_error!("attempt counter of {link_id} kept a right guess: {e}");
            }
            if let Some((old, password)) = rehash {
                if let Err(e) = replace_hash(&env, &link_id, &old, &password).await {
                    console_error!("password hash of {link_id} not strengthened: {e}");
                }
            }
        });
    }

    /// POST /{slug}: the password form, its body read by [`read_form`]
    /// (`None`: too long). A right password gets a 303 to where the link
    /// sends this visitor; anything else gets the form again.
    pub async fn form_post(
        &self,
        body: Option<Vec<u8>>,
        slug: &Slug,
        record: &RedirectRecord,
    ) -> worker::Result<Answer> {
        let req = self.req;
        if record.password.is_none() {
            return render::method_not_allowed(READ_ONLY).map(Answer::from);
        }
        let input = VisitInput::of(req, self.url, self.user_agent, self.env, record)?;
        let mut visit = input.visit(true);
        // An expired or disabled link says so, password or not.
        let decision = decide(record, &visit);
        if !matches!(decision, Decision::PasswordRequired { .. }) {
            return render::answer(req, slug, decision);
        }
        let headers = req.headers();
        let own_origin = input.origin()?;
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
        let Some(body) = body else {
            return password_form(req, slug, 413, Some("That was too long. Please try again."))
                .map(Answer::from);
        };
        let cookie = headers.get("Cookie")?.unwrap_or_default();
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
        match self.check(record, &post.password, visit.now).await? {
            Checked::Locked { retry_after } => {
                render::locked(req, slug, retry_after).map(Answer::from)
            }
            Checked::Unavailable => render::unavailable(req).map(Answer::from),
            Checked::Proof(proof) => {
                visit.password = proof;
                render::answer(req, slug, decide(record, &visit))
            }
        }
    }
}

/// Reads the form's body, refusing more than the form can hold: `None`
/// past `MAX_FORM_BYTES` (declared or sent).
pub async fn read_form(req: &mut Request) -> worker::Result<Option<Vec<u8>>> {
    let declared = req
        .headers()
        .get("Content-Length")?
        .and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FORM_BYTES) {
        return Ok(None);
    }
    let body = req.bytes().await?;
    Ok((body.len() <= MAX_FORM_BYTES).then_some(body))
}

/// Replaces `old` by a hash of `password` at today's cost, in D1 and then
/// in KV.
async fn replace_hash(
    env: &Env,
    link_id: &LinkId,
    old: &PasswordHash,
    password: &str,
) -> worker::Result<()> {
    let new = crypto::hash_password(password).await?;
    let db = env.d1(crate::shell::config::DB)?;
    if links::replace_password_hash(&db, link_id, old, &new).await? {
        sync::converge(env, link_id, &[]).await;
    }
    Ok(())
}
