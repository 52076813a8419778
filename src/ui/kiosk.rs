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
use super::theme::Theme;
use super::view::{BoardView, CellView, RowView, status_text};
use crate::config::QuietScreen;
use crate::model::TimeShown;

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

/// The place of the content: one cell in from the screen's edge on two
/// sides, the sides changing every [`BURN_IN_EVERY_S`].
pub fn burn_in(area: Rect, now_s: i64) -> Rect {
    let step = now_s.div_euclid(BURN_IN_EVERY_S).rem_euclid(4);
    let (dx, dy) = [(0, 0), (1, 0), (1, 1), (0, 1)][step as usize];
    Rect::new(
        area.x + dx,
        area.y + dy,
        area.width.saturating_sub(1),
        area.height.saturating_sub(1),
    )
}

/// Part of a place on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub place: usize,
    pub rows: Range<usize>,
    /// The place began on an earlier page.
    pub continued: bool,
}

/// Splits places (a heading line, then rows of the given heights) into
/// pages of `height` lines. A place moves whole to the next page when it
/// fits there; a place taller than a page is split, its heading repeated.
pub fn paginate(places: &[Vec<u16>], height: u16) -> Vec<Vec<Segment>> {
    let height = height.max(2);
    let mut pages: Vec<Vec<Segment>> = Vec::new();
    let mut page: Vec<Segment> = Vec::new();
    let mut used: u16 = 0;
    for (p, rows) in places.iter().enumerate() {
        let whole = 1 + rows.iter().sum::<u16>();
        // A place that does not fit moves whole to the next page, unless
        // that leaves this page less than half full: then it is split.
        if used > 0 && used + whole > height && whole <= height && used * 2 >= height {
            pages.push(std::mem::take(&mut page));
            used = 0;
        }
        let mut start = 0;
        loop {
            let first = rows.get(start).copied().unwrap_or(0);
            if used > 0 && used + 1 + first > height {
                pages.push(std::mem::take(&mut page));
                used = 0;
            }
            used += 1;
            let mut end = start;
            while end < rows.len() && (end == start || used + rows[end] <= height) {
                used += rows[end];
                end += 1;
            }
            page.push(Segment {
                place: p,
                rows: start..end,
                continued: start > 0,
            });
            start = end;
            if start >= rows.len() {
                break;
            }
        }
    }
    if !page.is_empty() || pages.is_empty() {
        pages.push(page);
    }
    pages
}

/// The page shown `elapsed_s` seconds after the pages started turning.
pub fn page_at(elapsed_s: i64, page_seconds: u64, pages: usize) -> usize {
    let seconds = i64::try_from(page_seconds.max(1)).unwrap_or(i64::MAX);
    (elapsed_s
        .div_euclid(seconds)
        .rem_euclid(pages.max(1) as i64)) as usize
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

    // The data's age, where there is data to speak of.
    let status = match screen {
        Screen::Problem | Screen::NoFavorites => String::new(),
        _ => status_text(view),
    };
    let attribution_w = width.saturating_sub(status.width() + 4);
    let attribution = fit(pane.attribution, attribution_w);
    let gap = width.saturating_sub(status.width() + 2 + attribution.width());
    let line = Line::from(vec![
        Span::styled(
            format!(" {status}"),
            if view.stale {
                theme.stale()
            } else {
                theme.dim()
            },
        ),
        Span::raw(" ".repeat(gap)),
        Span::styled(attribution, theme.dim()),
    ]);
    canvas.line(&line, footer);
}

/// "14:32:05, il y a 3 min"
fn age_text(view: &BoardView) -> String {
    let clock = view.fetched_clock.clone().unwrap_or_default();
    match view.age_seconds {
        Some(s) if s >= 60 => crate::i18n::tf(
            "kiosk_age_min",
            &[("clock", &clock), ("n", &(s / 60).to_string())],
        ),
        Some(s) => crate::i18n::tf("kiosk_age_s", &[("clock", &clock), ("n", &s.to_string())]),
        None => crate::i18n::t("kiosk_age_none").into(),
    }
}

fn draw_header(
    canvas: &mut Canvas,
    area: Rect,
    view: &BoardView,
    pane: &KioskPane,
    big_scale: Option<usize>,
    (page, pages): (usize, usize),
) {
    let theme = &pane.theme;
    let width = area.width as usize;
    let indicator = if pages > 1 {
        let dots: Vec<&str> = (0..pages)
            .map(|i| if i == page { "●" } else { "○" })
            .collect();
        format!(
            "{}  {}",
            dots.join(" "),
            crate::i18n::tf(
                "page_of",
                &[("n", &(page + 1).to_string()), ("of", &pages.to_string())],
            )
        )
    } else {
        String::new()
    };
    let Some(scale) = big_scale else {
        let right = format!("{}  {} ", indicator, view.clock);
        let left_w = width.saturating_sub(right.width() + 1);
        let line = Line::from(vec![
            Span::styled(format!(" {}", pad(pane.title, left_w)), theme.heading()),
            Span::raw(right),
        ]);
        canvas.line(&line, area);
        return;
    };
    let hours_minutes: String = view.clock.chars().take(5).collect();
    // The rows change with the minute and the page: laid out only then.
    let key = |row| HeaderKey {
        title: pane.title.to_string(),
        date: pane.date.to_string(),
        indicator: indicator.clone(),
        clock: hours_minutes.clone(),
        scale,
        palette: theme.palette,
        row,
    };
    let same = |k: &HeaderKey, row| {
        k.row == row
            && k.scale == scale
            && k.palette == theme.palette
            && k.title == pane.title
            && k.date == pane.date
            && k.indicator == indicator
            && k.clock == hours_minutes
    };
    let build = || {
        let big = digits::render(&hours_minutes, scale);
        let big_w = big.first().map_or(0, |l| l.width());
        let left_w = width.saturating_sub(big_w + 3);
        let mut left = vec![
            Span::styled(format!(" {}", fit(pane.title, left_w)), theme.heading()),
            Span::raw(format!(" {}", fit(pane.date, left_w))),
        ];
        if !indicator.is_empty() {
            left.push(Span::styled(format!(" {indicator}"), theme.dim()));
        }
        // Each row one line: its left part, blanks up to the clock, the
        // clock.
        let [_, clock_area] =
            Layout::horizontal([Constraint::Min(1), Constraint::Length(big_w as u16 + 1)])
                .areas(area);
        let clock_x = usize::from(clock_area.x - area.x);
        let mut left = left.into_iter();
        big.into_iter()
            .map(|row| {
                let mut spans = Vec::with_capacity(3);
                let mut left_w = 0;
                if let Some(span) = left.next() {
                    let span = fit_span(span, clock_x);
                    left_w = span.width();
                    spans.push(span);
                }
                spans.push(Span::raw(" ".repeat(clock_x.saturating_sub(left_w))));
                spans.push(Span::styled(row, theme.heading()));
                Line::from(spans)
            })
            .collect::<Vec<Line>>()
    };
    let mut lines: Option<Vec<Line>> = None;
    for (row, y) in area.rows().enumerate() {
        canvas.line_keyed(
            |k: &HeaderKey| same(k, row),
            || key(row),
            y,
            || {
                lines
                    .get_or_insert_with(build)
                    .get(row)
                    .cloned()
                    .unwrap_or_default()
            },
        );
    }
}

/// What a row of the large header shows (the memo's key).
struct HeaderKey {
    title: String,
    date: String,
    indicator: String,
    clock: String,
    scale: usize,
    palette: super::theme::Palette,
    row: usize,
}

/// `span` cut to `width` columns.
fn fit_span(span: Span<'_>, width: usize) -> Span<'_> {
    if span.width() <= width {
        span
    } else {
        Span::styled(fit(&span.content, width), span.style)
    }
}

/// Draws the page of the moment; returns it and the page count.
fn draw_pages(
    canvas: &mut Canvas,
    body: Rect,
    view: &BoardView,
    pane: &KioskPane,
) -> (usize, usize) {
    let theme = &pane.theme;
    let width = body.width as usize;
    let large = match pane.large {
        LargeDigits::Always => true,
        LargeDigits::Never => false,
        LargeDigits::Auto => body.width >= 100 && body.height >= 30,
    };
    let row_h: u16 = if large { 3 } else { 1 };
    let heights: Vec<Vec<u16>> = view
        .places
        .iter()
        .map(|p| {
            if p.no_departure || p.rows.is_empty() {
                vec![1]
            } else {
                vec![row_h; p.rows.len()]
            }
        })
        .collect();
    let pages = paginate(&heights, body.height);
    let page = page_at(
        pane.now_s - pane.pages_since_s,
        pane.page_seconds,
        pages.len(),
    );
    let mut columns = if large {
        Columns::of(view, width, pane.nb, LARGE_CELL_W)
    } else {
        Columns::of(view, width, pane.nb, CELL_W)
    };
    // Times stay near their destination on a wide screen.
    columns.destination_w = columns.destination_w.min(MAX_DESTINATION_W);
    let mut lines: Vec<BodyLine> = Vec::new();
    for segment in pages.get(page).into_iter().flatten() {
        let Some(place) = view.places.get(segment.place) else {
            continue;
        };
        let name = if segment.continued {
            crate::i18n::tf("continued", &[("heading", &place.heading())])
        } else {
            place.heading()
        };
        let stale = view.stale || place.behind.is_some();
        lines.push(BodyLine::Heading(name));
        if place.no_departure || place.rows.is_empty() {
            lines.push(BodyLine::Text(Line::from(Span::styled(
                format!("   {}", crate::i18n::t("no_departure")),
                theme.not_located(),
            ))));
            continue;
        }
        for row in place.rows.get(segment.rows.clone()).into_iter().flatten() {
            for part in 0..row_h {
                lines.push(BodyLine::Row { row, stale, part });
            }
        }
    }
    // A row of departures is laid out only when it looks different from
    // the previous frame's row there.
    for (line, y) in lines.iter().zip(body.rows()) {
        match *line {
            BodyLine::Text(ref line) => canvas.line(line, y),
            BodyLine::Heading(ref name) => canvas.line_keyed(
                |(n, p): &(String, super::theme::Palette)| n == name && *p == theme.palette,
                || (name.clone(), theme.palette),
                y,
                || place_heading(name, width, theme),
            ),
            BodyLine::Row { row, stale, part } => {
                let look = RowLook {
                    stale,
                    part,
                    large,
                    minutes: row.cells.first().and_then(large_minutes).filter(|_| large),
                    palette: theme.palette,
                    glyphs: theme.glyphs,
                    columns: (columns.badge_w, columns.cells, columns.destination_w),
                };
                canvas.line_keyed(
                    |(r, l): &(RowView, RowLook)| *l == look && super::view::drawn_alike(r, row),
                    || (row.clone(), look),
                    y,
                    || {
                        if large {
                            let [top, middle, bottom] = large_row(row, theme, stale, &columns);
                            [top, middle, bottom]
                                .into_iter()
                                .nth(usize::from(part))
                                .unwrap_or_default()
                        } else {
                            row_line(row, theme, stale, &columns, false)
                        }
                    },
                );
            }
        }
    }
    (page, pages.len())
}

/// A line of the body: laid out, or a line of a row of departures laid
/// out only when drawn (the row's `part`: 0 for a row one line high, 0 to
/// 2 for a row in large digits).
enum BodyLine<'a> {
    Text(Line<'a>),
    /// A place's heading (its rule as wide as the body).
    Heading(String),
    Row {
        row: &'a RowView,
        stale: bool,
        part: u16,
    },
}

/// What a line of a row depends on besides the row (part of the memo's
/// key).
#[derive(Debug, Clone, Copy, PartialEq)]
struct RowLook {
    stale: bool,
    part: u16,
    large: bool,
    /// The minutes drawn large.
    minutes: Option<i64>,
    palette: super::theme::Palette,
    glyphs: super::theme::Glyphs,
    columns: (usize, usize, usize),
}

/// The minutes to show large, for a plain countdown of a minute or more.
fn large_minutes(cell: &CellView) -> Option<i64> {
    match (&cell.shown, cell.seconds) {
        (TimeShown::Countdown(_), Some(s)) if (60..crate::model::COUNTDOWN_MAX_S).contains(&s) => {
            Some(s / 60)
        }
        _ => None,
    }
}

/// A row three lines high, its next departure in large digits.
fn large_row<'a>(row: &'a RowView, theme: &Theme, stale: bool, columns: &Columns) -> [Line<'a>; 3] {
    let indent = " ".repeat(2 + columns.badge_w + 1 + columns.destination_w);
    let mut middle = row_start(row, theme, columns, false);
    let Some(first) = row.cells.first() else {
        let dash = format!("{:>w$} ", "—", w = LARGE_W - 1);
        middle.push(Span::styled(pad(&dash, LARGE_CELL_W), theme.dim()));
        return [Line::raw(""), Line::from(middle), Line::raw("")];
    };
    let time_style = if stale {
        theme.dim().add_modifier(Modifier::ITALIC)
    } else if first.reachable == Some(false) {
        // Too late to catch on foot.
        theme.dim()
    } else {
        theme.heading()
    };
    let (top, bottom) = match large_minutes(first) {
        Some(minutes) => {
            let big = digits::render(&minutes.to_string(), 1);
            let right = |l: &str| format!("{:>11}", l);
            middle.push(Span::styled(right(&big[1]), time_style));
            let added = if first.status == crate::domain::Status::Added {
                super::row::ADDED_MARK
            } else {
                " "
            };
            middle.push(Span::styled(format!(" min{added}"), time_style));
            (
                Line::from(vec![
                    Span::raw(indent.clone()),
                    Span::styled(right(&big[0]), time_style),
                ]),
                Line::from(vec![
                    Span::raw(indent),
                    Span::styled(right(&big[2]), time_style),
                ]),
            )
        }
        None => {
            // As the board writes it: its platform and delay, and a
            // timetable time as such.
            let style = match first.shown {
                TimeShown::NotLocated(_) => theme.not_located(),
                TimeShown::Notice(_) | TimeShown::Cancelled => theme.notice(),
                TimeShown::Theoretical(_) => theme.dim().add_modifier(Modifier::ITALIC),
                _ => time_style,
            };
            // A time not located and its theoretical time take the
            // gauge's place, as on the board (`row::cell_spans`).
            if let TimeShown::NotLocated(_) = first.shown {
                let room = if first.not_accessible {
                    LARGE_W + 3
                } else {
                    LARGE_W + 3 + 1 + 2
                };
                let text = super::row::approx_in(super::row::time_text_in(first, room), theme);
                if text.width() > LARGE_W - 1 {
                    middle.push(Span::styled(
                        format!("{:>w$}", fit(&text, room), w = room),
                        style,
                    ));
                    if first.not_accessible {
                        let [_, space, mark, gap] = gauge_and_mark(first, theme, stale);
                        middle.extend([space, mark, gap]);
                    } else {
                        middle.push(Span::raw("  "));
                    }
                    for cell in row
                        .cells
                        .iter()
                        .skip(1)
                        .take(columns.cells.saturating_sub(1))
                    {
                        middle.extend(cell_spans(cell, theme, stale));
                    }
                    return [Line::raw(""), Line::from(middle), Line::raw("")];
                }
            }
            middle.push(Span::styled(
                format!(
                    "{:>w$} ",
                    fit(&super::row::time_text(first), LARGE_W - 1),
                    w = LARGE_W - 1
                ),
                style,
            ));
            (Line::raw(""), Line::raw(""))
        }
    };
    if matches!(first.shown, TimeShown::Theoretical(_)) {
        middle.push(Span::styled(
            pad(crate::i18n::t("theoretical_short"), 6),
            theme.dim(),
        ));
        middle.push(Span::raw("  "));
    } else {
        middle.extend(gauge_and_mark(first, theme, stale));
    }
    for cell in row
        .cells
        .iter()
        .skip(1)
        .take(columns.cells.saturating_sub(1))
    {
        middle.extend(cell_spans(cell, theme, stale));
    }
    [top, Line::from(middle), bottom]
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

#[cfg(test)]
mod tests {
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
                        code < 0x180
                            || (0x2500..=0x259f).contains(&code)
                            || "■□●○×‼…—«»▲♦".contains(c),
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
}
