//! `/v1/admin`: the operator API — accounts (create, list, read, change,
//! suspend, delete), reissuing an account's key, and inviting people to an
//! account.

use serde_json::json;
use worker::{Env, Request, Response};

use super::error::ApiError;
use super::{body, links as link_api, members, respond, views};
use crate::core::account::{Account, AccountPatch, AccountQuery, AccountState, NewAccount};
use crate::core::apikey::{KeyReissue, NewKey, Scopes};
use crate::core::ids::AccountId;
use crate::core::listing::{ListQuery, Sort, MAX_PAGE_SIZE};
use crate::core::member::{InvitationRequest, Role};
use crate::core::validation::Invalid;
use crate::shell::config;
use crate::shell::runtime;
use crate::store::{accounts, keys, links};
use crate::sync;

/// Links one `DELETE /v1/admin/accounts/{id}` deletes: each costs a KV
/// delete, a Durable Object call and a D1 batch, and a request may make
/// about a thousand such calls.
const LINKS_PER_DELETE: u32 = MAX_PAGE_SIZE;

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

/// GET /v1/admin/accounts: one page of accounts, oldest first, with
/// their usage; filtered by `search`, `plan` and `state`.
pub async fn list_accounts(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let url = req.url()?;
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let query = AccountQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let (page, total) = accounts::list(&env.d1(config::DB)?, &query).await?;
    let items: Vec<_> = page
        .iter()
        .map(|(account, usage)| views::admin_account(account, usage))
        .collect();
    let size = query.paging.page_size;
    respond::json(
        200,
        &json!({
            "accounts": items,
            "total": total,
            "page": query.paging.page,
            "limit": size,
            "pageSize": size,
            "totalPages": total.div_ceil(u64::from(size)),
        }),
    )
}

/// GET /v1/admin/accounts/{id}: the account and its usage.
pub async fn get_account(id: &str, env: &Env) -> Result<Response, ApiError> {
    let db = env.d1(config::DB)?;
    let account = find(&db, id).await?;
    let usage = accounts::usage(&db, &account.id).await?;
    respond::json(
        200,
        &json!({ "account": views::admin_account(&account, &usage) }),
    )
}

/// PATCH /v1/admin/accounts/{id}: name, plan, limit overrides, state
/// (`suspended` refuses the account's keys until it is `active` again).
pub async fn update_account(req: &mut Request, id: &str, env: &Env) -> Result<Response, ApiError> {
    let patch = AccountPatch::from_body(body::json(req).await?)?;
    let db = env.d1(config::DB)?;
    let account = patch.apply(find(&db, id).await?);
    accounts::update(&db, &account).await?;
    respond::json(200, &json!({ "account": views::account(&account) }))
}

/// DELETE /v1/admin/accounts/{id}: suspends the account (so nothing is
/// added meanwhile), deletes up to [`LINKS_PER_DELETE`] of its links the
/// way `DELETE /v1/links/…` does, and once none are left its keys and
/// itself. 202 with `remainingLinks` while links remain: repeat to go on.
pub async fn delete_account(id: &str, env: &Env) -> Result<Response, ApiError> {
    let db = env.d1(config::DB)?;
    let mut account = find(&db, id).await?;
    if account.state != AccountState::Suspended {
        account.state = AccountState::Suspended;
        accounts::update(&db, &account).await?;
    }
    let batch = ListQuery {
        page: 1,
        page_size: LINKS_PER_DELETE,
        search: None,
        tag: None,
        sort: Sort::default(),
    };
    let (page, total) = links::list(&db, &account.id, &batch).await?;
    for link in &page {
        link_api::remove(env, link).await?;
    }
    let remaining = total.saturating_sub(page.len() as u64);
    if remaining == 0 && accounts::delete_if_empty(&db, &account.id).await? {
        return respond::json(200, &json!({ "message": "Account deleted successfully" }));
    }
    // Links remain, or one was created while these were deleted.
    let remaining = remaining.max(1);
    respond::json(
        202,
        &json!({
            "message": format!(
                "deleted {} links; {remaining} remain: repeat the DELETE to go on",
                page.len()
            ),
            "remainingLinks": remaining,
        }),
    )
}

/// POST /v1/admin/accounts/{id}/keys: a new key for the account, every
/// scope, its secret shown once. With `revokeOthers` every other key is
/// revoked; without, the plan's maximum of active keys applies.
pub async fn reissue_key(req: &mut Request, id: &str, env: &Env) -> Result<Response, ApiError> {
    let reissue = KeyReissue::from_body(body::json(req).await?)?;
    let db = env.d1(config::DB)?;
    let account = find(&db, id).await?;
    let (key, secret) = NewKey::mint(
        account.id.clone(),
        reissue.name,
        Scopes::all(),
        runtime::now(),
        &runtime::key_entropy()?,
    );
    let max = account.plan.limits(&account.overrides).max_api_keys;
    let Some(revoked) = keys::reissue(&db, &key, reissue.revoke_others, max).await? else {
        return Err(ApiError::plan_limit(
            account.plan,
            max.unwrap_or(0),
            "active API key",
            "active API keys",
            "send \"revokeOthers\": true, raise the account's maxApiKeys",
        ));
    };
    let response = respond::json(
        201,
        &json!({ "apiKey": views::new_key(&key, &secret), "revokedKeys": revoked }),
    )?;
    response
        .headers()
        .set("Location", &format!("/v1/admin/accounts/{}", account.id))?;
    Ok(response)
}

/// The account `id` names; a malformed id names none.
async fn find(db: &worker::D1Database, id: &str) -> Result<Account, ApiError> {
    let not_found = || ApiError::not_found("account");
    let id = AccountId::parse(id).ok_or_else(not_found)?;
    accounts::get(db, &id).await?.ok_or_else(not_found)
}

/// POST /v1/admin/accounts/{id}/invitations: invites someone to the
/// account, as an owner unless `role` says otherwise; 201 with the
/// invitation link (on this server's origin), shown this once.
pub async fn invite(req: &mut Request, id: &str, env: &Env) -> Result<Response, ApiError> {
    let request = InvitationRequest::from_body(body::json(req).await?, Role::Owner)?;
    let db = env.d1(config::DB)?;
    let account = find(&db, id).await?;
    let origin = req.url()?.origin().ascii_serialization();
    members::create_invitation(&db, &account.id, &request, &origin).await
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
