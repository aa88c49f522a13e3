//! The click-analytics model: what one click is, how clicks add up
//! ([`aggregate`]), how an isolate buffers them ([`buffer`]), which shard
//! counts a link ([`shard`]), and (in [`report`]) how stored counts become
//! the response of both analytics endpoints.
//!
//! # Storage, bounded per link per day
//!
//! A ClickCounter shard keeps, for each of its links, one row per hour and
//! one per day, each holding the bucket's counts per (dimension, value), the
//! HyperLogLog registers of its human visitors and, for an A/B-tested link,
//! those of each variant's visitors (`aggregate::Bucket`), plus the link's
//! click total. No visitor identifier is stored. The SQL is
//! `store::clicks`. Applying a bucket costs three rows written (its hour,
//! its day, the total) however many clicks it carries.
//!
//! Every dimension has bounded cardinality: countries ≤ 26², device 3,
//! platform 3, browser and OS a fixed enum, source 2, targets ≤ 260 (the
//! routing targets of `core::routing::Target`: default, ios, android,
//! fallback, a geo target per assigned country and four variants), and
//! referrers capped at [`MAX_REFERRERS_PER_HOUR`] per bucket plus
//! [`OTHER_REFERRERS`]. So a bucket holds at most ~1,070 counters however
//! much traffic or however many forged `Referer` headers arrive; typical
//! links have a handful. Hour sketches are needed for
//! [`HOURLY_SKETCH_RETENTION`] hours only; day sketches are kept.
//!
//! A report reads the hour rows of an hourly period (it has clicks by hour),
//! and otherwise the day rows of its whole days plus the hour rows of any
//! partial day at either end ([`SketchRange::buckets`]).

pub mod aggregate;
pub mod buffer;
pub mod report;
pub mod shard;

use crate::core::fingerprint::fingerprint;
use crate::core::period::{Hour, Period, MAX_HOURLY_BUCKETS};
use crate::core::referrer::referrer_host;
use crate::core::routing::Target;
use crate::core::time::{Day, UnixMillis};
use crate::core::useragent::Client;
use serde::{Deserialize, Serialize};

/// Distinct referrer hosts an hour may hold before the rest count as
/// [`OTHER_REFERRERS`]: `Referer` is client-controlled, so it must not be
/// able to grow storage without bound.
pub const MAX_REFERRERS_PER_HOUR: usize = 100;
/// The referrer of clicks past the cap. Parentheses cannot occur in a host.
pub const OTHER_REFERRERS: &str = "(other)";
/// Hours an hour sketch must be kept: the 24h period reaches back 24 hours,
/// doubled so a late click or a slow alarm never finds it gone.
pub const HOURLY_SKETCH_RETENTION: i64 = 48;

/// How the click arrived: by the short link itself or by scanning its QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Link,
    Qr,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Link => "link",
            Source::Qr => "qr",
        }
    }
}

/// An ISO 3166-1 alpha-2 country code, or `XX` when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct Country([u8; 2]);

impl Country {
    pub const UNKNOWN: Country = Country(*b"XX");

    /// Two ASCII letters, uppercased; anything else (absent, `T1` for Tor,
    /// garbage) is [`Country::UNKNOWN`].
    pub fn parse(code: Option<&str>) -> Self {
        match code.map(|c| c.trim().as_bytes()) {
            Some(&[a, b]) if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Country([a.to_ascii_uppercase(), b.to_ascii_uppercase()])
            }
            _ => Country::UNKNOWN,
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("XX")
    }
}

impl From<String> for Country {
    fn from(code: String) -> Self {
        Country::parse(Some(&code))
    }
}

impl From<Country> for String {
    fn from(country: Country) -> Self {
        country.as_str().to_owned()
    }
}

/// What the redirect knows about a request, as it arrived.
#[derive(Debug, Clone, Copy)]
pub struct ClickRequest<'a> {
    pub at: UnixMillis,
    pub link_id: &'a str,
    pub method_is_head: bool,
    pub user_agent: Option<&'a str>,
    pub referer: Option<&'a str>,
    /// Cloudflare's `request.cf.country`.
    pub country: Option<&'a str>,
    /// `CF-Connecting-IP`: hashed into the fingerprint, never kept.
    pub ip: &'a str,
    pub source: Source,
    /// What the visit was served (the redirect decision's target).
    pub target: Target,
}

/// One classified click, as the redirect sends it to the ClickCounter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClickEvent {
    #[serde(with = "unix_millis")]
    pub at: UnixMillis,
    pub country: Country,
    pub client: Client,
    /// A [`referrer_host`]: a host, an app id, or `direct`.
    pub referrer: String,
    pub source: Source,
    /// A keyed hash of IP and User-Agent: only ever inserted into sketches.
    pub fingerprint: u64,
    /// Absent in events sent before routing targets existed: `default`.
    #[serde(default)]
    pub target: Target,
}

/// A counter a click adds one to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    Clicks,
    Bots,
    Country,
    Device,
    Platform,
    Browser,
    Os,
    Referrer,
    Source,
    /// The routing target served ([`Target`]).
    Target,
    /// Social previews served to link-unfurling bots: not clicks.
    Unfurls,
}

/// What the click's hour already holds for the `referrer` dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferrerRows {
    /// Distinct referrer values stored for the hour.
    pub distinct: usize,
    /// Whether the click's own referrer is one of them.
    pub includes_this: bool,
}

/// One stored row: `count` events in `hour` had `value` for `dimension`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourlyCount {
    pub hour: Hour,
    pub dimension: Dimension,
    pub value: String,
    pub count: u64,
}

/// A unique-visitor sketch's key: per hour (kept briefly) or per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SketchKey {
    Hour(Hour),
    Day(Day),
    /// The visitors of one A/B variant (numbered from 1) in an hour or a day.
    VariantHour(u8, Hour),
    VariantDay(u8, Day),
}

impl ClickEvent {
    /// Classifies a request. HEAD requests and bot User-Agents become bot
    /// hits; the secret keys the fingerprint (a wrangler secret).
    /// `classify` is `core::useragent::classify`, or an isolate's
    /// `ClientMemo` of it.
    pub fn from_request(
        request: &ClickRequest<'_>,
        secret: &[u8],
        classify: impl FnOnce(&str, bool) -> Client,
    ) -> Self {
        let user_agent = request.user_agent.unwrap_or("");
        ClickEvent {
            at: request.at,
            country: Country::parse(request.country),
            client: classify(user_agent, request.method_is_head),
            referrer: referrer_host(request.referer),
            source: request.source,
            fingerprint: fingerprint(secret, request.ip, user_agent, request.link_id),
            target: request.target,
        }
    }

    pub fn hour(&self) -> Hour {
        Hour::of(self.at)
    }

    /// The counters of [`ClickEvent::hour`] this click adds one to. An
    /// unfurl (a social preview served) only counts as an unfurl, any other
    /// bot only as a bot hit; a person counts once in every dimension.
    pub fn increments(&self, referrers: ReferrerRows) -> Vec<(Dimension, String)> {
        if self.is_unfurl() {
            return vec![(Dimension::Unfurls, String::new())];
        }
        if self.client.is_bot {
            return vec![(Dimension::Bots, String::new())];
        }
        let referrer = if referrers.includes_this || referrers.distinct < MAX_REFERRERS_PER_HOUR {
            self.referrer.as_str()
        } else {
            OTHER_REFERRERS
        };
        let client = &self.client;
        [
            (Dimension::Clicks, ""),
            (Dimension::Country, self.country.as_str()),
            (Dimension::Device, client.device.as_str()),
            (Dimension::Platform, client.platform.as_str()),
            (Dimension::Browser, client.browser.as_str()),
            (Dimension::Os, client.os.as_str()),
            (Dimension::Referrer, referrer),
            (Dimension::Source, self.source.as_str()),
        ]
        .into_iter()
        .map(|(dimension, value)| (dimension, value.to_owned()))
        .chain([(Dimension::Target, self.target.to_string())])
        .collect()
    }

    /// A social preview served to an unfurling bot (always a bot too).
    fn is_unfurl(&self) -> bool {
        self.target == Target::Preview
    }

    /// The sketches the fingerprint goes into: none for bots, else the
    /// click's hour and day, and its variant's hour and day for a click
    /// an A/B test routed.
    pub fn sketch_keys(&self) -> Vec<SketchKey> {
        if self.client.is_bot {
            return Vec::new();
        }
        let (hour, day) = (self.hour(), self.at.day());
        let mut keys = vec![SketchKey::Hour(hour), SketchKey::Day(day)];
        if let Some(variant) = self.target.variant() {
            keys.extend([
                SketchKey::VariantHour(variant, hour),
                SketchKey::VariantDay(variant, day),
            ]);
        }
        keys
    }
}

impl Dimension {
    pub const ALL: [Dimension; 11] = [
        Dimension::Clicks,
        Dimension::Bots,
        Dimension::Country,
        Dimension::Device,
        Dimension::Platform,
        Dimension::Browser,
        Dimension::Os,
        Dimension::Referrer,
        Dimension::Source,
        Dimension::Target,
        Dimension::Unfurls,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Clicks => "clicks",
            Dimension::Bots => "bots",
            Dimension::Country => "country",
            Dimension::Device => "device",
            Dimension::Platform => "platform",
            Dimension::Browser => "browser",
            Dimension::Os => "os",
            Dimension::Referrer => "referrer",
            Dimension::Source => "source",
            Dimension::Target => "target",
            Dimension::Unfurls => "unfurls",
        }
    }

    /// The inverse of [`Dimension::as_str`], for rows read back from storage.
    pub fn parse(name: &str) -> Option<Self> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == name)
    }
}

/// The `kind` of every hour sketch starts with this, so pruning old hour
/// sketches reaches the variants' too.
pub const HOUR_KIND: &str = "hour";
const DAY_KIND: &str = "day";
const VARIANT_INFIX: &str = ":variant:";

impl SketchKey {
    /// As stored: `hour`, `day`, `hour:variant:N`, `day:variant:N`.
    pub fn kind(self) -> String {
        match self {
            SketchKey::Hour(_) => HOUR_KIND.to_owned(),
            SketchKey::Day(_) => DAY_KIND.to_owned(),
            SketchKey::VariantHour(n, _) => format!("{HOUR_KIND}{VARIANT_INFIX}{n}"),
            SketchKey::VariantDay(n, _) => format!("{DAY_KIND}{VARIANT_INFIX}{n}"),
        }
    }

    pub fn start(self) -> i64 {
        match self {
            SketchKey::Hour(hour) | SketchKey::VariantHour(_, hour) => hour.0,
            SketchKey::Day(day) | SketchKey::VariantDay(_, day) => day.0,
        }
    }

    /// The variant a stored `kind` belongs to, for a variant sketch.
    pub fn variant_of_kind(kind: &str) -> Option<u8> {
        let (_, number) = kind.split_once(VARIANT_INFIX)?;
        number.parse().ok()
    }
}

/// The sketches to merge for a period's unique visitors. Hour sketches when
/// the period is hourly and they are all still kept, so `24h` counts exactly
/// its 24 hours; otherwise the day sketches of every day it touches, which
/// over-covers a period that starts or ends mid-day (the report then caps
/// uniques at clicks).
pub fn sketches_for(period: &Period, now: UnixMillis) -> Vec<SketchKey> {
    SketchRange::for_period(period, now).keys()
}

/// The sketches of [`sketches_for`] as a range, so a report request can name
/// them in a few bytes however long the period: every hour sketch from
/// `first` to `last`, or (not `hourly`) every day sketch those hours touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SketchRange {
    pub hourly: bool,
    pub first: Hour,
    pub last: Hour,
}

impl SketchRange {
    pub fn for_period(period: &Period, now: UnixMillis) -> Self {
        SketchRange {
            hourly: period.is_hourly() && period.first_hour() >= first_kept_hour_sketch(now),
            first: period.first_hour(),
            last: period.last_hour(),
        }
    }

    /// The keys to merge: the same as [`sketches_for`] for the period.
    pub fn keys(&self) -> Vec<SketchKey> {
        if self.hourly {
            (self.first.0..=self.last.0)
                .map(|h| SketchKey::Hour(Hour(h)))
                .collect()
        } else {
            (self.first.day().0..=self.last.day().0)
                .map(|d| SketchKey::Day(Day(d)))
                .collect()
        }
    }

    /// How the `kind` of each variant sketch to merge starts; they cover
    /// the same starts as [`SketchRange::keys`].
    pub fn variant_kind_prefix(&self) -> String {
        let span = if self.hourly { HOUR_KIND } else { DAY_KIND };
        format!("{span}{VARIANT_INFIX}")
    }
}

/// The stored buckets that answer a report ([`SketchRange::buckets`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketPlan {
    /// Inclusive ranges of hours whose hour rows to read.
    pub hours: Vec<(Hour, Hour)>,
    /// The inclusive range of whole days whose day rows to read.
    pub days: Option<(Day, Day)>,
}

impl SketchRange {
    /// Which rows answer a report of `first..=last`: every hour row for an
    /// hourly period (a report of under [`MAX_HOURLY_BUCKETS`] hours lists
    /// clicks by hour); otherwise the day rows of the whole days inside it
    /// and the hour rows of a partial day at either end.
    pub fn buckets(&self) -> BucketPlan {
        let all_hours = BucketPlan {
            hours: vec![(self.first, self.last)],
            days: None,
        };
        if self.last.0 - self.first.0 < MAX_HOURLY_BUCKETS {
            return all_hours;
        }
        let starts_a_day = |hour: Hour| Hour::of(hour.day().start()) == hour;
        let ends_a_day = |hour: Hour| Hour::of(hour.day().end()) == hour;
        let first_day = self.first.day().0 + i64::from(!starts_a_day(self.first));
        let last_day = self.last.day().0 - i64::from(!ends_a_day(self.last));
        if first_day > last_day {
            return all_hours;
        }
        let (first_day, last_day) = (Day(first_day), Day(last_day));
        let mut hours = Vec::new();
        let first_whole = Hour::of(first_day.start());
        if self.first < first_whole {
            hours.push((self.first, Hour(first_whole.0 - 1)));
        }
        let last_whole = Hour::of(last_day.end());
        if self.last > last_whole {
            hours.push((Hour(last_whole.0 + 1), self.last));
        }
        BucketPlan {
            hours,
            days: Some((first_day, last_day)),
        }
    }
}

/// Hour sketches before this hour are no longer needed (see
/// [`HOURLY_SKETCH_RETENTION`]); the ClickCounter's alarm may delete them.
pub fn first_kept_hour_sketch(now: UnixMillis) -> Hour {
    Hour(Hour::of(now).0 - (HOURLY_SKETCH_RETENTION - 1))
}

/// `UnixMillis` as a JSON integer, for the redirect → ClickCounter body.
mod unix_millis {
    use crate::core::time::UnixMillis;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &UnixMillis, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(at.0)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<UnixMillis, D::Error> {
        i64::deserialize(deserializer).map(UnixMillis)
    }
}

#[cfg(test)]
mod tests;
