//! One scenario, the demo server at a fixed clock (live times, vehicles
//! not located, "Travaux", crowding levels, traffic messages and line
//! states), read through `--json`, `--once`, the board and the kiosk in a
//! terminal, an MQTT screen and Home Assistant's attributes fed by `quai
//! publish` on a real Mosquitto: each surface says the same time, status,
//! marks and crowding of each departure.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quai::demo::{self, ServerOptions};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use serde_json::Value;

mod support;
use support::{run, text};

const PLACES: [&str; 4] = ["crous", "ile de france", "republique", "gare viotte"];

fn board(home: &Path, url: &str, extra: &[&str]) -> Command {
    let mut cmd = support::quai_command(home, Some((url, demo::DEMO_KEY)));
    cmd.arg("board")
        .args(PLACES)
        .args(["--nb", "4"])
        .args(extra);
    cmd
}

/// A crowding level's filled cells, as the legend says them.
fn bars(level: &Value) -> usize {
    match level.as_str() {
        Some("low") => 1,
        Some("moderate") => 2,
        Some("high") => 3,
        _ => 0,
    }
}

/// What any surface must write for a cell in full: its time (a time not
/// located with its theoretical time beside the words).
fn written(cell: &Value) -> String {
    let shown = &cell["shown"];
    match shown["kind"].as_str() {
        Some("not_located") => format!("Non localisé · ≈ {}", shown["text"].as_str().unwrap()),
        Some("cancelled") => "Supprimé".into(),
        _ => shown["text"].as_str().unwrap_or_default().to_string(),
    }
}

/// What every cell of a `--json` board says, in order: its text, status
/// and crowding.
fn said(json: &Value) -> Vec<(String, Value, Value)> {
    json["places"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["rows"].as_array().into_iter().flatten())
        .flat_map(|r| r["cells"].as_array().into_iter().flatten())
        .map(|c| (written(c), c["status"].clone(), c["crowding_level"].clone()))
        .collect()
}

/// `--json`, then `--once`, then `--json` again, until both `--json` say
/// the same of every cell (the `--once` between them is then the same
/// board); the last try's after five.
async fn steady_json_and_once(home: &Path, url: &str) -> (Value, String) {
    let json = || async {
        let out = run(board(home, url, &["--json"])).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let mut tries = 0;
    loop {
        let before = json().await;
        let out = run(board(home, url, &["--once"])).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        let once = text(&out.stdout).to_string();
        let after = json().await;
        tries += 1;
        if said(&before) == said(&after) || tries == 5 {
            return (before, once);
        }
    }
}

/// A Mosquitto of its own on a free port, killed when dropped.
struct Mosquitto {
    port: u16,
    child: Child,
}

impl Mosquitto {
    fn start(home: &Path) -> Mosquitto {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let conf = home.join("mosquitto.conf");
        std::fs::write(
            &conf,
            format!("listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"),
        )
        .unwrap();
        let binary = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .unwrap_or_else(|| PathBuf::from("mosquitto"));
        let child = Command::new(binary)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto is needed for this test");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "mosquitto did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Mosquitto { port, child }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

type Topics = Arc<Mutex<std::collections::HashMap<String, Vec<u8>>>>;

async fn subscriber(port: u16) -> (Topics, AsyncClient) {
    let mut options = MqttOptions::new(
        format!("agreement-{}", std::process::id()),
        "127.0.0.1",
        port,
    );
    options.set_max_packet_size(1 << 20, 1 << 20);
    let (client, mut eventloop) = AsyncClient::new(options, 64);
    client.subscribe("#", QoS::AtLeastOnce).await.unwrap();
    let seen: Topics = Arc::default();
    let store = Arc::clone(&seen);
    tokio::spawn(async move {
        loop {
            match eventloop.poll().await {
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    store
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_surface_tells_the_same_departures() {
    let server = support::demo_at("08:00", ServerOptions::default()).await;
    let url = server.url();
    let home = support::home("agreement", "surfaces");

    // The reference: `--json`, and `--once` read while the demo's rows
    // stayed the same (a departure leaving or a crowding changing between
    // two runs is not a disagreement).
    let (json, once) = steady_json_and_once(&home, &url).await;
    let places = json["places"].as_array().unwrap();
    assert_eq!(places.len(), 4, "{json}");
    let all: Vec<(&Value, &Value)> = places
        .iter()
        .flat_map(|p| p["rows"].as_array().unwrap())
        .flat_map(|r| r["cells"].as_array().unwrap().iter().map(move |c| (r, c)))
        .collect();
    // The scenario holds what it is meant to.
    let kinds = |k: &str| all.iter().filter(|(_, c)| c["shown"]["kind"] == k).count();
    assert!(kinds("countdown") > 0 && kinds("not_located") > 0 && kinds("notice") > 0);
    let levels: Vec<&str> = all
        .iter()
        .filter_map(|(_, c)| c["crowding_level"].as_str())
        .collect();
    for level in ["moderate", "high", "not_allowed"] {
        assert!(levels.contains(&level), "{level}: {levels:?}");
    }
    assert!(json["alert"].is_object(), "an alert in the banner: {json}");

    // `--json` agrees with itself: a gauge of the cells its level says.
    for (row, cell) in &all {
        if let Some(bar) = cell["gauge"].get("Bar") {
            assert_eq!(
                bar[1], cell["crowding_level"],
                "{} {cell}",
                row["line"]["number"]
            );
            assert_eq!(
                bar[0].as_u64().unwrap() as usize,
                bars(&cell["crowding_level"]),
                "{} {cell}",
                row["line"]["number"]
            );
        }
        if cell["shown"]["kind"] == "not_located" && cell["seconds"].is_number() {
            assert!(
                cell["shown"]["text"].is_string(),
                "the time quai knows: {cell}"
            );
        }
    }

    // `--once`: each row's cells, in order, as written, with their gauges.
    if let Some(alert) = json["alert"]["title"].as_str() {
        assert!(once.contains(alert), "the banner's message: {once}");
    }
    for place in places {
        let heading = place["name"].as_str().unwrap();
        let start = once
            .find(&format!("\n{heading}"))
            .unwrap_or_else(|| panic!("{heading}: {once}"));
        let section = &once[start..];
        for row in place["rows"].as_array().unwrap() {
            let number = row["line"]["number"].as_str().unwrap();
            let destination = row["destination"].as_str().unwrap();
            let line = section
                .lines()
                .find(|l| {
                    l.trim_start().starts_with(&format!("{number} ")) && l.contains(destination)
                })
                .unwrap_or_else(|| panic!("{number} {destination}: {section}"));
            let mut rest = &line[line.find(destination).unwrap() + destination.len()..];
            for cell in row["cells"].as_array().unwrap() {
                let want = written(cell);
                let at = rest
                    .find(&want)
                    .unwrap_or_else(|| panic!("{want:?} in {line:?}"));
                rest = &rest[at + want.len()..];
                let this = rest.split("   ").next().unwrap_or_default();
                let filled = this.chars().filter(|c| *c == '▮').count();
                assert_eq!(
                    filled,
                    bars(&cell["crowding_level"]).min(usize::from(cell["gauge"].is_object()) * 3),
                    "{line:?}"
                );
                assert_eq!(
                    this.contains("[ajouté]"),
                    cell["status"] == "added",
                    "{line:?}"
                );
            }
        }
    }

    // Home Assistant: each row's attributes, published on a real broker.
    let broker = Mosquitto::start(&home);
    let (seen, _client) = subscriber(broker.port).await;
    let mut publish = support::quai_command(&home, Some((&url, demo::DEMO_KEY)));
    publish
        .arg("publish")
        .args(PLACES)
        .args([
            "--broker",
            &format!("mqtt://127.0.0.1:{}", broker.port),
            "--refresh",
            "1",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _publisher = Killed(publish.spawn().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    let states = loop {
        let states: Vec<(String, Value)> = seen
            .lock()
            .unwrap()
            .iter()
            .filter(|(t, _)| t.ends_with("/state") && t.starts_with("quai/ginko/"))
            .filter_map(|(t, p)| Some((t.clone(), serde_json::from_slice(p).ok()?)))
            .collect();
        if states.len()
            >= all
                .iter()
                .map(|(r, _)| r["line"]["number"].to_string() + r["destination"].as_str().unwrap())
                .collect::<std::collections::HashSet<_>>()
                .len()
                .min(8)
        {
            break states;
        }
        assert!(
            Instant::now() < deadline,
            "the rows' states: {}",
            states.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut compared = 0;
    let slug = |name: &str| {
        name.to_lowercase()
            .replace(['é', 'è'], "e")
            .replace(' ', "-")
    };
    for (topic, state) in &states {
        let Some(place) = places.iter().find(|p| {
            topic.starts_with(&format!(
                "quai/ginko/{}/",
                slug(p["name"].as_str().unwrap())
            ))
        }) else {
            continue;
        };
        let Some(row) = place["rows"].as_array().unwrap().iter().find(|r| {
            r["line"]["number"] == state["line"] && r["destination"] == state["destination"]
        }) else {
            continue;
        };
        for (cell, attribute) in row["cells"]
            .as_array()
            .unwrap()
            .iter()
            .zip(state["departures"].as_array().unwrap())
        {
            assert_eq!(
                attribute["crowding_level"], cell["crowding_level"],
                "{attribute} / {cell}"
            );
            assert_eq!(attribute["status"], cell["status"], "{attribute}");
            // An alternating text ("Tram complet") shows at its seconds.
            if attribute["kind"] != "notice" && cell["shown"]["kind"] != "notice" {
                assert_eq!(attribute["kind"], cell["shown"]["kind"], "{attribute}");
            }
            if cell["shown"]["kind"] == "not_located" {
                assert!(
                    attribute["shown"]
                        .as_str()
                        .unwrap()
                        .starts_with("Non localisé · ≈ "),
                    "{attribute}"
                );
            }
            if cell["shown"]["text"] == "Travaux" {
                assert_eq!(attribute["shown"], "Travaux");
            }
            compared += 1;
        }
    }
    assert!(compared > 10, "{compared} departures compared");

    // An MQTT screen fed by that publisher: the same rows, in the same
    // order, each departure with the same status, kind and crowding.
    let mut screen = support::quai_command(&home, None);
    screen
        .arg("board")
        .args(PLACES)
        .args(["--nb", "4", "--json", "--from"])
        .arg(format!("mqtt://127.0.0.1:{}", broker.port));
    let out = run(screen).await;
    assert!(
        matches!(out.status.code(), Some(0 | 3)),
        "{}",
        text(&out.stderr)
    );
    let from_broker: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Each row's name, and each departure's status, kind and crowding.
    type Rows = Vec<(String, Vec<(Value, Value, Value)>)>;
    let rows_of = |board: &Value| -> Rows {
        board["places"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["rows"].as_array().unwrap())
            .map(|r| {
                let name = format!("{} → {}", r["line"]["number"], r["destination"]);
                let cells = r["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| {
                        (
                            c["status"].clone(),
                            c["shown"]["kind"].clone(),
                            c["crowding_level"].clone(),
                        )
                    })
                    .collect();
                (name, cells)
            })
            .collect()
    };
    let (direct, screened) = (rows_of(&json), rows_of(&from_broker));
    assert_eq!(
        direct.iter().map(|r| &r.0).collect::<Vec<_>>(),
        screened.iter().map(|r| &r.0).collect::<Vec<_>>(),
        "the rows, in order"
    );
    for ((name, a), (_, b)) in direct.iter().zip(&screened) {
        for (x, y) in a.iter().zip(b) {
            // An alternating text ("Tram complet") shows at its seconds.
            if x.1 != "notice" && y.1 != "notice" {
                assert_eq!(x, y, "{name}");
            }
        }
    }

    // The board in a terminal: the times not located keep their time, the
    // network's word shows, the gauges are those of the levels.
    let command = format!(
        "env GINKO_API_URL={url} GINKO_API_KEY={} HOME={} {} board {} --nb 4",
        demo::DEMO_KEY,
        home.display(),
        env!("CARGO_BIN_EXE_quai"),
        PLACES
            .iter()
            .map(|p| format!("'{p}'"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let terminal = support::Terminal::start(&home, &command, 120, 60);
    let screen = terminal.wait("the board", 20, |s| {
        s.contains("Gare Viotte") && s.contains("Travaux")
    });
    assert!(screen.contains("Non localisé ≈"), "{screen}");
    let _ = terminal.tmux(&["kill-server"]);

    // The kiosk of the same places: the times not located keep their
    // time there too, and the network's word shows.
    let kiosk_home = support::home("agreement", "kiosk");
    let config = kiosk_home.join(".config/quai");
    std::fs::create_dir_all(&config).unwrap();
    let favourites: String = PLACES
        .iter()
        .map(|p| format!("[[favorite]]\nplace = \"{p}\"\n"))
        .collect();
    std::fs::write(config.join("favorites.toml"), favourites).unwrap();
    let command = format!(
        "env GINKO_API_URL={url} GINKO_API_KEY={} HOME={} {} kiosk",
        demo::DEMO_KEY,
        kiosk_home.display(),
        env!("CARGO_BIN_EXE_quai"),
    );
    let terminal = support::Terminal::start(&kiosk_home, &command, 160, 60);
    let screen = terminal.wait("the kiosk", 20, |s| s.contains("Non localisé"));
    let not_located = screen
        .lines()
        .filter(|l| l.contains("Non localisé"))
        .collect::<Vec<_>>();
    assert!(
        not_located.iter().all(|l| l.contains('≈')),
        "the time kept beside the words: {screen}"
    );
    let _ = terminal.tmux(&["kill-server"]);
}

/// A place's heading in `--once` without its network's name (a screen
/// names the networks without "(démo)"), and the lifts listed under it.
fn heading_and_lifts(once: &str, place: &Value) -> (Vec<String>, Vec<String>) {
    let name = place["name"].as_str().unwrap();
    let mut lines = once.lines().skip_while(|l| !l.starts_with(name));
    let heading = lines
        .next()
        .unwrap_or_else(|| panic!("{name}: {once}"))
        .split(" · ")
        .filter(|part| Some(*part) != place["network"].as_str())
        .map(str::to_string)
        .collect();
    let lifts = lines
        .take_while(|l| l.starts_with("  "))
        .filter(|l| l.trim_start().starts_with("ascenseur"))
        .map(str::to_string)
        .collect();
    (heading, lifts)
}

/// The direct board and an MQTT screen fed by `quai publish` say the same
/// of each place besides its departures: its lifts (the heading's note,
/// the lifts out of service listed, `lifts` and `lift_list` in `--json`)
/// and the count of its messages not in the banner ("ⓘ 2 messages").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mqtt_screen_tells_the_lifts_and_messages_of_the_direct_board() {
    const SHOWN: [&str; 4] = ["crous", "chatelet", "gare de lyon", "gare viotte"];
    let home = support::home("agreement", "lifts");
    let demo = |args: &[&str]| {
        let mut cmd = support::quai_command(&home, None);
        cmd.args(["--demo", "board"]).args(SHOWN).args(args);
        cmd
    };
    let out = run(demo(&["--json"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let direct: Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = run(demo(&["--once"])).await;
    let direct_once = text(&out.stdout);

    let broker = Mosquitto::start(&home);
    let (seen, _client) = subscriber(broker.port).await;
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let mut publish = support::quai_command(&home, None);
    publish
        .args(["--demo", "publish"])
        .args(SHOWN)
        .args(["--broker", &url, "--refresh", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _publisher = Killed(publish.spawn().unwrap());
    // The boards (one with its lifts) and the messages, retained.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = {
            let seen = seen.lock().unwrap();
            let boards: Vec<Value> = seen
                .iter()
                .filter(|(t, _)| t.ends_with("/board"))
                .filter_map(|(_, p)| serde_json::from_slice(p).ok())
                .collect();
            boards.len() == SHOWN.len()
                && boards
                    .iter()
                    .any(|b| b["places"][0]["lift_list"].is_array())
                && seen.contains_key("quai/idfm/messages")
                && seen.contains_key("quai/ginko/messages")
        };
        if ready {
            break;
        }
        assert!(Instant::now() < deadline, "the boards and messages");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let screen = |args: &[&str]| {
        let mut cmd = support::quai_command(&home, None);
        cmd.arg("board")
            .args(SHOWN)
            .args(args)
            .args(["--from", &url]);
        cmd
    };
    let out = run(screen(&["--json"])).await;
    assert!(
        matches!(out.status.code(), Some(0 | 3)),
        "{}",
        text(&out.stderr)
    );
    let screened: Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = run(screen(&["--once"])).await;
    let screened_once = text(&out.stdout);

    // The scenario holds what it is meant to: lifts out of service, and
    // messages not in the banner.
    let places = direct["places"].as_array().unwrap();
    assert!(
        places.iter().any(|p| p["lift_list"]
            .as_array()
            .is_some_and(|l| l.iter().any(|l| l["state"] == "not_available"))),
        "{direct}"
    );
    assert!(direct_once.contains("ⓘ 2 messages"), "{direct_once}");
    assert_eq!(direct["alert"], screened["alert"], "the banner's message");
    let others = screened["places"].as_array().unwrap();
    assert_eq!(places.len(), others.len(), "{screened}");
    for (a, b) in places.iter().zip(others) {
        let name = &a["name"];
        assert_eq!(name, &b["name"]);
        assert_eq!(a["lifts"], b["lifts"], "{name}");
        assert_eq!(a["lift_list"], b["lift_list"], "{name}");
        assert_eq!(
            heading_and_lifts(&direct_once, a),
            heading_and_lifts(&screened_once, b),
            "{name}: the direct board, then the screen\n{direct_once}\n{screened_once}"
        );
    }
}
