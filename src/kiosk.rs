//! `quai kiosk`: the favourites full screen for an unattended screen. It
//! never leaves on its own: every failure becomes a screen, and it keeps
//! trying. SIGHUP reads the settings and favourites again; SIGTERM and
//! SIGINT leave with the terminal restored; only the configured key (none by
//! default) quits from the keyboard. A terminal that is gone (its window
//! closed, its connection ended: the hang-up's SIGHUP, the end of input, a
//! failed frame) ends it too: nobody is left to see it. In quiet hours the
//! pollers are stopped, so no request is sent.
//!
//! The kiosk is a mode of the app ([`crate::app::KioskMode`]): the same
//! loop, messages and update as the live board, drawn by
//! [`crate::ui::kiosk`]. This module holds what it reads from its files
//! and its journal.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use jiff::SignedDuration;

use crate::config::{QuietHours, QuietScreen, QuitKey};
use crate::favorites::Favorite;
use crate::network::{PerRow, Source};
use crate::ui::kiosk::{LargeDigits, Screen};
use crate::ui::theme::Theme;

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

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("source", &self.source.as_ref().map(|s| s.id().to_string()))
            .field("favorites", &self.favorites.len())
            .field("warning", &self.warning)
            .field("problem", &self.problem)
            .field("settings_unreadable", &self.settings_unreadable)
            .finish_non_exhaustive()
    }
}

/// Reads the files again; called at start and on every SIGHUP, off the
/// loop.
pub type Loader = Arc<dyn Fn() -> Loaded + Send + Sync>;

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
pub(crate) fn log(line: &str) {
    let mut err = std::io::stderr();
    if !err.is_terminal() {
        let _ = writeln!(err, "quai kiosk: {line}");
    }
}

/// The journal's line for a screen, saying what it shows (`quiet`: what
/// quiet hours show).
pub(crate) fn screen_name(screen: Screen, quiet: Option<QuietScreen>) -> &'static str {
    match screen {
        Screen::Quiet if quiet == Some(QuietScreen::Clock) => {
            "quiet hours: no requests, clock shown"
        }
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
pub(crate) fn keep_console_awake() {
    if std::env::var("TERM").is_ok_and(|t| t == "linux" || t.starts_with("linux-")) {
        let mut out = std::io::stdout();
        let _ = out.write_all(b"\x1b[9;0]\x1b[14;0]");
        let _ = out.flush();
    }
}

/// Runs the kiosk until a signal or the quit key.
pub async fn run(options: KioskOptions, load: Loader) -> Result<(), String> {
    crate::app::run_kiosk(options, load).await
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
                to: None,
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
