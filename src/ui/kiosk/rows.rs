//! The kiosk's rows: large waiting times per line and direction, by page.

use super::*;

/// Draws the page of the moment; returns it and the page count.
pub(super) fn draw_pages(
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
            if p.no_departure || p.rows.is_empty() || one_line(p) {
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
        // The heading's room: a cell on each side of it.
        let room = width.saturating_sub(2);
        let name = if segment.continued {
            let name = crate::i18n::tf("continued", &[("heading", &place.titled())]);
            place.heading_within(name, None, room)
        } else {
            place.heading_within(place.titled(), Some(false), room)
        };
        let stale = view.stale || place.behind.is_some();
        lines.push(BodyLine::Heading(name));
        // With a destination: each line's arrivals there, on one line.
        if let Some(line) =
            arrivals_line(place, theme, stale, width, pane.nb).filter(|_| one_line(place))
        {
            lines.push(BodyLine::Text(line));
            continue;
        }
        if place.no_departure || place.rows.is_empty() {
            lines.push(BodyLine::Text(Line::from(Span::styled(
                format!("   {}", place.no_departure_text()),
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
    // the previous frame's row there; its three lines in large digits
    // once for the three.
    let mut made: Option<(&RowView, [Line; 3])> = None;
    for (line, y) in lines.iter().zip(body.rows()) {
        match *line {
            BodyLine::Text(ref line) => canvas.line(line, y),
            BodyLine::Heading(ref name) => canvas.line_keyed(
                |(n, p): &(String, crate::ui::theme::Palette)| n == name && *p == theme.palette,
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
                    |k: &crate::ui::view::RowKey<RowLook>| k.draws(row, &look),
                    || crate::ui::view::RowKey::new(row, look),
                    y,
                    || {
                        if large {
                            if !made.as_ref().is_some_and(|(r, _)| std::ptr::eq(*r, row)) {
                                made = Some((row, large_row(row, theme, stale, &columns)));
                            }
                            made.as_ref()
                                .and_then(|(_, lines)| lines.get(usize::from(part)))
                                .cloned()
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

#[cfg(test)]
thread_local! {
    /// How many times [`large_row`] laid out a row (tests).
    pub(super) static LARGE_ROWS_MADE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A line of the body: laid out, or a line of a row of departures laid
/// out only when drawn (the row's `part`: 0 for a row one line high, 0 to
/// 2 for a row in large digits).
pub(super) enum BodyLine<'a> {
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
pub(super) struct RowLook {
    stale: bool,
    part: u16,
    large: bool,
    /// The minutes drawn large.
    minutes: Option<i64>,
    palette: crate::ui::theme::Palette,
    glyphs: crate::ui::theme::Glyphs,
    columns: (usize, usize, usize),
}

/// The minutes to show large, for a plain countdown of a minute or more.
pub(super) fn large_minutes(cell: &CellView) -> Option<i64> {
    match (&cell.shown, cell.seconds) {
        (TimeShown::Countdown(_), Some(s)) if (60..crate::model::COUNTDOWN_MAX_S).contains(&s) => {
            Some(s / 60)
        }
        _ => None,
    }
}

/// A row three lines high, its next departure in large digits.
pub(super) fn large_row<'a>(
    row: &'a RowView,
    theme: &Theme,
    stale: bool,
    columns: &Columns,
) -> [Line<'a>; 3] {
    #[cfg(test)]
    LARGE_ROWS_MADE.with(|n| n.set(n.get() + 1));
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
                crate::ui::row::ADDED_MARK
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
            if let TimeShown::NotLocated(_) = first.shown
                && first.arrival.is_none()
            {
                let room = if first.not_accessible {
                    LARGE_W + 3
                } else {
                    LARGE_W + 3 + 1 + 2
                };
                let text =
                    crate::ui::row::approx_in(crate::ui::row::time_text_in(first, room), theme);
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
                    middle.extend(columns.more(row.cells.len(), theme));
                    return [Line::raw(""), Line::from(middle), Line::raw("")];
                }
            }
            middle.push(Span::styled(
                format!(
                    "{:>w$} ",
                    crate::ui::row::time_text_in(first, LARGE_W - 1),
                    w = LARGE_W - 1
                ),
                style,
            ));
            (Line::raw(""), Line::raw(""))
        }
    };
    if matches!(first.shown, TimeShown::Theoretical(_)) && first.arrival.is_none() {
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
    middle.extend(columns.more(row.cells.len(), theme));
    [top, Line::from(middle), bottom]
}
