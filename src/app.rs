//! The live board: the model, a pure `update`, and the event loop that owns
//! the terminal. Input, the pollers' updates, the 1 Hz tick and signals all
//! become [`Msg`]s; the screen is drawn only when something changed.

use std::sync::Arc;

use jiff::Timestamp;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tokio::sync::{Notify, mpsc};

use crate::board::Board;
use crate::favorites::{FavOp, Favorite};
use crate::network::{Capabilities, Network, Source};
use crate::poller::{self, PollSettings, Update};
use crate::search::Index;
use crate::ui::board::{PaneState, draw};
use crate::ui::favorites::FavPane;
use crate::ui::search::{self, SearchState};
use crate::ui::theme::Theme;
use crate::ui::view;

/// Scrolls a pane by a key (↑↓ jk, PgUp/PgDn space, Home); false when the
/// key does not scroll. The pane stops at its end when drawn.
fn scroll(scroll: &mut usize, code: KeyCode) -> bool {
    match code {
        KeyCode::Down | KeyCode::Char('j') => *scroll += 1,
        KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => *scroll += 10,
        KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
        KeyCode::Home => *scroll = 0,
        _ => return false,
    }
    true
}

/// Everything that can happen to the board.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Resize,
    Tick,
    Update(Update),
    /// The places near home, nearest first (or why there are none).
    Nearby(Result<Vec<String>, String>),
    /// The fares, for their pane (or why there are none).
    Fares(Result<Vec<crate::domain::Fare>, String>),
    /// A vehicle's equipment and live state, for the detail pane.
    Vehicle {
        number: String,
        vehicle: Result<crate::domain::Vehicle, String>,
        live: Result<crate::domain::VehicleLive, String>,
    },
    /// The day's crowding forecast, for its pane.
    Forecast(Result<Vec<crate::domain::CrowdForecast>, String>),
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
    ToggleFavorite(String),
    /// Look up the stops near home.
    Nearby,
    /// Fetch the fares for their pane.
    LoadFares,
    /// Fetch a vehicle's equipment and live state.
    LoadVehicle(String),
    /// Fetch the day's crowding forecast of a line and direction at a stop.
    LoadForecast {
        stop_id: String,
        line_id: String,
        outbound: bool,
    },
    /// Load the favourites and open their pane.
    OpenFavorites,
    /// Save one change to the favourites.
    SaveFavorite(FavOp),
    /// Show the favourites' board again (after changes in the pane).
    ShowFavorites(Vec<Favorite>),
    Quit,
}

pub struct App {
    pub board: Board,
    pub selected: Option<usize>,
    pub help: bool,
    /// The search pane, when open.
    pub search: Option<SearchState>,
    pub index: Option<Arc<Index>>,
    pub index_stale: bool,
    /// A short message for the status line.
    pub notice: Option<String>,
    /// The favourites pane, when open.
    pub favorites: Option<FavPane>,
    /// The favourites changed while the pane was open.
    favorites_changed: bool,
    /// The traffic information pane, when open.
    pub traffic: Option<crate::ui::traffic::TrafficPane>,
    /// The fares pane, when open.
    pub fares: Option<crate::ui::fares::FaresPane>,
    /// A row's detail, when open.
    pub details: Option<crate::ui::details::DetailsPane>,
    /// A row's crowding forecast, when open.
    pub forecast: Option<crate::ui::details::ForecastPane>,
    /// What the network offers beyond departures: only those keys work.
    pub capabilities: Capabilities,
}

impl App {
    pub fn new() -> App {
        App {
            board: Board::default(),
            selected: None,
            help: false,
            search: None,
            index: None,
            index_stale: false,
            notice: None,
            favorites: None,
            favorites_changed: false,
            traffic: None,
            fares: None,
            details: None,
            forecast: None,
            capabilities: Capabilities::default(),
        }
    }

    /// A board for a network that offers `capabilities`.
    pub fn with_capabilities(capabilities: Capabilities) -> App {
        App {
            capabilities,
            ..App::new()
        }
    }

    /// The selected row (the first when none is), with its place and stop.
    pub fn selected_row(&self) -> Option<crate::ui::details::RowInfo> {
        let view = view::build(&self.board, Timestamp::now());
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
                        .or_else(|| self.board.places.get(p)?.stop_ids.first().cloned())
                        .unwrap_or_default();
                    return Some(crate::ui::details::RowInfo {
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
            .filter(|_| self.capabilities.vehicle_details);
        self.details = Some(crate::ui::details::DetailsPane {
            row,
            vehicle: None,
            live: None,
            message,
        });
        match vehicle {
            Some(number) => Effect::LoadVehicle(number),
            None => Effect::Redraw,
        }
    }

    fn open_forecast(&mut self) -> Effect {
        let Some(row) = self.selected_row() else {
            return Effect::Nothing;
        };
        let effect = Effect::LoadForecast {
            stop_id: row.stop_id.clone(),
            line_id: row.line.id.clone(),
            outbound: row.outbound,
        };
        self.forecast = Some(crate::ui::details::ForecastPane {
            row,
            forecast: None,
            now: crate::domain::network_now().strftime("%H:%M").to_string(),
        });
        effect
    }

    fn fares_key(&mut self, key: KeyEvent) -> Effect {
        let Some(pane) = self.fares.as_mut() else {
            return Effect::Nothing;
        };
        match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return Effect::Quit;
            }
            KeyCode::Esc | KeyCode::Char('t') | KeyCode::Char('q') => self.fares = None,
            code if scroll(&mut pane.scroll, code) => {}
            _ => return Effect::Nothing,
        }
        Effect::Redraw
    }

    /// The lines on the board, once each.
    pub fn lines_on_screen(&self) -> Vec<crate::domain::LineRef> {
        let mut lines: Vec<crate::domain::LineRef> = Vec::new();
        for line in self.board.places.iter().flat_map(|p| &p.lines) {
            if !lines.iter().any(|l| l.id == line.line.id) {
                lines.push(line.line.clone());
            }
        }
        lines
    }

    fn traffic_key(&mut self, key: KeyEvent) -> Effect {
        let Some(pane) = self.traffic.as_mut() else {
            return Effect::Nothing;
        };
        match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return Effect::Quit;
            }
            KeyCode::Esc | KeyCode::Char('i') | KeyCode::Char('q') => self.traffic = None,
            KeyCode::Char('a') => {
                pane.all = !pane.all;
                pane.scroll = 0;
            }
            code if scroll(&mut pane.scroll, code) => {}
            _ => return Effect::Nothing,
        }
        Effect::Redraw
    }

    /// Opens the favourites pane on `list`.
    pub fn open_favorites(&mut self, list: Vec<Favorite>) {
        self.favorites = Some(FavPane {
            list,
            ..FavPane::default()
        });
        self.favorites_changed = false;
    }

    fn favorites_key(&mut self, key: KeyEvent) -> Effect {
        let Some(pane) = self.favorites.as_mut() else {
            return Effect::Nothing;
        };
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let typing = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if let Some(label) = pane.renaming.as_mut() {
            match key.code {
                KeyCode::Esc => pane.renaming = None,
                KeyCode::Backspace => {
                    label.pop();
                }
                KeyCode::Char(c) if typing => label.push(c),
                KeyCode::Enter => {
                    let label = crate::sanitize::text(label);
                    let label = (!label.is_empty()).then_some(label);
                    pane.renaming = None;
                    let Some(favorite) = pane.list.get_mut(pane.selected) else {
                        return Effect::Redraw;
                    };
                    favorite.label = label.clone();
                    self.favorites_changed = true;
                    return Effect::SaveFavorite(FavOp::Rename {
                        place: favorite.place.clone(),
                        label,
                    });
                }
                _ => return Effect::Nothing,
            }
            return Effect::Redraw;
        }
        if let Some(choices) = pane.lines.as_mut() {
            match key.code {
                KeyCode::Esc | KeyCode::Left => pane.lines = None,
                KeyCode::Down | KeyCode::Char('j') => {
                    pane.line_cursor = (pane.line_cursor + 1).min(choices.len().saturating_sub(1));
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    pane.line_cursor = pane.line_cursor.saturating_sub(1)
                }
                KeyCode::Char(' ') => {
                    let Some(choice) = choices.get(pane.line_cursor) else {
                        return Effect::Nothing;
                    };
                    if choice.shown && choices.iter().filter(|c| c.shown).count() == 1 {
                        self.notice = Some("au moins une ligne reste affichée".into());
                        return Effect::Redraw;
                    }
                    choices[pane.line_cursor].shown = !choices[pane.line_cursor].shown;
                    let lines = crate::ui::favorites::filters(choices);
                    let Some(favorite) = pane.list.get_mut(pane.selected) else {
                        return Effect::Redraw;
                    };
                    favorite.lines = lines.clone();
                    self.favorites_changed = true;
                    return Effect::SaveFavorite(FavOp::SetLines {
                        place: favorite.place.clone(),
                        lines,
                    });
                }
                _ => return Effect::Nothing,
            }
            return Effect::Redraw;
        }
        let count = pane.list.len();
        let place = pane.list.get(pane.selected).map(|f| f.place.clone());
        match (key.code, place) {
            (KeyCode::Esc | KeyCode::Char('F') | KeyCode::Char('q'), _) => {
                let list = pane.list.clone();
                self.favorites = None;
                if std::mem::take(&mut self.favorites_changed) {
                    self.board = Board::default();
                    self.selected = None;
                    return Effect::ShowFavorites(list);
                }
            }
            (KeyCode::Down, Some(place)) if shift => return self.move_favorite(place, 1),
            (KeyCode::Up, Some(place)) if shift => return self.move_favorite(place, -1),
            (KeyCode::Char('J'), Some(place)) => return self.move_favorite(place, 1),
            (KeyCode::Char('K'), Some(place)) => return self.move_favorite(place, -1),
            (KeyCode::Down | KeyCode::Char('j'), _) => {
                pane.selected = (pane.selected + 1).min(count.saturating_sub(1));
            }
            (KeyCode::Up | KeyCode::Char('k'), _) => {
                pane.selected = pane.selected.saturating_sub(1)
            }
            (KeyCode::Char('d') | KeyCode::Delete, Some(place)) => {
                pane.list.remove(pane.selected);
                pane.selected = pane.selected.min(pane.list.len().saturating_sub(1));
                self.favorites_changed = true;
                return Effect::SaveFavorite(FavOp::Remove { place });
            }
            (KeyCode::Char('e'), Some(_)) => {
                pane.renaming = Some(pane.list[pane.selected].label.clone().unwrap_or_default());
            }
            (KeyCode::Enter | KeyCode::Right, Some(place)) => {
                let folded = crate::names::fold(&place);
                let lines = self
                    .board
                    .places
                    .iter()
                    .find(|p| crate::names::fold(&p.name) == folded)
                    .map(|p| crate::ui::favorites::choices(&pane.list[pane.selected], &p.lines))
                    .unwrap_or_default();
                pane.lines = Some(lines);
                pane.line_cursor = 0;
            }
            _ => return Effect::Nothing,
        }
        Effect::Redraw
    }

    fn move_favorite(&mut self, place: String, by: isize) -> Effect {
        let Some(pane) = self.favorites.as_mut() else {
            return Effect::Nothing;
        };
        let from = pane.selected;
        let to = from
            .saturating_add_signed(by)
            .min(pane.list.len().saturating_sub(1));
        if to == from {
            return Effect::Nothing;
        }
        let item = pane.list.remove(from);
        pane.list.insert(to, item);
        pane.selected = to;
        self.favorites_changed = true;
        Effect::SaveFavorite(FavOp::Move { place, to })
    }

    /// The place of the selected row, or the first place.
    pub fn selected_place(&self) -> Option<String> {
        let view = view::build(&self.board, Timestamp::now());
        let Some(selected) = self.selected else {
            return self.board.places.first().map(|p| p.name.clone());
        };
        let mut row = 0;
        for (place, shown) in self.board.places.iter().zip(&view.places) {
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
        let mut search = SearchState {
            stale: self.index_stale,
            ..SearchState::default()
        };
        search.refresh(self.index.as_deref());
        self.search = Some(search);
    }

    fn search_key(&mut self, key: KeyEvent) -> Effect {
        let Some(search) = self.search.as_mut() else {
            return Effect::Nothing;
        };
        match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return Effect::Quit;
            }
            KeyCode::Esc => self.search = None,
            KeyCode::Enter => {
                if let Some(name) = search.chosen().map(str::to_string) {
                    self.search = None;
                    self.board = Board::default();
                    self.selected = None;
                    return Effect::OpenPlaces(vec![name]);
                }
            }
            KeyCode::Down => {
                search.selected = (search.selected + 1).min(search.hits.len().saturating_sub(1))
            }
            KeyCode::Up => search.selected = search.selected.saturating_sub(1),
            KeyCode::Backspace => {
                search.query.pop();
                search.refresh(self.index.as_deref());
            }
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                search.query.push(c);
                search.refresh(self.index.as_deref());
            }
            _ => return Effect::Nothing,
        }
        Effect::Redraw
    }

    /// Applies one message; no IO.
    pub fn update(&mut self, msg: Msg) -> Effect {
        match msg {
            Msg::Quit => Effect::Quit,
            Msg::Tick | Msg::Resize => Effect::Redraw,
            Msg::Update(update) => {
                if matches!(update, Update::Resolved { .. }) {
                    self.selected = None;
                }
                if let Some((index, stale)) = poller::apply(&mut self.board, update) {
                    self.index = Some(index);
                    self.index_stale = stale;
                    if let Some(search) = self.search.as_mut() {
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
            Msg::Nearby(Ok(places)) if places.is_empty() => {
                self.notice = Some("aucun arrêt à moins de 500 m".into());
                Effect::Redraw
            }
            Msg::Nearby(Ok(places)) => {
                self.board = Board::default();
                self.selected = None;
                self.notice = Some("arrêts proches".into());
                Effect::OpenPlaces(places)
            }
            Msg::Nearby(Err(reason)) => {
                self.notice = Some(reason);
                Effect::Redraw
            }
            Msg::Vehicle {
                number,
                vehicle,
                live,
            } => {
                if let Some(pane) = self.details.as_mut()
                    && pane.row.next.as_ref().and_then(|c| c.vehicle.as_ref()) == Some(&number)
                {
                    pane.vehicle = Some(vehicle);
                    pane.live = Some(live);
                }
                Effect::Redraw
            }
            Msg::Forecast(forecast) => {
                if let Some(pane) = self.forecast.as_mut() {
                    pane.forecast = Some(forecast);
                }
                Effect::Redraw
            }
            Msg::Fares(fares) => {
                if let Some(pane) = self.fares.as_mut() {
                    pane.fares = Some(fares);
                }
                Effect::Redraw
            }
        }
    }

    fn key(&mut self, key: KeyEvent) -> Effect {
        if key.kind == KeyEventKind::Release {
            return Effect::Nothing;
        }
        if self.search.is_some() {
            return self.search_key(key);
        }
        if self.favorites.is_some() {
            return self.favorites_key(key);
        }
        if self.traffic.is_some() {
            return self.traffic_key(key);
        }
        if self.fares.is_some() {
            return self.fares_key(key);
        }
        if self.details.is_some() || self.forecast.is_some() {
            return match key.code {
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Effect::Quit,
                KeyCode::Esc
                | KeyCode::Enter
                | KeyCode::Char('q')
                | KeyCode::Char('c')
                | KeyCode::Left => {
                    self.details = None;
                    self.forecast = None;
                    Effect::Redraw
                }
                _ => Effect::Nothing,
            };
        }
        let rows = view::build(&self.board, Timestamp::now()).selectable_rows();
        match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Effect::Quit,
            KeyCode::Char('q') => Effect::Quit,
            KeyCode::Esc if self.help => {
                self.help = false;
                Effect::Redraw
            }
            KeyCode::Esc => Effect::Quit,
            KeyCode::Char('?') => {
                self.help = !self.help;
                Effect::Redraw
            }
            KeyCode::Char('r') => Effect::RefreshNow,
            KeyCode::Char('n') => Effect::Nearby,
            KeyCode::Char('F') => Effect::OpenFavorites,
            KeyCode::Enter => {
                self.help = false;
                self.open_details()
            }
            KeyCode::Char('c') if self.capabilities.crowding_forecast => {
                self.help = false;
                self.open_forecast()
            }
            KeyCode::Char('t') if self.capabilities.fares => {
                self.help = false;
                self.fares = Some(crate::ui::fares::FaresPane::default());
                Effect::LoadFares
            }
            KeyCode::Char('i') => {
                self.help = false;
                self.traffic = Some(crate::ui::traffic::TrafficPane::default());
                Effect::Redraw
            }
            KeyCode::Char('f') => match self.selected_place() {
                Some(place) => Effect::ToggleFavorite(place),
                None => Effect::Nothing,
            },
            KeyCode::Char('/') => {
                self.help = false;
                self.open_search();
                Effect::Redraw
            }
            KeyCode::Down | KeyCode::Char('j') if rows > 0 => {
                self.selected = Some(self.selected.map_or(0, |s| (s + 1).min(rows - 1)));
                Effect::Redraw
            }
            KeyCode::Up | KeyCode::Char('k') if rows > 0 => {
                self.selected = Some(self.selected.map_or(0, |s| s.saturating_sub(1)));
                Effect::Redraw
            }
            _ => Effect::Nothing,
        }
    }
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

/// How the board is run.
pub struct BoardSettings {
    pub poll: PollSettings,
    pub title: String,
    pub attribution: String,
    pub theme: Theme,
    /// Added to the clock shown (the demo's clock may be shifted).
    pub clock_shift: jiff::SignedDuration,
    /// Open with the search pane (no favourites yet).
    pub start_in_search: bool,
    /// Where `f` saves favourites (`None`: the demo, which saves nothing).
    pub favorites: Option<crate::favorites::Store>,
    /// A lasting warning (a corrupt favourites file, shown read-only).
    pub warning: Option<String>,
    /// The home position for `n`.
    pub home: Option<crate::domain::Position>,
}

/// Runs the live board until the user quits or a signal arrives; the
/// terminal is restored in every case, a panic included.
pub async fn run(source: Source, settings: BoardSettings) -> Result<(), String> {
    let (tx, mut rx) = mpsc::channel::<Msg>(64);
    let (updates_tx, mut updates_rx) = mpsc::channel::<Update>(16);
    let refresh_now = Arc::new(Notify::new());
    let (places_tx, places_rx) = mpsc::channel::<(Vec<String>, Vec<Favorite>)>(4);
    let _poller = poller::spawn(
        source.clone(),
        settings.poll.clone(),
        updates_tx,
        refresh_now.clone(),
        places_rx,
    );

    crate::term::spawn_input(
        tx.clone(),
        |event| match event {
            Event::Key(key) => Some(Msg::Key(key)),
            Event::Resize(..) => Some(Msg::Resize),
            _ => None,
        },
        Some(Msg::Quit),
    );
    // A hang-up means the terminal is gone: the board leaves.
    crate::term::spawn_signals(tx.clone(), |signal| match signal {
        crate::term::Signal::Resize => Msg::Resize,
        crate::term::Signal::Stop | crate::term::Signal::Hangup => Msg::Quit,
    });

    let mut terminal = crate::term::init().map_err(|e| format!("cannot open the terminal: {e}"))?;
    let mut app = App::with_capabilities(source.capabilities());
    if settings.start_in_search {
        app.open_search();
    }
    let mut tick = crate::tick::Ticker::new();
    let mut dirty = true;
    // Unchanged board lines are copied from the previous frame.
    let memo = std::cell::RefCell::new(crate::ui::memo::LineMemo::default());
    let mut painter = crate::ui::paint::Painter::default();
    let mut resized = false;
    let mut shown: Option<view::BoardView> = None;
    let mut rebuild = true;
    // Debug builds only: a panic after the first frame, for the test that
    // the terminal is restored after one.
    let panic_after_draw = cfg!(debug_assertions) && std::env::var_os("QUAI_DEBUG_PANIC").is_some();
    let result = loop {
        if dirty {
            let now = Timestamp::now();
            // Between two messages other than ticks the board is unchanged:
            // the view is only brought to the new second.
            let view = match shown.as_mut() {
                Some(view) if !rebuild => {
                    view::advance_shifted(view, &app.board, now, settings.clock_shift);
                    view
                }
                _ => shown.insert(view::build_shifted(&app.board, now, settings.clock_shift)),
            };
            if let Err(e) = painter.draw(&mut terminal, resized, |frame, in_place| {
                memo.borrow_mut().in_place(in_place);
                draw_app(frame, &mut app, view, &settings, &memo)
            }) {
                // A terminal that is gone is no failure to report: nobody
                // is left to read it.
                if !crate::term::is_alive() {
                    break Ok(());
                }
                break Err(format!("cannot draw: {e}"));
            }
            if panic_after_draw {
                panic!("QUAI_DEBUG_PANIC is set: a panic on purpose");
            }
            dirty = false;
            resized = false;
            rebuild = false;
        }
        let msg = tokio::select! {
            Some(msg) = rx.recv() => msg,
            Some(update) = updates_rx.recv() => Msg::Update(update),
            _ = tick.tick() => Msg::Tick,
        };
        resized |= matches!(msg, Msg::Resize);
        rebuild |= !matches!(msg, Msg::Tick);
        match app.update(msg) {
            Effect::Nothing => {}
            Effect::Redraw => dirty = true,
            Effect::RefreshNow => refresh_now.notify_one(),
            Effect::ToggleFavorite(place) => {
                app.notice = Some(toggle_favorite(settings.favorites.clone(), place).await);
                dirty = true;
            }
            Effect::Nearby => match settings.home {
                None => {
                    app.notice =
                        Some("pas de position : ajoutez home = \"LAT,LON\" aux réglages".into());
                    dirty = true;
                }
                Some(home) => {
                    app.notice = Some("recherche des arrêts proches…".into());
                    dirty = true;
                    let source = source.clone();
                    let index = app.index.clone();
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        let found = nearby(source.as_ref(), index.as_deref(), home).await;
                        let _ = tx.send(Msg::Nearby(found)).await;
                    });
                }
            },
            Effect::LoadVehicle(number) => {
                let source = source.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let vehicle = source.vehicle(&number).await.map_err(|e| e.short_reason());
                    let live = source
                        .vehicle_live(&number)
                        .await
                        .map_err(|e| e.short_reason());
                    let _ = tx
                        .send(Msg::Vehicle {
                            number,
                            vehicle,
                            live,
                        })
                        .await;
                });
            }
            Effect::LoadForecast {
                stop_id,
                line_id,
                outbound,
            } => {
                let source = source.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let forecast = source
                        .forecast(&stop_id, &line_id, outbound)
                        .await
                        .map_err(|e| e.short_reason());
                    let _ = tx.send(Msg::Forecast(forecast)).await;
                });
            }
            Effect::LoadFares => {
                let source = source.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let fares = source.fares().await.map_err(|e| e.short_reason());
                    let _ = tx.send(Msg::Fares(fares)).await;
                });
            }
            Effect::OpenPlaces(places) => {
                let _ = places_tx.send((places, Vec::new())).await;
                dirty = true;
            }
            Effect::ShowFavorites(list) => {
                let places = list.iter().map(|f| f.place.clone()).collect();
                let _ = places_tx.send((places, list)).await;
                dirty = true;
            }
            Effect::OpenFavorites => {
                match settings
                    .favorites
                    .as_ref()
                    .map(crate::favorites::Store::load)
                {
                    None => app.notice = Some("démo : pas de favoris enregistrés".into()),
                    Some(Ok(favorites)) => app.open_favorites(favorites.list),
                    Some(Err(e)) => app.notice = Some(format!("favoris illisibles : {e}")),
                }
                dirty = true;
            }
            Effect::SaveFavorite(op) => {
                if let Some(store) = settings.favorites.clone() {
                    let saved =
                        tokio::task::spawn_blocking(move || store.update(|f| op.apply(f))).await;
                    if let Ok(Err(e)) = saved {
                        app.notice = Some(format!("favoris non enregistrés : {e}"));
                    }
                }
                dirty = true;
            }
            Effect::Quit => break Ok(()),
        }
    };
    crate::term::restore();
    result
}

/// Draws one frame of the live board (its `view`): the board, then the
/// pane open over it, if any. Returns the rows the memo copied from the previous
/// frame when they are exactly what that frame left on screen, for the
/// [`Painter`](crate::ui::paint::Painter); `None` when a pane was drawn
/// over the board or the board was not drawn through the memo (too small,
/// key refused).
fn draw_app(
    frame: &mut ratatui::Frame,
    app: &mut App,
    view: &view::BoardView,
    settings: &BoardSettings,
    memo: &std::cell::RefCell<crate::ui::memo::LineMemo>,
) -> Option<Vec<u16>> {
    let pane = PaneState {
        title: &settings.title,
        selected: app.selected,
        help: app.help,
        theme: settings.theme,
        nb: usize::from(settings.poll.nb.get()),
        attribution: &settings.attribution,
        notice: app.notice.as_deref(),
        warning: settings.warning.as_deref(),
        memo: Some(memo),
    };
    let theme = settings.theme;
    // The traffic pane keeps its scroll within its text.
    let on_screen = if app.traffic.is_some() {
        app.lines_on_screen()
    } else {
        Vec::new()
    };
    let detail_box = match (&app.details, &app.forecast) {
        (Some(d), _) => Some((" Détail · Échap fermer ", DetailBox::Details(d))),
        (None, Some(f)) => Some((
            " Affluence prévue aujourd'hui · Échap fermer ",
            DetailBox::Forecast(f),
        )),
        (None, None) => None,
    };
    let plain = !pane.help
        && app.fares.is_none()
        && detail_box.is_none()
        && app.traffic.is_none()
        && app.search.is_none()
        && app.favorites.is_none();
    let frame_before = memo.borrow().frame();
    draw(frame, view, &pane);
    if let Some(fares) = &app.fares {
        crate::ui::fares::draw(frame, traffic_area(frame.area()), fares, &theme);
    }
    if let Some((title, content)) = &detail_box {
        let area = traffic_area(frame.area());
        let width = area.width.saturating_sub(2) as usize;
        let lines = match content {
            DetailBox::Details(d) => crate::ui::details::details_lines(d, &theme, width),
            DetailBox::Forecast(f) => crate::ui::details::forecast_lines(f, &theme, width),
        };
        crate::ui::details::draw(frame, area, title, lines);
    }
    if let Some(traffic) = app.traffic.as_mut() {
        crate::ui::traffic::draw(
            frame,
            traffic_area(frame.area()),
            &app.board.messages,
            &on_screen,
            traffic,
            &theme,
        );
    }
    if let Some(search) = &app.search {
        search::draw(frame, frame.area(), search, &theme);
    }
    if let Some(pane) = &app.favorites {
        crate::ui::favorites::draw(frame, frame.area(), pane, &theme);
    }
    let memo = memo.borrow();
    (plain && memo.frame() == frame_before + 1).then(|| memo.kept().to_vec())
}

/// What the detail box shows.
enum DetailBox<'a> {
    Details(&'a crate::ui::details::DetailsPane),
    Forecast(&'a crate::ui::details::ForecastPane),
}

/// Where the traffic pane goes: the screen less a margin.
fn traffic_area(area: ratatui::layout::Rect) -> ratatui::layout::Rect {
    if area.width < 50 || area.height < 12 {
        return area;
    }
    ratatui::layout::Rect::new(area.x + 2, area.y + 1, area.width - 4, area.height - 2)
}

/// The names of the places within 500 m of `home`, nearest first (at most
/// 5): asked of the network when it can say, else found in its stop index.
async fn nearby(
    source: &dyn Network,
    index: Option<&crate::search::Index>,
    home: crate::domain::Position,
) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = Vec::new();
    if source.capabilities().nearby {
        let stops = source
            .nearby(home)
            .await
            .map_err(|e| format!("arrêts proches : {}", e.short_reason()))?;
        for stop in stops {
            if !stop.name.is_empty() && !names.contains(&stop.name) {
                names.push(stop.name);
            }
        }
    } else {
        let Some(index) = index else {
            return Err("arrêts proches : liste des arrêts pas encore chargée".into());
        };
        names = index
            .near(home, NEARBY_M)
            .into_iter()
            .map(|(place, _)| place.name.clone())
            .collect();
    }
    names.truncate(5);
    Ok(names)
}

/// How far `n` looks for stops.
const NEARBY_M: f64 = 500.0;

/// Adds or removes a favourite (file IO off the UI thread); says what was done.
async fn toggle_favorite(store: Option<crate::favorites::Store>, place: String) -> String {
    let Some(store) = store else {
        return "démo : les favoris ne sont pas enregistrés".into();
    };
    let name = place.clone();
    let result = tokio::task::spawn_blocking(move || {
        let mut added = false;
        store
            .update(|f| {
                match f.position(&name) {
                    Some(i) => {
                        f.list.remove(i);
                    }
                    None => {
                        added = true;
                        f.list.push(crate::favorites::Favorite {
                            place: name.clone(),
                            label: None,
                            lines: Vec::new(),
                        });
                    }
                }
                Ok(())
            })
            .map(|_| added)
    })
    .await;
    match result {
        Ok(Ok(true)) => format!("★ {place} ajouté aux favoris"),
        Ok(Ok(false)) => format!("{place} retiré des favoris"),
        Ok(Err(e)) => format!("favoris non enregistrés : {e}"),
        Err(e) => format!("favoris non enregistrés : {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{BoardLine, ResolvedPlace};
    use crate::domain::LineRef;
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

    #[test]
    fn keys_for_services_the_network_lacks_do_nothing() {
        let mut app = App::new();
        app.update(Msg::Update(two_rows()));
        assert_eq!(app.update(key(KeyCode::Char('t'))), Effect::Nothing);
        assert!(app.fares.is_none());
        assert_eq!(app.update(key(KeyCode::Char('c'))), Effect::Nothing);
        assert!(app.forecast.is_none());
        // Enter still opens the row's detail, without asking for a vehicle.
        assert_eq!(app.update(key(KeyCode::Enter)), Effect::Redraw);
        assert!(app.details.is_some());
    }

    fn key(code: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
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
                query: "x".into(),
                label: None,
                name: "X".into(),
                stop_ids: vec![],
                lines: vec![line(true), line(false)],
            }],
            unknown: vec![],
        }
    }

    #[test]
    fn keys_map_to_effects() {
        let mut app = App::new();
        assert_eq!(app.update(key(KeyCode::Char('r'))), Effect::RefreshNow);
        assert_eq!(app.update(key(KeyCode::Char('?'))), Effect::Redraw);
        assert!(app.help);
        assert_eq!(
            app.update(key(KeyCode::Esc)),
            Effect::Redraw,
            "Esc closes the help first"
        );
        assert!(!app.help);
        assert_eq!(app.update(key(KeyCode::Esc)), Effect::Quit);
        assert_eq!(app.update(key(KeyCode::Char('q'))), Effect::Quit);
        let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert_eq!(app.update(ctrl_c), Effect::Quit);
        assert_eq!(app.update(key(KeyCode::Char('x'))), Effect::Nothing);
    }

    #[test]
    fn the_selection_stays_on_the_rows() {
        let mut app = App::new();
        assert_eq!(
            app.update(key(KeyCode::Down)),
            Effect::Nothing,
            "no rows yet"
        );
        app.update(Msg::Update(two_rows()));
        app.update(key(KeyCode::Char('j')));
        assert_eq!(app.selected, Some(0));
        app.update(key(KeyCode::Down));
        app.update(key(KeyCode::Down));
        assert_eq!(app.selected, Some(1));
        app.update(key(KeyCode::Char('k')));
        app.update(key(KeyCode::Up));
        assert_eq!(app.selected, Some(0));
    }

    #[test]
    fn the_favourites_pane_reorders_removes_renames_and_picks_lines() {
        let fav = |p: &str| Favorite {
            place: p.into(),
            label: None,
            lines: vec![],
        };
        let mut app = App::new();
        app.update(Msg::Update(two_rows())); // the place "X": T1 both ways
        assert_eq!(app.update(key(KeyCode::Char('F'))), Effect::OpenFavorites);
        app.open_favorites(vec![fav("A"), fav("X"), fav("C")]);
        assert_eq!(
            app.update(key(KeyCode::Char('J'))),
            Effect::SaveFavorite(FavOp::Move {
                place: "A".into(),
                to: 1
            })
        );
        let order = |app: &App| -> Vec<String> {
            app.favorites
                .as_ref()
                .unwrap()
                .list
                .iter()
                .map(|f| f.place.clone())
                .collect()
        };
        assert_eq!(order(&app), ["X", "A", "C"]);
        let shift_up = Msg::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::SHIFT));
        assert_eq!(
            app.update(shift_up),
            Effect::SaveFavorite(FavOp::Move {
                place: "A".into(),
                to: 0
            })
        );
        assert_eq!(
            app.update(key(KeyCode::Char('d'))),
            Effect::SaveFavorite(FavOp::Remove { place: "A".into() })
        );
        assert_eq!(order(&app), ["X", "C"]);
        app.update(key(KeyCode::Char('e')));
        for c in "Maison".chars() {
            app.update(key(KeyCode::Char(c)));
        }
        assert_eq!(
            app.update(key(KeyCode::Enter)),
            Effect::SaveFavorite(FavOp::Rename {
                place: "X".into(),
                label: Some("Maison".into())
            })
        );
        // The lines of X, as the board shows them; untick the second.
        app.update(key(KeyCode::Enter));
        assert_eq!(
            app.favorites
                .as_ref()
                .unwrap()
                .lines
                .as_ref()
                .unwrap()
                .len(),
            2
        );
        app.update(key(KeyCode::Down));
        assert_eq!(
            app.update(key(KeyCode::Char(' '))),
            Effect::SaveFavorite(FavOp::SetLines {
                place: "X".into(),
                lines: vec![crate::favorites::LineFilter::parse("T1:aller").unwrap()]
            })
        );
        // The last ticked line cannot be unticked.
        app.update(key(KeyCode::Up));
        assert_eq!(app.update(key(KeyCode::Char(' '))), Effect::Redraw);
        assert!(app.notice.is_some());
        app.update(key(KeyCode::Esc));
        match app.update(key(KeyCode::Esc)) {
            Effect::ShowFavorites(list) => {
                assert_eq!(list[0].describe(), "X (Maison) — T1:aller");
                assert_eq!(list.len(), 2);
            }
            other => panic!("{other:?}"),
        }
        assert!(app.favorites.is_none());
    }

    #[test]
    fn i_and_t_open_the_traffic_and_fares_panes() {
        let mut app = App::with_capabilities(every_service());
        app.update(Msg::Update(two_rows()));
        assert_eq!(app.update(key(KeyCode::Char('i'))), Effect::Redraw);
        assert!(app.traffic.is_some());
        app.update(key(KeyCode::Char('a')));
        app.update(key(KeyCode::Down));
        assert_eq!(
            app.traffic,
            Some(crate::ui::traffic::TrafficPane {
                all: true,
                scroll: 1
            })
        );
        assert_eq!(
            app.update(key(KeyCode::Char('q'))),
            Effect::Redraw,
            "q closes the pane"
        );
        assert!(app.traffic.is_none());
        assert_eq!(app.lines_on_screen().len(), 1, "T1 once");
        assert_eq!(app.update(key(KeyCode::Char('t'))), Effect::LoadFares);
        app.update(Msg::Fares(Err("HTTP 503".into())));
        assert_eq!(
            app.fares.as_ref().unwrap().fares,
            Some(Err("HTTP 503".to_string()))
        );
        app.update(key(KeyCode::Esc));
        assert!(app.fares.is_none());
        // A late answer does not reopen the pane.
        app.update(Msg::Fares(Ok(vec![])));
        assert!(app.fares.is_none());
    }

    #[test]
    fn enter_and_c_open_the_detail_and_the_forecast_of_the_selected_row() {
        let mut app = App::with_capabilities(every_service());
        assert_eq!(
            app.update(key(KeyCode::Enter)),
            Effect::Nothing,
            "no row yet"
        );
        app.update(Msg::Update(two_rows()));
        app.update(key(KeyCode::Down));
        app.update(key(KeyCode::Down));
        // No departure yet: the detail opens without a vehicle to fetch.
        assert_eq!(app.update(key(KeyCode::Enter)), Effect::Redraw);
        let details = app.details.as_ref().unwrap();
        assert!(!details.row.outbound, "the second row");
        assert_eq!(app.update(key(KeyCode::Esc)), Effect::Redraw);
        assert!(app.details.is_none());
        assert_eq!(
            app.update(key(KeyCode::Char('c'))),
            Effect::LoadForecast {
                stop_id: String::new(),
                line_id: "101".into(),
                outbound: false
            }
        );
        app.update(Msg::Forecast(Err("HTTP 503".into())));
        assert_eq!(
            app.forecast.as_ref().unwrap().forecast,
            Some(Err("HTTP 503".to_string()))
        );
        assert_eq!(app.update(key(KeyCode::Char('c'))), Effect::Redraw);
        assert!(app.forecast.is_none());
    }

    #[test]
    fn nearby_places_open_a_board() {
        let mut app = App::new();
        assert_eq!(app.update(key(KeyCode::Char('n'))), Effect::Nearby);
        let places = vec![
            "Centre-ville - 8 Septembre".to_string(),
            "Battant".to_string(),
        ];
        assert_eq!(
            app.update(Msg::Nearby(Ok(places.clone()))),
            Effect::OpenPlaces(places)
        );
        assert_eq!(app.update(Msg::Nearby(Ok(vec![]))), Effect::Redraw);
        assert_eq!(app.notice.as_deref(), Some("aucun arrêt à moins de 500 m"));
    }

    #[test]
    fn f_toggles_the_favourite_of_the_selected_place() {
        let mut app = App::new();
        assert_eq!(
            app.update(key(KeyCode::Char('f'))),
            Effect::Nothing,
            "no place yet"
        );
        app.update(Msg::Update(two_rows()));
        assert_eq!(
            app.update(key(KeyCode::Char('f'))),
            Effect::ToggleFavorite("X".into())
        );
        app.notice = Some("★ X ajouté aux favoris".into());
        app.update(key(KeyCode::Down));
        assert_eq!(app.notice, None, "a key clears the notice");
        assert_eq!(app.selected_place().as_deref(), Some("X"));
    }

    #[tokio::test]
    async fn toggling_writes_the_favourites_file() {
        let dir = std::env::temp_dir().join(format!("quai-app-fav-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = crate::favorites::Store::beside(&dir.join("config.toml"));
        let said = toggle_favorite(Some(store.clone()), "Chamars".into()).await;
        assert_eq!(said, "★ Chamars ajouté aux favoris");
        assert_eq!(store.load().unwrap().list[0].place, "Chamars");
        let said = toggle_favorite(Some(store.clone()), "Chamars".into()).await;
        assert_eq!(said, "Chamars retiré des favoris");
        assert!(store.load().unwrap().list.is_empty());
        assert!(
            toggle_favorite(None, "Chamars".into())
                .await
                .contains("démo")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn search_types_filters_and_opens_a_place() {
        let mut app = App::new();
        assert_eq!(app.update(key(KeyCode::Char('/'))), Effect::Redraw);
        assert!(app.search.as_ref().unwrap().loading, "no index yet");
        let stops: Vec<crate::domain::Stop> = ["Châteaufarine", "Chamars", "Ile de France"]
            .iter()
            .enumerate()
            .map(|(i, n)| crate::domain::Stop::named(&format!("S{i}"), n))
            .collect();
        app.update(Msg::Update(Update::Index {
            index: Arc::new(Index::from_stops(&stops)),
            stale: true,
        }));
        let search = app.search.as_ref().unwrap();
        assert!(!search.loading && search.stale);
        assert_eq!(search.hits.len(), 3, "an empty query lists the places");
        for c in "cha".chars() {
            app.update(key(KeyCode::Char(c)));
        }
        // 'q' is typed into the query, it does not quit.
        assert_eq!(app.update(key(KeyCode::Char('q'))), Effect::Redraw);
        app.update(key(KeyCode::Backspace));
        assert_eq!(app.search.as_ref().unwrap().query, "cha");
        app.update(key(KeyCode::Down));
        let chosen = app.search.as_ref().unwrap().chosen().unwrap().to_string();
        assert_eq!(
            app.update(key(KeyCode::Enter)),
            Effect::OpenPlaces(vec![chosen])
        );
        assert!(app.search.is_none());
        app.update(key(KeyCode::Char('/')));
        assert_eq!(app.update(key(KeyCode::Esc)), Effect::Redraw);
        assert!(app.search.is_none(), "Esc goes back to the board");
    }

    #[test]
    fn failures_keep_the_last_good_data() {
        let mut app = App::new();
        app.update(Msg::Update(two_rows()));
        let at: Timestamp = "2026-11-23T08:00:00Z".parse().unwrap();
        app.update(Msg::Update(Update::Departures {
            at,
            results: vec![],
        }));
        app.update(Msg::Update(Update::Failed(crate::network::NetError::new(
            crate::network::ErrorKind::Http(503),
            "HTTP 503 from the server",
        ))));
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
        use crate::ui::board::tests::{sample_board, t};
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let settings = BoardSettings {
            poll: PollSettings {
                places: vec![],
                nb: crate::network::PerRow::DEFAULT,
                refresh: Duration::from_secs(10),
                favorites: vec![],
            },
            title: "quai · Ginko".into(),
            attribution: "ODbL".into(),
            theme: Theme::new(crate::ui::theme::Palette::TrueColor),
            clock_shift: jiff::SignedDuration::ZERO,
            start_in_search: false,
            favorites: None,
            warning: None,
            home: None,
        };
        let mut app = App::new();
        app.board = sample_board();
        let memo = std::cell::RefCell::new(crate::ui::memo::LineMemo::default());
        let mut painter = crate::ui::paint::Painter::default();
        let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
        let mut kept = 0;
        for second in 0..120 {
            match second {
                10 | 12 | 60 => {
                    app.update(key(KeyCode::Char('j')));
                }
                20 => {
                    app.update(key(KeyCode::Char('?')));
                }
                23 => {
                    app.update(key(KeyCode::Char('?')));
                }
                30 => {
                    app.update(key(KeyCode::Char('i')));
                }
                33 => {
                    app.update(key(KeyCode::Esc));
                }
                40 => {
                    let mut again = sample_board();
                    again.fetched_at = Some(t(40));
                    app.board = again;
                }
                50 => {
                    app.update(key(KeyCode::Char('/')));
                }
                52 => {
                    app.update(key(KeyCode::Esc));
                }
                70 => terminal.backend_mut().resize(60, 12),
                80 => terminal.backend_mut().resize(30, 5),
                85 => terminal.backend_mut().resize(120, 40),
                _ => {}
            }
            let resized = matches!(second, 70 | 80 | 85);
            let now = t(second);
            painter
                .draw(&mut terminal, resized, |frame, in_place| {
                    memo.borrow_mut().in_place(in_place);
                    let view = view::build(&app.board, now);
                    let rows = draw_app(frame, &mut app, &view, &settings, &memo);
                    kept += rows.as_ref().map_or(0, Vec::len);
                    rows
                })
                .unwrap();
            let area = terminal.backend().buffer().area;
            let mut fresh = Terminal::new(TestBackend::new(area.width, area.height)).unwrap();
            let fresh_memo = std::cell::RefCell::new(crate::ui::memo::LineMemo::default());
            fresh
                .draw(|frame| {
                    let view = view::build(&app.board, now);
                    draw_app(frame, &mut app, &view, &settings, &fresh_memo);
                })
                .unwrap();
            assert_eq!(
                terminal.backend().buffer(),
                fresh.backend().buffer(),
                "second {second}"
            );
        }
        assert!(kept > 250, "most rows were kept: {kept}");
    }
}
