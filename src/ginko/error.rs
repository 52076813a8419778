//! The one error type of the API client. It says which failure happened; it
//! never carries the API key (the client scrubs every text it puts here).

use std::time::Duration;

use crate::i18n::{t, tf};

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached (refused, DNS, TLS, reset…).
    Connect { method: String, detail: String },

    /// No complete answer within the time limit.
    Timeout { method: String, after: Duration },

    /// Any other failure while sending or receiving.
    Transport { method: String, detail: String },

    /// An HTTP status other than 200 (an outage answers 5xx, often in HTML).
    Http {
        method: String,
        status: u16,
        excerpt: String,
    },

    /// `ok:false` with the server's message.
    Refused { method: String, msg: String },

    /// `ok:false` whose message is about the key.
    KeyRefused { method: String, msg: String },

    /// The body is not the expected JSON.
    Decode {
        method: String,
        expected: String,
        detail: String,
        excerpt: String,
    },

    /// The body is larger than the client accepts.
    TooLarge { method: String, limit: usize },

    /// A parameter that cannot be sent (checked before anything is sent).
    InvalidParam { name: String, reason: String },

    /// No key is configured for a method that needs one.
    MissingKey,
}

impl std::error::Error for ApiError {}

/// The full sentence, in the rider's language.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            ApiError::Connect { method, detail } => {
                tf("ginko_connect", &[("method", method), ("detail", detail)])
            }
            ApiError::Timeout { method, after } => tf(
                "ginko_timeout",
                &[("method", method), ("s", &after.as_secs_f32().to_string())],
            ),
            ApiError::Transport { method, detail } => {
                tf("ginko_transport", &[("method", method), ("detail", detail)])
            }
            ApiError::Http {
                method,
                status,
                excerpt,
            } => tf(
                "ginko_http",
                &[
                    ("method", method),
                    ("status", &status.to_string()),
                    ("excerpt", excerpt),
                ],
            ),
            ApiError::Refused { method, msg } => {
                tf("ginko_refused", &[("method", method), ("msg", msg)])
            }
            ApiError::KeyRefused { msg, .. } => tf("ginko_key_refused", &[("msg", msg)]),
            ApiError::Decode {
                method,
                expected,
                detail,
                excerpt,
            } => tf(
                "ginko_decode",
                &[
                    ("method", method),
                    // A catalog key (tests give plain words).
                    ("expected", crate::i18n::t(expected)),
                    ("detail", detail),
                    ("excerpt", excerpt),
                ],
            ),
            ApiError::TooLarge { method, limit } => tf(
                "ginko_too_large",
                &[("method", method), ("limit", &limit.to_string())],
            ),
            ApiError::InvalidParam { name, reason } => {
                tf("ginko_invalid_param", &[("name", name), ("reason", reason)])
            }
            ApiError::MissingKey => t("ginko_missing_key").to_string(),
        };
        f.write_str(&text)
    }
}

impl ApiError {
    /// A short label for a status line ("serveur injoignable", "HTTP 503"…).
    pub fn short_reason(&self) -> String {
        match self {
            ApiError::Connect { .. } => t("reason_unreachable").into(),
            ApiError::Timeout { .. } => t("reason_timeout").into(),
            ApiError::Transport { .. } => t("reason_transport").into(),
            ApiError::Http { status, .. } => format!("HTTP {status}"),
            ApiError::Refused { .. } => t("reason_refused").into(),
            ApiError::KeyRefused { .. } => t("reason_key_refused").into(),
            ApiError::Decode { .. } => t("reason_undecodable").into(),
            ApiError::TooLarge { .. } => t("reason_too_large").into(),
            ApiError::InvalidParam { .. } => t("reason_invalid").into(),
            ApiError::MissingKey => t("reason_no_key").into(),
        }
    }

    /// Whether trying again later may succeed (a refused key will not).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::Connect { .. }
                | ApiError::Timeout { .. }
                | ApiError::Transport { .. }
                | ApiError::Http { .. }
                | ApiError::Decode { .. }
        )
    }
}
