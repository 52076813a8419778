//! The live board and the kiosk as one model: the [`App`] state, the
//! [`Msg`]s that change it, and a pure [`App::update`] (the time is passed
//! in) that returns the IO to start as an [`Effect`]. The kiosk is a mode
//! of the app ([`kiosk`]): the same messages and update, its own view. The
//! loop that owns the terminal and runs the effects is [`run`]; the panes
//! over the board are [`panes`]; the board's keys are one table,
//! [`crate::ui::keymap`].
//!
//! Every answer to a request (fares, forecast, a vehicle, the stops
//! nearby, the favourites read) carries the number of the request it
//! answers; only the answer to the last request is used.
//!
//! The app keeps one view of its board ([`App::view`]): built again only
//! after the board changed, else brought to the new second, and read both
//! by `update` (the selected row) and by drawing; the loop handles every
//! waiting message before it draws, so a batch of changes is built once.

pub mod kiosk;
pub mod panes;
mod run;

use std::sync::Arc;

use jiff::Timestamp;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;

pub use kiosk::KioskMode;
pub use panes::Overlay;
pub use run::{BoardSettings, draw_screen, run, run_kiosk};

use crate::favorites::{FavOp, Favorite};
use crate::model::Board;
use crate::network::Capabilities;
use crate::poller::{self, Update};
use crate::search::Index;
use crate::ui::details::{DetailsPane, ForecastPane};
use crate::ui::fares::FaresPane;
use crate::ui::favorites::FavPane;
use crate::ui::keymap::{self, Action};
use crate::ui::search::SearchState;
use crate::ui::traffic::TrafficPane;
use crate::ui::view;

/// The number of a request, that its answer carries back.
pub type Asked = u64;

/// Everything that can happen to the board or the kiosk.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Resize,
    Tick,
    Update(Update),
    /// The places near home, nearest first (or why there are none).
    Nearby {
        asked: Asked,
        found: Result<Vec<String>, String>,
    },
    /// The fares, for their pane (or why there are none).
    Fares {
        asked: Asked,
        fares: Result<Vec<crate::domain::Fare>, String>,
    },
    /// A vehicle's equipment and live state, for the detail pane.
    Vehicle {
        asked: Asked,
        number: String,
        vehicle: Result<crate::domain::Vehicle, String>,
        live: Result<crate::domain::VehicleLive, String>,
    },
    /// The day's crowding forecast, for its pane.
    Forecast {
        asked: Asked,
        forecast: Result<Vec<crate::domain::CrowdForecast>, String>,
    },
    /// The favourites read for their pane, and a note for the status line
    /// (changes not saved in the demo); or what to say instead.
    FavoritesRead {
        asked: Asked,
        read: Result<(Vec<Favorite>, Option<String>), String>,
    },
    /// A change to the favourites written (what to say, if anything), or
    /// why it could not be.
    FavoritesSaved(Result<Option<String>, String>),
    /// A favourite added or removed with `f`: what to say and the
    /// favourites now (none when they are kept nowhere), or why it could
    /// not be written.
    FavoriteToggled(Result<(String, Option<Vec<Favorite>>), String>),
    /// SIGTERM or SIGINT.
    Stop,
    /// SIGHUP: a reload for the kiosk, unless the terminal is gone.
    Hangup {
        terminal_alive: bool,
    },
    /// No more input: no keyboard, or the terminal is gone.
    InputEnded {
        terminal_alive: bool,
    },
    /// The kiosk's files, read again after a SIGHUP.
    Reloaded(Box<crate::kiosk::Loaded>),
    Quit,
}

/// What `update` asks the loop to do.
#[derive(Debug, PartialEq)]
pub enum Effect {
    Nothing,
    Redraw,
    RefreshNow,
    /// Show these places instead.
    OpenPlaces(Vec<String>),
    /// Add the place to the favourites, or remove it.
    /// A place, and its network unless it is the default one.
    ToggleFavorite(String, Option<String>),
    /// Look up the stops near home.
    Nearby {
        asked: Asked,
        home: crate::domain::Position,
    },
    /// Fetch the fares for their pane.
    LoadFares {
        asked: Asked,
    },
    /// Fetch a vehicle's equipment and live state.
    LoadVehicle {
        asked: Asked,
        number: String,
    },
    /// Fetch the day's crowding forecast of a line and direction at a stop.
    LoadForecast {
        asked: Asked,
        stop_id: String,
        line_id: String,
        outbound: bool,
    },
    /// Read the favourites, to open their pane.
    OpenFavorites {
        asked: Asked,
    },
    /// Save one change to the favourites.
    SaveFavorite(FavOp),
    /// Show the favourites' board again (after changes in the pane).
    ShowFavorites(Vec<Favorite>),
    /// Show these places, with these favourites' filters and labels (the
    /// board one came from).
    Show {
        places: Vec<String>,
        favorites: Vec<Favorite>,
    },
    /// Start the pollers on the kiosk's places, or stop them; `repaint`:
    /// the whole screen is written again (after a reload).
    Pollers {
        run: bool,
        repaint: bool,
    },
    /// Read the kiosk's files again.
    Reload,
    Quit,
}

pub struct App {
    /// Changed through [`App::board_mut`] or [`App::set_board`] only, so
    /// that the view is built again.
    board: Board,
    /// The view of `board` at `view_at`, while `board` is unchanged.
    view: Option<view::BoardView>,
    view_at: Timestamp,
    /// The board changed since the view was built.
    board_changed: bool,
    /// Added to the clock shown (the demo's clock may be shifted).
    pub clock_shift: jiff::SignedDuration,
    pub selected: Option<usize>,
    pub help: bool,
    /// How many lines the help is scrolled down.
    pub help_scroll: usize,
    /// The pane open over the board, if any.
    pub overlay: Option<Overlay>,
    pub index: Option<Arc<Index>>,
    pub index_stale: bool,
    /// A short message for the status line.
    pub notice: Option<String>,
    /// What the network offers beyond departures: only those keys work.
    pub capabilities: Capabilities,
    /// What each network of a mixed board offers, by id: the keys follow
    /// the selected row's network.
    pub networks: Vec<crate::network::NetworkInfo>,
    /// What the selected row's network offers, on a mixed board.
    here: Capabilities,
    /// The screen's size, as last drawn (panes scroll no further than
    /// their text in it).
    pub area: Rect,
    /// The board the app started with ("favoris", "démo", its places),
    /// and whether another is shown now (after a search or `n`).
    pub first: Option<FirstBoard>,
    pub away: bool,
    /// The home position for `n`.
    pub home: Option<crate::domain::Position>,
    /// The number of the last request whose answer is awaited: an answer
    /// to an older one is dropped.
    asked: Asked,
    /// The kiosk, when the app is one.
    pub kiosk: Option<KioskMode>,
    /// Lines for the journal (the kiosk's stderr), taken by the loop.
    pub journal: Vec<String>,
    /// The time of the message being handled.
    now: Timestamp,
}

/// The board the app started with, that `⌫` brings back.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstBoard {
    /// How the status line names it ("favoris").
    pub name: String,
    pub places: Vec<String>,
    pub favorites: Vec<Favorite>,
    /// It is the favourites' board: it follows their changes.
    pub is_favorites: bool,
}

impl App {
    pub fn new() -> App {
        App {
            board: Board::default(),
            view: None,
            view_at: Timestamp::UNIX_EPOCH,
            board_changed: true,
            clock_shift: jiff::SignedDuration::ZERO,
            selected: None,
            help: false,
            help_scroll: 0,
            overlay: None,
            index: None,
            index_stale: false,
            notice: None,
            capabilities: Capabilities::default(),
            networks: Vec::new(),
            here: Capabilities::default(),
            area: Rect::new(0, 0, 80, 24),
            first: None,
            away: false,
            home: None,
            asked: 0,
            kiosk: None,
            journal: Vec::new(),
            now: Timestamp::UNIX_EPOCH,
        }
    }

    /// The board shown.
    pub fn board(&self) -> &Board {
        &self.board
    }

    /// The board, to change: its view is built again before it is read.
    pub fn board_mut(&mut self) -> &mut Board {
        self.board_changed = true;
        &mut self.board
    }

    /// Shows `board` instead.
    pub fn set_board(&mut self, board: Board) {
        *self.board_mut() = board;
    }

    /// Brings the view to `now`: built again if the board changed since it
    /// was, else only what time changes is computed again. What the
    /// selected row's network offers follows it.
    pub fn refresh_view(&mut self, now: Timestamp) {
        let view = match self.view.take() {
            Some(mut view) if !self.board_changed => {
                if self.view_at != now {
                    view::advance_shifted(&mut view, &self.board, now, self.clock_shift);
                }
                view
            }
            _ => view::build_shifted(&self.board, now, self.clock_shift),
        };
        self.view = Some(view);
        self.view_at = now;
        self.board_changed = false;
        if self.networks.len() > 1 {
            self.here = self.selected_network_capabilities();
        }
    }

    /// The view of the board, as [`App::refresh_view`] last brought it
    /// (`update` and the loop's drawing do); `None` before the first.
    pub fn view(&self) -> Option<&view::BoardView> {
        self.view.as_ref()
    }

    /// The number of the last request asked (its answer is the one used).
    pub fn asked(&self) -> Asked {
        self.asked
    }

    /// A new request: answers to the ones before it are dropped.
    fn ask(&mut self) -> Asked {
        self.asked += 1;
        self.asked
    }

    /// A board for a network that offers `capabilities`.
    pub fn with_capabilities(capabilities: Capabilities) -> App {
        App {
            capabilities,
            ..App::new()
        }
    }

    /// What the selected row's network offers (the board's when it has
    /// one network); worked out when a key or an update moves things, not
    /// at every frame.
    pub fn capabilities_here(&self) -> Capabilities {
        if self.networks.len() < 2 {
            self.capabilities
        } else {
            self.here
        }
    }

    fn selected_network_capabilities(&self) -> Capabilities {
        let network = self.row_at_selection().map(|r| r.network);
        self.networks
            .iter()
            .find(|n| Some(&n.id) == network.as_ref())
            .map_or(self.capabilities, |n| n.capabilities)
    }

    pub fn search(&self) -> Option<&SearchState> {
        match &self.overlay {
            Some(Overlay::Search(s)) => Some(s),
            _ => None,
        }
    }

    pub fn favorites(&self) -> Option<&FavPane> {
        match &self.overlay {
            Some(Overlay::Favorites(p, _)) => Some(p),
            _ => None,
        }
    }

    pub fn traffic(&self) -> Option<&TrafficPane> {
        match &self.overlay {
            Some(Overlay::Traffic(p)) => Some(p),
            _ => None,
        }
    }

    pub fn fares(&self) -> Option<&FaresPane> {
        match &self.overlay {
            Some(Overlay::Fares(p)) => Some(p),
            _ => None,
        }
    }

    pub fn details(&self) -> Option<&DetailsPane> {
        match &self.overlay {
            Some(Overlay::Details(p)) => Some(p.as_ref()),
            _ => None,
        }
    }

    pub fn forecast(&self) -> Option<&ForecastPane> {
        match &self.overlay {
            Some(Overlay::Forecast(p)) => Some(p.as_ref()),
            _ => None,
        }
    }

    /// The selected row (the first when none is), with its place and stop.
    pub fn selected_row(&mut self) -> Option<crate::ui::details::RowInfo> {
        self.refresh_view(self.now);
        self.row_at_selection()
    }

    /// [`App::selected_row`] in the view as it is.
    fn row_at_selection(&self) -> Option<crate::ui::details::RowInfo> {
        let view = self.view.as_ref()?;
        let wanted = self.selected.unwrap_or(0);
        let mut index = 0;
        for (p, shown) in view.places.iter().enumerate() {
            if shown.no_departure {
                continue;
            }
            for row in &shown.rows {
                if index == wanted {
                    let next = row.cells.first().cloned();
                    let stop_id = next
                        .as_ref()
                        .map(|c| c.stop_id.clone())
                        .filter(|s| !s.is_empty())
                        .or_else(|| self.board.places.get(p)?.place.stop_ids.first().cloned())
                        .unwrap_or_default();
                    return Some(crate::ui::details::RowInfo {
                        network: self
                            .board
                            .places
                            .get(p)
                            .map(|p| p.place.network.clone())
                            .unwrap_or_default(),
                        lifts: shown.lift_list.clone(),
                        lifts_note: shown.lifts.clone(),
                        place: shown.name.clone(),
                        stop_id,
                        line: row.line.clone(),
                        outbound: row.outbound,
                        destination: row.destination.clone(),
                        next,
                    });
                }
                index += 1;
            }
        }
        None
    }

    fn open_details(&mut self) -> Effect {
        let Some(row) = self.selected_row() else {
            return Effect::Nothing;
        };
        let message = row
            .next
            .as_ref()
            .and_then(|c| c.info_id.as_ref())
            .and_then(|id| self.board.messages.iter().find(|m| &m.id == id).cloned());
        let vehicle = row
            .next
            .as_ref()
            .and_then(|c| c.vehicle.clone())
            .filter(|_| self.capabilities_here().vehicle_details);
        self.overlay = Some(Overlay::Details(Box::new(DetailsPane {
            row,
            vehicle: None,
            live: None,
            message,
        })));
        match vehicle {
            Some(number) => Effect::LoadVehicle {
                asked: self.ask(),
                number,
            },
            None => Effect::Redraw,
        }
    }

    fn open_forecast(&mut self) -> Effect {
        let Some(row) = self.selected_row() else {
            return Effect::Nothing;
        };
        let effect = Effect::LoadForecast {
            asked: self.ask(),
            stop_id: row.stop_id.clone(),
            line_id: row.line.id.clone(),
            outbound: row.outbound,
        };
        let now = self
            .now
            .to_zoned(crate::domain::zone())
            .strftime("%H:%M")
            .to_string();
        self.overlay = Some(Overlay::Forecast(Box::new(ForecastPane {
            row,
            forecast: None,
            now,
        })));
        effect
    }

    /// The lines on the board, once each.
    pub fn lines_on_screen(&self) -> Vec<crate::ui::traffic::ScreenLine> {
        panes::lines_on_screen(&self.board)
    }

    /// Opens the favourites pane on `list`.
    pub fn open_favorites(&mut self, list: Vec<Favorite>) {
        self.overlay = Some(Overlay::Favorites(
            FavPane {
                list,
                ..FavPane::default()
            },
            false,
        ));
    }

    /// The place of the selected row, or the first place.
    pub fn selected_place(&mut self) -> Option<String> {
        self.refresh_view(self.now);
        let view = self.view.as_ref()?;
        let Some(selected) = self.selected else {
            return self.board.resolved_places().next().map(|p| p.name.clone());
        };
        let mut row = 0;
        for (place, shown) in self.board.resolved_places().zip(&view.places) {
            if shown.no_departure {
                continue;
            }
            if selected < row + shown.rows.len() {
                return Some(place.name.clone());
            }
            row += shown.rows.len();
        }
        None
    }

    pub fn open_search(&mut self) {
        // Several networks: the search starts in the selected row's.
        let here = self.selected_row().map(|r| r.network);
        let networks: Vec<(String, String)> = if self.networks.len() > 1 {
            self.networks
                .iter()
                .map(|n| (n.id.clone(), n.name.clone()))
                .collect()
        } else {
            Vec::new()
        };
        let network = networks
            .iter()
            .position(|(id, _)| Some(id) == here.as_ref())
            .unwrap_or(0);
        let mut search = SearchState {
            stale: self.index_stale,
            networks,
            network,
            ..SearchState::default()
        };
        search.refresh(self.index.as_deref());
        self.overlay = Some(Overlay::Search(search));
    }

    /// The name of the board `⌫` brings back, while another is shown.
    pub fn back_to(&self) -> Option<&str> {
        self.first
            .as_ref()
            .filter(|_| self.away)
            .map(|f| f.name.as_str())
    }

    /// A new set of places is coming: the board is emptied, but the
    /// network's messages and line states stay.
    fn clear_places(&mut self) {
        let board = self.board_mut();
        let messages = std::mem::take(&mut board.messages);
        let states = std::mem::take(&mut board.line_states);
        *board = Board::default();
        board.messages = messages;
        board.line_states = states;
        self.selected = None;
    }

    /// Applies one message at `now`; no IO.
    pub fn update(&mut self, msg: Msg, now: Timestamp) -> Effect {
        self.now = now;
        // What the selected row's network offers follows a key at once;
        // after a new board, when its view is built (before the next key
        // or frame), once for all the changes waiting.
        let moved = !matches!(msg, Msg::Tick | Msg::Resize | Msg::Update(_));
        let effect = self.handle(msg);
        if moved && self.networks.len() > 1 {
            self.refresh_view(now);
        }
        effect
    }

    fn handle(&mut self, msg: Msg) -> Effect {
        if self.kiosk.is_some() {
            return self.kiosk_handle(msg);
        }
        match msg {
            Msg::Quit | Msg::Stop | Msg::Hangup { .. } | Msg::InputEnded { .. } => Effect::Quit,
            Msg::Tick | Msg::Resize => Effect::Redraw,
            // Only a kiosk reads its files again.
            Msg::Reloaded(_) => Effect::Nothing,
            Msg::Update(update) => {
                // The same places looked at again keep the selection.
                if let Update::Resolved { places, .. } = &update {
                    let same = places.len() == self.board.places.len()
                        && places
                            .iter()
                            .zip(self.board.resolved_places())
                            .all(|(a, b)| a.name == b.name && a.network == b.network);
                    if !same {
                        self.selected = None;
                    }
                }
                if let Some((index, stale)) = poller::apply(self.board_mut(), update) {
                    self.index = Some(index);
                    self.index_stale = stale;
                    if let Some(Overlay::Search(search)) = self.overlay.as_mut() {
                        search.stale = stale;
                        search.refresh(self.index.as_deref());
                    }
                }
                Effect::Redraw
            }
            Msg::Key(key) => {
                self.notice = None;
                self.key(key)
            }
            // An answer to a request made before the last one: dropped.
            Msg::Nearby { asked, .. }
            | Msg::Fares { asked, .. }
            | Msg::Vehicle { asked, .. }
            | Msg::Forecast { asked, .. }
            | Msg::FavoritesRead { asked, .. }
                if asked != self.asked =>
            {
                Effect::Nothing
            }
            Msg::Nearby { found, .. } => self.nearby_found(found),
            Msg::Vehicle {
                number,
                vehicle,
                live,
                ..
            } => {
                if let Some(Overlay::Details(pane)) = self.overlay.as_mut()
                    && pane.row.next.as_ref().and_then(|c| c.vehicle.as_ref()) == Some(&number)
                {
                    pane.vehicle = Some(vehicle);
                    pane.live = Some(live);
                }
                Effect::Redraw
            }
            Msg::Forecast { forecast, .. } => {
                if let Some(Overlay::Forecast(pane)) = self.overlay.as_mut() {
                    pane.forecast = Some(forecast);
                }
                Effect::Redraw
            }
            Msg::Fares { fares, .. } => {
                if let Some(Overlay::Fares(pane)) = self.overlay.as_mut() {
                    pane.fares = Some(fares);
                }
                Effect::Redraw
            }
            Msg::FavoritesRead { read, .. } => {
                match read {
                    Ok((list, note)) => {
                        self.open_favorites(list);
                        self.notice = note;
                    }
                    Err(said) => self.notice = Some(said),
                }
                Effect::Redraw
            }
            Msg::FavoritesSaved(Ok(said)) => {
                if said.is_some() {
                    self.notice = said;
                }
                Effect::Redraw
            }
            Msg::FavoritesSaved(Err(why)) | Msg::FavoriteToggled(Err(why)) => {
                self.notice = Some(crate::i18n::tf("favorites_not_saved", &[("why", &why)]));
                Effect::Redraw
            }
            Msg::FavoriteToggled(Ok((said, list))) => {
                self.notice = Some(said);
                match (list, self.first.as_mut()) {
                    (Some(list), Some(first)) if first.is_favorites => {
                        first.places = list.iter().map(|f| f.query()).collect();
                        first.favorites = list;
                        if self.away {
                            Effect::Redraw
                        } else {
                            // The favourites' board is shown: it changes now.
                            let effect = Effect::Show {
                                places: first.places.clone(),
                                favorites: first.favorites.clone(),
                            };
                            self.clear_places();
                            effect
                        }
                    }
                    _ => Effect::Redraw,
                }
            }
        }
    }

    fn nearby_found(&mut self, found: Result<Vec<String>, String>) -> Effect {
        match found {
            Ok(places) if places.is_empty() => {
                self.notice = Some(crate::i18n::t("nearby_none").into());
                Effect::Redraw
            }
            Ok(places) => {
                self.clear_places();
                self.away = true;
                self.notice = Some(crate::i18n::t("nearby").into());
                Effect::OpenPlaces(places)
            }
            Err(reason) => {
                self.notice = Some(reason);
                Effect::Redraw
            }
        }
    }

    fn key(&mut self, key: KeyEvent) -> Effect {
        if key.kind == KeyEventKind::Release {
            return Effect::Nothing;
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return Effect::Quit;
        }
        if let Some(mut overlay) = self.overlay.take() {
            let mut ctx = panes::Context {
                board: &self.board,
                index: self.index.as_deref(),
                area: self.area,
                notice: &mut self.notice,
            };
            return match overlay.key(key, &mut ctx) {
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
            };
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
        let rows = self.view().map_or(0, view::BoardView::selectable_rows);
        match action {
            Action::Quit => Effect::Quit,
            Action::Help => {
                self.help = !self.help;
                self.help_scroll = 0;
                Effect::Redraw
            }
            Action::Refresh => Effect::RefreshNow,
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
                self.overlay = Some(Overlay::Fares(FaresPane::default()));
                Effect::LoadFares { asked: self.ask() }
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
                    Effect::ToggleFavorite(place, network)
                }
                None => Effect::Nothing,
            },
            Action::Search => {
                self.help = false;
                self.open_search();
                Effect::Redraw
            }
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
}

impl App {
    /// The moving keys scroll the help while it is open (no further than
    /// its end); `None` for the other keys.
    fn scroll_help(&mut self, action: Action) -> Option<Effect> {
        let state = crate::ui::departures::PaneState {
            title: "",
            selected: None,
            help: true,
            theme: crate::ui::theme::Theme::new(crate::ui::theme::Palette::NoColor),
            nb: 1,
            attribution: "",
            notice: None,
            warning: None,
            capabilities: self.capabilities_here(),
            back_to: None,
        };
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

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

#[cfg(test)]
mod tests {
    use super::run::{draw_app, toggle_favorite};
    use super::*;
    use crate::poller::PollSettings;
    use crate::ui::theme::Theme;

    /// The time of every message in these tests.
    fn now() -> Timestamp {
        crate::clock::now()
    }
    use crate::domain::LineRef;
    use crate::model::{BoardLine, ResolvedPlace};
    use std::time::Duration;

    /// A network that offers every service.
    fn every_service() -> Capabilities {
        Capabilities {
            fares: true,
            vehicle_details: true,
            crowding_forecast: true,
            line_states: true,
            lifts: true,
            nearby: true,
        }
    }

    /// Messages and line states belong to the network: a new set of
    /// places, from the search or the stops nearby, keeps them.
    #[test]
    fn new_places_keep_the_networks_messages_and_line_states() {
        let mut app = App::new();
        app.update(Msg::Update(two_rows()), now());
        app.update(
            Msg::Update(Update::Messages(vec![crate::domain::Message {
                network: String::new(),
                id: "1".into(),
                title: "T1 : travaux".into(),
                body_html: String::new(),
                url: String::new(),
                severity: crate::domain::Severity::Ongoing,
                lines: vec!["T1".into()],
                stops: vec![],
                alert: false,
            }])),
            now(),
        );
        app.update(
            Msg::Update(Update::LineStates(vec![crate::domain::LineStatus {
                line: LineRef::plain("101", "T1"),
                state: crate::domain::LineState::Disrupted,
            }])),
            now(),
        );
        let stops = vec![crate::domain::Stop::named("S1", "Chamars")];
        app.update(
            Msg::Update(Update::Index {
                index: Arc::new(Index::from_stops(&stops)),
                stale: false,
            }),
            now(),
        );
        app.update(key(KeyCode::Char('/')), now());
        app.update(key(KeyCode::Char('c')), now());
        assert_eq!(
            app.update(key(KeyCode::Enter), now()),
            Effect::OpenPlaces(vec!["Chamars".into()])
        );
        assert!(app.board.places.is_empty(), "the old places are gone");
        assert_eq!(app.board.messages.len(), 1);
        assert_eq!(app.board.line_states.len(), 1);
        app.update(
            Msg::Nearby {
                asked: app.asked(),
                found: Ok(vec!["Chamars".into()]),
            },
            now(),
        );
        assert_eq!(app.board.messages.len(), 1);
        assert_eq!(app.board.line_states.len(), 1);
    }

    /// After a searched stop, ⌫ brings back the board one came from; the
    /// status line says so; q still quits.
    #[test]
    fn backspace_brings_back_the_first_board() {
        let mut app = App::new();
        let favorite = Favorite {
            place: "X".into(),
            network: None,
            label: Some("Maison".into()),
            lines: vec![],
            walk: None,
        };
        app.first = Some(FirstBoard {
            name: "favoris".into(),
            places: vec!["X".into()],
            favorites: vec![favorite.clone()],
            is_favorites: true,
        });
        app.update(Msg::Update(two_rows()), now());
        assert_eq!(app.update(key(KeyCode::Backspace), now()), Effect::Nothing);
        assert_eq!(app.back_to(), None, "on the first board");
        let stops = vec![crate::domain::Stop::named("S1", "Chamars")];
        app.index = Some(Arc::new(Index::from_stops(&stops)));
        app.update(key(KeyCode::Char('/')), now());
        app.update(key(KeyCode::Char('c')), now());
        app.update(key(KeyCode::Enter), now());
        assert_eq!(app.back_to(), Some("favoris"));
        // The status line says how to go back.
        let view = view::build(&app.board, now());
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(90, 10)).unwrap();
        terminal
            .draw(|f| super::draw_screen(f, &app, &view, &settings_for_tests()))
            .unwrap();
        let screen = crate::ui::departures::tests::screen(terminal.backend().buffer()).join("\n");
        assert!(screen.contains("⌫ retour : favoris"), "{screen}");
        assert_eq!(
            app.update(key(KeyCode::Backspace), now()),
            Effect::Show {
                places: vec!["X".into()],
                favorites: vec![favorite],
            }
        );
        assert_eq!(app.back_to(), None);
        assert_eq!(app.update(key(KeyCode::Char('q')), now()), Effect::Quit);
    }

    fn settings_for_tests() -> BoardSettings {
        BoardSettings {
            poll: PollSettings {
                places: vec![],
                nb: crate::network::PerRow::DEFAULT,
                refresh: Duration::from_secs(10),
                favorites: vec![],
                walk: None,
            },
            title: "quai".into(),
            attribution: String::new(),
            theme: Theme::new(crate::ui::theme::Palette::TrueColor),
            clock_shift: jiff::SignedDuration::ZERO,
            start_in_search: false,
            favorites: None,
            warning: None,
            home: None,
            first_name: "favoris".into(),
            first_is_favorites: true,
        }
    }

    #[test]
    fn keys_for_services_the_network_lacks_do_nothing() {
        let mut app = App::new();
        app.update(Msg::Update(two_rows()), now());
        assert_eq!(app.update(key(KeyCode::Char('t')), now()), Effect::Nothing);
        assert!(app.fares().is_none());
        assert_eq!(app.update(key(KeyCode::Char('c')), now()), Effect::Nothing);
        assert!(app.forecast().is_none());
        // Enter still opens the row's detail, without asking for a vehicle.
        assert_eq!(app.update(key(KeyCode::Enter), now()), Effect::Redraw);
        assert!(app.details().is_some());
    }

    fn key(code: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    /// `two_rows` at a place of this name.
    fn one_place(name: &str) -> Update {
        let mut update = two_rows();
        if let Update::Resolved { places, .. } = &mut update {
            places[0].name = name.into();
        }
        update
    }

    /// `n` places of two rows each, "P1" to "Pn".
    fn places(n: usize) -> Update {
        let mut places = Vec::new();
        for i in 1..=n {
            if let Update::Resolved { places: one, .. } = one_place(&format!("P{i}")) {
                places.extend(one);
            }
        }
        Update::Resolved {
            places,
            unknown: vec![],
            unavailable: vec![],
        }
    }

    /// The screen drawn of `app` at `width`×`height`.
    fn drawn(app: &mut App, width: u16, height: u16) -> String {
        app.area = Rect::new(0, 0, width, height);
        app.refresh_view(now());
        let view = app.view().cloned().unwrap();
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| super::draw_screen(f, app, &view, &settings_for_tests()))
            .unwrap();
        crate::ui::departures::tests::screen(terminal.backend().buffer()).join("\n")
    }

    /// A board longer than the screen: the paging keys reach every place,
    /// and a line says how many places are above and below.
    #[test]
    fn a_long_board_pages_and_says_what_is_below() {
        let mut app = App::new();
        app.update(Msg::Update(places(9)), now());
        let screen = drawn(&mut app, 80, 12);
        assert!(screen.contains("P1") && !screen.contains("P9"), "{screen}");
        assert!(screen.contains("↓ 6 lieux de plus"), "{screen}");
        // End and G: the last row, the last place shown.
        assert_eq!(app.update(key(KeyCode::End), now()), Effect::Redraw);
        assert_eq!(app.selected, Some(17));
        let screen = drawn(&mut app, 80, 12);
        assert!(screen.contains("P9") && !screen.contains("P1 "), "{screen}");
        assert!(screen.contains("↑ 6 lieux au-dessus"), "{screen}");
        assert!(!screen.contains('↓'), "{screen}");
        // Home and g: the first.
        app.update(key(KeyCode::Home), now());
        assert_eq!(app.selected, Some(0));
        app.update(key(KeyCode::Char('G')), now());
        assert_eq!(app.selected, Some(17));
        app.update(key(KeyCode::Char('g')), now());
        assert_eq!(app.selected, Some(0));
        // PageDown: a screen of rows further (12 lines less 4), no further
        // than the last; PageUp back.
        app.update(key(KeyCode::PageDown), now());
        assert_eq!(app.selected, Some(8));
        app.update(key(KeyCode::PageDown), now());
        app.update(key(KeyCode::PageDown), now());
        assert_eq!(app.selected, Some(17));
        app.update(key(KeyCode::PageUp), now());
        assert_eq!(app.selected, Some(9));
        // ] and Tab: the next place, shown from its name; [ the previous.
        let mut fresh = App::new();
        fresh.update(Msg::Update(places(2)), now());
        fresh.update(key(KeyCode::Char(']')), now());
        assert_eq!(fresh.selected, Some(2), "from the top, the second place");
        app.update(key(KeyCode::Char(']')), now());
        assert_eq!(app.selected, Some(10));
        app.update(key(KeyCode::Tab), now());
        assert_eq!(app.selected, Some(12));
        let screen = drawn(&mut app, 80, 12);
        let first_body_line = screen.lines().nth(1).unwrap_or_default();
        assert!(first_body_line.contains("P7"), "{screen}");
        app.update(key(KeyCode::Char('[')), now());
        assert_eq!(app.selected, Some(10));
        app.update(key(KeyCode::BackTab), now());
        assert_eq!(app.selected, Some(8));
        // The selection stays across a refresh of the same places.
        app.update(Msg::Update(places(9)), now());
        assert_eq!(app.selected, Some(8));
    }

    /// The help scrolls with the moving keys, says when more is below,
    /// and every one of its lines can be reached at 80×24 and 40×12.
    #[test]
    fn the_help_scrolls_to_its_last_line() {
        for (width, height) in [(80, 24), (40, 12), (120, 35)] {
            let mut app = App::with_capabilities(every_service());
            app.update(Msg::Update(places(3)), now());
            app.area = Rect::new(0, 0, width, height);
            app.update(key(KeyCode::Char('?')), now());
            let first = drawn(&mut app, width, height);
            assert!(first.contains("Touches"), "{first}");
            let mut seen = first.clone();
            let mut screen = first;
            for _ in 0..70 {
                app.update(key(KeyCode::Char('j')), now());
                screen = drawn(&mut app, width, height);
                seen.push_str(&screen);
            }
            // The last lines of the legend were reached; the board's
            // selection did not move.
            assert!(seen.contains("✖ ▲ ◆ ℹ"), "{width}×{height}: {screen}");
            // Explanations too long for the box go on under themselves.
            assert!(
                seen.contains("perturbée, en travaux"),
                "{width}×{height}: {screen}"
            );
            assert!(seen.contains("quitter"), "{width}×{height}: {screen}");
            assert!(seen.contains("♿ barré"), "{width}×{height}: {screen}");
            assert!(seen.contains("▮▯▯ ▮▮▯ ▮▮▮"), "{width}×{height}: {screen}");
            assert!(seen.contains("quitter"), "{width}×{height}: {screen}");
            assert_eq!(app.selected, None);
            if height < 35 {
                assert!(!screen.contains("Touches"), "scrolled: {screen}");
                assert!(screen.contains("↑ k, PgPréc"), "{screen}");
                // PageUp and Home go back up; then more is said below.
                app.update(key(KeyCode::Home), now());
                let screen = drawn(&mut app, width, height);
                assert!(screen.contains("Touches"), "{screen}");
                assert!(screen.contains("lignes de plus"), "{screen}");
                app.update(key(KeyCode::End), now());
                let end = app.help_scroll;
                assert!(end > 0);
                app.update(key(KeyCode::Char('k')), now());
                assert_eq!(app.help_scroll, end - 1);
                app.update(key(KeyCode::PageUp), now());
                let page = usize::from(height - 4);
                assert_eq!(app.help_scroll, (end - 1).saturating_sub(page));
            }
            // Esc closes it; ? opens it at its top.
            app.update(key(KeyCode::Esc), now());
            assert!(!app.help);
            app.update(key(KeyCode::Char('?')), now());
            assert_eq!(app.help_scroll, 0);
        }
    }

    fn two_rows() -> Update {
        let line = |outbound| BoardLine {
            line: LineRef::plain("101", "T1"),
            kind: None,
            outbound,
            destination: "Y".into(),
            via: String::new(),
        };
        Update::Resolved {
            places: vec![ResolvedPlace {
                network: "test".into(),
                network_name: String::new(),
                problem: None,
                walk: None,
                query: "x".into(),
                label: None,
                name: "X".into(),
                stop_ids: vec![],
                lines: vec![line(true), line(false)],
            }],
            unknown: vec![],
            unavailable: vec![],
        }
    }

    /// On a board of two networks the keys follow the selected row's, as
    /// the board is when the key comes; the updates waiting before it are
    /// built into one view, the one read by `update` and drawn.
    #[test]
    fn keys_follow_the_selected_row_and_the_view_is_built_once_per_change() {
        let t = now();
        let mut app = App::new();
        let network = |id: &str, capabilities| crate::network::NetworkInfo {
            id: id.into(),
            name: id.to_uppercase(),
            capabilities,
        };
        app.networks = vec![
            network("a", every_service()),
            network("b", Capabilities::default()),
        ];
        let place = |network: &str, name: &str| ResolvedPlace {
            network: network.into(),
            network_name: network.to_uppercase(),
            problem: None,
            walk: None,
            query: name.into(),
            label: None,
            name: name.into(),
            stop_ids: vec![format!("{name}1")],
            lines: vec![BoardLine {
                line: LineRef::plain("1", "1"),
                kind: None,
                outbound: true,
                destination: "Terminus".into(),
                via: String::new(),
            }],
        };
        let resolved = |places| {
            Msg::Update(Update::Resolved {
                places,
                unknown: vec![],
                unavailable: vec![],
            })
        };
        let fares = |app: &mut App| {
            let effect = app.update(key(KeyCode::Char('t')), t);
            app.overlay = None;
            matches!(effect, Effect::LoadFares { .. })
        };
        app.update(resolved(vec![place("a", "X"), place("b", "Y")]), t);
        assert!(app.view().is_none(), "no view built for an update alone");
        assert!(fares(&mut app), "the first row is A's, which has fares");
        assert_eq!(app.view(), Some(&view::build(app.board(), t)));
        // The first move selects the first row, the second the next.
        app.update(key(KeyCode::Down), t);
        app.update(key(KeyCode::Down), t);
        assert!(!fares(&mut app), "B has none");
        // New places then a key, in one batch: the key reads the new board.
        app.update(resolved(vec![place("b", "Y"), place("a", "X")]), t);
        let before = app.view().cloned();
        app.update(Msg::Tick, t);
        assert_eq!(app.view().cloned(), before, "not built again for a tick");
        assert!(!fares(&mut app), "the first row is B's now");
        assert_eq!(app.view(), Some(&view::build(app.board(), t)));
        app.update(key(KeyCode::Down), t);
        app.update(key(KeyCode::Down), t);
        assert!(fares(&mut app));
        // Brought to a later second without a change: the view is the one
        // built from scratch then.
        let later = t + Duration::from_secs(75);
        app.refresh_view(later);
        assert_eq!(app.view(), Some(&view::build(app.board(), later)));
    }

    #[test]
    fn keys_map_to_effects() {
        let mut app = App::new();
        assert_eq!(
            app.update(key(KeyCode::Char('r')), now()),
            Effect::RefreshNow
        );
        assert_eq!(app.update(key(KeyCode::Char('?')), now()), Effect::Redraw);
        assert!(app.help);
        assert_eq!(
            app.update(key(KeyCode::Esc), now()),
            Effect::Redraw,
            "Esc closes the help first"
        );
        assert!(!app.help);
        assert_eq!(app.update(key(KeyCode::Esc), now()), Effect::Quit);
        assert_eq!(app.update(key(KeyCode::Char('q')), now()), Effect::Quit);
        let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert_eq!(app.update(ctrl_c, now()), Effect::Quit);
        assert_eq!(app.update(key(KeyCode::Char('x')), now()), Effect::Nothing);
    }

    #[test]
    fn the_selection_stays_on_the_rows() {
        let mut app = App::new();
        assert_eq!(
            app.update(key(KeyCode::Down), now()),
            Effect::Nothing,
            "no rows yet"
        );
        app.update(Msg::Update(two_rows()), now());
        app.update(key(KeyCode::Char('j')), now());
        assert_eq!(app.selected, Some(0));
        app.update(key(KeyCode::Down), now());
        app.update(key(KeyCode::Down), now());
        assert_eq!(app.selected, Some(1));
        app.update(key(KeyCode::Char('k')), now());
        app.update(key(KeyCode::Up), now());
        assert_eq!(app.selected, Some(0));
    }

    #[test]
    fn the_favourites_pane_reorders_removes_renames_and_picks_lines() {
        let fav = |p: &str| Favorite {
            place: p.into(),
            network: None,
            label: None,
            lines: vec![],
            walk: None,
        };
        let mut app = App::new();
        app.update(Msg::Update(two_rows()), now()); // the place "X": T1 both ways
        assert_eq!(
            app.update(key(KeyCode::Char('F')), now()),
            Effect::OpenFavorites { asked: 1 }
        );
        app.open_favorites(vec![fav("A"), fav("X"), fav("C")]);
        assert_eq!(
            app.update(key(KeyCode::Char('J')), now()),
            Effect::SaveFavorite(FavOp::Move {
                place: "A".into(),
                to: 1
            })
        );
        let order = |app: &App| -> Vec<String> {
            app.favorites()
                .cloned()
                .as_ref()
                .unwrap()
                .list
                .iter()
                .map(|f| f.query())
                .collect()
        };
        assert_eq!(order(&app), ["X", "A", "C"]);
        let shift_up = Msg::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::SHIFT));
        assert_eq!(
            app.update(shift_up, now()),
            Effect::SaveFavorite(FavOp::Move {
                place: "A".into(),
                to: 0
            })
        );
        assert_eq!(
            app.update(key(KeyCode::Char('d')), now()),
            Effect::SaveFavorite(FavOp::Remove { place: "A".into() })
        );
        assert_eq!(order(&app), ["X", "C"]);
        app.update(key(KeyCode::Char('e')), now());
        for c in "Maison".chars() {
            app.update(key(KeyCode::Char(c)), now());
        }
        assert_eq!(
            app.update(key(KeyCode::Enter), now()),
            Effect::SaveFavorite(FavOp::Rename {
                place: "X".into(),
                label: Some("Maison".into())
            })
        );
        // The lines of X, as the board shows them; untick the second.
        app.update(key(KeyCode::Enter), now());
        assert_eq!(
            app.favorites()
                .cloned()
                .as_ref()
                .unwrap()
                .lines
                .as_ref()
                .unwrap()
                .len(),
            2
        );
        app.update(key(KeyCode::Down), now());
        assert_eq!(
            app.update(key(KeyCode::Char(' ')), now()),
            Effect::SaveFavorite(FavOp::SetLines {
                place: "X".into(),
                lines: vec![crate::favorites::LineFilter::parse("T1:aller").unwrap()]
            })
        );
        // The last ticked line cannot be unticked.
        app.update(key(KeyCode::Up), now());
        assert_eq!(app.update(key(KeyCode::Char(' ')), now()), Effect::Redraw);
        assert!(app.notice.is_some());
        app.update(key(KeyCode::Esc), now());
        match app.update(key(KeyCode::Esc), now()) {
            Effect::ShowFavorites(list) => {
                assert_eq!(list[0].describe(), "X (Maison) — T1:aller");
                assert_eq!(list.len(), 2);
            }
            other => panic!("{other:?}"),
        }
        assert!(app.favorites().is_none());
    }

    #[test]
    fn i_and_t_open_the_traffic_and_fares_panes() {
        let mut app = App::with_capabilities(every_service());
        app.update(Msg::Update(two_rows()), now());
        assert_eq!(app.update(key(KeyCode::Char('i')), now()), Effect::Redraw);
        assert!(app.traffic().is_some());
        app.update(key(KeyCode::Char('a')), now());
        app.update(key(KeyCode::Down), now());
        assert_eq!(
            app.traffic().cloned(),
            Some(crate::ui::traffic::TrafficPane {
                all: true,
                ..Default::default()
            }),
            "no message: nothing to scroll"
        );
        // Messages longer than the screen scroll to their end, no further.
        app.board_mut().messages = (0..30)
            .map(|i| crate::domain::Message {
                network: String::new(),
                id: i.to_string(),
                title: format!("message {i}"),
                body_html: "<p>texte</p>".into(),
                url: String::new(),
                severity: crate::domain::Severity::Information,
                lines: vec![],
                stops: vec![],
                alert: false,
            })
            .collect();
        app.update(key(KeyCode::Down), now());
        assert_eq!(app.traffic().map(|t| t.scroll), Some(1));
        for _ in 0..20 {
            app.update(key(KeyCode::PageDown), now());
        }
        let end = app.traffic().map(|t| t.scroll).unwrap();
        let max = crate::ui::traffic::max_scroll(
            &app.board.messages,
            &[],
            app.traffic().unwrap(),
            panes::box_area(app.area),
        );
        assert!(end > 1 && end == max, "{end} {max}");
        app.update(key(KeyCode::Up), now());
        assert_eq!(app.traffic().map(|t| t.scroll), Some(end - 1), "one key up");
        // The last message can come to the top; Enter opens it alone;
        // Esc comes back to the list where it was, and Esc again closes.
        app.update(key(KeyCode::End), now());
        for _ in 0..20 {
            app.update(key(KeyCode::PageDown), now());
        }
        let end = app.traffic().map(|t| t.scroll).unwrap();
        assert_eq!(app.update(key(KeyCode::Enter), now()), Effect::Redraw);
        assert_eq!(
            app.traffic().and_then(|t| t.open.clone()),
            Some(("29".to_string(), end)),
            "the last message opened"
        );
        assert_eq!(app.traffic().map(|t| t.scroll), Some(0));
        assert_eq!(app.update(key(KeyCode::Esc), now()), Effect::Redraw);
        assert_eq!(
            app.traffic().map(|t| (t.open.clone(), t.scroll)),
            Some((None, end))
        );
        assert_eq!(app.update(key(KeyCode::Esc), now()), Effect::Redraw);
        assert!(app.traffic().is_none());
        app.update(key(KeyCode::Char('i')), now());
        app.update(key(KeyCode::Char('a')), now());
        assert_eq!(
            app.update(key(KeyCode::Char('q')), now()),
            Effect::Redraw,
            "q closes the pane"
        );
        assert!(app.traffic().is_none());
        assert_eq!(app.lines_on_screen().len(), 1, "T1 once");
        assert_eq!(
            app.update(key(KeyCode::Char('t')), now()),
            Effect::LoadFares { asked: 1 }
        );
        app.update(
            Msg::Fares {
                asked: 1,
                fares: Err("HTTP 503".into()),
            },
            now(),
        );
        assert_eq!(
            app.fares().unwrap().fares,
            Some(Err("HTTP 503".to_string()))
        );
        app.update(key(KeyCode::PageDown), now());
        assert_eq!(app.fares().unwrap().scroll, 0, "one line: no scroll");
        app.update(key(KeyCode::Esc), now());
        assert!(app.fares().is_none());
        // A late answer does not reopen the pane.
        app.update(
            Msg::Fares {
                asked: 1,
                fares: Ok(vec![]),
            },
            now(),
        );
        assert!(app.fares().is_none());
    }

    #[test]
    fn enter_and_c_open_the_detail_and_the_forecast_of_the_selected_row() {
        let mut app = App::with_capabilities(every_service());
        assert_eq!(
            app.update(key(KeyCode::Enter), now()),
            Effect::Nothing,
            "no row yet"
        );
        app.update(Msg::Update(two_rows()), now());
        app.update(key(KeyCode::Down), now());
        app.update(key(KeyCode::Down), now());
        // No departure yet: the detail opens without a vehicle to fetch.
        assert_eq!(app.update(key(KeyCode::Enter), now()), Effect::Redraw);
        let details = app.details().unwrap();
        assert!(!details.row.outbound, "the second row");
        assert_eq!(app.update(key(KeyCode::Esc), now()), Effect::Redraw);
        assert!(app.details().is_none());
        assert_eq!(
            app.update(key(KeyCode::Char('c')), now()),
            Effect::LoadForecast {
                asked: 1,
                stop_id: String::new(),
                line_id: "101".into(),
                outbound: false
            }
        );
        app.update(
            Msg::Forecast {
                asked: 1,
                forecast: Err("HTTP 503".into()),
            },
            now(),
        );
        assert_eq!(
            app.forecast().unwrap().forecast,
            Some(Err("HTTP 503".to_string()))
        );
        assert_eq!(app.update(key(KeyCode::Char('c')), now()), Effect::Redraw);
        assert!(app.forecast().is_none());
    }

    /// Row A's forecast, asked for and answered late, does not land in
    /// row B's pane opened since; B's own answer does.
    #[test]
    fn a_late_answer_for_another_row_is_dropped() {
        let mut app = App::with_capabilities(every_service());
        app.update(Msg::Update(two_rows()), now());
        let Effect::LoadForecast {
            asked: for_a,
            outbound: true,
            ..
        } = app.update(key(KeyCode::Char('c')), now())
        else {
            panic!("the first row's forecast is asked for");
        };
        app.update(key(KeyCode::Esc), now());
        app.update(key(KeyCode::Down), now());
        app.update(key(KeyCode::Down), now());
        let Effect::LoadForecast {
            asked: for_b,
            outbound: false,
            ..
        } = app.update(key(KeyCode::Char('c')), now())
        else {
            panic!("the second row's forecast is asked for");
        };
        let quarter = |level| crate::domain::CrowdForecast {
            start: "08:00".into(),
            end: "08:15".into(),
            level,
            text: String::new(),
            passengers: None,
            load: crate::domain::Load::Unknown,
        };
        let answer = |asked, level| Msg::Forecast {
            asked,
            forecast: Ok(vec![quarter(level)]),
        };
        assert_eq!(
            app.update(answer(for_a, crate::domain::CrowdLevel::High), now()),
            Effect::Nothing
        );
        let pane = app.forecast().unwrap();
        assert!(!pane.row.outbound, "row B's pane");
        assert_eq!(pane.forecast, None, "row A's answer is not shown in it");
        app.update(answer(for_b, crate::domain::CrowdLevel::Low), now());
        assert_eq!(
            app.forecast().unwrap().forecast,
            Some(Ok(vec![quarter(crate::domain::CrowdLevel::Low)]))
        );
        // The fares asked before the pane was closed and opened again.
        let Effect::LoadFares { asked: first } = ({
            app.update(key(KeyCode::Esc), now());
            app.update(key(KeyCode::Char('t')), now())
        }) else {
            panic!("the fares are asked for");
        };
        app.update(key(KeyCode::Esc), now());
        app.update(key(KeyCode::Char('t')), now());
        app.update(
            Msg::Fares {
                asked: first,
                fares: Err("HTTP 503".into()),
            },
            now(),
        );
        assert_eq!(app.fares().unwrap().fares, None);
    }

    /// A change to the favourites that could not be written is said on
    /// the status line; a written one says nothing more.
    #[test]
    fn a_failed_save_is_shown() {
        let mut app = App::new();
        app.notice = Some("★ X ajouté aux favoris".into());
        assert_eq!(
            app.update(Msg::FavoritesSaved(Ok(None)), now()),
            Effect::Redraw
        );
        assert_eq!(app.notice.as_deref(), Some("★ X ajouté aux favoris"));
        app.update(
            Msg::FavoritesSaved(Err("Permission denied (os error 13)".into())),
            now(),
        );
        let notice = app.notice.clone().unwrap();
        assert!(notice.contains("Permission denied"), "{notice}");
        assert_eq!(
            notice,
            crate::i18n::tf(
                "favorites_not_saved",
                &[("why", "Permission denied (os error 13)")]
            )
        );
    }

    /// The favourites are written off the loop, one change after the
    /// other in the order asked; a write that fails comes back as a
    /// message, never lost.
    #[tokio::test]
    async fn the_saver_writes_in_order_and_reports_a_failure() {
        let dir = std::env::temp_dir().join(format!("quai-app-saver-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = crate::favorites::Store::beside(&dir.join("config.toml"));
        let (tx, mut rx) = tokio::sync::mpsc::channel(8);
        let saver = super::run::spawn_saver(Some(store.clone()), tx.clone());
        use super::run::SaveJob;
        for place in ["A", "B"] {
            saver.send(SaveJob::Toggle(place.into(), None)).unwrap();
        }
        saver
            .send(SaveJob::Apply(FavOp::Move {
                place: "B".into(),
                to: 0,
            }))
            .unwrap();
        saver.send(SaveJob::Read(7)).unwrap();
        for _ in 0..2 {
            assert!(matches!(
                rx.recv().await,
                Some(Msg::FavoriteToggled(Ok((_, Some(_)))))
            ));
        }
        assert!(matches!(rx.recv().await, Some(Msg::FavoritesSaved(Ok(_)))));
        match rx.recv().await {
            Some(Msg::FavoritesRead {
                asked: 7,
                read: Ok((list, None)),
            }) => {
                let places: Vec<&str> = list.iter().map(|f| f.place.as_str()).collect();
                assert_eq!(places, ["B", "A"]);
            }
            other => panic!("{other:?}"),
        }
        // The folder is a file now: the next write cannot be done.
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::write(&dir, "not a folder").unwrap();
        saver
            .send(SaveJob::Apply(FavOp::Remove { place: "A".into() }))
            .unwrap();
        match rx.recv().await {
            Some(Msg::FavoritesSaved(Err(why))) => assert!(!why.is_empty()),
            other => panic!("{other:?}"),
        }
        std::fs::remove_file(&dir).unwrap();
    }

    #[test]
    fn nearby_places_open_a_board() {
        let mut app = App::new();
        assert_eq!(app.update(key(KeyCode::Char('n')), now()), Effect::Redraw);
        assert_eq!(
            app.notice.as_deref(),
            Some(crate::i18n::t("no_home")),
            "no home: nothing asked"
        );
        let home = crate::domain::Position {
            lat: 47.24,
            lon: 6.02,
        };
        app.home = Some(home);
        assert_eq!(
            app.update(key(KeyCode::Char('n')), now()),
            Effect::Nearby { asked: 1, home }
        );
        let places = vec![
            "Centre-ville - 8 Septembre".to_string(),
            "Battant".to_string(),
        ];
        let found = |places: Vec<String>| Msg::Nearby {
            asked: 1,
            found: Ok(places),
        };
        assert_eq!(
            app.update(found(places.clone()), now()),
            Effect::OpenPlaces(places)
        );
        assert_eq!(app.update(found(vec![]), now()), Effect::Redraw);
        assert_eq!(app.notice.as_deref(), Some("aucun arrêt à moins de 500 m"));
    }

    #[test]
    fn f_toggles_the_favourite_of_the_selected_place() {
        let mut app = App::new();
        assert_eq!(
            app.update(key(KeyCode::Char('f')), now()),
            Effect::Nothing,
            "no place yet"
        );
        app.update(Msg::Update(two_rows()), now());
        assert_eq!(
            app.update(key(KeyCode::Char('f')), now()),
            Effect::ToggleFavorite("X".into(), None)
        );
        app.notice = Some("★ X ajouté aux favoris".into());
        app.update(key(KeyCode::Down), now());
        assert_eq!(app.notice, None, "a key clears the notice");
        assert_eq!(app.selected_place().as_deref(), Some("X"));
    }

    /// A favourite added with `f` from a searched stop is on the
    /// favourites' board that `⌫` brings back, as a removed one is gone
    /// from it; `f` on the favourites' board itself shows it again.
    #[tokio::test]
    async fn a_favourite_added_with_f_is_on_the_favourites_board() {
        let dir = std::env::temp_dir().join(format!("quai-app-fav-add-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = crate::favorites::Store::beside(&dir.join("config.toml"));
        let x = |place: &str| Favorite {
            place: place.into(),
            network: None,
            label: None,
            lines: vec![],
            walk: None,
        };
        store
            .update(|f| {
                f.list.push(x("X"));
                Ok(())
            })
            .unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::channel(8);
        let saver = super::run::spawn_saver(Some(store.clone()), tx);
        let mut app = App::new();
        app.first = Some(FirstBoard {
            name: "favoris".into(),
            places: vec!["X".into()],
            favorites: vec![x("X")],
            is_favorites: true,
        });
        // A searched stop, made a favourite.
        let stops = vec![crate::domain::Stop::named("S1", "Chamars")];
        app.index = Some(Arc::new(Index::from_stops(&stops)));
        app.update(key(KeyCode::Char('/')), now());
        app.update(key(KeyCode::Char('c')), now());
        app.update(key(KeyCode::Enter), now());
        app.update(Msg::Update(one_place("Chamars")), now());
        let Effect::ToggleFavorite(place, network) = app.update(key(KeyCode::Char('f')), now())
        else {
            panic!("f toggles the favourite");
        };
        saver
            .send(super::run::SaveJob::Toggle(place, network))
            .unwrap();
        let saved = rx.recv().await.unwrap();
        assert_eq!(app.update(saved, now()), Effect::Redraw);
        assert_eq!(app.notice.as_deref(), Some("★ Chamars ajouté aux favoris"));
        assert_eq!(
            app.update(key(KeyCode::Backspace), now()),
            Effect::Show {
                places: vec!["X".into(), "Chamars".into()],
                favorites: vec![x("X"), x("Chamars")],
            }
        );
        // On the favourites' board, `f` removes the place and the board
        // follows.
        app.update(Msg::Update(one_place("Chamars")), now());
        let Effect::ToggleFavorite(place, network) = app.update(key(KeyCode::Char('f')), now())
        else {
            panic!("f toggles the favourite");
        };
        saver
            .send(super::run::SaveJob::Toggle(place, network))
            .unwrap();
        let saved = rx.recv().await.unwrap();
        assert_eq!(
            app.update(saved, now()),
            Effect::Show {
                places: vec!["X".into()],
                favorites: vec![x("X")],
            }
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn toggling_writes_the_favourites_file() {
        let dir = std::env::temp_dir().join(format!("quai-app-fav-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = crate::favorites::Store::beside(&dir.join("config.toml"));
        let (said, list) = toggle_favorite(Some(store.clone()), "Chamars".into(), None)
            .await
            .unwrap();
        assert_eq!(said, "★ Chamars ajouté aux favoris");
        assert_eq!(store.load().unwrap().list[0].place, "Chamars");
        assert_eq!(list, Some(store.load().unwrap().list));
        let (said, list) = toggle_favorite(Some(store.clone()), "Chamars".into(), None)
            .await
            .unwrap();
        assert_eq!(said, "Chamars retiré des favoris");
        assert!(store.load().unwrap().list.is_empty());
        assert_eq!(list, Some(vec![]));
        assert!(
            toggle_favorite(None, "Chamars".into(), None)
                .await
                .is_ok_and(|(said, list)| said.contains("démo") && list.is_none())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn search_types_filters_and_opens_a_place() {
        let mut app = App::new();
        assert_eq!(app.update(key(KeyCode::Char('/')), now()), Effect::Redraw);
        assert!(app.search().unwrap().loading, "no index yet");
        let stops: Vec<crate::domain::Stop> = ["Châteaufarine", "Chamars", "Ile de France"]
            .iter()
            .enumerate()
            .map(|(i, n)| crate::domain::Stop::named(&format!("S{i}"), n))
            .collect();
        app.update(
            Msg::Update(Update::Index {
                index: Arc::new(Index::from_stops(&stops)),
                stale: true,
            }),
            now(),
        );
        let search = app.search().unwrap();
        assert!(!search.loading && search.stale);
        assert_eq!(search.hits.len(), 3, "an empty query lists the places");
        for c in "cha".chars() {
            app.update(key(KeyCode::Char(c)), now());
        }
        // 'q' is typed into the query, it does not quit.
        assert_eq!(app.update(key(KeyCode::Char('q')), now()), Effect::Redraw);
        app.update(key(KeyCode::Backspace), now());
        assert_eq!(app.search().unwrap().query, "cha");
        app.update(key(KeyCode::Down), now());
        let chosen = app.search().unwrap().chosen().unwrap().to_string();
        assert_eq!(
            app.update(key(KeyCode::Enter), now()),
            Effect::OpenPlaces(vec![chosen])
        );
        assert!(app.search().is_none());
        app.update(key(KeyCode::Char('/')), now());
        assert_eq!(app.update(key(KeyCode::Esc), now()), Effect::Redraw);
        assert!(app.search().is_none(), "Esc goes back to the board");
    }

    #[test]
    fn failures_keep_the_last_good_data() {
        let mut app = App::new();
        app.update(Msg::Update(two_rows()), now());
        let at: Timestamp = "2026-11-23T08:00:00Z".parse().unwrap();
        app.update(
            Msg::Update(Update::Departures {
                at,
                results: vec![],
            }),
            now(),
        );
        app.update(
            Msg::Update(Update::Failed(crate::network::NetError::new(
                crate::network::ErrorKind::Http(503),
                "HTTP 503 from the server",
            ))),
            now(),
        );
        assert_eq!(app.board.fetched_at, Some(at));
        assert!(app.board.last_error.is_some());
        assert_eq!(app.board.places.len(), 1);
    }

    /// What the live board writes through the painter and the memo, frame
    /// after frame, is what a frame drawn from scratch shows: through
    /// ticks, stale data, a refresh, moves of the selection, panes opened
    /// and closed over the board, and resizes.
    #[test]
    fn painted_frames_are_the_frames_drawn_from_scratch() {
        use crate::ui::departures::tests::{sample_board, t};
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let settings = BoardSettings {
            title: "quai · Ginko".into(),
            attribution: "ODbL".into(),
            ..settings_for_tests()
        };
        let mut app = App::new();
        app.set_board(sample_board());
        let mut memo = crate::ui::memo::LineMemo::default();
        let mut painter = crate::ui::paint::Painter::default();
        let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
        for second in 0..120 {
            match second {
                10 | 12 | 60 => {
                    app.update(key(KeyCode::Char('j')), now());
                }
                20 => {
                    app.update(key(KeyCode::Char('?')), now());
                }
                23 => {
                    app.update(key(KeyCode::Char('?')), now());
                }
                30 => {
                    app.update(key(KeyCode::Char('i')), now());
                }
                33 => {
                    app.update(key(KeyCode::Esc), now());
                }
                40 => {
                    let mut again = sample_board();
                    again.fetched_at = Some(t(40));
                    app.set_board(again);
                }
                50 => {
                    app.update(key(KeyCode::Char('/')), now());
                }
                52 => {
                    app.update(key(KeyCode::Esc), now());
                }
                70 => terminal.backend_mut().resize(60, 12),
                80 => terminal.backend_mut().resize(30, 5),
                85 => terminal.backend_mut().resize(120, 40),
                _ => {}
            }
            let resized = matches!(second, 70 | 80 | 85);
            let now = t(second);
            let view = view::build(&app.board, now);
            painter
                .paint_lines(&mut terminal, resized, &mut memo, |canvas| {
                    draw_app(canvas, &app, &view, &settings)
                })
                .unwrap();
            let area = terminal.backend().buffer().area;
            let mut fresh = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
            fresh
                .draw(|frame| {
                    let mut fresh_memo = crate::ui::memo::LineMemo::default();
                    let canvas = &mut crate::ui::paint::Canvas::new(frame, &mut fresh_memo);
                    draw_app(canvas, &app, &view, &settings);
                })
                .unwrap();
            assert_eq!(
                terminal.backend().buffer(),
                fresh.backend().buffer(),
                "second {second}"
            );
        }
        assert!(memo.left > 250, "most lines were left: {}", memo.left);
    }
}
