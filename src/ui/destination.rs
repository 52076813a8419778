//! The `t` pane: the selected place's destination chosen by a stop search,
//! above the network's fares.
//!
//! ```text
//!  ┌ Destination · Tarifs ────────────────────────────┐
//!  │Destination depuis Gare Viotte                     │
//!  │> cham▏                                            │
//!  │▸ Chamars                                          │
//!  │  Chalezeule                                       │
//!  │Entrée choisir · ↑↓ arrêts · PgPréc PgSuiv tarifs …│
//!  │───────────────────────────────────────────────────│
//!  │Tickets                                            │
//!  │  Ticket 1 voyage                          1,60 €  │
//!  └───────────────────────────────────────────────────┘
//! ```
//!
//! With no place on the board it is the fares alone (as `quai tarifs`);
//! on a network without fares, the search alone.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::departures::fit;
use super::fares::FaresPane;
use super::search::SearchState;
use super::theme::Theme;

/// The pane's state: the place and its search, the fares (`None`: the
/// network has none).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DestFaresPane {
    /// The place whose destination is chosen; `None`: no place, the
    /// fares alone.
    pub place: Option<String>,
    pub search: SearchState,
    pub fares: Option<FaresPane>,
}

impl DestFaresPane {
    /// Whether ↑↓ choose a stop (something typed) rather than scroll the
    /// fares.
    pub fn choosing(&self) -> bool {
        self.place.is_some() && !self.search.query.is_empty()
    }
}

/// The most stops the search lists.
const MOST_HITS: usize = 5;

/// How many lines the search takes in a pane `height` lines high inside
/// its borders, and how many of them list stops.
fn search_lines(pane: &DestFaresPane, height: usize) -> (usize, usize) {
    if pane.place.is_none() {
        return (0, 0);
    }
    // The label, the field and the footer; the rule above the fares.
    let fixed = if pane.fares.is_some() { 4 } else { 3 };
    // The stops found (or the line saying there are none yet).
    let found = pane.search.hits.len().max(1);
    let listed = if pane.search.query.is_empty() {
        0
    } else if pane.fares.is_some() {
        // A third of the pane at most, the fares keep the rest.
        found.min((height.saturating_sub(fixed) / 3).clamp(1, MOST_HITS))
    } else {
        found.min(height.saturating_sub(fixed).max(1))
    };
    (fixed + listed, listed)
}

/// Where the fares go in `area` (the pane's box).
fn fares_area(pane: &DestFaresPane, area: Rect) -> Rect {
    let inner_h = usize::from(area.height.saturating_sub(2));
    let (taken, _) = search_lines(pane, inner_h);
    let taken = u16::try_from(taken).unwrap_or(u16::MAX).min(area.height);
    // The fares' box: its top border is the pane's (or the rule).
    Rect::new(area.x, area.y + taken, area.width, area.height - taken)
}

/// How far the fares scroll in `area`, the pane's box.
pub fn max_scroll(pane: &DestFaresPane, area: Rect) -> usize {
    pane.fares.as_ref().map_or(0, |fares| {
        super::fares::max_scroll(fares, fares_area(pane, area))
    })
}

fn title(pane: &DestFaresPane) -> &'static str {
    match (&pane.place, &pane.fares) {
        (None, _) => crate::i18n::t("fares_title"),
        (Some(_), Some(_)) => crate::i18n::t("dest_fares_title"),
        (Some(_), None) => crate::i18n::t("dest_title"),
    }
}

fn search_content<'a>(
    pane: &DestFaresPane,
    place: &str,
    listed: usize,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'a>> {
    let search = &pane.search;
    let label = crate::i18n::tf("dest_search_title", &[("place", place)]);
    let mut lines = vec![
        Line::styled(fit(&label, width), theme.dim()),
        Line::from(vec![
            Span::styled("> ", theme.heading()),
            Span::raw(fit(&search.query, width.saturating_sub(3))),
            Span::styled("▏", theme.heading()),
        ]),
    ];
    if listed > 0 {
        let mut hits = Vec::new();
        if search.loading {
            hits.push(Line::styled(crate::i18n::t("loading_stops"), theme.dim()));
        } else if search.hits.is_empty() {
            hits.push(Line::styled(crate::i18n::t("no_stop_matches"), theme.dim()));
        }
        let first = search.selected.saturating_sub(listed.saturating_sub(1));
        for (i, hit) in search.hits.iter().enumerate().skip(first).take(listed) {
            hits.push(super::search::hit_line(
                hit,
                i == search.selected,
                width,
                theme,
            ));
        }
        hits.resize(listed, Line::raw(""));
        lines.extend(hits);
    }
    let mut extra = Vec::new();
    if search.stale {
        extra.push((crate::i18n::t("search_stale").to_string(), 101));
    }
    if let Some((_, name)) = search.networks.get(search.network) {
        // One network listed: the search is held to it (a destination).
        let key = if search.networks.len() > 1 {
            "search_network"
        } else {
            "search_network_only"
        };
        extra.push((crate::i18n::tf(key, &[("name", name)]), 97));
    }
    let keys = if pane.fares.is_some() {
        crate::i18n::t("dest_fares_footer")
    } else {
        crate::i18n::t("dest_footer")
    };
    lines.push(Line::styled(
        super::text::footer(keys, &extra, width),
        theme.dim(),
    ));
    lines
}

/// Draws the pane in `area` (its box); reads only.
pub fn draw(frame: &mut Frame, area: Rect, pane: &DestFaresPane, theme: &Theme) {
    let Some(place) = pane.place.as_deref() else {
        let fares = pane.fares.clone().unwrap_or_default();
        super::fares::draw(frame, area, &fares, theme);
        return;
    };
    let width = usize::from(area.width.saturating_sub(2));
    let inner_h = usize::from(area.height.saturating_sub(2));
    let (taken, listed) = search_lines(pane, inner_h);
    frame.render_widget(Clear, area);
    let name = fit(title(pane), width.saturating_sub(2));
    frame.render_widget(
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" {name} ")),
        area,
    );
    let inner = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    let lines = search_content(pane, place, listed, theme, width);
    frame.render_widget(Paragraph::new(lines), inner);
    let Some(fares) = pane.fares.as_ref() else {
        return;
    };
    if taken >= inner_h {
        return;
    }
    // The fares in a box whose top is the rule under the search and whose
    // other borders are the pane's.
    let below = fares_area(pane, area);
    let content = super::fares::content(fares, theme, usize::from(below.width.saturating_sub(4)));
    let room = usize::from(below.height.saturating_sub(2));
    let scroll = fares.scroll.min(content.len().saturating_sub(room));
    frame.render_widget(
        Paragraph::new(
            content
                .into_iter()
                .skip(scroll)
                .take(room)
                .collect::<Vec<_>>(),
        )
        .block(Block::default().borders(Borders::ALL)),
        below,
    );
    // The rule joins the pane's sides.
    if below.y > area.y && below.width >= 2 {
        let buffer = frame.buffer_mut();
        buffer[(below.x, below.y)].set_symbol("├");
        buffer[(below.x + below.width - 1, below.y)].set_symbol("┤");
    }
}
