//! Trip updates and vehicle positions as quai reads them, and what a
//! trip update says of one scheduled departure, by the GTFS-Realtime
//! rules: a stop's own update wins; else the delay of the nearest earlier
//! stop's is carried on (over skipped stops); `NO_DATA` carries on as no
//! data; a stop before every update keeps its timetable time; `SKIPPED`
//! stops are not offered; `CANCELED` trips are "Supprimé".

use std::collections::HashMap;

use jiff::Timestamp;

use super::proto::{self, stop_relationship as stop_rel, trip_relationship as trip_rel};
use crate::network::check::Finding;
use crate::timetable::index::TripStop;
use crate::timetable::{Timetable, TimetableDeparture};

/// One stop of a trip update.
#[derive(Debug, Clone, PartialEq)]
pub struct StopLive {
    pub sequence: Option<u32>,
    pub stop_id: Option<String>,
    pub relationship: i32,
    /// (delay in seconds, absolute time) of the departure, else the arrival.
    pub departure: Option<Event>,
    pub arrival: Option<Event>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    pub delay: Option<i32>,
    pub time: Option<Timestamp>,
}

impl Event {
    fn of(e: &proto::StopTimeEvent) -> Option<Event> {
        let time = e
            .time
            .filter(|t| *t > 0)
            .and_then(|t| Timestamp::from_second(t).ok());
        (e.delay.is_some() || time.is_some()).then_some(Event {
            delay: e.delay,
            time,
        })
    }
}

/// One trip update.
#[derive(Debug, Clone, PartialEq)]
pub struct TripLive {
    pub trip_id: Option<String>,
    pub route_id: Option<String>,
    pub direction: Option<u32>,
    /// The service day (days since 1970-01-01), when said.
    pub start_day: Option<i32>,
    /// The run's first departure (seconds of the service day), when said.
    pub start_time: Option<u32>,
    pub relationship: i32,
    pub delay: Option<i32>,
    pub vehicle: Option<String>,
    pub stops: Vec<StopLive>,
    /// A `DUPLICATED` trip: the copy's service day (when said) and first
    /// departure; `trip_id` is the scheduled trip it copies.
    pub copy: Option<(Option<i32>, u32)>,
}

impl TripLive {
    pub fn cancelled(&self) -> bool {
        matches!(self.relationship, trip_rel::CANCELED | trip_rel::DELETED)
    }

    /// A trip the timetable does not have.
    pub fn added(&self) -> bool {
        matches!(self.relationship, trip_rel::ADDED | trip_rel::NEW)
    }
}

/// A vehicle's position report.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleReport {
    /// What riders know it by (label, else id).
    pub name: String,
    pub id: String,
    pub trip_id: Option<String>,
    pub at: Option<Timestamp>,
    pub stop_id: Option<String>,
    pub status: i32,
    pub position: Option<(f64, f64)>,
    pub occupancy: Option<i32>,
}

/// A decoded feed's header and entity count.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Header {
    pub timestamp: Option<Timestamp>,
    pub entities: usize,
    /// The entities that are trip updates, vehicle positions and alerts:
    /// what the feed serves, whatever URL it was read from.
    pub kinds: [usize; 3],
}

impl Header {
    pub fn of(message: &proto::FeedMessage) -> Header {
        Header {
            timestamp: message
                .header
                .as_ref()
                .and_then(|h| h.timestamp)
                .and_then(|t| i64::try_from(t).ok())
                .filter(|t| *t > 0)
                .and_then(|t| Timestamp::from_second(t).ok()),
            entities: message.entity.len(),
            kinds: [
                message
                    .entity
                    .iter()
                    .filter(|e| e.trip_update.is_some())
                    .count(),
                message
                    .entity
                    .iter()
                    .filter(|e| e.vehicle.is_some())
                    .count(),
                message.entity.iter().filter(|e| e.alert.is_some()).count(),
            ],
        }
    }
}

/// The trip updates of a feed, by trip.
#[derive(Debug, Clone, Default)]
pub struct TripUpdates {
    by_trip: HashMap<String, Vec<TripLive>>,
    /// Copies of scheduled trips at another time (`DUPLICATED`), each with
    /// the timetable trip it copies once [`TripUpdates::find_copied`] ran.
    duplicated: Vec<(TripLive, Option<u32>)>,
    /// Scheduled trips named without a trip id, by route, direction and
    /// first departure (the spec allows it for trips that do not run by
    /// frequency).
    by_run: Vec<TripLive>,
    /// Trips the timetable does not have (`ADDED`, `NEW`, or a trip id
    /// and a run both missing).
    pub added: Vec<TripLive>,
}

fn text(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(crate::sanitize::line)
        .filter(|s| !s.is_empty())
}

fn clock_seconds(text: &str) -> Option<u32> {
    crate::timetable::table::parse_time(text)
}

impl TripUpdates {
    pub fn from_feed(message: &proto::FeedMessage) -> TripUpdates {
        let mut out = TripUpdates::default();
        for entity in &message.entity {
            if entity.is_deleted == Some(true) {
                continue;
            }
            let Some(update) = &entity.trip_update else {
                continue;
            };
            let trip = update.trip.clone().unwrap_or_default();
            let live = TripLive {
                trip_id: text(&trip.trip_id),
                route_id: text(&trip.route_id),
                direction: trip.direction_id.filter(|d| *d <= 1),
                start_day: trip
                    .start_date
                    .as_deref()
                    .and_then(crate::timetable::table::parse_date),
                start_time: trip.start_time.as_deref().and_then(clock_seconds),
                relationship: trip.schedule_relationship.unwrap_or(trip_rel::SCHEDULED),
                delay: update.delay,
                vehicle: update
                    .vehicle
                    .as_ref()
                    .and_then(|v| text(&v.label).or_else(|| text(&v.id))),
                stops: update
                    .stop_time_update
                    .iter()
                    .map(|u| StopLive {
                        sequence: u.stop_sequence,
                        stop_id: text(&u.stop_id),
                        relationship: u.schedule_relationship.unwrap_or(stop_rel::SCHEDULED),
                        departure: u.departure.as_ref().and_then(Event::of),
                        arrival: u.arrival.as_ref().and_then(Event::of),
                    })
                    .collect(),
                copy: None,
            };
            let copy = update.trip_properties.as_ref().and_then(|p| {
                let start = p.start_time.as_deref().and_then(clock_seconds)?;
                let day = p
                    .start_date
                    .as_deref()
                    .and_then(crate::timetable::table::parse_date);
                Some((day, start))
            });
            let mut live = live;
            match &live.trip_id {
                // A copy never changes the trip it copies; one that does
                // not name it is left out.
                _ if live.relationship == trip_rel::DUPLICATED => {
                    if live.trip_id.is_some() && copy.is_some() {
                        live.copy = copy;
                        out.duplicated.push((live, None));
                    }
                }
                Some(id) if !live.added() => out.by_trip.entry(id.clone()).or_default().push(live),
                None if !live.added() && live.route_id.is_some() && live.start_time.is_some() => {
                    out.by_run.push(live)
                }
                _ => out.added.push(live),
            }
        }
        out
    }

    /// Finds the timetable trip of each copy, once per feed read (a map of
    /// the trip ids, built only when the feed has copies).
    pub fn find_copied(&mut self, table: &Timetable) {
        if self.duplicated.is_empty() {
            return;
        }
        let ids: HashMap<&str, u32> = (0..table.trip_count())
            .filter_map(|t| u32::try_from(t).ok())
            .map(|t| (table.trip_id(t), t))
            .collect();
        for (copy, trip) in &mut self.duplicated {
            *trip = copy.trip_id.as_deref().and_then(|id| ids.get(id).copied());
        }
    }

    /// The copies whose copied trip the timetable has.
    pub fn copies(&self) -> impl Iterator<Item = (&TripLive, u32)> {
        self.duplicated
            .iter()
            .filter_map(|(copy, trip)| Some((copy, (*trip)?)))
    }

    /// The updates of a timetable trip (any run, any day).
    pub fn of_trip(&self, trip_id: &str) -> &[TripLive] {
        self.by_trip.get(trip_id).map_or(&[], Vec::as_slice)
    }

    /// The updates that may be of this scheduled departure's trip: those
    /// naming its trip id, else those naming its route and direction
    /// without a trip id ([`update_for`] then picks the run by its day and
    /// first departure).
    pub fn candidates<'a>(
        &'a self,
        table: &Timetable,
        d: &TimetableDeparture,
    ) -> Vec<&'a TripLive> {
        let named = self.of_trip(table.trip_id(d.trip));
        if !named.is_empty() || self.by_run.is_empty() {
            return named.iter().collect();
        }
        let route = table.route(table.trip_route(d.trip)).id;
        let direction = table.trip_direction(d.trip).map(u32::from);
        self.by_run
            .iter()
            .filter(|u| u.route_id.as_deref() == Some(route))
            .filter(|u| u.direction.is_none() || direction.is_none() || u.direction == direction)
            .collect()
    }

    /// The stop updates whose `stop_sequence` names another stop of their
    /// trip than their `stop_id` (the validator's E045), with the first
    /// of them: (trip id, stop_sequence, stop_id).
    pub fn disagreements(&self, table: &Timetable) -> (usize, Option<(String, u32, String)>) {
        if self.by_trip.is_empty() {
            return (0, None);
        }
        let ids: HashMap<&str, u32> = (0..table.trip_count())
            .filter_map(|t| u32::try_from(t).ok())
            .map(|t| (table.trip_id(t), t))
            .collect();
        let mut named: Vec<(&String, &Vec<TripLive>)> = self.by_trip.iter().collect();
        named.sort_by_key(|(id, _)| *id);
        let mut count = 0;
        let mut first = None;
        for (id, updates) in named {
            let Some(&trip) = ids.get(id.as_str()) else {
                continue;
            };
            let stops: Vec<TripStop> = table.trip_stops(trip).collect();
            for u in updates.iter().flat_map(|u| &u.stops) {
                if !place(table, &stops, u).disagrees() {
                    continue;
                }
                count += 1;
                if first.is_none() {
                    first = u
                        .sequence
                        .zip(u.stop_id.clone())
                        .map(|(seq, stop)| (id.clone(), seq, stop));
                }
            }
        }
        (count, first)
    }

    /// What the updates name that the timetable does not have or does
    /// not run, as the validator counts it: trips (E003), routes (E004)
    /// and stops (E011) unknown to the timetable; trips it has that run
    /// neither on the service day of `at` nor the day before (nor on their
    /// `start_date`); added trips without a `route_id`, which no row can
    /// show.
    pub fn audit(&self, table: &Timetable, at: Timestamp) -> Vec<Finding> {
        use crate::timetable::table::day_number;
        let ids: HashMap<&str, u32> = (0..table.trip_count())
            .filter_map(|t| u32::try_from(t).ok())
            .map(|t| (table.trip_id(t), t))
            .collect();
        let today = day_number(at.to_zoned(table.zone().clone()).date());
        let mut found = [
            (Some("E003"), "net_unknown_trips", Vec::<String>::new()),
            (Some("E004"), "net_unknown_routes", Vec::new()),
            (Some("E011"), "net_unknown_stops", Vec::new()),
            (None, "net_trips_not_running", Vec::new()),
            (None, "net_added_without_route", Vec::new()),
        ];
        let mut named: Vec<(&String, &Vec<TripLive>)> = self.by_trip.iter().collect();
        named.sort_by_key(|(id, _)| *id);
        for (id, updates) in named {
            match ids.get(id.as_str()) {
                None => found[0].2.push(id.clone()),
                Some(&trip) => {
                    let runs = updates.iter().any(|u| match u.start_day {
                        Some(day) => table.trip_runs(trip, day),
                        None => table.trip_runs(trip, today) || table.trip_runs(trip, today - 1),
                    });
                    if !runs {
                        found[3].2.push(id.clone());
                    }
                }
            }
        }
        let every = self
            .by_trip
            .values()
            .flatten()
            .chain(&self.by_run)
            .chain(&self.added)
            .chain(self.duplicated.iter().map(|(u, _)| u));
        let mut routes = Vec::new();
        let mut stops = Vec::new();
        for u in every {
            if let Some(route) = &u.route_id
                && table.find_route(route).is_none()
            {
                routes.push(route.clone());
            }
            stops.extend(
                u.stops
                    .iter()
                    .filter_map(|s| s.stop_id.clone())
                    .filter(|s| table.find_stop(s).is_none()),
            );
        }
        for list in [&mut routes, &mut stops] {
            list.sort();
            list.dedup();
        }
        found[1].2 = routes;
        found[2].2 = stops;
        found[4].2 = self
            .added
            .iter()
            .filter(|u| u.route_id.is_none())
            .map(|u| u.trip_id.clone().unwrap_or_default())
            .collect();
        found
            .into_iter()
            .filter(|(_, _, list)| !list.is_empty())
            .map(|(code, key, list)| Finding {
                code,
                key,
                count: list.len(),
                example: list[0].clone(),
            })
            .collect()
    }

    /// Whether any update names a trip the timetable has.
    pub fn trip_ids(&self) -> impl Iterator<Item = &str> {
        self.by_trip.keys().map(String::as_str)
    }
}

/// The vehicles of a feed, by trip and by id.
#[derive(Debug, Clone, Default)]
pub struct Vehicles {
    pub reports: Vec<VehicleReport>,
}

impl Vehicles {
    pub fn from_feed(message: &proto::FeedMessage) -> Vehicles {
        let reports = message
            .entity
            .iter()
            .filter(|e| e.is_deleted != Some(true))
            .filter_map(|e| e.vehicle.as_ref())
            .filter_map(|v| {
                let descriptor = v.vehicle.clone().unwrap_or_default();
                let id = text(&descriptor.id)
                    .or_else(|| text(&descriptor.label))
                    .or_else(|| v.trip.as_ref().and_then(|t| text(&t.trip_id)))?;
                Some(VehicleReport {
                    name: text(&descriptor.label).unwrap_or_else(|| id.clone()),
                    id,
                    trip_id: v.trip.as_ref().and_then(|t| text(&t.trip_id)),
                    at: v
                        .timestamp
                        .and_then(|t| i64::try_from(t).ok())
                        .filter(|t| *t > 0)
                        .and_then(|t| Timestamp::from_second(t).ok()),
                    stop_id: text(&v.stop_id),
                    status: v
                        .current_status
                        .unwrap_or(proto::vehicle_status::IN_TRANSIT_TO),
                    position: v.position.as_ref().and_then(|p| {
                        let (lat, lon) = (p.latitude?, p.longitude?);
                        (lat.is_finite() && lon.is_finite() && (lat != 0.0 || lon != 0.0))
                            .then_some((f64::from(lat), f64::from(lon)))
                    }),
                    occupancy: v.occupancy_status,
                })
            })
            .collect();
        Vehicles { reports }
    }

    pub fn of_trip(&self, trip_id: &str) -> Option<&VehicleReport> {
        self.reports
            .iter()
            .find(|r| r.trip_id.as_deref() == Some(trip_id))
    }

    /// By the name a departure shows, or the id.
    pub fn named(&self, name: &str) -> Option<&VehicleReport> {
        self.reports
            .iter()
            .find(|r| r.name == name)
            .or_else(|| self.reports.iter().find(|r| r.id == name))
    }
}

/// What the trip updates say of one scheduled departure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Said {
    /// No update for the trip, or none that reaches this stop: the
    /// timetable's time, marked theoretical.
    Nothing,
    /// `NO_DATA` at this stop or carried to it.
    NoData,
    /// The expected departure, and the delay in seconds.
    Expected { at: Timestamp, delay: i64 },
    /// The stop is skipped: not offered.
    Skipped,
    /// The trip will not run.
    Cancelled,
}

/// The update of `updates` for this run of the trip: the same service
/// day and first departure where the update says them; an update without
/// a day is the current run's (today's service day, or yesterday's still
/// running past midnight at `now`), never tomorrow's.
pub fn update_for<'a>(
    updates: impl IntoIterator<Item = &'a TripLive>,
    table: &Timetable,
    d: &TimetableDeparture,
    now: Timestamp,
) -> Option<&'a TripLive> {
    let today = crate::timetable::table::day_number(now.to_zoned(table.zone().clone()).date());
    let current = d.day == today || d.day == today - 1;
    let stops: Vec<TripStop> = table.trip_stops(d.trip).collect();
    let run_start = stops.iter().position(|s| s.stop == d.stop).and_then(|at| {
        let first = stops.first()?.time;
        d.offset.checked_sub(stops[at].time.checked_sub(first)?)
    });
    updates.into_iter().find(|u| {
        let same_run = match (&u.trip_id, u.start_time) {
            // Named by its route and first departure alone: that must match.
            (None, Some(t)) => run_start == Some(t),
            _ => u
                .start_time
                .is_none_or(|t| run_start.is_none_or(|start| start == t)),
        };
        u.start_day.map_or(current, |day| day == d.day) && same_run
    })
}

/// Where a stop's update belongs in its trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// At this index of the trip's stops: its `stop_sequence` and
    /// `stop_id` agree, or it gives only one of them.
    Agrees(usize),
    /// Its `stop_sequence` names another stop than its `stop_id` (or no
    /// stop of the trip): placed by its `stop_id`, which the trip serves
    /// once.
    ByStop(usize),
    /// Its `stop_sequence` and `stop_id` disagree, and the trip serves
    /// that stop never or more than once: applied nowhere.
    Dropped,
    /// Neither names a stop of the trip.
    Unknown,
}

impl Place {
    pub fn at(self) -> Option<usize> {
        match self {
            Place::Agrees(at) | Place::ByStop(at) => Some(at),
            Place::Dropped | Place::Unknown => None,
        }
    }

    /// Its `stop_sequence` and `stop_id` disagree (the validator's E045).
    pub fn disagrees(self) -> bool {
        matches!(self, Place::ByStop(_) | Place::Dropped)
    }
}

/// Places one stop's update among its trip's stops: by `stop_sequence`
/// when its `stop_id` is that stop's (or not given); by `stop_id` alone
/// when not; never at a stop other than its `stop_id`.
pub fn place(table: &Timetable, stops: &[TripStop], u: &StopLive) -> Place {
    let by_sequence = u
        .sequence
        .and_then(|seq| stops.iter().position(|s| s.sequence == seq));
    let Some(id) = u.stop_id.as_deref() else {
        return by_sequence.map_or(Place::Unknown, Place::Agrees);
    };
    let stop = table.find_stop(id);
    let mut calls = stops
        .iter()
        .enumerate()
        .filter(|(_, s)| Some(s.stop) == stop)
        .map(|(at, _)| at);
    let (first, second) = (calls.next(), calls.next());
    if u.sequence.is_none() {
        return first.map_or(Place::Unknown, Place::Agrees);
    }
    match (by_sequence, first, second) {
        (Some(at), ..) if Some(stops[at].stop) == stop => Place::Agrees(at),
        (_, Some(at), None) => Place::ByStop(at),
        (None, None, _) => Place::Unknown,
        _ => Place::Dropped,
    }
}

/// Applies a trip's update to one of its scheduled departures.
pub fn apply(table: &Timetable, update: &TripLive, d: &TimetableDeparture) -> Said {
    if update.cancelled() {
        return Said::Cancelled;
    }
    let stops: Vec<TripStop> = table.trip_stops(d.trip).collect();
    let Some(reference) = table.day_reference(d.day) else {
        return Said::Nothing;
    };
    // This stop in the trip (a frequency's run has its own times: then by
    // stop alone).
    let here = stops
        .iter()
        .position(|s| s.stop == d.stop && s.time == d.offset)
        .or_else(|| stops.iter().position(|s| s.stop == d.stop));
    let Some(here) = here else {
        return Said::Nothing;
    };
    let mut placed: Vec<(usize, &StopLive)> = update
        .stops
        .iter()
        .filter_map(|u| Some((place(table, &stops, u).at()?, u)))
        .filter(|(at, _)| *at <= here)
        .collect();
    placed.sort_by_key(|(at, _)| *at);
    // The run's offset from the pattern (frequencies).
    let shift = i64::from(d.offset) - i64::from(stops[here].time);
    let scheduled_at = |at: usize| reference.as_second() + i64::from(stops[at].time) + shift;
    let own_scheduled = reference.as_second() + i64::from(d.offset);
    let expected = |delay: i64| {
        Timestamp::from_second(own_scheduled + delay)
            .map(|at| Said::Expected { at, delay })
            .unwrap_or(Said::Nothing)
    };
    for (at, u) in placed.iter().rev() {
        let own = *at == here;
        match u.relationship {
            stop_rel::SKIPPED if own => return Said::Skipped,
            // A skipped earlier stop says nothing of this one.
            stop_rel::SKIPPED => continue,
            stop_rel::NO_DATA => return Said::NoData,
            _ => {}
        }
        // At its own stop the departure counts, else the arrival; carried
        // on, the delay (the departure's, else the arrival's).
        let events = [u.departure, u.arrival];
        if own {
            for e in events.iter().flatten() {
                if let Some(time) = e.time {
                    return Said::Expected {
                        at: time,
                        delay: time.as_second() - own_scheduled,
                    };
                }
                if let Some(delay) = e.delay {
                    return expected(i64::from(delay));
                }
            }
            continue;
        }
        // `time` takes precedence over `delay` when both are given.
        for e in events.iter().flatten() {
            if let Some(time) = e.time {
                return expected(time.as_second() - scheduled_at(*at));
            }
            if let Some(delay) = e.delay {
                return expected(i64::from(delay));
            }
        }
    }
    match update.delay {
        Some(delay) => expected(i64::from(delay)),
        None => Said::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_without_a_time_or_delay_are_none() {
        let none = proto::StopTimeEvent::default();
        assert_eq!(Event::of(&none), None);
        let zero = proto::StopTimeEvent {
            time: Some(0),
            ..Default::default()
        };
        assert_eq!(Event::of(&zero), None);
        let delay = proto::StopTimeEvent {
            delay: Some(0),
            ..Default::default()
        };
        assert_eq!(Event::of(&delay).and_then(|e| e.delay), Some(0));
    }
}
