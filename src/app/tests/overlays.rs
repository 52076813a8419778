//! The panes over the board: traffic, fares, details, forecast, favourites, search.

use super::*;

#[test]
fn i_and_t_open_the_traffic_and_fares_panes() {
    let mut app = App::with_capabilities(every_service());
    app.update(Msg::Update(two_rows()), now());
    assert_eq!(app.update(key(KeyCode::Char('i')), now()), Effect::Redraw);
    assert!(app.traffic().is_some());
    app.update(key(KeyCode::Char('a')), now());
    app.update(key(KeyCode::Down), now());
    assert_eq!(
        app.traffic().cloned(),
        Some(crate::ui::traffic::TrafficPane {
            all: true,
            ..Default::default()
        }),
        "no message: nothing to scroll"
    );
    // Messages longer than the screen scroll to their end, no further.
    app.board_mut().messages = (0..30)
        .map(|i| crate::domain::Message {
            network: String::new(),
            id: i.to_string(),
            title: format!("message {i}"),
            body_html: "<p>texte</p>".into(),
            url: String::new(),
            severity: crate::domain::Severity::Information,
            lines: vec![],
            stops: vec![],
            alert: false,
        })
        .collect();
    app.update(key(KeyCode::Down), now());
    assert_eq!(app.traffic().map(|t| t.scroll), Some(1));
    for _ in 0..20 {
        app.update(key(KeyCode::PageDown), now());
    }
    let end = app.traffic().map(|t| t.scroll).unwrap();
    let max = crate::ui::traffic::max_scroll(
        &app.board.messages,
        &[],
        app.traffic().unwrap(),
        panes::box_area(app.area),
    );
    assert!(end > 1 && end == max, "{end} {max}");
    app.update(key(KeyCode::Up), now());
    assert_eq!(app.traffic().map(|t| t.scroll), Some(end - 1), "one key up");
    // The last message can come to the top; Enter opens it alone;
    // Esc comes back to the list where it was, and Esc again closes.
    app.update(key(KeyCode::End), now());
    for _ in 0..20 {
        app.update(key(KeyCode::PageDown), now());
    }
    let end = app.traffic().map(|t| t.scroll).unwrap();
    assert_eq!(app.update(key(KeyCode::Enter), now()), Effect::Redraw);
    assert_eq!(
        app.traffic().and_then(|t| t.open.clone()),
        Some(("29".to_string(), end)),
        "the last message opened"
    );
    assert_eq!(app.traffic().map(|t| t.scroll), Some(0));
    assert_eq!(app.update(key(KeyCode::Esc), now()), Effect::Redraw);
    assert_eq!(
        app.traffic().map(|t| (t.open.clone(), t.scroll)),
        Some((None, end))
    );
    assert_eq!(app.update(key(KeyCode::Esc), now()), Effect::Redraw);
    assert!(app.traffic().is_none());
    app.update(key(KeyCode::Char('i')), now());
    app.update(key(KeyCode::Char('a')), now());
    assert_eq!(
        app.update(key(KeyCode::Char('q')), now()),
        Effect::Redraw,
        "q closes the pane"
    );
    assert!(app.traffic().is_none());
    assert_eq!(app.lines_on_screen().len(), 1, "T1 once");
    assert_eq!(
        app.update(key(KeyCode::Char('t')), now()),
        Effect::LoadFares { asked: 1 }
    );
    app.update(
        Msg::Fares {
            asked: 1,
            fares: Err("HTTP 503".into()),
        },
        now(),
    );
    assert_eq!(
        app.fares().unwrap().fares,
        Some(Err("HTTP 503".to_string()))
    );
    app.update(key(KeyCode::PageDown), now());
    assert_eq!(app.fares().unwrap().scroll, 0, "one line: no scroll");
    app.update(key(KeyCode::Esc), now());
    assert!(app.fares().is_none());
    // A late answer does not reopen the pane.
    app.update(
        Msg::Fares {
            asked: 1,
            fares: Ok(vec![]),
        },
        now(),
    );
    assert!(app.fares().is_none());
}

#[test]
fn enter_and_c_open_the_detail_and_the_forecast_of_the_selected_row() {
    let mut app = App::with_capabilities(every_service());
    assert_eq!(
        app.update(key(KeyCode::Enter), now()),
        Effect::Redraw,
        "no row yet: said"
    );
    assert!(app.details().is_none());
    app.update(Msg::Update(two_rows()), now());
    app.update(key(KeyCode::Down), now());
    app.update(key(KeyCode::Down), now());
    // No departure yet: the detail opens without a vehicle to fetch.
    assert_eq!(app.update(key(KeyCode::Enter), now()), Effect::Redraw);
    let details = app.details().unwrap();
    assert!(!details.row.outbound, "the second row");
    assert_eq!(app.update(key(KeyCode::Esc), now()), Effect::Redraw);
    assert!(app.details().is_none());
    assert_eq!(
        app.update(key(KeyCode::Char('c')), now()),
        Effect::LoadForecast {
            asked: 1,
            stop_id: String::new(),
            line_id: "101".into(),
            outbound: false
        }
    );
    app.update(
        Msg::Forecast {
            asked: 1,
            forecast: Err("HTTP 503".into()),
        },
        now(),
    );
    assert_eq!(
        app.forecast().unwrap().forecast,
        Some(Err("HTTP 503".to_string()))
    );
    assert_eq!(app.update(key(KeyCode::Char('c')), now()), Effect::Redraw);
    assert!(app.forecast().is_none());
}

/// Row A's forecast, asked for and answered late, does not land in
/// row B's pane opened since; B's own answer does.
#[test]
fn a_late_answer_for_another_row_is_dropped() {
    let mut app = App::with_capabilities(every_service());
    app.update(Msg::Update(two_rows()), now());
    let Effect::LoadForecast {
        asked: for_a,
        outbound: true,
        ..
    } = app.update(key(KeyCode::Char('c')), now())
    else {
        panic!("the first row's forecast is asked for");
    };
    app.update(key(KeyCode::Esc), now());
    app.update(key(KeyCode::Down), now());
    app.update(key(KeyCode::Down), now());
    let Effect::LoadForecast {
        asked: for_b,
        outbound: false,
        ..
    } = app.update(key(KeyCode::Char('c')), now())
    else {
        panic!("the second row's forecast is asked for");
    };
    let quarter = |level| crate::domain::CrowdForecast {
        start: "08:00".into(),
        end: "08:15".into(),
        level,
        text: String::new(),
        passengers: None,
        load: crate::domain::Load::Unknown,
    };
    let answer = |asked, level| Msg::Forecast {
        asked,
        forecast: Ok(vec![quarter(level)]),
    };
    assert_eq!(
        app.update(answer(for_a, crate::domain::CrowdLevel::High), now()),
        Effect::Nothing
    );
    let pane = app.forecast().unwrap();
    assert!(!pane.row.outbound, "row B's pane");
    assert_eq!(pane.forecast, None, "row A's answer is not shown in it");
    app.update(answer(for_b, crate::domain::CrowdLevel::Low), now());
    assert_eq!(
        app.forecast().unwrap().forecast,
        Some(Ok(vec![quarter(crate::domain::CrowdLevel::Low)]))
    );
    // The fares asked before the pane was closed and opened again.
    let Effect::LoadFares { asked: first } = ({
        app.update(key(KeyCode::Esc), now());
        app.update(key(KeyCode::Char('t')), now())
    }) else {
        panic!("the fares are asked for");
    };
    app.update(key(KeyCode::Esc), now());
    app.update(key(KeyCode::Char('t')), now());
    app.update(
        Msg::Fares {
            asked: first,
            fares: Err("HTTP 503".into()),
        },
        now(),
    );
    assert_eq!(app.fares().unwrap().fares, None);
}

/// A change to the favourites that could not be written is said on
/// the status line; a written one says nothing more.
#[test]
fn a_failed_save_is_shown() {
    let mut app = App::new();
    app.notice = Some("★ X ajouté aux favoris".into());
    assert_eq!(
        app.update(Msg::FavoritesSaved(Ok(None)), now()),
        Effect::Redraw
    );
    assert_eq!(app.notice.as_deref(), Some("★ X ajouté aux favoris"));
    app.update(
        Msg::FavoritesSaved(Err("Permission denied (os error 13)".into())),
        now(),
    );
    let notice = app.notice.clone().unwrap();
    assert!(notice.contains("Permission denied"), "{notice}");
    assert_eq!(
        notice,
        crate::i18n::tf(
            "favorites_not_saved",
            &[("why", "Permission denied (os error 13)")]
        )
    );
}

/// The favourites are written off the loop, one change after the
/// other in the order asked; a write that fails comes back as a
/// message, never lost.
#[tokio::test]
async fn the_saver_writes_in_order_and_reports_a_failure() {
    let dir = std::env::temp_dir().join(format!("quai-app-saver-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = crate::favorites::Store::beside(&dir.join("config.toml"));
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let saver = super::run::spawn_saver(Some(store.clone()), tx.clone());
    use super::run::SaveJob;
    for place in ["A", "B"] {
        saver
            .send(SaveJob::Toggle(place.into(), None, None))
            .unwrap();
    }
    saver
        .send(SaveJob::Apply(FavOp::Move {
            place: "B".into(),
            to: 0,
        }))
        .unwrap();
    saver.send(SaveJob::Read(7)).unwrap();
    for _ in 0..2 {
        assert!(matches!(
            rx.recv().await,
            Some(Msg::FavoriteToggled(Ok((_, Some(_)))))
        ));
    }
    assert!(matches!(rx.recv().await, Some(Msg::FavoritesSaved(Ok(_)))));
    match rx.recv().await {
        Some(Msg::FavoritesRead {
            asked: 7,
            read: Ok((list, None)),
        }) => {
            let places: Vec<&str> = list.iter().map(|f| f.place.as_str()).collect();
            assert_eq!(places, ["B", "A"]);
        }
        other => panic!("{other:?}"),
    }
    // The folder is a file now: the next write cannot be done.
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, "not a folder").unwrap();
    saver
        .send(SaveJob::Apply(FavOp::Remove { place: "A".into() }))
        .unwrap();
    match rx.recv().await {
        Some(Msg::FavoritesSaved(Err(why))) => assert!(!why.is_empty()),
        other => panic!("{other:?}"),
    }
    std::fs::remove_file(&dir).unwrap();
}

#[test]
fn nearby_places_open_a_board() {
    let mut app = App::new();
    assert_eq!(app.update(key(KeyCode::Char('n')), now()), Effect::Redraw);
    assert_eq!(
        app.notice.as_deref(),
        Some(crate::i18n::t("no_home")),
        "no home: nothing asked"
    );
    let home = crate::domain::Position {
        lat: 47.24,
        lon: 6.02,
    };
    app.home = Some(home);
    assert_eq!(
        app.update(key(KeyCode::Char('n')), now()),
        Effect::Nearby { asked: 1, home }
    );
    let places = vec![
        "Centre-ville - 8 Septembre".to_string(),
        "Battant".to_string(),
    ];
    let found = |places: Vec<String>| Msg::Nearby {
        asked: 1,
        found: Ok(places),
    };
    assert_eq!(
        app.update(found(places.clone()), now()),
        Effect::OpenPlaces(places)
    );
    assert_eq!(app.update(found(vec![]), now()), Effect::Redraw);
    assert_eq!(app.notice.as_deref(), Some("aucun arrêt à moins de 500 m"));
}

#[test]
fn f_toggles_the_favourite_of_the_selected_place() {
    let mut app = App::new();
    assert_eq!(
        app.update(key(KeyCode::Char('f')), now()),
        Effect::Nothing,
        "no place yet"
    );
    app.update(Msg::Update(two_rows()), now());
    assert_eq!(
        app.update(key(KeyCode::Char('f')), now()),
        Effect::ToggleFavorite("X".into(), None, None)
    );
    app.notice = Some("★ X ajouté aux favoris".into());
    app.update(key(KeyCode::Down), now());
    assert_eq!(app.notice, None, "a key clears the notice");
    assert_eq!(app.selected_place().as_deref(), Some("X"));
}

/// A favourite added with `f` from a searched stop is on the
/// favourites' board that `⌫` brings back, as a removed one is gone
/// from it; `f` on the favourites' board itself shows it again.
#[tokio::test]
async fn a_favourite_added_with_f_is_on_the_favourites_board() {
    let dir = std::env::temp_dir().join(format!("quai-app-fav-add-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = crate::favorites::Store::beside(&dir.join("config.toml"));
    let x = |place: &str| Favorite {
        place: place.into(),
        network: None,
        label: None,
        lines: vec![],
        walk: None,
        to: None,
    };
    store
        .update(|f| {
            f.list.push(x("X"));
            Ok(())
        })
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let saver = super::run::spawn_saver(Some(store.clone()), tx);
    let mut app = App::new();
    app.first = Some(FirstBoard {
        name: "favoris".into(),
        places: vec!["X".into()],
        favorites: vec![x("X")],
        is_favorites: true,
    });
    // A searched stop, made a favourite.
    let stops = vec![crate::domain::Stop::named("S1", "Chamars")];
    app.index = Some(Arc::new(Index::from_stops(&stops)));
    app.update(key(KeyCode::Char('/')), now());
    app.update(key(KeyCode::Char('c')), now());
    app.update(key(KeyCode::Enter), now());
    app.update(Msg::Update(one_place("Chamars")), now());
    let Effect::ToggleFavorite(place, network, _) = app.update(key(KeyCode::Char('f')), now())
    else {
        panic!("f toggles the favourite");
    };
    saver
        .send(super::run::SaveJob::Toggle(place, network, None))
        .unwrap();
    let saved = rx.recv().await.unwrap();
    assert_eq!(app.update(saved, now()), Effect::Redraw);
    assert_eq!(app.notice.as_deref(), Some("★ Chamars ajouté aux favoris"));
    assert_eq!(
        app.update(key(KeyCode::Backspace), now()),
        Effect::Show {
            places: vec!["X".into(), "Chamars".into()],
            favorites: vec![x("X"), x("Chamars")],
        }
    );
    // On the favourites' board, `f` removes the place and the board
    // follows.
    app.update(Msg::Update(one_place("Chamars")), now());
    let Effect::ToggleFavorite(place, network, _) = app.update(key(KeyCode::Char('f')), now())
    else {
        panic!("f toggles the favourite");
    };
    saver
        .send(super::run::SaveJob::Toggle(place, network, None))
        .unwrap();
    let saved = rx.recv().await.unwrap();
    assert_eq!(
        app.update(saved, now()),
        Effect::Show {
            places: vec!["X".into()],
            favorites: vec![x("X")],
        }
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn toggling_writes_the_favourites_file() {
    let dir = std::env::temp_dir().join(format!("quai-app-fav-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = crate::favorites::Store::beside(&dir.join("config.toml"));
    let (said, list) = toggle_favorite(Some(store.clone()), "Chamars".into(), None, None)
        .await
        .unwrap();
    assert_eq!(said, "★ Chamars ajouté aux favoris");
    assert_eq!(store.load().unwrap().list[0].place, "Chamars");
    assert_eq!(list, Some(store.load().unwrap().list));
    let (said, list) = toggle_favorite(Some(store.clone()), "Chamars".into(), None, None)
        .await
        .unwrap();
    assert_eq!(said, "Chamars retiré des favoris");
    assert!(store.load().unwrap().list.is_empty());
    assert_eq!(list, Some(vec![]));
    // A board's place with a destination: the favourite keeps it.
    toggle_favorite(
        Some(store.clone()),
        "Citadelle".into(),
        None,
        Some("Rivotte".into()),
    )
    .await
    .unwrap();
    assert_eq!(store.load().unwrap().list[0].to.as_deref(), Some("Rivotte"));
    assert!(
        toggle_favorite(None, "Chamars".into(), None, None)
            .await
            .is_ok_and(|(said, list)| said.contains("démo") && list.is_none())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn search_types_filters_and_opens_a_place() {
    let mut app = App::new();
    assert_eq!(app.update(key(KeyCode::Char('/')), now()), Effect::Redraw);
    assert!(app.search().unwrap().loading, "no index yet");
    let stops: Vec<crate::domain::Stop> = ["Châteaufarine", "Chamars", "Ile de France"]
        .iter()
        .enumerate()
        .map(|(i, n)| crate::domain::Stop::named(&format!("S{i}"), n))
        .collect();
    app.update(
        Msg::Update(Update::Index {
            index: Arc::new(Index::from_stops(&stops)),
            stale: true,
        }),
        now(),
    );
    let search = app.search().unwrap();
    assert!(!search.loading && search.stale);
    assert_eq!(search.hits.len(), 3, "an empty query lists the places");
    for c in "cha".chars() {
        app.update(key(KeyCode::Char(c)), now());
    }
    // 'q' is typed into the query, it does not quit.
    assert_eq!(app.update(key(KeyCode::Char('q')), now()), Effect::Redraw);
    app.update(key(KeyCode::Backspace), now());
    assert_eq!(app.search().unwrap().query, "cha");
    app.update(key(KeyCode::Down), now());
    let chosen = app.search().unwrap().chosen().unwrap().to_string();
    assert_eq!(
        app.update(key(KeyCode::Enter), now()),
        Effect::OpenPlaces(vec![chosen])
    );
    assert!(app.search().is_none());
    app.update(key(KeyCode::Char('/')), now());
    assert_eq!(app.update(key(KeyCode::Esc), now()), Effect::Redraw);
    assert!(app.search().is_none(), "Esc goes back to the board");
}

#[test]
fn failures_keep_the_last_good_data() {
    let mut app = App::new();
    app.update(Msg::Update(two_rows()), now());
    let at: Timestamp = "2026-11-23T08:00:00Z".parse().unwrap();
    app.update(
        Msg::Update(Update::Departures {
            at,
            results: vec![],
        }),
        now(),
    );
    app.update(
        Msg::Update(Update::Failed(crate::network::NetError::new(
            crate::network::ErrorKind::Http(503),
            "HTTP 503 from the server",
        ))),
        now(),
    );
    assert_eq!(app.board.fetched_at, Some(at));
    assert!(app.board.last_error.is_some());
    assert_eq!(app.board.places.len(), 1);
}

/// What the live board writes through the painter and the memo, frame
/// after frame, is what a frame drawn from scratch shows: through
/// ticks, stale data, a refresh, moves of the selection, panes opened
/// and closed over the board, and resizes.
#[test]
fn painted_frames_are_the_frames_drawn_from_scratch() {
    use crate::ui::departures::tests::{sample_board, t};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let settings = BoardSettings {
        title: "quai · Ginko".into(),
        attribution: "ODbL".into(),
        ..settings_for_tests()
    };
    let mut app = App::new();
    app.set_board(sample_board());
    let mut memo = crate::ui::memo::LineMemo::default();
    let mut painter = crate::ui::paint::Painter::default();
    let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
    for second in 0..120 {
        match second {
            10 | 12 | 60 => {
                app.update(key(KeyCode::Char('j')), now());
            }
            20 => {
                app.update(key(KeyCode::Char('?')), now());
            }
            23 => {
                app.update(key(KeyCode::Char('?')), now());
            }
            30 => {
                app.update(key(KeyCode::Char('i')), now());
            }
            33 => {
                app.update(key(KeyCode::Esc), now());
            }
            40 => {
                let mut again = sample_board();
                again.fetched_at = Some(t(40));
                app.set_board(again);
            }
            50 => {
                app.update(key(KeyCode::Char('/')), now());
            }
            52 => {
                app.update(key(KeyCode::Esc), now());
            }
            70 => terminal.backend_mut().resize(60, 12),
            80 => terminal.backend_mut().resize(30, 5),
            85 => terminal.backend_mut().resize(120, 40),
            _ => {}
        }
        let resized = matches!(second, 70 | 80 | 85);
        let now = t(second);
        // As the loop does: the view brought to the second.
        app.refresh_view(now);
        let view = app.view().unwrap().clone();
        painter
            .paint_lines(&mut terminal, resized, &mut memo, |canvas| {
                draw_app(canvas, &app, &view, &settings)
            })
            .unwrap();
        let area = terminal.backend().buffer().area;
        let mut fresh = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
        fresh
            .draw(|frame| {
                let mut fresh_memo = crate::ui::memo::LineMemo::default();
                let canvas = &mut crate::ui::paint::Canvas::new(frame, &mut fresh_memo);
                draw_app(canvas, &app, &view, &settings);
            })
            .unwrap();
        assert_eq!(
            terminal.backend().buffer(),
            fresh.backend().buffer(),
            "second {second}"
        );
    }
    assert!(memo.left > 250, "most lines were left: {}", memo.left);
}

/// `two_rows` with a departure in each row, fetched at `at`; row A's
/// vehicle is numbered.
fn two_rows_leaving(app: &mut App, at: Timestamp) {
    app.update(Msg::Update(two_rows()), at);
    let board = app.board_mut();
    board.fetched_at = Some(at);
    let state = &mut board.places[0];
    state.fetched_at = Some(at);
    for (l, outbound) in [(0, true), (1, false)] {
        let mut d = crate::model::fixtures::departure(
            crate::domain::WaitTime::Countdown {
                text: "3 min".into(),
                seconds: Some(180),
            },
            true,
        );
        d.outbound = outbound;
        d.vehicle = outbound.then(|| "812".into());
        state.departures[l] = vec![d];
    }
}

/// Enter asks for the row's vehicle and its trip's next stops with one
/// request number; the stops of row A, answered after row B's detail was
/// opened, are not shown in it; B's are, and a long list scrolls.
#[test]
fn enter_asks_for_the_next_stops_and_a_late_answer_is_dropped() {
    let at = now();
    let mut app = App::with_capabilities(every_service());
    two_rows_leaving(&mut app, at);
    let Effect::LoadDetails {
        asked: for_a,
        vehicle: Some(number),
        trip: Some(trip),
    } = app.update(key(KeyCode::Enter), at)
    else {
        panic!("row A's vehicle and stops are asked for");
    };
    assert_eq!(number, "812");
    assert!(trip.row.outbound && trip.departure.outbound);
    assert_eq!((trip.row.line_id.as_str(), trip.fetched_at), ("101", at));
    assert_eq!(app.details().unwrap().calls, None, "loading");
    app.update(key(KeyCode::Esc), at);
    app.update(key(KeyCode::Down), at);
    app.update(key(KeyCode::Down), at);
    // Row B: no vehicle number, its stops asked all the same.
    let Effect::LoadDetails {
        asked: for_b,
        vehicle: None,
        trip: Some(trip),
    } = app.update(key(KeyCode::Enter), at)
    else {
        panic!("row B's stops are asked for");
    };
    assert!(!trip.row.outbound && !trip.departure.outbound);
    assert_ne!(for_a, for_b);
    let call = |stop: &str, minutes: i64| crate::destination::Call {
        stop: stop.into(),
        at: at + jiff::SignedDuration::from_mins(minutes),
        origin: crate::destination::ArrivalOrigin::Estimated,
    };
    let answer = |asked, calls| Msg::Calls {
        asked,
        calls: Ok(calls),
    };
    assert_eq!(
        app.update(answer(for_a, vec![call("Chamars", 5)]), at),
        Effect::Nothing
    );
    // Row A's vehicle, late too.
    assert_eq!(
        app.update(
            Msg::Vehicle {
                asked: for_a,
                number: "812".into(),
                vehicle: Err("x".into()),
                live: Err("x".into()),
            },
            at
        ),
        Effect::Nothing
    );
    let pane = app.details().unwrap();
    assert!(!pane.row.outbound, "row B's pane");
    assert_eq!(pane.calls, None, "row A's stops are not shown in it");
    assert_eq!(pane.vehicle, None);
    let many: Vec<_> = (0..30).map(|i| call(&format!("Arrêt {i}"), i)).collect();
    assert_eq!(app.update(answer(for_b, many), at), Effect::Redraw);
    let stops = app.details().unwrap().calls.clone().unwrap().unwrap();
    assert_eq!(stops.len(), 30);
    assert_eq!(stops[0].stop, "Arrêt 0");
    assert_eq!(stops[0].time.at, at);
    // A list longer than the screen scrolls, no further than its end.
    app.area = Rect::new(0, 0, 40, 12);
    assert_eq!(app.update(key(KeyCode::Down), at), Effect::Redraw);
    assert_eq!(app.details().unwrap().scroll, 1);
    app.update(key(KeyCode::PageDown), at);
    app.update(key(KeyCode::PageDown), at);
    app.update(key(KeyCode::PageDown), at);
    app.update(key(KeyCode::PageDown), at);
    let end = app.details().unwrap().scroll;
    assert!(end > 20, "{end}");
    app.update(key(KeyCode::PageDown), at);
    assert_eq!(
        app.details().unwrap().scroll,
        end,
        "no further than the end"
    );
    let screen = drawn(&mut app, 40, 12);
    assert!(screen.contains("Arrêt 29"), "{screen}");
    assert!(!screen.contains("Arrêt 0 "), "{screen}");
}

/// A network without a timetable cannot say a trip's stops: the detail
/// says so rather than nothing.
#[test]
fn the_detail_says_when_the_next_stops_cannot_be_known() {
    let at = now();
    let mut app = App::new();
    two_rows_leaving(&mut app, at);
    let Effect::LoadDetails {
        asked,
        vehicle: None,
        trip: Some(_),
    } = app.update(key(KeyCode::Enter), at)
    else {
        panic!("the stops are asked for, not the vehicle");
    };
    app.update(
        Msg::Calls {
            asked,
            calls: Err(crate::i18n::t("calls_unavailable").into()),
        },
        at,
    );
    let screen = drawn(&mut app, 120, 35);
    assert!(screen.contains("quai timetable update"), "{screen}");
}

/// `>` chooses the selected place's destination by the stop search,
/// said in its heading; `<` clears it; the help lists both keys.
#[test]
fn greater_than_sets_the_places_destination_and_less_than_clears_it() {
    let at = now();
    let mut app = board_with_stops(&["Chamars", "Gare Viotte"], at);
    assert_eq!(app.update(key(KeyCode::Char('<')), at), Effect::Nothing);
    assert_eq!(app.update(key(KeyCode::Char('>')), at), Effect::Redraw);
    assert!(matches!(app.overlay, Some(Overlay::Destination(_, ref p)) if p == "X"));
    let screen = drawn(&mut app, 100, 30);
    assert!(screen.contains("Destination depuis X"), "{screen}");
    for c in "cham".chars() {
        app.update(key(KeyCode::Char(c)), at);
    }
    // Enter sets it and closes the search; no board is opened.
    assert_eq!(app.update(key(KeyCode::Enter), at), Effect::Redraw);
    assert!(app.overlay.is_none());
    assert_eq!(app.destinations, vec![("X".into(), "Chamars".into())]);
    let screen = drawn(&mut app, 100, 30);
    assert!(screen.contains("X → Chamars"), "{screen}");
    // Esc leaves it as it was.
    app.update(key(KeyCode::Char('>')), at);
    app.update(key(KeyCode::Esc), at);
    assert_eq!(app.destinations.len(), 1);
    assert_eq!(app.update(key(KeyCode::Char('<')), at), Effect::Redraw);
    assert!(app.destinations.is_empty());
    let screen = drawn(&mut app, 100, 30);
    assert!(!screen.contains('→'), "{screen}");
    // `t` stays the fares.
    assert!(matches!(
        app.update(key(KeyCode::Char('t')), at),
        Effect::LoadFares { .. }
    ));
    app.update(key(KeyCode::Esc), at);
    app.update(key(KeyCode::Char('?')), at);
    let help = drawn(&mut app, 120, 60);
    assert!(help.contains("destination du lieu choisi"), "{help}");
    assert!(help.contains("effacer la destination"), "{help}");
}

/// `t` opens "Destination · Tarifs": typing searches the place's
/// destination and Enter sets it; the fares are under the search, ↑↓
/// scroll them while nothing is typed; `T` clears the destination.
#[test]
fn t_chooses_the_destination_above_the_fares_and_capital_t_clears_it() {
    let at = now();
    let mut app = board_with_stops(&["Chamars", "Gare Viotte", "Chalezeule"], at);
    let Effect::LoadFares { asked } = app.update(key(KeyCode::Char('t')), at) else {
        panic!("the fares are asked for");
    };
    let fare = |i: usize| crate::domain::Fare {
        kind: crate::domain::FareKind::Single,
        name: format!("Ticket {i}"),
        description: "Valable 1 h.".into(),
        where_to_buy: String::new(),
        price_eur: Some(1.6),
    };
    app.update(
        Msg::Fares {
            asked,
            fares: Ok((1..=20).map(fare).collect()),
        },
        at,
    );
    let screen = drawn(&mut app, 100, 30);
    assert!(screen.contains("Destination · Tarifs"), "{screen}");
    assert!(screen.contains("Destination depuis X"), "{screen}");
    assert!(screen.contains("Ticket 1 "), "{screen}");
    // Nothing typed: ↓ scrolls the fares, Enter sets nothing.
    assert_eq!(app.update(key(KeyCode::Down), at), Effect::Redraw);
    assert_eq!(app.fares().unwrap().scroll, 1);
    assert_eq!(app.update(key(KeyCode::PageDown), at), Effect::Redraw);
    assert_eq!(app.fares().unwrap().scroll, 11);
    assert_eq!(app.update(key(KeyCode::Enter), at), Effect::Nothing);
    assert!(app.destinations.is_empty());
    // Typed ("q" and "t" are letters here): ↓↑ choose a stop, PgUp
    // still scrolls the fares.
    for c in "cha".chars() {
        app.update(key(KeyCode::Char(c)), at);
    }
    let pane = app.dest_fares().unwrap();
    assert_eq!(pane.search.query, "cha");
    assert!(pane.search.hits.len() >= 2, "{:?}", pane.search.hits);
    app.update(key(KeyCode::Down), at);
    assert_eq!(app.dest_fares().unwrap().search.selected, 1);
    assert_eq!(app.fares().unwrap().scroll, 11, "the fares stay");
    app.update(key(KeyCode::Up), at);
    app.update(key(KeyCode::PageUp), at);
    assert_eq!(app.fares().unwrap().scroll, 1);
    app.update(key(KeyCode::Char('m')), at);
    let screen = drawn(&mut app, 100, 30);
    assert!(screen.contains("▸ Chamars"), "{screen}");
    assert_eq!(app.update(key(KeyCode::Enter), at), Effect::Redraw);
    assert!(app.overlay.is_none());
    assert_eq!(app.destinations, vec![("X".into(), "Chamars".into())]);
    let screen = drawn(&mut app, 100, 30);
    assert!(screen.contains("→ Chamars"), "{screen}");
    // Esc leaves it as it was; `T` clears it.
    app.update(key(KeyCode::Char('t')), at);
    app.update(key(KeyCode::Char('g')), at);
    assert_eq!(app.update(key(KeyCode::Esc), at), Effect::Redraw);
    assert!(app.overlay.is_none());
    assert_eq!(app.destinations.len(), 1);
    assert_eq!(app.update(key(KeyCode::Char('T')), at), Effect::Redraw);
    assert!(app.destinations.is_empty());
    assert_eq!(app.update(key(KeyCode::Char('T')), at), Effect::Nothing);
    let screen = drawn(&mut app, 100, 30);
    assert!(!screen.contains('→'), "{screen}");
    app.update(key(KeyCode::Char('?')), at);
    let help = drawn(&mut app, 120, 60);
    assert!(help.contains("destination · tarifs"), "{help}");
    assert!(help.contains("sans destination"), "{help}");
}

/// A place whose destination no trip takes says so on a line the
/// selection can reach, so that `T` clears it there.
#[test]
fn a_destination_no_trip_takes_can_be_selected_and_cleared() {
    let at = now();
    let mut app = App::with_capabilities(every_service());
    let Update::Resolved { mut places, .. } = two_rows() else {
        panic!("places");
    };
    let mut z = places[0].clone();
    z.name = "Z".into();
    z.lines.truncate(1);
    places.insert(0, z);
    app.update(
        Msg::Update(Update::Resolved {
            places,
            unknown: vec![],
            unavailable: vec![],
        }),
        at,
    );
    let board = app.board_mut();
    board.fetched_at = Some(at);
    board.places[0].fetched_at = Some(at);
    board.places[0].departures[0] = vec![crate::model::fixtures::departure(
        crate::domain::WaitTime::Countdown {
            text: "3 min".into(),
            seconds: Some(180),
        },
        true,
    )];
    board.places[1].fetched_at = Some(at);
    board.places[1].place.to = Some("Chamars".into());
    app.destinations.push(("X".into(), "Chamars".into()));
    app.board_changed = true;
    let screen = drawn(&mut app, 100, 30);
    assert!(screen.contains("X → Chamars"), "{screen}");
    assert!(screen.contains("aucun départ vers Chamars"), "{screen}");
    // Z's row, then X's line.
    app.update(key(KeyCode::Down), at);
    assert_eq!(app.selected_place().as_deref(), Some("Z"));
    app.update(key(KeyCode::Down), at);
    assert_eq!(app.selected_place().as_deref(), Some("X"));
    assert_eq!(
        app.selected_row(),
        None,
        "no row: Enter has nothing to open"
    );
    assert_eq!(app.update(key(KeyCode::Char('T')), at), Effect::Redraw);
    // Its own destination (a favourite's, `--to`) is set aside too: the
    // place is shown whole.
    assert_eq!(app.destinations, [("X".to_string(), String::new())]);
    let screen = drawn(&mut app, 100, 30);
    assert!(!screen.contains("X → Chamars"), "{screen}");
    assert!(!screen.contains("aucun départ vers"), "{screen}");
}

/// `>` with nothing typed: Enter chooses nothing (it set the first stop of
/// the alphabet), as in `t`'s search.
#[test]
fn enter_with_nothing_typed_chooses_no_destination() {
    let at = now();
    let mut app = board_with_stops(&["Allende", "Chamars"], at);
    app.update(key(KeyCode::Char('>')), at);
    assert_eq!(app.update(key(KeyCode::Enter), at), Effect::Nothing);
    assert!(app.destinations.is_empty(), "{:?}", app.destinations);
    assert!(app.overlay.is_some(), "the search stays open");
    for c in "cham".chars() {
        app.update(key(KeyCode::Char(c)), at);
    }
    app.update(key(KeyCode::Enter), at);
    assert_eq!(app.destinations, [("X".to_string(), "Chamars".to_string())]);
}

/// The app on the two rows of place "X", with a stop list of `names`.
fn board_with_stops(names: &[&str], at: Timestamp) -> App {
    let mut app = App::with_capabilities(every_service());
    app.update(Msg::Update(two_rows()), at);
    let stops: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, name)| crate::domain::Stop::named(&format!("S{}", i + 1), name))
        .collect();
    app.index = Some(std::sync::Arc::new(crate::search::Index::from_stops(
        &stops,
    )));
    app
}
