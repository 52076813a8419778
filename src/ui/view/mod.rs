//! What the board shows at one instant, computed once from the model and
//! read by every renderer: the terminal pane, `--once` text and `--json`
//! (whose schema, [`SCHEMA`], is docs/json.md: codes that do not change
//! with the language beside the translated texts).

use jiff::Timestamp;
use serde::Serialize;

use crate::domain::Departure;
use crate::domain::{CrowdLevel, LineRef, Message, Severity, Status};
use crate::model::{self, Board, BoardLine, Gauge, PlaceState, TimeShown};

mod build;
pub use build::*;
mod text;
pub use text::*;
#[cfg(test)]
mod tests;

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
    /// With a destination (`--to`): when it gets there, and whether that
    /// is live, estimated or the timetable's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival: Option<LocalTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_origin: Option<crate::destination::ArrivalOrigin>,
    /// With `--calls`: the trip's next stops, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<CallView>,
}

/// One of a departure's next stops: its name, when the trip calls there
/// and where that time comes from (`live`, `estimated`, `timetable`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallView {
    pub stop: String,
    pub time: LocalTime,
    pub origin: crate::destination::ArrivalOrigin,
}

/// An instant written in its network's zone with its offset
/// ("2026-12-01T09:04:00+01:00", "…-05:00" for a Montréal place) when
/// serialised: the board's frames, which never print it, do not format it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalTime {
    pub at: Timestamp,
    /// The network's zone.
    pub zone: jiff::tz::TimeZone,
}

impl Serialize for LocalTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let zoned = self.at.to_zoned(self.zone.clone());
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
    /// Which state of the row this is (see [`Revision`]).
    #[serde(skip)]
    pub revision: Revision,
}

/// Which state of a row a [`RowView`] is: a new number when the row is
/// built and whenever what it draws may have changed since (a time, a
/// note brought to a new second), so that a row found drawn alike once is
/// known unchanged while its revision stays, without comparing its texts
/// again: on an idle board, those comparisons' reads from memory were a
/// tenth of the time of a frame. Not part of what a row is: rows equal in
/// all else are equal whatever their revisions.
#[derive(Debug, Clone, Copy)]
pub struct Revision(u64);

impl Revision {
    /// A number no row had before.
    pub fn next() -> Revision {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Revision(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

impl PartialEq for Revision {
    /// Always: a revision says nothing of what a row is.
    fn eq(&self, _: &Revision) -> bool {
        true
    }
}

/// The line memo's key of a row's line: the row as it was drawn, what else
/// the line depended on (`L`), and the revision of the row last found to
/// draw alike.
pub struct RowKey<L> {
    row: RowView,
    look: L,
    alike: std::cell::Cell<u64>,
}

impl<L: PartialEq> RowKey<L> {
    pub fn new(row: &RowView, look: L) -> RowKey<L> {
        RowKey {
            row: row.clone(),
            look,
            alike: std::cell::Cell::new(row.revision.0),
        }
    }

    /// Whether `row` with `look` draws the line this key's row drew: at
    /// once when it is the revision last found alike, otherwise by
    /// [`drawn_alike`] (and that revision is then remembered).
    pub fn draws(&self, row: &RowView, look: &L) -> bool {
        if self.look != *look {
            return false;
        }
        if self.alike.get() == row.revision.0 {
            return true;
        }
        let alike = drawn_alike(&self.row, row);
        if alike {
            self.alike.set(row.revision.0);
        }
        alike
    }
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
    /// How many values of the place's last answer were out of sane bounds
    /// and dropped (absent when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped_values: Option<u32>,
    /// `dropped_values` in words ("2 valeurs aberrantes écartées").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped: Option<String>,
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
    /// Where its departures go (`--to`, a favourite's `to`, or chosen on
    /// the board with `>`): the heading says "→ Chamars".
    #[serde(skip)]
    pub to: Option<String>,
    pub rows: Vec<RowView>,
}

/// What a place's heading is made of ([`PlaceView::heading_within`]): a
/// heading drawn alike in the previous frame, its parts unchanged, is not
/// made again (the line memo's key).
#[derive(Debug, Clone, PartialEq)]
pub struct HeadingParts {
    name: String,
    to: Option<String>,
    messages: usize,
    network: Option<String>,
    timetable: Option<String>,
    problem: Option<String>,
    behind: Option<String>,
    data_of: Option<String>,
    lifts: Option<String>,
    dropped: Option<String>,
}

impl PlaceView {
    /// The place's name, and where its departures go: "Gare Viotte →
    /// Chamars".
    pub fn titled(&self) -> String {
        match &self.to {
            Some(to) => {
                let arrow = crate::i18n::tf("dest_heading", &[("name", to)]);
                format!("{} {arrow}", self.name)
            }
            None => self.name.clone(),
        }
    }

    /// The parts its heading is made of.
    pub fn heading_parts(&self) -> HeadingParts {
        HeadingParts {
            name: self.name.clone(),
            to: self.to.clone(),
            messages: self.messages,
            network: self.network.clone(),
            timetable: self.timetable.clone(),
            problem: self.problem.clone(),
            behind: self.behind.clone(),
            data_of: self.data_of.clone(),
            lifts: self.lifts.clone(),
            dropped: self.dropped.clone(),
        }
    }

    /// Whether its heading is made of `parts` (compared without a copy).
    /// Every part is named, so that a new one is not forgotten.
    pub fn heading_is(&self, parts: &HeadingParts) -> bool {
        let HeadingParts {
            name,
            to,
            messages,
            network,
            timetable,
            problem,
            behind,
            data_of,
            lifts,
            dropped,
        } = parts;
        self.name == *name
            && self.to == *to
            && self.messages == *messages
            && self.network == *network
            && self.timetable == *timetable
            && self.problem == *problem
            && self.behind == *behind
            && self.data_of == *data_of
            && self.lifts == *lifts
            && self.dropped == *dropped
    }

    /// What the place says without a departure: "Aucun départ prévu pour
    /// le moment", or with a destination "aucun départ vers Chamars".
    pub fn no_departure_text(&self) -> std::borrow::Cow<'static, str> {
        match &self.to {
            Some(to) => crate::i18n::tf("no_departure_to", &[("name", to)]).into(),
            None => crate::i18n::t("no_departure").into(),
        }
    }

    /// How many lines of the place the selection can be on: its rows, or
    /// with a destination no trip takes there, the line saying so (for
    /// `T`, `<` to clear it).
    pub fn selectable(&self) -> usize {
        if self.no_departure {
            usize::from(self.to.is_some())
        } else {
            self.rows.len()
        }
    }

    /// The place's name, and why its departures are old when they are.
    pub fn heading(&self) -> String {
        let mut heading = self.titled();
        for part in [
            &self.network,
            &self.timetable,
            &self.problem,
            &self.behind,
            &self.data_of,
            &self.lifts,
            &self.dropped,
        ]
        .into_iter()
        .flatten()
        {
            heading.push_str(" · ");
            heading.push_str(part);
        }
        heading
    }

    /// "ⓘ 2 messages" when traffic messages about the place are not in
    /// the banner; with the key that reads them ("(i)") on the board.
    pub fn messages_note(&self, key: bool) -> Option<String> {
        let n = self.messages.to_string();
        match (self.messages, key) {
            (0, _) => None,
            (1, true) => Some(crate::i18n::t("place_one_message").to_string()),
            (_, true) => Some(crate::i18n::tf("place_messages", &[("n", &n)])),
            (1, false) => Some(crate::i18n::t("place_one_message_plain").to_string()),
            (_, false) => Some(crate::i18n::tf("place_messages_plain", &[("n", &n)])),
        }
    }

    /// The heading in `width` cells, from `name` (the place's, or
    /// "… (suite)"), with the messages' note (with `messages`: `Some(key)`)
    /// and the parts of [`PlaceView::heading`], composed by priority: the
    /// least important parts (the network's name first) left out whole,
    /// the name always kept, shortened with "…" only when it alone passes
    /// `width`.
    pub fn heading_within(&self, name: String, messages: Option<bool>, width: usize) -> String {
        let note = messages.and_then(|key| self.messages_note(key));
        let parts: Vec<(String, u8)> = [
            (Some(&name), u8::MAX),
            (note.as_ref(), 7),
            (self.network.as_ref(), 2),
            (self.timetable.as_ref(), 6),
            (self.problem.as_ref(), 9),
            (self.behind.as_ref(), 8),
            (self.data_of.as_ref(), 8),
            (self.lifts.as_ref(), 5),
            (self.dropped.as_ref(), 4),
        ]
        .into_iter()
        .filter_map(|(text, priority)| text.map(|t| (t.clone(), priority)))
        .collect();
        crate::ui::text::by_priority(&parts, width)
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
    /// The destination the rows are kept for (`--to`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// How far the shown clock is from the real one (the demo's may be
    /// set to another time of day): clock times in texts are moved by it.
    #[serde(skip)]
    pub shift: jiff::SignedDuration,
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
        self.places.iter().map(PlaceView::selectable).sum()
    }

    /// The index of the first selectable row of each place that has rows.
    pub fn place_starts(&self) -> Vec<usize> {
        let mut starts = Vec::new();
        let mut row = 0;
        for place in &self.places {
            if place.selectable() > 0 {
                starts.push(row);
            }
            row += place.selectable();
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
        revision: _,
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
            arrival,
            arrival_origin,
            calls,
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
            && *arrival == y.arrival
            && *arrival_origin == y.arrival_origin
            && *calls == y.calls
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
