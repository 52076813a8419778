//! The kiosk as a mode of the app: the same messages and `update`, its own
//! state (the files read, quiet hours, the pages) and its own view
//! ([`crate::ui::kiosk`]). Only the quit key and Ctrl-C twice within 2 s
//! are read from the keyboard; quiet hours stop the pollers; SIGHUP reads
//! the files again; a terminal that is gone ends it. What happens is written to the journal.

use jiff::Timestamp;
use ratatui::crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};

use super::{App, Effect, Msg};
use crate::kiosk::{KioskOptions, Loaded, is_quiet, should_poll};
use crate::model::Board;

/// The kiosk's own state.
pub struct KioskMode {
    pub options: KioskOptions,
    pub loaded: Loaded,
    /// The network's name and credit, worked out once per load.
    pub title: String,
    pub attribution: String,
    /// When the pages started turning (at start and after each reload).
    pub pages_since_s: i64,
    /// Whether the pollers run (outside quiet hours, with something to ask).
    pub polling: bool,
    /// In quiet hours at the last tick.
    pub quiet: bool,
    /// When Ctrl-C was last pressed: pressed again within
    /// [`CTRL_C_TWICE`], it stops the kiosk.
    pub ctrl_c_at: Option<Timestamp>,
}

/// Ctrl-C pressed twice within this stops the kiosk: a stray key on an
/// unattended screen does nothing, whoever holds the keyboard can leave.
pub const CTRL_C_TWICE: jiff::SignedDuration = jiff::SignedDuration::from_secs(2);

impl KioskMode {
    /// The clock shown: the network's time, shifted as the options say.
    pub fn shown(&self, now: Timestamp, zones: &crate::domain::Zones) -> jiff::Zoned {
        now.checked_add(self.options.clock_shift)
            .unwrap_or(now)
            .to_zoned(zones.shown().clone())
    }

    fn titles(&mut self) {
        (self.title, self.attribution) = match &self.loaded.source {
            Some(source) => (
                format!("quai · {}", source.name()),
                source.attribution().to_string(),
            ),
            None => (self.options.title.clone(), self.options.attribution.clone()),
        };
    }
}

impl App {
    /// A kiosk on what was read from its files at `now`.
    pub fn kiosk(options: KioskOptions, loaded: Loaded, now: Timestamp) -> App {
        let started = format!(
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
        );
        let mut kiosk = KioskMode {
            options,
            loaded,
            title: String::new(),
            attribution: String::new(),
            pages_since_s: 0,
            polling: false,
            quiet: false,
            ctrl_c_at: None,
        };
        kiosk.pages_since_s = kiosk
            .shown(now, &crate::domain::Zones::default())
            .timestamp()
            .as_second();
        kiosk.titles();
        let mut app = App::new();
        app.now = now;
        app.clock_shift = kiosk.options.clock_shift;
        app.kiosk = Some(kiosk);
        app.journal.push(started);
        app.journal
            .push("to stop it from the keyboard: Ctrl-C twice within 2 s".into());
        app
    }

    /// The kiosk's update: only its quit key, signals, the pollers'
    /// updates, the clock and reloads.
    pub(super) fn kiosk_handle(&mut self, msg: Msg) -> Effect {
        let Some(kiosk) = self.kiosk.as_mut() else {
            return Effect::Nothing;
        };
        match msg {
            Msg::Tick => self.kiosk_poll(false),
            Msg::Resize => Effect::Redraw,
            Msg::Update(update) => {
                let effect = self.shown_when(&update, false);
                crate::poller::apply(self.board_mut(), update);
                effect
            }
            Msg::Key(key) if key.kind == KeyEventKind::Release => Effect::Nothing,
            Msg::Key(key)
                if key.code == KeyCode::Char('c')
                    && key.modifiers.contains(KeyModifiers::CONTROL) =>
            {
                let now = self.now;
                let twice = kiosk
                    .ctrl_c_at
                    .is_some_and(|at| now.duration_since(at) <= CTRL_C_TWICE);
                if twice {
                    self.journal.push("Ctrl-C pressed twice".into());
                    Effect::Quit
                } else {
                    kiosk.ctrl_c_at = Some(now);
                    self.journal
                        .push("Ctrl-C pressed: once more within 2 s stops the kiosk".into());
                    Effect::Nothing
                }
            }
            Msg::Key(key) => {
                let quit_key = kiosk.options.quit_key.or(kiosk.loaded.quit_key);
                if quit_key.is_some_and(|q| q.0 == key.code) {
                    self.journal.push("quit key pressed".into());
                    Effect::Quit
                } else {
                    Effect::Nothing
                }
            }
            Msg::Stop => {
                self.journal.push("stopped by a signal".into());
                Effect::Quit
            }
            // The hang-up of a terminal that went away, not a reload; or
            // the end of input because the terminal is gone.
            Msg::Hangup {
                terminal_alive: false,
            }
            | Msg::InputEnded {
                terminal_alive: false,
            } => {
                self.journal.push("the terminal is gone".into());
                Effect::Quit
            }
            Msg::InputEnded {
                terminal_alive: true,
            } => {
                self.journal.push("no keyboard input".into());
                Effect::Nothing
            }
            Msg::Hangup {
                terminal_alive: true,
            } => Effect::Reload,
            Msg::Reloaded(new) => {
                let previous = std::mem::take(&mut kiosk.loaded);
                kiosk.loaded = Loaded::reloaded(previous, *new);
                kiosk.pages_since_s = kiosk
                    .shown(self.now, &self.board.zones)
                    .timestamp()
                    .as_second();
                kiosk.titles();
                // The network read again may show another zone: the view
                // is built anew.
                self.board_changed = true;
                self.journal.push(format!(
                    "reloaded: {} favourite(s){}",
                    kiosk.loaded.favorites.len(),
                    kiosk
                        .loaded
                        .warning
                        .as_deref()
                        .map(|w| format!(" — {w}"))
                        .unwrap_or_default()
                ));
                // The pollers start again with the new places and key; the
                // last data stays on screen until the new arrives.
                kiosk.polling = false;
                self.kiosk_poll(true)
            }
            Msg::Quit => Effect::Quit,
            // Nothing else is asked by a kiosk.
            Msg::Nearby { .. }
            | Msg::Fares { .. }
            | Msg::Vehicle { .. }
            | Msg::Calls { .. }
            | Msg::Forecast { .. }
            | Msg::FavoritesRead { .. }
            | Msg::FavoritesSaved(_)
            | Msg::FavoriteToggled(_) => Effect::Nothing,
        }
    }

    /// Starts or stops the pollers as quiet hours and the files say;
    /// `repaint` after a reload.
    fn kiosk_poll(&mut self, repaint: bool) -> Effect {
        let Some(kiosk) = self.kiosk.as_mut() else {
            return Effect::Nothing;
        };
        let quiet = is_quiet(
            kiosk.loaded.quiet_hours,
            &kiosk.shown(self.now, &self.board.zones),
        );
        kiosk.quiet = quiet;
        let run = should_poll(&kiosk.loaded, quiet);
        if run == kiosk.polling && !repaint {
            return Effect::Redraw;
        }
        if !run && kiosk.polling {
            // No request in quiet hours: the board is emptied.
            self.board = Board {
                zones: std::mem::take(&mut self.board.zones),
                ..Board::default()
            };
            self.board_changed = true;
        }
        kiosk.polling = run;
        Effect::Pollers { run, repaint }
    }

    /// The kiosk's places and how to poll them, while it polls.
    pub fn kiosk_polling(&self) -> Option<(crate::network::Source, crate::poller::PollSettings)> {
        let kiosk = self.kiosk.as_ref().filter(|k| k.polling)?;
        let source = kiosk.loaded.source.clone()?;
        Some((
            source,
            crate::poller::PollSettings {
                places: kiosk.loaded.favorites.iter().map(|f| f.query()).collect(),
                nb: kiosk.options.nb,
                refresh: kiosk.options.refresh,
                favorites: kiosk.loaded.favorites.clone(),
                walk: None,
                to: None,
                chosen: None,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{QuietHours, QuitKey};
    use crate::favorites::Favorite;
    use crate::ui::kiosk::LargeDigits;
    use crate::ui::theme::{Palette, Theme};
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use std::time::Duration;

    fn options() -> KioskOptions {
        KioskOptions {
            nb: crate::network::PerRow::DEFAULT,
            refresh: Duration::from_secs(10),
            page_seconds: 10,
            large: LargeDigits::Never,
            quit_key: None,
            theme: Theme::new(Palette::TrueColor),
            title: "quai".into(),
            attribution: String::new(),
            clock_shift: jiff::SignedDuration::ZERO,
            reload_hint: "kill -HUP 1".into(),
        }
    }

    fn loaded(quiet_hours: Option<QuietHours>) -> Loaded {
        Loaded {
            source: Some(std::sync::Arc::new(
                crate::network::scripted::Scripted::new("test", "Test"),
            )),
            favorites: vec![Favorite {
                place: "Chamars".into(),
                network: None,
                label: None,
                lines: vec![],
                walk: None,
                to: None,
            }],
            quiet_hours,
            quit_key: Some(QuitKey(KeyCode::F(10))),
            ..Loaded::default()
        }
    }

    fn at(h: i8, m: i8) -> Timestamp {
        jiff::civil::date(2026, 11, 23)
            .at(h, m, 0, 0)
            .to_zoned(crate::domain::default_zone())
            .unwrap()
            .timestamp()
    }

    #[test]
    fn the_pollers_stop_in_quiet_hours_and_start_again_after() {
        let night = QuietHours::parse("01:00-05:00").ok();
        let mut app = App::kiosk(options(), loaded(night), at(0, 59));
        assert_eq!(
            app.journal,
            [
                "started with 1 favourite(s), quiet hours 01:00-05:00",
                "to stop it from the keyboard: Ctrl-C twice within 2 s"
            ]
        );
        assert_eq!(
            app.update(Msg::Tick, at(0, 59)),
            Effect::Pollers {
                run: true,
                repaint: false
            }
        );
        assert!(app.kiosk_polling().is_some());
        assert_eq!(app.update(Msg::Tick, at(0, 59)), Effect::Redraw);
        assert_eq!(
            app.update(Msg::Tick, at(1, 0)),
            Effect::Pollers {
                run: false,
                repaint: false
            }
        );
        assert!(app.kiosk.as_ref().unwrap().quiet);
        assert!(app.kiosk_polling().is_none());
        assert_eq!(
            app.update(Msg::Tick, at(5, 0)),
            Effect::Pollers {
                run: true,
                repaint: false
            }
        );
    }

    /// Ctrl-C once does nothing (a stray key); twice within 2 s stops
    /// the kiosk; twice further apart does not.
    #[test]
    fn ctrl_c_twice_within_two_seconds_stops_the_kiosk() {
        let ctrl_c = || {
            Msg::Key(KeyEvent::new(
                KeyCode::Char('c'),
                ratatui::crossterm::event::KeyModifiers::CONTROL,
            ))
        };
        let mut app = App::kiosk(options(), loaded(None), at(8, 0));
        let t = at(8, 0);
        let later = |s| t + jiff::SignedDuration::from_secs(s);
        for code in [KeyCode::Char('q'), KeyCode::Esc, KeyCode::Char('d')] {
            assert_eq!(
                app.update(Msg::Key(KeyEvent::from(code)), t),
                Effect::Nothing
            );
        }
        assert_eq!(app.update(ctrl_c(), t), Effect::Nothing);
        assert_eq!(app.update(ctrl_c(), later(3)), Effect::Nothing, "too late");
        assert_eq!(
            app.update(Msg::Key(KeyEvent::from(KeyCode::Char('c'))), later(4)),
            Effect::Nothing
        );
        assert_eq!(app.update(ctrl_c(), later(5)), Effect::Quit);
        assert_eq!(
            app.journal.last().map(String::as_str),
            Some("Ctrl-C pressed twice")
        );
    }

    #[test]
    fn only_the_quit_key_and_a_signal_end_it_and_sighup_reloads() {
        let mut app = App::kiosk(options(), loaded(None), at(8, 0));
        app.journal.clear();
        for code in [KeyCode::Char('q'), KeyCode::Esc, KeyCode::Enter] {
            assert_eq!(
                app.update(Msg::Key(KeyEvent::from(code)), at(8, 0)),
                Effect::Nothing
            );
        }
        assert_eq!(
            app.update(
                Msg::InputEnded {
                    terminal_alive: true
                },
                at(8, 0)
            ),
            Effect::Nothing
        );
        assert_eq!(
            app.update(
                Msg::Hangup {
                    terminal_alive: true
                },
                at(8, 0)
            ),
            Effect::Reload
        );
        let broken = Loaded {
            problem: Some("config.toml, line 2: invalid".into()),
            settings_unreadable: true,
            ..Loaded::default()
        };
        assert_eq!(
            app.update(Msg::Reloaded(Box::new(broken)), at(8, 1)),
            Effect::Pollers {
                run: true,
                repaint: true
            },
            "the previous settings kept, the pollers started again"
        );
        let kiosk = app.kiosk.as_ref().unwrap();
        assert!(kiosk.loaded.warning.as_deref().unwrap().contains("line 2"));
        assert_eq!(kiosk.pages_since_s, at(8, 1).as_second());
        assert_eq!(
            app.update(Msg::Key(KeyEvent::from(KeyCode::F(10))), at(8, 2)),
            Effect::Quit
        );
        assert_eq!(
            app.update(
                Msg::Hangup {
                    terminal_alive: false
                },
                at(8, 2)
            ),
            Effect::Quit
        );
        assert_eq!(app.update(Msg::Stop, at(8, 2)), Effect::Quit);
        assert_eq!(app.journal[0], "no keyboard input", "{:?}", app.journal);
        assert!(app.journal[1].starts_with("reloaded: 1 favourite(s) — "));
        assert_eq!(
            app.journal[2..],
            [
                "quit key pressed",
                "the terminal is gone",
                "stopped by a signal"
            ]
        );
    }
}
