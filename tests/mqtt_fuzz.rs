//! Property-based fuzzing of what a screen reads from a broker: a board
//! payload as the publisher sends it, mutated byte by byte and with any
//! JSON in its fields, the traffic messages, and the retained row states
//! (which a screen must leave alone), on their topics and on forged ones.
//! Nothing may panic, a row gives no more departures than asked, and every
//! text that comes out is bounded by the payload and free of escapes,
//! controls, bidi overrides and zero-width characters.
//!
//! `cargo test` runs a few cases (`PROPTEST_CASES`, 64 by default here);
//! `scripts/fuzz.sh SECONDS` runs many more. A failing case is saved in
//! `tests/mqtt_fuzz.proptest-regressions`: commit it with the fix.

#[path = "support/mutate.rs"]
mod mutate;

use mutate::{Edit, apply};
use proptest::prelude::*;
use quai::domain::{Departure, WaitTime};
use quai::mqtt::subscribe::{Read, read_message};
use quai::network::{PerRow, RowRequest};
use serde_json::{Value, json};

const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;titre\u{7}\u{9b}31m\u{202e}x\u{200b}\u{feff}\r\n\t\u{0}";

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

/// The instant the boards are read at; the boards are built a little
/// before, so that they are accepted.
fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// A board as the publisher sends it (`--json`'s schema and the rows'
/// kinds), built 5 s before now.
fn board(now: jiff::Timestamp) -> Value {
    let built = now - jiff::SignedDuration::from_secs(5);
    let expected = now + jiff::SignedDuration::from_secs(240);
    json!({
        "schema": 1,
        "now": built.to_string(),
        "fetched_at": built.to_string(),
        "stale": false,
        "places": [{
            "name": "Crous Université",
            "no_departure": false,
            "stale": false,
            "rows": [{
                "line": {"id": "L3", "number": "L3", "mode": "bus",
                         "background": [0, 106, 179], "foreground": [255, 255, 255]},
                "kind": "lianes",
                "outbound": true,
                "destination": "Centre-ville",
                "via": "République",
                "cells": [
                    {"shown": {"kind": "countdown", "text": "5 min"}, "seconds": 300,
                     "origin": "located", "status": "normal", "stop_id": "CRO1",
                     "gauge": {"Bar": [2, "moderate"]}, "crowding_text": "assez chargé",
                     "platform": "A", "vehicle": "526"},
                    {"shown": {"kind": "at", "text": "14:05"}, "expected": expected.to_string(),
                     "aimed": expected.to_string(), "origin": "timetable", "status": "delayed"},
                    {"shown": {"kind": "cancelled", "text": "Supprimé"}, "origin": "not_located",
                     "status": "cancelled"},
                    {"shown": {"kind": "as_sent", "text": "17h05"}, "gauge": "Unknown"}
                ]
            }]
        }]
    })
}

/// A row's state as the publisher retains it for Home Assistant.
fn row_state(now: jiff::Timestamp) -> Value {
    json!({
        "schema": 1, "now": now.to_string(), "fetched_at": now.to_string(),
        "minutes": 5, "line": "L3", "destination": "Centre-ville",
        "theoretical": false, "located": true, "status": "normal", "origin": "located",
        "crowding": "assez chargé", "crowding_level": "moderate", "stale": false,
        "error_kind": null,
        "departures": [{"minutes": 5, "shown": "5 min", "kind": "countdown"}]
    })
}

fn messages() -> Value {
    json!([{
        "network": "ginko", "id": "m1", "title": "Travaux", "body_html": "<p>x</p>",
        "url": "https://example.invalid", "severity": "interrupted",
        "lines": ["L3"], "stops": ["CRO1"], "alert": true
    }])
}

fn requests() -> Vec<RowRequest> {
    ["", "Centre-ville"]
        .iter()
        .flat_map(|destination| {
            [true, false].map(|outbound| RowRequest {
                place: "Crous Université".into(),
                stop_ids: vec!["ginko/crous-universite".into()],
                line_id: "L3".into(),
                outbound,
                destination: (*destination).into(),
                to: None,
            })
        })
        .collect()
}

const PER_ROW: u8 = 3;

fn read(topic: &str, payload: &[u8], now: jiff::Timestamp) -> Read {
    read_message(
        "quai",
        topic,
        payload,
        &requests(),
        PerRow::new(i64::from(PER_ROW)).unwrap(),
        now,
    )
}

/// A text a screen may show: no escape, control, bidi override or
/// zero-width character, and no longer than what it came in.
fn check_text(text: &str, bound: usize) {
    assert!(
        !text.chars().any(|c| c.is_control()
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{feff}')),
        "{text:?}"
    );
    assert!(text.len() <= bound, "{} bytes from {bound}", text.len());
}

fn texts_of(d: &Departure) -> Vec<&str> {
    let mut out = vec![
        d.stop_id.as_str(),
        &d.line.id,
        &d.line.number,
        &d.destination,
        &d.via,
        &d.crowding_text,
        &d.crowding_advice,
    ];
    for t in [&d.platform, &d.mission, &d.vehicle, &d.info_id]
        .into_iter()
        .flatten()
    {
        out.push(t);
    }
    match &d.time {
        WaitTime::Countdown { text, .. }
        | WaitTime::Clock { text }
        | WaitTime::Text { text, .. } => out.push(text),
        WaitTime::At { .. } => {}
    }
    out
}

/// What a screen made of a payload is bounded and clean.
fn check(read: &Read, payload: &[u8]) {
    // A fixed word ("Supprimé") may stand for a shorter code.
    let bound = payload.len() + 16;
    assert!(read.places.len() <= 1);
    assert!(read.rows.len() <= requests().len());
    for name in &read.places {
        check_text(name, bound);
    }
    for row in read.rows.iter().flatten() {
        assert!(
            row.len() <= usize::from(PER_ROW),
            "{} departures",
            row.len()
        );
        for d in row {
            for text in texts_of(d) {
                check_text(text, bound);
            }
        }
    }
    for m in &read.messages {
        for text in [&m.network, &m.id, &m.title, &m.url]
            .into_iter()
            .chain(&m.lines)
            .chain(&m.stops)
        {
            check_text(text, bound);
        }
    }
}

/// Edits with this format's own tokens.
fn edit() -> impl Strategy<Value = Edit> {
    mutate::edit(vec![
        b"\"",
        b"\\",
        b"\\u",
        b"\\ud800",
        b"\\u001b[2J",
        b"\\u202e",
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b":",
        b"null",
        b"1e999",
        b"-",
        b"\x1b[2J",
        b"\xff\xfe",
        b"\xc3",
        b"\"cells\":",
        b"\"rows\":{}",
        b"\"now\":\"2100-01-01T00:00:00Z\"",
        b"9223372036854775807",
    ])
}

/// Any JSON value, a few levels deep, with the board's field names.
fn any_json() -> impl Strategy<Value = Value> {
    let names = proptest::sample::select(vec![
        "shown",
        "kind",
        "text",
        "seconds",
        "expected",
        "aimed",
        "origin",
        "status",
        "line",
        "id",
        "number",
        "destination",
        "cells",
        "rows",
        "gauge",
        "Bar",
        "name",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        Just(Value::String(HOSTILE.into())),
        Just(Value::String("2100-01-01T00:00:00Z".into())),
        Just(Value::String("countdown".into())),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((names.clone(), inner), 0..8).prop_map(|fields| {
                Value::Object(
                    fields
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect(),
                )
            }),
        ]
    })
}

/// Where a value is put in the board: a path of keys and indexes.
fn path() -> impl Strategy<Value = Vec<String>> {
    proptest::sample::select(vec![
        vec!["places", "0", "name"],
        vec!["places", "0", "rows"],
        vec!["places", "0", "rows", "0"],
        vec!["places", "0", "rows", "0", "line"],
        vec!["places", "0", "rows", "0", "destination"],
        vec!["places", "0", "rows", "0", "cells"],
        vec!["places", "0", "rows", "0", "cells", "0"],
        vec!["places", "0", "rows", "0", "cells", "0", "shown"],
        vec!["places", "0", "rows", "0", "cells", "0", "seconds"],
        vec!["places", "0", "rows", "0", "cells", "1", "expected"],
        vec!["places", "0", "rows", "0", "cells", "0", "gauge"],
        vec!["places", "0", "rows", "0", "cells", "0", "platform"],
        vec!["now"],
        vec!["fetched_at"],
    ])
    .prop_map(|p| p.into_iter().map(str::to_string).collect())
}

fn put(board: &mut Value, path: &[String], value: Value) {
    let mut at = board;
    for key in path {
        at = match key.parse::<usize>() {
            Ok(i) => match at.get_mut(i) {
                Some(v) => v,
                None => return,
            },
            Err(_) => &mut at[key.as_str()],
        };
    }
    *at = value;
}

/// The topics a payload is tried on: its own and forged ones.
fn topic() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("quai/ginko/crous-universite/board".to_string()),
        Just("quai/ginko/crous-universite/l3-centre-ville/state".to_string()),
        Just("quai/ginko/messages".to_string()),
        Just("quai/status".to_string()),
        "quai(/[a-z\u{1b}\u{202e}+#-]{0,6}){0,5}".prop_map(|t| t.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// A real board, its row state and messages, mutated byte by byte.
    #[test]
    fn mutated_payloads(edits in proptest::collection::vec(edit(), 0..12), which in 0usize..3, topic in topic()) {
        let now = now();
        let payload = match which {
            0 => board(now),
            1 => row_state(now),
            _ => messages(),
        }
        .to_string()
        .into_bytes();
        let payload = apply(payload, &edits);
        check(&read(&topic, &payload, now), &payload);
    }

    /// A board with any JSON in one of its fields.
    #[test]
    fn boards_with_any_json(path in path(), value in any_json(), topic in topic()) {
        let now = now();
        let mut b = board(now);
        put(&mut b, &path, value);
        let payload = b.to_string().into_bytes();
        check(&read(&topic, &payload, now), &payload);
    }

    /// Hostile texts in every text of a board and of the messages.
    #[test]
    fn hostile_texts(text in prop_oneof![Just(HOSTILE.to_string()), any::<String>()]) {
        let now = now();
        let mut b = board(now);
        for path in [
            &["places", "0", "name"][..],
            &["places", "0", "rows", "0", "destination"],
            &["places", "0", "rows", "0", "via"],
            &["places", "0", "rows", "0", "line", "number"],
            &["places", "0", "rows", "0", "cells", "0", "shown", "text"],
            &["places", "0", "rows", "0", "cells", "0", "platform"],
            &["places", "0", "rows", "0", "cells", "0", "crowding_text"],
            &["places", "0", "rows", "0", "cells", "3", "shown", "text"],
        ] {
            let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
            put(&mut b, &path, Value::String(text.clone()));
        }
        let payload = b.to_string().into_bytes();
        let read_board = read("quai/ginko/crous-universite/board", &payload, now);
        check(&read_board, &payload);
        let mut m = messages();
        m[0]["title"] = Value::String(text.clone());
        m[0]["lines"][0] = Value::String(text);
        let payload = m.to_string().into_bytes();
        check(&read("quai/ginko/messages", &payload, now), &payload);
    }
}

/// The seeds are read as a screen reads them: the board gives its rows,
/// the row state nothing, the messages theirs.
#[test]
fn the_seeds_are_read() {
    let now = now();
    let payload = board(now).to_string().into_bytes();
    let read_board = read("quai/ginko/crous-universite/board", &payload, now);
    assert_eq!(read_board.places, ["Crous Université"]);
    let departures: Vec<&Departure> = read_board.rows.iter().flatten().flatten().collect();
    assert!(!departures.is_empty());
    assert!(departures.iter().all(|d| d.destination == "Centre-ville"));
    check(&read_board, &payload);
    let state = row_state(now).to_string().into_bytes();
    let read_state = read(
        "quai/ginko/crous-universite/l3-centre-ville/state",
        &state,
        now,
    );
    assert!(read_state.places.is_empty() && read_state.rows.is_empty());
    let list = messages().to_string().into_bytes();
    let read_list = read("quai/ginko/messages", &list, now);
    assert_eq!(read_list.messages.len(), 1);
    assert_eq!(read_list.messages[0].title, "Travaux");
}
