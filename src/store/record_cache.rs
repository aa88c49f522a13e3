//! The isolate's cache of redirect records, and of slugs known to have
//! none, in front of KV and D1 (the structure: `core::record_cache`).
//!
//! Every KV write or delete in this isolate forgets its slug
//! (`store::kv`), and bumps an epoch: a lookup that read the store before a
//! write finished does not cache what it read. So a create, rename, PATCH or
//! DELETE is seen at once by the isolate that made it; other isolates see
//! it within the TTL, which is never longer than KV's own `cacheTtl`.

use std::cell::{Cell, RefCell};
use std::num::NonZeroUsize;

use super::kv::CACHE_TTL_SECONDS;
use crate::core::record_cache::{Cached, RecordCache};
use crate::core::redirect::RedirectRecord;
use crate::core::slug::Slug;
use crate::core::time::{UnixMillis, MILLIS_PER_SECOND};

/// Entries kept at most: the hot set of a busy isolate.
const MAX_ENTRIES: usize = 20_000;
/// Bytes kept at most (estimated): 8 MiB of an isolate's 128 MB.
const MAX_BYTES: usize = 8 << 20;
/// A miss is remembered at most this long: a slug created elsewhere
/// resolves here within it.
const MISS_SECONDS: u32 = 5;

thread_local! {
    static CACHE: RefCell<RecordCache<RedirectRecord>> = RefCell::new(RecordCache::new(
        NonZeroUsize::new(MAX_ENTRIES).unwrap_or(NonZeroUsize::MIN),
        MAX_BYTES,
    ));
    static EPOCH: Cell<u64> = const { Cell::new(0) };
}

/// The cached answer for `slug`.
pub fn get(slug: &Slug, now: UnixMillis) -> Cached<RedirectRecord> {
    CACHE.with_borrow_mut(|cache| cache.get(slug.as_str(), now))
}

/// The current epoch: read it before asking the store, and hand it to
/// [`remember`].
pub fn epoch() -> u64 {
    EPOCH.get()
}

/// Caches what the store said about `slug` (`None`: no such slug) for
/// `seconds` (`RECORD_CACHE_SECONDS`, default and at most KV's
/// `cacheTtl`; misses at most [`MISS_SECONDS`]), unless a write happened
/// since `epoch`.
pub fn remember(
    slug: &Slug,
    record: Option<&RedirectRecord>,
    epoch: u64,
    now: UnixMillis,
    seconds: Option<u32>,
) {
    if epoch != EPOCH.get() {
        return;
    }
    let ttl = seconds.map_or(CACHE_TTL_SECONDS, |s| u64::from(s).min(CACHE_TTL_SECONDS));
    let ttl = match record {
        Some(_) => ttl,
        None => ttl.min(u64::from(MISS_SECONDS)),
    };
    if ttl == 0 {
        return;
    }
    let expires = UnixMillis(now.0 + i64::try_from(ttl).unwrap_or(0) * MILLIS_PER_SECOND);
    let bytes = record.map_or(0, RedirectRecord::approx_bytes);
    CACHE.with_borrow_mut(|cache| cache.put(slug.as_str(), record.cloned(), bytes, expires));
}

/// Forgets `slug` after a write to it, here or in D1.
pub fn forget(slug: &Slug) {
    EPOCH.set(EPOCH.get().wrapping_add(1));
    CACHE.with_borrow_mut(|cache| cache.forget(slug.as_str()));
}
