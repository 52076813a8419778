//! The kiosk's header: the network, the date, the large clock and the data's age.

use super::*;

/// "14:32:05, il y a 3 min"
pub(super) fn age_text(view: &BoardView) -> String {
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

pub(super) fn draw_header(
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
pub(super) struct HeaderKey {
    title: String,
    date: String,
    indicator: String,
    clock: String,
    scale: usize,
    palette: crate::ui::theme::Palette,
    row: usize,
}

/// `span` cut to `width` columns.
pub(super) fn fit_span(span: Span<'_>, width: usize) -> Span<'_> {
    if span.width() <= width {
        span
    } else {
        Span::styled(fit(&span.content, width), span.style)
    }
}
