//! The kiosk's one-line form of a place with a destination: under its
//! heading ("Gare Viotte → Chamars"), each line's badge and its next
//! arrival times there.
//!
//! ```text
//!  Gare Viotte → Chamars ──────────────────────────────────────
//!    T1  08:42 ≈08:50  partir dans 3 min    T2  08:47 08:59 théor.
//! ```
//!
//! A live arrival is written plain, an estimated one with "≈", a
//! timetable one dimmed and marked "théor."; what does not fit the width
//! is left out whole (the last times first, then the last lines).

use super::*;
use crate::destination::ArrivalOrigin;
use crate::ui::view::PlaceView;

/// One line's arrivals at the destination, soonest first.
struct Group<'a> {
    row: &'a RowView,
    /// Each arrival: its cell.
    cells: Vec<&'a CellView>,
    /// When to leave for its next departure that can be caught.
    leave: Option<&'a str>,
}

/// The lines of the place that reach its destination, by their first
/// arrival; `None` when the place has no destination or no arrival.
fn groups(place: &PlaceView) -> Option<Vec<Group<'_>>> {
    place.to.as_ref()?;
    let mut groups: Vec<Group> = Vec::new();
    for row in &place.rows {
        let cells = row.cells.iter().filter(|c| c.arrival.is_some());
        match groups.iter_mut().find(|g| g.row.line.id == row.line.id) {
            Some(group) => {
                group.cells.extend(cells);
                group.leave = group.leave.or(row.leave.as_deref());
            }
            None => groups.push(Group {
                row,
                cells: cells.collect(),
                leave: row.leave.as_deref(),
            }),
        }
    }
    let at = |c: &&CellView| c.arrival.as_ref().map(|a| a.at);
    for group in &mut groups {
        group.cells.sort_by_key(at);
        group
            .cells
            .dedup_by_key(|c| c.arrival.as_ref().map(|a| a.at));
        // With a walk time, the departures that can no longer be caught
        // are left out while one can: on a narrow screen the first time
        // kept was the one already missed.
        if group.cells.iter().any(|c| c.reachable != Some(false)) {
            group.cells.retain(|c| c.reachable != Some(false));
        }
    }
    groups.retain(|g| !g.cells.is_empty());
    groups.sort_by_key(|g| g.cells.first().and_then(at));
    (!groups.is_empty()).then_some(groups)
}

/// Whether the place is drawn in the one-line form.
pub(super) fn one_line(place: &PlaceView) -> bool {
    !place.no_departure && groups(place).is_some()
}

/// "08:42", "≈08:42".
fn arrival_time(cell: &CellView, theme: &Theme) -> String {
    let Some(arrival) = cell.arrival.as_ref() else {
        return String::new();
    };
    let at = arrival.at.to_zoned(arrival.zone.clone());
    let approx = if cell.arrival_origin == Some(ArrivalOrigin::Estimated) {
        theme.glyphs.approx.to_string()
    } else {
        String::new()
    };
    format!("{approx}{}", at.strftime("%H:%M"))
}

/// A group's spans with its first `times` arrivals, and their width.
fn group_spans<'a>(
    group: &Group,
    times: usize,
    leave: bool,
    theme: &Theme,
    stale: bool,
) -> (Vec<Span<'a>>, usize) {
    let line = &group.row.line;
    let badge = format!(" {} ", line.number);
    let mut width = badge.width();
    let mut spans = vec![Span::styled(
        badge,
        theme.badge(line.background, line.foreground),
    )];
    let mut theoretical = false;
    for cell in group.cells.iter().take(times) {
        let timetable = cell.arrival_origin == Some(ArrivalOrigin::Timetable);
        theoretical |= timetable;
        let style = if stale || timetable {
            theme.dim().add_modifier(Modifier::ITALIC)
        } else if cell.reachable == Some(false) {
            theme.dim()
        } else {
            theme.heading()
        };
        let text = format!(" {}", arrival_time(cell, theme));
        width += text.width();
        spans.push(Span::styled(text, style));
    }
    if theoretical {
        let mark = format!(" {}", crate::i18n::t("theoretical_short"));
        width += mark.width();
        spans.push(Span::styled(mark, theme.dim()));
    }
    if let Some(text) = group.leave.filter(|_| leave) {
        let text = format!("  {text}");
        width += text.width();
        spans.push(Span::styled(text, theme.notice()));
    }
    (spans, width)
}

/// The gap between two lines.
const GAP: &str = "   ";

/// The place's arrivals on one line of `width` cells, at most `nb` times
/// a line: as many lines as fit with as many times each, when to leave
/// kept before a second time; `None` when the place has no destination
/// or no arrival.
pub(super) fn arrivals_line<'a>(
    place: &PlaceView,
    theme: &Theme,
    stale: bool,
    width: usize,
    nb: usize,
) -> Option<Line<'a>> {
    let groups = groups(place)?;
    let indent = "  ";
    let room = width.saturating_sub(indent.width());
    let most = groups.iter().map(|g| g.cells.len()).max().unwrap_or(1);
    let most = most.min(nb.max(1));
    // From the most to the fewest: every line with `times` arrivals and
    // its leaving time, then every line with one arrival and no leaving
    // time but the first's, then fewer lines.
    let laid = |count: usize, times: usize, leave_all: bool| {
        let mut spans: Vec<Span<'a>> = vec![Span::raw(indent)];
        let mut used = 0;
        for (i, group) in groups.iter().take(count).enumerate() {
            let (parts, w) = group_spans(group, times, leave_all || i == 0, theme, stale);
            let gap = if i == 0 { 0 } else { GAP.width() };
            if used + gap + w > room {
                return None;
            }
            if i > 0 {
                spans.push(Span::raw(GAP));
            }
            spans.extend(parts);
            used += gap + w;
        }
        Some(Line::from(spans))
    };
    for count in (1..=groups.len()).rev() {
        for times in (1..=most).rev() {
            if let Some(line) = laid(count, times, true) {
                return Some(line);
            }
        }
        if let Some(line) = laid(count, 1, false) {
            return Some(line);
        }
    }
    // Too narrow even for the first line with when to leave: its badge and
    // first time alone.
    let (parts, _) = group_spans(&groups[0], 1, false, theme, stale);
    let mut spans = vec![Span::raw(indent)];
    spans.extend(parts);
    Some(Line::from(spans))
}
