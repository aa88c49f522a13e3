//! The REST API under `/v1`, plus `/health`: routing, then one module per
//! resource. Handlers parse input into core types, call the store, and
//! render a view; errors become [`error::ApiError`] responses.

mod account;
mod admin;
mod analytics;
mod auth;
mod body;
mod error;
mod keys;
mod links;
mod members;
pub mod qr;
mod ratelimit;
mod respond;
mod routes;
mod session;
mod views;

use serde_json::json;
use worker::{Context, D1Database, Env, Method, Request, Response};

use crate::core::apikey::Scope;
use crate::core::ratelimit::Decision;
use crate::shell::config::{self, ShortBase};
use auth::Caller;
use error::ApiError;
use routes::{Auth, Endpoint, Keyed, Lookup, Operator, Public};

/// The API's contract, served at `GET /v1/openapi.json`.
const OPENAPI: &str = include_str!("../../openapi.json");

/// Everything a handler of an authenticated request needs.
pub struct Call<'a> {
    pub env: &'a Env,
    pub base: ShortBase,
    pub caller: Caller,
}

impl Call<'_> {
    pub fn db(&self) -> Result<D1Database, ApiError> {
        Ok(self.env.d1(config::DB)?)
    }
}

/// Answers `/health` and `/v1/…`. Every failure is a JSON error response.
pub async fn handle(mut req: Request, env: &Env, ctx: &Context) -> worker::Result<Response> {
    // Set once the request is authenticated; its headers go on every
    // response to it, errors included.
    let mut limit: Option<Decision> = None;
    let response = match route(&mut req, env, ctx, &mut limit).await {
        Ok(response) => response,
        Err(error) => error.into_response()?,
    };
    ratelimit::stamp(&response, limit.as_ref())?;
    // Browsers may call the API from any origin with a key in a header.
    // The dashboard's session cookie is SameSite=Strict and CORS here never
    // allows credentials, so other origins can neither send nor read it.
    let headers = response.headers();
    headers.set("Access-Control-Allow-Origin", "*")?;
    headers.set("Access-Control-Expose-Headers", ratelimit::EXPOSED_HEADERS)?;
    // Handlers that serve cacheable results (QR images) set their own.
    if !headers.has("Cache-Control")? {
        headers.set("Cache-Control", "no-store")?;
    }
    Ok(response)
}

async fn route(
    req: &mut Request,
    env: &Env,
    ctx: &Context,
    limit: &mut Option<Decision>,
) -> Result<Response, ApiError> {
    let path = req.path();
    let Some(method) = crate::shell::http::method(req) else {
        return Err(match routes::allowed(&path) {
            Some(allow) => ApiError::MethodNotAllowed { allow },
            None => ApiError::not_found("route"),
        });
    };
    if method == Method::Options {
        return preflight();
    }
    let (route, params) = match routes::lookup(&method, &path) {
        Lookup::Found(route, params) => (route, params),
        Lookup::WrongMethod(allow) => return Err(ApiError::MethodNotAllowed { allow }),
        Lookup::NotFound => return Err(ApiError::not_found("route")),
    };
    let param = params.first().copied().unwrap_or_default();
    let (scope, endpoint) = match route.endpoint {
        Endpoint::Public(endpoint) => return public(endpoint),
        Endpoint::Auth(endpoint) => return auth_endpoint(endpoint, req, param, env).await,
        Endpoint::Operator(endpoint) => {
            if let Err(refused) = auth::admin(req, env) {
                return Err(auth::charge_failure(req, env, refused).await);
            }
            return operator(endpoint, req, param, env).await;
        }
        Endpoint::Key(scope, endpoint) => (Some(scope), endpoint),
        Endpoint::AnyKey(endpoint) => (None, endpoint),
    };
    let caller = match auth::caller(req, env, ctx).await {
        Ok(caller) => caller,
        Err(refused) => return Err(auth::charge_failure(req, env, refused).await),
    };
    *limit = ratelimit::check(env, &caller).await;
    ratelimit::enforce(limit.as_ref())?;
    if let Some(scope) = scope {
        require(&caller, scope)?;
    }
    let call = Call {
        env,
        base: ShortBase::from_env(env, &req.url()?)?,
        caller,
    };
    match endpoint {
        Keyed::ListLinks => links::list(req, &call).await,
        Keyed::CreateLink => links::create(req, &call).await,
        Keyed::GetLink => links::get(param, &call).await,
        Keyed::UpdateLink => links::update(req, param, &call).await,
        Keyed::DeleteLink => links::delete(req, param, &call).await,
        Keyed::ListKeys => keys::list(&call).await,
        Keyed::CreateKey => keys::create(req, &call).await,
        Keyed::GetKey => keys::get(param, &call).await,
        Keyed::RevokeKey => keys::revoke(param, &call).await,
        Keyed::Account => account::get(&call).await,
        Keyed::Analytics => analytics::report(req, param, &call).await,
        Keyed::LinkQr => qr::for_link(req, param, &call).await,
        Keyed::CreateQr => qr::create(req, &call).await,
        Keyed::GetQrStyle => qr::style::get(param, &call).await,
        Keyed::SaveQrStyle => qr::style::put(req, param, &call).await,
        Keyed::ResetQrStyle => qr::style::delete(param, &call).await,
        Keyed::ListTags => links::tags(&call).await,
        Keyed::ListMembers => members::list(&call).await,
        Keyed::UpdateMember => members::update(req, param, &call).await,
        Keyed::RemoveMember => members::remove(param, &call).await,
        Keyed::ListInvitations => members::list_invitations(&call).await,
        Keyed::CreateInvitation => members::invite(req, &call).await,
        Keyed::WithdrawInvitation => members::withdraw(param, &call).await,
    }
}

async fn auth_endpoint(
    endpoint: Auth,
    req: &mut Request,
    param: &str,
    env: &Env,
) -> Result<Response, ApiError> {
    match endpoint {
        Auth::Config => session::config(env),
        Auth::SignUp => session::sign_up(req, env).await,
        Auth::SignIn => session::sign_in(req, env).await,
        Auth::SignOut => session::sign_out(req, env).await,
        Auth::Session => session::current(req, env).await,
        Auth::Invitation => session::invitation(param, env).await,
    }
}

fn public(endpoint: Public) -> Result<Response, ApiError> {
    match endpoint {
        Public::Health => respond::json(200, &json!({ "status": "ok" })),
        Public::OpenApi => {
            let response = Response::ok(OPENAPI)?;
            response.headers().set("Content-Type", "application/json")?;
            Ok(response)
        }
    }
}

async fn operator(
    endpoint: Operator,
    req: &mut Request,
    param: &str,
    env: &Env,
) -> Result<Response, ApiError> {
    match endpoint {
        Operator::ListAccounts => admin::list_accounts(req, env).await,
        Operator::CreateAccount => admin::create_account(req, env).await,
        Operator::GetAccount => admin::get_account(param, env).await,
        Operator::UpdateAccount => admin::update_account(req, param, env).await,
        Operator::Invite => admin::invite(req, param, env).await,
        Operator::DeleteAccount => admin::delete_account(param, env).await,
        Operator::ReissueKey => admin::reissue_key(req, param, env).await,
        Operator::Reconcile => admin::reconcile(req, env).await,
    }
}

/// 403 unless the caller's key (or signed-in role) carries `scope`.
fn require(caller: &Caller, scope: Scope) -> Result<(), ApiError> {
    if caller.scopes.contains(scope) {
        return Ok(());
    }
    Err(ApiError::Forbidden(match caller.credential {
        auth::Credential::Key(_) => format!(
            "this API key lacks the '{}' scope this route needs",
            scope.as_str()
        ),
        auth::Credential::Session { .. } => {
            "only the account's owners may do this; ask an owner".into()
        }
    }))
}

/// CORS preflight: any origin may send the API's methods and headers.
fn preflight() -> Result<Response, ApiError> {
    let response = Response::empty()?.with_status(204);
    let headers = response.headers();
    headers.set(
        "Access-Control-Allow-Methods",
        "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    )?;
    headers.set(
        "Access-Control-Allow-Headers",
        "Authorization, Content-Type, If-Match",
    )?;
    headers.set("Access-Control-Max-Age", "86400")?;
    Ok(response)
}
