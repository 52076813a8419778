//! Drawing a one-row line, fast when its text allows.
//!
//! ratatui lays a line out grapheme by grapheme, measuring each; that was
//! most of the cost of a board row. The board's text is mostly characters
//! that are each a grapheme one column wide (Latin letters, punctuation, box
//! drawing, blocks). A line made only of those is drawn character by
//! character; any other line is left to ratatui. Both give the same cells (a
//! test checks every character the fast path accepts).

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthChar;

/// Draws `line` on the first row of `area` exactly as `Line::render` does.
pub fn render(line: &Line, area: Rect, buf: &mut Buffer) {
    let plain = matches!(line.alignment, None | Some(Alignment::Left))
        && line.spans.iter().all(|s| s.content.chars().all(single));
    if !plain {
        line.render(area, buf);
        return;
    }
    let area = area.intersection(buf.area);
    if area.is_empty() || line.spans.iter().all(|s| s.content.is_empty()) {
        return;
    }
    let area = Rect { height: 1, ..area };
    buf.set_style(area, line.style);
    let y = area.y;
    let mut x = area.x;
    let mut utf8 = [0u8; 4];
    for span in &line.spans {
        let style = Style::default().patch(span.style);
        for c in span.content.chars() {
            if x >= area.right() {
                return;
            }
            buf[(x, y)]
                .set_symbol(c.encode_utf8(&mut utf8))
                .set_style(style);
            x += 1;
        }
    }
}

/// Whether `c` is always a grapheme of its own, one column wide: a
/// printable character of the blocks where no character joins another
/// (no combining marks, joiners, selectors, jamo or regional indicators).
fn single(c: char) -> bool {
    match c {
        ' '..='~' => true,
        '\u{a0}'..='\u{2ff}'
        | '\u{2010}'..='\u{2027}'
        | '\u{2030}'..='\u{205e}'
        | '\u{20a0}'..='\u{20c0}'
        | '\u{2100}'..='\u{23ff}'
        | '\u{2500}'..='\u{27bf}' => c.width() == Some(1),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier, Stylize};
    use ratatui::text::Span;

    fn both(line: &Line, area: Rect) -> (Buffer, Buffer) {
        let full = Rect::new(0, 0, area.right() + 2, area.bottom() + 1);
        let mut fast = Buffer::empty(full);
        let mut slow = Buffer::empty(full);
        render(line, area, &mut fast);
        line.render(area, &mut slow);
        (fast, slow)
    }

    #[test]
    fn every_character_taken_fast_is_drawn_as_ratatui_draws_it() {
        let mut fast_ones = 0;
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            if !single(c) {
                continue;
            }
            fast_ones += 1;
            let line = Line::from(vec![
                Span::raw(format!("a{c}")),
                Span::styled(format!("{c}{c}b"), Style::new().fg(Color::Red).bold()),
            ])
            .style(Style::new().bg(Color::Blue));
            let (fast, slow) = both(&line, Rect::new(1, 0, 6, 1));
            assert_eq!(fast, slow, "{c:?} U+{:04X}", c as u32);
        }
        assert!(fast_ones > 1000, "{fast_ones}");
    }

    #[test]
    fn lines_are_cut_styled_and_left_to_ratatui_when_not_plain() {
        let lines = [
            Line::from("  T2  Hauts du Chazal ── 3 min ▮▮▮ · Non localisé"),
            Line::from(vec![
                "T1".red().on_white(),
                " ".into(),
                "".into(),
                "Gare".dim(),
            ])
            .style(Style::new().add_modifier(Modifier::ITALIC)),
            Line::from(""),
            Line::from("").style(Style::new().bg(Color::Red)),
            Line::from("e\u{301}te\u{301} 東京 🚋 \u{1b}[2J ok"),
            Line::from("à droite").right_aligned(),
            Line::from("au centre d'un écran étroit").centered(),
        ];
        for line in &lines {
            for width in [0, 1, 5, 12, 40] {
                let (fast, slow) = both(line, Rect::new(2, 1, width, 1));
                assert_eq!(fast, slow, "{line:?} at width {width}");
            }
        }
    }
}
