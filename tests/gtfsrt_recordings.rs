//! Real recordings: Caltrain's and BART's GTFS with trip updates recorded
//! from their live feeds (`../shared/reference/samples/gtfs-rt`, see its
//! `sources.md`), served on 127.0.0.1 and read with quai's clock set to the
//! recording's time (`--at`). These tests read `../shared`: when it is
//! absent (a fresh clone) they say so and pass without checking anything.
//!
//! Every board cell is checked against a recomputation made here, from the
//! protobuf (decoded by messages declared here, not quai's) and the GTFS
//! files: the trip is found by its line, stop and timetable time; its
//! expected time is the GTFS-Realtime reference's (an update at the stop:
//! its departure's `time`, else its `delay`, else the arrival's; before it,
//! the latest earlier update's delay carried on; none: the timetable's).
//! A stop update is placed by its `stop_id` when the trip calls there once,
//! never at the stop its `stop_sequence` would name instead.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use prost::Message;

mod support;
use support::{run, text};

/// The recordings, when `../shared` is beside the project.
fn samples() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/samples/gtfs-rt");
    if dir.join("sources.md").exists() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: {} is absent (it holds the real recordings)",
            dir.display()
        );
        None
    }
}

// The GTFS-Realtime messages this test reads (tags from the official
// gtfs-realtime.proto).
#[derive(Clone, PartialEq, prost::Message)]
struct Feed {
    #[prost(message, optional, tag = "1")]
    header: Option<Header>,
    #[prost(message, repeated, tag = "2")]
    entity: Vec<Entity>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct Header {
    #[prost(uint64, optional, tag = "3")]
    timestamp: Option<u64>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct Entity {
    #[prost(message, optional, tag = "3")]
    trip_update: Option<TripUpdate>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct TripUpdate {
    #[prost(message, optional, tag = "1")]
    trip: Option<Trip>,
    #[prost(message, repeated, tag = "2")]
    stop_time_update: Vec<StopUpdate>,
    #[prost(int32, optional, tag = "5")]
    delay: Option<i32>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct Trip {
    #[prost(string, optional, tag = "1")]
    trip_id: Option<String>,
    #[prost(string, optional, tag = "3")]
    start_date: Option<String>,
    #[prost(int32, optional, tag = "4")]
    schedule_relationship: Option<i32>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct StopUpdate {
    #[prost(uint32, optional, tag = "1")]
    stop_sequence: Option<u32>,
    #[prost(message, optional, tag = "2")]
    arrival: Option<Event>,
    #[prost(message, optional, tag = "3")]
    departure: Option<Event>,
    #[prost(string, optional, tag = "4")]
    stop_id: Option<String>,
    #[prost(int32, optional, tag = "5")]
    schedule_relationship: Option<i32>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct Event {
    #[prost(int32, optional, tag = "1")]
    delay: Option<i32>,
    #[prost(int64, optional, tag = "2")]
    time: Option<i64>,
}

/// One GTFS file of a zip as rows of named fields (these feeds quote
/// nothing).
fn table(zip: &Path, name: &str) -> Vec<HashMap<String, String>> {
    let file = std::fs::File::open(zip).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let head: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(|h| h.trim().to_string())
        .collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            head.iter()
                .cloned()
                .zip(l.split(',').map(|v| v.trim().to_string()))
                .collect()
        })
        .collect()
}

fn seconds(hms: &str) -> i64 {
    let parts: Vec<i64> = hms.split(':').map(|p| p.parse().unwrap()).collect();
    parts[0] * 3600 + parts[1] * 60 + parts[2]
}

struct StopTime {
    stop: String,
    sequence: u32,
    arrival: i64,
    departure: i64,
    pickup: String,
}

struct TripInfo {
    route: String,
    service: String,
    headsign: String,
    direction: String,
    stops: Vec<StopTime>,
}

/// What the GTFS says, as far as this test needs.
struct Gtfs {
    zone: TimeZone,
    trips: HashMap<String, TripInfo>,
    /// service id → (weekday flags, start, end), and the exceptions.
    calendar: HashMap<String, ([bool; 7], Date, Date)>,
    exceptions: HashMap<(String, Date), bool>,
    parent: HashMap<String, String>,
}

fn date(text: &str) -> Date {
    Date::strptime("%Y%m%d", text).unwrap()
}

impl Gtfs {
    fn read(zip: &Path) -> Gtfs {
        let agency = table(zip, "agency.txt");
        let zone = TimeZone::get(&agency[0]["agency_timezone"]).unwrap();
        let mut trips: HashMap<String, TripInfo> = table(zip, "trips.txt")
            .into_iter()
            .map(|t| {
                (
                    t["trip_id"].clone(),
                    TripInfo {
                        route: t["route_id"].clone(),
                        service: t["service_id"].clone(),
                        headsign: t.get("trip_headsign").cloned().unwrap_or_default(),
                        direction: t.get("direction_id").cloned().unwrap_or_default(),
                        stops: Vec::new(),
                    },
                )
            })
            .collect();
        for s in table(zip, "stop_times.txt") {
            if let Some(trip) = trips.get_mut(&s["trip_id"]) {
                trip.stops.push(StopTime {
                    stop: s["stop_id"].clone(),
                    sequence: s["stop_sequence"].parse().unwrap(),
                    arrival: seconds(&s["arrival_time"]),
                    departure: seconds(&s["departure_time"]),
                    pickup: s.get("pickup_type").cloned().unwrap_or_default(),
                });
            }
        }
        for trip in trips.values_mut() {
            trip.stops.sort_by_key(|s| s.sequence);
        }
        let calendar = table(zip, "calendar.txt")
            .into_iter()
            .map(|c| {
                let days = [
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                    "sunday",
                ]
                .map(|d| c[d] == "1");
                (
                    c["service_id"].clone(),
                    (days, date(&c["start_date"]), date(&c["end_date"])),
                )
            })
            .collect();
        let exceptions = table(zip, "calendar_dates.txt")
            .into_iter()
            .map(|c| {
                (
                    (c["service_id"].clone(), date(&c["date"])),
                    c["exception_type"] == "1",
                )
            })
            .collect();
        let parent = table(zip, "stops.txt")
            .into_iter()
            .filter(|s| s.get("parent_station").is_some_and(|p| !p.is_empty()))
            .map(|s| (s["stop_id"].clone(), s["parent_station"].clone()))
            .collect();
        Gtfs {
            zone,
            trips,
            calendar,
            exceptions,
            parent,
        }
    }

    fn runs(&self, service: &str, day: Date) -> bool {
        if let Some(added) = self.exceptions.get(&(service.to_string(), day)) {
            return *added;
        }
        self.calendar.get(service).is_some_and(|(days, from, to)| {
            days[day.weekday().to_monday_zero_offset() as usize] && *from <= day && day <= *to
        })
    }

    /// The service day's reference: noon minus 12 h, in the feed's zone.
    fn reference(&self, day: Date) -> i64 {
        day.at(12, 0, 0, 0)
            .to_zoned(self.zone.clone())
            .unwrap()
            .timestamp()
            .as_second()
            - 12 * 3600
    }

    /// The place a stop belongs to (its parent station, else itself).
    fn place_of(&self, stop: &str) -> String {
        self.parent.get(stop).cloned().unwrap_or(stop.to_string())
    }
}

/// The updates of the feed, by trip id.
fn updates(pb: &Path) -> (Timestamp, HashMap<String, TripUpdate>) {
    let feed = Feed::decode(std::fs::read(pb).unwrap().as_slice()).unwrap();
    let at = Timestamp::from_second(feed.header.unwrap().timestamp.unwrap() as i64).unwrap();
    let mut by_trip = HashMap::new();
    for e in feed.entity {
        if let Some(u) = e.trip_update
            && let Some(id) = u.trip.as_ref().and_then(|t| t.trip_id.clone())
        {
            by_trip.insert(id, u);
        }
    }
    (at, by_trip)
}

/// Where a stop update belongs in the trip: by `stop_id` when the trip
/// calls there once; by `stop_sequence` when no `stop_id` is given.
fn index_of(trip: &TripInfo, u: &StopUpdate) -> Option<usize> {
    match &u.stop_id {
        Some(id) => {
            let at: Vec<usize> = (0..trip.stops.len())
                .filter(|i| trip.stops[*i].stop == *id)
                .collect();
            match at.as_slice() {
                [one] => Some(*one),
                _ => at
                    .into_iter()
                    .find(|i| Some(trip.stops[*i].sequence) == u.stop_sequence),
            }
        }
        None => trip
            .stops
            .iter()
            .position(|s| Some(s.sequence) == u.stop_sequence),
    }
}

/// The update of the run of the trip on service day `day`: the one of its
/// `start_date`, else (none given) today's run (no run of these
/// recordings is past midnight at their time).
fn update_of<'a>(
    updates: &'a HashMap<String, TripUpdate>,
    id: &str,
    day: Date,
    today: Date,
) -> Option<&'a TripUpdate> {
    let update = updates.get(id)?;
    let start = update.trip.as_ref().and_then(|t| t.start_date.as_deref());
    let run = start.map_or(today, date);
    (run == day).then_some(update)
}

/// The expected departure at stop `here` of the trip run on the day of
/// `reference`, and whether an update said it (else the timetable's).
fn expected(
    trip: &TripInfo,
    update: Option<&TripUpdate>,
    reference: i64,
    here: usize,
) -> (i64, bool) {
    let scheduled = reference + trip.stops[here].departure;
    let Some(update) = update else {
        return (scheduled, false);
    };
    let mut placed: Vec<(usize, &StopUpdate)> = update
        .stop_time_update
        .iter()
        .filter_map(|u| Some((index_of(trip, u)?, u)))
        .filter(|(at, _)| *at <= here)
        .collect();
    placed.sort_by_key(|(at, _)| *at);
    for (at, u) in placed.iter().rev() {
        if u.schedule_relationship == Some(1) {
            if *at == here {
                panic!("a skipped stop is not shown");
            }
            continue;
        }
        let stop = &trip.stops[*at];
        let events = [
            (u.departure.as_ref(), reference + stop.departure),
            (u.arrival.as_ref(), reference + stop.arrival),
        ];
        for (event, own_time) in events {
            let Some(e) = event else { continue };
            let delay = match (e.time.filter(|t| *t > 0), e.delay) {
                (Some(time), _) => time - own_time,
                (None, Some(delay)) => i64::from(delay),
                (None, None) => continue,
            };
            return (scheduled + delay, true);
        }
    }
    match update.delay {
        Some(delay) => (scheduled + i64::from(delay), true),
        None => (scheduled, false),
    }
}

/// The recordings served as they are, and a home whose settings name one
/// network read from them; its timetable compiled.
async fn network_home(
    dir: &Path,
    name: &str,
    id: &str,
    gtfs: &str,
    feeds: &[(&str, &str)],
) -> (PathBuf, support::Scripted) {
    let files = dir.to_path_buf();
    let server = support::Scripted::start(move |seen| {
        let name = seen.path.trim_start_matches('/');
        match std::fs::read(files.join(name)) {
            Ok(body) => support::Reply {
                status: 200,
                content_type: "application/octet-stream",
                body,
                delay: std::time::Duration::ZERO,
                with_length: true,
                headers: Vec::new(),
            },
            Err(_) => support::Reply::html(404, "not found"),
        }
    })
    .await;
    let home = support::home("recordings", name);
    let config = home.join(".config/quai");
    std::fs::create_dir_all(&config).unwrap();
    let url = &server.url;
    let mut settings = format!(
        "default_network = \"{id}\"\n\n[[network]]\nid = \"{id}\"\nname = \"{name}\"\n\
         gtfs_url = \"{url}/{gtfs}\"\n"
    );
    for (key, file) in feeds {
        settings.push_str(&format!("{key} = \"{url}/{file}\"\n"));
    }
    std::fs::write(config.join("config.toml"), settings).unwrap();
    let out = run(quai(&home, &["timetable", "update", "--network", id])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    (home, server)
}

fn quai(home: &Path, args: &[&str]) -> Command {
    let mut cmd = support::quai_command(home, None);
    cmd.args(args);
    cmd
}

fn instant(text: &str) -> i64 {
    text.parse::<Timestamp>()
        .map(|t| t.as_second())
        .or_else(|_| {
            jiff::Zoned::strptime("%Y-%m-%dT%H:%M:%S%:z", text).map(|z| z.timestamp().as_second())
        })
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The board of every place of the network at the recording's time
/// (`--json`), and each of its cells checked against the recomputation.
/// With `every_update`, the places are every station of the feed, the
/// rows show five departures, and each departure that the trip updates
/// give is checked to be on its station's board too (unless five earlier
/// ones of its row fill it). Returns how many cells said a live time.
async fn every_cell_is_recomputed(
    home: &Path,
    gtfs: &Gtfs,
    updates: &HashMap<String, TripUpdate>,
    at: Timestamp,
    places: &[String],
    every_update: bool,
) -> usize {
    let at_text = at.to_string();
    let nb = if every_update { "5" } else { "2" };
    let mut args = vec!["board", "--json", "--nb", nb, "--at", &at_text];
    args.extend(places.iter().map(String::as_str));
    let out = run(quai(home, &args)).await;
    let board: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}{}", text(&out.stdout), text(&out.stderr)));
    // The board's clock is the recording's.
    let now = instant(board["now"].as_str().unwrap());
    assert!(
        (now - at.as_second()).abs() <= 5,
        "{} for {at}",
        board["now"]
    );
    assert_eq!(
        board["stale"], false,
        "read as of its time, the feed is live"
    );
    let today = at.to_zoned(gtfs.zone.clone()).date();
    // A row of weekend trips shows Saturday's on a Tuesday.
    let days: Vec<Date> = (-1..8)
        .map(|n| today.checked_add(jiff::Span::new().days(n)).unwrap())
        .collect();
    let (mut cells, mut live) = (0, 0);
    // What the boards showed: (trip, station) of each cell; each station's
    // board; each row's (station, line, destination) count and last time.
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut boards: HashMap<String, usize> = HashMap::new();
    let mut filled: HashMap<(usize, String, String), (usize, i64)> = HashMap::new();
    for (p, place) in board["places"].as_array().unwrap().iter().enumerate() {
        for row in place["rows"].as_array().unwrap() {
            let route = row["line"]["id"].as_str().unwrap();
            let destination = row["destination"].as_str().unwrap_or_default();
            let cells_here = row["cells"].as_array().unwrap();
            let last = cells_here
                .iter()
                .map(|c| instant(c["expected"].as_str().unwrap()))
                .max()
                .unwrap_or(i64::MIN);
            filled.insert(
                (p, route.to_string(), destination.to_string()),
                (cells_here.len(), last),
            );
            let mut shown = Vec::new();
            let mut kinds = HashSet::new();
            let mut stops_here = HashSet::new();
            for cell in row["cells"].as_array().unwrap() {
                let stop = cell["stop_id"].as_str().unwrap();
                let stop = stop.split_once(':').map_or(stop, |(_, s)| s);
                let aimed = instant(cell["aimed"].as_str().unwrap());
                // Its trip: this line, calling at this stop at this time
                // on a day it runs.
                let found: Vec<(&String, &TripInfo, Date, i64, usize)> =
                    gtfs.trips
                        .iter()
                        .filter(|(_, t)| t.route == route)
                        .flat_map(|(id, t)| {
                            days.iter().filter_map(move |day| {
                                let reference = gtfs.reference(*day);
                                let here = t.stops.iter().position(|s| {
                                    s.stop == stop && reference + s.departure == aimed
                                })?;
                                gtfs.runs(&t.service, *day)
                                    .then_some((id, t, *day, reference, here))
                            })
                        })
                        .collect();
                // Two trips at one time (one ends its run there as the
                // other leaves): the row's destination tells them apart.
                let found = if found.len() > 1 {
                    found
                        .into_iter()
                        .filter(|(_, t, ..)| t.headsign == destination)
                        .collect()
                } else {
                    found
                };
                assert_eq!(found.len(), 1, "one trip for {cell}: {}", found.len());
                let (id, trip, day, reference, here) = found[0];
                let update = update_of(updates, id, day, today);
                let (expected_at, said) = expected(trip, update, reference, here);
                let where_ = format!("{} · {route} · trip {id} at {stop}", place["name"]);
                assert_eq!(
                    instant(cell["expected"].as_str().unwrap()),
                    expected_at,
                    "{where_}: {cell}"
                );
                assert_eq!(cell["theoretical"], !said, "{where_}: {cell}");
                cells += 1;
                live += usize::from(said);
                seen.insert((id.clone(), gtfs.place_of(stop)));
                boards.insert(gtfs.place_of(stop), p);
                shown.push(expected_at);
                kinds.insert((trip.direction.clone(), trip.headsign.clone()));
                stops_here.insert(gtfs.place_of(stop));
            }
            // No departure of the row's trips is left out: the first ones
            // by their expected time, from now on (a due one 30 s more),
            // are the cells.
            let mut all: Vec<i64> = Vec::new();
            for (id, t) in &gtfs.trips {
                if t.route != route || !kinds.contains(&(t.direction.clone(), t.headsign.clone())) {
                    continue;
                }
                for day in days.iter().filter(|day| gtfs.runs(&t.service, **day)) {
                    let reference = gtfs.reference(*day);
                    // Where riders board: not the last stop.
                    for i in 0..t.stops.len().saturating_sub(1) {
                        let stop = &t.stops[i];
                        if stops_here.contains(&gtfs.place_of(&stop.stop)) && stop.pickup != "1" {
                            let update = update_of(updates, id, *day, today);
                            let (e, _) = expected(t, update, reference, i);
                            // Due ones stay on the board for 30 s.
                            if e - now >= -30 {
                                all.push(e);
                            }
                        }
                    }
                }
            }
            all.sort();
            all.truncate(shown.len());
            let mut sorted = shown.clone();
            sorted.sort();
            assert_eq!(sorted, all, "{} · {route}: {row}", place["name"]);
        }
    }
    assert!(cells > 0, "the board showed departures");
    if every_update {
        let checked = every_update_is_shown(gtfs, updates, today, now, (&seen, &boards, &filled));
        assert!(checked > 0, "departures of the trip updates checked");
    }
    live
}

/// Every departure that a trip update gives (a stop update with a
/// departure, where riders board, from now on) is a cell of its station's
/// board, unless its row is full of earlier ones. Returns how many were
/// checked.
#[allow(clippy::type_complexity)]
fn every_update_is_shown(
    gtfs: &Gtfs,
    updates: &HashMap<String, TripUpdate>,
    today: Date,
    now: i64,
    (seen, boards, filled): (
        &HashSet<(String, String)>,
        &HashMap<String, usize>,
        &HashMap<(usize, String, String), (usize, i64)>,
    ),
) -> usize {
    let mut checked = 0;
    let mut missing = Vec::new();
    for (id, update) in updates {
        let Some(trip) = gtfs.trips.get(id) else {
            continue;
        };
        // Cancelled trips are not shown as leaving.
        if update.trip.as_ref().and_then(|t| t.schedule_relationship) == Some(3) {
            continue;
        }
        let day = update
            .trip
            .as_ref()
            .and_then(|t| t.start_date.as_deref())
            .map_or(today, date);
        let reference = gtfs.reference(day);
        for u in &update.stop_time_update {
            let Some(here) = index_of(trip, u) else {
                continue;
            };
            let stop = &trip.stops[here];
            if u.departure.is_none()
                || u.schedule_relationship == Some(1)
                || here + 1 == trip.stops.len()
                || stop.pickup == "1"
            {
                continue;
            }
            let (e, _) = expected(trip, Some(update), reference, here);
            if e - now < -30 {
                continue;
            }
            let station = gtfs.place_of(&stop.stop);
            let Some(&p) = boards.get(&station) else {
                missing.push(format!("trip {id}: no board shows {station}"));
                continue;
            };
            checked += 1;
            if seen.contains(&(id.clone(), station.clone())) {
                continue;
            }
            let full = filled
                .get(&(p, trip.route.clone(), trip.headsign.clone()))
                .is_some_and(|(n, last)| *n >= 5 && *last <= e);
            if !full {
                missing.push(format!(
                    "trip {id} ({} → {}) at {station} at {e}",
                    trip.route, trip.headsign
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {checked} departures of the trip updates are on no board: {missing:#?}",
        missing.len()
    );
    checked
}

// Two threads: the feeds' server answers while the test watches a terminal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caltrain_replayed_at_its_recording_every_cell_is_the_trip_updates() {
    let Some(dir) = samples() else { return };
    let gtfs = Gtfs::read(&dir.join("ct.zip"));
    let (at, updates) = updates(&dir.join("ct-trip-updates.pb"));
    let (home, _server) = network_home(
        &dir,
        "caltrain",
        "ct",
        "ct.zip",
        &[
            ("trip_updates_url", "ct-trip-updates.pb"),
            ("vehicle_positions_url", "ct-vehicle-positions.pb"),
            ("alerts_url", "ct-service-alerts.pb"),
        ],
    )
    .await;
    // Every station of the feed.
    let places: Vec<String> = table(&dir.join("ct.zip"), "stops.txt")
        .into_iter()
        .filter(|s| s["location_type"] == "1")
        .map(|s| s["stop_name"].clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let live = every_cell_is_recomputed(&home, &gtfs, &updates, at, &places, true).await;
    assert!(live >= 5, "live times at the recording's time: {live}");
    // The live board (the terminal's) runs from the recording's time too:
    // its clock at the recording's minute and running on, its times live.
    let command = format!(
        "env HOME={} LANG=en_GB.UTF-8 {} board --at {at} 'Palo Alto'",
        home.display(),
        env!("CARGO_BIN_EXE_quai"),
    );
    let terminal = support::Terminal::start(&home, &command, 100, 30);
    let screen = terminal.wait("the board at the recording's time", 20, |s| {
        s.contains("Palo Alto") && s.contains("17 min +3") && s.contains(":05:3")
    });
    assert!(screen.contains("updated"), "{screen}");
    terminal.wait("the clock running on", 20, |s| s.contains(":05:4"));
    let _ = terminal.tmux(&["kill-server"]);
    // The same recording checked as of its time: nothing wrong.
    let out = run(quai(
        &home,
        &["networks", "check", "ct", "--at", &at.to_string()],
    ))
    .await;
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // Read now, it is years old: not live, and said so.
    let out = run(quai(&home, &["networks", "check", "ct"])).await;
    assert!(!out.status.success(), "{}", text(&out.stdout));
    let _ = std::fs::remove_dir_all(&home);
}

#[tokio::test]
async fn bart_updates_land_on_their_stop_id_and_check_counts_the_disagreements() {
    let Some(dir) = samples() else { return };
    let gtfs = Gtfs::read(&dir.join("bart-rt.zip"));
    let (at, updates) = updates(&dir.join("bart-trip-updates.pb"));
    let (home, _server) = network_home(
        &dir,
        "bart",
        "bart",
        "bart-rt.zip",
        &[
            ("trip_updates_url", "bart-trip-updates.pb"),
            ("alerts_url", "bart-alerts.pb"),
        ],
    )
    .await;
    let places = [
        "San Bruno",
        "South San Francisco",
        "Millbrae",
        "Daly City",
        "West Oakland",
        "Fremont",
        "Embarcadero",
        "Richmond",
    ]
    .map(String::from);
    let live = every_cell_is_recomputed(&home, &gtfs, &updates, at, &places, false).await;
    assert!(live >= 5, "live times at the recording's time: {live}");
    // San Bruno shows trip 3750948WKDY's "SBRN 11:17:35" (its stop_sequence
    // names SSAN): not SSAN's time.
    let out = run(quai(
        &home,
        &["board", "--json", "--at", &at.to_string(), "San Bruno"],
    ))
    .await;
    let board: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let times: Vec<&serde_json::Value> = board["places"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap())
        .map(|c| &c["expected"])
        .collect();
    assert!(
        times.iter().any(|t| *t == "2019-08-07T11:17:35-07:00"),
        "{times:?}"
    );
    let out = run(quai(
        &home,
        &[
            "networks",
            "check",
            "bart",
            "--json",
            "--at",
            &at.to_string(),
        ],
    ))
    .await;
    assert!(!out.status.success(), "E045 is an error");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["stop_disagreements"], 161, "{report}");
    let problems = report["problems"].to_string();
    assert!(
        problems.contains("E045") && problems.contains("161"),
        "{problems}"
    );
    let _ = std::fs::remove_dir_all(&home);
}
