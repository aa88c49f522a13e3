//! An in-memory stand-in for the ClickCounter Durable Object: it follows the
//! storage protocol documented in `core::analytics` step by step.

use super::at;
use crate::core::analytics::report::{build_report, AnalyticsReport, ReportInput};
use crate::core::analytics::{
    ClickEvent, ClickRequest, Dimension, HourlyCount, ReferrerRows, Source,
};
use crate::core::hll::Hll;
use crate::core::ids::LinkId;
use crate::core::period::{Hour, Period};
use std::collections::BTreeMap;

/// What the ClickCounter does per click, in memory: the rows of
/// `hourly_counts` and the day sketches.
#[derive(Default)]
pub struct FakeCounter {
    rows: BTreeMap<(Hour, Dimension, String), u64>,
    sketches: BTreeMap<i64, Hll>,
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
        let request = ClickRequest {
            at: at(time),
            link_id: "link_abc123",
            method_is_head: false,
            user_agent: Some(user_agent),
            referer,
            country: Some("US"),
            ip,
            source,
        };
        let event = ClickEvent::from_request(&request, b"secret");
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
        if !event.client.is_bot {
            self.sketches
                .entry(event.at.day().0)
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
        let mut merged = Hll::new();
        period
            .days()
            .filter_map(|day| self.sketches.get(&day.0))
            .for_each(|s| merged.merge(s));
        build_report(ReportInput {
            link_id: &LinkId::from_stored("link_abc123".into()),
            slug: "summer",
            period,
            counts: &counts,
            unique_visitors: merged.estimate(),
        })
    }
}
