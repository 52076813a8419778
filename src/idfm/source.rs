//! IDFM as a [`Network`]: stations and lines from the portal's open
//! exports (cached for a week, an older copy used offline), the
//! disruptions every 10 minutes and the lifts every 30. The stations'
//! departures are asked in rounds within the day's quota
//! ([`super::rounds`]) and shown as rows per line and destination
//! ([`super::rows`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;

use super::client::{Api, Client};
use super::datasets::{self, LineInfo, Zone};
use super::rounds::Area;
use super::rows::{board_lines, row_result, station_stops};
use super::{ATTRIBUTION, disruptions};
use crate::cache::Cache;
use crate::domain::{BoardLine, Lift, Message};
use crate::network::{
    Capabilities, ErrorKind, NetError, NetFuture, Network, PerRow, RowRequest, RowResult, StopList,
};

/// The network's id: its part of the cache, its prefix in place names.
pub const ID: &str = "idfm";
/// A new PRIM token's daily quota per API.
pub(crate) const DEFAULT_DAILY_QUOTA: u32 = 1000;
/// Stations and lines change rarely: a week.
const DATASET_MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
/// The disruptions: every 10 minutes (144 of the day's 1000).
const DISRUPTIONS_EVERY: Duration = Duration::from_secs(600);
/// The lifts: every 30 minutes.
const LIFTS_EVERY: Duration = Duration::from_secs(1800);
/// Rows follow the destinations seen: the board looks at them again this
/// often (no request: they come from the answers already had).
const ROWS_EVERY: Duration = Duration::from_secs(600);

#[derive(Debug, Default)]
struct Timed<T> {
    value: Option<T>,
    next_due: Option<Timestamp>,
    failures: u32,
    error: Option<NetError>,
}

impl<T> Timed<T> {
    fn due(&self, now: Timestamp) -> bool {
        self.next_due.is_none_or(|t| t <= now)
    }

    /// Records an outcome: the next try after `every`, or sooner after a
    /// failure (1, 2, 4… minutes, at most `every`).
    fn record(&mut self, outcome: Result<T, NetError>, now: Timestamp, every: Duration) {
        match outcome {
            Ok(value) => {
                self.value = Some(value);
                self.failures = 0;
                self.error = None;
                self.next_due = now.checked_add(every).ok();
            }
            Err(e) => {
                self.failures += 1;
                let back_off = Duration::from_secs(60 << self.failures.min(5)).min(every);
                let wait = e.retry_after().map_or(back_off, |a| a.max(back_off));
                self.error = Some(e);
                self.next_due = now.checked_add(wait).ok();
            }
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct State {
    zones: Option<Arc<Vec<Zone>>>,
    lines: Option<Arc<HashMap<String, LineInfo>>>,
    lines_tried: bool,
    pub(super) areas: HashMap<String, Area>,
    /// The refresh period, and the stop-monitoring requests a round it
    /// was chosen for.
    pub(super) period: Option<(Duration, usize)>,
    disruptions: Timed<Vec<Message>>,
    lifts: Timed<Vec<Lift>>,
}

/// Île-de-France Mobilités.
pub struct Idfm {
    pub(super) client: Client,
    cache: Cache,
    name: String,
    attribution: String,
    pub(super) daily_quota: u32,
    pub(super) state: Mutex<State>,
    /// One round of stop-monitoring requests at a time.
    pub(super) rounds: tokio::sync::Mutex<()>,
    /// The time (a simulated day's, in the quota measurement).
    clock: Clock,
}

/// What the network reads the time from.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

impl std::fmt::Debug for Idfm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Idfm")
            .field("client", &self.client)
            .field("daily_quota", &self.daily_quota)
            .finish()
    }
}

pub(super) fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Idfm {
    /// IDFM through `client`; `cache` is the whole cache (the network keeps
    /// to its own part of it).
    pub fn new(client: Client, cache: &Cache, daily_quota: u32) -> Idfm {
        Idfm {
            client,
            cache: cache.scoped(ID),
            name: "IDFM".into(),
            attribution: crate::i18n::t(ATTRIBUTION).into(),
            daily_quota: daily_quota.max(1),
            state: Mutex::new(State::default()),
            rounds: tokio::sync::Mutex::new(()),
            clock: Arc::new(crate::clock::now),
        }
    }

    /// The same network reading the time from `clock`.
    #[cfg(feature = "wire")]
    pub fn with_clock(mut self, clock: Clock) -> Idfm {
        self.clock = clock;
        self
    }

    /// The same network under another name and attribution (the demo's).
    pub(crate) fn named(mut self, name: &str, attribution: &str) -> Idfm {
        self.name = name.into();
        self.attribution = attribution.into();
        self
    }

    #[cfg(feature = "wire")]
    pub fn client(&self) -> &Client {
        &self.client
    }

    #[cfg(feature = "wire")]
    pub fn daily_quota(&self) -> u32 {
        self.daily_quota
    }

    /// A dataset export, from the cache when younger than a week, else
    /// fetched; an older copy when the portal cannot be reached.
    async fn dataset<T>(
        &self,
        file: &str,
        id: &str,
        select: &str,
        parse: fn(&[u8]) -> Result<T, String>,
    ) -> Result<(T, bool), NetError>
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        let cached = self.cache.get::<T>(file, DATASET_MAX_AGE);
        let cached = match cached {
            Some((value, true)) => return Ok((value, false)),
            other => other.map(|(v, _)| v),
        };
        let fetched = self
            .client
            .dataset(id, &[("select", select)], false)
            .await
            .and_then(|body| {
                parse(&body)
                    .map_err(|e| NetError::new(ErrorKind::Undecodable, format!("{id}: {e}")))
            });
        match (fetched, cached) {
            (Ok(value), _) => {
                self.cache.put(file, &value);
                Ok((value, false))
            }
            (Err(_), Some(old)) => Ok((old, true)),
            (Err(e), None) => Err(e),
        }
    }

    async fn zones(&self) -> Result<(Arc<Vec<Zone>>, bool), NetError> {
        if let Some(zones) = lock(&self.state).zones.clone() {
            return Ok((zones, false));
        }
        let (zones, stale) = self
            .dataset(
                "zones.json",
                "zones-de-correspondance",
                "zdcid,zdcname,zdctown,zdctype,zdcxepsg2154,zdcyepsg2154",
                datasets::zones,
            )
            .await
            .map_err(|e| self.no_stations(e))?;
        let zones = Arc::new(zones);
        if !stale {
            lock(&self.state).zones = Some(zones.clone());
        }
        Ok((zones, stale))
    }

    /// The stations could not be had, and no copy is cached: what failed,
    /// where, and what to check.
    fn no_stations(&self, e: NetError) -> NetError {
        let url = crate::sanitize::text(self.client.data_url());
        let why = crate::i18n::tf(
            "idfm_no_stations",
            &[("name", &self.name), ("url", &url), ("why", &e.detail)],
        );
        NetError::new(e.kind, why)
    }

    /// The lines' numbers and colours; empty (plain badges) when the
    /// portal cannot be reached and nothing is cached.
    async fn lines(&self) -> Arc<HashMap<String, LineInfo>> {
        {
            let state = lock(&self.state);
            if let Some(lines) = &state.lines {
                return lines.clone();
            }
        }
        let fetched = self
            .dataset(
                "lines.json",
                "referentiel-des-lignes",
                "id_line,name_line,shortname_line,transportmode,networkname,colourweb_hexa,textcolourweb_hexa",
                datasets::lines,
            )
            .await;
        let (lines, keep) = match fetched {
            Ok((lines, stale)) => (lines, !stale),
            Err(_) => (Vec::new(), false),
        };
        let map: Arc<HashMap<String, LineInfo>> =
            Arc::new(lines.into_iter().map(|l| (l.id.clone(), l)).collect());
        let mut state = lock(&self.state);
        state.lines_tried = true;
        if keep {
            state.lines = Some(map.clone());
        }
        map
    }
}

impl Network for Idfm {
    fn id(&self) -> &str {
        ID
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn attribution(&self) -> &str {
        &self.attribution
    }

    fn zone(&self, network: &str) -> Option<jiff::tz::TimeZone> {
        (network == self.id())
            .then(|| jiff::tz::TimeZone::get(super::ZONE).ok())
            .flatten()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            lifts: true,
            ..Capabilities::default()
        }
    }

    fn is_local(&self) -> bool {
        self.client.is_local()
    }

    fn stops(&self) -> NetFuture<'_, StopList> {
        Box::pin(async move {
            let (zones, stale) = self.zones().await?;
            Ok(StopList {
                stops: station_stops(&zones),
                stale,
            })
        })
    }

    fn lines_at<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<BoardLine>> {
        Box::pin(async move {
            let lines = self.lines().await;
            let now = (self.clock)();
            let never_asked: Vec<String> = {
                let state = lock(&self.state);
                stop_ids
                    .iter()
                    .filter(|s| state.areas.get(*s).is_none_or(|a| a.fetched.is_none()))
                    .cloned()
                    .collect()
            };
            if !never_asked.is_empty() {
                self.refresh(&never_asked, now).await;
            }
            let state = lock(&self.state);
            let areas: Vec<&Area> = stop_ids.iter().filter_map(|s| state.areas.get(s)).collect();
            // A station never answered: the board says why.
            if let Some(e) = areas
                .iter()
                .find_map(|a| a.error.as_ref().filter(|_| a.fetched.is_none()))
            {
                return Err(e.clone());
            }
            Ok(board_lines(&areas, &lines))
        })
    }

    fn departures<'a>(
        &'a self,
        rows: &'a [RowRequest],
        per_row: PerRow,
    ) -> NetFuture<'a, Vec<RowResult>> {
        Box::pin(async move {
            let now = (self.clock)();
            let mut stations: Vec<String> = Vec::new();
            for r in rows {
                for s in &r.stop_ids {
                    if !stations.contains(s) {
                        stations.push(s.clone());
                    }
                }
            }
            self.refresh(&stations, now).await;
            let lines = self.lines().await;
            let state = lock(&self.state);
            let results: Vec<RowResult> = rows
                .iter()
                .map(|row| {
                    let areas: Vec<(&String, &Area)> = row
                        .stop_ids
                        .iter()
                        .filter_map(|s| state.areas.get(s).map(|a| (s, a)))
                        .collect();
                    row_result(&areas, &lines, row, per_row, now)
                })
                .collect();
            // Nothing could be asked: the board says why, as for any network.
            if !results.is_empty() && results.iter().all(|r| r.error.is_some()) {
                let any_data = state.areas.values().any(|a| a.fetched.is_some());
                if let (false, Some(e)) = (any_data, results[0].error.clone()) {
                    return Err(e);
                }
            }
            Ok(results)
        })
    }

    fn messages(&self) -> NetFuture<'_, Vec<Message>> {
        Box::pin(async move {
            let now = (self.clock)();
            let due = lock(&self.state).disruptions.due(now);
            if due {
                let outcome = match self
                    .client
                    .prim(Api::Disruptions, "disruptions_bulk/disruptions/v2", &[])
                    .await
                {
                    Ok(answer) if answer.status == 200 => disruptions::current(&answer.body, now)
                        .map_err(|e| {
                            NetError::new(ErrorKind::Undecodable, format!("disruptions_bulk: {e}"))
                        }),
                    Ok(answer) => Err(NetError::new(
                        ErrorKind::Http(answer.status),
                        format!("disruptions_bulk: HTTP {}", answer.status),
                    )),
                    Err(e) => Err(e),
                };
                lock(&self.state)
                    .disruptions
                    .record(outcome, now, DISRUPTIONS_EVERY);
            }
            // All current ones: the board keeps to the lines on screen, and
            // a filter here would miss a station asked for later.
            let state = lock(&self.state);
            match (&state.disruptions.value, &state.disruptions.error) {
                (Some(all), _) => Ok(all.clone()),
                (None, Some(e)) => Err(e.clone()),
                (None, None) => Ok(Vec::new()),
            }
        })
    }

    fn rows_change_every(&self) -> Option<Duration> {
        Some(ROWS_EVERY)
    }

    fn quota(&self) -> Vec<crate::network::QuotaReport> {
        [Api::StopMonitoring, Api::Disruptions]
            .into_iter()
            .map(|api| {
                let u = self.client.usage(api);
                crate::network::QuotaReport {
                    network: ID.into(),
                    api: api.name().into(),
                    daily_quota: Some(u64::from(self.daily_quota)),
                    sent_today: u.sent,
                    server_limit: u.limit,
                    server_remaining: u.remaining,
                    reported_at: u.reported_at,
                    blocked_until: u.blocked_until.filter(|t| *t > (self.clock)()),
                }
            })
            .collect()
    }

    fn schedule_note(&self) -> Option<String> {
        let usage = self.client.usage(Api::StopMonitoring);
        let now = (self.clock)();
        if let Some(until) = usage.blocked_until.filter(|t| *t > now) {
            let zone = jiff::tz::TimeZone::get(super::ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
            let local = crate::domain::until_text(until, now, &zone);
            let at = if local.starts_with(|c: char| c.is_ascii_digit()) {
                crate::i18n::t("at_time")
            } else {
                ""
            };
            return Some(crate::i18n::tf(
                "quota_spent_resume",
                &[("name", &self.name), ("at", at), ("when", &local)],
            ));
        }
        let (period, requests) = lock(&self.state).period?;
        // The requests a round, not the stations, set the period: a
        // station PRIM answers through its stop areas takes one per area.
        let per_round = if requests == 1 {
            "requests_per_round_one"
        } else {
            "requests_per_round"
        };
        Some(format!(
            "{}{}",
            crate::i18n::tf(
                "refreshed_every_quota",
                &[
                    ("name", &self.name),
                    ("s", &period.as_secs().to_string()),
                    ("quota", &self.daily_quota.to_string()),
                ],
            ),
            crate::i18n::tf(per_round, &[("n", &requests.to_string())])
        ))
    }

    fn lifts<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<Lift>> {
        Box::pin(async move {
            let now = (self.clock)();
            let due = lock(&self.state).lifts.due(now);
            if due {
                let outcome = self
                    .client
                    .dataset("etat-des-ascenseurs", &[], true)
                    .await
                    .and_then(|body| {
                        datasets::lifts(&body).map_err(|e| {
                            NetError::new(
                                ErrorKind::Undecodable,
                                format!("etat-des-ascenseurs: {e}"),
                            )
                        })
                    });
                lock(&self.state).lifts.record(outcome, now, LIFTS_EVERY);
            }
            let state = lock(&self.state);
            match (&state.lifts.value, &state.lifts.error) {
                (_, Some(e)) if !e.is_transient() => Err(e.clone()),
                (Some(all), _) => Ok(all
                    .iter()
                    .filter(|l| stop_ids.contains(&l.station))
                    .cloned()
                    .collect()),
                (None, Some(e)) => Err(e.clone()),
                (None, None) => Ok(Vec::new()),
            }
        })
    }
}
