//! Writing frames to the terminal, comparing row by row what the terminal
//! shows.
//!
//! ratatui keeps the previous frame, has every cell of the next one drawn
//! on a cleared buffer, compares the two cell by cell (measuring each
//! symbol's width) and writes the difference; it also asks the terminal's
//! size before every frame. On a screen left alone, where two or three rows
//! change each second (the clock, the age, a countdown), that was most of
//! the work. The painter keeps what it last wrote, compares the next frame
//! with it a row at a time (a row equal to the one shown is a plain
//! comparison of its cells, and is not written), and hands only the rows
//! that differ to ratatui's comparison.
//!
//! Frames are drawn through a [`Canvas`] ([`Painter::paint_lines`]): lines
//! through the line memo, anything else as a widget or on the frame lent
//! for it. The canvas sees every drawing, so it knows which rows hold only
//! a line the memo left unchanged: the next frame is drawn over this one
//! when it held lines only, those rows are neither copied nor compared,
//! and every other row is. Nothing is taken on the caller's word. (The
//! board and the kiosk.)

use ratatui::backend::{Backend, ClearType};
use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::{Frame, Terminal};

use super::memo::{LineMemo, Placed};

/// What the terminal shows.
#[derive(Debug)]
pub struct Painter {
    shown: Buffer,
    /// Frames since the terminal's size was last asked.
    unchecked: u32,
    /// What the terminal shows is not known (a write failed, or the
    /// terminal was cleared behind the painter's back): the next frame
    /// clears the screen and writes everything.
    unknown: bool,
    /// The last frame was drawn through a [`Canvas`] with one line of the
    /// memo on each row it drew and nothing else: it is the screen, and the
    /// next frame may be drawn over it.
    lines_only: bool,
    /// The rows nothing drew on in the last frame, written blank: drawn
    /// over, a row still untouched is blank as shown, and is neither
    /// cleared nor compared again.
    blank: Vec<bool>,
}

impl Default for Painter {
    fn default() -> Painter {
        Painter {
            shown: Buffer::empty(Rect::ZERO),
            unchecked: 0,
            unknown: true,
            lines_only: false,
            blank: Vec::new(),
        }
    }
}

impl Painter {
    /// Draws a frame through a [`Canvas`]: lines through `memo`, anything
    /// else as widgets. When the previous frame was drawn through a canvas
    /// with lines only, this one is drawn over it: a line the memo finds
    /// unchanged is left as the screen shows it and not compared. Whether
    /// that holds follows from what the canvas was asked to draw, not from
    /// what the caller says.
    pub fn paint_lines<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        resized: bool,
        memo: &mut LineMemo,
        render: impl FnOnce(&mut Canvas),
    ) -> Result<(), B::Error> {
        if self.unknown {
            self.clear(terminal)?;
        }
        if resized || self.unchecked >= 10 || self.shown.area.is_empty() {
            terminal.autoresize()?;
            self.unchecked = 0;
        }
        self.unchecked += 1;
        let mut frame = terminal.get_frame();
        let area = frame.area();
        if self.shown.area != area {
            // A resize clears the screen.
            self.shown = Buffer::empty(area);
            self.lines_only = false;
        }
        let in_place = self.lines_only;
        self.lines_only = false;
        if !in_place {
            frame.buffer_mut().reset();
        }
        memo.begin();
        let mut canvas = Canvas {
            frame: &mut frame,
            memo,
            in_place,
            rows: vec![RowUse::Untouched; usize::from(area.height)],
            lines_only: true,
        };
        render(&mut canvas);
        let Canvas {
            rows, lines_only, ..
        } = canvas;
        // Rows nothing drew are blank; in place, they still hold the
        // previous frame.
        let buf = frame.buffer_mut();
        let width = usize::from(area.width);
        let mut unchanged = Vec::new();
        for (r, used) in rows.iter().enumerate() {
            match used {
                // Blank in the last frame too: as the screen shows it.
                RowUse::Untouched if in_place && self.blank.get(r) == Some(&true) => {
                    unchanged.push(r)
                }
                RowUse::Untouched if in_place => {
                    buf.content[r * width..(r + 1) * width].fill(Cell::EMPTY);
                    memo.forget(area.y + r as u16);
                }
                RowUse::Kept => unchanged.push(r),
                _ => {}
            }
        }
        self.write(terminal, &unchanged)?;
        self.lines_only = lines_only;
        self.blank.clear();
        self.blank
            .extend(rows.iter().map(|used| *used == RowUse::Untouched));
        Ok(())
    }

    /// Writes the rows of the terminal's current buffer that differ from
    /// what it shows, but for the rows `unchanged` (indices from the top),
    /// known to be as shown.
    fn write<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        unchanged: &[usize],
    ) -> Result<(), B::Error> {
        // A failed write leaves the screen unknown.
        self.unknown = true;
        self.lines_only = false;
        let area = terminal.current_buffer_mut().area;
        let runs = changed_runs(&mut self.shown, terminal.current_buffer_mut(), unchanged);
        terminal
            .backend_mut()
            .draw(runs.iter().flat_map(|(before, after)| before.diff(after)))?;
        terminal.hide_cursor()?;
        // No swap: the next frame is drawn on this frame's buffer, cleared.
        Backend::flush(terminal.backend_mut())?;
        let width = usize::from(area.width);
        for (_, after) in runs {
            let start =
                usize::from(after.area.y - area.y) * width + usize::from(after.area.x - area.x);
            let shown = &mut self.shown.content[start..start + after.content.len()];
            for (shown, cell) in shown.iter_mut().zip(after.content) {
                *shown = cell;
            }
        }
        self.unknown = false;
        Ok(())
    }

    /// Clears the screen; the next frame is written whole. (Not with
    /// `Terminal::clear`, which asks the terminal where its cursor is and
    /// waits for the answer.)
    pub fn clear<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> Result<(), B::Error> {
        self.unknown = true;
        terminal.backend_mut().clear_region(ClearType::All)?;
        self.shown = Buffer::empty(Rect::ZERO);
        self.unknown = false;
        Ok(())
    }
}

/// The parts of the rows of `next` that differ from `shown` (of the same
/// area), as (before, after) pairs of one-row buffers; the rows
/// `unchanged` are not compared. The cells of `before` are taken out of
/// `shown`, which gets those of `after` once they are written.
///
/// ratatui's comparison measures every cell it goes over; a row of a board
/// that changed, changed in a few cells (a countdown, the clock). So only
/// the part of the row from its first changed cell to a little past its
/// last is handed to it (see [`changed_span`]), which finds there exactly
/// the cells it finds comparing the whole row.
fn changed_runs(shown: &mut Buffer, next: &Buffer, unchanged: &[usize]) -> Vec<(Buffer, Buffer)> {
    let area = next.area;
    let width = usize::from(area.width);
    let mut differs: Vec<bool> = vec![true; usize::from(area.height)];
    for &r in unchanged {
        if let Some(row) = differs.get_mut(r) {
            *row = false;
        }
    }
    let mut runs = Vec::new();
    if width == 0 {
        return runs;
    }
    for (r, differs) in differs.iter().enumerate() {
        let row = r * width..(r + 1) * width;
        let span = match *differs {
            true => changed_span(&shown.content[row.clone()], &next.content[row.clone()]),
            false => None,
        };
        let Some(span) = span else {
            continue;
        };
        let rect = Rect {
            x: area.x + span.start as u16,
            y: area.y + r as u16,
            width: span.len() as u16,
            height: 1,
        };
        let cells = row.start + span.start..row.start + span.end;
        runs.push((
            Buffer {
                area: rect,
                content: shown.content[cells.clone()]
                    .iter_mut()
                    .map(std::mem::take)
                    .collect(),
            },
            Buffer {
                area: rect,
                content: next.content[cells].to_vec(),
            },
        ));
    }
    runs
}

/// How far past the last changed cell of a row ratatui's comparison may
/// still write: the columns of a wide symbol written over, at most (no
/// symbol is this wide).
const TAIL: usize = 8;

/// The part of a row that ratatui's comparison needs to go over to find
/// what changed from `before` to `after`, if anything did: from the first
/// changed cell (or from the wide symbol that covers it) to [`TAIL`] cells
/// past the last one, or the row's end.
fn changed_span(before: &[Cell], after: &[Cell]) -> Option<std::ops::Range<usize>> {
    let differs = |(b, a): (&Cell, &Cell)| !same_cell(b, a);
    let first = before.iter().zip(after).position(differs)?;
    let last = before.iter().zip(after).rposition(differs).unwrap_or(first);
    // The comparison goes from cell to cell, over the columns a wide
    // symbol covers: it starts at the cell where it would arrive.
    let mut start = 0;
    let mut x = 0;
    while x < first {
        start = x;
        x += width(&after[x]);
    }
    if x == first {
        start = first;
    }
    Some(start..(last + 1 + TAIL).min(after.len()))
}

/// How many columns ratatui's comparison moves over an unchanged cell:
/// those its symbol takes, found quickly for a single ASCII character.
#[allow(deprecated)] // `skip` still makes the comparison move by one.
fn width(cell: &Cell) -> usize {
    if cell.skip {
        return 1;
    }
    match (cell.diff_option, cell.symbol().as_bytes()) {
        (CellDiffOption::ForcedWidth(w), _) => usize::from(w.get()),
        (CellDiffOption::None, [b]) if b.is_ascii() => 1,
        _ => usize::from(cell.cell_width()).max(1),
    }
}

/// What drew on a row of a frame drawn through a [`Canvas`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowUse {
    Untouched,
    /// One line of the memo, left in place as the previous frame drew it.
    Kept,
    /// One line of the memo, drawn or copied.
    Line,
    /// Anything else: several lines, a widget.
    Other,
}

/// A frame being drawn for [`Painter::paint_lines`]: every drawing goes
/// through it, so that it knows which rows hold one unchanged line only.
pub struct Canvas<'a, 'f> {
    frame: &'a mut Frame<'f>,
    memo: &'a mut LineMemo,
    in_place: bool,
    rows: Vec<RowUse>,
    lines_only: bool,
}

impl<'a, 'f> Canvas<'a, 'f> {
    /// A canvas drawing on `frame` as it is (blank, for a frame drawn from
    /// scratch), without a painter; `memo` begins a frame.
    pub fn new(frame: &'a mut Frame<'f>, memo: &'a mut LineMemo) -> Canvas<'a, 'f> {
        memo.begin();
        let rows = vec![RowUse::Untouched; usize::from(frame.area().height)];
        Canvas {
            frame,
            memo,
            in_place: false,
            rows,
            lines_only: true,
        }
    }

    /// The frame's area.
    pub fn area(&self) -> Rect {
        self.frame.area()
    }

    /// Draws `line` on the one-row `area` through the memo.
    pub fn line(&mut self, line: &Line, area: Rect) {
        self.through_memo(area, |memo, area, buf, shown| {
            memo.render(line, area, buf, shown)
        });
    }

    /// Draws the line `make` makes on the one-row `area` through the memo,
    /// keyed (see [`LineMemo::render_keyed`]): when the key of the previous
    /// frame's line there is `same`, the line is not even made.
    pub fn line_keyed<'l, K: 'static>(
        &mut self,
        same: impl Fn(&K) -> bool,
        key: impl FnOnce() -> K,
        area: Rect,
        make: impl FnOnce() -> Line<'l>,
    ) {
        self.through_memo(area, |memo, area, buf, shown| {
            memo.render_keyed(same, key, area, buf, shown, make)
        });
    }

    /// Draws a line through the memo with `draw`, told whether the row
    /// still shows the line the previous frame drew there.
    fn through_memo(
        &mut self,
        area: Rect,
        draw: impl FnOnce(&mut LineMemo, Rect, &mut Buffer, bool) -> Placed,
    ) {
        let frame_area = self.frame.area();
        let area = Rect { height: 1, ..area }.intersection(frame_area);
        if area.is_empty() {
            return;
        }
        let r = usize::from(area.y - frame_area.y);
        let first = self.rows[r] == RowUse::Untouched;
        // In place, the row still shows the previous frame's line when the
        // memo drew one at the same place (that frame held lines only);
        // otherwise the row starts blank.
        let shown = self.in_place && first && self.memo.span(area.y) == Some((area.x, area.width));
        if self.in_place && first && !shown {
            self.clear_row(r);
        }
        let placed = draw(self.memo, area, self.frame.buffer_mut(), shown);
        self.rows[r] = match (first, placed) {
            (true, Placed::Left) => RowUse::Kept,
            (true, _) => RowUse::Line,
            (false, _) => {
                self.lines_only = false;
                RowUse::Other
            }
        };
    }

    /// Draws a widget on `area`; its rows are compared with the screen, and
    /// the next frame starts blank.
    pub fn widget<W: ratatui::widgets::Widget>(&mut self, widget: W, area: Rect) {
        let frame_area = self.frame.area();
        let area = area.intersection(frame_area);
        self.lines_only = false;
        for y in area.top()..area.bottom() {
            let r = usize::from(y - frame_area.y);
            if self.in_place && self.rows[r] == RowUse::Untouched {
                self.clear_row(r);
            }
            self.rows[r] = RowUse::Other;
            self.memo.forget(y);
        }
        self.frame.render_widget(widget, area);
    }

    /// Lends the frame to code that draws on it directly (a pane written
    /// for a `Frame`): every row is then compared with the screen, and the
    /// next frame starts blank.
    pub fn frame(&mut self, draw: impl FnOnce(&mut Frame)) {
        self.lines_only = false;
        for r in 0..self.rows.len() {
            if self.in_place && self.rows[r] == RowUse::Untouched {
                self.clear_row(r);
            }
            self.rows[r] = RowUse::Other;
            let y = self.frame.area().y + r as u16;
            self.memo.forget(y);
        }
        draw(self.frame);
    }

    /// Blanks row `r` (from the top) that still holds the previous frame.
    fn clear_row(&mut self, r: usize) {
        let buf = self.frame.buffer_mut();
        let width = usize::from(buf.area.width);
        buf.content[r * width..(r + 1) * width].fill(Cell::EMPTY);
        self.memo.forget(buf.area.y + r as u16);
    }
}

/// Whether two cells are the same, and may be left as the terminal shows
/// them. `Cell`'s own comparison, field by field, but with the short
/// symbols of a board compared without a call to `memcmp` (ratatui's
/// comparison of a row was half the cost of a frame). A cell asking to be
/// written whatever the previous frame showed differs.
#[allow(deprecated)] // `skip` is still part of a cell's equality.
#[inline]
fn same_cell(a: &Cell, b: &Cell) -> bool {
    a.fg == b.fg
        && a.bg == b.bg
        && a.modifier == b.modifier
        && a.underline_color == b.underline_color
        && a.diff_option == CellDiffOption::None
        && b.diff_option == CellDiffOption::None
        && a.skip == b.skip
        && same_symbol(a.symbol().as_bytes(), b.symbol().as_bytes())
}

fn same_symbol(a: &[u8], b: &[u8]) -> bool {
    match (a, b) {
        ([x], [y]) => x == y,
        ([x0, x1, x2], [y0, y1, y2]) => x0 == y0 && x1 == y1 && x2 == y2,
        ([x0, x1], [y0, y1]) => x0 == y0 && x1 == y1,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::style::{Color, Modifier, Style};
    use ratatui::text::Line;
    use unicode_width::UnicodeWidthStr;

    fn screen(terminal: &Terminal<TestBackend>) -> Vec<String> {
        let buf = terminal.backend().buffer();
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect()
    }

    /// Drawn over a frame of lines only, a row whose line is unchanged is
    /// left and not compared with the screen; a changed one is written.
    /// (What the painter holds as shown is marked behind its back: a row
    /// compared would be written again and lose the mark.)
    #[test]
    fn a_line_left_unchanged_is_not_compared() {
        let mut terminal = Terminal::new(TestBackend::new(6, 2)).unwrap();
        let mut painter = Painter::default();
        let mut memo = LineMemo::default();
        let paint = |painter: &mut Painter,
                     terminal: &mut Terminal<TestBackend>,
                     memo: &mut LineMemo,
                     second| {
            painter
                .paint_lines(terminal, false, memo, |c| {
                    c.line(&Line::from("a"), Rect::new(0, 0, 6, 1));
                    c.line(&Line::from(second), Rect::new(0, 1, 6, 1));
                })
                .unwrap();
        };
        paint(&mut painter, &mut terminal, &mut memo, "b");
        paint(&mut painter, &mut terminal, &mut memo, "b");
        for y in 0..2 {
            painter.shown[(5, y)].set_symbol("!");
        }
        paint(&mut painter, &mut terminal, &mut memo, "c");
        assert_eq!(screen(&terminal), ["a     ", "c     "]);
        assert_eq!(painter.shown[(5, 0)].symbol(), "!", "row 0 was compared");
        assert_eq!(painter.shown[(5, 1)].symbol(), " ", "row 1 was written");
        // A widget makes the next frame start blank and compare every row.
        painter
            .paint_lines(&mut terminal, false, &mut memo, |c| {
                c.widget(Line::from("w"), Rect::new(0, 1, 6, 1));
            })
            .unwrap();
        painter.shown[(5, 0)].set_symbol("!");
        paint(&mut painter, &mut terminal, &mut memo, "c");
        assert_eq!(screen(&terminal), ["a     ", "c     "]);
        assert_eq!(painter.shown[(5, 0)].symbol(), " ");
    }

    /// A row left blank in two frames drawn in place is neither cleared
    /// nor compared in the second; a row drawn blank again after a line is.
    #[test]
    fn a_row_left_blank_again_is_not_compared() {
        let mut terminal = Terminal::new(TestBackend::new(6, 3)).unwrap();
        let mut painter = Painter::default();
        let mut memo = LineMemo::default();
        let paint = |painter: &mut Painter,
                     terminal: &mut Terminal<TestBackend>,
                     memo: &mut LineMemo,
                     second: Option<&str>| {
            painter
                .paint_lines(terminal, false, memo, |c| {
                    c.line(&Line::from("a"), Rect::new(0, 0, 6, 1));
                    if let Some(second) = second {
                        c.line(&Line::from(second), Rect::new(0, 1, 6, 1));
                    }
                })
                .unwrap();
        };
        paint(&mut painter, &mut terminal, &mut memo, Some("b"));
        paint(&mut painter, &mut terminal, &mut memo, None);
        assert_eq!(screen(&terminal), ["a     ", "      ", "      "]);
        for y in 1..3 {
            painter.shown[(5, y)].set_symbol("!");
        }
        paint(&mut painter, &mut terminal, &mut memo, None);
        assert_eq!(screen(&terminal), ["a     ", "      ", "      "]);
        assert_eq!(painter.shown[(5, 1)].symbol(), "!", "row 1 was compared");
        assert_eq!(painter.shown[(5, 2)].symbol(), "!", "row 2 was compared");
        // Drawn on again, then left blank: cleared and written.
        paint(&mut painter, &mut terminal, &mut memo, Some("c"));
        paint(&mut painter, &mut terminal, &mut memo, None);
        assert_eq!(screen(&terminal), ["a     ", "      ", "      "]);
        assert_eq!(painter.shown[(5, 1)].symbol(), " ");
    }

    /// Frames through a canvas, drawn in place when the previous one held
    /// lines only, are the frames drawn from scratch: lines kept, changed,
    /// moved, two on a row, rows left empty, a pane over the lines and
    /// closed again.
    #[test]
    fn frames_through_a_canvas_are_the_frames_drawn_from_scratch() {
        type Frame = Vec<(u16, u16, &'static str)>;
        let frames: Vec<(Frame, u8)> = vec![
            (vec![(0, 0, "a"), (0, 1, "b"), (0, 2, "c")], 0),
            (vec![(0, 0, "a"), (0, 1, "b"), (0, 2, "c")], 0),
            (vec![(0, 0, "a"), (0, 1, "B"), (0, 2, "c")], 0),
            // Moved one column: not left in place.
            (vec![(1, 0, "a"), (0, 1, "B")], 0),
            (vec![(1, 0, "a"), (0, 1, "B"), (3, 1, "x")], 0),
            (vec![(1, 0, "a"), (0, 1, "B"), (0, 2, "c")], 1),
            (vec![(1, 0, "a"), (0, 1, "B"), (0, 2, "c")], 0),
            (vec![(1, 0, "a")], 0),
            (vec![(1, 0, "a"), (0, 2, "c")], 0),
            (vec![(1, 0, "a"), (0, 2, "c")], 2),
            (vec![(1, 0, "a"), (0, 2, "c")], 0),
            (vec![(1, 0, "a"), (0, 2, "c")], 0),
        ];
        // Panes: 1 a widget, 2 drawn on the lent frame.
        let draw = |c: &mut Canvas, lines: &Frame, pane: u8| {
            for &(x, y, text) in lines {
                c.line(&Line::from(text), Rect::new(x, y, 6 - x, 1));
            }
            let widget = Line::styled("pane", Style::new().bg(Color::Blue));
            match pane {
                1 => c.widget(widget, Rect::new(1, 1, 4, 1)),
                2 => c.frame(|f| f.render_widget(widget, Rect::new(2, 0, 4, 3))),
                _ => {}
            }
        };
        let mut terminal = Terminal::new(TestBackend::new(6, 3)).unwrap();
        let mut painter = Painter::default();
        let mut memo = LineMemo::default();
        for (i, (lines, pane)) in frames.iter().enumerate() {
            painter
                .paint_lines(&mut terminal, false, &mut memo, |c| draw(c, lines, *pane))
                .unwrap();
            let mut fresh = Terminal::new(TestBackend::new(6, 3)).unwrap();
            let mut fresh_memo = LineMemo::default();
            fresh
                .draw(|f| draw(&mut Canvas::new(f, &mut fresh_memo), lines, *pane))
                .unwrap();
            assert_eq!(
                terminal.backend().buffer(),
                fresh.backend().buffer(),
                "frame {i}"
            );
        }
        assert!(memo.copied >= 5, "{}", memo.copied);
    }

    /// What ratatui's comparison finds in the spans handed to it is what
    /// it finds comparing whole rows, for rows of narrow, wide and empty
    /// symbols, styles, and cells that ask to be written or skipped.
    #[test]
    fn spans_are_compared_as_whole_rows_are() {
        let width = 24;
        let area = Rect::new(3, 2, width, 6);
        let mut state = 7u64;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let symbols = ["a", " ", "é", "東", "👍🏽", "❤\u{fe0f}", ""];
        let mut compared = 0;
        for _ in 0..400 {
            let mut before = Buffer::empty(area);
            for y in area.top()..area.bottom() {
                let mut x = area.left();
                while x + 1 < area.right() {
                    let symbol = symbols[next(symbols.len() as u64) as usize];
                    before[(x, y)].set_symbol(symbol);
                    if next(5) == 0 {
                        before[(x, y)].set_bg(Color::Blue);
                    }
                    x += symbol.width().max(1) as u16;
                }
            }
            let mut after = before.clone();
            for _ in 0..next(6) {
                let (x, y) = (
                    area.x + next(u64::from(width) - 1) as u16,
                    area.y + next(6) as u16,
                );
                match next(5) {
                    0 => after[(x, y)].set_symbol(symbols[next(symbols.len() as u64) as usize]),
                    1 => after[(x, y)].set_fg(Color::Red),
                    2 => after[(x, y)].set_diff_option(CellDiffOption::AlwaysUpdate),
                    3 => after[(x, y)].set_diff_option(CellDiffOption::Skip),
                    _ => after[(x, y)].set_symbol("b"),
                };
            }
            let whole: Vec<(u16, u16, Cell)> = before
                .diff(&after)
                .into_iter()
                .map(|(x, y, c)| (x, y, c.clone()))
                .collect();
            let mut shown = before.clone();
            let runs = changed_runs(&mut shown, &after, &[]);
            let spans: Vec<(u16, u16, Cell)> = runs
                .iter()
                .flat_map(|(b, a)| b.diff(a))
                .map(|(x, y, c)| (x, y, c.clone()))
                .collect();
            assert_eq!(spans, whole, "{before:?}\n{after:?}");
            compared += runs.iter().map(|(_, a)| a.content.len()).sum::<usize>();
        }
        assert!(compared < 400 * 6 * usize::from(width) / 2, "{compared}");
    }

    #[test]
    fn only_the_rows_that_differ_are_handed_to_the_comparison() {
        let area = Rect::new(0, 0, 4, 5);
        let shown = Buffer::with_lines(["abcd", "efgh", "ijkl", "mnop", "qrst"]);
        let mut next = shown.clone();
        assert!(changed_runs(&mut shown.clone(), &next, &[]).is_empty());
        next[(1, 1)].set_symbol("X");
        next[(0, 2)].set_fg(Color::Red);
        next[(3, 4)].set_symbol("Y");
        let runs = changed_runs(&mut shown.clone(), &next, &[]);
        let rows: Vec<(u16, u16)> = runs
            .iter()
            .map(|(_, a)| (a.area.y, a.area.height))
            .collect();
        assert_eq!(rows, [(1, 1), (2, 1), (4, 1)]);
        for (before, after) in &runs {
            assert_eq!(before.area, after.area);
            assert!(area.contains(after.area.as_position()));
        }
        let cells: Vec<(u16, u16)> = runs
            .iter()
            .flat_map(|(b, a)| b.diff(a).into_iter().map(|(x, y, _)| (x, y)))
            .collect();
        assert_eq!(cells, [(1, 1), (0, 2), (3, 4)]);
        // Rows known to be unchanged are not compared.
        let rows: Vec<(u16, u16)> = changed_runs(&mut shown.clone(), &next, &[2, 4])
            .iter()
            .map(|(_, a)| (a.area.y, a.area.height))
            .collect();
        assert_eq!(rows, [(1, 1)]);
    }

    #[test]
    fn rows_are_the_same_exactly_when_their_cells_are_equal() {
        let mut cells = Vec::new();
        for symbol in [
            " ", "a", "b", "é", "─", "▀", "█", "東", "e\u{301}", "👍🏽", "",
        ] {
            for fg in [Color::Reset, Color::Red, Color::Rgb(1, 2, 3)] {
                for modifier in [Modifier::empty(), Modifier::BOLD] {
                    let mut cell = Cell::new(symbol);
                    cell.set_fg(fg).modifier = modifier;
                    cells.push(cell);
                }
            }
        }
        let mut odd = Cell::new("a");
        odd.set_bg(Color::Blue);
        cells.push(odd.clone());
        odd.underline_color = Color::Green;
        cells.push(odd.clone());
        odd.set_diff_option(CellDiffOption::Skip);
        cells.push(odd);
        cells.push(Cell::EMPTY);
        let mut pairs = 0;
        for a in &cells {
            for b in &cells {
                // A cell with a diff option is always handed to ratatui.
                let plain = a.diff_option == CellDiffOption::None;
                assert_eq!(same_cell(a, b), a == b && plain, "{a:?} {b:?}");
                pairs += usize::from(a == b);
            }
        }
        assert!(
            pairs > cells.len(),
            "some cells differ but are equal: {pairs}"
        );
        let row = &cells[..cells.len() - 2];
        let copy = row.to_vec();
        assert_eq!(changed_span(row, copy.as_slice()), None);
        assert!(changed_span(&row[1..], &row[..row.len() - 1]).is_some());
        let copy = cells.clone();
        assert!(changed_span(&cells, &copy).is_some(), "a skipped cell");
    }

    #[test]
    fn a_resize_or_a_clear_writes_everything_again() {
        let mut terminal = Terminal::new(TestBackend::new(6, 3)).unwrap();
        let mut painter = Painter::default();
        let mut memo = LineMemo::default();
        let mut draw = |painter: &mut Painter, terminal: &mut Terminal<TestBackend>| {
            painter
                .paint_lines(terminal, true, &mut memo, |c| {
                    c.line(&Line::from("abc"), Rect::new(0, 0, 6, 1))
                })
                .unwrap();
        };
        draw(&mut painter, &mut terminal);
        terminal.backend_mut().resize(4, 2);
        draw(&mut painter, &mut terminal);
        assert_eq!(screen(&terminal), ["abc ", "    "]);
        painter.clear(&mut terminal).unwrap();
        assert_eq!(screen(&terminal), ["    ", "    "]);
        draw(&mut painter, &mut terminal);
        assert_eq!(screen(&terminal), ["abc ", "    "]);
    }
}
