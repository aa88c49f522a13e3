//! The queue message format: pinned, round-tripping, packed within limits.

use super::*;
use crate::core::analytics::aggregate::Counts;
use crate::core::analytics::{ClickEvent, ClickRequest, Dimension, Source};
use crate::core::time::UnixMillis;
use crate::core::useragent::classify;

fn event(i: u32, bot: bool) -> ClickEvent {
    let ip = format!("10.2.{}.{}", i >> 8, i & 255);
    ClickEvent::from_request(
        &ClickRequest {
            at: UnixMillis(1_771_165_800_000),
            link_id: "link_a",
            method_is_head: false,
            user_agent: Some(if bot {
                "Googlebot/2.1"
            } else {
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
            }),
            referer: None,
            country: Some("FR"),
            ip: &ip,
            source: Source::Link,
            target: crate::core::routing::Target::Default,
        },
        b"secret",
        classify,
    )
}

fn clicks(links: u32, per_link: u32) -> LinkHours {
    let mut clicks = LinkHours::default();
    for l in 0..links {
        for i in 0..per_link {
            clicks.add(&format!("link_{l:012}"), &event(l * 1_000 + i, false));
        }
    }
    clicks
}

fn counter() -> impl FnMut() -> Result<String, serde_json::Error> {
    let mut n = 0;
    move || {
        n += 1;
        Ok(format!("m{n}"))
    }
}

#[test]
fn a_bot_only_message_is_pinned() {
    let mut bots = LinkHours::default();
    bots.add("link_a", &event(1, true));
    let message = ClickMessage {
        id: "abc".into(),
        clicks: bots,
    };
    assert_eq!(
        encode(&message).unwrap(),
        r#"{"v":1,"id":"abc","links":{"link_a":{"491990":{"n":{"bots":{"":1}}}}}}"#
    );
}

fn us_and_germany() -> Counts {
    let mut counts = Counts::default();
    counts.insert_stored(Dimension::Country, "US".into(), 2);
    counts.insert_stored(Dimension::Clicks, String::new(), 3);
    counts.insert_stored(Dimension::Country, "DE".into(), 1);
    counts
}

#[test]
fn counts_are_written_by_dimension_then_value() {
    assert_eq!(
        serde_json::to_string(&CountsOut(&us_and_germany())).unwrap(),
        r#"{"clicks":{"":3},"country":{"DE":1,"US":2}}"#
    );
}

#[test]
fn counts_read_back_skipping_dimensions_this_build_does_not_know() {
    let CountsIn(counts) = serde_json::from_str(
        r#"{"country":{"US":2,"DE":1},"future":{"x":{"deep":[1]}},"clicks":{"":3}}"#,
    )
    .unwrap();
    assert_eq!(counts, us_and_germany());
}

#[test]
fn counts_that_are_not_whole_numbers_are_refused() {
    for text in [
        r#"{"clicks":{"":"3"}}"#,
        r#"{"clicks":{"":-1}}"#,
        r#"{"clicks":[]}"#,
    ] {
        assert!(serde_json::from_str::<CountsIn>(text).is_err(), "{text}");
    }
}

#[test]
fn messages_round_trip() {
    let mut clicks = clicks(3, 4);
    clicks.add("link_bots", &event(7, true));
    let tested = ClickEvent {
        target: crate::core::routing::Target::Variant(2),
        ..event(8, false)
    };
    clicks.add("link_tested", &tested);
    let message = ClickMessage {
        id: "id-1".into(),
        clicks,
    };
    assert_eq!(decode(&encode(&message).unwrap()).unwrap(), message);
}

#[test]
fn packing_keeps_every_message_under_the_limit_and_loses_nothing() {
    let all = clicks(800, 2);
    let groups: Vec<LinkHours> = all
        .clone()
        .into_shards(|link| link.bytes().last().map_or(0, |b| u16::from(b % 8)))
        .into_values()
        .collect();
    let packed = pack(groups, counter()).unwrap();
    assert!(packed.len() > 1);
    let mut back = LinkHours::default();
    for encoded in &packed {
        assert!(
            encoded.text.len() <= MAX_MESSAGE_BYTES,
            "{}",
            encoded.text.len()
        );
        let message = decode(&encoded.text).unwrap();
        assert_eq!(message.id, encoded.id);
        back.merge(message.clicks);
    }
    assert_eq!(back, all);
    let ids: std::collections::BTreeSet<_> = packed.iter().map(|e| e.id.clone()).collect();
    assert_eq!(ids.len(), packed.len(), "every message has its own id");
}

#[test]
fn small_flushes_are_one_message() {
    let packed = pack(vec![clicks(20, 3)], counter()).unwrap();
    assert_eq!(packed.len(), 1);
    assert_eq!(decode(&packed[0].text).unwrap().clicks.humans(), 60);
}

#[test]
fn batches_respect_the_send_batch_limits() {
    let messages: Vec<Encoded> = (0..250)
        .map(|i| Encoded {
            id: format!("m{i}"),
            text: "x".repeat(if i < 10 { 60_000 } else { 100 }),
        })
        .collect();
    let batches = batches(messages);
    for batch in &batches {
        assert!(batch.len() <= MAX_BATCH_MESSAGES);
        assert!(batch.iter().map(|m| m.text.len()).sum::<usize>() <= MAX_BATCH_BYTES);
    }
    assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), 250);
    assert_eq!(batches[0].len(), 4, "four 60 KB messages fit in 250 KB");
}

#[test]
fn by_shard_gives_each_shard_every_messages_links_of_that_shard() {
    let messages = [
        ClickMessage {
            id: "m1".into(),
            clicks: clicks(4, 1),
        },
        ClickMessage {
            id: "m2".into(),
            clicks: clicks(2, 3),
        },
    ];
    let texts: Vec<String> = messages.iter().map(|m| encode(m).unwrap()).collect();
    let routed: Vec<(usize, Routed<'_>)> = texts
        .iter()
        .enumerate()
        .map(|(index, text)| (index, route(text).unwrap()))
        .collect();
    // Links ending in an even digit go to shard 1, the others to shard 0.
    let shard_of = |link: &str| u16::from(link.ends_with(['0', '2', '4', '6', '8']));
    let per_shard = by_shard(&routed, shard_of);
    assert_eq!(per_shard.keys().copied().collect::<Vec<_>>(), [0, 1]);
    for (shard, parts) in per_shard {
        let indices: Vec<usize> = parts.iter().map(|(index, _)| *index).collect();
        assert_eq!(
            indices,
            [0, 1],
            "shard {shard}: a part of each message, in order"
        );
        let parts: Vec<RoutedPart<'_>> = parts.into_iter().map(|(_, part)| part).collect();
        let read = decode_parts(&encode_routed_parts(&parts).unwrap()).unwrap();
        let expected: Vec<ClickMessage> = messages
            .iter()
            .map(|message| {
                let mut clicks = LinkHours::default();
                for (link, hours) in message.clicks.links() {
                    if shard_of(link) == shard {
                        clicks.add_hours(link.to_owned(), hours.clone());
                    }
                }
                ClickMessage {
                    id: message.id.clone(),
                    clicks,
                }
            })
            .collect();
        assert_eq!(read.messages, expected, "shard {shard}");
    }
}

#[test]
fn routing_leaves_each_links_entry_as_it_came() {
    let message = ClickMessage {
        id: "m1".into(),
        clicks: clicks(3, 2),
    };
    let text = encode(&message).unwrap();
    let routed = route(&text).unwrap();
    assert_eq!(routed.id, "m1");
    assert_eq!(routed.links.len(), 3);
    for (link, entry) in &routed.links {
        let hours = message.clicks.links().find(|(l, _)| l == link).unwrap().1;
        assert_eq!(
            entry.get(),
            &link_entry(link, hours).unwrap()[link.len() + 3..]
        );
    }
}

#[test]
fn routed_parts_read_back_as_the_messages_split_by_link() {
    let (first, second) = (
        ClickMessage {
            id: "m1".into(),
            clicks: clicks(4, 1),
        },
        ClickMessage {
            id: "m2".into(),
            clicks: clicks(2, 3),
        },
    );
    let (first_text, second_text) = (encode(&first).unwrap(), encode(&second).unwrap());
    let routed = [route(&first_text).unwrap(), route(&second_text).unwrap()];
    let mut parts = Vec::new();
    for routed in &routed {
        let mut part = RoutedPart::new(&routed.id);
        // One shard's share: the links ending in an even digit.
        for (link, entry) in &routed.links {
            if link.ends_with(['0', '2', '4', '6', '8']) {
                part.links.insert(link, entry);
            }
        }
        parts.push(part);
    }
    let read = decode_parts(&encode_routed_parts(&parts).unwrap()).unwrap();
    let even = |message: &ClickMessage| {
        let mut clicks = LinkHours::default();
        for (link, hours) in message.clicks.links() {
            if link.ends_with(['0', '2', '4', '6', '8']) {
                clicks.add_hours(link.to_owned(), hours.clone());
            }
        }
        ClickMessage {
            id: message.id.clone(),
            clicks,
        }
    };
    assert_eq!(read.messages, vec![even(&first), even(&second)]);
    assert!(read.unreadable.is_empty());
}

#[test]
fn clicks_in_counts_the_people_and_the_bots_of_routed_parts() {
    let mut mixed = clicks(3, 2);
    mixed.add("link_000000000009", &event(7, true));
    let text = encode(&ClickMessage {
        id: "m".into(),
        clicks: mixed,
    })
    .unwrap();
    let routed = [(0, route(&text).unwrap())];
    let parts: Vec<RoutedPart<'_>> = by_shard(&routed, |_| 0)
        .into_values()
        .flatten()
        .map(|(_, part)| part)
        .collect();
    assert_eq!(clicks_in(&parts), Ok((6, 1)));
}

#[test]
fn a_shard_names_the_message_it_cannot_read_and_reads_the_others() {
    let good = encode(&ClickMessage {
        id: "good".into(),
        clicks: clicks(1, 1),
    })
    .unwrap();
    let bad = r#"{"v":1,"id":"bad","links":{"l":{"1":{"n":{},"s":"!!"}}}}"#;
    let read = decode_parts(&format!(r#"{{"parts":[{bad},{good}]}}"#)).unwrap();
    assert_eq!(read.messages.len(), 1);
    assert_eq!(read.messages[0].id, "good");
    assert_eq!(read.unreadable.len(), 1);
    let (id, why) = &read.unreadable[0];
    assert_eq!(id, "bad");
    assert!(why.contains("not base64"), "{why}");
}

#[test]
fn a_part_without_an_id_refuses_the_whole_body() {
    let error = decode_parts(r#"{"parts":[{"v":1,"links":{}}]}"#).unwrap_err();
    assert!(error.contains("without an id"), "{error}");
    let error = decode_parts(r#"{"parts":{}}"#).unwrap_err();
    assert!(error.contains("not a list of click messages"), "{error}");
}

#[test]
fn routing_refuses_another_version_or_what_is_not_a_message() {
    for (text, why) in [
        ("[]", "not a click message"),
        (r#"{"v":2,"id":"a","links":{}}"#, "version 2"),
        (r#"{"v":1,"links":{}}"#, "not a click message"),
    ] {
        let error = route(text).unwrap_err();
        assert!(error.contains(why), "{text}: {error}");
    }
}

#[test]
fn unreadable_messages_say_why() {
    for (text, why) in [
        ("{", "not a click message"),
        (r#"{"v":2,"id":"a","links":{}}"#, "version 2"),
        (
            r#"{"v":1,"id":"a","links":{"l":{"1":{"n":{},"s":"!!"}}}}"#,
            "not base64",
        ),
        (
            r#"{"v":1,"id":"a","links":{"l":{"1":{"n":{},"s":"AAAA"}}}}"#,
            "does not decode",
        ),
    ] {
        let error = decode(text).unwrap_err();
        assert!(error.contains(why), "{text}: {error}");
    }
}

#[test]
fn unknown_dimensions_are_skipped() {
    let message =
        decode(r#"{"v":1,"id":"a","links":{"l":{"5":{"n":{"clicks":{"":2},"future":{"x":1}}}}}}"#)
            .unwrap();
    assert_eq!(message.clicks.humans(), 2);
}
