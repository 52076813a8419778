//! The loop that owns the terminal: input, the pollers' updates, the 1 Hz
//! tick and signals become [`Msg`]s; the screen is drawn only when
//! something changed; the effects that `update` returns are run here.

use std::sync::Arc;

use jiff::Timestamp;
use ratatui::crossterm::event::Event;
use tokio::sync::{Notify, mpsc};

use super::{App, Effect, Msg};
use crate::favorites::Favorite;
use crate::network::{Network, Source};
use crate::poller::{self, PollSettings, Update};
use crate::ui::departures::{PaneState, draw_on};
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

    let mut terminal = crate::term::init()
        .map_err(|e| crate::i18n::tf("terminal_cannot_open", &[("why", &e.to_string())]))?;
    let mut app = App::with_capabilities(source.capabilities());
    app.networks = source.networks();
    app.first = Some(super::FirstBoard {
        name: settings.first_name.clone(),
        places: settings.poll.places.clone(),
        favorites: settings.poll.favorites.clone(),
    });
    if settings.start_in_search {
        app.open_search();
    }
    let mut tick = crate::tick::Ticker::new();
    let mut dirty = true;
    // Frames are written row by row where they differ from the screen;
    // unchanged lines are left or copied from the previous frame.
    let mut memo = LineMemo::default();
    let mut painter = Painter::default();
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
            let mut area = app.area;
            if let Err(e) = painter.paint_lines(&mut terminal, resized, &mut memo, |canvas| {
                area = canvas.area();
                draw_app(canvas, &app, view, &settings);
            }) {
                // A terminal that is gone is no failure to report: nobody
                // is left to read it.
                if !crate::term::is_alive() {
                    break Ok(());
                }
                break Err(crate::i18n::tf(
                    "terminal_cannot_draw",
                    &[("why", &e.to_string())],
                ));
            }
            // The panes scroll within the screen last drawn.
            app.area = area;
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
        match app.update(msg, Timestamp::now()) {
            Effect::Nothing => {}
            Effect::Redraw => dirty = true,
            Effect::RefreshNow => refresh_now.notify_one(),
            Effect::ToggleFavorite(place, network) => {
                app.notice =
                    Some(toggle_favorite(settings.favorites.clone(), place, network).await);
                dirty = true;
            }
            Effect::Nearby => match settings.home {
                None => {
                    app.notice = Some(crate::i18n::t("no_home").into());
                    dirty = true;
                }
                Some(home) => {
                    app.notice = Some(crate::i18n::t("nearby_searching").into());
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
            Effect::Show { places, favorites } => {
                let _ = places_tx.send((places, favorites)).await;
                dirty = true;
            }
            Effect::ShowFavorites(list) => {
                let places = list.iter().map(|f| f.query()).collect();
                let _ = places_tx.send((places, list)).await;
                dirty = true;
            }
            Effect::OpenFavorites => {
                match settings
                    .favorites
                    .as_ref()
                    .map(crate::favorites::Store::load)
                {
                    None => app.notice = Some(crate::i18n::t("demo_no_saved_favorites").into()),
                    Some(Ok(favorites)) => {
                        app.open_favorites(favorites.list);
                        if settings.favorites.as_ref().is_some_and(|s| s.in_memory()) {
                            app.notice = Some(crate::i18n::t("demo_changes_not_saved").into());
                        }
                    }
                    Some(Err(e)) => {
                        app.notice = Some(crate::i18n::tf(
                            "favorites_unreadable",
                            &[("why", &e.to_string())],
                        ))
                    }
                }
                dirty = true;
            }
            Effect::SaveFavorite(op) => {
                if let Some(store) = settings.favorites.clone() {
                    let saved =
                        tokio::task::spawn_blocking(move || store.update(|f| op.apply(f))).await;
                    if let Ok(Err(e)) = saved {
                        app.notice = Some(crate::i18n::tf(
                            "favorites_not_saved",
                            &[("why", &e.to_string())],
                        ));
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
        title: &settings.title,
        selected: app.selected,
        help: app.help,
        theme: settings.theme,
        nb: usize::from(settings.poll.nb.get()),
        attribution: &settings.attribution,
        notice: app.notice.as_deref(),
        warning: settings.warning.as_deref(),
        capabilities: app.capabilities_here(),
        back_to: app.back_to(),
    };
    draw_on(canvas, view, &pane);
    if let Some(overlay) = &app.overlay {
        canvas.frame(|frame| overlay.draw(frame, &app.board, &settings.theme));
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

/// Adds or removes a favourite (file IO off the UI thread); says what was done.
pub(super) async fn toggle_favorite(
    store: Option<crate::favorites::Store>,
    place: String,
    network: Option<String>,
) -> String {
    let Some(store) = store else {
        return crate::i18n::t("demo_favorites_not_saved").into();
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
                        });
                    }
                }
                Ok(())
            })
            .map(|_| added)
    })
    .await;
    let unsaved = if in_memory {
        crate::i18n::t("demo_not_saved")
    } else {
        ""
    };
    match result {
        Ok(Ok(true)) => format!(
            "{}{unsaved}",
            crate::i18n::tf("favorite_added", &[("place", &place)])
        ),
        Ok(Ok(false)) => format!(
            "{}{unsaved}",
            crate::i18n::tf("favorite_removed", &[("place", &place)])
        ),
        Ok(Err(e)) => crate::i18n::tf("favorites_not_saved", &[("why", &e.to_string())]),
        Err(e) => crate::i18n::tf("favorites_not_saved", &[("why", &e.to_string())]),
    }
}
