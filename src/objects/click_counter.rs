//! The ClickCounter Durable Object: a shard holding the click buckets of
//! many links in SQLite (protocol: [`super::protocol`]; storage:
//! `store::clicks`; model: `core::analytics`).
//!
//! Applying messages, admitting a capped click and wiping a link each run
//! their reads and writes with no `await` between, so no other request
//! interleaves: a message id and its counts commit together (exactly once),
//! and a cap is exact under concurrency.
//!
//! Its alarm pushes changed click totals to D1 (`links.clicks`) within five
//! seconds (500 links a push, taken in turn when more change), so listing
//! links needs no call to any shard, and forgets applied message ids and
//! deleted links past their time.

use std::cell::Cell;

use worker::{
    console_error, durable_object, DurableObject, Env, Method, Request, Response, Result,
    SqlStorage, State,
};

use super::protocol::{
    self, ApplyAnswer, ClickBatch, FaultsAnswer, ReportRows, TotalAnswer, ADMIT_PATH, APPLY_PATH,
    CLICKS_PATH, FAULTS_PATH, FAULTS_VAR, LINK_PATH, REPORT_PATH, TOTAL_PATH,
};
use crate::core::analytics::aggregate::LinkHours;
use crate::core::analytics::ClickEvent;
use crate::core::redirect::within_cap;
use crate::shell::config;
use crate::shell::runtime;
use crate::store::{click_queue, clicks, links};

/// How long a pushed total may lag the shard at most: one D1 write per shard
/// every few seconds, however many links changed. An alarm costs a D1 call
/// and a storage commit whatever it carries (about 1.4 ms of CPU locally,
/// where 64 shards pushing every 2 s took ~5% of the redirects' thread), and
/// a link clicked again within the window costs one D1 row, not several.
const PUSH_DELAY_MILLIS: i64 = 5_000;

/// A push delay between half and all of [`PUSH_DELAY_MILLIS`], from a random
/// draw. The shards a consumer batch reaches are armed together; with one
/// fixed delay their pushes all came at the same instant, stalling the
/// redirects that share their thread locally (and reaching D1 at once).
fn push_delay(random: u16) -> i64 {
    let half = PUSH_DELAY_MILLIS / 2;
    half + i64::from(random) % (half + 1)
}

#[durable_object(alarm)]
pub struct ClickCounter {
    state: State,
    env: Env,
    /// Whether this instance has created its tables.
    schema_ready: Cell<bool>,
    /// Whether an alarm is pending, so a burst sets it only once.
    alarm_armed: Cell<bool>,
    /// The last link the latest push carried: the next push starts after
    /// it (`clicks::unpushed`). Lost with the instance, which only makes a
    /// push start from the first link again.
    pushed_up_to: Cell<String>,
    /// Test-only: `POST /apply` calls still to refuse (`FAULTS_PATH`).
    failures_left: Cell<u32>,
}

impl DurableObject for ClickCounter {
    fn new(state: State, env: Env) -> Self {
        ClickCounter {
            state,
            env,
            schema_ready: Cell::new(false),
            alarm_armed: Cell::new(false),
            pushed_up_to: Cell::new(String::new()),
            failures_left: Cell::new(0),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let url = req.url()?;
        let link = protocol::param(&url, "link");
        match (req.method(), url.path(), link) {
            (Method::Post, APPLY_PATH, _) => {
                if self.failures_left.get() > 0 {
                    self.failures_left.set(self.failures_left.get() - 1);
                    return Response::error("a test fault refused this apply", 503);
                }
                let Ok(parts) = click_queue::decode_parts(&req.text().await?) else {
                    return Response::error("the body must be click messages", 400);
                };
                for (id, why) in &parts.unreadable {
                    console_error!("click message {id} unreadable in this shard: {why}");
                }
                let applied = clicks::apply(&self.sql()?, parts.messages, runtime::now())?;
                self.arm_alarm().await?;
                Response::from_json(&ApplyAnswer {
                    applied: applied.messages,
                    duplicates: applied.duplicates,
                    unreadable: parts.unreadable.into_iter().map(|(id, _)| id).collect(),
                })
            }
            (Method::Post, CLICKS_PATH, Some(link)) => {
                // serde_json on the text, not `req.json()`: fingerprints are
                // u64s, which a JavaScript number cannot hold exactly.
                let Ok(batch) = serde_json::from_str::<ClickBatch>(&req.text().await?) else {
                    return Response::error("the body must be click events", 400);
                };
                self.record(&self.sql()?, &link, &batch.into_events()).await
            }
            (Method::Post, ADMIT_PATH, Some(link)) => {
                let cap = protocol::param(&url, "cap").and_then(|c| c.parse::<u32>().ok());
                let text = req.text().await?;
                let (Some(cap), Ok(event)) = (cap, serde_json::from_str::<ClickEvent>(&text))
                else {
                    return Response::error("admit needs ?cap=N and one click event", 400);
                };
                // Read, decide and record with no `await` in between: no
                // other admit can interleave, so the cap is exact.
                let sql = self.sql()?;
                if !within_cap(clicks::total(&sql, &link)?, cap) {
                    return Response::error("click cap reached", protocol::CAP_REACHED);
                }
                self.record(&sql, &link, &[event]).await
            }
            (Method::Get, REPORT_PATH, Some(link)) => {
                let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
                let pairs = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()));
                let Some(range) = protocol::parse_report_query(pairs) else {
                    return Response::error("report needs first, last and sketches", 400);
                };
                let sql = self.sql()?;
                let counts = clicks::report_counts(&sql, &link, &range)?;
                let (sketch, variants) = clicks::sketches(&sql, &link, &range)?;
                Response::from_json(&ReportRows::new(&counts, &sketch, &variants))
            }
            (Method::Get, TOTAL_PATH, Some(link)) => Response::from_json(&TotalAnswer {
                clicks: clicks::total(&self.sql()?, &link)?,
            }),
            (Method::Delete, LINK_PATH, Some(link)) => {
                clicks::wipe(&self.sql()?, &link, runtime::now())?;
                Ok(Response::empty()?.with_status(204))
            }
            (method, FAULTS_PATH, _) if self.faults_enabled() => match method {
                Method::Post => {
                    let fail = protocol::param(&url, "fail").and_then(|n| n.parse::<u32>().ok());
                    let Some(fail) = fail else {
                        return Response::error("faults need ?fail=N", 400);
                    };
                    self.failures_left.set(fail);
                    Ok(Response::empty()?.with_status(204))
                }
                Method::Get => Response::from_json(&FaultsAnswer {
                    remaining: self.failures_left.get(),
                }),
                _ => Response::error("method not allowed", 405),
            },
            (_, CLICKS_PATH | ADMIT_PATH | REPORT_PATH | TOTAL_PATH | LINK_PATH, None) => {
                Response::error("name the link: ?link=…", 400)
            }
            (
                _,
                APPLY_PATH | CLICKS_PATH | ADMIT_PATH | REPORT_PATH | TOTAL_PATH | LINK_PATH,
                _,
            ) => Response::error("method not allowed", 405),
            _ => Response::error("not found", 404),
        }
    }

    /// Pushes changed totals to D1 and prunes. A failure is returned, so
    /// the runtime retries the alarm with backoff.
    async fn alarm(&self) -> Result<Response> {
        // Clicks arriving during the D1 write below arm the next alarm.
        self.alarm_armed.set(false);
        let sql = self.sql()?;
        clicks::prune(&sql, runtime::now())?;
        // Taken: after a failure, the retry starts from the first link.
        let after = self.pushed_up_to.take();
        let totals = clicks::unpushed(&sql, &after)?;
        let Some(last) = totals.last().map(|(link, _)| link.clone()) else {
            return Response::empty();
        };
        links::set_clicks(&self.env.d1(config::DB)?, &totals).await?;
        clicks::mark_pushed(&sql, &totals)?;
        self.pushed_up_to.set(last);
        if totals.len() == clicks::PUSH_BATCH {
            self.arm_alarm().await?;
        }
        Response::empty()
    }
}

impl ClickCounter {
    /// Records `events` of `link` (synchronously), then arms the push.
    async fn record(
        &self,
        sql: &SqlStorage,
        link: &str,
        events: &[ClickEvent],
    ) -> Result<Response> {
        let mut buckets = LinkHours::default();
        for event in events {
            buckets.add(link, event);
        }
        clicks::write(sql, &buckets, runtime::now())?;
        self.arm_alarm().await?;
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

    fn faults_enabled(&self) -> bool {
        self.env
            .var(FAULTS_VAR)
            .is_ok_and(|value| value.to_string() == "on")
    }

    async fn arm_alarm(&self) -> Result<()> {
        if self.alarm_armed.replace(true) {
            return Ok(());
        }
        let delay = runtime::entropy::<2>().map_or(PUSH_DELAY_MILLIS, |bytes| {
            push_delay(u16::from_le_bytes(bytes))
        });
        let armed = self.state.storage().set_alarm(delay).await;
        if armed.is_err() {
            self.alarm_armed.set(false);
        }
        armed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_push_waits_between_half_and_all_of_its_delay() {
        for random in [0, 1, 2_500, 2_501, u16::MAX] {
            let delay = push_delay(random);
            assert!(
                (PUSH_DELAY_MILLIS / 2..=PUSH_DELAY_MILLIS).contains(&delay),
                "{random} gave {delay}"
            );
        }
        assert_eq!(push_delay(0), 2_500);
        assert_eq!(push_delay(2_500), 5_000);
    }
}
