//! Clicks added up before they are stored: what an isolate buffers, what a
//! queue message carries and what a ClickCounter shard applies are all the
//! same value, [`LinkHours`]: per link, per hour, a [`Bucket`] of counts per
//! dimension and the HyperLogLog registers of its human visitors.
//!
//! Adding clicks up is exact: counts add, and a sketch merge gives the same
//! registers as inserting every fingerprint one by one (`core::hll`), so a
//! bucket built from a thousand clicks stores what a thousand single clicks
//! would have. The one rule that depends on order is the referrer cap
//! ([`MAX_REFERRERS_PER_HOUR`]): a bucket that already holds that many
//! referrers counts a new one as [`OTHER_REFERRERS`], whether the click comes
//! alone or inside a merged bucket.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use super::{ClickEvent, Dimension, ReferrerRows, MAX_REFERRERS_PER_HOUR, OTHER_REFERRERS};
use crate::core::hll::Hll;
use crate::core::period::Hour;

/// Clicks per (dimension, value) of one bucket. Human clicks are
/// `(Clicks, "")`, bot hits (crawlers, previews, HEAD requests) `(Bots, "")`,
/// and QR scans `(Source, "qr")`: each kept apart as a click counts them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(BTreeMap<(Dimension, String), u64>);

impl Counts {
    pub fn get(&self, dimension: Dimension, value: &str) -> u64 {
        self.0
            .get(&(dimension, value.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    /// Human clicks: what `clicks`, caps and totals count.
    pub fn humans(&self) -> u64 {
        self.get(Dimension::Clicks, "")
    }

    pub fn bots(&self) -> u64 {
        self.get(Dimension::Bots, "")
    }

    /// Every (dimension, value, count), ordered by dimension then value.
    pub fn iter(&self) -> impl Iterator<Item = (Dimension, &str, u64)> {
        self.0
            .iter()
            .map(|((dimension, value), &count)| (*dimension, value.as_str(), count))
    }

    /// Adds `count` as stored, without the referrer cap: for decoding counts
    /// that were capped when they were written.
    pub fn insert_stored(&mut self, dimension: Dimension, value: String, count: u64) {
        let total = self.0.entry((dimension, value)).or_default();
        *total = total.saturating_add(count);
    }

    /// Adds one click.
    pub fn add_event(&mut self, event: &ClickEvent) {
        let referrers = self.referrer_rows(&event.referrer);
        for (dimension, value) in event.increments(referrers) {
            self.insert_stored(dimension, value, 1);
        }
    }

    /// Adds every count of `other`, capping referrers as single clicks
    /// would be: a referrer this bucket lacks, once it holds
    /// [`MAX_REFERRERS_PER_HOUR`] of them, counts as [`OTHER_REFERRERS`].
    pub fn merge(&mut self, other: &Counts) {
        for ((dimension, value), &count) in &other.0 {
            let value = if *dimension == Dimension::Referrer {
                let rows = self.referrer_rows(value);
                if rows.includes_this || rows.distinct < MAX_REFERRERS_PER_HOUR {
                    value.as_str()
                } else {
                    OTHER_REFERRERS
                }
            } else {
                value.as_str()
            };
            self.insert_stored(*dimension, value.to_owned(), count);
        }
    }

    fn referrer_rows(&self, referrer: &str) -> ReferrerRows {
        let mut distinct = 0;
        let mut includes_this = false;
        for (dimension, value) in self.0.keys() {
            if *dimension == Dimension::Referrer {
                distinct += 1;
                includes_this |= value == referrer;
            }
        }
        ReferrerRows {
            distinct,
            includes_this,
        }
    }
}

/// One link's clicks in one hour (or, stored, one day): the counts, the
/// unique-visitor sketch of its human clicks and, for an A/B-tested link,
/// the sketch of each variant's (by variant number, from 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bucket {
    pub counts: Counts,
    pub sketch: Hll,
    pub variants: BTreeMap<u8, Hll>,
}

impl Bucket {
    pub fn add_event(&mut self, event: &ClickEvent) {
        self.counts.add_event(event);
        if !event.client.is_bot {
            self.sketch.insert(event.fingerprint);
            if let Some(variant) = event.target.variant() {
                self.variants
                    .entry(variant)
                    .or_default()
                    .insert(event.fingerprint);
            }
        }
    }

    pub fn merge(&mut self, other: &Bucket) {
        self.counts.merge(&other.counts);
        self.sketch.merge(&other.sketch);
        for (variant, sketch) in &other.variants {
            self.variants.entry(*variant).or_default().merge(sketch);
        }
    }

    /// Drops the visitor sketches, keeping the counts: an hour row older
    /// than the hourly sketches are kept for.
    pub fn forget_visitors(&mut self) {
        self.sketch = Hll::new();
        self.variants.clear();
    }
}

/// Clicks of many links, per link and per hour.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkHours(BTreeMap<String, BTreeMap<Hour, Bucket>>);

impl LinkHours {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds one click of `link_id`, in the hour it happened.
    pub fn add(&mut self, link_id: &str, event: &ClickEvent) {
        self.hours_of(link_id)
            .entry(event.hour())
            .or_default()
            .add_event(event);
    }

    /// Whether `link_id` already has a bucket for `hour`.
    pub fn has_bucket(&self, link_id: &str, hour: Hour) -> bool {
        self.0
            .get(link_id)
            .is_some_and(|hours| hours.contains_key(&hour))
    }

    /// Adds every bucket of `other`, moved.
    pub fn merge(&mut self, other: LinkHours) {
        for (link, hours) in other.0 {
            self.add_hours(link, hours);
        }
    }

    /// Each link with its buckets, in link-id order.
    pub fn links(&self) -> impl Iterator<Item = (&str, &BTreeMap<Hour, Bucket>)> {
        self.0.iter().map(|(link, hours)| (link.as_str(), hours))
    }

    /// Human clicks in all.
    pub fn humans(&self) -> u64 {
        self.buckets().map(|b| b.counts.humans()).sum()
    }

    /// Bot hits in all.
    pub fn bots(&self) -> u64 {
        self.buckets().map(|b| b.counts.bots()).sum()
    }

    /// The links grouped by the shard `shard_of` assigns them, moved (a
    /// flush's clicks are not copied on their way to the queue).
    pub fn into_shards(self, shard_of: impl Fn(&str) -> u16) -> BTreeMap<u16, LinkHours> {
        let mut shards: BTreeMap<u16, LinkHours> = BTreeMap::new();
        for (link, hours) in self.0 {
            shards
                .entry(shard_of(&link))
                .or_default()
                .0
                .insert(link, hours);
        }
        shards
    }

    /// Each link with its buckets, moved out.
    pub fn into_links(self) -> impl Iterator<Item = (String, BTreeMap<Hour, Bucket>)> {
        self.0.into_iter()
    }

    /// Adds the buckets of `link_id` (each merged with any already there).
    pub fn add_hours(&mut self, link_id: String, hours: BTreeMap<Hour, Bucket>) {
        let mine = self.0.entry(link_id).or_default();
        for (hour, bucket) in hours {
            match mine.entry(hour) {
                Entry::Occupied(held) => held.into_mut().merge(&bucket),
                Entry::Vacant(slot) => {
                    slot.insert(bucket);
                }
            }
        }
    }

    fn buckets(&self) -> impl Iterator<Item = &Bucket> {
        self.0.values().flat_map(BTreeMap::values)
    }

    fn hours_of(&mut self, link_id: &str) -> &mut BTreeMap<Hour, Bucket> {
        self.0.entry(link_id.to_owned()).or_default()
    }
}

#[cfg(test)]
mod tests;
