//! Link passwords through WebCrypto (`crypto.subtle`): PBKDF2-HMAC-SHA256
//! derived natively by the platform, in a few lines of JavaScript
//! (`pbkdf2.js`). The hash format, the iteration count and the comparison
//! are `core::password`'s.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use worker::js_sys::{Promise, Uint8Array};
use worker::wasm_bindgen_futures::JsFuture;

use super::runtime;
use crate::core::password::{PasswordHash, ITERATIONS, SALT_BYTES};

#[wasm_bindgen(module = "/src/shell/pbkdf2.js")]
extern "C" {
    #[wasm_bindgen(js_name = pbkdf2Sha256)]
    fn pbkdf2_promise(password: &str, salt: &[u8], iterations: u32) -> Promise;
}

async fn pbkdf2(password: &str, salt: &[u8], iterations: u32) -> worker::Result<Vec<u8>> {
    let bits = JsFuture::from(pbkdf2_promise(password, salt, iterations))
        .await
        .map_err(|e: JsValue| {
            worker::Error::RustError(format!("WebCrypto PBKDF2 failed: {e:?}"))
        })?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// A new hash of `password`: a fresh salt, today's iteration count.
///
/// # Errors
/// When the random source or WebCrypto fails.
pub async fn hash_password(password: &str) -> worker::Result<PasswordHash> {
    let salt = runtime::entropy::<SALT_BYTES>()?;
    let hash = pbkdf2(password, &salt, ITERATIONS).await?;
    Ok(PasswordHash::from_derived(ITERATIONS, &salt, &hash))
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    Wrong,
    /// Right; `stale` when the hash is below today's cost and should be
    /// replaced now that the password is known.
    Right {
        stale: bool,
    },
}

/// Checks `password` against `hash`. A hash that does not parse is never
/// right.
///
/// # Errors
/// When WebCrypto fails.
pub async fn verify_password(hash: &PasswordHash, password: &str) -> worker::Result<Verified> {
    let Some(derivation) = hash.derivation() else {
        return Ok(Verified::Wrong);
    };
    let derived = pbkdf2(password, &derivation.salt, derivation.iterations).await?;
    Ok(if derivation.matches(&derived) {
        Verified::Right {
            stale: !derivation.is_current(),
        }
    } else {
        Verified::Wrong
    })
}
