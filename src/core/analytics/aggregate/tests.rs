//! Adding clicks up: exact, with bots, HEAD requests and QR scans apart, and
//! the referrer cap applied as single clicks would apply it.

use super::*;
use crate::core::analytics::{ClickRequest, Source};
use crate::core::routing::Target;
use crate::core::time::UnixMillis;
use crate::core::useragent::classify;

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1";
const DESKTOP: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const BOT: &str = "Twitterbot/1.0";
const T: i64 = 1_771_165_800_000; // 2026-02-15T14:30:00Z

fn click(
    i: u32,
    user_agent: &str,
    referer: Option<&str>,
    head: bool,
    source: Source,
) -> ClickEvent {
    let ip = format!("10.0.{}.{}", i >> 8, i & 255);
    ClickEvent::from_request(
        &ClickRequest {
            at: UnixMillis(T + i64::from(i) * 1_000),
            link_id: "link_a",
            method_is_head: head,
            user_agent: Some(user_agent),
            referer,
            country: Some("DE"),
            ip: &ip,
            source,
            target: Target::Default,
        },
        b"secret",
        classify,
    )
}

fn routed(i: u32, target: Target) -> ClickEvent {
    ClickEvent { target, ..human(i) }
}

fn human(i: u32) -> ClickEvent {
    click(
        i,
        if i.is_multiple_of(2) { IPHONE } else { DESKTOP },
        None,
        false,
        Source::Link,
    )
}

#[test]
fn merged_buckets_equal_the_clicks_added_one_by_one() {
    let events: Vec<ClickEvent> = (0..300).map(human).collect();
    let mut one_by_one = LinkHours::default();
    for event in &events {
        one_by_one.add("link_a", event);
    }
    let mut merged = LinkHours::default();
    for chunk in events.chunks(7) {
        let mut part = LinkHours::default();
        for event in chunk {
            part.add("link_a", event);
        }
        merged.merge(part);
    }
    assert_eq!(merged, one_by_one);
    assert_eq!(merged.humans(), 300);
    let (_, hours) = merged.links().next().unwrap();
    let bucket = hours.values().next().unwrap();
    assert_eq!(bucket.counts.get(Dimension::Platform, "ios"), 150);
    assert_eq!(bucket.counts.get(Dimension::Country, "DE"), 300);
    assert_eq!(bucket.sketch.estimate(), 300);
}

#[test]
fn bots_head_requests_and_qr_scans_are_kept_apart() {
    let mut clicks = LinkHours::default();
    clicks.add("link_a", &click(1, DESKTOP, None, false, Source::Link));
    clicks.add("link_a", &click(2, DESKTOP, None, false, Source::Qr));
    clicks.add("link_a", &click(3, BOT, None, false, Source::Link));
    clicks.add("link_a", &click(4, DESKTOP, None, true, Source::Link));
    assert_eq!(clicks.humans(), 2);
    assert_eq!(clicks.bots(), 2);
    let (_, hours) = clicks.links().next().unwrap();
    let bucket = hours.values().next().unwrap();
    assert_eq!(bucket.counts.get(Dimension::Source, "qr"), 1);
    assert_eq!(bucket.counts.get(Dimension::Source, "link"), 1);
    assert_eq!(bucket.sketch.estimate(), 2, "bots feed no sketch");
}

#[test]
fn clicks_are_filed_by_link_and_hour() {
    let mut clicks = LinkHours::default();
    clicks.add("link_a", &human(0));
    clicks.add("link_b", &human(1));
    clicks.add("link_a", &human(4_000)); // more than an hour later
    assert_eq!(clicks.links().count(), 2);
    let (_, hours) = clicks.links().next().unwrap();
    assert_eq!(hours.len(), 2);
    assert!(clicks.has_bucket("link_a", human(0).hour()));
    assert!(!clicks.has_bucket("link_b", human(4_000).hour()));
}

fn with_referrers(n: usize) -> Counts {
    let mut counts = Counts::default();
    for i in 0..n {
        counts.insert_stored(Dimension::Referrer, format!("site{i:03}.example"), 1);
    }
    counts
}

#[test]
fn a_merge_caps_new_referrers_like_single_clicks() {
    let mut stored = with_referrers(MAX_REFERRERS_PER_HOUR);
    let mut delta = Counts::default();
    delta.insert_stored(Dimension::Referrer, "new.example".into(), 3);
    delta.insert_stored(Dimension::Referrer, "site000.example".into(), 2);
    stored.merge(&delta);
    assert_eq!(stored.get(Dimension::Referrer, OTHER_REFERRERS), 3);
    assert_eq!(stored.get(Dimension::Referrer, "site000.example"), 3);
    assert_eq!(stored.get(Dimension::Referrer, "new.example"), 0);
}

#[test]
fn a_merge_below_the_cap_keeps_every_referrer() {
    let mut stored = with_referrers(3);
    let mut delta = Counts::default();
    delta.insert_stored(Dimension::Referrer, "new.example".into(), 1);
    stored.merge(&delta);
    assert_eq!(stored.get(Dimension::Referrer, "new.example"), 1);
}

#[test]
fn a_single_click_past_the_cap_counts_as_other() {
    let mut counts = with_referrers(MAX_REFERRERS_PER_HOUR);
    counts.add_event(&click(
        1,
        DESKTOP,
        Some("https://late.example/"),
        false,
        Source::Link,
    ));
    assert_eq!(counts.get(Dimension::Referrer, OTHER_REFERRERS), 1);
}

#[test]
fn grouping_by_shard_loses_nothing() {
    let mut clicks = LinkHours::default();
    for (i, link) in ["link_a", "link_b", "link_c", "link_d"].iter().enumerate() {
        clicks.add(link, &human(u32::try_from(i).unwrap()));
    }
    let groups = clicks
        .clone()
        .into_shards(|link| u16::from(link.ends_with('a') || link.ends_with('c')));
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[&1].links().count(), 2);
    let mut back = LinkHours::default();
    for group in groups.into_values() {
        back.merge(group);
    }
    assert_eq!(back, clicks);
}

#[test]
fn adding_a_links_hours_merges_them_with_those_held() {
    let mut first = LinkHours::default();
    first.add("link_a", &human(1));
    let mut second = LinkHours::default();
    second.add("link_a", &human(2));
    second.add("link_b", &human(3));
    let mut expected = LinkHours::default();
    for (link, i) in [("link_a", 1), ("link_a", 2), ("link_b", 3)] {
        expected.add(link, &human(i));
    }
    for (link, hours) in second.into_links() {
        first.add_hours(link, hours);
    }
    assert_eq!(first, expected);
    assert_eq!(first.humans(), 3);
}

#[test]
fn each_variant_keeps_its_own_visitors_and_target_counts() {
    let mut one_by_one = LinkHours::default();
    for i in 0..30 {
        let variant = u8::try_from(i % 3).unwrap() + 1;
        one_by_one.add("link_a", &routed(i, Target::Variant(variant)));
    }
    let (_, hours) = one_by_one.links().next().unwrap();
    let bucket = hours.values().next().unwrap();
    assert_eq!(bucket.variants.len(), 3);
    assert_eq!(bucket.variants[&2].estimate(), 10);
    assert_eq!(bucket.sketch.estimate(), 30);
    assert_eq!(bucket.counts.get(Dimension::Target, "variant:1"), 10);
    let mut merged = LinkHours::default();
    for i in 0..30 {
        let mut part = LinkHours::default();
        part.add(
            "link_a",
            &routed(i, Target::Variant(u8::try_from(i % 3).unwrap() + 1)),
        );
        merged.merge(part);
    }
    assert_eq!(merged, one_by_one);
}

#[test]
fn an_unfurl_is_neither_a_click_nor_a_bot_hit() {
    let mut clicks = LinkHours::default();
    clicks.add(
        "link_a",
        &ClickEvent {
            target: Target::Preview,
            ..click(1, BOT, None, false, Source::Link)
        },
    );
    assert_eq!((clicks.humans(), clicks.bots()), (0, 0));
    let (_, hours) = clicks.links().next().unwrap();
    assert_eq!(
        hours
            .values()
            .next()
            .unwrap()
            .counts
            .get(Dimension::Unfurls, ""),
        1
    );
}
