//! The favourites pane (`F` in the board).
//!
//! ```text
//!  ┌ Favoris ────────────────────────────────────────────┐
//!  │▸ Ile de France (Maison) — T1:aller, L4               │
//!  │  Crous Université                                    │
//!  │ K/J déplacer · d retirer · e renommer · Entrée lignes │
//!  └──────────────────────────────────────────────────────┘
//! ```
//! In the lines view, one row per line and direction of the place, with a
//! box ticked when it is shown; space toggles.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::departures::fit;
use super::theme::Theme;
use crate::favorites::{Favorite, LineFilter};
use crate::model::BoardLine;

/// One line and direction that a favourite may show.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChoice {
    pub number: String,
    pub outbound: bool,
    pub destination: String,
    pub shown: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FavPane {
    pub list: Vec<Favorite>,
    pub selected: usize,
    /// The label being typed (`e`).
    pub renaming: Option<String>,
    /// The lines view of the selected favourite.
    pub lines: Option<Vec<LineChoice>>,
    pub line_cursor: usize,
    /// The favourite last removed with `d` and where it was, until `u`
    /// puts it back.
    pub removed: Option<(usize, Favorite)>,
}

/// The choices for a place's lines, ticked by the favourite's filters.
pub fn choices(favorite: &Favorite, lines: &[BoardLine]) -> Vec<LineChoice> {
    lines
        .iter()
        .map(|l| LineChoice {
            number: l.line.number.clone(),
            outbound: l.outbound,
            destination: l.destination.clone(),
            shown: favorite.keeps(l),
        })
        .collect()
}

/// The filters that show exactly the ticked choices: none when all are
/// ticked, a line without direction when both of its directions are.
pub fn filters(choices: &[LineChoice]) -> Vec<LineFilter> {
    if choices.iter().all(|c| c.shown) {
        return Vec::new();
    }
    let mut out: Vec<LineFilter> = Vec::new();
    for c in choices.iter().filter(|c| c.shown) {
        let both = choices
            .iter()
            .filter(|o| o.number == c.number)
            .all(|o| o.shown);
        // Rows per destination (several rows of one line in the same
        // direction) are told apart by their destination.
        let per_destination = choices
            .iter()
            .filter(|o| o.number == c.number && o.outbound == c.outbound)
            .count()
            > 1;
        let filter = LineFilter {
            line: c.number.clone(),
            mode: None,
            outbound: if both || per_destination {
                None
            } else {
                Some(c.outbound)
            },
            destination: (!both && per_destination).then(|| c.destination.clone()),
        };
        if !out.contains(&filter) {
            out.push(filter);
        }
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, pane: &FavPane, theme: &Theme) {
    let width = area.width.saturating_sub(4).min(76);
    let height = area.height.saturating_sub(2).min(22);
    let rect = Rect::new(
        area.x + (area.width.saturating_sub(width)) / 2,
        area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    );
    let inner = width.saturating_sub(2) as usize;
    let room = (height as usize).saturating_sub(3);
    let mut lines: Vec<Line> = Vec::new();
    let (title, footer) = if let Some(choices) = &pane.lines {
        let first = pane.line_cursor.saturating_sub(room.saturating_sub(1));
        if choices.is_empty() {
            lines.push(Line::styled(
                crate::i18n::t("fav_lines_unknown"),
                theme.dim(),
            ));
        }
        for (i, c) in choices.iter().enumerate().skip(first).take(room) {
            let text = format!(
                "{} [{}] {:<4} {} ({})",
                if i == pane.line_cursor { "▸" } else { " " },
                if c.shown { "x" } else { " " },
                c.number,
                c.destination,
                if c.outbound {
                    crate::i18n::t("outbound")
                } else {
                    crate::i18n::t("inbound")
                }
            );
            let style = if i == pane.line_cursor {
                theme.selected()
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::styled(fit(&text, inner), style));
        }
        (
            crate::i18n::t("fav_lines_title"),
            crate::i18n::t("fav_lines_footer"),
        )
    } else {
        if pane.list.is_empty() {
            lines.push(Line::styled(crate::i18n::t("fav_none"), theme.dim()));
        }
        let first = pane.selected.saturating_sub(room.saturating_sub(1));
        for (i, f) in pane.list.iter().enumerate().skip(first).take(room) {
            let selected = i == pane.selected;
            let text = match (&pane.renaming, selected) {
                (Some(label), true) => format!("▸ {} : {label}▏", f.place),
                _ => format!("{} {}", if selected { "▸" } else { " " }, f.describe()),
            };
            let style = if selected {
                theme.selected()
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::styled(fit(&text, inner), style));
        }
        if pane.renaming.is_some() {
            (
                crate::i18n::t("fav_title"),
                crate::i18n::t("fav_rename_footer"),
            )
        } else {
            (crate::i18n::t("fav_title"), crate::i18n::t("fav_footer"))
        }
    };
    while lines.len() < room {
        lines.push(Line::raw(""));
    }
    // The undo of the last removal said while it is possible.
    let undo = match (&pane.removed, &pane.lines, &pane.renaming) {
        (Some(_), None, None) => vec![(crate::i18n::t("fav_undo_hint").to_string(), 101)],
        _ => Vec::new(),
    };
    let footer = super::text::footer(footer, &undo, inner);
    lines.push(Line::styled(footer, theme.dim()));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(number: &str, outbound: bool, shown: bool) -> LineChoice {
        LineChoice {
            number: number.into(),
            outbound,
            destination: "D".into(),
            shown,
        }
    }

    #[test]
    fn filters_show_exactly_the_ticked_lines() {
        let all = [
            choice("T1", true, true),
            choice("T1", false, true),
            choice("L4", true, true),
        ];
        assert!(filters(&all).is_empty());
        let some = [
            choice("T1", true, true),
            choice("T1", false, false),
            choice("L4", true, true),
            choice("L4", false, true),
        ];
        let f: Vec<String> = filters(&some).iter().map(ToString::to_string).collect();
        assert_eq!(f, ["T1:aller", "L4"]);
    }
}
