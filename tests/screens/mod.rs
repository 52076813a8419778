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
