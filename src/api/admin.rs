//! `/v1/admin`: the operator API (accounts and their first key).

use serde_json::json;
use worker::{Env, Request, Response};

use super::error::ApiError;
use super::{body, respond, views};
use crate::core::account::{AccountPatch, NewAccount};
use crate::core::ids::AccountId;
use crate::core::validation::Invalid;
use crate::shell::config;
use crate::shell::runtime;
use crate::store::accounts;
use crate::sync;

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

/// Pages one on-demand run walks unless `?pages=` says otherwise.
const RECONCILE_PAGES: u32 = 3;

/// POST /v1/admin/reconcile?cursor=&pages=: one run of the reconciliation
/// pass (`sync::reconcile`), from `cursor` (the start when absent); the
/// report's `cursor` is where the next run resumes, `null` once complete.
pub async fn reconcile(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let url = req.url()?;
    let (mut cursor, mut pages) = (None, RECONCILE_PAGES);
    for (name, value) in url.query_pairs() {
        match name.as_ref() {
            "cursor" if !value.is_empty() => cursor = Some(value.into_owned()),
            "cursor" => {}
            "pages" => {
                pages = value
                    .parse::<u32>()
                    .ok()
                    .filter(|p| (1..=RECONCILE_PAGES).contains(p))
                    .ok_or_else(|| {
                        Invalid::new(
                            "pages",
                            format!("`pages` must be 1 to {RECONCILE_PAGES} (got {value})"),
                        )
                    })?;
            }
            other => {
                return Err(ApiError::Validation(Invalid::new(
                    other,
                    format!("unknown query parameter `{other}`; use cursor or pages"),
                )))
            }
        }
    }
    let report = sync::reconcile::run(env, cursor, pages).await?;
    respond::json(200, &report)
}
