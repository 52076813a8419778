//! The networks one run of quai knows: the built-in kinds' networks, then
//! those the settings (or the demo) define, with the names riders see. A
//! value passed down to whoever needs it, not a global.

use super::kinds::{KINDS, builtin_ids};
use crate::config::Settings;
use crate::i18n::tf;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Networks {
    /// The defined networks' ids and names, in the settings' order.
    defined: Vec<(String, String)>,
}

impl Networks {
    /// The built-in networks and the settings' `[[network]]`s.
    pub fn of(settings: &Settings) -> Networks {
        Networks::with(
            settings
                .networks
                .iter()
                .map(|n| (n.id.clone(), n.shown_name())),
        )
    }

    /// The built-in networks and `defined` (id, name).
    pub fn with(defined: impl IntoIterator<Item = (String, String)>) -> Networks {
        let mut out = Networks::default();
        for (id, name) in defined {
            if builtin_ids().any(|b| b == id) || out.defined.iter().any(|d| d.0 == id) {
                continue;
            }
            out.defined.push((id, name));
        }
        out
    }

    /// Every network's id: the built-in ones, then the defined ones.
    pub fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        fn any<'a>(id: &'static str) -> &'a str {
            id
        }
        builtin_ids()
            .map(any)
            .chain(self.defined.iter().map(|d| d.0.as_str()))
    }

    pub fn contains(&self, id: &str) -> bool {
        self.ids().any(|n| n == id)
    }

    /// The name riders see of network `id` (the id itself when unknown).
    pub fn name(&self, id: &str) -> String {
        KINDS
            .iter()
            .filter_map(|k| k.builtin)
            .chain(self.defined.iter().map(|(i, n)| (i.as_str(), n.as_str())))
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| id.to_string())
    }

    /// An error naming the networks when `name` is not one of them.
    pub fn check(&self, name: &str) -> Result<(), String> {
        if self.contains(name) {
            Ok(())
        } else {
            Err(tf(
                "cfg_not_a_network",
                &[
                    ("name", name),
                    ("known", &self.ids().collect::<Vec<_>>().join(", ")),
                ],
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_networks_come_first_and_keep_their_names() {
        let n = Networks::with([
            ("mtl".to_string(), "STM".to_string()),
            ("ginko".to_string(), "Not Ginko".to_string()),
            ("mtl".to_string(), "twice".to_string()),
        ]);
        assert_eq!(n.ids().collect::<Vec<_>>(), ["ginko", "idfm", "mtl"]);
        assert_eq!(n.name("ginko"), "Ginko");
        assert_eq!(n.name("idfm"), "IDFM");
        assert_eq!(n.name("mtl"), "STM");
        assert_eq!(n.name("nowhere"), "nowhere");
        assert!(n.check("mtl").is_ok());
        let error = n.check("bart").unwrap_err();
        assert!(
            error.contains("bart") && error.contains("ginko, idfm, mtl"),
            "{error}"
        );
    }

    #[test]
    fn two_runs_do_not_share_their_networks() {
        let one = Networks::with([("mtl".to_string(), "STM".to_string())]);
        let other = Networks::with([("bart".to_string(), "BART".to_string())]);
        assert!(one.contains("mtl") && !one.contains("bart"));
        assert!(other.contains("bart") && !other.contains("mtl"));
    }
}
