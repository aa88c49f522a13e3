//! Who is calling: API keys for `/v1`, the operator token for `/v1/admin`.
//! Each refused credential is charged to the client's failed-authentication
//! budget (`shell::throttle`, strict); past it the answer is 429.

use worker::{console_error, Context, Env, Request};

use super::error::ApiError;
use crate::core::account::AccountState;
use crate::core::apikey::{self, Scopes};
use crate::core::ids::{AccountId, KeyId};
use crate::core::plan::{Limits, Plan};
use crate::core::time::UnixMillis;
use crate::shell::config;
use crate::shell::runtime;
use crate::shell::throttle::{Budget, Client};
use crate::store::keys;

/// Longer `Authorization` headers are rejected before any parsing.
const MAX_AUTHORIZATION_BYTES: usize = 512;
/// `last_used_at` is rewritten at most this often per key, so a busy key
/// costs one D1 write a minute rather than one per request.
const TOUCH_INTERVAL_MILLIS: i64 = 60_000;

/// An authenticated API key and what its account may do.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: AccountId,
    pub key_id: KeyId,
    pub scopes: Scopes,
    pub plan: Plan,
    /// The plan's limits with the account's overrides applied.
    pub limits: Limits,
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

/// Authenticates an API request by its key; a suspended account's keys are
/// refused before they cost anything. `last_used_at` is updated after the
/// response, never delaying it.
pub async fn api_key(req: &Request, env: &Env, ctx: &Context) -> Result<Caller, ApiError> {
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
        key_id: key.key_id,
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
