//! A bounded, expiring cache of lookups by key, and of misses: the isolate's
//! cache of redirect records (`store::record_cache` holds the instance).
//!
//! Least recently used entries go first once either bound is reached: an
//! entry count, and an estimate of the bytes held, so a cache of 8 KiB URLs
//! stays as small as one of short ones. Entries expire at the time they were
//! given, however often they are read.

use std::num::NonZeroUsize;

use lru::LruCache;

use crate::core::time::UnixMillis;

/// What the cache knows about a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cached<V> {
    /// A value, still fresh.
    Found(V),
    /// Known to have no value, still fresh.
    Missing,
    /// Nothing fresh: ask the store.
    Unknown,
}

#[derive(Debug)]
struct Entry<V> {
    value: Option<V>,
    expires: UnixMillis,
    bytes: usize,
}

#[derive(Debug)]
pub struct RecordCache<V> {
    entries: LruCache<String, Entry<V>>,
    bytes: usize,
    max_bytes: usize,
}

impl<V: Clone> RecordCache<V> {
    pub fn new(max_entries: NonZeroUsize, max_bytes: usize) -> Self {
        RecordCache {
            entries: LruCache::new(max_entries),
            bytes: 0,
            max_bytes,
        }
    }

    pub fn get(&mut self, key: &str, now: UnixMillis) -> Cached<V> {
        let fresh = match self.entries.get(key) {
            None => return Cached::Unknown,
            Some(entry) if entry.expires > now => Some(entry.value.clone()),
            Some(_) => None,
        };
        match fresh {
            Some(Some(value)) => Cached::Found(value),
            Some(None) => Cached::Missing,
            None => {
                self.forget(key);
                Cached::Unknown
            }
        }
    }

    /// Remembers `value` (`None`: a known miss) until `expires`; `bytes` is
    /// the caller's estimate of what it holds. An entry larger than the
    /// whole byte bound is not kept.
    pub fn put(&mut self, key: &str, value: Option<V>, bytes: usize, expires: UnixMillis) {
        self.forget(key);
        let bytes = bytes + key.len();
        if bytes > self.max_bytes {
            return;
        }
        let entry = Entry {
            value,
            expires,
            bytes,
        };
        if let Some((_, evicted)) = self.entries.push(key.to_owned(), entry) {
            self.bytes -= evicted.bytes;
        }
        self.bytes += bytes;
        while self.bytes > self.max_bytes {
            match self.entries.pop_lru() {
                Some((_, evicted)) => self.bytes -= evicted.bytes,
                None => break,
            }
        }
    }

    /// Drops `key`, so the next lookup asks the store.
    pub fn forget(&mut self, key: &str) {
        if let Some(entry) = self.entries.pop(key) {
            self.bytes -= entry.bytes;
        }
    }
}

#[cfg(test)]
impl<V> RecordCache<V> {
    fn len(&self) -> usize {
        self.entries.len()
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(entries: usize, bytes: usize) -> RecordCache<String> {
        RecordCache::new(NonZeroUsize::new(entries).unwrap(), bytes)
    }

    const NOW: UnixMillis = UnixMillis(1_000_000);
    const LATER: UnixMillis = UnixMillis(1_030_000);

    #[test]
    fn a_fresh_value_is_found_until_it_expires() {
        let mut c = cache(10, 1_000);
        c.put("a", Some("x".into()), 10, LATER);
        assert_eq!(c.get("a", NOW), Cached::Found("x".into()));
        assert_eq!(
            c.get("a", UnixMillis(LATER.0 - 1)),
            Cached::Found("x".into())
        );
        assert_eq!(c.get("a", LATER), Cached::Unknown);
        assert!(c.is_empty(), "an expired entry is dropped when seen");
    }

    #[test]
    fn a_miss_is_remembered_as_missing() {
        let mut c = cache(10, 1_000);
        c.put("gone", None, 0, LATER);
        assert_eq!(c.get("gone", NOW), Cached::Missing);
        assert_eq!(c.get("other", NOW), Cached::Unknown);
    }

    #[test]
    fn forgetting_a_key_makes_it_unknown() {
        let mut c = cache(10, 1_000);
        c.put("a", Some("x".into()), 10, LATER);
        c.forget("a");
        assert_eq!(c.get("a", NOW), Cached::Unknown);
        assert_eq!(c.bytes(), 0);
    }

    #[test]
    fn the_least_recently_used_entry_goes_first_at_the_entry_bound() {
        let mut c = cache(2, 1_000);
        c.put("a", Some("1".into()), 1, LATER);
        c.put("b", Some("2".into()), 1, LATER);
        assert_eq!(c.get("a", NOW), Cached::Found("1".into()));
        c.put("c", Some("3".into()), 1, LATER);
        assert_eq!(c.get("b", NOW), Cached::Unknown);
        assert_eq!(c.get("a", NOW), Cached::Found("1".into()));
        assert_eq!(c.len(), 2);
        assert_eq!(c.bytes(), 4);
    }

    #[test]
    fn the_byte_bound_evicts_as_many_entries_as_it_takes() {
        let mut c = cache(100, 100);
        for key in ["a", "b", "c", "d"] {
            c.put(key, Some(key.into()), 24, LATER);
        }
        assert_eq!(c.bytes(), 100);
        c.put("big", Some("big".into()), 57, LATER);
        assert_eq!(c.bytes(), 25 + 60);
        for evicted in ["a", "b", "c"] {
            assert_eq!(c.get(evicted, NOW), Cached::Unknown, "{evicted}");
        }
        assert_eq!(c.get("d", NOW), Cached::Found("d".into()));
        assert_eq!(c.get("big", NOW), Cached::Found("big".into()));
    }

    #[test]
    fn an_entry_larger_than_the_bound_is_not_kept() {
        let mut c = cache(10, 50);
        c.put("a", Some("1".into()), 10, LATER);
        c.put("huge", Some("h".into()), 100, LATER);
        assert_eq!(c.get("huge", NOW), Cached::Unknown);
        assert_eq!(c.get("a", NOW), Cached::Found("1".into()));
    }

    #[test]
    fn replacing_a_key_counts_its_bytes_once() {
        let mut c = cache(10, 1_000);
        c.put("a", Some("1".into()), 10, LATER);
        c.put("a", Some("2".into()), 20, LATER);
        assert_eq!(c.bytes(), 21);
        assert_eq!(c.get("a", NOW), Cached::Found("2".into()));
    }
}
