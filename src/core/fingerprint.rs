//! Visitor fingerprints for unique-click counting: a keyed hash of the
//! client's IP and User-Agent, scoped to one link.
//!
//! The fingerprint only ever feeds a HyperLogLog sketch (`core::hll`); it is
//! never stored, and the IP never leaves the worker. Keying the hash with a
//! secret stops anyone holding a sketch from testing guessed IPs against it,
//! and including the link id makes the same person unlinkable across links.
//! It deliberately excludes the date, so one visitor hashes the same on every
//! day and merging daily sketches counts them once over a period. Rotating the
//! secret therefore re-counts every visitor as new once.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// HMAC-SHA256 of the three fields, truncated to its first 8 bytes. Each field
/// is length-prefixed so that `("a b", "c")` and `("a", "b c")` differ.
pub fn fingerprint(secret: &[u8], ip: &str, user_agent: &str, link_id: &str) -> u64 {
    // HMAC takes keys of any length (RFC 2104 §2: longer ones are hashed first);
    // the `Result` is only `KeyInit`'s shared signature, so this never returns 0.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return 0;
    };
    for field in [ip, user_agent, link_id] {
        mac.update(&(field.len() as u64).to_be_bytes());
        mac.update(field.as_bytes());
    }
    let tag = mac.finalize().into_bytes();
    let mut first = [0u8; 8];
    first
        .iter_mut()
        .zip(tag.iter())
        .for_each(|(out, b)| *out = *b);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_truncated_standard_hmac_sha256_for_short_and_long_secrets() {
        // Expected values from Python's `hmac` over the length-prefixed fields
        // (8-byte big-endian length, then the bytes, for each field in order).
        let cases: [(&[u8], u64); 4] = [
            (b"", 0x094c_6a46_b46c_7dc7),
            (b"key", 0x1d8e_4c6d_a1d6_cc70),
            // A block-sized key is used as is; a longer one is hashed first.
            (&[7; 64], 0x7a09_3f70_bfe6_92d4),
            (&[9; 200], 0x2d23_b216_fac7_9774),
        ];
        for (secret, expected) in cases {
            assert_eq!(
                fingerprint(secret, "203.0.113.7", "UA", "link_abc"),
                expected,
                "secret of {} bytes",
                secret.len()
            );
        }
    }

    #[test]
    fn is_stable_for_the_same_visitor() {
        let a = fingerprint(b"s", "203.0.113.7", "UA", "link_abc");
        assert_eq!(a, fingerprint(b"s", "203.0.113.7", "UA", "link_abc"));
    }

    #[test]
    fn differs_by_ip_user_agent_link_and_secret() {
        let base = fingerprint(b"s", "203.0.113.7", "UA", "link_abc");
        assert_ne!(base, fingerprint(b"s", "203.0.113.8", "UA", "link_abc"));
        assert_ne!(base, fingerprint(b"s", "203.0.113.7", "UB", "link_abc"));
        assert_ne!(base, fingerprint(b"s", "203.0.113.7", "UA", "link_abd"));
        assert_ne!(base, fingerprint(b"t", "203.0.113.7", "UA", "link_abc"));
    }

    #[test]
    fn field_boundaries_matter() {
        assert_ne!(
            fingerprint(b"s", "a b", "c", "l"),
            fingerprint(b"s", "a", "b c", "l")
        );
    }
}
