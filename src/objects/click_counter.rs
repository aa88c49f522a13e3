//! The ClickCounter Durable Object: one per link, holding its click
//! aggregates in SQLite (protocol: [`super::protocol`]; storage:
//! `store::clicks`; model: `core::analytics`).
//!
//! Its alarm pushes the link's human-click total to D1 (`links.clicks`) at
//! most once a second, so listing links needs no call to any counter.
//!
//! `POST /admit` is the click cap: a capped link's redirect waits for it.
//! Reading the count, deciding and recording run with no `await` between,
//! so no other request interleaves and the cap is exact under concurrency.

use std::cell::Cell;

use worker::{
    console_error, durable_object, DurableObject, Env, Method, Request, Response, Result,
    SqlStorage, State,
};

use super::protocol::{self, ClickBatch, ReportRows};
use crate::core::analytics::{first_kept_hour_sketch, ClickEvent};
use crate::core::ids::LinkId;
use crate::core::redirect::within_cap;
use crate::shell::config;
use crate::shell::runtime;
use crate::store::{clicks, links};

/// How long a pushed total may lag the counter: one D1 write per link per
/// second at most, however hot the link.
const PUSH_DELAY_MILLIS: i64 = 1_000;

#[durable_object(alarm)]
pub struct ClickCounter {
    state: State,
    env: Env,
    /// Whether this instance has created the tables (again, after a wipe).
    schema_ready: Cell<bool>,
    /// Whether a push alarm is pending, so a burst sets it only once.
    alarm_armed: Cell<bool>,
}

impl DurableObject for ClickCounter {
    fn new(state: State, env: Env) -> Self {
        ClickCounter {
            state,
            env,
            schema_ready: Cell::new(false),
            alarm_armed: Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match (req.method(), req.path().as_str()) {
            (Method::Post, protocol::CLICKS_PATH) => {
                // serde_json on the text, not `req.json()`: fingerprints are
                // u64s, which a JavaScript number cannot hold exactly.
                let text = req.text().await?;
                let Ok(batch) = serde_json::from_str::<ClickBatch>(&text) else {
                    return Response::error("the body must be click events", 400);
                };
                self.record(&self.sql()?, &batch.into_events()).await
            }
            (Method::Post, protocol::ADMIT_PATH) => {
                let cap = req
                    .url()?
                    .query_pairs()
                    .find(|(name, _)| name == "cap")
                    .and_then(|(_, value)| value.parse::<u32>().ok());
                let text = req.text().await?;
                let (Some(cap), Ok(event)) = (cap, serde_json::from_str::<ClickEvent>(&text))
                else {
                    return Response::error("admit needs ?cap=N and one click event", 400);
                };
                // Read, decide and record with no `await` in between: no
                // other admit can interleave, so the cap is exact.
                let sql = self.sql()?;
                if !within_cap(clicks::totals(&sql)?.clicks, cap) {
                    return Response::error("click cap reached", protocol::CAP_REACHED);
                }
                self.record(&sql, &[event]).await
            }
            (Method::Get, protocol::REPORT_PATH) => {
                let url = req.url()?;
                let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
                let pairs = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()));
                let Some(range) = protocol::parse_report_query(pairs) else {
                    return Response::error("report needs first, last and sketches", 400);
                };
                let sql = self.sql()?;
                let counts = clicks::report_counts(&sql, &range)?;
                let sketch = clicks::merged_sketch(&sql, &range)?;
                Response::from_json(&ReportRows::new(&counts, &sketch))
            }
            (Method::Delete, "/") => {
                let storage = self.state.storage();
                storage.delete_alarm().await?;
                storage.delete_all().await?;
                self.schema_ready.set(false);
                self.alarm_armed.set(false);
                Ok(Response::empty()?.with_status(204))
            }
            (_, protocol::CLICKS_PATH | protocol::ADMIT_PATH | protocol::REPORT_PATH | "/") => {
                Response::error("method not allowed", 405)
            }
            _ => Response::error("not found", 404),
        }
    }

    /// Pushes the click total to D1. A failure is returned, so the runtime
    /// retries the alarm with backoff.
    async fn alarm(&self) -> Result<Response> {
        // Clicks arriving during the D1 write below arm the next push.
        self.alarm_armed.set(false);
        let sql = self.sql()?;
        clicks::prune_hour_sketches(&sql, first_kept_hour_sketch(runtime::now()))?;
        let totals = clicks::totals(&sql)?;
        if totals.clicks != totals.pushed {
            let Some(link_id) = self.state.id().name() else {
                console_error!("a ClickCounter without a name cannot push its total");
                return Response::empty();
            };
            links::set_clicks(
                &self.env.d1(config::DB)?,
                &LinkId::from_stored(link_id),
                totals.clicks,
            )
            .await?;
            clicks::mark_pushed(&sql, totals.clicks)?;
        }
        Response::empty()
    }
}

impl ClickCounter {
    /// Records `events` (synchronously), then arms the push when a human
    /// click changed the total.
    async fn record(&self, sql: &SqlStorage, events: &[ClickEvent]) -> Result<Response> {
        clicks::record(sql, events)?;
        if events.iter().any(|event| !event.client.is_bot) {
            self.arm_push().await?;
        }
        Ok(Response::empty()?.with_status(204))
    }

    fn sql(&self) -> Result<SqlStorage> {
        let sql = self.state.storage().sql();
        if !self.schema_ready.get() {
            clicks::ensure_schema(&sql)?;
            self.schema_ready.set(true);
        }
        Ok(sql)
    }

    async fn arm_push(&self) -> Result<()> {
        if self.alarm_armed.replace(true) {
            return Ok(());
        }
        let armed = self.state.storage().set_alarm(PUSH_DELAY_MILLIS).await;
        if armed.is_err() {
            self.alarm_armed.set(false);
        }
        armed
    }
}
