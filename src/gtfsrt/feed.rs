//! Fetching one GTFS-Realtime feed: conditional (ETag, Last-Modified),
//! bounded, its key in a header or a query parameter that no error text,
//! log line or screen ever shows, and decoded with prost.

use std::time::Duration;

use prost::Message as _;
use reqwest::Url;

use super::proto::FeedMessage;
use crate::i18n::{t, tf};
use crate::network::{ErrorKind, NetError};
use crate::secret::Secret;

/// The largest feed body quai reads (a large city's trip updates are a few
/// megabytes).
pub const MAX_FEED_BYTES: usize = 16 * 1024 * 1024;

/// A feed network's key, as the key screens name it.
pub const FEED_KEY: crate::network::KeyName = crate::network::KeyName {
    env: "",
    setting: "key_setting_feed",
    how_to_get: &["key_how_feed"],
};

/// Which of a network's feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    TripUpdates,
    Alerts,
    VehiclePositions,
}

impl Kind {
    /// As the settings name it.
    pub fn setting(self) -> &'static str {
        match self {
            Kind::TripUpdates => "trip_updates_url",
            Kind::Alerts => "alerts_url",
            Kind::VehiclePositions => "vehicle_positions_url",
        }
    }

    /// As `quai networks --json` names it (the same in every language).
    pub fn label(self) -> &'static str {
        match self {
            Kind::TripUpdates => "trip updates",
            Kind::Alerts => "alerts",
            Kind::VehiclePositions => "vehicle positions",
        }
    }

    /// As errors and `quai networks` name it, in the rider's language.
    pub fn shown(self) -> &'static str {
        t(match self {
            Kind::TripUpdates => "feed_kind_trip_updates",
            Kind::Alerts => "feed_kind_alerts",
            Kind::VehiclePositions => "feed_kind_vehicles",
        })
    }
}

/// Where a feed's key goes.
#[derive(Clone)]
pub enum FeedAuth {
    Header {
        name: reqwest::header::HeaderName,
        key: Secret,
    },
    Query {
        name: String,
        key: Secret,
    },
}

impl std::fmt::Debug for FeedAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FeedAuth::Header { name, .. } => write!(f, "header {name}: …"),
            FeedAuth::Query { name, .. } => write!(f, "query {name}=…"),
        }
    }
}

/// What a fetch brought.
#[derive(Debug)]
pub enum Fetched {
    /// A new body and its validators.
    Body {
        message: FeedMessage,
        bytes: usize,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// 304: what was read before still holds.
    NotModified,
}

/// The HTTP side of a network's feeds.
#[derive(Debug, Clone)]
pub struct Fetcher {
    http: reqwest::Client,
    auth: Option<FeedAuth>,
    /// The key as masked in every feed read.
    keys: crate::secret::Keys,
}

/// A feed URL: https, or plain http when no key travels or to this
/// machine; no credentials.
pub fn parse_feed_url(text: &str, with_key: bool) -> Result<Url, String> {
    // Not quoted: a key written in it would show.
    let url = Url::parse(text.trim()).map_err(|e| tf("url_invalid", &[("why", &e.to_string())]))?;
    match url.scheme() {
        "https" => {}
        "http" if !with_key || crate::network::http::is_loopback(&url) => {}
        "http" => {
            let host = url.host_str().unwrap_or("?");
            return Err(tf("url_plain_http", &[("host", host)]));
        }
        other => return Err(tf("url_scheme", &[("scheme", other)])),
    }
    if url.host_str().is_none() {
        return Err("the URL has no host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("a feed URL must not carry credentials (use key_file)".into());
    }
    Ok(url)
}

/// A URL as it may be shown: scheme, host and path, no query.
pub fn shown(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    crate::sanitize::line(url.as_str())
}

impl Fetcher {
    pub fn new(auth: Option<FeedAuth>) -> Result<Fetcher, NetError> {
        let http = crate::network::http::client(Duration::from_secs(5), Duration::from_secs(20))
            .map_err(|detail| NetError::new(ErrorKind::Transport, detail))?;
        let keys = crate::secret::Keys::new([auth.as_ref().map(|auth| match auth {
            FeedAuth::Header { key, .. } | FeedAuth::Query { key, .. } => key,
        })]);
        Ok(Fetcher { http, auth, keys })
    }

    /// Fetches a feed once, conditionally on what was read before.
    pub async fn fetch(
        &self,
        kind: Kind,
        url: &Url,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Fetched, NetError> {
        let what = kind.shown();
        let mut url = url.clone();
        let mut request = self.http.get(url.clone());
        match &self.auth {
            Some(FeedAuth::Header { name, key }) => {
                let mut value =
                    reqwest::header::HeaderValue::from_str(key.expose()).map_err(|_| {
                        NetError::new(ErrorKind::Invalid, tf("feed_key_header", &[("what", what)]))
                    })?;
                value.set_sensitive(true);
                request = request.header(name.clone(), value);
            }
            Some(FeedAuth::Query { name, key }) => {
                url.query_pairs_mut().append_pair(name, key.expose());
                request = self.http.get(url);
            }
            None => {}
        }
        request = request.header(
            reqwest::header::ACCEPT,
            "application/x-protobuf, application/octet-stream;q=0.9, */*;q=0.1",
        );
        if let Some(etag) = etag {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(date) = last_modified {
            request = request.header(reqwest::header::IF_MODIFIED_SINCE, date);
        }
        let mut response = request.send().await.map_err(|e| transport(what, e))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(NetError::new(
                ErrorKind::KeyRefused {
                    key: FEED_KEY,
                    message: format!("HTTP {}", status.as_u16()),
                },
                tf(
                    "feed_key_refused",
                    &[("what", what), ("status", &status.as_u16().to_string())],
                ),
            ));
        }
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(NetError::new(
                ErrorKind::rate_limited_for(retry_after),
                tf("feed_429", &[("what", what)]),
            ));
        }
        if !status.is_success() {
            return Err(NetError::new(
                ErrorKind::Http(status.as_u16()),
                format!("{what}: HTTP {}", status.as_u16()),
            ));
        }
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let etag = header(reqwest::header::ETAG);
        let last_modified = header(reqwest::header::LAST_MODIFIED);
        let too_large = || {
            NetError::new(
                ErrorKind::TooLarge,
                format!(
                    "{what}: the feed is larger than {} MB",
                    MAX_FEED_BYTES >> 20
                ),
            )
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_FEED_BYTES as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| transport(what, e))? {
            if body.len() + chunk.len() > MAX_FEED_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        // Masked with as many bytes: the protocol buffer keeps its shape.
        self.keys.mask(&mut body);
        let message = decode(what, &body)?;
        Ok(Fetched::Body {
            message,
            bytes: body.len(),
            etag,
            last_modified,
        })
    }
}

/// A body as a feed: protobuf with a header, else an error saying what
/// it looks like.
pub fn decode(what: &str, body: &[u8]) -> Result<FeedMessage, NetError> {
    let undecodable = |why: String| NetError::new(ErrorKind::Undecodable, format!("{what}: {why}"));
    if body.is_empty() {
        return Err(undecodable(t("feed_empty").into()));
    }
    let looks_like_text = body
        .iter()
        .take(64)
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    // A few bytes on the wire may be hundreds in memory (an empty entity
    // is 2 bytes): the messages are counted before anything is decoded.
    match counts(body) {
        Some((entities, _)) if entities > MAX_ENTITIES => {
            return Err(NetError::new(
                ErrorKind::TooLarge,
                tf(
                    "feed_too_many_entities",
                    &[("what", what), ("max", &MAX_ENTITIES.to_string())],
                ),
            ));
        }
        Some((_, updates)) if updates > MAX_STOP_UPDATES => {
            return Err(NetError::new(
                ErrorKind::TooLarge,
                tf(
                    "feed_too_many_updates",
                    &[("what", what), ("max", &MAX_STOP_UPDATES.to_string())],
                ),
            ));
        }
        _ => {}
    }
    match FeedMessage::decode(body) {
        Ok(message) if message.header.is_some() => Ok(message),
        Ok(_) if looks_like_text => Err(undecodable(tf(
            "feed_not_gtfs_rt_text",
            &[("excerpt", &excerpt(body))],
        ))),
        Ok(_) => Err(undecodable(t("feed_not_gtfs_rt").into())),
        Err(_) if looks_like_text => Err(undecodable(tf(
            "feed_not_protobuf",
            &[("excerpt", &excerpt(body))],
        ))),
        Err(e) => Err(undecodable(tf(
            "feed_bad_protobuf",
            &[("why", &e.to_string())],
        ))),
    }
}

/// The most entities, and stop time updates in all, a feed may hold.
pub const MAX_ENTITIES: usize = 200_000;
pub const MAX_STOP_UPDATES: usize = 2_000_000;

/// The length-delimited fields of a protobuf message: (tag, payload);
/// `None` once the bytes are not protobuf.
fn fields(mut buf: &[u8]) -> Option<Vec<(u32, &[u8])>> {
    use prost::encoding::{WireType, decode_key, decode_varint};
    let mut out = Vec::new();
    while !buf.is_empty() {
        let (tag, wire) = decode_key(&mut buf).ok()?;
        let skip = match wire {
            WireType::Varint => {
                decode_varint(&mut buf).ok()?;
                0
            }
            WireType::SixtyFourBit => 8,
            WireType::ThirtyTwoBit => 4,
            WireType::LengthDelimited => {
                let len = usize::try_from(decode_varint(&mut buf).ok()?).ok()?;
                let payload = buf.get(..len)?;
                out.push((tag, payload));
                len
            }
            _ => return None,
        };
        buf = buf.get(skip..)?;
    }
    Some(out)
}

/// How many entities, and stop time updates in their trip updates, a
/// feed holds, read from the wire without decoding it.
fn counts(body: &[u8]) -> Option<(usize, usize)> {
    let mut entities = 0;
    let mut updates = 0;
    for (tag, entity) in fields(body)? {
        if tag != 2 {
            continue;
        }
        entities += 1;
        if entities > MAX_ENTITIES {
            break;
        }
        for (tag, trip_update) in fields(entity)? {
            if tag == 3 {
                updates += fields(trip_update)?.iter().filter(|f| f.0 == 2).count();
            }
        }
    }
    Some((entities, updates))
}

fn excerpt(body: &[u8]) -> String {
    let text = crate::sanitize::line(&String::from_utf8_lossy(&body[..body.len().min(200)]));
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}

fn transport(what: &str, e: reqwest::Error) -> NetError {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else if e.is_connect() {
        ErrorKind::Unreachable
    } else {
        ErrorKind::Transport
    };
    // Without the URL: a query parameter may carry the key.
    let detail = crate::network::http::error_chain(&e.without_url());
    NetError::new(kind, format!("{what}: {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_that_are_not_feeds_say_what_they_are() {
        let e = decode("trip updates", b"<html>Service Unavailable</html>").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Undecodable);
        assert!(
            e.detail.contains("pas du protobuf") || e.detail.contains("pas un flux GTFS"),
            "{e}"
        );
        assert!(decode("alerts", b"").unwrap_err().detail.contains("vide"));
        let full = FeedMessage {
            header: Some(super::super::proto::FeedHeader {
                gtfs_realtime_version: Some("2.0".into()),
                incrementality: None,
                timestamp: Some(1_800_000_000),
            }),
            entity: Vec::new(),
        }
        .encode_to_vec();
        assert!(decode("trip updates", &full).is_ok());
        // Cut short: an error, never a panic.
        for cut in 1..full.len() {
            let _ = decode("trip updates", &full[..cut]);
        }
    }

    #[test]
    fn feeds_that_would_swell_in_memory_are_refused_before_decoding() {
        let header = FeedMessage {
            header: Some(super::super::proto::FeedHeader {
                timestamp: Some(1_800_000_000),
                ..Default::default()
            }),
            entity: Vec::new(),
        }
        .encode_to_vec();
        let mut body = header.clone();
        for _ in 0..=MAX_ENTITIES {
            body.extend_from_slice(&[0x12, 0x00]); // an empty entity
        }
        let e = decode("trip updates", &body).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooLarge, "{e}");
        // One trip update of many empty stop time updates.
        let mut update = Vec::new();
        for _ in 0..=MAX_STOP_UPDATES {
            update.extend_from_slice(&[0x12, 0x00]);
        }
        let mut entity = vec![0x1a];
        prost::encoding::encode_varint(update.len() as u64, &mut entity);
        entity.extend_from_slice(&update);
        let mut body = header.clone();
        body.push(0x12);
        prost::encoding::encode_varint(entity.len() as u64, &mut body);
        body.extend_from_slice(&entity);
        let e = decode("trip updates", &body).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooLarge, "{e}");
        assert_eq!(counts(&header), Some((0, 0)));
    }

    #[test]
    fn urls_carry_no_credentials_and_keys_need_https() {
        assert!(parse_feed_url("https://example.org/tu.pb", true).is_ok());
        assert!(parse_feed_url("http://example.org/tu.pb", false).is_ok());
        assert!(parse_feed_url("http://example.org/tu.pb", true).is_err());
        assert!(parse_feed_url("http://127.0.0.1:8080/tu.pb", true).is_ok());
        assert!(parse_feed_url("https://me:pw@example.org/tu.pb", false).is_err());
        let e = parse_feed_url("https//example.org/x?apikey=SECRET", false).unwrap_err();
        assert!(!e.contains("SECRET"), "{e}");
        let url = Url::parse("https://example.org/tu.pb?apikey=SECRET").unwrap();
        assert_eq!(shown(&url), "https://example.org/tu.pb");
    }
}
