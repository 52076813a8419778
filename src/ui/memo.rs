//! Lines drawn once and copied while they stay the same.
//!
//! A board left alone changes a few cells a second (the clock, the age, a
//! countdown), yet ratatui redraws every cell of every frame, and laying out
//! text grapheme by grapheme is most of a frame's cost. The memo keeps, for
//! each screen line, the last few lines drawn there and their cells (the
//! kiosk's pages come back in turn); a line equal to one of them at the
//! same place is copied instead of laid out. Drawing over the previous
//! frame (through the painter's [`Canvas`], which alone knows when a row
//! shows it), the previous frame's line is left as it is, and the canvas
//! is told so: the painter then need not compare that row with the screen.
//!
//! [`Canvas`]: super::paint::Canvas

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// How many lines the memo keeps for each screen row: the previous
/// frame's, and a few before it (the pages of a kiosk come back in turn).
const KEPT_PER_ROW: usize = 4;

/// What the memo did with a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// The previous frame's line, at the same place, on a row that still
    /// shows it: left as it is.
    Left,
    /// A line drawn alike in one of the last frames: its cells copied.
    Copied,
    /// Laid out (or nothing: the area was outside the buffer).
    Drawn,
}

/// The lines of the previous frames, by screen row.
#[derive(Debug, Default)]
pub struct LineMemo {
    /// For each row, the lines last drawn there, the latest first.
    rows: Vec<Vec<Drawn>>,
    /// The number of the frame being drawn.
    frame: u64,
    /// Lines laid out, and lines copied, since the memo was made (tests and
    /// benchmarks read them); of the lines copied, those left as the row
    /// showed them.
    pub drawn: u64,
    pub copied: u64,
    pub left: u64,
}

#[derive(Debug)]
struct Drawn {
    /// The frame that last drew or copied it.
    frame: u64,
    x: u16,
    width: u16,
    source: Source,
    cells: Vec<Cell>,
}

impl LineMemo {
    /// Starts a frame: only lines of the previous frame can be left.
    pub fn begin(&mut self) {
        self.frame += 1;
    }

    /// Forgets the line of a row that is drawn by something else.
    pub fn forget(&mut self, y: u16) {
        if let Some(row) = self.rows.get_mut(usize::from(y)) {
            row.clear();
        }
    }

    /// Where the line of row `y` of the previous frame was drawn (its
    /// first column and width), if the memo drew one there.
    pub fn span(&self, y: u16) -> Option<(u16, u16)> {
        self.rows
            .get(usize::from(y))?
            .first()
            .filter(|d| d.frame + 1 == self.frame)
            .map(|d| (d.x, d.width))
    }

    /// Draws `line` on the one-row `area` of `buf` (clearing it first), or,
    /// when one of the last frames drew the same line there, copies its
    /// cells. `shows_previous` says that the row of `buf` still shows the
    /// line the previous frame drew there through the memo, at the same
    /// place: that line, unchanged, is then left as it is.
    pub fn render(
        &mut self,
        line: &Line,
        area: Rect,
        buf: &mut Buffer,
        shows_previous: bool,
    ) -> Placed {
        self.place(
            area,
            buf,
            shows_previous,
            |source| matches!(source, Source::Line(l) if l == line),
            |area, buf| {
                super::line::render(line, area, buf);
                Source::Line(owned(line))
            },
        )
    }

    /// Like [`LineMemo::render`] for a line made by `make` from what
    /// `key` captures: when the key of the previous frame's line there is
    /// `same`, the line is not even made. The key must hold everything the
    /// line depends on; it is made only when the line is.
    pub fn render_keyed<'a, K: 'static>(
        &mut self,
        same: impl Fn(&K) -> bool,
        key: impl FnOnce() -> K,
        area: Rect,
        buf: &mut Buffer,
        shows_previous: bool,
        make: impl FnOnce() -> Line<'a>,
    ) -> Placed {
        self.place(
            area,
            buf,
            shows_previous,
            |source| matches!(source, Source::Key(k) if k.downcast_ref::<K>().is_some_and(&same)),
            |area, buf| {
                super::line::render(&make(), area, buf);
                Source::Key(Box::new(key()))
            },
        )
    }

    /// Leaves or copies the row when `same` says its source is unchanged;
    /// otherwise clears it and has `draw` draw it and say from what.
    fn place(
        &mut self,
        area: Rect,
        buf: &mut Buffer,
        shows_previous: bool,
        same: impl Fn(&Source) -> bool,
        draw: impl FnOnce(Rect, &mut Buffer) -> Source,
    ) -> Placed {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return Placed::Drawn;
        }
        let row = usize::from(area.y);
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let start = buf.index_of(area.x, area.y);
        let end = start + usize::from(area.width);
        let entries = &mut self.rows[row];
        let hit = entries
            .iter()
            .position(|d| d.x == area.x && d.width == area.width && same(&d.source));
        if let Some(i) = hit {
            // The previous frame's line, on a row that still shows it.
            let left = shows_previous && i == 0 && entries[0].frame + 1 == self.frame;
            if !left {
                buf.content[start..end].clone_from_slice(&entries[i].cells);
            }
            let mut drawn = entries.remove(i);
            drawn.frame = self.frame;
            entries.insert(0, drawn);
            self.copied += 1;
            self.left += u64::from(left);
            return if left { Placed::Left } else { Placed::Copied };
        }
        buf.content[start..end].fill(Cell::EMPTY);
        let source = draw(area, buf);
        self.drawn += 1;
        let entries = &mut self.rows[row];
        entries.truncate(KEPT_PER_ROW - 1);
        entries.insert(
            0,
            Drawn {
                frame: self.frame,
                x: area.x,
                width: area.width,
                source,
                cells: buf.content[start..end].to_vec(),
            },
        );
        Placed::Drawn
    }
}

/// What a row was drawn from.
enum Source {
    Line(Line<'static>),
    Key(Box<dyn std::any::Any>),
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Line(line) => line.fmt(f),
            Source::Key(_) => f.write_str("Key(..)"),
        }
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
        memo.begin();
        let placed = memo.render(&line, Rect::new(0, 1, 12, 1), &mut first, false);
        assert_eq!(placed, Placed::Drawn);
        let mut second = Buffer::empty(area);
        memo.begin();
        let placed = memo.render(&line.clone(), Rect::new(0, 1, 12, 1), &mut second, false);
        assert_eq!(placed, Placed::Copied, "a blank row is not left");
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
        memo.begin();
        memo.render(
            &Line::from("3 min"),
            Rect::new(0, 0, 12, 1),
            &mut buf,
            false,
        );
        let mut buf = Buffer::empty(area);
        memo.begin();
        memo.render(
            &Line::from("2 min"),
            Rect::new(0, 0, 12, 1),
            &mut buf,
            false,
        );
        assert_eq!(text(&buf, 0), "2 min       ");
        // Same text, another style: drawn again.
        memo.begin();
        memo.render(
            &Line::styled("2 min", Style::new().fg(Color::Blue)),
            Rect::new(0, 0, 12, 1),
            &mut buf,
            true,
        );
        assert_eq!(buf[(0, 0)].fg, Color::Blue);
        // Same line, narrower: drawn again, cut.
        let mut buf = Buffer::empty(area);
        memo.begin();
        memo.render(
            &Line::styled("2 min", Style::new().fg(Color::Blue)),
            Rect::new(0, 0, 3, 1),
            &mut buf,
            false,
        );
        assert_eq!(text(&buf, 0), "2 m         ");
        // Another row: its own entry.
        memo.render(
            &Line::from("2 min"),
            Rect::new(0, 2, 12, 1),
            &mut buf,
            false,
        );
        assert_eq!((memo.drawn, memo.copied), (5, 0));
        assert_eq!(text(&buf, 2), "2 min       ");
        // A line of an earlier frame is copied, not left, even on a row
        // said to show the previous frame's: that frame showed another.
        memo.begin();
        memo.begin();
        let mut buf = Buffer::empty(area);
        let placed = memo.render(&Line::from("2 min"), Rect::new(0, 2, 12, 1), &mut buf, true);
        assert_eq!(placed, Placed::Copied);
        assert_eq!((memo.drawn, memo.copied), (5, 1));
        assert_eq!(text(&buf, 2), "2 min       ");
    }

    #[test]
    fn lines_come_back_from_a_few_frames_before_and_no_more() {
        let area = Rect::new(0, 0, 8, 1);
        let row = Rect::new(0, 0, 8, 1);
        let mut memo = LineMemo::default();
        let pages = ["page 1", "page 2", "page 3", "page 4", "page 5"];
        for (n, page) in pages.iter().take(KEPT_PER_ROW).enumerate() {
            let mut buf = Buffer::empty(area);
            memo.begin();
            memo.render(&Line::from(*page), row, &mut buf, false);
            assert_eq!(memo.drawn, n as u64 + 1);
        }
        // The first page again: copied from its cells.
        let mut buf = Buffer::empty(area);
        memo.begin();
        let placed = memo.render(&Line::from("page 1"), row, &mut buf, true);
        assert_eq!(placed, Placed::Copied);
        assert_eq!((memo.drawn, memo.copied), (4, 1));
        assert_eq!(text(&buf, 0), "page 1  ");
        // A fifth line pushes out the oldest (page 2).
        memo.begin();
        memo.render(&Line::from("page 5"), row, &mut buf, false);
        memo.begin();
        memo.render(&Line::from("page 2"), row, &mut buf, false);
        assert_eq!((memo.drawn, memo.copied), (6, 1));
        assert_eq!(text(&buf, 0), "page 2  ");
    }

    #[test]
    fn rows_outside_the_buffer_are_ignored() {
        let mut memo = LineMemo::default();
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        memo.render(&Line::from("x"), Rect::new(0, 5, 4, 1), &mut buf, false);
        memo.render(&Line::from("x"), Rect::new(9, 0, 4, 1), &mut buf, false);
        assert_eq!((memo.drawn, memo.copied), (0, 0));
    }

    #[test]
    fn over_the_previous_frame_an_unchanged_line_is_left_and_a_changed_one_cleared() {
        let area = Rect::new(0, 0, 8, 2);
        let mut memo = LineMemo::default();
        let mut buf = Buffer::empty(area);
        memo.begin();
        memo.render(
            &Line::from("12 min"),
            Rect::new(0, 0, 8, 1),
            &mut buf,
            false,
        );
        memo.render(&Line::from("T1"), Rect::new(0, 1, 8, 1), &mut buf, false);
        memo.begin();
        // Row 1 left alone: a mark put there by hand stays.
        buf[(7, 1)].set_symbol("!");
        let placed = memo.render(&Line::from("9 min"), Rect::new(0, 0, 8, 1), &mut buf, true);
        assert_eq!(placed, Placed::Drawn);
        let placed = memo.render(&Line::from("T1"), Rect::new(0, 1, 8, 1), &mut buf, true);
        assert_eq!(placed, Placed::Left);
        assert_eq!(text(&buf, 0), "9 min   ", "the longer old text is cleared");
        assert_eq!(text(&buf, 1), "T1     !");
        // A forgotten row is drawn again.
        memo.forget(1);
        memo.begin();
        let placed = memo.render(&Line::from("T1"), Rect::new(0, 1, 8, 1), &mut buf, true);
        assert_eq!(placed, Placed::Drawn);
        assert_eq!(text(&buf, 1), "T1      ");
    }
}
