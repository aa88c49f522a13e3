//! Who is calling: an API key or the dashboard's session cookie for `/v1`,
//! the operator token for `/v1/admin`. Each refused credential is charged
//! to the client's failed-authentication budget (`shell::throttle`, strict);
//! past it the answer is 429.

use worker::{console_error, Context, Env, Method, Request, Url};

use super::error::ApiError;
use crate::core::account::AccountState;
use crate::core::apikey::{self, Scopes};
use crate::core::ids::{AccountId, KeyId, MemberId, SessionId};
use crate::core::plan::{Limits, Plan};
use crate::core::session::{self, CookiePolicy, CsrfRefusal, CSRF_HEADER};
use crate::core::time::UnixMillis;
use crate::shell::config;
use crate::shell::runtime;
use crate::shell::throttle::{Budget, Client};
use crate::store::keys;
use crate::store::sessions::{self, ActiveSession};

/// Longer `Authorization` headers are rejected before any parsing.
const MAX_AUTHORIZATION_BYTES: usize = 512;
/// `last_used_at` is rewritten at most this often per key, so a busy key
/// costs one D1 write a minute rather than one per request.
const TOUCH_INTERVAL_MILLIS: i64 = 60_000;

/// An authenticated caller and what its account may do.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: AccountId,
    pub credential: Credential,
    /// The key's scopes, or those of the signed-in member's role.
    pub scopes: Scopes,
    pub plan: Plan,
    /// The plan's limits with the account's overrides applied.
    pub limits: Limits,
}

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API key, by id.
    Key(KeyId),
    /// The dashboard's session cookie: the session and its member.
    Session { id: SessionId, member_id: MemberId },
}

impl Caller {
    /// The API key making the request, if it is one.
    pub fn key_id(&self) -> Option<&KeyId> {
        match &self.credential {
            Credential::Key(id) => Some(id),
            Credential::Session { .. } => None,
        }
    }
}

/// The bearer token, if the header is a well-formed `Bearer …`.
fn bearer(req: &Request) -> Result<Option<String>, ApiError> {
    let Some(header) = req.headers().get("Authorization")? else {
        return Ok(None);
    };
    if header.len() > MAX_AUTHORIZATION_BYTES {
        return Ok(None);
    }
    let mut parts = header.trim().splitn(2, ' ');
    match (parts.next(), parts.next()) {
        (Some(scheme), Some(token)) if scheme.eq_ignore_ascii_case("bearer") => {
            Ok(Some(token.trim().to_owned()))
        }
        _ => Ok(None),
    }
}

fn unauthorized() -> ApiError {
    ApiError::Unauthorized(
        "missing, invalid or revoked API key; send 'Authorization: Bearer sl_live_…'".into(),
    )
}

/// What a suspended account's members get from the dashboard: at sign-in
/// and on every request of a session they still hold.
pub fn dashboard_closed() -> ApiError {
    ApiError::Forbidden(
        "this account is suspended; the dashboard is closed until the operator resumes it".into(),
    )
}

/// Authenticates a `/v1` request: by its bearer key when it sends
/// `Authorization`, else by the dashboard's session cookie, whose writes
/// must also pass the CSRF rule (`core::session::check_write`).
pub async fn caller(req: &Request, env: &Env, ctx: &Context) -> Result<Caller, ApiError> {
    if req.headers().has("Authorization")? {
        return api_key(req, env, ctx).await;
    }
    let Some((session, token)) = session_of(req, env).await? else {
        return Err(if session_token(req)?.is_some() {
            session_ended()
        } else {
            unauthorized()
        });
    };
    if session.account_state == AccountState::Suspended {
        return Err(dashboard_closed());
    }
    let method = req.method();
    if !matches!(method, Method::Get | Method::Head) {
        csrf(req, &token)?;
    }
    Ok(Caller {
        scopes: session.role.scopes(),
        limits: session.plan.limits(&session.overrides),
        plan: session.plan,
        credential: Credential::Session {
            id: session.id,
            member_id: session.member_id,
        },
        account_id: session.account_id,
    })
}

/// 403 unless a cookie-authenticated write comes from our own pages.
pub fn csrf(req: &Request, token: &str) -> Result<(), ApiError> {
    let headers = req.headers();
    session::check_write(
        token,
        headers.get(CSRF_HEADER)?.as_deref(),
        headers.get("Sec-Fetch-Site")?.as_deref(),
        headers.get("Origin")?.as_deref(),
        &req.url()?.origin().ascii_serialization(),
    )
    .map_err(refused)
}

/// 403 when the browser says a sign-in or sign-up comes from another site
/// (login CSRF: signing someone into the attacker's account).
pub fn not_cross_site(req: &Request) -> Result<(), ApiError> {
    let headers = req.headers();
    session::check_origin(
        headers.get("Sec-Fetch-Site")?.as_deref(),
        headers.get("Origin")?.as_deref(),
        &req.url()?.origin().ascii_serialization(),
    )
    .map_err(refused)
}

fn refused(refusal: CsrfRefusal) -> ApiError {
    ApiError::Forbidden(refusal.message().into())
}

/// How the session cookie is named and flagged for this request's host.
pub fn cookie_policy(url: &Url) -> CookiePolicy {
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => String::new(),
    };
    CookiePolicy::for_host(&host)
}

/// The session token in the request's cookie, if it has a token's shape.
pub fn session_token(req: &Request) -> Result<Option<String>, ApiError> {
    let cookies = req.headers().get("Cookie")?.unwrap_or_default();
    Ok(cookie_policy(&req.url()?)
        .token(&cookies)
        .map(str::to_owned))
}

/// The live session of the request's cookie, with its token.
pub async fn session_of(
    req: &Request,
    env: &Env,
) -> Result<Option<(ActiveSession, String)>, ApiError> {
    let Some(token) = session_token(req)? else {
        return Ok(None);
    };
    let db = env.d1(config::DB)?;
    let session =
        sessions::active_by_hash(&db, &session::token_hash(&token), runtime::now()).await?;
    Ok(session.map(|s| (s, token)))
}

fn session_ended() -> ApiError {
    ApiError::Unauthorized("your session has expired or was ended; sign in again".into())
}

/// Authenticates an API request by its key; a suspended account's keys are
/// refused before they cost anything. `last_used_at` is updated after the
/// response, never delaying it.
async fn api_key(req: &Request, env: &Env, ctx: &Context) -> Result<Caller, ApiError> {
    let token = bearer(req)?.ok_or_else(unauthorized)?;
    if !apikey::is_secret_shaped(&token) {
        return Err(unauthorized());
    }
    let db = env.d1(config::DB)?;
    let key = keys::active_by_hash(&db, &apikey::hash_secret(&token))
        .await?
        .ok_or_else(unauthorized)?;
    if key.account_state == AccountState::Suspended {
        return Err(ApiError::Forbidden(
            "this API key's account is suspended; its keys are refused until the operator resumes it"
                .into(),
        ));
    }
    let now = runtime::now();
    if key
        .last_used_at
        .is_none_or(|t| now.0 - t.0 >= TOUCH_INTERVAL_MILLIS)
    {
        touch_later(ctx, env.clone(), key.key_id.clone(), now);
    }
    Ok(Caller {
        limits: key.plan.limits(&key.overrides),
        plan: key.plan,
        account_id: key.account_id,
        credential: Credential::Key(key.key_id),
        scopes: key.scopes,
    })
}

fn touch_later(ctx: &Context, env: Env, key_id: KeyId, now: UnixMillis) {
    ctx.wait_until(async move {
        let result = match env.d1(config::DB) {
            Ok(db) => keys::touch(&db, &key_id, now).await,
            Err(e) => Err(e.into()),
        };
        if let Err(e) = result {
            console_error!("could not record last use of {key_id}: {e}");
        }
    });
}

/// Checks the operator token (`ADMIN_TOKEN`, a secret) in constant time.
pub fn admin(req: &Request, env: &Env) -> Result<(), ApiError> {
    let Ok(expected) = env.secret(config::ADMIN_TOKEN).map(|s| s.to_string()) else {
        console_error!("ADMIN_TOKEN is not set: the operator API is disabled");
        return Err(ApiError::Unauthorized(
            "the operator API is not configured".into(),
        ));
    };
    let token = bearer(req)?.unwrap_or_default();
    if expected.is_empty() || !apikey::constant_time_eq(&token, &expected) {
        return Err(ApiError::Unauthorized(
            "missing or wrong operator token; send 'Authorization: Bearer $ADMIN_TOKEN'".into(),
        ));
    }
    Ok(())
}

/// What a request whose credential was refused gets: the refusal, or 429
/// once its client is past the failed-authentication budget. Other errors
/// (storage failures) pass through uncharged.
pub async fn charge_failure(req: &Request, env: &Env, refused: ApiError) -> ApiError {
    if !matches!(refused, ApiError::Unauthorized(_)) {
        return refused;
    }
    match Client::of(req, env) {
        Ok(client) if !client.allow(env, Budget::AuthFailures).await => {
            ApiError::Throttled(format!(
                "too many failed authentications from this address; retry in {} seconds",
                Budget::PERIOD_SECONDS
            ))
        }
        _ => refused,
    }
}
