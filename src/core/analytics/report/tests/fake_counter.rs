//! An in-memory stand-in for the ClickCounter Durable Object: it follows the
//! storage protocol documented in `core::analytics` step by step.

use super::at;
use crate::core::analytics::report::{build_report, AnalyticsReport, ReportInput};
use crate::core::analytics::{
    ClickEvent, ClickRequest, Dimension, HourlyCount, ReferrerRows, SketchKey, SketchRange, Source,
};
use crate::core::hll::Hll;
use crate::core::ids::LinkId;
use crate::core::period::{Hour, Period};
use crate::core::routing::Target;
use crate::core::useragent::classify;
use std::collections::BTreeMap;

/// What the ClickCounter does per click, in memory: the rows of
/// `hourly_counts` and the sketches, by kind and start.
#[derive(Default)]
pub struct FakeCounter {
    rows: BTreeMap<(Hour, Dimension, String), u64>,
    sketches: BTreeMap<(String, i64), Hll>,
}

impl FakeCounter {
    pub fn click(
        &mut self,
        time: &str,
        ip: &str,
        user_agent: &str,
        referer: Option<&str>,
        source: Source,
    ) {
        self.click_to(Target::Default, time, ip, user_agent, referer, source);
    }

    /// A click the redirect decision routed to `target`.
    pub fn click_to(
        &mut self,
        target: Target,
        time: &str,
        ip: &str,
        user_agent: &str,
        referer: Option<&str>,
        source: Source,
    ) {
        let request = ClickRequest {
            at: at(time),
            link_id: "link_abc123",
            method_is_head: false,
            user_agent: Some(user_agent),
            referer,
            country: Some("US"),
            ip,
            source,
            target,
        };
        let event = ClickEvent::from_request(&request, b"secret", classify);
        let referrers: Vec<&String> = self
            .rows
            .keys()
            .filter(|(hour, dimension, _)| {
                *hour == event.hour() && *dimension == Dimension::Referrer
            })
            .map(|(_, _, value)| value)
            .collect();
        let rows = ReferrerRows {
            distinct: referrers.len(),
            includes_this: referrers.contains(&&event.referrer),
        };
        for (dimension, value) in event.increments(rows) {
            *self
                .rows
                .entry((event.hour(), dimension, value))
                .or_default() += 1;
        }
        for key in event.sketch_keys() {
            self.sketches
                .entry((key.kind(), key.start()))
                .or_default()
                .insert(event.fingerprint);
        }
    }

    pub fn report(&self, period: &Period) -> AnalyticsReport {
        let counts: Vec<HourlyCount> = self
            .rows
            .iter()
            .map(|((hour, dimension, value), &count)| HourlyCount {
                hour: *hour,
                dimension: *dimension,
                value: value.clone(),
                count,
            })
            .collect();
        // Day sketches, as a period that is not hourly merges them.
        let range = SketchRange {
            hourly: false,
            first: period.first_hour(),
            last: period.last_hour(),
        };
        let mut merged = Hll::new();
        let mut variants: BTreeMap<u8, Hll> = BTreeMap::new();
        for key in range.keys() {
            if let Some(sketch) = self.sketches.get(&(key.kind(), key.start())) {
                merged.merge(sketch);
            }
            let prefix = range.variant_kind_prefix();
            for ((kind, start), sketch) in &self.sketches {
                if *start == key.start() && kind.starts_with(&prefix) {
                    if let Some(n) = SketchKey::variant_of_kind(kind) {
                        variants.entry(n).or_default().merge(sketch);
                    }
                }
            }
        }
        let variant_visitors: Vec<(u8, u64)> =
            variants.iter().map(|(&n, s)| (n, s.estimate())).collect();
        build_report(ReportInput {
            link_id: &LinkId::from_stored("link_abc123".into()),
            slug: "summer",
            period,
            counts: &counts,
            unique_visitors: merged.estimate(),
            variant_visitors: &variant_visitors,
        })
    }
}
