//! `quai publish` against a real Mosquitto started here on 127.0.0.1, and
//! the demo server: retained boards, status and its last will, Home
//! Assistant discovery and its removal, a broker restart mid-run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quai::demo::{self, ServerOptions};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};

mod support;

/// A Mosquitto of its own, on a free port; killed when dropped.
struct Mosquitto {
    port: u16,
    conf: PathBuf,
    child: Child,
}

fn mosquitto_binary() -> PathBuf {
    for dir in std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .chain(["/usr/sbin", "/usr/local/sbin"])
    {
        let p = Path::new(dir).join("mosquitto");
        if p.is_file() {
            return p;
        }
    }
    panic!(
        "mosquitto is needed for this test: scripts/test installs it, or skips these tests \
         and says so when it cannot (sudo apt-get install mosquitto)"
    );
}

impl Mosquitto {
    fn start(name: &str) -> Mosquitto {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = support::home("mqtt-broker", name);
        let conf = dir.join("mosquitto.conf");
        std::fs::write(
            &conf,
            format!("listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"),
        )
        .unwrap();
        let child = Mosquitto::spawn(&conf);
        let m = Mosquitto { port, conf, child };
        m.wait_listening();
        m
    }

    fn spawn(conf: &Path) -> Child {
        Command::new(mosquitto_binary())
            .arg("-c")
            .arg(conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    fn wait_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "mosquitto did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops and starts again on the same port (its retained messages gone).
    fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(500));
        self.child = Mosquitto::spawn(&self.conf);
        self.wait_listening();
    }

    fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every message seen on `#`, the last per topic.
#[derive(Clone)]
struct Seen(Arc<Mutex<HashMap<String, Vec<u8>>>>);

impl Seen {
    fn get(&self, topic: &str) -> Option<Vec<u8>> {
        self.0.lock().unwrap().get(topic).cloned()
    }

    fn text(&self, topic: &str) -> Option<String> {
        self.get(topic)
            .map(|b| String::from_utf8_lossy(&b).to_string())
    }

    async fn wait(&self, what: &str, seconds: u64, ok: impl Fn(&Seen) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        while !ok(self) {
            if Instant::now() > deadline {
                let topics: Vec<String> = self.0.lock().unwrap().keys().cloned().collect();
                panic!("{what}: not seen in {seconds} s; topics seen: {topics:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A subscriber of everything, from now on (and the retained messages).
async fn subscriber(port: u16, name: &str) -> (Seen, AsyncClient) {
    let mut options = MqttOptions::new(
        format!("test-{name}-{}", std::process::id()),
        "127.0.0.1",
        port,
    );
    options.set_max_packet_size(1 << 20, 1 << 20);
    let (client, mut eventloop) = AsyncClient::new(options, 64);
    client.subscribe("#", QoS::AtLeastOnce).await.unwrap();
    let seen = Seen(Arc::new(Mutex::new(HashMap::new())));
    let store = seen.clone();
    tokio::spawn(async move {
        loop {
            match eventloop.poll().await {
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    store
                        .0
                        .lock()
                        .unwrap()
                        .insert(p.topic.clone(), p.payload.to_vec());
                }
                Ok(_) => {}
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    });
    (seen, client)
}

/// `quai publish PLACES… --broker URL`, against the demo server.
fn publisher(home: &Path, server: &str, broker: &str, places: &[&str]) -> Child {
    let mut cmd = support::quai_command(home, Some((server, demo::DEMO_KEY)));
    cmd.arg("publish")
        .args(places)
        .args(["--broker", broker, "--refresh", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.spawn().unwrap()
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const BOARD: &str = "quai/ginko/crous-universite/board";
const SENSOR: &str =
    "homeassistant/sensor/quai_ginko_crous-universite_l3-centre-ville-8-septembre/config";

fn board_of(seen: &Seen, topic: &str) -> Option<serde_json::Value> {
    serde_json::from_slice(&seen.get(topic)?).ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boards_status_and_discovery_are_retained_and_the_last_will_says_offline() {
    let broker = Mosquitto::start("retained");
    let server = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("mqtt", "retained");
    let mut child = Killed(publisher(
        &home,
        &server.url(),
        &broker.url(),
        &["crous", "ile de france"],
    ));
    let (live, _c) = subscriber(broker.port, "live").await;
    live.wait("the board", 20, |s| {
        board_of(s, BOARD).is_some_and(|b| b["fetched_at"].is_string())
    })
    .await;

    // A screen that comes later gets everything at once, retained.
    let (late, _c2) = subscriber(broker.port, "late").await;
    late.wait("retained topics", 10, |s| {
        s.text("quai/status").as_deref() == Some("online")
            && s.get(BOARD).is_some()
            && s.get(SENSOR).is_some()
            && s.get("quai/ginko/messages").is_some()
    })
    .await;
    let board = board_of(&late, BOARD).unwrap();
    assert_eq!(board["places"].as_array().unwrap().len(), 1);
    assert_eq!(board["places"][0]["name"], "Crous Université");
    assert!(!board["places"][0]["rows"].as_array().unwrap().is_empty());
    let config: serde_json::Value = serde_json::from_slice(&late.get(SENSOR).unwrap()).unwrap();
    assert_eq!(
        config["state_topic"],
        "quai/ginko/crous-universite/l3-centre-ville-8-septembre/state"
    );
    assert_eq!(config["availability"][0]["topic"], "quai/status");
    assert_eq!(
        config["device"]["identifiers"][0],
        "quai_ginko_crous-universite"
    );
    assert_eq!(config["unit_of_measurement"], "min");
    let state: serde_json::Value = serde_json::from_slice(
        &late
            .get("quai/ginko/crous-universite/l3-centre-ville-8-septembre/state")
            .unwrap(),
    )
    .unwrap();
    assert_eq!(state["line"], "L3");
    assert!(state["departures"].is_array());
    assert!(state["now"].is_string() && state["fetched_at"].is_string());
    let messages: serde_json::Value =
        serde_json::from_slice(&late.get("quai/ginko/messages").unwrap()).unwrap();
    assert!(messages.as_array().is_some_and(|m| !m.is_empty()));
    assert!(
        late.get("homeassistant/binary_sensor/quai_ginko_line_102_disruption/config")
            .is_some()
    );

    // The publisher dies: the broker plays its will.
    let _ = child.0.kill();
    late.wait("the last will", 10, |s| {
        s.text("quai/status").as_deref() == Some("offline")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_restart_mid_run_is_survived_and_everything_is_published_again() {
    let mut broker = Mosquitto::start("restart");
    let server = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("mqtt", "restart");
    let _child = Killed(publisher(&home, &server.url(), &broker.url(), &["crous"]));
    let (seen, _c) = subscriber(broker.port, "before").await;
    seen.wait("the board", 20, |s| s.get(BOARD).is_some()).await;
    // A screen, connected before the restart.
    let screen = quai::mqtt::subscribe::Subscribed::connect(
        &quai::mqtt::Broker::parse(&broker.url()).unwrap(),
        None,
        "quai",
        quai::network::registry::Networks::default(),
    );
    use quai::network::Network;
    let stops = screen.stops().await.unwrap().stops;
    let ids: Vec<String> = stops.iter().map(|s| s.id.clone()).collect();
    let lines = screen.lines_at(&ids).await.unwrap();
    let rows: Vec<quai::network::RowRequest> = lines
        .iter()
        .map(|l| quai::network::RowRequest {
            place: "Crous Université".into(),
            stop_ids: ids.clone(),
            line_id: l.line.id.clone(),
            outbound: l.outbound,
            destination: l.destination.clone(),
        })
        .collect();
    let nb = quai::network::PerRow::new(2).unwrap();
    // A refresh while the broker is away fails: the rows shown stay.
    let fresh = |results: &Result<Vec<quai::network::RowResult>, quai::network::NetError>| {
        results
            .as_ref()
            .is_ok_and(|r| r.iter().all(|r| r.error.is_none() && r.in_answer))
    };
    assert!(fresh(&screen.departures(&rows, nb).await));

    broker.restart();
    // The screen sees the broker go, then recovers on its own.
    let deadline = Instant::now() + Duration::from_secs(45);
    let mut went = false;
    loop {
        let results = screen.departures(&rows, nb).await;
        went |= !fresh(&results);
        if went && fresh(&results) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the screen did not recover (went: {went})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The restarted broker holds nothing: what it gets, the publisher sent
    // again after reconnecting.
    let (after, _c2) = subscriber(broker.port, "after").await;
    after
        .wait("the board again", 45, |s| {
            s.get(BOARD).is_some() && s.text("quai/status").as_deref() == Some("online")
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_place_no_longer_published_has_its_discovery_config_emptied() {
    let broker = Mosquitto::start("removal");
    let server = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("mqtt", "removal");
    let gone = "homeassistant/sensor/quai_ginko_ile-de-france_t1-chalezeule/config";
    let (seen, _c) = subscriber(broker.port, "removal").await;
    {
        let _first = Killed(publisher(
            &home,
            &server.url(),
            &broker.url(),
            &["crous", "ile de france"],
        ));
        seen.wait("both places' configs", 20, |s| {
            s.get(gone).is_some_and(|p| !p.is_empty()) && s.get(SENSOR).is_some()
        })
        .await;
        // Its record of what it announced is written once all are queued.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let _second = Killed(publisher(&home, &server.url(), &broker.url(), &["crous"]));
    seen.wait("the config of the place left out, emptied", 20, |s| {
        s.get(gone).is_some_and(|p| p.is_empty())
    })
    .await;
    assert!(
        seen.get(SENSOR).is_some_and(|p| !p.is_empty()),
        "the other place stays"
    );
}

#[tokio::test]
async fn the_topics_of_the_places_are_listed() {
    let server = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("mqtt", "list");
    let mut cmd = support::quai_command(&home, Some((&server.url(), demo::DEMO_KEY)));
    cmd.args(["publish", "crous", "--list-topics"]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("quai/status\t"), "{stdout}");
    assert!(
        stdout.contains(&format!("{BOARD}\tCrous Université")),
        "{stdout}"
    );
    assert!(
        stdout.contains("quai/ginko/crous-universite/l3-centre-ville-8-septembre/state\tL3 → Centre-ville - 8 Septembre"),
        "{stdout}"
    );
    assert!(stdout.contains("quai/ginko/messages\t"), "{stdout}");
}

/// `quai board --from mqtt://… ARGS`, with no key at all.
async fn screen(home: &Path, broker: &str, args: &[&str]) -> (bool, String, String) {
    let (status, stdout, stderr) = screen_status(home, broker, args).await;
    (status == Some(0), stdout, stderr)
}

/// [`screen`] with its exit status: `3` when the board was printed but
/// some place shows no live data (docs/json.md).
async fn screen_status(home: &Path, broker: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = support::quai_command(home, None);
    cmd.arg("board").args(args).args(["--from", broker]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_reads_the_boards_from_the_broker_with_no_key_and_sees_the_publisher_go() {
    let broker = Mosquitto::start("screen");
    let server = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("mqtt", "screen");
    let mut child = Killed(publisher(&home, &server.url(), &broker.url(), &["crous"]));
    let (seen, _c) = subscriber(broker.port, "screen").await;
    seen.wait("the board", 20, |s| {
        board_of(s, BOARD).is_some_and(|b| b["fetched_at"].is_string())
    })
    .await;
    let published = board_of(&seen, BOARD).unwrap();

    let screen_home = support::home("mqtt", "screen-home");
    let (ok, stdout, stderr) = screen(&screen_home, &broker.url(), &["crous", "--json"]).await;
    assert!(ok, "{stderr}");
    let shown: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let place = &shown["places"][0];
    assert_eq!(place["name"], "Crous Université");
    let rows = |b: &serde_json::Value| -> Vec<(String, String)> {
        b["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["line"]["number"].as_str().unwrap().to_string(),
                    r["destination"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let mut mine = rows(place);
    let mut theirs = rows(&published["places"][0]);
    mine.sort();
    theirs.sort();
    assert_eq!(mine, theirs, "the same rows as published");
    assert!(place["problem"].is_null(), "{place}");

    // The publisher dies: its will says so, and the screen too.
    let _ = child.0.kill();
    seen.wait("the last will", 10, |s| {
        s.text("quai/status").as_deref() == Some("offline")
    })
    .await;
    let (status, stdout, stderr) =
        screen_status(&screen_home, &broker.url(), &["crous", "--once"]).await;
    assert_eq!(status, Some(3), "no live data: {stderr}");
    assert!(
        stdout.contains("Crous Université · publication interrompue"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_malformed_and_huge_payloads_on_board_topics_are_survived() {
    let broker = Mosquitto::start("hostile");
    let (_seen, client) = subscriber(broker.port, "hostile").await;
    let hostile = serde_json::json!({
        "now": "2026-12-02T08:00:00Z",
        "fetched_at": "2026-12-02T08:00:00Z",
        "places": [{
            "name": "Evil \u{1b}[2J\u{1b}]0;title\u{7} place",
            "rows": [{
                "line": {"id": "x", "number": "\u{1b}[31mX", "background": [1, 2, 3000]},
                "outbound": true,
                "destination": "\u{202e}dest\u{9b}31m",
                "via": "",
                "cells": [{"shown": {"kind": "notice", "text": "\u{1b}[5mboom"}, "origin": "located", "status": "weird", "gauge": {"Bar": [99, "high"]}, "seconds": -5}]
            }]
        }]
    });
    let publish = |topic: &str, payload: Vec<u8>| {
        let client = client.clone();
        let topic = topic.to_string();
        async move {
            client
                .publish(topic, QoS::AtLeastOnce, true, payload)
                .await
                .unwrap()
        }
    };
    publish("quai/ginko/evil/board", hostile.to_string().into_bytes()).await;
    publish("quai/ginko/broken/board", b"{\"places\": [".to_vec()).await;
    publish("quai/ginko/shape/board", b"[1, 2, 3]".to_vec()).await;
    let mut huge = hostile.clone();
    huge["places"][0]["name"] = serde_json::json!("Huge");
    huge["padding"] = serde_json::json!("x".repeat(400 * 1024));
    publish("quai/ginko/huge/board", huge.to_string().into_bytes()).await;
    publish("quai/status", b"online".to_vec()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let home = support::home("mqtt", "hostile-screen");
    let (status, stdout, stderr) = screen_status(&home, &broker.url(), &["evil", "--once"]).await;
    // A board is printed: live (0) or with a place that is not (3).
    assert!(matches!(status, Some(0 | 3)), "{status:?} {stderr}");
    assert!(stdout.contains("Evil"), "{stdout}");
    for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
        assert!(
            !stdout.contains(bad),
            "{bad:?} reached the screen: {stdout:?}"
        );
    }
    // The malformed and the too large are not places at all.
    for name in ["broken", "shape", "huge"] {
        let (ok, _, stderr) = screen(&home, &broker.url(), &[name, "--once"]).await;
        assert!(!ok, "{name}");
        assert!(
            stderr.contains("pas de tel lieu") || stderr.contains("aucun lieu"),
            "{name}: {stderr}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_with_nothing_published_falls_back_to_its_local_timetable() {
    let broker = Mosquitto::start("fallback");
    let server = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("mqtt", "fallback-screen");
    let mut cmd = support::quai_command(&home, None);
    cmd.args(["timetable", "update", "--from"])
        .arg(format!("{}/gtfs-ginko.zip", server.url()));
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // No publisher at all on this broker.
    let (status, stdout, stderr) =
        screen_status(&home, &broker.url(), &["ile de france", "--once"]).await;
    assert_eq!(status, Some(3), "no live data: {stderr}");
    assert!(
        stdout.contains("Ile de France · horaires théoriques · publication interrompue"),
        "{stdout}"
    );
    assert!(stdout.contains("théorique"), "{stdout}");
}

/// A screen started with nothing published and no timetable uses the
/// timetable compiled afterwards, within seconds, without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_uses_a_local_timetable_compiled_after_it_started() {
    let broker = Mosquitto::start("later-timetable");
    let home = support::home("mqtt", "later-timetable");
    let zip = home.join("feed.zip");
    let today = jiff::Zoned::now().in_tz("Europe/Paris").unwrap().date();
    std::fs::write(&zip, demo::gtfs::feed("ginko", today).unwrap()).unwrap();
    let command = format!(
        "env -i HOME={home} PATH=/usr/bin:/bin TERM=xterm-256color \
         {bin} board 'ile de france' --from {url}; sleep 10",
        home = home.display(),
        bin = env!("CARGO_BIN_EXE_quai"),
        url = broker.url(),
    );
    let dir = home.clone();
    let (before, compiled, after) = tokio::task::spawn_blocking(move || {
        let screen = support::Terminal::start(&dir, &command, 100, 30);
        let before = screen.wait("the screen without data", 20, |s| {
            s.contains("publi") && !s.contains("Chargement")
        });
        let mut update = support::quai_command(&dir, None);
        update.args(["timetable", "update", "--from"]).arg(&zip);
        let compiled = update.output().unwrap();
        let after = screen.wait("the timetable's times", 40, |s| s.contains("théorique"));
        screen.keys(&["q"]);
        (before, compiled, after)
    })
    .await
    .unwrap();
    assert!(!before.contains("théorique"), "{before}");
    assert!(
        compiled.status.success(),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    assert!(after.contains("Ile de France"), "{after}");
    assert!(after.contains("théorique"), "{after}");
}

/// A screen whose broker refuses the connection says so: not "nothing
/// published yet".
#[tokio::test]
async fn a_screen_whose_broker_refuses_says_it_is_unreachable() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let home = support::home("mqtt", "refused");
    let url = format!("mqtt://127.0.0.1:{port}");
    let (ok, _, stderr) = screen(&home, &url, &["crous", "--once"]).await;
    assert!(!ok);
    assert!(stderr.contains("injoignable"), "{stderr}");
    assert!(!stderr.contains("pour l'instant"), "{stderr}");
}

/// `quai --demo publish PLACES… --broker URL`: the demo's networks, no key.
fn demo_publisher(home: &Path, broker: &str, places: &[&str]) -> Child {
    let mut cmd = support::quai_command(home, None);
    cmd.args(["--demo", "publish"])
        .args(places)
        .args(["--broker", broker, "--refresh", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.spawn().unwrap()
}

/// A live board in a terminal of its own: `quai ARGS` with `home` as HOME.
fn live(home: &Path, args: &str) -> support::Terminal {
    let command = format!(
        "env -i HOME={home} PATH=/usr/bin:/bin TERM=xterm-256color {bin} {args}; sleep 10",
        home = home.display(),
        bin = env!("CARGO_BIN_EXE_quai"),
    );
    support::Terminal::start(home, &command, 100, 30)
}

/// The banner and the rows of a board's screen (line-state mark, line,
/// destination), without the headings (the network names differ) and the
/// times (they move).
fn banner_and_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip(1)
        .take_while(|l| !l.contains("mis à jour") && !l.contains("données de"))
        .filter(|l| !l.contains('─') && !l.trim().is_empty())
        .map(|l| {
            if l.trim_start().starts_with('⚠') {
                l.trim().to_string()
            } else {
                l.chars()
                    .take(50)
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            }
        })
        .collect()
}

/// A screen started after the publisher shows what was published before
/// it: the retained messages (the banner, `i`) and line states (the rows'
/// marks), and its rows in the direct board's order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_started_after_the_publisher_shows_the_direct_boards_messages_marks_and_order() {
    let broker = Mosquitto::start("late-screen");
    let home = support::home("mqtt", "late-screen-publisher");
    let places = ["crous", "gare de lyon"];
    let _child = Killed(demo_publisher(&home, &broker.url(), &places));
    let (seen, _c) = subscriber(broker.port, "late-screen").await;
    seen.wait("the boards and messages", 30, |s| {
        s.get("quai/idfm/messages").is_some()
            && board_of(s, "quai/idfm/gare-de-lyon/board").is_some()
            && board_of(s, BOARD).is_some()
    })
    .await;
    let url = broker.url();
    let direct_home = support::home("mqtt", "late-screen-direct");
    let screen_home = support::home("mqtt", "late-screen-screen");
    let (direct, screen, info) = tokio::task::spawn_blocking(move || {
        let direct = live(&direct_home, "--demo board crous 'gare de lyon'");
        let direct = direct.wait("the direct board", 30, |s| {
            s.contains('⚠') && s.contains("Montparnasse") && s.contains("mis à jour")
        });
        let screen = live(
            &screen_home,
            &format!("board crous 'gare de lyon' --from {url}"),
        );
        let shown = screen.wait("the banner on the screen", 20, |s| {
            s.contains('⚠') && s.contains("Montparnasse")
        });
        screen.keys(&["i"]);
        let info = screen.wait("the messages", 10, |s| s.contains("Métro 1"));
        screen.keys(&["q"]);
        (direct, shown, info)
    })
    .await
    .unwrap();
    let (direct, screen) = (banner_and_rows(&direct), banner_and_rows(&screen));
    assert!(direct.len() > 5, "{direct:#?}");
    assert!(direct[0].starts_with('⚠'), "{direct:#?}");
    assert_eq!(screen, direct, "the screen, then the direct board");
    assert!(!info.contains("aucune information"), "{info}");
}

/// A closed broker port with a local timetable: the screen says at once
/// that the broker is unreachable, not that nothing is published.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_with_a_timetable_whose_broker_refuses_says_it_is_unreachable_at_once() {
    let server = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("mqtt", "refused-timetable");
    let mut cmd = support::quai_command(&home, None);
    cmd.args(["timetable", "update", "--from"])
        .arg(format!("{}/gtfs-ginko.zip", server.url()));
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("mqtt://127.0.0.1:{port}");
    let started = Instant::now();
    let (status, stdout, stderr) = screen_status(&home, &url, &["ile de france", "--once"]).await;
    let took = started.elapsed();
    assert_eq!(status, Some(3), "no live data: {stderr}");
    assert!(stdout.contains("théorique"), "{stdout}");
    assert!(
        stdout.contains(&format!("broker {url} injoignable")),
        "{stdout}"
    );
    assert!(!stdout.contains("publication interrompue"), "{stdout}");
    assert!(!stdout.contains("rien de publié"), "{stdout}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

/// After the publisher stops, the status line gives the age of the data,
/// not the time since the screen last read the broker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_publisher_stops_the_screen_does_not_read_as_fresh() {
    let broker = Mosquitto::start("stopped");
    let server = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("mqtt", "stopped");
    let mut child = Killed(publisher(&home, &server.url(), &broker.url(), &["crous"]));
    let (seen, _c) = subscriber(broker.port, "stopped").await;
    seen.wait("the board", 20, |s| board_of(s, BOARD).is_some())
        .await;
    let screen_home = support::home("mqtt", "stopped-screen");
    let url = broker.url();
    let terminal = tokio::task::spawn_blocking(move || {
        let terminal = live(&screen_home, &format!("board crous --from {url}"));
        terminal.wait("the rows", 20, |s| {
            s.contains("Centre-ville") && s.contains("mis à jour")
        });
        terminal
    })
    .await
    .unwrap();
    let _ = child.0.kill();
    seen.wait("the last will", 10, |s| {
        s.text("quai/status").as_deref() == Some("offline")
    })
    .await;
    let after = tokio::task::spawn_blocking(move || {
        let after = terminal.wait("the interruption on the status line", 40, |s| {
            s.contains("dernière publication il y a") && s.contains("Centre-ville")
        });
        // The next refreshes too.
        std::thread::sleep(Duration::from_secs(12));
        let later = terminal.screen();
        terminal.keys(&["q"]);
        (after, later)
    })
    .await
    .unwrap();
    for screen in [&after.0, &after.1] {
        let status = screen
            .lines()
            .rfind(|l| l.contains("dernière publication"))
            .unwrap_or_default();
        assert!(!status.contains("mis à jour"), "{screen}");
        assert!(status.contains("données de"), "{screen}");
        assert!(screen.contains("Centre-ville"), "the rows stay: {screen}");
    }
}

/// A place the broker has no board of: the screen says it is not published
/// there, under which prefix, not that the network does not know it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_place_not_published_is_said_so_with_the_broker_and_prefix() {
    let broker = Mosquitto::start("not-published");
    let server = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("mqtt", "not-published");
    let _child = Killed(publisher(&home, &server.url(), &broker.url(), &["crous"]));
    let (seen, _c) = subscriber(broker.port, "not-published").await;
    seen.wait("the board", 20, |s| board_of(s, BOARD).is_some())
        .await;
    let screen_home = support::home("mqtt", "not-published-screen");
    let (status, stdout, stderr) = screen_status(
        &screen_home,
        &broker.url(),
        &["gare viotte", "crous", "--once"],
    )
    .await;
    assert_eq!(status, Some(3), "an unknown place: {stderr}");
    assert!(
        stdout.contains(&format!(
            "gare viotte (aucun tableau publié sous quai/ sur {})",
            broker.url()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("Crous Université"), "{stdout}");
}

/// A board as a publisher would send it, forged: built at `now`, its data
/// fetched at `fetched_at`, one row (L3 → `destination`) whose next
/// departure is 5 min after `now`.
fn forged_board(
    name: &str,
    now: jiff::Timestamp,
    fetched_at: jiff::Timestamp,
    destination: &str,
) -> Vec<u8> {
    serde_json::json!({
        "schema": 1,
        "now": now.to_string(),
        "fetched_at": fetched_at.to_string(),
        "stale": false,
        "places": [{
            "name": name,
            "stale": false,
            "rows": [{
                "line": {"id": "L3", "number": "L3", "mode": "bus"},
                "outbound": true,
                "destination": destination,
                "via": "",
                "cells": [
                    {"shown": {"kind": "countdown", "text": "5 min"}, "seconds": 300, "origin": "located", "status": "normal"},
                    {"shown": {"kind": "countdown", "text": "à l'approche"}, "seconds": 20, "origin": "located", "status": "normal"}
                ]
            }]
        }]
    })
    .to_string()
    .into_bytes()
}

/// Publishes retained messages with a client of the test's own.
async fn retain(port: u16, name: &str, messages: &[(&str, Vec<u8>)]) {
    let mut options = MqttOptions::new(
        format!("test-forger-{name}-{}", std::process::id()),
        "127.0.0.1",
        port,
    );
    options.set_max_packet_size(32 << 20, 32 << 20);
    let (client, mut eventloop) = AsyncClient::new(options, 64);
    for (topic, payload) in messages {
        client
            .publish(*topic, QoS::AtLeastOnce, true, payload.clone())
            .await
            .unwrap();
    }
    // Until every message is acknowledged by the broker.
    let mut acked = 0;
    let deadline = Instant::now() + Duration::from_secs(20);
    while acked < messages.len() {
        assert!(Instant::now() < deadline, "the broker did not take them");
        if let Ok(Ok(Event::Incoming(Packet::PubAck(_)))) =
            tokio::time::timeout(Duration::from_secs(1), eventloop.poll()).await
        {
            acked += 1;
        }
    }
    let _ = client.disconnect().await;
}

fn ago(seconds: i64) -> jiff::Timestamp {
    jiff::Timestamp::now() - jiff::SignedDuration::from_secs(seconds)
}

/// A screen of the library's own on `broker`, and the requests of one
/// place's rows.
async fn library_screen(
    broker: &Mosquitto,
) -> (
    quai::mqtt::subscribe::Subscribed,
    Vec<quai::network::RowRequest>,
) {
    use quai::network::Network;
    let screen = quai::mqtt::subscribe::Subscribed::connect(
        &quai::mqtt::Broker::parse(&broker.url()).unwrap(),
        None,
        "quai",
        quai::network::registry::Networks::default(),
    );
    let stops = screen.stops().await.unwrap().stops;
    let ids: Vec<String> = stops
        .iter()
        .filter(|s| s.id.ends_with("/crous"))
        .map(|s| s.id.clone())
        .collect();
    let lines = screen.lines_at(&ids).await.unwrap();
    let rows = lines
        .iter()
        .map(|l| quai::network::RowRequest {
            place: "Crous".into(),
            stop_ids: ids.clone(),
            line_id: l.line.id.clone(),
            outbound: l.outbound,
            destination: l.destination.clone(),
        })
        .collect();
    (screen, rows)
}

/// A 10 MB retained message on a place no screen shows does not knock the
/// screens off the broker: they stay connected and their places live.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_retained_message_does_not_knock_a_screen_offline() {
    use quai::network::Network;
    let broker = Mosquitto::start("huge-retained");
    retain(
        broker.port,
        "huge",
        &[
            ("quai/status", b"online".to_vec()),
            (
                "quai/ginko/crous/board",
                forged_board("Crous", ago(0), ago(2), "Centre-ville"),
            ),
            ("quai/ginko/nowhere/board", vec![b'x'; 10 << 20]),
        ],
    )
    .await;
    let (screen, rows) = library_screen(&broker).await;
    assert_eq!(rows.len(), 1);
    let nb = quai::network::PerRow::new(2).unwrap();
    // Over 6 s, with the publisher's board kept fresh: every refresh is
    // live, none says the broker went or the publication stopped.
    for i in 0..12 {
        if i % 4 == 0 {
            retain(
                broker.port,
                &format!("fresh-{i}"),
                &[(
                    "quai/ginko/crous/board",
                    forged_board("Crous", ago(0), ago(1), "Centre-ville"),
                )],
            )
            .await;
        }
        let results = screen.departures(&rows, nb).await.unwrap();
        assert!(
            results.iter().all(|r| r.error.is_none() && r.in_answer),
            "refresh {i}: {:?}",
            results.iter().map(|r| &r.error).collect::<Vec<_>>()
        );
        assert!(
            screen.schedule_note().is_none(),
            "{:?}",
            screen.schedule_note()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The `--json` board of a place on a screen reading `broker`.
async fn screen_json(broker: &Mosquitto, name: &str, place: &str) -> serde_json::Value {
    let home = support::home("mqtt", name);
    let (status, stdout, stderr) = screen_status(&home, &broker.url(), &[place, "--json"]).await;
    // The document is printed, live (0) or with a place that is not (3).
    assert!(matches!(status, Some(0 | 3)), "{status:?} {stderr}");
    serde_json::from_str(&stdout).unwrap()
}

/// The times shown in a `--json` board's first place.
fn shown_times(board: &serde_json::Value) -> Vec<String> {
    board["places"][0]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["cells"].as_array().into_iter().flatten())
        .filter_map(|c| c["shown"]["text"].as_str().map(str::to_string))
        .collect()
}

/// Old boards (3 h, 1970) are not shown as live whatever they claim, and a
/// board dated in the future is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_and_future_boards_are_not_shown_as_live() {
    let broker = Mosquitto::start("old-boards");
    let epoch = jiff::Timestamp::UNIX_EPOCH;
    let future: jiff::Timestamp = "2100-01-01T00:00:00Z".parse().unwrap();
    retain(
        broker.port,
        "old",
        &[
            ("quai/status", b"online".to_vec()),
            (
                "quai/ginko/crous/board",
                forged_board("Crous", ago(3 * 3600), ago(3 * 3600), "Centre-ville"),
            ),
            (
                "quai/ginko/temis/board",
                forged_board("Temis", epoch, epoch, "Centre-ville"),
            ),
            (
                "quai/ginko/viotte/board",
                forged_board("Viotte", future, future, "Centre-ville"),
            ),
            (
                "quai/ginko/fresh/board",
                forged_board("Fresh", ago(0), ago(1), "Centre-ville"),
            ),
        ],
    )
    .await;
    // The control: a fresh board is live, its times as published.
    let fresh = screen_json(&broker, "old-fresh", "fresh").await;
    assert_eq!(fresh["stale"], false, "{fresh}");
    assert!(
        shown_times(&fresh)
            .iter()
            .any(|t| t.contains("5 min") || t.contains("4 min")),
        "{fresh}"
    );
    for (home, place) in [("old-3h", "crous"), ("old-1970", "temis")] {
        let board = screen_json(&broker, home, place).await;
        assert_eq!(board["stale"], true, "{place}: {board}");
        assert!(!board["places"][0]["problem"].is_null(), "{place}: {board}");
        let times = shown_times(&board);
        assert!(
            !times
                .iter()
                .any(|t| t.contains("approche") || t.contains("min")),
            "{place}: departures long gone shown as coming: {times:?}"
        );
    }
    // Dated 2100: refused, not a place at all.
    let home = support::home("mqtt", "old-2100");
    let (ok, stdout, stderr) = screen(&home, &broker.url(), &["viotte", "--json"]).await;
    assert!(!ok, "a board from 2100 was shown: {stdout}");
    assert!(
        stderr.contains("pas de tel lieu") || stderr.contains("aucun tableau"),
        "{stderr}"
    );
}

/// A board read again after a reconnection (a broker restart keeps its
/// retained messages) is as old as the board says, not as new as its
/// arrival.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_publication_is_the_boards_own_time_not_its_arrival() {
    let broker = Mosquitto::start("last-publication");
    retain(
        broker.port,
        "three-minutes",
        &[
            ("quai/status", b"online".to_vec()),
            (
                "quai/ginko/crous/board",
                forged_board("Crous", ago(180), ago(185), "Centre-ville"),
            ),
        ],
    )
    .await;
    use quai::network::Network;
    let (screen, rows) = library_screen(&broker).await;
    let nb = quai::network::PerRow::new(2).unwrap();
    let results = screen.departures(&rows, nb).await.unwrap();
    assert!(
        results.iter().all(|r| r.error.is_some()),
        "a 3-minute-old board read as live: {results:?}"
    );
    let note = screen.schedule_note().unwrap_or_default();
    let seconds: u64 = note
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .unwrap_or(0);
    assert!(
        (175..=200).contains(&seconds),
        "the last publication said {note:?}"
    );
}

/// Control characters in a forged board's texts are removed, and the rows
/// shown with their times; a board whose rows cannot be read says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_are_removed_and_unreadable_rows_are_an_error() {
    let broker = Mosquitto::start("control-characters");
    let mut unreadable: serde_json::Value =
        serde_json::from_slice(&forged_board("Temis", ago(0), ago(1), "Centre-ville")).unwrap();
    unreadable["places"][0]["rows"][0]["cells"] = serde_json::json!("not a list");
    retain(
        broker.port,
        "control",
        &[
            ("quai/status", b"online".to_vec()),
            (
                "quai/ginko/crous/board",
                forged_board(
                    "Crous",
                    ago(0),
                    ago(1),
                    " Centre\t\u{7}-\u{1b}[2J\u{0}ville  \r\n\u{9b}31m",
                ),
            ),
            (
                "quai/ginko/temis/board",
                unreadable.to_string().into_bytes(),
            ),
        ],
    )
    .await;
    let board = screen_json(&broker, "control-crous", "crous").await;
    let row = &board["places"][0]["rows"][0];
    let destination = row["destination"].as_str().unwrap_or_default();
    assert!(destination.contains("Centre"), "{board}");
    assert!(
        !destination.chars().any(char::is_control),
        "{destination:?}"
    );
    assert!(
        shown_times(&board).iter().any(|t| t.contains("min")),
        "the departures are dropped: {board}"
    );
    assert!(board["places"][0]["problem"].is_null(), "{board}");

    let board = screen_json(&broker, "control-temis", "temis").await;
    assert_eq!(
        board["places"][0]["problem_kind"], "undecodable",
        "an unreadable row read as no departure: {board}"
    );
    assert_eq!(board["stale"], true, "{board}");
}
