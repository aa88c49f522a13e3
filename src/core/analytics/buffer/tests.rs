//! The isolate buffer's flush policy: one window per flush, sooner when full.

use super::*;
use crate::core::analytics::{ClickRequest, Source};
use crate::core::useragent::classify;

const T: UnixMillis = UnixMillis(1_771_165_800_000);

fn event(i: u32) -> ClickEvent {
    let ip = format!("10.1.{}.{}", i >> 8, i & 255);
    ClickEvent::from_request(
        &ClickRequest {
            at: T,
            link_id: "link_a",
            method_is_head: false,
            user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0"),
            referer: None,
            country: Some("US"),
            ip: &ip,
            source: Source::Link,
            target: crate::core::routing::Target::Default,
        },
        b"secret",
        classify,
    )
}

#[test]
fn the_first_click_opens_the_window_and_the_next_ones_join_it() {
    let mut buffer = ClickBuffer::default();
    assert_eq!(buffer.add("link_a", &event(1), T), Added::OpenedWindow);
    assert_eq!(buffer.add("link_a", &event(2), T), Added::Joined);
    assert_eq!(
        buffer.add("link_b", &event(3), UnixMillis(T.0 + 900)),
        Added::Joined
    );
    let clicks = buffer.close_window();
    assert_eq!(clicks.humans(), 3);
    assert!(buffer.is_empty());
    assert_eq!(buffer.add("link_a", &event(4), T), Added::OpenedWindow);
}

#[test]
fn a_full_buffer_is_flushed_at_once_and_the_window_stays_open() {
    let mut buffer = ClickBuffer::default();
    assert_eq!(buffer.add("link_0", &event(0), T), Added::OpenedWindow);
    let mut i = 1;
    let full = loop {
        match buffer.add(&format!("link_{i}"), &event(i), T) {
            Added::Joined => i += 1,
            other => break other,
        }
    };
    assert_eq!(full, Added::Full);
    // Each new link-hour is estimated at ~200 bytes: 48 KB is ~240 links.
    assert!((200..300).contains(&i), "{i}");
    assert_eq!(
        buffer.take().links().count(),
        usize::try_from(i + 1).unwrap()
    );
    assert_eq!(buffer.add("link_x", &event(9_999), T), Added::Joined);
}

#[test]
fn more_clicks_of_a_buffered_bucket_cost_little() {
    let mut buffer = ClickBuffer::default();
    for i in 0..2_000 {
        assert_ne!(
            buffer.add("link_hot", &event(i), T),
            Added::Full,
            "click {i}"
        );
    }
}

#[test]
fn a_window_whose_flush_was_lost_is_reopened() {
    let mut buffer = ClickBuffer::default();
    assert_eq!(buffer.add("link_a", &event(1), T), Added::OpenedWindow);
    let later = UnixMillis(T.0 + 10_000);
    assert_eq!(buffer.add("link_a", &event(2), later), Added::OpenedWindow);
    assert_eq!(
        buffer.close_window().humans(),
        2,
        "nothing buffered is dropped"
    );
}
