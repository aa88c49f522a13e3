//! The isolate's click buffer and its flush (DESIGN.md §3 step 5; the policy
//! is `core::analytics::buffer`): a click is added here and the redirect
//! answers. The click that opens a window schedules its flush under its own
//! request's `wait_until`; clicks that arrive while it waits join it.
//!
//! A flush packs the buffered clicks by shard into messages with unique ids
//! (`store::click_queue`) and sends them to the `CLICKS` queue in as few
//! `sendBatch` calls as its limits allow. When a send fails, the flush calls
//! the shards itself, once per shard, with the same message ids, so a
//! message the queue took after all is still counted once.
//!
//! No I/O object crosses from one request to another: each flush makes its
//! own queue handle and stubs, from the `Env` of the request it runs under.
//! A panic resets the wasm instance, and with it the buffer: at most one
//! window's clicks of this isolate are lost (docs/adr).

use std::cell::RefCell;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use worker::{console_error, Context, Delay, Env, MessageBuilder, QueueContentType};

use crate::core::analytics::aggregate::LinkHours;
use crate::core::analytics::buffer::{Added, ClickBuffer, WINDOW_MILLIS};
use crate::core::analytics::shard::shard_of;
use crate::core::analytics::ClickEvent;
use crate::core::random;
use crate::objects::protocol;
use crate::shell::{config, runtime};
use crate::store::click_queue::{self, Encoded, Routed, RoutedPart};

thread_local! {
    static BUFFER: RefCell<ClickBuffer> = RefCell::new(ClickBuffer::default());
}

/// Adds one click of `link_id`; schedules a flush when this click opened
/// the window, or flushes at once when the buffer is full.
pub fn add(link_id: &str, event: &ClickEvent, env: &Env, ctx: &Context) {
    let added = BUFFER.with_borrow_mut(|buffer| buffer.add(link_id, event, runtime::now()));
    match added {
        Added::Joined => {}
        Added::OpenedWindow => {
            let env = env.clone();
            ctx.wait_until(async move {
                let window = u64::try_from(WINDOW_MILLIS).unwrap_or(1_000);
                Delay::from(Duration::from_millis(window)).await;
                let clicks = BUFFER.with_borrow_mut(ClickBuffer::close_window);
                hand_off(&env, clicks).await;
            });
        }
        Added::Full => {
            let clicks = BUFFER.with_borrow_mut(ClickBuffer::take);
            let env = env.clone();
            ctx.wait_until(async move { hand_off(&env, clicks).await });
        }
    }
}

/// Sends `clicks` to the queue, or to the shards when the queue fails.
async fn hand_off(env: &Env, clicks: LinkHours) {
    if clicks.is_empty() {
        return;
    }
    let shards = config::click_shards(env);
    let links = clicks.links().count();
    let groups: Vec<LinkHours> = clicks
        .into_shards(|link| shard_of(link, shards))
        .into_values()
        .collect();
    let messages = match click_queue::pack(groups, message_id) {
        Ok(messages) => messages,
        Err(e) => {
            console_error!(
                "the clicks of {links} links lost: the flush could not encode them: {e}"
            );
            return;
        }
    };
    for batch in click_queue::batches(messages) {
        if let Err(e) = send(env, &batch).await {
            console_error!(
                "queue send of {} click messages failed, calling the shards: {e}",
                batch.len()
            );
            direct(env, &batch, shards).await;
        }
    }
}

async fn send(env: &Env, batch: &[Encoded]) -> worker::Result<()> {
    let queue = env.queue(config::CLICKS_QUEUE)?;
    let messages: Vec<_> = batch
        .iter()
        .map(|m| {
            MessageBuilder::new(m.text.clone())
                .content_type(QueueContentType::Text)
                .build()
        })
        .collect();
    queue.send_batch(messages).await
}

/// The queue is unavailable: one call per shard, each with every message's
/// part for it, as the consumer makes them. What a shard refuses is lost,
/// and logged.
async fn direct(env: &Env, batch: &[Encoded], shards: u16) {
    let routed: Vec<(usize, Routed<'_>)> = batch
        .iter()
        .enumerate()
        .filter_map(|(index, encoded)| match click_queue::route(&encoded.text) {
            Ok(routed) => Some((index, routed)),
            Err(e) => {
                console_error!("click message {} lost, unreadable: {e}", encoded.id);
                None
            }
        })
        .collect();
    let per_shard = click_queue::by_shard(&routed, |link| shard_of(link, shards));
    let calls = per_shard.into_iter().map(|(shard, parts)| async move {
        let parts: Vec<RoutedPart<'_>> = parts.into_iter().map(|(_, part)| part).collect();
        let applied = match click_queue::encode_routed_parts(&parts) {
            Ok(body) => protocol::apply(env, shard, body).await,
            Err(e) => Err(e.into()),
        };
        match applied {
            Ok(answer) if answer.unreadable.is_empty() => {}
            Ok(answer) => console_error!(
                "shard {shard} could not read click messages {:?}: their clicks there are lost",
                answer.unreadable
            ),
            Err(e) => match click_queue::clicks_in(&parts) {
                Ok((humans, bots)) => console_error!(
                    "{humans} clicks and {bots} bot hits lost: shard {shard} refused them too: {e}"
                ),
                Err(why) => console_error!(
                    "the clicks of shard {shard} lost: it refused them too ({e}), and {why}"
                ),
            },
        }
    });
    stream::iter(calls)
        .buffer_unordered(protocol::CONCURRENT_SHARD_CALLS)
        .collect::<Vec<()>>()
        .await;
}

/// A fresh message id: 22 base62 characters, ~131 bits.
fn message_id() -> worker::Result<String> {
    Ok(random::base62(&runtime::entropy::<
        { random::entropy_for(random::MESSAGE_ID_LEN) },
    >()?))
}
