//! The demo timetable: trips generated from each line's first and last
//! departure and headway, thinned in the evening and at weekends, with no
//! service at night. Driven by the clock (Europe/Paris), so countdowns
//! decrease and vehicles pass.

use jiff::Zoned;
use jiff::civil::{Date, Weekday};

use super::network::{Line, Network};

pub use crate::network::ginko::ZONE as TIME_ZONE;

/// A service day starts at 04:00: a trip at 00:20 belongs to the day before.
const SERVICE_DAY_START_MIN: f64 = 240.0;
/// Like a real server, only passages in the next 90 minutes are announced.
const HORIZON_S: f64 = 5400.0;

/// The current time in Europe/Paris.
pub fn paris_now() -> Zoned {
    let now = crate::clock::zoned(jiff::tz::TimeZone::system());
    now.in_tz(TIME_ZONE).unwrap_or(now)
}

/// Where `now` falls in the service day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceTime {
    pub day: Date,
    /// Seconds since the service day's midnight (may exceed 86 400).
    pub seconds: f64,
}

impl ServiceTime {
    pub fn of(now: &Zoned) -> ServiceTime {
        let t = now.time();
        let seconds = f64::from(t.hour()) * 3600.0
            + f64::from(t.minute()) * 60.0
            + f64::from(t.second())
            + f64::from(t.subsec_nanosecond()) / 1e9;
        if seconds < SERVICE_DAY_START_MIN * 60.0 {
            ServiceTime {
                day: now.date().yesterday().unwrap_or(now.date()),
                seconds: seconds + 86_400.0,
            }
        } else {
            ServiceTime {
                day: now.date(),
                seconds,
            }
        }
    }

    pub fn minutes(&self) -> f64 {
        self.seconds / 60.0
    }
}

fn parse_hhmm(text: &str) -> Option<f64> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (f64, f64) = (h.parse().ok()?, m.parse().ok()?);
    let minutes = h * 60.0 + m;
    // "00:30" is after midnight, at the end of the service day.
    Some(if minutes < SERVICE_DAY_START_MIN {
        minutes + 1440.0
    } else {
        minutes
    })
}

/// How much longer than the daytime headway the wait is at this minute.
fn headway_factor(weekday: Weekday, minute: f64) -> f64 {
    let hour = (minute / 60.0) % 24.0;
    let by_hour = match hour {
        h if h < 7.0 => 1.5,
        h if h < 9.0 => 1.0,
        h if h < 16.0 => 1.25,
        h if h < 19.0 => 1.0,
        h if h < 21.0 => 1.5,
        _ => 2.5,
    };
    let by_day = match weekday {
        Weekday::Saturday => 1.2,
        Weekday::Sunday => 2.0,
        _ => 1.0,
    };
    // After midnight the wait is long whatever the day.
    let late = if minute >= 1440.0 { 1.5 } else { 1.0 };
    by_hour * by_day * late
}

/// The departure times (minutes since the service day's midnight) of a line's
/// trips from its first stop on a given day.
pub fn trip_starts(line: &Line, day: Date) -> Vec<f64> {
    let (Some(mut first), Some(last)) = (parse_hhmm(&line.first), parse_hhmm(&line.last)) else {
        return Vec::new();
    };
    let weekday = day.weekday();
    if weekday == Weekday::Sunday {
        first += 120.0;
    }
    let mut starts = Vec::new();
    let mut t = first;
    while t <= last && starts.len() < 1000 {
        starts.push(t);
        t += (line.headway * headway_factor(weekday, t)).max(2.0);
    }
    starts
}

/// Minutes from the first stop to each stop of the route in one direction.
pub fn offsets(network: &Network, line: &Line, outbound: bool) -> Vec<f64> {
    let speed_kmh = if line.is_tram() {
        20.0
    } else if line.is_peri_urban() {
        32.0
    } else {
        16.0
    };
    let route = line.route_in(outbound);
    let mut total = 0.0;
    let mut out = vec![0.0];
    for pair in route.windows(2) {
        let pos = |name: &str| {
            network.place(name).map(|p| crate::domain::Position {
                lat: p.lat,
                lon: p.lon,
            })
        };
        let km = match (pos(pair[0]), pos(pair[1])) {
            (Some(a), Some(b)) => a.distance_m(b) / 1000.0,
            _ => 0.5,
        };
        // Roads are longer than straight lines; each stop costs a dwell.
        total += (km * 1.3 / speed_kmh * 60.0).max(0.8) + 0.4;
        out.push(total);
    }
    out
}

/// A vehicle's passage at a stop.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub trip: usize,
    /// Minutes since the service day's midnight.
    pub arrival_min: f64,
    /// Seconds from now (never negative).
    pub wait_s: i64,
}

impl Passage {
    /// "17h05".
    pub fn clock_text(&self) -> String {
        let total = self.arrival_min.round() as i64;
        format!("{}h{:02}", (total / 60) % 24, total % 60)
    }
}

/// The next `nb` passages of a line, in one direction, at a place. None at
/// the route's last stop (vehicles terminate there) or off the route.
pub fn next_passages(
    network: &Network,
    line: &Line,
    outbound: bool,
    place: &str,
    now: &ServiceTime,
    nb: usize,
) -> Vec<Passage> {
    let route = line.route_in(outbound);
    let Some(index) = route.iter().position(|p| *p == place) else {
        return Vec::new();
    };
    if index + 1 == route.len() {
        return Vec::new();
    }
    let offset = offsets(network, line, outbound)[index];
    // Inbound trips leave a little later so the two directions differ.
    let shift = if outbound { 0.0 } else { line.headway * 0.37 };
    trip_starts(line, now.day)
        .into_iter()
        .enumerate()
        .map(|(trip, start)| (trip, start + shift + offset))
        .filter(|(_, arrival)| {
            arrival * 60.0 >= now.seconds && arrival * 60.0 <= now.seconds + HORIZON_S
        })
        .take(nb)
        .map(|(trip, arrival_min)| Passage {
            trip,
            arrival_min,
            wait_s: ((arrival_min * 60.0 - now.seconds).max(0.0)).round() as i64,
        })
        .collect()
}

/// A stable pseudo-random number for one trip.
pub fn trip_hash(line: &Line, outbound: bool, trip: usize, day: Date) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let day_key = i64::from(day.year()) * 400 + i64::from(day.day_of_year());
    for byte in line
        .id
        .bytes()
        .chain([u8::from(outbound)])
        .chain((trip as u64).to_le_bytes())
        .chain(day_key.to_le_bytes())
    {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^ (h >> 29)
}

/// Minutes a vehicle waits at the end of its trip before its next one.
const LAYOVER_MIN: f64 = 2.0;

/// The vehicles of a line's trips on a day: `[outbound, inbound]`, per
/// trip, `None` for a line without numbered vehicles. Each trip, in the
/// order they start, takes the vehicle idle the longest, so that a number
/// runs one trip at a time (while the fleet is big enough): the same
/// number at consecutive stops is the same vehicle, later.
pub fn fleet_plan(network: &Network, line: &Line, day: Date) -> [Vec<Option<u32>>; 2] {
    let fleet = line.fleet_numbers();
    let starts = trip_starts(line, day);
    let mut plan = [vec![None; starts.len()], vec![None; starts.len()]];
    if fleet.is_empty() {
        return plan;
    }
    let mut trips: Vec<(f64, f64, usize, usize)> = Vec::with_capacity(starts.len() * 2);
    for (direction, outbound) in [true, false].into_iter().enumerate() {
        let shift = if outbound { 0.0 } else { line.headway * 0.37 };
        let duration = offsets(network, line, outbound)
            .last()
            .copied()
            .unwrap_or(0.0);
        for (trip, start) in starts.iter().enumerate() {
            trips.push((start + shift, start + shift + duration, direction, trip));
        }
    }
    trips.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
    // When each vehicle is free again.
    let mut free_at = vec![f64::NEG_INFINITY; fleet.len()];
    for (_, end, direction, trip) in trips {
        let Some((vehicle, _)) = free_at.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1))
        else {
            break;
        };
        free_at[vehicle] = end + LAYOVER_MIN;
        plan[direction][trip] = Some(fleet[vehicle]);
    }
    plan
}

/// The vehicle running a trip of `plan` ([`fleet_plan`]).
pub fn vehicle_for(plan: &[Vec<Option<u32>>; 2], outbound: bool, trip: usize) -> Option<u32> {
    plan[usize::from(!outbound)].get(trip).copied().flatten()
}

/// Load (percent of capacity) of a trip as it reaches a stop.
pub fn load_percent(
    line: &Line,
    outbound: bool,
    trip: usize,
    day: Date,
    minute: f64,
    stop_index: usize,
    stops: usize,
) -> i64 {
    let hour = (minute / 60.0) % 24.0;
    let base = match hour {
        h if (7.0..9.0).contains(&h) => 72.0,
        h if (16.0..19.0).contains(&h) => 68.0,
        h if (12.0..14.0).contains(&h) => 50.0,
        h if (9.0..16.0).contains(&h) => 40.0,
        _ => 22.0,
    };
    let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
    let base = if weekend { base * 0.7 } else { base };
    let along = (std::f64::consts::PI * stop_index as f64 / stops.max(1) as f64).sin() * 15.0;
    let noise = (trip_hash(line, outbound, trip, day) % 41) as f64 - 20.0;
    (base + along + noise).clamp(3.0, 100.0).round() as i64
}

/// 0 low, 1 moderate, 2 high.
pub fn crowd_level(load: i64) -> i64 {
    match load {
        l if l < 40 => 0,
        l if l < 75 => 1,
        _ => 2,
    }
}

/// Where a vehicle is now: the trip it runs and the two places it is
/// between (or at), if it is on the road.
pub fn locate_vehicle<'n>(
    network: &'n Network,
    number: u32,
    now: &ServiceTime,
) -> Option<(&'n Line, bool, String, String)> {
    for line in &network.lines {
        if !line.fleet_numbers().contains(&number) {
            continue;
        }
        let plan = fleet_plan(network, line, now.day);
        for outbound in [true, false] {
            let shift = if outbound { 0.0 } else { line.headway * 0.37 };
            let offsets = offsets(network, line, outbound);
            let route = line.route_in(outbound);
            let duration = offsets.last().copied().unwrap_or(0.0);
            for (trip, start) in trip_starts(line, now.day).into_iter().enumerate() {
                let elapsed = now.minutes() - (start + shift);
                if !(0.0..=duration).contains(&elapsed)
                    || vehicle_for(&plan, outbound, trip) != Some(number)
                {
                    continue;
                }
                let next = offsets.iter().position(|o| *o >= elapsed).unwrap_or(0);
                let previous = next.saturating_sub(1);
                return Some((
                    line,
                    outbound,
                    route[previous].to_string(),
                    route[next].to_string(),
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> ServiceTime {
        let zoned: Zoned = format!("{text}[Europe/Paris]").parse().unwrap();
        ServiceTime::of(&zoned)
    }

    fn network() -> Network {
        Network::load().unwrap()
    }

    #[test]
    fn countdowns_decrease_with_the_clock_and_the_next_vehicle_comes_up() {
        let n = network();
        let t1 = n.line("101").unwrap();
        let first = next_passages(&n, t1, true, "Micropolis", &at("2026-11-23T14:30:00"), 2);
        assert_eq!(first.len(), 2);
        let later = next_passages(&n, t1, true, "Micropolis", &at("2026-11-23T14:30:40"), 2);
        assert_eq!(later[0].trip, first[0].trip);
        assert_eq!(later[0].wait_s, first[0].wait_s - 40);
        // Once the first has passed, the second is next.
        let after = at("2026-11-23T14:30:00");
        let passed = ServiceTime {
            seconds: after.seconds + first[0].wait_s as f64 + 1.0,
            ..after
        };
        let next = next_passages(&n, t1, true, "Micropolis", &passed, 1);
        assert_eq!(next[0].trip, first[1].trip);
    }

    #[test]
    fn trams_run_more_often_than_buses_and_evenings_thin_out() {
        let n = network();
        let day = at("2026-11-24T12:00:00").day;
        let t1 = trip_starts(n.line("101").unwrap(), day).len();
        let bus = trip_starts(n.line("9").unwrap(), day).len();
        assert!(t1 > 2 * bus, "{t1} tram trips, {bus} bus trips");
        let starts = trip_starts(n.line("101").unwrap(), day);
        let gap = |from: f64| {
            let i = starts.iter().position(|s| *s >= from).unwrap();
            starts[i + 1] - starts[i]
        };
        assert!(gap(22.0 * 60.0) > gap(8.0 * 60.0));
        let sunday = at("2026-11-22T12:00:00").day;
        assert!(trip_starts(n.line("101").unwrap(), sunday).len() < t1);
    }

    #[test]
    fn no_service_at_night() {
        let n = network();
        for time in ["2026-11-24T01:30:00", "2026-11-24T03:00:00"] {
            let night = at(time);
            assert_eq!(night.day.day(), 23);
            for line in &n.lines {
                for place in &line.route {
                    for outbound in [true, false] {
                        let p = next_passages(&n, line, outbound, place, &night, 2);
                        assert!(p.is_empty(), "{} at {place} at {time}", line.number);
                    }
                }
            }
        }
        // The first trams of the morning are announced before they leave.
        let dawn = at("2026-11-24T04:45:00");
        assert!(
            !next_passages(&n, n.line("101").unwrap(), true, "Micropolis", &dawn, 2).is_empty()
        );
    }

    #[test]
    fn the_terminus_has_no_departure_in_its_direction() {
        let n = network();
        let t1 = n.line("101").unwrap();
        let noon = at("2026-11-24T12:00:00");
        assert!(next_passages(&n, t1, true, "Chalezeule", &noon, 2).is_empty());
        assert_eq!(
            next_passages(&n, t1, false, "Chalezeule", &noon, 2).len(),
            2
        );
    }

    /// A vehicle number runs one trip at a time, whichever the direction:
    /// the same number further down the route is the same vehicle.
    #[test]
    fn a_vehicle_runs_one_trip_at_a_time() {
        let n = network();
        for day in ["2026-11-24", "2026-11-28", "2026-11-29"] {
            let day: Date = day.parse().unwrap();
            for line in n.lines.iter().filter(|l| !l.fleet_numbers().is_empty()) {
                let plan = fleet_plan(&n, line, day);
                let mut runs: Vec<(u32, f64, f64)> = Vec::new();
                for outbound in [true, false] {
                    let shift = if outbound { 0.0 } else { line.headway * 0.37 };
                    let duration = *offsets(&n, line, outbound).last().unwrap();
                    for (trip, start) in trip_starts(line, day).into_iter().enumerate() {
                        let vehicle = vehicle_for(&plan, outbound, trip).unwrap();
                        runs.push((vehicle, start + shift, start + shift + duration));
                    }
                }
                for (i, a) in runs.iter().enumerate() {
                    for b in &runs[i + 1..] {
                        assert!(
                            a.0 != b.0 || a.2 < b.1 || b.2 < a.1,
                            "line {} on {day}: {} runs {a:?} and {b:?}",
                            line.number,
                            a.0
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn vehicles_are_found_between_two_stops() {
        let n = network();
        let noon = at("2026-11-24T12:00:00");
        let found = (801..=812)
            .filter_map(|v| locate_vehicle(&n, v, &noon))
            .count();
        assert!(found > 0);
        assert!(locate_vehicle(&n, 9999, &noon).is_none());
    }
}
