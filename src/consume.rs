//! The clicks queue's consumer: the isolates' flushes, counted in their
//! shards (DESIGN.md §3 step 5; format: `store::click_queue`).
//!
//! A batch is merged by shard and each shard gets one call, with every
//! message's part for it, its links' entries passed on as they came (the
//! shard decodes them, and names any message it cannot read, which is
//! then retried); up to `protocol::CONCURRENT_SHARD_CALLS` run at
//! once, each after a timer turn (`TURN_BEFORE_EACH_CALL`). A shard that
//! fails makes each message with a part for it retry (the queue's `retry_delay`,
//! up to `max_retries`, then the dead-letter queue); the other messages are
//! acknowledged. A retried message goes to every one of its shards again,
//! and those that had applied it skip it by its id, so it counts once.

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use worker::{
    console_error, Delay, Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder, RawMessage,
};

use crate::core::analytics::shard::shard_of;
use crate::objects::protocol;
use crate::shell::config;
use crate::store::click_queue::{self, Routed, RoutedPart};

/// A timer turn before each shard call. A shard's apply runs without an
/// `await` (so it is exactly once), and where the shards share the
/// redirects' thread (one workerd process: `npm start`, the tests, the
/// bench) a batch's calls would otherwise run back to back before the
/// thread reads another request: a batch stalled redirects for up to 150 ms.
/// A timer is the one wait that lets the event loop poll its sockets; in
/// production it costs a batch about a millisecond per wave of calls.
const TURN_BEFORE_EACH_CALL: Duration = Duration::from_millis(1);

/// Counts a batch of click messages; acknowledges or retries each.
pub async fn consume(batch: &MessageBatch<String>, env: &Env) {
    let raw: Vec<RawMessage> = batch.raw_iter().collect();
    // Kept whole while the routed messages borrow their links' entries.
    let texts: Vec<Option<String>> = raw.iter().map(|m| m.body().as_string()).collect();
    let mut readable: Vec<(usize, Routed<'_>)> = Vec::new();
    for (index, (message, text)) in raw.iter().zip(&texts).enumerate() {
        let routed = text
            .as_deref()
            .ok_or_else(|| "the body is not text".to_owned())
            .and_then(click_queue::route);
        match routed {
            Ok(routed) => readable.push((index, routed)),
            Err(e) => {
                // It will not read any better: the retries take it to the
                // dead-letter queue, where it can be inspected.
                console_error!("click message {} unreadable: {e}", message.id());
                retry(message);
            }
        }
    }
    let shards = config::click_shards(env);
    let per_shard = click_queue::by_shard(&readable, |link| shard_of(link, shards));
    let calls = per_shard.into_iter().map(|(shard, parts)| async move {
        Delay::from(TURN_BEFORE_EACH_CALL).await;
        let (indices, parts): (Vec<usize>, Vec<RoutedPart<'_>>) = parts.into_iter().unzip();
        let result = match click_queue::encode_routed_parts(&parts) {
            Ok(body) => protocol::apply(env, shard, body).await,
            Err(e) => Err(e.into()),
        };
        let ids: Vec<&str> = parts.iter().map(|part| part.id).collect();
        (shard, indices, ids, result)
    });
    let results: Vec<_> = stream::iter(calls)
        .buffer_unordered(protocol::CONCURRENT_SHARD_CALLS)
        .collect()
        .await;
    let mut failed = BTreeSet::new();
    for (shard, indices, ids, result) in results {
        match result {
            Ok(answer) => {
                for id in &answer.unreadable {
                    console_error!("click message {id} unreadable in shard {shard}, retrying it");
                    // Every copy: a batch may carry one message twice.
                    let copies = indices.iter().zip(&ids).filter(|(_, m)| *m == id);
                    failed.extend(copies.map(|(index, _)| *index));
                }
            }
            Err(e) => {
                console_error!(
                    "shard {shard} did not apply {} click messages, retrying them: {e}",
                    indices.len()
                );
                failed.extend(indices);
            }
        }
    }
    for (index, _) in &readable {
        if let Some(message) = raw.get(*index) {
            if failed.contains(index) {
                retry(message);
            } else {
                message.ack();
            }
        }
    }
}

/// Retries after the queue's `retry_delay`. Options are always given:
/// workerd refuses the `null` that `MessageExt::retry` passes, and the
/// binding then panics.
fn retry(message: &RawMessage) {
    message.retry_with_options(&QueueRetryOptionsBuilder::new().build());
}
