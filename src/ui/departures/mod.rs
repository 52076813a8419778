//! The board pane.
//!
//! ```text
//!  quai · Ginko                                              14:32:05
//!  ⚠ T2 : circulation interrompue entre Micropolis et Pôle Viotte …   (banner)
//!  Crous Université ───────────────────────────────────────────────
//!   L3  Pôle Temis · par Gare Viotte        2 min ▮▯▯   9 min ▮▮▯
//!   L3  Hauts du Chazal                     Non localisé  17h05
//!  mis à jour il y a 4 s · r rafraîchir · q quitter · ? aide
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::memo::LineMemo;
use super::paint::Canvas;
pub(crate) use super::row::{
    CELL_W, Columns, cell_spans, gauge_and_mark, place_heading, row_line, row_start,
};
use super::screens::{draw_help, key_refused, too_small};
pub(crate) use super::text::pad;
pub use super::text::{fit, wrap};
use super::theme::Theme;
use super::view::{BoardView, HeadingParts, RowKey};

mod body;
mod scroll;
mod status;

use body::{BodyLine, HeadingLook, RowLook, body_lines, heading_key, heading_line, heading_look};
use scroll::scroll;
use status::status_line;

/// Below this the board cannot be drawn legibly.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 8;

/// What the pane needs besides the view.
pub struct PaneState<'a> {
    pub title: &'a str,
    pub selected: Option<usize>,
    pub help: bool,
    pub theme: Theme,
    /// How many departures per row to show at most.
    pub nb: usize,
    /// Where the data comes from (ODbL asks to say it).
    pub attribution: &'a str,
    /// A short message for the status line ("Ajouté aux favoris…").
    pub notice: Option<&'a str>,
    /// A lasting warning under the header (a corrupt favourites file).
    pub warning: Option<&'a str>,
    /// The network's services: the help lists only the keys that work.
    pub capabilities: crate::network::Capabilities,
    /// The board `⌫` goes back to, when another is shown ("favoris").
    pub back_to: Option<&'a str>,
}

/// Draws the pane's frame from scratch.
pub fn draw(frame: &mut Frame, view: &BoardView, state: &PaneState) {
    draw_on(
        &mut Canvas::new(frame, &mut LineMemo::default()),
        view,
        state,
    );
}

/// Draws the pane's frame on `canvas`: every line through its memo, so
/// that a line drawn alike in the previous frame (the banner, most rows)
/// is neither laid out nor written again. The result is [`draw`]'s.
pub fn draw_on(canvas: &mut Canvas, view: &BoardView, state: &PaneState) {
    let area = canvas.area();
    if view.key_refused {
        let (widget, box_area) = key_refused(area, view, state);
        canvas.widget(widget, box_area);
        return;
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        canvas.widget(too_small(area), area);
        return;
    }
    let body = draw_frame(canvas, view, state);
    draw_body(canvas, view, state, body);
    if state.help {
        canvas.frame(|frame| draw_help(frame, area, state));
    }
}

/// A one-line rectangle at `y` across `area`.
fn row_at(area: Rect, y: u16) -> Rect {
    Rect {
        y,
        height: 1,
        ..area
    }
}

/// Draws what is around the body (header, banner, warning, status line)
/// and gives the body's area.
fn draw_frame(canvas: &mut Canvas, view: &BoardView, state: &PaneState) -> Rect {
    let area = canvas.area();
    let width = area.width as usize;
    let wrapped = |text: Option<String>| -> Vec<String> {
        text.map(|t| {
            wrap(
                &format!("{} {t}", state.theme.glyphs.warning),
                width.saturating_sub(2),
            )
        })
        .unwrap_or_default()
    };
    let banner = wrapped(view.alert.as_ref().map(|a| a.text()));
    // The banner never scrolls out; it may take at most half the screen.
    let banner_h = (banner.len() as u16).min(area.height / 2);
    let warning = wrapped(state.warning.map(str::to_string));
    let warning_h = (warning.len() as u16).min(area.height / 4);
    let [header, banner_area, warning_area, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_h),
        Constraint::Length(warning_h),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    for (y, l) in (warning_area.y..warning_area.bottom()).zip(&warning) {
        let line = Line::from(format!(" {l}")).style(state.theme.stale());
        canvas.line(&line, row_at(area, y));
    }

    let clock = &view.clock;
    let title_w = width.saturating_sub(clock.width() + 2);
    let line = Line::from(vec![
        Span::styled(
            format!(" {}", pad(state.title, title_w)),
            state.theme.heading(),
        ),
        Span::raw(format!("{clock} ")),
    ]);
    canvas.line(&line, row_at(area, header.y));

    for (y, l) in (banner_area.y..banner_area.bottom()).zip(&banner) {
        let line =
            Line::from(format!(" {}", pad(l, width.saturating_sub(1)))).style(state.theme.alert());
        canvas.line(&line, row_at(area, y));
    }

    let status_style = if view.stale {
        state.theme.stale()
    } else {
        state.theme.dim()
    };
    let line = status_line(view, state, status_style, width);
    canvas.line(&line, row_at(area, status.y));
    body
}

/// Draws the lines of the body that fit in `body`, the selected row
/// among them, and the mark of the places above and below.
fn draw_body(canvas: &mut Canvas, view: &BoardView, state: &PaneState, body: Rect) {
    let width = body.width as usize;
    let (lines, selected_line, columns, headings) = body_lines(view, state, width);
    let (offset, height, mark) = scroll(lines.len(), selected_line, &headings, body.height);
    if let Some(mark) = mark {
        let line = Line::styled(format!(" {mark}"), state.theme.dim());
        canvas.line(&line, row_at(body, body.y + height as u16));
    }
    let mut shown = lines.into_iter().skip(offset).take(height);
    let theme = &state.theme;
    let line_of = |row, selected, stale| row_line(row, theme, stale, &columns, selected);
    for y in body.y..body.bottom() {
        let row = row_at(body, y);
        match shown.next() {
            Some(BodyLine::Text(line)) => canvas.line(&line, row),
            Some(BodyLine::Heading(place)) => {
                let look = heading_look(width, theme);
                canvas.line_keyed(
                    |(parts, l): &(HeadingParts, HeadingLook)| {
                        *l == look && place.heading_is(parts)
                    },
                    || heading_key(place, width, theme),
                    row,
                    || heading_line(place, width, theme),
                );
            }
            Some(BodyLine::Row {
                row: r,
                selected,
                stale,
            }) => {
                let look = RowLook {
                    selected,
                    stale,
                    badge_w: columns.badge_w,
                    cells: columns.cells,
                    destination_w: columns.destination_w,
                    more_w: columns.more_w,
                };
                canvas.line_keyed(
                    |k: &RowKey<RowLook>| k.draws(r, &look),
                    || RowKey::new(r, look),
                    row,
                    || line_of(r, selected, stale),
                );
            }
            // Left blank.
            None => {}
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
