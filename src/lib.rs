//! SmartLinks: a link shortener with QR codes and click analytics, served by
//! one Cloudflare Worker.
//!
//! # Layout
//! - `lib.rs`: the entry point, which sends each request to the API or the redirect.
//! - [`redirect`]: the hot path, `GET /{slug}` → one KV read → 302; `click`
//!   records the click after the response.
//! - `link_pages`: a smart link's password gate and inspect page (`/{slug}+`).
//! - `api`: the REST API under `/v1` (one module per resource) and `/health`.
//! - `store`: the only code that knows SQL and KV formats.
//! - `objects`: the Durable Objects (RateLimiter, ClickCounter) and their protocol.
//! - [`core`]: pure logic with no `worker` types, tested natively.
//! - `config`, `clock`: binding names, and the runtime's time and randomness.
//! - `logo_fetch`: loading QR logos (vetted URL fetches, cached).

mod api;
mod click;
mod clock;
mod config;
pub mod core;
mod link_pages;
mod logo_fetch;
mod method;
mod objects;
mod redirect;
mod store;

use worker::{event, Context, Env, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let path = req.path();
    if path == "/health" || path == "/v1" || path.starts_with("/v1/") {
        api::handle(req, &env, &ctx).await
    } else {
        redirect::handle(req, &env, &ctx).await
    }
}
