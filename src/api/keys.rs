//! `/v1/api-keys`: an account's keys — list, create (within the plan's
//! quota), read one, revoke.

use serde_json::json;
use worker::{Request, Response};

use super::error::ApiError;
use super::{body, respond, views, Call};
use crate::core::apikey::{KeyRequest, NewKey, DEFAULT_KEY_NAME};
use crate::core::ids::KeyId;
use crate::shell::runtime;
use crate::store::keys::{self, Revoked};

/// GET /v1/api-keys: every key of the account, revoked ones included,
/// oldest first; never a secret.
pub async fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    let keys = keys::list(&call.db()?, &call.caller.account_id).await?;
    let items: Vec<_> = keys
        .iter()
        .map(|k| views::key(k, call.caller.key_id()))
        .collect();
    respond::json(200, &json!({ "apiKeys": items, "total": items.len() }))
}

/// POST /v1/api-keys: 201 with the secret, shown this once. A key may
/// only grant scopes it holds (403 otherwise); past the plan's max keys,
/// 403 `plan_limit`.
pub async fn create(req: &mut Request, call: &Call<'_>) -> Result<Response, ApiError> {
    let request = KeyRequest::from_body(body::json(req).await?)?;
    let held = &call.caller.scopes;
    let scopes = request.scopes.unwrap_or_else(|| held.clone());
    if let Some(scope) = scopes.first_missing_from(held) {
        return Err(ApiError::Forbidden(format!(
            "this API key lacks the '{}' scope, so it cannot create a key that has it",
            scope.as_str()
        )));
    }
    let (key, secret) = NewKey::mint(
        call.caller.account_id.clone(),
        request.name.unwrap_or_else(|| DEFAULT_KEY_NAME.to_owned()),
        scopes,
        runtime::now(),
        &runtime::key_entropy()?,
    );
    let max = call.caller.limits.max_api_keys;
    if !keys::insert_within(&call.db()?, &key, max).await? {
        return Err(ApiError::plan_limit(
            call.caller.plan,
            max.unwrap_or(0),
            "active API key",
            "active API keys",
            "revoke a key",
        ));
    }
    let response = respond::json(201, &views::new_key(&key, &secret))?;
    response
        .headers()
        .set("Location", &format!("/v1/api-keys/{}", key.id))?;
    Ok(response)
}

/// GET /v1/api-keys/{id}
pub async fn get(id: &str, call: &Call<'_>) -> Result<Response, ApiError> {
    let key = find(&key_id(id)?, call).await?;
    respond::json(200, &views::key(&key, call.caller.key_id()))
}

/// DELETE /v1/api-keys/{id}: revokes the key; its next request gets 401.
/// Idempotent. The last active key of an account without an owner to sign
/// in cannot be revoked (400), so nobody locks themselves out; another
/// account's key is 404. A key may revoke only keys whose scopes it holds
/// itself (403 otherwise), the rule that also governs creating them: a
/// `keys:manage`-only key must not lock the account out of the writes it
/// could never make.
pub async fn revoke(id: &str, call: &Call<'_>) -> Result<Response, ApiError> {
    let id = key_id(id)?;
    let target = find(&id, call).await?;
    if let Some(scope) = target.scopes.first_missing_from(&call.caller.scopes) {
        return Err(ApiError::Forbidden(format!(
            "this API key lacks the '{}' scope that '{id}' has, so it cannot revoke it; \
             use a key holding every scope of the key to revoke",
            scope.as_str()
        )));
    }
    let db = call.db()?;
    match keys::revoke(&db, &call.caller.account_id, &id, runtime::now()).await? {
        Revoked::Done => {}
        Revoked::NotFound => return Err(not_found()),
        Revoked::LastActive => {
            return Err(ApiError::Validation(crate::core::validation::Invalid::new(
                "id",
                format!(
                    "'{id}' is this account's last active API key; create another key before \
                     revoking this one, or the account would be locked out"
                ),
            )))
        }
    }
    let key = find(&id, call).await?;
    respond::json(
        200,
        &json!({ "message": "API key revoked", "apiKey": views::key(&key, call.caller.key_id()) }),
    )
}

async fn find(id: &KeyId, call: &Call<'_>) -> Result<keys::StoredKey, ApiError> {
    keys::get(&call.db()?, &call.caller.account_id, id)
        .await?
        .ok_or_else(not_found)
}

fn not_found() -> ApiError {
    ApiError::not_found("API key")
}

/// A path segment that is no key id names no key.
fn key_id(text: &str) -> Result<KeyId, ApiError> {
    KeyId::parse(text).ok_or_else(not_found)
}
