//! The view built from the model at one instant, and brought to the next second without being built again.

use super::*;

/// Time of day in `zone`.
pub fn clock_text(at: Timestamp, zone: &jiff::tz::TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%H:%M:%S").to_string()
}

/// Time of day in a network's zone, with its offset ("05:33:51 UTC−5")
/// when the header's clock (in `shown`) is in another.
pub(super) fn clock_text_in(
    at: Timestamp,
    zone: &jiff::tz::TimeZone,
    shown: &jiff::tz::TimeZone,
) -> String {
    crate::domain::time_in(at, zone, "%H:%M:%S", shown)
}

/// A place's network name, with its zone's offset when the header's clock
/// (in `shown`) is in another zone ("STM · UTC−5").
pub(super) fn zone_named(
    name: &str,
    zone: &jiff::tz::TimeZone,
    shown: &jiff::tz::TimeZone,
    now: Timestamp,
) -> String {
    let offset = zone.to_offset(now);
    if name.is_empty() || offset == shown.to_offset(now) {
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
        view.clock = clock_text(shown, board.zones.shown());
    }
    view.shift = shift;
    view
}

/// The lines of place `p` that the board shows, with their index: a
/// direction ending here (a terminus) has arrivals only and is left out
/// while it has no departure.
pub(crate) fn shown_lines(state: &PlaceState) -> impl Iterator<Item = (usize, &BoardLine)> {
    let place = &state.place;
    place.lines.iter().enumerate().filter(move |(l, line)| {
        let empty = state.row(*l).is_empty();
        !(empty && crate::names::fold(&line.destination) == crate::names::fold(&place.name))
    })
}

/// A countdown's seconds, corrected for the time since the fetch.
pub(super) fn seconds_left(
    d: &Departure,
    elapsed: std::time::Duration,
    now: Timestamp,
) -> Option<i64> {
    model::seconds_left(d, elapsed, now).map(|s| s.max(0))
}

/// Whether a departure `seconds` away can be caught with `walk` minutes on
/// foot (`None`: no walk time, or no time to count with).
pub(super) fn reachable(walk: Option<u32>, cell: &CellView) -> Option<bool> {
    let walk = i64::from(walk?) * 60;
    let counted = matches!(
        cell.shown,
        TimeShown::Countdown(_) | TimeShown::Theoretical(_)
    );
    counted.then_some(cell.seconds? >= walk)
}

/// When to leave for the first departure that can be caught.
pub(super) fn leave_text(walk: Option<u32>, cells: &[CellView]) -> Option<String> {
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
pub(super) struct At {
    now: Timestamp,
    elapsed: std::time::Duration,
    mixed: bool,
}

/// The view of place `p` of `board`.
pub(super) fn place_view(board: &Board, p: usize, state: &PlaceState, at: &At) -> PlaceView {
    let place = &state.place;
    let tz = board.zones.of(&place.network);
    let shown = board.zones.shown();
    let now = at.now;
    PlaceView {
        messages: crate::ui::traffic::about_place(board, place),
        to: place.to.clone(),
        name: match &place.label {
            Some(label) => format!("{} — {label}", place.name),
            None => place.name.clone(),
        },
        behind: board.place_behind(p).map(|at| {
            // With a reason already said, only how old the data is.
            let time = clock_text_in(at, tz, shown);
            if state.error.is_some() || state.cached {
                crate::i18n::tf("data_of", &[("time", &time)])
            } else {
                crate::i18n::tf("left_out_data_of", &[("time", &time)])
            }
        }),
        // Under an error, no departure is not known to be none.
        no_departure: board.fetched_at.is_some() && state.is_empty() && state.error.is_none(),
        data_of: board
            .place_data_at(p)
            .map(|at| crate::i18n::tf("data_of", &[("time", &clock_text_in(at, tz, shown))])),
        network: at
            .mixed
            .then(|| zone_named(&place.network_name, tz, shown, now))
            .filter(|n| !n.is_empty()),
        timetable: state
            .timetable
            .then(|| model::theoretical_times().to_string()),
        problem: state.error.as_ref().map(|e| e.short_reason_at(now, tz)),
        problem_kind: state.error.as_ref().map(|e| e.kind.code()),
        dropped_values: (state.dropped > 0).then_some(state.dropped),
        dropped: match state.dropped {
            0 => None,
            1 => Some(crate::i18n::t("dropped_one").to_string()),
            n => Some(crate::i18n::tf("dropped_many", &[("n", &n.to_string())])),
        },
        stale: board.place_is_stale(p, now),
        data_at: board
            .place_behind(p)
            .or_else(|| board.place_data_at(p))
            .map(|at| LocalTime {
                at,
                zone: tz.clone(),
            }),
        lifts: board
            .lifts
            .get(&place.stop_ids)
            .and_then(|l| lift_text(l, now, tz)),
        lift_list: board
            .lifts
            .get(&place.stop_ids)
            .and_then(|l| l.as_ref().ok())
            .cloned()
            .unwrap_or_default(),
        rows: shown_lines(state)
            .map(|(l, line)| {
                let mut row = row_view(board, line, state.row(l), place.walk, tz, at);
                if let Some(to) = &board.destination {
                    for (d, cell) in row.cells.iter_mut().enumerate() {
                        let arrival = to.arrival(p, l, d);
                        cell.arrival = arrival.map(|a| LocalTime {
                            at: a.at,
                            zone: tz.clone(),
                        });
                        cell.arrival_origin = arrival.map(|a| a.origin);
                        cell.calls = to
                            .calls(p, l, d)
                            .iter()
                            .map(|c| CallView {
                                stop: c.stop.clone(),
                                time: LocalTime {
                                    at: c.at,
                                    zone: tz.clone(),
                                },
                                origin: c.origin,
                            })
                            .collect();
                    }
                }
                row
            })
            .collect(),
    }
}

/// The view of one row: its line and direction, and its departures.
pub(super) fn row_view(
    board: &Board,
    line: &BoardLine,
    departures: &[Departure],
    walk: Option<u32>,
    zone: &jiff::tz::TimeZone,
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
        revision: Revision::next(),
    }
}

/// The view of one departure (whether it can be caught is left to the row),
/// in its network's zone.
pub(super) fn cell_view(d: &Departure, tz: &jiff::tz::TimeZone, at: &At) -> CellView {
    use crate::domain::WaitTime;
    let (now, elapsed) = (at.now, at.elapsed);
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
                zone: tz.clone(),
            }),
            _ => None,
        },
        aimed: match &d.time {
            WaitTime::At {
                aimed: Some(aimed), ..
            } => Some(LocalTime {
                at: *aimed,
                zone: tz.clone(),
            }),
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
        arrival: None,
        arrival_origin: None,
        calls: Vec::new(),
    }
}

/// Builds the view of `board` at `now`.
/// When the data shown was fetched: the board's last refresh, or when its
/// places' data carry their own time (a publisher's board read from a
/// broker), the newest of those. The age shown is the data's, never that
/// of a refresh or of a message's arrival.
fn data_fetched_at(board: &Board) -> Option<Timestamp> {
    let fetched = board.fetched_at?;
    let own = board
        .places
        .iter()
        .map(|p| {
            if p.cached {
                p.fetched_at
            } else {
                Some(fetched)
            }
        })
        .max()
        .flatten();
    Some(own.unwrap_or(fetched).min(fetched))
}

/// The age of the data shown at `now` ([`data_fetched_at`]).
fn data_age(board: &Board, now: Timestamp) -> Option<u64> {
    data_fetched_at(board).map(|at| now.duration_since(at).as_secs().max(0).unsigned_abs())
}

pub fn build(board: &Board, now: Timestamp) -> BoardView {
    let age = board.age(now);
    let data_at = data_fetched_at(board);
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
        clock: clock_text(now, board.zones.shown()),
        fetched_at: data_at.map(|t| t.to_string()),
        fetched_clock: data_at.map(|t| clock_text(t, board.zones.shown())),
        age_seconds: data_age(board, now),
        stale: board.is_stale(now),
        stale_data: board.shows_stale(now),
        // Rows from the timetable: live times failed, and a script reading
        // `error` must know it.
        error: error.map(|e| e.to_string()),
        error_reason: error.map(|e| e.short_reason_at(now, board.zones.shown())),
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
        destination: board.destination.as_ref().and_then(|d| d.name.clone()),
        shift: jiff::SignedDuration::ZERO,
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
    view.clock = clock_text(now, board.zones.shown());
    view.age_seconds = data_age(board, now);
    view.stale = board.is_stale(now);
    view.stale_data = board.shows_stale(now);
    for (p, (place, state)) in view.places.iter_mut().zip(&board.places).enumerate() {
        place.stale = board.place_is_stale(p, now);
        let walk = state.place.walk;
        let tz = board.zones.of(&state.place.network);
        for ((l, _), row) in shown_lines(state).zip(&mut place.rows) {
            // Whether what the row draws may have changed: then it gets a
            // new revision.
            let mut changed = false;
            for (d, cell) in state.row(l).iter().zip(&mut row.cells) {
                let seconds = seconds_left(d, elapsed, now);
                // A countdown still in the same minute reads the same: its
                // text is left (most cells, most seconds).
                let same = d.alternate.is_none()
                    && matches!(
                        cell.shown,
                        TimeShown::Countdown(_)
                            | TimeShown::Theoretical(_)
                            | TimeShown::NotLocated(_)
                    )
                    && matches!((cell.seconds, seconds), (Some(a), Some(b)) if model::same_countdown(a, b));
                if !same {
                    let before = cell.shown.clone();
                    model::update_time_shown(&mut cell.shown, d, elapsed, now, tz);
                    changed |= cell.shown != before;
                }
                cell.seconds = seconds;
                let can = reachable(walk, cell);
                changed |= cell.reachable != can;
                cell.reachable = can;
            }
            if walk.is_some() {
                let leave = leave_text(walk, &row.cells);
                if row.leave != leave {
                    row.leave = leave;
                    changed = true;
                }
            }
            if changed {
                row.revision = Revision::next();
            }
        }
    }
}

/// Whether an error of the board names an instant to wait for, which its
/// texts count down to.
pub(super) fn has_wait(board: &Board) -> bool {
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
        view.clock = clock_text(shown, board.zones.shown());
    }
}

/// The failure behind the first place shown from the timetable.
pub(super) fn timetable_error(board: &Board) -> Option<&crate::network::NetError> {
    (0..board.places.len())
        .filter(|&p| board.place_from_timetable(p))
        .find_map(|p| board.place_error(p))
}

/// Why the timetable's rows are shown: "horaires théoriques : <the first
/// place's reason>".
pub(super) fn timetable_note(board: &Board, now: Timestamp) -> Option<String> {
    let places: Vec<usize> = (0..board.places.len())
        .filter(|&p| board.place_from_timetable(p))
        .collect();
    let first = *places.first()?;
    let reason = places
        .iter()
        .find_map(|&p| board.place_error(p))
        .map(|e| e.short_reason_at(now, board.zones.shown()))
        .unwrap_or_else(|| {
            let _ = first;
            crate::i18n::t("not_in_live_answers").to_string()
        });
    Some(crate::i18n::tf("theoretical_because", &[("why", &reason)]))
}
