//! Where it goes (`quai board PLACE --to DEST`): only the departures whose
//! trip calls at the destination after the board's place, each with its
//! arrival time there.
//!
//! A network says it through [`crate::network::Network::arrivals`]: its
//! timetable keeps each trip's stops ([`crate::timetable::Timetable::run`]),
//! a live departure is matched to its trip (by trip for GTFS-Realtime, by
//! line, direction and nearest scheduled departure for the others), and the
//! arrival is the live one where the network gives it, else the
//! timetable's run time added to the live departure, else the timetable's.
//! [`filter`] keeps the board's rows that reach the destination.

use jiff::Timestamp;
use serde::Serialize;

use crate::domain::{Departure, WaitTime};
use crate::model::Board;
use crate::network::{Network, RowRequest};

/// Where an arrival time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalOrigin {
    /// The network's live prediction at the destination (GTFS-Realtime
    /// stop time updates of the same trip, or its delay carried on).
    Live,
    /// The live departure plus the timetable's run time.
    Estimated,
    /// The timetable's, the departure being the timetable's too.
    Timetable,
}

/// When a departure gets to the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    pub at: Timestamp,
    pub origin: ArrivalOrigin,
}

/// One of a departure's next stops (`--calls`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The stop's name (sanitised).
    pub stop: String,
    pub at: Timestamp,
    pub origin: ArrivalOrigin,
}

/// What a network says of a row's departures and a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arrivals {
    /// It has no timetable that keeps its trips' stops: it cannot say.
    Unavailable,
    /// Its timetable has no place of that name.
    UnknownPlace,
    /// Per departure, its arrival, `None` when its trip does not call at
    /// the destination after the row's place.
    Found(Vec<Option<Arrival>>),
}

/// Where the board's departures go: the destination they were kept for
/// and their arrivals there (`--to`), their next stops (`--calls`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Destination {
    /// The place asked for, as asked (sanitised).
    pub name: Option<String>,
    /// `arrivals[place][line][departure]`, aligned with the board's.
    pub arrivals: Vec<Vec<Vec<Arrival>>>,
    /// `calls[place][line][departure]`, when asked.
    pub calls: Vec<Vec<Vec<Vec<Call>>>>,
}

impl Destination {
    /// The arrival of a departure of the board.
    pub fn arrival(&self, place: usize, line: usize, departure: usize) -> Option<Arrival> {
        self.arrivals.get(place)?.get(line)?.get(departure).copied()
    }

    /// The next stops of a departure of the board (none when not asked).
    pub fn calls(&self, place: usize, line: usize, departure: usize) -> &[Call] {
        self.calls
            .get(place)
            .and_then(|p| p.get(line))
            .and_then(|l| l.get(departure))
            .map_or(&[], Vec::as_slice)
    }
}

/// The departure's instant: its time, or the fetch plus its countdown.
pub fn departure_instant(d: &Departure, fetched_at: Timestamp) -> Option<Timestamp> {
    match &d.time {
        WaitTime::At { expected, .. } => Some(*expected),
        WaitTime::Countdown {
            seconds: Some(s), ..
        } => fetched_at
            .checked_add(jiff::SignedDuration::from_secs(*s))
            .ok(),
        _ => None,
    }
}

/// The request that fetched row `line` of place `p` of the board.
pub fn request(board: &Board, p: usize, line: usize) -> Option<RowRequest> {
    let place = &board.places.get(p)?.place;
    let l = place.lines.get(line)?;
    Some(RowRequest {
        place: place.name.clone(),
        stop_ids: place.stop_ids.clone(),
        line_id: l.line.id.clone(),
        outbound: l.outbound,
        destination: l.destination.clone(),
        to: place.to.clone(),
    })
}

/// Keeps the board's departures that reach `to`, and the rows that have
/// any: the others are not shown (nor the rows of a network that does not
/// know the place, on a board that mixes networks). An error when a
/// network of the board cannot say where its trips go, or when none knows
/// the place.
pub fn filter(board: &mut Board, source: &dyn Network, to: &str) -> Result<(), String> {
    let name = crate::sanitize::line(to);
    for state in &mut board.places {
        state.place.to = Some(name.clone());
    }
    match filter_places(board, source)?.first() {
        Some(unknown) => Err(crate::i18n::tf("dest_unknown", &[("name", unknown)])),
        None => Ok(()),
    }
}

/// Whether some place of the board asks where its departures go.
pub fn asked(board: &Board) -> bool {
    board.places.iter().any(|p| p.place.to.is_some())
}

/// [`filter`] for each place by its own destination (`--to`, or its
/// favourite's `to`): the places with none are left as they are. The
/// board's destination is named when every place has the same. A place
/// whose destination no network knows says so, with no row; the others
/// are shown (one favourite's mistyped `to` costs only that place).
pub fn filter_each(board: &mut Board, source: &dyn Network) -> Result<(), String> {
    let unknown = filter_places(board, source)?;
    for state in &mut board.places {
        let Some(to) = state.place.to.as_ref().filter(|to| unknown.contains(to)) else {
            continue;
        };
        let why = crate::i18n::tf("dest_unknown", &[("name", to)]);
        let kind = crate::network::ErrorKind::Relayed(why.clone());
        state.place.lines.clear();
        state.departures.clear();
        state.error = Some(crate::network::NetError::new(kind, why));
    }
    Ok(())
}

/// [`filter_each`]'s filtering: the destinations no network knows, or
/// why a network of the board cannot say where its trips go.
fn filter_places(board: &mut Board, source: &dyn Network) -> Result<Vec<String>, String> {
    let fetched_at = board.fetched_at.unwrap_or_else(crate::clock::now);
    let mut arrivals = Vec::with_capacity(board.places.len());
    // Per destination: whether a row was asked, and whether some network
    // knows it.
    let mut known: Vec<(String, bool, bool)> = Vec::new();
    for p in 0..board.places.len() {
        let Some(to) = board.places[p].place.to.clone() else {
            let lines = board.places[p].place.lines.len();
            arrivals.push(vec![Vec::new(); lines]);
            continue;
        };
        let seen = match known.iter().position(|(n, ..)| *n == to) {
            Some(i) => i,
            None => {
                known.push((to.clone(), false, false));
                known.len() - 1
            }
        };
        let mut place_arrivals = Vec::new();
        let mut kept_lines = Vec::new();
        for line in 0..board.places[p].place.lines.len() {
            let Some(row) = request(board, p, line) else {
                continue;
            };
            let departures = board.places[p].row(line).to_vec();
            known[seen].1 = true;
            let found = match source.arrivals(&row, &departures, fetched_at, &to) {
                Arrivals::Unavailable => return Err(crate::i18n::t("dest_unavailable").into()),
                Arrivals::UnknownPlace => continue,
                Arrivals::Found(found) => found,
            };
            known[seen].2 = true;
            let (kept, times): (Vec<Departure>, Vec<Arrival>) = departures
                .into_iter()
                .zip(found)
                .filter_map(|(d, a)| Some((d, a?)))
                .unzip();
            if !kept.is_empty() {
                kept_lines.push((line, kept));
                place_arrivals.push(times);
            }
        }
        let state = &mut board.places[p];
        let lines = std::mem::take(&mut state.place.lines);
        state.departures = Vec::with_capacity(kept_lines.len());
        for (line, kept) in kept_lines {
            if let Some(l) = lines.get(line) {
                state.place.lines.push(l.clone());
                state.departures.push(kept);
            }
        }
        arrivals.push(place_arrivals);
    }
    let unknown: Vec<String> = known
        .iter()
        .filter(|(_, asked, k)| *asked && !k)
        .map(|(name, ..)| name.clone())
        .collect();
    let name = match known.as_slice() {
        [(only, ..)] if board.places.iter().all(|p| p.place.to.is_some()) => Some(only.clone()),
        _ => None,
    };
    board.destination = Some(Destination {
        name,
        arrivals,
        calls: Vec::new(),
    });
    Ok(unknown)
}

/// Adds each departure's next stops (`--calls`): an error when a network
/// of the board cannot say them (no timetable).
pub fn add_calls(board: &mut Board, source: &dyn Network) -> Result<(), String> {
    let fetched_at = board.fetched_at.unwrap_or_else(crate::clock::now);
    let mut calls = Vec::with_capacity(board.places.len());
    for p in 0..board.places.len() {
        let mut place_calls = Vec::new();
        for line in 0..board.places[p].place.lines.len() {
            let departures = board.places[p].row(line);
            let Some(row) = request(board, p, line).filter(|_| !departures.is_empty()) else {
                place_calls.push(Vec::new());
                continue;
            };
            let found = source
                .calls(&row, departures, fetched_at)
                .ok_or_else(|| crate::i18n::t("calls_unavailable").to_string())?;
            place_calls.push(found);
        }
        calls.push(place_calls);
    }
    board
        .destination
        .get_or_insert_with(Destination::default)
        .calls = calls;
    Ok(())
}
