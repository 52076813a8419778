//! What every network's HTTP client shares: the TLS provider, which URLs
//! are on this machine, and error texts without URLs.

use std::sync::Once;

use reqwest::Url;

use crate::i18n::{t, tf};
use crate::sanitize;

/// Whether a URL names this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Installs the TLS provider (ring) once per process.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Err only means another provider was installed first: fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
    });
}

/// The HTTP client every network uses: rustls, gzip, quai's user agent,
/// and no redirect (one could carry a key elsewhere); the error text
/// names no URL.
pub fn client(
    connect: std::time::Duration,
    request: std::time::Duration,
) -> Result<reqwest::Client, String> {
    install_crypto_provider();
    reqwest::Client::builder()
        .connect_timeout(connect)
        .timeout(request)
        .gzip(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("quai/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {}", e.without_url()))
}

/// An error and its causes in one sanitised line.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let part = inner.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = inner.source();
    }
    sanitize::text(&text)
}

/// Checks a base URL: HTTPS, or plain HTTP to a loopback host only (a
/// key must not travel unencrypted); no credentials, no query.
pub fn parse_base_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|e| {
        tf(
            "url_invalid_text",
            &[("text", text), ("why", &e.to_string())],
        )
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            let host = url.host_str().unwrap_or("?");
            return Err(tf("url_plain_http_base", &[("host", host)]));
        }
        other => return Err(tf("url_scheme", &[("scheme", other)])),
    }
    if url.host_str().is_none() {
        return Err(t("url_no_host").into());
    }
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
        return Err(t("url_credentials").into());
    }
    Ok(url)
}
