//! Text from the network made safe for a terminal.
//!
//! Every string that comes from the API goes through [`text`] before it can
//! reach the screen: escape sequences (CSI, OSC, DCS…) are removed whole, other
//! C0 and C1 control characters, bidirectional overrides and zero-width
//! characters are dropped, and runs of white space (tabs, newlines) become one
//! space.

/// The characters of `input` that may reach a terminal: escape sequences
/// removed whole, invisible characters dropped, white space as spaces.
fn visible(input: &str) -> impl Iterator<Item = char> + '_ {
    let mut chars = input.chars().peekable();
    std::iter::from_fn(move || {
        loop {
            match chars.next()? {
                '\u{1b}' => skip_escape(&mut chars),
                // C1 introducers of strings and sequences: CSI, OSC, DCS, SOS, PM, APC.
                '\u{9b}' => skip_csi_body(&mut chars),
                '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => {
                    skip_string_body(&mut chars)
                }
                c if c.is_whitespace() => return Some(' '),
                c if is_invisible(c) => {}
                c => return Some(c),
            }
        }
    })
}

/// Cleans one line laid out by quai (an HTML rendering): like [`text`],
/// but runs of spaces are kept (tables stay aligned).
pub fn line(input: &str) -> String {
    let out: String = visible(input).collect();
    out.trim_end().to_string()
}

/// Cleans one string for display on a single line.
pub fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in visible(input) {
        if c == ' ' {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Characters that would change how the terminal lays out or interprets text.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}'   // zero-width space/joiners, LRM, RLM
            | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{feff}'              // byte order mark
            | '\u{fff9}'..='\u{fffb}' // interlinear annotations
            | '\u{ad}'                // soft hyphen
        )
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi_body(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string_body(chars),
        // Two-character escapes (ESC c, ESC 7…) and charset selections (ESC ( B).
        Some('(' | ')' | '*' | '+' | '#' | '%') => {
            chars.next();
        }
        _ => {}
    }
}

/// Parameters and intermediates up to the final byte (0x40..=0x7e).
fn skip_csi_body(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// OSC/DCS/… bodies end with BEL, ST (ESC \) or the C1 ST.
fn skip_string_body(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Escapes, for JSON printed to a terminal, the characters that a JSON encoder
/// leaves raw but a terminal would act on (C1 controls, bidi, zero-width).
/// The data stays the same once decoded.
pub fn json_for_terminal(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_invisible(c) && c != '\n' {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_csi_and_osc_sequences_whole() {
        assert_eq!(text("\u{1b}[31mRouge\u{1b}[0m"), "Rouge");
        assert_eq!(
            text("a\u{1b}]8;;http://x\u{7}lien\u{1b}]8;;\u{1b}\\b"),
            "alienb"
        );
        assert_eq!(text("x\u{9b}2Jy"), "xy");
        assert_eq!(text("\u{1b}(Bok"), "ok");
    }

    #[test]
    fn drops_controls_bidi_and_zero_width() {
        assert_eq!(text("Pôle\u{0}\u{7} Temis"), "Pôle Temis");
        assert_eq!(text("\u{202e}sitemT\u{202c}"), "sitemT");
        assert_eq!(text("Cha\u{200b}mars\u{feff}"), "Chamars");
        assert_eq!(text("a\u{85}b\u{9f}hidden\u{9c}c"), "a bc"); // NEL is a line break; APC opens a string
    }

    #[test]
    fn folds_white_space_and_keeps_accents_and_emoji() {
        assert_eq!(text("  Gare\tViotte \n\r Sud "), "Gare Viotte Sud");
        assert_eq!(text("Châteaufarine 🚋 東"), "Châteaufarine 🚋 東");
    }

    #[test]
    fn json_escapes_keep_the_data() {
        let raw = serde_json::json!({"d": "a\u{9b}b\u{202e}c"}).to_string();
        let safe = json_for_terminal(&raw);
        assert!(!safe.contains('\u{9b}') && !safe.contains('\u{202e}'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["d"], "a\u{9b}b\u{202e}c");
    }
}
