//! Boards published to an MQTT broker (`quai publish`): one quai polls the
//! networks, any number of screens and home-automation systems subscribe.
//! Brokers (Mosquitto, EMQX, HiveMQ) do the fanning out and clustering.
//!
//! Topics (a contract):
//! - `<prefix>/<network>/<place-id>/board`, retained: the place's board,
//!   the schema of `quai board PLACE --json`;
//! - `<prefix>/<network>/<place-id>/<row-id>/state`, retained: one row's
//!   next departure in minutes and the following ones (Home Assistant's
//!   sensors read it);
//! - `<prefix>/<network>/messages`, retained: the network's traffic
//!   messages;
//! - `<prefix>/<network>/line/<line-id>/disruption`, retained: `ON` when a
//!   line is interrupted;
//! - `<prefix>/status`, retained: `online`, and `offline` as the last will.

pub mod discovery;
pub mod publish;
pub mod scrub;
pub mod subscribe;

use crate::i18n::tf;
use crate::secret::Secret;

/// Where the broker is: `mqtt://HOST[:PORT]` or `mqtts://HOST[:PORT]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broker {
    pub tls: bool,
    pub host: String,
    pub port: u16,
}

impl Broker {
    pub fn parse(text: &str) -> Result<Broker, String> {
        let url = url::Url::parse(text.trim()).map_err(|e| {
            tf(
                "mqtt_not_a_broker_url",
                &[("text", text), ("why", &e.to_string())],
            )
        })?;
        let tls = match url.scheme() {
            "mqtt" => false,
            "mqtts" => true,
            other => {
                return Err(tf("mqtt_bad_scheme", &[("text", text), ("scheme", other)]));
            }
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(crate::i18n::t("mqtt_url_credentials").into());
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| tf("mqtt_no_host", &[("text", text)]))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = url.port().unwrap_or(if tls { 8883 } else { 1883 });
        Ok(Broker { tls, host, port })
    }

    /// `mqtt://host:port`, for messages.
    pub fn shown(&self) -> String {
        format!(
            "{}://{}:{}",
            if self.tls { "mqtts" } else { "mqtt" },
            self.host,
            self.port
        )
    }
}

/// The broker's user and password (from the settings, never a flag).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub username: String,
    pub password: Secret,
}

/// A topic-safe, stable slug of a name: folded (no accents, lower case),
/// every run of other characters one `-` ("Gare de Lyon" → `gare-de-lyon`,
/// "Mairie (Clichy)" → `mairie-clichy`).
pub fn slug(name: &str) -> String {
    let folded = crate::names::fold(name);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// A topic prefix as given, checked: no wildcard, no empty level.
pub fn check_prefix(prefix: &str) -> Result<String, String> {
    let p = prefix.trim().trim_end_matches('/');
    if p.is_empty() || p.contains(['+', '#', '\0']) || p.split('/').any(str::is_empty) {
        return Err(format!(
            "{prefix:?} is not a topic prefix (levels without + or #)"
        ));
    }
    Ok(p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brokers_are_mqtt_or_mqtts_urls_without_credentials() {
        assert_eq!(
            Broker::parse("mqtt://127.0.0.1:1884").unwrap(),
            Broker {
                tls: false,
                host: "127.0.0.1".into(),
                port: 1884
            }
        );
        assert_eq!(Broker::parse("mqtts://broker.example").unwrap().port, 8883);
        assert_eq!(Broker::parse("mqtt://h").unwrap().port, 1883);
        assert!(Broker::parse("http://h:1883").is_err());
        let e = Broker::parse("mqtt://user:secret@h:1883").unwrap_err();
        assert!(!e.contains("secret"), "{e}");
        assert!(Broker::parse("mqtt://").is_err());
    }

    #[test]
    fn slugs_are_stable_and_topic_safe() {
        assert_eq!(slug("Gare de Lyon"), "gare-de-lyon");
        assert_eq!(slug("Mairie (Clichy)"), "mairie-clichy");
        assert_eq!(slug("Châtelet-Les Halles"), "chatelet-les-halles");
        assert_eq!(slug("Crous Université"), "crous-universite");
        assert_eq!(slug("a/b+c#d"), "a-b-c-d");
        assert_eq!(slug("///"), "_");
        assert!(check_prefix("quai/").is_ok());
        assert!(check_prefix("a/#").is_err());
        assert!(check_prefix("a//b").is_err());
    }
}
