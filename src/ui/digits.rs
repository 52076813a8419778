//! Large digits drawn with half blocks (▀ ▄ █), which every terminal font
//! and the Linux console have: a 3×5 pixel font, each pixel a square of
//! `scale` cells wide and `scale` half-cells high.

/// The pixels of a glyph, one string per pixel row.
fn glyph(c: char) -> Option<[&'static str; 5]> {
    Some(match c {
        '0' => ["###", "#.#", "#.#", "#.#", "###"],
        '1' => ["##.", ".#.", ".#.", ".#.", "###"],
        '2' => ["###", "..#", "###", "#..", "###"],
        '3' => ["###", "..#", ".##", "..#", "###"],
        '4' => ["#.#", "#.#", "###", "..#", "..#"],
        '5' => ["###", "#..", "###", "..#", "###"],
        '6' => ["###", "#..", "###", "#.#", "###"],
        '7' => ["###", "..#", "..#", "..#", "..#"],
        '8' => ["###", "#.#", "###", "#.#", "###"],
        '9' => ["###", "#.#", "###", "..#", "###"],
        ':' => [".", "#", ".", "#", "."],
        ' ' => [".", ".", ".", ".", "."],
        _ => return None,
    })
}

/// Rows of text that draw `text` large (characters without a glyph are
/// left out); every row has the same width.
pub fn render(text: &str, scale: usize) -> Vec<String> {
    let scale = scale.max(1);
    // The pixel rows of the whole text, a blank column between glyphs.
    let mut pixels: [Vec<bool>; 5] = Default::default();
    for (i, glyph) in text.chars().filter_map(glyph).enumerate() {
        for (row, line) in pixels.iter_mut().zip(glyph) {
            if i > 0 {
                row.push(false);
            }
            row.extend(line.chars().map(|p| p == '#'));
        }
    }
    let half_rows: Vec<&Vec<bool>> = pixels
        .iter()
        .flat_map(|row| std::iter::repeat_n(row, scale))
        .collect();
    half_rows
        .chunks(2)
        .map(|pair| {
            let top = pair[0];
            let bottom = pair.get(1).copied();
            top.iter()
                .enumerate()
                .flat_map(|(x, &t)| {
                    let b = bottom.is_some_and(|row| row[x]);
                    let c = match (t, b) {
                        (true, true) => '█',
                        (true, false) => '▀',
                        (false, true) => '▄',
                        (false, false) => ' ',
                    };
                    std::iter::repeat_n(c, scale)
                })
                .collect()
        })
        .collect()
}

/// The size in cells (width, height) of `text` drawn at `scale`.
pub fn size(text: &str, scale: usize) -> (usize, usize) {
    let rows = render(text, scale);
    let width = rows
        .first()
        .map_or(0, |r| unicode_width::UnicodeWidthStr::width(r.as_str()));
    (width, rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_at_scale_one_and_two() {
        assert_eq!(render("1", 1), ["▀█ ", " █ ", "▀▀▀"]);
        assert_eq!(render("0", 1), ["█▀█", "█ █", "▀▀▀"]);
        assert_eq!(
            render("12:05", 1)[0].chars().count(),
            3 + 1 + 3 + 1 + 1 + 1 + 3 + 1 + 3
        );
        let big = render("7", 2);
        assert_eq!(big.len(), 5, "10 half-rows");
        assert_eq!(big[0], "██████");
        assert_eq!(big[4], "    ██");
        assert_eq!(size("14:32", 2), (2 * 17, 5));
        assert!(render("x", 1).iter().all(String::is_empty));
    }
}
