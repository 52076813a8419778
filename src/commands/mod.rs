//! The commands behind the command line, one module per command. Each
//! returns a message for stderr on failure; `main` turns it into a non-zero
//! exit. They share one [`Context`], which reads the settings once.

mod api;
mod board;
mod docs;
mod fav;
mod info;
mod kiosk;
mod networks;
mod publish;
mod serve_demo;
mod stops;
mod timetable;

use std::cell::OnceCell;
use std::io::Write;
use std::path::PathBuf;

pub use api::{api, key_trial};
pub use board::{at_zone, board, demo, exit_status, favourites_board, network_zone, no_command};
pub use docs::{completions, man};
pub use fav::fav;
pub use info::{info, quota, tarifs};
pub use kiosk::kiosk;
pub use networks::networks;
pub use publish::publish;
pub use serve_demo::serve_demo;
pub use stops::stops;
pub use timetable::timetable;

use crate::cache::Cache;
use crate::cli::Cli;
use crate::config::{self, Settings};
use crate::favorites::Store;
use crate::network::{Source, registry};

pub type CommandResult = Result<(), String>;

/// What every command may need: the command line, and the settings file,
/// read at most once — or, with `--demo`, the demo network started in the
/// process, default settings and favourites in memory: no file of the
/// user's is read or written.
pub struct Context<'a> {
    pub cli: &'a Cli,
    settings: OnceCell<Result<(PathBuf, Settings), String>>,
    demo: tokio::sync::OnceCell<registry::Demo>,
    demo_favorites: OnceCell<Store>,
}

/// Where `n` looks around in the demo: Besançon's centre.
pub(crate) const DEMO_HOME: crate::domain::Position = crate::domain::Position {
    lat: 47.2368,
    lon: 6.0242,
};

impl<'a> Context<'a> {
    pub fn new(cli: &'a Cli) -> Context<'a> {
        Context {
            cli,
            settings: OnceCell::new(),
            demo: tokio::sync::OnceCell::new(),
            demo_favorites: OnceCell::new(),
        }
    }

    /// Whether the command runs on the demo network (`--demo`).
    pub fn is_demo(&self) -> bool {
        self.cli.demo
    }

    /// The demo network, started on first use with its clock at `at`
    /// (HH:MM) if given; it stops with the context.
    pub async fn demo(&self, at: Option<&str>) -> Result<&registry::Demo, String> {
        self.demo.get_or_try_init(|| registry::demo(at)).await
    }

    /// How far the clock shown is from the real one (the demo's may be set).
    pub fn clock_shift(&self) -> jiff::SignedDuration {
        self.demo
            .get()
            .map_or(jiff::SignedDuration::ZERO, |d| d.clock_shift)
    }

    /// The settings file's path (which need not exist).
    pub fn settings_path(&self) -> Result<PathBuf, String> {
        config::settings_path(self.cli.config.as_deref()).map_err(|e| e.to_string())
    }

    /// The settings and their path; an unreadable file is an error that
    /// names it.
    pub fn settings(&self) -> Result<&(PathBuf, Settings), String> {
        self.settings
            .get_or_init(|| {
                if self.is_demo() {
                    return Ok((PathBuf::from("(démo)"), Settings::default()));
                }
                let path = self.settings_path()?;
                let settings = Settings::load(&path).map_err(|e| e.to_string())?;
                Ok((path, settings))
            })
            .as_ref()
            .map_err(String::clone)
    }

    /// The networks this run knows: the built-in ones and the settings'
    /// `[[network]]`s (or the demo's).
    pub async fn networks(&self) -> Result<registry::Networks, String> {
        if self.is_demo() {
            return Ok(self.demo(None).await?.networks.clone());
        }
        Ok(registry::Networks::of(&self.settings()?.1))
    }

    /// The demo's networks, once the demo has started.
    pub fn started_demo_networks(&self) -> Option<registry::Networks> {
        self.demo.get().map(|d| d.networks.clone())
    }

    /// The network of the settings, with the user's cache (or the demo's).
    pub async fn source(&self) -> Result<Source, String> {
        self.source_or_why().await.map_err(String::from)
    }

    /// [`Context::source`], saying whether no network is configured at all.
    pub async fn source_or_why(&self) -> Result<Source, registry::SetupError> {
        let settings_error = registry::SetupError::Settings;
        if self.is_demo() {
            return Ok(self
                .demo(None)
                .await
                .map_err(settings_error)?
                .source
                .clone());
        }
        let (path, settings) = self.settings().map_err(settings_error)?;
        if let Some(n) = self.cli.network.as_deref() {
            registry::Networks::of(settings)
                .check(n)
                .map_err(settings_error)?;
        }
        registry::from_settings(
            settings,
            path,
            self.cli.api_url.as_deref(),
            &user_cache(),
            self.cli.network.as_deref(),
        )
    }

    /// The compiled timetables alone (`--offline`): the demo's, or those
    /// under `$XDG_DATA_HOME/quai/`, of `--network` only when given.
    pub async fn offline_source(&self) -> Result<Source, String> {
        let network = self.cli.network.as_deref();
        let networks = self.networks().await?;
        if let Some(n) = network {
            networks.check(n)?;
        }
        if self.is_demo() {
            return registry::demo_offline(self.demo(None).await?, network);
        }
        registry::offline(network, &networks)
    }

    /// The network a command about one network is for: `--network`, else
    /// the settings' default, else Ginko.
    pub fn one_network(&self) -> Result<String, String> {
        let settings = &self.settings()?.1;
        if let Some(n) = self.cli.network.as_deref() {
            let networks = self
                .started_demo_networks()
                .unwrap_or_else(|| registry::Networks::of(settings));
            networks.check(n)?;
            return Ok(n.to_string());
        }
        let default = settings.default_network.clone();
        Ok(default.unwrap_or_else(|| registry::default_network().to_string()))
    }

    /// Where the favourites live: beside the settings (in the demo, in
    /// memory for the session, starting with the demo's favourites).
    pub fn favorites_store(&self) -> Result<Store, String> {
        if self.is_demo() {
            let store = self.demo_favorites.get_or_init(|| {
                Store::memory(crate::favorites::Favorites {
                    list: crate::demo::favourite_places()
                        .into_iter()
                        .map(|(network, place)| crate::favorites::Favorite {
                            place: place.into(),
                            network: network.map(str::to_string),
                            label: None,
                            lines: Vec::new(),
                            walk: None,
                            to: None,
                        })
                        .collect(),
                })
            });
            return Ok(store.clone());
        }
        Ok(Store::beside(&self.settings_path()?))
    }

    /// The home position of the settings, if set (a bad one is an error
    /// of the settings).
    pub fn home(&self) -> Option<crate::domain::Position> {
        if self.is_demo() {
            return Some(DEMO_HOME);
        }
        self.settings().ok()?.1.home
    }
}

/// The user's cache folder, or one in memory when there is none.
pub(crate) fn user_cache() -> Cache {
    config::cache_dir()
        .map(Cache::disk)
        .unwrap_or_else(|_| Cache::memory())
}

/// Writes a command's output and a newline. A reader that went away (a
/// closed pipe: `quai info | head`) ends the command quietly, as Unix
/// tools do; any other failure is an error.
pub(crate) fn print(text: &str) -> CommandResult {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{}", text.trim_end()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(crate::i18n::tf(
            "cannot_write_output",
            &[("why", &e.to_string())],
        )),
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn wait_for_shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
