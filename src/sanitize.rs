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
    if already_clean(input) {
        return input.to_string();
    }
    cleaned(input)
}

/// [`text`], character by character.
fn cleaned(input: &str) -> String {
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

/// Whether [`text`] leaves `input` as it is, found from its bytes alone (most
/// of what the network sends: names, times, colours): no control
/// character, no white space but single spaces between words, and no
/// character from the ranges that hold the invisible and white-space
/// characters beyond ASCII (U+0080–U+00A0 and U+00AD, U+1000–U+3FFF,
/// U+F000–U+FFFF), which are left to the character-by-character path.
fn already_clean(input: &str) -> bool {
    let bytes = input.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut previous = 0u8;
    for (i, &b) in bytes.iter().enumerate() {
        let clean = match b {
            b' ' => previous != b' ',
            0x21..=0x7e => true,
            // A continuation byte, its lead byte checked already.
            0x80..=0xbf => true,
            // U+0080–U+00BF: C1 controls, NBSP, soft hyphen.
            0xc2 => bytes.get(i + 1).is_some_and(|&n| n > 0xa0 && n != 0xad),
            0xc3..=0xdf => true,
            // U+1000–U+3FFF (white space, zero-width, bidi) and
            // U+F000–U+FFFF (byte order mark, annotations).
            0xe1..=0xe3 | 0xef => false,
            0xe0 | 0xe4..=0xee | 0xf0..=0xf4 => true,
            // Controls (C0, DEL) and bytes no UTF-8 string holds.
            _ => false,
        };
        if !clean {
            return false;
        }
        previous = b;
    }
    true
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
    let Some(&next) = chars.peek() else {
        return;
    };
    match next {
        '[' => {
            chars.next();
            skip_csi_body(chars);
        }
        ']' | 'P' | 'X' | '^' | '_' => {
            chars.next();
            skip_string_body(chars);
        }
        // Charset selections and the like (ESC ( B): intermediates, then
        // their final byte.
        '\u{20}'..='\u{2f}' => {
            for c in chars.by_ref() {
                if !('\u{20}'..='\u{2f}').contains(&c) {
                    break;
                }
            }
        }
        // Two-character escapes (ESC c, ESC 7, ESC =…).
        '\u{30}'..='\u{7e}' => {
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

/// `input` without its escape sequences (removed whole: CSI, OSC, DCS,
/// SOS, PM, APC and the two-byte ones), everything else kept as it is:
/// for text laid out by another reader (HTML), which would otherwise drop
/// the escape byte alone and show the rest ("[2J").
pub fn without_escapes(input: &str) -> std::borrow::Cow<'_, str> {
    if !input.contains([
        '\u{1b}', '\u{9b}', '\u{9d}', '\u{90}', '\u{98}', '\u{9e}', '\u{9f}',
    ]) {
        return std::borrow::Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi_body(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string_body(&mut chars),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// How deep a JSON answer may nest (serde_json's own limit).
pub const MAX_JSON_DEPTH: usize = 128;

/// A JSON answer checked before it is read: an error when it nests deeper
/// than [`MAX_JSON_DEPTH`] (garbage, never read as "nothing"); a number no
/// `f64` can hold (`1e999999`) becomes `null`, so that it loses that one
/// value, not the whole answer. Strings are left as they are.
pub fn json_answer(body: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    let mut depth = 0usize;
    let mut huge: Vec<std::ops::Range<usize>> = Vec::new();
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            // A string is gone over to its closing quote in one loop (most
            // of an answer's bytes are in strings).
            b'"' => {
                i += 1;
                while let Some(&b) = body.get(i) {
                    match b {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(crate::i18n::tf(
                        "answer_too_deep",
                        &[("n", &MAX_JSON_DEPTH.to_string()), ("at", &i.to_string())],
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'-' | b'0'..=b'9' => {
                let end = body[i..]
                    .iter()
                    .position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                    .map_or(body.len(), |n| i + n);
                let token = &body[i..end];
                // Only an exponent or 300 digits can leave f64's range.
                let may_overflow =
                    token.len() > 300 || token.iter().any(|b| matches!(b, b'e' | b'E'));
                if may_overflow
                    && std::str::from_utf8(token)
                        .ok()
                        .and_then(|t| t.parse::<f64>().ok())
                        .is_some_and(f64::is_infinite)
                {
                    huge.push(i..end);
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if huge.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(body));
    }
    let mut out = Vec::with_capacity(body.len());
    let mut from = 0;
    for range in huge {
        out.extend_from_slice(&body[from..range.start]);
        out.extend_from_slice(b"null");
        from = range.end;
    }
    out.extend_from_slice(&body[from..]);
    Ok(std::borrow::Cow::Owned(out))
}

/// The furthest ahead a departure may be to be shown: a day.
pub const MAX_AHEAD_S: i64 = 24 * 3600;
/// How long past its time a departure may still be announced ("à
/// l'approche"); older ones are not live data.
pub const MAX_PAST_S: i64 = 5 * 60;

static IMPLAUSIBLE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Counts values dropped from answers because they were out of bounds
/// (a countdown of minus an hour, a departure in 2100).
pub fn note_implausible(count: usize) {
    IMPLAUSIBLE.fetch_add(count as u64, std::sync::atomic::Ordering::Relaxed);
}

/// How many values [`note_implausible`] counted since the start.
#[cfg(test)]
pub fn implausible_dropped() -> u64 {
    IMPLAUSIBLE.load(std::sync::atomic::Ordering::Relaxed)
}

/// Whether a wait of `seconds` from now is one to show.
pub fn plausible_wait(seconds: i64) -> bool {
    (-MAX_PAST_S..=MAX_AHEAD_S).contains(&seconds)
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

    /// The quick path says a text is clean exactly when the slow path
    /// leaves it as it is, for texts made of the characters around every
    /// boundary it checks.
    #[test]
    fn the_quick_path_agrees_with_the_slow_one() {
        let mut chars: Vec<char> = vec![
            ' ', '\t', '\n', 'a', 'Z', '~', '\u{7f}', '\u{1b}', '[', ']', '\\', '\u{7}',
        ];
        for range in [
            0x80..=0xc0,
            0x7ff..=0x801,
            0xfff..=0x1001,
            0x1680..=0x1681,
            0x2000..=0x2070,
            0x3000..=0x3001,
            0x3fff..=0x4001,
            0xefff..=0xf001,
            0xfeff..=0xfeff,
            0xfff8..=0xffff,
            0x10000..=0x10001,
            0x1f68b..=0x1f68b,
            0x10ffff..=0x10ffff,
        ] {
            chars.extend(range.filter_map(char::from_u32));
        }
        let mut texts = 0;
        for &a in &chars {
            for &b in &chars {
                for text_of in [
                    format!("{a}"),
                    format!("{a}{b}"),
                    format!("x{a}{b}y"),
                    format!("x {a} {b}y"),
                ] {
                    let slow = cleaned(&text_of);
                    if already_clean(&text_of) {
                        assert_eq!(slow, text_of, "{text_of:?} is not clean");
                        texts += 1;
                    }
                    assert_eq!(text(&text_of), slow, "{text_of:?}");
                }
            }
        }
        assert!(texts > 1000, "{texts}");
        for clean in [
            "Pôle Viotte",
            "Châteaufarine 🚋 東",
            "2 min",
            "006AB3",
            "L'Œuvre « ici »",
        ] {
            assert!(already_clean(clean), "{clean}");
        }
    }

    #[test]
    fn escapes_are_removed_whole_and_the_rest_kept() {
        let hostile = "a\u{1b}[2J\u{1b}[H\u{1b}]0;PWNED-TITLE\u{7}\u{1b}]8;;http://evil/\u{1b}\\LINK\u{1b}]8;;\u{1b}\\\n  <b>b</b>";
        assert_eq!(without_escapes(hostile), "aLINK\n  <b>b</b>");
        assert!(matches!(
            without_escapes("plain\ttext"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn json_answers_are_bounded() {
        let deep = format!("{{\"objets\": {}1{}}}", "[".repeat(200), "]".repeat(200));
        assert!(json_answer(deep.as_bytes()).is_err());
        let fine = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert!(json_answer(fine.as_bytes()).is_ok());
        // Brackets inside strings do not count.
        let quoted = format!("[\"{}\\\"\", 1]", "[".repeat(500));
        assert!(json_answer(quoted.as_bytes()).is_ok());
        // A string ending in an escaped backslash ends there: the
        // brackets and the number after it are read.
        let after = br#"{"s": "x\\", "t": [[1e999999]], "u": "\"[["}"#;
        let read: serde_json::Value = serde_json::from_slice(&json_answer(after).unwrap()).unwrap();
        assert_eq!(
            read,
            serde_json::json!({"s": "x\\", "t": [[null]], "u": "\"[["})
        );
        let deep_after = format!(r#"["a\\", {}1{}]"#, "[".repeat(200), "]".repeat(200));
        assert!(json_answer(deep_after.as_bytes()).is_err());
        let body = br#"{"a": 1e999999, "b": -2E+400, "c": 1.5e3, "d": "1e999999", "e": [12]}"#;
        let read: serde_json::Value = serde_json::from_slice(&json_answer(body).unwrap()).unwrap();
        assert_eq!(
            read,
            serde_json::json!({"a": null, "b": null, "c": 1500.0, "d": "1e999999", "e": [12]})
        );
        assert!(serde_json::from_slice::<serde_json::Value>(body).is_err());
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
