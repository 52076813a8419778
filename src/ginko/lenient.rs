//! Tolerant decoding of the API's fields.
//!
//! The two generations of the Ginko server do not send the same fields, the
//! documentation hesitates between numbers and strings in places, and real
//! answers carry fields nobody documented. Every wire field is therefore an
//! `Option` read through [`Lenient`]: a missing field, a `null` or a value of
//! a type that cannot be made sense of gives `None` for that field alone
//! instead of failing the whole answer; a list keeps the elements it can read.
//!
//! Answers are read straight from their bytes: only malformed JSON is an
//! error, a value of another shape is skipped whole and read as `None`. The
//! same code reads a [`serde_json::Value`] ([`Lenient::from_value`]).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A value that can be read, tolerantly, out of any JSON value.
pub trait Lenient: Sized {
    /// Reads one JSON value: `Ok(None)` when it has another shape, an error
    /// only when the input itself is malformed.
    fn lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error>;

    /// Reads a JSON tree.
    #[cfg(test)]
    fn from_value(value: Value) -> Option<Self> {
        Self::lenient(value).ok().flatten()
    }
}

/// A value read tolerantly: `None` when it had another shape.
pub struct Tolerant<T>(pub Option<T>);

impl<'de, T: Lenient> Deserialize<'de> for Tolerant<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::lenient(deserializer).map(Tolerant)
    }
}

/// Reads a value strictly: an error when it has another shape (the
/// `Deserialize` of the wire objects, for tests and tools).
pub fn strict<'de, D: Deserializer<'de>, T: Lenient>(deserializer: D) -> Result<T, D::Error> {
    T::lenient(deserializer)?.ok_or_else(|| de::Error::custom("expected a JSON object"))
}

/// An object key, borrowed from the input when it has no escapes.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The JSON name of a field (`r#type` is `type`); `const`, so that the
/// names a wire object compares its keys with are worked out once, when
/// quai is built, not for every key of every answer.
pub const fn wire_name(field: &'static str) -> &'static str {
    match field.as_bytes() {
        [b'r', b'#', rest @ ..] => match std::str::from_utf8(rest) {
            Ok(name) => name,
            Err(_) => field,
        },
        _ => field,
    }
}

/// A list or an object read in place. The shape it does not expect, and
/// every scalar, is skipped and read as `None`.
pub trait Compound<'de>: Sized {
    type Out;

    fn seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Self::Out>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Self::Out>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// Reads one value through a [`Compound`].
pub fn compound<'de, D: Deserializer<'de>, C: Compound<'de>>(
    deserializer: D,
    reader: C,
) -> Result<Option<C::Out>, D::Error> {
    deserializer.deserialize_any(CompoundVisitor(reader))
}

struct CompoundVisitor<C>(C);

impl<'de, C: Compound<'de>> Visitor<'de> for CompoundVisitor<C> {
    type Value = Option<C::Out>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.map(map)
    }
}

/// A JSON scalar as read, before it is made a string, a number or a boolean.
enum Scalar<'de> {
    Str(Cow<'de, str>),
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
    Other,
}

impl<'de> Scalar<'de> {
    fn read<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Int(n))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Scalar::UInt(n))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Float(f))
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(s.to_string())))
    }
    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(s)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

/// An integer from a float that holds one exactly.
fn whole(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

impl Lenient for String {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(match Scalar::read(d)? {
            Scalar::Str(s) => Some(s.into_owned()),
            Scalar::Int(n) => Some(n.to_string()),
            Scalar::UInt(n) => Some(n.to_string()),
            Scalar::Float(f) => serde_json::Number::from_f64(f).map(|n| n.to_string()),
            Scalar::Bool(b) => Some(b.to_string()),
            Scalar::Other => None,
        })
    }
}

impl Lenient for i64 {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(match Scalar::read(d)? {
            Scalar::Int(n) => Some(n),
            Scalar::UInt(n) => i64::try_from(n).ok().or_else(|| whole(n as f64)),
            Scalar::Float(f) => whole(f),
            Scalar::Str(s) => {
                let s = s.trim();
                s.parse::<i64>()
                    .ok()
                    .or_else(|| s.parse::<f64>().ok().and_then(whole))
            }
            Scalar::Bool(b) => Some(i64::from(b)),
            Scalar::Other => None,
        })
    }
}

impl Lenient for f64 {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        let f = match Scalar::read(d)? {
            Scalar::Int(n) => Some(n as f64),
            Scalar::UInt(n) => Some(n as f64),
            Scalar::Float(f) => Some(f),
            Scalar::Str(s) => s.trim().replace(',', ".").parse::<f64>().ok(),
            Scalar::Bool(_) | Scalar::Other => None,
        };
        Ok(f.filter(|f| f.is_finite()))
    }
}

impl Lenient for bool {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(match Scalar::read(d)? {
            Scalar::Bool(b) => Some(b),
            Scalar::Int(0) | Scalar::UInt(0) => Some(false),
            Scalar::Int(1) | Scalar::UInt(1) => Some(true),
            Scalar::Float(0.0) => Some(false),
            Scalar::Float(1.0) => Some(true),
            Scalar::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
                "1" | "true" => Some(true),
                "0" | "false" => Some(false),
                _ => None,
            },
            _ => None,
        })
    }
}

impl Lenient for Value {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Value::deserialize(d).map(Some)
    }
}

/// The elements of a list that can be read; the others are dropped. A
/// list none of whose elements can be read has another shape (`None`).
struct Items<T>(PhantomData<T>);

impl<'de, T: Lenient> Compound<'de> for Items<T> {
    type Out = Vec<T>;

    fn seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Vec<T>>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        let mut read = 0usize;
        while let Some(Tolerant(item)) = seq.next_element::<Tolerant<T>>()? {
            read += 1;
            items.extend(item);
        }
        // A list of nothing but other shapes is not a list of these.
        Ok((read == 0 || !items.is_empty()).then_some(items))
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        compound(d, Items(PhantomData))
    }
}

/// Declares a wire object: every field optional and read tolerantly, unknown
/// fields ignored, a repeated field read from its last occurrence, absent
/// fields left out when serialised (the demo server writes these same types).
/// `field | "alias"` also accepts the field under another name.
macro_rules! wire {
    ($(#[$meta:meta])* pub struct $name:ident {
        $( $(#[$fmeta:meta])* $field:ident $(| $alias:literal)* : $ty:ty ),* $(,)?
    }) => {
        $(#[$meta])*
        #[allow(non_snake_case)]
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }

        impl $crate::network::ginko::lenient::Lenient for $name {
            fn lenient<'de, D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Option<Self>, D::Error> {
                use $crate::network::ginko::lenient::{wire_name, Compound, Key, Tolerant};
                struct Fields;
                impl<'de> Compound<'de> for Fields {
                    type Out = $name;
                    fn map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<Option<$name>, A::Error> {
                        let mut out = $name::default();
                        while let Some(key) = map.next_key::<Key<'de>>()? {
                            let key = key.as_str();
                            $(
                                if key == const { wire_name(stringify!($field)) } $(|| key == $alias)* {
                                    out.$field = map.next_value::<Tolerant<$ty>>()?.0;
                                    continue;
                                }
                            )*
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                        Ok(Some(out))
                    }
                }
                $crate::network::ginko::lenient::compound(deserializer, Fields)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::network::ginko::lenient::strict(deserializer)
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
    fn wire_names_drop_the_raw_prefix_only() {
        const TYPE: &str = wire_name("r#type");
        assert_eq!(TYPE, "type");
        assert_eq!(wire_name("idArret"), "idArret");
        assert_eq!(wire_name("r"), "r");
        assert_eq!(wire_name("r#"), "");
    }

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
        let v = Vec::<i64>::from_value(json!([1, "2", {"x": 1}, 4]));
        assert_eq!(v, Some(vec![1, 2, 4]));
        assert_eq!(Vec::<i64>::from_value(json!("not a list")), None);
        assert_eq!(Vec::<i64>::from_value(json!([])), Some(vec![]));
        assert_eq!(Vec::<i64>::from_value(json!([[[1]], {"x": 1}])), None);
    }

    fn from_bytes<T: Lenient>(text: &str) -> Result<Option<T>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        let out = T::lenient(&mut de)?;
        de.end()?;
        Ok(out)
    }

    wire! {
        pub struct Sample {
            r#type: i64,
            name | "nom": String,
            items: Vec<Sample>,
        }
    }

    #[test]
    fn bytes_and_trees_read_alike() {
        let text = r#"[
            {"type": "3", "nom": "A\u00e9", "extra": {"deep": [1, {"x": null}]},
             "items": [{"type": 1.0}, 7, "x", null, {"name": 5, "items": {"not": "a list"}}]},
            "not an object",
            {"type": 2.5, "name": ["a"], "items": null},
            {}
        ]"#;
        let tree: Value = serde_json::from_str(text).unwrap();
        let from_tree = Vec::<Sample>::from_value(tree).unwrap();
        let from_text = from_bytes::<Vec<Sample>>(text).unwrap().unwrap();
        assert_eq!(from_tree, from_text);
        assert_eq!(from_text.len(), 3);
        assert_eq!(from_text[0].r#type, Some(3));
        assert_eq!(from_text[0].name.as_deref(), Some("Aé"));
        let items = from_text[0].items.as_ref().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].r#type, Some(1));
        assert_eq!(items[1].name.as_deref(), Some("5"));
        assert_eq!(items[1].items, None);
        assert_eq!(from_text[1], Sample::default());
        assert_eq!(from_text[2], Sample::default());
    }

    #[test]
    fn a_repeated_or_aliased_field_is_read_from_its_last_occurrence() {
        let s = from_bytes::<Sample>(r#"{"name": "first", "nom": "second", "type": 1, "type": 2}"#)
            .unwrap()
            .unwrap();
        assert_eq!(s.name.as_deref(), Some("second"));
        assert_eq!(s.r#type, Some(2));
    }

    #[test]
    fn only_malformed_json_is_an_error() {
        assert!(from_bytes::<Vec<Sample>>(r#"[{"type": 1}, {"type": "#).is_err());
        assert!(from_bytes::<Vec<Sample>>(r#"[{"type": 1}] x"#).is_err());
        assert_eq!(from_bytes::<Vec<Sample>>(r#"{"type": 1}"#).unwrap(), None);
        assert_eq!(from_bytes::<Sample>("[1, 2]").unwrap(), None);
        assert_eq!(from_bytes::<i64>(r#"{"a": [1]}"#).unwrap(), None);
        assert_eq!(from_bytes::<i64>("18446744073709551615").unwrap(), None);
    }
}
