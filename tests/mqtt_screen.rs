//! Screens (`quai board --from mqtt://…`) against a real Mosquitto and
//! publisher: the boards read with no key, the publisher gone, hostile and
//! huge payloads, the local timetable as a fallback, places not published.

use std::time::{Duration, Instant};

use quai::demo::{self, ServerOptions};
use rumqttc::QoS;

#[path = "support/mqtt.rs"]
mod broker;
mod support;

use broker::*;

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
        let board = live(&direct_home, "--demo board crous 'gare de lyon'");
        let direct = board.wait("the direct board", 30, |s| {
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
    // The line states (the marks before the line) come a moment after the
    // first departures, on either side: the marks are compared where both
    // boards have them, the rows always.
    let unmarked = |rows: &[String]| -> Vec<String> {
        rows.iter()
            .map(|r| r.chars().skip(2).collect::<String>())
            .collect()
    };
    assert_eq!(
        unmarked(&screen),
        unmarked(&direct),
        "the screen, then the direct board"
    );
    let marked = |rows: &[String]| {
        rows.iter()
            .any(|r| r.starts_with(" ◆") || r.starts_with(" ✖") || r.starts_with(" ▲"))
    };
    if marked(&screen) && marked(&direct) {
        assert_eq!(screen, direct, "the screen, then the direct board");
    }
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

/// The age a screen shows is its data's (the board's own `fetched_at`),
/// never a message's arrival: with the publisher gone, `quai/status` set
/// `online` and only an old retained board, neither the board's nor the
/// kiosk's status line says it was just updated, at the first refresh
/// or the next ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_retained_board_is_not_said_just_updated() {
    let broker = Mosquitto::start("old-retained");
    retain(
        broker.port,
        "old",
        &[
            ("quai/status", b"online".to_vec()),
            (
                "quai/ginko/crous/board",
                forged_board("Crous", ago(100), ago(100), "Centre-ville"),
            ),
        ],
    )
    .await;
    for (name, command) in [("old-board", "board crous"), ("old-kiosk", "kiosk")] {
        let home = support::home("mqtt", name);
        let config = home.join(".config/quai");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(
            config.join("favorites.toml"),
            "[[favorite]]\nplace = \"crous\"\n",
        )
        .unwrap();
        let url = broker.url();
        let command = format!("{command} --from {url}");
        let (first, later) = tokio::task::spawn_blocking(move || {
            let terminal = live(&home, &command);
            let first = terminal.wait("the place", 20, |s| s.contains("Crous"));
            // The next refreshes (every 10 s) too.
            std::thread::sleep(Duration::from_secs(12));
            let later = terminal.screen();
            let _ = terminal.tmux(&["kill-server"]);
            (first, later)
        })
        .await
        .unwrap();
        for screen in [&first, &later] {
            let status = screen
                .lines()
                .rfind(|l| !l.trim().is_empty())
                .unwrap_or_default();
            let just = ["il y a 0 s", "il y a 1 s", "il y a 2 s", "il y a 3 s"];
            assert!(
                !status.contains("mis à jour") || !just.iter().any(|j| status.contains(j)),
                "{name}: {screen}"
            );
            assert!(
                status.contains("données de") || status.contains("dernière publication"),
                "{name}: {screen}"
            );
        }
    }
}
