//! The one error type of the API client. It says which failure happened; it
//! never carries the API key (the client scrubs every text it puts here).

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The server could not be reached (refused, DNS, TLS, reset…).
    #[error("cannot reach the server for {method}: {detail}")]
    Connect { method: String, detail: String },

    /// No complete answer within the time limit.
    #[error("{method}: no answer within {} s", .after.as_secs_f32())]
    Timeout { method: String, after: Duration },

    /// Any other failure while sending or receiving.
    #[error("{method}: transport failure: {detail}")]
    Transport { method: String, detail: String },

    /// An HTTP status other than 200 (an outage answers 5xx, often in HTML).
    #[error("{method}: HTTP {status} from the server: {excerpt}")]
    Http {
        method: String,
        status: u16,
        excerpt: String,
    },

    /// `ok:false` with the server's message.
    #[error("{method}: the server refused the request: {msg}")]
    Refused { method: String, msg: String },

    /// `ok:false` whose message is about the key.
    #[error(
        "the API key was refused ({msg}). Check GINKO_API_KEY or api_key in the settings; \
         `quai key trial` gives a key valid for today, `quai demo` runs without one"
    )]
    KeyRefused { method: String, msg: String },

    /// The body is not the expected JSON.
    #[error("{method}: undecodable answer (expected {expected}): {detail}; body: {excerpt}")]
    Decode {
        method: String,
        expected: String,
        detail: String,
        excerpt: String,
    },

    /// The body is larger than the client accepts.
    #[error("{method}: answer larger than {limit} bytes, refused")]
    TooLarge { method: String, limit: usize },

    /// A parameter that cannot be sent (checked before anything is sent).
    #[error("invalid parameter {name}: {reason}")]
    InvalidParam { name: String, reason: String },

    /// No key is configured for a method that needs one.
    #[error(
        "no Ginko API key. Ask for a permanent key by e-mail to ginko.support-ssi@keolis.com, \
         or get today's trial key with `quai key trial`; then set GINKO_API_KEY or \
         api_key = \"…\" in the settings file. `quai demo` runs without a key"
    )]
    MissingKey,
}

impl ApiError {
    /// A short label for a status line ("serveur injoignable", "HTTP 503"…).
    pub fn short_reason(&self) -> String {
        match self {
            ApiError::Connect { .. } => "serveur injoignable".into(),
            ApiError::Timeout { .. } => "délai dépassé".into(),
            ApiError::Transport { .. } => "erreur réseau".into(),
            ApiError::Http { status, .. } => format!("HTTP {status}"),
            ApiError::Refused { .. } => "requête refusée".into(),
            ApiError::KeyRefused { .. } => "clé refusée".into(),
            ApiError::Decode { .. } => "réponse illisible".into(),
            ApiError::TooLarge { .. } => "réponse trop grande".into(),
            ApiError::InvalidParam { .. } => "paramètre invalide".into(),
            ApiError::MissingKey => "pas de clé".into(),
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
