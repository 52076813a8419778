//! Message texts carry HTML (paragraphs, lists, tables of affected stops,
//! links). They are laid out as terminal text by `html2text`: tables
//! aligned, lists as bullets, links numbered and listed below. Every line
//! is then sanitised.

/// The lines of `html` laid out for `width` cells.
pub fn to_lines(html: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let rendered = html2text::config::plain_no_decorate()
        .link_footnotes(true)
        .allow_width_overflow()
        .string_from_read(without_escapes(html).as_bytes(), width);
    let text = match rendered {
        Ok(text) => text,
        // Never lose a message: the text without its markup.
        Err(_) => return vec![fragment_text(html)],
    };
    let mut lines: Vec<String> = text.lines().map(crate::sanitize::line).collect();
    // No blank lines at the ends, never two in a row.
    lines.dedup_by(|a, b| a.is_empty() && b.is_empty());
    while lines.first().is_some_and(String::is_empty) {
        lines.remove(0);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// `html` without its escape sequences, written as characters or as
/// character references (`&#27;[2J`): removed whole before the layout,
/// which would drop the escape byte alone and show the rest.
fn without_escapes(html: &str) -> String {
    let decoded = if html.contains("&#") {
        control_references_decoded(html)
    } else {
        html.to_string()
    };
    crate::sanitize::without_escapes(&decoded).into_owned()
}

/// `html` with its numeric character references to control characters
/// (`&#27;`, `&#x9b;`) made the characters themselves.
fn control_references_decoded(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let (radix, digits_from) = match after.as_bytes().first() {
            Some(b'x' | b'X') => (16, 1),
            _ => (10, 0),
        };
        let digits: &str = {
            let tail = &after[digits_from..];
            let len = tail
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count()
                .min(8);
            &tail[..len]
        };
        let end = at + 2 + digits_from + digits.len();
        let end = if rest[end..].starts_with(';') {
            end + 1
        } else {
            end
        };
        match u32::from_str_radix(digits, radix)
            .ok()
            .and_then(char::from_u32)
            .filter(|c| c.is_control())
        {
            Some(c) if !digits.is_empty() => {
                out.push(c);
                rest = &rest[end..];
            }
            _ => {
                out.push_str("&#");
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The plain text of a small HTML fragment such as `tempsHTML`
/// (`<span class="gk-temps">2</span> <span class="gk-mn">min</span>`).
pub fn fragment_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    crate::sanitize::text(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_and_entities() {
        let html = "<p>En raison de travaux&nbsp;:</p><ul><li>arrêt <b>Battant</b> non desservi ;</li>\
                    <li>report à l&#39;arrêt &laquo; Pont Battant &raquo;.</li></ul><p>Merci &amp; bonne route</p>";
        let lines = to_lines(html, 60);
        assert_eq!(lines[0], "En raison de travaux :");
        assert!(
            lines.contains(&"* arrêt Battant non desservi ;".to_string()),
            "{lines:#?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("report à l'arrêt « Pont Battant ».")),
            "{lines:#?}"
        );
        assert_eq!(lines.last().unwrap(), "Merci & bonne route");
    }

    #[test]
    fn tables_are_aligned_and_links_listed_below() {
        let html = "<p>Arrêts reportés :</p><table><tr><th>Arrêt</th><th>Report</th></tr>\
                    <tr><td>Battant</td><td>Pont Battant</td></tr>\
                    <tr><td>Chamars</td><td>Rivotte</td></tr></table>\
                    <p>Plus d'informations sur <a href=\"https://www.ginko.voyage/info\">le site</a>.</p>";
        let lines = to_lines(html, 60);
        let row = |name: &str| lines.iter().find(|l| l.contains(name)).unwrap().clone();
        let col = |line: &str, word: &str| line.find(word).unwrap();
        assert_eq!(
            col(&row("Battant"), "Pont Battant"),
            col(&row("Chamars"), "Rivotte"),
            "{lines:#?}"
        );
        assert!(
            lines.iter().any(|l| l.contains("[le site][1]")),
            "{lines:#?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l == "[1]: https://www.ginko.voyage/info"),
            "{lines:#?}"
        );
    }

    #[test]
    fn broken_nested_and_hostile_markup() {
        let html = "<div><p>Ligne <i><b>T2</i></b> interrompue<p>entre <span>Micropolis<br>et Viotte\
                    <script>alert(1)</script>\u{1b}[2J\u{202e}</div";
        let lines = to_lines(html, 40);
        let all = lines.join("\n");
        assert!(all.contains("Ligne T2 interrompue"), "{all}");
        assert!(all.contains("Micropolis"), "{all}");
        assert!(
            !all.contains('\u{1b}') && !all.contains('\u{202e}'),
            "{all:?}"
        );
        assert!(!all.contains("alert(1)"), "{all}");
        assert!(
            lines
                .iter()
                .all(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) <= 40)
        );
        assert!(to_lines("", 40).is_empty());
        // The whole escape goes, not only its escape byte.
        let hostile = "<p>\u{1b}[2J\u{1b}[H\u{1b}]0;PWNED-TITLE\u{7}\u{1b}]8;;http://evil/\u{1b}\\LINK\u{1b}c fin</p>\
                       <p>&#27;[2J&#x1b;]0;T&#7;x</p>";
        assert_eq!(to_lines(hostile, 60), ["LINK fin", "", "x"]);
        assert_eq!(to_lines("texte sans balise", 40), ["texte sans balise"]);
    }
}
