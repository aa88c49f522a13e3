//! The RateLimiter Durable Object: one per account, named by the account
//! id, shared by all its keys. It holds that account's [`RateState`](crate::core::ratelimit::RateState) in
//! SQLite and applies `core::ratelimit` to each request; the paths and
//! bodies are in [`super::protocol`], which also explains why a decision
//! is atomic.

use worker::{
    console_error, durable_object, DurableObject, Env, Method, Request, Response, Result, State,
};

use super::protocol::{Ask, WireDecision, CHECK_PATH, PEEK_PATH};
use crate::store::rate_state;

#[durable_object]
pub struct RateLimiter {
    state: State,
}

impl DurableObject for RateLimiter {
    fn new(state: State, _env: Env) -> Self {
        // A failure here surfaces again on the first load, as a 500 the
        // worker treats as "limiter unavailable".
        if let Err(e) = rate_state::create_table(&state.storage().sql()) {
            console_error!("RateLimiter could not create its table: {e}");
        }
        Self { state }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let url = req.url()?;
        let Some(ask) = Ask::from_url(&url) else {
            return Response::error("malformed rate-limit query", 400);
        };
        let sql = self.state.storage().sql();
        // Load, decide, save: synchronous calls with no `.await` between
        // them, so no other request of this account can interleave.
        let decision = match (req.method(), url.path()) {
            (Method::Post, CHECK_PATH) => {
                let mut state = rate_state::load(&sql)?;
                let decision = state.check(&ask.limits, ask.now);
                rate_state::save(&sql, &state)?;
                decision
            }
            (Method::Get, PEEK_PATH) => rate_state::load(&sql)?.peek(&ask.limits, ask.now),
            _ => return Response::error("not found", 404),
        };
        Response::from_json(&WireDecision::from(&decision))
    }
}
