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

mod keys;
pub mod kiosk;
pub mod panes;
mod run;
mod update;

use std::sync::Arc;

use jiff::Timestamp;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

pub use kiosk::KioskMode;
pub use panes::Overlay;
pub use run::{BoardSettings, draw_screen, run, run_kiosk};

use crate::favorites::{FavOp, Favorite};
use crate::model::Board;
use crate::network::Capabilities;
use crate::poller::Update;
use crate::search::Index;
use crate::ui::destination::DestFaresPane;
use crate::ui::details::{DetailsPane, ForecastPane};
use crate::ui::fares::FaresPane;
use crate::ui::favorites::FavPane;
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
    /// A departure's next stops, for the detail pane (or why there are
    /// none).
    Calls {
        asked: Asked,
        calls: Result<Vec<crate::destination::Call>, String>,
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
    /// A place, its network when not the default one, its destination.
    ToggleFavorite(String, Option<String>, Option<String>),
    /// Look up the stops near home.
    Nearby {
        asked: Asked,
        home: crate::domain::Position,
    },
    /// Fetch the fares for their pane.
    LoadFares {
        asked: Asked,
    },
    /// Fetch what a row's detail shows: its vehicle's equipment and live
    /// state, its trip's next stops (each answered on its own, with the
    /// same request number).
    LoadDetails {
        asked: Asked,
        vehicle: Option<String>,
        trip: Option<Box<TripAsk>>,
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

/// A departure whose next stops are asked of its network.
#[derive(Debug, Clone, PartialEq)]
pub struct TripAsk {
    /// The row it was fetched for.
    pub row: crate::network::RowRequest,
    pub departure: crate::domain::Departure,
    /// When it was fetched (a countdown counts from then).
    pub fetched_at: Timestamp,
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
    /// The board as shown, when some place asks where its departures go
    /// (`--to`, a favourite's `to`): only those that get there, with their
    /// arrivals ([`crate::destination::filter_each`]), built again with
    /// the view.
    shown: Option<Board>,
    /// Where the board's departures go is asked of it (the board's
    /// networks; the kiosk's are its own).
    pub source: Option<crate::network::Source>,
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
    /// `r` was pressed and the answer has not come yet: the status line
    /// says a refresh is under way.
    pub refreshing: bool,
    /// Where the data comes from, as the help ends with it (its scroll
    /// reaches that far).
    pub attribution: String,
    /// What the network offers beyond departures: only those keys work.
    pub capabilities: Capabilities,
    /// What each network of a mixed board offers, by id: the keys follow
    /// the selected row's network.
    pub networks: Vec<crate::network::NetworkInfo>,
    /// What the selected row's network offers, on a mixed board.
    here: Capabilities,
    /// The title naming the networks of the places shown, when it is not
    /// every network's (built with the view, not per frame).
    title: Option<String>,
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
    /// The destination chosen for a place (`>`), by place name: said in
    /// its heading.
    pub destinations: Vec<(String, String)>,
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
            shown: None,
            source: None,
            clock_shift: jiff::SignedDuration::ZERO,
            selected: None,
            help: false,
            help_scroll: 0,
            overlay: None,
            index: None,
            index_stale: false,
            notice: None,
            refreshing: false,
            attribution: String::new(),
            capabilities: Capabilities::default(),
            networks: Vec::new(),
            here: Capabilities::default(),
            title: None,
            area: Rect::new(0, 0, 80, 24),
            first: None,
            away: false,
            home: None,
            asked: 0,
            kiosk: None,
            journal: Vec::new(),
            destinations: Vec::new(),
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
        if self.board_changed || self.view.is_none() {
            self.shown = self.filtered();
            self.title = crate::network::board_title(
                &self.networks,
                self.board.resolved_places().map(|p| p.network.as_str()),
            );
        }
        let board = self.shown.as_ref().unwrap_or(&self.board);
        let view = match self.view.take() {
            Some(mut view) if !self.board_changed => {
                if self.view_at != now {
                    view::advance_shifted(&mut view, board, now, self.clock_shift);
                }
                view
            }
            _ => view::build_shifted(board, now, self.clock_shift),
        };
        self.view = Some(view);
        self.view_at = now;
        self.board_changed = false;
        if self.networks.len() > 1 {
            self.here = self.selected_network_capabilities();
        }
    }

    /// The board with only the departures that reach each place's
    /// destination, when some place has one; a place whose network cannot
    /// say shows why, and no row.
    fn filtered(&self) -> Option<Board> {
        // The destinations chosen on the board (`>`) over those of the
        // command line and the favourites. Most boards have none: no copy.
        let asked = self.board.places.iter().any(|state| {
            state.place.to.is_some()
                || self
                    .destinations
                    .iter()
                    .any(|(p, to)| *p == state.place.name && !to.is_empty())
        });
        if !asked {
            return None;
        }
        let mut base = self.board.clone();
        for state in &mut base.places {
            if let Some((_, to)) = self
                .destinations
                .iter()
                .find(|(p, _)| *p == state.place.name)
            {
                // Empty: the place's own destination set aside (`T`).
                state.place.to = Some(to.clone()).filter(|to| !to.is_empty());
            }
        }
        if !crate::destination::asked(&base) {
            // Every destination set aside (`T`): the board whole, its
            // headings without them.
            return Some(base);
        }
        let source = self
            .kiosk
            .as_ref()
            .and_then(|k| k.loaded.source.clone())
            .or_else(|| self.source.clone())?;
        let mut shown = base.clone();
        if let Err(why) = crate::destination::filter_each(&mut shown, source.as_ref()) {
            shown = base;
            let kind = crate::network::ErrorKind::Relayed(why.clone());
            let error = crate::network::NetError::new(kind, why);
            for state in shown.places.iter_mut().filter(|s| s.place.to.is_some()) {
                state.place.lines.clear();
                state.departures.clear();
                state.error = Some(error.clone());
            }
        }
        // Arrivals are shown on the board's clock (the demo's may be set
        // to another time of day).
        if let Some(to) = shown.destination.as_mut()
            && !self.clock_shift.is_zero()
        {
            for arrival in to.arrivals.iter_mut().flatten().flatten() {
                arrival.at = arrival
                    .at
                    .checked_add(self.clock_shift)
                    .unwrap_or(arrival.at);
            }
        }
        Some(shown)
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
            Some(Overlay::Fares(p)) => p.fares.as_ref(),
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
        // The board the view was built from: with a destination, only the
        // rows that go there.
        let board = self.displayed();
        let wanted = self.selected.unwrap_or(0);
        let mut index = 0;
        for (p, shown) in view.places.iter().enumerate() {
            if shown.no_departure {
                // The line saying no trip goes to its destination: no row.
                if shown.selectable() > 0 {
                    if index == wanted {
                        return None;
                    }
                    index += 1;
                }
                continue;
            }
            let lines = board
                .places
                .get(p)
                .map(|s| view::shown_lines(s).map(|(l, _)| l).collect::<Vec<_>>())
                .unwrap_or_default();
            for (r, row) in shown.rows.iter().enumerate() {
                let l = lines.get(r).copied().unwrap_or(r);
                if index == wanted {
                    let next = row.cells.first().cloned();
                    let stop_id = next
                        .as_ref()
                        .map(|c| c.stop_id.clone())
                        .filter(|s| !s.is_empty())
                        .or_else(|| board.places.get(p)?.place.stop_ids.first().cloned())
                        .unwrap_or_default();
                    return Some(crate::ui::details::RowInfo {
                        network: board
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
                        at: Some((p, l)),
                    });
                }
                index += 1;
            }
        }
        None
    }

    fn open_details(&mut self) -> Effect {
        let Some(row) = self.selected_row() else {
            // Said, rather than nothing happening.
            self.notice = Some(crate::i18n::t("no_row_selected").into());
            return Effect::Redraw;
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
        let trip = row.at.and_then(|(p, l)| self.trip_ask(p, l));
        self.overlay = Some(Overlay::Details(Box::new(DetailsPane {
            row,
            vehicle: None,
            live: None,
            message,
            calls: None,
            scroll: 0,
        })));
        if vehicle.is_none() && trip.is_none() {
            return Effect::Redraw;
        }
        Effect::LoadDetails {
            asked: self.ask(),
            vehicle,
            trip,
        }
    }

    /// The next departure of row `l` of place `p`, to ask its next stops.
    fn trip_ask(&self, p: usize, l: usize) -> Option<Box<TripAsk>> {
        let board = self.displayed();
        let state = board.places.get(p)?;
        Some(Box::new(TripAsk {
            row: crate::destination::request(board, p, l)?,
            departure: state.row(l).first()?.clone(),
            fetched_at: state.fetched_at.or(board.fetched_at)?,
        }))
    }

    /// The board as shown: filtered by the places' destinations when some
    /// have one, else the board itself.
    pub(super) fn displayed(&self) -> &Board {
        self.shown.as_ref().unwrap_or(&self.board)
    }

    fn open_forecast(&mut self) -> Effect {
        let Some(row) = self.selected_row() else {
            // Said, rather than nothing happening.
            self.notice = Some(crate::i18n::t("no_row_selected").into());
            return Effect::Redraw;
        };
        let effect = Effect::LoadForecast {
            asked: self.ask(),
            stop_id: row.stop_id.clone(),
            line_id: row.line.id.clone(),
            outbound: row.outbound,
        };
        let now = self
            .now
            .to_zoned(self.board.zones.shown().clone())
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
            if selected < row + shown.selectable() {
                return Some(place.name.clone());
            }
            row += shown.selectable();
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

    /// The stop search for the selected place's destination, held to the
    /// place's network (a trip never reaches another network's stop).
    fn destination_search(&mut self) -> SearchState {
        self.open_search();
        let Some(Overlay::Search(mut search)) = self.overlay.take() else {
            return SearchState::default();
        };
        if let Some(here) = search.networks.get(search.network).cloned() {
            search.networks = vec![here];
            search.network = 0;
            search.refresh(self.index.as_deref());
        }
        search
    }

    /// `>`: the search, to choose the selected place's destination.
    fn open_destination(&mut self) -> Effect {
        let Some(place) = self.selected_place() else {
            self.notice = Some(crate::i18n::t("no_row_selected").into());
            return Effect::Redraw;
        };
        let search = self.destination_search();
        let title = crate::i18n::tf("dest_search_title", &[("place", &place)]);
        let search = SearchState {
            title: Some(title),
            ..search
        };
        self.overlay = Some(Overlay::Destination(search, place));
        Effect::Redraw
    }

    /// The `t` pane, its search or its fares, while open.
    pub fn dest_fares(&self) -> Option<&DestFaresPane> {
        match &self.overlay {
            Some(Overlay::Fares(p)) => Some(p),
            _ => None,
        }
    }

    /// `t`: the selected place's destination by a search, above the
    /// fares (asked for where the network has them).
    fn open_dest_fares(&mut self) -> Effect {
        let place = self.selected_place();
        let with_fares = self.capabilities_here().fares;
        if place.is_none() && !with_fares {
            self.notice = Some(crate::i18n::t("no_row_selected").into());
            return Effect::Redraw;
        }
        let search = if place.is_some() {
            self.destination_search()
        } else {
            SearchState::default()
        };
        self.overlay = Some(Overlay::Fares(Box::new(DestFaresPane {
            place,
            search,
            fares: with_fares.then(FaresPane::default),
        })));
        if with_fares {
            Effect::LoadFares { asked: self.ask() }
        } else {
            Effect::Redraw
        }
    }

    /// `<`, `T`: the selected place shows every departure again, its own
    /// destination too (`--to`, its favourite's) set aside for this run
    /// (an empty one in [`App::destinations`]).
    fn clear_destination(&mut self) -> Effect {
        let Some(place) = self.selected_place() else {
            return Effect::Nothing;
        };
        let own = self
            .board
            .places
            .iter()
            .any(|s| s.place.name == place && s.place.to.is_some());
        let before = self.destinations.clone();
        self.destinations.retain(|(p, _)| *p != place);
        if own {
            self.destinations.push((place.clone(), String::new()));
        }
        if self.destinations == before {
            return Effect::Nothing;
        }
        self.notice = Some(crate::i18n::tf("dest_cleared", &[("place", &place)]));
        self.board_changed = true;
        Effect::Redraw
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
        let zones = std::mem::take(&mut board.zones);
        *board = Board::default();
        board.messages = messages;
        board.line_states = states;
        board.zones = zones;
        self.selected = None;
    }
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

#[cfg(test)]
mod tests;
