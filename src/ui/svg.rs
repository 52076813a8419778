//! A terminal screen as an SVG picture: each cell's text and colours, in a
//! monospace font, as drawn on ratatui's TestBackend. The README's
//! pictures are made this way (`cargo run --example pictures`), so they
//! are always what the program draws.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 17.0;
const BACKGROUND: &str = "#1d1f21";
const FOREGROUND: &str = "#d8dee0";

/// The 16 colours of the console, as a dark terminal shows them.
fn ansi(i: u8) -> &'static str {
    const TABLE: [&str; 16] = [
        "#1d1f21", "#cc342b", "#198844", "#d8a400", "#3971ed", "#a36ac7", "#3971ed", "#c5c8c6",
        "#969896", "#f0524f", "#35b559", "#fba922", "#5e8bf7", "#c586e3", "#3fc8d3", "#ffffff",
    ];
    TABLE[usize::from(i % 16)]
}

fn colour(c: Color, default: &str) -> String {
    match c {
        Color::Reset => default.to_string(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) if i < 16 => ansi(i).to_string(),
        Color::Indexed(i) => {
            // The 6×6×6 cube and the grey ramp of the 256-colour palette.
            if i >= 232 {
                let v = 8 + (i - 232) * 10;
                format!("#{v:02x}{v:02x}{v:02x}")
            } else {
                let i = i - 16;
                let step = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
                format!(
                    "#{:02x}{:02x}{:02x}",
                    step(i / 36),
                    step((i / 6) % 6),
                    step(i % 6)
                )
            }
        }
        Color::Black => ansi(0).into(),
        Color::Red => ansi(1).into(),
        Color::Green => ansi(2).into(),
        Color::Yellow => ansi(3).into(),
        Color::Blue => ansi(4).into(),
        Color::Magenta => ansi(5).into(),
        Color::Cyan => ansi(6).into(),
        Color::Gray => ansi(7).into(),
        Color::DarkGray => ansi(8).into(),
        Color::LightRed => ansi(9).into(),
        Color::LightGreen => ansi(10).into(),
        Color::LightYellow => ansi(11).into(),
        Color::LightBlue => ansi(12).into(),
        Color::LightMagenta => ansi(13).into(),
        Color::LightCyan => ansi(14).into(),
        Color::White => ansi(15).into(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The picture of `buffer`.
pub fn picture(buffer: &Buffer) -> String {
    let area = buffer.area;
    let (w, h) = (
        f32::from(area.width) * CELL_W + 16.0,
        f32::from(area.height) * CELL_H + 16.0,
    );
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" \
         viewBox=\"0 0 {w:.0} {h:.0}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" \
         font-size=\"14\">\n<rect width=\"100%\" height=\"100%\" rx=\"6\" fill=\"{BACKGROUND}\"/>\n"
    );
    for y in 0..area.height {
        let top = 8.0 + f32::from(y) * CELL_H;
        // Backgrounds cell by cell, texts in runs of one style.
        let mut run: Option<(u16, String, String)> = None;
        let flush = |out: &mut String, run: &mut Option<(u16, String, String)>| {
            if let Some((x0, attrs, text)) = run.take() {
                let n = text.chars().count() as f32;
                if !text.trim().is_empty() {
                    out.push_str(&format!(
                        "<text x=\"{:.1}\" y=\"{:.1}\" {attrs} textLength=\"{:.1}\" \
                         lengthAdjust=\"spacingAndGlyphs\" xml:space=\"preserve\">{}</text>\n",
                        8.0 + f32::from(x0) * CELL_W,
                        top + CELL_H - 4.5,
                        n * CELL_W,
                        escape(&text)
                    ));
                }
            }
        };
        for x in 0..area.width {
            let cell = &buffer[(area.x + x, area.y + y)];
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let (fg, bg) = if reversed {
                (colour(cell.bg, BACKGROUND), colour(cell.fg, FOREGROUND))
            } else {
                (colour(cell.fg, FOREGROUND), colour(cell.bg, BACKGROUND))
            };
            let left = 8.0 + f32::from(x) * CELL_W;
            if bg != BACKGROUND {
                out.push_str(&format!(
                    "<rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{CELL_H:.1}\" fill=\"{bg}\"/>\n",
                    CELL_W + 0.2
                ));
            }
            let symbol = cell.symbol();
            let mut attrs = format!("fill=\"{fg}\"");
            if cell.modifier.contains(Modifier::BOLD) {
                attrs.push_str(" font-weight=\"bold\"");
            }
            if cell.modifier.contains(Modifier::ITALIC) {
                attrs.push_str(" font-style=\"italic\"");
            }
            if cell.modifier.contains(Modifier::DIM) {
                attrs.push_str(" opacity=\"0.6\"");
            }
            if cell.modifier.contains(Modifier::CROSSED_OUT) {
                attrs.push_str(" text-decoration=\"line-through\"");
            }
            if cell.modifier.contains(Modifier::UNDERLINED) {
                attrs.push_str(" text-decoration=\"underline\"");
            }
            let narrow = unicode_width::UnicodeWidthStr::width(symbol) == 1;
            match run.as_mut() {
                Some((_, a, text)) if narrow && *a == attrs => text.push_str(symbol),
                _ => {
                    flush(&mut out, &mut run);
                    if narrow || symbol.is_empty() {
                        run = Some((x, attrs, symbol.to_string()));
                    } else {
                        // A wide symbol alone, so that the grid holds.
                        run = Some((x, attrs, symbol.to_string()));
                        flush(&mut out, &mut run);
                    }
                }
            }
        }
        flush(&mut out, &mut run);
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn cells_become_text_and_coloured_rectangles() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 4, 1));
        buffer.set_string(
            0,
            0,
            "T1<",
            Style::new()
                .fg(Color::Rgb(255, 255, 255))
                .bg(Color::Rgb(226, 0, 26)),
        );
        let svg = picture(&buffer);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("fill=\"#e2001a\""), "{svg}");
        assert!(
            svg.contains(">T1&lt;</text>"),
            "one run of one style: {svg}"
        );
        assert_eq!(svg.matches("<text").count(), 1, "{svg}");
    }
}
