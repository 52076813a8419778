//! `--to` on a network of GTFS and GTFS-Realtime feeds: the arrival is
//! the trip update's own time at the destination, or the schedule plus
//! the delay of the last stop updated before it; the trips that do not
//! reach the destination are left out; added and duplicated trips go where
//! their updates say.

use jiff::{SignedDuration, Timestamp};
use prost::Message as _;
use quai::network::gtfsrt::proto::{
    FeedEntity, FeedHeader, FeedMessage, StopTimeEvent, StopTimeUpdate, TripDescriptor, TripUpdate,
};
use quai::timetable::feed::zip_tables;

#[path = "support/cli.rs"]
mod cli;
mod support;

use cli::{instant, json, quai, run, text};

// --- A network of feeds ------------------------------------------------------

/// Stops Alpha…Echo ten minutes apart; trips from now + 20 min: `full`
/// (Alpha to Echo, its update gives Delta's arrival), `late` (5 min after,
/// 2 min late at Bravo, nothing after), `short` (2 min after, Alpha to
/// Charlie only) and `plain` (7 min after, no update).
struct Feeds {
    gtfs: Vec<u8>,
    updates: Vec<u8>,
    /// Each trip's departure from Alpha.
    start: [(&'static str, Timestamp); 4],
    /// What the feed says `full` reaches Delta at.
    full_at_delta: Timestamp,
}

fn feeds() -> Feeds {
    let now = Timestamp::now();
    let zone = jiff::tz::TimeZone::UTC;
    let today = now.to_zoned(zone.clone()).date();
    let midnight = today.to_zoned(zone).unwrap().timestamp();
    let base = now.as_second() - midnight.as_second() + 20 * 60;
    let base = base - base % 60;
    let clock = |s: i64| format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    let trips = [
        ("full", 0, 5),
        ("late", 5, 5),
        ("short", 2, 3),
        ("plain", 7, 5),
    ];
    let mut stop_times =
        String::from("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    let mut trips_txt = String::from("route_id,service_id,trip_id,trip_headsign,direction_id\n");
    let names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"];
    for (trip, minutes, stops) in trips {
        trips_txt.push_str(&format!("R,ALL,{trip},{},0\n", names[stops - 1]));
        for k in 0..stops {
            let at = clock(base + minutes * 60 + k as i64 * 600);
            stop_times.push_str(&format!("{trip},{at},{at},S{},{}\n", k + 1, k + 1));
        }
    }
    let stops_txt = names.iter().enumerate().fold(
        String::from("stop_id,stop_name,stop_lat,stop_lon\n"),
        |s, (k, n)| s + &format!("S{},{n},45.{k}0,-73.50\n", k + 1),
    );
    let day = |d: jiff::civil::Date| d.strftime("%Y%m%d").to_string();
    let calendar = format!(
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
         ALL,1,1,1,1,1,1,1,{},{}\n",
        day(today.yesterday().unwrap()),
        day(today.tomorrow().unwrap())
    );
    let gtfs = zip_tables(&[
        (
            "agency.txt",
            b"agency_id,agency_name,agency_url,agency_timezone\nA,A,https://x,UTC\n".as_slice(),
        ),
        ("stops.txt", stops_txt.as_bytes()),
        (
            "routes.txt",
            b"route_id,route_short_name,route_type\nR,10,3\n",
        ),
        ("calendar.txt", calendar.as_bytes()),
        ("trips.txt", trips_txt.as_bytes()),
        ("stop_times.txt", stop_times.as_bytes()),
    ])
    .unwrap();
    let at = |trip_minutes: i64, stop: i64| {
        Timestamp::from_second(midnight.as_second() + base + trip_minutes * 60 + stop * 600)
            .unwrap()
    };
    // `full` reaches Delta 4 min late by its own update (an arrival time).
    let full_at_delta = at(0, 3) + SignedDuration::from_mins(4);
    let update = |trip: &str, stops: Vec<StopTimeUpdate>| FeedEntity {
        id: Some(trip.into()),
        trip_update: Some(TripUpdate {
            trip: Some(TripDescriptor {
                trip_id: Some(trip.into()),
                ..Default::default()
            }),
            stop_time_update: stops,
            ..Default::default()
        }),
        ..Default::default()
    };
    let message = FeedMessage {
        header: Some(FeedHeader {
            gtfs_realtime_version: Some("2.0".into()),
            incrementality: Some(0),
            timestamp: Some(u64::try_from(now.as_second()).unwrap()),
        }),
        entity: vec![
            update(
                "full",
                vec![StopTimeUpdate {
                    stop_sequence: Some(4),
                    stop_id: Some("S4".into()),
                    arrival: Some(StopTimeEvent {
                        time: Some(full_at_delta.as_second()),
                        ..Default::default()
                    }),
                    ..Default::default()
                }],
            ),
            update(
                "late",
                vec![StopTimeUpdate {
                    stop_sequence: Some(2),
                    stop_id: Some("S2".into()),
                    departure: Some(StopTimeEvent {
                        delay: Some(120),
                        ..Default::default()
                    }),
                    ..Default::default()
                }],
            ),
        ],
    };
    Feeds {
        gtfs,
        updates: message.encode_to_vec(),
        start: [
            ("full", at(0, 0)),
            ("late", at(5, 0)),
            ("short", at(2, 0)),
            ("plain", at(7, 0)),
        ],
        full_at_delta,
    }
}

#[tokio::test]
async fn arrivals_are_the_trip_updates_and_trips_not_going_there_are_left_out() {
    let f = feeds();
    let (gtfs, updates) = (f.gtfs.clone(), f.updates.clone());
    let server = support::Scripted::start(move |seen| {
        let body = if seen.path.ends_with(".zip") {
            gtfs.clone()
        } else {
            updates.clone()
        };
        support::Reply {
            status: 200,
            content_type: "application/octet-stream",
            body,
            delay: std::time::Duration::ZERO,
            with_length: true,
            headers: Vec::new(),
        }
    })
    .await;
    let home = support::home("destination", "feeds");
    let dir = home.join(".config/quai");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "default_network = \"t\"\n\n[[network]]\nid = \"t\"\nname = \"Test\"\n\
             gtfs_url = \"{0}/gtfs.zip\"\ntrip_updates_url = \"{0}/trip-updates\"\n",
            server.url
        ),
    )
    .unwrap();
    // No timetable yet: it cannot say.
    let out = run(quai(&home, &["board", "Alpha", "--once", "--to", "Delta"])).await;
    assert!(!out.status.success(), "{}", text(&out.stdout));
    let out = run(quai(&home, &["timetable", "update", "--network", "t"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = run(quai(
        &home,
        &["board", "Alpha", "--json", "--nb", "5", "--to", "Delta"],
    ))
    .await;
    let v = json(&out);
    assert_eq!(v["destination"], "Delta");
    let cells: Vec<&serde_json::Value> = v["places"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap())
        .collect();
    let trip_of = |cell: &serde_json::Value| {
        let aimed = instant(&cell["aimed"]);
        f.start.iter().find(|(_, at)| *at == aimed).map(|(t, _)| *t)
    };
    let mut seen: Vec<&str> = cells.iter().filter_map(|c| trip_of(c)).collect();
    seen.sort_unstable();
    assert_eq!(seen, ["full", "late", "plain"], "{cells:?}");
    for cell in &cells {
        let arrival = instant(&cell["arrival"]);
        let start = instant(&cell["aimed"]);
        let scheduled = start + SignedDuration::from_mins(30);
        match trip_of(cell) {
            Some("full") => {
                assert_eq!(arrival, f.full_at_delta, "the update's own time");
                assert_eq!(cell["arrival_origin"], "live");
            }
            Some("late") => {
                assert_eq!(
                    arrival,
                    scheduled + SignedDuration::from_mins(2),
                    "the schedule plus Bravo's delay"
                );
                assert_eq!(cell["arrival_origin"], "live");
            }
            Some("plain") => {
                assert_eq!(arrival, scheduled);
                assert_eq!(cell["arrival_origin"], "timetable");
            }
            // The next day's runs.
            None => assert!(
                start > f.start[0].1 + SignedDuration::from_hours(12),
                "{cell}"
            ),
            other => panic!("{other:?}: {cell}"),
        }
    }
    // --calls: the trip's next stops, live where the updates reach them.
    let out = run(quai(&home, &["board", "Alpha", "--json", "--calls"])).await;
    let v = json(&out);
    let full = v["places"][0]["rows"][0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| trip_of(c) == Some("full"))
        .unwrap()
        .clone();
    let calls: Vec<(String, Timestamp, String)> = full["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["stop"].as_str().unwrap().to_string(),
                instant(&c["time"]),
                c["origin"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let start = f.start[0].1;
    let minutes = |m: i64| start + SignedDuration::from_mins(m);
    assert_eq!(
        calls,
        [
            ("Bravo".to_string(), minutes(10), "timetable".to_string()),
            ("Charlie".to_string(), minutes(20), "timetable".to_string()),
            ("Delta".to_string(), f.full_at_delta, "live".to_string()),
            ("Echo".to_string(), minutes(44), "live".to_string()),
        ]
    );
    let out = run(quai(&home, &["board", "Alpha", "--once", "--calls"])).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--calls s'utilise avec --json"),
        "{}",
        text(&out.stderr)
    );
    // The plain text says it too.
    let out = run(quai(
        &home,
        &["board", "Alpha", "--once", "--nb", "5", "--to", "Delta"],
    ))
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let screen = text(&out.stdout);
    assert!(screen.contains("Alpha → Delta"), "{screen}");
    let full = f.full_at_delta.to_zoned(jiff::tz::TimeZone::UTC);
    assert!(
        screen.contains(&format!("→ {}", full.strftime("%H:%M"))),
        "{screen}"
    );
}

/// A feed network of `feeds()`'s timetable and the trip updates
/// `updates`, its timetable compiled: its home, and the server (kept for
/// the test's length).
async fn feed_network(name: &str, updates: Vec<u8>) -> (std::path::PathBuf, support::Scripted) {
    let gtfs = feeds().gtfs;
    let server = support::Scripted::start(move |seen| {
        let body = if seen.path.ends_with(".zip") {
            gtfs.clone()
        } else {
            updates.clone()
        };
        support::Reply {
            status: 200,
            content_type: "application/octet-stream",
            body,
            delay: std::time::Duration::ZERO,
            with_length: true,
            headers: Vec::new(),
        }
    })
    .await;
    let home = support::home("destination", name);
    let dir = home.join(".config/quai");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "default_network = \"t\"\n\n[[network]]\nid = \"t\"\nname = \"Test\"\n\
             gtfs_url = \"{0}/gtfs.zip\"\ntrip_updates_url = \"{0}/trip-updates\"\n",
            server.url
        ),
    )
    .unwrap();
    let out = run(quai(&home, &["timetable", "update", "--network", "t"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    (home, server)
}

/// A cell of a board: when it leaves, its status, its arrival and where
/// that comes from.
type Cell = (Timestamp, String, Option<(Timestamp, String)>);

/// Trips the timetable does not have, with `--to`: an added trip (`ADDED`,
/// `NEW`) is kept when its update has a stop at the destination after the
/// board's, arriving at that stop's time (`live`); a copy (`DUPLICATED`)
/// goes along the stops of the trip it copies, at the update's times
/// there. Those that do not get there are left out.
#[tokio::test]
async fn added_and_duplicated_trips_go_where_their_updates_say() {
    use quai::network::gtfsrt::proto::TripProperties;
    // `full` leaves Alpha (S1) at `start` and calls every 10 minutes at
    // Bravo, Charlie, Delta (S4), Echo; `short` stops at Charlie.
    let start = feeds().start[0].1;
    let min = |m: i64| start + SignedDuration::from_secs(m * 60);
    let midnight = start
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp();
    let clock = |t: Timestamp| {
        let s = t.as_second() - midnight.as_second();
        format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    };
    let date = start
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .strftime("%Y%m%d")
        .to_string();
    let event = |t: Timestamp| StopTimeEvent {
        time: Some(t.as_second()),
        ..Default::default()
    };
    let call = |stop: u32, t: Timestamp| StopTimeUpdate {
        stop_id: Some(format!("S{stop}")),
        arrival: Some(event(t)),
        departure: Some(event(t)),
        ..Default::default()
    };
    let added = |id: &str, relationship: i32, calls: Vec<StopTimeUpdate>| FeedEntity {
        id: Some(id.into()),
        trip_update: Some(TripUpdate {
            trip: Some(TripDescriptor {
                trip_id: Some(id.into()),
                route_id: Some("R".into()),
                direction_id: Some(0),
                schedule_relationship: Some(relationship),
                ..Default::default()
            }),
            stop_time_update: calls,
            ..Default::default()
        }),
        ..Default::default()
    };
    let copy = |of: &str, leaves: Timestamp, calls: Vec<StopTimeUpdate>| FeedEntity {
        id: Some(format!("{of}-copy")),
        trip_update: Some(TripUpdate {
            trip: Some(TripDescriptor {
                trip_id: Some(of.into()),
                schedule_relationship: Some(6),
                ..Default::default()
            }),
            trip_properties: Some(TripProperties {
                trip_id: Some(format!("{of}-copy")),
                start_date: Some(date.clone()),
                start_time: Some(clock(leaves)),
            }),
            stop_time_update: calls,
            ..Default::default()
        }),
        ..Default::default()
    };
    // Soonest first, five of them: two that do not reach Delta, then
    // the copy of `full`, `full` itself, an added trip that does.
    let delta_late = StopTimeUpdate {
        stop_sequence: Some(4),
        stop_id: Some("S4".into()),
        arrival: Some(StopTimeEvent {
            delay: Some(120),
            ..Default::default()
        }),
        ..Default::default()
    };
    let message = FeedMessage {
        header: Some(FeedHeader {
            gtfs_realtime_version: Some("2.0".into()),
            incrementality: Some(0),
            timestamp: Some(u64::try_from(Timestamp::now().as_second()).unwrap()),
        }),
        entity: vec![
            // NEW (ADDED's successor), ending at Charlie.
            added("extra-short", 8, vec![call(1, min(-3)), call(3, min(17))]),
            copy("short", min(-2), Vec::new()),
            copy("full", min(-1), vec![delta_late]),
            // ADDED, at Delta after Alpha.
            added(
                "extra",
                1,
                vec![call(1, min(1)), call(2, min(11)), call(4, min(33))],
            ),
        ],
    };
    let (home, _server) = feed_network("added", message.encode_to_vec()).await;
    // Without --to, all five.
    let out = run(quai(&home, &["board", "Alpha", "--json", "--nb", "5"])).await;
    let v = json(&out);
    let cells = |v: &serde_json::Value| -> Vec<Cell> {
        v["places"][0]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["cells"].as_array().unwrap())
            .map(|c| {
                (
                    instant(&c["expected"]),
                    c["status"].as_str().unwrap().to_string(),
                    c.get("arrival").map(|a| {
                        (
                            instant(a),
                            c["arrival_origin"].as_str().unwrap().to_string(),
                        )
                    }),
                )
            })
            .collect()
    };
    // Rows are per destination (Charlie's, Echo's): the five soonest of
    // them.
    let mut leaving: Vec<(Timestamp, String)> = cells(&v)
        .into_iter()
        .map(|(at, status, _)| (at, status))
        .collect();
    leaving.sort();
    leaving.truncate(5);
    let added_at = |m| (min(m), "added".to_string());
    assert_eq!(
        leaving,
        [
            added_at(-3),
            added_at(-2),
            added_at(-1),
            (min(0), "normal".to_string()),
            added_at(1)
        ]
    );
    let out = run(quai(
        &home,
        &["board", "Alpha", "--json", "--nb", "5", "--to", "Delta"],
    ))
    .await;
    let v = json(&out);
    let live = |t| Some((t, "live".to_string()));
    // The first three (later trips of Echo's row reach Delta too).
    let mut reaching = cells(&v);
    reaching.truncate(3);
    assert_eq!(
        reaching,
        [
            // The copy of `full`: its Delta 30 minutes after it leaves,
            // 2 minutes late by its update.
            (min(-1), "added".to_string(), live(min(31))),
            (
                min(0),
                "normal".to_string(),
                Some((min(30), "timetable".to_string()))
            ),
            // The added trip: its update's time at Delta.
            (min(1), "added".to_string(), live(min(33))),
        ]
    );
}

// --- Favourites with a destination ------------------------------------------
