//! The seam is real: a network that is not Ginko — held in memory, with
//! absolute-time departures, a cancelled one, a delay, a platform, a
//! timetable time — drives the same poller, board, search, favourites,
//! board pane and kiosk code.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::{Notify, mpsc};

use quai::app::{App, Effect, Msg};
use quai::domain::{
    Accessibility, BoardLine, CrowdLevel, Departure, LineKind, LineRef, Load, Origin, Rgb, Status,
    WaitTime,
};
use quai::favorites::{Favorite, LineFilter};
use quai::model::Board;
use quai::network::scripted::Scripted;
use quai::network::{ErrorKind, NetError, PerRow};
use quai::poller::{self, PollSettings, Update};
use quai::ui::theme::{Palette, Theme};
use quai::ui::view;

fn line(id: &str, number: &str, bg: &str, outbound: bool, destination: &str) -> BoardLine {
    BoardLine {
        line: LineRef {
            background: Rgb::parse_hex(bg),
            foreground: Rgb::parse_hex("FFFFFF"),
            ..LineRef::plain(id, number)
        },
        kind: Some(LineKind::Other),
        outbound,
        destination: destination.into(),
        via: String::new(),
    }
}

fn at(expected: Timestamp, aimed: Timestamp, l: &BoardLine) -> Departure {
    Departure {
        stop_id: "GN:1".into(),
        line: l.line.clone(),
        outbound: l.outbound,
        destination: l.destination.clone(),
        via: String::new(),
        time: WaitTime::At {
            expected,
            aimed: Some(aimed),
        },
        alternate: None,
        origin: Origin::Located,
        status: Status::Normal,
        platform: None,
        mission: None,
        vehicle: None,
        stop_access: Accessibility::Unknown,
        vehicle_access: Accessibility::Unknown,
        crowding: CrowdLevel::NotAllowed,
        load: Load::NotAllowed,
        crowding_text: String::new(),
        crowding_advice: String::new(),
        info_id: None,
    }
}

/// Two stations: Gare du Nord (RER B both ways) and Châtelet (lines 14
/// and 4); departures set from `now`.
fn network(now: Timestamp) -> (Arc<Scripted>, [BoardLine; 4]) {
    let b_south = line("RER-B", "B", "5291CE", true, "Saint-Rémy-lès-Chevreuse");
    let b_north = line("RER-B", "B", "5291CE", false, "Aéroport CDG 2");
    let m14 = line("M14", "14", "62259D", true, "Olympiades");
    let m4 = line("M4", "4", "BB4D98", true, "Bagneux");
    let net = Scripted::new("scripted", "Réseau de test")
        .with_stop(
            "Gare du Nord",
            "GN:1",
            None,
            vec![b_south.clone(), b_north.clone()],
        )
        .with_stop("Châtelet", "CH:1", None, vec![m14.clone(), m4.clone()]);
    let min = |m: i64| now + jiff::SignedDuration::from_secs(m * 60 + 20);
    let mut delayed = at(min(7), min(5), &b_south);
    delayed.platform = Some("2".into());
    delayed.mission = Some("KOHO".into());
    let mut cancelled = at(min(12), min(12), &b_south);
    cancelled.status = Status::Cancelled;
    net.set_departures("Gare du Nord", "RER-B", true, vec![delayed, cancelled]);
    let mut theoretical = at(min(9), min(9), &b_north);
    theoretical.origin = Origin::Timetable;
    net.set_departures("Gare du Nord", "RER-B", false, vec![theoretical]);
    net.set_departures("Châtelet", "M14", true, vec![at(min(2), min(2), &m14)]);
    net.set_departures("Châtelet", "M4", true, vec![at(min(3), min(3), &m4)]);
    (Arc::new(net), [b_south, b_north, m14, m4])
}

/// The updates of the poller until the first departures (or a failure).
async fn poll_once(
    net: Arc<Scripted>,
    places: &[&str],
    favorites: Vec<Favorite>,
) -> (Vec<Update>, poller::Poller) {
    let (tx, mut rx) = mpsc::channel(16);
    let (_places_tx, places_rx) = mpsc::channel(1);
    let poller = poller::spawn(
        net,
        PollSettings {
            places: places.iter().map(|p| p.to_string()).collect(),
            nb: PerRow::new(3).unwrap(),
            refresh: Duration::from_secs(1),
            favorites,
            walk: None,
            to: None,
            chosen: None,
        },
        tx,
        Arc::new(Notify::new()),
        places_rx,
    );
    let mut updates = Vec::new();
    while let Ok(Some(update)) = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
        let done = matches!(update, Update::Departures { .. } | Update::Failed(_));
        updates.push(update);
        if done {
            break;
        }
    }
    (updates, poller)
}

fn screen(buffer: &ratatui::buffer::Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_board_shows_instants_delays_platforms_cancellations_and_timetable_times() {
    let now = Timestamp::now();
    let (net, _) = network(now);
    let (updates, _poller) = poll_once(net.clone(), &["gare nord", "chatelet"], vec![]).await;
    let mut board = Board::default();
    let mut index = None;
    for update in updates {
        if let Some((i, _)) = poller::apply(&mut board, update) {
            index = Some(i);
        }
    }
    // The search runs on the network's own stops.
    let index = index.expect("the stop index");
    assert_eq!(index.search("nord", 1)[0].place.name, "Gare du Nord");
    // One call for every row of both places.
    assert_eq!(net.calls(), (1, 4));
    assert_eq!(board.places.len(), 2);
    assert!(board.resolved_places().all(|p| p.network == "scripted"));

    let shown = view::build(&board, now);
    let gn = &shown.places[0];
    assert_eq!(gn.name, "Gare du Nord");
    let south = &gn.rows[0].cells;
    assert_eq!(south[0].shown.text(), "7 min");
    assert_eq!(south[0].seconds, Some(7 * 60 + 20));
    assert_eq!(south[0].delay_minutes, Some(2));
    assert_eq!(south[0].platform.as_deref(), Some("2"));
    assert_eq!(south[0].mission.as_deref(), Some("KOHO"));
    assert_eq!(south[1].shown.text(), "Supprimé");
    let north = &gn.rows[1].cells;
    assert_eq!(north[0].origin, Origin::Timetable);
    assert!(!north[0].reliable);
    // Absolute instants count down with the clock, not with a fetch.
    let later = view::build(&board, now + jiff::SignedDuration::from_secs(120));
    assert_eq!(later.places[0].rows[0].cells[0].shown.text(), "5 min");

    // The board's pane, as the terminal shows it.
    let mut terminal = Terminal::new(TestBackend::new(110, 20)).unwrap();
    let state = quai::ui::departures::PaneState {
        title: "quai · Réseau de test",
        selected: None,
        help: false,
        theme: Theme::new(Palette::TrueColor),
        nb: 3,
        attribution: "",
        notice: None,
        warning: None,
        capabilities: Default::default(),
        back_to: None,
    };
    terminal
        .draw(|f| quai::ui::departures::draw(f, &shown, &state))
        .unwrap();
    let text = screen(terminal.backend().buffer());
    assert!(text.contains("7 min +2 v2"), "{text}");
    assert!(text.contains("Supprimé"), "{text}");
    assert!(text.contains("9 min") && text.contains("théor."), "{text}");
    assert!(
        text.contains("Châtelet") && text.contains("Olympiades"),
        "{text}"
    );

    // And the kiosk's.
    let pane = quai::ui::kiosk::KioskPane {
        title: "quai · Réseau de test",
        theme: Theme::new(Palette::Ansi16),
        nb: 2,
        attribution: "",
        warning: None,
        problem: None,
        no_favorites: false,
        favorites_path: "",
        reload_hint: "",
        page_seconds: 8,
        large: quai::ui::kiosk::LargeDigits::Never,
        quiet: None,
        now_s: now.as_second(),
        pages_since_s: 0,
        date: "lundi 23 novembre",
    };
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|f| quai::ui::kiosk::draw(f, &shown, &pane))
        .unwrap();
    let text = screen(terminal.backend().buffer());
    assert!(text.contains("Gare du Nord"), "{text}");
    assert!(text.contains("Supprimé"), "{text}");
    assert!(text.contains("7 min"), "{text}");
}

#[tokio::test]
async fn favourites_filter_the_rows_and_failures_are_the_networks_own() {
    let now = Timestamp::now();
    let (net, _) = network(now);
    let favorite = Favorite {
        place: "Châtelet".into(),
        network: None,
        label: Some("Bureau".into()),
        lines: vec![LineFilter::parse("14").unwrap()],
        walk: None,
        to: None,
    };
    let (updates, _poller) = poll_once(net.clone(), &["Châtelet"], vec![favorite]).await;
    let mut board = Board::default();
    for update in updates {
        poller::apply(&mut board, update);
    }
    let shown = view::build(&board, now);
    assert_eq!(shown.places[0].name, "Châtelet — Bureau");
    let numbers: Vec<&str> = shown.places[0]
        .rows
        .iter()
        .map(|r| r.line.number.as_str())
        .collect();
    assert_eq!(numbers, ["14"], "only the favourite's line");
    assert_eq!(net.calls(), (1, 1), "only its row is asked for");

    // A failure of this network reaches the board with its reason.
    net.fail_next(NetError::new(ErrorKind::Http(503), "scripted: HTTP 503"));
    let (updates, _poller) = poll_once(net.clone(), &["Châtelet"], vec![]).await;
    for update in updates {
        poller::apply(&mut board, update);
    }
    let shown = view::build(&board, now);
    assert!(shown.stale);
    assert_eq!(shown.error_reason.as_deref(), Some("HTTP 503"));
    assert!(view::status_text(&shown).contains("HTTP 503"));
}

#[tokio::test]
async fn the_live_board_searches_and_opens_places_of_any_network() {
    let now = Timestamp::now();
    let (net, _) = network(now);
    let (updates, _poller) = poll_once(net, &["Gare du Nord"], vec![]).await;
    // The scripted network offers no fares nor crowding forecast.
    let mut app = App::with_capabilities(Default::default());
    for update in updates {
        app.update(Msg::Update(update), now);
    }
    let key = |c| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    // `t` is the place's destination alone: no fares asked for.
    assert_eq!(app.update(key(KeyCode::Char('t')), now), Effect::Redraw);
    assert!(app.fares().is_none());
    assert_eq!(app.update(key(KeyCode::Esc), now), Effect::Redraw);
    assert_eq!(app.update(key(KeyCode::Char('/')), now), Effect::Redraw);
    for c in "chat".chars() {
        app.update(key(KeyCode::Char(c)), now);
    }
    assert_eq!(app.search().unwrap().chosen(), Some("Châtelet"));
    assert_eq!(
        app.update(key(KeyCode::Enter), now),
        Effect::OpenPlaces(vec!["Châtelet".into()])
    );
    assert!(app.search().is_none());
}
