//! The one error type above the network layer. Each network turns its own
//! failures into a [`NetError`]: what kind of failure it was (for the status
//! line's short French reason, the back-off and the key screen) and the
//! full sentence for stderr. Neither ever carries a key.

use std::time::Duration;

/// Which secret a network asked for or refused, and how a user gets a
/// good one: what the key screens say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyName {
    /// The environment variable ("GINKO_API_KEY").
    pub env: &'static str,
    /// The catalog key of the settings that hold it ("api_key or
    /// api_key_file"); empty for none.
    pub setting: &'static str,
    /// The catalog keys of where to get one, one line each.
    pub how_to_get: &'static [&'static str],
}

impl KeyName {
    /// A key known by its environment variable only.
    pub const fn env(env: &'static str) -> KeyName {
        KeyName {
            env,
            setting: "",
            how_to_get: &[],
        }
    }
}

/// What went wrong, as the board needs to know it.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// The server could not be reached (refused, DNS, TLS, reset…).
    Unreachable,
    /// No complete answer within the time limit.
    Timeout,
    /// Any other failure while sending or receiving.
    Transport,
    /// An HTTP status the network does not expect.
    Http(u16),
    /// The server refused the request (not because of the key).
    Refused,
    /// The key was refused; `message` is the server's own words.
    KeyRefused { key: KeyName, message: String },
    /// No key is configured where one is needed.
    MissingKey(KeyName),
    /// Too many requests: the network asks to wait.
    RateLimited { retry_after: Option<Duration> },
    /// The body is not what the network sends.
    Undecodable,
    /// The body is larger than quai accepts.
    TooLarge,
    /// A value that cannot be sent (checked before anything is sent).
    Invalid,
    /// The network has no such service (fares, crowding forecast…).
    Unsupported,
    /// Live times are not asked for (`--offline`): the timetable's only.
    Offline,
    /// A board read from a broker whose publisher has gone silent or said
    /// it is offline: "publication interrompue".
    NotPublished,
    /// The publisher's own reason, relayed as it said it.
    Relayed(String),
    /// A live feed whose own timestamp is too old: not live any more.
    Stale,
}

/// A failure of a network, with the sentence that explains it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{detail}")]
pub struct NetError {
    pub kind: ErrorKind,
    /// The whole explanation (for stderr and logs), key-free.
    pub detail: String,
}

impl NetError {
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> NetError {
        NetError {
            kind,
            detail: detail.into(),
        }
    }

    /// The network does not offer `what`.
    pub fn unsupported(what: &str) -> NetError {
        NetError::new(
            ErrorKind::Unsupported,
            crate::i18n::tf("not_offered", &[("what", what)]),
        )
    }

    /// A short label for a status line ("serveur injoignable", "HTTP 503"…).
    pub fn short_reason(&self) -> String {
        use crate::i18n::{t, tf};
        match &self.kind {
            ErrorKind::Unreachable => t("reason_unreachable").into(),
            ErrorKind::Timeout => t("reason_timeout").into(),
            ErrorKind::Transport => t("reason_transport").into(),
            ErrorKind::Http(status) => format!("HTTP {status}"),
            ErrorKind::Refused => t("reason_refused").into(),
            ErrorKind::KeyRefused { .. } => t("reason_key_refused").into(),
            ErrorKind::MissingKey(_) => t("reason_no_key").into(),
            ErrorKind::RateLimited {
                retry_after: Some(after),
            } if after.as_secs() > 300 => {
                // A day's quota: say until when, in the network's time.
                let now = jiff::Timestamp::now();
                let until = now
                    .checked_add(*after)
                    .ok()
                    .map(|t| crate::domain::until_text(t, now))
                    .filter(|t| !t.is_empty());
                match until {
                    Some(until) => tf("reason_quota_until", &[("until", &until)]),
                    None => t("reason_quota").into(),
                }
            }
            ErrorKind::RateLimited {
                retry_after: Some(after),
            } => tf("reason_quota_retry", &[("s", &after.as_secs().to_string())]),
            ErrorKind::RateLimited { retry_after: None } => t("reason_quota").into(),
            ErrorKind::Undecodable => t("reason_undecodable").into(),
            ErrorKind::TooLarge => t("reason_too_large").into(),
            ErrorKind::Invalid => t("reason_invalid").into(),
            ErrorKind::Unsupported => t("reason_unsupported").into(),
            ErrorKind::Offline => t("reason_offline").into(),
            ErrorKind::NotPublished => t("reason_not_published").into(),
            ErrorKind::Relayed(reason) => reason.clone(),
            ErrorKind::Stale => t("reason_stale").into(),
        }
    }

    /// Whether trying again later may succeed (a refused key will not).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Unreachable
                | ErrorKind::Timeout
                | ErrorKind::Transport
                | ErrorKind::Http(_)
                | ErrorKind::Undecodable
                | ErrorKind::RateLimited { .. }
                | ErrorKind::Stale
        )
    }

    /// The server's words when it refused a key.
    pub fn key_refused(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::KeyRefused { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The key that was refused or is missing.
    pub fn key(&self) -> Option<KeyName> {
        match &self.kind {
            ErrorKind::KeyRefused { key, .. } | ErrorKind::MissingKey(key) => Some(*key),
            _ => None,
        }
    }

    /// How long the network asked to wait, when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self.kind {
            ErrorKind::RateLimited { retry_after } => retry_after,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_short_and_french() {
        let e = NetError::new(ErrorKind::Http(503), "TR/getListeTemps: HTTP 503");
        assert_eq!(e.short_reason(), "HTTP 503");
        assert!(e.is_transient());
        assert_eq!(e.to_string(), "TR/getListeTemps: HTTP 503");
        let key = NetError::new(
            ErrorKind::KeyRefused {
                key: KeyName::env("GINKO_API_KEY"),
                message: "Clé invalide".into(),
            },
            "refused",
        );
        assert_eq!(key.short_reason(), "clé refusée");
        assert_eq!(key.key_refused(), Some("Clé invalide"));
        assert!(!key.is_transient());
        let quota = NetError::new(
            ErrorKind::RateLimited {
                retry_after: Some(Duration::from_secs(30)),
            },
            "429",
        );
        assert_eq!(quota.retry_after(), Some(Duration::from_secs(30)));
        assert_eq!(
            quota.short_reason(),
            "quota atteint, nouvel essai dans 30 s"
        );
        assert_eq!(
            NetError::unsupported("fares").short_reason(),
            "non disponible sur ce réseau"
        );
    }
}
