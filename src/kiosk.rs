//! `quai kiosk`: the favourites full screen for an unattended screen. It
//! never leaves on its own: every failure becomes a screen, and it keeps
//! trying. SIGHUP reads the settings and favourites again; SIGTERM and
//! SIGINT leave with the terminal restored; only the configured key (none by
//! default) quits from the keyboard. A terminal that is gone (its window
//! closed, its connection ended: the hang-up's SIGHUP, the end of input, a
//! failed frame) ends it too: nobody is left to see it. In quiet hours the
//! pollers are stopped, so no request is sent.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use ratatui::crossterm::event::{Event, KeyEvent, KeyEventKind};
use tokio::sync::{Notify, mpsc};

use crate::config::{QuietHours, QuietScreen, QuitKey};
use crate::favorites::Favorite;
use crate::model::Board;
use crate::network::{PerRow, Source};
use crate::poller::{self, PollSettings, Poller, Update};
use crate::term::{self, Signal};
use crate::ui::kiosk::{KioskPane, LargeDigits, Screen};
use crate::ui::memo::LineMemo;
use crate::ui::paint::Painter;
use crate::ui::theme::Theme;
use crate::ui::view::{self, BoardView};

/// How the kiosk runs (from the command line; fixed until it ends).
pub struct KioskOptions {
    pub nb: PerRow,
    pub refresh: Duration,
    pub page_seconds: u64,
    pub large: LargeDigits,
    /// Overrides the settings' `kiosk_quit_key`.
    pub quit_key: Option<QuitKey>,
    pub theme: Theme,
    /// The title and attribution while no network is configured (the
    /// network's own are shown when there is one).
    pub title: String,
    pub attribution: String,
    /// Added to the clock (the demo's clock may be shifted).
    pub clock_shift: SignedDuration,
    /// How to reload, for the help screens.
    pub reload_hint: String,
}

/// What the kiosk reads from its files, at start and on SIGHUP.
#[derive(Clone, Default)]
pub struct Loaded {
    /// `None` when the settings do not allow any request (see `problem`).
    pub source: Option<Source>,
    pub favorites: Vec<Favorite>,
    pub quiet_hours: Option<QuietHours>,
    pub quiet_screen: QuietScreen,
    pub quit_key: Option<QuitKey>,
    /// Shown above the board (favourites partly unreadable…).
    pub warning: Option<String>,
    /// Why nothing can be shown.
    pub problem: Option<String>,
    /// The settings file could not be read: on a reload, the previous
    /// settings are better than none.
    pub settings_unreadable: bool,
    pub favorites_path: String,
}

impl Loaded {
    /// The result of a reload: the new files, or, when the new settings
    /// cannot be read, the previous settings with a warning saying why.
    pub fn reloaded(previous: Loaded, new: Loaded) -> Loaded {
        if new.settings_unreadable && previous.source.is_some() {
            Loaded {
                warning: Some(crate::i18n::tf(
                    "previous_settings_kept",
                    &[("why", &new.problem.clone().unwrap_or_default())],
                )),
                ..previous
            }
        } else {
            new
        }
    }
}

/// Reads the files again; called at start and on every SIGHUP.
pub type Loader = Box<dyn Fn() -> Loaded + Send>;

#[derive(Debug)]
enum Msg {
    Key(KeyEvent),
    Redraw,
    /// The terminal's size may have changed.
    Resize,
    Signal(Signal),
    /// No more input: no keyboard, or the terminal is gone.
    InputEnded,
}

/// The pollers while they run, with the end of their channel.
struct Running {
    _poller: Poller,
    updates: mpsc::Receiver<Update>,
    _places: mpsc::Sender<(Vec<String>, Vec<Favorite>)>,
}

fn start(loaded: &Loaded, source: Source, options: &KioskOptions) -> Running {
    let (updates_tx, updates) = mpsc::channel(16);
    let (places, places_rx) = mpsc::channel(1);
    let poller = poller::spawn(
        source,
        PollSettings {
            places: loaded.favorites.iter().map(|f| f.query()).collect(),
            nb: options.nb,
            refresh: options.refresh,
            favorites: loaded.favorites.clone(),
            walk: None,
        },
        updates_tx,
        Arc::new(Notify::new()),
        places_rx,
    );
    Running {
        _poller: poller,
        updates,
        _places: places,
    }
}

/// Whether the kiosk is in its quiet hours at `now` (network time).
pub fn is_quiet(quiet_hours: Option<QuietHours>, now: &jiff::Zoned) -> bool {
    quiet_hours.is_some_and(|q| q.contains(now.time()))
}

/// Whether requests should be sent: outside quiet hours, with a client
/// and something to show.
pub fn should_poll(loaded: &Loaded, quiet: bool) -> bool {
    !quiet && loaded.source.is_some() && loaded.problem.is_none() && !loaded.favorites.is_empty()
}

/// "lundi 23 novembre"
pub fn date_text(date: jiff::civil::Date) -> String {
    // The catalog's names: "lundi … dimanche", "janvier … décembre".
    let days = crate::i18n::t("weekdays");
    let months = crate::i18n::t("months");
    let day = days
        .split(' ')
        .nth(usize::from(date.weekday().to_monday_zero_offset().unsigned_abs()) % 7)
        .unwrap_or("");
    let month = months
        .split(' ')
        .nth((usize::from(date.month().unsigned_abs()) + 11) % 12)
        .unwrap_or("");
    crate::i18n::tf(
        "date",
        &[
            ("weekday", day),
            ("day", &date.day().to_string()),
            ("month", month),
        ],
    )
}

/// One line to the journal (stderr), only when stderr is not the screen.
fn log(line: &str) {
    let mut err = std::io::stderr();
    if !err.is_terminal() {
        let _ = writeln!(err, "quai kiosk: {line}");
    }
}

fn screen_name(screen: Screen) -> &'static str {
    match screen {
        Screen::Quiet => "quiet hours: no requests, screen off",
        Screen::Problem => "cannot run: see the screen",
        Screen::KeyRefused => "the API key is refused",
        Screen::Waiting => "waiting for the network",
        Screen::Loading => "loading the stops",
        Screen::NoFavorites => "no favourites to show",
        Screen::Unavailable => "no data for 10 minutes: service unavailable shown",
        Screen::Board => "showing departures",
    }
}

/// The Linux console blanks itself after 10 minutes without input; a
/// kiosk must not (setterm --blank 0 --powerdown 0).
fn keep_console_awake() {
    if std::env::var("TERM").is_ok_and(|t| t == "linux" || t.starts_with("linux-")) {
        let mut out = std::io::stdout();
        let _ = out.write_all(b"\x1b[9;0]\x1b[14;0]");
        let _ = out.flush();
    }
}

/// The title and attribution: the network's, or the options' without one.
fn titles(loaded: &Loaded, options: &KioskOptions) -> (String, String) {
    match &loaded.source {
        Some(source) => (
            format!("quai · {}", source.name()),
            source.attribution().to_string(),
        ),
        None => (options.title.clone(), options.attribution.clone()),
    }
}

/// Runs the kiosk until a signal or the quit key.
pub async fn run(options: KioskOptions, load: Loader) -> Result<(), String> {
    let (tx, mut rx) = mpsc::channel::<Msg>(64);
    // No keyboard is fine: the end of input ends the kiosk only when the
    // terminal is gone.
    term::spawn_input(
        tx.clone(),
        |event| match event {
            Event::Key(key) => Some(Msg::Key(key)),
            Event::Resize(..) => Some(Msg::Resize),
            _ => None,
        },
        Some(Msg::InputEnded),
    );
    term::spawn_signals(tx.clone(), Msg::Signal);

    let mut terminal = term::init()
        .map_err(|e| crate::i18n::tf("terminal_cannot_open", &[("why", &e.to_string())]))?;
    keep_console_awake();
    let mut loaded = load();
    // The pages turn from the first one at start and after each reload.
    let clock_s = || {
        Timestamp::now()
            .checked_add(options.clock_shift)
            .unwrap_or_else(|_| Timestamp::now())
            .as_second()
    };
    let mut pages_since_s = clock_s();
    // The network's name and credit, worked out once per load.
    let (mut title, mut attribution) = titles(&loaded, &options);
    log(&format!(
        "started with {} favourite(s){}",
        loaded.favorites.len(),
        loaded
            .quiet_hours
            .map(|q| format!(
                ", quiet hours {:02}:{:02}-{:02}:{:02}",
                q.start / 60,
                q.start % 60,
                q.end / 60,
                q.end % 60
            ))
            .unwrap_or_default()
    ));
    let mut running: Option<Running> = None;
    let mut board = Board::default();
    let mut tick = crate::tick::Ticker::new();
    let mut last_screen = None;
    let mut draw_failed = false;
    // Frames are written row by row where they differ from the screen;
    // unchanged lines are copied from the previous frame.
    let mut painter = Painter::default();
    let mut memo = LineMemo::default();
    let mut resized = false;
    // Between two changes of the board the view is only brought to the
    // new second.
    let mut view: Option<BoardView> = None;
    let mut rebuild = true;
    loop {
        let now = Timestamp::now();
        let shown = now
            .checked_add(options.clock_shift)
            .unwrap_or(now)
            .to_zoned(crate::domain::zone());
        let quiet = is_quiet(loaded.quiet_hours, &shown);
        match (should_poll(&loaded, quiet), running.is_some()) {
            (true, false) => {
                if let Some(source) = loaded.source.clone() {
                    running = Some(start(&loaded, source, &options));
                }
            }
            (false, true) => {
                // Dropping the pollers aborts them: nothing more is sent.
                running = None;
                board = Board::default();
                rebuild = true;
            }
            _ => {}
        }

        let view = match view.as_mut() {
            Some(view) if !rebuild => {
                view::advance_shifted(view, &board, now, options.clock_shift);
                view
            }
            _ => view.insert(view::build_shifted(&board, now, options.clock_shift)),
        };
        rebuild = false;
        let date = date_text(shown.date());
        let pane = KioskPane {
            title: &title,
            theme: options.theme,
            nb: usize::from(options.nb.get()),
            attribution: &attribution,
            warning: loaded.warning.as_deref(),
            problem: loaded.problem.as_deref(),
            no_favorites: loaded.favorites.is_empty(),
            favorites_path: &loaded.favorites_path,
            reload_hint: &options.reload_hint,
            page_seconds: options.page_seconds,
            large: options.large,
            quiet: quiet.then_some(loaded.quiet_screen),
            now_s: shown.timestamp().as_second(),
            pages_since_s,
            date: &date,
        };
        let screen = crate::ui::kiosk::screen(view, &pane);
        if last_screen != Some(screen) {
            let reason = match (&view.error_reason, screen) {
                (Some(r), Screen::Waiting | Screen::Unavailable | Screen::Board) if view.stale => {
                    format!(" ({r})")
                }
                _ => String::new(),
            };
            log(&format!("{}{reason}", screen_name(screen)));
            last_screen = Some(screen);
        }
        let drawn = painter.paint_lines(&mut terminal, resized, &mut memo, |canvas| {
            crate::ui::kiosk::draw_on(canvas, view, &pane)
        });
        resized = false;
        match drawn {
            Ok(()) => draw_failed = false,
            Err(_) if !term::is_alive() => {
                log("the terminal is gone");
                break;
            }
            Err(e) if !draw_failed => {
                // The screen may come back (a console switched away).
                log(&format!("cannot draw: {e}"));
                draw_failed = true;
            }
            Err(_) => {}
        }

        let msg = tokio::select! {
            Some(msg) = rx.recv() => msg,
            Some(update) = async {
                match running.as_mut() {
                    Some(r) => r.updates.recv().await,
                    None => std::future::pending().await,
                }
            } => {
                poller::apply(&mut board, update);
                rebuild = true;
                Msg::Redraw
            }
            _ = tick.tick() => Msg::Redraw,
        };
        match msg {
            Msg::Redraw => {}
            Msg::Resize | Msg::Signal(Signal::Resize) => resized = true,
            Msg::InputEnded if !term::is_alive() => {
                log("the terminal is gone");
                break;
            }
            Msg::InputEnded => log("no keyboard input"),
            Msg::Key(key) => {
                let quit_key = options.quit_key.or(loaded.quit_key);
                if key.kind != KeyEventKind::Release && quit_key.is_some_and(|q| q.0 == key.code) {
                    log("quit key pressed");
                    break;
                }
            }
            Msg::Signal(Signal::Stop) => {
                log("stopped by a signal");
                break;
            }
            Msg::Signal(Signal::Hangup) if !term::is_alive() => {
                // The hang-up of a terminal that went away, not a reload.
                log("the terminal is gone");
                break;
            }
            Msg::Signal(Signal::Hangup) => {
                loaded = Loaded::reloaded(loaded, load());
                pages_since_s = clock_s();
                (title, attribution) = titles(&loaded, &options);
                // The pollers start again with the new places and key; the
                // last data stays on screen until the new arrives.
                running = None;
                log(&format!(
                    "reloaded: {} favourite(s){}",
                    loaded.favorites.len(),
                    loaded
                        .warning
                        .as_deref()
                        .map(|w| format!(" — {w}"))
                        .unwrap_or_default()
                ));
                let _ = painter.clear(&mut terminal);
            }
        }
    }
    drop(running);
    term::restore();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A network that is never called.
    fn client() -> Source {
        std::sync::Arc::new(crate::network::scripted::Scripted::new("test", "Test"))
    }

    #[test]
    fn quiet_hours_stop_the_requests() {
        let night = QuietHours::parse("01:00-05:00").ok();
        let at = |h, m| {
            jiff::civil::date(2026, 11, 23)
                .at(h, m, 0, 0)
                .in_tz("Europe/Paris")
                .unwrap()
        };
        assert!(is_quiet(night, &at(3, 0)));
        assert!(!is_quiet(night, &at(5, 0)));
        assert!(!is_quiet(None, &at(3, 0)));

        let client = client();
        let loaded = Loaded {
            source: Some(client),
            favorites: vec![Favorite {
                place: "Chamars".into(),
                network: None,
                label: None,
                lines: vec![],
                walk: None,
            }],
            quiet_hours: night,
            ..Loaded::default()
        };
        assert!(should_poll(&loaded, false));
        assert!(!should_poll(&loaded, true), "quiet: no request");
        let nothing = Loaded {
            favorites: vec![],
            ..loaded.clone()
        };
        assert!(!should_poll(&nothing, false), "no favourite: no request");
        let broken = Loaded {
            problem: Some("x".into()),
            ..loaded
        };
        assert!(!should_poll(&broken, false));
    }

    #[test]
    fn a_reload_with_broken_settings_keeps_the_previous_ones() {
        let client = client();
        let previous = Loaded {
            source: Some(client),
            favorites_path: "old".into(),
            ..Loaded::default()
        };
        let broken = Loaded {
            problem: Some("config.toml, line 2: invalid".into()),
            settings_unreadable: true,
            ..Loaded::default()
        };
        let kept = Loaded::reloaded(previous.clone(), broken);
        assert!(kept.source.is_some());
        assert_eq!(kept.favorites_path, "old");
        assert!(kept.warning.unwrap().contains("line 2"));
        let fine = Loaded {
            favorites_path: "new".into(),
            ..Loaded::default()
        };
        assert_eq!(Loaded::reloaded(previous, fine).favorites_path, "new");
    }

    #[test]
    fn dates_in_french() {
        assert_eq!(
            date_text(jiff::civil::date(2026, 11, 23)),
            "lundi 23 novembre"
        );
        assert_eq!(
            date_text(jiff::civil::date(2026, 8, 16)),
            "dimanche 16 août"
        );
    }
}
