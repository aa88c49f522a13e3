//! The ClickCounter's wire protocol: paths, bodies and the stub helpers the
//! worker calls it with. A ClickCounter is a shard holding many links'
//! clicks: link `L` lives in shard `core::analytics::shard::shard_of(L, n)`
//! of `n` (`shell::config::click_shards`), addressed by
//! `CLICK_COUNTER.getByName("shard-<i>")`. A Rust object cannot serve RPC,
//! so every call is a `fetch` to an absolute URL on [`ORIGIN`].
//!
//! | call | body | answer |
//! |---|---|---|
//! | `POST /apply` | `{"parts":[<message>,…]}` (`store::click_queue`) | `200` [`ApplyAnswer`]: each readable message whose id the shard had not applied is counted, and the ids of unreadable ones are listed; `400` for a body that is not a list of messages with ids; `503` when a test-only fault is armed (below) |
//! | `POST /clicks?link=L` | one `ClickEvent` as JSON, or an array of them | `204` (history seeding: tests and the benchmark); `400` for a body that is not click events |
//! | `POST /admit?link=L&cap=N` | one `ClickEvent` | `204`: recorded, fewer than N human clicks were counted; `410`: not recorded, the cap is reached; `400` for a bad body or cap |
//! | `GET /report?link=L&first=H&last=H&sketches=hour\|day` | — | `200` [`ReportRows`]; `400` for a bad query |
//! | `GET /total?link=L` | — | `200` `{"clicks":n}`: the link's human clicks, as exact as its report |
//! | `DELETE /link?link=L` | — | `204`, after the link's rows are gone; its clicks still in flight are dropped on arrival for 7 days |
//! | `POST /faults?fail=N`, `GET /faults` | — | test-only, when the var `CLICK_COUNTER_FAULTS` is `on`: the next N `POST /apply` answer `503`; `GET` says how many are left (`{"remaining":n}`); `404` otherwise |
//! | anything else | — | `404` / `405` |
//!
//! A `ClickEvent` is `{"at": <Unix ms>, "country": "US", "client": {"device":
//! "mobile", "platform": "ios", "browser": "Safari", "os": "iOS", "is_bot":
//! false}, "referrer": "twitter.com", "source": "link"|"qr", "fingerprint":
//! <u64>}` (serde of `core::analytics::ClickEvent`). It carries its own time
//! `at`, so a benchmark can seed 90 days of history by calling the shard
//! directly (`tests/support/shards.mjs` finds it).
//!
//! `first` and `last` are `core::period::Hour` numbers (hours since the Unix
//! epoch), both inclusive; `sketches` says whether unique visitors come from
//! the hour sketches of that range or the day sketches it touches
//! (`core::analytics::SketchRange`). The answer is additive, so that reports
//! of several shards (sub-shards of one hot link) can be merged by the
//! caller: `clicks` rows per hour (per day, stamped with the day's first
//! hour, for the whole days of a long period), every other dimension summed
//! over the range (stamped with `first`), and the merged unique-visitor
//! sketch itself rather than its estimate, and one such sketch per A/B
//! variant. No visitor identifier or IP address is in any of it.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use worker::{Env, Method, Request, RequestInit, Response, Stub, Url};

use crate::core::analytics::shard::shard_of;
use crate::core::analytics::{ClickEvent, Dimension, HourlyCount, SketchRange};
use crate::core::hll::Hll;
use crate::core::ids::LinkId;
use crate::core::period::Hour;
use crate::shell::config;

/// Any absolute URL reaches the stub; this one reads well in logs.
pub const ORIGIN: &str = "https://click-counter";
pub const APPLY_PATH: &str = "/apply";
pub const CLICKS_PATH: &str = "/clicks";
pub const REPORT_PATH: &str = "/report";
pub const TOTAL_PATH: &str = "/total";
pub const LINK_PATH: &str = "/link";
pub const FAULTS_PATH: &str = "/faults";
/// A capped link's click, recorded only within the cap. The cap travels
/// with each call, so a PATCH of `maxClicks` counts from the next click;
/// the object keeps only the count (docs/adr/2026-11-23-click-caps-admitted-by-the-counter.md).
pub const ADMIT_PATH: &str = "/admit";
/// `POST /admit`'s answer when the cap is reached.
pub const CAP_REACHED: u16 = 410;
/// Shard calls a flush or a queue batch keeps in flight at once: enough to
/// overlap their round trips, few enough that a batch touching every shard
/// does not crowd out the redirects sharing its isolate.
pub const CONCURRENT_SHARD_CALLS: usize = 8;
/// Var: `on` arms the test-only fault switch ([`FAULTS_PATH`]).
pub const FAULTS_VAR: &str = "CLICK_COUNTER_FAULTS";

/// `POST /apply`'s answer.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ApplyAnswer {
    pub applied: usize,
    pub duplicates: usize,
    /// Ids of the messages the shard could not read: not applied.
    #[serde(default)]
    pub unreadable: Vec<String>,
}

/// `GET /total`'s answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct TotalAnswer {
    pub clicks: i64,
}

/// `GET /faults`'s answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct FaultsAnswer {
    pub remaining: u32,
}

/// `POST /clicks` accepts one event or a batch (for seeding history).
/// `POST /clicks` accepts one event or a batch (for seeding history).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ClickBatch {
    One(ClickEvent),
    Many(Vec<ClickEvent>),
}

impl ClickBatch {
    pub fn into_events(self) -> Vec<ClickEvent> {
        match self {
            ClickBatch::One(event) => vec![event],
            ClickBatch::Many(events) => events,
        }
    }
}

/// `GET /report`'s answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReportRows {
    pub counts: Vec<WireCount>,
    /// `Hll::to_bytes` of the merged sketches, base64.
    pub sketch: String,
    /// The merged sketches of each A/B variant that has one; absent from
    /// counters older than variants.
    #[serde(default)]
    pub variants: Vec<VariantSketch>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct VariantSketch {
    /// Numbered from 1.
    pub variant: u8,
    /// `Hll::to_bytes`, base64.
    pub sketch: String,
}

/// [`ReportRows`], decoded.
#[derive(Debug, PartialEq)]
pub struct Report {
    pub counts: Vec<HourlyCount>,
    pub sketch: Hll,
    /// By variant number, ascending.
    pub variants: Vec<(u8, Hll)>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct WireCount {
    pub hour: i64,
    pub dimension: String,
    pub value: String,
    pub count: u64,
}

impl ReportRows {
    pub fn new(counts: &[HourlyCount], sketch: &Hll, variants: &BTreeMap<u8, Hll>) -> Self {
        ReportRows {
            counts: counts
                .iter()
                .map(|c| WireCount {
                    hour: c.hour.0,
                    dimension: c.dimension.as_str().to_owned(),
                    value: c.value.clone(),
                    count: c.count,
                })
                .collect(),
            sketch: BASE64.encode(sketch.to_bytes()),
            variants: variants
                .iter()
                .map(|(&variant, sketch)| VariantSketch {
                    variant,
                    sketch: BASE64.encode(sketch.to_bytes()),
                })
                .collect(),
        }
    }

    /// The rows and the sketches; rows of an unknown dimension (a newer
    /// counter) are skipped rather than failing the report.
    ///
    /// # Errors
    /// When a sketch does not decode.
    pub fn decode(self) -> Result<Report, String> {
        let sketch = decode_sketch(&self.sketch)?;
        let variants = self
            .variants
            .iter()
            .map(|v| Ok((v.variant, decode_sketch(&v.sketch)?)))
            .collect::<Result<Vec<(u8, Hll)>, String>>()?;
        let counts = self
            .counts
            .into_iter()
            .filter_map(|c| {
                Some(HourlyCount {
                    hour: Hour(c.hour),
                    dimension: Dimension::parse(&c.dimension)?,
                    value: c.value,
                    count: c.count,
                })
            })
            .collect();
        Ok(Report {
            counts,
            sketch,
            variants,
        })
    }
}

fn decode_sketch(text: &str) -> Result<Hll, String> {
    let bytes = BASE64
        .decode(text)
        .map_err(|e| format!("sketch is not base64: {e}"))?;
    Hll::from_bytes(&bytes).map_err(|e| format!("bad sketch: {e}"))
}

/// The query string of `GET /report`.
pub fn report_query(link_id: &str, range: &SketchRange) -> String {
    let kind = if range.hourly { "hour" } else { "day" };
    format!(
        "link={}&first={}&last={}&sketches={kind}",
        encode(link_id),
        range.first.0,
        range.last.0
    )
}

/// Parses [`report_query`]'s output; `None` when anything is missing or off.
pub fn parse_report_query<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Option<SketchRange> {
    let (mut first, mut last, mut hourly) = (None, None, None);
    for (name, value) in pairs {
        match name {
            "first" => first = value.parse().ok().map(Hour),
            "last" => last = value.parse().ok().map(Hour),
            "sketches" => {
                hourly = match value {
                    "hour" => Some(true),
                    "day" => Some(false),
                    _ => None,
                }
            }
            _ => {}
        }
    }
    let range = SketchRange {
        hourly: hourly?,
        first: first?,
        last: last?,
    };
    (range.first <= range.last).then_some(range)
}

/// A query parameter of a request to the shard.
pub fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn encode(link_id: &str) -> String {
    url::form_urlencoded::byte_serialize(link_id.as_bytes()).collect()
}

/// The name of shard `shard`.
pub fn shard_name(shard: u16) -> String {
    format!("shard-{shard}")
}

/// Shard `shard` of the ClickCounter namespace.
///
/// # Errors
/// When the binding is missing.
pub fn shard(env: &Env, shard: u16) -> worker::Result<Stub> {
    env.durable_object(config::CLICK_COUNTER)?
        .get_by_name(&shard_name(shard))
}

/// The shard holding `link_id`.
///
/// # Errors
/// When the binding is missing.
pub fn shard_of_link(env: &Env, link_id: &str) -> worker::Result<Stub> {
    shard(env, shard_of(link_id, config::click_shards(env)))
}

/// Applies the messages of `body` (`store::click_queue::encode_routed_parts`)
/// in shard `index`: one call however many links and messages they carry.
///
/// # Errors
/// When the shard cannot be reached or refuses the body.
pub async fn apply(env: &Env, index: u16, body: String) -> worker::Result<ApplyAnswer> {
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let request = Request::new_with_init(&format!("{ORIGIN}{APPLY_PATH}"), &init)?;
    let response = shard(env, index)?.fetch_with_request(request).await?;
    let (status, text) = read(response).await?;
    expect_success(status, "apply")?;
    Ok(serde_json::from_str(&text)?)
}

/// Records one click of a capped link if fewer than `cap` human clicks
/// have been counted; whether it was.
///
/// # Errors
/// When the shard cannot be reached or refuses the event.
pub async fn admit(
    env: &Env,
    link_id: &LinkId,
    event: &ClickEvent,
    cap: u32,
) -> worker::Result<bool> {
    let link_id = link_id.as_str();
    let body = serde_json::to_string(event)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let url = format!("{ORIGIN}{ADMIT_PATH}?link={}&cap={cap}", encode(link_id));
    let request = Request::new_with_init(&url, &init)?;
    let response = shard_of_link(env, link_id)?
        .fetch_with_request(request)
        .await?;
    match read(response).await?.0 {
        CAP_REACHED => Ok(false),
        status => expect_success(status, "admit").map(|()| true),
    }
}

/// The counts and merged sketch of `range` from the link's shard.
///
/// # Errors
/// When the shard cannot be reached or answers something unreadable.
pub async fn fetch_report(
    env: &Env,
    link_id: &LinkId,
    range: &SketchRange,
) -> worker::Result<ReportRows> {
    let link_id = link_id.as_str();
    let url = format!("{ORIGIN}{REPORT_PATH}?{}", report_query(link_id, range));
    let response = shard_of_link(env, link_id)?.fetch_with_str(&url).await?;
    let (status, text) = read(response).await?;
    expect_success(status, "report")?;
    Ok(serde_json::from_str(&text)?)
}

/// The link's human clicks, from its shard: the same count its analytics
/// report.
///
/// # Errors
/// When the shard cannot be reached or answers something unreadable.
pub async fn total(env: &Env, link_id: &LinkId) -> worker::Result<u64> {
    let link_id = link_id.as_str();
    let url = format!("{ORIGIN}{TOTAL_PATH}?link={}", encode(link_id));
    let response = shard_of_link(env, link_id)?.fetch_with_str(&url).await?;
    let (status, text) = read(response).await?;
    expect_success(status, "total")?;
    let answer: TotalAnswer = serde_json::from_str(&text)?;
    Ok(u64::try_from(answer.clicks).unwrap_or(0))
}

/// Wipes the link's rows in its shard.
///
/// # Errors
/// When the shard cannot be reached or fails to delete.
pub async fn wipe(env: &Env, link_id: &LinkId) -> worker::Result<()> {
    let link_id = link_id.as_str();
    let mut init = RequestInit::new();
    init.with_method(Method::Delete);
    let url = format!("{ORIGIN}{LINK_PATH}?link={}", encode(link_id));
    let request = Request::new_with_init(&url, &init)?;
    let response = shard_of_link(env, link_id)?
        .fetch_with_request(request)
        .await?;
    expect_success(read(response).await?.0, "wipe")
}

/// The status and the body, always read to its end: a queue event whose
/// subrequest left a body unread never completes in workerd, and its queue
/// stops delivering.
async fn read(mut response: Response) -> worker::Result<(u16, String)> {
    let text = response.text().await?;
    Ok((response.status_code(), text))
}

fn expect_success(status: u16, what: &str) -> worker::Result<()> {
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(worker::Error::RustError(format!(
            "ClickCounter {what} answered {status}"
        )))
    }
}

#[cfg(test)]
mod tests;
