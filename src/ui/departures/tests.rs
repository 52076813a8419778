//! The board pane drawn at several sizes, in both palettes.

use super::*;
use crate::domain::*;
use crate::model::{Board, BoardLine, ResolvedPlace};
use crate::network::RowResult;
use crate::ui::theme::Palette;
use crate::ui::view;
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ratatui::style::Modifier;

const T0: &str = "2026-11-23T07:00:00Z"; // 08:00 in Besançon

pub(crate) fn t(offset_s: i64) -> Timestamp {
    let t0: Timestamp = T0.parse().unwrap();
    t0 + jiff::SignedDuration::from_secs(offset_s)
}

fn line(
    id: &str,
    number: &str,
    bg: &str,
    fg: &str,
    outbound: bool,
    destination: &str,
) -> BoardLine {
    BoardLine {
        line: LineRef {
            id: id.into(),
            number: number.into(),
            background: Rgb::parse_hex(bg),
            foreground: Rgb::parse_hex(fg),
            mode: None,
        },
        kind: None,
        outbound,
        destination: destination.into(),
        via: String::new(),
    }
}

fn departure(l: &BoardLine, time: WaitTime, reliable: bool) -> Departure {
    Departure {
        stop_id: "S".into(),
        line: l.line.clone(),
        outbound: l.outbound,
        destination: l.destination.clone(),
        via: String::new(),
        time,
        alternate: None,
        origin: if reliable {
            Origin::Located
        } else {
            Origin::NotLocated
        },
        status: Status::Normal,
        platform: None,
        mission: None,
        vehicle: None,
        stop_access: Accessibility::Accessible,
        vehicle_access: Accessibility::Accessible,
        crowding: CrowdLevel::Moderate,
        load: Load::Percent(50),
        crowding_text: String::new(),
        crowding_advice: String::new(),
        info_id: None,
    }
}

/// Crous Université: L3 with a countdown and a theoretical time; line 7
/// with "Déviation"; fetched at T0.
pub(crate) fn sample_board() -> Board {
    let l3 = line("3", "L3", "006AB3", "FFFFFF", false, "Pôle Temis");
    let seven = line("7", "7", "", "zz", true, "Palente");
    let place = ResolvedPlace {
        network: "test".into(),
        network_name: String::new(),
        problem: None,
        walk: None,
        query: "crous".into(),
        label: None,
        name: "Crous Université".into(),
        stop_ids: vec!["CROUUNI1".into()],
        lines: vec![l3.clone(), seven.clone()],
        to: None,
    };
    let mut board = Board::new(vec![place]);
    let results = vec![
        RowResult {
            in_answer: true,
            position: None,
            departures: vec![
                departure(
                    &l3,
                    WaitTime::Countdown {
                        text: "2 min".into(),
                        seconds: Some(150),
                    },
                    true,
                ),
                departure(
                    &l3,
                    WaitTime::Countdown {
                        text: "9 min".into(),
                        seconds: Some(560),
                    },
                    false,
                ),
            ],
            error: None,
            data_at: None,
            timetable: false,
            dropped: 0,
        },
        RowResult {
            in_answer: true,
            position: None,
            departures: vec![departure(
                &seven,
                WaitTime::Text {
                    text: "Déviation".into(),
                    served: false,
                },
                true,
            )],
            error: None,
            data_at: None,
            timetable: false,
            dropped: 0,
        },
    ];
    board.apply(t(0), results);
    board
}

/// A live board painted second after second through the canvas shows
/// exactly what frames drawn from scratch show, through ticks, a
/// refresh, a selection, stale data, the help, a warning, resizes and
/// too small a screen; most lines are left as the screen shows them.
#[test]
fn painted_frames_are_the_frames_drawn_from_scratch() {
    let mut board = sample_board();
    let mut memo = LineMemo::default();
    let mut painter = crate::ui::paint::Painter::default();
    let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
    // As the app does: the view built when the board changes, brought to
    // each second otherwise.
    let mut view: Option<view::BoardView> = None;
    for second in 0..200 {
        let resize = match second {
            100 => Some((70, 12)),
            150 => Some((30, 5)),
            155 => Some((100, 20)),
            _ => None,
        };
        if let Some((w, h)) = resize {
            terminal.backend_mut().resize(w, h);
        }
        if second == 40 {
            // A refresh: the same departures fetched anew.
            let mut again = sample_board();
            again.fetched_at = Some(t(40));
            board = again;
            view = None;
        }
        if second == 120 {
            board.fail(crate::network::NetError::new(
                crate::network::ErrorKind::Http(503),
                "HTTP 503 from the server",
            ));
            view = None;
        }
        let now = t(second);
        let view = match view.as_mut() {
            Some(v) => {
                view::advance(v, &board, now);
                v
            }
            None => view.insert(view::build(&board, now)),
        };
        let view = &*view;
        let state = PaneState {
            title: "quai · Ginko",
            selected: (second % 50 > 25).then_some(1),
            help: (60..63).contains(&second),
            theme: Theme::new(Palette::TrueColor),
            nb: 2,
            attribution: "ODbL",
            notice: None,
            warning: (80..90).contains(&second).then_some("favoris illisibles"),
            capabilities: crate::network::Capabilities::default(),
            back_to: None,
        };
        painter
            .paint_lines(&mut terminal, resize.is_some(), &mut memo, |c| {
                draw_on(c, view, &state)
            })
            .unwrap();
        let area = terminal.backend().buffer().area;
        let mut fresh = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
        fresh.draw(|f| draw(f, view, &state)).unwrap();
        assert_eq!(
            terminal.backend().buffer(),
            fresh.backend().buffer(),
            "second {second}"
        );
    }
    // The clock and the age change every second; the rest seldom does.
    assert!(
        memo.left > 2 * memo.drawn,
        "left {}, drawn {}",
        memo.left,
        memo.drawn
    );
}

/// A place's heading is left as the screen shows it while its parts stay
/// the same, and made again as soon as one of them changes (the memo keys
/// it on them): each change shows as a frame drawn from scratch shows it.
#[test]
fn a_heading_is_made_again_when_one_of_its_parts_changes() {
    type Change = fn(&mut view::PlaceView);
    let changes: [(&str, Change); 10] = [
        ("name", |p| p.name.push_str(" Nord")),
        ("to", |p| p.to = Some("Chamars".into())),
        ("messages", |p| p.messages += 2),
        ("network", |p| p.network = Some("Ginko".into())),
        ("timetable", |p| {
            p.timetable = Some("horaires théoriques".into())
        }),
        ("problem", |p| p.problem = Some("HTTP 503".into())),
        ("behind", |p| p.behind = Some("absent de la réponse".into())),
        ("data_of", |p| {
            p.data_of = Some("données de 14:02:10".into())
        }),
        ("lifts", |p| p.lifts = Some("⚠ 2 ascenseurs".into())),
        ("dropped", |p| p.dropped = Some("2 valeurs écartées".into())),
    ];
    let board = sample_board();
    let mut view = view::build(&board, t(0));
    let mut memo = LineMemo::default();
    let mut painter = crate::ui::paint::Painter::default();
    let mut terminal = Terminal::new(TestBackend::new(120, 20)).unwrap();
    let state = still_pane(Palette::TrueColor);
    let mut paint = |view: &view::BoardView, memo: &mut LineMemo| {
        painter
            .paint_lines(&mut terminal, false, memo, |c| draw_on(c, view, &state))
            .unwrap();
        let mut fresh = Terminal::new(TestBackend::new(120, 20)).unwrap();
        fresh.draw(|f| draw(f, view, &state)).unwrap();
        (
            terminal.backend().buffer().clone(),
            fresh.backend().buffer().clone(),
        )
    };
    paint(&view, &mut memo);
    // Nothing changed: nothing is made.
    let drawn = memo.drawn;
    let (painted, fresh) = paint(&view, &mut memo);
    assert_eq!(painted, fresh);
    assert_eq!(memo.drawn, drawn, "an unchanged frame makes no line");
    for (part, change) in changes {
        change(&mut view.places[0]);
        let drawn = memo.drawn;
        let (painted, fresh) = paint(&view, &mut memo);
        assert_eq!(painted, fresh, "after a change of {part}");
        assert!(memo.drawn > drawn, "the heading is made again ({part})");
    }
}

/// A place that could not be looked up for a reason is not called
/// unknown, and its reason is read whole, wrapped; when every place
/// failed so, the reason the app received is shown, not only "waiting".
#[test]
fn places_that_could_not_be_looked_up_say_why_whole() {
    let why = "idfm:chatelet : le réseau IDFM n'est pas configuré : sa clé manque ; \
               définissez IDFM_API_KEY (ou [idfm] dans le fichier de réglages)";
    let board = Board {
        resolved: true,
        unknown: vec!["nulle part".into(), why.into()],
        unavailable: vec![why.into()],
        ..Default::default()
    };
    let shown = screen(&render(&board, t(0), 50, 12, Palette::TrueColor));
    let text = shown.join("\n");
    assert!(
        text.contains("Arrêt inconnu du réseau : nulle part"),
        "{text}"
    );
    assert_eq!(text.matches("Arrêt inconnu").count(), 1, "{text}");
    let words: Vec<&str> = text.split_whitespace().collect();
    let expected: Vec<&str> = why.split_whitespace().collect();
    assert!(
        words
            .windows(expected.len())
            .any(|w| w == expected.as_slice()),
        "the reason is whole:\n{text}"
    );
    // Every place failed: the board's error is that reason.
    let mut board = Board::default();
    board.fail(crate::network::NetError::new(
        crate::network::ErrorKind::MissingKey(crate::network::KeyName::env("IDFM_API_KEY")),
        why,
    ));
    let text = screen(&render(&board, t(0), 50, 12, Palette::TrueColor)).join("\n");
    let words: Vec<&str> = text.split_whitespace().collect();
    assert!(
        words
            .windows(expected.len())
            .any(|w| w == expected.as_slice()),
        "the reason is shown:\n{text}"
    );
}

/// The pane of a board left alone: nothing selected, no help, no notice.
fn still_pane(palette: Palette) -> PaneState<'static> {
    PaneState {
        title: "quai · Ginko",
        selected: None,
        help: false,
        theme: Theme::new(palette),
        nb: 2,
        attribution: "ODbL",
        notice: None,
        warning: None,
        capabilities: crate::network::Capabilities::default(),
        back_to: None,
    }
}

fn render(board: &Board, now: Timestamp, width: u16, height: u16, palette: Palette) -> Buffer {
    let view = view::build(board, now);
    let state = still_pane(palette);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, &view, &state)).unwrap();
    terminal.backend().buffer().clone()
}

/// A long status line leaves out its least important parts whole,
/// never a word cut, and always ends with the help's key.
#[test]
fn the_status_line_drops_whole_parts_and_keeps_the_help_key() {
    let board = sample_board();
    let mut view = view::build(&board, t(5));
    view.schedule = Some(
        "Démo actualisé toutes les 10 s · IDFM actualisé toutes les 60 s · quota 1000/jour".into(),
    );
    let state = |notice, back_to| PaneState {
        title: "quai",
        selected: None,
        help: false,
        theme: Theme::new(Palette::TrueColor),
        nb: 2,
        attribution: "",
        notice,
        warning: None,
        capabilities: crate::network::Capabilities::default(),
        back_to,
    };
    for width in [40u16, 60, 80, 120, 200] {
        for (notice, back_to) in [
            (None, None),
            (Some("Ajouté aux favoris : Chamars"), Some("favoris")),
        ] {
            let mut terminal = Terminal::new(TestBackend::new(width, 12)).unwrap();
            terminal
                .draw(|f| draw(f, &view, &state(notice, back_to)))
                .unwrap();
            let lines = screen(terminal.backend().buffer());
            let status = lines.last().unwrap().trim_end();
            assert!(status.ends_with("· ? aide"), "{width}: {status:?}");
            // Every part shown is whole (each piece of the schedule's note
            // a part, left out from the last).
            let whole = [
                "mis à jour il y a 5 s",
                "Démo actualisé toutes les 10 s",
                "IDFM actualisé toutes les 60 s",
                "quota 1000/jour",
                "r rafraîchir",
                "q quitter",
                "? aide",
                "Ajouté aux favoris : Chamars",
                "⌫ retour : favoris",
            ];
            let mut rest = status.trim_start().to_string();
            for part in whole {
                rest = rest.replace(part, "");
            }
            assert_eq!(rest.replace(" · ", ""), "", "{width}: {status:?}");
            if width >= 80 {
                assert!(status.contains("mis à jour il y a 5 s"), "{status:?}");
            }
        }
    }
    // Wide enough, nothing is left out.
    let mut terminal = Terminal::new(TestBackend::new(200, 12)).unwrap();
    terminal
        .draw(|f| draw(f, &view, &state(None, None)))
        .unwrap();
    let status = screen(terminal.backend().buffer()).pop().unwrap();
    assert!(
        status.contains("quota 1000/jour · r rafraîchir · q quitter"),
        "{status}"
    );
}

pub(crate) fn screen(buffer: &Buffer) -> Vec<String> {
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

fn find(buffer: &Buffer, text: &str) -> Option<(u16, u16)> {
    screen(buffer).iter().enumerate().find_map(|(y, line)| {
        line.find(text)
            .map(|byte| (line[..byte].width() as u16, y as u16))
    })
}

#[test]
fn rows_show_badges_in_line_colours_and_corrected_times() {
    let buffer = render(&sample_board(), t(25), 100, 20, Palette::TrueColor);
    let text = screen(&buffer).join("\n");
    assert!(
        text.contains("quai · Ginko") && text.contains("08:00:25"),
        "{text}"
    );
    assert!(text.contains("Crous Université"), "{text}");
    // 150 s sent, fetched 25 s ago: 125 s → "2 min".
    assert!(text.contains(" 2 min"), "{text}");
    assert!(text.contains("Non localisé"), "{text}");
    assert!(
        !text.contains("9 min"),
        "a theoretical time is not shown as one:\n{text}"
    );
    let (x, y) = find(&buffer, "L3").unwrap();
    assert_eq!(buffer[(x, y)].bg, Color::Rgb(0, 0x6a, 0xb3));
    assert_eq!(buffer[(x, y)].fg, Color::Rgb(255, 255, 255));
    // Malformed colours: a neutral badge.
    let (x, y) = find(&buffer, " 7 ").unwrap();
    assert_eq!(buffer[(x + 1, y)].bg, Color::Rgb(85, 85, 85));
    assert!(text.contains("mis à jour il y a 25 s"), "{text}");
}

#[test]
fn a_text_in_place_of_a_time_is_highlighted() {
    let buffer = render(&sample_board(), t(1), 100, 20, Palette::Ansi16);
    let (x, y) = find(&buffer, "Déviation").expect("the text must be shown");
    assert_eq!(buffer[(x, y)].fg, Color::LightYellow);
    assert!(buffer[(x, y)].modifier.contains(Modifier::BOLD));
    // 16 colours: no RGB anywhere.
    assert!(
        buffer
            .content
            .iter()
            .all(|c| !matches!(c.fg, Color::Rgb(..)) && !matches!(c.bg, Color::Rgb(..)))
    );
}

#[test]
fn the_banner_is_red_and_wrapped() {
    let mut board = sample_board();
    board.messages = vec![Message {
        network: String::new(),
        id: "1".into(),
        title: "circulation interrompue entre Micropolis et Pôle Viotte en raison d'un incident technique".into(),
        body_html: String::new(),
        url: String::new(),
        severity: Severity::Interrupted,
        lines: vec!["L3".into()],
        stops: vec![],
        alert: false,
    }];
    let buffer = render(&board, t(1), 60, 20, Palette::TrueColor);
    let lines = screen(&buffer);
    assert!(
        lines[1].contains("⚠ L3 : circulation interrompue"),
        "{lines:#?}"
    );
    assert!(
        lines[2].contains("technique") || lines[3].contains("technique"),
        "{lines:#?}"
    );
    let (x, y) = find(&buffer, "⚠").unwrap();
    assert_eq!(buffer[(x, y)].bg, Color::Rgb(190, 20, 30));
}

#[test]
fn stale_data_is_marked_with_its_time_and_reason() {
    let mut board = sample_board();
    let fresh = screen(&render(&board, t(20), 100, 20, Palette::TrueColor)).join("\n");
    assert!(fresh.contains("mis à jour il y a 20 s"), "{fresh}");
    // A failed refresh is said at once, however young the data.
    board.fail(crate::network::NetError::new(
        crate::network::ErrorKind::Http(503),
        "HTTP 503 from the server",
    ));
    let failed = screen(&render(&board, t(12), 100, 20, Palette::TrueColor)).join("\n");
    assert!(
        failed.contains("données de 08:00:00 — HTTP 503"),
        "{failed}"
    );
    let buffer = render(&board, t(45), 100, 20, Palette::TrueColor);
    let text = screen(&buffer).join("\n");
    assert!(text.contains("données de 08:00:00 — HTTP 503"), "{text}");
    assert!(text.contains("r réessayer"), "{text}");
    // The last good times stay, dimmed.
    let (x, y) = find(&buffer, "à l'approche")
        .or_else(|| find(&buffer, "1 min"))
        .unwrap();
    assert!(buffer[(x, y)].modifier.contains(Modifier::DIM));
}

#[test]
fn a_place_left_out_of_the_answer_shows_its_old_times_dimmed_and_why() {
    let mut board = sample_board();
    let fresh = render(&board, t(1), 110, 20, Palette::TrueColor);
    let (x, y) = find(&fresh, "2 min").unwrap();
    assert!(!fresh[(x, y)].modifier.contains(Modifier::DIM));
    board.places[0].fetched_at = Some(t(0) - std::time::Duration::from_secs(20));
    let buffer = render(&board, t(1), 110, 20, Palette::TrueColor);
    let text = screen(&buffer).join("\n");
    assert!(
        text.contains("Crous Université · absent de la dernière réponse, données de 07:59:40"),
        "{text}"
    );
    assert!(
        text.contains("mis à jour il y a 1 s"),
        "the board itself is current: {text}"
    );
    let (x, y) = find(&buffer, "2 min").unwrap();
    assert!(buffer[(x, y)].modifier.contains(Modifier::DIM));
}

#[test]
fn a_walk_time_dims_what_cannot_be_caught_and_says_when_to_leave() {
    let mut board = sample_board();
    board.places[0].departures[0][1].origin = Origin::Located;
    board.places[0].place.walk = Some(3);
    let buffer = render(&board, t(0), 110, 20, Palette::TrueColor);
    let text = screen(&buffer).join("\n");
    assert!(text.contains("partir dans 6 min"), "{text}");
    let (x, y) = find(&buffer, "2 min").unwrap();
    assert!(
        buffer[(x, y)].modifier.contains(Modifier::DIM),
        "too late on foot"
    );
    let (x, y) = find(&buffer, "9 min").unwrap();
    assert!(!buffer[(x, y)].modifier.contains(Modifier::DIM));
}

/// With a walk time, second after second until the departures can no
/// longer be caught: the painted frames are those drawn from scratch (a
/// row that turns dim or says anew when to leave is drawn again).
#[test]
fn a_row_going_out_of_reach_is_painted_again() {
    let mut board = sample_board();
    board.places[0].departures[0][1].origin = Origin::Located;
    board.places[0].place.walk = Some(3);
    let mut memo = LineMemo::default();
    let mut painter = crate::ui::paint::Painter::default();
    let mut terminal = Terminal::new(TestBackend::new(110, 20)).unwrap();
    let state = still_pane(Palette::TrueColor);
    let mut view = view::build(&board, t(0));
    let mut dimmed = 0;
    for second in 0..700 {
        view::advance(&mut view, &board, t(second));
        painter
            .paint_lines(&mut terminal, false, &mut memo, |c| {
                draw_on(c, &view, &state)
            })
            .unwrap();
        let mut fresh = Terminal::new(TestBackend::new(110, 20)).unwrap();
        fresh.draw(|f| draw(f, &view, &state)).unwrap();
        assert_eq!(
            terminal.backend().buffer(),
            fresh.backend().buffer(),
            "second {second}"
        );
        dimmed = dimmed.max(
            view.places[0].rows[0]
                .cells
                .iter()
                .filter(|c| c.reachable == Some(false))
                .count(),
        );
    }
    assert_eq!(dimmed, 2, "both departures went out of reach");
}

#[test]
fn a_refused_key_gets_its_own_screen() {
    let mut board = sample_board();
    board.fail(crate::network::NetError::new(
        crate::network::ErrorKind::KeyRefused {
            key: crate::network::KeyName {
                env: "GINKO_API_KEY",
                setting: "api_key ou api_key_file",
                how_to_get: &[
                    "une clé d'essai du jour : quai key trial",
                    "une clé permanente : ginko.support-ssi@keolis.com",
                ],
            },
            message: "Clé invalide".into(),
        },
        "the API key was refused",
    ));
    let text = screen(&render(&board, t(1), 90, 24, Palette::TrueColor)).join("\n");
    assert!(text.contains("Clé d'API refusée"), "{text}");
    assert!(text.contains("« Clé invalide »"), "{text}");
    assert!(text.contains("quai key trial"), "{text}");
    assert!(!text.contains("Crous Université"), "{text}");
    // The way out and the retry are said at every size, whatever wraps.
    board.fail(crate::network::NetError::new(
        crate::network::ErrorKind::KeyRefused {
            key: crate::network::KeyName {
                env: "GINKO_API_KEY",
                setting: "api_key ou api_key_file",
                how_to_get: &["une clé d'essai du jour : quai key trial"],
            },
            message: "Clé invalide : la clé donnée n'est pas connue du serveur, ou elle a expiré"
                .into(),
        },
        "the API key was refused",
    ));
    for (width, height) in [(120, 35), (80, 24), (40, 12)] {
        let text = screen(&render(&board, t(1), width, height, Palette::TrueColor)).join("\n");
        assert!(text.contains("r réessayer"), "{width}×{height}:\n{text}");
        assert!(text.contains("q quitter"), "{width}×{height}:\n{text}");
    }
}

#[test]
fn a_lasting_warning_sits_under_the_header() {
    let board = sample_board();
    let view = view::build(&board, t(1));
    let state = PaneState {
        title: "quai · Ginko",
        selected: None,
        help: false,
        theme: Theme::new(Palette::Ansi16),
        nb: 2,
        attribution: "ODbL",
        notice: Some("★ Chamars ajouté aux favoris"),
        warning: Some("favoris en lecture seule : favorites.toml, line 3, column 9"),
        capabilities: crate::network::Capabilities::default(),
        back_to: None,
    };
    let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
    terminal.draw(|f| draw(f, &view, &state)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let lines = screen(&buffer);
    assert!(
        lines[1].contains("⚠ favoris en lecture seule : favorites.toml, line 3"),
        "{lines:#?}"
    );
    assert!(lines[2].contains("Crous Université"), "{lines:#?}");
    assert!(
        lines[19].contains("★ Chamars ajouté aux favoris"),
        "{lines:#?}"
    );
    let (x, y) = find(&buffer, "⚠ favoris").unwrap();
    assert_eq!(buffer[(x, y)].fg, Color::Yellow);
}

#[test]
fn no_departure_is_a_visible_state() {
    let mut board = sample_board();
    for rows in board.places.iter_mut().map(|s| &mut s.departures) {
        for row in rows {
            row.clear();
        }
    }
    let text = screen(&render(&board, t(1), 100, 20, Palette::TrueColor)).join("\n");
    assert!(text.contains("Aucun départ prévu"), "{text}");
    // With a destination, none goes there: said so, on the board and in
    // `--once`.
    board.places[0].place.to = Some("Chamars".into());
    let text = screen(&render(&board, t(1), 100, 20, Palette::TrueColor)).join("\n");
    assert!(text.contains("aucun départ vers Chamars"), "{text}");
    assert!(!text.contains("Aucun départ prévu"), "{text}");
    let once = crate::ui::view::text(&crate::ui::view::build(&board, t(1)), "quai", "");
    assert!(once.contains("aucun départ vers Chamars"), "{once}");
}

#[test]
fn too_small_a_terminal_gets_a_message() {
    let text = screen(&render(&sample_board(), t(1), 30, 5, Palette::TrueColor)).join("\n");
    assert!(text.contains("Terminal trop petit"), "{text}");
    // Every size from tiny to large draws without panicking.
    for (w, h) in [(1, 1), (40, 8), (41, 9), (80, 24), (250, 70)] {
        render(&sample_board(), t(1), w, h, Palette::Ansi256);
    }
}

#[test]
fn hostile_text_keeps_the_layout() {
    let mut board = sample_board();
    board.places[0].place.lines[0].line.number = "L3\u{1b}[31m".into();
    board.places[0].departures[0][0].destination = crate::sanitize::text(
        "Pôle\u{202e} Temis 🚋🚋🚋 東京東京東京東京東京東京東京東京東京東京東京東京",
    );
    let buffer = render(&board, t(1), 80, 20, Palette::TrueColor);
    let lines = screen(&buffer);
    assert!(lines.iter().all(|l| l.width() <= 80), "{lines:#?}");
    let row = lines.iter().find(|l| l.contains("Pôle")).unwrap();
    assert!(row.contains('…'), "{row}");
    assert!(row.contains("min"), "the times stay on screen: {row}");
}

#[test]
fn line_states_mark_the_badges() {
    let mut board = sample_board();
    board.line_states = vec![
        LineStatus {
            line: LineRef::plain("3", "L3"),
            state: LineState::Interrupted,
        },
        LineStatus {
            line: LineRef::plain("7", "7"),
            state: LineState::Normal,
        },
    ];
    let buffer = render(&board, t(5), 80, 12, Palette::Ansi16);
    let lines = screen(&buffer);
    let l3 = lines.iter().find(|l| l.contains("Pôle Temis")).unwrap();
    assert!(l3.starts_with(" ✖ L3 "), "{l3}");
    let seven = lines.iter().find(|l| l.contains("Palente")).unwrap();
    assert!(
        seven.starts_with("   7  "),
        "a normal line has no mark: {seven}"
    );
    let (x, y) = find(&buffer, "✖").unwrap();
    assert_eq!(buffer[(x, y)].fg, Color::Red);
}

/// The board's L3 row made of `n` departures of `template`, the first
/// arriving four minutes late on platform B.
fn arriving_late(n: usize, not_accessible: bool) -> Board {
    let mut board = sample_board();
    let row = &mut board.places[0].departures[0];
    let mut first = row[0].clone();
    first.time = WaitTime::At {
        expected: t(0),
        aimed: Some(t(-240)),
    };
    first.platform = Some("B".into());
    if not_accessible {
        first.vehicle_access = Accessibility::NotAccessible;
    }
    let later = row[1].clone();
    *row = std::iter::once(first)
        .chain(std::iter::repeat_n(later, n.saturating_sub(1)))
        .collect();
    board
}

/// A train arriving keeps its delay and platform ("à l'approche +4 vB")
/// at every width: the crowding gauge gives way, then the time's words.
#[test]
fn an_arriving_train_keeps_its_delay_and_platform() {
    for not_accessible in [false, true] {
        let board = arriving_late(2, not_accessible);
        for width in [120u16, 80, 40] {
            let buffer = render(&board, t(0), width, 12, Palette::TrueColor);
            let lines = screen(&buffer);
            let row = lines
                .iter()
                .find(|l| l.contains("L3"))
                .unwrap_or_else(|| panic!("{lines:#?}"));
            assert!(row.contains("+4 vB"), "{width}: {row}");
            assert!(row.contains("à l'"), "{width}: {row}");
            if width >= 80 && !not_accessible {
                assert!(row.contains("à l'approche +4 vB"), "{width}: {row}");
            }
        }
    }
}

/// `--nb 5`: the departures that do not fit are counted ("+3"), never
/// left out silently.
#[test]
fn the_departures_that_do_not_fit_are_counted() {
    let board = arriving_late(5, false);
    let view = view::build(&board, t(0));
    for (width, shown, more) in [(120u16, 4, "+1"), (80, 2, "+3"), (40, 1, "+4")] {
        let mut terminal = Terminal::new(TestBackend::new(width, 12)).unwrap();
        let state = PaneState {
            title: "quai",
            selected: None,
            help: false,
            theme: Theme::new(Palette::TrueColor),
            nb: 5,
            attribution: "",
            notice: None,
            warning: None,
            capabilities: crate::network::Capabilities::default(),
            back_to: None,
        };
        terminal.draw(|f| draw(f, &view, &state)).unwrap();
        let lines = screen(terminal.backend().buffer());
        let row = lines.iter().find(|l| l.contains("L3")).unwrap();
        assert_eq!(row.matches("9 min").count(), shown - 1, "{width}: {row}");
        assert!(row.trim_end().ends_with(more), "{width}: {row}");
        assert!(row.width() <= usize::from(width), "{width}: {row}");
        // Line 7 has one departure: nothing hidden, nothing said.
        let seven = lines.iter().find(|l| l.contains("Palente")).unwrap();
        assert!(!seven.contains('+'), "{width}: {seven}");
    }
}

/// When to leave is never read with the time after it ("partir dans 2
/// min à l'approche"): a space at least parts them, whatever the width.
#[test]
fn when_to_leave_and_the_time_stay_apart() {
    let board = arriving_late(2, false);
    let mut view = view::build(&board, t(0));
    let theme = Theme::new(Palette::TrueColor);
    for width in [120, 80, 60, 40] {
        let columns = Columns::of(&view, width, 2, CELL_W);
        let leave = "x".repeat(columns.destination_w.saturating_sub(14));
        view.places[0].rows[0].leave = Some(leave.clone());
        view.places[0].rows[0].destination = "Pôle Temis par un très long chemin".into();
        let line = row_line(&view.places[0].rows[0], &theme, false, &columns, false);
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let after = text.find(&leave).map(|i| &text[i + leave.len()..]);
        assert!(
            after.is_some_and(|a| a.starts_with("  ")),
            "{width}: {text}"
        );
        let first_cell = 2 + columns.badge_w + 1 + columns.destination_w;
        let before: String = text.chars().take(first_cell).collect();
        assert!(before.ends_with(' '), "{width}: {text}");
    }
}
