//! The board: each place with its own departures, age and failure, and
//! what the board as a whole knows (the last refresh, messages, lines'
//! states, lifts). An answer is applied here; staleness is worked out here.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;

use super::{KEEP_MISSING, ResolvedPlace, STALE_AFTER};
use crate::domain::{Departure, Lift, LineState, LineStatus, Message, Severity, WaitTime};
use crate::network::{NetError, RowRequest, RowResult};

/// One place of the board and everything the board knows of it: one
/// value, so that its departures, age and failure cannot belong to
/// another place.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceState {
    pub place: ResolvedPlace,
    /// `departures[line]`, aligned with `place.lines`.
    pub departures: Vec<Vec<Departure>>,
    /// When its departures were last in an answer: older than the board's
    /// `fetched_at` (or `None`) when the last answers left the place out.
    pub fetched_at: Option<Timestamp>,
    /// Why its rows could not be fetched with the others (its network is
    /// down, its quota spent).
    pub error: Option<NetError>,
    /// Its departures come from its network's last answer, older than the
    /// call (a network polled on its own schedule).
    pub cached: bool,
    /// Its rows are the published timetable's: live times are missing
    /// (`error` says why, when it is known).
    pub timetable: bool,
    /// Values of the last answer out of sane bounds, dropped.
    pub dropped: u32,
}

impl PlaceState {
    /// A place with no departure yet; its problem, if any, is its error.
    pub fn new(place: ResolvedPlace) -> PlaceState {
        PlaceState {
            departures: vec![Vec::new(); place.lines.len()],
            fetched_at: None,
            error: place.problem.clone(),
            cached: false,
            timetable: false,
            dropped: 0,
            place,
        }
    }

    /// Whether it has no departure at all (night, end of service).
    pub fn is_empty(&self) -> bool {
        self.departures.iter().all(Vec::is_empty)
    }

    /// The departures of its row `line` (none for a row it does not have).
    pub fn row(&self, line: usize) -> &[Departure] {
        self.departures.get(line).map_or(&[], Vec::as_slice)
    }

    /// Takes over what `before` (the same place, looked at again) showed:
    /// the departures of the rows it showed too (the same line, direction
    /// and destination), its age and its failure. Whether a row was kept.
    fn keep_from(&mut self, before: &PlaceState) -> bool {
        let mut kept = false;
        for (l, line) in self.place.lines.iter().enumerate() {
            let old = before.place.lines.iter().position(|o| {
                o.line.id == line.line.id
                    && o.outbound == line.outbound
                    && o.destination == line.destination
            });
            if let Some(departures) = old.and_then(|o| before.departures.get(o)) {
                self.departures[l] = departures.clone();
                kept = true;
            }
        }
        self.fetched_at = before.fetched_at;
        self.error = before.error.clone();
        self.cached = before.cached;
        self.timetable = before.timetable;
        kept
    }

    /// Stores its rows' results of a fetch at `at` (`moved`: the seconds
    /// since the board's previous fetch, by which kept countdowns move).
    fn apply(&mut self, fresh: Vec<Option<RowResult>>, at: Timestamp, moved: i64) {
        self.error = fresh
            .iter()
            .flatten()
            .find_map(|r| r.error.clone())
            .or_else(|| self.place.problem.clone());
        self.timetable = fresh.iter().flatten().any(|r| r.timetable);
        self.dropped = fresh
            .iter()
            .flatten()
            .fold(0, |n, r| n.saturating_add(r.dropped));
        // A place left out of the answer may have no departure left (the
        // API leaves such places out), or the answer may be incomplete:
        // its departures still to come are kept, shown as old (see
        // `Board::place_behind`), until they pass.
        if !fresh.iter().flatten().any(|r| r.in_answer) {
            let missing_for = self
                .fetched_at
                .map_or(KEEP_MISSING, |t| at.duration_since(t).unsigned_abs());
            for departures in &mut self.departures {
                departures.retain_mut(|d| {
                    still_to_come(d, at, moved).unwrap_or(missing_for < KEEP_MISSING)
                });
            }
            // Data with its own time (a publisher's board, however old) is
            // as old as it says, not as new as this call.
            if let Some(data_at) = fresh.iter().flatten().filter_map(|r| r.data_at).min() {
                self.fetched_at = Some(self.fetched_at.map_or(data_at, |f| f.max(data_at)).min(at));
                self.cached = true;
            }
            return;
        }
        let data_at = fresh.iter().flatten().filter_map(|r| r.data_at).min();
        for (departures, result) in self.departures.iter_mut().zip(fresh) {
            // A row that failed and was not answered keeps what it showed
            // ("Travaux" stays rather than a blank).
            match result {
                Some(result) if result.in_answer || result.error.is_none() => {
                    *departures = result.departures;
                }
                // Kept: counted down from their own fetch, and gone once
                // passed, as a place left out.
                Some(_) => departures.retain_mut(|d| still_to_come(d, at, moved).unwrap_or(true)),
                None => {}
            }
        }
        self.fetched_at = Some(data_at.unwrap_or(at).min(at));
        self.cached = data_at.is_some();
    }
}

/// For a kept departure: its countdown brought `moved` seconds nearer, and
/// whether it is still to come at `at` (a minute's grace for a late
/// vehicle); `None` for a time that does not pass (a text, a clock).
fn still_to_come(d: &mut Departure, at: Timestamp, moved: i64) -> Option<bool> {
    match &mut d.time {
        WaitTime::Countdown {
            seconds: Some(s), ..
        } => {
            *s -= moved;
            Some(*s > -60)
        }
        // Absolute times keep until they pass.
        WaitTime::At { expected, .. } => Some(at.duration_since(*expected).as_secs() < 60),
        _ => None,
    }
}

/// The requests that fetch every row of `places`, in board order.
pub fn requests(places: &[ResolvedPlace]) -> Vec<RowRequest> {
    places.iter().flat_map(place_requests).collect()
}

/// The requests that fetch the rows of one place.
fn place_requests(p: &ResolvedPlace) -> impl Iterator<Item = RowRequest> + '_ {
    p.lines.iter().map(|l| RowRequest {
        place: p.name.clone(),
        stop_ids: p.stop_ids.clone(),
        line_id: l.line.id.clone(),
        outbound: l.outbound,
        destination: l.destination.clone(),
        to: p.to.clone(),
    })
}

/// The whole board: places, their departures, and how fresh they are.
#[derive(Debug, Clone, Default)]
pub struct Board {
    /// Each place with its departures, age and failure.
    pub places: Vec<PlaceState>,
    /// When the shown departures were fetched. Every countdown's seconds
    /// are counted from then.
    pub fetched_at: Option<Timestamp>,
    /// The last failure since the last success.
    pub last_error: Option<NetError>,
    pub messages: Vec<Message>,
    /// Places that the network does not know.
    pub unknown: Vec<String>,
    /// Those of `unknown` that could not be looked up, each saying why.
    pub unavailable: Vec<String>,
    /// The places are resolved (even if there are none).
    pub resolved: bool,
    /// The lines' traffic states.
    pub line_states: Vec<LineStatus>,
    /// The lift status of the places that have one, by their stop ids.
    pub lifts: HashMap<Vec<String>, Result<Vec<Lift>, NetError>>,
    /// How often the networks are asked, when they say it.
    pub schedule_note: Option<String>,
    /// `--to`: the destination the rows were kept for, and their arrivals.
    pub destination: Option<crate::destination::Destination>,
    /// The zone of each network's times, and the header's.
    pub zones: crate::domain::Zones,
}

impl Board {
    pub fn new(places: Vec<ResolvedPlace>) -> Board {
        Board {
            places: places.into_iter().map(PlaceState::new).collect(),
            resolved: true,
            ..Board::default()
        }
    }

    /// The places as resolved, in board order.
    pub fn resolved_places(&self) -> impl Iterator<Item = &ResolvedPlace> {
        self.places.iter().map(|p| &p.place)
    }

    /// Takes over the departures of the rows that `before` showed too (the
    /// same place, line, direction and destination), with their age: rows
    /// looked at again do not blank the board until the next answer.
    pub fn keep_departures_of(&mut self, before: &Board) {
        let mut kept = false;
        for state in &mut self.places {
            let old = before.places.iter().find(|o| {
                o.place.name == state.place.name && o.place.network == state.place.network
            });
            if let Some(old) = old {
                kept |= state.keep_from(old);
            }
        }
        if kept {
            self.fetched_at = before.fetched_at;
            self.last_error = before.last_error.clone();
        }
    }

    /// The requests that fetch every row of the board, in board order.
    pub fn requests(&self) -> Vec<RowRequest> {
        self.resolved_places().flat_map(place_requests).collect()
    }

    /// Stores a successful fetch (results in the order of [`Board::requests`]).
    pub fn apply(&mut self, at: Timestamp, results: Vec<RowResult>) {
        // The countdowns kept are brought to `at`, from which all count.
        let moved = self
            .fetched_at
            .map_or(0, |before| at.duration_since(before).as_secs().max(0));
        let mut results = results.into_iter();
        for state in &mut self.places {
            let fresh = state.place.lines.iter().map(|_| results.next()).collect();
            state.apply(fresh, at, moved);
        }
        self.fetched_at = Some(at);
        self.last_error = None;
    }

    /// When a place was left out of the last answer yet still shows
    /// departures: when they were fetched.
    pub fn place_behind(&self, place: usize) -> Option<Timestamp> {
        let fetched = self.fetched_at?;
        let state = self.places.get(place)?;
        let at = state.fetched_at?;
        // From the network's last answer, on its own schedule: as fresh as
        // it can be (the heading says from when), unless that failed.
        let on_schedule = state.cached && state.error.is_none();
        (at < fetched && !on_schedule && !state.is_empty()).then_some(at)
    }

    /// When a place's departures are from its network's last answer, older
    /// than the board's last call: from when.
    pub fn place_data_at(&self, place: usize) -> Option<Timestamp> {
        let fetched = self.fetched_at?;
        let state = self.places.get(place)?;
        let at = state.fetched_at?;
        // Within a board's own refresh, it is as good as now.
        let older = at.duration_until(fetched).as_secs() > 10;
        (state.cached && older && self.place_behind(place).is_none()).then_some(at)
    }

    pub fn fail(&mut self, error: NetError) {
        self.last_error = Some(error);
    }

    /// The board of one of its places alone (its departures, age, errors;
    /// the messages, lifts and line states as they are).
    pub fn only(&self, place: usize) -> Board {
        Board {
            places: self.places.get(place).cloned().into_iter().collect(),
            fetched_at: self.fetched_at,
            last_error: self.last_error.clone(),
            messages: self.messages.clone(),
            unknown: Vec::new(),
            unavailable: Vec::new(),
            resolved: self.resolved,
            line_states: self.line_states.clone(),
            lifts: self.lifts.clone(),
            schedule_note: self.schedule_note.clone(),
            destination: self
                .destination
                .as_ref()
                .map(|d| crate::destination::Destination {
                    // The place's own, on a board whose places go to
                    // different places.
                    name: self
                        .places
                        .get(place)
                        .and_then(|p| p.place.to.clone())
                        .or_else(|| d.name.clone()),
                    arrivals: d.arrivals.get(place).cloned().into_iter().collect(),
                    calls: d.calls.get(place).cloned().into_iter().collect(),
                }),
            zones: self.zones.clone(),
        }
    }

    /// Whether a place's rows are the timetable's.
    pub fn place_from_timetable(&self, place: usize) -> bool {
        self.places.get(place).is_some_and(|s| s.timetable)
    }

    /// Why a place's rows could not be fetched with the others.
    pub fn place_error(&self, place: usize) -> Option<&NetError> {
        self.places.get(place)?.error.as_ref()
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
            || self.place_error(place).is_some()
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
    pub fn line_state(&self, line_id: &str) -> Option<LineState> {
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
        self.places.get(place).is_none_or(PlaceState::is_empty)
    }

    /// Public numbers of the lines on the board.
    pub fn line_numbers(&self) -> Vec<String> {
        let mut numbers: Vec<String> = self
            .resolved_places()
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
        if let Some(alert) = self.messages.iter().find(|m| {
            m.alert && (m.network.is_empty() || self.resolved_places().any(|p| mine(m, p)))
        }) {
            return Some(alert);
        }
        self.messages
            .iter()
            .filter(|m| m.severity >= Severity::Ongoing)
            .filter(|m| {
                self.resolved_places()
                    .any(|p| mine(m, p) && p.lines.iter().any(|l| m.lines.contains(&l.line.number)))
            })
            .max_by_key(|m| m.severity)
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{at_second, countdown, departure};
    use super::*;
    use crate::domain::{BoardLine, LineRef};
    use crate::network::ErrorKind;

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
            to: None,
        };
        let at = Timestamp::from_second(1_800_000_000).unwrap();
        let mut before = Board::new(vec![place(vec![row("Chessy")])]);
        before.places[0].departures[0] = vec![departure(countdown(120), true)];
        before.fetched_at = Some(at);
        before.places[0].fetched_at = Some(at);
        let mut after = Board::new(vec![place(vec![row("Boissy"), row("Chessy")])]);
        after.keep_departures_of(&before);
        assert!(
            after.places[0].departures[0].is_empty(),
            "a new row waits for the answer"
        );
        assert_eq!(
            after.places[0].departures[1],
            before.places[0].departures[0]
        );
        assert_eq!(after.fetched_at, Some(at), "its age too");
        assert_eq!(after.places[0].fetched_at, Some(at));
    }

    /// Each place keeps its own departures, age, failure and origin when
    /// the places are looked up again in another order, one gone and one
    /// new: they travel with the place, not with its position.
    #[test]
    fn a_place_keeps_its_own_state_when_the_places_change() {
        let place = |name: &str| ResolvedPlace {
            network: "test".into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            query: name.into(),
            label: None,
            name: name.into(),
            stop_ids: vec![format!("{name}1")],
            lines: vec![BoardLine {
                line: LineRef::plain("1", "1"),
                kind: None,
                outbound: true,
                destination: "Terminus".into(),
                via: String::new(),
            }],
            to: None,
        };
        let answered = |seconds: i64| RowResult {
            in_answer: true,
            position: None,
            departures: vec![departure(countdown(seconds), true)],
            error: None,
            data_at: None,
            timetable: false,
            dropped: 0,
        };
        let failed = RowResult {
            in_answer: false,
            position: None,
            departures: vec![],
            error: Some(NetError::new(ErrorKind::Http(503), "down")),
            data_at: None,
            timetable: true,
            dropped: 0,
        };
        let t0 = at_second(1_000);
        let t50 = at_second(1_050);
        let mut before = Board::new(vec![place("A"), place("B"), place("C")]);
        before.apply(t0, vec![answered(600), answered(300), answered(900)]);
        // A fails (its timetable shown), B is left out, C is answered.
        let left_out = RowResult {
            in_answer: false,
            ..answered(0)
        };
        before.apply(t50, vec![failed, left_out, answered(850)]);
        assert_eq!(before.place_behind(1), Some(t0));

        // Looked up again: C first, A gone, a new D, then B.
        let mut after = Board::new(vec![place("C"), place("D"), place("B")]);
        after.keep_departures_of(&before);
        let [c, d, b] = &after.places[..] else {
            panic!("three places: {:?}", after.places);
        };
        assert_eq!(c, &before.places[2], "C as it was");
        assert_eq!(b, &before.places[1], "B as it was");
        assert_eq!((c.fetched_at, c.error.as_ref()), (Some(t50), None));
        assert_eq!((b.fetched_at, b.error.as_ref()), (Some(t0), None));
        assert_eq!(d, &PlaceState::new(place("D")), "D waits for its answer");
        assert_eq!(after.place_behind(2), Some(t0), "B is still behind");
        assert_eq!(after.place_behind(0), None);
        assert!(!after.place_is_stale(0, t50) && after.place_is_stale(2, t50 + STALE_AFTER));

        // A back, last: its failure and timetable come back with it, not
        // with the place now first.
        let mut again = Board::new(vec![place("D"), place("A")]);
        again.keep_departures_of(&before);
        assert!(again.place_error(0).is_none() && !again.place_from_timetable(0));
        assert_eq!(
            again.place_error(1).map(|e| &e.kind),
            Some(&ErrorKind::Http(503))
        );
        assert!(again.place_from_timetable(1));
        assert_eq!(again.places[1].departures, before.places[0].departures);
        assert_eq!(again.places[1].fetched_at, Some(t0));

        // One place alone is that place, whole.
        assert_eq!(before.only(1).places, vec![before.places[1].clone()]);
        assert_eq!(after.requests()[1].place, "D");
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
            to: None,
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
            to: None,
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
            dropped: 0,
        };
        let seconds = |board: &Board, p: usize| match board.places[p].departures[0]
            .first()
            .map(|d| &d.time)
        {
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
            to: None,
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
            dropped: 0,
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
        assert_eq!(board.places[0].departures[1], vec![works.clone()]);
        assert!(board.places[0].error.is_some());
        // A kept countdown goes on counting from its own fetch.
        let t1 = t0 + Duration::from_secs(50);
        let kept = RowResult {
            in_answer: false,
            error: Some(NetError::new(crate::network::ErrorKind::Http(503), "down")),
            ..answered(vec![])
        };
        board.apply(t1, vec![kept.clone(), answered(vec![works.clone()])]);
        assert!(matches!(
            board.places[0].departures[0][0].time,
            WaitTime::Countdown {
                seconds: Some(10),
                ..
            }
        ));
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
            to: None,
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
