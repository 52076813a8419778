//! A secret (an API key, a token): its `Debug` and `Display` never show
//! it, and only the code that sends it asks for its text.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// A secret, trimmed; `None` when empty.
    pub fn new(secret: impl Into<String>) -> Option<Self> {
        let secret = secret.into().trim().to_string();
        (!secret.is_empty()).then_some(Secret(secret))
    }

    /// The secret itself, for the request only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The secrets a network's client sends, masked in every answer it
/// reads before anything is made of it: a server that echoes the request
/// (`apiKey=…`) or a header puts no key on a screen, in a payload or in a
/// file. Each secret is masked as written and as a form or query encodes
/// it, by as many `*`, so that the answer keeps its shape (JSON, protocol
/// buffers). Shorter secrets than [`Keys::MIN_MASKED`] are left: they
/// would mask ordinary words.
#[derive(Clone, Default)]
pub struct Keys(Vec<Vec<u8>>);

impl Keys {
    pub const MIN_MASKED: usize = 8;

    pub fn new<'a>(secrets: impl IntoIterator<Item = Option<&'a Secret>>) -> Keys {
        let mut forms: Vec<Vec<u8>> = Vec::new();
        for secret in secrets.into_iter().flatten() {
            let raw = secret.expose();
            let encoded: String = form_urlencoded::byte_serialize(raw.as_bytes()).collect();
            let escaped = raw.replace('/', "\\/");
            for form in [raw.to_string(), encoded, escaped] {
                if form.len() >= Self::MIN_MASKED && !forms.iter().any(|f| f == form.as_bytes()) {
                    forms.push(form.into_bytes());
                }
            }
        }
        Keys(forms)
    }

    /// Masks every secret in `body`.
    pub fn mask(&self, body: &mut [u8]) {
        for form in &self.0 {
            let mut from = 0;
            while let Some(at) = find(&body[from..], form) {
                let at = from + at;
                body[at..at + form.len()].fill(b'*');
                from = at + form.len();
            }
        }
    }
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Keys({} forms)", self.0.len())
    }
}

/// Where `needle` first occurs in `haystack`, letters of either case
/// (a server may echo a key in capitals).
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    while let Some(at) = haystack[from..]
        .iter()
        .position(|&b| b == lower || b == upper)
    {
        let at = from + at;
        if haystack[at..]
            .get(..needle.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(needle))
        {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_echoed_in_another_case_is_masked() {
        let key = Secret::new("idfmCanary456").unwrap();
        let keys = Keys::new([Some(&key)]);
        let mut body = b"apikey=IDFMCANARY456 and idfmcanary456 and idfmCanary456".to_vec();
        keys.mask(&mut body);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "apikey=************* and ************* and *************"
        );
    }

    #[test]
    fn a_secret_shows_in_neither_debug_nor_display() {
        let s = Secret::new("  s3cr3t ").unwrap();
        assert_eq!(s.expose(), "s3cr3t");
        assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
        assert!(Secret::new(" \t").is_none());
    }

    #[test]
    fn keys_are_masked_in_answers_as_sent_and_as_encoded() {
        let key = Secret::new("k3y/with+space s").unwrap();
        let short = Secret::new("demo").unwrap();
        let keys = Keys::new([Some(&key), None, Some(&short)]);
        let mut body = br#"{"d": "apiKey=k3y%2Fwith%2Bspace+s&x=1 k3y/with+space s k3y\/with+space s", "demo": 1}"#.to_vec();
        keys.mask(&mut body);
        let body = String::from_utf8(body).unwrap();
        assert!(!body.contains("k3y"), "{body}");
        let encoded = "*".repeat("k3y%2Fwith%2Bspace+s".len());
        assert!(body.contains(&format!("apiKey={encoded}&x=1")), "{body}");
        assert!(body.contains("\"demo\": 1"), "{body}");
        let read: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(read["demo"], 1);
        assert!(!format!("{keys:?}").contains("k3y"));
    }
}
