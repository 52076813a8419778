//! `quai board PLACE --to DEST`, as a rider runs it: the demo's board
//! from Gare Viotte to Chamars (only the line that goes there, each time
//! with its arrival); a network of feeds whose trip updates give the
//! arrival (tests/destination_feeds.rs); a network without its timetable
//! says it cannot answer rather than showing every row.

use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use quai::demo::ServerOptions;

#[path = "support/cli.rs"]
mod cli;
mod support;

use cli::{instant, json, quai, run, text};

#[tokio::test]
async fn from_gare_viotte_to_chamars_only_the_line_that_goes_there_with_arrivals() {
    let home = support::home("destination", "demo");
    let out = run(quai(
        &home,
        &["demo", "--at", "08:00", "--once", "--to", "Chamars"],
    ))
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let screen = text(&out.stdout);
    let viotte: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.starts_with("Gare Viotte → Chamars"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert!(!viotte.is_empty(), "{screen}");
    for row in &viotte {
        // Line 11 towards Rivotte calls at Chamars; L3, L5, 7, 12 and the
        // tram (whose stop here is closed) do not.
        assert!(row.starts_with("  11   Rivotte"), "{row}\n{screen}");
        // Estimated (≈), or Ginko's own for a located bus.
        assert!(
            [" → ≈08:", " → ≈09:", " → 08:", " → 09:"]
                .iter()
                .any(|t| row.contains(t)),
            "{row}"
        );
    }
    // The same in JSON: the destination, and each departure's arrival
    // after its departure, estimated from the timetable's run time (a
    // located bus: Ginko's own, see below).
    let out = run(quai(
        &home,
        &["demo", "--at", "08:00", "--json", "--to", "Chamars"],
    ))
    .await;
    let v = json(&out);
    assert_eq!(v["destination"], "Chamars");
    let place = v["places"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Gare Viotte")
        .unwrap();
    let rows = place["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        assert_eq!(row["line"]["number"], "11", "{row}");
        for cell in row["cells"].as_array().unwrap() {
            if cell["origin"] == "located" {
                assert!(
                    ["estimated", "live"].contains(&cell["arrival_origin"].as_str().unwrap()),
                    "{cell}"
                );
            } else {
                assert_eq!(cell["arrival_origin"], "estimated", "{cell}");
            }
            let arrival = cell["arrival"].as_str().unwrap();
            assert!(arrival.ends_with("+01:00"), "{arrival}");
        }
    }
    // Without --to, the board is as it was: every line, no arrival.
    let out = run(quai(&home, &["demo", "--at", "08:00", "--json"])).await;
    let v = json(&out);
    assert!(v.get("destination").is_none());
    let all = serde_json::to_string(&v).unwrap();
    assert!(!all.contains("arrival"), "no arrival without --to");
}

/// Ginko's arrival at the destination is the waiting time there of the
/// same vehicle number, asked for in the board's own request: the demo's
/// located trams from Ile de France and République get to Chamars when
/// Ginko says (`live`), later than they leave; a vehicle not located
/// keeps the timetable's run time (`estimated`).
#[tokio::test]
async fn located_trams_arrive_at_chamars_when_ginko_says() {
    let home = support::home("destination", "live");
    let out = run(quai(
        &home,
        &["demo", "--at", "08:00", "--json", "--to", "Chamars"],
    ))
    .await;
    let v = json(&out);
    assert_eq!(v["destination"], "Chamars");
    let fetched = instant(&v["fetched_at"]);
    let mut live_trams = 0;
    for place in v["places"].as_array().unwrap() {
        for row in place["rows"].as_array().unwrap() {
            let tram = row["line"]["mode"] == "tram";
            for cell in row["cells"].as_array().unwrap() {
                let arrival = instant(&cell["arrival"]);
                let leaves =
                    fetched + SignedDuration::from_secs(cell["seconds"].as_i64().unwrap_or(0));
                assert!(arrival > leaves, "{cell}");
                match cell["arrival_origin"].as_str().unwrap() {
                    "live" => {
                        assert_eq!(cell["origin"], "located", "{cell}");
                        assert!(cell["vehicle"].is_string(), "{cell}");
                        if tram {
                            live_trams += 1;
                        }
                    }
                    "estimated" => {}
                    other => panic!("{other}: {cell}"),
                }
                if cell["origin"] == "not_located" {
                    assert_eq!(cell["arrival_origin"], "estimated", "{cell}");
                }
            }
        }
    }
    assert!(live_trams > 0, "{v:#}");
}

/// The destination's waiting times come in the board's own request: one
/// `TR/getListeTemps` per refresh, with or without a destination, each
/// row keeping its number of departures.
#[tokio::test]
async fn ginko_asks_for_the_destination_in_the_same_request() {
    use quai::cache::Cache;
    use quai::network::ginko::{ApiKey, Client, Ginko, parse_base_url};
    use quai::network::{Network, PerRow, RowRequest};

    let dir = support::home("destination", "one-request");
    let log = dir.join("access.log");
    let options = ServerOptions {
        access_log: Some(log.clone()),
        ..ServerOptions::default()
    };
    let s = support::demo_at("08:00", options).await;
    let client = Client::new(
        parse_base_url(&s.url()).unwrap(),
        ApiKey::new(quai::demo::DEMO_KEY),
    )
    .unwrap();
    let ginko = Ginko::new(client, &Cache::memory());
    let ids: Vec<String> = ginko
        .stops()
        .await
        .unwrap()
        .stops
        .into_iter()
        .filter(|s| s.name == "Ile de France")
        .map(|s| s.id)
        .collect();
    let lines = ginko.lines_at(&ids).await.unwrap();
    let rows = |to: Option<&str>| -> Vec<RowRequest> {
        lines
            .iter()
            .map(|l| RowRequest {
                place: "Ile de France".into(),
                stop_ids: ids.clone(),
                line_id: l.line.id.clone(),
                outbound: l.outbound,
                destination: l.destination.clone(),
                to: to.map(Into::into),
            })
            .collect()
    };
    let asked = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(" TR/getListeTemps "))
            .count()
    };
    let nb = PerRow::new(2).unwrap();
    let to_chamars = rows(Some("chamars"));
    let fetched_at = Timestamp::now();
    let results = ginko.departures(&to_chamars, nb).await.unwrap();
    assert_eq!(asked(), 1);
    let mut live = 0;
    for (row, result) in to_chamars.iter().zip(&results) {
        assert!(result.departures.len() <= 2, "{result:?}");
        let arrivals = ginko.live_arrivals(row, &result.departures, fetched_at, "Chamars");
        for (d, times) in result.departures.iter().zip(arrivals) {
            if times.is_empty() {
                continue;
            }
            live += 1;
            assert!(d.reliable() && d.vehicle.is_some(), "{d:?}");
            let leaves = quai::destination::departure_instant(d, fetched_at).unwrap();
            assert!(times.iter().all(|t| *t > leaves), "{d:?} {times:?}");
        }
    }
    // The trams both ways, line 4 towards Pôle Orchamps: some located.
    assert!(live > 0, "{results:?}");
    // Without a destination: one request still, and nothing said.
    let plain = rows(None);
    let results = ginko.departures(&plain, nb).await.unwrap();
    assert_eq!(asked(), 2);
    for (row, result) in plain.iter().zip(&results) {
        assert!(
            ginko
                .live_arrivals(row, &result.departures, fetched_at, "Chamars")
                .is_empty()
        );
    }
}

#[tokio::test]
async fn a_place_no_network_knows_is_refused() {
    let home = support::home("destination", "unknown");
    let out = run(quai(
        &home,
        &["demo", "--at", "08:00", "--once", "--to", "Nulle Part"],
    ))
    .await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("pas de lieu « Nulle Part » dans les horaires du réseau"),
        "{}",
        text(&out.stderr)
    );
}

/// Whether a row of the board shows an arrival: "→08:42" (the network's
/// own) or "→≈08:42" (estimated).
fn has_arrival(row: &str) -> bool {
    row.split('→').skip(1).any(|after| {
        after
            .trim_start_matches('≈')
            .starts_with(|c: char| c.is_ascii_digit())
    })
}

/// The rows of the place `heading` starts, on a screen of the live board.
fn rows_under<'a>(screen: &'a str, heading: &str) -> Vec<&'a str> {
    screen
        .lines()
        .skip_while(|l| !l.trim_start().starts_with(heading))
        .skip(1)
        .take_while(|l| !l.contains("───") && !l.trim().is_empty())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_board_keeps_the_rows_that_reach_the_destination_with_their_arrivals() {
    let home = support::home("destination", "live");
    let command = demo_command(&home, "demo --at 08:00 --to Chamars");
    let screen = tokio::task::spawn_blocking(move || {
        let t = support::Terminal::start(&home, &command, 120, 60);
        let screen = t.wait("the board", 20, |s| {
            s.contains("mis à jour il y a") && s.contains("Rivotte ")
        });
        t.keys(&["q"]);
        screen
    })
    .await
    .unwrap();
    // "Gare Viotte · ⓘ 1 message (i) → Chamars" or without the message.
    let heading = screen
        .lines()
        .find(|l| l.trim_start().starts_with("Gare Viotte"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(heading.contains("→ Chamars"), "{heading}\n{screen}");
    let viotte = rows_under(&screen, "Gare Viotte");
    assert!(!viotte.is_empty(), "{screen}");
    for row in &viotte {
        // Line 11 towards Rivotte calls at Chamars; L3, L5, 7, 12 and the
        // tram do not: their rows are not shown.
        assert!(row.contains(" 11  Rivotte"), "{row}\n{screen}");
        // Each departure with its arrival, estimated from the timetable
        // (≈), or Ginko's own for a located vehicle.
        let shown = ["→≈08:", "→≈09:", "→08:", "→09:"];
        assert!(shown.iter().any(|t| row.contains(t)), "{row}");
        let arrivals = row.matches('→').count();
        assert!(arrivals >= 1, "{row}");
    }
    // Another place of the board: only lines that reach Chamars, with
    // arrivals after the board's clock.
    for row in rows_under(&screen, "République") {
        let shown = ["→≈08:", "→≈09:", "→08:", "→09:"];
        assert!(shown.iter().any(|t| row.contains(t)), "{row}\n{screen}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_without_its_timetable_cannot_answer_in_either_language() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("destination", "no-timetable");
    let board = |lang: Option<&str>| {
        let mut cmd = support::quai_command(&home, Some((&s.url(), "demo")));
        cmd.args(["board", "Gare Viotte", "--once", "--to", "Chamars"]);
        if let Some(lang) = lang {
            cmd.env("LANG", lang);
        }
        cmd
    };
    let out = run(board(None)).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr)
            .contains("destination non disponible sans horaires : quai timetable update"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stdout).contains("L3"), "no unfiltered rows");
    let out = run(board(Some("en_GB.UTF-8"))).await;
    assert!(
        text(&out.stderr)
            .contains("destination not available without the timetable: quai timetable update"),
        "{}",
        text(&out.stderr)
    );
    // The live board says it on the place, and shows none of its rows.
    let command = format!(
        "env -i HOME={home} PATH=/usr/bin:/bin TERM=xterm-256color GINKO_API_URL={url} \
         GINKO_API_KEY=demo {bin} board 'Gare Viotte' --to Chamars; sleep 5",
        home = home.display(),
        url = s.url(),
        bin = env!("CARGO_BIN_EXE_quai"),
    );
    let dir = home.clone();
    let screen = tokio::task::spawn_blocking(move || {
        let t = support::Terminal::start(&dir, &command, 120, 20);
        let screen = t.wait("the board", 20, |s| s.contains("mis à jour il y a"));
        t.keys(&["q"]);
        screen
    })
    .await
    .unwrap();
    assert!(
        screen.contains("Gare Viotte → Chamars · destination non disponible sans horaires"),
        "{screen}"
    );
    assert!(!screen.contains("L3  "), "no unfiltered rows:\n{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_favourite_with_a_destination_is_kept_listed_and_shown_so_by_the_kiosk() {
    // The network at 08:00, and quai's clock too (QUAI_AT): line 11 runs
    // then (it does not after 20:30, when the test ran at night).
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let home = support::home("destination", "favourite");
    let with_api = |args: &[&str]| {
        let mut cmd = support::quai_command(&home, Some((&s.url(), "demo")));
        cmd.args(args);
        cmd
    };
    // The network's timetable, that says where its trips go.
    let zip = home.join("feed.zip");
    let today = jiff::Zoned::now().in_tz("Europe/Paris").unwrap().date();
    std::fs::write(&zip, quai::demo::gtfs::feed("ginko", today).unwrap()).unwrap();
    let mut update = support::quai_command(&home, None);
    update.args(["timetable", "update", "--from"]).arg(&zip);
    let out = run(update).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::remove_file(&zip).unwrap();

    let out = run(with_api(&[
        "fav",
        "add",
        "gare viotte",
        "--to",
        "Chamars",
        "--walk",
        "3",
    ]))
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = std::fs::read_to_string(home.join(".config/quai/favorites.toml")).unwrap();
    assert!(file.contains("to = \"Chamars\""), "{file}");
    // A second favourite whose destination no network knows: it says so,
    // and costs the first nothing (every place said "aucun départ").
    let out = run(with_api(&["fav", "add", "battant", "--to", "Nulle Part"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(with_api(&["fav", "list"])).await;
    assert!(
        text(&out.stdout).contains(" 1. Gare Viotte → Chamars"),
        "{}",
        text(&out.stdout)
    );
    // A file written before `to` existed still reads.
    let old = home.join("old");
    std::fs::create_dir_all(old.join(".config/quai")).unwrap();
    std::fs::write(
        old.join(".config/quai/favorites.toml"),
        "[[favorite]]\nplace = \"Gare Viotte\"\nwalk = 3\n",
    )
    .unwrap();
    let mut list = support::quai_command(&old, Some((&s.url(), "demo")));
    list.args(["fav", "list"]);
    let out = run(list).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains('→'), "{}", text(&out.stdout));

    // The kiosk by the door: one line under the heading, line 11's
    // arrivals at Chamars, and when to leave.
    let command = format!(
        "env -i HOME={home} PATH=/usr/bin:/bin TERM=xterm-256color GINKO_API_URL={url} \
         GINKO_API_KEY=demo QUAI_AT=08:00 {bin} kiosk --refresh 1; sleep 5",
        home = home.display(),
        url = s.url(),
        bin = env!("CARGO_BIN_EXE_quai"),
    );
    let dir = home.clone();
    let screen = tokio::task::spawn_blocking(move || {
        let t = support::Terminal::start(&dir, &command, 120, 30);
        t.wait("the kiosk's arrivals", 30, |s| {
            rows_under(s, "Gare Viotte → Chamars")
                .first()
                .is_some_and(|l| l.contains(" 11 "))
        })
    })
    .await
    .unwrap();
    // The board of the favourites (`quai` alone) shows them the same way.
    let board = format!(
        "env -i HOME={home} PATH=/usr/bin:/bin TERM=xterm-256color GINKO_API_URL={url} \
         GINKO_API_KEY=demo QUAI_AT=08:00 {bin}; sleep 5",
        home = home.display(),
        url = s.url(),
        bin = env!("CARGO_BIN_EXE_quai"),
    );
    let dir = home.join("board");
    std::fs::create_dir_all(&dir).unwrap();
    let favourites = tokio::task::spawn_blocking(move || {
        let t = support::Terminal::start(&dir, &board, 120, 30);
        let screen = t.wait("the board's rows", 30, |s| {
            s.contains("mis à jour il y a") && s.contains("Rivotte ")
        });
        t.keys(&["q"]);
        screen
    })
    .await
    .unwrap();
    assert!(favourites.contains("Gare Viotte → Chamars"), "{favourites}");
    let rows = rows_under(&favourites, "Gare Viotte");
    assert!(!rows.is_empty(), "{favourites}");
    for row in rows {
        assert!(row.contains(" 11  Rivotte"), "{row}\n{favourites}");
        assert!(has_arrival(row), "{row}\n{favourites}");
    }
    assert!(screen.contains("Gare Viotte → Chamars"), "{screen}");
    assert!(screen.contains("« Nulle Part »"), "{screen}");
    // Rows start with the line's number and two spaces.
    for line in ["L3  ", "L5  ", " 12  "] {
        assert!(
            !screen.contains(line),
            "{line} does not go there:\n{screen}"
        );
    }
    let rows = rows_under(&screen, "Gare Viotte → Chamars");
    assert_eq!(rows.len(), 1, "one line: {screen}");
    // The line's badge, its arrivals (Ginko's own for a located bus,
    // else estimated from the run time: "≈"), and when to leave, the walk
    // time still said.
    let arrivals = rows[0].trim();
    assert!(arrivals.starts_with("11  "), "{arrivals}\n{screen}");
    assert!(
        arrivals.contains(':')
            && arrivals
                .chars()
                .nth(4)
                .is_some_and(|c| c == '≈' || c.is_ascii_digit()),
        "{arrivals}\n{screen}"
    );
    // When to leave is said for a departure whose time is counted: the
    // demo locates the buses due within 30 min, so line 11's next one may
    // be "Non localisé" at this hour (the board's first time says which:
    // "≈33 min" or "Non localisé" is not located).
    let first_located = rows_under(&favourites, "Gare Viotte")
        .first()
        .and_then(|row| row.split('→').next())
        .is_some_and(|first| !first.contains("Non localisé") && !first.contains('≈'));
    assert!(
        arrivals.contains("partir dans")
            || arrivals.contains("partez maintenant")
            || !first_located,
        "{arrivals}\n{screen}\n{favourites}"
    );
    assert!(
        !arrivals.contains("Rivotte"),
        "no destination column: {screen}"
    );
    let _ = std::fs::remove_dir_all(&home);
}

/// `>` on a place chooses its destination on the live board (a stop
/// search): only the rows that reach it stay, with their arrivals; `<`
/// brings every row back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_destination_chosen_on_the_board_filters_its_place_and_is_cleared() {
    let home = support::home("destination", "chosen");
    let command = demo_command(&home, "--demo board 'Gare Viotte' --at 08:00");
    let (chosen, cleared, details) = tokio::task::spawn_blocking(move || {
        let t = support::Terminal::start(&home, &command, 100, 40);
        t.wait("the board", 20, |s| {
            s.contains("mis à jour il y a") && s.contains("Hauts du Chazal")
        });
        t.keys(&["j"]);
        t.keys(&[">"]);
        t.wait("the stop search", 10, |s| s.contains("Destination"));
        t.keys(&["c", "h", "a", "m"]);
        std::thread::sleep(std::time::Duration::from_millis(500));
        t.keys(&["Enter"]);
        let chosen = t.wait("the board to Chamars", 10, |s| {
            s.contains("Gare Viotte → Chamars") && s.contains("→≈")
        });
        // Enter on the row shown: its own trip's next stops (the board's
        // row of that rank before filtering was another line's).
        t.keys(&["G", "Enter"]);
        let details = t.wait("the trip's next stops", 10, |s| {
            s.contains("Arrêts suivants") && s.contains("Citadelle")
        });
        t.keys(&["Escape"]);
        t.wait("the board again", 10, |s| !s.contains("Arrêts suivants"));
        t.keys(&["<"]);
        let cleared = t.wait("every row again", 10, |s| {
            !s.contains("→ Chamars") && s.contains("Hauts du Chazal")
        });
        t.keys(&["q"]);
        (chosen, cleared, details)
    })
    .await
    .unwrap();
    assert!(details.contains("11  Rivotte"), "{details}");
    let rows = rows_under(&chosen, "Gare Viotte");
    assert!(!rows.is_empty(), "{chosen}");
    for row in &rows {
        assert!(
            row.contains(" 11  Rivotte") && row.contains("→≈"),
            "{row}\n{chosen}"
        );
    }
    let heading = chosen
        .lines()
        .find(|l| l.trim_start().starts_with("Gare Viotte"))
        .unwrap_or_else(|| panic!("{chosen}"));
    assert_eq!(heading.matches("→ Chamars").count(), 1, "{heading}");
    assert!(!rows_under(&cleared, "Gare Viotte").is_empty(), "{cleared}");
}

/// `T` on a place whose destination is the command line's (`--to`) shows
/// it whole for the rest of the run: the status line said "destination
/// effacée" while the rows stayed filtered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capital_t_sets_the_command_lines_destination_aside() {
    let home = support::home("destination", "aside");
    let command = demo_command(&home, "--demo board 'Gare Viotte' --to Chamars --at 08:00");
    let (filtered, whole) = tokio::task::spawn_blocking(move || {
        let t = support::Terminal::start(&home, &command, 100, 40);
        let filtered = t.wait("the board to Chamars", 20, |s| {
            s.contains("mis à jour il y a") && s.contains("Gare Viotte → Chamars")
        });
        t.keys(&["T"]);
        let whole = t.wait("every row again", 10, |s| {
            !s.contains("→ Chamars") && s.contains("Hauts du Chazal")
        });
        t.keys(&["q"]);
        (filtered, whole)
    })
    .await
    .unwrap();
    assert!(!filtered.contains("Hauts du Chazal"), "{filtered}");
    assert!(whole.contains("destination effacée"), "{whole}");
}

/// The command line that runs `quai ARGS` in a terminal with `home` as its
/// home and nothing else of the environment, kept a few seconds after.
fn demo_command(home: &Path, args: &str) -> String {
    format!(
        "env -i HOME={} PATH=/usr/bin:/bin TERM=xterm-256color {} {args}; sleep 5",
        home.display(),
        env!("CARGO_BIN_EXE_quai")
    )
}
