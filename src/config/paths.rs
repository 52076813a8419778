//! Where quai's files are: the settings file and the XDG folders
//! (settings, cache, data), each `quai` within its base.

use std::path::{Path, PathBuf};

use super::ConfigError;

/// `$XDG_CONFIG_HOME/quai`, else `~/.config/quai`.
fn config_dir() -> Result<PathBuf, ConfigError> {
    xdg_dir("XDG_CONFIG_HOME", ".config")
}

/// `$XDG_CACHE_HOME/quai`, else `~/.cache/quai`.
pub(crate) fn cache_dir() -> Result<PathBuf, ConfigError> {
    xdg_dir("XDG_CACHE_HOME", ".cache")
}

/// `$XDG_DATA_HOME/quai`, else `~/.local/share/quai`: the timetables.
pub(crate) fn data_dir() -> Result<PathBuf, ConfigError> {
    xdg_dir("XDG_DATA_HOME", ".local/share")
}

fn xdg_dir(var: &str, fallback: &str) -> Result<PathBuf, ConfigError> {
    if let Some(dir) = std::env::var_os(var).filter(|d| Path::new(d).is_absolute()) {
        return Ok(PathBuf::from(dir).join("quai"));
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .ok_or(ConfigError::NoHome)?;
    Ok(PathBuf::from(home).join(fallback).join("quai"))
}

/// The settings file: the one given, or the default place.
pub(crate) fn settings_path(given: Option<&Path>) -> Result<PathBuf, ConfigError> {
    match given {
        Some(path) => Ok(path.to_path_buf()),
        None => Ok(config_dir()?.join("config.toml")),
    }
}
