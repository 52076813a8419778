//! Ginko's live arrivals (`--to`): the waiting times at the destination,
//! asked for in the same `TR/getListeTemps` call as the board's rows (the
//! same line and direction at the destination's place), and a departure's
//! arrival there the time of the same vehicle number, later than its
//! departure. Only located vehicles (`fiable`) count: the others keep the
//! timetable's run time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;

use super::WaitRequest;
use crate::destination::departure_instant;
use crate::domain::{Departure, Origin};
use crate::names;
use crate::network::RowRequest;

/// A destination's row: the place (folded), the line id, the direction.
type Key = (String, String, bool);

/// The located vehicles of a destination's row: number, when there.
type Vehicles = Vec<(String, Timestamp)>;

fn key(to: &str, line_id: &str, outbound: bool) -> Key {
    (names::fold(to), line_id.trim().to_string(), outbound)
}

/// The located vehicles expected at each destination asked for by the
/// last fetch: their numbers and when.
#[derive(Debug, Clone, Default)]
pub struct AtDestinations {
    seen: Arc<Mutex<HashMap<Key, Vehicles>>>,
    /// The exact name of each destination asked for (folded), from the
    /// stop list.
    names: Arc<Mutex<HashMap<String, String>>>,
}

/// The destination requests a board's rows add to the call: one per row
/// with a destination other than its own place, `name` giving the place's
/// exact name (from the stop list; a place it does not know is not asked
/// for: an unknown name must not cost the board its answer). Each is
/// `(the row's destination as asked, the request)`.
pub fn requests(
    rows: &[RowRequest],
    name: impl Fn(&str) -> Option<String>,
) -> Vec<(String, WaitRequest)> {
    let mut out: Vec<(String, WaitRequest)> = Vec::new();
    for row in rows {
        let Some(to) = row.to.as_deref().filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        let Some(place) = name(to) else {
            continue;
        };
        if names::fold(&place) == names::fold(&row.place) {
            continue;
        }
        let request = WaitRequest {
            place,
            line_id: row.line_id.clone(),
            outbound: row.outbound,
        };
        if !out.iter().any(|(t, r)| t == to && *r == request) {
            out.push((to.to_string(), request));
        }
    }
    out
}

impl AtDestinations {
    /// The exact name of destination `to` found before.
    pub fn name_of(&self, to: &str) -> Option<String> {
        self.names.lock().ok()?.get(&names::fold(to)).cloned()
    }

    /// Finds the exact name of destination `to` among `stops`, and keeps it.
    pub fn find_name(&self, to: &str, stops: &[crate::domain::Stop]) -> Option<String> {
        let folded = names::fold(to);
        let name = stops
            .iter()
            .find(|s| names::fold(&s.name) == folded)?
            .name
            .clone();
        if let Ok(mut known) = self.names.lock() {
            known.insert(folded, name.clone());
        }
        Some(name)
    }

    /// Keeps what the call said of the destinations (`answers`, one per
    /// request of `asked`), fetched at `at`; what an earlier call said
    /// is forgotten.
    pub fn store(
        &self,
        asked: &[(String, WaitRequest)],
        answers: &[Vec<Departure>],
        at: Timestamp,
    ) {
        let mut seen = HashMap::new();
        for ((to, request), departures) in asked.iter().zip(answers) {
            let vehicles: Vehicles = departures
                .iter()
                .filter(|d| d.origin == Origin::Located)
                .filter(|d| d.line.id.trim() == request.line_id.trim())
                .filter_map(|d| Some((d.vehicle.clone()?, departure_instant(d, at)?)))
                .collect();
            seen.insert(key(to, &request.line_id, request.outbound), vehicles);
        }
        if let Ok(mut slot) = self.seen.lock() {
            *slot = seen;
        }
    }

    /// Each departure's arrivals at `to`: the times its vehicle is
    /// expected there after it leaves, when both are located (none
    /// otherwise).
    pub fn arrivals(
        &self,
        row: &RowRequest,
        departures: &[Departure],
        fetched_at: Timestamp,
        to: &str,
    ) -> Vec<Vec<Timestamp>> {
        let Ok(seen) = self.seen.lock() else {
            return Vec::new();
        };
        let Some(there) = seen.get(&key(to, &row.line_id, row.outbound)) else {
            return Vec::new();
        };
        departures
            .iter()
            .map(|d| {
                if d.origin != Origin::Located || d.line.id.trim() != row.line_id.trim() {
                    return Vec::new();
                }
                let (Some(vehicle), Some(leaves)) =
                    (d.vehicle.as_deref(), departure_instant(d, fetched_at))
                else {
                    return Vec::new();
                };
                there
                    .iter()
                    .filter(|(v, at)| v == vehicle && *at > leaves)
                    .map(|(_, at)| *at)
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::WaitTime;

    fn departure(line: &str, vehicle: &str, seconds: i64, origin: Origin) -> Departure {
        let t: super::super::model::FormTempsAttente = serde_json::from_value(serde_json::json!({
            "idLigne": line, "sensAller": false, "temps": "x",
            "tempsEnSeconde": seconds, "typeDeTemps": 0,
            "fiable": origin == Origin::Located, "numVehicule": vehicle,
        }))
        .unwrap();
        let d = Departure::from(&t);
        assert!(matches!(d.time, WaitTime::Countdown { .. }), "{:?}", d.time);
        d
    }

    fn row(to: Option<&str>) -> RowRequest {
        RowRequest {
            place: "Gare Viotte".into(),
            stop_ids: vec!["GV1".into()],
            line_id: "102".into(),
            outbound: false,
            destination: "Hauts du Chazal".into(),
            to: to.map(Into::into),
        }
    }

    #[test]
    fn a_destination_is_asked_once_per_line_and_direction() {
        let rows = [row(Some("chamars")), row(Some("chamars")), row(None)];
        let asked = requests(&rows, |_| Some("Chamars".into()));
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].0, "chamars");
        assert_eq!(
            asked[0].1,
            WaitRequest {
                place: "Chamars".into(),
                line_id: "102".into(),
                outbound: false
            }
        );
        // The board's own place is not asked again.
        assert!(requests(&[row(Some("Gare Viotte"))], |t| Some(t.to_string())).is_empty());
        // A place the stop list does not have is not asked for.
        assert!(requests(&[row(Some("Nulle Part"))], |_| None).is_empty());
    }

    #[test]
    fn the_same_located_vehicle_later_at_the_destination_is_the_arrival() {
        let at: Timestamp = "2026-12-01T08:00:00Z".parse().unwrap();
        let row = row(Some("Chamars"));
        let asked = requests(std::slice::from_ref(&row), |_| Some("Chamars".into()));
        let at_chamars = vec![
            // 815 is already past Gare Viotte: at Chamars in 1 min.
            departure("102", "815", 60, Origin::Located),
            departure("102", "813", 420, Origin::Located),
            // 813 again, on its next run: the timetable says which is this one.
            departure("102", "813", 3000, Origin::Located),
            departure("102", "816", 900, Origin::NotLocated),
            // Another line's 814 says nothing of line 102's.
            departure("3", "814", 500, Origin::Located),
        ];
        let seen = AtDestinations::default();
        seen.store(&asked, &[at_chamars], at);
        let board = [
            departure("102", "813", 120, Origin::Located),
            departure("102", "815", 240, Origin::Located),
            departure("102", "816", 600, Origin::NotLocated),
            departure("102", "814", 700, Origin::Located),
        ];
        let found = seen.arrivals(&row, &board, at, "Chamars");
        let later = |s| at.checked_add(jiff::SignedDuration::from_secs(s)).unwrap();
        assert_eq!(
            found,
            vec![vec![later(420), later(3000)], vec![], vec![], vec![]]
        );
        // Another destination, or none asked: nothing.
        assert!(seen.arrivals(&row, &board, at, "Battant").is_empty());
        seen.store(&[], &[], at);
        assert!(seen.arrivals(&row, &board, at, "Chamars").is_empty());
    }
}
