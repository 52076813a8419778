//! A network defined in the settings by its feeds (`[[network]]`), as a
//! user runs it: its timetable compiled from the demo server's GTFS, its
//! board live from the GTFS-Realtime feeds, in English under an English
//! locale, with the network's own UTC offset in `--json`; the timetable
//! when the feed stops; `quai networks` and `quai networks check`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use quai::demo::{DemoServer, feedcity};

mod support;
use support::{run, text};

/// The demo city's feeds as the default network.
async fn setup(name: &str) -> (PathBuf, DemoServer, PathBuf) {
    support::feed_city_home("feeds", name, None, true).await
}

fn quai(home: &Path, args: &[&str]) -> Command {
    let mut cmd = support::quai_command(home, None);
    cmd.args(args);
    cmd
}

fn english(mut cmd: Command) -> Command {
    cmd.env("LANG", "en_GB.UTF-8");
    cmd
}

async fn compiled(home: &Path) {
    let out = run(quai(home, &["timetable", "update", "--network", "mtl"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("mtl"), "{}", text(&out.stdout));
}

#[tokio::test]
async fn a_network_from_its_feeds_is_live_in_english_with_its_own_offset() {
    let (home, _server, _) = setup("live").await;
    compiled(&home).await;
    let out = run(english(quai(
        &home,
        &["board", "--once", "mont-royal", "place d'armes"],
    )))
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let screen = text(&out.stdout);
    for words in [
        "quai · Montréal",
        "Mont-Royal",
        "+2 min",
        "scheduled",
        "updated",
        "Roadworks",
    ] {
        assert!(screen.contains(words), "{words:?} in:\n{screen}");
    }
    for french in ["théorique", "mis à jour", "Travaux"] {
        assert!(!screen.contains(french), "{french:?} in:\n{screen}");
    }
    let out = run(quai(&home, &["board", "--json", "mont-royal"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cells: Vec<&serde_json::Value> = json["places"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap())
        .collect();
    let late = cells
        .iter()
        .find(|c| c["delay_minutes"] == 2)
        .expect("route 10 runs 2 min late");
    let (expected, aimed) = (
        late["expected"].as_str().unwrap(),
        late["aimed"].as_str().unwrap(),
    );
    assert!(
        expected.ends_with("-05:00") || expected.ends_with("-04:00"),
        "Montréal's offset: {expected}"
    );
    assert!(aimed < expected, "{aimed} < {expected}");
    assert_eq!(late["status"], "delayed");
    assert_eq!(late["origin"], "located");
    // French by default: the contract words unchanged.
    let out = run(quai(&home, &["board", "--once", "mont-royal"])).await;
    let screen = text(&out.stdout);
    assert!(screen.contains("mis à jour il y a"), "{screen}");
    assert!(screen.contains("Travaux rue Saint-Denis"), "{screen}");
}

#[tokio::test]
async fn when_the_feed_stops_the_timetable_shows_and_networks_check_says_why() {
    let (home, _server, fault) = setup("fallback").await;
    compiled(&home).await;
    std::fs::write(&fault, "503 trip-updates").unwrap();
    let out = run(quai(&home, &["board", "--once", "mont-royal"])).await;
    let screen = text(&out.stdout);
    assert!(
        screen.contains("horaires théoriques · HTTP 503"),
        "{screen}"
    );
    assert!(screen.contains("théorique"), "{screen}");
    let out = run(quai(&home, &["networks", "check", "mtl"])).await;
    assert!(!out.status.success(), "a failing feed is a problem");
    assert!(
        text(&out.stdout).contains("HTTP 503"),
        "{}",
        text(&out.stdout)
    );
    std::fs::write(&fault, "stale trip-updates").unwrap();
    let out = run(english(quai(&home, &["networks", "check", "mtl"]))).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stdout).contains("not live"),
        "{}",
        text(&out.stdout)
    );
    std::fs::write(&fault, "").unwrap();
    let out = run(quai(&home, &["networks", "check", "mtl"])).await;
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("tout va bien"),
        "{}",
        text(&out.stdout)
    );
    let out = run(quai(&home, &["networks", "--json"])).await;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mtl = json
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "mtl")
        .unwrap();
    assert_eq!(mtl["kind"], "gtfs-realtime");
    assert_eq!(mtl["timetable"]["trip_stops"], true);
    assert!(mtl["feeds"][0]["entities"].as_u64().unwrap() > 0);
    // No timetable yet: said, with the command that compiles it.
    let (bare, _s, _) = setup("bare").await;
    let out = run(quai(&bare, &["networks", "check", "mtl"])).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stdout).contains("quai timetable update --network mtl"),
        "{}",
        text(&out.stdout)
    );
}

/// A board mixing networks of several zones writes each place's times in
/// its own network's offset: Montréal's beside Paris's.
#[tokio::test]
async fn a_mixed_board_gives_each_place_its_own_networks_offset() {
    let home = support::home("feeds", "mixed-zones");
    let out = run(quai(&home, &["demo", "--json"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let board: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let offsets = |name: &str| -> Vec<String> {
        let place = board["places"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} on the demo board"));
        place["rows"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["cells"].as_array().unwrap().clone())
            .filter_map(|c| c["aimed"].as_str().map(|t| t[19..].to_string()))
            .collect()
    };
    let montreal = offsets("Mont-Royal");
    assert!(!montreal.is_empty(), "Mont-Royal has times");
    assert!(
        montreal.iter().all(|o| o == "-05:00" || o == "-04:00"),
        "{montreal:?}"
    );
    let paris = offsets("Gare de Lyon");
    assert!(!paris.is_empty(), "Gare de Lyon has times");
    assert!(
        paris.iter().all(|o| o == "+01:00" || o == "+02:00"),
        "{paris:?}"
    );
}

/// The clock `HH:MM` of `zone` now, and a minute later (a run may cross
/// a minute).
fn clocks_of(zone: &str) -> [String; 2] {
    let now = jiff::Timestamp::now();
    let tz = jiff::tz::TimeZone::get(zone).unwrap();
    let at = |t: jiff::Timestamp| t.to_zoned(tz.clone()).strftime("%H:%M").to_string();
    [at(now), at(now + jiff::SignedDuration::from_secs(60))]
}

/// `--offline` on a network of another zone than Paris's: the header's
/// clock (and `--json`'s) is that network's, not Paris's; `timetable
/// status` says when it was fetched with the offset, on a machine in UTC.
#[tokio::test]
async fn offline_and_timetable_status_show_the_networks_own_zone() {
    let (home, _server, _) = setup("offline-zone").await;
    compiled(&home).await;
    let out = run(quai(&home, &["board", "--offline", "--json", "mont-royal"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let clock = json["clock"].as_str().unwrap_or_default();
    let montreal = clocks_of(feedcity::ZONE);
    assert!(
        montreal.iter().any(|c| clock.starts_with(c.as_str())),
        "the clock {clock:?} is Montréal's {montreal:?}, not Paris's {:?}",
        clocks_of("Europe/Paris")
    );
    let mut status = quai(&home, &["timetable", "status", "--network", "mtl"]);
    status.env("TZ", "UTC");
    let out = run(status).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("UTC−5") || said.contains("UTC−4"),
        "fetched and compiled with Montréal's offset:\n{said}"
    );
}

/// The instant `board --json` says it is.
fn board_now(out: &Output) -> jiff::Timestamp {
    assert!(
        out.status.success() || out.status.code() == Some(3),
        "{}",
        text(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}{}", text(&out.stdout), text(&out.stderr)));
    let now = json["now"].as_str().unwrap();
    jiff::Zoned::strptime("%Y-%m-%dT%H:%M:%S%:z", now)
        .map(|z| z.timestamp())
        .or_else(|_| now.parse())
        .unwrap_or_else(|e| panic!("{now}: {e}"))
}

/// `--at "YYYY-MM-DD HH:MM"`, `--at HH:MM` and `QUAI_AT` on a board are
/// read in the zone of the network of the first place asked (its prefix,
/// else the default network), not in Paris's.
#[tokio::test]
async fn at_is_read_in_the_zone_of_the_first_places_network() {
    let (home, _server, _) = setup("at-zone").await;
    compiled(&home).await;
    let montreal = jiff::tz::TimeZone::get(feedcity::ZONE).unwrap();
    let eight = jiff::civil::date(2026, 12, 7)
        .at(8, 0, 0, 0)
        .to_zoned(montreal.clone())
        .unwrap()
        .timestamp();
    let near = |at: jiff::Timestamp, wanted: jiff::Timestamp| {
        assert!(
            (at.as_second() - wanted.as_second()).abs() <= 30,
            "{at} is not {wanted} ({})",
            wanted.to_zoned(montreal.clone())
        );
    };
    // The default network's zone.
    let args = ["board", "--json", "--at", "2026-12-07 08:00", "mont-royal"];
    near(board_now(&run(quai(&home, &args)).await), eight);
    let mut cmd = quai(&home, &["board", "--json", "mont-royal"]);
    cmd.env("QUAI_AT", "2026-12-07 08:00");
    near(board_now(&run(cmd).await), eight);
    // The first place's network, the default being another (Ginko's,
    // in Paris).
    let settings = home.join(".config/quai/config.toml");
    let text_of = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        text_of.replace("default_network = \"mtl\"\n", ""),
    )
    .unwrap();
    let args = [
        "board",
        "--json",
        "--at",
        "2026-12-07 08:00",
        "mtl:mont-royal",
    ];
    near(board_now(&run(quai(&home, &args)).await), eight);
    let mut cmd = quai(&home, &["board", "--json", "mtl:mont-royal"]);
    cmd.env("QUAI_AT", "2026-12-07 08:00");
    near(board_now(&run(cmd).await), eight);
    // "HH:MM": 08:00 today in Montréal.
    let args = ["board", "--json", "--at", "08:00", "mtl:mont-royal"];
    let at = board_now(&run(quai(&home, &args)).await).to_zoned(montreal.clone());
    assert_eq!((at.hour(), at.minute()), (8, 0), "{at}");
}
