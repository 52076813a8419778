//! Cells to the bytes a terminal reads.
//!
//! ratatui's crossterm backend writes a frame cell by cell: each symbol is
//! one formatted write, and on the standard output each write takes its
//! lock and looks for a line end. [`encode`] writes the same bytes into
//! memory, a run of cells of one style at a time, the text of a run
//! copied whole; the caller sends them to the terminal in one write.

use std::io::{self, Write};

use ratatui::backend::IntoCrossterm;
use ratatui::buffer::Cell;
use ratatui::crossterm::cursor::MoveTo;
use ratatui::crossterm::queue;
use ratatui::crossterm::style::{
    Attribute, Color as CrosstermColor, Colors, SetAttribute, SetBackgroundColor, SetColors,
    SetForegroundColor, SetUnderlineColor,
};
use ratatui::style::{Color, Modifier};

/// Appends to `out` what ratatui's crossterm backend writes to draw
/// `content` (cells with their positions, in the order of a buffer's
/// diff), byte for byte.
pub fn encode<'a>(
    out: &mut Vec<u8>,
    content: impl Iterator<Item = (u16, u16, &'a Cell)>,
) -> io::Result<()> {
    let mut fg = Color::Reset;
    let mut bg = Color::Reset;
    let mut underline_color = Color::Reset;
    let mut modifier = Modifier::empty();
    let mut last: Option<(u16, u16)> = None;
    for (x, y, cell) in content {
        // The cell goes on where the text written so far ends: its symbol
        // joins the run.
        let follows = matches!(last, Some((lx, ly)) if x == lx.wrapping_add(1) && y == ly);
        last = Some((x, y));
        let same_style = cell.modifier == modifier
            && cell.fg == fg
            && cell.bg == bg
            && cell.underline_color == underline_color;
        if follows && same_style {
            out.extend_from_slice(cell.symbol().as_bytes());
            continue;
        }
        if !follows {
            queue!(out, MoveTo(x, y))?;
        }
        if cell.modifier != modifier {
            modifier_diff(out, modifier, cell.modifier)?;
            modifier = cell.modifier;
        }
        if cell.fg != fg || cell.bg != bg {
            queue!(
                out,
                SetColors(Colors::new(
                    cell.fg.into_crossterm(),
                    cell.bg.into_crossterm()
                ))
            )?;
            fg = cell.fg;
            bg = cell.bg;
        }
        if cell.underline_color != underline_color {
            queue!(
                out,
                SetUnderlineColor(cell.underline_color.into_crossterm())
            )?;
            underline_color = cell.underline_color;
        }
        out.extend_from_slice(cell.symbol().as_bytes());
    }
    queue!(
        out,
        SetForegroundColor(CrosstermColor::Reset),
        SetBackgroundColor(CrosstermColor::Reset),
        SetUnderlineColor(CrosstermColor::Reset),
        SetAttribute(Attribute::Reset),
    )
}

/// The attributes that take the terminal from `from` to `to`, in the
/// order ratatui's backend writes them.
fn modifier_diff(w: &mut impl Write, from: Modifier, to: Modifier) -> io::Result<()> {
    let removed = from - to;
    if removed.contains(Modifier::REVERSED) {
        queue!(w, SetAttribute(Attribute::NoReverse))?;
    }
    // Bold and dim are both ended by the normal intensity; what remains of
    // them is set again.
    let reset_intensity = removed.intersects(Modifier::BOLD | Modifier::DIM);
    if reset_intensity {
        queue!(w, SetAttribute(Attribute::NormalIntensity))?;
        if to.contains(Modifier::DIM) {
            queue!(w, SetAttribute(Attribute::Dim))?;
        }
        if to.contains(Modifier::BOLD) {
            queue!(w, SetAttribute(Attribute::Bold))?;
        }
    }
    for (m, off) in [
        (Modifier::ITALIC, Attribute::NoItalic),
        (Modifier::UNDERLINED, Attribute::NoUnderline),
        (Modifier::CROSSED_OUT, Attribute::NotCrossedOut),
        (Modifier::HIDDEN, Attribute::NoHidden),
    ] {
        if removed.contains(m) {
            queue!(w, SetAttribute(off))?;
        }
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        queue!(w, SetAttribute(Attribute::NoBlink))?;
    }
    let added = to - from;
    for (m, on) in [
        (Modifier::REVERSED, Attribute::Reverse),
        (Modifier::BOLD, Attribute::Bold),
        (Modifier::ITALIC, Attribute::Italic),
        (Modifier::UNDERLINED, Attribute::Underlined),
        (Modifier::DIM, Attribute::Dim),
        (Modifier::CROSSED_OUT, Attribute::CrossedOut),
        (Modifier::HIDDEN, Attribute::Hidden),
        (Modifier::SLOW_BLINK, Attribute::SlowBlink),
        (Modifier::RAPID_BLINK, Attribute::RapidBlink),
    ] {
        let intensity = matches!(m, Modifier::BOLD | Modifier::DIM);
        if added.contains(m) && !(intensity && reset_intensity) {
            queue!(w, SetAttribute(on))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::{Backend, CrosstermBackend};
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;

    /// What ratatui's own backend writes for `content`.
    fn ratatui_bytes<'a>(content: impl Iterator<Item = (u16, u16, &'a Cell)>) -> Vec<u8> {
        let mut out = Vec::new();
        CrosstermBackend::new(&mut out).draw(content).unwrap();
        out
    }

    /// A pseudo-random buffer: symbols narrow, wide and empty, colours,
    /// modifiers and underline colours in runs.
    fn buffer(seed: u64, area: Rect) -> Buffer {
        let mut state = seed;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let symbols = [" ", "a", "é", "─", "▮", "東", "👍🏽", ""];
        let colors = [
            Color::Reset,
            Color::Red,
            Color::LightYellow,
            Color::Indexed(25),
            Color::Rgb(0, 0x6a, 0xb3),
        ];
        let modifiers = Modifier::all().iter().collect::<Vec<_>>();
        let mut buf = Buffer::empty(area);
        let mut style = (Color::Reset, Color::Reset, Color::Reset, Modifier::empty());
        for cell in &mut buf.content {
            if next(4) == 0 {
                style.0 = colors[next(colors.len() as u64) as usize];
                style.1 = colors[next(colors.len() as u64) as usize];
                if next(3) == 0 {
                    style.2 = colors[next(colors.len() as u64) as usize];
                }
                let mut m = Modifier::empty();
                for &one in &modifiers {
                    if next(4) == 0 {
                        m |= one;
                    }
                }
                style.3 = m;
            }
            cell.set_symbol(symbols[next(symbols.len() as u64) as usize]);
            cell.fg = style.0;
            cell.bg = style.1;
            cell.underline_color = style.2;
            cell.modifier = style.3;
        }
        // (ratatui's diff cannot take a wide symbol in the last cell.)
        if let Some(last) = buf.content.last_mut() {
            last.set_symbol("a");
        }
        buf
    }

    /// The bytes are ratatui's, for whole frames and for the differences
    /// between frames (runs broken by unchanged cells), every modifier
    /// added and removed.
    #[test]
    fn the_bytes_are_ratatuis() {
        let area = Rect::new(0, 0, 40, 12);
        let mut previous = Buffer::empty(area);
        for seed in 0..60 {
            let next = buffer(seed, area);
            let whole: Vec<(u16, u16, &Cell)> = next
                .content
                .iter()
                .enumerate()
                .map(|(i, c)| (i as u16 % 40, i as u16 / 40, c))
                .collect();
            let mut ours = Vec::new();
            encode(&mut ours, whole.iter().copied()).unwrap();
            assert_eq!(ours, ratatui_bytes(whole.into_iter()), "seed {seed}");
            let diff = previous.diff(&next);
            let mut ours = Vec::new();
            encode(&mut ours, diff.iter().copied()).unwrap();
            assert_eq!(ours, ratatui_bytes(diff.into_iter()), "diff, seed {seed}");
            previous = next;
        }
        let mut ours = Vec::new();
        encode(&mut ours, std::iter::empty()).unwrap();
        assert_eq!(ours, ratatui_bytes(std::iter::empty()));
    }
}
