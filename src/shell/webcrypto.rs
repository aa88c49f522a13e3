//! Members' password hashes through WebCrypto's PBKDF2 (`webcrypto.js`):
//! the format and the constant-time comparison are `core::password`'s, the
//! iteration count `core::member::ITERATIONS`.

use wasm_bindgen::prelude::wasm_bindgen;
use worker::js_sys::{Promise, Uint8Array};
use worker::wasm_bindgen_futures::JsFuture;

use crate::core::member::ITERATIONS;
use crate::core::password::{PasswordHash, SALT_BYTES};
use crate::shell::runtime;

#[wasm_bindgen(module = "/src/shell/webcrypto.js")]
extern "C" {
    #[wasm_bindgen(js_name = pbkdf2Sha256)]
    fn pbkdf2_promise(password: &str, salt: &[u8], iterations: u32) -> Promise;
}

/// Workers' WebCrypto refuses PBKDF2 past this many iterations.
const MAX_WEBCRYPTO_ITERATIONS: u32 = 100_000;

async fn pbkdf2(password: &str, salt: &[u8], iterations: u32) -> worker::Result<Vec<u8>> {
    let bits = JsFuture::from(pbkdf2_promise(password, salt, iterations))
        .await
        .map_err(|e| worker::Error::RustError(format!("PBKDF2 failed: {e:?}")))?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// A new member password's stored hash, with a fresh salt.
///
/// # Errors
/// When the runtime's random source or WebCrypto fails.
pub async fn hash_password(password: &str) -> worker::Result<PasswordHash> {
    let salt = runtime::entropy::<SALT_BYTES>()?;
    let hash = pbkdf2(password, &salt, ITERATIONS).await?;
    Ok(PasswordHash::from_parts(ITERATIONS, &salt, &hash))
}

/// Whether `password` matches `stored`. A hash that does not parse, or
/// asks for more iterations than WebCrypto allows, never matches.
///
/// # Errors
/// When WebCrypto fails.
pub async fn verify_password(stored: &PasswordHash, password: &str) -> worker::Result<bool> {
    let Some(parts) = stored
        .parts()
        .filter(|p| p.iterations <= MAX_WEBCRYPTO_ITERATIONS)
    else {
        return Ok(false);
    };
    let derived = pbkdf2(password, &parts.salt, parts.iterations).await?;
    Ok(parts.matches(&derived))
}

/// The same work as a verify, for a sign-in whose email has no member, so
/// response times do not tell which emails have accounts.
///
/// # Errors
/// When the runtime's random source or WebCrypto fails.
pub async fn spend_a_verify(password: &str) -> worker::Result<()> {
    let salt = runtime::entropy::<SALT_BYTES>()?;
    pbkdf2(password, &salt, ITERATIONS).await?;
    Ok(())
}
