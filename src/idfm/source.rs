//! IDFM as a [`Network`]: stations from the portal's open exports (cached
//! for a week, an older copy used offline), one stop-monitoring request
//! per station per period — the period chosen from the day's quota and the
//! number of stations —, rows per line and destination, the disruptions
//! every 10 minutes and the lifts every 30.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;

use super::client::{Api, Client};
use super::datasets::{self, LineInfo, Zone};
use super::siri::{self, Visit};
use super::{ATTRIBUTION, disruptions};
use crate::cache::Cache;
use crate::domain::{
    Accessibility, BoardLine, CrowdLevel, Departure, Lift, LineRef, Load, Message, Origin, Status,
    Stop, WaitTime,
};
use crate::network::{
    Capabilities, ErrorKind, NetError, NetFuture, Network, PerRow, RowRequest, RowResult, StopList,
};

/// The network's id: its part of the cache, its prefix in place names.
pub const ID: &str = "idfm";
/// A new PRIM token's daily quota per API.
pub const DEFAULT_DAILY_QUOTA: u32 = 1000;
/// Never asked more often than this, whatever the quota.
pub const MIN_PERIOD: Duration = Duration::from_secs(10);
/// Stations and lines change rarely: a week.
const DATASET_MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
/// The disruptions: every 10 minutes (144 of the day's 1000).
const DISRUPTIONS_EVERY: Duration = Duration::from_secs(600);
/// The lifts: every 30 minutes.
const LIFTS_EVERY: Duration = Duration::from_secs(1800);
/// Rows follow the destinations seen: the board looks at them again this
/// often (no request: they come from the answers already had).
const ROWS_EVERY: Duration = Duration::from_secs(600);
/// A row (line and destination) is kept this long after it was last seen.
const ROWS_KEPT_S: i64 = 24 * 3600;
/// A train still at the platform this long after its time is shown.
const AT_STOP_GRACE_S: i64 = 60;

/// The refresh period that keeps `requests_per_round` requests a round
/// within `daily_quota` a day: rounded up to 10 s, at least [`MIN_PERIOD`].
pub fn period_for(daily_quota: u32, requests_per_round: usize) -> Duration {
    let quota = u64::from(daily_quota.max(1));
    let per_round = requests_per_round.max(1) as u64;
    let seconds = (86_400 * per_round).div_ceil(quota);
    let seconds = seconds.div_ceil(10) * 10;
    Duration::from_secs(seconds).max(MIN_PERIOD)
}

/// What quai knows of one station's departures.
#[derive(Debug, Default)]
struct Area {
    /// The monitoring refs asked: the station's own, or (after PRIM
    /// refused it) its stop areas'.
    refs: Option<Vec<String>>,
    visits: Vec<Visit>,
    fetched: Option<Timestamp>,
    next_due: Option<Timestamp>,
    failures: u32,
    error: Option<NetError>,
    /// The (line, destination) rows seen, and when last: a row not seen
    /// for a day is dropped.
    rows: Vec<((String, String), Timestamp)>,
}

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
struct State {
    zones: Option<Arc<Vec<Zone>>>,
    lines: Option<Arc<HashMap<String, LineInfo>>>,
    lines_tried: bool,
    areas: HashMap<String, Area>,
    period: Option<Duration>,
    disruptions: Timed<Vec<Message>>,
    lifts: Timed<Vec<Lift>>,
}

/// Île-de-France Mobilités.
pub struct Idfm {
    client: Client,
    cache: Cache,
    name: String,
    attribution: String,
    daily_quota: u32,
    state: Mutex<State>,
    /// One round of stop-monitoring requests at a time.
    rounds: tokio::sync::Mutex<()>,
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

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
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
            clock: Arc::new(Timestamp::now),
        }
    }

    /// The same network reading the time from `clock`.
    #[cfg(feature = "wire")]
    pub fn with_clock(mut self, clock: Clock) -> Idfm {
        self.clock = clock;
        self
    }

    /// The same network under another name and attribution (the demo's).
    pub fn named(mut self, name: &str, attribution: &str) -> Idfm {
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
            .await?;
        let zones = Arc::new(zones);
        if !stale {
            lock(&self.state).zones = Some(zones.clone());
        }
        Ok((zones, stale))
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

    /// The stop areas of a station, for a PRIM that refuses its id.
    async fn stop_areas(&self, zdcid: &str) -> Result<Vec<String>, NetError> {
        let filter = format!("zdcid=\"{}\"", zdcid.replace('"', ""));
        let body = self
            .client
            .dataset(
                "zones-d-arrets",
                &[("select", "zdaid,zdcid"), ("where", &filter)],
                false,
            )
            .await?;
        datasets::stop_areas_of(&body, zdcid)
            .map_err(|e| NetError::new(ErrorKind::Undecodable, format!("zones-d-arrets: {e}")))
    }

    /// One station's visits, asked of PRIM.
    async fn monitor(&self, zdcid: &str) -> Result<Vec<Visit>, NetError> {
        let known = lock(&self.state)
            .areas
            .get(zdcid)
            .and_then(|a| a.refs.clone());
        let own = vec![format!("STIF:StopArea:SP:{zdcid}:")];
        let refs = known.clone().unwrap_or(own);
        match self.monitor_refs(&refs).await {
            Err(e) if known.is_none() && e.kind == ErrorKind::Refused => {
                // PRIM does not know the station's id: try its stop areas,
                // and remember that choice.
                let areas = self.stop_areas(zdcid).await?;
                if areas.is_empty() {
                    return Err(e);
                }
                let refs: Vec<String> = areas
                    .iter()
                    .map(|a| format!("STIF:StopArea:SP:{a}:"))
                    .collect();
                let visits = self.monitor_refs(&refs).await?;
                lock(&self.state)
                    .areas
                    .entry(zdcid.to_string())
                    .or_default()
                    .refs = Some(refs);
                Ok(visits)
            }
            other => other,
        }
    }

    async fn monitor_refs(&self, refs: &[String]) -> Result<Vec<Visit>, NetError> {
        let mut visits = Vec::new();
        for r in refs {
            let answer = self
                .client
                .prim(
                    Api::StopMonitoring,
                    "stop-monitoring",
                    &[("MonitoringRef", r)],
                )
                .await?;
            let decoded = siri::decode(&answer.body).map_err(|e| {
                NetError::new(
                    ErrorKind::Undecodable,
                    format!(
                        "stop-monitoring: not a SIRI answer ({e}): {}",
                        super::client::excerpt(&answer.body)
                    ),
                )
            })?;
            if answer.status == 400 {
                let why = decoded.error.unwrap_or_else(|| "HTTP 400".into());
                return Err(NetError::new(
                    ErrorKind::Refused,
                    crate::i18n::tf("idfm_refused", &[("r", &r.to_string()), ("why", &why)]),
                ));
            }
            visits.extend(decoded.visits);
        }
        Ok(visits)
    }

    /// Asks PRIM again for the stations that are due, one round at a time.
    async fn refresh(&self, stations: &[String], now: Timestamp) {
        let _round = self.rounds.lock().await;
        let requests: usize = {
            let state = lock(&self.state);
            stations
                .iter()
                .map(|s| {
                    state
                        .areas
                        .get(s)
                        .and_then(|a| a.refs.as_ref())
                        .map_or(1, Vec::len)
                })
                .sum()
        };
        let period = period_for(self.daily_quota, requests);
        lock(&self.state).period = Some(period);
        for station in stations {
            let due = lock(&self.state)
                .areas
                .get(station)
                .is_none_or(|a| a.next_due.is_none_or(|t| t <= now));
            if !due {
                continue;
            }
            let outcome = self.monitor(station).await;
            let mut state = lock(&self.state);
            let area = state.areas.entry(station.clone()).or_default();
            match outcome {
                Ok(visits) => {
                    for v in &visits {
                        let row = (v.line.clone(), v.destination.clone());
                        match area.rows.iter_mut().find(|(r, _)| *r == row) {
                            Some((_, seen)) => *seen = now,
                            None => area.rows.push((row, now)),
                        }
                    }
                    area.rows
                        .retain(|(_, seen)| now.duration_since(*seen).as_secs() < ROWS_KEPT_S);
                    area.visits = visits;
                    area.fetched = Some(now);
                    area.failures = 0;
                    area.error = None;
                    area.next_due = now.checked_add(period).ok();
                }
                Err(e) => {
                    area.failures += 1;
                    let back_off = period * (1 << area.failures.min(3));
                    let wait = e.retry_after().map_or(back_off, |a| a.max(period));
                    area.next_due = now.checked_add(wait).ok();
                    area.error = Some(e);
                }
            }
        }
    }

    fn departure(v: &Visit, station: &str, line: &LineRef, now: Timestamp) -> Option<Departure> {
        let expected = v.expected()?;
        let late_by = now.duration_since(expected).as_secs();
        if late_by > 0 && !(v.at_stop && late_by <= AT_STOP_GRACE_S) {
            return None;
        }
        let aimed = v.aimed();
        let status = if v.cancelled {
            Status::Cancelled
        } else if aimed.is_some_and(|a| expected.duration_since(a).as_secs() >= 60) {
            Status::Delayed
        } else {
            Status::Normal
        };
        let mission = match (&v.mission, v.long_train) {
            (Some(m), Some(true)) => Some(crate::i18n::tf("train_long", &[("m", m)])),
            (Some(m), Some(false)) => Some(crate::i18n::tf("train_short", &[("m", m)])),
            (Some(m), None) => Some(m.clone()),
            (None, Some(true)) => Some("train long".into()),
            (None, Some(false)) => Some("train court".into()),
            (None, None) => None,
        };
        Some(Departure {
            stop_id: station.to_string(),
            line: line.clone(),
            outbound: true,
            destination: v.destination.clone(),
            via: String::new(),
            time: WaitTime::At { expected, aimed },
            alternate: None,
            origin: if v.theoretical() {
                Origin::Timetable
            } else {
                Origin::Located
            },
            status,
            platform: v.platform.clone(),
            mission,
            vehicle: None,
            stop_access: Accessibility::Unknown,
            vehicle_access: Accessibility::Unknown,
            // The network says nothing of crowding: no gauge at all.
            crowding: CrowdLevel::NotAllowed,
            load: Load::NotAllowed,
            crowding_text: String::new(),
            crowding_advice: String::new(),
            info_id: None,
        })
    }

    fn line_ref(lines: &HashMap<String, LineInfo>, id: &str) -> (LineRef, crate::domain::LineKind) {
        match lines.get(id) {
            Some(info) => (info.line_ref(), info.kind()),
            None => (LineRef::plain(id, id), crate::domain::LineKind::Other),
        }
    }
}

/// The station names riders read: a name used by several towns carries its
/// town ("Mairie (Montreuil)").
fn station_stops(zones: &[Zone]) -> Vec<Stop> {
    let mut towns: HashMap<String, HashSet<&str>> = HashMap::new();
    for z in zones {
        towns
            .entry(crate::names::fold(&z.name))
            .or_default()
            .insert(z.town.as_str());
    }
    zones
        .iter()
        .map(|z| {
            let shared = towns
                .get(&crate::names::fold(&z.name))
                .is_some_and(|t| t.len() > 1);
            let name = if shared && !z.town.is_empty() {
                format!("{} ({})", z.name, z.town)
            } else {
                z.name.clone()
            };
            Stop {
                id: z.id.clone(),
                name,
                position: z.position,
                accessibility: Accessibility::Unknown,
            }
        })
        .collect()
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
            let mut out = Vec::new();
            for station in stop_ids {
                let Some(area) = state.areas.get(station) else {
                    continue;
                };
                if area.fetched.is_none()
                    && let Some(e) = &area.error
                {
                    return Err(e.clone());
                }
                for ((line, destination), _) in &area.rows {
                    let (line, kind) = Idfm::line_ref(&lines, line);
                    out.push(BoardLine {
                        line,
                        kind: Some(kind),
                        outbound: true,
                        destination: destination.clone(),
                        via: String::new(),
                    });
                }
            }
            out.sort_by(|a, b| {
                a.order_key()
                    .cmp(&b.order_key())
                    .then_with(|| a.destination.cmp(&b.destination))
            });
            out.dedup_by(|a, b| a.line.id == b.line.id && a.destination == b.destination);
            Ok(out)
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
            let mut results = Vec::with_capacity(rows.len());
            for row in rows {
                let areas: Vec<(&String, &Area)> = row
                    .stop_ids
                    .iter()
                    .filter_map(|s| state.areas.get(s).map(|a| (s, a)))
                    .collect();
                let error = areas.iter().find_map(|(_, a)| a.error.clone());
                let answered = !areas.is_empty() && error.is_none();
                let (line, _) = Idfm::line_ref(&lines, &row.line_id);
                let mut departures: Vec<Departure> = areas
                    .iter()
                    .flat_map(|(station, area)| {
                        area.visits
                            .iter()
                            .filter(|v| v.line == row.line_id && v.destination == row.destination)
                            .filter_map(|v| Idfm::departure(v, station, &line, now))
                    })
                    .collect();
                departures.sort_by_key(|d| match d.time {
                    WaitTime::At { expected, .. } => expected,
                    _ => now,
                });
                departures.truncate(usize::from(per_row.get()));
                let data_at = areas.iter().filter_map(|(_, a)| a.fetched).min();
                results.push(RowResult {
                    in_answer: answered,
                    position: None,
                    departures,
                    error,
                    data_at,
                    timetable: false,
                });
            }
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
            let local = crate::domain::until_text(until, now);
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
        let period = lock(&self.state).period?;
        Some(crate::i18n::tf(
            "refreshed_every_quota",
            &[
                ("name", &self.name),
                ("s", &period.as_secs().to_string()),
                ("quota", &self.daily_quota.to_string()),
            ],
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_keeps_a_day_within_the_quota() {
        assert_eq!(period_for(1000, 1), Duration::from_secs(90));
        assert_eq!(period_for(1000, 2), Duration::from_secs(180));
        assert_eq!(period_for(1000, 3), Duration::from_secs(260));
        for places in 1..=6 {
            let p = period_for(1000, places).as_secs();
            assert!(86_400 / p * places as u64 <= 1000, "{places}: {p}");
        }
        assert_eq!(period_for(1_000_000, 1), MIN_PERIOD);
        assert_eq!(period_for(0, 1), Duration::from_secs(86_400));
    }

    #[test]
    fn shared_names_carry_their_town() {
        let z = |id: &str, name: &str, town: &str| Zone {
            id: id.into(),
            name: name.into(),
            town: town.into(),
            kind: String::new(),
            position: None,
        };
        let stops = station_stops(&[
            z("1", "Mairie", "Montreuil"),
            z("2", "Mairie", "Clichy"),
            z("3", "La Défense", "Puteaux"),
        ]);
        let names: Vec<_> = stops.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["Mairie (Montreuil)", "Mairie (Clichy)", "La Défense"]
        );
    }
}
