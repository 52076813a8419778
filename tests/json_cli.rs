//! `quai board --json` for machines (docs/json.md), as a script runs it:
//! the same codes under a French and an English locale, `stale` true for a
//! stale feed and for an unreachable server, an added trip's status.

use std::path::{Path, PathBuf};
use std::process::Command;

use quai::demo::{DemoServer, ServerOptions};
use serde_json::{Value, json};

mod support;
use support::{run, text};

fn in_language(mut cmd: Command, lang: &str) -> Command {
    cmd.env("LANG", lang);
    cmd
}

/// The board's JSON, the command having succeeded.
async fn json_of(cmd: Command) -> Value {
    let out = run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The board's JSON, printed although some place shows no live data:
/// exit status 3 (docs/json.md, "Exit status").
async fn json_without_live_data(cmd: Command) -> Value {
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What of a board does not change with the language: every code.
fn codes(board: &Value) -> Value {
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    json!({
        "schema": board["schema"],
        "stale": board["stale"],
        "error_kind": board["error_kind"],
        "places": list(&board["places"]).iter().map(|p| json!({
            "stale": p["stale"],
            "problem_kind": p["problem_kind"],
            "rows": list(&p["rows"]).iter().map(|r| json!({
                "line": r["line"]["id"],
                "outbound": r["outbound"],
                "cells": list(&r["cells"]).iter().map(|c| json!({
                    "status": c["status"],
                    "origin": c["origin"],
                    "kind": c["shown"]["kind"],
                    "crowding_level": c["crowding_level"],
                    "theoretical": c["theoretical"],
                    "mission": c["mission"],
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Every cell of a board.
fn cells(board: &Value) -> Vec<Value> {
    board["places"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["rows"].as_array().cloned().unwrap_or_default())
        .flat_map(|r| r["cells"].as_array().cloned().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn the_codes_are_the_same_in_french_and_in_english() {
    // The demo's clock stands still: both runs get the same answers.
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("json", "languages");
    let board = |lang: &str| {
        let mut cmd = support::quai_command(&home, Some((&s.url(), "demo")));
        cmd.args([
            "board",
            "ile de france",
            "crous",
            "rivotte",
            "--walk",
            "3",
            "--json",
        ]);
        in_language(cmd, lang)
    };
    let french = json_of(board("fr_FR.UTF-8")).await;
    let english = json_of(board("en_GB.UTF-8")).await;
    // The languages were those asked for: the texts differ ("when to
    // leave" is quai's own words).
    let (fr, en) = (french.to_string(), english.to_string());
    assert!(
        fr.contains("partir dans") && !fr.contains("leave in"),
        "{fr}"
    );
    assert!(
        en.contains("leave in") && !en.contains("partir dans"),
        "{en}"
    );
    assert_eq!(codes(&french), codes(&english));
    assert_eq!(french["schema"], 1);
    assert_eq!(french["stale"], false);
    let all = cells(&french);
    assert!(all.len() > 10, "{french}");
    for code in ["located", "not_located"] {
        assert!(all.iter().any(|c| c["origin"] == code), "{code}");
    }
    assert!(
        all.iter().any(|c| c["crowding_level"]
            .as_str()
            .is_some_and(|l| l != "not_allowed")),
        "a crowding level"
    );
}

/// The demo city's feeds as the default network, its timetable compiled
/// (the trip updates' at `trip_updates`, when given).
async fn feeds(name: &str, trip_updates: Option<&str>) -> (PathBuf, DemoServer, PathBuf) {
    let (home, server, fault) = support::feed_city_home("json", name, trip_updates, false).await;
    let out = run(quai(&home, &["timetable", "update", "--network", "mtl"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    (home, server, fault)
}

fn quai(home: &Path, args: &[&str]) -> Command {
    let mut cmd = support::quai_command(home, None);
    cmd.args(args);
    cmd
}

#[tokio::test]
async fn an_added_trip_says_added_in_its_status_and_nothing_in_its_mission() {
    let (home, _server, _) = feeds("added", None).await;
    let args = ["board", "vieux-port", "--nb", "5", "--json"];
    let mut runs = Vec::new();
    for lang in ["fr_FR.UTF-8", "en_GB.UTF-8"] {
        runs.push(json_of(in_language(quai(&home, &args), lang)).await);
    }
    for board in &runs {
        assert_eq!(board["stale"], false, "{board}");
        let added: Vec<Value> = cells(board)
            .into_iter()
            .filter(|c| c["status"] == "added")
            .collect();
        assert!(!added.is_empty(), "an added trip: {board}");
        for cell in &added {
            assert_eq!(cell["mission"], Value::Null, "{cell}");
        }
        // The extra trip is live; a copy of a scheduled one may be timed
        // by the timetable.
        assert!(added.iter().any(|c| c["origin"] == "located"), "{board}");
        let words = board.to_string();
        assert!(!words.contains("ajouté") && !words.contains("\"added\"]"));
    }
    // `--once` still marks it for a reader.
    let out = run(quai(&home, &["board", "vieux-port", "--nb", "5", "--once"])).await;
    assert!(
        text(&out.stdout).contains("[ajouté]"),
        "{}",
        text(&out.stdout)
    );
}

#[tokio::test]
async fn a_stale_feed_makes_the_board_stale() {
    let (home, _server, fault) = feeds("stale", None).await;
    let args = ["board", "mont-royal", "--json"];
    let fresh = json_of(quai(&home, &args)).await;
    assert_eq!(fresh["stale"], false, "{fresh}");
    // The feed's own timestamp is ten minutes old.
    std::fs::write(&fault, "stale trip-updates").unwrap();
    for lang in ["fr_FR.UTF-8", "en_GB.UTF-8"] {
        let board = json_without_live_data(in_language(quai(&home, &args), lang)).await;
        assert_eq!(board["stale"], true, "{board}");
        assert_eq!(board["error_kind"], "stale_feed", "{board}");
        assert_eq!(board["places"][0]["stale"], true);
        assert_eq!(board["places"][0]["problem_kind"], "stale_feed");
        assert!(cells(&board).iter().all(|c| c["origin"] == "timetable"));
    }
}

#[tokio::test]
async fn an_unreachable_server_makes_the_board_stale() {
    // Nothing listens on port 9: the trip updates cannot be had.
    let (home, _server, _) = feeds("unreachable", Some("http://127.0.0.1:9/tu.pb")).await;
    let board = json_without_live_data(quai(&home, &["board", "mont-royal", "--json"])).await;
    assert_eq!(board["stale"], true, "{board}");
    assert_eq!(board["error_kind"], "unreachable", "{board}");
    // `--once` prints the board and says the same by its exit status.
    let out = run(quai(&home, &["board", "mont-royal", "--once"])).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Mont-Royal"),
        "{}",
        text(&out.stdout)
    );
    // `--offline` asks for no live data: the timetable's board is a success.
    let offline = json_of(quai(&home, &["board", "mont-royal", "--json", "--offline"])).await;
    assert_eq!(offline["error_kind"], "offline", "{offline}");
    assert_eq!(board["places"][0]["stale"], true);
    assert_eq!(board["places"][0]["problem_kind"], "unreachable");
    assert!(!cells(&board).is_empty());

    // A network that cannot be reached at all: no board, exit status 1,
    // nothing on stdout.
    let h = support::home("json", "nothing");
    let mut cmd = support::quai_command(&h, Some(("http://127.0.0.1:9", "demo")));
    cmd.args(["board", "Chamars", "--json"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}
