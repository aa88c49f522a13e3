//! The AttemptCounter Durable Object: one per password-protected link,
//! named by the link id, counting password guesses before they are
//! verified (protocol: [`super::protocol`]'s `attempt_counter`; storage:
//! `store::attempts`; budgets: `core::attempts`).
//!
//! An alarm after each window forgets it, so a link nobody guesses at any
//! more keeps no counts.

use worker::{
    console_error, durable_object, DurableObject, Env, Method, Request, Response, Result, State,
};

use super::protocol::{Guess, WireVerdict, ATTEMPT_PATH, REFUND_PATH};
use crate::core::attempts::{self, WINDOW_MILLIS};
use crate::shell::runtime;
use crate::store::attempts as stored;

#[durable_object(alarm)]
pub struct AttemptCounter {
    state: State,
}

impl DurableObject for AttemptCounter {
    fn new(state: State, _env: Env) -> Self {
        // A failure here surfaces again on the first load, as a 500 the
        // worker treats as "counter unavailable".
        if let Err(e) = stored::create_table(&state.storage().sql()) {
            console_error!("AttemptCounter could not create its table: {e}");
        }
        Self { state }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let url = req.url()?;
        let Some(guess) = Guess::from_url(&url) else {
            return Response::error("malformed guess", 400);
        };
        let sql = self.state.storage().sql();
        let window = attempts::window(guess.now);
        // Load, decide, save: synchronous, so no other guess interleaves.
        let response = match (req.method(), url.path()) {
            (Method::Post, ATTEMPT_PATH) => {
                stored::prune(&sql, window)?;
                let mut counts = stored::load(&sql, &guess.client, window)?;
                let verdict = counts.admit(guess.now);
                stored::save(&sql, &guess.client, window, counts)?;
                Response::from_json(&WireVerdict::from(verdict))?
            }
            (Method::Post, REFUND_PATH) => {
                let mut counts = stored::load(&sql, &guess.client, window)?;
                counts.refund();
                stored::save(&sql, &guess.client, window, counts)?;
                Response::empty()?.with_status(204)
            }
            _ => return Response::error("not found", 404),
        };
        // After the window (and a minute for stragglers), forget it; a
        // guess in a later window arms the alarm again.
        let storage = self.state.storage();
        if storage.get_alarm().await?.is_none() {
            storage
                .set_alarm((window + 1) * WINDOW_MILLIS + 60_000 - guess.now.0)
                .await?;
        }
        Ok(response)
    }

    async fn alarm(&self) -> Result<Response> {
        let now = runtime::now();
        stored::prune(&self.state.storage().sql(), attempts::window(now))?;
        Response::empty()
    }
}
