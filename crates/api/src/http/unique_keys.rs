//! JSON read so that a key given twice is noticed. serde_json keeps the last of two equal keys,
//! so `{"password": "a", "password": "b"}` would be read one way here and maybe another way by a
//! proxy or firewall in front; such a body is refused instead.

use std::cell::RefCell;
use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A JSON value and the first key that appeared twice in one of its objects, if any.
#[derive(Debug)]
pub struct UniqueKeys {
    pub value: Value,
    pub duplicate: Option<String>,
}

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let duplicate = RefCell::new(None);
        let value = Seed(&duplicate).deserialize(deserializer)?;
        Ok(Self { value, duplicate: duplicate.into_inner() })
    }
}

/// Builds a [`Value`], noting the first repeated key in `.0`.
#[derive(Clone, Copy)]
struct Seed<'a>(&'a RefCell<Option<String>>);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
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
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self)?;
            if object.contains_key(&key) {
                self.0.borrow_mut().get_or_insert(key.clone());
            }
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(text: &str) -> UniqueKeys {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_key_given_twice_is_noticed_at_any_depth() {
        assert_eq!(read(r#"{"password": "a", "password": "b"}"#).duplicate.as_deref(), Some("password"));
        assert_eq!(read(r#"{"a": [{"x": 1, "x": 2}]}"#).duplicate.as_deref(), Some("x"));
        // The same key after an escape is the same key.
        assert_eq!(read(r#"{"email": 1, "em\u0061il": 2}"#).duplicate.as_deref(), Some("email"));
    }

    #[test]
    fn json_without_repeats_reads_as_serde_json_reads_it() {
        let text = r#"{"a": [1, -2, 3.5, true, null, "é"], "b": {"a": {}}, "c": 18446744073709551615}"#;
        let read = read(text);
        assert_eq!(read.duplicate, None);
        assert_eq!(read.value, serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(read.value["b"], json!({"a": {}}));
    }
}
