//! One row of a board (badge, destination, time cells with their gauges
//! and marks), shared by the board pane and the kiosk.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::text::{fit, pad};
use super::theme::Theme;
use super::view::{BoardView, CellView, RowView};
use crate::model::{Gauge, TimeShown};

/// What marks an added trip's time, a trip the timetable does not have
/// ("3 min*"; `--once` writes "[ajouté]", the legend explains both).
pub(crate) const ADDED_MARK: &str = "*";

/// Width of a time text ("Perturbations", "Non localisé").
pub(crate) const TIME_W: usize = 13;

/// A cell: time, space, gauge (3), space, accessibility mark (2), gap (2).
pub(crate) const CELL_W: usize = TIME_W + 1 + 3 + 1 + 2 + 2;

/// The widths of a row's parts.
pub(crate) struct Columns {
    pub badge_w: usize,
    /// How many time cells are shown.
    pub cells: usize,
    pub destination_w: usize,
}

impl Columns {
    /// As many time cells (at most `nb`) as fit beside a destination of 16
    /// cells; the first cell is `first_cell_w` wide.
    pub fn of(view: &BoardView, width: usize, nb: usize, first_cell_w: usize) -> Columns {
        let badge_w = view
            .places
            .iter()
            .flat_map(|p| p.rows.iter().map(|r| r.line.number.width() + 2))
            .max()
            .unwrap_or(4)
            .clamp(4, 8);
        let room = width.saturating_sub(2 + badge_w + 1 + 16 + first_cell_w);
        let cells = (1 + room / CELL_W).clamp(1, nb.max(1));
        let destination_w =
            width.saturating_sub(2 + badge_w + 1 + first_cell_w + (cells - 1) * CELL_W);
        Columns {
            badge_w,
            cells,
            destination_w,
        }
    }
}

/// " Crous Université ─────────"
pub(crate) fn place_heading<'a>(name: &str, width: usize, theme: &Theme) -> Line<'a> {
    let rule = "─".repeat(width.saturating_sub(name.width() + 3));
    Line::from(vec![
        Span::styled(format!(" {name} "), theme.heading()),
        Span::styled(rule, theme.dim()),
    ])
}

/// A row's badge and destination (`selected`: highlighted).
pub(crate) fn row_start<'a>(
    row: &RowView,
    theme: &Theme,
    columns: &Columns,
    selected: bool,
) -> Vec<Span<'a>> {
    let mut destination = row.destination.clone();
    if !row.via.is_empty() {
        destination = format!("{destination} · {}", row.via);
    }
    let badge = format!(
        "{:^w$}",
        fit(&row.line.number, columns.badge_w.saturating_sub(2)),
        w = columns.badge_w
    );
    let mark = row
        .line_state
        .and_then(|s| {
            theme
                .glyphs
                .state(s)
                .map(|g| Span::styled(format!(" {g}"), theme.line_state(s)))
        })
        .unwrap_or_else(|| Span::raw("  "));
    let style = if selected {
        theme.selected()
    } else {
        Style::new()
    };
    let mut spans = vec![
        mark,
        Span::styled(badge, theme.badge(row.line.background, row.line.foreground)),
        Span::raw(" "),
    ];
    // When to leave goes at the end of the destination, which gives way.
    match &row.leave {
        Some(leave) if leave.width() + 12 <= columns.destination_w => {
            let room = columns.destination_w - leave.width() - 1;
            spans.push(Span::styled(pad(&destination, room), style));
            spans.push(Span::styled(format!(" {leave}"), theme.notice()));
        }
        _ => spans.push(Span::styled(
            pad(&destination, columns.destination_w),
            style,
        )),
    }
    spans
}

pub(crate) fn row_line<'a>(
    row: &'a RowView,
    theme: &Theme,
    stale: bool,
    columns: &Columns,
    selected: bool,
) -> Line<'a> {
    let mut spans = row_start(row, theme, columns, selected);
    if row.cells.is_empty() {
        // In the time column, like a time.
        spans.push(Span::styled(
            pad(&format!("{:>w$}", "—", w = TIME_W), CELL_W),
            theme.dim(),
        ));
    }
    for cell in row.cells.iter().take(columns.cells) {
        spans.extend(cell_spans(cell, theme, stale));
    }
    Line::from(spans)
}

pub(crate) fn cell_spans<'a>(cell: &CellView, theme: &Theme, stale: bool) -> Vec<Span<'a>> {
    let mut time_style = match cell.shown {
        TimeShown::Countdown(_) | TimeShown::AsSent(_) => theme.heading(),
        TimeShown::Theoretical(_) => theme.dim().add_modifier(Modifier::ITALIC),
        TimeShown::NotLocated(_) => theme.not_located(),
        TimeShown::Notice(_) | TimeShown::Cancelled => theme.notice(),
    };
    if stale {
        time_style = theme.dim().add_modifier(Modifier::ITALIC);
    } else if cell.reachable == Some(false) {
        // Too late to catch on foot.
        time_style = theme.dim();
    }
    // A time not located and its theoretical time take the gauge's place
    // (its crowding is a forecast too), and the accessibility mark's when
    // it is not needed; the text is cut first ([`TimeShown::fitted`]).
    if let TimeShown::NotLocated(_) = cell.shown {
        let room = if cell.not_accessible {
            TIME_W + 1 + 3
        } else {
            TIME_W + 1 + 3 + 1 + 2
        };
        let text = approx_in(time_text_in(cell, room), theme);
        if text.width() > TIME_W {
            let mut spans = vec![Span::styled(
                format!("{:>w$}", fit(&text, room), w = room),
                time_style,
            )];
            if cell.not_accessible {
                let [_, space, mark, gap] = gauge_and_mark(cell, theme, stale);
                spans.extend([space, mark, gap]);
            } else {
                spans.push(Span::raw("  "));
            }
            return spans;
        }
    }
    let mut spans = vec![Span::styled(
        format!("{:>w$}", fit(&time_text(cell), TIME_W), w = TIME_W),
        time_style,
    )];
    spans.push(Span::raw(" "));
    if matches!(cell.shown, TimeShown::Theoretical(_)) {
        // A timetable time has no crowding: its mark takes the gauge's place.
        spans.push(Span::styled(
            pad(crate::i18n::t("theoretical_short"), 6),
            theme.dim(),
        ));
        spans.push(Span::raw("  "));
    } else {
        spans.extend(gauge_and_mark(cell, theme, stale));
    }
    spans
}

/// The time as the cell writes it: the platform and a delay when the
/// network gives them ("3 min +2", "3 min vB").
pub(crate) fn time_text(cell: &CellView) -> std::borrow::Cow<'_, str> {
    time_text_in(cell, TIME_W)
}

/// `text` with the theme's "≈" (the Linux console's fonts lack it).
pub(crate) fn approx_in<'a>(
    text: std::borrow::Cow<'a, str>,
    theme: &Theme,
) -> std::borrow::Cow<'a, str> {
    if theme.glyphs.approx != '≈' && text.contains('≈') {
        text.replace('≈', &theme.glyphs.approx.to_string()).into()
    } else {
        text
    }
}

/// [`time_text`] in `width` cells: a time not located is fitted
/// ([`TimeShown::fitted`]) with its platform's room kept.
pub(crate) fn time_text_in(cell: &CellView, width: usize) -> std::borrow::Cow<'_, str> {
    let delay = cell
        .delay_minutes
        .filter(|_| matches!(cell.shown, TimeShown::Countdown(_)));
    let added = if cell.status == crate::domain::Status::Added {
        ADDED_MARK
    } else {
        ""
    };
    let platform = cell.platform.as_ref().map(|p| format!(" v{p}"));
    let text = cell.shown.fitted(
        width.saturating_sub(platform.as_deref().map_or(0, str::width) + added.width()),
    );
    match (delay, platform) {
        (None, None) if added.is_empty() => text,
        (None, None) => format!("{text}{added}").into(),
        (Some(d), None) => format!("{text}{added} +{d}").into(),
        (None, Some(p)) => format!("{text}{added}{p}").into(),
        (Some(d), Some(p)) => format!("{text}{added} +{d}{p}").into(),
    }
}

/// A cell's crowding gauge (3), a space, its accessibility mark (2) and a
/// gap (2).
pub(crate) fn gauge_and_mark<'a>(cell: &CellView, theme: &Theme, stale: bool) -> [Span<'a>; 4] {
    let gauge = match cell.gauge {
        Gauge::Bar(filled, level) => Span::styled(
            theme.glyphs.gauge(filled),
            if stale {
                theme.dim()
            } else {
                theme.crowd(level)
            },
        ),
        Gauge::Unknown => Span::styled("?  ", theme.dim()),
        Gauge::Hidden => Span::raw("   "),
    };
    let mark = if cell.not_accessible {
        Span::styled(
            pad(theme.glyphs.no_access, 2),
            theme
                .crowd(crate::domain::CrowdLevel::High)
                .add_modifier(Modifier::CROSSED_OUT),
        )
    } else {
        Span::raw("  ")
    };
    [gauge, Span::raw(" "), mark, Span::raw("  ")]
}
