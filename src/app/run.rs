//! The one loop of the board and the kiosk, that owns the terminal:
//! input, the pollers' updates, the 1 Hz tick, signals and the answers to
//! requests become [`Msg`]s; every message waiting is handled by
//! `update`, then one frame is drawn if anything changed. The effects that
//! `update` returns are turned into work here (requests, file reads and
//! writes, pollers started or stopped), whose answers come back as
//! messages: nothing here writes the app's state.

use std::future::Future;
use std::sync::Arc;

use ratatui::crossterm::event::Event;
use tokio::sync::{Notify, mpsc};

use super::{App, Effect, Msg};
use crate::favorites::{FavOp, Favorite, Store};
use crate::kiosk::{KioskOptions, Loader};
use crate::network::{Network, Source};
use crate::poller::{self, PollSettings, Update};
use crate::term::Signal;
use crate::ui::departures::{PaneState, draw_on};
use crate::ui::kiosk::{KioskPane, Screen as KioskScreen};
use crate::ui::memo::LineMemo;
use crate::ui::paint::{Canvas, Painter};
use crate::ui::theme::Theme;
use crate::ui::view;

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
    /// How the status line names the first board, for `⌫` ("favoris").
    pub first_name: String,
    /// The first board is the favourites' (it follows `f`).
    pub first_is_favorites: bool,
}

/// Runs the live board until the user quits or a signal arrives; the
/// terminal is restored in every case, a panic included.
pub async fn run(source: Source, settings: BoardSettings) -> Result<(), String> {
    let mut app = App::with_capabilities(source.capabilities());
    app.networks = source.networks();
    app.source = Some(source.clone());
    app.home = settings.home;
    app.clock_shift = settings.clock_shift;
    app.attribution = settings.attribution.clone();
    app.first = Some(super::FirstBoard {
        name: settings.first_name.clone(),
        places: settings.poll.places.clone(),
        favorites: settings.poll.favorites.clone(),
        is_favorites: settings.first_is_favorites,
    });
    if settings.start_in_search {
        app.open_search();
    }
    let pollers = Pollers::start(source.clone(), settings.poll.clone());
    let screen = Screen::Board {
        source,
        settings: Box::new(settings),
    };
    run_loop(app, Some(pollers), screen).await
}

/// Runs the kiosk until a signal, the quit key, or its terminal is gone.
pub async fn run_kiosk(options: KioskOptions, load: Loader) -> Result<(), String> {
    let reader = Arc::clone(&load);
    let loaded = tokio::task::spawn_blocking(move || reader())
        .await
        .unwrap_or_default();
    let app = App::kiosk(options, loaded, crate::clock::now());
    run_loop(app, None, Screen::Kiosk { load }).await
}

/// What the loop draws, and what it needs for that screen's effects.
enum Screen {
    Board {
        source: Source,
        settings: Box<BoardSettings>,
    },
    Kiosk {
        load: Loader,
    },
}

/// The pollers while they run: their updates, and how to send them new
/// places or a refresh.
struct Pollers {
    _poller: poller::Poller,
    updates: mpsc::Receiver<Update>,
    places: mpsc::Sender<(Vec<String>, Vec<Favorite>)>,
    refresh_now: Arc<Notify>,
    /// The destinations chosen on the board, for the network to be asked.
    chosen: tokio::sync::watch::Sender<Vec<(String, String)>>,
}

impl Pollers {
    fn start(source: Source, mut settings: PollSettings) -> Pollers {
        let (updates_tx, updates) = mpsc::channel::<Update>(16);
        let refresh_now = Arc::new(Notify::new());
        let (places, places_rx) = mpsc::channel(4);
        let (chosen, chosen_rx) = tokio::sync::watch::channel(Vec::new());
        settings.chosen = Some(chosen_rx);
        let poller = poller::spawn(source, settings, updates_tx, refresh_now.clone(), places_rx);
        Pollers {
            _poller: poller,
            updates,
            places,
            refresh_now,
            chosen,
        }
    }

    /// Gives the fetching task the destinations chosen on the board when
    /// they changed, and asks it to fetch again at once: the next answer
    /// has the network's own arrivals where it gives them.
    fn choose(&self, destinations: &[(String, String)]) {
        let changed = self.chosen.send_if_modified(|sent| {
            let changed = sent.as_slice() != destinations;
            if changed {
                *sent = destinations.to_vec();
            }
            changed
        });
        if changed {
            self.refresh_now.notify_one();
        }
    }
}

/// The next message: input, signals and answers, the pollers' updates,
/// or the 1 Hz tick, whichever comes first.
async fn next(
    rx: &mut mpsc::Receiver<Msg>,
    pollers: &mut Option<Pollers>,
    tick: &mut crate::tick::Ticker,
) -> Msg {
    tokio::select! {
        Some(msg) = rx.recv() => msg,
        Some(update) = async {
            match pollers.as_mut() {
                Some(p) => p.updates.recv().await,
                None => std::future::pending().await,
            }
        } => Msg::Update(update),
        _ = tick.tick() => Msg::Tick,
    }
}

/// A message already waiting, if any (the tick is never waiting).
fn ready(
    rx: &mut mpsc::Receiver<Msg>,
    updates: Option<&mut mpsc::Receiver<Update>>,
) -> Option<Msg> {
    if let Ok(msg) = rx.try_recv() {
        return Some(msg);
    }
    updates.and_then(|u| u.try_recv().ok()).map(Msg::Update)
}

/// The one loop of the board and the kiosk: every waiting message is
/// handled through `update`, its effects started, then one frame is drawn
/// if anything changed.
async fn run_loop(
    mut app: App,
    mut pollers: Option<Pollers>,
    screen: Screen,
) -> Result<(), String> {
    let (tx, mut rx) = mpsc::channel::<Msg>(64);
    let kiosk = matches!(screen, Screen::Kiosk { .. });
    crate::term::spawn_input(
        tx.clone(),
        |event| match event {
            Event::Key(key) => Some(Msg::Key(key)),
            Event::Resize(..) => Some(Msg::Resize),
            _ => None,
        },
        || Msg::InputEnded {
            terminal_alive: crate::term::is_alive(),
        },
    );
    crate::term::spawn_signals(tx.clone(), |signal| match signal {
        Signal::Resize => Msg::Resize,
        Signal::Stop => Msg::Stop,
        Signal::Hangup => Msg::Hangup {
            terminal_alive: crate::term::is_alive(),
        },
    });
    let favorites = match &screen {
        Screen::Board { settings, .. } => settings.favorites.clone(),
        Screen::Kiosk { .. } => None,
    };
    let saver = spawn_saver(favorites, tx.clone());

    let mut terminal = crate::term::init()
        .map_err(|e| crate::i18n::tf("terminal_cannot_open", &[("why", &e.to_string())]))?;
    if kiosk {
        crate::kiosk::keep_console_awake();
    }
    let mut tick = crate::tick::Ticker::new();
    let mut frame = Frame::default();
    // Debug builds only: a panic after the first frame, for the test that
    // the terminal is restored after one.
    let panic_after_draw =
        !kiosk && cfg!(debug_assertions) && std::env::var_os("QUAI_DEBUG_PANIC").is_some();
    let mut first = Some(Msg::Tick);
    let result = 'run: loop {
        let mut msg = match first.take() {
            Some(msg) => msg,
            None => next(&mut rx, &mut pollers, &mut tick).await,
        };
        // Every message already waiting is handled before one frame.
        loop {
            frame.resized |= matches!(msg, Msg::Resize);
            let effect = app.update(msg, crate::clock::now());
            for line in app.journal.drain(..) {
                crate::kiosk::log(&line);
            }
            let work = Work {
                tx: &tx,
                saver: &saver,
                screen: &screen,
            };
            match work.start(effect, &app, &mut pollers).await {
                Started::Quit => break 'run Ok(()),
                Started::Redraw => frame.dirty = true,
                Started::Repaint => {
                    let _ = frame.painter.clear(&mut terminal);
                    frame.dirty = true;
                }
                Started::Nothing => {}
            }
            match ready(&mut rx, pollers.as_mut().map(|p| &mut p.updates)) {
                Some(waiting) => msg = waiting,
                None => break,
            }
        }
        if !frame.dirty {
            continue;
        }
        let drawn = match &screen {
            Screen::Board { settings, .. } => frame.board(&mut terminal, &mut app, settings),
            Screen::Kiosk { .. } => frame.kiosk(&mut terminal, &mut app),
        };
        match drawn {
            Ok(()) => {}
            // A terminal that is gone is no failure to report: nobody is
            // left to read it.
            Err(_) if !crate::term::is_alive() => {
                if kiosk {
                    crate::kiosk::log("the terminal is gone");
                }
                break Ok(());
            }
            Err(e) if !kiosk => {
                break Err(crate::i18n::tf(
                    "terminal_cannot_draw",
                    &[("why", &e.to_string())],
                ));
            }
            // The kiosk keeps trying: the screen may come back (a console
            // switched away).
            Err(e) => {
                if !frame.draw_failed {
                    crate::kiosk::log(&format!("cannot draw: {e}"));
                }
                frame.draw_failed = true;
            }
        }
        if panic_after_draw {
            panic!("QUAI_DEBUG_PANIC is set: a panic on purpose");
        }
    };
    // Dropping the pollers aborts them: nothing more is sent.
    drop(pollers);
    crate::term::restore();
    result
}

/// What the loop keeps from one frame to the next.
#[derive(Default)]
struct Frame {
    /// Something changed since the last frame.
    dirty: bool,
    resized: bool,
    /// The last frame failed (the kiosk says so once).
    draw_failed: bool,
    // Frames are written row by row where they differ from the screen;
    // unchanged lines are left or copied from the previous frame.
    memo: LineMemo,
    painter: Painter,
    /// The kiosk's last screen, for the journal.
    last_screen: Option<crate::ui::kiosk::Screen>,
}

impl Frame {
    /// Draws the board: its view, the one `update` read, brought to now
    /// (built again only if the board changed since).
    fn board(
        &mut self,
        terminal: &mut crate::term::Screen,
        app: &mut App,
        settings: &BoardSettings,
    ) -> std::io::Result<()> {
        app.refresh_view(crate::clock::now());
        let Some(view) = app.view() else {
            return Ok(());
        };
        let mut area = app.area;
        self.painter
            .paint_lines(terminal, self.resized, &mut self.memo, |canvas| {
                area = canvas.area();
                draw_app(canvas, app, view, settings);
            })?;
        // The panes scroll within the screen last drawn.
        app.area = area;
        self.dirty = false;
        self.resized = false;
        Ok(())
    }

    fn kiosk(&mut self, terminal: &mut crate::term::Screen, app: &mut App) -> std::io::Result<()> {
        app.refresh_view(crate::clock::now());
        let (Some(kiosk), Some(view)) = (app.kiosk.as_ref(), app.view()) else {
            return Ok(());
        };
        let shown = kiosk.shown(crate::clock::now(), &app.board().zones);
        let date = crate::kiosk::date_text(shown.date());
        let loaded = &kiosk.loaded;
        let pane = KioskPane {
            title: &kiosk.title,
            theme: kiosk.options.theme,
            nb: usize::from(kiosk.options.nb.get()),
            attribution: &kiosk.attribution,
            warning: loaded.warning.as_deref(),
            problem: loaded.problem.as_deref(),
            no_favorites: loaded.favorites.is_empty(),
            favorites_path: &loaded.favorites_path,
            reload_hint: &kiosk.options.reload_hint,
            page_seconds: kiosk.options.page_seconds,
            large: kiosk.options.large,
            quiet: kiosk.quiet.then_some(loaded.quiet_screen),
            now_s: shown.timestamp().as_second(),
            pages_since_s: kiosk.pages_since_s,
            date: &date,
        };
        let screen = crate::ui::kiosk::screen(view, &pane);
        if self.last_screen != Some(screen) {
            let reason = match (&view.error_reason, screen) {
                (Some(r), KioskScreen::Waiting | KioskScreen::Unavailable | KioskScreen::Board)
                    if view.stale =>
                {
                    format!(" ({r})")
                }
                _ => String::new(),
            };
            crate::kiosk::log(&format!(
                "{}{reason}",
                crate::kiosk::screen_name(screen, pane.quiet)
            ));
            self.last_screen = Some(screen);
        }
        let drawn = self
            .painter
            .paint_lines(terminal, self.resized, &mut self.memo, |canvas| {
                crate::ui::kiosk::draw_on(canvas, view, &pane)
            });
        self.resized = false;
        if drawn.is_ok() {
            self.dirty = false;
            self.draw_failed = false;
        }
        drawn
    }
}

/// What starting an effect asks of the loop.
enum Started {
    Nothing,
    Redraw,
    /// The whole screen written again.
    Repaint,
    Quit,
}

/// What the loop turns effects into work with.
struct Work<'a> {
    tx: &'a mpsc::Sender<Msg>,
    saver: &'a mpsc::UnboundedSender<SaveJob>,
    screen: &'a Screen,
}

impl Work<'_> {
    /// Starts the work an effect asks for; its answer comes back as a
    /// message. Nothing here changes the app.
    async fn start(self, effect: Effect, app: &App, pollers: &mut Option<Pollers>) -> Started {
        let source = match self.screen {
            Screen::Board { source, .. } => Some(source.clone()),
            Screen::Kiosk { .. } => None,
        };
        if let Some(p) = pollers.as_ref() {
            p.choose(&app.destinations);
        }
        match effect {
            Effect::Nothing => return Started::Nothing,
            Effect::Redraw => {}
            Effect::Quit => return Started::Quit,
            Effect::RefreshNow => {
                if let Some(p) = pollers.as_ref() {
                    p.refresh_now.notify_one();
                }
            }
            Effect::OpenPlaces(places) => send_places(pollers, places, Vec::new()).await,
            Effect::Show { places, favorites } => send_places(pollers, places, favorites).await,
            Effect::ShowFavorites(list) => {
                let places = list.iter().map(|f| f.query()).collect();
                send_places(pollers, places, list).await;
            }
            Effect::ToggleFavorite(place, network, to) => {
                let _ = self.saver.send(SaveJob::Toggle(place, network, to));
            }
            Effect::SaveFavorite(op) => {
                let _ = self.saver.send(SaveJob::Apply(op));
            }
            Effect::OpenFavorites { asked } => {
                let _ = self.saver.send(SaveJob::Read(asked));
            }
            Effect::Nearby { asked, home } => {
                let Some(source) = source else {
                    return Started::Nothing;
                };
                let index = app.index.clone();
                answer(self.tx, async move {
                    let found = nearby(source.as_ref(), index.as_deref(), home).await;
                    Msg::Nearby { asked, found }
                });
            }
            Effect::LoadDetails {
                asked,
                vehicle,
                trip,
            } => {
                let Some(source) = source else {
                    return Started::Nothing;
                };
                if let Some(trip) = trip {
                    let source = source.clone();
                    answer(self.tx, async move {
                        // The timetable is read from disk the first time.
                        let calls =
                            tokio::task::spawn_blocking(move || trip_calls(source.as_ref(), &trip))
                                .await
                                .unwrap_or_else(|e| Err(e.to_string()));
                        Msg::Calls { asked, calls }
                    });
                }
                let Some(number) = vehicle else {
                    return Started::Redraw;
                };
                answer(self.tx, async move {
                    let vehicle = source.vehicle(&number).await.map_err(|e| e.short_reason());
                    let live = source
                        .vehicle_live(&number)
                        .await
                        .map_err(|e| e.short_reason());
                    Msg::Vehicle {
                        asked,
                        number,
                        vehicle,
                        live,
                    }
                });
            }
            Effect::LoadForecast {
                asked,
                stop_id,
                line_id,
                outbound,
            } => {
                let Some(source) = source else {
                    return Started::Nothing;
                };
                answer(self.tx, async move {
                    let forecast = source
                        .forecast(&stop_id, &line_id, outbound)
                        .await
                        .map_err(|e| e.short_reason());
                    Msg::Forecast { asked, forecast }
                });
            }
            Effect::LoadFares { asked } => {
                let Some(source) = source else {
                    return Started::Nothing;
                };
                answer(self.tx, async move {
                    let fares = source.fares().await.map_err(|e| e.short_reason());
                    Msg::Fares { asked, fares }
                });
            }
            Effect::Pollers { run, repaint } => {
                // Dropping the pollers aborts them: nothing more is sent.
                *pollers = None;
                if run && let Some((source, settings)) = app.kiosk_polling() {
                    *pollers = Some(Pollers::start(source, settings));
                }
                if repaint {
                    return Started::Repaint;
                }
            }
            Effect::Reload => {
                if let Screen::Kiosk { load } = self.screen {
                    let load = Arc::clone(load);
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        if let Ok(loaded) = tokio::task::spawn_blocking(move || load()).await {
                            let _ = tx.send(Msg::Reloaded(Box::new(loaded))).await;
                        }
                    });
                }
                return Started::Nothing;
            }
        }
        Started::Redraw
    }
}

/// Runs `work` off the loop; its answer comes back as a message.
fn answer(tx: &mpsc::Sender<Msg>, work: impl Future<Output = Msg> + Send + 'static) {
    let tx = tx.clone();
    tokio::spawn(async move {
        let _ = tx.send(work.await).await;
    });
}

/// A departure's next stops, or why the network cannot say them.
fn trip_calls(
    source: &dyn Network,
    trip: &super::TripAsk,
) -> Result<Vec<crate::destination::Call>, String> {
    let found = source
        .calls(
            &trip.row,
            std::slice::from_ref(&trip.departure),
            trip.fetched_at,
        )
        .ok_or_else(|| crate::i18n::t("calls_unavailable").to_string())?;
    Ok(found.into_iter().next().unwrap_or_default())
}

/// Shows other places: the pollers resolve them.
async fn send_places(pollers: &Option<Pollers>, places: Vec<String>, favorites: Vec<Favorite>) {
    if let Some(p) = pollers.as_ref() {
        let _ = p.places.send((places, favorites)).await;
    }
}

/// A read or a change of the favourites file, done off the loop.
#[derive(Debug)]
pub(super) enum SaveJob {
    /// Add the place (with its network) or remove it.
    Toggle(String, Option<String>, Option<String>),
    Apply(FavOp),
    /// Read the list, for the pane: the request's number.
    Read(super::Asked),
}

/// The task that reads and writes the favourites, one job after the
/// other in the order asked (a move after a rename stays after it), each
/// on a blocking thread; every outcome comes back as a message, a failure
/// included.
pub(super) fn spawn_saver(
    store: Option<Store>,
    tx: mpsc::Sender<Msg>,
) -> mpsc::UnboundedSender<SaveJob> {
    let (jobs, mut rx) = mpsc::unbounded_channel::<SaveJob>();
    tokio::spawn(async move {
        while let Some(job) = rx.recv().await {
            let msg = match job {
                SaveJob::Toggle(place, network, to) => {
                    Msg::FavoriteToggled(toggle_favorite(store.clone(), place, network, to).await)
                }
                SaveJob::Apply(op) => Msg::FavoritesSaved(match store.clone() {
                    None => Ok(None),
                    Some(store) => {
                        match tokio::task::spawn_blocking(move || store.update(|f| op.apply(f)))
                            .await
                        {
                            Ok(Ok(_)) => Ok(None),
                            Ok(Err(e)) => Err(e.to_string()),
                            Err(e) => Err(e.to_string()),
                        }
                    }
                }),
                SaveJob::Read(asked) => Msg::FavoritesRead {
                    asked,
                    read: read_favorites(store.clone()).await,
                },
            };
            if tx.send(msg).await.is_err() {
                return;
            }
        }
    });
    jobs
}

/// The favourites for their pane, with a note for the demo; or what to
/// say instead.
async fn read_favorites(store: Option<Store>) -> Result<(Vec<Favorite>, Option<String>), String> {
    let Some(store) = store else {
        return Err(crate::i18n::t("demo_no_saved_favorites").into());
    };
    let in_memory = store.in_memory();
    let read = tokio::task::spawn_blocking(move || store.load().map_err(|e| e.to_string()))
        .await
        .unwrap_or_else(|e| Err(e.to_string()));
    match read {
        Ok(favorites) => Ok((
            favorites.list,
            in_memory.then(|| crate::i18n::t("demo_changes_not_saved").into()),
        )),
        Err(why) => Err(crate::i18n::tf("favorites_unreadable", &[("why", &why)])),
    }
}

/// Draws one whole frame of the live board as the loop would, from
/// scratch (for snapshots and other single frames).
pub fn draw_screen(
    frame: &mut ratatui::Frame,
    app: &App,
    view: &view::BoardView,
    settings: &BoardSettings,
) {
    draw_app(
        &mut Canvas::new(frame, &mut LineMemo::default()),
        app,
        view,
        settings,
    );
}

/// Draws one frame of the live board (its `view`) on `canvas`: the board,
/// then the pane open over it, if any; reads only.
pub(super) fn draw_app(
    canvas: &mut Canvas,
    app: &App,
    view: &view::BoardView,
    settings: &BoardSettings,
) {
    let pane = PaneState {
        // The networks of the places shown, not every network set up.
        title: app.title.as_deref().unwrap_or(&settings.title),
        selected: app.selected,
        // Drawn below, scrolled.
        help: false,
        theme: settings.theme,
        nb: usize::from(settings.poll.nb.get()),
        attribution: &settings.attribution,
        notice: app
            .notice
            .as_deref()
            .or(app.refreshing.then(|| crate::i18n::t("refreshing"))),
        warning: settings.warning.as_deref(),
        capabilities: app.capabilities_here(),
        back_to: app.back_to(),
    };
    draw_on(canvas, view, &pane);
    let area = canvas.area();
    // As the board's own help: not over a refused key's or a too small
    // screen.
    let board_drawn = !view.key_refused
        && area.width >= crate::ui::departures::MIN_WIDTH
        && area.height >= crate::ui::departures::MIN_HEIGHT;
    if let Some(overlay) = &app.overlay {
        canvas.frame(|frame| overlay.draw(frame, &app.board, &settings.theme));
    }
    // Over the pane too (`?` there).
    if app.help && board_drawn {
        let pane = PaneState { help: true, ..pane };
        canvas
            .frame(|frame| crate::ui::screens::draw_help_from(frame, area, &pane, app.help_scroll));
    }
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
            .map_err(|e| crate::i18n::tf("nearby_failed", &[("why", &e.short_reason())]))?;
        for stop in stops {
            if !stop.name.is_empty() && !names.contains(&stop.name) {
                names.push(stop.name);
            }
        }
    } else {
        let Some(index) = index else {
            return Err(crate::i18n::t("nearby_not_loaded").into());
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

/// Adds or removes a favourite (file IO off the UI thread); says what was
/// done and the favourites now (none when there is nowhere to keep them),
/// or why the file could not be written.
pub(super) async fn toggle_favorite(
    store: Option<Store>,
    place: String,
    network: Option<String>,
    to: Option<String>,
) -> Result<(String, Option<Vec<Favorite>>), String> {
    let Some(store) = store else {
        return Ok((crate::i18n::t("demo_favorites_not_saved").into(), None));
    };
    let name = place.clone();
    let in_memory = store.in_memory();
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
                            network: network.clone(),
                            label: None,
                            lines: Vec::new(),
                            walk: None,
                            to: to.clone(),
                        });
                    }
                }
                Ok(())
            })
            .map(|now| (added, now.list))
    })
    .await;
    let unsaved = if in_memory {
        crate::i18n::t("demo_not_saved")
    } else {
        ""
    };
    let (done, list) = match result {
        Ok(Ok((true, list))) => ("favorite_added", list),
        Ok(Ok((false, list))) => ("favorite_removed", list),
        Ok(Err(e)) => return Err(e.to_string()),
        Err(e) => return Err(e.to_string()),
    };
    let said = format!("{}{unsaved}", crate::i18n::tf(done, &[("place", &place)]));
    Ok((said, Some(list)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message waiting, input and updates alike, is taken before
    /// the loop draws; then nothing is, until the next one comes.
    #[tokio::test]
    async fn the_waiting_messages_are_taken_as_one_batch() {
        let (tx, mut rx) = mpsc::channel::<Msg>(8);
        let (updates_tx, mut updates) = mpsc::channel::<Update>(8);
        tx.send(Msg::Resize).await.unwrap();
        tx.send(Msg::Tick).await.unwrap();
        updates_tx.send(Update::Messages(vec![])).await.unwrap();
        updates_tx.send(Update::LineStates(vec![])).await.unwrap();
        let mut batch = Vec::new();
        while let Some(msg) = ready(&mut rx, Some(&mut updates)) {
            batch.push(format!("{msg:?}"));
        }
        assert_eq!(
            batch,
            [
                "Resize",
                "Tick",
                "Update(Messages([]))",
                "Update(LineStates([]))"
            ]
        );
        assert!(ready(&mut rx, None).is_none());
    }
}
