//! The board's status line, composed by priority.

use ratatui::text::{Line, Span};

use super::PaneState;
use crate::ui::text::{Part, SEP, by_priority_kept};
use crate::ui::view::BoardView;

/// The status line: what is known of the data and the keys, composed by
/// priority. When it is too long its least important parts are left out
/// whole, never cut mid-word; the help's key ("? aide") is always kept.
pub(super) fn status_line(
    view: &BoardView,
    state: &PaneState,
    status_style: ratatui::style::Style,
    width: usize,
) -> Line<'static> {
    use crate::i18n::{t, tf};
    let (freshness, timetable, schedule) = crate::ui::view::status_parts(view);
    let dim = state.theme.dim();
    // The lowest priority is left out first.
    let mut parts: Vec<Part> = Vec::new();
    let mut push = |text: Option<String>, style, priority| {
        parts.extend(Part::pieces(text, style, priority));
    };
    // The answer to the last key ("actualisation en cours…") before all.
    push(state.notice.map(str::to_string), status_style, 8);
    push(freshness, status_style, 7);
    push(timetable, status_style, 4);
    // The schedule's note says, when the data is old, why (a publication
    // interrupted): it then goes only after the keys. Its pieces are left out
    // from the last.
    push(schedule, status_style, if view.stale { 6 } else { 1 });
    push(
        state.back_to.map(|to| tf("hint_back", &[("to", to)])),
        dim,
        5,
    );
    let (refresh, priority) = if view.stale {
        (t("hint_retry"), 5)
    } else {
        (t("hint_refresh"), 3)
    };
    push(Some(refresh.to_string()), dim, priority);
    push(Some(t("hint_quit").to_string()), dim, 2);
    push(Some(t("hint_help").to_string()), dim, u8::MAX);
    // One cell before the first part.
    let parts = by_priority_kept(parts, width.saturating_sub(1), true, true);
    let mut spans = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        if i == 0 {
            spans.push(Span::styled(format!(" {}", part.text), part.style));
        } else {
            spans.push(Span::styled(SEP, dim));
            spans.push(Span::styled(part.text, part.style));
        }
    }
    Line::from(spans)
}
