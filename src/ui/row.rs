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
    /// The room left after the cells for how many departures did not fit
    /// ("+3"), when fewer cells fit than were asked for.
    pub more_w: usize,
}

/// The room of the count of departures that did not fit ("+3 ").
const MORE_W: usize = 3;

impl Columns {
    /// As many time cells (at most `nb`) as fit beside a destination of 16
    /// cells; the first cell is `first_cell_w` wide. When fewer than `nb`
    /// fit, room is kept after them for the count of the others.
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
        // The count's room is the destination's (left at 13 cells or more).
        let more_w = if cells < nb { MORE_W } else { 0 };
        let destination_w =
            width.saturating_sub(2 + badge_w + 1 + first_cell_w + (cells - 1) * CELL_W + more_w);
        Columns {
            badge_w,
            cells,
            destination_w,
            more_w,
        }
    }

    /// "+3": how many of the row's `departures` are not shown (blank when
    /// all are), in the room kept for it.
    pub fn more<'a>(&self, departures: usize, theme: &Theme) -> Option<Span<'a>> {
        (self.more_w > 0).then(|| {
            let hidden = departures.saturating_sub(self.cells);
            let text = if hidden > 0 {
                format!("+{hidden}")
            } else {
                String::new()
            };
            Span::styled(pad(&text, self.more_w), theme.dim())
        })
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
    // When to leave goes at the end of the destination, which gives way;
    // a space always parts them from the time ("partir dans 2 min" is not
    // read with "à l'approche").
    let room = columns.destination_w.saturating_sub(1);
    match &row.leave {
        Some(leave) if leave.width() + 13 <= room => {
            // Two spaces after it: a time in the gauge's place may follow.
            let room = room - leave.width() - 2;
            spans.push(Span::styled(pad(&destination, room), style));
            spans.push(Span::styled(format!(" {leave} "), theme.notice()));
        }
        _ => spans.push(Span::styled(pad(&destination, room), style)),
    }
    if columns.destination_w > 0 {
        spans.push(Span::styled(" ", style));
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
    spans.extend(columns.more(row.cells.len(), theme));
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
    // With a destination, the arrival takes the gauge's place: the time
    // keeps its own room.
    let arrives = cell.arrival.is_some();
    if let TimeShown::NotLocated(_) = cell.shown
        && !arrives
    {
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
    let theoretical = matches!(cell.shown, TimeShown::Theoretical(_));
    // A time too long with its delay and platform ("à l'approche +4 vB")
    // takes the gauge's place: the crowding gives way first.
    // (A time not located has done so above, when it could.)
    let not_located = matches!(cell.shown, TimeShown::NotLocated(_));
    if !theoretical && !not_located && !arrives && time_text_in(cell, usize::MAX).width() > TIME_W {
        let room = TIME_W + 1 + 3 + 1;
        let text = approx_in(time_text_in(cell, room), theme);
        let [_, _, mark, gap] = gauge_and_mark(cell, theme, stale);
        return vec![
            Span::styled(format!("{text:>room$}"), time_style),
            Span::raw(" "),
            mark,
            gap,
        ];
    }
    let mut spans = vec![Span::styled(
        format!("{:>w$}", time_text(cell), w = TIME_W),
        time_style,
    )];
    spans.push(Span::raw(" "));
    if theoretical && !arrives {
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

/// [`time_text`] in `width` cells, by priority: the time, then its
/// delay, then its platform. A time not located is fitted
/// ([`TimeShown::fitted`]) and any other cut ("à l'ap… +4 vB") before
/// the delay or the platform is left out.
pub(crate) fn time_text_in(cell: &CellView, width: usize) -> std::borrow::Cow<'_, str> {
    let delay = cell
        .delay_minutes
        .filter(|_| matches!(cell.shown, TimeShown::Countdown(_)))
        .map(|d| format!(" +{d}"));
    let added = if cell.status == crate::domain::Status::Added {
        ADDED_MARK
    } else {
        ""
    };
    let platform = cell.platform.as_ref().map(|p| format!(" v{p}"));
    if delay.is_none() && platform.is_none() && added.is_empty() {
        let text = cell.shown.fitted(width);
        return if text.width() > width {
            fit(&text, width).into()
        } else {
            text
        };
    }
    let suffix = format!(
        "{added}{}{}",
        delay.as_deref().unwrap_or_default(),
        platform.as_deref().unwrap_or_default()
    );
    // The time keeps room for at least a letter and "…"; a platform too
    // long for the cell is cut last.
    let room = width.saturating_sub(suffix.width()).max(2);
    let text = cell.shown.fitted(room);
    fit(&format!("{}{suffix}", fit(&text, room)), width).into()
}

/// A cell's crowding gauge (3), a space, its accessibility mark (2) and a
/// gap (2).
/// With a destination, the arrival ("→≈08:42", `≈` when estimated) in
/// their room instead.
pub(crate) fn gauge_and_mark<'a>(cell: &CellView, theme: &Theme, stale: bool) -> [Span<'a>; 4] {
    if let Some(text) = arrival_text(cell) {
        let style = if stale { theme.dim() } else { theme.heading() };
        let text = approx_in(text.into(), theme);
        return [
            Span::styled(pad(&text, 3 + 1 + 2 + 1), style),
            Span::raw(""),
            Span::raw(""),
            Span::raw(" "),
        ];
    }
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

/// "→≈08:42": when a departure gets to the destination, `≈` when
/// estimated from the timetable's run time.
pub(crate) fn arrival_text(cell: &CellView) -> Option<String> {
    let arrival = cell.arrival.as_ref()?;
    let estimated = if cell.arrival_origin == Some(crate::destination::ArrivalOrigin::Estimated) {
        crate::i18n::t("dest_estimated")
    } else {
        ""
    };
    let at = arrival.at.to_zoned(arrival.zone.clone());
    Some(format!("→{estimated}{}", at.strftime("%H:%M")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CrowdLevel, Load, Origin, Status, WaitTime};
    use crate::ui::departures::tests::{sample_board, t};
    use crate::ui::theme::{Glyphs, Palette};
    use crate::ui::view;

    fn spans_text(spans: &[Span<'_>]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    /// One scenario drawn through the board's cells, `--once` and
    /// `--json`: a live time, a time not located, a theoretical one, a
    /// cancelled and an added trip, a time past an hour, a network's word,
    /// each crowding level with a share that says otherwise. Each surface
    /// says the same time, status, marks and crowding for each departure.
    #[test]
    fn every_surface_says_the_same_of_each_departure() {
        let mut board = sample_board();
        let row = &mut board.places[0].departures[0];
        let template = row[0].clone();
        let at = |seconds: i64, origin: Origin, status, level, load| {
            let mut d = template.clone();
            d.time = WaitTime::Countdown {
                text: String::new(),
                seconds: Some(seconds),
            };
            (d.origin, d.status, d.crowding, d.load) = (origin, status, level, load);
            d
        };
        *row = vec![
            at(
                150,
                Origin::Located,
                Status::Normal,
                CrowdLevel::Low,
                Load::Percent(90),
            ),
            at(
                104,
                Origin::NotLocated,
                Status::Normal,
                CrowdLevel::Moderate,
                Load::Percent(10),
            ),
            at(
                400,
                Origin::Timetable,
                Status::Normal,
                CrowdLevel::Unknown,
                Load::Unknown,
            ),
            at(
                500,
                Origin::Located,
                Status::Cancelled,
                CrowdLevel::High,
                Load::Percent(90),
            ),
            at(
                300,
                Origin::Located,
                Status::Added,
                CrowdLevel::High,
                Load::Percent(50),
            ),
            at(
                67 * 60,
                Origin::Located,
                Status::Normal,
                CrowdLevel::Unknown,
                Load::Percent(20),
            ),
        ];
        board.places[0].departures[1][0].time = WaitTime::Text {
            text: "Travaux".into(),
            served: false,
        };
        let view = view::build(&board, t(0));
        let once = view::text(&view, "quai", "");
        let json = serde_json::to_value(&view).unwrap();
        let theme = Theme {
            palette: Palette::TrueColor,
            glyphs: Glyphs::UNICODE,
        };
        let bars = |level: CrowdLevel| crate::model::crowd_bars(level).map_or(0, |(n, _)| n);
        let once_row = |number: &str| {
            once.lines()
                .find(|l| l.trim_start().starts_with(&format!("{number} ")))
                .unwrap_or_else(|| panic!("{number} in {once}"))
                .to_string()
        };
        let l3 = once_row("L3");
        let after = l3.find("Pôle Temis  ").unwrap() + "Pôle Temis  ".len();
        let once_cells: Vec<&str> = l3[after..].split("   ").collect();
        let cells = &view.places[0].rows[0].cells;
        assert_eq!(once_cells.len(), cells.len(), "{l3}");
        for (i, (cell, written)) in cells.iter().zip(&once_cells).enumerate() {
            let drawn = spans_text(&cell_spans(cell, &theme, false));
            let shown = cell.shown.text();
            let level = cell.crowding_level;
            let filled = match cell.gauge {
                Gauge::Bar(filled, gauge_level) => {
                    assert_eq!(
                        gauge_level, level,
                        "cell {i}: the gauge's level is the code's"
                    );
                    filled
                }
                _ => 0,
            };
            // The time: whole in `--once`, as fitted on the board, where a
            // time not located keeps its words and its time.
            assert!(
                written.starts_with(shown.as_ref()),
                "cell {i}: {written:?} / {shown}"
            );
            assert!(
                drawn.contains(time_text(cell).trim_end_matches(ADDED_MARK))
                    || drawn.contains(cell.shown.fitted(20).as_ref()),
                "cell {i}: {drawn:?}"
            );
            if let TimeShown::NotLocated(time) = &cell.shown {
                assert!(!time.is_empty(), "cell {i}: the time quai knows");
                assert!(
                    written.contains(&format!("Non localisé · ≈ {time}")),
                    "{written}"
                );
                assert!(
                    drawn.contains("Non localisé") && drawn.contains(time.as_str()),
                    "cell {i}: {drawn:?}"
                );
            }
            // The marks: an added trip, a theoretical time.
            let added = cell.status == Status::Added;
            assert_eq!(written.contains("[ajouté]"), added, "cell {i}: {written}");
            assert_eq!(drawn.contains(ADDED_MARK), added, "cell {i}: {drawn:?}");
            let theoretical = matches!(cell.shown, TimeShown::Theoretical(_));
            assert_eq!(
                written.contains(crate::model::theoretical()),
                theoretical,
                "{written}"
            );
            assert_eq!(
                drawn.contains(crate::i18n::t("theoretical_short")),
                theoretical
            );
            // The crowding: as many cells as its level says, everywhere.
            let count = |s: &str| s.chars().filter(|c| *c == '▮').count();
            if matches!(cell.gauge, Gauge::Bar(..)) {
                assert_eq!(filled, bars(level), "cell {i}");
                assert_eq!(count(written), usize::from(filled), "cell {i}: {written}");
            }
            if !matches!(cell.shown, TimeShown::NotLocated(_)) {
                assert_eq!(count(&drawn), usize::from(filled), "cell {i}: {drawn:?}");
            }
            let coded = &json["places"][0]["rows"][0]["cells"][i];
            assert_eq!(
                coded["shown"]["text"].as_str().unwrap_or_default(),
                match &cell.shown {
                    TimeShown::NotLocated(t)
                    | TimeShown::Countdown(t)
                    | TimeShown::Theoretical(t) => t.as_str(),
                    _ => coded["shown"]["text"].as_str().unwrap_or_default(),
                }
            );
            assert_eq!(
                coded["crowding_level"],
                serde_json::to_value(level).unwrap()
            );
            assert_eq!(coded["status"], serde_json::to_value(cell.status).unwrap());
        }
        // The statuses and times the scenario was made of.
        let kinds: Vec<&TimeShown> = cells.iter().map(|c| &c.shown).collect();
        assert!(
            matches!(kinds[1], TimeShown::NotLocated(t) if t == "1 min"),
            "{kinds:?}"
        );
        assert_eq!(*kinds[3], TimeShown::Cancelled);
        assert!(
            !kinds[5].text().ends_with(" min"),
            "past an hour, a clock time: {kinds:?}"
        );
        // The network's word, the same on both.
        let seven = once_row("7");
        let drawn = spans_text(&cell_spans(&view.places[0].rows[1].cells[0], &theme, false));
        assert!(
            seven.contains("Travaux") && drawn.contains("Travaux"),
            "{seven} / {drawn}"
        );
    }

    /// Beside its arrival, a time not located still reads "Non localisé"
    /// (the words every screen uses for it), with its arrival estimated.
    #[test]
    fn a_time_not_located_says_so_beside_its_arrival() {
        let mut view = view::build(&sample_board(), t(0));
        let cell = &mut view.places[0].rows[0].cells[1];
        assert!(matches!(cell.shown, TimeShown::NotLocated(_)), "{cell:?}");
        let theme = Theme::new(Palette::TrueColor);
        let before = spans_text(&cell_spans(cell, &theme, false));
        assert!(before.contains("Non localisé ≈9 min"), "{before}");
        cell.arrival = Some(view::LocalTime {
            at: t(26 * 60),
            zone: jiff::tz::TimeZone::get("Europe/Paris").unwrap(),
        });
        cell.arrival_origin = Some(crate::destination::ArrivalOrigin::Estimated);
        let text = spans_text(&cell_spans(cell, &theme, false));
        assert!(text.contains("Non localisé"), "{text}");
        assert!(text.contains("→≈08:26"), "{text}");
    }
}
