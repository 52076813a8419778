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

/// A part of a line composed by priority ([`by_priority_kept`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub text: String,
    pub style: ratatui::style::Style,
    /// The lowest is left out first; `u8::MAX` is always kept.
    pub priority: u8,
}

impl Part {
    pub fn new(text: impl Into<String>, style: ratatui::style::Style, priority: u8) -> Self {
        Part {
            text: text.into(),
            style,
            priority,
        }
    }
}

impl Part {
    /// The pieces of a note already joined with [`SEP`] ("IDFM actualisé
    /// toutes les 260 s · quota 1000/jour · …"), each a part of the same
    /// priority: the later ones are left out first.
    pub fn pieces(
        text: Option<String>,
        style: ratatui::style::Style,
        priority: u8,
    ) -> impl Iterator<Item = Part> {
        text.into_iter()
            .flat_map(|t| t.split(SEP).map(str::to_string).collect::<Vec<_>>())
            .map(move |t| Part::new(t, style, priority))
    }
}

/// The separator between the parts of a line composed by priority.
pub const SEP: &str = " · ";

/// The parts of a line (in their order) that fit `width` cells joined by
/// [`SEP`], composed by priority: while too long, the part of lowest
/// priority (the later one among equals) is left out whole, never cut
/// mid-word; then, with `refill`, a part left out may come back where one
/// more important left room for it. The status lines of the board and the kiosk and the
/// panes' footers are composed by it. With `shorten`, the last part left besides
/// those of priority `u8::MAX` is shortened at a word ("…") rather than
/// left out. What is kept may still pass `width` only when the parts of
/// priority `u8::MAX` alone do ([`within`] then cuts it at a word).
pub fn by_priority_kept(parts: Vec<Part>, width: usize, shorten: bool, refill: bool) -> Vec<Part> {
    // Each part with its place in the line.
    let mut kept: Vec<(usize, Part)> = parts
        .into_iter()
        .filter(|p| !p.text.is_empty())
        .enumerate()
        .collect();
    let total = |kept: &[(usize, Part)]| {
        kept.iter().map(|(_, p)| p.text.width()).sum::<usize>()
            + SEP.width() * kept.len().saturating_sub(1)
    };
    let mut left_out = Vec::new();
    while total(&kept) > width {
        let lowest = kept
            .iter()
            .enumerate()
            .filter(|(_, (_, p))| p.priority < u8::MAX)
            .min_by_key(|(i, (_, p))| (p.priority, usize::MAX - i))
            .map(|(i, _)| i);
        let Some(lowest) = lowest else { break };
        let last = kept.iter().filter(|(_, p)| p.priority < u8::MAX).count() == 1;
        if shorten && last {
            let room = width.saturating_sub(total(&kept) - kept[lowest].1.text.width());
            let short = words_within(&kept[lowest].1.text, room);
            if short.is_empty() {
                left_out.push(kept.remove(lowest));
            } else {
                kept[lowest].1.text = short;
            }
            break;
        }
        left_out.push(kept.remove(lowest));
    }
    // A part left out before a more important one was may fit again: put
    // back, the most important first; among equals in their order, and
    // none after one of them that does not fit (their last go first).
    left_out.sort_by_key(|(i, p)| (std::cmp::Reverse(p.priority), *i));
    let mut closed: Vec<u8> = Vec::new();
    if !refill {
        left_out.clear();
    }
    for (i, part) in left_out {
        if closed.contains(&part.priority) {
            continue;
        }
        let at = kept.partition_point(|(k, _)| *k < i);
        kept.insert(at, (i, part));
        if total(&kept) > width {
            let (_, part) = kept.remove(at);
            closed.push(part.priority);
        }
    }
    kept.into_iter().map(|(_, p)| p).collect()
}

/// The first words of `text` that fit `room` cells with "…" after them
/// (nothing when not even one does).
pub fn words_within(text: &str, room: usize) -> String {
    let mut out = String::new();
    for word in text.split(' ') {
        let longer = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if longer.width() + 1 > room {
            break;
        }
        out = longer;
    }
    if out.is_empty() {
        out
    } else {
        format!("{out}…")
    }
}

/// `text` in `width` cells: whole when it fits, else cut after a word
/// ("…"), or mid-word only when not even its first word fits.
pub fn within(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let short = words_within(text, width);
    if short.is_empty() {
        fit(text, width)
    } else {
        short
    }
}

/// The parts of a footer joined with " · " in `width` cells, composed by
/// priority ([`by_priority_kept`]): while too long, the part of lowest
/// priority (the later one among equals) is left out whole, never cut
/// mid-word. A part of priority `u8::MAX` (the key that closes) is always
/// kept, cut only when it alone passes `width`.
pub fn by_priority(parts: &[(String, u8)], width: usize) -> String {
    let parts = parts
        .iter()
        .map(|(t, p)| Part::new(t.clone(), ratatui::style::Style::new(), *p))
        .collect();
    let joined = by_priority_kept(parts, width, false, false)
        .into_iter()
        .map(|p| p.text)
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
    // The width of `line`, kept as it grows: measuring the line again for
    // each word made a banner's wrapping quadratic in its length.
    let mut line_w = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word = fit(word, width);
        let word_w = word.width();
        let needed = if line.is_empty() {
            word_w
        } else {
            line_w + 1 + word_w
        };
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line_w = 0;
        }
        if !line.is_empty() {
            line.push(' ');
            line_w += 1;
        }
        line.push_str(&word);
        line_w += word_w;
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
    use proptest::prelude::*;

    /// [`wrap`] as it was first written, measuring the line again for each
    /// word.
    fn wrap_measuring_each_time(text: &str, width: usize) -> Vec<String> {
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

    proptest! {
        /// Keeping the line's width as it grows wraps as measuring it again
        /// did: wide characters, accents, emoji and their joiners, runs of
        /// spaces, words wider than the line.
        #[test]
        fn wrapping_with_the_width_kept_is_wrapping_measured_again(
            text in "[a-zé漢⚠ \u{200d}\u{fe0f}👩🏽]{0,80}",
            width in 0usize..40,
        ) {
            prop_assert_eq!(wrap(&text, width), wrap_measuring_each_time(&text, width));
        }
    }

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
