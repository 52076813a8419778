//! The board's status line, composed by priority.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::PaneState;
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
    // (text, style, priority: the lowest is left out first).
    let mut parts: Vec<(String, ratatui::style::Style, u8)> = Vec::new();
    let mut push = |text: Option<String>, style, priority| {
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            parts.push((text, style, priority));
        }
    };
    // The answer to the last key ("actualisation en cours…") before all.
    push(state.notice.map(str::to_string), status_style, 8);
    push(freshness, status_style, 7);
    push(timetable, status_style, 4);
    // The schedule's note says, when the data is old, why (a publication
    // interrupted): it then goes only after the keys.
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
    const SEP: &str = " · ";
    let total = |parts: &[(String, ratatui::style::Style, u8)]| {
        1 + parts.iter().map(|(t, _, _)| t.width()).sum::<usize>()
            + SEP.width() * parts.len().saturating_sub(1)
    };
    while total(&parts) > width {
        let lowest = parts
            .iter()
            .enumerate()
            .filter(|(_, (_, _, p))| *p < u8::MAX)
            .min_by_key(|(i, (_, _, p))| (*p, usize::MAX - i))
            .map(|(i, _)| i);
        let Some(lowest) = lowest else { break };
        // The last part besides the key hint: shortened at a word instead.
        if parts.len() == 2 {
            let room = width.saturating_sub(total(&parts) - parts[lowest].0.width());
            let short = words_within(&parts[lowest].0, room);
            if short.is_empty() {
                parts.remove(lowest);
            } else {
                parts[lowest].0 = short;
            }
            break;
        }
        parts.remove(lowest);
    }
    let mut spans = Vec::new();
    for (i, (text, style, _)) in parts.into_iter().enumerate() {
        if i == 0 {
            spans.push(Span::styled(format!(" {text}"), style));
        } else {
            spans.push(Span::styled(SEP, dim));
            spans.push(Span::styled(text, style));
        }
    }
    Line::from(spans)
}

/// The first words of `text` that fit `room` cells with "…" after them
/// (nothing when not even one does).
fn words_within(text: &str, room: usize) -> String {
    let mut out = String::new();
    for word in text.split(' ') {
        let longer = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if longer.width() + 1 > room {
            break;
        }
        out = longer;
    }
    if out.is_empty() {
        out
    } else {
        format!("{out}…")
    }
}
