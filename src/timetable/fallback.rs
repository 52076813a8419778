//! [`WithTimetable`]: a live network whose missing rows are filled from
//! its timetable ([`TimetableNetwork`]) when live times are out of reach,
//! without contradicting what the network said (a row not served, a line
//! interrupted). Keeping that timetable current (the day's background
//! update, one compiled by another process) is [`update`]'s.

mod update;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::time::Instant;

use jiff::SignedDuration;

use super::Timetable;
use super::source::TimetableNetwork;
use crate::domain::{BoardLine, Departure, Position, Stop, WaitTime};
use crate::network::{
    Capabilities, NetError, NetFuture, NetworkInfo, PerRow, QuotaReport, RowRequest, RowResult,
    Source, StopList,
};

pub use update::{Refresh, allow_background_updates};

/// The timetable a live network falls back to; replaced in place when the
/// background update compiles a new one.
pub type Shared = Arc<RwLock<Option<Arc<TimetableNetwork>>>>;

/// A live network whose missing rows come from its timetable: a failed
/// refresh once the last good one is older than [`STALE_AFTER`], a
/// refused key, a row or place left out of an answer, a row of a place
/// whose network is down. The row keeps the reason, and the heading says
/// it; live data replaces it with the next good answer.
pub struct WithTimetable {
    live: Source,
    timetable: Shared,
    refresh: Option<Arc<Refresh>>,
    last_ok: Mutex<Option<Instant>>,
    /// The live network's stops (name, position), to find the same place
    /// in a timetable whose ids differ (by name and distance).
    known: Mutex<std::collections::HashMap<String, (String, Option<Position>)>>,
    /// Some place's rows are the timetable's (the network was down when
    /// they were looked up): they are looked up again every minute.
    rows_from_timetable: AtomicBool,
    /// What the live network last said that the timetable must not
    /// contradict: rows it said are not served ("Travaux", every departure
    /// cancelled), and the public numbers of interrupted lines.
    not_served: Mutex<std::collections::HashSet<(String, String, bool, String)>>,
    interrupted: Mutex<std::collections::HashSet<String>>,
    /// Public numbers of the line ids seen (messages name numbers).
    numbers: Mutex<std::collections::HashMap<String, String>>,
    /// The timetable's stops of each live place already looked up, for
    /// the index they were found in.
    mapped: Mutex<(Option<Arc<Timetable>>, Mapped)>,
    /// When the store's index was last looked at, and its modification
    /// time then: one compiled since (`quai timetable update` run beside a
    /// board or kiosk started without one) is opened.
    on_disk: Mutex<(Option<Instant>, Option<std::time::SystemTime>)>,
    /// Where a timetable compiled later is looked for when nothing
    /// refreshes it, and the id and name of its network.
    watched: Option<(super::store::Store, String, String)>,
}

/// A live place's stop ids and the timetable's stops they are.
type Mapped = std::collections::HashMap<Vec<String>, Vec<u32>>;

/// How often rows looked up in the timetable are looked up live again.
const ROWS_AGAIN_EVERY: Duration = Duration::from_secs(60);

/// A row left out of a live answer is filled with the timetable's
/// departures of the next hour only.
const LEFT_OUT_HORIZON: SignedDuration = SignedDuration::from_mins(60);

/// The board's own rule: data older than this is stale.
const STALE_AFTER: Duration = crate::model::STALE_AFTER;

impl WithTimetable {
    pub fn new(live: Source, timetable: Shared) -> WithTimetable {
        WithTimetable {
            live,
            timetable,
            refresh: None,
            last_ok: Mutex::new(None),
            known: Mutex::new(std::collections::HashMap::new()),
            rows_from_timetable: AtomicBool::new(false),
            mapped: Mutex::new((None, Mapped::new())),
            not_served: Mutex::new(std::collections::HashSet::new()),
            interrupted: Mutex::new(std::collections::HashSet::new()),
            numbers: Mutex::new(std::collections::HashMap::new()),
            on_disk: Mutex::new((None, None)),
            watched: None,
        }
    }

    /// Looks for network `id`'s timetable compiled later in `store`, when
    /// nothing refreshes it (a screen reading its boards from a broker
    /// falls back to every network's local timetable).
    pub(crate) fn watching(
        mut self,
        store: super::store::Store,
        id: &str,
        name: &str,
    ) -> WithTimetable {
        self.watched = Some((store, id.to_string(), name.to_string()));
        self
    }

    /// Where the timetable is kept and fetched from: the boards refresh it
    /// once a day in the background (see [`allow_background_updates`]).
    pub fn refreshed_by(mut self, refresh: Option<Refresh>) -> WithTimetable {
        self.refresh = refresh.map(Arc::new);
        self
    }

    /// The timetable to fall back to: none when it has expired (its last
    /// service day is past), which the status line says instead.
    fn table(&self) -> Option<Arc<TimetableNetwork>> {
        self.pick_up_compiled();
        let table = self.timetable.read().ok()?.clone()?;
        // The last service day's trips run past midnight: a day's grace.
        let yesterday = table
            .now()
            .checked_sub(SignedDuration::from_hours(24))
            .ok()?;
        table.table().expired(yesterday).is_none().then_some(table)
    }

    /// The day the timetable's service ended, when it has.
    fn expired(&self) -> Option<jiff::civil::Date> {
        let table = self.timetable.read().ok()?.clone()?;
        table.table().expired(table.now())
    }

    /// A live place's name and position, as its network's stop list says.
    fn place_of(&self, stop_ids: &[String]) -> (String, Option<Position>) {
        let Ok(known) = self.known.lock() else {
            return (String::new(), None);
        };
        let name = stop_ids
            .iter()
            .find_map(|id| known.get(id).map(|k| k.0.clone()))
            .unwrap_or_default();
        let near = stop_ids
            .iter()
            .find_map(|id| known.get(id).and_then(|k| k.1));
        (name, near)
    }

    /// The timetable's stops of a live place, looked up once per index.
    fn stops_in(&self, t: &TimetableNetwork, stop_ids: &[String], name: &str) -> Vec<u32> {
        // Held here, the index cannot be freed and another take its place.
        let current = t.shared_table();
        let same =
            |held: &Option<Arc<Timetable>>| held.as_ref().is_some_and(|h| Arc::ptr_eq(h, current));
        if let Ok(mapped) = self.mapped.lock()
            && same(&mapped.0)
            && let Some(stops) = mapped.1.get(stop_ids)
        {
            return stops.clone();
        }
        let (known_name, near) = self.place_of(stop_ids);
        let name = if name.is_empty() { &known_name } else { name };
        let stops = t.stops_for(stop_ids, name, near);
        // Not found may only mean the live stop list is not known yet.
        if stops.is_empty() {
            return stops;
        }
        if let Ok(mut mapped) = self.mapped.lock() {
            if !same(&mapped.0) {
                *mapped = (Some(Arc::clone(current)), Mapped::new());
            }
            mapped.1.insert(stop_ids.to_vec(), stops.clone());
        }
        stops
    }

    fn row_key(row: &RowRequest) -> (String, String, bool, String) {
        (
            row.place.clone(),
            row.line_id.clone(),
            row.outbound,
            row.destination.clone(),
        )
    }

    /// Remembers what a live answer says of a row: not served, or served.
    fn note_live(&self, row: &RowRequest, result: &RowResult) {
        if !result.in_answer || result.error.is_some() || result.timetable {
            return;
        }
        let not_served = !result.departures.is_empty()
            && result.departures.iter().all(|d| {
                d.status == crate::domain::Status::Cancelled
                    || matches!(d.time, WaitTime::Text { .. })
            });
        if let Ok(mut set) = self.not_served.lock() {
            if not_served {
                set.insert(Self::row_key(row));
            } else {
                set.remove(&Self::row_key(row));
            }
        }
        if let Some(d) = result.departures.first()
            && let Ok(mut numbers) = self.numbers.lock()
        {
            numbers.insert(row.line_id.clone(), d.line.number.clone());
        }
    }

    /// Whether the timetable would contradict what the network said: the
    /// row is not served, or its line is interrupted.
    fn contradicted(&self, row: &RowRequest) -> bool {
        let not_served = self
            .not_served
            .lock()
            .is_ok_and(|set| set.contains(&Self::row_key(row)));
        let number = self
            .numbers
            .lock()
            .ok()
            .and_then(|n| n.get(&row.line_id).cloned());
        let interrupted =
            number.is_some_and(|n| self.interrupted.lock().is_ok_and(|set| set.contains(&n)));
        not_served || interrupted
    }

    fn fill(&self, t: &TimetableNetwork, row: &RowRequest, per_row: PerRow) -> Vec<Departure> {
        if self.contradicted(row) {
            return Vec::new();
        }
        let stops = self.stops_in(t, &row.stop_ids, &row.place);
        t.row(row, &stops, usize::from(per_row.get()))
    }

    /// A live answer, its failed or left-out rows filled from the timetable
    /// (a row whose network's own last answer is recent keeps it).
    fn fill_answer(
        &self,
        t: &TimetableNetwork,
        rows: &[RowRequest],
        mut results: Vec<RowResult>,
        per_row: PerRow,
    ) -> Vec<RowResult> {
        if results.iter().any(|r| r.error.is_none())
            && let Ok(mut last) = self.last_ok.lock()
        {
            *last = Some(Instant::now());
        }
        let now = crate::clock::now();
        for (row, result) in rows.iter().zip(results.iter_mut()) {
            self.note_live(row, result);
            // A row that failed keeps the network's own last
            // answer while it is younger than the board's 30 s.
            let old = result
                .data_at
                .is_none_or(|at| now.duration_since(at).unsigned_abs() > STALE_AFTER);
            if (result.error.is_some() || !result.in_answer) && old {
                let mut filled = self.fill(t, row, per_row);
                // A row the live answer leaves out may just have
                // nothing soon (at night): only a departure the
                // timetable has soon says live times are missing.
                if result.error.is_none() {
                    let soon = now.checked_add(LEFT_OUT_HORIZON).unwrap_or(now);
                    filled.retain(
                        |d| matches!(d.time, WaitTime::At { expected, .. } if expected <= soon),
                    );
                }
                if !filled.is_empty() {
                    result.departures = filled;
                    result.in_answer = true;
                    result.data_at = None;
                    result.timetable = true;
                }
            }
        }
        results
    }

    /// No live answer at all: the timetable's rows once the last good
    /// answer is older than the board's 30 s; the error while it is not,
    /// or when the timetable has nothing for any row.
    fn fill_failure(
        &self,
        t: &TimetableNetwork,
        rows: &[RowRequest],
        e: NetError,
        per_row: PerRow,
    ) -> Result<Vec<RowResult>, NetError> {
        let recent = self
            .last_ok
            .lock()
            .ok()
            .and_then(|l| *l)
            .is_some_and(|at| at.elapsed() < STALE_AFTER);
        // Within the board's 30 s the last live times stay,
        // marked old; after, the timetable's.
        if recent {
            return Err(e);
        }
        let results: Vec<RowResult> = rows
            .iter()
            .map(|row| {
                let departures = self.fill(t, row, per_row);
                // A row the timetable has nothing for keeps what
                // it showed, marked old.
                let filled = !departures.is_empty();
                RowResult {
                    in_answer: filled,
                    position: None,
                    departures,
                    error: Some(e.clone()),
                    data_at: None,
                    timetable: filled,
                    dropped: 0,
                }
            })
            .collect();
        if results.iter().any(|r| r.timetable) {
            Ok(results)
        } else {
            Err(e)
        }
    }
}

impl crate::network::Network for WithTimetable {
    fn id(&self) -> &str {
        self.live.id()
    }

    fn name(&self) -> &str {
        self.live.name()
    }

    fn attribution(&self) -> &str {
        self.live.attribution()
    }

    fn capabilities(&self) -> Capabilities {
        self.live.capabilities()
    }

    fn networks(&self) -> Vec<NetworkInfo> {
        self.live.networks()
    }

    fn zone(&self, network: &str) -> Option<jiff::tz::TimeZone> {
        self.live.zone(network).or_else(|| {
            let table = self.timetable.read().ok()?;
            table.as_ref()?.zone(network)
        })
    }

    fn network_of(&self, stop_id: &str) -> Option<NetworkInfo> {
        self.live.network_of(stop_id)
    }

    fn is_local(&self) -> bool {
        self.live.is_local()
    }

    fn stops(&self) -> NetFuture<'_, StopList> {
        Box::pin(async {
            match self.live.stops().await {
                Ok(list) => {
                    if let Ok(mut known) = self.known.lock() {
                        known.clear();
                        known.extend(
                            list.stops
                                .iter()
                                .map(|s| (s.id.clone(), (s.name.clone(), s.position))),
                        );
                    }
                    Ok(list)
                }
                // No stop list at all (never fetched, nothing cached): the
                // timetable's, for a network with the same ids.
                Err(e) => match self.table() {
                    Some(t) => Ok(StopList {
                        stops: t.all_stops(),
                        stale: true,
                    }),
                    None => Err(e),
                },
            }
        })
    }

    fn exact_name<'a>(&'a self, query: &'a str) -> NetFuture<'a, Option<String>> {
        Box::pin(async move {
            match self.live.exact_name(query).await {
                Err(_) if self.table().is_some() => Ok(None),
                other => other,
            }
        })
    }

    fn lines_at<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<BoardLine>> {
        Box::pin(async move {
            match self.live.lines_at(stop_ids).await {
                Err(e) => match self.table() {
                    Some(t) => {
                        let stops = self.stops_in(&t, stop_ids, "");
                        let lines = t.direction_lines_of(&stops);
                        if lines.is_empty() {
                            Err(e)
                        } else {
                            self.rows_from_timetable.store(true, Ordering::Relaxed);
                            Ok(lines)
                        }
                    }
                    None => Err(e),
                },
                ok => {
                    self.rows_from_timetable.store(false, Ordering::Relaxed);
                    ok
                }
            }
        })
    }

    fn departures<'a>(
        &'a self,
        rows: &'a [RowRequest],
        per_row: PerRow,
    ) -> NetFuture<'a, Vec<RowResult>> {
        Box::pin(async move {
            let live = self.live.departures(rows, per_row).await;
            self.refresh_if_due();
            let Some(t) = self.table() else {
                return live;
            };
            match live {
                Ok(results) => Ok(self.fill_answer(&t, rows, results, per_row)),
                Err(e) => self.fill_failure(&t, rows, e, per_row),
            }
        })
    }

    fn arrivals(
        &self,
        row: &RowRequest,
        departures: &[crate::domain::Departure],
        fetched_at: jiff::Timestamp,
        to: &str,
    ) -> crate::destination::Arrivals {
        // The live network's own word (a feed's trip updates), else the
        // timetable's.
        let live = self.live.arrivals(row, departures, fetched_at, to);
        if live != crate::destination::Arrivals::Unavailable {
            return live;
        }
        let Some(t) = self.table() else {
            return crate::destination::Arrivals::Unavailable;
        };
        let found = t.arrivals_with(
            row,
            departures,
            fetched_at,
            (to, super::arrivals::MATCH_WITHIN),
            &|_, _| super::arrivals::LiveCall::Unknown,
        );
        // The network's own arrival (the same vehicle expected at the
        // destination) replaces the estimate of a trip that calls there:
        // the one nearest it, within what a delay explains (further off,
        // it is the vehicle's other pass there).
        let live = self.live.live_arrivals(row, departures, fetched_at, to);
        match found {
            crate::destination::Arrivals::Found(mut found) if !live.is_empty() => {
                for (arrival, live) in found.iter_mut().zip(live) {
                    let Some(a) = arrival
                        .as_mut()
                        .filter(|a| a.origin == crate::destination::ArrivalOrigin::Estimated)
                    else {
                        continue;
                    };
                    let nearest = live
                        .into_iter()
                        .map(|at| (at, at.duration_since(a.at).abs()))
                        .filter(|(_, gap)| *gap <= super::arrivals::MATCH_WITHIN)
                        .min_by_key(|(_, gap)| *gap);
                    if let Some((at, _)) = nearest {
                        *a = crate::destination::Arrival {
                            at,
                            origin: crate::destination::ArrivalOrigin::Live,
                        };
                    }
                }
                crate::destination::Arrivals::Found(found)
            }
            other => other,
        }
    }

    fn live_arrivals(
        &self,
        row: &RowRequest,
        departures: &[crate::domain::Departure],
        fetched_at: jiff::Timestamp,
        to: &str,
    ) -> Vec<Vec<jiff::Timestamp>> {
        self.live.live_arrivals(row, departures, fetched_at, to)
    }

    fn calls(
        &self,
        row: &RowRequest,
        departures: &[crate::domain::Departure],
        fetched_at: jiff::Timestamp,
    ) -> Option<Vec<Vec<crate::destination::Call>>> {
        self.live
            .calls(row, departures, fetched_at)
            .or_else(|| self.table()?.calls(row, departures, fetched_at))
    }

    fn messages(&self) -> NetFuture<'_, Vec<crate::domain::Message>> {
        Box::pin(async move {
            let messages = self.live.messages().await?;
            // An interrupted line gets no theoretical times.
            if let Ok(mut set) = self.interrupted.lock() {
                set.clear();
                set.extend(
                    messages
                        .iter()
                        .filter(|m| m.severity == crate::domain::Severity::Interrupted)
                        .flat_map(|m| m.lines.iter().cloned()),
                );
            }
            Ok(messages)
        })
    }

    fn unknown_place(&self, query: &str) -> String {
        self.live.unknown_place(query)
    }

    fn schedule_note(&self) -> Option<String> {
        let live = self.live.schedule_note();
        match self.expired() {
            Some(day) => {
                let expired =
                    crate::i18n::tf("timetable_expired_note", &[("day", &day.to_string())]);
                Some(live.map_or(expired.clone(), |n| format!("{n} · {expired}")))
            }
            None => live,
        }
    }

    fn rows_change_every(&self) -> Option<Duration> {
        let live = self.live.rows_change_every();
        if self.rows_from_timetable.load(Ordering::Relaxed) {
            return Some(live.map_or(ROWS_AGAIN_EVERY, |l| l.min(ROWS_AGAIN_EVERY)));
        }
        live
    }

    fn quota(&self) -> Vec<QuotaReport> {
        self.live.quota()
    }

    fn member(&self, id: &str) -> Option<Source> {
        self.live.member(id)
    }

    fn lifts<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<crate::domain::Lift>> {
        self.live.lifts(stop_ids)
    }

    fn line_states(&self) -> NetFuture<'_, Vec<crate::domain::LineStatus>> {
        self.live.line_states()
    }

    fn nearby(&self, at: Position) -> NetFuture<'_, Vec<Stop>> {
        self.live.nearby(at)
    }

    fn fares(&self) -> NetFuture<'_, Vec<crate::domain::Fare>> {
        self.live.fares()
    }

    fn vehicle<'a>(&'a self, number: &'a str) -> NetFuture<'a, crate::domain::Vehicle> {
        self.live.vehicle(number)
    }

    fn vehicle_live<'a>(&'a self, number: &'a str) -> NetFuture<'a, crate::domain::VehicleLive> {
        self.live.vehicle_live(number)
    }

    fn forecast<'a>(
        &'a self,
        stop_id: &'a str,
        line_id: &'a str,
        outbound: bool,
    ) -> NetFuture<'a, Vec<crate::domain::CrowdForecast>> {
        self.live.forecast(stop_id, line_id, outbound)
    }
}
