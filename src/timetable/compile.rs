//! The feed compiled into the index, streaming: each table is read row by
//! row out of the zip; stop times become 16-byte events (stop, route and
//! direction in one sort key, time, trip), sorted once and written as
//! 8-byte entries. No table is ever held as objects.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::{Read, Seek, Write};
use std::rc::Rc;

use super::CompileError;
use super::index::{self, APPROXIMATE, NONE, Section, TIME_MASK};
use super::table::{Table, parse_date, parse_time};

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

/// Strings of the index, each kept once.
#[derive(Default)]
struct Strings {
    map: HashMap<Box<str>, u32>,
    bytes: Vec<u8>,
    spans: Vec<u32>,
}

impl Strings {
    fn new() -> Strings {
        let mut s = Strings::default();
        s.intern("");
        s
    }

    fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.map.get(text) {
            return id;
        }
        let id = self.push_unique(text);
        self.map.insert(text.into(), id);
        id
    }

    /// A string known to be new (trip ids): not remembered for reuse.
    fn push_unique(&mut self, text: &str) -> u32 {
        let id = u32::try_from(self.spans.len() / 2).unwrap_or(NONE);
        self.spans
            .push(u32::try_from(self.bytes.len()).unwrap_or(NONE));
        self.spans.push(u32::try_from(text.len()).unwrap_or(0));
        self.bytes.extend_from_slice(text.as_bytes());
        id
    }
}

struct StopRec {
    id: u32,
    name: u32,
    lat: f32,
    lon: f32,
    station: bool,
    parent: Option<String>,
}

struct TripRec {
    id: u32,
    route: u32,
    service: u32,
    headsign: u32,
    direction: u32,
}

/// One departure of a trip at a stop, while compiling.
#[derive(Clone, Copy)]
struct Event {
    /// stop << 32 | route << 2 | direction: the group, then the order.
    key: u64,
    time: u32,
    trip: u32,
}

struct Feed<R: Read + Seek> {
    zip: zip::ZipArchive<R>,
    /// A table's name (without any folder) and its entry.
    names: HashMap<String, usize>,
    /// Bytes read out of the table being read, for the progress bar.
    read: Rc<Cell<u64>>,
}

/// A reader that counts what passes.
struct Counting<R> {
    inner: R,
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

impl<R: Read + Seek> Feed<R> {
    fn open(reader: R) -> Result<Feed<R>, CompileError> {
        let mut zip = zip::ZipArchive::new(reader).map_err(|e| CompileError::Zip(e.to_string()))?;
        let mut names = HashMap::new();
        for i in 0..zip.len() {
            let name = zip
                .by_index_raw(i)
                .and_then(|f| f.name().map(|n| n.to_string()))
                .map_err(|e| CompileError::Zip(e.to_string()))?;
            // Some feeds keep their tables in a folder.
            let base = name.rsplit('/').next().unwrap_or(&name).to_string();
            names.entry(base).or_insert(i);
        }
        Ok(Feed {
            zip,
            names,
            read: Rc::new(Cell::new(0)),
        })
    }

    fn has(&mut self, file: &str) -> bool {
        // An empty optional table is as good as none.
        self.names.contains_key(file) && self.size(file) > 3
    }

    fn table(
        &mut self,
        file: &'static str,
        required: &[&str],
        optional: &[&str],
    ) -> Result<Table<Counting<zip::read::ZipFile<'_, R>>>, CompileError> {
        let at = *self
            .names
            .get(file)
            .ok_or(CompileError::MissingFile { file })?;
        let entry = self.zip.by_index(at).map_err(|e| CompileError::Read {
            file,
            detail: e.to_string(),
        })?;
        self.read.set(0);
        let counting = Counting {
            inner: entry,
            read: Rc::clone(&self.read),
        };
        Table::new(file, counting, required, optional)
    }

    fn size(&mut self, file: &str) -> u64 {
        self.names
            .get(file)
            .and_then(|&at| self.zip.by_index_raw(at).ok().map(|f| f.size()))
            .unwrap_or(0)
    }
}

/// Counts skipped rows per reason.
#[derive(Default)]
struct Skips(Vec<Skipped>);

impl Skips {
    fn add(&mut self, file: &str, reason: &str, line: u64) {
        if let Some(s) = self
            .0
            .iter_mut()
            .find(|s| s.file == file && s.reason == reason)
        {
            s.rows += 1;
        } else {
            self.0.push(Skipped {
                file: file.into(),
                rows: 1,
                reason: reason.into(),
                first_line: line,
            });
        }
    }

    fn malformed<R: Read>(&mut self, table: &Table<R>) {
        if let Some(line) = table.first_malformed {
            self.0.push(Skipped {
                file: table.file().into(),
                rows: table.malformed,
                reason: "malformed".into(),
                first_line: line,
            });
        }
    }
}

/// What an index holds beyond the departures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Each trip's stops in order, with their sequence and time: what live
    /// trip updates (GTFS-Realtime) are applied to. 12 bytes per stop time,
    /// so only for networks that have such a feed.
    pub trip_stops: bool,
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
        mut trip_stops,
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
    let trip_spans = trip_spans_of(&mut trip_stops, trips.len(), options);

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
        trip_stops,
        trip_spans,
    };
    index.write(out)?;
    Ok(summary)
}

/// The feed being read, and what its tables add to the index's strings
/// and to the rows skipped.
struct Tables<R: Read + Seek> {
    feed: Feed<R>,
    strings: Strings,
    skips: Skips,
}

/// What stop_times.txt gives.
struct StopTimes {
    /// Where a trip can be boarded (a trip's last stop is not).
    events: Vec<Event>,
    /// Each trip's first time (frequencies run the trip from it).
    first_time: Vec<u32>,
    /// (trip, stop, headsign) where a stop_headsign differs from the trip's.
    headsign_at: Vec<(u32, u32, u32)>,
    /// (trip, sequence, stop, time) of every timed stop time, when asked.
    trip_stops: Vec<[u32; 4]>,
}

/// The services of calendar.txt and calendar_dates.txt, as read.
#[derive(Default)]
struct Calendars {
    ids: HashMap<String, u32>,
    /// (service, start, end, weekday mask).
    ranges: Vec<(u32, i32, i32, u8)>,
    /// (service, day, added), in the file's order.
    exceptions: Vec<(u32, i32, bool)>,
}

impl Calendars {
    /// A service's number, given on first sight.
    fn service(&mut self, id: &str) -> u32 {
        let next = u32::try_from(self.ids.len()).unwrap_or(NONE);
        *self.ids.entry(id.to_string()).or_insert(next)
    }
}

/// A route's row: id, short and long names, type, colour, text colour.
type Route = [u32; 6];

/// Stops' or trips' numbers by their id.
type Ids = HashMap<Box<[u8]>, u32>;

/// A frequencies.txt row: trip, start, end, headway, exact times.
type Frequency = (u32, u32, u32, u32, bool);

impl<R: Read + Seek> Tables<R> {
    /// agency.txt: the time zone every time is counted in.
    fn agency(&mut self) -> Result<String, CompileError> {
        let mut t = self.feed.table("agency.txt", &["agency_timezone"], &[])?;
        let mut zone = None;
        while let Some(row) = t.next_row()? {
            if let Some(z) = row.get(0) {
                zone = Some(z.to_string());
                break;
            }
        }
        let zone = zone.ok_or(CompileError::Bad {
            file: "agency.txt",
            line: 2,
            detail: "no agency_timezone".into(),
        })?;
        if jiff::tz::TimeZone::get(&zone).is_err() {
            return Err(CompileError::Bad {
                file: "agency.txt",
                line: 2,
                detail: format!("unknown time zone {zone:?}"),
            });
        }
        Ok(zone)
    }

    /// stops.txt: the stops and stations, and their numbers by id.
    fn stops(&mut self) -> Result<(Vec<StopRec>, Ids), CompileError> {
        let mut stops: Vec<StopRec> = Vec::new();
        let mut stop_ids = Ids::new();
        let mut t = self.feed.table(
            "stops.txt",
            &["stop_id"],
            &[
                "stop_name",
                "stop_lat",
                "stop_lon",
                "location_type",
                "parent_station",
            ],
        )?;
        while let Some(row) = t.next_row()? {
            let Some(id) = row.get(0) else {
                t.skip();
                continue;
            };
            let location = row.get(4).unwrap_or("0");
            // Entrances, nodes and boarding areas are not places to wait.
            if !matches!(location, "0" | "1") {
                continue;
            }
            if stop_ids.contains_key(id.as_bytes()) {
                self.skips.add("stops.txt", "duplicate stop_id", t.line());
                continue;
            }
            let rec = StopRec {
                id: self.strings.push_unique(id),
                name: self.strings.intern(row.get(1).unwrap_or("")),
                lat: row.get(2).and_then(|v| v.parse().ok()).unwrap_or(f32::NAN),
                lon: row.get(3).and_then(|v| v.parse().ok()).unwrap_or(f32::NAN),
                station: location == "1",
                parent: row.get(5).map(str::to_string),
            };
            let index = u32::try_from(stops.len()).unwrap_or(NONE);
            stop_ids.insert(id.as_bytes().into(), index);
            stops.push(rec);
        }
        self.skips.malformed(&t);
        Ok((stops, stop_ids))
    }

    /// routes.txt: the routes' rows, and their numbers by id.
    fn routes(&mut self) -> Result<(Vec<Route>, HashMap<String, u32>), CompileError> {
        let mut routes: Vec<Route> = Vec::new();
        let mut route_ids: HashMap<String, u32> = HashMap::new();
        let mut t = self.feed.table(
            "routes.txt",
            &["route_id"],
            &[
                "route_short_name",
                "route_long_name",
                "route_type",
                "route_color",
                "route_text_color",
            ],
        )?;
        while let Some(row) = t.next_row()? {
            let Some(id) = row.get(0) else {
                t.skip();
                continue;
            };
            if route_ids.contains_key(id) {
                self.skips.add("routes.txt", "duplicate route_id", t.line());
                continue;
            }
            let colour = |v: Option<&str>| {
                v.filter(|v| v.len() == 6)
                    .and_then(|v| u32::from_str_radix(v, 16).ok())
                    .unwrap_or(NONE)
            };
            let index = u32::try_from(routes.len()).unwrap_or(NONE);
            routes.push([
                self.strings.intern(id),
                self.strings.intern(row.get(1).unwrap_or("")),
                self.strings.intern(row.get(2).unwrap_or("")),
                row.get(3).and_then(|v| v.parse().ok()).unwrap_or(3),
                colour(row.get(4)),
                colour(row.get(5)),
            ]);
            route_ids.insert(id.to_string(), index);
        }
        self.skips.malformed(&t);
        Ok((routes, route_ids))
    }

    /// calendar.txt and calendar_dates.txt (one of them at least).
    fn calendars(&mut self) -> Result<Calendars, CompileError> {
        let mut calendars = Calendars::default();
        if !self.feed.has("calendar.txt") && !self.feed.has("calendar_dates.txt") {
            return Err(CompileError::MissingFile {
                file: "calendar.txt (or calendar_dates.txt)",
            });
        }
        if self.feed.has("calendar.txt") {
            self.calendar(&mut calendars)?;
        }
        if self.feed.has("calendar_dates.txt") {
            self.calendar_dates(&mut calendars)?;
        }
        Ok(calendars)
    }

    /// calendar.txt: each service's days of the week between two dates.
    fn calendar(&mut self, calendars: &mut Calendars) -> Result<(), CompileError> {
        let days = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ];
        let mut required = vec!["service_id", "start_date", "end_date"];
        required.extend(days);
        let mut t = self.feed.table("calendar.txt", &required, &[])?;
        while let Some(row) = t.next_row()? {
            let parsed = (|| {
                let id = row.get(0)?;
                let start = parse_date(row.get(1)?)?;
                let end = parse_date(row.get(2)?)?;
                let mut mask = 0u8;
                for d in 0..7 {
                    match row.get(3 + d)? {
                        "1" => mask |= 1 << d,
                        "0" => {}
                        _ => return None,
                    }
                }
                Some((id, start, end, mask))
            })();
            match parsed {
                Some((id, start, end, mask)) => {
                    let s = calendars.service(id);
                    calendars.ranges.push((s, start, end, mask));
                }
                None => t.skip(),
            }
        }
        self.skips.malformed(&t);
        Ok(())
    }

    /// calendar_dates.txt: days added to or removed from a service.
    fn calendar_dates(&mut self, calendars: &mut Calendars) -> Result<(), CompileError> {
        let mut t = self.feed.table(
            "calendar_dates.txt",
            &["service_id", "date", "exception_type"],
            &[],
        )?;
        while let Some(row) = t.next_row()? {
            let parsed = (|| {
                let id = row.get(0)?;
                let date = parse_date(row.get(1)?)?;
                let add = match row.get(2)? {
                    "1" => true,
                    "2" => false,
                    _ => return None,
                };
                Some((id, date, add))
            })();
            match parsed {
                Some((id, date, add)) => {
                    let s = calendars.service(id);
                    calendars.exceptions.push((s, date, add));
                }
                None => t.skip(),
            }
        }
        self.skips.malformed(&t);
        Ok(())
    }

    /// trips.txt: the trips of known routes, and their numbers by id.
    fn trips(
        &mut self,
        route_ids: &HashMap<String, u32>,
        calendars: &mut Calendars,
    ) -> Result<(Vec<TripRec>, Ids), CompileError> {
        let mut trips: Vec<TripRec> = Vec::new();
        let mut trip_ids = Ids::new();
        let mut t = self.feed.table(
            "trips.txt",
            &["route_id", "service_id", "trip_id"],
            &["trip_headsign", "direction_id"],
        )?;
        while let Some(row) = t.next_row()? {
            let (Some(route), Some(svc), Some(id)) = (row.get(0), row.get(1), row.get(2)) else {
                t.skip();
                continue;
            };
            let Some(&route) = route_ids.get(route) else {
                self.skips.add("trips.txt", "unknown route_id", t.line());
                continue;
            };
            if trip_ids.contains_key(id.as_bytes()) {
                self.skips.add("trips.txt", "duplicate trip_id", t.line());
                continue;
            }
            let direction = match row.get(4) {
                Some("0") => 0,
                Some("1") => 1,
                _ => 2,
            };
            let rec = TripRec {
                id: self.strings.push_unique(id),
                route,
                service: calendars.service(svc),
                headsign: self.strings.intern(row.get(3).unwrap_or("")),
                direction,
            };
            trip_ids.insert(
                id.as_bytes().into(),
                u32::try_from(trips.len()).unwrap_or(NONE),
            );
            trips.push(rec);
        }
        self.skips.malformed(&t);
        Ok((trips, trip_ids))
    }

    /// frequencies.txt, when there is one.
    fn frequencies(&mut self, trip_ids: &Ids) -> Result<Vec<Frequency>, CompileError> {
        let mut frequencies: Vec<Frequency> = Vec::new();
        if !self.feed.has("frequencies.txt") {
            return Ok(frequencies);
        }
        let mut t = self.feed.table(
            "frequencies.txt",
            &["trip_id", "start_time", "end_time", "headway_secs"],
            &["exact_times"],
        )?;
        while let Some(row) = t.next_row()? {
            let parsed = (|| {
                let trip = *trip_ids.get(row.get(0)?.as_bytes())?;
                let start = parse_time(row.get(1)?)?;
                let end = parse_time(row.get(2)?)?;
                let headway: u32 = row.get(3)?.parse().ok().filter(|h| *h > 0)?;
                Some((trip, start, end, headway, row.get(4) == Some("1")))
            })();
            match parsed {
                Some(f) => frequencies.push(f),
                None => t.skip(),
            }
        }
        self.skips.malformed(&t);
        Ok(frequencies)
    }

    /// stop_times.txt: the events, read row by row.
    fn stop_times(
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
            trip_stops: Vec::new(),
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
                event_at = times
                    .add(stop_time, rec, options)
                    .map_err(|()| too_many(t.line()))?;
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
    fn add(&mut self, s: StopTime, rec: &TripRec, options: Options) -> Result<u32, ()> {
        if options.trip_stops {
            if self.trip_stops.len() >= MAX_EVENTS {
                return Err(());
            }
            self.trip_stops
                .push([s.trip, s.sequence, s.stop, s.time & TIME_MASK]);
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
fn run_frequencies(
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

/// Service days: a rule per service (calendar.txt) and its exceptions
/// (calendar_dates.txt), which win; no day bitmap, so a calendar to 2099
/// costs nothing.
struct Services {
    /// Per service: start, end, weekday mask, first exception, exceptions.
    rules: Vec<[u32; 5]>,
    /// (day, added), by service then day.
    exception_rows: Vec<[u32; 2]>,
    /// The first and last days any service runs.
    first_run: Option<i32>,
    last_run: Option<i32>,
}

impl Services {
    fn of(calendars: &Calendars) -> Services {
        let mut rules: Vec<[u32; 5]> = vec![[0, 0, 0, 0, 0]; calendars.ids.len()];
        for &(s, start, end, mask) in &calendars.ranges {
            if let Some(rule) = rules.get_mut(s as usize) {
                rule[0] = start as u32;
                rule[1] = end as u32;
                rule[2] = u32::from(mask);
            }
        }
        // Each service's exceptions by day; a later row for the same day wins.
        let mut exceptions: Vec<(u32, i32, usize, bool)> = calendars
            .exceptions
            .iter()
            .enumerate()
            .map(|(i, &(s, day, add))| (s, day, i, add))
            .collect();
        exceptions.sort_unstable_by_key(|e| (e.0, e.1, e.2));
        exceptions.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0 && later.1 == earlier.1;
            if same {
                *earlier = *later;
            }
            same
        });
        let mut exception_rows: Vec<[u32; 2]> = Vec::with_capacity(exceptions.len());
        for (s, day, _, add) in &exceptions {
            if let Some(rule) = rules.get_mut(*s as usize) {
                if rule[4] == 0 {
                    rule[3] = u32::try_from(exception_rows.len()).unwrap_or(NONE);
                }
                rule[4] += 1;
            }
            exception_rows.push([*day as u32, u32::from(*add)]);
        }
        let mut services = Services {
            rules,
            exception_rows,
            first_run: None,
            last_run: None,
        };
        services.find_first_and_last_days();
        services
    }

    /// Whether service `s` runs on `day`.
    fn runs(&self, s: usize, day: i32) -> bool {
        let rule = self.rules[s];
        let mine = &self.exception_rows[rule[3] as usize..(rule[3] + rule[4]) as usize];
        if let Ok(at) = mine.binary_search_by_key(&day, |e| e[0] as i32) {
            return mine[at][1] == 1;
        }
        ((rule[0] as i32)..=(rule[1] as i32)).contains(&day)
            && rule[2] & (1 << index::weekday(day)) != 0
    }

    /// The first and last service days: added days, and each calendar's
    /// first and last matching days (a year at most from its ends).
    fn find_first_and_last_days(&mut self) {
        let mut first_run: Option<i32> = None;
        let mut last_run: Option<i32> = None;
        let mut note = |day: i32| {
            first_run = Some(first_run.map_or(day, |d| d.min(day)));
            last_run = Some(last_run.map_or(day, |d| d.max(day)));
        };
        for (s, &rule) in self.rules.iter().enumerate() {
            for e in &self.exception_rows[rule[3] as usize..(rule[3] + rule[4]) as usize] {
                if e[1] == 1 {
                    note(e[0] as i32);
                }
            }
            if rule[2] != 0 {
                let (start, end) = (rule[0] as i32, rule[1] as i32);
                if let Some(d) = (start..=end.min(start + 400)).find(|&d| self.runs(s, d)) {
                    note(d);
                }
                if let Some(d) = ((end - 400).max(start)..=end)
                    .rev()
                    .find(|&d| self.runs(s, d))
                {
                    note(d);
                }
            }
        }
        self.first_run = first_run;
        self.last_run = last_run;
    }
}

/// Groups: one per (stop, route, direction), of events sorted by time;
/// and each stop's groups.
fn groups_of(events: &[Event], stops: usize) -> (Vec<[u32; 5]>, Vec<[u32; 2]>) {
    let mut groups: Vec<[u32; 5]> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(NONE);
        match groups.last_mut() {
            Some(g) if key_of(g) == e.key => g[4] += 1,
            _ => groups.push([
                (e.key >> 32) as u32,
                ((e.key as u32) >> 2),
                (e.key as u32) & 3,
                i,
                1,
            ]),
        }
    }
    let mut stop_groups = vec![[0u32, 0u32]; stops];
    for (g, group) in groups.iter().enumerate() {
        if let Some(slot) = stop_groups.get_mut(group[0] as usize) {
            if slot[1] == 0 {
                slot[0] = u32::try_from(g).unwrap_or(NONE);
            }
            slot[1] += 1;
        }
    }
    (groups, stop_groups)
}

/// The events whose headsign is not their trip's: (event, headsign).
fn headsigns_of(events: &[Event], mut headsign_at: Vec<(u32, u32, u32)>) -> Vec<[u32; 2]> {
    let mut headsigns: Vec<[u32; 2]> = Vec::new();
    if !headsign_at.is_empty() {
        headsign_at.sort_unstable();
        headsign_at.dedup_by_key(|h| (h.0, h.1));
        for (i, e) in events.iter().enumerate() {
            let key = (e.trip, (e.key >> 32) as u32);
            if let Ok(at) = headsign_at.binary_search_by_key(&key, |h| (h.0, h.1)) {
                headsigns.push([u32::try_from(i).unwrap_or(NONE), headsign_at[at].2]);
            }
        }
    }
    headsigns
}

/// Places: a station and its stops, or same-name stops without one; and
/// the stops' rows, which name their place.
struct Places {
    stop_rows: Vec<[u32; 6]>,
    place_rows: Vec<[u32; 6]>,
    members: Vec<u32>,
    count: usize,
}

impl Places {
    fn of(stops: &[StopRec], strings: &Strings) -> Places {
        let station_of: HashMap<&str, u32> = stops
            .iter()
            .enumerate()
            .filter(|(_, s)| s.station)
            .map(|(i, s)| (string(strings, s.id), u32::try_from(i).unwrap_or(NONE)))
            .collect();
        let mut place_of_station: HashMap<u32, u32> = HashMap::new();
        // Same-named stops (names compared without case, accents or
        // spaces) are one place when close, several when far apart.
        let mut places_named: HashMap<String, Vec<u32>> = HashMap::new();
        let mut places: Vec<(u32, u32, Vec<u32>)> = Vec::new(); // id, name, members
        let mut stop_place = vec![NONE; stops.len()];
        for (i, s) in stops.iter().enumerate() {
            if s.station {
                continue;
            }
            let i32_ = u32::try_from(i).unwrap_or(NONE);
            let station = s.parent.as_deref().and_then(|p| station_of.get(p)).copied();
            let place = match station {
                Some(st) => *place_of_station.entry(st).or_insert_with(|| {
                    let station = &stops[st as usize];
                    places.push((station.id, station.name, Vec::new()));
                    u32::try_from(places.len() - 1).unwrap_or(NONE)
                }),
                None => {
                    let named = places_named
                        .entry(crate::names::fold(string(strings, s.name)))
                        .or_default();
                    let near = named.iter().copied().find(|&p| {
                        places.get(p as usize).is_some_and(|(_, _, members)| {
                            members.iter().any(|&m| close(&stops[m as usize], s))
                        })
                    });
                    near.unwrap_or_else(|| {
                        places.push((s.id, s.name, Vec::new()));
                        let p = u32::try_from(places.len() - 1).unwrap_or(NONE);
                        named.push(p);
                        p
                    })
                }
            };
            if let Some(p) = places.get_mut(place as usize) {
                p.2.push(i32_);
            }
            stop_place[i] = place;
        }
        let mut stop_rows: Vec<[u32; 6]> = Vec::with_capacity(stops.len());
        for (i, s) in stops.iter().enumerate() {
            let parent = s
                .parent
                .as_deref()
                .and_then(|p| station_of.get(p))
                .copied()
                .unwrap_or(NONE);
            stop_rows.push([
                s.id,
                s.name,
                parent,
                s.lat.to_bits(),
                s.lon.to_bits(),
                stop_place[i],
            ]);
        }
        let mut place_rows: Vec<[u32; 6]> = Vec::with_capacity(places.len());
        let mut members: Vec<u32> = Vec::new();
        for (id, name, list) in &places {
            let station = station_of
                .get(string(strings, *id))
                .map(|&s| &stops[s as usize]);
            let (lat, lon) = position(station, list, stops);
            place_rows.push([
                *id,
                *name,
                u32::try_from(members.len()).unwrap_or(NONE),
                u32::try_from(list.len()).unwrap_or(NONE),
                lat.to_bits(),
                lon.to_bits(),
            ]);
            members.extend(list);
        }
        Places {
            stop_rows,
            place_rows,
            members,
            count: places.len(),
        }
    }
}

/// How far apart two stops of the same name may be and still be one
/// place (as the IDFM matching does).
const SAME_PLACE_M: f64 = 300.0;

/// Two stops close enough to be one place; a stop without a position is
/// close to any (there is nothing to tell them apart).
fn close(a: &StopRec, b: &StopRec) -> bool {
    let at = |s: &StopRec| {
        (s.lat.is_finite() && s.lon.is_finite()).then(|| crate::domain::Position {
            lat: f64::from(s.lat),
            lon: f64::from(s.lon),
        })
    };
    match (at(a), at(b)) {
        (Some(a), Some(b)) => a.distance_m(b) <= SAME_PLACE_M,
        _ => true,
    }
}

/// A place's position: its station's, or the mean of its stops' known
/// positions.
fn position(station: Option<&StopRec>, members: &[u32], stops: &[StopRec]) -> (f32, f32) {
    if let Some(s) = station.filter(|s| s.lat.is_finite() && s.lon.is_finite()) {
        return (s.lat, s.lon);
    }
    let known: Vec<&StopRec> = members
        .iter()
        .map(|&m| &stops[m as usize])
        .filter(|s| s.lat.is_finite() && s.lon.is_finite())
        .collect();
    let n = known.len().max(1) as f32;
    if known.is_empty() {
        (f32::NAN, f32::NAN)
    } else {
        (
            known.iter().map(|s| s.lat).sum::<f32>() / n,
            known.iter().map(|s| s.lon).sum::<f32>() / n,
        )
    }
}

/// Sorts each trip's stops by sequence (one per sequence); where each
/// trip's start, when the index keeps them.
fn trip_spans_of(trip_stops: &mut Vec<[u32; 4]>, trips: usize, options: Options) -> Vec<[u32; 2]> {
    trip_stops.sort_unstable();
    trip_stops.dedup_by_key(|t| (t[0], t[1]));
    let mut trip_spans: Vec<[u32; 2]> = if options.trip_stops {
        vec![[0, 0]; trips]
    } else {
        Vec::new()
    };
    for (i, t) in trip_stops.iter().enumerate() {
        if let Some(span) = trip_spans.get_mut(t[0] as usize) {
            if span[1] == 0 {
                span[0] = u32::try_from(i).unwrap_or(NONE);
            }
            span[1] += 1;
        }
    }
    trip_spans
}

/// Everything the index holds, ready to write.
struct Index {
    meta: Vec<u32>,
    strings: Strings,
    stop_groups: Vec<[u32; 2]>,
    stops_by_id: Vec<u32>,
    routes: Vec<Route>,
    routes_by_id: Vec<u32>,
    trip_rows: Vec<[u32; 5]>,
    services: Services,
    groups: Vec<[u32; 5]>,
    events: Vec<Event>,
    headsigns: Vec<[u32; 2]>,
    places: Places,
    trip_stops: Vec<[u32; 4]>,
    trip_spans: Vec<[u32; 2]>,
}

impl Index {
    /// Writes the sections in their order.
    fn write<W: Write + Seek>(&self, out: W) -> Result<(), CompileError> {
        let mut w = index::Writer::new(out);
        w.words(Section::Meta, &self.meta)?;
        w.bytes(Section::Strings, &self.strings.bytes)?;
        w.words(Section::StringSpans, &self.strings.spans)?;
        w.rows(Section::Stops, &self.places.stop_rows)?;
        w.rows(Section::StopGroups, &self.stop_groups)?;
        w.words(Section::StopsById, &self.stops_by_id)?;
        w.rows(Section::Routes, &self.routes)?;
        w.words(Section::RoutesById, &self.routes_by_id)?;
        w.rows(Section::Trips, &self.trip_rows)?;
        w.rows(Section::Services, &self.services.rules)?;
        w.rows(Section::Groups, &self.groups)?;
        w.events(
            Section::Events,
            self.events.iter().map(|e| [e.time, e.trip]),
            self.events.len(),
        )?;
        w.rows(Section::Headsigns, &self.headsigns)?;
        w.rows(Section::Places, &self.places.place_rows)?;
        w.words(Section::Members, &self.places.members)?;
        w.rows(Section::Exceptions, &self.services.exception_rows)?;
        w.events(
            Section::TripStops,
            self.trip_stops.iter().map(|t| [t[1], t[2], t[3]]),
            self.trip_stops.len(),
        )?;
        w.rows(Section::TripSpans, &self.trip_spans)?;
        w.finish()?;
        Ok(())
    }
}

fn too_many(line: u64) -> CompileError {
    CompileError::Bad {
        file: "stop_times.txt",
        line,
        detail: format!("more than {MAX_EVENTS} departures"),
    }
}

fn key_of(g: &[u32; 5]) -> u64 {
    (u64::from(g[0]) << 32) | u64::from(g[1] << 2 | g[2])
}

fn string(strings: &Strings, id: u32) -> &str {
    let at = id as usize * 2;
    let (Some(&start), Some(&len)) = (strings.spans.get(at), strings.spans.get(at + 1)) else {
        return "";
    };
    strings
        .bytes
        .get(start as usize..(start + len) as usize)
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("")
}
