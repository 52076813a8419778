//! The screens the snapshot tests draw: a board at a fixed time, its
//! settings and themes (shared by the French and English snapshots).

#![allow(dead_code)]

use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use quai::app::{App, BoardSettings, Msg, draw_screen};
use quai::domain::*;
use quai::model::{Board, ResolvedPlace};
use quai::network::{Capabilities, PerRow, RowResult};
use quai::poller::PollSettings;
use quai::search::Index;
use quai::ui::theme::{Glyphs, Palette, Theme};
use quai::ui::view;

/// 08:00:00 in Besançon.
pub fn t0() -> Timestamp {
    "2026-11-23T07:00:00Z".parse().unwrap()
}

pub fn line(
    id: &str,
    number: &str,
    bg: &str,
    kind: LineKind,
    outbound: bool,
    to: &str,
) -> BoardLine {
    BoardLine {
        line: LineRef {
            background: Rgb::parse_hex(bg),
            foreground: Rgb::parse_hex("FFFFFF"),
            mode: Some(if kind == LineKind::Tram {
                Mode::Tram
            } else {
                Mode::Bus
            }),
            ..LineRef::plain(id, number)
        },
        kind: Some(kind),
        outbound,
        destination: to.into(),
        via: String::new(),
    }
}

pub fn departure(l: &BoardLine, time: WaitTime, origin: Origin) -> Departure {
    Departure {
        stop_id: "S1".into(),
        line: l.line.clone(),
        outbound: l.outbound,
        destination: l.destination.clone(),
        via: l.via.clone(),
        time,
        alternate: None,
        origin,
        status: Status::Normal,
        platform: None,
        mission: None,
        vehicle: Some("812".into()),
        stop_access: Accessibility::Accessible,
        vehicle_access: Accessibility::Accessible,
        crowding: CrowdLevel::Moderate,
        load: Load::Percent(50),
        crowding_text: "Affluence modérée".into(),
        crowding_advice: String::new(),
        info_id: None,
    }
}

pub fn countdown(seconds: i64) -> WaitTime {
    WaitTime::Countdown {
        text: format!("{} min", seconds / 60),
        seconds: Some(seconds),
    }
}

pub fn at(minutes: i64) -> Timestamp {
    t0() + jiff::SignedDuration::from_secs(minutes * 60 + 30)
}

/// Two places: countdowns (Ginko's kind of times) and absolute instants
/// with a delay, a platform, a cancellation and a timetable time.
pub fn board() -> Board {
    let t1 = line("101", "T1", "E2001A", LineKind::Tram, true, "Chalezeule");
    let l3 = line("3", "L3", "006AB3", LineKind::Lianes, false, "Pôle Temis");
    let b = line("B", "B", "5291CE", LineKind::Other, true, "Saint-Rémy");
    let places = vec![
        ResolvedPlace {
            network: "test".into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            query: "crous".into(),
            label: Some("Maison".into()),
            name: "Crous Université".into(),
            stop_ids: vec!["S1".into()],
            lines: vec![t1.clone(), l3.clone()],
            to: None,
        },
        ResolvedPlace {
            network: "test".into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            query: "gare".into(),
            label: None,
            name: "Gare du Nord".into(),
            stop_ids: vec!["S2".into()],
            lines: vec![b.clone()],
            to: None,
        },
    ];
    let mut board = Board::new(places);
    let mut late = departure(
        &b,
        WaitTime::At {
            expected: at(6),
            aimed: Some(at(4)),
        },
        Origin::Located,
    );
    late.platform = Some("2".into());
    late.mission = Some("SOPI".into());
    let mut cancelled = departure(
        &b,
        WaitTime::At {
            expected: at(14),
            aimed: Some(at(14)),
        },
        Origin::Located,
    );
    cancelled.status = Status::Cancelled;
    let timetable = departure(
        &b,
        WaitTime::At {
            expected: at(21),
            aimed: None,
        },
        Origin::Timetable,
    );
    let result = |departures| RowResult {
        in_answer: true,
        position: None,
        departures,
        error: None,
        data_at: None,
        timetable: false,
        dropped: 0,
    };
    board.apply(
        t0(),
        vec![
            result(vec![
                departure(&t1, countdown(150), Origin::Located),
                departure(&t1, countdown(720), Origin::NotLocated),
            ]),
            result(vec![departure(
                &l3,
                WaitTime::Text {
                    text: "Déviation".into(),
                    served: false,
                },
                Origin::Located,
            )]),
            result(vec![late, cancelled, timetable]),
        ],
    );
    board.messages = vec![Message {
        network: String::new(),
        id: "7".into(),
        title: "T1 : travaux rue de Belfort".into(),
        body_html: "<p>Du 23 au 27 novembre, <b>arrêt déplacé</b>.</p><ul><li>T1</li></ul>".into(),
        url: String::new(),
        severity: Severity::Ongoing,
        lines: vec!["T1".into()],
        stops: vec![],
        alert: false,
    }];
    board.line_states = vec![LineStatus {
        line: LineRef::plain("3", "L3"),
        state: LineState::Disrupted,
    }];
    board
}

pub fn every_service() -> Capabilities {
    Capabilities {
        fares: true,
        vehicle_details: true,
        crowding_forecast: true,
        line_states: true,
        lifts: false,
        nearby: true,
    }
}

pub fn settings(theme: Theme) -> BoardSettings {
    BoardSettings {
        poll: PollSettings {
            places: vec![],
            nb: PerRow::DEFAULT,
            refresh: std::time::Duration::from_secs(10),
            favorites: vec![],
            walk: None,
            to: None,
            chosen: None,
        },
        title: "quai · Test".into(),
        attribution: "Données : réseau de test".into(),
        theme,
        clock_shift: jiff::SignedDuration::ZERO,
        start_in_search: false,
        favorites: None,
        warning: None,
        home: None,
        first_name: "favoris".into(),
        first_is_favorites: true,
    }
}

pub fn true_colour() -> Theme {
    Theme::new(Palette::TrueColor)
}

pub fn console() -> Theme {
    Theme {
        palette: Palette::Ansi16,
        glyphs: Glyphs::for_term("linux"),
    }
}

/// The app's screen at 08:00:05 after `keys`.
pub fn screen(app: &mut App, keys: &[KeyCode], theme: Theme, size: (u16, u16)) -> Buffer {
    let now = t0() + jiff::SignedDuration::from_secs(5);
    for code in keys {
        app.update(Msg::Key(KeyEvent::new(*code, KeyModifiers::NONE)), now);
    }
    let view = view::build(app.board(), now);
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    terminal
        .draw(|f| draw_screen(f, app, &view, &settings(theme)))
        .unwrap();
    terminal.backend().buffer().clone()
}

pub fn app() -> App {
    let mut app = App::with_capabilities(every_service());
    app.set_board(board());
    app.area = ratatui::layout::Rect::new(0, 0, 100, 30);
    app.attribution = settings(true_colour()).attribution;
    let stops: Vec<Stop> = [
        "Crous Université",
        "Chamars",
        "Châteaufarine",
        "Gare du Nord",
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| Stop::named(&format!("S{i}"), n))
    .collect();
    app.index = Some(std::sync::Arc::new(Index::from_stops(&stops)));
    app
}

/// The sizes every screen is drawn at: a wide terminal, the classic
/// 80×24 and the smallest the board is drawn at.
pub const SIZES: [(u16, u16); 3] = [(120, 35), (80, 24), (40, 12)];

/// The text of a screen, line by line (wide symbols counted once).
pub fn text_lines(buffer: &Buffer) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            let mut line = String::new();
            let mut x = 0;
            while x < area.width {
                let symbol = buffer[(x, y)].symbol();
                line.push_str(symbol);
                x += symbol.width().max(1) as u16;
            }
            line
        })
        .collect()
}

/// The board and each pane over it (the help, the search, the traffic,
/// a row's detail, the fares, the destination typed above the fares, the
/// forecast, the favourites) at `size`,
/// by name.
pub fn every_screen(size: (u16, u16)) -> Vec<(&'static str, Vec<String>)> {
    use KeyCode::*;
    let now = t0();
    let sized = |keys: &[KeyCode]| {
        let mut app = app();
        app.area = ratatui::layout::Rect::new(0, 0, size.0, size.1);
        text_lines(&screen(&mut app, keys, true_colour(), size))
    };
    let mut screens = vec![
        ("board", sized(&[])),
        ("help", sized(&[Char('?')])),
        ("help_end", sized(&[Char('?'), End])),
        ("search", sized(&[Char('/'), Char('c'), Char('h')])),
        ("traffic", sized(&[Char('i')])),
        ("details", sized(&[Down, Down, Down, Enter])),
    ];
    let mut drawn = |name, mut app: App| {
        app.area = ratatui::layout::Rect::new(0, 0, size.0, size.1);
        screens.push((
            name,
            text_lines(&screen(&mut app, &[], true_colour(), size)),
        ));
    };
    let fares = || {
        let mut fares = app();
        fares.update(Msg::Key(KeyEvent::from(Char('t'))), now);
        fares.update(
            Msg::Fares {
                asked: fares.asked(),
                fares: Ok(vec![Fare {
                    kind: FareKind::Single,
                    name: "Ticket 1 voyage".into(),
                    description: "Valable 1 h, correspondances comprises.".into(),
                    where_to_buy: "Distributeurs, application".into(),
                    price_eur: Some(1.6),
                }]),
            },
            now,
        );
        fares
    };
    drawn("fares", fares());
    // `t` with a destination typed: the stops found above the fares.
    let mut typed = fares();
    for c in "cham".chars() {
        typed.update(Msg::Key(KeyEvent::from(Char(c))), now);
    }
    drawn("destination", typed);
    let mut forecast = app();
    forecast.update(Msg::Key(KeyEvent::from(Char('c'))), now);
    let quarter = |start: &str, end: &str, level| CrowdForecast {
        start: start.into(),
        end: end.into(),
        level,
        text: String::new(),
        passengers: None,
        load: Load::Unknown,
    };
    forecast.update(
        Msg::Forecast {
            asked: forecast.asked(),
            forecast: Ok(vec![
                quarter("07:45", "08:00", CrowdLevel::Low),
                quarter("08:00", "08:15", CrowdLevel::High),
                quarter("08:15", "08:30", CrowdLevel::Moderate),
            ]),
        },
        now,
    );
    drawn("forecast", forecast);
    let mut favorites = app();
    let favorite = |place: &str, label: Option<&str>| quai::favorites::Favorite {
        place: place.into(),
        network: None,
        label: label.map(str::to_string),
        lines: vec![],
        walk: None,
        to: None,
    };
    favorites.open_favorites(vec![
        favorite("Crous Université", Some("Maison")),
        favorite("Gare du Nord", None),
    ]);
    drawn("favorites", favorites);
    // A departure's detail with its trip's next stops: live, estimated
    // and theoretical times, more than the smallest screen holds.
    let mut stops = app();
    stops.update(Msg::Key(KeyEvent::from(Enter)), now);
    use quai::destination::{ArrivalOrigin, Call};
    let call = |stop: &str, minutes: i64, origin| Call {
        stop: stop.into(),
        at: now + jiff::SignedDuration::from_mins(minutes),
        origin,
    };
    stops.update(
        Msg::Calls {
            asked: stops.asked(),
            calls: Ok(vec![
                call("Canot", 8, ArrivalOrigin::Live),
                call("Chamars", 10, ArrivalOrigin::Live),
                call("Battant", 12, ArrivalOrigin::Estimated),
                call("Pôle Viotte", 15, ArrivalOrigin::Estimated),
                call("Fontaine Argent", 17, ArrivalOrigin::Timetable),
                call("Hauts du Chazal", 31, ArrivalOrigin::Timetable),
            ]),
        },
        now,
    );
    drawn("details_stops", stops);
    screens.push(("kiosk_to", kiosk_to(size)));
    screens
}

/// The kiosk with a favourite going to Chamars, a walk of a minute away:
/// its T1 gets there at 08:14 (live) and ≈08:26 (estimated), its L3 at
/// 08:19 (the timetable's); the other place as usual.
pub fn kiosk_to(size: (u16, u16)) -> Vec<String> {
    use quai::destination::ArrivalOrigin;
    let mut board = board();
    board.places[0].place.walk = Some(1);
    let now = t0() + jiff::SignedDuration::from_secs(5);
    let mut view = view::build(&board, now);
    let zone = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    let place = &mut view.places[0];
    place.to = Some("Chamars".into());
    let mut arrive = |row: usize, cell: usize, minutes: i64, origin| {
        let cell = &mut place.rows[row].cells[cell];
        cell.arrival = Some(view::LocalTime {
            at: at(minutes),
            zone: zone.clone(),
        });
        cell.arrival_origin = Some(origin);
    };
    arrive(0, 0, 14, ArrivalOrigin::Live);
    arrive(0, 1, 26, ArrivalOrigin::Estimated);
    arrive(1, 0, 19, ArrivalOrigin::Timetable);
    let date = quai::kiosk::date_text(jiff::civil::date(2026, 11, 23));
    let pane = quai::ui::kiosk::KioskPane {
        title: "quai · Test",
        theme: true_colour(),
        nb: 2,
        attribution: "Ginko",
        warning: None,
        problem: None,
        no_favorites: false,
        favorites_path: "/etc/quai/favorites.toml",
        reload_hint: "sudo systemctl reload quai-kiosk",
        page_seconds: 8,
        large: quai::ui::kiosk::LargeDigits::Auto,
        quiet: None,
        now_s: now.as_second(),
        pages_since_s: 0,
        date: &date,
    };
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    terminal
        .draw(|f| quai::ui::kiosk::draw(f, &view, &pane))
        .unwrap();
    text_lines(terminal.backend().buffer())
}
