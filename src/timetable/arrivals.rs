//! Where a row's departures go ([`crate::destination`]): each departure
//! matched to its scheduled trip, by the row's line and direction and the
//! nearest scheduled departure, and that trip's run to the destination in
//! the timetable.

use jiff::{SignedDuration, Timestamp};

use super::source::TimetableNetwork;
use super::{Run, TimetableDeparture};
use crate::destination::{Arrival, ArrivalOrigin, Arrivals, Call, departure_instant};
use crate::domain::{Departure, Origin, Status, WaitTime};
use crate::network::RowRequest;

/// A live departure is its scheduled one's within this much (a delay, a
/// countdown rounded to the minute), where the network does not say which
/// trip it is.
pub const MATCH_WITHIN: SignedDuration = SignedDuration::from_mins(30);
/// Scheduled departures looked at before a row's first departure.
const LOOK_BACK: SignedDuration = SignedDuration::from_mins(90);
/// At most this many scheduled departures per row.
const CANDIDATES: usize = 400;

/// What the network's live data says of a trip's call at the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveCall {
    /// Nothing: the timetable's run time says it.
    Unknown,
    /// The stop is skipped: the trip does not call there.
    Skipped,
    /// Expected there then (at the network's clock).
    At(Timestamp),
}

/// The network's live word on a trip's call at the destination, given
/// the departure's scheduled call and the call at the destination.
pub type LiveArrival<'a> = &'a dyn Fn(&TimetableDeparture, &TimetableDeparture) -> LiveCall;

impl TimetableNetwork {
    /// Where each departure of `row` calls at the place `to` after the
    /// row's place, and when: the network's own arrival (`live`), else the
    /// live departure plus the timetable's run time, else the timetable's.
    /// A departure is its trip's scheduled departure nearest its aimed time
    /// within `within` (zero: the very time, for departures that are the
    /// timetable's trips).
    pub fn arrivals_with(
        &self,
        row: &RowRequest,
        departures: &[Departure],
        fetched_at: Timestamp,
        (to, within): (&str, SignedDuration),
        live: LiveArrival<'_>,
    ) -> Arrivals {
        let table = self.table();
        if !table.has_trip_stops() {
            return Arrivals::Unavailable;
        }
        let destination = self.stops_for(&[], to, None);
        if destination.is_empty() {
            return Arrivals::UnknownPlace;
        }
        let matched = self.matched(row, departures, fetched_at, within);
        let found = departures
            .iter()
            .zip(matched)
            .map(|(d, c)| {
                let c = c?;
                let run = table.run(c.trip, &[c.stop], Some(c.offset), &destination)?;
                self.time_at(d, &c, &run, fetched_at, live)
            })
            .collect();
        Arrivals::Found(found)
    }

    /// Each departure's next stops after the row's place, in order, with
    /// their times (as [`TimetableNetwork::arrivals_with`] says the
    /// destination's); `None` when the timetable does not keep trips'
    /// stops. A stop the live data says is skipped is left out.
    pub fn calls_with(
        &self,
        row: &RowRequest,
        departures: &[Departure],
        fetched_at: Timestamp,
        within: SignedDuration,
        live: LiveArrival<'_>,
    ) -> Option<Vec<Vec<Call>>> {
        let table = self.table();
        if !table.has_trip_stops() {
            return None;
        }
        let matched = self.matched(row, departures, fetched_at, within);
        let calls = departures
            .iter()
            .zip(matched)
            .map(|(d, c)| {
                let Some(c) = c else {
                    return Vec::new();
                };
                let stops: Vec<_> = table.trip_stops(c.trip).collect();
                let here = stops
                    .iter()
                    .position(|s| s.stop == c.stop && s.time == c.offset)
                    .or_else(|| stops.iter().position(|s| s.stop == c.stop));
                let Some(here) = here else {
                    return Vec::new();
                };
                stops[here + 1..]
                    .iter()
                    .filter_map(|s| {
                        let run = Run {
                            from: stops[here],
                            to: *s,
                        };
                        let at = self.time_at(d, &c, &run, fetched_at, live)?;
                        Some(Call {
                            stop: crate::sanitize::line(table.stop_name(s.stop)),
                            at: at.at,
                            origin: at.origin,
                        })
                    })
                    .collect()
            })
            .collect();
        Some(calls)
    }

    /// Each departure's scheduled departure: of the row's line and
    /// direction, nearest its aimed time (else its expected one) within
    /// `within`; none for a cancelled one.
    fn matched(
        &self,
        row: &RowRequest,
        departures: &[Departure],
        fetched_at: Timestamp,
        within: SignedDuration,
    ) -> Vec<Option<TimetableDeparture>> {
        let shift = self.shift();
        let to_network = |t: Timestamp| t.checked_add(shift).unwrap_or(t);
        let keys: Vec<Option<Timestamp>> = departures
            .iter()
            .map(|d| match &d.time {
                _ if d.status == Status::Cancelled => None,
                WaitTime::At {
                    aimed: Some(aimed), ..
                } => Some(*aimed),
                _ => self.instant(d, fetched_at),
            })
            .map(|k| k.map(to_network))
            .collect();
        let Some(earliest) = keys.iter().flatten().min() else {
            return vec![None; departures.len()];
        };
        let stops = self.stops_for(&row.stop_ids, &row.place, None);
        let from = earliest.checked_sub(LOOK_BACK).unwrap_or(*earliest);
        let Some((_, scheduled)) = self.scheduled(row, &stops, from, CANDIDATES) else {
            return vec![None; departures.len()];
        };
        keys.into_iter()
            .map(|key| nearest(&scheduled, key?, within).copied())
            .collect()
    }

    /// A departure's instant: its time, the fetch plus its countdown, or
    /// its clock time ("17h05", the next such time of the network's day).
    fn instant(&self, d: &Departure, fetched_at: Timestamp) -> Option<Timestamp> {
        match &d.time {
            WaitTime::Clock { text } => clock_instant(text, fetched_at, self.table().zone()),
            _ => departure_instant(d, fetched_at),
        }
    }

    /// When departure `d` (scheduled as `c`) gets to the end of `run`: the
    /// network's own word (`live`), else the live departure plus the run
    /// time, else the timetable's; `None` when that stop is skipped.
    fn time_at(
        &self,
        d: &Departure,
        c: &TimetableDeparture,
        run: &Run,
        fetched_at: Timestamp,
        live: LiveArrival<'_>,
    ) -> Option<Arrival> {
        let shift = self.shift();
        let to_real = |t: Timestamp| t.checked_sub(shift).unwrap_or(t);
        let there = arrival_call(c, run);
        match live(c, &there) {
            LiveCall::Skipped => return None,
            LiveCall::At(at) => {
                return Some(Arrival {
                    at: to_real(at),
                    origin: ArrivalOrigin::Live,
                });
            }
            LiveCall::Unknown => {}
        }
        let (start, origin) = match d.origin {
            Origin::Timetable => (to_real(c.at), ArrivalOrigin::Timetable),
            _ => (self.instant(d, fetched_at)?, ArrivalOrigin::Estimated),
        };
        Some(Arrival {
            at: start
                .checked_add(SignedDuration::from_secs(run.seconds()))
                .ok()?,
            origin,
        })
    }
}

/// The scheduled departure nearest `key`, within `within`.
fn nearest(
    scheduled: &[TimetableDeparture],
    key: Timestamp,
    within: SignedDuration,
) -> Option<&TimetableDeparture> {
    scheduled
        .iter()
        .map(|c| (c, c.at.duration_since(key).abs()))
        .filter(|(_, gap)| *gap <= within)
        .min_by_key(|(_, gap)| *gap)
        .map(|(c, _)| c)
}

/// The trip's call at the destination, as a scheduled departure of the
/// same run (a frequency's run is offset from its pattern).
fn arrival_call(c: &TimetableDeparture, run: &Run) -> TimetableDeparture {
    let offset = c
        .offset
        .saturating_add_signed(i32::try_from(run.seconds()).unwrap_or(0));
    TimetableDeparture {
        at: c
            .at
            .checked_add(SignedDuration::from_secs(run.seconds()))
            .unwrap_or(c.at),
        stop: run.to.stop,
        offset,
        ..*c
    }
}

/// The instant of a clock time ("17h05", "17:05") around `around` in
/// `zone`: that day's, or the next day's when it is more than an hour
/// before.
fn clock_instant(text: &str, around: Timestamp, zone: &jiff::tz::TimeZone) -> Option<Timestamp> {
    let (h, m) = text.trim().split_once(['h', 'H', ':'])?;
    let digits = |s: &str| -> Option<i8> {
        let s: String = s.chars().filter(char::is_ascii_digit).take(2).collect();
        s.parse().ok()
    };
    let time = jiff::civil::Time::new(digits(h)?, digits(m).unwrap_or(0), 0, 0).ok()?;
    let today = around.to_zoned(zone.clone()).date();
    let at = today
        .to_datetime(time)
        .to_zoned(zone.clone())
        .ok()?
        .timestamp();
    if at < around.checked_sub(SignedDuration::from_hours(1)).ok()? {
        let tomorrow = today.tomorrow().ok()?.to_datetime(time);
        return Some(tomorrow.to_zoned(zone.clone()).ok()?.timestamp());
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_time_is_the_next_such_time_of_the_networks_day() {
        let zone = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
        let at = |s: &str| s.parse::<jiff::Zoned>().unwrap().timestamp();
        let around = at("2026-12-07T16:30:00+01:00[Europe/Paris]");
        assert_eq!(
            clock_instant("17h05", around, &zone),
            Some(at("2026-12-07T17:05:00+01:00[Europe/Paris]"))
        );
        assert_eq!(
            clock_instant("16:00", around, &zone),
            Some(at("2026-12-07T16:00:00+01:00[Europe/Paris]")),
            "a little late: today's"
        );
        assert_eq!(
            clock_instant("05h10", around, &zone),
            Some(at("2026-12-08T05:10:00+01:00[Europe/Paris]"))
        );
        assert_eq!(clock_instant("Travaux", around, &zone), None);
        assert_eq!(clock_instant("25h00", around, &zone), None);
    }
}
