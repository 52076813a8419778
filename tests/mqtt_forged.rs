//! Forged and old retained boards on a real Mosquitto: a huge message, old
//! and future boards, the last publication's time, control characters and
//! unreadable rows.

use std::time::Duration;

#[path = "support/mqtt.rs"]
mod broker;
mod support;

use broker::*;

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

/// Implausible cells of a board (a wait of minus an hour, one of years, a
/// departure in 2100) are dropped and counted as the networks count theirs:
/// `dropped_values` in `--json`, the note in the place's heading; the
/// plausible cell is shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn implausible_cells_are_dropped_and_counted() {
    let broker = Mosquitto::start("implausible");
    let mut board: serde_json::Value =
        serde_json::from_slice(&forged_board("Crous", ago(0), ago(1), "Centre-ville")).unwrap();
    board["places"][0]["rows"][0]["cells"] = serde_json::json!([
        {"shown": {"kind": "countdown", "text": "5 min"}, "seconds": 300, "origin": "located", "status": "normal"},
        {"shown": {"kind": "countdown", "text": "-60 min"}, "seconds": -3600, "origin": "located", "status": "normal"},
        {"shown": {"kind": "countdown", "text": "153722867280912930 min"}, "seconds": i64::MAX, "origin": "located", "status": "normal"},
        {"shown": {"kind": "clock", "text": "08:00"}, "expected": "2100-01-01T08:00:00Z", "origin": "located", "status": "normal"}
    ]);
    retain(
        broker.port,
        "implausible",
        &[
            ("quai/status", b"online".to_vec()),
            ("quai/ginko/crous/board", board.to_string().into_bytes()),
        ],
    )
    .await;
    let json = screen_json(&broker, "implausible-json", "crous").await;
    let place = &json["places"][0];
    assert_eq!(place["dropped_values"], 3, "{json}");
    assert_eq!(place["dropped"], "3 valeurs aberrantes écartées", "{json}");
    let times = shown_times(&json);
    assert!(times.iter().any(|t| t.contains("min")), "{json}");
    assert!(
        !times
            .iter()
            .any(|t| t.contains("-60") || t.contains("1537")),
        "{times:?}"
    );
    let home = support::home("mqtt", "implausible-once");
    let (_, text, stderr) = screen_status(&home, &broker.url(), &["crous", "--once"]).await;
    assert!(
        text.lines()
            .any(|l| l.starts_with("Crous") && l.contains("3 valeurs aberrantes écartées")),
        "{text}{stderr}"
    );
}

/// A board's lifts are relayed as published, their texts cleaned; when the
/// publisher does not know them, its own words say why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifts_are_relayed_cleaned_and_their_absence_in_the_publishers_words() {
    let broker = Mosquitto::start("lifts");
    let mut listed: serde_json::Value =
        serde_json::from_slice(&forged_board("Crous", ago(0), ago(1), "Centre-ville")).unwrap();
    listed["places"][0]["lifts"] = serde_json::json!("⚠ 1 ascenseur hors service");
    listed["places"][0]["lift_list"] = serde_json::json!([
        {"station": "idfm:1", "id": "1", "situation": "Quai\u{1b}[2J 1", "direction": "Rue",
         "state": "not_available", "reason": "panne", "since": "2026-11-30T06:12:00+01:00"},
        {"station": "idfm:1", "id": "2", "situation": "Quai 2", "direction": "Rue",
         "state": "available", "reason": "", "since": "2026-11-30T06:12:00+01:00"}
    ]);
    let mut unknown: serde_json::Value =
        serde_json::from_slice(&forged_board("Temis", ago(0), ago(1), "Centre-ville")).unwrap();
    unknown["places"][0]["lifts"] =
        serde_json::json!("état des ascenseurs : clé de jeu de données absente");
    retain(
        broker.port,
        "lifts",
        &[
            ("quai/status", b"online".to_vec()),
            ("quai/idfm/crous/board", listed.to_string().into_bytes()),
            ("quai/idfm/temis/board", unknown.to_string().into_bytes()),
        ],
    )
    .await;
    let board = screen_json(&broker, "lifts-listed", "crous").await;
    let place = &board["places"][0];
    assert_eq!(place["lifts"], "⚠ 1 ascenseur hors service", "{board}");
    let list = place["lift_list"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{board}");
    assert_eq!(list[0]["state"], "not_available");
    assert!(
        !list[0]["situation"].as_str().unwrap().contains('\u{1b}'),
        "{board}"
    );
    let board = screen_json(&broker, "lifts-unknown", "temis").await;
    assert_eq!(
        board["places"][0]["lifts"], "état des ascenseurs : clé de jeu de données absente",
        "{board}"
    );
}
