//! The rider's language: every word quai shows comes from a message
//! catalog (`assets/i18n/<language>.toml`, built into the binary), French
//! and English to start.
//!
//! The language is the settings' `language`, else the locale's
//! (`LC_ALL`, then `LC_MESSAGES`, then `LANG`: `en_*` is English), else
//! French. French is the catalog every other one falls back to, key by
//! key, so a word missing from a translation still shows.
//!
//! ```
//! use quai::i18n::{self, Language};
//! i18n::set(Language::En);
//! assert_eq!(i18n::t("not_located"), "Not located");
//! assert_eq!(i18n::tf("minutes", &[("n", "3")]), "3 min");
//! i18n::set(Language::Fr);
//! assert_eq!(i18n::t("not_located"), "Non localisé");
//! ```

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Fr,
    En,
}

impl Language {
    /// "fr", "en", "en_GB.UTF-8", "fr-CA"…; `None` for a language quai
    /// does not speak.
    pub fn parse(text: &str) -> Option<Language> {
        let base = text
            .trim()
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match base.as_str() {
            "fr" => Some(Language::Fr),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    /// The ISO 639-1 code ("fr", "en"): the translations a feed's alerts
    /// are read in.
    pub fn code(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
        }
    }

    /// From the settings' value, else the locale's variables as given.
    pub fn choose(setting: Option<&str>, env: impl Fn(&str) -> Option<String>) -> Language {
        if let Some(language) = setting.and_then(Language::parse) {
            return language;
        }
        // The first of these that is set and not empty decides, as for
        // gettext; "C" and "POSIX" are no language: French.
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(value) = env(name).filter(|v| !v.trim().is_empty()) {
                return Language::parse(&value).unwrap_or(Language::Fr);
            }
        }
        Language::Fr
    }
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Sets the language of everything shown from now on.
pub fn set(language: Language) {
    CURRENT.store(
        match language {
            Language::Fr => 0,
            Language::En => 1,
        },
        Ordering::Relaxed,
    );
}

pub fn current() -> Language {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Language::En,
        _ => Language::Fr,
    }
}

/// Sets the language from the settings' value and the environment.
pub fn init(setting: Option<&str>) -> Language {
    let language = Language::choose(setting, |name| std::env::var(name).ok());
    set(language);
    language
}

type Catalog = HashMap<String, String, std::hash::BuildHasherDefault<KeyHasher>>;

/// FNV-1a over a key's bytes: the catalogs' keys are the project's own,
/// so the hashing needs no defence against chosen keys, and a short key is
/// hashed in a few instructions instead of SipHash's many (texts are
/// looked up on every frame).
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = hash;
    }
}

fn catalog(language: Language) -> &'static Catalog {
    static FR: OnceLock<Catalog> = OnceLock::new();
    static EN: OnceLock<Catalog> = OnceLock::new();
    let (cell, texts) = match language {
        Language::Fr => (
            &FR,
            [
                include_str!("../assets/i18n/fr.toml"),
                include_str!("../assets/i18n/cli.fr.toml"),
            ],
        ),
        Language::En => (
            &EN,
            [
                include_str!("../assets/i18n/en.toml"),
                include_str!("../assets/i18n/cli.en.toml"),
            ],
        ),
    };
    // The catalogs are the project's own, checked by a test: a broken one
    // is an empty one (every word falls back to French, then to its key).
    cell.get_or_init(|| {
        let mut catalog = Catalog::default();
        for text in texts {
            if let Ok(table) = toml::from_str::<toml::Table>(text) {
                flatten("", table, &mut catalog);
            }
        }
        catalog
    })
}

/// `[help.board] nb = "…"` is the key `help.board.nb`.
fn flatten(prefix: &str, table: toml::Table, into: &mut Catalog) {
    for (key, value) in table {
        let key = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(text) => {
                into.insert(key, text);
            }
            toml::Value::Table(table) => flatten(&key, table, into),
            _ => {}
        }
    }
}

/// The text of `key` if the current language's catalog or the French one
/// has it.
pub fn find(key: &str) -> Option<&'static str> {
    catalog(current())
        .get(key)
        .or_else(|| catalog(Language::Fr).get(key))
        .map(String::as_str)
}

/// The word or sentence `key` in the current language (French where the
/// translation lacks it; the key itself where both do).
pub fn t(key: &str) -> &'static str {
    lookup(current(), key)
}

/// The same in a given language.
pub fn lookup(language: Language, key: &str) -> &'static str {
    if let Some(text) = catalog(language).get(key) {
        return text.as_str();
    }
    if let Some(text) = catalog(Language::Fr).get(key) {
        return text.as_str();
    }
    // Only a key missing from both catalogs comes here (a test checks
    // that none does); leaking it once keeps the &'static signature.
    static MISSING: OnceLock<std::sync::Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let missing = MISSING.get_or_init(Default::default);
    match missing.lock() {
        Ok(mut m) => m
            .entry(key.to_string())
            .or_insert_with(|| Box::leak(key.to_string().into_boxed_str())),
        Err(_) => "?",
    }
}

/// `key` with its `{name}` placeholders filled.
pub fn tf(key: &str, args: &[(&str, &str)]) -> String {
    fill(t(key), args)
}

/// In one pass: a value that holds `{name}` itself (a stop's name, a
/// server's message) is never filled in again.
fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every key of a catalog (the tests compare them).
pub fn keys(language: Language) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = catalog(language).keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_then_the_locale_then_french() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Language::choose(None, env(&[])), Language::Fr);
        assert_eq!(
            Language::choose(None, env(&[("LANG", "en_GB.UTF-8")])),
            Language::En
        );
        assert_eq!(
            Language::choose(
                None,
                env(&[("LANG", "en_US.UTF-8"), ("LC_ALL", "fr_FR.UTF-8")])
            ),
            Language::Fr
        );
        assert_eq!(
            Language::choose(
                None,
                env(&[("LANG", "fr_FR.UTF-8"), ("LC_MESSAGES", "en_CA")])
            ),
            Language::En
        );
        assert_eq!(Language::choose(None, env(&[("LANG", "C")])), Language::Fr);
        assert_eq!(
            Language::choose(None, env(&[("LANG", "de_DE")])),
            Language::Fr
        );
        assert_eq!(
            Language::choose(Some("fr"), env(&[("LANG", "en_GB.UTF-8")])),
            Language::Fr
        );
        assert_eq!(Language::choose(Some("en"), env(&[])), Language::En);
    }

    #[test]
    fn both_catalogs_have_the_same_keys_and_placeholders() {
        let (fr, en) = (keys(Language::Fr), keys(Language::En));
        assert!(!fr.is_empty(), "the French catalog reads");
        assert_eq!(fr, en, "the same keys in both catalogs");
        let holes = |text: &str| {
            let mut h: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            h.sort();
            h
        };
        for key in fr {
            assert_eq!(
                holes(lookup(Language::Fr, key)),
                holes(lookup(Language::En, key)),
                "{key}"
            );
        }
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill("{n} min", &[("n", "3")]), "3 min");
        assert_eq!(fill("de {a} à {b}", &[("a", "x"), ("b", "y")]), "de x à y");
        // A value is written as it is, even when it looks like a hole.
        assert_eq!(fill("{a} et {b}", &[("a", "{b}"), ("b", "y")]), "{b} et y");
        // Unknown holes and lone braces stay.
        assert_eq!(fill("{x} {a} {", &[("a", "1")]), "{x} 1 {");
        assert_eq!(fill("{a}{a}", &[("a", "é")]), "éé");
    }
}
