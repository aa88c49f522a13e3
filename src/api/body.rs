//! Reading a JSON request body: media type, size, syntax.

use serde_json::Value;
use worker::Request;

use super::error::ApiError;
use crate::core::strict_json;

/// Largest body we read (DESIGN: 64 KiB); a link is well under 16 KiB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The request's JSON body: 415 unless `Content-Type` is JSON, 413 past
/// 64 KiB (checked on `Content-Length` first, then on what arrived), 400
/// when it doesn't parse or names a key twice (`core::strict_json`).
pub async fn json(req: &mut Request) -> Result<Value, ApiError> {
    let content_type = req.headers().get("Content-Type")?.unwrap_or_default();
    if !is_json(&content_type) {
        return Err(ApiError::UnsupportedMediaType(format!(
            "send the body as JSON with 'Content-Type: application/json' (got '{}')",
            if content_type.is_empty() {
                "none"
            } else {
                &content_type
            }
        )));
    }
    let declared = req
        .headers()
        .get("Content-Length")?
        .and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let bytes = req.bytes().await?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(too_large());
    }
    Ok(strict_json::parse(&bytes)?)
}

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "the body must be at most {} KiB",
        MAX_BODY_BYTES / 1024
    ))
}

/// `application/json`, any `+json` type, parameters (charset) allowed.
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}
