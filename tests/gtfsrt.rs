//! GTFS-Realtime: what trip updates say of scheduled departures (delay
//! carried on, absolute times, skipped stops, cancelled, added, no data),
//! and the feeds as a network reads them from a real HTTP server on
//! 127.0.0.1 (the demo server): stale headers, truncated, non-protobuf and
//! oversized bodies, conditional requests, one request per feed per
//! refresh.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use prost::Message as _;
use quai::network::gtfsrt::live::{self, Said, TripUpdates};
use quai::network::gtfsrt::proto::{
    FeedEntity, FeedHeader, FeedMessage, StopTimeEvent, StopTimeUpdate, TripDescriptor, TripUpdate,
    stop_relationship, trip_relationship,
};
use quai::network::{ErrorKind, Network, PerRow, RowRequest};
use quai::timetable::compile::Options;
use quai::timetable::feed::{compile_in_memory_with, zip_tables};
use quai::timetable::{Timetable, TimetableDeparture};

/// One route, stops S1…S5 ten minutes apart, two trips a day at 08:00
/// and 09:00, in Montréal's zone.
fn table() -> Timetable {
    let mut times = String::from("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    for (trip, hour) in [("t8", 8), ("t9", 9)] {
        for k in 0..5 {
            let at = format!("{hour:02}:{:02}:00", k * 10);
            // stop_sequence values with gaps, as feeds have.
            times.push_str(&format!("{trip},{at},{at},S{},{}\n", k + 1, (k + 1) * 10));
        }
    }
    let zip = zip_tables(&[
        (
            "agency.txt",
            b"agency_id,agency_name,agency_url,agency_timezone\nA,A,https://x,America/Montreal\n",
        ),
        (
            "stops.txt",
            b"stop_id,stop_name,stop_lat,stop_lon\nS1,One,45.5,-73.5\nS2,Two,45.5,-73.5\nS3,Three,45.5,-73.5\nS4,Four,45.5,-73.5\nS5,Five,45.5,-73.5\n",
        ),
        ("routes.txt", b"route_id,route_short_name,route_type\nR,10,3\n"),
        (
            "calendar.txt",
            b"service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nALL,1,1,1,1,1,1,1,20260101,20271231\n",
        ),
        (
            "trips.txt",
            b"route_id,service_id,trip_id,trip_headsign,direction_id\nR,ALL,t8,Five,0\nR,ALL,t9,Five,0\n",
        ),
        ("stop_times.txt", times.as_bytes()),
    ])
    .unwrap();
    let (table, _) = compile_in_memory_with(&zip, Options { trip_stops: true }).unwrap();
    assert!(table.has_trip_stops());
    table
}

/// The scheduled departure of `trip` at `stop` on 2026-12-02.
fn departure(table: &Timetable, trip: &str, stop: &str) -> TimetableDeparture {
    let s = table.find_stop(stop).unwrap();
    let from: Timestamp = "2026-12-02T12:00:00Z".parse().unwrap(); // 07:00 local
    table
        .departures(&[s], |_, _| true, from, 10)
        .into_iter()
        .find(|d| table.trip_id(d.trip) == trip)
        .unwrap()
}

fn scheduled(table: &Timetable, trip: &str, stop: &str) -> Timestamp {
    departure(table, trip, stop).at
}

fn delay(seconds: i32) -> Option<StopTimeEvent> {
    Some(StopTimeEvent {
        delay: Some(seconds),
        ..Default::default()
    })
}

fn at(t: Timestamp) -> Option<StopTimeEvent> {
    Some(StopTimeEvent {
        time: Some(t.as_second()),
        ..Default::default()
    })
}

fn stu(
    sequence: Option<u32>,
    stop: Option<&str>,
    departure: Option<StopTimeEvent>,
) -> StopTimeUpdate {
    StopTimeUpdate {
        stop_sequence: sequence,
        stop_id: stop.map(str::to_string),
        departure,
        ..Default::default()
    }
}

fn with(relationship: i32, mut u: StopTimeUpdate) -> StopTimeUpdate {
    u.schedule_relationship = Some(relationship);
    u
}

fn feed(updates: Vec<(TripDescriptor, Vec<StopTimeUpdate>)>) -> FeedMessage {
    FeedMessage {
        header: Some(FeedHeader {
            gtfs_realtime_version: Some("2.0".into()),
            incrementality: Some(0),
            timestamp: Some(1_800_000_000),
        }),
        entity: updates
            .into_iter()
            .enumerate()
            .map(|(n, (trip, stops))| FeedEntity {
                id: Some(n.to_string()),
                trip_update: Some(TripUpdate {
                    trip: Some(trip),
                    stop_time_update: stops,
                    ..Default::default()
                }),
                ..Default::default()
            })
            .collect(),
    }
}

fn trip(id: &str) -> TripDescriptor {
    TripDescriptor {
        trip_id: Some(id.into()),
        ..Default::default()
    }
}

/// What the feed says of `trip` at `stop`.
fn said(table: &Timetable, message: &FeedMessage, trip: &str, stop: &str) -> Said {
    said_at(table, message, trip, stop, "2026-12-02T12:00:00Z")
}

/// The same, with "now" at `now`.
fn said_at(table: &Timetable, message: &FeedMessage, trip: &str, stop: &str, now: &str) -> Said {
    // Through the wire: encoded, then decoded as a network reads it.
    let decoded = FeedMessage::decode(message.encode_to_vec().as_slice()).unwrap();
    let updates = TripUpdates::from_feed(&decoded);
    let d = departure(table, trip, stop);
    let now: Timestamp = now.parse().unwrap();
    live::update_for(updates.candidates(table, &d), table, &d, now)
        .map_or(Said::Nothing, |u| live::apply(table, u, &d))
}

/// A scheduled trip named by its route, direction and first departure,
/// without its trip id, as the spec allows.
fn run_of(route: &str, direction: u32, start: &str) -> TripDescriptor {
    TripDescriptor {
        route_id: Some(route.into()),
        direction_id: Some(direction),
        start_time: Some(start.into()),
        start_date: Some("20261202".into()),
        ..Default::default()
    }
}

#[test]
fn a_trip_named_by_its_route_and_first_departure_is_that_run_alone() {
    let table = table();
    let late = feed(vec![(
        run_of("R", 0, "09:00:00"),
        vec![stu(Some(10), None, delay(120))],
    )]);
    assert_eq!(
        said(&table, &late, "t9", "S3"),
        expected(&table, "t9", "S3", 120)
    );
    assert_eq!(
        said(&table, &late, "t8", "S3"),
        Said::Nothing,
        "not the 08:00"
    );
    // Another direction or another route is another trip.
    let other = feed(vec![(
        run_of("R", 1, "09:00:00"),
        vec![stu(Some(10), None, delay(120))],
    )]);
    assert_eq!(said(&table, &other, "t9", "S3"), Said::Nothing);
    let mut cancel = run_of("R", 0, "08:00:00");
    cancel.schedule_relationship = Some(trip_relationship::CANCELED);
    let cancelled = feed(vec![(cancel, vec![])]);
    assert_eq!(said(&table, &cancelled, "t8", "S2"), Said::Cancelled);
    assert_eq!(said(&table, &cancelled, "t9", "S2"), Said::Nothing);
    // Neither shown as an added trip.
    let decoded = FeedMessage::decode(late.encode_to_vec().as_slice()).unwrap();
    assert!(TripUpdates::from_feed(&decoded).added.is_empty());
}

fn expected(table: &Timetable, trip: &str, stop: &str, late: i64) -> Said {
    let s = scheduled(table, trip, stop);
    Said::Expected {
        at: s
            .checked_add(jiff::SignedDuration::from_secs(late))
            .unwrap(),
        delay: late,
    }
}

#[test]
fn a_delay_is_carried_to_the_following_stops_not_the_earlier_ones() {
    let t = table();
    let f = feed(vec![(trip("t8"), vec![stu(Some(20), None, delay(120))])]);
    assert_eq!(said(&t, &f, "t8", "S1"), Said::Nothing, "before the update");
    assert_eq!(said(&t, &f, "t8", "S2"), expected(&t, "t8", "S2", 120));
    assert_eq!(said(&t, &f, "t8", "S4"), expected(&t, "t8", "S4", 120));
    // A later update wins from its stop on.
    let f = feed(vec![(
        trip("t8"),
        vec![
            stu(Some(20), None, delay(120)),
            stu(None, Some("S4"), delay(-30)),
        ],
    )]);
    assert_eq!(said(&t, &f, "t8", "S3"), expected(&t, "t8", "S3", 120));
    assert_eq!(said(&t, &f, "t8", "S4"), expected(&t, "t8", "S4", -30));
    // The other trip has no update: the timetable's time.
    assert_eq!(said(&t, &f, "t9", "S3"), Said::Nothing);
}

#[test]
fn absolute_times_hold_at_their_stop_and_carry_their_delay_on() {
    let t = table();
    let s2 = scheduled(&t, "t8", "S2");
    let late = s2
        .checked_add(jiff::SignedDuration::from_secs(300))
        .unwrap();
    let f = feed(vec![(trip("t8"), vec![stu(None, Some("S2"), at(late))])]);
    assert_eq!(
        said(&t, &f, "t8", "S2"),
        Said::Expected {
            at: late,
            delay: 300
        }
    );
    assert_eq!(said(&t, &f, "t8", "S4"), expected(&t, "t8", "S4", 300));
}

#[test]
fn skipped_stops_are_not_offered_and_no_data_is_carried_on() {
    let t = table();
    let f = feed(vec![(
        trip("t8"),
        vec![
            stu(Some(10), None, delay(60)),
            with(stop_relationship::SKIPPED, stu(Some(30), None, None)),
        ],
    )]);
    assert_eq!(said(&t, &f, "t8", "S3"), Said::Skipped);
    // After a skipped stop, the delay from before it goes on.
    assert_eq!(said(&t, &f, "t8", "S4"), expected(&t, "t8", "S4", 60));
    let f = feed(vec![(
        trip("t8"),
        vec![
            stu(Some(10), None, delay(60)),
            with(stop_relationship::NO_DATA, stu(Some(30), None, None)),
        ],
    )]);
    assert_eq!(said(&t, &f, "t8", "S2"), expected(&t, "t8", "S2", 60));
    assert_eq!(said(&t, &f, "t8", "S3"), Said::NoData);
    assert_eq!(said(&t, &f, "t8", "S4"), Said::NoData);
}

#[test]
fn cancelled_trips_and_other_days_runs() {
    let t = table();
    let mut cancelled = trip("t9");
    cancelled.schedule_relationship = Some(trip_relationship::CANCELED);
    let f = feed(vec![(cancelled, Vec::new())]);
    assert_eq!(said(&t, &f, "t9", "S2"), Said::Cancelled);
    assert_eq!(said(&t, &f, "t8", "S2"), Said::Nothing);
    // Without a day, an update is the current run's: not tomorrow's.
    let f = feed(vec![(trip("t8"), vec![stu(Some(10), None, delay(600))])]);
    assert_eq!(said(&t, &f, "t8", "S2"), expected(&t, "t8", "S2", 600));
    assert_eq!(
        said_at(&t, &f, "t8", "S2", "2026-12-01T12:00:00Z"),
        Said::Nothing,
        "the 2nd's run seen on the 1st"
    );
    // An update for another service day does not apply to this one.
    let mut tomorrow = trip("t8");
    tomorrow.start_date = Some("20261203".into());
    let f = feed(vec![(tomorrow, vec![stu(Some(10), None, delay(600))])]);
    assert_eq!(said(&t, &f, "t8", "S2"), Said::Nothing);
    let mut today = trip("t8");
    today.start_date = Some("20261202".into());
    let f = feed(vec![(today, vec![stu(Some(10), None, delay(600))])]);
    assert_eq!(said(&t, &f, "t8", "S2"), expected(&t, "t8", "S2", 600));
}

#[test]
fn added_trips_are_kept_apart_with_their_route() {
    let mut added = trip("extra");
    added.schedule_relationship = Some(trip_relationship::ADDED);
    added.route_id = Some("R".into());
    let f = feed(vec![(
        added,
        vec![stu(Some(1), Some("S1"), at(Timestamp::UNIX_EPOCH))],
    )]);
    let updates = TripUpdates::from_feed(&f);
    assert!(updates.of_trip("extra").is_empty());
    assert_eq!(updates.added.len(), 1);
    assert_eq!(updates.added[0].route_id.as_deref(), Some("R"));
}

// --- The feeds from a server ------------------------------------------------

use quai::demo::{DemoServer, ServerOptions, feedcity};

async fn server(fault_file: &std::path::Path) -> DemoServer {
    DemoServer::start(
        ([127, 0, 0, 1], 0).into(),
        ServerOptions {
            fault_file: Some(fault_file.to_path_buf()),
            ..ServerOptions::default()
        },
    )
    .await
    .unwrap()
}

/// The demo city as a `[[network]]` would make it, its timetable in memory.
fn city(
    base: &str,
) -> (
    Arc<quai::network::gtfsrt::FeedNetwork>,
    Arc<quai::timetable::source::TimetableNetwork>,
) {
    city_of(
        base,
        jiff::Zoned::now().in_tz("Europe/Paris").unwrap().date(),
    )
}

/// The same, its timetable made on `day`.
fn city_of(
    base: &str,
    day: jiff::civil::Date,
) -> (
    Arc<quai::network::gtfsrt::FeedNetwork>,
    Arc<quai::timetable::source::TimetableNetwork>,
) {
    let zip = feedcity::gtfs(day).unwrap();
    let (table, _) = compile_in_memory_with(&zip, Options { trip_stops: true }).unwrap();
    let tt = Arc::new(quai::timetable::source::TimetableNetwork::new(
        feedcity::ID,
        feedcity::NAME,
        Arc::new(table),
    ));
    let shared = Arc::new(std::sync::RwLock::new(Some(Arc::clone(&tt))));
    let url = |p: &str| reqwest::Url::parse(&format!("{base}{p}")).unwrap();
    let network = quai::network::gtfsrt::FeedNetwork::new(
        feedcity::ID,
        feedcity::NAME,
        shared,
        vec![
            (
                quai::network::gtfsrt::Kind::TripUpdates,
                url(feedcity::TRIP_UPDATES_PATH),
            ),
            (
                quai::network::gtfsrt::Kind::Alerts,
                url(feedcity::ALERTS_PATH),
            ),
            (
                quai::network::gtfsrt::Kind::VehiclePositions,
                url(feedcity::VEHICLES_PATH),
            ),
        ],
        quai::network::gtfsrt::Fetcher::new(None).unwrap(),
        Duration::from_secs(30),
    );
    (Arc::new(network), tt)
}

async fn rows(network: &dyn Network, places: &[&str]) -> Vec<RowRequest> {
    let stops = network.stops().await.unwrap().stops;
    let mut rows = Vec::new();
    for place in places {
        let ids: Vec<String> = stops
            .iter()
            .filter(|s| s.name == *place)
            .map(|s| s.id.clone())
            .collect();
        for line in network.lines_at(&ids).await.unwrap() {
            rows.push(RowRequest {
                place: place.to_string(),
                stop_ids: ids.clone(),
                line_id: line.line.id.clone(),
                outbound: line.outbound,
                destination: String::new(),
                to: None,
            });
        }
    }
    rows
}

/// A `DUPLICATED` trip is a copy of a scheduled run at another time: shown
/// at the copied run's stops, 4 minutes after it, marked added; the copied
/// run itself is left as it was.
#[tokio::test]
async fn a_duplicated_trip_runs_the_copied_trips_times_moved() {
    let dir = tempdir();
    let server = server(&dir.join("fault")).await;
    let (network, _) = city(&server.url());
    // Where the copied run starts: the copy is among the first few there.
    let rows = rows(network.as_ref(), &["Vieux-Port"]).await;
    let results = network
        .departures(&rows, PerRow::new(5).unwrap())
        .await
        .unwrap();
    let expected = |d: &quai::domain::Departure| match d.time {
        quai::domain::WaitTime::At { expected, .. } => Some(expected),
        _ => None,
    };
    let aimed = |d: &quai::domain::Departure| match d.time {
        quai::domain::WaitTime::At { aimed, expected } => Some(aimed.unwrap_or(expected)),
        _ => None,
    };
    let mut copies = 0;
    for (row, result) in rows.iter().zip(&results) {
        let departures = &result.departures;
        for copy in departures.iter().filter(|d| {
            d.status == quai::domain::Status::Added && d.line.number == "10" && row.outbound
        }) {
            // Its twin: a scheduled departure of the row 4 minutes before
            // (by the timetable: the twin may run late, the copy says
            // nothing of its own).
            let at = expected(copy).unwrap();
            let twin = departures.iter().any(|d| {
                d.status != quai::domain::Status::Added
                    && aimed(d).is_some_and(|t| at.duration_since(t).as_secs() == 240)
            });
            if twin {
                copies += 1;
            }
        }
    }
    assert!(copies >= 1, "a copy 4 minutes after its run: {results:?}");
}

#[tokio::test]
async fn one_request_per_feed_per_refresh_whatever_the_places() {
    let dir = tempdir();
    let server = server(&dir.join("fault")).await;
    let (network, _) = city(&server.url());
    let rows = rows(
        network.as_ref(),
        &["Mont-Royal", "Université", "Place d'Armes", "Vieux-Port"],
    )
    .await;
    assert!(rows.len() >= 8, "{rows:?}");
    let before = server.requests();
    let results = network
        .departures(&rows, PerRow::new(3).unwrap())
        .await
        .unwrap();
    let messages = network.messages().await.unwrap();
    assert_eq!(
        server.requests() - before,
        3,
        "trip updates, alerts, vehicles once"
    );
    // Live rows: route 10 runs late, the tram has no update.
    let live: Vec<_> = results.iter().flat_map(|r| &r.departures).collect();
    assert!(
        live.iter()
            .any(|d| d.line.number == "10" && d.origin == quai::domain::Origin::Located)
    );
    assert!(
        live.iter()
            .any(|d| d.line.number == "T" && d.origin == quai::domain::Origin::Timetable)
    );
    assert!(
        live.iter()
            .any(|d| d.status == quai::domain::Status::Delayed)
    );
    assert!(
        messages
            .iter()
            .any(|m| m.lines == ["55"] && m.severity == quai::domain::Severity::Ongoing)
    );
    // Within the refresh period nothing more is asked.
    network
        .departures(&rows, PerRow::new(3).unwrap())
        .await
        .unwrap();
    assert_eq!(server.requests() - before, 3);
    // Forced: asked again, conditionally.
    network.refresh(true).await;
    assert_eq!(server.requests() - before, 6);
}

#[tokio::test]
async fn bad_feeds_fail_the_rows_with_the_reason_and_never_panic() {
    let dir = tempdir();
    let fault = dir.join("fault");
    let server = server(&fault).await;
    for (play, kind, says) in [
        // Ten minutes old, in words: not "10 min 00 s".
        ("stale trip-updates", ErrorKind::Stale, "date de 10 min ("),
        ("503 trip-updates", ErrorKind::Http(503), "HTTP 503"),
        (
            "truncated trip-updates",
            ErrorKind::Undecodable,
            "mises à jour des courses",
        ),
        (
            "shape trip-updates",
            ErrorKind::Undecodable,
            "pas du protobuf",
        ),
        ("empty trip-updates", ErrorKind::Undecodable, "vide"),
        ("huge trip-updates", ErrorKind::TooLarge, "larger"),
    ] {
        std::fs::write(&fault, play).unwrap();
        let (network, _) = city(&server.url());
        let rows = rows(network.as_ref(), &["Mont-Royal"]).await;
        let e = network
            .departures(&rows, PerRow::new(2).unwrap())
            .await
            .expect_err(play);
        assert_eq!(e.kind, kind, "{play}: {e}");
        assert!(e.detail.contains(says), "{play}: {e}");
        assert!(!e.detail.contains("127.0.0.1"), "no URL in errors: {e}");
    }
    // A feed that fails after a good read: the rows fail too (the board's
    // fallback keeps them marked old), never the old data shown as fresh.
    std::fs::write(&fault, "").unwrap();
    let (network, _) = city(&server.url());
    let asked = rows(network.as_ref(), &["Mont-Royal"]).await;
    assert!(
        network
            .departures(&asked, PerRow::new(2).unwrap())
            .await
            .is_ok()
    );
    std::fs::write(&fault, "503 trip-updates").unwrap();
    network.refresh(true).await;
    let e = network
        .departures(&asked, PerRow::new(2).unwrap())
        .await
        .expect_err("a failed read is said");
    assert_eq!(e.kind, ErrorKind::Http(503));
    // The alerts feed alone failing leaves the rows live.
    std::fs::write(&fault, "503 alerts").unwrap();
    let (network, _) = city(&server.url());
    let rows = rows(network.as_ref(), &["Mont-Royal"]).await;
    assert!(
        network
            .departures(&rows, PerRow::new(2).unwrap())
            .await
            .is_ok()
    );
    assert!(network.messages().await.is_err());
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "quai-gtfsrt-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A real recording in `../shared/reference/samples/gtfs-rt/`, or `None`
/// (with a note) when `../shared` is not beside the project.
fn recording(file: &str) -> Option<Vec<u8>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference/samples/gtfs-rt")
        .join(file);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(_) => {
            println!("skipped: {} is absent", path.display());
            None
        }
    }
}

/// BART's timetable and trip updates as recorded on 2019-08-07 (header
/// time 17:45:21 UTC), and that time.
fn bart() -> Option<(Timetable, TripUpdates, Timestamp)> {
    let zip = recording("bart-rt.zip")?;
    let pb = recording("bart-trip-updates.pb")?;
    let (table, _) = compile_in_memory_with(&zip, Options { trip_stops: true }).unwrap();
    let message = FeedMessage::decode(pb.as_slice()).unwrap();
    let now = live::Header::of(&message).timestamp.unwrap();
    assert_eq!(now, "2019-08-07T17:45:21Z".parse::<Timestamp>().unwrap());
    Some((table, TripUpdates::from_feed(&message), now))
}

/// The scheduled departures of `trip` at `stop` on the recording's day.
fn bart_departure(table: &Timetable, trip: &str, stop: u32) -> Option<TimetableDeparture> {
    // 03:00 in Los Angeles, before the day's first train.
    let from: Timestamp = "2019-08-07T10:00:00Z".parse().unwrap();
    table
        .departures(&[stop], |_, _| true, from, 5000)
        .into_iter()
        .find(|d| table.trip_id(d.trip) == trip && d.stop == stop)
}

fn bart_said(
    table: &Timetable,
    updates: &TripUpdates,
    now: Timestamp,
    d: &TimetableDeparture,
) -> Said {
    live::update_for(updates.candidates(table, d), table, d, now)
        .map_or(Said::Nothing, |u| live::apply(table, u, d))
}

#[test]
fn bart_an_update_whose_sequence_names_another_stop_lands_on_its_stop_id() {
    let Some((table, updates, now)) = bart() else {
        return;
    };
    let trip = "3750948WKDY";
    // The recording says "stop_sequence 25, stop_id SBRN, departure
    // 11:17:35"; in the timetable 25 is SSAN and SBRN is 26.
    let sbrn = table.find_stop("SBRN").unwrap();
    let ssan = table.find_stop("SSAN").unwrap();
    let t = table.trip_count();
    let index = (0..t)
        .map(|k| u32::try_from(k).unwrap())
        .find(|k| table.trip_id(*k) == trip)
        .unwrap();
    let pattern: Vec<_> = table.trip_stops(index).collect();
    assert!(pattern.iter().any(|s| s.sequence == 25 && s.stop == ssan));
    let d = bart_departure(&table, trip, sbrn).unwrap();
    let Said::Expected { at, .. } = bart_said(&table, &updates, now, &d) else {
        panic!("no live time at San Bruno");
    };
    let local = at.to_zoned(table.zone().clone());
    assert_eq!(
        local.time().to_string(),
        "11:17:35",
        "San Bruno shows {local}"
    );
}

#[test]
fn bart_no_update_lands_on_a_stop_other_than_its_stop_id() {
    let Some((table, updates, now)) = bart() else {
        return;
    };
    let ids: std::collections::HashMap<&str, u32> = (0..table.trip_count())
        .map(|k| u32::try_from(k).unwrap())
        .map(|k| (table.trip_id(k), k))
        .collect();
    let mut checked = 0;
    let mut wrong = Vec::new();
    let mut trips: Vec<&str> = updates.trip_ids().collect();
    trips.sort_unstable();
    for trip in trips {
        let Some(&index) = ids.get(trip) else {
            continue;
        };
        let pattern: Vec<_> = table.trip_stops(index).collect();
        for update in updates.of_trip(trip) {
            for u in &update.stops {
                let Some(stop) = u.stop_id.as_deref().and_then(|id| table.find_stop(id)) else {
                    continue;
                };
                // Where the trip calls once, its own time shows there.
                if pattern.iter().filter(|s| s.stop == stop).count() != 1 {
                    continue;
                }
                let Some(time) = u.departure.or(u.arrival).and_then(|e| e.time) else {
                    continue;
                };
                let Some(d) = bart_departure(&table, trip, stop) else {
                    continue;
                };
                checked += 1;
                let said = bart_said(&table, &updates, now, &d);
                if said
                    != (Said::Expected {
                        at: time,
                        delay: time.as_second() - d.at.as_second(),
                    })
                {
                    wrong.push(format!("{trip} {:?}: {said:?}", u.stop_id));
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} stop updates checked");
    assert!(wrong.is_empty(), "{} of {checked}: {wrong:#?}", wrong.len());
    // What `networks check` counts (E045).
    let (count, example) = updates.disagreements(&table);
    assert_eq!(count, 161);
    assert!(example.is_some());
}

#[test]
fn a_time_takes_precedence_over_a_delay_when_carried_on() {
    let t = table();
    let s2 = scheduled(&t, "t8", "S2");
    let late = s2
        .checked_add(jiff::SignedDuration::from_secs(300))
        .unwrap();
    // Both given, disagreeing: the reference says `time` wins.
    let both = Some(StopTimeEvent {
        time: Some(late.as_second()),
        delay: Some(60),
        ..Default::default()
    });
    let f = feed(vec![(trip("t8"), vec![stu(None, Some("S2"), both)])]);
    assert_eq!(
        said(&t, &f, "t8", "S2"),
        Said::Expected {
            at: late,
            delay: 300
        }
    );
    assert_eq!(said(&t, &f, "t8", "S4"), expected(&t, "t8", "S4", 300));
}

#[test]
fn a_sequence_naming_another_stop_gives_way_to_the_stop_id() {
    let t = table();
    // Sequence 20 is S2, but the update is of S4.
    let f = feed(vec![(
        trip("t8"),
        vec![stu(Some(20), Some("S4"), delay(120))],
    )]);
    assert_eq!(said(&t, &f, "t8", "S2"), Said::Nothing, "not S2's");
    assert_eq!(said(&t, &f, "t8", "S3"), Said::Nothing);
    assert_eq!(said(&t, &f, "t8", "S4"), expected(&t, "t8", "S4", 120));
    // A stop the trip does not serve: applied nowhere.
    let g = feed(vec![(
        trip("t8"),
        vec![stu(Some(20), Some("S9"), delay(120))],
    )]);
    assert_eq!(said(&t, &g, "t8", "S2"), Said::Nothing);
    assert_eq!(said(&t, &g, "t8", "S4"), Said::Nothing);
    // Both counted; an update that agrees is not.
    let h = feed(vec![
        (trip("t8"), vec![stu(Some(20), Some("S4"), delay(120))]),
        (
            trip("t9"),
            vec![
                stu(Some(20), Some("S9"), delay(60)),
                stu(Some(30), Some("S3"), delay(60)),
            ],
        ),
    ]);
    let decoded = FeedMessage::decode(h.encode_to_vec().as_slice()).unwrap();
    let (count, example) = TripUpdates::from_feed(&decoded).disagreements(&t);
    assert_eq!(count, 2);
    assert_eq!(example, Some(("t8".to_string(), 20, "S4".to_string())));
}

#[tokio::test]
async fn a_stale_feed_over_an_expired_timetable_says_the_timetable_expired() {
    let dir = tempdir();
    let fault = dir.join("fault");
    let server = server(&fault).await;
    std::fs::write(&fault, "stale trip-updates").unwrap();
    let long_ago = jiff::Zoned::now()
        .in_tz("Europe/Paris")
        .unwrap()
        .date()
        .checked_sub(jiff::Span::new().years(2))
        .unwrap();
    let (network, tt) = city_of(&server.url(), long_ago);
    let Some(day) = tt.table().expired(Timestamp::now()) else {
        panic!("the timetable of {long_ago} has not expired");
    };
    let rows = rows(network.as_ref(), &["Mont-Royal"]).await;
    let e = network
        .departures(&rows, PerRow::new(2).unwrap())
        .await
        .expect_err("stale");
    assert_eq!(e.kind, ErrorKind::Stale, "{e}");
    assert!(e.detail.contains(&format!("expiré le {day}")), "{e}");
}
