//! The clicks queue's consumer: the isolates' flushes, counted in their
//! shards (DESIGN.md §3 step 5; format: `store::click_queue`).
//!
//! A batch is merged by shard and each shard gets one call, with every
//! message's part for it; up to `protocol::CONCURRENT_SHARD_CALLS` run at
//! once, each after a timer turn (`TURN_BEFORE_EACH_CALL`). A shard that
//! fails makes each message with a part for it retry (the queue's `retry_delay`,
//! up to `max_retries`, then the dead-letter queue); the other messages are
//! acknowledged. A retried message goes to every one of its shards again,
//! and those that had applied it skip it by its id, so it counts once.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use worker::{
    console_error, Delay, Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder, RawMessage,
};

use crate::core::analytics::shard::shard_of;
use crate::objects::protocol;
use crate::shell::config;
use crate::store::click_queue::{self, ClickMessage};

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
    let mut readable: Vec<(usize, ClickMessage)> = Vec::new();
    for (index, message) in raw.iter().enumerate() {
        let decoded = message
            .body()
            .as_string()
            .ok_or_else(|| "the body is not text".to_owned())
            .and_then(|text| click_queue::decode(&text));
        match decoded {
            Ok(clicks) => readable.push((index, clicks)),
            Err(e) => {
                // It will not read any better: the retries take it to the
                // dead-letter queue, where it can be inspected.
                console_error!("click message {} unreadable: {e}", message.id());
                retry(message);
            }
        }
    }
    let shards = config::click_shards(env);
    let mut per_shard: BTreeMap<u16, (Vec<usize>, Vec<ClickMessage>)> = BTreeMap::new();
    let indices: Vec<usize> = readable.iter().map(|(index, _)| *index).collect();
    for (index, message) in readable {
        for (shard, clicks) in message.clicks.into_shards(|link| shard_of(link, shards)) {
            let (indices, parts) = per_shard.entry(shard).or_default();
            indices.push(index);
            parts.push(ClickMessage {
                id: message.id.clone(),
                clicks,
            });
        }
    }
    let calls = per_shard
        .into_iter()
        .map(|(shard, (indices, parts))| async move {
            Delay::from(TURN_BEFORE_EACH_CALL).await;
            let result = protocol::apply(env, shard, &parts).await;
            (shard, indices, result)
        });
    let results: Vec<_> = stream::iter(calls)
        .buffer_unordered(protocol::CONCURRENT_SHARD_CALLS)
        .collect()
        .await;
    let mut failed = BTreeSet::new();
    for (shard, indices, result) in results {
        if let Err(e) = result {
            console_error!(
                "shard {shard} did not apply {} click messages, retrying them: {e}",
                indices.len()
            );
            failed.extend(indices);
        }
    }
    for index in indices {
        if let Some(message) = raw.get(index) {
            if failed.contains(&index) {
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
