//! Where things go on a wall: the pages of places, the page shown at an instant, and the small move against burn-in.

use super::*;

/// The place of the content: one cell in from the screen's edge on two
/// sides, the sides changing every [`BURN_IN_EVERY_S`].
pub fn burn_in(area: Rect, now_s: i64) -> Rect {
    let step = now_s.div_euclid(BURN_IN_EVERY_S).rem_euclid(4);
    let (dx, dy) = [(0, 0), (1, 0), (1, 1), (0, 1)][step as usize];
    Rect::new(
        area.x + dx,
        area.y + dy,
        area.width.saturating_sub(1),
        area.height.saturating_sub(1),
    )
}

/// Part of a place on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub place: usize,
    pub rows: Range<usize>,
    /// The place began on an earlier page.
    pub continued: bool,
}

/// Splits places (a heading line, then rows of the given heights) into
/// pages of `height` lines. A place moves whole to the next page when it
/// fits there; a place taller than a page is split, its heading repeated.
pub fn paginate(places: &[Vec<u16>], height: u16) -> Vec<Vec<Segment>> {
    let height = height.max(2);
    let mut pages: Vec<Vec<Segment>> = Vec::new();
    let mut page: Vec<Segment> = Vec::new();
    let mut used: u16 = 0;
    for (p, rows) in places.iter().enumerate() {
        let whole = 1 + rows.iter().sum::<u16>();
        // A place that does not fit moves whole to the next page, unless
        // that leaves this page less than half full: then it is split.
        if used > 0 && used + whole > height && whole <= height && used * 2 >= height {
            pages.push(std::mem::take(&mut page));
            used = 0;
        }
        let mut start = 0;
        loop {
            let first = rows.get(start).copied().unwrap_or(0);
            if used > 0 && used + 1 + first > height {
                pages.push(std::mem::take(&mut page));
                used = 0;
            }
            used += 1;
            let mut end = start;
            while end < rows.len() && (end == start || used + rows[end] <= height) {
                used += rows[end];
                end += 1;
            }
            page.push(Segment {
                place: p,
                rows: start..end,
                continued: start > 0,
            });
            start = end;
            if start >= rows.len() {
                break;
            }
        }
    }
    if !page.is_empty() || pages.is_empty() {
        pages.push(page);
    }
    pages
}

/// The page shown `elapsed_s` seconds after the pages started turning.
pub fn page_at(elapsed_s: i64, page_seconds: u64, pages: usize) -> usize {
    let seconds = i64::try_from(page_seconds.max(1)).unwrap_or(i64::MAX);
    (elapsed_s
        .div_euclid(seconds)
        .rem_euclid(pages.max(1) as i64)) as usize
}
