//! Where a feed network's departures go: the timetable's trip of each
//! departure (the row's departures are the timetable's trips, by trip id
//! in the trip updates) and its call at the destination, the arrival there
//! being the trip updates' where they reach it (that stop's arrival, else
//! its departure, else the delay of the last stop updated before it). A
//! trip the timetable does not have goes where its update says (`ADDED`,
//! `NEW`), or along the stops of the trip it copies (`DUPLICATED`).

use jiff::Timestamp;

use super::live::{self, Said, StopLive, TripLive, TripUpdates};
use super::proto::stop_relationship as stop_rel;
use super::source::FeedNetwork;
use crate::destination::{Arrival, ArrivalOrigin, Arrivals, Call};
use crate::domain::{Departure, Origin, Status, WaitTime};
use crate::network::RowRequest;
use crate::timetable::arrivals::LiveCall;
use crate::timetable::index::TripStop;
use crate::timetable::source::TimetableNetwork;
use crate::timetable::{Timetable, TimetableDeparture};

impl FeedNetwork {
    pub(super) fn arrivals_of(
        &self,
        row: &RowRequest,
        departures: &[Departure],
        fetched_at: Timestamp,
        to: &str,
    ) -> Arrivals {
        let Ok(tt) = self.table() else {
            return Arrivals::Unavailable;
        };
        let trips = self.trips_now().ok().map(|(trips, _)| trips);
        let live = self.live_call(tt.table(), trips.as_deref());
        // The row's departures are the timetable's trips: at their very time.
        let exact = (to, jiff::SignedDuration::ZERO);
        let found = tt.arrivals_with(row, departures, fetched_at, exact, &live);
        // Trips the timetable does not have: by their own trip update.
        match (found, trips.as_deref()) {
            (Arrivals::Found(mut found), Some(trips)) => {
                let destination = tt.stops_for(&[], to, None);
                for (d, arrival) in departures.iter().zip(&mut found) {
                    if arrival.is_none() && d.status == Status::Added {
                        *arrival = self.unscheduled_arrival(&tt, trips, row, d, &destination);
                    }
                }
                Arrivals::Found(found)
            }
            (found, _) => found,
        }
    }

    /// Where a departure of a trip the timetable does not have gets to
    /// the destination: an added trip (`ADDED`, `NEW`) where its update
    /// has a stop at the destination after the departure's, at that
    /// stop's time (`live`); a copy (`DUPLICATED`) along the stops of the
    /// trip it copies, at the update's time there (else its own schedule
    /// from the departure); `None` when it does not go there.
    fn unscheduled_arrival(
        &self,
        tt: &TimetableNetwork,
        trips: &TripUpdates,
        row: &RowRequest,
        d: &Departure,
        destination: &[u32],
    ) -> Option<Arrival> {
        let WaitTime::At { expected, .. } = d.time else {
            return None;
        };
        let table = tt.table();
        // The network's clock, as the updates say it.
        let at = expected.checked_add(self.shift).unwrap_or(expected);
        let real = |t: Timestamp| t.checked_sub(self.shift).unwrap_or(t);
        let direction = u32::from(!row.outbound);
        let stop_time = |s: &StopLive| {
            s.departure
                .and_then(|e| e.time)
                .or(s.arrival.and_then(|e| e.time))
        };
        for trip in &trips.added {
            if trip.cancelled()
                || trip.route_id.as_deref() != Some(d.line.id.as_str())
                || trip.direction.is_some_and(|t| t != direction)
            {
                continue;
            }
            let here = trip.stops.iter().position(|s| {
                s.stop_id
                    .as_deref()
                    .is_some_and(|id| row.stop_ids.iter().any(|r| r == id))
                    && s.relationship != stop_rel::SKIPPED
                    && stop_time(s) == Some(at)
            });
            let Some(here) = here else {
                continue;
            };
            let there = trip.stops[here + 1..].iter().find(|s| {
                s.relationship != stop_rel::SKIPPED
                    && s.stop_id
                        .as_deref()
                        .and_then(|id| table.find_stop(id))
                        .is_some_and(|stop| destination.contains(&stop))
            })?;
            let when = there
                .arrival
                .and_then(|e| e.time)
                .or(there.departure.and_then(|e| e.time))?;
            return Some(Arrival {
                at: real(when),
                origin: ArrivalOrigin::Live,
            });
        }
        let stops = tt.stops_for(&row.stop_ids, &row.place, None);
        let today =
            crate::timetable::table::day_number(self.now().to_zoned(table.zone().clone()).date());
        for (copy, trip) in trips.copies() {
            let Some((day, start)) = copy.copy else {
                continue;
            };
            if table.route(table.trip_route(trip)).id != d.line.id {
                continue;
            }
            let pattern: Vec<TripStop> = table.trip_stops(trip).collect();
            let Some(first) = pattern.first().map(|s| s.time) else {
                continue;
            };
            let day = day.unwrap_or(today);
            let Some(reference) = table.day_reference(day) else {
                continue;
            };
            // The copy's call at a stop of its pattern, as a departure.
            let call = |s: &TripStop| {
                let offset = s.time.checked_sub(first).map(|k| start + k)?;
                let at = reference
                    .checked_add(jiff::SignedDuration::from_secs(i64::from(offset)))
                    .ok()?;
                Some(TimetableDeparture {
                    at,
                    stop: s.stop,
                    trip,
                    route: table.trip_route(trip),
                    direction: table.trip_direction(trip),
                    headsign: table.trip_headsign(trip),
                    approximate: false,
                    day,
                    offset,
                })
            };
            for (k, s) in pattern.iter().enumerate() {
                if !stops.contains(&s.stop) {
                    continue;
                }
                let Some(here) = call(s) else {
                    continue;
                };
                let leaves = match live::apply(table, copy, &here) {
                    Said::Expected { at, .. } => at,
                    Said::Nothing | Said::NoData => here.at,
                    Said::Skipped | Said::Cancelled => continue,
                };
                if leaves != at {
                    continue;
                }
                let there = pattern[k + 1..]
                    .iter()
                    .find(|t| destination.contains(&t.stop))
                    .and_then(call)?;
                return match arrival(table, copy, &there) {
                    LiveCall::At(when) => Some(Arrival {
                        at: real(when),
                        origin: ArrivalOrigin::Live,
                    }),
                    LiveCall::Skipped => None,
                    // Its own schedule from the departure.
                    LiveCall::Unknown => Some(Arrival {
                        at: expected
                            .checked_add(there.at.duration_since(here.at))
                            .ok()?,
                        origin: match d.origin {
                            Origin::Timetable => ArrivalOrigin::Timetable,
                            _ => ArrivalOrigin::Estimated,
                        },
                    }),
                };
            }
        }
        None
    }

    pub(super) fn calls_of(
        &self,
        row: &RowRequest,
        departures: &[Departure],
        fetched_at: Timestamp,
    ) -> Option<Vec<Vec<Call>>> {
        let tt = self.table().ok()?;
        let trips = self.trips_now().ok().map(|(trips, _)| trips);
        let live = self.live_call(tt.table(), trips.as_deref());
        tt.calls_with(
            row,
            departures,
            fetched_at,
            jiff::SignedDuration::ZERO,
            &live,
        )
    }

    /// What the trip updates say of a scheduled departure's trip at a
    /// later call.
    fn live_call<'a>(
        &self,
        table: &'a Timetable,
        trips: Option<&'a TripUpdates>,
    ) -> impl Fn(&TimetableDeparture, &TimetableDeparture) -> LiveCall + 'a {
        let now = self.now();
        move |scheduled, there| {
            let Some(trips) = trips else {
                return LiveCall::Unknown;
            };
            match live::update_for(trips.candidates(table, scheduled), table, scheduled, now) {
                Some(update) => arrival(table, update, there),
                None => LiveCall::Unknown,
            }
        }
    }
}

/// What a trip's update says of its call `there`: the arrival given at
/// that stop, else what it says of a departure there ([`live::apply`]:
/// the stop's departure, or the delay carried from an earlier stop).
fn arrival(table: &Timetable, update: &TripLive, there: &TimetableDeparture) -> LiveCall {
    let stops: Vec<TripStop> = table.trip_stops(there.trip).collect();
    let here = stops
        .iter()
        .position(|s| s.stop == there.stop && s.time == there.offset)
        .or_else(|| stops.iter().position(|s| s.stop == there.stop));
    let own = update
        .stops
        .iter()
        .find(|u| here.is_some() && live::place(table, &stops, u).at() == here);
    if let Some(u) = own
        && u.relationship != stop_rel::SKIPPED
        && u.relationship != stop_rel::NO_DATA
        && let Some(e) = u.arrival
    {
        if let Some(time) = e.time {
            return LiveCall::At(time);
        }
        if let Some(delay) = e.delay
            && let Ok(at) = there
                .at
                .checked_add(jiff::SignedDuration::from_secs(i64::from(delay)))
        {
            return LiveCall::At(at);
        }
    }
    match live::apply(table, update, there) {
        Said::Expected { at, .. } => LiveCall::At(at),
        Said::Skipped | Said::Cancelled => LiveCall::Skipped,
        Said::Nothing | Said::NoData => LiveCall::Unknown,
    }
}
