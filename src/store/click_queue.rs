//! The clicks queue's message format: what a flush sends to the `CLICKS`
//! queue, what the consumer reads, and (a list of them) the body of a
//! ClickCounter shard's `POST /apply`.
//!
//! A message is one JSON text, sent with content type `text`:
//!
//! ```text
//! {"v":1,"id":"<22 base62>",
//!  "links":{"link_…":{"<hour>":{"n":{"clicks":{"":3},"country":{"US":2,"DE":1},…},
//!                              "s":"<base64 of core::hll::Hll::to_bytes>",
//!                              "x":{"1":"<base64 sketch>",…}}}}}
//! ```
//!
//! `hour` is a `core::period::Hour` (hours since the Unix epoch), `n` the
//! bucket's counts by dimension (`core::analytics::Dimension::as_str`) then
//! value, `s` its unique-visitor sketch, left out when the bucket has no
//! human click, and `x` the sketch of each A/B variant's visitors, left out
//! when the link has no test. `id` is unique per message: a shard applies each id once,
//! so a message delivered twice counts once.
//!
//! The consumer reads only a message's envelope ([`route`]) and hands each
//! link's entry to the link's shard as the text it came in; the shard is
//! the one place that decodes it ([`decode_parts`]), and it names the
//! messages it cannot read rather than refusing their batch-mates.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub(super) use self::counts::{CountsIn, CountsOut};
use crate::core::analytics::aggregate::{Bucket, LinkHours};
use crate::core::hll::Hll;
use crate::core::period::Hour;

const VERSION: u8 = 1;
/// The largest message a flush sends: Queues bills each 64 KB (64,000
/// bytes) of a message as one operation, and allows 128 KB.
pub const MAX_MESSAGE_BYTES: usize = 60_000;
/// `sendBatch` takes at most 100 messages and 256 KB in all.
pub const MAX_BATCH_MESSAGES: usize = 100;
pub const MAX_BATCH_BYTES: usize = 250_000;

/// One message: an id and the clicks it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickMessage {
    pub id: String,
    pub clicks: LinkHours,
}

/// A message as sent: its id and its text.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub id: String,
    pub text: String,
}

/// A bucket as sent.
#[derive(Serialize)]
struct BucketOut<'a> {
    n: CountsOut<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    x: BTreeMap<u8, String>,
}

/// A bucket as read.
#[derive(Deserialize)]
struct BucketIn {
    n: CountsIn,
    #[serde(default)]
    s: Option<String>,
    #[serde(default)]
    x: BTreeMap<u8, String>,
}

#[derive(Deserialize)]
struct WireMessage {
    v: u8,
    id: String,
    links: BTreeMap<String, BTreeMap<i64, BucketIn>>,
}

fn bucket_to_wire(bucket: &Bucket) -> BucketOut<'_> {
    BucketOut {
        n: CountsOut(&bucket.counts),
        s: (bucket.sketch != Hll::new()).then(|| BASE64.encode(bucket.sketch.to_bytes())),
        x: bucket
            .variants
            .iter()
            .map(|(variant, sketch)| (*variant, BASE64.encode(sketch.to_bytes())))
            .collect(),
    }
}

fn bucket_from_wire(wire: BucketIn) -> Result<Bucket, String> {
    let sketch = match wire.s {
        None => Hll::new(),
        Some(text) => sketch_from_wire(&text)?,
    };
    let variants = wire
        .x
        .into_iter()
        .map(|(variant, text)| Ok((variant, sketch_from_wire(&text)?)))
        .collect::<Result<_, String>>()?;
    Ok(Bucket {
        counts: wire.n.0,
        sketch,
        variants,
    })
}

fn sketch_from_wire(text: &str) -> Result<Hll, String> {
    let bytes = BASE64
        .decode(text)
        .map_err(|e| format!("a sketch is not base64: {e}"))?;
    Hll::from_bytes(&bytes).map_err(|e| format!("a sketch does not decode: {e}"))
}

/// `"link_…":{…}`: one link's entry of the `links` object.
fn link_entry(link: &str, hours: &BTreeMap<Hour, Bucket>) -> Result<String, serde_json::Error> {
    let wire: BTreeMap<i64, BucketOut<'_>> = hours
        .iter()
        .map(|(hour, bucket)| (hour.0, bucket_to_wire(bucket)))
        .collect();
    Ok(format!(
        "{}:{}",
        serde_json::to_string(link)?,
        serde_json::to_string(&wire)?
    ))
}

fn message_text(id: &str, entries: &[String]) -> Result<String, serde_json::Error> {
    Ok(format!(
        "{{\"v\":{VERSION},\"id\":{},\"links\":{{{}}}}}",
        serde_json::to_string(id)?,
        entries.join(",")
    ))
}

/// One message's text (a flush builds its messages with [`pack`]).
#[cfg(test)]
pub fn encode(message: &ClickMessage) -> Result<String, serde_json::Error> {
    let entries = message
        .clicks
        .links()
        .map(|(link, hours)| link_entry(link, hours))
        .collect::<Result<Vec<_>, _>>()?;
    message_text(&message.id, &entries)
}

/// Packs `groups` (the clicks of one shard each, in order) into messages of
/// at most [`MAX_MESSAGE_BYTES`], each with an id from `new_id`. A group
/// stays in one message when it fits, so a message touches few shards; a
/// single link larger than the limit goes alone (Queues takes up to 128 KB).
///
/// # Errors
/// When serialisation fails, or `new_id` does.
pub fn pack<E: From<serde_json::Error>>(
    groups: Vec<LinkHours>,
    mut new_id: impl FnMut() -> Result<String, E>,
) -> Result<Vec<Encoded>, E> {
    let mut out = Vec::new();
    let mut entries: Vec<String> = Vec::new();
    let mut bytes = 0;
    // `{"v":1,"id":"<22>","links":{}}` and a comma per entry.
    let overhead = 40;
    for group in groups {
        for (link, hours) in group.into_links() {
            let entry = link_entry(&link, &hours)?;
            if !entries.is_empty() && bytes + entry.len() + 1 + overhead > MAX_MESSAGE_BYTES {
                let id = new_id()?;
                let text = message_text(&id, &entries)?;
                out.push(Encoded { id, text });
                entries.clear();
                bytes = 0;
            }
            bytes += entry.len() + 1;
            entries.push(entry);
        }
    }
    if !entries.is_empty() {
        let id = new_id()?;
        let text = message_text(&id, &entries)?;
        out.push(Encoded { id, text });
    }
    Ok(out)
}

/// Splits messages into `sendBatch` calls within its limits.
pub fn batches(messages: Vec<Encoded>) -> Vec<Vec<Encoded>> {
    let mut out: Vec<Vec<Encoded>> = Vec::new();
    let mut bytes = 0;
    for message in messages {
        let size = message.text.len();
        match out.last_mut() {
            Some(batch) if batch.len() < MAX_BATCH_MESSAGES && bytes + size <= MAX_BATCH_BYTES => {
                bytes += size;
                batch.push(message);
            }
            _ => {
                bytes = size;
                out.push(vec![message]);
            }
        }
    }
    out
}

/// Reads one message.
///
/// # Errors
/// What is wrong with the text: not JSON, another version, a bad sketch.
pub fn decode(text: &str) -> Result<ClickMessage, String> {
    let wire: WireMessage =
        serde_json::from_str(text).map_err(|e| format!("not a click message: {e}"))?;
    from_wire(wire)
}

fn from_wire(wire: WireMessage) -> Result<ClickMessage, String> {
    check_version(wire.v)?;
    let mut clicks = LinkHours::default();
    for (link, hours) in wire.links {
        let hours = hours
            .into_iter()
            .map(|(hour, bucket)| Ok((Hour(hour), bucket_from_wire(bucket)?)))
            .collect::<Result<_, String>>()?;
        clicks.add_hours(link, hours);
    }
    Ok(ClickMessage {
        id: wire.id,
        clicks,
    })
}

fn check_version(v: u8) -> Result<(), String> {
    if v == VERSION {
        Ok(())
    } else {
        Err(format!("click message version {v} is not {VERSION}"))
    }
}

/// A message read only as far as the consumer needs to route it: its id,
/// and each link's entry as the text it came in, which only the link's
/// shard decodes.
#[derive(Debug)]
pub struct Routed<'a> {
    pub id: String,
    pub links: BTreeMap<String, &'a RawValue>,
}

#[derive(Deserialize)]
struct WireRouted<'a> {
    v: u8,
    id: String,
    #[serde(borrow)]
    links: BTreeMap<String, &'a RawValue>,
}

/// Reads a message's envelope, leaving its links' entries undecoded.
///
/// # Errors
/// When the text is not a message of this version.
pub fn route(text: &str) -> Result<Routed<'_>, String> {
    let wire: WireRouted<'_> =
        serde_json::from_str(text).map_err(|e| format!("not a click message: {e}"))?;
    check_version(wire.v)?;
    Ok(Routed {
        id: wire.id,
        links: wire.links,
    })
}

/// One message's part for one shard: its id and that shard's links'
/// entries, as they came.
#[derive(Debug, Serialize)]
pub struct RoutedPart<'a> {
    v: u8,
    pub id: &'a str,
    pub links: BTreeMap<&'a str, &'a RawValue>,
}

impl<'a> RoutedPart<'a> {
    pub fn new(id: &'a str) -> Self {
        RoutedPart {
            v: VERSION,
            id,
            links: BTreeMap::new(),
        }
    }
}

/// Each message's part for each shard, by shard: the index the caller gave
/// the message, and its links for that shard.
pub fn by_shard<'a>(
    routed: &'a [(usize, Routed<'a>)],
    shard_of: impl Fn(&str) -> u16,
) -> BTreeMap<u16, Vec<(usize, RoutedPart<'a>)>> {
    let mut per_shard: BTreeMap<u16, Vec<(usize, RoutedPart<'a>)>> = BTreeMap::new();
    for (index, message) in routed {
        for (link, entry) in &message.links {
            let parts = per_shard.entry(shard_of(link)).or_default();
            if parts.last().is_none_or(|(last, _)| last != index) {
                parts.push((*index, RoutedPart::new(&message.id)));
            }
            if let Some((_, part)) = parts.last_mut() {
                part.links.insert(link, entry);
            }
        }
    }
    per_shard
}

#[derive(Serialize)]
struct RoutedParts<'a> {
    parts: &'a [RoutedPart<'a>],
}

/// The body of a shard's `POST /apply` from routed parts:
/// `{"parts":[<message>,…]}`, each message holding that shard's links only.
///
/// # Errors
/// When serialisation fails (it does not for these types).
pub fn encode_routed_parts(parts: &[RoutedPart<'_>]) -> Result<String, serde_json::Error> {
    serde_json::to_string(&RoutedParts { parts })
}

/// The people's clicks and the bot hits `parts` carry, decoded for a log
/// line about their loss.
///
/// # Errors
/// When an entry does not decode.
pub fn clicks_in(parts: &[RoutedPart<'_>]) -> Result<(u64, u64), String> {
    let body = encode_routed_parts(parts).map_err(|e| e.to_string())?;
    let read = decode_parts(&body)?;
    Ok(read.messages.iter().fold((0, 0), |(humans, bots), m| {
        (humans + m.clicks.humans(), bots + m.clicks.bots())
    }))
}

/// A shard's `POST /apply` body, read: the messages it can count, and the
/// ids of those it cannot, with why. One unreadable message does not hold
/// back its batch-mates.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Parts {
    pub messages: Vec<ClickMessage>,
    pub unreadable: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct WireParts<'a> {
    #[serde(borrow)]
    parts: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct WireId {
    id: String,
}

/// Reads [`encode_routed_parts`]' output.
///
/// # Errors
/// When the body is not a list of messages, or a message in it has no id
/// to refuse it by.
pub fn decode_parts(text: &str) -> Result<Parts, String> {
    let wire: WireParts<'_> =
        serde_json::from_str(text).map_err(|e| format!("not a list of click messages: {e}"))?;
    let mut parts = Parts::default();
    for part in wire.parts {
        match decode(part.get()) {
            Ok(message) => parts.messages.push(message),
            Err(why) => {
                let WireId { id } = serde_json::from_str(part.get())
                    .map_err(|_| format!("a click message without an id: {why}"))?;
                parts.unreadable.push((id, why));
            }
        }
    }
    Ok(parts)
}

mod counts;
#[cfg(test)]
mod tests;
