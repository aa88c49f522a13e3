//! `/v1/account`: the calling key's account — plan, effective limits, and
//! how much of them is used.

use serde_json::{json, Map, Value};
use worker::Response;

use super::error::ApiError;
use super::{ratelimit, respond, views, Call};
use crate::core::ratelimit::Window;
use crate::store::accounts;

/// GET /v1/account: the account view plus `usage`: links and active keys
/// used of their maximum, and the calling key's requests left in each
/// limited window (a look at its RateLimiter that charges nothing).
/// `usage.requests` is null when the limiter cannot be reached or every
/// window is unlimited.
pub async fn get(call: &Call<'_>) -> Result<Response, ApiError> {
    let db = call.db()?;
    let account = accounts::get(&db, &call.caller.account_id)
        .await?
        .ok_or_else(|| ApiError::not_found("account"))?;
    let usage = accounts::usage(&db, &account.id).await?;
    let limits = call.caller.limits;
    let requests = ratelimit::peek(call.env, &call.caller)
        .await
        .map(|decision| {
            let mut windows = Map::new();
            for window in Window::ALL {
                let status = decision.windows.iter().find(|s| s.window == window);
                windows.insert(
                    match window {
                        Window::Minute => "perMinute",
                        Window::Hour => "perHour",
                    }
                    .to_owned(),
                    status.map_or(Value::Null, views::window),
                );
            }
            Value::Object(windows)
        });
    let mut body = views::account(&account);
    if let Some(fields) = body.as_object_mut() {
        fields.insert(
            "usage".into(),
            json!({
                "links": views::quota(usage.links, limits.max_links),
                "apiKeys": views::quota(usage.keys, limits.max_api_keys),
                "requests": requests,
            }),
        );
    }
    respond::json(200, &body)
}
