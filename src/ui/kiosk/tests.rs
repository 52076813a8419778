//! The kiosk's screens, pages and rows at wall sizes.

use super::*;
use crate::model::Board;
use crate::ui::departures::tests::{sample_board, screen as text_of, t};
use crate::ui::theme::{Glyphs, Palette};
use crate::ui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

fn pane(theme: Theme) -> KioskPane<'static> {
    KioskPane {
        title: "quai · Ginko",
        theme,
        nb: 2,
        attribution: "Données : Ginko, ODbL",
        warning: None,
        problem: None,
        no_favorites: false,
        favorites_path: "/etc/quai/favorites.toml",
        reload_hint: "sudo systemctl reload quai-kiosk",
        page_seconds: 8,
        large: LargeDigits::Auto,
        quiet: None,
        now_s: 0,
        pages_since_s: 0,
        date: "lundi 23 novembre",
    }
}

fn render(board: &Board, at: i64, size: (u16, u16), pane: &KioskPane) -> Buffer {
    let view = view::build(board, t(at));
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    terminal.draw(|f| draw(f, &view, pane)).unwrap();
    terminal.backend().buffer().clone()
}

fn shows(buffer: &Buffer, text: &str) -> bool {
    text_of(buffer).iter().any(|l| l.contains(text))
}

/// A board of `n` copies of the sample place, with an alert.
fn big_board(n: usize) -> Board {
    let mut board = sample_board();
    let place = board.places[0].clone();
    for i in 1..n {
        let mut p = place.clone();
        p.place.name = format!("Arrêt {i}");
        board.places.push(p);
    }
    board
}

#[test]
fn sixteen_colours_and_console_glyphs_only_on_the_linux_console() {
    let console = Theme {
        palette: Palette::Ansi16,
        glyphs: Glyphs::CONSOLE,
    };
    let mut board = big_board(3);
    board.line_states = ["3", "7"]
        .iter()
        .zip([
            crate::domain::LineState::Interrupted,
            crate::domain::LineState::PlannedDisruption,
        ])
        .map(|(id, state)| crate::domain::LineStatus {
            line: crate::domain::LineRef::plain(id, ""),
            state,
        })
        .collect();
    board.messages = vec![crate::domain::Message {
        network: String::new(),
        id: "1".into(),
        title: "T2 : circulation interrompue".into(),
        body_html: String::new(),
        url: String::new(),
        severity: crate::domain::Severity::Interrupted,
        lines: vec!["T2".into()],
        stops: vec![],
        alert: true,
    }];
    board.fail(crate::network::NetError::new(
        crate::network::ErrorKind::Timeout,
        "no answer within 10 s",
    ));
    let mut p = pane(console);
    p.warning = Some("favoris en partie illisibles");
    // Fresh, stale, large digits; 80×24 to a big console.
    for (at, size) in [
        (5, (80, 24)),
        (120, (80, 24)),
        (5, (200, 60)),
        (120, (200, 60)),
    ] {
        let buffer = render(&board, at, size, &p);
        for cell in buffer.content() {
            for color in [cell.fg, cell.bg] {
                assert!(
                    !matches!(color, Color::Rgb(..) | Color::Indexed(_)),
                    "{color:?} at {at} s, {size:?}"
                );
            }
            // What the console fonts have: Latin-1, box drawing, blocks,
            // and a few WGL4 symbols.
            for c in cell.symbol().chars() {
                let code = u32::from(c);
                assert!(
                    code < 0x180 || (0x2500..=0x259f).contains(&code) || "■□●○×‼…—«»▲♦".contains(c),
                    "{c:?} at {at} s, {size:?}"
                );
            }
        }
    }
    // The same board in true colour does carry the lines' colours.
    let buffer = render(&board, 5, (80, 24), &pane(Theme::new(Palette::TrueColor)));
    assert!(
        buffer
            .content()
            .iter()
            .any(|c| c.bg == Color::Rgb(0, 0x6a, 0xb3))
    );
}

#[test]
fn old_data_is_marked_then_replaced_by_service_indisponible() {
    let mut board = sample_board(); // fetched at t(0)
    let p = pane(Theme::new(Palette::Ansi16));
    let fresh = render(&board, 10, (80, 24), &p);
    assert!(shows(&fresh, "2 min") && !shows(&fresh, "Données anciennes"));
    board.fail(crate::network::NetError::new(
        crate::network::ErrorKind::Http(503),
        "HTTP 503 from the server",
    ));
    // A failed refresh is said at once, with its reason.
    let failed = render(&board, 10, (80, 24), &p);
    assert!(shows(&failed, "2 min") && shows(&failed, "Données anciennes"));
    assert!(shows(&failed, "HTTP 503"));
    let stale = render(&board, 180, (80, 24), &p);
    assert!(shows(
        &stale,
        "Données anciennes : mises à jour à 08:00:00, il y a 3 min"
    ));
    assert!(shows(&stale, "Crous Université"), "still shown");
    let last = render(&board, 599, (80, 24), &p);
    assert!(shows(&last, "Crous Université"));
    let gone = render(&board, 600, (80, 24), &p);
    assert!(shows(&gone, "service indisponible"));
    assert!(shows(
        &gone,
        "Dernières données mises à jour à 08:00:00, il y a 10 min"
    ));
    assert!(!shows(&gone, "Crous Université") && !shows(&gone, "Non localisé"));
    assert!(!shows(&gone, " min ▮"), "no time is left on screen");
    // The clock is still there.
    assert!(shows(&gone, "▀▀▀"));
}

#[test]
fn before_any_data_it_waits_for_the_network() {
    let mut board = Board::default();
    let p = pane(Theme::new(Palette::Ansi16));
    assert!(shows(
        &render(&board, 0, (80, 24), &p),
        "Chargement des arrêts"
    ));
    board.fail(crate::network::NetError::new(
        crate::network::ErrorKind::Unreachable,
        "cannot reach the server",
    ));
    let buffer = render(&board, 0, (80, 24), &p);
    assert!(shows(&buffer, "en attente du réseau"));
    assert!(shows(&buffer, "Nouvel essai automatique"));
}

#[test]
fn the_key_problems_and_empty_favourites_say_what_to_do() {
    let mut board = Board::default();
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
    let p = pane(Theme::new(Palette::Ansi16));
    let buffer = render(&board, 0, (80, 24), &p);
    assert!(shows(&buffer, "Clé d'API refusée"));
    assert!(shows(&buffer, "« Clé invalide »"));
    assert!(shows(&buffer, "sudo systemctl reload quai-kiosk"));
    let mut p = pane(Theme::new(Palette::Ansi16));
    p.no_favorites = true;
    let buffer = render(&Board::default(), 0, (80, 24), &p);
    assert!(shows(&buffer, "Aucun favori à afficher"));
    assert!(shows(&buffer, "/etc/quai/favorites.toml"));
    p.problem = Some("no API key: set GINKO_API_KEY");
    let buffer = render(&Board::default(), 0, (80, 24), &p);
    assert!(shows(&buffer, "no API key: set GINKO_API_KEY"));
    assert!(!shows(&buffer, "chargement"), "no data to wait for");
}

/// With a walk time the kiosk says when to leave, and the large time
/// of a departure that cannot be caught is dimmed.
#[test]
fn a_walk_time_says_when_to_leave_on_the_kiosk() {
    let mut board = crate::ui::departures::tests::sample_board();
    board.places[0].departures[0][1].origin = crate::domain::Origin::Located;
    board.places[0].place.walk = Some(3);
    let mut p = pane(Theme::new(Palette::TrueColor));
    p.large = LargeDigits::Always;
    let buffer = render(&board, 0, (120, 40), &p);
    assert!(
        shows(&buffer, "partir dans 6 min"),
        "{:#?}",
        text_of(&buffer)
    );
    let y = text_of(&buffer)
        .iter()
        .position(|l| l.contains("partir dans 6 min"))
        .unwrap() as u16;
    let x = text_of(&buffer)[usize::from(y)]
        .find(" min ▮")
        .map(|b| text_of(&buffer)[usize::from(y)][..b].chars().count() as u16 + 1);
    let x = x.expect("a large time on the row");
    assert!(
        buffer[(x, y)].modifier.contains(Modifier::DIM),
        "2 min: too late"
    );
}

/// The pages turn from the first, whatever the time the kiosk started
/// (or was reloaded) at.
#[test]
fn the_first_page_comes_first() {
    let board = big_board(8);
    let mut p = pane(Theme::new(Palette::Ansi16));
    for start in [0, 12_345, 1_764_626_407] {
        p.pages_since_s = start;
        p.now_s = start;
        assert!(
            shows(&render(&board, 5, (80, 24), &p), "page 1/2"),
            "{start}"
        );
        p.now_s = start + 8;
        assert!(
            shows(&render(&board, 5, (80, 24), &p), "page 2/2"),
            "{start}"
        );
    }
}

/// A page is never left less than half full while the next place could
/// be split onto it, its heading repeated on the next page.
#[test]
fn a_page_is_at_least_half_full_before_a_place_is_moved_whole() {
    let pages = paginate(&[vec![1, 1], vec![1; 8]], 10);
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert_eq!(pages[0].len(), 2, "the second place starts on page 1");
    assert_eq!(pages[0][1].rows, 0..6);
    assert!(pages[1][0].continued && pages[1][0].rows == (6..8));
    // Half full already: the place moves whole.
    let pages = paginate(&[vec![1; 4], vec![1; 7]], 10);
    assert_eq!(pages[0].len(), 1);
    assert_eq!(pages[1][0].rows, 0..7);
    assert!(!pages[1][0].continued);
}

#[test]
fn pages_rotate_when_the_favourites_do_not_fit() {
    let board = big_board(8);
    let mut p = pane(Theme::new(Palette::Ansi16));
    let first = render(&board, 5, (80, 24), &p);
    assert!(shows(&first, "page 1/2"), "{:#?}", text_of(&first));
    assert!(shows(&first, "Crous Université") && !shows(&first, "Arrêt 7"));
    p.now_s = 8;
    let second = render(&board, 5, (80, 24), &p);
    assert!(shows(&second, "page 2/2"));
    assert!(shows(&second, "Arrêt 7") && !shows(&second, "Crous Université"));
    p.now_s = 16;
    assert!(shows(&render(&board, 5, (80, 24), &p), "page 1/2"));
    // Everything on one page of a big screen: no indicator.
    p.large = LargeDigits::Never;
    let all = render(&board, 5, (200, 60), &p);
    assert!(!shows(&all, "page "));
    assert!(shows(&all, "Arrêt 7") && shows(&all, "Crous Université"));
    // Large digits on the big screen: "2 min" drawn large, pages again.
    p.large = LargeDigits::Auto;
    let large = render(&board, 5, (200, 60), &p);
    assert!(shows(&large, "page 1/2"));
    assert!(shows(&large, "█▀▀ min"), "{:#?}", text_of(&large));
    assert!(!shows(&large, "2 min"));
}

/// A row in large digits is laid out once for its three lines, and not
/// again while it looks the same.
#[test]
fn a_large_row_is_laid_out_once_for_its_three_lines() {
    let board = sample_board();
    let mut p = pane(Theme::new(Palette::TrueColor));
    p.large = LargeDigits::Always;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut painter = crate::ui::paint::Painter::default();
    let mut memo = LineMemo::default();
    let v = view::build(&board, t(5));
    let mut paint = || {
        rows::LARGE_ROWS_MADE.with(|n| n.set(0));
        painter
            .paint_lines(&mut terminal, false, &mut memo, |c| draw_on(c, &v, &p))
            .unwrap();
        rows::LARGE_ROWS_MADE.with(|n| n.get())
    };
    let shown: usize = v.places.iter().map(|p| p.rows.len()).sum();
    assert!(shown > 1);
    assert_eq!(paint(), shown, "every row once, on one page");
    assert_eq!(paint(), 0, "the same frame again");
}

#[test]
fn a_large_row_keeps_the_timetable_mark_the_platform_and_the_delay() {
    let mut board = big_board(3);
    let first = &mut board.places[0].departures[0][0];
    first.origin = crate::domain::Origin::Timetable;
    first.platform = Some("A".into());
    let mut p = pane(Theme::new(Palette::TrueColor));
    p.large = LargeDigits::Auto;
    let large = render(&board, 5, (200, 60), &p);
    let lines = text_of(&large);
    let row = lines
        .iter()
        .find(|l| l.contains("vA"))
        .unwrap_or_else(|| panic!("the platform: {lines:#?}"));
    assert!(row.contains("théor."), "{row}");
}

#[test]
fn quiet_hours_are_dark_or_a_lone_clock() {
    let board = sample_board();
    let mut p = pane(Theme::new(Palette::Ansi16));
    p.quiet = Some(QuietScreen::Dark);
    let dark = render(&board, 5, (80, 24), &p);
    assert!(dark.content().iter().all(|c| c.symbol() == " "));
    p.quiet = Some(QuietScreen::Clock);
    let clock = render(&board, 5, (80, 24), &p);
    let text: String = text_of(&clock).concat();
    assert_eq!(text.trim(), "08:00");
}

/// What the kiosk writes through the painter and the line memo, its
/// view brought to each new second in place, is frame after frame what
/// a frame drawn from scratch shows: through page turns, a failed
/// refresh and data going stale then unavailable, a refresh, an alert,
/// a warning, the burn-in moves, quiet hours, and resizes (too small
/// included).
#[test]
fn painted_frames_are_the_frames_drawn_from_scratch() {
    use crate::ui::memo::LineMemo;
    use crate::ui::paint::Painter;
    let mut board = big_board(8);
    let mut p = pane(Theme::new(Palette::TrueColor));
    let mut painter = Painter::default();
    let mut memo = LineMemo::default();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut shown: Option<view::BoardView> = None;
    let mut pages_seen = std::collections::BTreeSet::new();
    let mut screens_seen = Vec::new();
    for second in 0..900 {
        let mut rebuild = shown.is_none();
        let mut resized = false;
        match second {
            30 => {
                board.fail(crate::network::NetError::new(
                    crate::network::ErrorKind::Http(503),
                    "HTTP 503 from the server",
                ));
                rebuild = true;
            }
            60 => {
                let mut again = big_board(6);
                again.fetched_at = Some(t(60));
                again.messages = vec![crate::domain::Message {
                    network: String::new(),
                    id: "1".into(),
                    title: "T2 : circulation interrompue".into(),
                    body_html: String::new(),
                    url: String::new(),
                    severity: crate::domain::Severity::Interrupted,
                    lines: vec!["T2".into()],
                    stops: vec![],
                    alert: true,
                }];
                board = again;
                rebuild = true;
            }
            90 => {
                board.fail(crate::network::NetError::new(
                    crate::network::ErrorKind::Timeout,
                    "no answer within 10 s",
                ));
                rebuild = true;
            }
            100 => p.warning = Some("favoris en partie illisibles"),
            130 => p.warning = None,
            150 | 160 | 170 | 180 => {
                let (w, h) = match second {
                    150 => (80, 24),
                    160 => (40, 10),
                    170 => (200, 60),
                    _ => (120, 40),
                };
                terminal.backend_mut().resize(w, h);
                resized = true;
            }
            700 => p.quiet = Some(QuietScreen::Clock),
            760 => p.quiet = Some(QuietScreen::Dark),
            800 => p.quiet = None,
            _ => {}
        }
        let now = t(second);
        p.now_s = now.as_second();
        let view = match shown.as_mut() {
            Some(view) if !rebuild => {
                view::advance(view, &board, now);
                view
            }
            _ => shown.insert(view::build(&board, now)),
        };
        screens_seen.push(screen(view, &p));
        painter
            .paint_lines(&mut terminal, resized, &mut memo, |c| draw_on(c, view, &p))
            .unwrap();
        let painted = terminal.backend().buffer().clone();
        pages_seen.extend(
            text_of(&painted)
                .iter()
                .filter_map(|l| l.split("page ").nth(1))
                .filter_map(|rest| rest.split_whitespace().next())
                .map(|n| format!("page {n}")),
        );
        let fresh = render(
            &board,
            second,
            (painted.area.width, painted.area.height),
            &p,
        );
        assert_eq!(painted, fresh, "second {second}");
    }
    // Both pages at 120×40, others on the small screens.
    assert!(pages_seen.contains("page 1/2") && pages_seen.contains("page 2/2"));
    assert!(pages_seen.len() >= 4, "{pages_seen:?}");
    for s in [Screen::Board, Screen::Unavailable, Screen::Quiet] {
        assert!(screens_seen.contains(&s), "{s:?}");
    }
    assert!(
        memo.copied > 3 * memo.drawn,
        "most lines were copied: {} copied, {} drawn",
        memo.copied,
        memo.drawn
    );
}

fn seg(place: usize, rows: Range<usize>, continued: bool) -> Segment {
    Segment {
        place,
        rows,
        continued,
    }
}

#[test]
fn places_fill_pages_and_move_whole_when_they_fit() {
    // Three places of 3, 4 and 2 rows on pages of 8 lines.
    let pages = paginate(&[vec![1; 3], vec![1; 4], vec![1; 2]], 8);
    assert_eq!(
        pages,
        [
            vec![seg(0, 0..3, false)],
            vec![seg(1, 0..4, false), seg(2, 0..2, false)]
        ]
    );
    // A place taller than a page is split, its heading repeated.
    let pages = paginate(&[vec![1; 2], vec![1; 10]], 6);
    assert_eq!(
        pages,
        [
            vec![seg(0, 0..2, false), seg(1, 0..2, false)],
            vec![seg(1, 2..7, true)],
            vec![seg(1, 7..10, true)]
        ]
    );
    // Rows three lines high.
    let pages = paginate(&[vec![3; 4]], 10);
    assert_eq!(pages, [vec![seg(0, 0..3, false)], vec![seg(0, 3..4, true)]]);
    // Nothing to show is one empty page; a tiny page still shows a row.
    assert_eq!(paginate(&[], 10), [vec![]]);
    assert_eq!(paginate(&[vec![3]], 2), [vec![seg(0, 0..1, false)]]);
}

#[test]
fn pages_rotate_with_the_clock() {
    assert_eq!(page_at(0, 8, 3), 0);
    assert_eq!(page_at(7, 8, 3), 0);
    assert_eq!(page_at(8, 8, 3), 1);
    assert_eq!(page_at(23, 8, 3), 2);
    assert_eq!(page_at(24, 8, 3), 0);
    assert_eq!(page_at(24, 8, 1), 0);
    assert_eq!(page_at(5, 0, 2), 1, "0 s is taken as 1 s");
}

#[test]
fn the_content_moves_against_burn_in() {
    let area = Rect::new(0, 0, 80, 24);
    let at = |minutes: i64| {
        let r = burn_in(area, minutes * 60);
        (r.x, r.y, r.width, r.height)
    };
    assert_eq!(at(0), (0, 0, 79, 23));
    assert_eq!(at(3), (0, 0, 79, 23));
    assert_eq!(at(4), (1, 0, 79, 23));
    assert_eq!(at(8), (1, 1, 79, 23));
    assert_eq!(at(12), (0, 1, 79, 23));
    assert_eq!(at(16), (0, 0, 79, 23));
}

/// A train arriving late, with when to leave before it: on the kiosk,
/// small or large, the two are apart and the delay and platform kept.
#[test]
fn when_to_leave_and_an_arriving_train_stay_apart_on_the_kiosk() {
    let mut board = crate::ui::departures::tests::sample_board();
    board.places[0].place.walk = Some(3);
    let first = &mut board.places[0].departures[0][0];
    first.time = crate::domain::WaitTime::At {
        expected: t(120),
        aimed: Some(t(-120)),
    };
    first.platform = Some("B".into());
    board.places[0].departures[0][1].origin = crate::domain::Origin::Located;
    for (large, size) in [
        (LargeDigits::Never, (80, 24)),
        (LargeDigits::Never, (120, 35)),
        (LargeDigits::Always, (120, 40)),
    ] {
        let mut p = pane(Theme::new(Palette::TrueColor));
        p.large = large;
        // Two minutes on: the first is arriving.
        let buffer = render(&board, 120, size, &p);
        let lines = text_of(&buffer);
        let row = lines
            .iter()
            .find(|l| l.contains("vB"))
            .unwrap_or_else(|| panic!("{lines:#?}"));
        assert!(row.contains("+4 vB"), "{size:?}: {row}");
        if let Some(i) = row.find("partir") {
            let after = &row[i..];
            let end = after.find(" min").map(|e| e + " min".len()).unwrap();
            assert!(after[end..].starts_with("  "), "{size:?}: {row}");
        }
    }
}

/// The kiosk's place heading says what the board's says: the values
/// dropped as implausible and the messages about the place not in the
/// banner.
#[test]
fn the_place_heading_says_the_dropped_values_and_the_messages() {
    let mut board = sample_board();
    board.places[0].dropped = 2;
    let message = |id: &str| crate::domain::Message {
        network: String::new(),
        id: id.into(),
        title: format!("Message {id}"),
        body_html: String::new(),
        url: String::new(),
        severity: crate::domain::Severity::Information,
        lines: vec![],
        stops: vec![],
        alert: false,
    };
    board.messages = vec![message("1"), message("2")];
    let buffer = render(&board, 5, (100, 30), &pane(Theme::new(Palette::TrueColor)));
    let text = text_of(&buffer);
    let name = &board.places[0].place.name;
    let heading = text
        .iter()
        .find(|l| l.contains(name.as_str()))
        .unwrap_or_else(|| panic!("{text:#?}"));
    assert!(
        heading.contains("2 valeurs aberrantes écartées"),
        "{text:#?}"
    );
    assert!(heading.contains("ⓘ 2 messages"), "{text:#?}");
    assert!(!heading.contains("(i)"), "the kiosk has no keys: {heading}");
}

/// The sample place going to Chamars: L3 gets there at 08:42 (live) and
/// ≈08:50 (estimated), line 7 at 08:47 (the timetable's).
fn to_chamars(at: i64) -> BoardView {
    let mut view = view::build(&sample_board(), t(at));
    // A zone of the sample's offset that no network kind has.
    let zone = jiff::tz::TimeZone::get("Europe/Brussels").unwrap();
    let place = &mut view.places[0];
    place.to = Some("Chamars".into());
    let arrive = |cell: &mut CellView, minutes: i64, origin| {
        cell.arrival = Some(crate::ui::view::LocalTime {
            at: t(minutes * 60),
            zone: zone.clone(),
        });
        cell.arrival_origin = Some(origin);
    };
    use crate::destination::ArrivalOrigin::*;
    arrive(&mut place.rows[0].cells[0], 42, Live);
    arrive(&mut place.rows[0].cells[1], 50, Estimated);
    arrive(&mut place.rows[1].cells[0], 47, Timetable);
    view
}

fn render_view(view: &BoardView, size: (u16, u16), pane: &KioskPane) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    terminal.draw(|f| draw(f, view, pane)).unwrap();
    terminal.backend().buffer().clone()
}

/// A place with a destination is one line under its heading: each line's
/// badge (in its colour) and its arrival times there, live plain,
/// estimated with "≈", the timetable's marked; the walk time still says
/// when to leave; narrower, fewer times and lines, no word cut.
#[test]
fn a_place_with_a_destination_is_one_line_of_arrivals() {
    let mut view = to_chamars(0);
    let p = pane(Theme::new(Palette::TrueColor));
    let buffer = render_view(&view, (100, 30), &p);
    let lines = text_of(&buffer);
    let heading = lines
        .iter()
        .position(|l| l.contains("Crous Université → Chamars"))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    let arrivals = &lines[heading + 1];
    assert!(
        arrivals.contains(" L3  08:42 ≈08:50    7  08:47 théor."),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("Pôle Temis")),
        "{lines:#?}"
    );
    // The badge in the line's colour, the timetable's time dimmed.
    let y = heading as u16 + 1;
    let x = arrivals.find("L3").unwrap() as u16;
    assert_eq!(buffer[(x, y)].bg, Color::Rgb(0x00, 0x6A, 0xB3));
    let x = arrivals
        .find("08:47")
        .map(|b| arrivals[..b].chars().count())
        .unwrap() as u16;
    assert!(buffer[(x, y)].modifier.contains(Modifier::DIM));
    // When to leave.
    view.places[0].rows[0].leave = Some("partir dans 3 min".into());
    let lines = text_of(&render_view(&view, (100, 30), &p));
    assert!(
        lines[heading + 1].contains("08:42 ≈08:50  partir dans 3 min"),
        "{lines:#?}"
    );
    // 40×12: fewer lines, whole.
    let lines = text_of(&render_view(&view, (40, 12), &p));
    assert_eq!(
        lines[2].trim_end(),
        "   L3  08:42 ≈08:50  partir dans 3 min",
        "{lines:#?}"
    );
    // Narrower still: fewer times; the badge and a time at the least.
    let theme = Theme::new(Palette::TrueColor);
    let text = |width| {
        let line = arrivals_line(&view.places[0], &theme, false, width, 2).unwrap();
        line.spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect::<String>()
    };
    assert_eq!(text(31), "   L3  08:42  partir dans 3 min");
    assert_eq!(text(30), "   L3  08:42");
    assert_eq!(text(12), "   L3  08:42");
}

/// With a walk time, a departure that can no longer be caught is left out
/// of the one line while a later one can be (on a narrow screen the line
/// kept the missed 08:42 and dropped the 08:50 to take).
#[test]
fn the_one_line_keeps_the_departures_that_can_be_caught() {
    let mut view = to_chamars(0);
    let row = &mut view.places[0].rows[0];
    row.leave = Some("partir dans 3 min".into());
    row.cells[0].reachable = Some(false);
    row.cells[1].reachable = Some(true);
    let theme = Theme::new(Palette::TrueColor);
    let text = |view: &crate::ui::view::BoardView| -> String {
        let line = arrivals_line(&view.places[0], &theme, false, 60, 2).unwrap();
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    };
    let shown = text(&view);
    assert!(
        shown.contains("L3  ≈08:50  partir dans 3 min") && !shown.contains("08:42"),
        "{shown}"
    );
    // None can be caught: they stay, dimmed.
    view.places[0].rows[0].cells[1].reachable = Some(false);
    let shown = text(&view);
    assert!(shown.contains("L3  08:42 ≈08:50"), "{shown}");
}

/// A place with a destination that no trip reaches says so.
#[test]
fn a_destination_no_trip_reaches_is_said_on_the_kiosk() {
    let mut view = to_chamars(0);
    view.places[0].rows.clear();
    view.places[0].no_departure = true;
    let lines = text_of(&render_view(
        &view,
        (80, 24),
        &pane(Theme::new(Palette::TrueColor)),
    ));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("aucun départ vers Chamars")),
        "{lines:#?}"
    );
}

/// The status line is composed by priority as the board's: its parts
/// (the schedule's pieces too) left out whole from the least important,
/// never a word cut; the data's age always there, the attribution at the
/// right while it fits.
#[test]
fn the_kiosk_status_line_leaves_parts_out_whole() {
    let mut view = view::build(&sample_board(), t(5));
    let pieces = [
        "IDFM (démo) actualisé toutes les 260 s",
        "quota 1000/jour",
        "3 requêtes par tour",
        "flux lus toutes les 30 s",
    ];
    view.schedule = Some(pieces.join(" · "));
    let p = pane(Theme::new(Palette::TrueColor));
    for (size, attribution) in [((120, 35), true), ((80, 24), true), ((40, 12), false)] {
        let buffer = render_view(&view, size, &p);
        let lines = text_of(&buffer);
        let status = lines
            .iter()
            .rfind(|l| !l.trim().is_empty())
            .unwrap()
            .trim()
            .to_string();
        assert!(
            status.starts_with("mis à jour il y a"),
            "{size:?}: {status}"
        );
        assert!(!status.contains('…'), "{size:?}: {status}");
        assert_eq!(
            status.ends_with(p.attribution),
            attribution,
            "{size:?}: {status}"
        );
        let left = status.trim_end_matches(p.attribution).trim_end();
        for part in left.split(" · ").skip(1) {
            assert!(pieces.contains(&part), "{size:?}: {part:?} cut in {status}");
        }
        if size.0 == 120 {
            assert!(left.contains(pieces[0]), "{status}");
        }
    }
    // An attribution too long to fit leaves its room to the schedule's
    // first pieces, which fit without it.
    let long = KioskPane {
        attribution: "Données : réseau Ginko (Keolis Besançon Mobilités), licence ODbL",
        ..pane(Theme::new(Palette::TrueColor))
    };
    let lines = text_of(&render_view(&view, (80, 24), &long));
    let status = lines.iter().rfind(|l| !l.trim().is_empty()).unwrap();
    assert!(status.contains(pieces[0]), "{status}");
    assert!(!status.contains("Données"), "{status}");
}
