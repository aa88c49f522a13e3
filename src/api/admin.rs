//! `/v1/admin`: the operator API (accounts and their first key).

use serde_json::json;
use worker::{Env, Request, Response};

use super::error::ApiError;
use super::{body, respond, views};
use crate::core::account::{AccountPatch, NewAccount};
use crate::core::ids::AccountId;
use crate::shell::config;
use crate::shell::runtime;
use crate::store::accounts;

/// POST /v1/admin/accounts: creates an account and its first API key,
/// whose secret appears in this response and never again.
pub async fn create_account(req: &mut Request, env: &Env) -> Result<Response, ApiError> {
    let new = NewAccount::from_body(body::json(req).await?)?;
    let (account, key, secret) = new.mint(
        runtime::now(),
        &runtime::entropy()?,
        &runtime::key_entropy()?,
    );
    accounts::create_with_key(&env.d1(config::DB)?, &account, &key).await?;
    let response = respond::json(
        201,
        &json!({ "account": views::account(&account), "apiKey": views::new_key(&key, &secret) }),
    )?;
    response
        .headers()
        .set("Location", &format!("/v1/admin/accounts/{}", account.id))?;
    Ok(response)
}

/// PATCH /v1/admin/accounts/{id}: name, plan, limit overrides.
pub async fn update_account(req: &mut Request, id: &str, env: &Env) -> Result<Response, ApiError> {
    let patch = AccountPatch::from_body(body::json(req).await?)?;
    let db = env.d1(config::DB)?;
    let not_found = || ApiError::not_found("account");
    let id = AccountId::parse(id).ok_or_else(not_found)?;
    let account = accounts::get(&db, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("account"))?;
    let account = patch.apply(account);
    accounts::update(&db, &account).await?;
    respond::json(200, &json!({ "account": views::account(&account) }))
}
