//! Parsing a JSON request body strictly: serde_json does the parsing, and
//! this visitor refuses an object that names a key twice, which serde_json
//! (like most parsers) would settle silently by keeping the last value. Two
//! readers of one body could then disagree on what it says, so the body is
//! refused instead, naming the key (`url`, `metadata.campaign`).

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::validation::Invalid;

/// Parses `bytes` as one JSON value.
///
/// # Errors
/// `field` is the repeated key's path for a duplicate, else `body`.
pub fn parse(bytes: &[u8]) -> Result<Value, Invalid> {
    let duplicate = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = Seed {
        path: "",
        duplicate: &duplicate,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value));
    match (parsed, duplicate.into_inner()) {
        (Ok(value), _) => Ok(value),
        (Err(_), Some(path)) => Err(Invalid::new(
            path.clone(),
            format!("`{path}` is given twice; send each field once"),
        )),
        (Err(e), None) => Err(Invalid::new(
            "body",
            format!("the body is not valid JSON: {e}"),
        )),
    }
}

/// One value at `path`; the first duplicate key found is kept in
/// `duplicate` (serde's error type cannot carry it out).
#[derive(Clone, Copy)]
struct Seed<'a> {
    path: &'a str,
    duplicate: &'a RefCell<Option<String>>,
}

impl Seed<'_> {
    fn child(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.path)
        }
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let path = self.child(&items.len().to_string());
            let seed = Seed {
                path: &path,
                duplicate: self.duplicate,
            };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = self.child(&key);
            if object.contains_key(&key) {
                *self.duplicate.borrow_mut() = Some(path);
                return Err(de::Error::custom("duplicate key"));
            }
            let value = map.next_value_seed(Seed {
                path: &path,
                duplicate: self.duplicate,
            })?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_like_serde_json() {
        let text = r#"{"a":[1,-2,3.5,"x",null,true,{"b":{}}],"c":"\u00e9"}"#;
        assert_eq!(
            parse(text.as_bytes()).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
        assert_eq!(parse(b"[]").unwrap(), json!([]));
    }

    #[test]
    fn a_repeated_key_is_named_with_its_path() {
        for (text, field) in [
            (
                r#"{"url":"https://a.example","url":"https://b.example"}"#,
                "url",
            ),
            (r#"{"metadata":{"k":1,"k":2}}"#, "metadata.k"),
            (r#"{"a":[{"x":1},{"y":1,"y":2}]}"#, "a.1.y"),
        ] {
            let err = parse(text.as_bytes()).unwrap_err();
            assert_eq!(err.field, field, "{text}");
            assert_eq!(
                err.message,
                format!("`{field}` is given twice; send each field once")
            );
        }
    }

    #[test]
    fn the_same_key_in_sibling_objects_is_fine() {
        assert!(parse(br#"{"a":{"k":1},"b":{"k":1}}"#).is_ok());
    }

    #[test]
    fn malformed_or_trailing_input_is_a_body_error() {
        for text in ["{", "{} x", "", "[1,]", "{\"a\" 1}"] {
            let err = parse(text.as_bytes()).unwrap_err();
            assert_eq!(err.field, "body", "{text}");
            assert!(
                err.message.starts_with("the body is not valid JSON"),
                "{text}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse(deep.as_bytes()).unwrap_err().field, "body");
    }
}
