//! The board's model: places resolved to the lines and directions that serve
//! them, the latest departures, and what each time shows (countdowns
//! corrected by the time since the fetch, "Non localisé", texts), how old the
//! data is, and the poller's back-off schedule. No IO here.

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

pub use crate::domain::BoardLine;
use crate::domain::{
    Accessibility, CrowdLevel, Departure, Load, Message, Origin, Severity, Status, WaitTime,
};
use crate::network::{NetError, RowRequest, RowResult};

/// How long the departures of a place left out of the answers are kept
/// when they cannot be counted down (clock times, texts).
pub const KEEP_MISSING: Duration = Duration::from_secs(5 * 60);
/// Data older than this is shown as stale.
pub const STALE_AFTER: Duration = Duration::from_secs(30);
/// Alternating texts switch every 3 seconds.
pub const ALTERNATE_EVERY_S: i64 = 3;
/// The shortest refresh period allowed.
pub const MIN_REFRESH: Duration = Duration::from_secs(5);
/// The shortest refresh period against a server on this machine.
pub const MIN_LOCAL_REFRESH: Duration = Duration::from_secs(1);
/// After failures the refresh period grows (2, 4, 6 times) up to this.
pub const MAX_BACK_OFF: Duration = Duration::from_secs(60);

/// A place as the user named it, resolved to its exact name, stops and lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedPlace {
    /// The network the place belongs to: its ids mean something there only.
    pub network: String,
    /// The network's name, for the headings of a board that mixes them.
    pub network_name: String,
    /// Why its lines could not be had (its network is down, its quota
    /// spent): the other places are shown, this one says why.
    #[serde(skip)]
    pub problem: Option<NetError>,
    pub query: String,
    /// The favourite's label, if any.
    pub label: Option<String>,
    pub name: String,
    pub stop_ids: Vec<String>,
    pub lines: Vec<BoardLine>,
    /// Minutes on foot to the place, when known: what cannot be caught is
    /// dimmed and each row says when to leave.
    pub walk: Option<u32>,
}

impl ResolvedPlace {
    /// Sorts the lines the way the network orders them: kind, then number,
    /// outbound before inbound.
    pub fn sort_lines(&mut self) {
        self.lines.sort_by_key(BoardLine::order_key);
        self.lines.dedup_by(|a, b| {
            a.line.id == b.line.id && a.outbound == b.outbound && a.destination == b.destination
        });
    }
}

/// The whole board: places, their departures, and how fresh they are.
#[derive(Debug, Clone, Default)]
pub struct Board {
    pub places: Vec<ResolvedPlace>,
    /// `departures[place][line]`, aligned with `places[place].lines`.
    pub departures: Vec<Vec<Vec<Departure>>>,
    /// When the shown departures were fetched. Every countdown's seconds
    /// are counted from then.
    pub fetched_at: Option<Timestamp>,
    /// When each place's departures were last in an answer: older than
    /// `fetched_at` (or `None`) when the last answers left the place out.
    pub place_fetched_at: Vec<Option<Timestamp>>,
    /// The last failure since the last success.
    pub last_error: Option<NetError>,
    pub messages: Vec<Message>,
    /// Places that the network does not know.
    pub unknown: Vec<String>,
    /// The places are resolved (even if there are none).
    pub resolved: bool,
    /// The lines' traffic states.
    pub line_states: Vec<crate::domain::LineStatus>,
    /// Why a place's rows could not be fetched with the others (its
    /// network is down, its quota spent), aligned with `places`.
    pub place_errors: Vec<Option<NetError>>,
    /// The place's departures come from its network's last answer, older
    /// than the call (a network polled on its own schedule).
    pub place_cached: Vec<bool>,
    /// The place's rows are the published timetable's: live times are
    /// missing (`place_errors` says why, when it is known).
    pub place_timetable: Vec<bool>,
    /// The lift status of the places that have one, by their stop ids.
    pub lifts: std::collections::HashMap<Vec<String>, Result<Vec<crate::domain::Lift>, NetError>>,
    /// How often the networks are asked, when they say it.
    pub schedule_note: Option<String>,
}

impl Board {
    pub fn new(places: Vec<ResolvedPlace>) -> Board {
        let departures = places
            .iter()
            .map(|p| vec![Vec::new(); p.lines.len()])
            .collect();
        Board {
            place_fetched_at: vec![None; places.len()],
            place_errors: places.iter().map(|p| p.problem.clone()).collect(),
            place_cached: vec![false; places.len()],
            place_timetable: vec![false; places.len()],
            places,
            departures,
            resolved: true,
            ..Board::default()
        }
    }

    /// Takes over the departures of the rows that `before` showed too (the
    /// same place, line, direction and destination), with their age: rows
    /// looked at again do not blank the board until the next answer.
    pub fn keep_departures_of(&mut self, before: &Board) {
        let mut kept = false;
        for (p, place) in self.places.iter().enumerate() {
            let Some(q) = before
                .places
                .iter()
                .position(|o| o.name == place.name && o.network == place.network)
            else {
                continue;
            };
            for (l, line) in place.lines.iter().enumerate() {
                let old = before.places[q].lines.iter().position(|o| {
                    o.line.id == line.line.id
                        && o.outbound == line.outbound
                        && o.destination == line.destination
                });
                if let Some(departures) = old.and_then(|o| before.departures.get(q)?.get(o)) {
                    self.departures[p][l] = departures.clone();
                    kept = true;
                }
            }
            self.place_fetched_at[p] = before.place_fetched_at.get(q).copied().flatten();
            self.place_errors[p] = before.place_errors.get(q).cloned().flatten();
            self.place_cached[p] = before.place_cached.get(q).copied().unwrap_or(false);
            self.place_timetable[p] = before.place_timetable.get(q).copied().unwrap_or(false);
        }
        if kept {
            self.fetched_at = before.fetched_at;
            self.last_error = before.last_error.clone();
        }
    }

    /// The requests that fetch every row of the board, in board order.
    pub fn requests(&self) -> Vec<RowRequest> {
        self.places
            .iter()
            .flat_map(|p| {
                p.lines.iter().map(|l| RowRequest {
                    place: p.name.clone(),
                    stop_ids: p.stop_ids.clone(),
                    line_id: l.line.id.clone(),
                    outbound: l.outbound,
                    destination: l.destination.clone(),
                })
            })
            .collect()
    }

    /// Stores a successful fetch (results in the order of [`Board::requests`]).
    pub fn apply(&mut self, at: Timestamp, results: Vec<RowResult>) {
        // The countdowns kept are brought to `at`, from which all count.
        let moved = self
            .fetched_at
            .map_or(0, |before| at.duration_since(before).as_secs().max(0));
        let mut results = results.into_iter();
        for (p, place) in self.places.iter().enumerate() {
            let fresh: Vec<Option<RowResult>> =
                place.lines.iter().map(|_| results.next()).collect();
            if let Some(slot) = self.place_errors.get_mut(p) {
                *slot = fresh
                    .iter()
                    .flatten()
                    .find_map(|r| r.error.clone())
                    .or_else(|| place.problem.clone());
            }
            // A place left out of the answer may have no departure left
            // (the API leaves such places out), or the answer may be
            // incomplete: its departures still to come are kept, shown as
            // old (see `place_behind`), until they pass.
            if let Some(slot) = self.place_timetable.get_mut(p) {
                *slot = fresh.iter().flatten().any(|r| r.timetable);
            }
            if fresh.iter().flatten().any(|r| r.in_answer) {
                let data_at = fresh.iter().flatten().filter_map(|r| r.data_at).min();
                for (l, result) in fresh.into_iter().enumerate() {
                    // A row that failed and was not answered keeps what it
                    // showed ("Travaux" stays rather than a blank).
                    match result {
                        Some(result) if result.in_answer || result.error.is_none() => {
                            self.departures[p][l] = result.departures;
                        }
                        // Kept: counted down from their own fetch, and
                        // gone once passed, as a place left out.
                        Some(_) => self.departures[p][l].retain_mut(|d| match &mut d.time {
                            WaitTime::Countdown {
                                seconds: Some(s), ..
                            } => {
                                *s -= moved;
                                *s > -60
                            }
                            WaitTime::At { expected, .. } => {
                                at.duration_since(*expected).as_secs() < 60
                            }
                            _ => true,
                        }),
                        None => {}
                    }
                }
                self.place_fetched_at[p] = Some(data_at.unwrap_or(at).min(at));
                if let Some(cached) = self.place_cached.get_mut(p) {
                    *cached = data_at.is_some();
                }
            } else {
                let missing_for = self.place_fetched_at[p]
                    .map_or(KEEP_MISSING, |t| at.duration_since(t).unsigned_abs());
                for departures in &mut self.departures[p] {
                    departures.retain_mut(|d| match &mut d.time {
                        WaitTime::Countdown {
                            seconds: Some(s), ..
                        } => {
                            *s -= moved;
                            *s > -60
                        }
                        // Absolute times keep until they pass.
                        WaitTime::At { expected, .. } => {
                            at.duration_since(*expected).as_secs() < 60
                        }
                        _ => missing_for < KEEP_MISSING,
                    });
                }
            }
        }
        self.fetched_at = Some(at);
        self.last_error = None;
    }

    /// When a place was left out of the last answer yet still shows
    /// departures: when they were fetched.
    pub fn place_behind(&self, place: usize) -> Option<Timestamp> {
        let fetched = self.fetched_at?;
        let at = self.place_fetched_at.get(place).copied().flatten()?;
        // From the network's last answer, on its own schedule: as fresh as
        // it can be (the heading says from when), unless that failed.
        let on_schedule = self.place_cached.get(place).copied().unwrap_or(false)
            && self.place_errors.get(place).is_none_or(Option::is_none);
        (at < fetched && !on_schedule && !self.place_is_empty(place)).then_some(at)
    }

    /// When a place's departures are from its network's last answer, older
    /// than the board's last call: from when.
    pub fn place_data_at(&self, place: usize) -> Option<Timestamp> {
        let fetched = self.fetched_at?;
        let at = self.place_fetched_at.get(place).copied().flatten()?;
        let cached = self.place_cached.get(place).copied().unwrap_or(false);
        // Within a board's own refresh, it is as good as now.
        let older = at.duration_until(fetched).as_secs() > 10;
        (cached && older && self.place_behind(place).is_none()).then_some(at)
    }

    pub fn fail(&mut self, error: NetError) {
        self.last_error = Some(error);
    }

    /// The board of one of its places alone (its departures, age, errors;
    /// the messages, lifts and line states as they are).
    pub fn only(&self, place: usize) -> Board {
        fn pick<T: Clone>(v: &[T], at: usize) -> Vec<T> {
            v.get(at).cloned().into_iter().collect()
        }
        Board {
            places: pick(&self.places, place),
            departures: pick(&self.departures, place),
            fetched_at: self.fetched_at,
            place_fetched_at: pick(&self.place_fetched_at, place),
            last_error: self.last_error.clone(),
            messages: self.messages.clone(),
            unknown: Vec::new(),
            resolved: self.resolved,
            line_states: self.line_states.clone(),
            place_errors: pick(&self.place_errors, place),
            place_cached: pick(&self.place_cached, place),
            place_timetable: pick(&self.place_timetable, place),
            lifts: self.lifts.clone(),
            schedule_note: self.schedule_note.clone(),
        }
    }

    /// Whether a place's rows are the timetable's.
    pub fn place_from_timetable(&self, place: usize) -> bool {
        self.place_timetable.get(place).copied().unwrap_or(false)
    }

    /// Seconds since the data was fetched.
    pub fn age(&self, now: Timestamp) -> Option<Duration> {
        let at = self.fetched_at?;
        let seconds = now.duration_since(at).as_secs_f64().max(0.0);
        Some(Duration::from_secs_f64(seconds))
    }

    /// Stale: the last refresh failed, or the data is older than
    /// [`STALE_AFTER`].
    pub fn is_stale(&self, now: Timestamp) -> bool {
        self.last_error.is_some() || self.age(now).is_some_and(|age| age > STALE_AFTER)
    }

    /// Whether a place shows a time that is not live data within its
    /// network's freshness limit: the board's refresh is stale, the
    /// place's live times failed this time (a stale feed, an unreachable
    /// server, a spent quota…: its old rows or the timetable are shown in
    /// their place), or its rows were left out of the answers for longer
    /// than [`STALE_AFTER`]. A network with no live data at all (a
    /// timetable alone) is not stale: its times say they are theoretical.
    pub fn place_is_stale(&self, place: usize, now: Timestamp) -> bool {
        self.is_stale(now)
            || self.place_errors.get(place).is_some_and(Option::is_some)
            || self
                .place_behind(place)
                .is_some_and(|at| now.duration_since(at).unsigned_abs() > STALE_AFTER)
    }

    /// Whether any place shows a time that is not live within its
    /// network's limit ([`Board::place_is_stale`]), or the board's refresh
    /// is stale: `stale` in `--json`.
    pub fn shows_stale(&self, now: Timestamp) -> bool {
        self.is_stale(now) || (0..self.places.len()).any(|p| self.place_is_stale(p, now))
    }

    /// A line's traffic state when it is worth a mark (not normal, known).
    pub fn line_state(&self, line_id: &str) -> Option<crate::domain::LineState> {
        use crate::domain::LineState;
        self.line_states
            .iter()
            .find(|s| s.line.id == line_id)
            .map(|s| s.state)
            .filter(|s| !matches!(s, LineState::Normal | LineState::NoInformation))
    }

    pub fn key_refused(&self) -> bool {
        self.last_error
            .as_ref()
            .is_some_and(|e| e.key_refused().is_some())
    }

    /// Whether a place has no departure at all (night, end of service).
    pub fn place_is_empty(&self, place: usize) -> bool {
        self.departures
            .get(place)
            .is_none_or(|rows| rows.iter().all(Vec::is_empty))
    }

    /// Public numbers of the lines on the board.
    pub fn line_numbers(&self) -> Vec<String> {
        let mut numbers: Vec<String> = self
            .places
            .iter()
            .flat_map(|p| p.lines.iter().map(|l| l.line.number.clone()))
            .collect();
        numbers.sort();
        numbers.dedup();
        numbers
    }

    /// The message for the alert banner: the older API's `alerte`, else the
    /// most severe current message (interruption, ongoing disruption) about
    /// a line on the board.
    pub fn alert(&self) -> Option<&Message> {
        // A message of a mixed board is about its own network's lines only
        // (Ginko's T2 is not IDFM's).
        let mine = |m: &Message, p: &ResolvedPlace| m.network.is_empty() || p.network == m.network;
        if let Some(alert) = self
            .messages
            .iter()
            .find(|m| m.alert && (m.network.is_empty() || self.places.iter().any(|p| mine(m, p))))
        {
            return Some(alert);
        }
        self.messages
            .iter()
            .filter(|m| m.severity >= Severity::Ongoing)
            .filter(|m| {
                self.places
                    .iter()
                    .any(|p| mine(m, p) && p.lines.iter().any(|l| m.lines.contains(&l.line.number)))
            })
            .max_by_key(|m| m.severity)
    }
}

/// How a departure's time reads now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum TimeShown {
    /// A countdown, corrected for the time since the fetch.
    Countdown(String),
    /// A countdown from the timetable, shown marked [`THEORETICAL`].
    Theoretical(String),
    /// A clock time ("17h05"), or an older server's text, as sent.
    AsSent(String),
    /// The vehicle is not located: the time is theoretical.
    NotLocated,
    /// A word in place of the time ("Travaux", "Déviation"…), highlighted.
    Notice(String),
    /// The departure will not run.
    Cancelled,
}

impl TimeShown {
    pub fn text(&self) -> &str {
        match self {
            TimeShown::Countdown(t)
            | TimeShown::Theoretical(t)
            | TimeShown::AsSent(t)
            | TimeShown::Notice(t) => t,
            TimeShown::NotLocated => crate::i18n::t("not_located"),
            TimeShown::Cancelled => crate::i18n::t("cancelled"),
        }
    }
}

/// What marks a timetable time ("théorique").
pub fn theoretical() -> &'static str {
    crate::i18n::t("theoretical")
}

/// Rows from the published timetable, live times being out of reach
/// ("horaires théoriques").
pub fn theoretical_times() -> &'static str {
    crate::i18n::t("theoretical_times")
}

/// "à l'approche", "< 1 min", "7 min".
pub fn countdown_text(seconds: i64) -> String {
    let mut text = String::new();
    countdown_into(&mut text, seconds);
    text
}

/// [`countdown_text`] into `out`, which is cleared first (its memory is
/// kept: the board's second-by-second update allocates nothing).
fn countdown_into(out: &mut String, seconds: i64) {
    use std::fmt::Write;
    out.clear();
    match seconds {
        s if s <= 0 => out.push_str(crate::i18n::t("arriving")),
        s if s < 60 => out.push_str(crate::i18n::t("under_a_minute")),
        s => {
            let _ = write!(out, "{}{}", s / 60, crate::i18n::t("minutes_suffix"));
        }
    }
}

/// Whether an alternating departure shows its other text at `now_s`.
fn alternate_shown(now_s: i64) -> bool {
    (now_s / ALTERNATE_EVERY_S) % 2 == 1
}

/// Seconds until a departure leaves, `elapsed` after its fetch, at `now`
/// (not clamped); `None` when its time is not a countdown or an instant.
pub fn seconds_left(d: &Departure, elapsed: Duration, now: Timestamp) -> Option<i64> {
    match &d.time {
        WaitTime::Countdown {
            seconds: Some(s), ..
        } => Some(s - elapsed.as_secs() as i64),
        WaitTime::At { expected, .. } => Some(expected.as_second() - now.as_second()),
        _ => None,
    }
}

/// How late a departure is, in whole minutes, when the network says it.
pub fn delay_minutes(d: &Departure) -> Option<i64> {
    match &d.time {
        WaitTime::At {
            expected,
            aimed: Some(aimed),
        } => Some((expected.as_second() - aimed.as_second()) / 60).filter(|m| *m > 0),
        _ => None,
    }
}

/// Sets `shown` to [`time_shown`], reusing its text where it can.
pub fn update_time_shown(shown: &mut TimeShown, d: &Departure, elapsed: Duration, now: Timestamp) {
    let alternating = d.alternate.is_some() && alternate_shown(now.as_second());
    if !alternating
        && d.status != Status::Cancelled
        && !matches!(d.time, WaitTime::Text { .. })
        && let Some(left) = seconds_left(d, elapsed, now)
    {
        match (&mut *shown, d.origin) {
            (TimeShown::Countdown(text), Origin::Located) => return countdown_into(text, left),
            (TimeShown::Theoretical(text), Origin::Timetable) => {
                return countdown_into(text, left);
            }
            _ => {}
        }
    }
    let now = time_shown(d, elapsed, now);
    if *shown != now {
        *shown = now;
    }
}

/// What a departure shows `elapsed` after its fetch, at `now` (which also
/// picks the phase of alternating texts).
pub fn time_shown(d: &Departure, elapsed: Duration, now: Timestamp) -> TimeShown {
    if let Some(alternate) = &d.alternate
        && alternate_shown(now.as_second())
    {
        return TimeShown::Notice(alternate.clone());
    }
    if d.status == Status::Cancelled {
        return TimeShown::Cancelled;
    }
    if let WaitTime::Text { text, .. } = &d.time {
        return TimeShown::Notice(text.clone());
    }
    match (d.origin, seconds_left(d, elapsed, now)) {
        (Origin::NotLocated, _) => TimeShown::NotLocated,
        (Origin::Located, Some(left)) => TimeShown::Countdown(countdown_text(left)),
        (Origin::Timetable, Some(left)) => TimeShown::Theoretical(countdown_text(left)),
        (_, None) => match &d.time {
            WaitTime::Countdown { text, .. } | WaitTime::Clock { text } => {
                TimeShown::AsSent(text.clone())
            }
            _ => TimeShown::AsSent(String::new()),
        },
    }
}

/// A small crowding gauge: filled cells out of 3, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Gauge {
    /// Filled cells (0..=3) and the level that colours them.
    Bar(u8, CrowdLevel),
    /// "?": crowding exists but is not known now.
    Unknown,
    /// No rights: show nothing.
    Hidden,
}

pub fn gauge(d: &Departure) -> Gauge {
    match (d.load, d.crowding) {
        (Load::NotAllowed, _) | (_, CrowdLevel::NotAllowed) => Gauge::Hidden,
        (Load::Percent(p), level) => {
            let filled = match p {
                0 => 0,
                1..=33 => 1,
                34..=66 => 2,
                _ => 3,
            };
            let level = if level == CrowdLevel::Unknown {
                match p {
                    0..=39 => CrowdLevel::Low,
                    40..=74 => CrowdLevel::Moderate,
                    _ => CrowdLevel::High,
                }
            } else {
                level
            };
            Gauge::Bar(filled, level)
        }
        (Load::Unknown, CrowdLevel::Unknown) => Gauge::Unknown,
        (Load::Unknown, level) => Gauge::Bar(
            match level {
                CrowdLevel::Low => 1,
                CrowdLevel::Moderate => 2,
                _ => 3,
            },
            level,
        ),
    }
}

/// Whether to mark a departure as not accessible (stop or vehicle).
pub fn not_accessible(d: &Departure) -> bool {
    d.stop_access == Accessibility::NotAccessible
        || d.vehicle_access == Accessibility::NotAccessible
}

/// The wait before the next poll after `failures` failures in a row.
pub fn next_poll_delay(refresh: Duration, failures: u32) -> Duration {
    let factor = match failures {
        0 => 1,
        1 => 2,
        2 => 4,
        _ => 6,
    };
    (refresh * factor).min(MAX_BACK_OFF).max(refresh)
}

/// The refresh period asked for, never below [`MIN_REFRESH`], or
/// [`MIN_LOCAL_REFRESH`] for a server on this machine (tests, the demo).
pub fn refresh_period(seconds: u64, local: bool) -> Duration {
    let floor = if local {
        MIN_LOCAL_REFRESH
    } else {
        MIN_REFRESH
    };
    Duration::from_secs(seconds).max(floor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Accessibility, CrowdLevel, LineKind, LineRef, Load};

    const T0: Timestamp = Timestamp::UNIX_EPOCH;

    fn at_second(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    pub(crate) fn departure(time: WaitTime, reliable: bool) -> Departure {
        Departure {
            stop_id: "S1".into(),
            line: LineRef::plain("101", "T1"),
            outbound: true,
            destination: "Chalezeule".into(),
            via: String::new(),
            time,
            alternate: None,
            origin: if reliable {
                Origin::Located
            } else {
                Origin::NotLocated
            },
            status: Status::Normal,
            platform: None,
            mission: None,
            vehicle: None,
            stop_access: Accessibility::Unknown,
            vehicle_access: Accessibility::Accessible,
            crowding: CrowdLevel::NotAllowed,
            load: Load::NotAllowed,
            crowding_text: String::new(),
            crowding_advice: String::new(),
            info_id: None,
        }
    }

    fn countdown(seconds: i64) -> WaitTime {
        WaitTime::Countdown {
            text: "x".into(),
            seconds: Some(seconds),
        }
    }

    #[test]
    fn rows_looked_at_again_keep_their_departures() {
        let row = |destination: &str| BoardLine {
            line: crate::domain::LineRef::plain("C01742", "A"),
            kind: None,
            outbound: true,
            destination: destination.into(),
            via: String::new(),
        };
        let place = |lines: Vec<BoardLine>| ResolvedPlace {
            network: "idfm".into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            query: "gare de lyon".into(),
            label: None,
            name: "Gare de Lyon".into(),
            stop_ids: vec!["idfm:73626".into()],
            lines,
        };
        let at = Timestamp::from_second(1_800_000_000).unwrap();
        let mut before = Board::new(vec![place(vec![row("Chessy")])]);
        before.departures[0][0] = vec![departure(countdown(120), true)];
        before.fetched_at = Some(at);
        before.place_fetched_at[0] = Some(at);
        let mut after = Board::new(vec![place(vec![row("Boissy"), row("Chessy")])]);
        after.keep_departures_of(&before);
        assert!(
            after.departures[0][0].is_empty(),
            "a new row waits for the answer"
        );
        assert_eq!(after.departures[0][1], before.departures[0][0]);
        assert_eq!(after.fetched_at, Some(at), "its age too");
        assert_eq!(after.place_fetched_at[0], Some(at));
    }

    #[test]
    fn a_mixed_board_alerts_about_each_network_s_own_lines() {
        let place = |network: &str, number: &str| ResolvedPlace {
            network: network.into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            query: number.into(),
            label: None,
            name: format!("{network} place"),
            stop_ids: vec![format!("{network}:1")],
            lines: vec![BoardLine {
                line: crate::domain::LineRef::plain(number, number),
                kind: None,
                outbound: true,
                destination: "x".into(),
                via: String::new(),
            }],
        };
        let message = |network: &str, line: &str| Message {
            network: network.into(),
            id: format!("{network}-{line}"),
            title: format!("{line} interrompue"),
            body_html: String::new(),
            url: String::new(),
            severity: Severity::Interrupted,
            lines: vec![line.into()],
            stops: Vec::new(),
            alert: false,
        };
        let mut board = Board::new(vec![place("idfm", "T2")]);
        board.messages = vec![message("ginko", "T2")];
        assert_eq!(board.alert(), None, "Ginko's T2 is not IDFM's");
        board.messages.push(message("idfm", "T2"));
        assert_eq!(board.alert().map(|m| m.id.as_str()), Some("idfm-T2"));
        board.messages = vec![message("", "T2")];
        assert!(board.alert().is_some(), "a board of one network");
    }

    #[test]
    fn countdowns_are_corrected_and_never_negative() {
        let d = departure(countdown(185), true);
        let at = |s| time_shown(&d, Duration::from_secs(s), T0);
        assert_eq!(at(0), TimeShown::Countdown("3 min".into()));
        assert_eq!(at(70), TimeShown::Countdown("1 min".into()));
        assert_eq!(at(130), TimeShown::Countdown("< 1 min".into()));
        assert_eq!(at(185), TimeShown::Countdown("à l'approche".into()));
        assert_eq!(at(900), TimeShown::Countdown("à l'approche".into()));
    }

    #[test]
    fn unreliable_times_texts_clocks_and_older_servers() {
        let d = departure(countdown(300), false);
        assert_eq!(time_shown(&d, Duration::ZERO, T0), TimeShown::NotLocated);
        assert_eq!(TimeShown::NotLocated.text(), "Non localisé");
        let d = departure(
            WaitTime::Clock {
                text: "17h05".into(),
            },
            true,
        );
        assert_eq!(
            time_shown(&d, Duration::from_secs(50), T0),
            TimeShown::AsSent("17h05".into())
        );
        // A text stays visible even when the time is not located.
        let d = departure(
            WaitTime::Text {
                text: "Travaux".into(),
                served: false,
            },
            false,
        );
        assert_eq!(
            time_shown(&d, Duration::ZERO, T0),
            TimeShown::Notice("Travaux".into())
        );
        // Without tempsEnSeconde, the text is shown as sent.
        let d = departure(
            WaitTime::Countdown {
                text: "4 min".into(),
                seconds: None,
            },
            true,
        );
        assert_eq!(
            time_shown(&d, Duration::from_secs(40), T0),
            TimeShown::AsSent("4 min".into())
        );
    }

    #[test]
    fn alternating_texts_switch_every_three_seconds() {
        let mut d = departure(countdown(120), true);
        d.alternate = Some("Bus complet".into());
        let texts: Vec<String> = (0..7)
            .map(|s| {
                time_shown(&d, Duration::ZERO, at_second(s))
                    .text()
                    .to_string()
            })
            .collect();
        assert_eq!(
            texts,
            [
                "2 min",
                "2 min",
                "2 min",
                "Bus complet",
                "Bus complet",
                "Bus complet",
                "2 min"
            ]
        );
    }

    #[test]
    fn gauges() {
        let mut d = departure(countdown(60), true);
        assert_eq!(gauge(&d), Gauge::Hidden);
        d.load = Load::Percent(50);
        d.crowding = CrowdLevel::Moderate;
        assert_eq!(gauge(&d), Gauge::Bar(2, CrowdLevel::Moderate));
        d.load = Load::Percent(97);
        d.crowding = CrowdLevel::High;
        assert_eq!(gauge(&d), Gauge::Bar(3, CrowdLevel::High));
        d.load = Load::Unknown;
        d.crowding = CrowdLevel::Unknown;
        assert_eq!(gauge(&d), Gauge::Unknown);
    }

    #[test]
    fn staleness_after_thirty_seconds_or_a_first_failure() {
        let t0: Timestamp = "2026-11-23T08:00:00Z".parse().unwrap();
        let mut board = Board::new(Vec::new());
        assert!(!board.is_stale(t0), "loading is not stale");
        board.fail(NetError::new(
            crate::network::ErrorKind::MissingKey(crate::network::KeyName::env("K")),
            "no key",
        ));
        assert!(board.is_stale(t0));
        board.apply(t0, Vec::new());
        assert!(!board.is_stale(t0 + Duration::from_secs(30)));
        assert!(board.is_stale(t0 + Duration::from_secs(31)));
        assert_eq!(
            board.age(t0 + Duration::from_secs(4)),
            Some(Duration::from_secs(4))
        );
        // A failed refresh makes young data stale at once, until the next
        // success.
        board.fail(NetError::new(
            crate::network::ErrorKind::MissingKey(crate::network::KeyName::env("K")),
            "no key",
        ));
        assert!(board.is_stale(t0 + Duration::from_secs(5)));
        board.apply(t0 + Duration::from_secs(10), Vec::new());
        assert!(!board.is_stale(t0 + Duration::from_secs(11)));
    }

    #[test]
    fn a_place_left_out_of_an_answer_keeps_its_departures_counted_from_their_fetch() {
        let t0: Timestamp = "2026-11-23T08:00:00Z".parse().unwrap();
        let line = BoardLine {
            line: LineRef::plain("101", "T1"),
            kind: None,
            outbound: true,
            destination: String::new(),
            via: String::new(),
        };
        let place = |name: &str| ResolvedPlace {
            network: "test".into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            query: name.into(),
            label: None,
            name: name.into(),
            stop_ids: vec![],
            lines: vec![line.clone()],
        };
        let mut board = Board::new(vec![place("A"), place("B")]);
        let result = |answered: bool, seconds: i64| RowResult {
            in_answer: answered,
            position: None,
            departures: if answered {
                vec![departure(countdown(seconds), true)]
            } else {
                vec![]
            },
            error: None,
            data_at: None,
            timetable: false,
        };
        let seconds =
            |board: &Board, p: usize| match board.departures[p][0].first().map(|d| &d.time) {
                Some(WaitTime::Countdown { seconds, .. }) => *seconds,
                _ => None,
            };
        // B is missing from the first answer: no departure.
        board.apply(t0, vec![result(true, 300), result(false, 0)]);
        assert_eq!(board.place_behind(0), None);
        assert_eq!(board.place_behind(1), None);
        assert!(board.place_is_empty(1));
        // Both answered, then B left out 40 s later: B keeps its departure,
        // 40 s nearer, and is behind since t0 + 10.
        let t10 = t0 + Duration::from_secs(10);
        board.apply(t10, vec![result(true, 290), result(true, 100)]);
        assert_eq!(board.place_behind(1), None);
        let t50 = t0 + Duration::from_secs(50);
        board.apply(t50, vec![result(true, 250), result(false, 0)]);
        assert_eq!(seconds(&board, 0), Some(250));
        assert_eq!(seconds(&board, 1), Some(60));
        assert_eq!(board.place_behind(1), Some(t10));
        assert_eq!(board.place_behind(0), None);
        // Still left out: the departure passes (a minute's grace for a late
        // vehicle) and goes; nothing is behind.
        let t100 = t0 + Duration::from_secs(100);
        board.apply(t100, vec![result(true, 200), result(false, 0)]);
        assert_eq!(seconds(&board, 1), Some(10));
        let t170 = t0 + Duration::from_secs(170);
        board.apply(t170, vec![result(true, 130), result(false, 0)]);
        assert!(board.place_is_empty(1));
        assert_eq!(board.place_behind(1), None);
        // B back in the answer: current again.
        let t180 = t0 + Duration::from_secs(180);
        board.apply(t180, vec![result(true, 120), result(true, 550)]);
        assert_eq!(board.place_behind(1), None);
        assert_eq!(seconds(&board, 1), Some(550));
    }

    #[test]
    fn a_row_that_failed_beside_answered_rows_keeps_what_it_showed() {
        let line = |id: &str| BoardLine {
            line: crate::domain::LineRef::plain(id, id),
            kind: None,
            outbound: true,
            destination: "X".into(),
            via: String::new(),
        };
        let mut board = Board::new(vec![ResolvedPlace {
            network: "test".into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            query: "A".into(),
            label: None,
            name: "A".into(),
            stop_ids: vec![],
            lines: vec![line("1"), line("2")],
        }]);
        let works = departure(
            WaitTime::Text {
                text: "Travaux".into(),
                served: false,
            },
            true,
        );
        let answered = |departures| RowResult {
            in_answer: true,
            position: None,
            departures,
            error: None,
            data_at: None,
            timetable: false,
        };
        let t0 = at_second(1_000);
        board.apply(
            t0,
            vec![
                answered(vec![departure(countdown(60), true)]),
                answered(vec![works.clone()]),
            ],
        );
        // Row 2 fails (no timetable for it), row 1 is answered: row 2 keeps
        // "Travaux", and the place says why.
        let failed = RowResult {
            in_answer: false,
            error: Some(NetError::new(crate::network::ErrorKind::Http(503), "down")),
            ..answered(vec![])
        };
        board.apply(
            t0 + Duration::from_secs(40),
            vec![answered(vec![departure(countdown(20), true)]), failed],
        );
        assert_eq!(board.departures[0][1], vec![works.clone()]);
        assert!(board.place_errors[0].is_some());
        // A kept countdown goes on counting from its own fetch.
        let t1 = t0 + Duration::from_secs(50);
        let kept = RowResult {
            in_answer: false,
            error: Some(NetError::new(crate::network::ErrorKind::Http(503), "down")),
            ..answered(vec![])
        };
        board.apply(t1, vec![kept.clone(), answered(vec![works.clone()])]);
        assert!(matches!(
            board.departures[0][0][0].time,
            WaitTime::Countdown {
                seconds: Some(10),
                ..
            }
        ));
    }

    #[test]
    fn back_off_schedule() {
        let r = Duration::from_secs(10);
        let delays: Vec<u64> = (0..5).map(|f| next_poll_delay(r, f).as_secs()).collect();
        assert_eq!(delays, [10, 20, 40, 60, 60]);
        let r = Duration::from_secs(1);
        let delays: Vec<u64> = (0..5).map(|f| next_poll_delay(r, f).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 6, 6]);
        let r = Duration::from_secs(90);
        assert_eq!(next_poll_delay(r, 3).as_secs(), 90);
        assert_eq!(refresh_period(2, false), MIN_REFRESH);
        assert_eq!(refresh_period(2, true).as_secs(), 2);
        assert_eq!(refresh_period(0, true), MIN_LOCAL_REFRESH);
        assert_eq!(refresh_period(15, false).as_secs(), 15);
    }

    #[test]
    fn lines_are_ordered_like_the_network() {
        let line = |id: &str, number: &str, kind, outbound| BoardLine {
            line: LineRef {
                id: id.into(),
                number: number.into(),
                background: None,
                foreground: None,
                mode: None,
            },
            kind: Some(kind),
            outbound,
            destination: String::new(),
            via: String::new(),
        };
        let mut place = ResolvedPlace {
            network: "test".into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            query: "x".into(),
            label: None,
            name: "X".into(),
            stop_ids: vec![],
            lines: vec![
                line("10", "10", LineKind::Urban, true),
                line("3", "L3", LineKind::Lianes, false),
                line("101", "T1", LineKind::Tram, false),
                line("3", "L3", LineKind::Lianes, true),
                line("101", "T1", LineKind::Tram, true),
                line("101", "T1", LineKind::Tram, true),
            ],
        };
        place.sort_lines();
        let order: Vec<(String, bool)> = place
            .lines
            .iter()
            .map(|l| (l.line.number.clone(), l.outbound))
            .collect();
        assert_eq!(
            order,
            [
                ("T1".into(), true),
                ("T1".into(), false),
                ("L3".into(), true),
                ("L3".into(), false),
                ("10".into(), true)
            ]
        );
    }

    #[test]
    fn the_alert_is_the_flagged_or_the_most_severe_message_on_screen() {
        let message = |id: u32, severity, lines: &[&str], alert| Message {
            network: String::new(),
            id: id.to_string(),
            title: format!("m{id}"),
            body_html: String::new(),
            url: String::new(),
            severity,
            lines: lines.iter().map(|l| l.to_string()).collect(),
            stops: vec![],
            alert,
        };
        let mut board = Board::new(vec![ResolvedPlace {
            network: "test".into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            query: "x".into(),
            label: None,
            name: "X".into(),
            stop_ids: vec![],
            lines: vec![BoardLine {
                line: LineRef::plain("101", "T1"),
                kind: None,
                outbound: true,
                destination: String::new(),
                via: String::new(),
            }],
        }]);
        board.messages = vec![
            message(1, Severity::Interrupted, &["T2"], false),
            message(2, Severity::Ongoing, &["T1"], false),
            message(3, Severity::Planned, &["T1"], false),
        ];
        assert_eq!(
            board.alert().map(|m| m.id.as_str()),
            Some("2"),
            "the lines on screen only"
        );
        board
            .messages
            .push(message(4, Severity::Interrupted, &["T1"], false));
        assert_eq!(board.alert().map(|m| m.id.as_str()), Some("4"));
        board
            .messages
            .push(message(5, Severity::Planned, &["L9"], true));
        assert_eq!(
            board.alert().map(|m| m.id.as_str()),
            Some("5"),
            "alerte wins"
        );
    }
}
