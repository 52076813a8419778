//! The board pane's whole screens: too small (the kiosk's too), key
//! refused, help.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::departures::{MIN_HEIGHT, MIN_WIDTH, PaneState};
use super::text::{centered, pad};
use super::view::BoardView;
use unicode_width::UnicodeWidthStr;

/// What a screen of `area`, too small to draw a board on, shows instead.
pub(crate) fn too_small(area: Rect) -> Paragraph<'static> {
    let text = crate::i18n::tf(
        "too_small",
        &[
            ("w", &area.width.to_string()),
            ("h", &area.height.to_string()),
            ("min_w", &MIN_WIDTH.to_string()),
            ("min_h", &MIN_HEIGHT.to_string()),
        ],
    );
    Paragraph::new(text).wrap(Wrap { trim: true })
}

/// The box that says the API key was refused and what to do, and where
/// it goes on `area`.
pub(crate) fn key_refused<'a>(
    area: Rect,
    view: &'a BoardView,
    state: &PaneState,
) -> (Paragraph<'a>, Rect) {
    let mut lines = vec![
        Line::styled(crate::i18n::t("key_refused_title"), state.theme.alert()),
        Line::raw(""),
    ];
    if let Some(message) = &view.key_message {
        lines.push(Line::raw(crate::i18n::tf(
            "server_says",
            &[("message", message)],
        )));
        lines.push(Line::raw(""));
    }
    lines.push(Line::raw(crate::i18n::t("what_to_do")));
    if let Some(key) = view.key {
        let setting = if key.setting.is_empty() {
            String::new()
        } else {
            crate::i18n::tf("or_setting", &[("setting", crate::i18n::t(key.setting))])
        };
        lines.push(Line::raw(crate::i18n::tf(
            "check_key",
            &[("env", key.env), ("setting", &setting)],
        )));
        for how in key.how_to_get {
            let how = crate::i18n::t(how);
            lines.push(Line::raw(crate::i18n::tf("key_how_item", &[("how", how)])));
        }
    }
    lines.push(Line::raw(crate::i18n::t("without_key")));
    // As high as its lines once wrapped; the keys on its bottom border,
    // seen even when the screen cuts the text.
    let inner_w = usize::from(area.width.min(76).saturating_sub(2)).max(1);
    let height: usize = lines
        .iter()
        .map(|l| super::text::wrap(&l.to_string(), inner_w).len().max(1))
        .sum();
    let box_area = centered(
        area,
        76,
        height.saturating_add(2).min(usize::from(u16::MAX)) as u16,
    );
    let keys = format!(" {} ", crate::i18n::t("quit_retry"));
    let widget = Paragraph::new(lines).wrap(Wrap { trim: false }).block(
        Block::default()
            .borders(Borders::ALL)
            .title_bottom(Line::styled(keys, state.theme.heading())),
    );
    (widget, box_area)
}

/// Where the legend's explanations start, after a 2-cell indent.
const LEGEND_W: usize = 14;

/// The legend's rows: what the board shows, and what it means. The marks
/// are measured, not counted in characters, so that wide and ambiguous
/// symbols keep the explanations aligned.
fn legend(state: &PaneState) -> Vec<(String, &'static str)> {
    use crate::i18n::t;
    let g = state.theme.glyphs;
    let mut rows = vec![
        (t("not_located").into(), t("legend_not_located")),
        (
            format!("7{} {}", t("minutes_suffix"), t("theoretical_short")),
            t("legend_theoretical"),
        ),
        (t("arriving").into(), t("legend_arriving")),
        (format!("17{}05", t("clock_separator")), t("legend_clock")),
        (t("cancelled").into(), t("legend_cancelled")),
        (
            format!("3{}{}", t("minutes_suffix"), super::row::ADDED_MARK),
            t("legend_added"),
        ),
        (t("legend_works_mark").into(), t("legend_works")),
        ("—".into(), t("legend_none")),
        (
            format!("{} {} {}", g.gauge(1), g.gauge(2), g.gauge(3)),
            t("legend_gauge"),
        ),
        (
            format!("{} {}", g.no_access, t("legend_crossed")),
            t("legend_no_access"),
        ),
    ];
    if state.capabilities.line_states {
        rows.push((
            format!(
                "{} {} {} {}",
                g.states[0], g.states[1], g.states[2], g.states[3]
            ),
            t("legend_states"),
        ));
    }
    rows
}

/// The start of a legend's row: the mark, padded to where the
/// explanations start.
fn legend_head(what: &str) -> String {
    format!("  {}", pad(what, LEGEND_W))
}

pub(crate) fn draw_help(frame: &mut Frame, area: Rect, state: &PaneState) {
    draw_help_from(frame, area, state, 0);
}

/// The help box's width at most.
const HELP_W: u16 = 66;

/// The help's lines for a box `inner` cells wide: the keys, the legend,
/// the data's attribution; an explanation too long for the box goes on
/// under itself.
fn help_lines(state: &PaneState, inner: usize) -> Vec<Line<'static>> {
    let explained = |lines: &mut Vec<Line<'static>>, first: String, means: &str| {
        let indent = first.width();
        for (i, part) in super::text::wrap(means, inner.saturating_sub(indent).max(8))
            .into_iter()
            .enumerate()
        {
            let head = if i == 0 {
                first.clone()
            } else {
                " ".repeat(indent)
            };
            lines.push(Line::raw(format!("{head}{part}")));
        }
    };
    let mut lines = vec![Line::styled(crate::i18n::t("keys"), state.theme.heading())];
    for (keys, what) in super::keymap::help(state.capabilities) {
        explained(&mut lines, format!("  {keys:<12}"), what);
    }
    lines.extend([
        Line::raw(""),
        Line::styled(crate::i18n::t("legend"), state.theme.heading()),
    ]);
    for (what, means) in legend(state) {
        explained(&mut lines, legend_head(&what), means);
    }
    // Then each pane's keys, from the same table as their dispatch.
    for (heading, keys) in super::keymap::panes_help(state.capabilities.crowding_forecast) {
        lines.extend([Line::raw(""), Line::styled(heading, state.theme.heading())]);
        for (keys, what) in keys {
            explained(&mut lines, format!("  {keys:<12}"), what);
        }
    }
    lines.push(Line::raw(""));
    for part in super::text::wrap(state.attribution, inner) {
        lines.push(Line::styled(part, state.theme.dim()));
    }
    lines
}

/// The inner width of the help's box on a screen of `area`.
fn help_inner(area: Rect) -> usize {
    usize::from(area.width.min(HELP_W).saturating_sub(2))
}

/// How far the help scrolls at most on a screen of `area`: its lines
/// less those its box shows.
pub fn help_scroll_max(area: Rect, state: &PaneState) -> usize {
    help_lines(state, help_inner(area))
        .len()
        .saturating_sub(usize::from(help_room(area).height.saturating_sub(2)))
}

/// The line of the help that heads `pane`'s keys, for a screen of `area`
/// (the help opened from a pane starts there).
pub fn help_line_of(area: Rect, state: &PaneState, pane: super::keymap::Pane) -> usize {
    let heading = super::keymap::pane_heading(pane);
    help_lines(state, help_inner(area))
        .iter()
        .position(|l| l.to_string() == heading)
        .unwrap_or(0)
}

/// Where the help's box may go: all but the status line, which stays
/// visible below it.
fn help_room(area: Rect) -> Rect {
    Rect {
        height: area.height.saturating_sub(1).max(3),
        ..area
    }
}

/// Draws the help scrolled down by `scroll` lines (no further than its
/// end); its bottom border says when more is above or below.
pub fn draw_help_from(frame: &mut Frame, area: Rect, state: &PaneState, scroll: usize) {
    let lines = help_lines(state, help_inner(area));
    let total = lines.len();
    let box_area = centered(help_room(area), HELP_W, total as u16 + 2);
    let shown = usize::from(box_area.height.saturating_sub(2));
    let scroll = scroll.min(total.saturating_sub(shown));
    let below = total - scroll - shown.min(total - scroll);
    let mark = match (scroll > 0, below > 0) {
        (false, false) => None,
        (true, false) => Some(crate::i18n::t("help_more_above").to_string()),
        (_, true) if below == 1 => Some(crate::i18n::t("help_more_below_one").to_string()),
        (_, true) => Some(crate::i18n::tf(
            "help_more_below",
            &[("n", &below.to_string())],
        )),
    };
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", crate::i18n::t("help_title")));
    if let Some(mark) = mark {
        block = block.title_bottom(Line::styled(format!(" {mark} "), state.theme.dim()));
    }
    frame.render_widget(Clear, box_area);
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(scroll).collect::<Vec<_>>()).block(block),
        box_area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::theme::{Glyphs, Palette, Theme};
    use unicode_width::UnicodeWidthStr;

    /// Every explanation of the legend starts at the same column and fits
    /// the help box, whatever the glyphs (the Linux console's too).
    #[test]
    fn the_legend_is_aligned_and_fits() {
        for glyphs in [Glyphs::UNICODE, Glyphs::for_term("linux")] {
            let state = PaneState {
                title: "",
                selected: None,
                help: true,
                theme: Theme {
                    palette: Palette::TrueColor,
                    glyphs,
                },
                nb: 2,
                attribution: "",
                notice: None,
                warning: None,
                capabilities: crate::network::Capabilities {
                    line_states: true,
                    ..Default::default()
                },
                back_to: None,
            };
            for (what, means) in legend(&state) {
                let line = format!("{}{means}", legend_head(&what));
                let start = line.find(means).unwrap();
                assert_eq!(line[..start].width(), 2 + LEGEND_W, "{line:?}");
                assert!(line.width() <= 64, "{line:?} is wider than the box");
            }
        }
    }
}
