//! "Which trips from A reach B, and when": the index's answer against a
//! scan of every trip and day of random feeds (shared stop patterns and
//! paces, loops, refused boardings, trips whose rows are apart, the
//! autumn clock change).
//!
//! `cargo test` runs a few cases (`PROPTEST_CASES`, 48 by default here).

use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use quai::timetable::feed::{compile_in_memory, zip_tables};

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(48)
}

/// A small pseudo-random generator (xorshift), for a feed from a seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const STOPS: u64 = 6;

/// One call of a planned trip: stop, seconds from the day's noon − 12 h,
/// whether one may board there.
type Call = (u64, i64, bool);

struct Plan {
    /// Trip, whether it runs on weekdays only, its calls by sequence.
    trips: Vec<(String, bool, Vec<Call>)>,
    tables: Vec<(&'static str, String)>,
}

fn days() -> Vec<Date> {
    let first = date(2026, 10, 20);
    (0..12)
        .map(|d| first.checked_add(jiff::Span::new().days(d)).unwrap())
        .collect()
}

fn plan(seed: u64) -> Plan {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    // Three lines whose trips share their stops, and sometimes their pace.
    let lines: Vec<Vec<u64>> = (0..3)
        .map(|_| (0..2 + rng.below(4)).map(|_| rng.below(STOPS)).collect())
        .collect();
    let paces: Vec<Vec<i64>> = lines
        .iter()
        .map(|l| l.iter().map(|_| 60 + rng.below(900) as i64).collect())
        .collect();
    let mut trips = Vec::new();
    let mut rows: Vec<String> = Vec::new();
    let mut trips_txt = String::from("route_id,service_id,trip_id,direction_id\n");
    for n in 0..30 {
        let weekdays = rng.below(3) == 0;
        let line = rng.below(4) as usize;
        let stops: Vec<u64> = match lines.get(line) {
            Some(l) => l.clone(),
            None => (0..2 + rng.below(4)).map(|_| rng.below(STOPS)).collect(),
        };
        let shared_pace = line < 3 && rng.below(2) == 0;
        let mut at = rng.below(28 * 3600) as i64;
        let mut calls = Vec::new();
        let mut trip_rows = Vec::new();
        for (k, stop) in stops.iter().enumerate() {
            let refused = rng.below(6) == 0;
            trip_rows.push(format!(
                "t{n},{:02}:{:02}:{:02},P{stop},{},{}",
                at / 3600,
                at / 60 % 60,
                at % 60,
                k * 5 + 1,
                u8::from(refused)
            ));
            calls.push((*stop, at, !refused && k + 1 < stops.len()));
            at += if shared_pace {
                paces[line][k]
            } else {
                60 + rng.below(1800) as i64
            };
        }
        trips_txt.push_str(&format!(
            "R{line},{},t{n},{}\n",
            if weekdays { "WD" } else { "ALL" },
            n % 2
        ));
        rows.extend(trip_rows);
        trips.push((format!("t{n}"), weekdays, calls));
    }
    // Sometimes the rows in any order (a trip's rows apart).
    if rng.below(3) == 0 {
        for i in (1..rows.len()).rev() {
            rows.swap(i, rng.below(i as u64 + 1) as usize);
        }
    }
    let stops_txt = (0..STOPS).fold(String::from("stop_id,stop_name\n"), |s, p| {
        s + &format!("P{p},Stop {p}\n")
    });
    let tables = vec![
        (
            "agency.txt",
            "agency_name,agency_timezone\nA,Europe/Paris\n".to_string(),
        ),
        ("stops.txt", stops_txt),
        (
            "routes.txt",
            "route_id,route_type\nR0,3\nR1,3\nR2,3\nR3,3\n".to_string(),
        ),
        (
            "calendar.txt",
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
             ALL,1,1,1,1,1,1,1,20261020,20261031\nWD,1,1,1,1,1,0,0,20261020,20261031\n"
                .to_string(),
        ),
        ("trips.txt", trips_txt),
        (
            "stop_times.txt",
            format!(
                "trip_id,departure_time,stop_id,stop_sequence,pickup_type\n{}\n",
                rows.join("\n")
            ),
        ),
    ];
    Plan { trips, tables }
}

/// Every (departure, trip, arrival) of a scan of each trip on each day.
fn scan(
    plan: &Plan,
    from: &[u64],
    to: &[u64],
    start: Timestamp,
    end: Timestamp,
) -> Vec<(Timestamp, String, Timestamp)> {
    let zone = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    let mut found = Vec::new();
    for d in days() {
        let reference = d
            .at(12, 0, 0, 0)
            .to_zoned(zone.clone())
            .unwrap()
            .timestamp()
            - SignedDuration::from_hours(12);
        let in_calendar = d <= date(2026, 10, 31);
        for (trip, weekdays, calls) in &plan.trips {
            let runs = in_calendar && (!weekdays || d.weekday().to_monday_zero_offset() < 5);
            if !runs {
                continue;
            }
            for (i, (stop, at, boardable)) in calls.iter().enumerate() {
                let when = reference + SignedDuration::from_secs(*at);
                if !boardable || !from.contains(stop) || when < start || when >= end {
                    continue;
                }
                if let Some((_, there, _)) = calls[i + 1..].iter().find(|c| to.contains(&c.0)) {
                    found.push((
                        when,
                        trip.clone(),
                        reference + SignedDuration::from_secs(*there),
                    ));
                }
            }
        }
    }
    found.sort();
    found
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn the_trips_reaching_a_place_are_those_of_a_brute_force_scan(
        seed in any::<u64>(),
        from in proptest::collection::vec(0..STOPS, 1..3),
        to in proptest::collection::vec(0..STOPS, 1..3),
        day in 0usize..12,
        second in 0i64..86_400,
        hours in 1i64..8,
    ) {
        let plan = plan(seed);
        let bytes: Vec<(&str, &[u8])> =
            plan.tables.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
        let (table, _) = compile_in_memory(&zip_tables(&bytes).unwrap()).unwrap();
        prop_assert!(table.has_trip_stops());
        let zone = table.zone().clone();
        let start = days()[day].at(0, 0, 0, 0).to_zoned(zone).unwrap().timestamp()
            + SignedDuration::from_secs(second);
        let within = SignedDuration::from_hours(hours);
        let stops = |list: &[u64]| -> Vec<u32> {
            list.iter().map(|s| table.find_stop(&format!("P{s}")).unwrap()).collect()
        };
        let mut got: Vec<(Timestamp, String, Timestamp)> = table
            .reaching(&stops(&from), &stops(&to), start, within)
            .iter()
            .map(|r| (r.departure.at, table.trip_id(r.departure.trip).to_string(), r.arrival))
            .collect();
        got.sort();
        prop_assert_eq!(got, scan(&plan, &from, &to, start, start + within));
    }
}

/// A trip's stops come back whole from its shared pattern and profile,
/// whatever the order of its rows.
#[test]
fn each_trips_stops_are_those_of_its_rows() {
    for seed in 1..20 {
        let plan = plan(seed);
        let bytes: Vec<(&str, &[u8])> = plan
            .tables
            .iter()
            .map(|(n, b)| (*n, b.as_bytes()))
            .collect();
        let (table, _) = compile_in_memory(&zip_tables(&bytes).unwrap()).unwrap();
        for trip in 0..table.trip_count() as u32 {
            let id = table.trip_id(trip);
            let (_, _, calls) = plan.trips.iter().find(|t| t.0 == id).unwrap();
            let stops: Vec<(String, i64)> = table
                .trip_stops(trip)
                .map(|s| (table.stop_id(s.stop).to_string(), i64::from(s.time)))
                .collect();
            let expected: Vec<(String, i64)> =
                calls.iter().map(|c| (format!("P{}", c.0), c.1)).collect();
            assert_eq!(stops, expected, "seed {seed}, trip {id}");
        }
    }
}
