//! What the board shows at one instant, computed once from the model and
//! read by every renderer: the terminal pane, `--once` text and `--json`
//! (whose schema, [`SCHEMA`], is docs/json.md: codes that do not change
//! with the language beside the translated texts).

use jiff::Timestamp;
use serde::Serialize;

use crate::domain::Departure;
use crate::domain::{CrowdLevel, LineRef, Message, Severity, Status};
use crate::model::{self, Board, BoardLine, Gauge, PlaceState, TimeShown};

/// The version of the `--json` schema (docs/json.md): raised when a field
/// changes meaning or goes; fields are only ever added within a version.
pub const SCHEMA: u32 = 1;

/// One departure cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellView {
    pub shown: TimeShown,
    /// Seconds until departure, corrected for the data's age, when known.
    pub seconds: Option<i64>,
    /// Live and located (Ginko's `fiable`).
    pub reliable: bool,
    /// Located, not located, or from the timetable.
    pub origin: crate::domain::Origin,
    /// `normal`, `delayed`, `cancelled` or `added` (a trip the timetable
    /// does not have).
    pub status: Status,
    /// Minutes late, when the network says it.
    pub delay_minutes: Option<i64>,
    /// When it is expected to leave and was planned to, RFC 3339 in the
    /// network's time with its offset, for networks that give instants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<LocalTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aimed: Option<LocalTime>,
    /// Not live: from the timetable, or the vehicle is not located.
    pub theoretical: bool,
    pub platform: Option<String>,
    pub mission: Option<String>,
    pub gauge: Gauge,
    pub not_accessible: bool,
    pub vehicle: Option<String>,
    /// The stop the departure leaves from.
    pub stop_id: String,
    pub crowding_text: String,
    pub crowding_advice: String,
    /// The crowding as a code (`low`, `moderate`, `high`, `unknown`,
    /// `not_allowed`), beside the network's own words.
    pub crowding_level: CrowdLevel,
    /// The traffic message explaining a text in place of the time.
    pub info_id: Option<String>,
    /// With a walk time: whether it can still be caught.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reachable: Option<bool>,
}

/// An instant written in its network's zone with its offset
/// ("2026-12-01T09:04:00+01:00", "…-05:00" for a Montréal place) when
/// serialised: the board's frames, which never print it, do not format it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub at: Timestamp,
    /// The network's zone ([`crate::domain::zone_index`]); `None` is the
    /// shown zone.
    pub zone: Option<u8>,
}

impl Serialize for LocalTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let zoned = self.at.to_zoned(crate::domain::zone_at(self.zone));
        s.serialize_str(&zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
    }
}

/// One line and direction at a place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowView {
    pub line: LineRef,
    pub outbound: bool,
    pub destination: String,
    pub via: String,
    /// The line's traffic state, when not normal (`TR/getEtatLignes`).
    pub line_state: Option<crate::domain::LineState>,
    pub cells: Vec<CellView>,
    /// With a walk time: when to leave for the next departure that can be
    /// caught ("partir dans 3 min", "partez maintenant").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leave: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceView {
    pub name: String,
    /// No departure at all (night, end of service).
    pub no_departure: bool,
    /// Why the place's departures are older than the board's: it was left
    /// out of the last answer ("absent de la dernière réponse").
    pub behind: Option<String>,
    /// "données de 14:02:10": the network's last answer is older than the
    /// board's call (it is asked on its own schedule).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_of: Option<String>,
    /// The network's name, on a board that mixes networks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// "horaires théoriques": the rows are the published timetable's,
    /// live times being out of reach.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timetable: Option<String>,
    /// Why the place's rows could not be fetched this time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// `problem` as a code ([`crate::network::ErrorKind::code`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem_kind: Option<&'static str>,
    /// A time shown for the place is not live data within its network's
    /// freshness limit ([`Board::place_is_stale`]).
    pub stale: bool,
    /// When the place's departures were had, when older than the board's
    /// last call (`behind` or `data_of` say it in words).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_at: Option<LocalTime>,
    /// "⚠ 2 ascenseurs hors service", or why the lift status is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifts: Option<String>,
    /// The lifts of the place, when known (`Enter` and `--json` list them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lift_list: Vec<crate::domain::Lift>,
    /// How many traffic messages are about the place but not in the
    /// banner ([`crate::ui::traffic::about_place`]).
    #[serde(skip)]
    pub messages: usize,
    pub rows: Vec<RowView>,
}

impl PlaceView {
    /// The place's name, and why its departures are old when they are.
    pub fn heading(&self) -> String {
        let mut heading = self.name.clone();
        for part in [
            &self.network,
            &self.timetable,
            &self.problem,
            &self.behind,
            &self.data_of,
            &self.lifts,
        ]
        .into_iter()
        .flatten()
        {
            heading.push_str(" · ");
            heading.push_str(part);
        }
        heading
    }
}

/// The whole board at `now`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoardView {
    /// [`SCHEMA`].
    pub schema: u32,
    pub now: String,
    pub clock: String,
    pub fetched_at: Option<String>,
    pub fetched_clock: Option<String>,
    pub age_seconds: Option<u64>,
    /// The board's last refresh failed, or its data is older than
    /// [`model::STALE_AFTER`]: the status line says from when, the times
    /// are dimmed. `--json`'s `stale` is [`BoardView::stale_data`].
    #[serde(skip)]
    pub stale: bool,
    /// A time shown is not live data within its network's freshness
    /// limit ([`Board::shows_stale`]): `stale` in `--json`.
    #[serde(rename = "stale")]
    pub stale_data: bool,
    pub error: Option<String>,
    pub error_reason: Option<String>,
    /// `error` as a code that does not change with the language.
    pub error_kind: Option<&'static str>,
    /// Until when the network asked to wait (a spent quota), when it did.
    pub retry_at: Option<String>,
    pub key_refused: bool,
    /// The server's own words when it refused the key.
    pub key_message: Option<String>,
    /// Which key was refused or is missing, and how to get one.
    #[serde(skip)]
    pub key: Option<crate::network::KeyName>,
    pub alert: Option<AlertView>,
    pub places: Vec<PlaceView>,
    /// How often the networks are asked, when they say it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// Why some rows are the timetable's ("horaires théoriques : …"), and
    /// whether all are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timetable: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub all_timetable: bool,
    pub unknown_places: Vec<String>,
    /// Those of `unknown_places` that are not unknown but could not be
    /// looked up, each saying why.
    #[serde(skip)]
    pub unavailable_places: Vec<String>,
    /// False while the places are being looked up.
    pub resolved: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertView {
    pub severity: Severity,
    pub lines: Vec<String>,
    pub title: String,
}

impl AlertView {
    fn of(m: &Message) -> AlertView {
        AlertView {
            severity: m.severity,
            lines: m.lines.clone(),
            title: m.title.clone(),
        }
    }

    /// "T2 : circulation interrompue…" (the lines are not repeated when the
    /// title already names them).
    pub fn text(&self) -> String {
        let lines = self.lines.join(", ");
        // "RER B : …", "Métro 1 : …" name their lines already.
        let named = self.title.split(" : ").next().is_some_and(|head| {
            let words = crate::names::words(head);
            self.lines.iter().all(|l| {
                let l = crate::names::fold(l);
                let metro = l.strip_prefix('m').filter(|n| !n.is_empty());
                words.iter().any(|w| *w == l || Some(w.as_str()) == metro)
            })
        });
        if lines.is_empty() || self.title.starts_with(&lines) || named {
            self.title.clone()
        } else {
            format!("{lines} : {}", self.title)
        }
    }
}

impl BoardView {
    /// The rows the selection can move over (places with departures).
    /// What is said of a place in `unknown_places`: unknown to the
    /// network, or why it could not be looked up.
    pub fn not_shown(&self, name: &str) -> String {
        if self.unavailable_places.iter().any(|n| n == name) {
            format!("⚠ {name}")
        } else {
            crate::i18n::tf("unknown_stop", &[("name", name)])
        }
    }

    pub fn selectable_rows(&self) -> usize {
        self.places
            .iter()
            .filter(|p| !p.no_departure)
            .map(|p| p.rows.len())
            .sum()
    }

    /// The index of the first selectable row of each place that has rows.
    pub fn place_starts(&self) -> Vec<usize> {
        let mut starts = Vec::new();
        let mut row = 0;
        for place in self.places.iter().filter(|p| !p.no_departure) {
            if !place.rows.is_empty() {
                starts.push(row);
            }
            row += place.rows.len();
        }
        starts
    }
}

/// Whether two rows draw the same: all but the seconds left, which no
/// screen shows (their texts, or their large minutes, are compared
/// instead). Every field is named, so that a new one is not forgotten.
pub fn drawn_alike(a: &RowView, b: &RowView) -> bool {
    let RowView {
        line,
        outbound,
        destination,
        via,
        line_state,
        cells,
        leave,
    } = a;
    let cell_alike = |x: &CellView, y: &CellView| {
        let CellView {
            shown,
            seconds: _,
            reliable,
            origin,
            status,
            delay_minutes,
            expected: _,
            aimed: _,
            theoretical: _,
            platform,
            mission,
            gauge,
            not_accessible,
            vehicle,
            stop_id,
            crowding_text,
            crowding_advice,
            crowding_level,
            info_id,
            reachable,
        } = x;
        *shown == y.shown
            && *reliable == y.reliable
            && *origin == y.origin
            && *status == y.status
            && *delay_minutes == y.delay_minutes
            && *platform == y.platform
            && *mission == y.mission
            && *gauge == y.gauge
            && *not_accessible == y.not_accessible
            && *vehicle == y.vehicle
            && *stop_id == y.stop_id
            && *crowding_text == y.crowding_text
            && *crowding_advice == y.crowding_advice
            && *crowding_level == y.crowding_level
            && *info_id == y.info_id
            && *reachable == y.reachable
    };
    *line == b.line
        && *outbound == b.outbound
        && *destination == b.destination
        && *via == b.via
        && *line_state == b.line_state
        && *leave == b.leave
        && cells.len() == b.cells.len()
        && cells.iter().zip(&b.cells).all(|(x, y)| cell_alike(x, y))
}

/// Time of day in the shown zone.
pub fn clock_text(at: Timestamp) -> String {
    clock_text_in(at, None)
}

/// Time of day in a network's zone ([`crate::domain::zone_index`]), with
/// its offset ("05:33:51 UTC−5") when the header's clock is in another.
fn clock_text_in(at: Timestamp, zone: Option<u8>) -> String {
    let shown = crate::domain::zone();
    match zone {
        None => at.to_zoned(shown).strftime("%H:%M:%S").to_string(),
        Some(_) => crate::domain::time_in(at, &crate::domain::zone_at(zone), "%H:%M:%S", &shown),
    }
}

/// A place's network name, with its zone's offset when the header's clock
/// is in another zone ("STM · UTC−5").
fn zone_named(name: &str, zone: Option<u8>, now: Timestamp) -> String {
    let Some(zone) = zone.map(|z| crate::domain::zone_at(Some(z))) else {
        return name.to_string();
    };
    let offset = zone.to_offset(now);
    if name.is_empty() || offset == crate::domain::zone().to_offset(now) {
        name.to_string()
    } else {
        format!("{name} · {}", crate::domain::offset_label(offset))
    }
}

/// Builds the view of `board` at `now`; the clock shows `now + shift` (the
/// demo's clock may be set to another time of day).
pub fn build_shifted(board: &Board, now: Timestamp, shift: jiff::SignedDuration) -> BoardView {
    let mut view = build(board, now);
    if let Ok(shown) = now.checked_add(shift) {
        view.clock = clock_text(shown);
    }
    view
}

/// The lines of place `p` that the board shows, with their index: a
/// direction ending here (a terminus) has arrivals only and is left out
/// while it has no departure.
fn shown_lines(state: &PlaceState) -> impl Iterator<Item = (usize, &BoardLine)> {
    let place = &state.place;
    place.lines.iter().enumerate().filter(move |(l, line)| {
        let empty = state.row(*l).is_empty();
        !(empty && crate::names::fold(&line.destination) == crate::names::fold(&place.name))
    })
}

/// A countdown's seconds, corrected for the time since the fetch.
fn seconds_left(d: &Departure, elapsed: std::time::Duration, now: Timestamp) -> Option<i64> {
    model::seconds_left(d, elapsed, now).map(|s| s.max(0))
}

/// Whether a departure `seconds` away can be caught with `walk` minutes on
/// foot (`None`: no walk time, or no time to count with).
fn reachable(walk: Option<u32>, cell: &CellView) -> Option<bool> {
    let walk = i64::from(walk?) * 60;
    let counted = matches!(
        cell.shown,
        TimeShown::Countdown(_) | TimeShown::Theoretical(_)
    );
    counted.then_some(cell.seconds? >= walk)
}

/// When to leave for the first departure that can be caught.
fn leave_text(walk: Option<u32>, cells: &[CellView]) -> Option<String> {
    let walk = i64::from(walk?) * 60;
    let next = cells
        .iter()
        .filter(|c| c.reachable == Some(true))
        .find_map(|c| c.seconds)?;
    Some(match (next - walk) / 60 {
        0 => crate::i18n::t("leave_now").to_string(),
        m => crate::i18n::tf("leave_in", &[("n", &m.to_string())]),
    })
}

/// What a place's view is built with, beside the board: the instant, the
/// time since the fetch, and whether the board mixes networks.
struct At {
    now: Timestamp,
    elapsed: std::time::Duration,
    mixed: bool,
}

/// The view of place `p` of `board`.
fn place_view(board: &Board, p: usize, state: &PlaceState, at: &At) -> PlaceView {
    let place = &state.place;
    let zone = crate::domain::zone_index(&place.network);
    let tz = crate::domain::zone_at(zone);
    let now = at.now;
    PlaceView {
        messages: crate::ui::traffic::about_place(board, place),
        name: match &place.label {
            Some(label) => format!("{} — {label}", place.name),
            None => place.name.clone(),
        },
        behind: board.place_behind(p).map(|at| {
            // With a reason already said, only how old the data is.
            let time = clock_text_in(at, zone);
            if state.error.is_some() || state.cached {
                crate::i18n::tf("data_of", &[("time", &time)])
            } else {
                crate::i18n::tf("left_out_data_of", &[("time", &time)])
            }
        }),
        no_departure: board.fetched_at.is_some() && state.is_empty(),
        data_of: board
            .place_data_at(p)
            .map(|at| crate::i18n::tf("data_of", &[("time", &clock_text_in(at, zone))])),
        network: at
            .mixed
            .then(|| zone_named(&place.network_name, zone, now))
            .filter(|n| !n.is_empty()),
        timetable: state
            .timetable
            .then(|| model::theoretical_times().to_string()),
        problem: state.error.as_ref().map(|e| e.short_reason_at(now)),
        problem_kind: state.error.as_ref().map(|e| e.kind.code()),
        stale: board.place_is_stale(p, now),
        data_at: board
            .place_behind(p)
            .or_else(|| board.place_data_at(p))
            .map(|at| LocalTime { at, zone }),
        lifts: board
            .lifts
            .get(&place.stop_ids)
            .and_then(|l| lift_text(l, now)),
        lift_list: board
            .lifts
            .get(&place.stop_ids)
            .and_then(|l| l.as_ref().ok())
            .cloned()
            .unwrap_or_default(),
        rows: shown_lines(state)
            .map(|(l, line)| row_view(board, line, state.row(l), place.walk, (zone, &tz), at))
            .collect(),
    }
}

/// The view of one row: its line and direction, and its departures.
fn row_view(
    board: &Board,
    line: &BoardLine,
    departures: &[Departure],
    walk: Option<u32>,
    zone: (Option<u8>, &jiff::tz::TimeZone),
    at: &At,
) -> RowView {
    // The departure knows its trip's destination better than the variant
    // does (short workings).
    let (destination, via) = departures
        .first()
        .filter(|d| !d.destination.is_empty())
        .map(|d| (d.destination.clone(), d.via.clone()))
        .unwrap_or_else(|| (line.destination.clone(), line.via.clone()));
    let cells: Vec<CellView> = departures
        .iter()
        .map(|d| {
            let mut cell = cell_view(d, zone, at);
            cell.reachable = reachable(walk, &cell);
            cell
        })
        .collect();
    RowView {
        line: line.line.clone(),
        outbound: line.outbound,
        destination,
        via,
        line_state: board.line_state(&line.line.id),
        leave: leave_text(walk, &cells),
        cells,
    }
}

/// The view of one departure (whether it can be caught is left to the row),
/// its network's zone by index and itself.
fn cell_view(d: &Departure, zone: (Option<u8>, &jiff::tz::TimeZone), at: &At) -> CellView {
    use crate::domain::WaitTime;
    let (now, elapsed) = (at.now, at.elapsed);
    let (zone, tz) = zone;
    CellView {
        shown: model::time_shown(d, elapsed, now, tz),
        seconds: seconds_left(d, elapsed, now),
        reliable: d.reliable(),
        origin: d.origin,
        status: d.status,
        delay_minutes: model::delay_minutes(d),
        // A cancelled train is not expected.
        expected: match &d.time {
            WaitTime::At { expected, .. } if d.status != Status::Cancelled => Some(LocalTime {
                at: *expected,
                zone,
            }),
            _ => None,
        },
        aimed: match &d.time {
            WaitTime::At {
                aimed: Some(aimed), ..
            } => Some(LocalTime { at: *aimed, zone }),
            _ => None,
        },
        theoretical: d.origin != crate::domain::Origin::Located,
        platform: d.platform.clone(),
        mission: d.mission.clone(),
        gauge: match d.time {
            // No crowding beside "Travaux" and the like, nor for what will
            // not run.
            WaitTime::Text { .. } => Gauge::Hidden,
            _ if d.status == Status::Cancelled => Gauge::Hidden,
            _ => model::gauge(d),
        },
        not_accessible: model::not_accessible(d),
        vehicle: d.vehicle.clone(),
        stop_id: d.stop_id.clone(),
        crowding_text: d.crowding_text.clone(),
        crowding_advice: d.crowding_advice.clone(),
        // The level the gauge shows, as a code.
        crowding_level: model::crowd_level(d),
        info_id: d.info_id.clone(),
        reachable: None,
    }
}

/// Builds the view of `board` at `now`.
pub fn build(board: &Board, now: Timestamp) -> BoardView {
    let age = board.age(now);
    let first = board.resolved_places().next();
    let at = At {
        now,
        elapsed: age.unwrap_or_default(),
        mixed: board
            .resolved_places()
            .any(|p| first.is_some_and(|f| f.network != p.network)),
    };
    let places = board
        .places
        .iter()
        .enumerate()
        .map(|(p, state)| place_view(board, p, state, &at))
        .collect();
    let error = board.last_error.as_ref().or_else(|| timetable_error(board));
    BoardView {
        schema: SCHEMA,
        now: now.to_string(),
        clock: clock_text(now),
        fetched_at: board.fetched_at.map(|t| t.to_string()),
        fetched_clock: board.fetched_at.map(clock_text),
        age_seconds: age.map(|a| a.as_secs()),
        stale: board.is_stale(now),
        stale_data: board.shows_stale(now),
        // Rows from the timetable: live times failed, and a script reading
        // `error` must know it.
        error: error.map(|e| e.to_string()),
        error_reason: error.map(|e| e.short_reason_at(now)),
        error_kind: error.map(|e| e.kind.code()),
        retry_at: error.and_then(|e| e.retry_at()).map(|t| t.to_string()),
        key_refused: board.key_refused(),
        key_message: board
            .last_error
            .as_ref()
            .and_then(|e| e.key_refused())
            .map(str::to_string),
        key: board.last_error.as_ref().and_then(|e| e.key()),
        alert: board.alert().map(AlertView::of),
        places,
        schedule: board.schedule_note.clone(),
        timetable: timetable_note(board, now),
        all_timetable: !board.places.is_empty()
            && (0..board.places.len())
                .all(|p| board.place_from_timetable(p) || board.place_is_empty(p))
            && (0..board.places.len()).any(|p| board.place_from_timetable(p)),
        unknown_places: board.unknown.clone(),
        unavailable_places: board.unavailable.clone(),
        resolved: board.resolved,
    }
}

/// Brings `view`, built from `board` at an earlier instant, to `now`: only
/// what time changes (the clock, the age, staleness, the times shown) is
/// computed again, mostly without allocating. `board` must not have
/// changed since the view was built; the result is then [`build`]'s.
pub fn advance(view: &mut BoardView, board: &Board, now: Timestamp) {
    // A wait counted down in the texts ("nouvel essai dans 30 s"): all of
    // them said anew.
    if has_wait(board) {
        *view = build(board, now);
        return;
    }
    let age = board.age(now);
    let elapsed = age.unwrap_or_default();
    view.now = now.to_string();
    view.clock = clock_text(now);
    view.age_seconds = age.map(|a| a.as_secs());
    view.stale = board.is_stale(now);
    view.stale_data = board.shows_stale(now);
    for (p, (place, state)) in view.places.iter_mut().zip(&board.places).enumerate() {
        place.stale = board.place_is_stale(p, now);
        let walk = state.place.walk;
        let tz = crate::domain::zone_at(crate::domain::zone_index(&state.place.network));
        for ((l, _), row) in shown_lines(state).zip(&mut place.rows) {
            for (d, cell) in state.row(l).iter().zip(&mut row.cells) {
                model::update_time_shown(&mut cell.shown, d, elapsed, now, &tz);
                cell.seconds = seconds_left(d, elapsed, now);
                cell.reachable = reachable(walk, cell);
            }
            if walk.is_some() {
                let leave = leave_text(walk, &row.cells);
                if row.leave != leave {
                    row.leave = leave;
                }
            }
        }
    }
}

/// Whether an error of the board names an instant to wait for, which its
/// texts count down to.
fn has_wait(board: &Board) -> bool {
    let lifts = board.lifts.values().filter_map(|l| l.as_ref().err());
    board
        .last_error
        .iter()
        .chain(board.places.iter().filter_map(|s| s.error.as_ref()))
        .chain(lifts)
        .any(|e| e.retry_at().is_some())
}

/// [`advance`], with the clock shown shifted like [`build_shifted`]'s.
pub fn advance_shifted(
    view: &mut BoardView,
    board: &Board,
    now: Timestamp,
    shift: jiff::SignedDuration,
) {
    advance(view, board, now);
    if let Ok(shown) = now.checked_add(shift) {
        view.clock = clock_text(shown);
    }
}

/// One lift as a line: where, where to, its state, why and since when.
pub fn lift_line(lift: &crate::domain::Lift) -> String {
    use crate::domain::LiftState;
    let state = match lift.state {
        LiftState::Available => crate::i18n::t("lift_available"),
        LiftState::NotAvailable => crate::i18n::t("lift_not_available"),
        LiftState::Unknown => crate::i18n::t("lift_unknown"),
    };
    let mut line = crate::i18n::tf("lift", &[("where", &lift.situation)]);
    if !lift.direction.is_empty() {
        line.push_str(&format!(" → {}", lift.direction));
    }
    line.push_str(&format!(" : {state}"));
    let mut details = Vec::new();
    if !lift.reason.is_empty() {
        details.push(lift.reason.clone());
    }
    if let Ok(since) = lift.since.parse::<Timestamp>() {
        details.push(crate::i18n::tf(
            "since",
            &[("when", &crate::ui::view::day_and_time(since))],
        ));
    }
    if !details.is_empty() {
        line.push_str(&format!(" ({})", details.join(", ")));
    }
    line
}

fn day_and_time(t: Timestamp) -> String {
    crate::domain::local(t)
        .map(|z| z.strftime("%d/%m %H:%M").to_string())
        .unwrap_or_default()
}

/// What a place's heading says of its lifts: how many are out of order,
/// or why their state is not known; nothing when all work.
fn lift_text(
    lifts: &Result<Vec<crate::domain::Lift>, crate::network::NetError>,
    now: Timestamp,
) -> Option<String> {
    use crate::domain::LiftState;
    use crate::network::ErrorKind;
    match lifts {
        Ok(lifts) => {
            let out = lifts
                .iter()
                .filter(|l| l.state == LiftState::NotAvailable)
                .count();
            match out {
                0 => None,
                1 => Some(crate::i18n::t("one_lift_out").into()),
                n => Some(crate::i18n::tf("lifts_out", &[("n", &n.to_string())])),
            }
        }
        Err(e) => Some(match &e.kind {
            ErrorKind::MissingKey(_) => crate::i18n::t("lifts_no_dataset_key").into(),
            ErrorKind::KeyRefused { .. } => crate::i18n::t("lifts_dataset_key_refused").into(),
            _ => crate::i18n::tf("lifts_unknown", &[("why", &e.short_reason_at(now))]),
        }),
    }
}

/// The failure behind the first place shown from the timetable.
fn timetable_error(board: &Board) -> Option<&crate::network::NetError> {
    (0..board.places.len())
        .filter(|&p| board.place_from_timetable(p))
        .find_map(|p| board.place_error(p))
}

/// Why the timetable's rows are shown: "horaires théoriques : <the first
/// place's reason>".
fn timetable_note(board: &Board, now: Timestamp) -> Option<String> {
    let places: Vec<usize> = (0..board.places.len())
        .filter(|&p| board.place_from_timetable(p))
        .collect();
    let first = *places.first()?;
    let reason = places
        .iter()
        .find_map(|&p| board.place_error(p))
        .map(|e| e.short_reason_at(now))
        .unwrap_or_else(|| {
            let _ = first;
            crate::i18n::t("not_in_live_answers").to_string()
        });
    Some(crate::i18n::tf("theoretical_because", &[("why", &reason)]))
}

/// The status line: the data's age, or why it is stale, and how often the
/// networks are asked when they say it; and why rows are the timetable's.
pub fn status_text(view: &BoardView) -> String {
    let (freshness, timetable, schedule) = status_parts(view);
    [freshness, timetable, schedule]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The status line's parts: how fresh the data is, the timetable's note,
/// the refresh schedule's note; each may be missing.
pub fn status_parts(view: &BoardView) -> (Option<String>, Option<String>, Option<String>) {
    let (freshness, timetable) = match (&view.timetable, view.all_timetable) {
        // Every row is the timetable's: its age means nothing.
        (Some(note), true) => (None, Some(note.clone())),
        (Some(note), false) => (Some(freshness_text(view)), Some(note.clone())),
        (None, _) => (Some(freshness_text(view)), None),
    };
    (freshness, timetable, view.schedule.clone())
}

fn freshness_text(view: &BoardView) -> String {
    match (&view.fetched_clock, view.stale, &view.error_reason) {
        (Some(clock), true, reason) => format!(
            "{} — {}",
            crate::i18n::tf("data_of", &[("time", clock)]),
            reason.as_deref().unwrap_or(crate::i18n::t("no_update"))
        ),
        (None, _, Some(reason)) => format!("{} — {reason}", crate::i18n::t("no_data_yet")),
        (None, _, None) if view.resolved && view.places.is_empty() => {
            crate::i18n::t("no_stop").into()
        }
        (None, _, None) => crate::i18n::t("loading").into(),
        (Some(_), false, _) => crate::i18n::tf(
            "updated_ago",
            &[("s", &view.age_seconds.unwrap_or(0).to_string())],
        ),
    }
}

fn gauge_text(g: Gauge) -> String {
    match g {
        Gauge::Bar(filled, _) => (0..3).map(|i| if i < filled { '▮' } else { '▯' }).collect(),
        Gauge::Unknown => "?".into(),
        Gauge::Hidden => String::new(),
    }
}

/// The plain-text board (`--once`), ending with the data's source.
pub fn text(view: &BoardView, title: &str, attribution: &str) -> String {
    let mut out = format!("{title} · {}\n", view.clock);
    if let Some(alert) = &view.alert {
        out.push_str(&format!("⚠ {}\n", alert.text()));
    }
    for name in &view.unknown_places {
        out.push_str(&format!("{}\n", view.not_shown(name)));
    }
    for place in &view.places {
        out.push_str(&format!("{}\n", place.heading()));
        for lift in place
            .lift_list
            .iter()
            .filter(|l| l.state != crate::domain::LiftState::Available)
        {
            out.push_str(&format!("  {}\n", lift_line(lift)));
        }
        if place.no_departure {
            out.push_str(&format!("  {}\n", crate::i18n::t("no_departure")));
            continue;
        }
        for row in &place.rows {
            let mut destination = row.destination.clone();
            if !row.via.is_empty() {
                destination = format!("{destination} · {}", row.via);
            }
            if let Some(leave) = &row.leave {
                destination = format!("{destination} — {leave}");
            }
            let cells: Vec<String> = if row.cells.is_empty() {
                vec!["—".into()]
            } else {
                row.cells
                    .iter()
                    .map(|c| {
                        let mut cell = c.shown.text().to_string();
                        if let Some(d) = c
                            .delay_minutes
                            .filter(|_| matches!(c.shown, TimeShown::Countdown(_)))
                        {
                            cell.push_str(&format!(" +{d} min"));
                        }
                        if matches!(c.shown, TimeShown::Theoretical(_)) {
                            cell.push_str(&format!(" {}", model::theoretical()));
                        }
                        if let Some(p) = &c.platform {
                            cell.push(' ');
                            cell.push_str(&crate::i18n::tf("platform", &[("p", p)]));
                        }
                        if let Some(m) = &c.mission {
                            cell.push_str(&format!(" [{m}]"));
                        }
                        if c.status == Status::Added {
                            cell.push_str(&format!(" [{}]", crate::i18n::t("added_trip")));
                        }
                        let g = gauge_text(c.gauge);
                        if !g.is_empty() {
                            cell = format!("{cell} {g}");
                        }
                        if c.not_accessible {
                            cell.push_str(crate::i18n::t("once_not_accessible"));
                        }
                        if c.reachable == Some(false) {
                            cell.push_str(crate::i18n::t("once_too_late"));
                        }
                        cell
                    })
                    .collect()
            };
            out.push_str(&format!(
                "  {:<4} {}  {}\n",
                row.line.number,
                destination,
                cells.join("   ")
            ));
        }
    }
    out.push_str(&status_text(view));
    out.push('\n');
    out.push_str(attribution);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::departures::tests::{sample_board, t};

    /// With a walk time, what cannot be caught is marked and each row says
    /// when to leave, second by second as a built view would.
    #[test]
    fn a_walk_time_says_when_to_leave() {
        let mut board = sample_board();
        board.places[0].departures[0][1].origin = crate::domain::Origin::Located;
        let json = serde_json::to_string(&build(&board, t(0))).unwrap();
        assert!(
            !json.contains("reachable") && !json.contains("leave"),
            "{json}"
        );
        board.places[0].place.walk = Some(3);
        let view = build(&board, t(0));
        let row = &view.places[0].rows[0];
        assert_eq!(row.cells[0].reachable, Some(false), "2 min away, 3 on foot");
        assert_eq!(row.cells[1].reachable, Some(true));
        assert_eq!(row.leave.as_deref(), Some("partir dans 6 min"));
        assert_eq!(
            view.places[0].rows[1].leave, None,
            "a text is no time to leave for"
        );
        let json = serde_json::to_string(&view).unwrap();
        assert!(json.contains("\"reachable\":false") && json.contains("\"reachable\":true"));
        assert!(text(&view, "quai", "").contains("(trop tard)"));
        let mut advanced = view.clone();
        for second in 1..=400 {
            advance(&mut advanced, &board, t(second));
            assert_eq!(advanced, build(&board, t(second)), "second {second}");
        }
        let later = build(&board, t(330));
        assert_eq!(
            later.places[0].rows[0].leave.as_deref(),
            Some("partez maintenant")
        );
        let gone = build(&board, t(400));
        assert_eq!(gone.places[0].rows[0].leave, None, "nothing left to catch");
    }

    /// A place whose live times failed (a stale feed, an unreachable
    /// server) and that shows the timetable or its old rows is `stale` in
    /// `--json`, with its error's code, although the board's own refresh
    /// is fresh and its status line unchanged.
    #[test]
    fn a_place_whose_live_times_failed_is_stale_with_a_code() {
        use crate::network::{ErrorKind, NetError};
        let fresh = build(&sample_board(), t(5));
        assert!(!fresh.stale && !fresh.stale_data && !fresh.places[0].stale);
        assert_eq!(
            (fresh.error_kind, fresh.places[0].problem_kind),
            (None, None)
        );
        for (kind, code) in [
            (ErrorKind::Stale, "stale_feed"),
            (ErrorKind::Unreachable, "unreachable"),
        ] {
            let mut board = sample_board();
            board.places[0].error = Some(NetError::new(kind, "trip updates"));
            board.places[0].timetable = true;
            let view = build(&board, t(5));
            assert!(!view.stale, "the status line is as it was");
            assert!(view.stale_data && view.places[0].stale, "{code}");
            assert_eq!(view.error_kind, Some(code));
            assert_eq!(view.places[0].problem_kind, Some(code));
            let json: serde_json::Value = serde_json::to_value(&view).unwrap();
            assert_eq!(json["stale"], true);
            assert_eq!(json["schema"], SCHEMA);
            assert_eq!(json["error_kind"], code);
            assert_eq!(json["places"][0]["stale"], true);
            assert_eq!(json["places"][0]["problem_kind"], code);
            let mut advanced = build(&sample_board(), t(5));
            advance(&mut advanced, &board, t(6));
            assert_eq!(advanced.stale_data, build(&board, t(6)).stale_data);
        }
        // A refresh that failed: the old data is stale too.
        let mut board = sample_board();
        board.fail(NetError::new(ErrorKind::Timeout, "slow"));
        let view = build(&board, t(5));
        assert!(view.stale && view.stale_data && view.places[0].stale);
        assert_eq!(view.error_kind, Some("timeout"));
    }

    /// A spent quota's reset is an instant: the views built while it lasts
    /// name the same hour, and `retry_at` the same instant.
    #[test]
    fn a_quota_reset_hour_stays_while_the_views_are_built_again() {
        use crate::network::{ErrorKind, NetError};
        let mut board = sample_board();
        let until = t(2 * 3600);
        board.fail(NetError::new(
            ErrorKind::RateLimited { until: Some(until) },
            "HTTP 429",
        ));
        let first = build(&board, t(10));
        assert_eq!(
            first.error_reason.as_deref(),
            Some("quota atteint jusqu'à 10:00")
        );
        assert_eq!(first.retry_at, Some(until.to_string()));
        assert_eq!(first.error_kind, Some("rate_limited"));
        for later in [60, 600, 1800, 3600, 6000] {
            let view = build(&board, t(later));
            assert_eq!(view.error_reason, first.error_reason, "{later} s later");
            assert_eq!(view.retry_at, first.retry_at);
            let mut advanced = first.clone();
            advance(&mut advanced, &board, t(later));
            assert_eq!(advanced, view, "{later} s later");
        }
        // The last minutes count down, advanced as built.
        let mut advanced = build(&board, t(7000));
        advance(&mut advanced, &board, t(7001));
        assert_eq!(
            advanced.error_reason.as_deref(),
            Some("quota atteint, nouvel essai dans 199 s")
        );
    }

    /// An added trip says so by its status; `--once` still marks it.
    #[test]
    fn an_added_trip_has_its_status_and_no_mission() {
        let mut board = sample_board();
        board.places[0].departures[0][0].status = Status::Added;
        let view = build(&board, t(0));
        let cell = &view.places[0].rows[0].cells[0];
        assert_eq!(cell.mission, None);
        let json = serde_json::to_value(cell).unwrap();
        assert_eq!(json["status"], "added");
        assert_eq!(json["crowding_level"], "moderate");
        assert!(text(&view, "quai", "").contains("[ajouté]"));
    }

    /// A view advanced second by second is the view built at each second:
    /// countdowns going down to "à l'approche", an alternating text, a
    /// departure not located, a text in place of the time, the data going
    /// stale, and a shifted clock.
    #[test]
    fn an_advanced_view_is_the_view_built_anew() {
        let mut board = sample_board();
        board.places[0].departures[0][1].alternate = Some("Bus complet".into());
        let shift = jiff::SignedDuration::from_hours(2);
        let mut view = build_shifted(&board, t(0), shift);
        let mut changed = 0;
        for second in 1..400 {
            let before = view.clone();
            advance_shifted(&mut view, &board, t(second), shift);
            assert_eq!(
                view,
                build_shifted(&board, t(second), shift),
                "second {second}"
            );
            changed += usize::from(before.places != view.places);
        }
        assert!(view.stale);
        assert_eq!(view.places[0].rows[0].cells[0].shown.text(), "à l'approche");
        assert!(changed > 100, "the times moved: {changed}");
    }
}
