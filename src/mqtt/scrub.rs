//! The publisher's own key scrubbing: every text of every payload, and
//! every topic level made from a network's text, with the configured keys
//! masked. The network clients mask their keys in the answers they read;
//! this is the last check before a broker (and every screen and Home
//! Assistant behind it) gets the text, and it also catches a key that an
//! answer split with invisible characters or escapes, which sanitising
//! joins again.

use std::borrow::Cow;

use serde_json::Value;

use crate::secret::{Keys, Secret};

/// The configured keys, as texts and as topic levels spell them.
#[derive(Clone, Debug)]
pub struct Scrubber {
    texts: Keys,
    /// Each key as [`super::slug`] would write it in a topic level.
    slugs: Keys,
    /// No key long enough to mask: every text goes as it is.
    none: bool,
}

impl Default for Scrubber {
    /// No key: nothing to mask.
    fn default() -> Scrubber {
        Scrubber::new(&[])
    }
}

impl Scrubber {
    pub fn new(secrets: &[Secret]) -> Scrubber {
        let slugs: Vec<Secret> = secrets
            .iter()
            .filter_map(|s| Secret::new(super::slug(s.expose())))
            .collect();
        Scrubber {
            texts: Keys::new(secrets.iter().map(Some)),
            slugs: Keys::new(slugs.iter().map(Some)),
            none: secrets.iter().all(|s| s.expose().len() < Keys::MIN_MASKED),
        }
    }

    /// `text` with every key masked, also one that shows only once the
    /// text is sanitised (split by zero-width characters, escapes or
    /// controls): then the text is given sanitised, its key masked.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.none {
            return Cow::Borrowed(text);
        }
        let visible = crate::sanitize::line(text);
        if let Some(masked) = masked(&self.texts, &visible) {
            return Cow::Owned(masked);
        }
        match masked(&self.texts, text) {
            Some(masked) => Cow::Owned(masked),
            None => Cow::Borrowed(text),
        }
    }

    /// A topic level (a slug) made from a network's text, scrubbed before
    /// and after: the text's keys masked, then any key the slug spells.
    pub fn slug(&self, text: &str) -> String {
        if self.none {
            return super::slug(text);
        }
        let slug = super::slug(&self.text(text));
        masked(&self.slugs, &slug).map_or(slug, |s| super::slug(&s))
    }

    /// A whole topic, as a last check: any key it spells, as written or as
    /// a slug, masked.
    pub fn topic(&self, topic: &str) -> String {
        if self.none {
            return topic.to_string();
        }
        let topic = masked(&self.texts, topic).unwrap_or_else(|| topic.to_string());
        masked(&self.slugs, &topic).unwrap_or(topic)
    }

    /// Every string of a JSON value scrubbed ([`Scrubber::text`]).
    pub fn json(&self, value: &mut Value) {
        if self.none {
            return;
        }
        match value {
            Value::String(s) => {
                if let Cow::Owned(clean) = self.text(s) {
                    *s = clean;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            Value::Object(map) => map.values_mut().for_each(|v| self.json(v)),
            _ => {}
        }
    }

    /// A JSON payload scrubbed: parsed, its strings scrubbed, written again
    /// (a payload that is not JSON is scrubbed as a text).
    pub fn payload(&self, payload: &str) -> String {
        if self.none {
            return payload.to_string();
        }
        match serde_json::from_str::<Value>(payload) {
            Ok(mut value) => {
                self.json(&mut value);
                value.to_string()
            }
            Err(_) => self.text(payload).into_owned(),
        }
    }
}

/// `text` with `keys` masked, when it held one.
fn masked(keys: &Keys, text: &str) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    keys.mask(&mut bytes);
    (bytes != text.as_bytes()).then(|| String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubber() -> Scrubber {
        Scrubber::new(&[Secret::new("Canary-Key-0123").unwrap()])
    }

    #[test]
    fn keys_are_masked_as_written_and_once_sanitised() {
        let s = scrubber();
        assert_eq!(s.text("Gare"), "Gare");
        assert!(matches!(s.text("Gare"), Cow::Borrowed(_)));
        assert_eq!(s.text("x Canary-Key-0123 y"), "x *************** y");
        let split = "x Canary\u{200b}-Key\u{1b}[0m-0123\u{feff} y";
        let clean = s.text(split);
        assert!(!clean.contains("Canary"), "{clean}");
        assert!(
            !crate::sanitize::text(&clean).contains("Key-0123"),
            "{clean}"
        );
    }

    #[test]
    fn topic_levels_and_json_are_scrubbed() {
        let s = scrubber();
        let slug = s.slug("Arrêt Canary\u{200d}-Key-0123");
        assert!(!slug.contains("canary"), "{slug}");
        // Spelled only by the slug: "canary key 0123" becomes canary-key-0123.
        let slug = s.slug("canary key 0123");
        assert!(!slug.contains("canary-key-0123"), "{slug}");
        assert_eq!(
            s.topic("quai/a/canary-key-0123/state"),
            "quai/a/***************/state"
        );
        let mut v =
            serde_json::json!({"a": ["Canary-Key-0123", {"b": "Canary\u{200b}-Key-0123"}], "n": 1});
        s.json(&mut v);
        let text = v.to_string();
        assert!(!text.contains("Canary"), "{text}");
        assert_eq!(v["n"], 1);
        assert!(!s.payload("\"Canary-Key-0123\"").contains("Canary"));
        assert!(!s.payload("not json Canary-Key-0123").contains("Canary"));
    }
}
