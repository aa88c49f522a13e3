//! SmartLinks: a link shortener with QR codes and click analytics, served by
//! one Cloudflare Worker.
//!
//! The map of the code is `docs/ARCHITECTURE.md`: `visit` serves the short
//! domain, `api` the REST API under `/v1`, `consume` the clicks queue,
//! `objects` the Durable Objects, `store` the only SQL, KV and queue
//! formats, [`core`] the pure logic (tested natively), `shell` the
//! runtime's configuration, clock and HTTP helpers, and `sync` keeps KV in
//! step with D1 (after writes, and on a schedule).

mod api;
mod consume;
pub mod core;
mod objects;
mod shell;
mod store;
mod sync;
mod visit;

use worker::{event, Context, Env, MessageBatch, Request, Result, ScheduleContext, ScheduledEvent};

use shell::http::Reply;

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Reply> {
    let path = req.path();
    if path == "/health" || path == "/v1" || path.starts_with("/v1/") {
        api::handle(req, &env, &ctx).await.map(Reply::from)
    } else {
        visit::handle(req, &env, &ctx).await
    }
}

/// The clicks queue: flushed clicks, counted in their shards. Never an
/// error: each message is acknowledged or retried on its own.
#[event(queue)]
async fn queue(batch: MessageBatch<String>, env: Env, _ctx: Context) -> Result<()> {
    consume::consume(&batch, &env).await;
    Ok(())
}

/// The Cron Trigger (`[triggers]` in wrangler.toml): the reconciliation
/// pass of KV against D1.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    sync::reconcile::scheduled(&env).await;
}
