//! Asking PRIM for the stations' departures within the day's quota: one
//! stop-monitoring request per station per period (the period chosen from
//! the quota and the number of requests a round), one round at a time,
//! a station's stop areas asked instead when PRIM refuses its id, and a
//! back-off after a failure.

use std::time::Duration;

use jiff::Timestamp;

use super::client::Api;
use super::datasets;
use super::siri::{self, Visit};
use super::source::{Idfm, lock};
use crate::network::{ErrorKind, NetError};

/// Never asked more often than this, whatever the quota.
const MIN_PERIOD: Duration = Duration::from_secs(10);
/// A row (line and destination) is kept this long after it was last seen.
const ROWS_KEPT_S: i64 = 24 * 3600;

/// The refresh period that keeps `requests_per_round` requests a round
/// within `daily_quota` a day: rounded up to 10 s, at least [`MIN_PERIOD`].
fn period_for(daily_quota: u32, requests_per_round: usize) -> Duration {
    let quota = u64::from(daily_quota.max(1));
    let per_round = requests_per_round.max(1) as u64;
    let seconds = (86_400 * per_round).div_ceil(quota);
    let seconds = seconds.div_ceil(10) * 10;
    Duration::from_secs(seconds).max(MIN_PERIOD)
}

/// What quai knows of one station's departures.
#[derive(Debug, Default)]
pub(super) struct Area {
    /// The monitoring refs asked: the station's own, or (after PRIM
    /// refused it) its stop areas'.
    refs: Option<Vec<String>>,
    pub(super) visits: Vec<Visit>,
    pub(super) fetched: Option<Timestamp>,
    next_due: Option<Timestamp>,
    failures: u32,
    pub(super) error: Option<NetError>,
    /// The (line, destination) rows seen, and when last: a row not seen
    /// for a day is dropped.
    pub(super) rows: Vec<((String, String), Timestamp)>,
}

impl Idfm {
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
    pub(super) async fn refresh(&self, stations: &[String], now: Timestamp) {
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
        lock(&self.state).period = Some((period, requests));
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
}
