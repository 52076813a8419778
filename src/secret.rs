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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_shows_in_neither_debug_nor_display() {
        let s = Secret::new("  s3cr3t ").unwrap();
        assert_eq!(s.expose(), "s3cr3t");
        assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
        assert!(Secret::new(" \t").is_none());
    }
}
