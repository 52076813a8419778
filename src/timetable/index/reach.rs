//! Where a trip goes: the trips from some stops that call later at
//! others, and when they get there.
//!
//! The departures at the first stops are the index's events (sorted by
//! time in their group); each one's trip is looked up in its stop pattern,
//! from the stop it leaves to the first destination stop after it, and its
//! timing profile gives the run time. No table of connections is built: a
//! query reads the events of the window and the patterns of their trips.

use jiff::{SignedDuration, Timestamp};

use super::{APPROXIMATE, LOOK_AHEAD_DAYS, Section, TIME_MASK, Timetable, TimetableDeparture};
use super::{TripStop, day_number};

/// A departure whose trip calls later at the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    pub departure: TimetableDeparture,
    /// When it calls at the destination (its time there in the timetable).
    pub arrival: Timestamp,
    /// The destination's stop it calls at, and that call's stop_sequence.
    pub arrival_stop: u32,
    pub arrival_sequence: u32,
}

/// A trip's run between two of its stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub from: TripStop,
    pub to: TripStop,
}

impl Run {
    /// The seconds the timetable gives from one stop to the other.
    pub fn seconds(&self) -> i64 {
        i64::from(self.to.time) - i64::from(self.from.time)
    }
}

impl Timetable {
    /// The trips leaving one of the stops `from` in `[start, start +
    /// within)` that call later at one of the stops `to`, with their
    /// departure and arrival, sorted by departure; empty when the index
    /// does not keep trips' stops.
    pub fn reaching(
        &self,
        from: &[u32],
        to: &[u32],
        start: Timestamp,
        within: SignedDuration,
    ) -> Vec<Reach> {
        let mut found: Vec<Reach> = Vec::new();
        if !self.has_trip_stops() || to.is_empty() || within <= SignedDuration::ZERO {
            return found;
        }
        let Some(end) = start.checked_add(within).ok() else {
            return found;
        };
        let today = day_number(start.to_zoned(self.zone.clone()).date());
        let last = day_number(end.to_zoned(self.zone.clone()).date());
        // Trips of the two days before may still run (times past 24:00).
        for day in today - 2..=last.min(today + LOOK_AHEAD_DAYS) {
            let in_window = self
                .first_day
                .zip(self.last_day)
                .is_some_and(|(first, last)| (first..=last).contains(&day));
            let Some(reference) = self.day_reference(day).filter(|_| in_window) else {
                continue;
            };
            let since = |t: Timestamp| {
                let s = t.as_second() - reference.as_second();
                u32::try_from(s.max(0)).unwrap_or(u32::MAX)
            };
            let (lower, upper) = (since(start), since(end));
            if upper == 0 {
                continue;
            }
            for &stop in from {
                for (group, route, direction) in self.stop_groups(stop) {
                    let (first, len) = self.group_events(group);
                    for e in self.first_at_or_after(first, len, lower)..first + len {
                        let time = self.cell(Section::Events, 2, e, 0);
                        if time & TIME_MASK >= upper {
                            break;
                        }
                        let trip = self.cell(Section::Events, 2, e, 1);
                        let service = self.cell(Section::Trips, 5, trip as usize, 2);
                        if !self.runs(service, day) {
                            continue;
                        }
                        let Some(run) = self.run(trip, &[stop], Some(time & TIME_MASK), to) else {
                            continue;
                        };
                        let at = reference.as_second() + i64::from(time & TIME_MASK);
                        let (Ok(at), Ok(arrival)) = (
                            Timestamp::from_second(at),
                            Timestamp::from_second(at + run.seconds()),
                        ) else {
                            continue;
                        };
                        found.push(Reach {
                            departure: TimetableDeparture {
                                at,
                                stop,
                                trip,
                                route,
                                direction,
                                headsign: self.event_headsign(e),
                                approximate: time & APPROXIMATE != 0,
                                day,
                                offset: time & TIME_MASK,
                            },
                            arrival,
                            arrival_stop: run.to.stop,
                            arrival_sequence: run.to.sequence,
                        });
                    }
                }
            }
        }
        found.sort_by_key(|r| (r.departure.at, r.departure.trip, r.departure.stop));
        found.dedup_by_key(|r| (r.departure.at, r.departure.trip, r.departure.stop));
        found
    }

    /// Trip `trip`'s run from one of the stops `from` (the call at
    /// `offset` seconds from its service day's reference where given; a
    /// frequency's run is offset from its pattern, so the first such call
    /// otherwise) to the first call at one of the stops `to` after it.
    pub fn run(&self, trip: u32, from: &[u32], offset: Option<u32>, to: &[u32]) -> Option<Run> {
        let (pattern, profile, _) = self.trip_pattern(trip);
        let calls = || self.trip_stops(trip).take(pattern.1.min(profile.1));
        let mut boarding: Option<TripStop> = None;
        let mut at = 0;
        for (i, c) in calls().enumerate() {
            if from.contains(&c.stop) {
                if offset.is_none_or(|o| o == c.time) {
                    boarding = Some(c);
                    at = i;
                    break;
                }
                if boarding.is_none() {
                    boarding = Some(c);
                    at = i;
                }
            }
        }
        let from = boarding?;
        calls()
            .skip(at + 1)
            .find(|c| to.contains(&c.stop))
            .map(|to| Run { from, to })
    }
}
