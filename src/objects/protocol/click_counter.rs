//! The ClickCounter's wire protocol: paths, bodies and the stub helpers the
//! worker calls it with. One ClickCounter per link, addressed by
//! `CLICK_COUNTER.getByName(linkId)`; a Rust object cannot serve RPC, so
//! every call is a `fetch` to an absolute URL on [`ORIGIN`].
//!
//! | call | body | answer |
//! |---|---|---|
//! | `POST /clicks` | one `ClickEvent` as JSON, or an array of them | `204`; `400` for a body that is not click events |
//! | `POST /admit?cap=N` | one `ClickEvent` | `204`: recorded, fewer than N human clicks were counted; `410`: not recorded, the cap is reached; `400` for a bad body or cap |
//! | `GET /report?first=H&last=H&sketches=hour\|day` | — | `200` [`ReportRows`]; `400` for a bad query |
//! | `DELETE /` | — | `204`, after every row, sketch and the alarm are gone |
//! | anything else | — | `404` / `405` |
//!
//! A `ClickEvent` is `{"at": <Unix ms>, "country": "US", "client": {"device":
//! "mobile", "platform": "ios", "browser": "Safari", "os": "iOS", "is_bot":
//! false}, "referrer": "twitter.com", "source": "link"|"qr", "fingerprint":
//! <u64>}` (serde of `core::analytics::ClickEvent`). It carries its own time
//! `at`, so a benchmark can seed 90 days of history by calling the object
//! directly (`mf.getDurableObjectNamespace("CLICK_COUNTER")
//! .getByName(linkId).fetch("https://click-counter/clicks", {method: "POST",
//! body: JSON.stringify([...events])})`). The counter records each event in one
//! synchronous SQL sequence, so concurrent clicks never lose an update.
//!
//! `first` and `last` are `core::period::Hour` numbers (hours since the Unix
//! epoch), both inclusive; `sketches` says whether unique visitors come from
//! the hour sketches of that range or the day sketches it touches
//! (`core::analytics::SketchRange`). The answer is additive so that several
//! counters (shards of one hot link) can be merged by the caller: per-hour
//! `clicks` rows, every other dimension summed over the range (stamped with
//! `first`), and the merged unique-visitor sketch itself rather than its
//! estimate. No visitor identifier or IP address is in any of it.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use worker::{Env, Method, Request, RequestInit, Stub};

use crate::core::analytics::{ClickEvent, Dimension, HourlyCount, SketchRange};
use crate::core::hll::Hll;
use crate::core::ids::LinkId;
use crate::core::period::Hour;
use crate::shell::config;

/// Any absolute URL reaches the stub; this one reads well in logs.
pub const ORIGIN: &str = "https://click-counter";
pub const CLICKS_PATH: &str = "/clicks";
pub const REPORT_PATH: &str = "/report";
/// A capped link's click, recorded only within the cap. The cap travels
/// with each call, so a PATCH of `maxClicks` counts from the next click;
/// the object keeps only the count (docs/adr/2026-11-23-click-caps-admitted-by-the-counter.md).
pub const ADMIT_PATH: &str = "/admit";
/// `POST /admit`'s answer when the cap is reached.
pub const CAP_REACHED: u16 = 410;

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
}

#[derive(Debug, Serialize, Deserialize)]
pub struct WireCount {
    pub hour: i64,
    pub dimension: String,
    pub value: String,
    pub count: u64,
}

impl ReportRows {
    pub fn new(counts: &[HourlyCount], sketch: &Hll) -> Self {
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
        }
    }

    /// The rows and the sketch; rows of an unknown dimension (a newer
    /// counter) are skipped rather than failing the report.
    ///
    /// # Errors
    /// When the sketch does not decode.
    pub fn decode(self) -> Result<(Vec<HourlyCount>, Hll), String> {
        let bytes = BASE64
            .decode(&self.sketch)
            .map_err(|e| format!("sketch is not base64: {e}"))?;
        let sketch = Hll::from_bytes(&bytes).map_err(|e| format!("bad sketch: {e}"))?;
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
        Ok((counts, sketch))
    }
}

/// The query string of `GET /report`.
pub fn report_query(range: &SketchRange) -> String {
    let kind = if range.hourly { "hour" } else { "day" };
    format!(
        "first={}&last={}&sketches={kind}",
        range.first.0, range.last.0
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

/// The link's ClickCounter.
///
/// # Errors
/// When the binding is missing.
pub fn counter(env: &Env, link_id: &LinkId) -> worker::Result<Stub> {
    env.durable_object(config::CLICK_COUNTER)?
        .get_by_name(link_id.as_str())
}

/// Sends one click to the link's counter.
///
/// # Errors
/// When the counter cannot be reached or refuses the event.
pub async fn send_click(env: &Env, link_id: &LinkId, event: &ClickEvent) -> worker::Result<()> {
    let status = post_event(env, link_id, CLICKS_PATH, event).await?;
    expect_success(status, "click")
}

/// Records one click of a capped link if fewer than `cap` human clicks
/// have been counted; whether it was.
///
/// # Errors
/// When the counter cannot be reached or refuses the event.
pub async fn admit(
    env: &Env,
    link_id: &LinkId,
    event: &ClickEvent,
    cap: u32,
) -> worker::Result<bool> {
    let path = format!("{ADMIT_PATH}?cap={cap}");
    match post_event(env, link_id, &path, event).await? {
        CAP_REACHED => Ok(false),
        status => expect_success(status, "admit").map(|()| true),
    }
}

async fn post_event(
    env: &Env,
    link_id: &LinkId,
    path: &str,
    event: &ClickEvent,
) -> worker::Result<u16> {
    let body = serde_json::to_string(event)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let request = Request::new_with_init(&format!("{ORIGIN}{path}"), &init)?;
    let response = counter(env, link_id)?.fetch_with_request(request).await?;
    Ok(response.status_code())
}

/// The counts and merged sketch of `range` from the link's counter.
///
/// # Errors
/// When the counter cannot be reached or answers something unreadable.
pub async fn fetch_report(
    env: &Env,
    link_id: &LinkId,
    range: &SketchRange,
) -> worker::Result<ReportRows> {
    let url = format!("{ORIGIN}{REPORT_PATH}?{}", report_query(range));
    let mut response = counter(env, link_id)?.fetch_with_str(&url).await?;
    expect_success(response.status_code(), "report")?;
    Ok(serde_json::from_str(&response.text().await?)?)
}

/// Wipes the link's counter: its rows, sketches and pending alarm.
///
/// # Errors
/// When the counter cannot be reached or fails to delete.
pub async fn wipe(env: &Env, link_id: &LinkId) -> worker::Result<()> {
    let mut init = RequestInit::new();
    init.with_method(Method::Delete);
    let request = Request::new_with_init(&format!("{ORIGIN}/"), &init)?;
    let response = counter(env, link_id)?.fetch_with_request(request).await?;
    expect_success(response.status_code(), "wipe")
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
mod tests {
    use super::*;

    #[test]
    fn report_queries_round_trip() {
        for hourly in [true, false] {
            let range = SketchRange {
                hourly,
                first: Hour(490_000),
                last: Hour(490_023),
            };
            let query = report_query(&range);
            let pairs = query.split('&').filter_map(|p| p.split_once('='));
            assert_eq!(parse_report_query(pairs), Some(range));
        }
    }

    #[test]
    fn malformed_report_queries_are_rejected() {
        for query in [
            "first=1&last=2",
            "first=x&last=2&sketches=day",
            "first=3&last=2&sketches=day",
            "first=1&last=2&sketches=week",
        ] {
            let pairs = query.split('&').filter_map(|p| p.split_once('='));
            assert_eq!(parse_report_query(pairs), None, "{query}");
        }
    }

    #[test]
    fn report_rows_round_trip_and_skip_unknown_dimensions() {
        let mut sketch = Hll::new();
        sketch.insert(0x1234_5678_9abc_def0);
        let counts = [HourlyCount {
            hour: Hour(7),
            dimension: Dimension::Country,
            value: "DE".into(),
            count: 3,
        }];
        let mut rows = ReportRows::new(&counts, &sketch);
        rows.counts.push(WireCount {
            hour: 7,
            dimension: "future".into(),
            value: String::new(),
            count: 1,
        });
        let json = serde_json::to_string(&rows).unwrap();
        let back: ReportRows = serde_json::from_str(&json).unwrap();
        let (decoded, decoded_sketch) = back.decode().unwrap();
        assert_eq!(decoded, counts);
        assert_eq!(decoded_sketch, sketch);
    }

    #[test]
    fn a_batch_is_one_event_or_an_array() {
        let one = r#"{"at":1,"country":"US","client":{"device":"mobile","platform":"ios","browser":"Safari","os":"iOS","is_bot":false},"referrer":"direct","source":"link","fingerprint":5}"#;
        let batch: ClickBatch = serde_json::from_str(one).unwrap();
        assert_eq!(batch.into_events().len(), 1);
        let many: ClickBatch = serde_json::from_str(&format!("[{one},{one}]")).unwrap();
        assert_eq!(many.into_events().len(), 2);
        assert!(serde_json::from_str::<ClickBatch>(r#"{"at":1}"#).is_err());
    }

    proptest::proptest! {
        #[test]
        fn an_arbitrary_sketch_is_decoded_or_an_error(sketch in "(?s).{0,120}|[A-Za-z0-9+/]{0,200}={0,2}") {
            let rows = ReportRows { counts: Vec::new(), sketch };
            if let Err(message) = rows.decode() {
                proptest::prop_assert!(message.contains("sketch"), "{message}");
            }
        }
    }
}
