//! The analytics response: one object that satisfies both the SmartLinks and
//! the SMO1 documents (DESIGN.md §4.3), built from a period's stored hourly
//! counts and its merged unique-visitor estimate.

use super::{Dimension, HourlyCount, Source};
use crate::core::ids::LinkId;
use crate::core::period::{Hour, Period};
use crate::core::routing::{Target, MAX_VARIANTS};
use crate::core::time::Day;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// What [`build_report`] needs from the link and the ClickCounter.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    pub link_id: &'a LinkId,
    pub slug: &'a str,
    pub period: &'a Period,
    /// The period's rows; rows of other hours are ignored.
    pub counts: &'a [HourlyCount],
    /// `Hll::estimate` of the merged sketches of `analytics::sketches_for`.
    pub unique_visitors: u64,
    /// The same estimate for each A/B variant's sketches, by number.
    pub variant_visitors: &'a [(u8, u64)],
}

/// The analytics response. Field names follow both documents: camelCase
/// for SmartLinks (`linkId`, `metrics`), snake_case for SMO1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnalyticsReport {
    #[serde(rename = "linkId")]
    pub link_id: LinkId,
    pub slug: String,
    pub period: PeriodBounds,
    pub metrics: Metrics,
    pub total_clicks: u64,
    pub unique_clicks: u64,
    /// Every day the period touches, ascending, zero-filled.
    pub clicks_by_date: Vec<DateClicks>,
    /// Every hour, ascending, zero-filled; only for hourly periods (`24h`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clicks_by_hour: Option<Vec<HourClicks>>,
    pub countries: Breakdown,
    pub devices: Breakdown,
    pub referrers: Breakdown,
    pub browsers: Breakdown,
    pub os: Breakdown,
    pub sources: Breakdown,
    pub qr_clicks: u64,
    /// Bot hits (crawlers, link checkers, HEAD): never part of clicks or
    /// uniques.
    pub bots: u64,
    /// Social previews served to link-unfurling bots: apart from clicks and
    /// bot hits.
    pub unfurls: u64,
    /// Clicks per routing target: `default`, `ios`, `android`, `geo:US`,
    /// `variant:1`, `fallback` (`core::routing::Target`).
    pub targets: Breakdown,
    /// Clicks and unique visitors per A/B variant, by variant number.
    pub variants: Vec<VariantClicks>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariantClicks {
    /// Numbered from 1 in `testVariants` order.
    pub variant: u8,
    pub clicks: u64,
    #[serde(rename = "uniqueClicks")]
    pub unique_clicks_camel: u64,
    pub unique_clicks: u64,
}

/// RFC 3339 bounds, as in the SmartLinks example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodBounds {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Metrics {
    pub clicks: u64,
    #[serde(rename = "uniqueClicks")]
    pub unique_clicks: u64,
    pub platforms: Platforms,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Platforms {
    pub ios: u64,
    pub android: u64,
    pub web: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateClicks {
    /// `YYYY-MM-DD`
    pub date: String,
    pub clicks: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HourClicks {
    /// The hour's start, RFC 3339.
    pub hour: String,
    pub clicks: u64,
}

/// Clicks per value of one dimension, most clicks first (ties by name), so
/// the output is deterministic. Serialises as `[{"<label>": value,
/// "clicks": n}, …]`, e.g. `[{"country": "US", "clicks": 500}]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown {
    label: &'static str,
    pub entries: Vec<(String, u64)>,
}

/// Turns a period's stored counts into the response. Unique clicks are the
/// sketch estimate capped at total clicks: a day sketch may cover more than
/// a mid-day period, and an estimate must never exceed what it estimates.
pub fn build_report(input: ReportInput<'_>) -> AnalyticsReport {
    let period = input.period;
    let mut by_dimension: BTreeMap<Dimension, BTreeMap<&str, u64>> = BTreeMap::new();
    let mut by_hour: BTreeMap<Hour, u64> = BTreeMap::new();
    let mut by_day: BTreeMap<Day, u64> = BTreeMap::new();
    for row in input.counts.iter().filter(|row| period.contains(row.hour)) {
        add(
            by_dimension.entry(row.dimension).or_default(),
            &row.value,
            row.count,
        );
        if row.dimension == Dimension::Clicks {
            add(&mut by_hour, row.hour, row.count);
            add(&mut by_day, row.hour.day(), row.count);
        }
    }
    let mut total_of = |dimension| {
        by_dimension
            .remove(&dimension)
            .map_or(0, |totals: BTreeMap<&str, u64>| totals.values().sum())
    };
    let bots = total_of(Dimension::Bots);
    let unfurls = total_of(Dimension::Unfurls);
    let mut breakdown = |dimension, label| Breakdown::new(label, by_dimension.remove(&dimension));
    let total_clicks = by_day.values().sum();
    let unique_clicks = input.unique_visitors.min(total_clicks);
    let platforms = breakdown(Dimension::Platform, "platform");
    let sources = breakdown(Dimension::Source, "source");
    let targets = breakdown(Dimension::Target, "target");
    let variants = variant_clicks(&targets, input.variant_visitors);
    AnalyticsReport {
        link_id: input.link_id.clone(),
        slug: input.slug.to_owned(),
        period: PeriodBounds {
            from: period.from().to_rfc3339(),
            to: period.to().to_rfc3339(),
        },
        metrics: Metrics {
            clicks: total_clicks,
            unique_clicks,
            platforms: Platforms {
                ios: platforms.clicks_for("ios"),
                android: platforms.clicks_for("android"),
                web: platforms.clicks_for("web"),
            },
        },
        total_clicks,
        unique_clicks,
        clicks_by_date: period
            .days()
            .map(|day| DateClicks {
                date: day.to_string(),
                clicks: by_day.get(&day).copied().unwrap_or(0),
            })
            .collect(),
        clicks_by_hour: period.is_hourly().then(|| {
            period
                .hours()
                .map(|hour| HourClicks {
                    hour: hour.start().to_rfc3339(),
                    clicks: by_hour.get(&hour).copied().unwrap_or(0),
                })
                .collect()
        }),
        countries: breakdown(Dimension::Country, "country"),
        devices: breakdown(Dimension::Device, "device"),
        referrers: breakdown(Dimension::Referrer, "referrer"),
        browsers: breakdown(Dimension::Browser, "browser"),
        os: breakdown(Dimension::Os, "os"),
        qr_clicks: sources.clicks_for(Source::Qr.as_str()),
        sources,
        bots,
        unfurls,
        targets,
        variants,
    }
}

/// Each variant's clicks (from the `targets` breakdown) and unique
/// visitors, capped at its clicks like the link's, in variant order.
fn variant_clicks(targets: &Breakdown, visitors: &[(u8, u64)]) -> Vec<VariantClicks> {
    (1..=MAX_VARIANTS)
        .filter_map(|n| u8::try_from(n).ok())
        .filter_map(|variant| {
            let clicks = targets.clicks_for(&Target::Variant(variant).to_string());
            let estimate = visitors
                .iter()
                .find(|(n, _)| *n == variant)
                .map_or(0, |&(_, uniques)| uniques);
            let unique = estimate.min(clicks);
            (clicks > 0).then_some(VariantClicks {
                variant,
                clicks,
                unique_clicks_camel: unique,
                unique_clicks: unique,
            })
        })
        .collect()
}

fn add<K: Ord>(totals: &mut BTreeMap<K, u64>, key: K, count: u64) {
    let total = totals.entry(key).or_default();
    *total = total.saturating_add(count);
}

impl Breakdown {
    fn new(label: &'static str, totals: Option<BTreeMap<&str, u64>>) -> Self {
        let mut entries: Vec<(String, u64)> = totals
            .unwrap_or_default()
            .into_iter()
            .filter(|&(_, clicks)| clicks > 0)
            .map(|(value, clicks)| (value.to_owned(), clicks))
            .collect();
        // Stable sort over name-ordered input: ties stay in name order.
        entries.sort_by_key(|&(_, clicks)| std::cmp::Reverse(clicks));
        Breakdown { label, entries }
    }

    /// The clicks of one value, zero when it had none.
    pub fn clicks_for(&self, value: &str) -> u64 {
        self.entries
            .iter()
            .find(|(name, _)| name == value)
            .map_or(0, |&(_, clicks)| clicks)
    }
}

impl Serialize for Breakdown {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.entries.len()))?;
        for (value, clicks) in &self.entries {
            seq.serialize_element(&Entry {
                label: self.label,
                value,
                clicks: *clicks,
            })?;
        }
        seq.end()
    }
}

struct Entry<'a> {
    label: &'static str,
    value: &'a str,
    clicks: u64,
}

impl Serialize for Entry<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry(self.label, self.value)?;
        map.serialize_entry("clicks", &self.clicks)?;
        map.end()
    }
}

#[cfg(test)]
mod tests;
