//! HTTP for Île-de-France Mobilités: PRIM's real-time services with the
//! `apikey` header (the PRIM token), the portal's datasets with
//! `Authorization: apikey …` (the dataset key) or none for the open ones.
//! Requests to PRIM are spaced to at most 5 a second, counted per API and
//! per day, and not sent at all while the server's quota is spent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};

use super::{DATASET_KEY, PRIM_KEY};
use crate::cache::Cache;
use crate::i18n::{t, tf};
use crate::network::{ErrorKind, NetError};
use crate::sanitize;
use crate::secret::{Keys, Secret};

/// The default base of PRIM's services.
pub const DEFAULT_PRIM_URL: &str = "https://prim.iledefrance-mobilites.fr/marketplace";
/// The default base of the datasets' portal.
pub const DEFAULT_DATA_URL: &str = "https://data.iledefrance-mobilites.fr";
/// Answers larger than this are refused (the disruptions are ~1.4 MB, the
/// stations' export a few MB).
pub const MAX_BODY_BYTES: usize = 48 * 1024 * 1024;
/// PRIM allows 5 requests a second per API: one every 200 ms at most.
const MIN_SPACING: Duration = Duration::from_millis(200);
const EXCERPT_CHARS: usize = 160;

/// PRIM's services, each with a quota of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    StopMonitoring,
    Disruptions,
}

impl Api {
    pub fn name(self) -> &'static str {
        match self {
            Api::StopMonitoring => "stop-monitoring",
            Api::Disruptions => "disruptions_bulk",
        }
    }
}

/// What quai knows of one API's quota today.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiUsage {
    /// The UTC day counted (the quota resets about midnight UTC).
    pub day: String,
    /// Requests quai sent that day.
    pub sent: u32,
    /// The server's own figures, as last reported.
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub reported_at: Option<Timestamp>,
    /// Nothing is sent before this (after a 429).
    pub blocked_until: Option<Timestamp>,
}

/// The quota of both APIs, kept in the network's cache (`quota.json`) so
/// that `quai quota` can tell it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub stop_monitoring: ApiUsage,
    pub disruptions: ApiUsage,
}

impl Usage {
    pub const FILE: &'static str = "quota.json";

    fn of(&mut self, api: Api) -> &mut ApiUsage {
        match api {
            Api::StopMonitoring => &mut self.stop_monitoring,
            Api::Disruptions => &mut self.disruptions,
        }
    }

    /// The figures of today (a day past counts nothing).
    pub fn today(&self, api: Api, now: Timestamp) -> ApiUsage {
        let usage = match api {
            Api::StopMonitoring => &self.stop_monitoring,
            Api::Disruptions => &self.disruptions,
        };
        if usage.day == utc_day(now) {
            usage.clone()
        } else {
            ApiUsage {
                blocked_until: usage.blocked_until.filter(|t| *t > now),
                ..ApiUsage::default()
            }
        }
    }
}

fn utc_day(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d").to_string()
}

/// The next midnight UTC after `now`.
fn next_utc_midnight(now: Timestamp) -> Timestamp {
    let day = now.as_second().div_euclid(86_400);
    Timestamp::from_second((day + 1) * 86_400).unwrap_or(now)
}

/// An answer's body and status.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// The IDFM client. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    prim: Url,
    data: Url,
    token: Option<Secret>,
    dataset_key: Option<Secret>,
    /// The token and the dataset key as masked in every answer.
    keys: Keys,
    usage: Mutex<Usage>,
    /// When the last PRIM request left.
    last_sent: tokio::sync::Mutex<Option<tokio::time::Instant>>,
    spacing: Duration,
    cache: Cache,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("prim", &self.inner.prim.as_str())
            .field("data", &self.inner.data.as_str())
            .field("token", &self.inner.token)
            .field("dataset_key", &self.inner.dataset_key)
            .finish()
    }
}

impl Client {
    /// A client of `prim` and `data` (checked by `parse_base_url`); the
    /// quota figures live in `cache` (the network's part).
    pub fn new(
        prim: Url,
        data: Url,
        token: Option<Secret>,
        dataset_key: Option<Secret>,
        cache: Cache,
    ) -> Result<Client, NetError> {
        // No redirect: one would carry the key's header elsewhere.
        let http = crate::network::http::client(Duration::from_secs(5), Duration::from_secs(30))
            .map_err(|detail| NetError::new(ErrorKind::Transport, detail))?;
        let usage = cache
            .get::<Usage>(Usage::FILE, Duration::MAX)
            .map(|(u, _)| u)
            .unwrap_or_default();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                prim,
                data,
                keys: Keys::new([token.as_ref(), dataset_key.as_ref()]),
                token,
                dataset_key,
                usage: Mutex::new(usage),
                last_sent: tokio::sync::Mutex::new(None),
                spacing: MIN_SPACING,
                cache,
            }),
        })
    }

    /// The same client spacing its PRIM requests by `spacing` instead of
    /// PRIM's 200 ms (a simulated day's requests need not wait).
    #[cfg(feature = "wire")]
    pub fn with_spacing(self, spacing: Duration) -> Client {
        match Arc::try_unwrap(self.inner) {
            Ok(mut inner) => {
                inner.spacing = spacing;
                Client {
                    inner: Arc::new(inner),
                }
            }
            Err(inner) => Client { inner },
        }
    }

    /// The portal's base URL (for a message saying where it was asked).
    pub fn data_url(&self) -> &str {
        self.inner.data.as_str()
    }

    pub fn is_local(&self) -> bool {
        crate::network::http::is_loopback(&self.inner.prim)
    }

    /// Today's figures of an API.
    pub fn usage(&self, api: Api) -> ApiUsage {
        let now = crate::clock::now();
        self.inner
            .usage
            .lock()
            .map(|u| u.today(api, now))
            .unwrap_or_default()
    }

    fn url(base: &Url, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = base.clone();
        let base_path = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base_path}/{}", path.trim_start_matches('/')));
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// GET on PRIM with the token, counted against `api`'s quota. A 400
    /// comes back as an [`Answer`] (its body says why); other failures
    /// are errors.
    pub async fn prim(
        &self,
        api: Api,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Answer, NetError> {
        let what = api.name();
        let token = self.inner.token.as_ref().ok_or_else(|| {
            NetError::new(
                ErrorKind::MissingKey(PRIM_KEY),
                tf("idfm_no_token", &[("what", what)]),
            )
        })?;
        let now = crate::clock::now();
        // What another quai learnt (a 429) counts here too.
        self.update_usage(api, |_| {});
        if let Some(until) = self.usage(api).blocked_until.filter(|t| *t > now) {
            return Err(spent(what, until));
        }
        self.pace().await;
        let mut header = HeaderValue::from_str(token.expose()).map_err(|_| {
            NetError::new(
                ErrorKind::Invalid,
                "the PRIM API token holds characters that cannot travel in a header",
            )
        })?;
        header.set_sensitive(true);
        let url = Client::url(&self.inner.prim, path, query);
        let sent = self
            .inner
            .http
            .get(url)
            .header("apikey", header)
            .send()
            .await;
        self.count(api);
        let response = sent.map_err(|e| transport(what, e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let mut body = read_limited(what, response).await?;
        self.inner.keys.mask(&mut body);
        self.note_limits(api, status, &headers);
        match status {
            200 | 400 => Ok(Answer { status, body }),
            401 | 403 => Err(NetError::new(
                ErrorKind::KeyRefused {
                    key: PRIM_KEY,
                    message: server_message(&body),
                },
                crate::i18n::tf(
                    "idfm_token_refused",
                    &[
                        ("what", what),
                        ("status", &status.to_string()),
                        ("excerpt", &excerpt(&body)),
                    ],
                ),
            )),
            429 => {
                let until = self
                    .usage(api)
                    .blocked_until
                    .unwrap_or_else(|| next_utc_midnight(crate::clock::now()));
                Err(spent(what, until))
            }
            _ => Err(NetError::new(
                ErrorKind::Http(status),
                format!("{what}: HTTP {status}: {}", excerpt(&body)),
            )),
        }
    }

    /// GET of a dataset export on the portal; `restricted` ones (Licence
    /// Mobilité) send the dataset key as `Authorization: apikey …`.
    pub async fn dataset(
        &self,
        id: &str,
        query: &[(&str, &str)],
        restricted: bool,
    ) -> Result<Vec<u8>, NetError> {
        let path = format!("api/explore/v2.1/catalog/datasets/{id}/exports/json");
        let url = Client::url(&self.inner.data, &path, query);
        let mut request = self.inner.http.get(url);
        if restricted {
            let key = self.inner.dataset_key.as_ref().ok_or_else(|| {
                NetError::new(
                    ErrorKind::MissingKey(DATASET_KEY),
                    tf("idfm_no_dataset_key", &[("id", id)]),
                )
            })?;
            let mut header = HeaderValue::from_str(&format!("apikey {}", key.expose()))
                .map_err(|_| NetError::new(ErrorKind::Invalid, t("idfm_dataset_key_bad")))?;
            header.set_sensitive(true);
            request = request.header(reqwest::header::AUTHORIZATION, header);
        }
        let response = request.send().await.map_err(|e| transport(id, e))?;
        let status = response.status().as_u16();
        let mut body = read_limited(id, response).await?;
        self.inner.keys.mask(&mut body);
        match status {
            200 => Ok(body),
            401 | 403 if restricted => Err(NetError::new(
                ErrorKind::KeyRefused {
                    key: DATASET_KEY,
                    message: server_message(&body),
                },
                tf(
                    "idfm_dataset_key_refused",
                    &[
                        ("id", id),
                        ("status", &status.to_string()),
                        ("excerpt", &excerpt(&body)),
                    ],
                ),
            )),
            429 => Err(NetError::new(
                ErrorKind::RateLimited { until: None },
                tf("idfm_portal_429", &[("id", id)]),
            )),
            _ => Err(NetError::new(
                ErrorKind::Http(status),
                format!("{id}: HTTP {status}: {}", excerpt(&body)),
            )),
        }
    }

    /// Waits so that PRIM requests leave at least 200 ms apart.
    async fn pace(&self) {
        let mut last = self.inner.last_sent.lock().await;
        if let Some(at) = *last {
            tokio::time::sleep_until(at + self.inner.spacing).await;
        }
        *last = Some(tokio::time::Instant::now());
    }

    fn count(&self, api: Api) {
        self.update_usage(api, |u| u.sent += 1);
    }

    fn update_usage(&self, api: Api, change: impl FnOnce(&mut ApiUsage)) {
        let now = crate::clock::now();
        let Ok(mut usage) = self.inner.usage.lock() else {
            return;
        };
        // Another quai (a kiosk and a status bar's --once) may have counted
        // since: count on from the file unless it is behind this process
        // (a file that cannot be written).
        if let Some((stored, _)) = self.inner.cache.get::<Usage>(Usage::FILE, Duration::MAX) {
            for api in [Api::StopMonitoring, Api::Disruptions] {
                let theirs = stored.today(api, now);
                if theirs.sent >= usage.today(api, now).sent {
                    *usage.of(api) = ApiUsage {
                        day: utc_day(now),
                        ..theirs
                    };
                }
            }
        }
        let today = usage.today(api, now);
        let entry = usage.of(api);
        *entry = ApiUsage {
            day: utc_day(now),
            ..today
        };
        change(entry);
        let copy = usage.clone();
        drop(usage);
        self.inner.cache.put(Usage::FILE, &copy);
    }

    /// Reads the rate-limit headers, and blocks the API until the reset
    /// after a 429.
    fn note_limits(&self, api: Api, status: u16, headers: &HeaderMap) {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let remaining = number("x-ratelimit-remaining-day").or(number("ratelimit-remaining"));
        let limit = number("x-ratelimit-limit-day").or(number("ratelimit-limit"));
        let reset = number("ratelimit-reset").or(number("retry-after"));
        let now = crate::clock::now();
        self.update_usage(api, |u| {
            if remaining.is_some() || limit.is_some() {
                u.remaining = remaining.or(u.remaining);
                u.limit = limit.or(u.limit);
                u.reported_at = Some(now);
            }
            if status == 429 {
                let until = reset
                    .and_then(|s| now.checked_add(Duration::from_secs(s.min(2 * 86_400))).ok())
                    .unwrap_or_else(|| next_utc_midnight(now));
                u.blocked_until = Some(until);
                u.remaining = Some(0);
            } else if status == 200 {
                u.blocked_until = None;
            }
        });
    }
}

/// The error of a spent quota: nothing is sent until `until`.
fn spent(what: &str, until: Timestamp) -> NetError {
    let local = until
        .in_tz(super::ZONE)
        .map(|z| z.strftime("%H:%M").to_string())
        .unwrap_or_default();
    NetError::new(
        ErrorKind::RateLimited { until: Some(until) },
        tf("idfm_quota_spent", &[("what", what), ("at", &local)]),
    )
}

fn transport(what: &str, e: reqwest::Error) -> NetError {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else if e.is_connect() {
        ErrorKind::Unreachable
    } else {
        ErrorKind::Transport
    };
    let detail = crate::network::http::error_chain(&e.without_url());
    NetError::new(kind, format!("{what}: {detail}"))
}

async fn read_limited(what: &str, mut response: reqwest::Response) -> Result<Vec<u8>, NetError> {
    let too_large = || {
        NetError::new(
            ErrorKind::TooLarge,
            tf(
                "answer_too_large",
                &[("what", what), ("max", &MAX_BODY_BYTES.to_string())],
            ),
        )
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transport(what, e))? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The server's `message` (PRIM: `{"message":"Unauthorized"}`), or a quote.
fn server_message(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("message")
                .or_else(|| v.get("error"))
                .and_then(|m| m.as_str())
                .map(sanitize::text)
        })
        .unwrap_or_else(|| excerpt(body))
}

/// A short, single-line, sanitised quote of a body.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let clean = sanitize::text(&String::from_utf8_lossy(body));
    let mut out: String = clean.chars().take(EXCERPT_CHARS).collect();
    if clean.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    if out.trim().is_empty() {
        out = "(empty)".into();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quota_day_is_utc_and_resets_at_midnight() {
        let t: Timestamp = "2026-12-01T23:30:00Z".parse().unwrap();
        assert_eq!(
            next_utc_midnight(t),
            "2026-12-02T00:00:00Z".parse::<Timestamp>().unwrap()
        );
        let usage = Usage {
            stop_monitoring: ApiUsage {
                day: utc_day(t),
                sent: 12,
                ..ApiUsage::default()
            },
            ..Usage::default()
        };
        assert_eq!(usage.today(Api::StopMonitoring, t).sent, 12);
        let next_day: Timestamp = "2026-12-02T00:10:00Z".parse().unwrap();
        assert_eq!(usage.today(Api::StopMonitoring, next_day).sent, 0);
    }

    #[test]
    fn a_spent_quota_says_until_when_in_paris_time() {
        let now: Timestamp = "2026-12-01T22:00:00Z".parse().unwrap();
        let e = spent("stop-monitoring", next_utc_midnight(now));
        assert!(e.detail.contains("avant 01:00"), "{}", e.detail);
        assert_eq!(e.retry_at(), Some(next_utc_midnight(now)));
    }
}
