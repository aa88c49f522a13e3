//! The report: known traffic in, exact figures and both dialects' shapes out.

mod fake_counter;

use super::*;
use crate::core::ids::LinkId;
use crate::core::period::{parse_period, PeriodQuery};
use crate::core::time::UnixMillis;
use fake_counter::FakeCounter;
use serde_json::json;

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1";
const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36";
const DESKTOP: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const BOT: &str = "Twitterbot/1.0";

fn at(text: &str) -> UnixMillis {
    UnixMillis::parse_rfc3339(text).unwrap()
}

fn period(from: &str, to: &str) -> Period {
    parse_period(
        PeriodQuery {
            from: Some(from),
            to: Some(to),
            ..Default::default()
        },
        at("2026-02-15T14:30:00Z"),
    )
    .unwrap()
}

fn last_24h() -> Period {
    parse_period(
        PeriodQuery {
            period: Some("24h"),
            ..Default::default()
        },
        at("2026-02-15T14:30:00Z"),
    )
    .unwrap()
}

/// 3 iPhone, 2 Android from twitter.com, 5 desktop, 4 bot hits on one day.
fn known_traffic() -> FakeCounter {
    let mut counter = FakeCounter::default();
    for i in 0..3 {
        counter.click(
            "2026-02-14T09:10:00Z",
            &format!("10.0.0.{i}"),
            IPHONE,
            None,
            Source::Link,
        );
    }
    for i in 0..2 {
        counter.click(
            "2026-02-14T10:20:00Z",
            &format!("10.0.1.{i}"),
            ANDROID,
            Some("https://twitter.com/x/status/1"),
            Source::Qr,
        );
    }
    for i in 0..5 {
        counter.click(
            "2026-02-14T10:40:00Z",
            &format!("10.0.2.{i}"),
            DESKTOP,
            None,
            Source::Link,
        );
    }
    for _ in 0..4 {
        counter.click("2026-02-14T11:00:00Z", "10.9.9.9", BOT, None, Source::Link);
    }
    counter
}

fn pairs(breakdown: &Breakdown) -> Vec<(&str, u64)> {
    breakdown
        .entries
        .iter()
        .map(|(name, clicks)| (name.as_str(), *clicks))
        .collect()
}

#[test]
fn known_traffic_gives_exact_totals_and_keeps_bots_apart() {
    let report = known_traffic().report(&period("2026-02-14", "2026-02-14"));
    assert_eq!((report.total_clicks, report.metrics.clicks), (10, 10));
    assert_eq!(
        (report.unique_clicks, report.metrics.unique_clicks),
        (10, 10)
    );
    assert_eq!(report.bots, 4);
}

#[test]
fn known_traffic_gives_platforms_devices_and_referrers() {
    let report = known_traffic().report(&period("2026-02-14", "2026-02-14"));
    assert_eq!(
        report.metrics.platforms,
        Platforms {
            ios: 3,
            android: 2,
            web: 5
        }
    );
    assert_eq!(pairs(&report.devices), [("desktop", 5), ("mobile", 5)]);
    assert_eq!(
        pairs(&report.referrers),
        [("direct", 8), ("twitter.com", 2)]
    );
    assert_eq!(pairs(&report.countries), [("US", 10)]);
    assert_eq!(pairs(&report.browsers), [("Chrome", 7), ("Safari", 3)]);
    assert_eq!(
        pairs(&report.os),
        [("Windows", 5), ("iOS", 3), ("Android", 2)]
    );
    assert_eq!(pairs(&report.sources), [("link", 8), ("qr", 2)]);
    assert_eq!(report.qr_clicks, 2);
}

#[test]
fn repeat_visits_count_as_clicks_but_not_as_uniques() {
    let mut counter = FakeCounter::default();
    for _ in 0..10 {
        counter.click(
            "2026-02-14T09:00:00Z",
            "10.0.0.1",
            IPHONE,
            None,
            Source::Link,
        );
    }
    let report = counter.report(&period("2026-02-14", "2026-02-14"));
    assert_eq!((report.total_clicks, report.unique_clicks), (10, 1));
}

#[test]
fn a_visitor_on_two_days_counts_once_over_both() {
    let mut counter = FakeCounter::default();
    counter.click(
        "2026-02-13T09:00:00Z",
        "10.0.0.1",
        IPHONE,
        None,
        Source::Link,
    );
    counter.click(
        "2026-02-14T09:00:00Z",
        "10.0.0.1",
        IPHONE,
        None,
        Source::Link,
    );
    let report = counter.report(&period("2026-02-13", "2026-02-14"));
    assert_eq!((report.total_clicks, report.unique_clicks), (2, 1));
}

#[test]
fn every_day_is_listed_ascending_and_zero_filled() {
    let report = known_traffic().report(&period("2026-02-12", "2026-02-15"));
    let days: Vec<(&str, u64)> = report
        .clicks_by_date
        .iter()
        .map(|d| (d.date.as_str(), d.clicks))
        .collect();
    assert_eq!(
        days,
        [
            ("2026-02-12", 0),
            ("2026-02-13", 0),
            ("2026-02-14", 10),
            ("2026-02-15", 0)
        ]
    );
}

#[test]
fn an_empty_period_reports_zeros_and_empty_lists() {
    let report = FakeCounter::default().report(&period("2026-02-01", "2026-02-03"));
    assert_eq!(
        (report.total_clicks, report.unique_clicks, report.bots),
        (0, 0, 0)
    );
    assert_eq!(report.clicks_by_date.len(), 3);
    assert!(report.countries.entries.is_empty() && report.referrers.entries.is_empty());
    assert_eq!(
        report.metrics.platforms,
        Platforms {
            ios: 0,
            android: 0,
            web: 0
        }
    );
}

#[test]
fn a_24h_report_has_24_zero_filled_hourly_buckets() {
    let mut counter = FakeCounter::default();
    counter.click(
        "2026-02-15T14:05:00Z",
        "10.0.0.1",
        IPHONE,
        None,
        Source::Link,
    );
    counter.click(
        "2026-02-14T15:59:59Z",
        "10.0.0.2",
        IPHONE,
        None,
        Source::Link,
    );
    let hours = counter.report(&last_24h()).clicks_by_hour.unwrap();
    assert_eq!(hours.len(), 24);
    assert_eq!(
        (hours[0].hour.as_str(), hours[0].clicks),
        ("2026-02-14T15:00:00Z", 1)
    );
    assert_eq!(
        (hours[23].hour.as_str(), hours[23].clicks),
        ("2026-02-15T14:00:00Z", 1)
    );
    assert_eq!(hours.iter().map(|h| h.clicks).sum::<u64>(), 2);
}

#[test]
fn clicks_outside_the_period_are_ignored() {
    let mut counter = FakeCounter::default();
    counter.click(
        "2026-02-14T14:59:59Z",
        "10.0.0.1",
        IPHONE,
        None,
        Source::Link,
    );
    counter.click(
        "2026-02-14T15:00:00Z",
        "10.0.0.2",
        IPHONE,
        None,
        Source::Link,
    );
    assert_eq!(counter.report(&last_24h()).total_clicks, 1);
}

#[test]
fn day_periods_have_no_hourly_buckets() {
    let report = known_traffic().report(&period("2026-02-01", "2026-02-14"));
    assert_eq!(report.clicks_by_hour, None);
    assert!(serde_json::to_value(&report)
        .unwrap()
        .get("clicks_by_hour")
        .is_none());
}

#[test]
fn uniques_never_exceed_clicks_when_a_day_sketch_overcovers() {
    let mut counter = known_traffic();
    counter.click(
        "2026-02-14T23:00:00Z",
        "10.0.3.1",
        IPHONE,
        None,
        Source::Link,
    );
    let evening = period("2026-02-14T23:00:00Z", "2026-02-14T23:59:59Z");
    let report = counter.report(&evening);
    assert_eq!((report.total_clicks, report.unique_clicks), (1, 1));
}

#[test]
fn ties_are_broken_by_name() {
    let p = period("2026-02-14", "2026-02-14");
    let counts: Vec<HourlyCount> = ["b.com", "a.com", "c.com"]
        .iter()
        .map(|host| HourlyCount {
            hour: p.first_hour(),
            dimension: Dimension::Referrer,
            value: host.to_string(),
            count: 4,
        })
        .collect();
    let report = build_report(ReportInput {
        link_id: &LinkId::from_stored("l".into()),
        slug: "s",
        period: &p,
        counts: &counts,
        unique_visitors: 0,
        variant_visitors: &[],
    });
    assert_eq!(
        pairs(&report.referrers),
        [("a.com", 4), ("b.com", 4), ("c.com", 4)]
    );
}

#[test]
fn serialises_to_both_documents_at_once() {
    let value =
        serde_json::to_value(known_traffic().report(&period("2026-02-14", "2026-02-14"))).unwrap();
    // SmartLinks: GET /v1/analytics/{linkId}
    assert_eq!(value["linkId"], "link_abc123");
    assert_eq!(
        value["period"],
        json!({"from": "2026-02-14T00:00:00Z", "to": "2026-02-14T23:59:59Z"})
    );
    assert_eq!(
        value["metrics"],
        json!({"clicks": 10, "uniqueClicks": 10, "platforms": {"ios": 3, "android": 2, "web": 5}})
    );
    // SMO1: GET /v1/links/:slug/analytics
    assert_eq!(value["slug"], "summer");
    assert_eq!(value["total_clicks"], 10);
    assert_eq!(value["unique_clicks"], 10);
    assert_eq!(
        value["clicks_by_date"],
        json!([{"date": "2026-02-14", "clicks": 10}])
    );
    assert_eq!(value["countries"], json!([{"country": "US", "clicks": 10}]));
    assert_eq!(
        value["devices"],
        json!([{"device": "desktop", "clicks": 5}, {"device": "mobile", "clicks": 5}])
    );
    assert_eq!(
        value["referrers"],
        json!([{"referrer": "direct", "clicks": 8}, {"referrer": "twitter.com", "clicks": 2}])
    );
    // Extensions.
    assert_eq!(
        value["browsers"][0],
        json!({"browser": "Chrome", "clicks": 7})
    );
    assert_eq!(value["os"][0], json!({"os": "Windows", "clicks": 5}));
    assert_eq!(
        value["sources"],
        json!([{"source": "link", "clicks": 8}, {"source": "qr", "clicks": 2}])
    );
    assert_eq!(
        (value["qr_clicks"].clone(), value["bots"].clone()),
        (json!(2), json!(4))
    );
}

#[test]
fn targets_variants_and_unfurls_are_reported_apart() {
    use crate::core::routing::{CountryCode, Target};
    let mut counter = FakeCounter::default();
    let day = "2026-02-14T09:00:00Z";
    let click = |counter: &mut FakeCounter, target, ip: &str, ua| {
        counter.click_to(target, day, ip, ua, None, Source::Link);
    };
    click(&mut counter, Target::Default, "10.0.0.1", DESKTOP);
    click(&mut counter, Target::Ios, "10.0.0.2", IPHONE);
    click(&mut counter, Target::Android, "10.0.0.3", ANDROID);
    let de = Target::Geo(CountryCode::parse("DE").unwrap());
    click(&mut counter, de, "10.0.0.4", DESKTOP);
    // Variant 1: three visitors, one of them twice; variant 2: one.
    for ip in ["10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.3"] {
        click(&mut counter, Target::Variant(1), ip, DESKTOP);
    }
    click(&mut counter, Target::Variant(2), "10.0.2.1", DESKTOP);
    // Two unfurls and one bot redirected.
    click(&mut counter, Target::Preview, "10.9.0.1", BOT);
    click(&mut counter, Target::Preview, "10.9.0.1", BOT);
    click(&mut counter, Target::Default, "10.9.0.2", BOT);
    let report = counter.report(&period("2026-02-14", "2026-02-14"));
    assert_eq!((report.total_clicks, report.unique_clicks), (9, 8));
    assert_eq!((report.bots, report.unfurls), (1, 2));
    assert_eq!(
        pairs(&report.targets),
        [
            ("variant:1", 4),
            ("android", 1),
            ("default", 1),
            ("geo:DE", 1),
            ("ios", 1),
            ("variant:2", 1)
        ]
    );
    let value = serde_json::to_value(&report).unwrap();
    assert_eq!(
        value["variants"],
        json!([
            {"variant": 1, "clicks": 4, "uniqueClicks": 3, "unique_clicks": 3},
            {"variant": 2, "clicks": 1, "uniqueClicks": 1, "unique_clicks": 1}
        ])
    );
    assert_eq!(
        value["targets"][0],
        json!({"target": "variant:1", "clicks": 4})
    );
    assert_eq!(value["unfurls"], 2);
}
