//! A network known from its feeds ([`FeedNetwork`]): places, lines,
//! colours and times from its compiled GTFS timetable, corrected by its
//! GTFS-Realtime trip updates; its alerts as traffic messages; its
//! vehicle positions in the details pane.
//!
//! One request per feed per refresh, whatever the number of places: the
//! feeds are global, read once and kept for `refresh` seconds. A trip
//! updates feed whose own timestamp is older than [`STALE_AFTER`] is not
//! live: its rows fail, and the timetable fallback around this network
//! ([`crate::timetable::fallback::WithTimetable`]) shows the timetable.
//!
//! Here: the feeds' states, read once per period, and the network; the
//! rows built from them are [`super::rows`]'s.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use reqwest::Url;

use super::feed::{Fetched, Fetcher, Kind};
use super::live::{self, Header, TripUpdates, Vehicles};
use super::proto::FeedMessage;
use crate::domain::{
    Accessibility, BoardLine, CrowdLevel, Energy, Load, Message, Vehicle, VehicleLive,
};
use crate::network::{
    Capabilities, ErrorKind, NetError, NetFuture, PerRow, RowRequest, RowResult, StopList,
};
use crate::timetable::fallback::Shared;
use crate::timetable::source::TimetableNetwork;

/// A trip updates feed older than this (by its own header) is stale.
const STALE_AFTER: Duration = Duration::from_secs(90);

/// One feed's state.
#[derive(Debug, Clone)]
struct FeedState {
    kind: Kind,
    url: Url,
    etag: Option<String>,
    last_modified: Option<String>,
    /// When it was last read (or found unchanged).
    fetched_at: Option<Timestamp>,
    header: Header,
    bytes: usize,
    error: Option<NetError>,
    tried: Option<tokio::time::Instant>,
    message: Option<Arc<FeedMessage>>,
}

impl FeedState {
    fn new(kind: Kind, url: Url) -> FeedState {
        FeedState {
            kind,
            url,
            etag: None,
            last_modified: None,
            fetched_at: None,
            header: Header::default(),
            bytes: 0,
            error: None,
            tried: None,
            message: None,
        }
    }

    /// How old its content is at `now`, by its header (else its fetch).
    fn age(&self, now: Timestamp) -> Option<Duration> {
        let made = self.header.timestamp.or(self.fetched_at)?;
        Some(Duration::from_secs(
            made.duration_until(now).as_secs().max(0) as u64,
        ))
    }
}

/// What was read of the feeds.
#[derive(Debug, Default)]
struct Live {
    trips: Arc<TripUpdates>,
    vehicles: Arc<Vehicles>,
}

/// A network defined by its GTFS and GTFS-Realtime feeds.
pub struct FeedNetwork {
    id: String,
    name: String,
    timetable: Shared,
    feeds: RwLock<Vec<FeedState>>,
    live: RwLock<Live>,
    fetcher: Fetcher,
    refresh: Duration,
    /// One refresh at a time: concurrent callers wait for it, then read.
    refreshing: tokio::sync::Mutex<()>,
    pub(super) shift: SignedDuration,
}

impl FeedNetwork {
    pub fn new(
        id: &str,
        name: &str,
        timetable: Shared,
        feeds: Vec<(Kind, Url)>,
        fetcher: Fetcher,
        refresh: Duration,
    ) -> FeedNetwork {
        FeedNetwork {
            id: id.into(),
            name: name.into(),
            timetable,
            feeds: RwLock::new(
                feeds
                    .into_iter()
                    .map(|(kind, url)| FeedState::new(kind, url))
                    .collect(),
            ),
            live: RwLock::new(Live::default()),
            fetcher,
            refresh,
            refreshing: tokio::sync::Mutex::new(()),
            shift: SignedDuration::ZERO,
        }
    }

    /// Its clock is the real one moved by `shift` (the demo's).
    pub(crate) fn with_shift(mut self, shift: SignedDuration) -> FeedNetwork {
        self.shift = shift;
        self
    }

    /// How old the trip updates may be and still be live: 90 s, or the
    /// refresh period and 30 s when that is longer (a feed read every 5
    /// minutes is not stale a minute after it was read).
    fn stale_after(&self) -> Duration {
        STALE_AFTER.max(self.refresh + Duration::from_secs(30))
    }

    pub(super) fn now(&self) -> Timestamp {
        crate::clock::now()
            .checked_add(self.shift)
            .unwrap_or_else(|_| crate::clock::now())
    }

    /// Reads every feed now and says what was found (`quai networks check`).
    pub(crate) async fn check(&self) -> crate::network::check::FeedCheck {
        use crate::network::check::{FeedCheck, FeedStatus};
        self.refresh(true).await;
        let now = crate::clock::now();
        let feeds = self
            .feed_states()
            .iter()
            .map(|state| FeedStatus {
                feed: state.kind.label(),
                shown: state.kind.shown(),
                url: super::feed::shown(&state.url),
                fetched_at: state.fetched_at,
                age: state.age(now),
                header_timestamp: state.header.timestamp,
                entities: state.header.entities,
                kinds: state.header.kinds,
                bytes: state.bytes,
                error: state.error.as_ref().map(ToString::to_string),
            })
            .collect();
        FeedCheck {
            name: crate::network::Network::name(self).to_string(),
            feeds,
            stale_after: self.stale_after(),
            matching_trips: self.matching_trips(),
            stop_disagreements: self.stop_disagreements(),
            findings: self.findings(now),
        }
    }

    /// The feeds' states, as last fetched.
    fn feed_states(&self) -> Vec<FeedState> {
        self.feeds.read().map(|f| f.clone()).unwrap_or_default()
    }

    fn has(&self, kind: Kind) -> bool {
        self.feeds
            .read()
            .is_ok_and(|f| f.iter().any(|f| f.kind == kind))
    }

    pub(super) fn table(&self) -> Result<Arc<TimetableNetwork>, NetError> {
        self.timetable
            .read()
            .ok()
            .and_then(|t| t.clone())
            .ok_or_else(|| {
                NetError::new(
                    ErrorKind::Offline,
                    crate::i18n::tf("feed_no_timetable", &[("id", &self.id)]),
                )
            })
    }

    /// Fetches every feed once if the last fetch is `refresh` old.
    pub async fn refresh(&self, force: bool) {
        let _one = self.refreshing.lock().await;
        let due = force
            || self.feeds.read().is_ok_and(|f| {
                f.iter()
                    .any(|f| f.tried.is_none_or(|t| t.elapsed() >= self.refresh))
            });
        if !due {
            return;
        }
        let states = self.feed_states();
        let mut updated = Vec::with_capacity(states.len());
        for mut state in states {
            state.tried = Some(tokio::time::Instant::now());
            match self
                .fetcher
                .fetch(
                    state.kind,
                    &state.url,
                    state.etag.as_deref(),
                    state.last_modified.as_deref(),
                )
                .await
            {
                Ok(Fetched::Body {
                    message,
                    bytes,
                    etag,
                    last_modified,
                }) => {
                    state.header = Header::of(&message);
                    state.bytes = bytes;
                    state.etag = etag;
                    state.last_modified = last_modified;
                    state.fetched_at = Some(self.now());
                    state.error = None;
                    state.message = Some(Arc::new(message));
                }
                Ok(Fetched::NotModified) => {
                    state.fetched_at = Some(self.now());
                    state.error = None;
                }
                Err(e) => state.error = Some(e),
            }
            updated.push(state);
        }
        let mut live = Live::default();
        for state in &updated {
            let Some(message) = &state.message else {
                continue;
            };
            match state.kind {
                Kind::TripUpdates => {
                    let mut trips = TripUpdates::from_feed(message);
                    if let Ok(tt) = self.table() {
                        trips.find_copied(tt.table());
                    }
                    live.trips = Arc::new(trips);
                }
                Kind::VehiclePositions => live.vehicles = Arc::new(Vehicles::from_feed(message)),
                Kind::Alerts => {}
            }
        }
        if let Ok(mut feeds) = self.feeds.write() {
            *feeds = updated;
        }
        if let Ok(mut slot) = self.live.write() {
            *slot = live;
        }
    }

    /// The trip updates to apply now, and how old they are; an error when
    /// they are out of reach or stale (the rows then fall back).
    pub(super) fn trips_now(&self) -> Result<(Arc<TripUpdates>, Option<Timestamp>), NetError> {
        let now = self.now();
        let Some(state) = self
            .feed_states()
            .into_iter()
            .find(|f| f.kind == Kind::TripUpdates)
        else {
            // No trip updates: the timetable, marked theoretical.
            return Ok((Arc::new(TripUpdates::default()), None));
        };
        let age = state.age(now);
        let data_at = state.header.timestamp.or(state.fetched_at);
        let stale = age.is_some_and(|a| a > self.stale_after());
        match (&state.error, state.message.is_some()) {
            // The last fetch failed: said as for any network, whose
            // fallback keeps the last rows, marked old, then the timetable.
            (Some(e), _) => return Err(e.clone()),
            (None, false) => {
                return Err(NetError::new(
                    ErrorKind::Unreachable,
                    crate::i18n::tf("feed_not_read_yet", &[("what", Kind::TripUpdates.shown())]),
                ));
            }
            _ => {}
        }
        if stale {
            let age = crate::domain::age_text(age.map_or(0, |a| a.as_secs()));
            // The timetable the rows fall back on has expired too: nothing
            // can be shown, and that is what to say.
            let expired = self
                .table()
                .ok()
                .and_then(|tt| tt.table().expired(now))
                .map(|day| day.to_string());
            let text = match expired {
                Some(day) => crate::i18n::tf(
                    "feed_stale_expired",
                    &[
                        ("what", Kind::TripUpdates.shown()),
                        ("age", &age),
                        ("day", &day),
                    ],
                ),
                None => crate::i18n::tf(
                    "feed_stale_detail",
                    &[
                        ("what", Kind::TripUpdates.shown()),
                        ("age", &age),
                        (
                            "max",
                            &crate::domain::age_text(self.stale_after().as_secs()),
                        ),
                    ],
                ),
            };
            return Err(NetError::new(ErrorKind::Stale, text));
        }
        let trips = self
            .live
            .read()
            .map(|l| Arc::clone(&l.trips))
            .unwrap_or_default();
        Ok((trips, data_at))
    }

    pub(super) fn vehicles(&self) -> Arc<Vehicles> {
        self.live
            .read()
            .map(|l| Arc::clone(&l.vehicles))
            .unwrap_or_default()
    }

    /// The alerts in force or planned, as messages.
    fn alert_messages(&self) -> Result<Vec<Message>, NetError> {
        let Some(state) = self
            .feed_states()
            .into_iter()
            .find(|f| f.kind == Kind::Alerts)
        else {
            return Ok(Vec::new());
        };
        let Some(message) = &state.message else {
            return Err(state.error.clone().unwrap_or_else(|| {
                NetError::new(
                    ErrorKind::Unreachable,
                    crate::i18n::tf("feed_not_read_yet", &[("what", Kind::Alerts.shown())]),
                )
            }));
        };
        let table = self.table().ok();
        Ok(super::alerts::messages(
            message,
            table.as_deref().map(TimetableNetwork::table),
            crate::i18n::current().code(),
            self.now(),
        ))
    }

    /// The stop updates whose `stop_sequence` and `stop_id` disagree
    /// (`quai networks check`).
    fn stop_disagreements(&self) -> Option<crate::network::check::StopDisagreements> {
        let tt = self.table().ok()?;
        let trips = self.live.read().ok().map(|l| Arc::clone(&l.trips))?;
        let (count, example) = trips.disagreements(tt.table());
        Some(crate::network::check::StopDisagreements { count, example })
    }

    /// What the trip updates name that the timetable does not have or
    /// run, as of their own time (else `now`).
    fn findings(&self, now: Timestamp) -> Vec<crate::network::check::Finding> {
        let Ok(tt) = self.table() else {
            return Vec::new();
        };
        let at = self
            .feed_states()
            .iter()
            .find(|f| f.kind == Kind::TripUpdates)
            .and_then(|f| f.header.timestamp)
            .unwrap_or(now);
        let Some(trips) = self.live.read().ok().map(|l| Arc::clone(&l.trips)) else {
            return Vec::new();
        };
        trips.audit(tt.table(), at)
    }

    /// How many of the trip updates' trips the timetable has (`quai
    /// networks check`).
    fn matching_trips(&self) -> Option<(usize, usize)> {
        let tt = self.table().ok()?;
        let table = tt.table();
        let trips = self.live.read().ok().map(|l| Arc::clone(&l.trips))?;
        let mut ids: Vec<&str> = (0..u32::try_from(table.trip_count()).unwrap_or(0))
            .map(|t| table.trip_id(t))
            .collect();
        ids.sort_unstable();
        let named: Vec<&str> = trips.trip_ids().collect();
        let found = named
            .iter()
            .filter(|id| ids.binary_search(id).is_ok())
            .count();
        Some((found, named.len()))
    }
}

impl FeedNetwork {
    /// A vehicle's last report, by the name its departures show.
    async fn vehicle_report(&self, number: &str) -> Result<live::VehicleReport, NetError> {
        self.refresh(false).await;
        self.vehicles().named(number).cloned().ok_or_else(|| {
            NetError::new(
                ErrorKind::Unsupported,
                crate::i18n::tf("vehicle_not_in_feed", &[("number", number)]),
            )
        })
    }
}

fn occupancy(code: Option<i32>) -> CrowdLevel {
    match code {
        Some(0..=1) => CrowdLevel::Low,
        Some(2) => CrowdLevel::Moderate,
        Some(3..=6) => CrowdLevel::High,
        _ => CrowdLevel::Unknown,
    }
}

impl crate::network::Network for FeedNetwork {
    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn attribution(&self) -> &str {
        "GTFS, GTFS-Realtime"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            vehicle_details: self.has(Kind::VehiclePositions),
            ..Capabilities::default()
        }
    }

    /// Its timetable's zone, once one is read.
    fn zone(&self, network: &str) -> Option<jiff::tz::TimeZone> {
        let table = self.timetable.read().ok()?;
        table.as_ref()?.zone(network)
    }

    fn is_local(&self) -> bool {
        self.feeds
            .read()
            .is_ok_and(|f| f.iter().all(|f| crate::network::http::is_loopback(&f.url)))
    }

    fn stops(&self) -> NetFuture<'_, StopList> {
        Box::pin(async move { self.table()?.stops().await })
    }

    fn lines_at<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<BoardLine>> {
        Box::pin(async move {
            let tt = self.table()?;
            let stops: Vec<u32> = stop_ids
                .iter()
                .filter_map(|id| tt.table().find_stop(id))
                .collect();
            Ok(tt.lines_of(&stops))
        })
    }

    fn departures<'a>(
        &'a self,
        rows: &'a [RowRequest],
        per_row: PerRow,
    ) -> NetFuture<'a, Vec<RowResult>> {
        Box::pin(async move {
            let tt = self.table()?;
            self.refresh(false).await;
            let (trips, data_at) = self.trips_now()?;
            let vehicles = self.vehicles();
            let data_at = data_at.map(|t| t.checked_sub(self.shift).unwrap_or(t));
            Ok(rows
                .iter()
                .map(|row| {
                    let (departures, dropped) =
                        self.row(&tt, &trips, &vehicles, (row, rows), usize::from(per_row.get()));
                    RowResult {
                        in_answer: true,
                        position: None,
                        departures,
                        error: None,
                        data_at: data_at.map(|t| t.min(crate::clock::now())),
                        timetable: false,
                        dropped,
                    }
                })
                .collect())
        })
    }

    fn arrivals(
        &self,
        row: &RowRequest,
        departures: &[crate::domain::Departure],
        fetched_at: Timestamp,
        to: &str,
    ) -> crate::destination::Arrivals {
        self.arrivals_of(row, departures, fetched_at, to)
    }

    fn calls(
        &self,
        row: &RowRequest,
        departures: &[crate::domain::Departure],
        fetched_at: Timestamp,
    ) -> Option<Vec<Vec<crate::destination::Call>>> {
        self.calls_of(row, departures, fetched_at)
    }

    fn messages(&self) -> NetFuture<'_, Vec<Message>> {
        Box::pin(async move {
            self.refresh(false).await;
            self.alert_messages()
        })
    }

    fn schedule_note(&self) -> Option<String> {
        Some(crate::i18n::tf(
            "feed_schedule",
            &[("s", &self.refresh.as_secs().to_string())],
        ))
    }

    fn rows_change_every(&self) -> Option<Duration> {
        // Rows come from the timetable: those of the day.
        None
    }

    fn vehicle<'a>(&'a self, number: &'a str) -> NetFuture<'a, Vehicle> {
        Box::pin(async move {
            let v = self.vehicle_report(number).await?;
            Ok(Vehicle {
                number: v.name.clone(),
                kind: String::new(),
                accessibility: Accessibility::Unknown,
                air_conditioning: None,
                usb_sockets: None,
                audio_announcements: None,
                visual_announcements: None,
                energy: Energy::Unknown,
            })
        })
    }

    fn vehicle_live<'a>(&'a self, number: &'a str) -> NetFuture<'a, VehicleLive> {
        Box::pin(async move {
            let v = self.vehicle_report(number).await?;
            let tt = self.table().ok();
            let stop = v
                .stop_id
                .as_deref()
                .and_then(|id| {
                    let tt = tt.as_ref()?;
                    let s = tt.table().find_stop(id)?;
                    Some(crate::sanitize::line(tt.table().stop_name(s)))
                })
                .or_else(|| v.stop_id.clone());
            let mut parts = Vec::new();
            if let Some(at) = v.at {
                let zone = tt
                    .as_ref()
                    .map_or_else(crate::domain::default_zone, |t| t.table().zone().clone());
                let at = at.checked_sub(self.shift).unwrap_or(at);
                parts.push(crate::i18n::tf(
                    "vehicle_position_at",
                    &[("time", &crate::ui::view::clock_text(at, &zone))],
                ));
            }
            if let Some(stop) = stop {
                let key = match v.status {
                    super::proto::vehicle_status::STOPPED_AT => "vehicle_stopped_at",
                    super::proto::vehicle_status::INCOMING_AT => "vehicle_incoming_at",
                    _ => "vehicle_in_transit_to",
                };
                parts.push(crate::i18n::tf(key, &[("stop", &stop)]));
            }
            let crowding = occupancy(v.occupancy);
            Ok(VehicleLive {
                number: v.name.clone(),
                crowding,
                crowding_text: String::new(),
                passengers: None,
                load: Load::Unknown,
                position_text: parts.join(" · "),
            })
        })
    }
}
