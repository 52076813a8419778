//! Opens a compiled index and times what the board asks of it: opening,
//! and "the next 20 departures at a place" (every place once, then again),
//! for `scripts/timetable-bench.sh`:
//!
//! ```text
//! cargo run --release --example timetable_query -- ~/.local/share/quai/ginko/timetable.idx
//! ```

use std::time::Instant;

use quai::timetable::Timetable;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: timetable_query INDEX")?;
    let path = std::path::Path::new(&path);
    let opens = 20;
    let started = Instant::now();
    let mut table = None;
    for _ in 0..opens {
        table = Some(Timetable::open(path)?);
    }
    let open_us = started.elapsed().as_secs_f64() * 1e6 / f64::from(opens);
    let table = table.ok_or("no index")?;
    let places = u32::try_from(table.place_count())?;
    let from = "2026-12-02T08:00:00+01:00[Europe/Paris]"
        .parse::<jiff::Zoned>()?
        .timestamp();
    let mut stops = Vec::new();
    let mut found = 0usize;
    let rounds = 3;
    let started = Instant::now();
    for _ in 0..rounds {
        for p in 0..places {
            stops.clear();
            stops.extend(table.place_stops(p));
            found += table.departures(&stops, |_, _| true, from, 20).len();
        }
    }
    let queries = f64::from(places) * f64::from(rounds);
    let query_us = started.elapsed().as_secs_f64() * 1e6 / queries.max(1.0);
    println!(
        "index {:.1} MB · open {open_us:.0} µs · next 20 at a place {query_us:.1} µs (mean of {queries} queries, {:.1} departures each)",
        table.size() as f64 / 1e6,
        found as f64 / queries.max(1.0)
    );
    Ok(())
}
