//! The app's update, keys and drawing, without a terminal.

mod overlays;

use super::run::{draw_app, toggle_favorite};
use super::*;

use crate::poller::PollSettings;
use crate::ui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

/// The time of every message in these tests.
fn now() -> Timestamp {
    crate::clock::now()
}
use crate::domain::LineRef;
use crate::model::{BoardLine, ResolvedPlace};
use std::time::Duration;

/// A network that offers every service.
fn every_service() -> Capabilities {
    Capabilities {
        fares: true,
        vehicle_details: true,
        crowding_forecast: true,
        line_states: true,
        lifts: true,
        nearby: true,
    }
}

/// The network's message "T1 : travaux", ongoing (`alert`: in the
/// banner).
fn works_on_t1(alert: bool) -> Msg {
    Msg::Update(Update::Messages(vec![crate::domain::Message {
        network: String::new(),
        id: "1".into(),
        title: "T1 : travaux".into(),
        body_html: String::new(),
        url: String::new(),
        severity: crate::domain::Severity::Ongoing,
        lines: vec!["T1".into()],
        stops: vec![],
        alert,
    }]))
}

/// Messages and line states belong to the network: a new set of
/// places, from the search or the stops nearby, keeps them.
#[test]
fn new_places_keep_the_networks_messages_and_line_states() {
    let mut app = App::new();
    app.update(Msg::Update(two_rows()), now());
    app.update(works_on_t1(false), now());
    app.update(
        Msg::Update(Update::LineStates(vec![crate::domain::LineStatus {
            line: LineRef::plain("101", "T1"),
            state: crate::domain::LineState::Disrupted,
        }])),
        now(),
    );
    let stops = vec![crate::domain::Stop::named("S1", "Chamars")];
    app.update(
        Msg::Update(Update::Index {
            index: Arc::new(Index::from_stops(&stops)),
            stale: false,
        }),
        now(),
    );
    app.update(key(KeyCode::Char('/')), now());
    app.update(key(KeyCode::Char('c')), now());
    assert_eq!(
        app.update(key(KeyCode::Enter), now()),
        Effect::OpenPlaces(vec!["Chamars".into()])
    );
    assert!(app.board.places.is_empty(), "the old places are gone");
    assert_eq!(app.board.messages.len(), 1);
    assert_eq!(app.board.line_states.len(), 1);
    app.update(
        Msg::Nearby {
            asked: app.asked(),
            found: Ok(vec!["Chamars".into()]),
        },
        now(),
    );
    assert_eq!(app.board.messages.len(), 1);
    assert_eq!(app.board.line_states.len(), 1);
}

/// After a searched stop, ⌫ brings back the board one came from; the
/// status line says so; q still quits.
#[test]
fn backspace_brings_back_the_first_board() {
    let mut app = App::new();
    let favorite = Favorite {
        place: "X".into(),
        network: None,
        label: Some("Maison".into()),
        lines: vec![],
        walk: None,
        to: None,
    };
    app.first = Some(FirstBoard {
        name: "favoris".into(),
        places: vec!["X".into()],
        favorites: vec![favorite.clone()],
        is_favorites: true,
    });
    app.update(Msg::Update(two_rows()), now());
    assert_eq!(app.update(key(KeyCode::Backspace), now()), Effect::Nothing);
    assert_eq!(app.back_to(), None, "on the first board");
    let stops = vec![crate::domain::Stop::named("S1", "Chamars")];
    app.index = Some(Arc::new(Index::from_stops(&stops)));
    app.update(key(KeyCode::Char('/')), now());
    app.update(key(KeyCode::Char('c')), now());
    app.update(key(KeyCode::Enter), now());
    assert_eq!(app.back_to(), Some("favoris"));
    // The status line says how to go back.
    let view = view::build(&app.board, now());
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(90, 10)).unwrap();
    terminal
        .draw(|f| super::draw_screen(f, &app, &view, &settings_for_tests()))
        .unwrap();
    let screen = crate::ui::departures::tests::screen(terminal.backend().buffer()).join("\n");
    assert!(screen.contains("⌫ retour : favoris"), "{screen}");
    assert_eq!(
        app.update(key(KeyCode::Backspace), now()),
        Effect::Show {
            places: vec!["X".into()],
            favorites: vec![favorite],
        }
    );
    assert_eq!(app.back_to(), None);
    assert_eq!(app.update(key(KeyCode::Char('q')), now()), Effect::Quit);
}

fn settings_for_tests() -> BoardSettings {
    BoardSettings {
        poll: PollSettings {
            places: vec![],
            nb: crate::network::PerRow::DEFAULT,
            refresh: Duration::from_secs(10),
            favorites: vec![],
            walk: None,
            to: None,
            chosen: None,
        },
        title: "quai".into(),
        attribution: String::new(),
        theme: Theme::new(crate::ui::theme::Palette::TrueColor),
        clock_shift: jiff::SignedDuration::ZERO,
        start_in_search: false,
        favorites: None,
        warning: None,
        home: None,
        first_name: "favoris".into(),
        first_is_favorites: true,
    }
}

#[test]
fn keys_for_services_the_network_lacks_do_nothing() {
    let mut app = App::new();
    app.update(Msg::Update(two_rows()), now());
    // `t` is the place's destination alone: no fares asked for.
    assert_eq!(app.update(key(KeyCode::Char('t')), now()), Effect::Redraw);
    assert!(
        app.dest_fares()
            .is_some_and(|p| p.place.as_deref() == Some("X"))
    );
    assert!(app.fares().is_none());
    let screen = drawn(&mut app, 100, 30);
    assert!(screen.contains("Destination depuis X"), "{screen}");
    assert!(!screen.contains("Tarifs"), "{screen}");
    app.update(key(KeyCode::Esc), now());
    assert_eq!(app.update(key(KeyCode::Char('c')), now()), Effect::Nothing);
    assert!(app.forecast().is_none());
    // Enter still opens the row's detail, without asking for a vehicle.
    assert_eq!(app.update(key(KeyCode::Enter), now()), Effect::Redraw);
    assert!(app.details().is_some());
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// `two_rows` at a place of this name.
fn one_place(name: &str) -> Update {
    let mut update = two_rows();
    if let Update::Resolved { places, .. } = &mut update {
        places[0].name = name.into();
    }
    update
}

/// `n` places of two rows each, "P1" to "Pn".
fn places(n: usize) -> Update {
    let mut places = Vec::new();
    for i in 1..=n {
        if let Update::Resolved { places: one, .. } = one_place(&format!("P{i}")) {
            places.extend(one);
        }
    }
    Update::Resolved {
        places,
        unknown: vec![],
        unavailable: vec![],
    }
}

/// The screen drawn of `app` at `width`×`height`.
fn drawn(app: &mut App, width: u16, height: u16) -> String {
    app.area = Rect::new(0, 0, width, height);
    app.refresh_view(now());
    let view = app.view().cloned().unwrap();
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| super::draw_screen(f, app, &view, &settings_for_tests()))
        .unwrap();
    crate::ui::departures::tests::screen(terminal.backend().buffer()).join("\n")
}

/// A board longer than the screen: the paging keys reach every place,
/// and a line says how many places are above and below.
#[test]
fn a_long_board_pages_and_says_what_is_below() {
    let mut app = App::new();
    app.update(Msg::Update(places(9)), now());
    let screen = drawn(&mut app, 80, 12);
    assert!(screen.contains("P1") && !screen.contains("P9"), "{screen}");
    assert!(screen.contains("↓ 6 lieux de plus"), "{screen}");
    // End and G: the last row, the last place shown.
    assert_eq!(app.update(key(KeyCode::End), now()), Effect::Redraw);
    assert_eq!(app.selected, Some(17));
    let screen = drawn(&mut app, 80, 12);
    assert!(screen.contains("P9") && !screen.contains("P1 "), "{screen}");
    assert!(screen.contains("↑ 6 lieux au-dessus"), "{screen}");
    assert!(!screen.contains('↓'), "{screen}");
    // Home and g: the first.
    app.update(key(KeyCode::Home), now());
    assert_eq!(app.selected, Some(0));
    app.update(key(KeyCode::Char('G')), now());
    assert_eq!(app.selected, Some(17));
    app.update(key(KeyCode::Char('g')), now());
    assert_eq!(app.selected, Some(0));
    // PageDown: a screen of rows further (12 lines less 4), no further
    // than the last; PageUp back.
    app.update(key(KeyCode::PageDown), now());
    assert_eq!(app.selected, Some(8));
    app.update(key(KeyCode::PageDown), now());
    app.update(key(KeyCode::PageDown), now());
    assert_eq!(app.selected, Some(17));
    app.update(key(KeyCode::PageUp), now());
    assert_eq!(app.selected, Some(9));
    // ] and Tab: the next place, shown from its name; [ the previous.
    let mut fresh = App::new();
    fresh.update(Msg::Update(places(2)), now());
    fresh.update(key(KeyCode::Char(']')), now());
    assert_eq!(fresh.selected, Some(2), "from the top, the second place");
    app.update(key(KeyCode::Char(']')), now());
    assert_eq!(app.selected, Some(10));
    app.update(key(KeyCode::Tab), now());
    assert_eq!(app.selected, Some(12));
    let screen = drawn(&mut app, 80, 12);
    let first_body_line = screen.lines().nth(1).unwrap_or_default();
    assert!(first_body_line.contains("P7"), "{screen}");
    app.update(key(KeyCode::Char('[')), now());
    assert_eq!(app.selected, Some(10));
    app.update(key(KeyCode::BackTab), now());
    assert_eq!(app.selected, Some(8));
    // The selection stays across a refresh of the same places.
    app.update(Msg::Update(places(9)), now());
    assert_eq!(app.selected, Some(8));
}

/// The help scrolls with the moving keys, says when more is below,
/// and every one of its lines can be reached at 80×24 and 40×12.
#[test]
fn the_help_scrolls_to_its_last_line() {
    for (width, height) in [(80, 24), (40, 12), (120, 35)] {
        let mut app = App::with_capabilities(every_service());
        app.update(Msg::Update(places(3)), now());
        app.area = Rect::new(0, 0, width, height);
        app.update(key(KeyCode::Char('?')), now());
        let first = drawn(&mut app, width, height);
        assert!(first.contains("Touches"), "{first}");
        let mut seen = first.clone();
        let mut screen = first;
        for _ in 0..150 {
            app.update(key(KeyCode::Char('j')), now());
            screen = drawn(&mut app, width, height);
            seen.push_str(&screen);
        }
        // The last lines of the legend were reached; the board's
        // selection did not move.
        assert!(seen.contains("✖ ▲ ◆ ℹ"), "{width}×{height}: {screen}");
        // Explanations too long for the box go on under themselves.
        assert!(
            seen.contains("perturbée, en travaux"),
            "{width}×{height}: {screen}"
        );
        assert!(seen.contains("quitter"), "{width}×{height}: {screen}");
        assert!(seen.contains("♿ barré"), "{width}×{height}: {screen}");
        assert!(seen.contains("▮▯▯ ▮▮▯ ▮▮▮"), "{width}×{height}: {screen}");
        assert!(seen.contains("quitter"), "{width}×{height}: {screen}");
        assert_eq!(app.selected, None);
        if height < 35 {
            assert!(!screen.contains("Touches"), "scrolled: {screen}");
            assert!(screen.contains("↑ k, PgPréc"), "{screen}");
            // PageUp and Home go back up; then more is said below.
            app.update(key(KeyCode::Home), now());
            let screen = drawn(&mut app, width, height);
            assert!(screen.contains("Touches"), "{screen}");
            assert!(screen.contains("lignes de plus"), "{screen}");
            app.update(key(KeyCode::End), now());
            let end = app.help_scroll;
            assert!(end > 0);
            app.update(key(KeyCode::Char('k')), now());
            assert_eq!(app.help_scroll, end - 1);
            app.update(key(KeyCode::PageUp), now());
            let page = usize::from(height - 4);
            assert_eq!(app.help_scroll, (end - 1).saturating_sub(page));
        }
        // Esc closes it; ? opens it at its top.
        app.update(key(KeyCode::Esc), now());
        assert!(!app.help);
        app.update(key(KeyCode::Char('?')), now());
        assert_eq!(app.help_scroll, 0);
    }
}

fn two_rows() -> Update {
    let line = |outbound| BoardLine {
        line: LineRef::plain("101", "T1"),
        kind: None,
        outbound,
        destination: "Y".into(),
        via: String::new(),
    };
    Update::Resolved {
        places: vec![ResolvedPlace {
            network: "test".into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            query: "x".into(),
            label: None,
            name: "X".into(),
            stop_ids: vec![],
            lines: vec![line(true), line(false)],
            to: None,
        }],
        unknown: vec![],
        unavailable: vec![],
    }
}

/// On a board of two networks the keys follow the selected row's, as
/// the board is when the key comes; the updates waiting before it are
/// built into one view, the one read by `update` and drawn.
#[test]
fn keys_follow_the_selected_row_and_the_view_is_built_once_per_change() {
    let t = now();
    let mut app = App::new();
    let network = |id: &str, capabilities| crate::network::NetworkInfo {
        id: id.into(),
        name: id.to_uppercase(),
        capabilities,
    };
    app.networks = vec![
        network("a", every_service()),
        network("b", Capabilities::default()),
    ];
    let place = |network: &str, name: &str| ResolvedPlace {
        network: network.into(),
        network_name: network.to_uppercase(),
        problem: None,
        walk: None,
        query: name.into(),
        label: None,
        name: name.into(),
        stop_ids: vec![format!("{name}1")],
        lines: vec![BoardLine {
            line: LineRef::plain("1", "1"),
            kind: None,
            outbound: true,
            destination: "Terminus".into(),
            via: String::new(),
        }],
        to: None,
    };
    let resolved = |places| {
        Msg::Update(Update::Resolved {
            places,
            unknown: vec![],
            unavailable: vec![],
        })
    };
    let fares = |app: &mut App| {
        let effect = app.update(key(KeyCode::Char('t')), t);
        app.overlay = None;
        matches!(effect, Effect::LoadFares { .. })
    };
    app.update(resolved(vec![place("a", "X"), place("b", "Y")]), t);
    assert!(app.view().is_none(), "no view built for an update alone");
    assert!(fares(&mut app), "the first row is A's, which has fares");
    assert_eq!(app.view(), Some(&view::build(app.board(), t)));
    // The first move selects the first row, the second the next.
    app.update(key(KeyCode::Down), t);
    app.update(key(KeyCode::Down), t);
    assert!(!fares(&mut app), "B has none");
    // New places then a key, in one batch: the key reads the new board.
    app.update(resolved(vec![place("b", "Y"), place("a", "X")]), t);
    let before = app.view().cloned();
    app.update(Msg::Tick, t);
    assert_eq!(app.view().cloned(), before, "not built again for a tick");
    assert!(!fares(&mut app), "the first row is B's now");
    assert_eq!(app.view(), Some(&view::build(app.board(), t)));
    app.update(key(KeyCode::Down), t);
    app.update(key(KeyCode::Down), t);
    assert!(fares(&mut app));
    // Brought to a later second without a change: the view is the one
    // built from scratch then.
    let later = t + Duration::from_secs(75);
    app.refresh_view(later);
    assert_eq!(app.view(), Some(&view::build(app.board(), later)));
}

#[test]
fn keys_map_to_effects() {
    let mut app = App::new();
    assert_eq!(
        app.update(key(KeyCode::Char('r')), now()),
        Effect::RefreshNow
    );
    assert_eq!(app.update(key(KeyCode::Char('?')), now()), Effect::Redraw);
    assert!(app.help);
    assert_eq!(
        app.update(key(KeyCode::Esc), now()),
        Effect::Redraw,
        "Esc closes the help first"
    );
    assert!(!app.help);
    assert_eq!(app.update(key(KeyCode::Esc), now()), Effect::Quit);
    assert_eq!(app.update(key(KeyCode::Char('q')), now()), Effect::Quit);
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(app.update(ctrl_c, now()), Effect::Quit);
    assert_eq!(app.update(key(KeyCode::Char('x')), now()), Effect::Nothing);
}

#[test]
fn the_selection_stays_on_the_rows() {
    let mut app = App::new();
    assert_eq!(
        app.update(key(KeyCode::Down), now()),
        Effect::Nothing,
        "no rows yet"
    );
    app.update(Msg::Update(two_rows()), now());
    app.update(key(KeyCode::Char('j')), now());
    assert_eq!(app.selected, Some(0));
    app.update(key(KeyCode::Down), now());
    app.update(key(KeyCode::Down), now());
    assert_eq!(app.selected, Some(1));
    app.update(key(KeyCode::Char('k')), now());
    app.update(key(KeyCode::Up), now());
    assert_eq!(app.selected, Some(0));
}

#[test]
fn the_favourites_pane_reorders_removes_renames_and_picks_lines() {
    let fav = |p: &str| Favorite {
        place: p.into(),
        network: None,
        label: None,
        lines: vec![],
        walk: None,
        to: None,
    };
    let mut app = App::new();
    app.update(Msg::Update(two_rows()), now()); // the place "X": T1 both ways
    assert_eq!(
        app.update(key(KeyCode::Char('F')), now()),
        Effect::OpenFavorites { asked: 1 }
    );
    app.open_favorites(vec![fav("A"), fav("X"), fav("C")]);
    assert_eq!(
        app.update(key(KeyCode::Char('J')), now()),
        Effect::SaveFavorite(FavOp::Move {
            place: "A".into(),
            to: 1
        })
    );
    let order = |app: &App| -> Vec<String> {
        app.favorites()
            .cloned()
            .as_ref()
            .unwrap()
            .list
            .iter()
            .map(|f| f.query())
            .collect()
    };
    assert_eq!(order(&app), ["X", "A", "C"]);
    let shift_up = Msg::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::SHIFT));
    assert_eq!(
        app.update(shift_up, now()),
        Effect::SaveFavorite(FavOp::Move {
            place: "A".into(),
            to: 0
        })
    );
    assert_eq!(
        app.update(key(KeyCode::Char('d')), now()),
        Effect::SaveFavorite(FavOp::Remove { place: "A".into() })
    );
    assert_eq!(order(&app), ["X", "C"]);
    app.update(key(KeyCode::Char('e')), now());
    for c in "Maison".chars() {
        app.update(key(KeyCode::Char(c)), now());
    }
    assert_eq!(
        app.update(key(KeyCode::Enter), now()),
        Effect::SaveFavorite(FavOp::Rename {
            place: "X".into(),
            label: Some("Maison".into())
        })
    );
    // The lines of X, as the board shows them; untick the second.
    app.update(key(KeyCode::Enter), now());
    assert_eq!(
        app.favorites()
            .cloned()
            .as_ref()
            .unwrap()
            .lines
            .as_ref()
            .unwrap()
            .len(),
        2
    );
    app.update(key(KeyCode::Down), now());
    assert_eq!(
        app.update(key(KeyCode::Char(' ')), now()),
        Effect::SaveFavorite(FavOp::SetLines {
            place: "X".into(),
            lines: vec![crate::favorites::LineFilter::parse("T1:aller").unwrap()]
        })
    );
    // The last ticked line cannot be unticked.
    app.update(key(KeyCode::Up), now());
    assert_eq!(app.update(key(KeyCode::Char(' ')), now()), Effect::Redraw);
    assert!(app.notice.is_some());
    app.update(key(KeyCode::Esc), now());
    match app.update(key(KeyCode::Esc), now()) {
        Effect::ShowFavorites(list) => {
            assert_eq!(list[0].describe(), "X (Maison) — T1:aller");
            assert_eq!(list.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    assert!(app.favorites().is_none());
}

/// `d` in the favourites pane says how to undo it, and `u` puts the
/// favourite back where it was, saved so.
#[test]
fn a_favourite_removed_comes_back_with_u() {
    let fav = |p: &str| Favorite {
        place: p.into(),
        network: None,
        label: None,
        lines: vec![],
        walk: None,
        to: None,
    };
    let mut app = App::new();
    app.open_favorites(vec![fav("A"), fav("B"), fav("C")]);
    app.update(key(KeyCode::Down), now());
    assert_eq!(
        app.update(key(KeyCode::Char('d')), now()),
        Effect::SaveFavorite(FavOp::Remove { place: "B".into() })
    );
    let notice = app.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("B") && notice.contains("u annuler"),
        "{notice}"
    );
    assert!(drawn(&mut app, 80, 24).contains("u annuler"));
    assert_eq!(
        app.update(key(KeyCode::Char('u')), now()),
        Effect::SaveFavorite(FavOp::Insert {
            favorite: fav("B"),
            at: 1
        })
    );
    let list: Vec<String> = app
        .favorites()
        .unwrap()
        .list
        .iter()
        .map(|f| f.query())
        .collect();
    assert_eq!(list, ["A", "B", "C"]);
    assert_eq!(app.favorites().unwrap().selected, 1);
    // Once only.
    assert_eq!(app.update(key(KeyCode::Char('u')), now()), Effect::Nothing);
    // The saved file follows: the undo is a favourite put back in place.
    let mut saved = crate::favorites::Favorites {
        list: vec![fav("A"), fav("C")],
    };
    FavOp::Insert {
        favorite: fav("B"),
        at: 1,
    }
    .apply(&mut saved)
    .unwrap();
    assert_eq!(saved.list, [fav("A"), fav("B"), fav("C")]);
}

/// After `r`, the status line says a refresh is under way until the
/// answer (or its failure) comes.
#[test]
fn a_refresh_under_way_is_shown_until_its_answer() {
    let mut app = App::new();
    app.update(Msg::Update(two_rows()), now());
    assert!(!drawn(&mut app, 80, 24).contains("actualisation en cours"));
    assert_eq!(
        app.update(key(KeyCode::Char('r')), now()),
        Effect::RefreshNow
    );
    assert!(drawn(&mut app, 80, 24).contains("actualisation en cours"));
    // A second goes by: still waiting.
    app.update(Msg::Tick, now());
    assert!(drawn(&mut app, 40, 12).contains("actualisation en cours"));
    app.update(
        Msg::Update(Update::Departures {
            at: now(),
            results: vec![],
        }),
        now(),
    );
    assert!(!drawn(&mut app, 80, 24).contains("actualisation en cours"));
    app.update(key(KeyCode::Char('r')), now());
    app.update(
        Msg::Update(Update::Failed(crate::network::NetError::new(
            crate::network::ErrorKind::Timeout,
            "slow",
        ))),
        now(),
    );
    assert!(!drawn(&mut app, 80, 24).contains("actualisation en cours"));
}

/// The regular answers of a board that shows departures get no frame of
/// their own: the next second's frame draws them. The first departures,
/// the answer to `r` and a failure are drawn at once.
#[test]
fn regular_answers_are_drawn_with_the_next_seconds_frame() {
    let departures = || {
        Msg::Update(Update::Departures {
            at: now(),
            results: vec![],
        })
    };
    let mut app = App::new();
    assert_eq!(app.update(Msg::Update(two_rows()), now()), Effect::Redraw);
    assert_eq!(app.update(departures(), now()), Effect::Redraw, "the first");
    assert_eq!(app.update(departures(), now()), Effect::Nothing);
    assert_eq!(app.update(works_on_t1(true), now()), Effect::Nothing);
    // The next second's frame shows what came.
    assert_eq!(app.update(Msg::Tick, now()), Effect::Redraw);
    assert!(drawn(&mut app, 80, 24).contains("T1 : travaux"));
    assert_eq!(
        app.update(key(KeyCode::Char('r')), now()),
        Effect::RefreshNow
    );
    assert_eq!(app.update(departures(), now()), Effect::Redraw, "asked");
    let failed = Msg::Update(Update::Failed(crate::network::NetError::new(
        crate::network::ErrorKind::Timeout,
        "slow",
    )));
    assert_eq!(app.update(failed, now()), Effect::Redraw);
}

/// `c` and Enter with no row selected say why nothing opens.
#[test]
fn a_key_needing_a_row_says_when_none_is_selected() {
    let mut app = App::new();
    app.capabilities = every_service();
    for code in [KeyCode::Char('c'), KeyCode::Enter] {
        assert_eq!(app.update(key(code), now()), Effect::Redraw);
        assert!(app.forecast().is_none() && app.details().is_none());
        let notice = app.notice.clone().unwrap_or_default();
        assert!(
            notice.contains("aucune ligne choisie"),
            "{code:?}: {notice}"
        );
        assert!(drawn(&mut app, 80, 24).contains("aucune ligne choisie"));
    }
}
