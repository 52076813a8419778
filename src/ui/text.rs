//! Text to fit terminal cells: cut, padded, wrapped, centred.

use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

/// Cuts `text` to `width` cells, ending with "…" when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// The parts of a footer joined with " · " in `width` cells, composed by
/// priority: while too long, the part of lowest priority (the later one
/// among equals) is left out whole, never cut mid-word. A part of priority
/// `u8::MAX` (the key that closes) is always kept, cut only when it alone
/// passes `width`.
pub fn by_priority(parts: &[(String, u8)], width: usize) -> String {
    const SEP: &str = " · ";
    let mut kept: Vec<&(String, u8)> = parts.iter().filter(|(t, _)| !t.is_empty()).collect();
    let total = |kept: &[&(String, u8)]| {
        kept.iter().map(|(t, _)| t.width()).sum::<usize>()
            + SEP.width() * kept.len().saturating_sub(1)
    };
    while total(&kept) > width {
        let lowest = kept
            .iter()
            .enumerate()
            .filter(|(_, (_, p))| *p < u8::MAX)
            .min_by_key(|(i, (_, p))| (*p, usize::MAX - i))
            .map(|(i, _)| i);
        let Some(lowest) = lowest else { break };
        kept.remove(lowest);
    }
    let joined = kept
        .iter()
        .map(|(t, _)| t.as_str())
        .collect::<Vec<_>>()
        .join(SEP);
    fit(&joined, width)
}

/// A footer from the catalog ("Entrée ouvrir · ↑↓ choisir · Échap retour":
/// its parts in order of importance, the key that closes last) with
/// `extra` parts, in `width` cells by [`by_priority`]: the last part always
/// kept, the others left out from the least important.
pub fn footer(text: &str, extra: &[(String, u8)], width: usize) -> String {
    let own: Vec<&str> = text.split(" · ").collect();
    let n = own.len();
    let mut parts: Vec<(String, u8)> = extra.to_vec();
    for (i, part) in own.into_iter().enumerate() {
        let priority = if i + 1 == n {
            u8::MAX
        } else {
            // The first parts are the most important: 100, 99, 98…
            100u8.saturating_sub(u8::try_from(i).unwrap_or(u8::MAX))
        };
        parts.push((part.to_string(), priority));
    }
    by_priority(&parts, width)
}

/// A pane's title ("Info trafic (lignes affichées) · a tout voir · …
/// · Échap fermer") in `width` cells: the key that closes (the last part)
/// always kept, then `after` ("↓ suite"), the other keys left out whole
/// from the last, and the pane's name (the first part) kept, shortened
/// with "…" if it must, while 6 cells are left for it.
pub fn title(text: &str, after: Option<&str>, width: usize) -> String {
    let own: Vec<&str> = text.split(" · ").collect();
    let last = own.len().saturating_sub(1);
    let mut parts: Vec<(String, u8)> = own
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let priority = match i {
                _ if i == last => u8::MAX,
                0 => 102,
                _ => 100u8.saturating_sub(u8::try_from(i).unwrap_or(u8::MAX)),
            };
            (part.to_string(), priority)
        })
        .collect();
    if let Some(after) = after {
        parts.push((after.to_string(), 101));
    }
    let whole = by_priority(&parts, width);
    if own.len() < 2 || whole.starts_with(own[0]) {
        return whole;
    }
    // The name shortened: the keys kept in what leaves it 8 cells.
    let rest = by_priority(&parts[1..], width.saturating_sub(8 + " · ".width()));
    let room = width.saturating_sub(rest.width() + " · ".width());
    if room < 6 || rest.ends_with('…') {
        // Too narrow for a name: the keys alone.
        return by_priority(&parts[1..], width);
    }
    format!("{} · {rest}", fit(own[0], room))
}

pub(crate) fn pad(text: &str, width: usize) -> String {
    let text = fit(text, width);
    let fill = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(fill))
}

/// Wraps `text` into lines of at most `width` cells.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word = fit(word, width);
        let needed = if line.is_empty() {
            word.width()
        } else {
            line.width() + 1 + word.width()
        };
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pane's title at any width: the key that closes whole, the name
    /// kept (shortened last), no other key cut mid-word.
    #[test]
    fn a_title_keeps_its_close_key_and_its_name_and_cuts_no_key() {
        let text = "Info trafic (lignes affichées) · a tout voir · ↑↓ défiler · Échap fermer";
        for width in 12..90 {
            let shown = title(text, Some("↓ suite"), width);
            assert!(shown.width() <= width, "{width}: {shown}");
            assert!(shown.contains("Échap fermer"), "{width}: {shown}");
            if width >= 24 {
                assert!(shown.starts_with("Info"), "{width}: {shown}");
            }
            for part in shown
                .split(" · ")
                .skip(usize::from(shown.starts_with("Info")))
            {
                assert!(
                    ["a tout voir", "↑↓ défiler", "Échap fermer", "↓ suite"].contains(&part),
                    "{width}: {part:?} in {shown}"
                );
            }
        }
        assert_eq!(title(text, None, 200), text);
    }
}
