//! Which lines of a long board are shown, and the mark of the others.

/// The first line of the body shown, how many lines are shown, and what
/// the line below them says of the places above and below (when the body
/// does not fit). The selected row is shown, with its place's heading
/// when there is room: a place is seen from its name.
pub(super) fn scroll(
    lines: usize,
    selected: Option<usize>,
    headings: &[usize],
    body_h: u16,
) -> (usize, usize, Option<String>) {
    let body_h = usize::from(body_h);
    if lines <= body_h {
        return (0, lines, None);
    }
    // One line for the mark.
    let height = body_h.saturating_sub(1).max(1);
    let offset = match selected {
        Some(s) => {
            let heading = headings
                .iter()
                .copied()
                .rev()
                .find(|&h| h <= s)
                .unwrap_or(0);
            let lowest = (s + 1).saturating_sub(height);
            heading.max(lowest).min(lines - height)
        }
        None => 0,
    };
    let end = offset + height;
    let above = headings.iter().filter(|&&h| h < offset).count();
    let below = headings.iter().filter(|&&h| h >= end).count();
    let count = |n: usize, one: &str, many: &str| match n {
        1 => crate::i18n::t(one).to_string(),
        n => crate::i18n::tf(many, &[("n", &n.to_string())]),
    };
    let mut parts = Vec::new();
    if above > 0 {
        parts.push(count(above, "board_above_one", "board_above"));
    }
    if below > 0 {
        parts.push(count(below, "board_below_one", "board_below"));
    } else if end < lines {
        parts.push(crate::i18n::t("board_below_rows").to_string());
    }
    let mark = (!parts.is_empty()).then(|| parts.join(" · "));
    (offset, height, mark)
}
