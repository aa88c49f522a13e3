//! Strict reading of a JSON request object, field by field.
//!
//! Each field may have aliases (one per API dialect: `shortCode` / `slug`).
//! Errors name the field as the client spelled it, and [`Fields::finish`]
//! rejects whatever is left over, so a typo such as `shortcode` is reported
//! instead of silently ignored.

use serde_json::{Map, Value};

use super::validation::Invalid;

pub struct Fields {
    map: Map<String, Value>,
}

/// A field that was present, under the name the client used.
pub struct Present {
    pub name: String,
    pub value: Value,
}

impl Fields {
    /// # Errors
    /// When the body is not a JSON object.
    pub fn from_body(body: Value) -> Result<Fields, Invalid> {
        match body {
            Value::Object(map) => Ok(Fields { map }),
            other => Err(Invalid::new(
                "body",
                format!("the body must be a JSON object, not {}", kind(&other)),
            )),
        }
    }

    /// Takes the field known by any of `names`.
    ///
    /// # Errors
    /// When the client sent it under two names with different values.
    pub fn take(&mut self, names: &[&str]) -> Result<Option<Present>, Invalid> {
        let mut found: Option<Present> = None;
        for &name in names {
            if let Some(value) = self.map.remove(name) {
                if let Some(first) = &found {
                    // A client that sends both dialects' names agreeing is fine.
                    if first.value == value {
                        continue;
                    }
                    return Err(Invalid::new(
                        name,
                        format!(
                            "send either `{}` or `{name}`, not both with different values",
                            first.name
                        ),
                    ));
                }
                found = Some(Present {
                    name: name.to_owned(),
                    value,
                });
            }
        }
        Ok(found)
    }

    /// A string field; `null` counts as absent.
    ///
    /// # Errors
    /// When present with another type.
    pub fn string(&mut self, names: &[&str]) -> Result<Option<(String, String)>, Invalid> {
        match self.take(names)? {
            None => Ok(None),
            Some(Present {
                value: Value::Null, ..
            }) => Ok(None),
            Some(Present {
                name,
                value: Value::String(s),
            }) => Ok(Some((name, s))),
            Some(Present { name, value }) => Err(Invalid::new(
                &name,
                format!("`{name}` must be a string, not {}", kind(&value)),
            )),
        }
    }

    /// A boolean field.
    ///
    /// # Errors
    /// When present with another type (`null` included).
    pub fn boolean(&mut self, names: &[&str]) -> Result<Option<bool>, Invalid> {
        match self.take(names)? {
            None => Ok(None),
            Some(Present {
                value: Value::Bool(b),
                ..
            }) => Ok(Some(b)),
            Some(Present { name, value }) => Err(Invalid::new(
                &name,
                format!("`{name}` must be true or false, not {}", kind(&value)),
            )),
        }
    }

    /// Rejects every field nobody took.
    ///
    /// # Errors
    /// Naming the unknown fields and the accepted ones.
    pub fn finish(self, accepted: &[&str]) -> Result<(), Invalid> {
        let mut unknown: Vec<&String> = self.map.keys().collect();
        if unknown.is_empty() {
            return Ok(());
        }
        unknown.sort();
        let list = unknown
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        Err(Invalid::new(
            unknown.first().map_or("", |k| k.as_str()),
            format!(
                "unknown field{} {list}; accepted fields are {}",
                if unknown.len() > 1 { "s" } else { "" },
                accepted.join(", ")
            ),
        ))
    }
}

/// The JSON type of a value, for error messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_field_under_either_name() {
        let mut f = Fields::from_body(json!({"slug": "x"})).unwrap();
        let (name, value) = f.string(&["shortCode", "slug"]).unwrap().unwrap();
        assert_eq!((name.as_str(), value.as_str()), ("slug", "x"));
        assert!(f.finish(&[]).is_ok());
    }

    #[test]
    fn both_names_agreeing_are_accepted() {
        let mut f = Fields::from_body(json!({"slug": "x", "shortCode": "x"})).unwrap();
        let (name, value) = f.string(&["shortCode", "slug"]).unwrap().unwrap();
        assert_eq!((name.as_str(), value.as_str()), ("shortCode", "x"));
        assert!(f.finish(&[]).is_ok());
    }

    #[test]
    fn both_names_disagreeing_is_an_error() {
        let mut f = Fields::from_body(json!({"slug": "x", "shortCode": "y"})).unwrap();
        let err = f.string(&["shortCode", "slug"]).err().unwrap();
        assert_eq!(err.field, "slug");
        assert!(err.message.contains("either `shortCode` or `slug`"));
    }

    #[test]
    fn wrong_type_names_the_field() {
        let mut f = Fields::from_body(json!({"title": 5})).unwrap();
        let err = f.string(&["title"]).err().unwrap();
        assert_eq!(err.message, "`title` must be a string, not a number");
    }

    #[test]
    fn leftovers_are_reported_by_name() {
        let f = Fields::from_body(json!({"shortcode": "x", "url": "u"})).unwrap();
        let err = f.finish(&["url", "shortCode"]).unwrap_err();
        assert_eq!(err.field, "shortcode");
        assert_eq!(
            err.message,
            "unknown fields `shortcode`, `url`; accepted fields are url, shortCode"
        );
    }

    #[test]
    fn a_non_object_body_is_rejected() {
        let err = Fields::from_body(json!([1])).err().unwrap();
        assert_eq!(err.message, "the body must be a JSON object, not an array");
    }
}
