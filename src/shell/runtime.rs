//! The two impure inputs of the core, read from the Workers runtime.

use worker::Date;

use crate::core::apikey::KeyEntropy;
use crate::core::link::{LinkEntropy, GENERATED_SLUG_TRIES};
use crate::core::slug::GENERATED_ENTROPY;
use crate::core::time::UnixMillis;

pub fn now() -> UnixMillis {
    // Milliseconds since 1970 fit an i64 until the year 292 million.
    UnixMillis(i64::try_from(Date::now().as_millis()).unwrap_or(i64::MAX))
}

/// Cryptographically secure random bytes (`crypto.getRandomValues`).
///
/// # Errors
/// When the runtime's random source fails.
pub fn entropy<const N: usize>() -> worker::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| worker::Error::RustError(format!("random source failed: {e}")))?;
    Ok(bytes)
}

/// The randomness one new API key needs.
pub fn key_entropy() -> worker::Result<KeyEntropy> {
    Ok(KeyEntropy {
        id: entropy()?,
        secret: entropy()?,
    })
}

/// The randomness one new link needs.
pub fn link_entropy() -> worker::Result<LinkEntropy> {
    let mut slugs = [[0u8; GENERATED_ENTROPY]; GENERATED_SLUG_TRIES];
    for slug in &mut slugs {
        *slug = entropy()?;
    }
    Ok(LinkEntropy {
        id: entropy()?,
        slugs,
    })
}
