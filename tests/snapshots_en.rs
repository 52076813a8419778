//! The board's screen in English (`language = "en"`, or an en_* locale):
//! the same board as `tests/snapshots.rs`, every word from the English
//! catalog. One test in its own binary: the language is the process's.

use ratatui::crossterm::event::KeyCode;

mod screens;
use screens::*;

#[test]
fn the_board_in_english() {
    quai::i18n::set(quai::i18n::Language::En);
    let board = screen(&mut app(), &[], true_colour(), (100, 20));
    insta::assert_debug_snapshot!("board_truecolor_en", board);
    let help = screen(&mut app(), &[KeyCode::Char('?')], true_colour(), (100, 30));
    let text: String = help.content().iter().map(|c| c.symbol()).collect();
    // The footer's keys are English words.
    let board_text: String = board.content().iter().map(|c| c.symbol()).collect();
    assert!(board_text.contains("q quit"), "{board_text}");
    assert!(!board_text.contains("quitter"), "{board_text}");
    assert!(text.contains("Keys") && text.contains("Legend"), "{text}");
    insta::assert_debug_snapshot!("pane_help_en", help);
    let details = screen(&mut app(), &[KeyCode::Enter], true_colour(), (100, 30));
    insta::assert_debug_snapshot!("pane_details_en", details);
    // The kiosk, its date in English too.
    let kiosk_board = screens::board();
    let now = t0() + jiff::SignedDuration::from_secs(5);
    let view = quai::ui::view::build(&kiosk_board, now);
    let date = quai::kiosk::date_text(jiff::civil::date(2026, 11, 23));
    assert_eq!(date, "Monday 23 November");
    let pane = quai::ui::kiosk::KioskPane {
        title: "quai · Test",
        theme: true_colour(),
        nb: 2,
        attribution: "Data: test network",
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
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|f| quai::ui::kiosk::draw(f, &view, &pane))
        .unwrap();
    insta::assert_debug_snapshot!("kiosk_truecolor_en", terminal.backend().buffer().clone());
}

/// As `tests/snapshots.rs`'s `every_screen_at_three_sizes`, in English.
#[test]
fn every_screen_at_three_sizes_in_english() {
    quai::i18n::set(quai::i18n::Language::En);
    for size in SIZES {
        for (name, lines) in every_screen(size) {
            insta::assert_debug_snapshot!(format!("sized_{name}_{}x{}_en", size.0, size.1), lines);
        }
    }
}
