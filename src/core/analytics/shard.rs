//! Which ClickCounter shard holds a link, and how long shards remember what
//! they have applied.
//!
//! Links map to a fixed number of shards (`shell::config::click_shards`) by a
//! stable hash of the link id, so every click, report, total, cap and
//! deletion of a link reaches the same object, and a flush costs at most
//! one call per shard however many links it carries.

use crate::core::time::{UnixMillis, MILLIS_PER_DAY, MILLIS_PER_HOUR};

/// Shards when the configuration names none.
pub const DEFAULT_SHARDS: u16 = 64;
/// The most shards a deployment may configure.
pub const MAX_SHARDS: u16 = 1024;

/// The link's shard, `0..shards`: FNV-1a (64-bit) of the id's bytes,
/// modulo the count. It must never change for a deployment, since a link's
/// history stays in the shard that counted it; `tests/support/shards.mjs`
/// computes the same for tests and the benchmark.
pub fn shard_of(link_id: &str, shards: u16) -> u16 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = link_id
        .bytes()
        .fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    // The remainder is below `shards`, itself a u16.
    u16::try_from(hash % u64::from(shards.max(1))).unwrap_or(0)
}

/// A shard remembers each applied message id for one to two of these
/// periods, which is far longer than the queue takes to redeliver a message
/// whose delivery failed (`max_retries` × `retry_delay` in wrangler.toml).
pub const APPLIED_GENERATION_MILLIS: i64 = MILLIS_PER_HOUR;

/// The generation an id applied at `now` is filed under.
pub fn generation(now: UnixMillis) -> i64 {
    now.0.div_euclid(APPLIED_GENERATION_MILLIS)
}

/// Ids of generations before this one may be forgotten.
pub fn oldest_kept_generation(now: UnixMillis) -> i64 {
    generation(now) - 1
}

/// How long a shard remembers a deleted link, dropping its clicks still on
/// their way (in isolates or the queue) instead of counting them again:
/// longer than the queue keeps a message.
pub const TOMBSTONE_MILLIS: i64 = 7 * MILLIS_PER_DAY;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_stable_across_builds() {
        // Pinned: tests/support/shards.mjs must agree, and a deployment's
        // links must never move.
        assert_eq!(shard_of("link_3fA9kQ0bZx1L", 64), 24);
        assert_eq!(shard_of("link_000000000000", 64), 2);
        assert_eq!(shard_of("", 64), 37, "the offset basis alone");
    }

    #[test]
    fn one_shard_holds_everything() {
        assert_eq!(shard_of("link_anything", 1), 0);
        assert_eq!(shard_of("link_anything", 0), 0);
    }

    #[test]
    fn random_ids_spread_evenly_over_the_shards() {
        let mut per_shard = [0u32; 64];
        let mut state = 0x1234_5678_u64;
        for _ in 0..64_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let id = format!("link_{:012x}", state >> 16);
            per_shard[usize::from(shard_of(&id, 64))] += 1;
        }
        // 1,000 expected per shard; ±15% is far beyond chance.
        assert!(
            per_shard.iter().all(|&n| (850..=1150).contains(&n)),
            "{per_shard:?}"
        );
    }

    #[test]
    fn an_id_is_remembered_for_one_to_two_generations() {
        let now = UnixMillis(10 * APPLIED_GENERATION_MILLIS + 5);
        assert_eq!(generation(now), 10);
        assert_eq!(oldest_kept_generation(now), 9);
    }
}
