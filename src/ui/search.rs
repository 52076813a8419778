//! The stop search pane (`/` in the board).
//!
//! ```text
//!  ┌ Rechercher un arrêt ─────────────────────────────┐
//!  │ > chateau▏                                       │
//!  │   Châteaufarine                                  │
//!  │   Château de Montfaucon                          │
//!  │ Entrée ouvrir · Échap retour                     │
//!  └──────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::departures::fit;
use super::theme::Theme;

/// One result, with the characters of its name to highlight.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub name: String,
    pub highlight: Vec<usize>,
    /// What opens it: the name, with its network when several are shown
    /// (`idfm:Gare de Lyon`).
    pub query: String,
}

/// The search as typed and its results, computed when the query changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchState {
    pub query: String,
    pub hits: Vec<Hit>,
    pub selected: usize,
    /// The stop list is an old copy (the network failed).
    pub stale: bool,
    /// No stop list yet.
    pub loading: bool,
    /// The networks shown together (id, name), and the one searched (Tab
    /// switches); empty with one network.
    pub networks: Vec<(String, String)>,
    pub network: usize,
    /// The pane's title when it is not the stop search's (choosing a
    /// destination).
    pub title: Option<String>,
}

impl SearchState {
    /// Recomputes the hits for the current query.
    pub fn refresh(&mut self, index: Option<&crate::search::Index>) {
        self.loading = index.is_none();
        let scope = self
            .networks
            .get(self.network)
            .map(|(id, _)| format!("{id}:"));
        self.hits = index
            .map(|index| {
                index
                    .search(&self.query, 400)
                    .into_iter()
                    .filter(|m| {
                        scope.as_ref().is_none_or(|scope| {
                            m.place
                                .stop_ids
                                .first()
                                .is_some_and(|id| id.starts_with(scope))
                        })
                    })
                    .take(50)
                    .map(|m| Hit {
                        query: match &scope {
                            Some(scope) => format!("{scope}{}", m.place.name),
                            None => m.place.name.clone(),
                        },
                        name: m.place.name.clone(),
                        highlight: m.highlight,
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.selected = 0;
    }

    /// Searches the next network (Tab).
    pub fn next_network(&mut self, index: Option<&crate::search::Index>) {
        if !self.networks.is_empty() {
            self.network = (self.network + 1) % self.networks.len();
            self.refresh(index);
        }
    }

    /// What Enter opens.
    pub fn chosen(&self) -> Option<&str> {
        self.hits.get(self.selected).map(|h| h.query.as_str())
    }
}

pub fn draw(frame: &mut Frame, area: Rect, search: &SearchState, theme: &Theme) {
    let width = area.width.saturating_sub(4).min(70);
    let height = area.height.saturating_sub(2).min(20);
    let x = area.x + (area.width.saturating_sub(width)) / 2;
    let y = area.y + (area.height.saturating_sub(height)) / 2;
    let pane = Rect::new(x, y, width, height);
    let inner_w = width.saturating_sub(2) as usize;
    let mut lines = vec![Line::from(vec![
        Span::styled("> ", theme.heading()),
        Span::raw(fit(&search.query, inner_w.saturating_sub(3))),
        Span::styled("▏", theme.heading()),
    ])];
    let room = (height as usize).saturating_sub(4);
    if search.loading {
        lines.push(Line::styled(crate::i18n::t("loading_stops"), theme.dim()));
    } else if search.hits.is_empty() {
        lines.push(Line::styled(crate::i18n::t("no_stop_matches"), theme.dim()));
    }
    let first = search.selected.saturating_sub(room.saturating_sub(1));
    for (i, hit) in search.hits.iter().enumerate().skip(first).take(room) {
        lines.push(hit_line(hit, i == search.selected, inner_w, theme));
    }
    // Composed by priority: the stale list first, then the key to open,
    // the network, the key to choose; the key to go back always.
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
        extra.push((crate::i18n::tf(key, &[("name", name)]), 99));
    }
    let footer = super::text::footer(crate::i18n::t("search_footer"), &extra, inner_w);
    while lines.len() < (height as usize).saturating_sub(3) {
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(footer, theme.dim()));
    frame.render_widget(Clear, pane);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(format!(
                    " {} ",
                    search
                        .title
                        .as_deref()
                        .unwrap_or(crate::i18n::t("search_title"))
                ))),
        pane,
    );
}

/// A stop found, in `width` cells: "▸ " when selected, the letters that
/// matched the query underlined.
pub(super) fn hit_line(hit: &Hit, selected: bool, width: usize, theme: &Theme) -> Line<'static> {
    let base = if selected {
        theme.selected()
    } else {
        ratatui::style::Style::new()
    };
    let mut spans = vec![Span::styled(if selected { "▸ " } else { "  " }, base)];
    let name = fit(&hit.name, width.saturating_sub(2));
    for (j, c) in name.chars().enumerate() {
        let style = if hit.highlight.contains(&j) {
            base.patch(theme.notice())
                .add_modifier(Modifier::UNDERLINED)
        } else {
            base
        };
        spans.push(Span::styled(c.to_string(), style));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Index;
    use crate::ui::theme::Palette;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn index() -> Index {
        let stops: Vec<crate::domain::Stop> =
            ["Châteaufarine", "Chamars", "Ile de France", "Chalezeule"]
                .iter()
                .enumerate()
                .map(|(i, n)| crate::domain::Stop::named(&format!("S{i}"), n))
                .collect();
        Index::from_stops(&stops)
    }

    #[test]
    fn results_follow_the_query_with_highlights() {
        let index = index();
        let mut s = SearchState {
            query: "chateau".into(),
            ..Default::default()
        };
        s.refresh(Some(&index));
        assert_eq!(s.chosen(), Some("Châteaufarine"));
        let mut terminal = Terminal::new(TestBackend::new(60, 16)).unwrap();
        terminal
            .draw(|f| draw(f, f.area(), &s, &Theme::new(Palette::TrueColor)))
            .unwrap();
        let buffer = terminal.backend().buffer().clone();
        let text: String = buffer.content.iter().map(|c| c.symbol()).collect();
        assert!(text.contains("Rechercher un arrêt"), "{text}");
        assert!(text.contains("> chateau"), "{text}");
        // The "â" of Châteaufarine is highlighted, the "f" is not.
        let row = (0..16)
            .find(|y| {
                (0..60)
                    .map(|x| buffer[(x, *y)].symbol())
                    .collect::<String>()
                    .contains("Châteaufarine")
            })
            .unwrap();
        let line: Vec<&ratatui::buffer::Cell> = (0..60).map(|x| &buffer[(x, row)]).collect();
        let a_hat = line.iter().find(|c| c.symbol() == "â").unwrap();
        assert!(a_hat.modifier.contains(Modifier::UNDERLINED));
        let f = line.iter().find(|c| c.symbol() == "f").unwrap();
        assert!(!f.modifier.contains(Modifier::UNDERLINED));
        assert!(
            line.iter().any(|c| c.modifier.contains(Modifier::REVERSED)),
            "the selection"
        );
    }

    #[test]
    fn loading_and_no_result_are_said() {
        let mut s = SearchState::default();
        s.refresh(None);
        assert!(s.loading);
        let mut terminal = Terminal::new(TestBackend::new(50, 12)).unwrap();
        terminal
            .draw(|f| draw(f, f.area(), &s, &Theme::new(Palette::NoColor)))
            .unwrap();
        let text: String = terminal
            .backend()
            .buffer()
            .content
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(text.contains("Chargement des arrêts"), "{text}");
        let index = index();
        s.query = "zzzz".into();
        s.refresh(Some(&index));
        assert!(s.hits.is_empty() && !s.loading);
    }
}
