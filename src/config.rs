//! The settings file, its place (XDG), and where the API key comes from.
//!
//! ```toml
//! # ~/.config/quai/config.toml
//! api_key = "…"              # or:
//! api_key_file = "ginko.key" # relative to this file's folder
//! api_url = "https://api.ginko.voyage"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::ginko::ApiKey;

/// The environment variable holding the key.
pub const KEY_ENV: &str = "GINKO_API_KEY";

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub api_key: Option<String>,
    pub api_key_file: Option<PathBuf>,
    pub api_url: Option<String>,
    /// Home position "LAT,LON": `n` in the board shows the stops near it.
    pub home: Option<String>,
}

/// Parses "LAT,LON" (decimal degrees).
pub fn parse_position(text: &str) -> Result<crate::domain::Position, String> {
    let bad = || format!("{text:?} is not a position LAT,LON (e.g. 47.2378,6.0241)");
    let (lat, lon) = text.split_once(',').ok_or_else(bad)?;
    let (lat, lon): (f64, f64) = (
        lat.trim().parse().map_err(|_| bad())?,
        lon.trim().parse().map_err(|_| bad())?,
    );
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(bad());
    }
    Ok(crate::domain::Position { lat, lon })
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid settings: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("cannot read the key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the key file {path} is empty")]
    EmptyKeyFile { path: PathBuf },
    #[error("no home folder: set HOME, XDG_CONFIG_HOME or --config")]
    NoHome,
}

/// `$XDG_CONFIG_HOME/quai`, else `~/.config/quai`.
pub fn config_dir() -> Result<PathBuf, ConfigError> {
    xdg_dir("XDG_CONFIG_HOME", ".config")
}

/// `$XDG_CACHE_HOME/quai`, else `~/.cache/quai`.
pub fn cache_dir() -> Result<PathBuf, ConfigError> {
    xdg_dir("XDG_CACHE_HOME", ".cache")
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
pub fn settings_path(given: Option<&Path>) -> Result<PathBuf, ConfigError> {
    match given {
        Some(path) => Ok(path.to_path_buf()),
        None => Ok(config_dir()?.join("config.toml")),
    }
}

impl Settings {
    /// Reads the settings; a file that does not exist gives the defaults.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Settings::parse(&text).map_err(|message| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses settings text; the error names the line, column and key.
    pub fn parse(text: &str) -> Result<Settings, String> {
        toml::from_str(text).map_err(|e| {
            let mut message = e.message().to_string();
            if let Some(span) = e.span() {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                message = format!("line {line}, column {column}: {message}");
            }
            message
        })
    }

    /// The key: `GINKO_API_KEY`, else `api_key`, else the content of
    /// `api_key_file` (relative to the settings file's folder).
    pub fn api_key(
        &self,
        env_key: Option<String>,
        settings_path: &Path,
    ) -> Result<Option<ApiKey>, ConfigError> {
        if let Some(key) = env_key.and_then(ApiKey::new) {
            return Ok(Some(key));
        }
        if let Some(key) = self.api_key.clone().and_then(ApiKey::new) {
            return Ok(Some(key));
        }
        let Some(file) = &self.api_key_file else {
            return Ok(None);
        };
        let path = match settings_path.parent() {
            Some(dir) if file.is_relative() => dir.join(file),
            _ => file.clone(),
        };
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::KeyFile {
            path: path.clone(),
            source,
        })?;
        warn_if_readable_by_others(&path);
        ApiKey::new(text)
            .map(Some)
            .ok_or(ConfigError::EmptyKeyFile { path })
    }
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        eprintln!(
            "quai: warning: the key file {} can be read by other users (chmod 600 it)",
            path.display()
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let p = parse_position(" 47.2378 , 6.0241").unwrap();
        assert_eq!((p.lat, p.lon), (47.2378, 6.0241));
        for bad in ["", "47.2", "north,pole", "91,0", "47,200"] {
            assert!(parse_position(bad).is_err(), "{bad}");
        }
        let s = Settings::parse("home = \"47.2378,6.0241\"\n").unwrap();
        assert_eq!(s.home.as_deref(), Some("47.2378,6.0241"));
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let err = Settings::parse("api_url = \"https://x\"\napi_kye = \"k\"\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("api_kye"), "{err}");
        let err = Settings::parse("api_key = \n").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn key_sources_in_order() {
        let dir = std::env::temp_dir().join(format!("quai-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let settings_file = dir.join("config.toml");
        std::fs::write(dir.join("k.txt"), "  from-file\n").unwrap();
        let s = Settings {
            api_key_file: Some("k.txt".into()),
            ..Default::default()
        };
        let key = s.api_key(None, &settings_file).unwrap().unwrap();
        assert_eq!(key.expose(), "from-file");
        let key = s
            .api_key(Some("from-env".into()), &settings_file)
            .unwrap()
            .unwrap();
        assert_eq!(key.expose(), "from-env");
        let s = Settings {
            api_key: Some("inline".into()),
            ..s
        };
        assert_eq!(
            s.api_key(Some(" ".into()), &settings_file)
                .unwrap()
                .unwrap()
                .expose(),
            "inline"
        );
        let missing = Settings {
            api_key_file: Some("nope.txt".into()),
            ..Default::default()
        };
        assert!(matches!(
            missing.api_key(None, &settings_file),
            Err(ConfigError::KeyFile { .. })
        ));
        assert_eq!(
            Settings::default().api_key(None, &settings_file).unwrap(),
            None
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
