//! The timetable compiler and its queries on small feeds that hold the
//! GTFS rules and the CSV found in the wild.

use jiff::Timestamp;
use quai::timetable::compile::Summary;
use quai::timetable::feed::{compile_in_memory, zip_tables};
use quai::timetable::{CompileError, Timetable};

const AGENCY: &str =
    "agency_id,agency_name,agency_url,agency_timezone\r\nG,Ginko,https://x,Europe/Paris\r\n";
// A byte order mark, a quoted name with a comma, an extra column, spaces.
const STOPS: &str = "\u{feff}stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,zone\n\
st_a,\"Alpha, Gare\",47.1,6.1,1,,z\n\
A1,\"Alpha, Gare\",47.1,6.1,0,st_a,z\n\
A2 ,\"Alpha, Gare\",47.1 ,6.1,0,st_a ,z\n\
B1,Bravo,47.2,6.2,,,z\n\
B2,Bravo,47.2,6.2,0,,z\n\
C,Charlie,47.3,6.3,0,,z\n\
E1,Alpha entrance,47.1,6.1,2,st_a,z\n";
const ROUTES: &str = "route_type,route_id,route_short_name,route_color\nT,R1,T1,A0C814\n3,R2,L3,\n";
// Ginko's kind: every weekday flag 0, the days in calendar_dates.
const CALENDAR: &str = "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
ALL,0,0,0,0,0,0,0,20260101,20271231\n\
WD,1,1,1,1,1,0,0,20261001,20261031\n";
const CALENDAR_DATES: &str = "service_id,date,exception_type\n\
ALL,20261024,1\nALL,20261025,1\nALL,20270327,1\nALL,20270328,1\n\
WD,20261021,2\nWD,20261024,1\nF,20261020,1\n\
WD,bad,1\n";
const TRIPS: &str = "route_id,service_id,trip_id,trip_headsign,direction_id\r\n\
R1,ALL,t1,Charlie,0\r\nR1,WD,t2,Charlie,1\r\nR2,F,t3,Charlie,0\r\nR2,F,t4,Charlie,0\r\nR9,ALL,t9,Nowhere,0\r\n";
const STOP_TIMES: &str = "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,stop_headsign\n\
t1,05:30:00,05:30:00,A1,1,0,\n\
t1,24:30:00,24:30:00,B1,2,0,\n\
t1,26:30:00,26:30:00,B2,3,,\n\
t1,27:00:00,27:00:00,C,4,0,\n\
t2,08:00:00,08:00:00,A2,1,0,\n\
t2,08:30:00,08:30:00,C,2,0,\n\
t3,00:00:00,00:00:00,A1,1,0,\n\
t3,00:10:00,00:10:00,C,2,0,\n\
t4,12:00:00,12:00:00,A2,1,1,\n\
t4,12:10:00,12:10:00,B1,2,0,Charlie par Bravo\n\
t4,12:20:00,12:20:00,C,3,0,\n\
t4,12:30:00,12:30:00,NOPE,4,0,\n\
t8,12:30:00,12:30:00,C,1,0,\n\
t4,12:40:00,12:40:00,C,\n";
const FREQUENCIES: &str =
    "trip_id,start_time,end_time,headway_secs,exact_times\nt3,08:00:00,10:00:00,1800,0\n";

fn tables() -> Vec<(&'static str, &'static str)> {
    vec![
        ("agency.txt", AGENCY),
        ("stops.txt", STOPS),
        ("routes.txt", ROUTES),
        ("calendar.txt", CALENDAR),
        ("calendar_dates.txt", CALENDAR_DATES),
        ("trips.txt", TRIPS),
        ("stop_times.txt", STOP_TIMES),
        ("frequencies.txt", FREQUENCIES),
    ]
}

fn compile(tables: &[(&str, &str)]) -> Result<(Timetable, Summary), CompileError> {
    let bytes: Vec<(&str, &[u8])> = tables.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
    compile_in_memory(&zip_tables(&bytes).unwrap())
}

fn feed() -> (Timetable, Summary) {
    compile(&tables()).unwrap()
}

fn at(text: &str) -> Timestamp {
    text.parse::<jiff::Zoned>()
        .map(|z| z.timestamp())
        .or_else(|_| text.parse::<Timestamp>())
        .unwrap()
}

/// The next departures at a stop, as "time in the feed's zone, trip".
fn next(t: &Timetable, stop: &str, from: &str, limit: usize) -> Vec<String> {
    let stop = t.find_stop(stop).unwrap();
    t.departures(&[stop], |_, _| true, at(from), limit)
        .iter()
        .map(|d| {
            let local = d.at.to_zoned(t.zone().clone());
            format!(
                "{} {}{}",
                local.strftime("%Y-%m-%dT%H:%M%:z"),
                t.trip_id(d.trip),
                if d.approximate { " ~" } else { "" }
            )
        })
        .collect()
}

#[test]
fn times_count_from_noon_minus_twelve_hours_across_both_clock_changes() {
    let (t, _) = feed();
    let days = |stop: &str| {
        let mut all = Vec::new();
        for from in [
            "2026-10-24T00:00:00+02:00[Europe/Paris]",
            "2027-03-27T00:00:00+01:00[Europe/Paris]",
        ] {
            all.extend(
                next(&t, stop, from, 2)
                    .into_iter()
                    .filter(|d| d.ends_with("t1")),
            );
        }
        all
    };
    assert_eq!(
        days("A1"),
        [
            "2026-10-24T05:30+02:00 t1",
            "2026-10-25T05:30+01:00 t1",
            "2027-03-27T05:30+01:00 t1",
            "2027-03-28T05:30+02:00 t1",
        ]
    );
    assert_eq!(
        days("B1"),
        [
            "2026-10-25T00:30+02:00 t1",
            "2026-10-26T00:30+01:00 t1",
            "2027-03-28T00:30+01:00 t1",
            "2027-03-29T00:30+02:00 t1",
        ]
    );
    // 26:30 on the eve of the fall-back is the first 02:30; on the eve of
    // the spring-forward 02:30 does not exist: it is 03:30.
    assert_eq!(
        days("B2"),
        [
            "2026-10-25T02:30+02:00 t1",
            "2026-10-26T02:30+01:00 t1",
            "2027-03-28T03:30+02:00 t1",
            "2027-03-29T02:30+02:00 t1",
        ]
    );
}

#[test]
fn a_trip_past_midnight_is_found_from_the_next_calendar_day() {
    let (t, _) = feed();
    // Sunday 00:10: Saturday's 24:30 trip is still to come.
    assert_eq!(
        next(&t, "B1", "2026-10-25T00:10:00+02:00[Europe/Paris]", 1),
        ["2026-10-25T00:30+02:00 t1"]
    );
}

#[test]
fn calendar_dates_win_over_calendar_and_its_dates_are_honoured() {
    let (t, _) = feed();
    let days: Vec<String> = next(&t, "A2", "2026-10-19T00:00:00+02:00[Europe/Paris]", 20)
        .into_iter()
        .map(|d| d[..10].to_string())
        .collect();
    // Wednesday 21 removed, Saturday 24 added, nothing after the 31st.
    assert_eq!(
        days,
        [
            "2026-10-19",
            "2026-10-20",
            "2026-10-22",
            "2026-10-23",
            "2026-10-24",
            "2026-10-26",
            "2026-10-27",
            "2026-10-28",
            "2026-10-29",
            "2026-10-30",
        ]
    );
}

#[test]
fn frequencies_run_from_start_to_before_end_and_are_approximate() {
    let (t, _) = feed();
    assert_eq!(
        next(&t, "A1", "2026-10-20T00:00:00+02:00[Europe/Paris]", 10)
            .into_iter()
            .filter(|d| d.contains("t3"))
            .collect::<Vec<_>>(),
        [
            "2026-10-20T08:00+02:00 t3 ~",
            "2026-10-20T08:30+02:00 t3 ~",
            "2026-10-20T09:00+02:00 t3 ~",
            "2026-10-20T09:30+02:00 t3 ~",
        ]
    );
}

#[test]
fn no_boarding_at_the_last_stop_nor_where_pickup_is_refused() {
    let (t, _) = feed();
    assert!(next(&t, "C", "2026-01-01T00:00:00+01:00[Europe/Paris]", 50).is_empty());
    // t4 refuses pickup at A2 (t2 is the only one).
    assert!(
        next(&t, "A2", "2026-10-20T00:00:00+02:00[Europe/Paris]", 5)
            .iter()
            .all(|d| d.ends_with("t2"))
    );
}

#[test]
fn a_stop_headsign_overrides_the_trip_headsign() {
    let (t, _) = feed();
    let b1 = t.find_stop("B1").unwrap();
    let a1 = t.find_stop("A1").unwrap();
    let from = at("2026-10-20T00:00:00+02:00[Europe/Paris]");
    let at_b1 = t.departures(&[b1], |_, _| true, from, 1);
    assert_eq!(t.trip_id(at_b1[0].trip), "t4");
    assert_eq!(t.string(at_b1[0].headsign), "Charlie par Bravo");
    let at_a1 = t.departures(&[a1], |_, _| true, from, 1);
    assert_eq!(t.string(at_a1[0].headsign), "Charlie");
}

#[test]
fn places_are_stations_with_their_stops_or_stops_of_one_name() {
    let (t, summary) = feed();
    let mut places: Vec<(String, Vec<String>)> = (0..t.place_count() as u32)
        .map(|p| {
            (
                t.place_name(p).to_string(),
                t.place_stops(p).map(|s| t.stop_id(s).to_string()).collect(),
            )
        })
        .collect();
    places.sort();
    assert_eq!(
        places,
        [
            (
                "Alpha, Gare".to_string(),
                vec!["A1".to_string(), "A2".to_string()]
            ),
            (
                "Bravo".to_string(),
                vec!["B1".to_string(), "B2".to_string()]
            ),
            ("Charlie".to_string(), vec!["C".to_string()]),
        ]
    );
    assert_eq!(summary.counts.places, 3);
    assert_eq!(summary.counts.stops, 5);
    assert_eq!(summary.counts.routes, 2);
    assert_eq!(summary.counts.trips, 4);
    assert_eq!(t.route(t.find_route("R1").unwrap()).colour, Some(0xA0C814));
    assert_eq!(t.route(t.find_route("R1").unwrap()).short_name, "T1");
}

#[test]
fn bad_rows_and_bad_references_are_skipped_and_counted() {
    let (_, summary) = feed();
    let skipped = |file: &str, reason: &str| {
        summary
            .skipped
            .iter()
            .find(|s| s.file == file && s.reason == reason)
            .map(|s| (s.rows, s.first_line))
    };
    assert_eq!(skipped("trips.txt", "unknown route_id"), Some((1, 6)));
    assert_eq!(skipped("stop_times.txt", "unknown stop_id"), Some((1, 13)));
    assert_eq!(skipped("stop_times.txt", "unknown trip_id"), Some((1, 14)));
    assert_eq!(skipped("stop_times.txt", "malformed"), Some((1, 15)));
    assert_eq!(skipped("calendar_dates.txt", "malformed"), Some((1, 9)));
    assert_eq!(summary.first_day.as_deref(), Some("2026-10-01"));
    assert_eq!(summary.last_day.as_deref(), Some("2027-03-28"));
}

#[test]
fn a_feed_missing_a_table_or_a_column_says_which() {
    let mut without_trips = tables();
    without_trips.retain(|(n, _)| *n != "trips.txt");
    let e = compile(&without_trips).unwrap_err();
    assert_eq!(e.to_string(), "le flux n'a pas de trips.txt");
    let mut bad = tables();
    bad[2] = ("routes.txt", "route_short_name\nT1\n");
    let e = compile(&bad).unwrap_err();
    assert_eq!(e.to_string(), "routes.txt n'a pas de colonne route_id");
    let e = compile_in_memory(b"PK\x03\x04 not really a zip").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("ce n'est pas un fichier zip lisible"),
        "{e}"
    );
}

#[test]
fn a_damaged_index_is_refused_not_read() {
    assert!(Timetable::from_bytes(b"QUAITT1\nshort".to_vec()).is_err());
    assert!(Timetable::from_bytes(vec![0u8; 4096]).is_err());
    // A cut index: its sections point past the end.
    let bytes: Vec<(&str, &[u8])> = tables().iter().map(|(n, b)| (*n, b.as_bytes())).collect();
    let zip = zip_tables(&bytes).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    quai::timetable::compile::compile(std::io::Cursor::new(&zip), &mut out, &mut |_, _| {})
        .unwrap();
    let mut index = out.into_inner();
    index.truncate(index.len() - 8);
    assert!(Timetable::from_bytes(index).is_err());
}

#[test]
fn a_duplicate_stop_id_is_skipped_and_the_first_keeps_its_departures() {
    let mut with_duplicate = tables();
    let stops = STOPS.replace(
        "C,Charlie,47.3,6.3,0,,z\n",
        "C,Charlie,47.3,6.3,0,,z\nA1,Impostor,47.9,6.9,0,,z\n",
    );
    with_duplicate[1] = ("stops.txt", Box::leak(stops.into_boxed_str()));
    let (t, summary) = compile(&with_duplicate).unwrap();
    assert!(
        summary
            .skipped
            .iter()
            .any(|s| s.reason == "duplicate stop_id" && s.rows == 1)
    );
    assert_eq!(t.stop_name(t.find_stop("A1").unwrap()), "Alpha, Gare");
    assert_eq!(
        next(&t, "A1", "2026-10-24T00:00:00+02:00[Europe/Paris]", 1),
        ["2026-10-24T05:30+02:00 t1"]
    );
}

/// A small pseudo-random generator (xorshift), for reproducible feeds.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Random feeds across the fall-back change, and random instants: the
/// index's next departures are those of a scan of every trip and day.
#[test]
fn the_next_departures_are_those_of_a_brute_force_scan() {
    use jiff::civil::date;
    let zone = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    for seed in 1..=6u64 {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
        let first = date(2026, 10, 20);
        let days: Vec<jiff::civil::Date> = (0..12)
            .map(|d| first.checked_add(jiff::Span::new().days(d)).unwrap())
            .collect();
        let services = 3;
        let mut calendar = String::from(
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n",
        );
        let mut dates = String::from("service_id,date,exception_type\n");
        // (mask, start, end, exceptions) per service.
        let mut rules = Vec::new();
        for s in 0..services {
            let mask: Vec<bool> = (0..7).map(|_| rng.below(3) > 0).collect();
            let start = days[rng.below(4) as usize];
            let end = days[8 + rng.below(4) as usize];
            let flags: Vec<&str> = mask.iter().map(|m| if *m { "1" } else { "0" }).collect();
            calendar.push_str(&format!(
                "S{s},{},{},{}\n",
                flags.join(","),
                start.strftime("%Y%m%d"),
                end.strftime("%Y%m%d")
            ));
            let mut exceptions = Vec::new();
            for _ in 0..3 {
                let d = days[rng.below(12) as usize];
                let add = rng.below(2) == 0;
                if !exceptions.iter().any(|(x, _)| *x == d) {
                    dates.push_str(&format!(
                        "S{s},{},{}\n",
                        d.strftime("%Y%m%d"),
                        if add { 1 } else { 2 }
                    ));
                    exceptions.push((d, add));
                }
            }
            rules.push((mask, start, end, exceptions));
        }
        let runs = |s: usize, d: jiff::civil::Date| {
            let (mask, start, end, exceptions) = &rules[s];
            if let Some((_, add)) = exceptions.iter().find(|(x, _)| *x == d) {
                return *add;
            }
            d >= *start && d <= *end && mask[d.weekday().to_monday_zero_offset() as usize]
        };
        let mut trips = String::from("route_id,service_id,trip_id,direction_id\n");
        let mut times = String::from("trip_id,departure_time,stop_id,stop_sequence,pickup_type\n");
        // (trip, service, [(stop, seconds, boardable)])
        let mut plan = Vec::new();
        for n in 0..40 {
            let service = rng.below(services as u64) as usize;
            trips.push_str(&format!("R,S{service},t{n},{}\n", n % 2));
            let mut at = rng.below(30 * 3600) as i64;
            let stops = 2 + rng.below(3) as usize;
            let mut calls = Vec::new();
            for k in 0..stops {
                let stop = rng.below(4);
                let refused = rng.below(6) == 0;
                times.push_str(&format!(
                    "t{n},{:02}:{:02}:{:02},P{stop},{},{}\n",
                    at / 3600,
                    at / 60 % 60,
                    at % 60,
                    k + 1,
                    if refused { 1 } else { 0 }
                ));
                calls.push((stop, at, !refused && k + 1 < stops));
                at += 60 + rng.below(1800) as i64;
            }
            plan.push((format!("t{n}"), service, calls));
        }
        let feed: Vec<(&str, String)> = vec![
            (
                "agency.txt",
                "agency_name,agency_timezone\nA,Europe/Paris\n".into(),
            ),
            (
                "stops.txt",
                "stop_id,stop_name\nP0,Zero\nP1,One\nP2,Two\nP3,Three\n".into(),
            ),
            ("routes.txt", "route_id,route_type\nR,3\n".into()),
            ("calendar.txt", calendar),
            ("calendar_dates.txt", dates),
            ("trips.txt", trips),
            ("stop_times.txt", times),
        ];
        let feed: Vec<(&str, &str)> = feed.iter().map(|(n, b)| (*n, b.as_str())).collect();
        let (t, _) = compile(&feed).unwrap();
        for _ in 0..60 {
            let day = days[rng.below(12) as usize];
            let from = day
                .at(0, 0, 0, 0)
                .to_zoned(zone.clone())
                .unwrap()
                .timestamp()
                .checked_add(jiff::SignedDuration::from_secs(rng.below(86_400) as i64))
                .unwrap();
            let stop = rng.below(4);
            let limit = 1 + rng.below(6) as usize;
            let mut expected: Vec<(Timestamp, String)> = Vec::new();
            for d in &days {
                let reference = d
                    .at(12, 0, 0, 0)
                    .to_zoned(zone.clone())
                    .unwrap()
                    .timestamp()
                    - jiff::SignedDuration::from_hours(12);
                for (trip, service, calls) in &plan {
                    if !runs(*service, *d) {
                        continue;
                    }
                    for (s, at, boardable) in calls {
                        let when = reference + jiff::SignedDuration::from_secs(*at);
                        if *s == stop && *boardable && when >= from {
                            expected.push((when, trip.clone()));
                        }
                    }
                }
            }
            expected.sort();
            expected.truncate(limit);
            let p = t.find_stop(&format!("P{stop}")).unwrap();
            let mut got: Vec<(Timestamp, String)> = t
                .departures(&[p], |_, _| true, from, limit)
                .iter()
                .map(|d| (d.at, t.trip_id(d.trip).to_string()))
                .collect();
            got.sort();
            assert_eq!(
                got, expected,
                "seed {seed}, stop P{stop}, from {from}, limit {limit}"
            );
        }
    }
}
