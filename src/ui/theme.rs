//! Colours: true colour when the terminal says so, else the nearest entry
//! of the 256- or 16-colour palette, with a readable text colour; none at all
//! with `NO_COLOR` or `--no-color`.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::{CrowdLevel, Rgb};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Palette {
    TrueColor,
    Ansi256,
    Ansi16,
    NoColor,
}

impl Palette {
    /// From the environment: `NO_COLOR`, `COLORTERM`, `TERM`.
    pub fn detect(no_color_flag: bool) -> Palette {
        let var = |name: &str| std::env::var(name).unwrap_or_default();
        Palette::from_env(
            no_color_flag,
            &var("NO_COLOR"),
            &var("COLORTERM"),
            &var("TERM"),
        )
    }

    pub fn from_env(no_color_flag: bool, no_color: &str, colorterm: &str, term: &str) -> Palette {
        if no_color_flag || !no_color.is_empty() || term == "dumb" {
            Palette::NoColor
        } else if matches!(colorterm, "truecolor" | "24bit") {
            Palette::TrueColor
        } else if term.contains("256") {
            Palette::Ansi256
        } else {
            Palette::Ansi16
        }
    }
}

/// The 16 ANSI colours as most terminals (and the Linux console) draw them.
const ANSI16: [(Color, Rgb); 16] = [
    (Color::Black, Rgb(0, 0, 0)),
    (Color::Red, Rgb(170, 0, 0)),
    (Color::Green, Rgb(0, 170, 0)),
    (Color::Yellow, Rgb(170, 85, 0)),
    (Color::Blue, Rgb(0, 0, 170)),
    (Color::Magenta, Rgb(170, 0, 170)),
    (Color::Cyan, Rgb(0, 170, 170)),
    (Color::Gray, Rgb(170, 170, 170)),
    (Color::DarkGray, Rgb(85, 85, 85)),
    (Color::LightRed, Rgb(255, 85, 85)),
    (Color::LightGreen, Rgb(85, 255, 85)),
    (Color::LightYellow, Rgb(255, 255, 85)),
    (Color::LightBlue, Rgb(85, 85, 255)),
    (Color::LightMagenta, Rgb(255, 85, 255)),
    (Color::LightCyan, Rgb(85, 255, 255)),
    (Color::White, Rgb(255, 255, 255)),
];

fn distance(a: Rgb, b: Rgb) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2) as u32;
    // Weighted for the eye's sensitivity.
    2 * d(a.0, b.0) + 4 * d(a.1, b.1) + 3 * d(a.2, b.2)
}

/// The nearest of the 16 colours.
pub fn nearest16(rgb: Rgb) -> (Color, Rgb) {
    ANSI16
        .iter()
        .copied()
        .min_by_key(|(_, c)| distance(*c, rgb))
        .unwrap_or((Color::White, Rgb(255, 255, 255)))
}

/// The nearest entry of the xterm 256-colour cube or grey ramp.
pub fn nearest256(rgb: Rgb) -> (u8, Rgb) {
    const STEPS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let step = |v: u8| {
        (0..6)
            .min_by_key(|&i| (i32::from(STEPS[i]) - i32::from(v)).abs())
            .unwrap_or(0)
    };
    let (r, g, b) = (step(rgb.0), step(rgb.1), step(rgb.2));
    let cube = Rgb(STEPS[r], STEPS[g], STEPS[b]);
    let cube_index = 16 + 36 * r as u8 + 6 * g as u8 + b as u8;
    let mean = (u32::from(rgb.0) + u32::from(rgb.1) + u32::from(rgb.2)) / 3;
    let grey_i = ((mean.saturating_sub(3)) / 10).min(23) as u8;
    let grey_v = 8 + 10 * grey_i;
    let grey = Rgb(grey_v, grey_v, grey_v);
    if distance(grey, rgb) < distance(cube, rgb) {
        (232 + grey_i, grey)
    } else {
        (cube_index, cube)
    }
}

/// Relative luminance (WCAG).
fn luminance(c: Rgb) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The few symbols beyond text. The Linux console's fonts hold about 512
/// glyphs (WGL4 at best): no ▮, ♿ or ⚠ there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    /// A filled and an empty cell of a crowding gauge.
    pub full: char,
    pub empty: char,
    /// Not accessible (stop or vehicle); one cell.
    pub no_access: &'static str,
    /// Before an alert or a warning.
    pub warning: &'static str,
    /// Line states beside the badge: interrupted, disrupted, planned,
    /// information (one cell each).
    pub states: [&'static str; 4],
    /// Before a theoretical time ("Non localisé · ≈ 2 min").
    pub approx: char,
}

impl Glyphs {
    pub const UNICODE: Glyphs = Glyphs {
        full: '▮',
        empty: '▯',
        no_access: "♿",
        warning: "⚠",
        states: ["✖", "▲", "◆", "ℹ"],
        approx: '≈',
    };
    /// What the Linux console's fonts (Terminus, Lat15, VGA) all have.
    pub const CONSOLE: Glyphs = Glyphs {
        full: '■',
        empty: '□',
        no_access: "×",
        warning: "‼",
        states: ["X", "▲", "♦", "i"],
        approx: '~',
    };

    /// The console's set under `TERM=linux`.
    pub fn for_term(term: &str) -> Glyphs {
        if term == "linux" || term.starts_with("linux-") {
            Glyphs::CONSOLE
        } else {
            Glyphs::UNICODE
        }
    }

    /// The mark of a line state, if it has one.
    pub fn state(&self, state: crate::domain::LineState) -> Option<&'static str> {
        use crate::domain::LineState;
        match state {
            LineState::Interrupted => Some(self.states[0]),
            LineState::Disrupted => Some(self.states[1]),
            LineState::PlannedDisruption => Some(self.states[2]),
            LineState::Information => Some(self.states[3]),
            _ => None,
        }
    }

    /// A gauge of three cells, `filled` of them full.
    pub fn gauge(&self, filled: u8) -> String {
        (0..3)
            .map(|i| if i < filled { self.full } else { self.empty })
            .collect()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub palette: Palette,
    pub glyphs: Glyphs,
}

impl Theme {
    pub fn new(palette: Palette) -> Theme {
        Theme {
            palette,
            glyphs: Glyphs::UNICODE,
        }
    }

    /// Colours and symbols for the terminal at hand (`TERM`, `COLORTERM`,
    /// `NO_COLOR`).
    pub fn detect(no_color_flag: bool) -> Theme {
        Theme {
            palette: Palette::detect(no_color_flag),
            glyphs: Glyphs::for_term(&std::env::var("TERM").unwrap_or_default()),
        }
    }

    /// A colour in this palette, with the RGB the terminal will show.
    fn map(&self, rgb: Rgb) -> (Color, Rgb) {
        match self.palette {
            Palette::TrueColor => (Color::Rgb(rgb.0, rgb.1, rgb.2), rgb),
            Palette::Ansi256 => {
                let (i, shown) = nearest256(rgb);
                (Color::Indexed(i), shown)
            }
            Palette::Ansi16 | Palette::NoColor => nearest16(rgb),
        }
    }

    /// A line's badge: its colours, mapped, with the text colour changed to
    /// black or white when the mapping leaves it unreadable. A missing or
    /// malformed colour gives a neutral badge.
    pub fn badge(&self, background: Option<Rgb>, foreground: Option<Rgb>) -> Style {
        if self.palette == Palette::NoColor {
            return Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        }
        let Some(bg) = background else {
            return Style::new()
                .bg(self.map(Rgb(85, 85, 85)).0)
                .fg(self.map(Rgb(255, 255, 255)).0)
                .add_modifier(Modifier::BOLD);
        };
        let (bg_color, bg_shown) = self.map(bg);
        let wanted_fg = foreground.unwrap_or(if luminance(bg) > 0.4 {
            Rgb(0, 0, 0)
        } else {
            Rgb(255, 255, 255)
        });
        let (mut fg_color, fg_shown) = self.map(wanted_fg);
        if contrast(fg_shown, bg_shown) < 3.0 {
            let black = self.map(Rgb(0, 0, 0));
            let white = self.map(Rgb(255, 255, 255));
            fg_color = if contrast(black.1, bg_shown) >= contrast(white.1, bg_shown) {
                black.0
            } else {
                white.0
            };
        }
        Style::new()
            .bg(bg_color)
            .fg(fg_color)
            .add_modifier(Modifier::BOLD)
    }

    fn named(&self, rgb: Rgb, fallback: Color) -> Style {
        match self.palette {
            Palette::NoColor => Style::new(),
            Palette::Ansi16 => Style::new().fg(fallback),
            _ => Style::new().fg(self.map(rgb).0),
        }
    }

    pub fn crowd(&self, level: CrowdLevel) -> Style {
        match level {
            CrowdLevel::Low => self.named(Rgb(46, 160, 67), Color::Green),
            CrowdLevel::Moderate => self.named(Rgb(230, 160, 0), Color::Yellow),
            CrowdLevel::High => self.named(Rgb(215, 40, 40), Color::Red),
            _ => self.dim(),
        }
    }

    /// The alert banner: white on red.
    pub fn alert(&self) -> Style {
        match self.palette {
            Palette::NoColor => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            Palette::Ansi16 => Style::new()
                .bg(Color::Red)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD),
            _ => Style::new()
                .bg(self.map(Rgb(190, 20, 30)).0)
                .fg(self.map(Rgb(255, 255, 255)).0)
                .add_modifier(Modifier::BOLD),
        }
    }

    /// A text in place of a time.
    pub fn notice(&self) -> Style {
        self.named(Rgb(240, 140, 0), Color::LightYellow)
            .add_modifier(Modifier::BOLD)
    }

    pub fn not_located(&self) -> Style {
        self.named(Rgb(150, 150, 150), Color::Gray)
            .add_modifier(Modifier::ITALIC)
    }

    /// A line state's mark.
    pub fn line_state(&self, state: crate::domain::LineState) -> Style {
        use crate::domain::LineState;
        match state {
            LineState::Interrupted => self.crowd(CrowdLevel::High).add_modifier(Modifier::BOLD),
            LineState::Disrupted => self
                .crowd(CrowdLevel::Moderate)
                .add_modifier(Modifier::BOLD),
            LineState::PlannedDisruption => Style::new(),
            _ => self.dim(),
        }
    }

    pub fn dim(&self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn stale(&self) -> Style {
        self.named(Rgb(230, 160, 0), Color::Yellow)
            .add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn heading(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_detection() {
        assert_eq!(
            Palette::from_env(false, "", "truecolor", "xterm"),
            Palette::TrueColor
        );
        assert_eq!(
            Palette::from_env(false, "", "", "xterm-256color"),
            Palette::Ansi256
        );
        assert_eq!(Palette::from_env(false, "", "", "linux"), Palette::Ansi16);
        assert_eq!(
            Palette::from_env(false, "1", "truecolor", "xterm"),
            Palette::NoColor
        );
        assert_eq!(
            Palette::from_env(true, "", "truecolor", "xterm"),
            Palette::NoColor
        );
    }

    #[test]
    fn the_linux_console_gets_glyphs_its_fonts_have() {
        assert_eq!(Glyphs::for_term("linux"), Glyphs::CONSOLE);
        assert_eq!(Glyphs::for_term("xterm-256color"), Glyphs::UNICODE);
        assert_eq!(Glyphs::CONSOLE.gauge(2), "■■□");
        // WGL4 (what console fonts cover at best) has none of these.
        let g = Glyphs::CONSOLE;
        for c in [g.full, g.empty]
            .into_iter()
            .chain(g.no_access.chars())
            .chain(g.warning.chars())
        {
            assert!(matches!(c, '■' | '□' | '×' | '‼'), "{c}");
        }
    }

    #[test]
    fn nearest_colours() {
        assert_eq!(nearest16(Rgb(0x00, 0xa5, 0xc2)).0, Color::Cyan);
        assert_eq!(nearest16(Rgb(0xe2, 0, 0x1a)).0, Color::Red);
        assert_eq!(nearest16(Rgb(0xff, 0xe5, 0x00)).0, Color::LightYellow);
        assert_eq!(nearest256(Rgb(255, 0, 0)).0, 196);
        assert_eq!(nearest256(Rgb(128, 128, 128)).0, 244);
    }

    #[test]
    fn badges_stay_readable() {
        // Yellow L6 asks for black text; white on that yellow would fail.
        let t = Theme::new(Palette::Ansi16);
        let s = t.badge(Some(Rgb(0xff, 0xe5, 0)), Some(Rgb(255, 255, 255)));
        assert_eq!(s.fg, Some(Color::Black));
        let t = Theme::new(Palette::TrueColor);
        let s = t.badge(Some(Rgb(0, 0x6a, 0xb3)), Some(Rgb(255, 255, 255)));
        assert_eq!(s.bg, Some(Color::Rgb(0, 0x6a, 0xb3)));
        assert_eq!(s.fg, Some(Color::Rgb(255, 255, 255)));
        let neutral = t.badge(None, None);
        assert_eq!(neutral.bg, Some(Color::Rgb(85, 85, 85)));
    }
}
