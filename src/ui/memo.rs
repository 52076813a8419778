//! Lines drawn once and copied while they stay the same.
//!
//! A board left alone changes a few cells a second (the clock, the age, a
//! countdown), yet ratatui redraws every cell of every frame, and laying out
//! text grapheme by grapheme is most of a frame's cost. The memo keeps, for
//! each screen line, the line last drawn there and its cells; a line equal
//! to the previous one at the same place is copied instead of laid out.

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// The lines of the previous frame, by screen row.
#[derive(Debug, Default)]
pub struct LineMemo {
    rows: Vec<Option<Drawn>>,
    /// Lines laid out, and lines copied, since the memo was made (tests and
    /// benchmarks read them).
    pub drawn: u64,
    pub copied: u64,
}

#[derive(Debug)]
struct Drawn {
    x: u16,
    width: u16,
    line: Line<'static>,
    cells: Vec<Cell>,
}

impl LineMemo {
    /// Draws `line` on the one-row `area` of `buf`, or copies its cells
    /// from the previous frame when the same line was drawn there.
    pub fn render(&mut self, line: &Line, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let row = usize::from(area.y);
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, || None);
        }
        let start = buf.index_of(area.x, area.y);
        let end = start + usize::from(area.width);
        if let Some(drawn) = &self.rows[row]
            && drawn.x == area.x
            && drawn.width == area.width
            && drawn.line == *line
        {
            buf.content[start..end].clone_from_slice(&drawn.cells);
            self.copied += 1;
            return;
        }
        line.render(area, buf);
        self.drawn += 1;
        self.rows[row] = Some(Drawn {
            x: area.x,
            width: area.width,
            line: owned(line),
            cells: buf.content[start..end].to_vec(),
        });
    }
}

fn owned(line: &Line) -> Line<'static> {
    Line {
        style: line.style,
        alignment: line.alignment,
        spans: line
            .spans
            .iter()
            .map(|s| Span::styled(s.content.to_string(), s.style))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Style};

    fn text(buf: &Buffer, y: u16) -> String {
        (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol())
            .collect::<String>()
    }

    #[test]
    fn an_unchanged_line_is_copied_with_its_styles() {
        let area = Rect::new(0, 0, 12, 2);
        let mut memo = LineMemo::default();
        let line = Line::from(vec![
            Span::styled("T1", Style::new().fg(Color::Red)),
            Span::raw(" 3 min"),
        ]);
        let mut first = Buffer::empty(area);
        memo.render(&line, Rect::new(0, 1, 12, 1), &mut first);
        let mut second = Buffer::empty(area);
        memo.render(&line.clone(), Rect::new(0, 1, 12, 1), &mut second);
        assert_eq!((memo.drawn, memo.copied), (1, 1));
        assert_eq!(first, second);
        assert_eq!(text(&second, 1), "T1 3 min    ");
        assert_eq!(second[(0, 1)].fg, Color::Red);
    }

    #[test]
    fn a_changed_line_or_place_is_laid_out_again() {
        let area = Rect::new(0, 0, 12, 3);
        let mut memo = LineMemo::default();
        let mut buf = Buffer::empty(area);
        memo.render(&Line::from("3 min"), Rect::new(0, 0, 12, 1), &mut buf);
        let mut buf = Buffer::empty(area);
        memo.render(&Line::from("2 min"), Rect::new(0, 0, 12, 1), &mut buf);
        assert_eq!(text(&buf, 0), "2 min       ");
        // Same text, another style: drawn again.
        memo.render(
            &Line::styled("2 min", Style::new().fg(Color::Blue)),
            Rect::new(0, 0, 12, 1),
            &mut buf,
        );
        assert_eq!(buf[(0, 0)].fg, Color::Blue);
        // Same line, narrower: drawn again, cut.
        let mut buf = Buffer::empty(area);
        memo.render(
            &Line::styled("2 min", Style::new().fg(Color::Blue)),
            Rect::new(0, 0, 3, 1),
            &mut buf,
        );
        assert_eq!(text(&buf, 0), "2 m         ");
        // Another row: its own entry.
        memo.render(&Line::from("2 min"), Rect::new(0, 2, 12, 1), &mut buf);
        assert_eq!((memo.drawn, memo.copied), (5, 0));
        assert_eq!(text(&buf, 2), "2 min       ");
    }

    #[test]
    fn rows_outside_the_buffer_are_ignored() {
        let mut memo = LineMemo::default();
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        memo.render(&Line::from("x"), Rect::new(0, 5, 4, 1), &mut buf);
        memo.render(&Line::from("x"), Rect::new(9, 0, 4, 1), &mut buf);
        assert_eq!((memo.drawn, memo.copied), (0, 0));
    }
}
