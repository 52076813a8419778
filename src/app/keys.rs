//! The board's keys: a key goes to the open pane, else it is looked up in
//! the one key table ([`crate::ui::keymap`]) and its action applied.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{App, Effect, Overlay, panes};
use crate::ui::keymap::{self, Action};
use crate::ui::traffic::TrafficPane;
use crate::ui::view;

impl App {
    pub(super) fn key(&mut self, key: KeyEvent) -> Effect {
        if key.kind == KeyEventKind::Release {
            return Effect::Nothing;
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return Effect::Quit;
        }
        if let Some(overlay) = self.overlay.take() {
            // The help over a pane: Esc comes back to the pane.
            if self.help {
                self.overlay = Some(overlay);
                return self.help_over_pane_key(key);
            }
            if overlay.opens_help(key) {
                // At the pane's own keys.
                self.help_scroll = self.help_line_of(overlay.pane());
                self.overlay = Some(overlay);
                self.help = true;
                return Effect::Redraw;
            }
            return self.pane_key(overlay, key);
        }
        if key.code == KeyCode::Esc && self.help {
            self.help = false;
            return Effect::Redraw;
        }
        // The keys follow the selected row as the board is now.
        self.refresh_view(self.now);
        let Some(action) = keymap::action(key.code, self.capabilities_here()) else {
            return Effect::Nothing;
        };
        if self.help
            && let Some(effect) = self.scroll_help(action)
        {
            return effect;
        }
        self.act(action)
    }

    /// A key while the help is open over a pane: Esc, `?` or `q` close
    /// the help (the pane is shown again), the board's paging keys scroll
    /// it, the others do nothing.
    fn help_over_pane_key(&mut self, key: KeyEvent) -> Effect {
        if matches!(
            key.code,
            KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q')
        ) {
            self.help = false;
            return Effect::Redraw;
        }
        keymap::action(key.code, self.capabilities_here())
            .and_then(|action| self.scroll_help(action))
            .unwrap_or(Effect::Nothing)
    }

    /// What the open pane makes of a key.
    fn pane_outcome(&mut self, overlay: &mut Overlay, key: KeyEvent) -> panes::Outcome {
        let mut ctx = panes::Context {
            board: &self.board,
            index: self.index.as_deref(),
            area: self.area,
            notice: &mut self.notice,
            destinations: &mut self.destinations,
        };
        overlay.key(key, &mut ctx)
    }

    /// A key for the open pane: it stays open or closes with an effect.
    fn pane_key(&mut self, mut overlay: Overlay, key: KeyEvent) -> Effect {
        let before = self.destinations.clone();
        let outcome = self.pane_outcome(&mut overlay, key);
        // A destination chosen (`>`, `t`) filters the board: its view is
        // built again.
        if self.destinations != before {
            self.board_changed = true;
        }
        match outcome {
            panes::Outcome::Stay(effect) => {
                self.overlay = Some(overlay);
                effect
            }
            panes::Outcome::Close(effect) => {
                match &effect {
                    Effect::OpenPlaces(_) => {
                        self.clear_places();
                        self.away = true;
                    }
                    Effect::ShowFavorites(list) => {
                        self.clear_places();
                        self.away = false;
                        if let Some(first) = self.first.as_mut() {
                            first.places = list.iter().map(|f| f.query()).collect();
                            first.favorites = list.clone();
                            first.is_favorites = true;
                        }
                    }
                    _ => {}
                }
                effect
            }
        }
    }

    /// The board's action for a key.
    fn act(&mut self, action: Action) -> Effect {
        let rows = self.view().map_or(0, view::BoardView::selectable_rows);
        match action {
            Action::Quit => Effect::Quit,
            Action::Help => {
                self.help = !self.help;
                self.help_scroll = 0;
                Effect::Redraw
            }
            Action::Refresh => {
                self.refreshing = true;
                Effect::RefreshNow
            }
            Action::Back => match self.first.clone().filter(|_| self.away) {
                Some(first) => {
                    self.clear_places();
                    self.away = false;
                    self.notice = Some(crate::i18n::tf("back_to", &[("name", &first.name)]));
                    Effect::Show {
                        places: first.places,
                        favorites: first.favorites,
                    }
                }
                None => Effect::Nothing,
            },
            Action::Nearby => match self.home {
                None => {
                    self.notice = Some(crate::i18n::t("no_home").into());
                    Effect::Redraw
                }
                Some(home) => {
                    self.notice = Some(crate::i18n::t("nearby_searching").into());
                    Effect::Nearby {
                        asked: self.ask(),
                        home,
                    }
                }
            },
            Action::Favorites => Effect::OpenFavorites { asked: self.ask() },
            Action::Details => {
                self.help = false;
                self.open_details()
            }
            Action::Forecast => {
                self.help = false;
                self.open_forecast()
            }
            Action::Fares => {
                self.help = false;
                self.open_dest_fares()
            }
            Action::Traffic => {
                self.help = false;
                self.overlay = Some(Overlay::Traffic(TrafficPane::default()));
                Effect::Redraw
            }
            Action::ToggleFavorite => match self.selected_place() {
                Some(place) => {
                    let network = self
                        .board
                        .resolved_places()
                        .find(|p| p.name == place)
                        .map(|p| p.network.clone())
                        .filter(|n| self.networks.first().is_some_and(|d| &d.id != n));
                    // Its destination as shown (`--to`, chosen with `t`)
                    // goes with it.
                    let to = self
                        .displayed()
                        .places
                        .iter()
                        .find(|s| s.place.name == place)
                        .and_then(|s| s.place.to.clone());
                    Effect::ToggleFavorite(place, network, to)
                }
                None => Effect::Nothing,
            },
            Action::Search => {
                self.help = false;
                self.open_search();
                Effect::Redraw
            }
            Action::SetDestination => {
                self.help = false;
                self.open_destination()
            }
            Action::ClearDestination => self.clear_destination(),
            Action::Down if rows > 0 => {
                self.selected = Some(self.selected.map_or(0, |s| (s + 1).min(rows - 1)));
                Effect::Redraw
            }
            Action::Up if rows > 0 => {
                self.selected = Some(self.selected.map_or(0, |s| s.saturating_sub(1)));
                Effect::Redraw
            }
            Action::Down | Action::Up => Effect::Nothing,
            Action::PageDown
            | Action::PageUp
            | Action::First
            | Action::Last
            | Action::NextPlace
            | Action::PrevPlace => self.move_far(action, rows),
        }
    }

    /// The moving keys scroll the help while it is open (no further than
    /// its end); `None` for the other keys.
    /// The help's state for its layout (what it lists, not its colours).
    fn help_state(&self) -> crate::ui::departures::PaneState<'_> {
        crate::ui::departures::PaneState {
            title: "",
            selected: None,
            help: true,
            theme: crate::ui::theme::Theme::new(crate::ui::theme::Palette::NoColor),
            nb: 1,
            attribution: &self.attribution,
            notice: None,
            warning: None,
            capabilities: self.capabilities_here(),
            back_to: None,
        }
    }

    /// Where the help starts when opened from `pane`: its keys, scrolled
    /// no further than the help's end.
    fn help_line_of(&self, pane: crate::ui::keymap::Pane) -> usize {
        let state = self.help_state();
        crate::ui::screens::help_line_of(self.area, &state, pane)
            .min(crate::ui::screens::help_scroll_max(self.area, &state))
    }

    fn scroll_help(&mut self, action: Action) -> Option<Effect> {
        let state = self.help_state();
        let max = crate::ui::screens::help_scroll_max(self.area, &state);
        let page = usize::from(self.area.height.saturating_sub(4)).max(1);
        let at = self.help_scroll.min(max);
        let to = match action {
            Action::Down => (at + 1).min(max),
            Action::Up => at.saturating_sub(1),
            Action::PageDown => (at + page).min(max),
            Action::PageUp => at.saturating_sub(page),
            Action::First => 0,
            Action::Last => max,
            _ => return None,
        };
        self.help_scroll = to;
        Some(if to == at {
            Effect::Nothing
        } else {
            Effect::Redraw
        })
    }

    /// Moves the selection by a screen, to an end of the board, or to the
    /// next or previous place (the board scrolls to show it).
    fn move_far(&mut self, action: Action, rows: usize) -> Effect {
        if rows == 0 {
            return Effect::Nothing;
        }
        let last = rows - 1;
        // The rows a screen shows, less the header, the status line and
        // the mark of what is above and below.
        let page = usize::from(self.area.height.saturating_sub(4)).max(1);
        let starts = self
            .view()
            .map(view::BoardView::place_starts)
            .unwrap_or_default();
        let at = self.selected;
        let from = at.unwrap_or(0);
        let to = match action {
            Action::PageDown => (from + page).min(last),
            Action::PageUp => from.saturating_sub(page),
            Action::First => 0,
            Action::Last => last,
            // The next place; with none selected, the first row is it.
            Action::NextPlace => starts.iter().copied().find(|&s| s > from).unwrap_or(from),
            _ => starts
                .iter()
                .copied()
                .rev()
                .find(|&s| s < from)
                .unwrap_or(0),
        };
        if at == Some(to) {
            return Effect::Nothing;
        }
        self.selected = Some(to);
        Effect::Redraw
    }
}
