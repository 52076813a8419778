//! The board's body: the places, their headings and rows, laid out as
//! lines before the ones that fit are drawn.

use ratatui::style::Style;
use ratatui::text::Line;

use super::PaneState;
use crate::ui::row::{CELL_W, Columns, place_heading};
use crate::ui::text::wrap;
use crate::ui::theme::Theme;
use crate::ui::view::{BoardView, HeadingParts, PlaceView, RowView};

/// A line of the body: laid out, or a row of departures laid out only
/// when drawn (and, through the memo, only when it looks different).
pub(super) enum BodyLine<'a> {
    Text(Line<'a>),
    /// A place's heading, made only when drawn and it looks different
    /// from the previous frame's (most frames: it does not).
    Heading(&'a PlaceView),
    Row {
        row: &'a RowView,
        selected: bool,
        stale: bool,
    },
}

/// What a row's line depends on besides the row (part of the memo's key).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct RowLook {
    pub selected: bool,
    pub stale: bool,
    pub badge_w: usize,
    pub cells: usize,
    pub destination_w: usize,
    pub more_w: usize,
}

/// The body's lines, the index of the selected row's line, the columns
/// of the rows, and the index of each place's heading.
pub(super) fn body_lines<'a>(
    view: &'a BoardView,
    state: &PaneState,
    width: usize,
) -> (Vec<BodyLine<'a>>, Option<usize>, Columns, Vec<usize>) {
    let mut lines = Vec::new();
    let mut headings = Vec::new();
    let mut selected_line = None;
    let mut row_index = 0;
    // Wrapped: why a place could not be looked up must be read whole.
    for name in &view.unknown_places {
        for (i, part) in wrap(&view.not_shown(name), width.saturating_sub(3))
            .into_iter()
            .enumerate()
        {
            let indent = if i == 0 { " " } else { "   " };
            lines.push(BodyLine::Text(Line::styled(
                format!("{indent}{part}"),
                state.theme.notice(),
            )));
        }
    }
    if view.places.is_empty() && view.unknown_places.is_empty() {
        let text = if view.error.is_some() {
            crate::i18n::t("waiting_for_network")
        } else if view.resolved {
            crate::i18n::t("no_stop_shown")
        } else {
            crate::i18n::t("loading_stops")
        };
        lines.push(BodyLine::Text(Line::styled(
            format!(" {text}"),
            state.theme.dim(),
        )));
        // Why there is nothing: the reason the app received, whole.
        if let Some(error) = &view.error {
            for part in wrap(error, width.saturating_sub(3)) {
                lines.push(BodyLine::Text(Line::styled(
                    format!("   {part}"),
                    state.theme.notice(),
                )));
            }
        }
    }
    let columns = Columns::of(view, width, state.nb, CELL_W);
    for place in &view.places {
        // Messages not in the banner, said after the name (kept on a
        // narrow screen): `i` reads them.
        // The heading's room: a cell on each side of it.
        headings.push(lines.len());
        lines.push(BodyLine::Heading(place));
        if place.no_departure {
            let mut style = state.theme.not_located();
            // With a destination the line can be selected (to clear it).
            if place.selectable() > 0 {
                if state.selected == Some(row_index) {
                    selected_line = Some(lines.len());
                    style = style.patch(state.theme.selected());
                }
                row_index += 1;
            }
            lines.push(BodyLine::Text(Line::styled(
                format!("   {}", place.no_departure_text()),
                style,
            )));
            continue;
        }
        for row in &place.rows {
            let selected = state.selected == Some(row_index);
            if selected {
                selected_line = Some(lines.len());
            }
            lines.push(BodyLine::Row {
                row,
                selected,
                stale: view.stale || place.behind.is_some(),
            });
            row_index += 1;
        }
    }
    (lines, selected_line, columns, headings)
}

/// What a heading's line depends on besides its parts (the rest of the
/// memo's key).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct HeadingLook {
    width: usize,
    heading: Style,
    rule: Style,
}

/// A place's heading across `width` cells: its name and notes by priority
/// (a cell of room on each side), then a rule.
pub(super) fn heading_line<'a>(place: &PlaceView, width: usize, theme: &Theme) -> Line<'a> {
    let heading = place.heading_within(place.titled(), Some(true), width.saturating_sub(2));
    place_heading(&heading, width, theme)
}

/// The memo's key of a heading drawn by [`heading_line`]: the line is made
/// again only when one of these changes.
pub(super) fn heading_key(
    place: &PlaceView,
    width: usize,
    theme: &Theme,
) -> (HeadingParts, HeadingLook) {
    (place.heading_parts(), heading_look(width, theme))
}

pub(super) fn heading_look(width: usize, theme: &Theme) -> HeadingLook {
    HeadingLook {
        width,
        heading: theme.heading(),
        rule: theme.dim(),
    }
}
