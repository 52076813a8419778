//! Opens a compiled index and times what the board asks of it: opening,
//! "the next 20 departures at a place" (every place once, then again), and
//! "which trips from A reach B in the next hour" (B a place a trip from A
//! calls at later), for `scripts/timetable-bench.sh`:
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
    reach(&table, from)
}

/// Times "the trips from A that reach B in the next hour" for pairs of
/// places, B being where a trip leaving A calls five stops later.
fn reach(table: &Timetable, from: jiff::Timestamp) -> Result<(), Box<dyn std::error::Error>> {
    let places = u32::try_from(table.place_count())?;
    let step = (places / 2_000).max(1);
    let mut pairs: Vec<(Vec<u32>, Vec<u32>)> = Vec::new();
    for p in (0..places).step_by(step as usize) {
        let stops: Vec<u32> = table.place_stops(p).collect();
        let Some(first) = table
            .departures(&stops, |_, _| true, from, 1)
            .first()
            .copied()
        else {
            continue;
        };
        let calls: Vec<_> = table.trip_stops(first.trip).collect();
        let Some(at) = calls.iter().position(|c| c.stop == first.stop) else {
            continue;
        };
        let Some(place) = calls
            .get((at + 5).min(calls.len() - 1))
            .and_then(|c| table.stop_place(c.stop))
        else {
            continue;
        };
        pairs.push((stops, table.place_stops(place).collect()));
    }
    let hour = jiff::SignedDuration::from_hours(1);
    let mut found = 0usize;
    // Once cold (the pages of the mapped index read for the first time),
    // then again.
    let mut rounds: Vec<Vec<f64>> = Vec::new();
    for _ in 0..2 {
        let mut times: Vec<f64> = Vec::with_capacity(pairs.len());
        found = 0;
        for (a, b) in &pairs {
            let one = Instant::now();
            found += table.reaching(a, b, from, hour).len();
            times.push(one.elapsed().as_secs_f64() * 1e6);
        }
        times.sort_by(f64::total_cmp);
        rounds.push(times);
    }
    let n = pairs.len().max(1);
    let said = |times: &[f64]| {
        let mean = times.iter().sum::<f64>() / n as f64;
        let p99 = times.get(n * 99 / 100).copied().unwrap_or(0.0);
        let max = times.last().copied().unwrap_or(0.0);
        format!("mean {mean:.1} µs, 99th percentile {p99:.0} µs, slowest {max:.0} µs")
    };
    println!(
        "trips from A reaching B in the next hour: cold {}; warm {} ({} pairs, {:.1} trips each)",
        said(&rounds[0]),
        said(&rounds[1]),
        pairs.len(),
        found as f64 / n as f64
    );
    Ok(())
}
