//! `quai networks check` on small feeds served on 127.0.0.1 (the demo
//! city's), each shaped like a broken set-up met on real networks.

use std::path::Path;

use prost::Message;
use std::process::Command;

use quai::demo::feedcity;

mod support;
use support::{run, text};

fn quai(home: &Path, args: &[&str]) -> Command {
    let mut cmd = support::quai_command(home, None);
    cmd.args(args);
    cmd.env("LANG", "en_GB.UTF-8");
    cmd
}

/// The trip updates URL serving vehicle positions and the vehicle
/// positions URL serving trip updates: each said, exit status 1.
#[tokio::test]
async fn feeds_swapped_are_each_reported() {
    let (home, server, _) = support::feed_city_home("check", "swapped", Some("SWAP"), true).await;
    let config = home.join(".config/quai/config.toml");
    let base = server.url();
    let settings = std::fs::read_to_string(&config)
        .unwrap()
        .replace(
            &format!("{base}{}", feedcity::VEHICLES_PATH),
            &format!("{base}{}", feedcity::TRIP_UPDATES_PATH),
        )
        .replace("SWAP", &format!("{base}{}", feedcity::VEHICLES_PATH));
    std::fs::write(&config, settings).unwrap();
    let out = run(quai(&home, &["timetable", "update", "--network", "mtl"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(quai(&home, &["networks", "check", "mtl"])).await;
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("trip updates: the URL serves vehicle positions"),
        "{said}"
    );
    assert!(
        said.contains("vehicle positions: the URL serves trip updates"),
        "{said}"
    );
    assert!(!said.contains("all good"), "{said}");
    let out = run(quai(&home, &["networks", "check", "mtl", "--json"])).await;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tu = &report["feeds"][0];
    assert_eq!(tu["feed"], "trip updates");
    assert_eq!(tu["serves"]["trip_updates"], 0, "{tu}");
    assert!(
        tu["serves"]["vehicle_positions"].as_u64().unwrap() > 0,
        "{tu}"
    );
    // Put right, the same network is all good.
    let (fine, _server, _) = support::feed_city_home("check", "right", None, true).await;
    let out = run(quai(&fine, &["timetable", "update", "--network", "mtl"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(quai(&fine, &["networks", "check", "mtl"])).await;
    assert!(out.status.success(), "{}", text(&out.stdout));
    let _ = std::fs::remove_dir_all(&home);
    let _ = std::fs::remove_dir_all(&fine);
}

/// A feed whose own time is far ahead of the clock (the clock set `--at`
/// 40 days before the timetable's first day): said, exit status 1.
#[tokio::test]
async fn a_feed_from_the_future_is_reported() {
    let (home, _server, _) = support::feed_city_home("check", "future", None, false).await;
    let out = run(quai(&home, &["timetable", "update", "--network", "mtl"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(quai(&home, &["networks", "check", "mtl", "--json"])).await;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let from = report["timetable"]["valid_from"]
        .as_str()
        .unwrap()
        .to_string();
    let before: jiff::civil::Date = from.parse().unwrap();
    let at = format!(
        "{} 12:00",
        before.checked_sub(jiff::Span::new().days(40)).unwrap()
    );
    let out = run(quai(&home, &["networks", "check", "mtl", "--at", &at])).await;
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("ahead of the clock"), "{said}");
    let _ = std::fs::remove_dir_all(&home);
}

// A tiny network of its own: the GTFS and the trip updates built here.

#[derive(Clone, PartialEq, prost::Message)]
struct Feed {
    #[prost(message, optional, tag = "1")]
    header: Option<Header>,
    #[prost(message, repeated, tag = "2")]
    entity: Vec<Entity>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct Header {
    #[prost(string, optional, tag = "1")]
    version: Option<String>,
    #[prost(uint64, optional, tag = "3")]
    timestamp: Option<u64>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct Entity {
    #[prost(string, optional, tag = "1")]
    id: Option<String>,
    #[prost(message, optional, tag = "3")]
    trip_update: Option<TripUpdate>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct TripUpdate {
    #[prost(message, optional, tag = "1")]
    trip: Option<Trip>,
    #[prost(message, repeated, tag = "2")]
    stop_time_update: Vec<StopUpdate>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct Trip {
    #[prost(string, optional, tag = "1")]
    trip_id: Option<String>,
    #[prost(int32, optional, tag = "4")]
    schedule_relationship: Option<i32>,
    #[prost(string, optional, tag = "5")]
    route_id: Option<String>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct StopUpdate {
    #[prost(uint32, optional, tag = "1")]
    stop_sequence: Option<u32>,
    #[prost(message, optional, tag = "2")]
    arrival: Option<Event>,
    #[prost(string, optional, tag = "4")]
    stop_id: Option<String>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct Event {
    #[prost(int32, optional, tag = "1")]
    delay: Option<i32>,
}

/// Wednesday 2026-06-10, 09:00 UTC: the feed's time.
const FEED_AT: &str = "2026-06-10T09:00:00Z";

fn update(trip: &str, route: Option<&str>, added: bool, stop: &str) -> Entity {
    Entity {
        id: Some(trip.to_string()),
        trip_update: Some(TripUpdate {
            trip: Some(Trip {
                trip_id: Some(trip.to_string()),
                schedule_relationship: added.then_some(1),
                route_id: route.map(str::to_string),
            }),
            stop_time_update: vec![StopUpdate {
                stop_sequence: None,
                arrival: Some(Event { delay: Some(60) }),
                stop_id: Some(stop.to_string()),
            }],
        }),
    }
}

/// The trip updates: a weekday trip (fine); a Sunday trip, which the
/// timetable has but does not run on a Wednesday; a trip the timetable
/// lacks; a route it lacks; a stop it lacks; two added trips without a
/// route.
fn trip_updates() -> Vec<u8> {
    let at = FEED_AT.parse::<jiff::Timestamp>().unwrap().as_second() as u64;
    Feed {
        header: Some(Header {
            version: Some("2.0".into()),
            timestamp: Some(at),
        }),
        entity: vec![
            update("WK1", None, false, "B"),
            update("SUN1", None, false, "B"),
            update("GHOST", None, false, "B"),
            update("WK2", Some("R9"), false, "B"),
            update("WK3", None, false, "ZZ"),
            update("NEW1", None, true, "A"),
            update("NEW2", None, true, "A"),
        ],
    }
    .encode_to_vec()
}

/// The timetable, valid from `from` (YYYYMMDD).
fn gtfs(from: &str) -> Vec<u8> {
    let mut stop_times =
        String::from("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    for trip in ["WK1", "WK2", "WK3", "SUN1"] {
        stop_times.push_str(&format!(
            "{trip},10:00:00,10:00:00,A,1\n{trip},10:10:00,10:10:00,B,2\n{trip},10:20:00,10:20:00,C,3\n"
        ));
    }
    quai::demo::gtfs::zip(&[
        (
            "agency.txt",
            "agency_id,agency_name,agency_url,agency_timezone\nT,Tiny,https://example.org,Europe/Paris\n"
                .into(),
        ),
        (
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon\nA,Alpha,45.0,5.0\nB,Bravo,45.01,5.0\nC,Charlie,45.02,5.0\n"
                .into(),
        ),
        (
            "routes.txt",
            "route_id,agency_id,route_short_name,route_long_name,route_type\nR1,T,1,Un,3\n".into(),
        ),
        (
            "trips.txt",
            "route_id,service_id,trip_id,trip_headsign,direction_id\nR1,WK,WK1,Charlie,0\n\
             R1,WK,WK2,Charlie,0\nR1,WK,WK3,Charlie,0\nR1,SUN,SUN1,Charlie,0\n"
                .into(),
        ),
        ("stop_times.txt", stop_times),
        (
            "calendar.txt",
            format!(
                "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
                 WK,1,1,1,1,1,0,0,{from},20271231\nSUN,0,0,0,0,0,0,1,{from},20271231\n"
            ),
        ),
    ])
    .unwrap()
}

/// A home whose settings name the tiny network, served on 127.0.0.1 with
/// its timetable valid from `from`; compiled.
async fn tiny_home(name: &str, from: &str) -> (std::path::PathBuf, support::Scripted) {
    let zip = gtfs(from);
    let feed = trip_updates();
    let server = support::Scripted::start(move |seen| {
        let body = match seen.path.as_str() {
            "/gtfs.zip" => zip.clone(),
            "/tu.pb" => feed.clone(),
            _ => return support::Reply::html(404, "not found"),
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
    let home = support::home("check", name);
    let config = home.join(".config/quai");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!(
            "default_network = \"tiny\"\n\n[[network]]\nid = \"tiny\"\nname = \"Tiny\"\n\
             gtfs_url = \"{0}/gtfs.zip\"\ntrip_updates_url = \"{0}/tu.pb\"\n",
            server.url
        ),
    )
    .unwrap();
    let out = run(quai(&home, &["timetable", "update", "--network", "tiny"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    (home, server)
}

/// Each problem of the updates' content named with its count, one
/// example and the validator's code where it has one; exit status 1.
#[tokio::test]
async fn what_the_updates_name_that_the_timetable_lacks_or_does_not_run_is_counted() {
    let (home, _server) = tiny_home("content", "20260101").await;
    let out = run(quai(
        &home,
        &["networks", "check", "tiny", "--json", "--at", FEED_AT],
    ))
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let find = |code: Option<&str>, word: &str| {
        findings
            .iter()
            .find(|f| f["code"].as_str() == code && f["text"].as_str().unwrap().contains(word))
            .map(|f| {
                (
                    f["count"].as_u64().unwrap(),
                    f["example"].as_str().unwrap().to_string(),
                )
            })
            .unwrap_or_else(|| panic!("{code:?} {word:?} in {findings:#?}"))
    };
    assert_eq!(find(Some("E003"), ""), (1, "GHOST".into()));
    assert_eq!(find(Some("E004"), ""), (1, "R9".into()));
    assert_eq!(find(Some("E011"), ""), (1, "ZZ".into()));
    assert_eq!(find(None, "do not run"), (1, "SUN1".into()));
    assert_eq!(find(None, "route_id"), (2, "NEW1".into()));
    assert_eq!(report["timetable"]["not_yet_valid"], false);
    let out = run(quai(&home, &["networks", "check", "tiny", "--at", FEED_AT])).await;
    let said = text(&out.stdout);
    assert!(
        said.contains("✗ E003: 1 updated trips are not in the timetable (e.g. GHOST)"),
        "{said}"
    );
    assert!(said.contains("do not run that day (e.g. SUN1)"), "{said}");
    let _ = std::fs::remove_dir_all(&home);
}

/// A timetable whose first day is after the feed's time is said.
#[tokio::test]
async fn a_timetable_not_yet_valid_at_the_feeds_time_is_reported() {
    let (home, _server) = tiny_home("early", "20260701").await;
    let out = run(quai(&home, &["networks", "check", "tiny", "--at", FEED_AT])).await;
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains(
            "the timetable is not valid yet at the feed's time: its first day is 2026-07-01"
        ),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&home);
}

/// A stale feed is the validator's W008, in `--json`'s `findings` like the
/// others; the French text puts its space before the colon after a code
/// ("E003 :"); a feed ahead of the clock is said ahead, by how much, not
/// "0 s old".
#[tokio::test]
async fn a_stale_feed_is_w008_and_a_feed_ahead_is_said_ahead() {
    let (home, _server) = tiny_home("stale", "20260101").await;
    let french = |args: &[&str]| {
        let mut cmd = quai(&home, args);
        cmd.env("LANG", "fr_FR.UTF-8");
        cmd
    };
    // Three years after the feed's time.
    let later = "2029-06-10T09:00:00Z";
    let out = run(quai(
        &home,
        &["networks", "check", "tiny", "--json", "--at", later],
    ))
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let stale = findings
        .iter()
        .find(|f| f["code"] == "W008")
        .unwrap_or_else(|| panic!("W008 in {findings:#?}"));
    assert_eq!(stale["count"], 1, "{stale}");
    assert_eq!(stale["example"], "trip updates", "{stale}");
    assert!(
        stale["text"].as_str().unwrap().contains("3 years old"),
        "{stale}"
    );
    let out = run(french(&["networks", "check", "tiny", "--at", later])).await;
    let said = text(&out.stdout);
    assert!(said.contains("✗ W008 : "), "{said}");
    assert!(said.contains("le flux date de 3 ans"), "{said}");
    assert!(said.contains("✗ E003 : 1 courses"), "{said}");
    assert!(!said.contains("E003:"), "{said}");
    // Thirty days (and five minutes) before it.
    let before = "2026-05-11T08:55:00Z";
    let out = run(french(&["networks", "check", "tiny", "--at", before])).await;
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("données en avance de 30 jours sur l'horloge"),
        "{said}"
    );
    assert!(!said.contains("vieilles de 0 s"), "{said}");
    assert!(said.contains("30 jours en avance sur l'horloge"), "{said}");
    let _ = std::fs::remove_dir_all(&home);
}
