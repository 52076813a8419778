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
    assert!(!text.is_empty());
}
