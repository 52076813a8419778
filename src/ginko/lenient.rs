//! Tolerant decoding of the API's fields.
//!
//! The two generations of the Ginko server do not send the same fields, the
//! documentation hesitates between numbers and strings in places, and real
//! answers carry fields nobody documented. Every wire field is therefore an
//! `Option` decoded through [`opt`]: a missing field, a `null` or a value of a
//! type that cannot be made sense of gives `None` for that field alone instead
//! of failing the whole answer.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A value that can be read, tolerantly, out of any JSON value.
pub trait FromValue: Sized {
    fn from_value(value: Value) -> Option<Self>;
}

/// `deserialize_with` for every wire field.
pub fn opt<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromValue,
{
    let value = Value::deserialize(deserializer)?;
    Ok(T::from_value(value))
}

/// Decodes a list element by element, dropping the elements that cannot be
/// read at all. Returns `None` when the value is not a list.
pub fn list<T: FromValue>(value: Value) -> Option<Vec<T>> {
    match value {
        Value::Array(items) => Some(items.into_iter().filter_map(T::from_value).collect()),
        _ => None,
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

impl FromValue for i64 {
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            }),
            Value::String(s) => {
                let s = s.trim();
                s.parse::<i64>().ok().or_else(|| {
                    s.parse::<f64>()
                        .ok()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                        .map(|f| f as i64)
                })
            }
            Value::Bool(b) => Some(i64::from(b)),
            _ => None,
        }
    }
}

impl FromValue for f64 {
    fn from_value(value: Value) -> Option<Self> {
        let f = match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().replace(',', ".").parse::<f64>().ok(),
            _ => None,
        }?;
        f.is_finite().then_some(f)
    }
}

impl FromValue for bool {
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(b),
            Value::Number(n) => match n.as_f64() {
                Some(0.0) => Some(false),
                Some(1.0) => Some(true),
                _ => None,
            },
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "1" | "true" => Some(true),
                "0" | "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value) -> Option<Self> {
        list(value)
    }
}

/// Declares a wire object: every field optional and decoded through [`opt`],
/// unknown fields ignored, absent fields left out when serialised (the demo
/// server writes these same types).
macro_rules! wire {
    ($(#[$meta:meta])* pub struct $name:ident {
        $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
    }) => {
        $(#[$meta])*
        #[allow(non_snake_case)]
        #[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, serde::Serialize)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default, deserialize_with = "crate::ginko::lenient::opt",
                        skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }

        impl $crate::ginko::lenient::FromValue for $name {
            fn from_value(value: serde_json::Value) -> Option<Self> {
                if value.is_object() {
                    serde_json::from_value(value).ok()
                } else {
                    None
                }
            }
        }
    };
}
pub(crate) use wire;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_strings_cross_over() {
        assert_eq!(String::from_value(json!(526)), Some("526".into()));
        assert_eq!(i64::from_value(json!("540")), Some(540));
        assert_eq!(i64::from_value(json!(540.0)), Some(540));
        assert_eq!(i64::from_value(json!("9 min")), None);
        assert_eq!(f64::from_value(json!("47,24")), Some(47.24));
        assert_eq!(bool::from_value(json!(1)), Some(true));
        assert_eq!(bool::from_value(json!("false")), Some(false));
        assert_eq!(bool::from_value(json!(3)), None);
        assert_eq!(String::from_value(json!(null)), None);
    }

    #[test]
    fn lists_keep_the_readable_elements() {
        let v: Option<Vec<i64>> = list(json!([1, "2", {"x": 1}, 4]));
        assert_eq!(v, Some(vec![1, 2, 4]));
        assert_eq!(list::<i64>(json!("not a list")), None);
    }
}
