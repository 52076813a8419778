//! The commands behind the command line, one module per command. Each
//! returns a message for stderr on failure; `main` turns it into a non-zero
//! exit. They share one [`Context`], which reads the settings once.

mod api;
mod board;
mod fav;
mod info;
mod kiosk;
mod serve_demo;
mod stops;

use std::cell::OnceCell;
use std::io::Write;
use std::path::PathBuf;

pub use api::{api, key_trial};
pub use board::{board, demo, favourites_board, no_command};
pub use fav::fav;
pub use info::{info, tarifs};
pub use kiosk::kiosk;
pub use serve_demo::serve_demo;
pub use stops::stops;

use crate::cache::Cache;
use crate::cli::Cli;
use crate::config::{self, Settings};
use crate::favorites::Store;
use crate::network::{Source, registry};

pub type CommandResult = Result<(), String>;

/// What every command may need: the command line, and the settings file,
/// read at most once.
pub struct Context<'a> {
    pub cli: &'a Cli,
    settings: OnceCell<Result<(PathBuf, Settings), String>>,
}

impl<'a> Context<'a> {
    pub fn new(cli: &'a Cli) -> Context<'a> {
        Context {
            cli,
            settings: OnceCell::new(),
        }
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
                let path = self.settings_path()?;
                let settings = Settings::load(&path).map_err(|e| e.to_string())?;
                Ok((path, settings))
            })
            .as_ref()
            .map_err(String::clone)
    }

    /// The network of the settings, with the user's cache.
    pub fn source(&self) -> Result<Source, String> {
        let (path, settings) = self.settings()?;
        registry::from_settings(settings, path, self.cli.api_url.as_deref(), &user_cache())
    }

    /// Where the favourites live: beside the settings.
    pub fn favorites_store(&self) -> Result<Store, String> {
        Ok(Store::beside(&self.settings_path()?))
    }

    /// The home position of the settings, if set (a bad one is an error
    /// of the settings).
    pub fn home(&self) -> Option<crate::domain::Position> {
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
        Err(e) => Err(format!("cannot write the output: {e}")),
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
