//! The REST API under `/v1`, plus `/health`: routing, then one module per
//! resource. Handlers parse input into core types, call the store, and
//! render a view; errors become [`error::ApiError`] responses.

mod admin;
mod auth;
mod body;
mod error;
mod links;
pub mod qr;
mod respond;
mod views;

use serde_json::json;
use worker::{Context, D1Database, Env, KvStore, Method, Request, Response};

use crate::config::{self, ShortBase};
use crate::core::apikey::Scope;
use auth::Caller;
use error::ApiError;

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

    pub fn kv(&self) -> Result<KvStore, ApiError> {
        Ok(self.env.kv(config::LINKS_KV)?)
    }

    /// 403 unless the caller's key carries `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.caller.scopes.contains(scope) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this API key lacks the '{}' scope this route needs",
                scope.as_str()
            )))
        }
    }
}

/// Answers `/health` and `/v1/…`. Every failure is a JSON error response.
pub async fn handle(mut req: Request, env: &Env, ctx: &Context) -> worker::Result<Response> {
    let response = match route(&mut req, env, ctx).await {
        Ok(response) => response,
        Err(error) => error.into_response()?,
    };
    // Browsers may call the API from any origin: it is authenticated by a
    // header, never by cookies, so CORS grants nothing a script couldn't do.
    let headers = response.headers();
    headers.set("Access-Control-Allow-Origin", "*")?;
    // Handlers that serve cacheable results (QR images) set their own.
    if !headers.has("Cache-Control")? {
        headers.set("Cache-Control", "no-store")?;
    }
    Ok(response)
}

async fn route(req: &mut Request, env: &Env, ctx: &Context) -> Result<Response, ApiError> {
    let path = req.path();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let method = req.method();
    if method == Method::Options {
        return preflight();
    }
    match segments.as_slice() {
        ["health"] => match method {
            Method::Get | Method::Head => respond::json(200, &json!({ "status": "ok" })),
            _ => Err(ApiError::MethodNotAllowed { allow: "GET, HEAD" }),
        },
        ["v1", "admin", rest @ ..] => {
            auth::admin(req, env)?;
            match (rest, method) {
                (["accounts"], Method::Post) => admin::create_account(req, env).await,
                (["accounts"], _) => Err(ApiError::MethodNotAllowed { allow: "POST" }),
                (["accounts", id], Method::Patch) => admin::update_account(req, id, env).await,
                (["accounts", _], _) => Err(ApiError::MethodNotAllowed { allow: "PATCH" }),
                _ => Err(ApiError::not_found("route")),
            }
        }
        ["v1", rest @ ..] => {
            let caller = auth::api_key(req, env, ctx).await?;
            let call = Call {
                env,
                base: ShortBase::from_env(env, &req.url()?),
                caller,
            };
            match (rest, method) {
                (["links"], Method::Get) => {
                    call.require(Scope::LinksRead)?;
                    links::list(req, &call).await
                }
                (["links"], Method::Post) => {
                    call.require(Scope::LinksWrite)?;
                    links::create(req, &call).await
                }
                (["links"], _) => Err(ApiError::MethodNotAllowed { allow: "GET, POST" }),
                (["links", id], Method::Get) => {
                    call.require(Scope::LinksRead)?;
                    links::get(id, &call).await
                }
                (["links", id], Method::Patch) => {
                    call.require(Scope::LinksWrite)?;
                    links::update(req, id, &call).await
                }
                (["links", id], Method::Delete) => {
                    call.require(Scope::LinksWrite)?;
                    links::delete(id, &call).await
                }
                (["links", _], _) => Err(ApiError::MethodNotAllowed {
                    allow: "GET, PATCH, DELETE",
                }),
                // links:read suffices: the code only shows the short URL a reader sees anyway.
                (["links", id, "qr"], Method::Get | Method::Head) => {
                    call.require(Scope::LinksRead)?;
                    qr::for_link(req, id, &call).await
                }
                (["links", _, "qr"], _) => Err(ApiError::MethodNotAllowed { allow: "GET, HEAD" }),
                (["qr-codes"], Method::Post) => {
                    call.require(Scope::QrWrite)?;
                    qr::create(req, &call).await
                }
                (["qr-codes"], _) => Err(ApiError::MethodNotAllowed { allow: "POST" }),
                _ => Err(ApiError::not_found("route")),
            }
        }
        _ => Err(ApiError::not_found("route")),
    }
}

/// CORS preflight: any origin may send the API's methods and headers.
fn preflight() -> Result<Response, ApiError> {
    let response = Response::empty()?.with_status(204);
    let headers = response.headers();
    headers.set(
        "Access-Control-Allow-Methods",
        "GET, POST, PATCH, DELETE, OPTIONS",
    )?;
    headers.set(
        "Access-Control-Allow-Headers",
        "Authorization, Content-Type",
    )?;
    headers.set("Access-Control-Max-Age", "86400")?;
    Ok(response)
}
