//! Writing frames to the terminal, comparing only the rows that may have
//! changed.
//!
//! ratatui clears a whole buffer for each frame, has every cell drawn again
//! and compares every cell with the previous frame before writing the
//! difference. On a board left alone, where two or three rows change each
//! second (the clock, the age, a countdown), that was most of the work, and
//! most of it touching memory gone cold since the previous second. The
//! painter draws each frame over the previous one, in place, keeps what
//! the terminal shows, and compares only the rows the frame did not declare
//! unchanged.

use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{Frame, Terminal};

/// What the terminal shows, and whether that is known for sure.
#[derive(Debug)]
pub struct Painter {
    shown: Buffer,
    /// Frames since the terminal's size was last asked.
    unchecked: u32,
    /// The last frame was written whole and declared its kept rows (so
    /// nothing was drawn over them): `shown` is the screen, and the next
    /// frame's kept rows can be trusted.
    trusted: bool,
}

impl Default for Painter {
    fn default() -> Painter {
        Painter {
            shown: Buffer::empty(Rect::ZERO),
            unchecked: 0,
            trusted: false,
        }
    }
}

impl Painter {
    /// Draws a frame with `render` and writes what changed.
    ///
    /// `render` is told whether it draws in place, over the previous frame
    /// as the terminal shows it (it must then clear what it draws, and may
    /// leave rows alone), or on a blank buffer. It may return the rows it
    /// left or drew exactly as in the previous frame (see
    /// [`LineMemo::kept`]); they are not compared. Returning `None`
    /// (something may have been drawn over them) makes the next frame
    /// start blank and compare every row, as do a resize and a failed
    /// write.
    ///
    /// The terminal's size is asked when `resized` says it may have
    /// changed, and every tenth frame in case a resize went unnoticed.
    ///
    /// [`LineMemo::kept`]: super::memo::LineMemo::kept
    pub fn draw<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        resized: bool,
        render: impl FnOnce(&mut Frame, bool) -> Option<Vec<u16>>,
    ) -> Result<(), B::Error> {
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
            self.trusted = false;
        }
        let in_place = self.trusted;
        if !in_place {
            frame.buffer_mut().reset();
        }
        let kept = render(&mut frame, in_place);
        let declared = kept.is_some();
        let mut compare = vec![true; usize::from(area.height)];
        if self.trusted {
            for y in kept.unwrap_or_default() {
                if let Some(row) = y
                    .checked_sub(area.y)
                    .and_then(|r| compare.get_mut(usize::from(r)))
                {
                    *row = false;
                }
            }
        }
        self.trusted = false;

        // The runs of rows to compare, as (before, after) pairs of buffers.
        let width = usize::from(area.width);
        let next = terminal.current_buffer_mut();
        let mut runs: Vec<(Buffer, Buffer)> = Vec::new();
        let mut first = 0;
        while first < compare.len() {
            if !compare[first] {
                first += 1;
                continue;
            }
            let end = (first..compare.len())
                .find(|&r| !compare[r])
                .unwrap_or(compare.len());
            let rect = Rect {
                y: area.y + first as u16,
                height: (end - first) as u16,
                ..area
            };
            let cells = first * width..end * width;
            runs.push((
                Buffer {
                    area: rect,
                    content: self.shown.content[cells.clone()].to_vec(),
                },
                Buffer {
                    area: rect,
                    content: next.content[cells].to_vec(),
                },
            ));
            first = end;
        }
        terminal
            .backend_mut()
            .draw(runs.iter().flat_map(|(before, after)| before.diff(after)))?;
        terminal.hide_cursor()?;
        // No swap: the next frame is drawn over this one.
        Backend::flush(terminal.backend_mut())?;
        for (_, after) in runs {
            let start = usize::from(after.area.y - area.y) * width;
            self.shown.content[start..start + after.content.len()].clone_from_slice(&after.content);
        }
        self.trusted = declared;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::text::Line;
    use ratatui::widgets::Clear;

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

    /// Clears the rows of `rows`, as a frame drawn in place must.
    fn clear(f: &mut Frame, rows: &[u16]) {
        for &y in rows {
            f.render_widget(Clear, Rect::new(0, y, f.area().width, 1));
        }
    }

    #[test]
    fn kept_rows_are_not_written_and_the_others_are() {
        let mut terminal = Terminal::new(TestBackend::new(6, 3)).unwrap();
        let mut painter = Painter::default();
        painter
            .draw(&mut terminal, false, |f, in_place| {
                assert!(!in_place, "the first frame starts blank");
                f.render_widget(Line::from("a"), Rect::new(0, 0, 6, 1));
                f.render_widget(Line::from("b"), Rect::new(0, 1, 6, 1));
                // Not trusted yet: every row is written anyway.
                Some(vec![0, 1, 2])
            })
            .unwrap();
        assert_eq!(screen(&terminal), ["a     ", "b     ", "      "]);
        painter
            .draw(&mut terminal, false, |f, in_place| {
                assert!(in_place);
                // Row 1 is left as it is and declared kept.
                clear(f, &[0, 2]);
                f.render_widget(Line::from("a"), Rect::new(0, 0, 6, 1));
                f.render_widget(Line::from("c"), Rect::new(0, 2, 6, 1));
                Some(vec![1])
            })
            .unwrap();
        assert_eq!(screen(&terminal), ["a     ", "b     ", "c     "]);
        painter
            .draw(&mut terminal, false, |f, in_place| {
                assert!(in_place);
                // Row 1 is declared kept but drawn anew: it is not
                // compared, so the terminal keeps "b" (the declaration is
                // trusted, which is what makes it cheap).
                clear(f, &[0, 1, 2]);
                f.render_widget(Line::from("x"), Rect::new(0, 1, 6, 1));
                f.render_widget(Line::from("y"), Rect::new(0, 2, 6, 1));
                Some(vec![1])
            })
            .unwrap();
        assert_eq!(screen(&terminal), ["      ", "b     ", "y     "]);
        painter
            .draw(&mut terminal, false, |f, in_place| {
                assert!(in_place);
                clear(f, &[0, 1, 2]);
                f.render_widget(Line::from("w"), Rect::new(0, 0, 6, 1));
                None
            })
            .unwrap();
        assert_eq!(screen(&terminal), ["w     ", "      ", "      "]);
        // The frame before declared nothing (a pane over the rows, say):
        // this one starts blank and is compared whole.
        painter
            .draw(&mut terminal, false, |f, in_place| {
                assert!(!in_place);
                f.render_widget(Line::from("z"), Rect::new(0, 2, 6, 1));
                Some(vec![0, 1])
            })
            .unwrap();
        assert_eq!(screen(&terminal), ["      ", "      ", "z     "]);
    }

    #[test]
    fn a_resize_compares_everything() {
        let mut terminal = Terminal::new(TestBackend::new(6, 3)).unwrap();
        let mut painter = Painter::default();
        let draw = |painter: &mut Painter, terminal: &mut Terminal<TestBackend>| {
            painter
                .draw(terminal, true, |f, _| {
                    f.render_widget(Line::from("abc"), Rect::new(0, 0, 6, 1));
                    Some(vec![0])
                })
                .unwrap();
        };
        draw(&mut painter, &mut terminal);
        terminal.backend_mut().resize(4, 2);
        draw(&mut painter, &mut terminal);
        assert_eq!(screen(&terminal), ["abc ", "    "]);
    }
}
