//! Property-based fuzzing of what reads the network: the JSON decoding of
//! answers (real answers mutated byte by byte, and arbitrary JSON in the
//! envelope) and the HTML-to-text rendering of messages. Nothing may panic,
//! and no text that comes out may carry a control character.
//!
//! `cargo test` runs a few cases (`PROPTEST_CASES`, 64 by default here);
//! `scripts/fuzz.sh SECONDS` runs many more for a bounded time. A failing
//! case is saved by proptest in `tests/fuzz.proptest-regressions` and
//! replayed by every later run: commit it with the fix.

#[path = "support/mutate.rs"]
mod mutate;

use mutate::{Edit, apply};
use proptest::prelude::*;
use quai::network::ginko::model::{FormInfosTrafic, FormLigne, FormMessage, FormTempsLieu};
use quai::network::ginko::{Client, WaitRequest, match_answers, parse_base_url};
use serde_json::Value;

const FIXTURES: [&str; 2] = [
    include_str!("fixtures/ginko-v1.2.json"),
    include_str!("fixtures/ginko-v1.0.json"),
];

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

/// The body a server sent for `method` in a fixture.
fn body(fixture: &str, method: &str) -> Vec<u8> {
    let all: Value = serde_json::from_str(fixture).unwrap();
    all[method].to_string().into_bytes()
}

fn client() -> Client {
    Client::new(parse_base_url("http://127.0.0.1:1").unwrap(), None).unwrap()
}

fn clean(text: &str) -> bool {
    !text.chars().any(char::is_control)
}

/// Edits with this format's own tokens.
fn edit() -> impl Strategy<Value = Edit> {
    mutate::edit(vec![
        b"\"",
        b"\\",
        b"\\u",
        b"\\ud800",
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
        b"\"objets\":",
        b"\"listeTemps\":{}",
    ])
}

/// Any JSON value, a few levels deep, with the API's field names.
fn json() -> impl Strategy<Value = Value> {
    let names = proptest::sample::select(vec![
        "nomExact",
        "listeTemps",
        "idLigne",
        "sensAller",
        "destination",
        "temps",
        "tempsEnSeconde",
        "fiable",
        "alternance",
        "tempsHTMLEnAlternance",
        "couleurFond",
        "numLignePublic",
        "latitude",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        Just(Value::String("101".into())),
        Just(Value::String("\u{1b}]0;t\u{7}\u{202e}x\u{200b}".into())),
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

fn requests() -> Vec<WaitRequest> {
    ["Ile de France", "Crous Université", "Chamars"]
        .iter()
        .flat_map(|place| {
            ["101", "3", "7"].iter().map(move |line| WaitRequest {
                place: (*place).into(),
                line_id: (*line).into(),
                outbound: true,
            })
        })
        .collect()
}

/// Decodes a `getListeTemps` body the way the board does; checks the texts.
fn decode_liste_temps(bytes: &[u8]) {
    let Ok(answers) =
        client().decode_body::<Vec<FormTempsLieu>>("TR/getListeTemps", bytes, "a list of places")
    else {
        return;
    };
    for result in match_answers(&requests(), &answers) {
        for d in &result.departures {
            for text in [&d.destination, &d.via, &d.crowding_text, &d.line.number] {
                assert!(clean(text), "{text:?}");
            }
        }
        if let Some(name) = &result.exact_name {
            assert!(clean(name), "{name:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn mutated_answers_never_panic(
        fixture in 0..FIXTURES.len(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let liste = apply(body(FIXTURES[fixture], "TR/getListeTemps"), &edits);
        decode_liste_temps(&liste);
        let c = client();
        let lignes = apply(body(FIXTURES[fixture], "DR/getLignes"), &edits);
        let _ = c.decode_body::<Vec<FormLigne>>("DR/getLignes", &lignes, "lines");
        let infos = apply(body(FIXTURES[fixture], "TR/getInfosTrafic"), &edits);
        let _ = c.decode_body::<FormInfosTrafic>("TR/getInfosTrafic", &infos, "infos");
        let messages = apply(body(FIXTURES[fixture], "TR/getMessages"), &edits);
        let _ = c.decode_body::<Vec<FormMessage>>("TR/getMessages", &messages, "messages");
    }

    #[test]
    fn any_json_in_the_envelope_never_panics(objets in json(), ok in json()) {
        for ok in [Value::Bool(true), ok] {
            let body = serde_json::json!({"ok": ok, "objets": objets, "msg": objets}).to_string();
            decode_liste_temps(body.as_bytes());
            let _ = client().decode_body::<Vec<FormMessage>>("TR/getMessages", body.as_bytes(), "messages");
        }
    }

    /// A key the server puts anywhere in an answer (after any quote: in
    /// a name, a destination, a field name) comes out of no decoded text.
    #[test]
    fn a_key_echoed_anywhere_never_comes_out(
        places in proptest::collection::vec(any::<usize>(), 1..6),
    ) {
        const KEY: &str = "k3y-Fuzz-9f8e7d6c";
        let mut bytes = body(FIXTURES[0], "TR/getListeTemps");
        let quotes: Vec<usize> = bytes.iter().enumerate().filter(|(_, b)| **b == b'"').map(|(i, _)| i).collect();
        let mut at: Vec<usize> = places.iter().map(|p| quotes[p % quotes.len()] + 1).collect();
        at.sort_unstable();
        for i in at.into_iter().rev() {
            bytes.splice(i..i, format!("apiKey={KEY} ").into_bytes());
        }
        let c = Client::new(
            parse_base_url("http://127.0.0.1:1").unwrap(),
            quai::network::ginko::ApiKey::new(KEY),
        )
        .unwrap();
        match c.decode_body::<Vec<FormTempsLieu>>("TR/getListeTemps", &bytes, "a list of places") {
            Ok(answers) => {
                let read = format!("{:?}", answers);
                prop_assert!(!read.contains(KEY), "{}", read);
                let shown = format!("{:?}", match_answers(&requests(), &answers));
                prop_assert!(!shown.contains(KEY), "{}", shown);
            }
            Err(e) => prop_assert!(!e.to_string().contains(KEY), "{}", e),
        }
    }

    #[test]
    fn html_becomes_clean_lines(
        parts in proptest::collection::vec(
            prop_oneof![
                proptest::sample::select(vec![
                    "<p>", "</p>", "<ul>", "<li>", "</li>", "</ul>", "<table><tr><td>", "</td><td>",
                    "</td></tr></table>", "<a href=\"http://x\u{1b}[2J\">", "</a>", "<br>", "&nbsp;",
                    "&#27;", "&#x9b;", "&amp;", "&#0;", "<b", "<!--", "-->", "<script>", "<pre>",
                    "\u{202e}", "\u{1b}]8;;x\u{7}", "\r\n", "\t", "東京🚋", "é\u{301}",
                ]).prop_map(str::to_string),
                any::<String>(),
            ],
            0..40,
        ),
        width in 0usize..200,
    ) {
        let html: String = parts.concat();
        for line in quai::html::to_lines(&html, width) {
            prop_assert!(clean(&line), "{:?}", line);
        }
        // An escape sequence goes whole, not only its escape byte.
        let marked = format!("{html}<p>\u{1b}[2J\u{1b}]0;TITLE\u{7}&#27;[9Xend</p>");
        let lines = quai::html::to_lines(&marked, width).join("\n");
        prop_assert!(!lines.contains("TITLE") && !lines.contains("[9X"), "{:?}", lines);
    }
}
