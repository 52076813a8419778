//! The kiosk screen: the favourites full screen, for a wall, read from a few
//! metres and left alone for months.
//!
//! ```text
//!  quai · Ginko                                   █▀█ █ █   ▀▀█ ▀▀█
//!  lundi 23 novembre                              █ █ ▀▀█ ▀ ▀▀█ █▀▀
//!  ● ○  page 1/2                                  ▀▀▀   ▀ ▀ ▀▀▀ ▀▀▀
//!  Ile de France ───────────────────────────────────────────────────
//!    T1   Chalezeule                    2 min ■□□      12 min ■■□
//!  mis à jour il y a 4 s                 Données : réseau Ginko, ODbL
//! ```
//!
//! What it shows follows from the data's state ([`screen`]): the board
//! while the data is fresh or a little old (marked, with its age), a plain
//! "service indisponible" once it is older than [`UNAVAILABLE_AFTER`], "en
//! attente du réseau" before any data, the key's problem, or nothing at all
//! in quiet hours. The content moves by one cell every few minutes against
//! burn-in.

use std::ops::Range;
use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::departures::{
    CELL_W, Columns, MIN_HEIGHT, MIN_WIDTH, cell_spans, fit, gauge_and_mark, pad, place_heading,
    row_line, row_start, wrap,
};
use super::digits;
use super::memo::LineMemo;
use super::paint::Canvas;
use crate::config::QuietScreen;
use crate::model::TimeShown;
use crate::ui::text::{Part, SEP, by_priority_kept, within};
use crate::ui::theme::Theme;
use crate::ui::view::{BoardView, CellView, RowView, status_parts};

mod layout;
pub use layout::*;
mod header;
use header::*;
mod rows;
use rows::*;
mod arrivals;
use arrivals::*;
#[cfg(test)]
mod tests;

/// Data older than this is no longer shown: a kiosk must not show old
/// times as if they were current.
pub const UNAVAILABLE_AFTER: Duration = Duration::from_secs(10 * 60);

/// The content moves by one cell this often.
pub const BURN_IN_EVERY_S: i64 = 4 * 60;

/// Width of the large next departure: three digits and " min".
const LARGE_W: usize = 11 + 5;

/// The first cell of a large row: large time, gauge, mark, gap.
const LARGE_CELL_W: usize = LARGE_W + 3 + 1 + 2 + 2;

/// The widest destination column: on a wide screen, the times stay near
/// their destination.
const MAX_DESTINATION_W: usize = 56;

/// Large digits for each row's next departure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LargeDigits {
    /// When the screen is big enough (100×36 cells and more).
    #[default]
    Auto,
    Always,
    Never,
}

/// What the kiosk needs besides the view.
pub struct KioskPane<'a> {
    pub title: &'a str,
    pub theme: Theme,
    /// Departures per row, at most.
    pub nb: usize,
    pub attribution: &'a str,
    /// A lasting warning (favourites or settings partly unreadable).
    pub warning: Option<&'a str>,
    /// Why nothing can be shown (unreadable settings, no key).
    pub problem: Option<&'a str>,
    /// No favourites to show.
    pub no_favorites: bool,
    /// Where the favourites and the key are, for the help screens.
    pub favorites_path: &'a str,
    /// How to reload after fixing a file.
    pub reload_hint: &'a str,
    pub page_seconds: u64,
    pub large: LargeDigits,
    /// Set during quiet hours.
    pub quiet: Option<QuietScreen>,
    /// The shown clock, in seconds (rotation, burn-in, blinking).
    pub now_s: i64,
    /// When the pages started turning (the kiosk's start or last reload),
    /// on the same clock: the first page comes first.
    pub pages_since_s: i64,
    /// "lundi 23 novembre".
    pub date: &'a str,
}

/// Which screen the kiosk shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Quiet,
    /// The settings prevent everything (read, or no key).
    Problem,
    KeyRefused,
    /// No data yet, and the last attempt failed.
    Waiting,
    Loading,
    NoFavorites,
    /// The last data is too old to be shown.
    Unavailable,
    Board,
}

/// The screen for this view.
pub fn screen(view: &BoardView, pane: &KioskPane) -> Screen {
    if pane.quiet.is_some() {
        return Screen::Quiet;
    }
    if pane.problem.is_some() {
        return Screen::Problem;
    }
    if pane.no_favorites {
        return Screen::NoFavorites;
    }
    if view.key_refused {
        return Screen::KeyRefused;
    }
    match view.age_seconds {
        None if view.error.is_some() => Screen::Waiting,
        None => Screen::Loading,
        Some(age) if age >= UNAVAILABLE_AFTER.as_secs() => Screen::Unavailable,
        Some(_) => Screen::Board,
    }
}

/// Draws the kiosk's frame from scratch.
pub fn draw(frame: &mut Frame, view: &BoardView, pane: &KioskPane) {
    let mut memo = LineMemo::default();
    draw_on(&mut Canvas::new(frame, &mut memo), view, pane);
}

/// Draws the kiosk's frame on `canvas`: every line of the board screens
/// through its memo, so that a line drawn alike in the previous frame is
/// neither laid out nor written again. The result is [`draw`]'s.
pub fn draw_on(canvas: &mut Canvas, view: &BoardView, pane: &KioskPane) {
    let full = canvas.area();
    if full.width < MIN_WIDTH || full.height < MIN_HEIGHT {
        canvas.widget(super::screens::too_small(full), full);
        return;
    }
    let screen = screen(view, pane);
    if screen == Screen::Quiet {
        if pane.quiet == Some(QuietScreen::Clock) {
            draw_quiet_clock(canvas, full, view, pane);
        }
        return;
    }
    let area = burn_in(full, pane.now_s);
    let width = area.width as usize;
    let theme = &pane.theme;

    let big_scale = if area.height >= 45 && area.width >= 120 {
        2
    } else {
        1
    };
    let big_clock = area.height >= 20 && area.width >= 60;
    let header_h = if big_clock {
        digits::size("00:00", big_scale).1 as u16
    } else {
        1
    };
    let mut notes: Vec<(String, Style)> = Vec::new();
    if let Some(alert) = view.alert.as_ref().filter(|_| screen == Screen::Board) {
        for l in wrap(
            &format!("{} {}", theme.glyphs.warning, alert.text()),
            width - 2,
        ) {
            notes.push((format!(" {}", pad(&l, width - 1)), theme.alert()));
        }
    }
    if screen == Screen::Board && view.stale {
        let text = match &view.error_reason {
            Some(reason) => format!(
                "{} {}",
                theme.glyphs.warning,
                crate::i18n::tf(
                    "kiosk_old_data_because",
                    &[("age", &age_text(view)), ("why", reason)],
                )
            ),
            None => format!(
                "{} {}",
                theme.glyphs.warning,
                crate::i18n::tf("kiosk_old_data", &[("age", &age_text(view))])
            ),
        };
        for l in wrap(&text, width - 2) {
            notes.push((format!(" {l}"), theme.stale()));
        }
    }
    for name in &view.unknown_places {
        notes.push((format!(" {}", view.not_shown(name)), theme.notice()));
    }
    if let Some(warning) = pane.warning {
        for l in wrap(&format!("{} {warning}", theme.glyphs.warning), width - 2) {
            notes.push((format!(" {l}"), theme.stale()));
        }
    }
    let notes_h = (notes.len() as u16).min(area.height / 3);
    let [header, notes_area, body, footer] = Layout::vertical([
        Constraint::Length(header_h),
        Constraint::Length(notes_h),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);

    for ((text, style), y) in notes.into_iter().zip(notes_area.rows()) {
        // Styled under the text only, as ratatui's paragraphs style lines.
        canvas.line(&Line::from(Span::styled(text, style)), y);
    }

    // The body first: the header shows its page count.
    let (page, pages) = match screen {
        Screen::Board => draw_pages(canvas, body, view, pane),
        _ => {
            draw_message(canvas, body, message(screen, view, pane), theme);
            (0, 1)
        }
    };
    draw_header(
        canvas,
        header,
        view,
        pane,
        big_clock.then_some(big_scale),
        (page, pages),
    );

    let line = status_line(screen, view, pane, width);
    canvas.line(&line, footer);
}

/// The status line: the data's age (where there is data to speak of), the
/// timetable's and the schedule's notes, and at the right the data's
/// attribution, composed by priority as the board's status line is
/// ([`by_priority_kept`]): the least important parts left out whole,
/// never a word cut; the age always kept.
fn status_line(screen: Screen, view: &BoardView, pane: &KioskPane, width: usize) -> Line<'static> {
    let theme = &pane.theme;
    let style = if view.stale {
        theme.stale()
    } else {
        theme.dim()
    };
    let (freshness, timetable, schedule) = match screen {
        Screen::Problem | Screen::NoFavorites => (None, None, None),
        _ => status_parts(view),
    };
    let mut parts = Vec::new();
    let mut push = |text: Option<String>, style, priority| {
        parts.extend(Part::pieces(text, style, priority));
    };
    push(freshness, style, u8::MAX);
    push(timetable, style, 4);
    // When the data is old, the schedule's note says why; its pieces are
    // left out from the last.
    push(schedule, style, if view.stale { 6 } else { 1 });
    // The attribution last, at the right (ODbL asks to say it): its pieces
    // are the parts of this priority.
    const ATTRIBUTION: u8 = 5;
    push(Some(pane.attribution.to_string()), theme.dim(), ATTRIBUTION);
    // A cell at each end.
    let kept = by_priority_kept(parts, width.saturating_sub(2), false, true);
    let (right, left): (Vec<Part>, Vec<Part>) =
        kept.into_iter().partition(|p| p.priority == ATTRIBUTION);
    let mut spans = Vec::new();
    let mut used = 0;
    for (i, part) in left.into_iter().enumerate() {
        let text = if i == 0 {
            format!(" {}", within(&part.text, width.saturating_sub(2)))
        } else {
            spans.push(Span::styled(SEP, theme.dim()));
            used += SEP.width();
            part.text
        };
        used += text.width();
        spans.push(Span::styled(text, part.style));
    }
    if !right.is_empty() {
        let right = right
            .into_iter()
            .map(|p| p.text)
            .collect::<Vec<_>>()
            .join(SEP);
        let gap = width.saturating_sub(used + right.width() + 1);
        spans.push(Span::raw(" ".repeat(gap)));
        spans.push(Span::styled(right, theme.dim()));
    }
    Line::from(spans)
}

/// The text of a screen other than the board: a heading, then lines.
fn message(screen: Screen, view: &BoardView, pane: &KioskPane) -> (String, Vec<String>) {
    use crate::i18n::{t, tf};
    let reason = view
        .error_reason
        .clone()
        .map(|r| format!("({r})"))
        .unwrap_or_default();
    match screen {
        Screen::Problem => (
            t("kiosk_problem").into(),
            vec![
                pane.problem.unwrap_or_default().to_string(),
                String::new(),
                tf("kiosk_fix_reload", &[("hint", pane.reload_hint)]),
            ],
        ),
        Screen::NoFavorites => (
            t("kiosk_no_favorites").into(),
            vec![
                tf("kiosk_favorites_in", &[("path", pane.favorites_path)]),
                t("kiosk_add_some").into(),
                tf("kiosk_then_reload", &[("hint", pane.reload_hint)]),
            ],
        ),
        Screen::KeyRefused => {
            let mut lines = Vec::new();
            if let Some(m) = &view.key_message {
                lines.push(tf("server_says", &[("message", m)]));
                lines.push(String::new());
            }
            lines.push(t("what_to_do").into());
            match view.key {
                Some(key) if !key.setting.is_empty() => {
                    lines.push(tf("kiosk_put_key_setting", &[("setting", t(key.setting))]))
                }
                Some(key) => lines.push(tf("kiosk_put_key_env", &[("env", key.env)])),
                None => lines.push(t("kiosk_put_key").into()),
            }
            lines.push(tf("kiosk_then_reload_item", &[("hint", pane.reload_hint)]));
            for how in view.key.map(|k| k.how_to_get).unwrap_or_default() {
                lines.push(format!(" · {}.", t(how)));
            }
            lines.extend([String::new(), t("kiosk_retry_minute").into()]);
            (t("key_refused_title").into(), lines)
        }
        Screen::Waiting => (
            t("waiting_for_network").into(),
            vec![reason, t("kiosk_retry").into()],
        ),
        Screen::Loading => (t("loading_stops").into(), Vec::new()),
        Screen::Unavailable => (
            t("kiosk_unavailable").into(),
            vec![
                tf("kiosk_last_data", &[("age", &age_text(view))]),
                t("kiosk_too_old").into(),
                reason,
                t("kiosk_retry").into(),
            ],
        ),
        Screen::Board | Screen::Quiet => (String::new(), Vec::new()),
    }
}

/// A heading and its lines, centred in `area`.
fn draw_message(
    canvas: &mut Canvas,
    area: Rect,
    (heading, text): (String, Vec<String>),
    theme: &Theme,
) {
    let width = (area.width as usize).saturating_sub(4).max(1);
    let mut lines = vec![Line::styled(heading, theme.heading()), Line::raw("")];
    for t in text {
        if t.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.extend(wrap(&t, width).into_iter().map(Line::raw));
    }
    let h = (lines.len() as u16).min(area.height);
    let top = area.y + (area.height - h) / 3;
    canvas.widget(
        Paragraph::new(lines)
            .alignment(ratatui::layout::Alignment::Center)
            .wrap(Wrap { trim: true }),
        Rect::new(area.x, top, area.width, h),
    );
}

/// Quiet hours with a clock: small, dim, somewhere else every minute.
fn draw_quiet_clock(canvas: &mut Canvas, area: Rect, view: &BoardView, pane: &KioskPane) {
    let text: String = view.clock.chars().take(5).collect();
    let minute = pane.now_s.div_euclid(60);
    let w = text.width() as i64;
    let x = (minute * 7).rem_euclid((i64::from(area.width) - w).max(1));
    let y = (minute * 3).rem_euclid(i64::from(area.height).max(1));
    let at = Rect::new(area.x + x as u16, area.y + y as u16, w as u16, 1);
    canvas.widget(Paragraph::new(text).style(pane.theme.dim()), at);
}
