//! `quai publish` against a real Mosquitto started here on 127.0.0.1, and
//! the demo server: retained boards, status and its last will, Home
//! Assistant discovery and its removal, a broker restart mid-run, the
//! topics listed.

use std::time::{Duration, Instant};

use quai::demo::{self, ServerOptions};

#[path = "support/mqtt.rs"]
mod broker;
mod support;

use broker::*;

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
            to: None,
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

const KEY: &str = "CANARY-0a1b2c3d4e5f";

/// A Ginko stand-in whose texts carry the key split by invisible
/// characters (the client's own masking, on the raw answer, misses it;
/// sanitising joins it again): in the place's name, a destination, a
/// line number and a vehicle.
async fn leaky_server() -> support::Scripted {
    use serde_json::json;
    let split = "CANARY\u{200b}-0a1b2c\u{200d}3d4e5f";
    let name = format!("Chamars {split}");
    let departure = json!({
        "idArret": "CHAM1", "idLigne": "3", "numLignePublic": format!("L3 {split}"),
        "couleurFond": "006AB3", "couleurTexte": "FFFFFF", "sensAller": true,
        "destination": format!("Pôle Temis {split}"), "precisionDestination": "",
        "temps": "5 min", "tempsEnSeconde": 300, "typeDeTemps": 0, "fiable": true,
        "numVehicule": split,
    });
    let place = json!({"nomExact": name, "latitude": 47.23, "longitude": 6.02,
        "listeTemps": [departure]});
    support::Scripted::start(move |seen| {
        let objets = match seen.path.as_str() {
            "/TR/getTempsLieu.do" => place.clone(),
            "/TR/getListeTemps.do" => json!([place]),
            "/DR/getArrets.do" => {
                json!([{"id": "CHAM1", "nom": name, "latitude": 47.23, "longitude": 6.02}])
            }
            "/DR/getVariantesDesservantArret.do" => json!([{
                "id": "3", "numLignePublic": format!("L3 {split}"), "couleurFond": "006AB3",
                "couleurTexte": "FFFFFF", "modeTransport": 0,
                "variantes": [{"id": "3-1", "sensAller": true,
                    "destination": format!("Pôle Temis {split}")}]
            }]),
            "/TR/getInfosTrafic.do" => json!({"infosAnticipees": [], "infosTempsReel": []}),
            _ => json!([]),
        };
        support::Reply::json(json!({"ok": true, "objets": objets}).to_string())
    })
    .await
}

/// A network whose texts carry the key (split by invisible characters):
/// no payload and no topic on the broker holds it, as written or as a
/// topic level spells it, discovery included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_payload_and_no_topic_carries_a_key() {
    let broker = Mosquitto::start("keys");
    let server = leaky_server().await;
    let home = support::home("mqtt", "keys");
    let mut cmd = support::quai_command(&home, Some((&server.url, KEY)));
    cmd.args([
        "publish",
        "Chamars",
        "--broker",
        &broker.url(),
        "--refresh",
        "1",
    ])
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null());
    let _child = Killed(cmd.spawn().unwrap());
    let (seen, _c) = subscriber(broker.port, "keys").await;
    seen.wait("the board, a row and its discovery", 20, |s| {
        let all = s.0.lock().unwrap();
        all.iter().any(|(t, p)| {
            t.ends_with("/board")
                && serde_json::from_slice::<serde_json::Value>(p)
                    .is_ok_and(|b| b["places"][0]["rows"][0]["destination"].is_string())
        }) && all.keys().any(|t| t.ends_with("/state"))
            && all.keys().any(|t| t.starts_with("homeassistant/sensor/"))
    })
    .await;
    assert!(
        server.requests().iter().any(|r| r.body.contains(KEY)),
        "the key was sent"
    );
    let all = seen.0.lock().unwrap().clone();
    let board = all
        .iter()
        .find(|(t, _)| t.ends_with("/board"))
        .map(|(_, p)| String::from_utf8_lossy(p).to_string())
        .unwrap();
    assert!(board.contains("Pôle Temis"), "{board}");
    for (topic, payload) in &all {
        let payload = String::from_utf8_lossy(payload);
        for shown in [topic.as_str(), &payload] {
            let lower = shown.to_lowercase();
            assert!(
                !lower.contains("canary") && !lower.contains("0a1b2c") && !lower.contains("3d4e5f"),
                "a key on {topic}: {shown}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_published_with_a_destination_carries_it_and_each_arrival() {
    let broker = Mosquitto::start("destination");
    // The network at 08:00, and the publisher's clock too (QUAI_AT): line
    // 11 runs then (it does not after 20:30, when the test ran at night).
    let server = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("mqtt", "destination");
    // The network's timetable, that says where its trips go.
    let zip = home.join("feed.zip");
    let today = jiff::Zoned::now().in_tz("Europe/Paris").unwrap().date();
    std::fs::write(&zip, demo::gtfs::feed("ginko", today).unwrap()).unwrap();
    let mut update = support::quai_command(&home, None);
    update.args(["timetable", "update", "--from"]).arg(&zip);
    let out = tokio::task::spawn_blocking(move || update.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(&zip).unwrap();
    let mut publish = support::quai_command(&home, Some((&server.url(), demo::DEMO_KEY)));
    publish
        .args(["publish", "gare viotte", "--to", "Chamars"])
        .args(["--broker", &broker.url(), "--refresh", "1"])
        .env("QUAI_AT", "08:00")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let _child = Killed(publish.spawn().unwrap());
    const VIOTTE: &str = "quai/ginko/gare-viotte/board";
    let (seen, _c) = subscriber(broker.port, "destination").await;
    seen.wait("the board and its rows", 30, |s| {
        let rows =
            s.0.lock()
                .unwrap()
                .keys()
                .any(|t| t.starts_with("quai/ginko/gare-viotte/") && t.ends_with("/state"));
        rows && board_of(s, VIOTTE).is_some_and(|b| b["fetched_at"].is_string())
    })
    .await;
    let board = board_of(&seen, VIOTTE).unwrap();
    assert_eq!(board["destination"], "Chamars", "{board}");
    let rows = board["places"][0]["rows"].as_array().unwrap();
    assert!(!rows.is_empty(), "{board}");
    for row in rows {
        // Only line 11 goes from Gare Viotte to Chamars.
        assert_eq!(row["line"]["number"], "11", "{row}");
        for cell in row["cells"].as_array().unwrap() {
            assert!(cell["arrival"].is_string(), "{cell}");
            // Ginko's own for a located bus seen at Chamars, else the
            // timetable's run time.
            let origin = cell["arrival_origin"].as_str().unwrap();
            match cell["origin"].as_str() {
                Some("located") => assert!(["live", "estimated"].contains(&origin), "{cell}"),
                _ => assert_eq!(origin, "estimated", "{cell}"),
            }
        }
    }
    // The rows of the lines that do not go there are not published.
    let states: Vec<String> = seen
        .0
        .lock()
        .unwrap()
        .keys()
        .filter(|t| t.starts_with("quai/ginko/gare-viotte/") && t.ends_with("/state"))
        .cloned()
        .collect();
    assert!(!states.is_empty());
    for topic in states {
        assert!(topic.contains("/11-"), "{topic}");
    }
    let _ = std::fs::remove_dir_all(&home);
}
