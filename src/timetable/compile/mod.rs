//! The feed compiled into the index, streaming: each table is read row by
//! row out of the zip; stop times become 16-byte events (stop, route and
//! direction in one sort key, time, trip), sorted once and written as
//! 8-byte entries; each trip's stops become a shared stop pattern, a
//! shared timing profile and a first time. No table is ever held as
//! objects.
//!
//! - [`zip`]: the zip's tables by name, and the rows skipped;
//! - [`tables`]: the small tables (agency, stops, routes, calendars,
//!   trips, frequencies);
//! - [`stop_times`]: the large one, into events; frequencies run;
//! - [`patterns`]: each trip's stops, kept compactly;
//! - [`services`], [`groups`], [`places`]: what the index is asked by;
//! - [`strings`]: the strings, each kept once;
//! - [`write`]: the index written section by section.

mod groups;
mod patterns;
mod places;
mod services;
mod stop_times;
mod strings;
mod tables;
mod write;
mod zip;

use std::io::{Read, Seek, Write};

use super::CompileError;
use super::index::{self, NONE, TIME_MASK};
use groups::{groups_of, headsigns_of};
use places::Places;
use services::Services;
use stop_times::{StopTimes, run_frequencies};
use strings::{Strings, string};
use tables::Tables;
use write::Index;
use zip::{Feed, Skips};

/// What a stop time costs at least in the file, to reserve the events
/// once (untouched capacity costs no memory).
const MIN_STOP_TIME_BYTES: u64 = 64;
/// More departures than this is not a timetable but an attack (IDFM's
/// whole region has 13 M).
const MAX_EVENTS: usize = 150_000_000;
/// Runs of one frequencies row, at most (every 10 s for a day is 8,640).
const MAX_RUNS_PER_FREQUENCY: u32 = 20_000;

/// What the feed held, and what was skipped.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub time_zone: String,
    /// First and last service day (YYYY-MM-DD), when any runs.
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub counts: Counts,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    pub stops: u64,
    pub places: u64,
    pub routes: u64,
    pub trips: u64,
    pub departures: u64,
}

/// Rows of one file left out, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Skipped {
    pub file: String,
    pub rows: u64,
    pub reason: String,
    /// The first such row's line.
    pub first_line: u64,
}

/// How far the compilation is (bytes of stop_times.txt read, of total).
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// What an index holds beyond the departures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Each trip's stops in order, with their sequence and time: what live
    /// trip updates (GTFS-Realtime) are applied to, where a trip goes and
    /// when it gets there. Kept by default: trips share their stop
    /// patterns and timing profiles, so it costs 12 bytes a trip.
    pub trip_stops: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { trip_stops: true }
    }
}

/// Compiles a GTFS zip into an index written to `out`.
pub fn compile<R: Read + Seek, W: Write + Seek>(
    reader: R,
    out: W,
    progress: Progress<'_>,
) -> Result<Summary, CompileError> {
    compile_with(reader, out, progress, Options::default())
}

/// Compiles a GTFS zip into an index written to `out`, with `options`:
/// the tables are read in order (each one refers to those before it), the
/// departures sorted, the services, groups and places built, then the
/// sections written.
pub fn compile_with<R: Read + Seek, W: Write + Seek>(
    reader: R,
    out: W,
    progress: Progress<'_>,
    options: Options,
) -> Result<Summary, CompileError> {
    let mut tables = Tables {
        feed: Feed::open(reader)?,
        strings: Strings::new(),
        skips: Skips::default(),
    };
    let time_zone = tables.agency()?;
    let (stops, stop_ids) = tables.stops()?;
    let (routes, route_ids) = tables.routes()?;
    let mut calendars = tables.calendars()?;
    let (trips, trip_ids) = tables.trips(&route_ids, &mut calendars)?;
    let frequencies = tables.frequencies(&trip_ids)?;
    let times = tables.stop_times(&trips, &trip_ids, &stop_ids, options, progress)?;
    drop(trip_ids);
    drop(stop_ids);
    let Tables {
        mut strings, skips, ..
    } = tables;

    let StopTimes {
        mut events,
        first_time,
        headsign_at,
        patterns,
    } = times;
    run_frequencies(&mut events, frequencies, &first_time)?;
    events.retain(|e| e.time != NONE);
    events.sort_unstable_by_key(|e| (e.key, e.time & TIME_MASK, e.trip));

    let services = Services::of(&calendars);
    let (groups, stop_groups) = groups_of(&events, stops.len());
    let headsigns = headsigns_of(&events, headsign_at);
    let places = Places::of(&stops, &strings);

    let by_id = |ids: Vec<u32>| -> Vec<u32> {
        let mut order: Vec<u32> = (0..u32::try_from(ids.len()).unwrap_or(NONE)).collect();
        order.sort_by(|&a, &b| {
            string(&strings, ids[a as usize]).cmp(string(&strings, ids[b as usize]))
        });
        order
    };
    let stops_by_id = by_id(places.stop_rows.iter().map(|s| s[0]).collect());
    let routes_by_id = by_id(routes.iter().map(|r| r[0]).collect());
    let trip_rows: Vec<[u32; 5]> = trips
        .iter()
        .map(|t| [t.id, t.route, t.service, t.headsign, t.direction])
        .collect();
    let zone = strings.intern(&time_zone);

    let summary = Summary {
        time_zone,
        first_day: services
            .first_run
            .map(|d| super::table::date_of(d).to_string()),
        last_day: services
            .last_run
            .map(|d| super::table::date_of(d).to_string()),
        counts: Counts {
            stops: stops.iter().filter(|s| !s.station).count() as u64,
            places: places.count as u64,
            routes: routes.len() as u64,
            trips: trips.len() as u64,
            departures: events.len() as u64,
        },
        skipped: skips.0,
    };
    let meta: Vec<u32> = vec![
        index::VERSION,
        zone,
        services.first_run.map_or(NONE, |d| d as u32),
        services.last_run.map_or(NONE, |d| d as u32),
    ];
    let index = Index {
        meta,
        strings,
        stop_groups,
        stops_by_id,
        routes,
        routes_by_id,
        trip_rows,
        services,
        groups,
        events,
        headsigns,
        places,
        patterns,
    };
    index.write(out)?;
    Ok(summary)
}
