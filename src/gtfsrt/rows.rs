//! A feed network's rows: the timetable's departures corrected by the
//! trip updates (a delay, a cancellation, a skipped stop), the copies of
//! scheduled trips (`DUPLICATED`) and the trips the timetable does not
//! have, soonest first.

use jiff::{SignedDuration, Timestamp};

use super::live::{self, Said, TripUpdates, Vehicles};
use super::source::FeedNetwork;
use crate::domain::{Accessibility, CrowdLevel, Departure, Load, Origin, Status, WaitTime};
use crate::network::RowRequest;
use crate::timetable::source::TimetableNetwork;

/// How far back scheduled departures are looked at: a late trip may still
/// be to come.
const LATE_WINDOW: SignedDuration = SignedDuration::from_mins(60);
/// At most this many departures of that hour are looked at per row.
const MAX_LATE: usize = 240;

impl FeedNetwork {
    /// One row (among the rows asked): the timetable's departures
    /// corrected by the trip updates, and the added trips that serve it;
    /// and how many live times out of bounds were dropped.
    pub(super) fn row(
        &self,
        tt: &TimetableNetwork,
        trips: &TripUpdates,
        vehicles: &Vehicles,
        (row, rows): (&RowRequest, &[RowRequest]),
        per_row: usize,
    ) -> (Vec<Departure>, u32) {
        let table = tt.table();
        let now = self.now();
        let stops = tt.stops_for(&row.stop_ids, &row.place, None);
        // The next departures, and those of the last hour that a delay may
        // still bring: asked apart, so that a busy line's past hour never
        // uses up the count.
        let Some((route, mut found)) = tt.scheduled(row, &stops, now, per_row + 10) else {
            return (Vec::new(), 0);
        };
        let from = now.checked_sub(LATE_WINDOW).unwrap_or(now);
        if let Some((_, late)) = tt.scheduled(row, &stops, from, MAX_LATE) {
            found.extend(late.into_iter().filter(|d| d.at < now));
        }
        let back = |t: Timestamp| t.checked_sub(self.shift).unwrap_or(t);
        let real_now = back(now);
        let mut out: Vec<Departure> = Vec::new();
        for d in &found {
            let mut departure = tt.row_departure(d, route, row);
            let trip_id = table.trip_id(d.trip);
            let update = live::update_for(trips.candidates(table, d), table, d, now);
            let said = update.map_or(Said::Nothing, |u| live::apply(table, u, d));
            let vehicle = update
                .and_then(|u| u.vehicle.clone())
                .or_else(|| vehicles.of_trip(trip_id).map(|v| v.name.clone()));
            let aimed = back(d.at);
            match said {
                Said::Skipped => continue,
                Said::Nothing | Said::NoData => {}
                Said::Cancelled => {
                    departure.status = Status::Cancelled;
                    departure.origin = Origin::NotLocated;
                }
                Said::Expected { at, delay } => {
                    departure.time = WaitTime::At {
                        expected: back(at),
                        aimed: Some(aimed),
                    };
                    // The feed's prediction is the live time, vehicle
                    // named or not.
                    departure.origin = Origin::Located;
                    if delay >= 60 {
                        departure.status = Status::Delayed;
                    }
                    departure.vehicle = vehicle;
                }
            }
            out.push(departure);
        }
        out.extend(
            self.added(tt, trips, vehicles, row, route)
                .into_iter()
                .filter(|d| takes_added(row, rows, &d.destination)),
        );
        out.extend(self.copies(tt, trips, row, route, &stops, now));
        // What is still to come, soonest first.
        let when = |d: &Departure| match d.time {
            WaitTime::At { expected, aimed } if d.status == Status::Cancelled => {
                aimed.unwrap_or(expected)
            }
            WaitTime::At { expected, .. } => expected,
            _ => real_now,
        };
        out.retain(|d| when(d).duration_since(real_now).as_secs() >= -30);
        // A live time a day or more away (a delay of years, a time in
        // 2100) is not live data: dropped and counted.
        let before = out.len();
        out.retain(|d| {
            d.origin != Origin::Located
                || when(d).duration_since(real_now).as_secs() <= crate::sanitize::MAX_AHEAD_S
        });
        let dropped = before - out.len();
        crate::sanitize::note_implausible(dropped);
        out.sort_by_key(when);
        // The same departure given twice (same line, direction, time,
        // vehicle) is shown once.
        let mut kept: Vec<Departure> = Vec::with_capacity(out.len());
        for d in out {
            let twice = kept.iter().any(|k| {
                k.line.id == d.line.id
                    && k.outbound == d.outbound
                    && k.destination == d.destination
                    && k.time == d.time
                    && k.vehicle == d.vehicle
                    && k.status == d.status
            });
            if !twice {
                kept.push(d);
            }
        }
        let mut out = kept;
        out.truncate(per_row);
        (out, u32::try_from(dropped).unwrap_or(u32::MAX))
    }

    /// Copies of scheduled trips at another time (`DUPLICATED`), on the
    /// row's route and direction: the copied trip's times at the row's
    /// stops moved to the copy's first departure, then the copy's own
    /// updates; marked "ajouté", as the timetable does not have them.
    fn copies(
        &self,
        tt: &TimetableNetwork,
        trips: &TripUpdates,
        row: &RowRequest,
        route: u32,
        stops: &[u32],
        now: Timestamp,
    ) -> Vec<Departure> {
        let table = tt.table();
        let direction = u8::from(!row.outbound);
        let today = crate::timetable::table::day_number(now.to_zoned(table.zone().clone()).date());
        let mut out = Vec::new();
        for (copy, trip) in trips.copies() {
            let Some((day, start)) = copy.copy else {
                continue;
            };
            if table.trip_route(trip) != route
                || table.trip_direction(trip).is_some_and(|d| d != direction)
            {
                continue;
            }
            // Rows are per destination: the copy is on its trip's.
            let headsign = crate::sanitize::line(table.string(table.trip_headsign(trip)));
            if !row.destination.is_empty()
                && crate::names::fold(&headsign) != crate::names::fold(&row.destination)
            {
                continue;
            }
            let pattern: Vec<_> = table.trip_stops(trip).collect();
            let Some(first) = pattern.first().map(|s| s.time) else {
                continue;
            };
            let day = day.unwrap_or(today);
            let Some(reference) = table.day_reference(day) else {
                continue;
            };
            // No boarding at its last stop.
            for s in pattern.iter().take(pattern.len().saturating_sub(1)) {
                if !stops.contains(&s.stop) {
                    continue;
                }
                let Some(offset) = s.time.checked_sub(first).map(|k| start + k) else {
                    continue;
                };
                let Ok(at) =
                    reference.checked_add(jiff::SignedDuration::from_secs(i64::from(offset)))
                else {
                    continue;
                };
                let d = crate::timetable::TimetableDeparture {
                    at,
                    stop: s.stop,
                    trip,
                    route,
                    direction: table.trip_direction(trip),
                    headsign: table.trip_headsign(trip),
                    approximate: false,
                    day,
                    offset,
                };
                let mut departure = tt.row_departure(&d, route, row);
                departure.status = Status::Added;
                match live::apply(table, copy, &d) {
                    Said::Skipped | Said::Cancelled => continue,
                    Said::Expected { at, .. } => {
                        departure.time = WaitTime::At {
                            expected: at.checked_sub(self.shift).unwrap_or(at),
                            aimed: None,
                        };
                        departure.origin = Origin::Located;
                    }
                    Said::Nothing | Said::NoData => {}
                }
                departure.vehicle = copy.vehicle.clone();
                out.push(departure);
            }
        }
        out
    }

    /// Trips the timetable does not have, on the row's route and direction,
    /// at its stops.
    fn added(
        &self,
        tt: &TimetableNetwork,
        trips: &TripUpdates,
        vehicles: &Vehicles,
        row: &RowRequest,
        route: u32,
    ) -> Vec<Departure> {
        let table = tt.table();
        let route_id = table.route(route).id;
        let direction = u32::from(!row.outbound);
        let mut out = Vec::new();
        for trip in &trips.added {
            if trip.route_id.as_deref() != Some(route_id)
                || trip.direction.is_some_and(|d| d != direction)
                || trip.cancelled()
            {
                continue;
            }
            let last_stop = trip
                .stops
                .last()
                .and_then(|s| s.stop_id.as_deref())
                .and_then(|id| table.find_stop(id))
                .map(|s| crate::sanitize::line(table.stop_name(s)))
                .unwrap_or_default();
            for (i, stop) in trip.stops.iter().enumerate() {
                let Some(stop_id) = stop.stop_id.as_deref() else {
                    continue;
                };
                // No boarding at its last stop, nor at a skipped one.
                if i + 1 == trip.stops.len()
                    || stop.relationship == super::proto::stop_relationship::SKIPPED
                    || !row.stop_ids.iter().any(|s| s == stop_id)
                {
                    continue;
                }
                let Some(at) = stop
                    .departure
                    .and_then(|e| e.time)
                    .or(stop.arrival.and_then(|e| e.time))
                else {
                    continue;
                };
                let vehicle = trip.vehicle.clone().or_else(|| {
                    trip.trip_id
                        .as_deref()
                        .and_then(|t| vehicles.of_trip(t))
                        .map(|v| v.name.clone())
                });
                out.push(Departure {
                    stop_id: crate::sanitize::line(stop_id),
                    line: tt.line_ref(route),
                    outbound: row.outbound,
                    destination: last_stop.clone(),
                    via: String::new(),
                    time: WaitTime::At {
                        expected: at.checked_sub(self.shift).unwrap_or(at),
                        aimed: None,
                    },
                    alternate: None,
                    origin: Origin::Located,
                    status: Status::Added,
                    platform: None,
                    mission: None,
                    vehicle,
                    stop_access: Accessibility::Unknown,
                    vehicle_access: Accessibility::Unknown,
                    crowding: CrowdLevel::NotAllowed,
                    load: Load::NotAllowed,
                    crowding_text: String::new(),
                    crowding_advice: String::new(),
                    info_id: None,
                });
            }
        }
        out
    }
}

/// Whether an added trip to `destination` is on `row`: rows are per
/// destination, so on the first of its place, line and direction whose
/// destination reads as the trip's, else on the first of them.
fn takes_added(row: &RowRequest, rows: &[RowRequest], destination: &str) -> bool {
    let mut same = rows.iter().filter(|r| {
        r.place == row.place
            && r.stop_ids == row.stop_ids
            && r.line_id == row.line_id
            && r.outbound == row.outbound
    });
    let first = same.clone().next();
    let chosen = same
        .find(|r| crate::timetable::source::same_destination(destination, &r.destination))
        .or(first);
    chosen.is_none_or(|r| std::ptr::eq(r, row))
}
