//! The one error type above the network layer. Each network turns its own
//! failures into a [`NetError`]: what kind of failure it was (for the status
//! line's short French reason, the back-off and the key screen) and the
//! full sentence for stderr. Neither ever carries a key. Each kind also
//! has a [code](ErrorKind::code) that does not change with the language,
//! for `--json`, MQTT and Home Assistant (docs/json.md).
//!
//! A time said later ("quota atteint jusqu'à 01:00", "nouvel essai dans
//! 30 s") is kept as the instant it names, fixed when the error is
//! received: the text built from it at any later moment names the same
//! hour.

use std::time::Duration;

use jiff::Timestamp;

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
    /// Too many requests: the network asks to wait until `until` (when
    /// it says), an instant fixed when the answer came.
    RateLimited { until: Option<Timestamp> },
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

impl ErrorKind {
    /// A 429 whose wait, said as a duration, starts now: the instant it
    /// ends.
    pub fn rate_limited_for(retry_after: Option<Duration>) -> ErrorKind {
        ErrorKind::RateLimited {
            until: retry_after.and_then(|after| Timestamp::now().checked_add(after).ok()),
        }
    }

    /// The kind as a code that does not change with the language
    /// (`error_kind` in `--json`; the list is in docs/json.md).
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Transport => "transport",
            ErrorKind::Http(_) => "http_status",
            ErrorKind::Refused => "refused",
            ErrorKind::KeyRefused { .. } => "key_refused",
            ErrorKind::MissingKey(_) => "key_missing",
            ErrorKind::RateLimited { .. } => "rate_limited",
            ErrorKind::Undecodable => "undecodable",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Invalid => "invalid",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Offline => "offline",
            ErrorKind::NotPublished => "not_published",
            ErrorKind::Relayed(_) => "relayed",
            ErrorKind::Stale => "stale_feed",
        }
    }
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

    /// A short label for a status line ("serveur injoignable", "HTTP 503"…),
    /// said now.
    pub fn short_reason(&self) -> String {
        self.short_reason_at(Timestamp::now(), &crate::domain::default_zone())
    }

    /// [`NetError::short_reason`] said at `now`: a wait names the instant
    /// it ends, the same whenever it is said.
    pub fn short_reason_at(&self, now: Timestamp, zone: &jiff::tz::TimeZone) -> String {
        use crate::i18n::{t, tf};
        match &self.kind {
            ErrorKind::Unreachable => t("reason_unreachable").into(),
            ErrorKind::Timeout => t("reason_timeout").into(),
            ErrorKind::Transport => t("reason_transport").into(),
            ErrorKind::Http(status) => format!("HTTP {status}"),
            ErrorKind::Refused => t("reason_refused").into(),
            ErrorKind::KeyRefused { .. } => t("reason_key_refused").into(),
            ErrorKind::MissingKey(_) => t("reason_no_key").into(),
            ErrorKind::RateLimited { until: Some(until) } => {
                // Whole seconds, rounded up: 30 s just after a 30 s 429.
                let left = now.duration_until(*until);
                let left = (left.as_secs() + i64::from(left.subsec_nanos() > 0)).max(0);
                if left > 300 {
                    // A day's quota: say until when, in the network's time.
                    let until = crate::domain::until_text(*until, now, zone);
                    if until.is_empty() {
                        t("reason_quota").into()
                    } else {
                        tf("reason_quota_until", &[("until", &until)])
                    }
                } else {
                    tf("reason_quota_retry", &[("s", &left.to_string())])
                }
            }
            ErrorKind::RateLimited { until: None } => t("reason_quota").into(),
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

    /// Until when the network asked to wait, when it did.
    pub fn retry_at(&self) -> Option<Timestamp> {
        match self.kind {
            ErrorKind::RateLimited { until } => until,
            _ => None,
        }
    }

    /// How long is left to wait from now, when the network asked to.
    pub fn retry_after(&self) -> Option<Duration> {
        let left = Timestamp::now().duration_until(self.retry_at()?);
        Some(left.try_into().unwrap_or(Duration::ZERO))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A day's quota says until when; the hour is the same whenever it is
    /// said while the 429 lasts (it was once now + the wait, said anew).
    #[test]
    fn a_quota_reset_hour_does_not_move_while_it_lasts() {
        let received: Timestamp = "2026-12-01T08:00:00Z".parse().unwrap();
        let spent = NetError::new(
            ErrorKind::RateLimited {
                until: Some("2026-12-01T10:00:00Z".parse().unwrap()),
            },
            "HTTP 429",
        );
        let at = |minutes: i64| {
            spent.short_reason_at(
                received + jiff::SignedDuration::from_mins(minutes),
                &crate::domain::default_zone(),
            )
        };
        assert_eq!(at(0), "quota atteint jusqu'à 11:00");
        for minutes in [1, 17, 59, 90, 114] {
            assert_eq!(at(minutes), at(0), "{minutes} min later");
        }
        // Its last minutes: a retry in so many seconds, counting down.
        assert_eq!(at(118), "quota atteint, nouvel essai dans 120 s");
    }

    #[test]
    fn every_kind_has_its_own_code() {
        let key = KeyName::env("K");
        let kinds = [
            ErrorKind::Unreachable,
            ErrorKind::Timeout,
            ErrorKind::Transport,
            ErrorKind::Http(503),
            ErrorKind::Refused,
            ErrorKind::KeyRefused {
                key,
                message: String::new(),
            },
            ErrorKind::MissingKey(key),
            ErrorKind::RateLimited { until: None },
            ErrorKind::Undecodable,
            ErrorKind::TooLarge,
            ErrorKind::Invalid,
            ErrorKind::Unsupported,
            ErrorKind::Offline,
            ErrorKind::NotPublished,
            ErrorKind::Relayed("x".into()),
            ErrorKind::Stale,
        ];
        let mut codes: Vec<&str> = kinds.iter().map(ErrorKind::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), kinds.len(), "{codes:?}");
    }

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
        let received: Timestamp = "2026-12-01T22:00:00Z".parse().unwrap();
        let quota = NetError::new(
            ErrorKind::RateLimited {
                until: Some(received + jiff::SignedDuration::from_secs(30)),
            },
            "429",
        );
        assert_eq!(
            quota.short_reason_at(received, &crate::domain::default_zone()),
            "quota atteint, nouvel essai dans 30 s"
        );
        assert_eq!(quota.kind.code(), "rate_limited");
        assert_eq!(key.kind.code(), "key_refused");
        assert_eq!(e.kind.code(), "http_status");
        assert_eq!(
            NetError::unsupported("fares").short_reason(),
            "non disponible sur ce réseau"
        );
    }
}
