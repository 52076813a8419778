//! Whole screens at a fixed time and size, in true colour and on the
//! 16-colour Linux console: the board, each pane over it, and the kiosk.
//! The snapshots (tests/snapshots/) hold every cell's text and the styles;
//! a changed screen fails until its new snapshot is reviewed and accepted
//! (`INSTA_UPDATE=always cargo test --test snapshots`, then `git diff`).

use quai::app::{App, Msg};
use quai::domain::*;
use quai::favorites::Favorite;
use quai::ui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

mod screens;
use screens::*;

#[test]
fn the_board() {
    insta::assert_debug_snapshot!(
        "board_truecolor",
        screen(&mut app(), &[], true_colour(), (100, 20))
    );
    insta::assert_debug_snapshot!(
        "board_console",
        screen(&mut app(), &[], console(), (100, 20))
    );
    let mut narrow = App::new();
    narrow.set_board(board());
    insta::assert_debug_snapshot!(
        "board_narrow_without_services",
        screen(&mut narrow, &[KeyCode::Char('?')], true_colour(), (60, 40))
    );
}

#[test]
fn the_panes() {
    use KeyCode::*;
    let size = (100, 30);
    let panes: [(&str, &[KeyCode]); 5] = [
        ("pane_help", &[Char('?')]),
        ("pane_search", &[Char('/'), Char('c'), Char('h')]),
        ("pane_traffic", &[Char('i')]),
        ("pane_details", &[Enter]),
        // The third row: a late train, with its platform.
        ("pane_details_late_train", &[Down, Down, Down, Enter]),
    ];
    for (name, keys) in panes {
        insta::assert_debug_snapshot!(name, screen(&mut app(), keys, true_colour(), size));
    }
    let mut fares = app();
    let now = t0();
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
    insta::assert_debug_snapshot!("pane_fares", screen(&mut fares, &[], true_colour(), size));
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
    insta::assert_debug_snapshot!(
        "pane_forecast",
        screen(&mut forecast, &[], true_colour(), size)
    );
    let mut favorites = app();
    favorites.open_favorites(vec![
        Favorite {
            place: "Crous Université".into(),
            network: None,
            label: Some("Maison".into()),
            lines: vec![],
            walk: None,
            to: None,
        },
        Favorite {
            place: "Gare du Nord".into(),
            network: None,
            label: None,
            lines: vec![],
            walk: None,
            to: None,
        },
    ]);
    insta::assert_debug_snapshot!(
        "pane_favorites",
        screen(&mut favorites, &[], true_colour(), size)
    );
}

#[test]
fn the_kiosk() {
    let board = board();
    let now = t0() + jiff::SignedDuration::from_secs(5);
    let view = view::build(&board, now);
    for (name, theme) in [
        ("kiosk_truecolor", true_colour()),
        ("kiosk_console", console()),
    ] {
        let pane = quai::ui::kiosk::KioskPane {
            title: "quai · Test",
            theme,
            nb: 2,
            attribution: "Données : réseau de test",
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
            date: "lundi 23 novembre",
        };
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        terminal
            .draw(|f| quai::ui::kiosk::draw(f, &view, &pane))
            .unwrap();
        insta::assert_debug_snapshot!(name, terminal.backend().buffer().clone());
    }
}

/// The board, each pane and the help (its first lines and its end) at
/// 120×35, 80×24 and 40×12: the text of each screen.
#[test]
fn every_screen_at_three_sizes() {
    for size in SIZES {
        for (name, lines) in every_screen(size) {
            if name == "help_end" {
                // The end is the end: the attribution shown, nothing below.
                let text = lines.join("\n");
                assert!(!text.contains("de plus"), "{size:?}: {text}");
                assert!(text.contains("réseau de"), "{size:?}: {text}");
            }
            insta::assert_debug_snapshot!(format!("sized_{name}_{}x{}", size.0, size.1), lines);
        }
    }
}

/// The footer of a pane: its box's last line inside the borders.
fn footer_of(lines: &[String]) -> String {
    let bottom = lines
        .iter()
        .rposition(|l| l.contains('└'))
        .unwrap_or_else(|| panic!("no box: {lines:#?}"));
    let line = &lines[bottom - 1];
    let start = line.find('│').map_or(0, |i| i + '│'.len_utf8());
    let end = line.rfind('│').unwrap_or(line.len());
    line[start..end].trim().to_string()
}

/// At every size the search's, the favourites' and the forecast's footers
/// are composed by priority: parts left out whole, never a word cut, the
/// key that closes kept.
#[test]
fn footers_keep_whole_words_and_the_key_that_closes() {
    for size in SIZES {
        for (name, lines) in every_screen(size) {
            let closes = match name {
                "search" => Some("Échap retour"),
                "favorites" => Some("Échap fermer"),
                "forecast" => None,
                _ => continue,
            };
            let footer = footer_of(&lines);
            assert!(!footer.contains('…'), "{name} {size:?}: {footer}");
            if let Some(closes) = closes {
                assert!(footer.ends_with(closes), "{name} {size:?}: {footer}");
            }
            // Nothing clipped by the box: the footer ends before its border.
            let inner = lines
                .iter()
                .rev()
                .find(|l| l.contains('└'))
                .map_or(0, |l| l.trim().chars().count().saturating_sub(2));
            assert!(
                unicode_width::UnicodeWidthStr::width(footer.as_str()) < inner,
                "{name} {size:?}: {footer}"
            );
        }
    }
}

/// After `d` the favourites' footer lists `u` (undo), even at 40×12.
#[test]
fn the_favourites_footer_lists_the_undo_while_it_is_possible() {
    let favorite = |place: &str| Favorite {
        place: place.into(),
        network: None,
        label: None,
        lines: vec![],
        walk: None,
        to: None,
    };
    for size in SIZES {
        let mut favorites = app();
        favorites.area = ratatui::layout::Rect::new(0, 0, size.0, size.1);
        favorites.open_favorites(vec![favorite("A"), favorite("B"), favorite("C")]);
        let before = footer_of(&text_lines(&screen(
            &mut favorites,
            &[],
            true_colour(),
            size,
        )));
        assert!(!before.contains("u annuler"), "{size:?}: {before}");
        let after = footer_of(&text_lines(&screen(
            &mut favorites,
            &[KeyCode::Char('d')],
            true_colour(),
            size,
        )));
        assert!(
            after.contains("u annuler") && after.ends_with("Échap fermer"),
            "{size:?}: {after}"
        );
        let undone = footer_of(&text_lines(&screen(
            &mut favorites,
            &[KeyCode::Char('u')],
            true_colour(),
            size,
        )));
        assert!(!undone.contains("u annuler"), "{size:?}: {undone}");
    }
}

/// A board of two networks: each place's heading says its network and
/// its messages. At every size a heading leaves its parts out whole (the
/// network's name first), never cut mid-word; the place's name stays.
#[test]
fn place_headings_leave_their_parts_out_whole() {
    let mut board = board();
    for (place, (network, name)) in board
        .places
        .iter_mut()
        .zip([("ginko", "Ginko"), ("idfm", "Île-de-France Mobilités")])
    {
        place.place.network = network.into();
        place.place.network_name = name.into();
    }
    board.places[0].place.label = Some("Maison de la famille".into());
    // Two messages besides the banner's, about line B.
    for id in ["8", "9"] {
        let mut message = board.messages[0].clone();
        message.id = id.into();
        message.severity = Severity::Information;
        message.lines = vec!["B".into()];
        board.messages.push(message);
    }
    for size in SIZES {
        let mut mixed = App::with_capabilities(every_service());
        mixed.set_board(board.clone());
        mixed.area = ratatui::layout::Rect::new(0, 0, size.0, size.1);
        let lines = text_lines(&screen(&mut mixed, &[], true_colour(), size));
        let headings: Vec<&String> = lines
            .iter()
            .filter(|l| l.contains("Crous Université") || l.contains("Gare du Nord"))
            .collect();
        assert_eq!(headings.len(), 2, "{size:?}: {lines:#?}");
        let whole = [
            "Crous Université — Maison de la famille",
            "Gare du Nord",
            "ⓘ 2 messages (i)",
            "Ginko",
            "Île-de-France Mobilités",
        ];
        for heading in headings {
            let text = heading.trim().trim_end_matches('─').trim_end();
            for (i, part) in text.split(" · ").enumerate() {
                // The name alone may be shortened, when nothing else is left.
                let shortened = i == 0
                    && !text.contains(" · ")
                    && part
                        .strip_suffix('…')
                        .is_some_and(|p| whole[0].starts_with(p));
                assert!(
                    whole.contains(&part) || shortened,
                    "{size:?}: {part:?} cut in {text:?}"
                );
            }
        }
        // The messages are said before the network's name.
        assert!(
            lines
                .iter()
                .any(|l| l.contains("Gare du Nord · ⓘ 2 messages (i)")),
            "{size:?}: {lines:#?}"
        );
        insta::assert_debug_snapshot!(format!("headings_{}x{}", size.0, size.1), lines);
    }
}

/// The help lists every pane's keys (from the one key table): the
/// favourites' `d`, `e`, `u` among them. `?` in a pane opens the help over
/// it, and Esc comes back to the pane.
#[test]
fn every_pane_opens_the_help_which_lists_its_keys() {
    use KeyCode::*;
    let favorite = |place: &str| Favorite {
        place: place.into(),
        network: None,
        label: None,
        lines: vec![],
        walk: None,
        to: None,
    };
    // Every line of the help, page by page.
    let mut board = app();
    let mut all = text_lines(&screen(&mut board, &[Char('?')], true_colour(), (120, 35)));
    for _ in 0..10 {
        all.extend(text_lines(&screen(
            &mut board,
            &[PageDown],
            true_colour(),
            (120, 35),
        )));
    }
    let all = all.join("\n");
    for (keys, what) in [
        ("d / Suppr", "retirer le favori choisi"),
        ("u", "annuler le dernier retrait"),
        ("e", "renommer"),
        ("a", "tout le réseau"),
    ] {
        assert!(
            all.lines()
                .any(|l| l.contains(&format!("  {keys:<12}{what}"))),
            "{keys} {what}: {all}"
        );
    }
    let size = (80, 24);
    let panes: [(&str, &[KeyCode], &str, &str); 4] = [
        ("favorites", &[], "Favoris", "Favoris (F)"),
        ("traffic", &[Char('i')], "Info trafic", "Info trafic (i)"),
        ("details", &[Enter], "Détail", "Détail (Entrée)"),
        (
            "forecast",
            &[Char('c')],
            "Affluence prévue",
            "Affluence prévue (c)",
        ),
    ];
    for (name, keys, title, heading) in panes {
        let mut app = app();
        app.area = ratatui::layout::Rect::new(0, 0, size.0, size.1);
        if name == "favorites" {
            app.open_favorites(vec![favorite("A"), favorite("B")]);
        }
        let pane = text_lines(&screen(&mut app, keys, true_colour(), size)).join("\n");
        assert!(pane.contains(title), "{name}: {pane}");
        let help = text_lines(&screen(&mut app, &[Char('?')], true_colour(), size));
        let joined = help.join("\n");
        assert!(
            joined.contains("Aide"),
            "{name}: `?` did not open the help: {joined}"
        );
        // Opened at the pane's own keys.
        assert!(
            help.iter().any(|l| l.contains(&format!("│{heading} "))),
            "{name}: {joined}"
        );
        if name == "favorites" {
            insta::assert_debug_snapshot!("help_over_favorites_80x24", help);
        }
        // Esc: the pane again, as it was.
        let back = text_lines(&screen(&mut app, &[Esc], true_colour(), size)).join("\n");
        assert_eq!(back, pane, "{name}: Esc did not come back to the pane");
    }
}
