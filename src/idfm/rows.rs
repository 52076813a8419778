//! What the board shows from PRIM's visits: a row's departures (a line
//! and destination at a station), the lines seen at a station, the
//! stations' names.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;

use super::datasets::{LineInfo, Zone};
use super::rounds::Area;
use super::siri::Visit;
use crate::domain::{
    Accessibility, BoardLine, CrowdLevel, Departure, LineRef, Load, Origin, Status, Stop, WaitTime,
};
use crate::network::{PerRow, RowRequest, RowResult};

/// A train still at the platform this long after its time is shown.
const AT_STOP_GRACE_S: i64 = 60;

/// One visit as a departure; none once it has left (past its time, and
/// not still at the platform).
fn departure(v: &Visit, station: &str, line: &LineRef, now: Timestamp) -> Option<Departure> {
    let expected = v.expected()?;
    if expected.duration_since(now).as_secs() > crate::sanitize::MAX_AHEAD_S {
        // A time in 2100 is not live data.
        crate::sanitize::note_implausible(1);
        return None;
    }
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

/// One row's departures (its line to its destination) at its stations'
/// areas, soonest first; its error when a station's last request failed.
pub(super) fn row_result(
    areas: &[(&String, &Area)],
    lines: &HashMap<String, LineInfo>,
    row: &RowRequest,
    per_row: PerRow,
    now: Timestamp,
) -> RowResult {
    let error = areas.iter().find_map(|(_, a)| a.error.clone());
    let answered = !areas.is_empty() && error.is_none();
    let (line, _) = line_ref(lines, &row.line_id);
    let dropped = areas
        .iter()
        .flat_map(|(_, area)| &area.visits)
        .filter(|v| v.line == row.line_id && v.destination == row.destination)
        .filter(|v| {
            v.expected()
                .is_some_and(|e| e.duration_since(now).as_secs() > crate::sanitize::MAX_AHEAD_S)
        })
        .count();
    let mut departures: Vec<Departure> = areas
        .iter()
        .flat_map(|(station, area)| {
            area.visits
                .iter()
                .filter(|v| v.line == row.line_id && v.destination == row.destination)
                .filter_map(|v| departure(v, station, &line, now))
        })
        .collect();
    departures.sort_by_key(|d| match d.time {
        WaitTime::At { expected, .. } => expected,
        _ => now,
    });
    // The same train given twice (by two areas of the station, or twice
    // in one answer) is shown once.
    let mut kept: Vec<Departure> = Vec::with_capacity(departures.len());
    for d in departures {
        let twice = kept.iter().any(|k| {
            k.time == d.time
                && k.platform == d.platform
                && k.mission == d.mission
                && k.status == d.status
        });
        if !twice {
            kept.push(d);
        }
    }
    let mut departures = kept;
    departures.truncate(usize::from(per_row.get()));
    let data_at = areas.iter().filter_map(|(_, a)| a.fetched).min();
    RowResult {
        in_answer: answered,
        position: None,
        departures,
        error,
        data_at,
        timetable: false,
        dropped: u32::try_from(dropped).unwrap_or(u32::MAX),
    }
}

/// The rows seen at stations' areas (a line and destination each), in the
/// board's order, each once.
pub(super) fn board_lines(areas: &[&Area], lines: &HashMap<String, LineInfo>) -> Vec<BoardLine> {
    let mut out = Vec::new();
    for area in areas {
        for ((line, destination), _) in &area.rows {
            let (line, kind) = line_ref(lines, line);
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
    out
}

/// The station names riders read: a name used by several towns carries its
/// town ("Mairie (Montreuil)").
pub(super) fn station_stops(zones: &[Zone]) -> Vec<Stop> {
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn times_out_of_bounds_are_dropped_and_the_same_train_shown_once() {
        let now: Timestamp = "2026-12-01T09:00:00Z".parse().unwrap();
        let visit = |at: &str, mission: &str| Visit {
            line: "C01742".into(),
            destination: "Chessy".into(),
            stop_name: None,
            expected_departure: Some(at.parse().unwrap()),
            expected_arrival: None,
            aimed_departure: None,
            aimed_arrival: None,
            cancelled: false,
            at_stop: false,
            platform: Some("A".into()),
            mission: Some(mission.into()),
            long_train: None,
            recorded_at: None,
        };
        let mut area = Area::default();
        area.fetched = Some(now);
        area.visits = vec![
            visit("2100-01-01T09:00:00Z", "FAR"),
            visit("2026-12-01T09:04:00Z", "QIKY"),
            visit("2026-12-01T09:04:00Z", "QIKY"),
            visit("2026-12-01T09:04:00Z", "QIKY"),
            visit("2026-12-01T09:10:00Z", "QIKY"),
        ];
        let station = "STIF:StopArea:SP:1:".to_string();
        let row = RowRequest {
            place: "Gare".into(),
            stop_ids: vec![station.clone()],
            line_id: "C01742".into(),
            outbound: true,
            destination: "Chessy".into(),
            to: None,
        };
        let before = crate::sanitize::implausible_dropped();
        let result = row_result(
            &[(&station, &area)],
            &HashMap::new(),
            &row,
            PerRow::new(5).unwrap(),
            now,
        );
        let times: Vec<String> = result
            .departures
            .iter()
            .map(|d| match d.time {
                WaitTime::At { expected, .. } => expected.to_string(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(times, ["2026-12-01T09:04:00Z", "2026-12-01T09:10:00Z"]);
        assert!(crate::sanitize::implausible_dropped() > before);
    }
}
