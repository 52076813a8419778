//! stop_times.txt, the large table, read row by row into 16-byte events
//! and each trip's stops; frequencies run the trips' patterns.

use std::collections::HashMap;
use std::io::{Read, Seek};
use std::rc::Rc;

use super::patterns::Patterns;
use super::tables::{Frequency, Ids, Tables, TripRec};
use super::{
    CompileError, MAX_EVENTS, MAX_RUNS_PER_FREQUENCY, MIN_STOP_TIME_BYTES, Options, Progress,
};
use crate::timetable::index::{APPROXIMATE, NONE, TIME_MASK};
use crate::timetable::table::parse_time;

/// One departure of a trip at a stop, while compiling.
#[derive(Clone, Copy)]
pub struct Event {
    /// stop << 32 | route << 2 | direction: the group, then the order.
    pub key: u64,
    pub time: u32,
    pub trip: u32,
}

/// What stop_times.txt gives.
pub struct StopTimes {
    /// Where a trip can be boarded (a trip's last stop is not).
    pub events: Vec<Event>,
    /// Each trip's first time (frequencies run the trip from it).
    pub first_time: Vec<u32>,
    /// (trip, stop, headsign) where a stop_headsign differs from the trip's.
    pub headsign_at: Vec<(u32, u32, u32)>,
    /// Each trip's timed stops, when asked.
    pub patterns: Option<Patterns>,
}

impl<R: Read + Seek> Tables<R> {
    /// stop_times.txt: the events, read row by row.
    pub fn stop_times(
        &mut self,
        trips: &[TripRec],
        trip_ids: &Ids,
        stop_ids: &Ids,
        options: Options,
        progress: Progress<'_>,
    ) -> Result<StopTimes, CompileError> {
        let total = self.feed.size("stop_times.txt");
        let capacity = usize::try_from(total / MIN_STOP_TIME_BYTES).unwrap_or(0);
        // A reservation the system refuses (a limit on address space) is
        // only a missed optimisation.
        let mut events = Vec::new();
        let _ = events.try_reserve_exact(capacity.min(64 << 20));
        let mut times = StopTimes {
            events,
            first_time: vec![u32::MAX; trips.len()],
            headsign_at: Vec::new(),
            patterns: options.trip_stops.then(|| Patterns::new(trips.len())),
        };
        // Per trip: the highest stop_sequence seen and its event (no
        // boarding at a trip's last stop).
        let mut last: Vec<(u32, u32)> = vec![(0, NONE); trips.len()];
        let mut seen: Vec<bool> = vec![false; trips.len()];
        let read = Rc::clone(&self.feed.read);
        let mut t = self.feed.table(
            "stop_times.txt",
            &["trip_id", "stop_id", "stop_sequence"],
            &[
                "departure_time",
                "arrival_time",
                "pickup_type",
                "stop_headsign",
            ],
        )?;
        let mut last_trip: (Vec<u8>, Option<u32>) = (Vec::new(), None);
        let mut rows = 0u64;
        while let Some(row) = t.next_row()? {
            rows += 1;
            if rows.is_multiple_of(65_536) {
                progress(read.get(), total);
            }
            let Some(trip_raw) = row.bytes(0) else {
                t.skip();
                continue;
            };
            if trip_raw != last_trip.0.as_slice() {
                last_trip.0.clear();
                last_trip.0.extend_from_slice(trip_raw);
                last_trip.1 = trip_ids.get(trip_raw).copied();
            }
            let Some(trip) = last_trip.1 else {
                self.skips
                    .add("stop_times.txt", "unknown trip_id", t.line());
                continue;
            };
            let Some(&stop) = row.bytes(1).and_then(|s| stop_ids.get(s)) else {
                self.skips
                    .add("stop_times.txt", "unknown stop_id", t.line());
                continue;
            };
            let Some(sequence) = row.get(2).and_then(|s| s.parse::<u32>().ok()) else {
                t.skip();
                continue;
            };
            let time = match row.get(3).or(row.get(4)).map(parse_time) {
                Some(Some(time)) => Some(time),
                Some(None) => {
                    t.skip();
                    continue;
                }
                None => None,
            };
            let pickup = row.get(5) != Some("1");
            let headsign = row.get(6).map(|h| self.strings.intern(h));
            let trip_at = trip as usize;
            let Some(rec) = trips.get(trip_at) else {
                continue;
            };
            let mut event_at = NONE;
            if let Some(time) = time {
                let stop_time = StopTime {
                    trip,
                    sequence,
                    stop,
                    time,
                    pickup,
                    headsign,
                };
                event_at = times.add(stop_time, rec).map_err(|()| too_many(t.line()))?;
            }
            if !seen[trip_at] || sequence >= last[trip_at].0 {
                last[trip_at] = (sequence, event_at);
                seen[trip_at] = true;
            }
        }
        self.skips.malformed(&t);
        progress(total, total);
        // No boarding at a trip's last stop.
        for &(_, at) in &last {
            if let Some(e) = times.events.get_mut(at as usize) {
                e.time = NONE;
            }
        }
        if let Some(patterns) = &mut times.patterns {
            patterns.finish();
        }
        Ok(times)
    }
}

/// A timed row of stop_times.txt, of a known trip at a known stop.
struct StopTime {
    trip: u32,
    sequence: u32,
    stop: u32,
    time: u32,
    pickup: bool,
    headsign: Option<u32>,
}

impl StopTimes {
    /// Adds a timed stop time of trip `rec`; its event's number (`NONE`
    /// where no one boards); `Err` past [`MAX_EVENTS`].
    fn add(&mut self, s: StopTime, rec: &TripRec) -> Result<u32, ()> {
        if let Some(patterns) = &mut self.patterns {
            if patterns.kept >= MAX_EVENTS {
                return Err(());
            }
            patterns.add(s.trip, s.sequence, s.stop, s.time & TIME_MASK);
        }
        let first = &mut self.first_time[s.trip as usize];
        *first = (*first).min(s.time);
        if !s.pickup {
            return Ok(NONE);
        }
        if self.events.len() >= MAX_EVENTS {
            return Err(());
        }
        let at = u32::try_from(self.events.len()).unwrap_or(NONE);
        self.events.push(Event {
            key: (u64::from(s.stop) << 32) | u64::from(rec.route << 2 | rec.direction),
            time: s.time & TIME_MASK,
            trip: s.trip,
        });
        if let Some(h) = s.headsign.filter(|h| *h != rec.headsign) {
            self.headsign_at.push((s.trip, s.stop, h));
        }
        Ok(at)
    }
}

/// Frequencies: the trip's times are a pattern run from each start.
pub fn run_frequencies(
    events: &mut Vec<Event>,
    mut frequencies: Vec<Frequency>,
    first_time: &[u32],
) -> Result<(), CompileError> {
    if frequencies.is_empty() {
        return Ok(());
    }
    frequencies.sort_unstable_by_key(|f| (f.0, f.1));
    let mut by_trip: HashMap<u32, Vec<Event>> = HashMap::new();
    for e in events.iter_mut() {
        if e.time != NONE && frequencies.binary_search_by_key(&e.trip, |f| f.0).is_ok() {
            by_trip.entry(e.trip).or_default().push(*e);
            e.time = NONE;
        }
    }
    for &(trip, start, end, headway, exact) in &frequencies {
        let Some(pattern) = by_trip.get(&trip) else {
            continue;
        };
        let first = first_time.get(trip as usize).copied().unwrap_or(0);
        let mut run = start;
        let mut runs = 0;
        while run < end && runs < MAX_RUNS_PER_FREQUENCY {
            runs += 1;
            if events.len() + pattern.len() > MAX_EVENTS {
                return Err(too_many(0));
            }
            for e in pattern {
                let time = (e.time - first.min(e.time) + run).min(TIME_MASK);
                events.push(Event {
                    time: if exact { time } else { time | APPROXIMATE },
                    ..*e
                });
            }
            run = run.saturating_add(headway);
        }
    }
    Ok(())
}

/// The error of a feed with more departures than [`MAX_EVENTS`].
pub fn too_many(line: u64) -> CompileError {
    CompileError::Bad {
        file: "stop_times.txt",
        line,
        detail: format!("more than {MAX_EVENTS} departures"),
    }
}
