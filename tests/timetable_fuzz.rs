//! Property-based fuzzing of the GTFS compile: a small valid feed whose
//! tables are mutated byte by byte (flips, cuts, quotes, line breaks,
//! runs of spaces or commas, invalid UTF-8…), and whose zip itself is
//! mutated. Nothing may panic; a feed that compiles gives an index that
//! opens and answers, and no more departures than it has stop times.
//!
//! `cargo test` runs a few cases (`PROPTEST_CASES`, 64 by default here);
//! `scripts/fuzz.sh SECONDS` runs many more for a bounded time. A failing
//! case is saved by proptest in `tests/timetable_fuzz.proptest-regressions`
//! and replayed by every later run: commit it with the fix.

#[path = "support/mutate.rs"]
mod mutate;

use mutate::{Edit, apply};
use proptest::prelude::*;
use quai::timetable::feed::{compile_in_memory, zip_tables};

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

const TABLES: [(&str, &str); 7] = [
    (
        "agency.txt",
        "agency_name,agency_url,agency_timezone\nA,https://x,Europe/Paris\n",
    ),
    (
        "stops.txt",
        "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n\
         st_a,Alpha,47.1,6.1,1,\nA1,Alpha,47.1,6.1,0,st_a\nA2,\"Alpha, quai 2\",47.1,6.1,0,st_a\n\
         B,Bravo,47.2,6.2,0,\n",
    ),
    (
        "routes.txt",
        "route_id,route_short_name,route_long_name,route_type,route_color\n101,T1,Tram,0,FF0000\n",
    ),
    (
        "calendar.txt",
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
         ALL,1,1,1,1,1,1,1,20260101,20301231\n",
    ),
    (
        "calendar_dates.txt",
        "service_id,date,exception_type\nALL,20261225,2\n",
    ),
    (
        "trips.txt",
        "route_id,service_id,trip_id,trip_headsign,direction_id\n\
         101,ALL,m1,Bravo,0\n101,ALL,m2,Alpha,1\n",
    ),
    (
        "stop_times.txt",
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,stop_headsign\n\
         m1,08:00:00,08:00:00,A1,1,0,\nm1,08:10:00,08:10:00,B,2,0,\n\
         m2,08:20:00,08:20:00,B,1,0,Alpha\nm2,25:30:00,25:30:00,A2,2,0,\nm2,25:31:00,25:31:00,B,3,1,\n",
    ),
];

/// Edits with this format's own tokens.
fn edit() -> impl Strategy<Value = Edit> {
    mutate::edit_or_repeat(
        vec![
            b"\"",
            b"\"\"",
            b",",
            b"\n",
            b"\r",
            b"\r\n",
            b"\xef\xbb\xbf",
            b"\xff\xfe",
            b"\xc3",
            b"\x00",
            b"99:99:99",
            b"-1",
            b"4294967295",
            b"18446744073709551616",
            b"1e999",
            b"NaN",
            b"00000000",
            b"\x1b[2J",
            b"m1",
            b"A1",
        ],
        vec![b' ', b',', b'"', b'\n', b'x'],
    )
}

/// Compiles `zip`; when it compiles, the index answers.
fn compile_and_ask(zip: &[u8], stop_time_rows: u64) {
    let Ok((table, summary)) = compile_in_memory(zip) else {
        return;
    };
    assert!(summary.counts.departures <= stop_time_rows, "{summary:?}");
    assert_eq!(table.departure_count() as u64, summary.counts.departures);
    let _ = table.validity();
    let _ = table.zone_name();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn mutated_tables_never_panic(
        at in 0..TABLES.len(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let mutated = apply(TABLES[at].1.as_bytes().to_vec(), &edits);
        let tables: Vec<(&str, &[u8])> = TABLES
            .iter()
            .enumerate()
            .map(|(i, (name, body))| {
                (*name, if i == at { mutated.as_slice() } else { body.as_bytes() })
            })
            .collect();
        let zip = zip_tables(&tables).unwrap();
        // Every line break may start a row.
        let rows = tables
            .iter()
            .find(|(n, _)| *n == "stop_times.txt")
            .map_or(0, |(_, b)| b.iter().filter(|&&c| c == b'\n' || c == b'\r').count() as u64 + 1);
        compile_and_ask(&zip, rows);
    }

    #[test]
    fn a_mutated_zip_never_panics(edits in proptest::collection::vec(edit(), 1..4)) {
        let tables: Vec<(&str, &[u8])> =
            TABLES.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
        let zip = apply(zip_tables(&tables).unwrap(), &edits);
        compile_and_ask(&zip, 5);
    }
}
