//! SmartLinks: a link shortener with QR codes and click analytics, served by
//! one Cloudflare Worker.
//!
//! The map of the code is `docs/ARCHITECTURE.md`: `visit` serves the short
//! domain, `api` the REST API under `/v1`, `objects` the Durable Objects,
//! `store` the only SQL and KV formats, [`core`] the pure logic (tested
//! natively), and `shell` the runtime's configuration, clock and HTTP helpers.

mod api;
pub mod core;
mod objects;
mod shell;
mod store;
mod visit;

use worker::{event, Context, Env, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let path = req.path();
    if path == "/health" || path == "/v1" || path.starts_with("/v1/") {
        api::handle(req, &env, &ctx).await
    } else {
        visit::handle(req, &env, &ctx).await
    }
}
