//! The stored form of an account's limit overrides (the `limits` column of
//! `accounts`), read by both the account and the API key queries.

use serde_json::{Map, Value};

use crate::core::account::LIMIT_NAMES;
use crate::core::plan::LimitOverrides;

/// Overrides are stored as a JSON object of the limits they set, `null`
/// meaning unlimited: `{"perMinute": 5000, "maxLinks": null}`.
pub fn overrides_to_text(o: &LimitOverrides) -> Option<String> {
    let values = [o.per_minute, o.per_hour, o.max_links, o.max_api_keys];
    let map: Map<String, Value> = LIMIT_NAMES
        .iter()
        .zip(values)
        .filter_map(|(name, value)| {
            value.map(|v| ((*name).to_owned(), v.map_or(Value::Null, Value::from)))
        })
        .collect();
    (!map.is_empty()).then(|| Value::Object(map).to_string())
}

pub fn overrides_from_text(text: Option<&str>) -> LimitOverrides {
    let map = text
        .and_then(|t| serde_json::from_str::<Map<String, Value>>(t).ok())
        .unwrap_or_default();
    let read = |name: &str| {
        map.get(name)
            .map(|v| v.as_u64().and_then(|n| u32::try_from(n).ok()))
    };
    LimitOverrides {
        per_minute: read(LIMIT_NAMES[0]),
        per_hour: read(LIMIT_NAMES[1]),
        max_links: read(LIMIT_NAMES[2]),
        max_api_keys: read(LIMIT_NAMES[3]),
    }
}
