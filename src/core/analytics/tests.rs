//! The click model: classification of a request, and the counters it adds to.

use super::*;
use crate::core::period::{parse_period, PeriodQuery};
use crate::core::routing::CountryCode;
use crate::core::useragent::{classify, Browser, Device, Os, Platform};

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1";

fn at(text: &str) -> UnixMillis {
    UnixMillis::parse_rfc3339(text).unwrap()
}

fn request<'a>() -> ClickRequest<'a> {
    ClickRequest {
        at: at("2026-02-15T14:30:00Z"),
        link_id: "link_abc123",
        method_is_head: false,
        user_agent: Some(IPHONE),
        referer: Some("https://www.twitter.com/x"),
        country: Some("us"),
        ip: "203.0.113.7",
        source: Source::Qr,
        target: Target::Ios,
    }
}

fn event() -> ClickEvent {
    ClickEvent::from_request(&request(), b"secret", classify)
}

const ROOM: ReferrerRows = ReferrerRows {
    distinct: 0,
    includes_this: false,
};

#[test]
fn a_request_is_classified_into_a_click_event() {
    let event = event();
    assert_eq!(event.country.as_str(), "US");
    assert_eq!(event.referrer, "twitter.com");
    assert_eq!(event.source, Source::Qr);
    assert_eq!(
        (
            event.client.device,
            event.client.platform,
            event.client.browser,
            event.client.os
        ),
        (Device::Mobile, Platform::Ios, Browser::Safari, Os::Ios)
    );
    assert!(!event.client.is_bot);
    assert_eq!(
        event.fingerprint,
        fingerprint(b"secret", "203.0.113.7", IPHONE, "link_abc123")
    );
}

#[test]
fn a_head_request_or_missing_user_agent_is_a_bot_hit() {
    let head = ClickRequest {
        method_is_head: true,
        ..request()
    };
    assert!(
        ClickEvent::from_request(&head, b"s", classify)
            .client
            .is_bot
    );
    let anonymous = ClickRequest {
        user_agent: None,
        ..request()
    };
    assert!(
        ClickEvent::from_request(&anonymous, b"s", classify)
            .client
            .is_bot
    );
}

#[test]
fn countries_must_be_two_letters_else_unknown() {
    assert_eq!(Country::parse(Some("gb")).as_str(), "GB");
    for bad in [
        None,
        Some(""),
        Some("T1"),
        Some("USA"),
        Some("é"),
        Some("1"),
    ] {
        assert_eq!(Country::parse(bad), Country::UNKNOWN, "{bad:?}");
    }
}

#[test]
fn a_person_counts_once_in_every_dimension() {
    let increments = event().increments(ROOM);
    let expected: Vec<(Dimension, String)> = [
        (Dimension::Clicks, ""),
        (Dimension::Country, "US"),
        (Dimension::Device, "mobile"),
        (Dimension::Platform, "ios"),
        (Dimension::Browser, "Safari"),
        (Dimension::Os, "iOS"),
        (Dimension::Referrer, "twitter.com"),
        (Dimension::Source, "qr"),
        (Dimension::Target, "ios"),
    ]
    .into_iter()
    .map(|(d, v)| (d, v.to_owned()))
    .collect();
    assert_eq!(increments, expected);
}

#[test]
fn a_bot_counts_only_as_a_bot_hit_and_feeds_no_sketch() {
    let bot = ClickEvent::from_request(
        &ClickRequest {
            user_agent: Some("curl/8.4.0"),
            ..request()
        },
        b"s",
        classify,
    );
    assert_eq!(bot.increments(ROOM), vec![(Dimension::Bots, String::new())]);
    assert!(bot.sketch_keys().is_empty());
}

#[test]
fn referrers_past_the_hourly_cap_count_as_other() {
    let full = ReferrerRows {
        distinct: MAX_REFERRERS_PER_HOUR,
        includes_this: false,
    };
    let referrer = |rows| {
        event()
            .increments(rows)
            .into_iter()
            .find(|(d, _)| *d == Dimension::Referrer)
    };
    assert_eq!(
        referrer(full),
        Some((Dimension::Referrer, "(other)".to_owned()))
    );
    let known = ReferrerRows {
        includes_this: true,
        ..full
    };
    assert_eq!(
        referrer(known),
        Some((Dimension::Referrer, "twitter.com".to_owned()))
    );
}

#[test]
fn a_person_feeds_the_sketches_of_their_hour_and_day() {
    let event = event();
    let keys = event.sketch_keys();
    assert_eq!(
        keys,
        [
            SketchKey::Hour(event.hour()),
            SketchKey::Day(event.at.day())
        ]
    );
    assert_eq!(
        (keys[0].kind().as_str(), keys[1].kind().as_str()),
        ("hour", "day")
    );
    assert_eq!(keys[1].start(), event.at.day().0);
}

#[test]
fn the_target_served_is_a_dimension() {
    let geo = ClickRequest {
        target: Target::Geo(CountryCode::parse("DE").unwrap()),
        ..request()
    };
    let increments = ClickEvent::from_request(&geo, b"s", classify).increments(ROOM);
    assert!(increments.contains(&(Dimension::Target, "geo:DE".to_owned())));
}

#[test]
fn a_variants_visitor_also_feeds_the_variants_sketches() {
    let event = ClickEvent::from_request(
        &ClickRequest {
            target: Target::Variant(2),
            ..request()
        },
        b"s",
        classify,
    );
    let keys = event.sketch_keys();
    let (hour, day) = (event.hour(), event.at.day());
    assert_eq!(
        keys,
        [
            SketchKey::Hour(hour),
            SketchKey::Day(day),
            SketchKey::VariantHour(2, hour),
            SketchKey::VariantDay(2, day)
        ]
    );
    let kinds: Vec<String> = keys.iter().map(|k| k.kind()).collect();
    assert_eq!(kinds, ["hour", "day", "hour:variant:2", "day:variant:2"]);
    assert!(kinds
        .iter()
        .all(|k| k.starts_with(HOUR_KIND) || k.starts_with("day")));
    assert_eq!(SketchKey::variant_of_kind("day:variant:2"), Some(2));
    assert_eq!(SketchKey::variant_of_kind("day"), None);
}

#[test]
fn a_served_preview_counts_only_as_an_unfurl_and_feeds_no_sketch() {
    let unfurl = ClickEvent::from_request(
        &ClickRequest {
            user_agent: Some("Twitterbot/1.0"),
            target: Target::Preview,
            ..request()
        },
        b"s",
        classify,
    );
    assert_eq!(
        unfurl.increments(ROOM),
        vec![(Dimension::Unfurls, String::new())]
    );
    assert!(unfurl.sketch_keys().is_empty());
}

#[test]
fn an_event_without_a_target_reads_as_the_default() {
    let mut value = serde_json::to_value(event()).unwrap();
    value.as_object_mut().unwrap().remove("target");
    let old: ClickEvent = serde_json::from_value(value).unwrap();
    assert_eq!(old.target, Target::Default);
}

#[test]
fn variant_sketches_cover_the_periods_span() {
    let range = SketchRange {
        hourly: true,
        first: Hour(10),
        last: Hour(12),
    };
    assert_eq!(range.variant_kind_prefix(), "hour:variant:");
    let daily = SketchRange {
        hourly: false,
        ..range
    };
    assert_eq!(daily.variant_kind_prefix(), "day:variant:");
}

#[test]
fn dimension_names_round_trip() {
    for dimension in Dimension::ALL {
        assert_eq!(Dimension::parse(dimension.as_str()), Some(dimension));
    }
    assert_eq!(Dimension::parse("ip"), None);
}

#[test]
fn a_24h_period_merges_hour_sketches() {
    let now = at("2026-02-15T14:30:00Z");
    let period = parse_period(
        PeriodQuery {
            period: Some("24h"),
            ..Default::default()
        },
        now,
    )
    .unwrap();
    let keys = sketches_for(&period, now);
    assert_eq!(keys.len(), 24);
    assert!(keys.iter().all(|k| matches!(k, SketchKey::Hour(_))));
}

#[test]
fn longer_or_older_periods_merge_day_sketches() {
    let now = at("2026-02-15T14:30:00Z");
    let week = parse_period(
        PeriodQuery {
            period: Some("7d"),
            ..Default::default()
        },
        now,
    )
    .unwrap();
    assert_eq!(sketches_for(&week, now).len(), 7);
    let old_day = PeriodQuery {
        from: Some("2026-01-01"),
        to: Some("2026-01-01"),
        ..Default::default()
    };
    let old_day = parse_period(old_day, now).unwrap();
    assert_eq!(
        sketches_for(&old_day, now),
        [SketchKey::Day(Day::parse("2026-01-01").unwrap())]
    );
}

#[test]
fn hour_sketches_are_kept_for_48_hours() {
    let now = at("2026-02-15T14:30:00Z");
    assert_eq!(
        first_kept_hour_sketch(now).start().to_rfc3339(),
        "2026-02-13T15:00:00Z"
    );
}

#[test]
fn click_events_round_trip_through_json() {
    let event = event();
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["at"], 1_771_165_800_000i64);
    assert_eq!(json["country"], "US");
    assert_eq!(serde_json::from_value::<ClickEvent>(json).unwrap(), event);
}

#[test]
fn a_sketch_range_names_the_same_sketches_as_its_period() {
    let now = at("2026-02-15T14:30:00Z");
    let day = parse_period(
        PeriodQuery {
            period: Some("24h"),
            ..Default::default()
        },
        now,
    )
    .unwrap();
    let range = SketchRange::for_period(&day, now);
    assert!(range.hourly);
    assert_eq!(
        (range.first, range.last),
        (day.first_hour(), day.last_hour())
    );
    let week = parse_period(
        PeriodQuery {
            period: Some("7d"),
            ..Default::default()
        },
        now,
    )
    .unwrap();
    let range = SketchRange::for_period(&week, now);
    assert!(!range.hourly);
    assert_eq!(
        range.keys().first(),
        Some(&SketchKey::Day(Day::parse("2026-02-09").unwrap()))
    );
    assert_eq!(
        range.keys().last(),
        Some(&SketchKey::Day(Day::parse("2026-02-15").unwrap()))
    );
}

fn range(first: &str, last: &str) -> SketchRange {
    SketchRange {
        hourly: false,
        first: Hour::of(at(first)),
        last: Hour::of(at(last)),
    }
}

fn hour(text: &str) -> Hour {
    Hour::of(at(text))
}

#[test]
fn an_hourly_period_reads_only_hour_rows() {
    let plan = range("2026-02-14T15:00:00Z", "2026-02-15T14:00:00Z").buckets();
    assert_eq!(plan.days, None);
    assert_eq!(
        plan.hours,
        vec![(hour("2026-02-14T15:00:00Z"), hour("2026-02-15T14:00:00Z"))]
    );
    // A single whole day is still hourly: it lists clicks by hour.
    let day = range("2026-02-14T00:00:00Z", "2026-02-14T23:00:00Z").buckets();
    assert_eq!(day.days, None);
}

#[test]
fn whole_days_read_day_rows() {
    let plan = range("2026-02-01T00:00:00Z", "2026-02-07T23:00:00Z").buckets();
    assert!(plan.hours.is_empty());
    assert_eq!(
        plan.days,
        Some((
            at("2026-02-01T00:00:00Z").day(),
            at("2026-02-07T00:00:00Z").day()
        ))
    );
}

#[test]
fn partial_days_at_either_end_read_hour_rows() {
    let plan = range("2026-02-01T12:00:00Z", "2026-02-05T06:00:00Z").buckets();
    assert_eq!(
        plan.days,
        Some((
            at("2026-02-02T00:00:00Z").day(),
            at("2026-02-04T00:00:00Z").day()
        ))
    );
    assert_eq!(
        plan.hours,
        vec![
            (hour("2026-02-01T12:00:00Z"), hour("2026-02-01T23:00:00Z")),
            (hour("2026-02-05T00:00:00Z"), hour("2026-02-05T06:00:00Z")),
        ]
    );
}

#[test]
fn the_shortest_daily_period_has_one_whole_day() {
    // 49 hours, mid-day to mid-day: any period past 48 hours holds a whole day.
    let plan = range("2026-02-01T12:00:00Z", "2026-02-03T12:00:00Z").buckets();
    let day = at("2026-02-02T00:00:00Z").day();
    assert_eq!(plan.days, Some((day, day)));
    assert_eq!(
        plan.hours,
        vec![
            (hour("2026-02-01T12:00:00Z"), hour("2026-02-01T23:00:00Z")),
            (hour("2026-02-03T00:00:00Z"), hour("2026-02-03T12:00:00Z")),
        ]
    );
}
