//! Who a client is, for per-client budgets (wrong link passwords, failed
//! authentication, public QR renders): a keyed hash of the client's address
//! block, never the address itself.
//!
//! The key is the deployment's secret, and the day is hashed in, so a
//! stored key (the password attempt counter keeps them for one window)
//! cannot be tested against guessed addresses, nor followed from one day to
//! the next. IPv6 clients are counted by their /64, the block one
//! subscriber usually holds: counting single addresses would hand anyone
//! with a /64 2^64 budgets.

use std::net::{IpAddr, Ipv6Addr};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::time::UnixMillis;

const MILLIS_PER_DAY: i64 = 86_400_000;
/// Bytes of the HMAC kept: 128 bits cannot collide by chance.
const KEY_BYTES: usize = 16;

/// The client's budget key: hex of HMAC-SHA256(secret, day ‖ address block).
/// An address that does not parse is hashed as sent.
pub fn client_key(secret: &[u8], ip: &str, now: UnixMillis) -> String {
    // HMAC takes keys of any length (RFC 2104 §2); the `Result` is only
    // `KeyInit`'s shared signature, so the fallback is never taken.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(b"client-budget\0");
    mac.update(&now.0.div_euclid(MILLIS_PER_DAY).to_be_bytes());
    mac.update(block(ip).as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .take(KEY_BYTES)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The block a client is counted by: an IPv4 address (IPv4-mapped IPv6
/// included) as is, an IPv6 address by its /64.
fn block(ip: &str) -> String {
    match ip.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                let prefix = Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
        Err(_) => ip.trim().to_owned(),
    }
}

/// Whether the address is this machine: `wrangler dev`, the tests and the
/// benchmark, never a client on Cloudflare's network (which sets
/// `CF-Connecting-IP` itself). Per-client rate limits skip these.
pub fn is_loopback(ip: &str) -> bool {
    match ip.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: UnixMillis = UnixMillis(1_800_000_000_000);

    #[test]
    fn the_key_is_stable_within_a_day_and_hides_the_address() {
        let key = client_key(b"secret", "203.0.113.7", DAY);
        assert_eq!(key.len(), 32);
        assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(!key.contains("203"));
        assert_eq!(
            key,
            client_key(b"secret", "203.0.113.7", UnixMillis(DAY.0 + 1))
        );
    }

    #[test]
    fn the_key_changes_with_address_secret_and_day() {
        let key = client_key(b"secret", "203.0.113.7", DAY);
        assert_ne!(key, client_key(b"secret", "203.0.113.8", DAY));
        assert_ne!(key, client_key(b"other", "203.0.113.7", DAY));
        assert_ne!(
            key,
            client_key(b"secret", "203.0.113.7", UnixMillis(DAY.0 + MILLIS_PER_DAY))
        );
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let a = client_key(b"s", "2001:db8:1:2:aaaa::1", DAY);
        assert_eq!(a, client_key(b"s", "2001:db8:1:2:ffff:ffff:ffff:ffff", DAY));
        assert_ne!(a, client_key(b"s", "2001:db8:1:3::1", DAY));
        assert_eq!(
            client_key(b"s", "::ffff:203.0.113.7", DAY),
            client_key(b"s", "203.0.113.7", DAY)
        );
    }

    #[test]
    fn loopback_is_recognised_in_every_spelling() {
        for ip in [
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "::ffff:127.0.0.1",
            " 127.0.0.1 ",
        ] {
            assert!(is_loopback(ip), "{ip}");
        }
        for ip in ["203.0.113.7", "10.0.0.1", "2001:db8::1", "", "localhost"] {
            assert!(!is_loopback(ip), "{ip}");
        }
    }
}
