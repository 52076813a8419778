//! Where a feed network's departures go: the timetable's trip of each
//! departure (the row's departures are the timetable's trips, by trip id
//! in the trip updates) and its call at the destination, the arrival there
//! being the trip updates' where they reach it (that stop's arrival, else
//! its departure, else the delay of the last stop updated before it).

use jiff::Timestamp;

use super::live::{self, Said, TripLive, TripUpdates};
use super::proto::stop_relationship as stop_rel;
use super::source::FeedNetwork;
use crate::destination::{Arrivals, Call};
use crate::domain::Departure;
use crate::network::RowRequest;
use crate::timetable::arrivals::LiveCall;
use crate::timetable::index::TripStop;
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
        tt.arrivals_with(row, departures, fetched_at, exact, &live)
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
