//! The README's pictures: the board and the kiosk drawn by the program on
//! the demo network, at a fixed time (Monday 23 November 2026, 08:00 in
//! Besançon) so that the same program always draws the same pictures.
//! `cargo run --example pictures` writes them under `docs/`; a test checks
//! that the committed ones are what the program draws.

use std::sync::Arc;

use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::cache::Cache;
use crate::model::Board;
use crate::network::ginko::{ApiKey, Client, Ginko, parse_base_url};
use crate::network::{Network, PerRow};
use crate::ui::theme::{Palette, Theme};
use crate::ui::view;

/// The time of the pictures.
pub const AT: &str = "2026-11-23T08:00:00+01:00[Europe/Paris]";

/// The pictures, as (file name, SVG).
pub async fn render() -> Result<Vec<(&'static str, String)>, String> {
    let at: jiff::Zoned = AT.parse().map_err(|e| format!("{e}"))?;
    let now: Timestamp = at.timestamp();
    let clock: super::Clock = Arc::new(move || at.clone());
    let server = super::DemoServer::start_with_clock(
        ([127, 0, 0, 1], 0).into(),
        super::ServerOptions::default(),
        clock,
    )
    .await?;
    let client = Client::new(parse_base_url(&server.url())?, ApiKey::new(super::DEMO_KEY))
        .map_err(|e| e.to_string())?;
    let source = Ginko::new(client, &Cache::memory())
        .named("Ginko", crate::i18n::t(super::ATTRIBUTION_SHORT));
    let places: Vec<String> = super::favourite_places()
        .iter()
        .filter(|(network, _)| network.is_none())
        .map(|(_, p)| p.to_string())
        .collect();
    let (places, _) = crate::poller::resolve(&source, &places)
        .await
        .map_err(|e| e.to_string())?;
    let mut board = Board::new(places);
    let results = source
        .departures(&board.requests(), PerRow::DEFAULT)
        .await
        .map_err(|e| e.to_string())?;
    board.apply(now, results);
    board.messages = source.messages().await.map_err(|e| e.to_string())?;
    board.line_states = source.line_states().await.unwrap_or_default();
    let view = view::build(&board, now + jiff::SignedDuration::from_secs(2));
    let theme = Theme::new(Palette::TrueColor);

    let mut terminal = Terminal::new(TestBackend::new(120, 40)).map_err(|e| e.to_string())?;
    let state = crate::ui::departures::PaneState {
        title: "quai · Ginko",
        selected: None,
        help: false,
        theme,
        nb: 2,
        attribution: source.attribution(),
        notice: None,
        warning: None,
        capabilities: source.capabilities(),
        back_to: None,
    };
    terminal
        .draw(|f| crate::ui::departures::draw(f, &view, &state))
        .map_err(|e| e.to_string())?;
    let board_svg = crate::ui::svg::picture(terminal.backend().buffer());

    let mut terminal = Terminal::new(TestBackend::new(100, 30)).map_err(|e| e.to_string())?;
    let pane = crate::ui::kiosk::KioskPane {
        title: "quai · Ginko",
        theme,
        nb: 2,
        attribution: source.attribution(),
        warning: None,
        problem: None,
        no_favorites: false,
        favorites_path: "",
        reload_hint: "",
        page_seconds: 8,
        large: crate::ui::kiosk::LargeDigits::Auto,
        quiet: None,
        now_s: now.as_second() + 2,
        pages_since_s: now.as_second() + 2,
        date: "lundi 23 novembre",
    };
    terminal
        .draw(|f| crate::ui::kiosk::draw(f, &view, &pane))
        .map_err(|e| e.to_string())?;
    let kiosk_svg = crate::ui::svg::picture(terminal.backend().buffer());
    Ok(vec![("board.svg", board_svg), ("kiosk.svg", kiosk_svg)])
}
