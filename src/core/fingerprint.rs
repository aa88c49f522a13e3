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

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// SHA-256's block size: HMAC keys are zero-padded (or first hashed) to it.
const BLOCK_LEN: usize = 64;

/// HMAC-SHA256 of the three fields, truncated to its first 8 bytes. Each field
/// is length-prefixed so that `("a b", "c")` and `("a", "b c")` differ.
pub fn fingerprint(secret: &[u8], ip: &str, user_agent: &str, link_id: &str) -> u64 {
    let mut mac = <Hmac<Sha256> as KeyInit>::new(&hmac_key_block(secret).into());
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

/// The key block RFC 2104 derives from any key: the key itself zero-padded,
/// or its hash when longer than a block. Building it here lets us use the
/// infallible fixed-size constructor instead of `new_from_slice`'s `Result`.
pub(super) fn hmac_key_block(secret: &[u8]) -> [u8; BLOCK_LEN] {
    let mut block = [0u8; BLOCK_LEN];
    let hashed;
    let key = if secret.len() > BLOCK_LEN {
        hashed = Sha256::digest(secret);
        hashed.as_slice()
    } else {
        secret
    };
    block.iter_mut().zip(key).for_each(|(out, b)| *out = *b);
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(secret: &[u8], message: &[u8]) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }

    fn message(ip: &str, ua: &str, link: &str) -> Vec<u8> {
        [ip, ua, link]
            .iter()
            .flat_map(|f| {
                [
                    (f.len() as u64).to_be_bytes().to_vec(),
                    f.as_bytes().to_vec(),
                ]
            })
            .flatten()
            .collect()
    }

    #[test]
    fn is_truncated_standard_hmac_sha256_for_short_and_long_secrets() {
        for secret in [&b""[..], b"key", &[7u8; 64], &[9u8; 200]] {
            let tag = reference(secret, &message("203.0.113.7", "UA", "link_abc"));
            let expected = u64::from_be_bytes(tag[..8].try_into().unwrap());
            assert_eq!(
                fingerprint(secret, "203.0.113.7", "UA", "link_abc"),
                expected
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
