//! Random identifiers from caller-supplied entropy, so generation stays pure.

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Bytes of entropy needed for a base62 string of `len` characters.
pub const fn entropy_for(len: usize) -> usize {
    len * 2
}

/// Maps entropy to base62, two bytes per character: `u16 % 62` has a bias of
/// 2 in 65,536, which keeps every character within 0.01% of uniform.
pub fn base62(entropy: &[u8]) -> String {
    entropy
        .chunks_exact(2)
        .filter_map(|pair| {
            let &[lo, hi] = pair else { return None };
            let n = usize::from(u16::from_le_bytes([lo, hi])) % BASE62.len();
            BASE62.get(n).map(|&c| char::from(c))
        })
        .collect()
}

/// Random characters in a resource id (`link_…`, `key_…`, `acct_…`):
/// 12 base62 characters, ~71 bits, unguessable and collision-free in practice.
pub const ID_RANDOM_LEN: usize = 12;
pub const ID_ENTROPY: usize = entropy_for(ID_RANDOM_LEN);

/// Characters of a click message id (`store::click_queue`): ~131 bits, so
/// ids never collide within the time a shard remembers them.
pub const MESSAGE_ID_LEN: usize = 22;

pub fn is_base62(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn two_bytes_make_one_character() {
        assert_eq!(base62(&[0, 0, 61, 0, 62, 0]), "0z0");
        assert_eq!(base62(&[0u8; entropy_for(7)]).len(), 7);
    }

    proptest! {
        #[test]
        fn output_is_always_base62(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let text = base62(&bytes);
            prop_assert_eq!(text.len(), bytes.len() / 2);
            prop_assert!(is_base62(&text));
        }
    }
}
