//! What the MQTT tests share: a Mosquitto of their own on 127.0.0.1, a
//! subscriber of everything, the publisher and screens as commands, and
//! forged boards.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quai::demo;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};

use super::support;

/// A Mosquitto of its own, on a free port; killed when dropped.
pub struct Mosquitto {
    pub port: u16,
    pub conf: PathBuf,
    pub child: Child,
}

pub fn mosquitto_binary() -> PathBuf {
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
    pub fn start(name: &str) -> Mosquitto {
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
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(500));
        self.child = Mosquitto::spawn(&self.conf);
        self.wait_listening();
    }

    pub fn url(&self) -> String {
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
pub struct Seen(pub Arc<Mutex<HashMap<String, Vec<u8>>>>);

impl Seen {
    pub fn get(&self, topic: &str) -> Option<Vec<u8>> {
        self.0.lock().unwrap().get(topic).cloned()
    }

    pub fn text(&self, topic: &str) -> Option<String> {
        self.get(topic)
            .map(|b| String::from_utf8_lossy(&b).to_string())
    }

    pub async fn wait(&self, what: &str, seconds: u64, ok: impl Fn(&Seen) -> bool) {
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
pub async fn subscriber(port: u16, name: &str) -> (Seen, AsyncClient) {
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
pub fn publisher(home: &Path, server: &str, broker: &str, places: &[&str]) -> Child {
    let mut cmd = support::quai_command(home, Some((server, demo::DEMO_KEY)));
    cmd.arg("publish")
        .args(places)
        .args(["--broker", broker, "--refresh", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.spawn().unwrap()
}

pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub const BOARD: &str = "quai/ginko/crous-universite/board";

pub const SENSOR: &str =
    "homeassistant/sensor/quai_ginko_crous-universite_l3-centre-ville-8-septembre/config";

pub fn board_of(seen: &Seen, topic: &str) -> Option<serde_json::Value> {
    serde_json::from_slice(&seen.get(topic)?).ok()
}

/// `quai board --from mqtt://… ARGS`, with no key at all.
pub async fn screen(home: &Path, broker: &str, args: &[&str]) -> (bool, String, String) {
    let (status, stdout, stderr) = screen_status(home, broker, args).await;
    (status == Some(0), stdout, stderr)
}

/// [`screen`] with its exit status: `3` when the board was printed but
/// some place shows no live data (docs/json.md).
pub async fn screen_status(
    home: &Path,
    broker: &str,
    args: &[&str],
) -> (Option<i32>, String, String) {
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

/// `quai --demo publish PLACES… --broker URL`: the demo's networks, no key.
pub fn demo_publisher(home: &Path, broker: &str, places: &[&str]) -> Child {
    let mut cmd = support::quai_command(home, None);
    cmd.args(["--demo", "publish"])
        .args(places)
        .args(["--broker", broker, "--refresh", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.spawn().unwrap()
}

/// A live board in a terminal of its own: `quai ARGS` with `home` as HOME.
pub fn live(home: &Path, args: &str) -> support::Terminal {
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
pub fn banner_and_rows(screen: &str) -> Vec<String> {
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

/// A board as a publisher would send it, forged: built at `now`, its data
/// fetched at `fetched_at`, one row (L3 → `destination`) whose next
/// departure is 5 min after `now`.
pub fn forged_board(
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
pub async fn retain(port: u16, name: &str, messages: &[(&str, Vec<u8>)]) {
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

pub fn ago(seconds: i64) -> jiff::Timestamp {
    jiff::Timestamp::now() - jiff::SignedDuration::from_secs(seconds)
}

/// A screen of the library's own on `broker`, and the requests of one
/// place's rows.
pub async fn library_screen(
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
            to: None,
        })
        .collect();
    (screen, rows)
}

/// The `--json` board of a place on a screen reading `broker`.
pub async fn screen_json(broker: &Mosquitto, name: &str, place: &str) -> serde_json::Value {
    let home = support::home("mqtt", name);
    let (status, stdout, stderr) = screen_status(&home, &broker.url(), &[place, "--json"]).await;
    // The document is printed, live (0) or with a place that is not (3).
    assert!(matches!(status, Some(0 | 3)), "{status:?} {stderr}");
    serde_json::from_str(&stdout).unwrap()
}

/// The times shown in a `--json` board's first place.
pub fn shown_times(board: &serde_json::Value) -> Vec<String> {
    board["places"][0]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["cells"].as_array().into_iter().flatten())
        .filter_map(|c| c["shown"]["text"].as_str().map(str::to_string))
        .collect()
}
