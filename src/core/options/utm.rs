//! The `utm` option: UTM parameters added to the destination at redirect
//! time, and their validation.

use serde_json::{Map, Value};

use crate::core::fields::kind;
use crate::core::validation::Invalid;

pub const MAX_UTM_CHARS: usize = 256;

/// UTM parameters added to the destination at redirect time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Utm {
    pub source: Option<String>,
    pub medium: Option<String>,
    pub campaign: Option<String>,
    pub term: Option<String>,
    pub content: Option<String>,
}

/// The `utm` object's keys, and the query parameter each becomes.
const UTM_KEYS: [(&str, &str); 5] = [
    ("source", "utm_source"),
    ("medium", "utm_medium"),
    ("campaign", "utm_campaign"),
    ("term", "utm_term"),
    ("content", "utm_content"),
];

impl Utm {
    pub fn is_empty(&self) -> bool {
        self.pairs().next().is_none()
    }

    /// `(utm key, value)` for the keys set, in the fixed order above.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let values = [
            &self.source,
            &self.medium,
            &self.campaign,
            &self.term,
            &self.content,
        ];
        UTM_KEYS
            .iter()
            .zip(values)
            .filter_map(|(&(key, _), v)| v.as_deref().map(|v| (key, v)))
    }

    /// `(query parameter, value)` for the keys set: `("utm_source", "x")`.
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.entries().map(|(key, value)| {
            let param = UTM_KEYS
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(key, |(_, p)| p);
            (param, value)
        })
    }

    fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        match key {
            "source" => Some(&mut self.source),
            "medium" => Some(&mut self.medium),
            "campaign" => Some(&mut self.campaign),
            "term" => Some(&mut self.term),
            "content" => Some(&mut self.content),
            _ => None,
        }
    }

    /// Reads a stored `{"source": …}` object; unknown keys are ignored.
    pub fn from_map(map: &Map<String, Value>) -> Utm {
        let mut utm = Utm::default();
        for (key, value) in map {
            if let (Some(slot), Some(text)) = (utm.slot(key), value.as_str()) {
                *slot = Some(text.to_owned());
            }
        }
        utm
    }

    pub fn to_map(&self) -> Map<String, Value> {
        self.entries()
            .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
            .collect()
    }
}

pub(super) fn parse(name: &str, value: Value) -> Result<Utm, Invalid> {
    let Value::Object(map) = value else {
        return Err(Invalid::new(
            name,
            format!(
                "`{name}` must be an object such as {{\"source\": \"newsletter\"}}, not {}",
                kind(&value)
            ),
        ));
    };
    let mut utm = Utm::default();
    for (key, value) in map {
        let field = format!("{name}.{key}");
        let Some(slot) = utm.slot(&key) else {
            return Err(Invalid::new(
                &field,
                format!(
                    "`{field}` is not a UTM key; use source, medium, campaign, term or content"
                ),
            ));
        };
        *slot = match value {
            Value::Null => None,
            Value::String(text) => {
                let chars = text.chars().count();
                if chars == 0 || chars > MAX_UTM_CHARS {
                    return Err(Invalid::new(
                        &field,
                        format!("`{field}` must be 1 to {MAX_UTM_CHARS} characters"),
                    ));
                }
                if text.chars().any(char::is_control) {
                    return Err(Invalid::new(
                        &field,
                        format!("`{field}` must not contain control characters"),
                    ));
                }
                Some(text)
            }
            other => {
                return Err(Invalid::new(
                    &field,
                    format!("`{field}` must be a string or null, not {}", kind(&other)),
                ))
            }
        };
    }
    Ok(utm)
}
