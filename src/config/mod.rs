//! The settings file: its tables and values, read and checked (an error
//! names the file, the line and the key). Where it is, and the other
//! folders quai uses, is [`paths`]'s; where a key comes from (the
//! environment, the settings, a key file) is [`keys`]'s; the values read
//! from text (quiet hours, a quit key, a position) are [`values`]'s;
//! reading a file the user names, bounded, is [`file`]'s.
//!
//! ```toml
//! # ~/.config/quai/config.toml
//! api_key = "…"              # or:
//! api_key_file = "ginko.key" # relative to this file's folder
//! api_url = "https://api.ginko.voyage"
//! home = "47.2378,6.0241"    # `n` in the board: the stops near here
//! # The kiosk (`quai kiosk`):
//! quiet_hours = "01:00-05:00" # no requests, dark screen (Europe/Paris time)
//! quiet_screen = "clock"      # or "dark" (the default)
//! kiosk_quit_key = "q"        # default: no key quits the kiosk
//! ```

mod file;
mod keys;
mod paths;
mod values;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::i18n::tf;

pub(crate) use file::{FAVORITES_LIMIT, read_bounded};
pub(crate) use keys::{KEY_ENV, read_secret};
pub(crate) use paths::{cache_dir, data_dir, settings_path};
pub(crate) use values::parse_position;
pub use values::{QuietHours, QuietScreen, QuitKey};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub api_key: Option<String>,
    pub api_key_file: Option<PathBuf>,
    pub api_url: Option<String>,
    /// Home position "LAT,LON": `n` in the board shows the stops near it.
    #[serde(default, deserialize_with = "values::home_position")]
    pub home: Option<crate::domain::Position>,
    /// Kiosk: hours without requests and with a dark screen.
    pub quiet_hours: Option<QuietHours>,
    /// Kiosk: what quiet hours show.
    pub quiet_screen: Option<QuietScreen>,
    /// Kiosk: the one key that quits (none by default).
    pub kiosk_quit_key: Option<QuitKey>,
    /// The network of a place named without one (`ginko`, `idfm`, or a
    /// `[[network]]`'s id).
    #[serde(default, deserialize_with = "network_name")]
    pub default_network: Option<String>,
    /// Île-de-France Mobilités.
    pub idfm: Option<IdfmSettings>,
    /// Ginko's own table (its key stays at the top level).
    pub ginko: Option<GinkoSettings>,
    /// The MQTT broker of `quai publish`.
    pub mqtt: Option<MqttSettings>,
    /// The language of every word quai shows: "fr" or "en" (else the
    /// locale's: `LC_ALL`, `LC_MESSAGES`, `LANG`).
    pub language: Option<String>,
    /// Networks defined by their GTFS and GTFS-Realtime feeds
    /// (`[[network]]`).
    #[serde(default, rename = "network")]
    pub networks: Vec<FeedNetworkSettings>,
}

/// One `[[network]]`: a network quai knows from its feeds.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedNetworkSettings {
    /// Used in place prefixes (`star:"république"`) and folders.
    pub id: String,
    pub name: Option<String>,
    pub gtfs_url: Option<String>,
    pub trip_updates_url: Option<String>,
    pub alerts_url: Option<String>,
    pub vehicle_positions_url: Option<String>,
    /// Seconds between two fetches of the feeds (default 30).
    pub refresh: Option<u64>,
    /// The header that carries the key (`x-api-key`, `authorization`…).
    pub auth_header: Option<String>,
    /// The query parameter that carries the key, for feeds that ask so.
    pub auth_query: Option<String>,
    pub key: Option<String>,
    /// The key's file (relative to the settings' folder).
    pub key_file: Option<PathBuf>,
}

/// Seconds between two fetches of a feed network's feeds, by default.
pub(crate) const DEFAULT_FEED_REFRESH: u64 = 30;

impl FeedNetworkSettings {
    pub(crate) fn refresh(&self) -> u64 {
        self.refresh.unwrap_or(DEFAULT_FEED_REFRESH)
    }

    /// The name riders see (the id when none is given).
    pub(crate) fn shown_name(&self) -> String {
        self.name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| self.id.clone())
    }

    fn check(&self) -> Result<(), String> {
        let id = &self.id;
        let well_formed = !id.is_empty()
            && id.len() <= 32
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !well_formed {
            return Err(tf("cfg_network_id", &[("id", id)]));
        }
        if crate::network::registry::is_builtin(id) {
            return Err(tf("cfg_network_builtin", &[("id", id)]));
        }
        if self.gtfs_url.is_none() {
            return Err(tf("cfg_network_no_gtfs", &[("id", id)]));
        }
        if !(5..=3600).contains(&self.refresh()) {
            let value = self.refresh().to_string();
            return Err(tf("cfg_network_refresh", &[("id", id), ("value", &value)]));
        }
        if self.auth_header.is_some() && self.auth_query.is_some() {
            return Err(tf("cfg_network_auth_both", &[("id", id)]));
        }
        let auth = self.auth_header.is_some() || self.auth_query.is_some();
        let key = self.key.is_some() || self.key_file.is_some();
        if auth != key {
            return Err(tf("cfg_network_key_auth", &[("id", id)]));
        }
        Ok(())
    }
}

/// The `[mqtt]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MqttSettings {
    /// mqtt://HOST:PORT or mqtts://HOST:PORT (`--broker` wins).
    pub broker: Option<String>,
    pub username: Option<String>,
    /// Also `QUAI_MQTT_PASSWORD`.
    pub password: Option<String>,
    pub password_file: Option<PathBuf>,
}

/// The `[ginko]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GinkoSettings {
    /// Where the GTFS timetable is published.
    pub gtfs_url: Option<String>,
}

/// The `[idfm]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdfmSettings {
    /// The PRIM API token (also `IDFM_API_KEY`).
    pub api_key: Option<String>,
    pub api_key_file: Option<PathBuf>,
    /// The Licence Mobilité dataset key (also `IDFM_DATASET_KEY`).
    pub dataset_key: Option<String>,
    pub dataset_key_file: Option<PathBuf>,
    /// Also `IDFM_PRIM_URL`.
    pub prim_url: Option<String>,
    /// Also `IDFM_DATA_URL`.
    pub data_url: Option<String>,
    /// Where the regional GTFS timetable is published.
    pub gtfs_url: Option<String>,
    /// The token's stop-monitoring requests a day (default 1000).
    #[serde(default, deserialize_with = "daily_quota")]
    pub daily_quota: Option<u32>,
}

/// The `language` of the settings file at `path`, read alone (nothing
/// else of the file is taken: the demo reads this and no more); `None`
/// when the file is absent, unreadable or says none.
pub(crate) fn language_of(path: &Path) -> Option<String> {
    #[derive(Deserialize)]
    struct Language {
        language: Option<String>,
    }
    let text = read_bounded(path, file::SETTINGS_LIMIT).ok()?;
    toml::from_str::<Language>(&text).ok()?.language
}

fn network_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(d)?;
    // Checked once the [[network]] tables are read too.
    Ok(Some(text.trim().to_ascii_lowercase()))
}

fn daily_quota<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match u32::deserialize(d)? {
        0 => Err(serde::de::Error::custom(crate::i18n::t("cfg_quota_zero"))),
        n => Ok(Some(n)),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", tf("cfg_cannot_read", &[("path", &path.display().to_string()), ("why", &source.to_string())]))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", tf("cfg_invalid", &[("path", &path.display().to_string()), ("message", message.as_str())]))]
    Parse { path: PathBuf, message: String },
    #[error("{}", tf("cfg_key_file", &[("path", &path.display().to_string()), ("why", &source.to_string())]))]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", tf("cfg_key_file_empty", &[("path", &path.display().to_string())]))]
    EmptyKeyFile { path: PathBuf },
    #[error("{}", crate::i18n::t("cfg_no_home"))]
    NoHome,
}

impl Settings {
    /// Reads the settings; a file that does not exist gives the defaults.
    pub(crate) fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = match read_bounded(path, file::SETTINGS_LIMIT) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let settings = Settings::parse(&text).map_err(|message| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        })?;
        Ok(settings)
    }

    /// Parses settings text; the error names the line, column and key.
    fn parse(text: &str) -> Result<Settings, String> {
        let settings: Settings = Settings::parse_toml(text)?;
        let mut ids: Vec<&str> = Vec::new();
        for network in &settings.networks {
            network.check()?;
            if ids.contains(&network.id.as_str()) {
                return Err(tf("cfg_network_twice", &[("id", &network.id)]));
            }
            ids.push(&network.id);
        }
        if let Some(default) = &settings.default_network
            && !crate::network::registry::is_builtin(default)
            && !ids.contains(&default.as_str())
        {
            let mut all: Vec<&str> = crate::network::registry::builtin_ids().collect();
            all.extend(&ids);
            return Err(tf(
                "cfg_default_network",
                &[("name", default), ("known", &all.join(", "))],
            ));
        }
        if let Some(language) = &settings.language
            && crate::i18n::Language::parse(language).is_none()
        {
            return Err(tf("cfg_language", &[("language", language)]));
        }
        Ok(settings)
    }

    fn parse_toml(text: &str) -> Result<Settings, String> {
        toml::from_str(text).map_err(|e| {
            let mut message = e.message().to_string();
            if let Some(span) = e.span() {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                message = tf(
                    "cfg_at",
                    &[
                        ("line", &line.to_string()),
                        ("column", &column.to_string()),
                        ("message", &message),
                    ],
                );
            }
            message
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `assets/config.example.toml` holds every setting: uncommented, it
    /// parses with the real parser and sets every field.
    #[test]
    fn the_example_settings_are_every_setting_and_parse() {
        let text = include_str!("../../assets/config.example.toml");
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest)
                    if rest.split_once(" = ").is_some_and(|(k, _)| {
                        !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    }) =>
                {
                    rest.to_string()
                }
                Some(rest) if rest.starts_with('[') && rest.ends_with(']') => rest.to_string(),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(
            Settings::parse(text).unwrap(),
            Settings::default(),
            "all commented"
        );
        let s = Settings::parse(&uncommented).unwrap();
        // A new setting does not compile here until the example has it.
        let Settings {
            api_key,
            api_key_file,
            api_url,
            home,
            quiet_hours,
            quiet_screen,
            kiosk_quit_key,
            default_network,
            idfm,
            ginko,
            mqtt,
            language,
            networks,
        } = s;
        assert_eq!(language.as_deref(), Some("en"));
        let [network] = networks.as_slice() else {
            panic!("the example has one [[network]]");
        };
        let FeedNetworkSettings {
            id,
            name,
            gtfs_url,
            trip_updates_url,
            alerts_url,
            vehicle_positions_url,
            refresh,
            auth_header,
            auth_query,
            key,
            key_file,
        } = network;
        assert_eq!(id, "star");
        assert!(name.is_some() && gtfs_url.is_some() && trip_updates_url.is_some());
        assert!(alerts_url.is_some() && vehicle_positions_url.is_some());
        assert_eq!(*refresh, Some(30));
        assert!(auth_header.is_some() && auth_query.is_none());
        assert!(key.is_some() && key_file.is_some());
        assert!(ginko.is_some_and(|g| g.gtfs_url.is_some()));
        let Some(MqttSettings {
            broker,
            username,
            password,
            password_file,
        }) = mqtt
        else {
            panic!("the example has an [mqtt] table");
        };
        assert!(broker.is_some() && username.is_some());
        assert!(password.is_some() && password_file.is_some());
        assert!(default_network.is_some());
        let Some(IdfmSettings {
            api_key: idfm_key,
            api_key_file: idfm_key_file,
            dataset_key,
            dataset_key_file,
            prim_url,
            data_url,
            daily_quota,
            gtfs_url,
        }) = idfm
        else {
            panic!("the example has an [idfm] table");
        };
        assert!(idfm_key.is_some() && idfm_key_file.is_some() && dataset_key.is_some());
        assert!(dataset_key_file.is_some() && prim_url.is_some() && data_url.is_some());
        assert!(daily_quota.is_some() && gtfs_url.is_some());
        assert!(api_key.is_some() && api_key_file.is_some() && api_url.is_some());
        assert!(home.is_some() && quiet_hours.is_some());
        assert!(quiet_screen.is_some() && kiosk_quit_key.is_some());
    }

    #[test]
    fn positions() {
        let p = parse_position(" 47.2378 , 6.0241").unwrap();
        assert_eq!((p.lat, p.lon), (47.2378, 6.0241));
        for bad in ["", "47.2", "north,pole", "91,0", "47,200"] {
            assert!(parse_position(bad).is_err(), "{bad}");
        }
        let s = Settings::parse("home = \"47.2378,6.0241\"\n").unwrap();
        assert_eq!(
            s.home,
            Some(crate::domain::Position {
                lat: 47.2378,
                lon: 6.0241
            })
        );
        assert_eq!(Settings::parse("").unwrap().home, None);
    }

    #[test]
    fn feed_networks_are_checked() {
        let net = |body: &str| format!("[[network]]\n{body}\n");
        let ok = Settings::parse(&format!(
            "default_network = \"star\"\n{}",
            net("id = \"star\"\ngtfs_url = \"https://example.org/gtfs.zip\"")
        ))
        .unwrap();
        assert_eq!(ok.networks[0].refresh(), 30);
        assert_eq!(ok.networks[0].shown_name(), "star");
        for (body, says) in [
            ("id = \"Star!\"\ngtfs_url = \"x\"", "minuscules"),
            ("id = \"ginko\"\ngtfs_url = \"x\"", "intégré"),
            ("id = \"star\"", "gtfs_url"),
            ("id = \"star\"\ngtfs_url = \"x\"\nrefresh = 1", "refresh"),
            (
                "id = \"star\"\ngtfs_url = \"x\"\nauth_header = \"x-key\"",
                "key",
            ),
            (
                "id = \"star\"\ngtfs_url = \"x\"\nkey = \"k\"",
                "auth_header",
            ),
            ("id = \"star\"\ngtfs_url = \"x\"\ncolour = 1", "colour"),
        ] {
            let e = Settings::parse(&net(body)).unwrap_err();
            assert!(e.contains(says), "{body}: {e}");
        }
        let twice = format!(
            "{}{}",
            net("id = \"a\"\ngtfs_url = \"x\""),
            net("id = \"a\"\ngtfs_url = \"y\"")
        );
        assert!(Settings::parse(&twice).unwrap_err().contains("deux fois"));
        let e = Settings::parse("language = \"de\"\n").unwrap_err();
        assert!(e.contains("fr, en"), "{e}");
    }

    #[test]
    fn an_unknown_network_or_a_zero_quota_is_an_error() {
        let e = Settings::parse("default_network = \"paris\"\n").unwrap_err();
        assert!(e.contains("paris") && e.contains("ginko, idfm"), "{e}");
        let e = Settings::parse("[idfm]\ndaily_quota = 0\n").unwrap_err();
        assert!(e.contains("au moins 1"), "{e}");
        let s =
            Settings::parse("default_network = \"IDFM\"\n[idfm]\ndaily_quota = 20000\n").unwrap();
        assert_eq!(s.default_network.as_deref(), Some("idfm"));
        assert_eq!(s.idfm.and_then(|t| t.daily_quota), Some(20000));
    }

    #[test]
    fn a_bad_home_is_an_error_naming_the_file_line_and_value() {
        let err =
            Settings::parse("api_url = \"https://x\"\nhome = \"47.2378;6.0241\"\n").unwrap_err();
        assert!(err.contains("ligne 2"), "{err}");
        assert!(err.contains("« 47.2378;6.0241 »"), "{err}");
        assert!(err.contains("LAT,LON"), "{err}");
        let dir = std::env::temp_dir().join(format!("quai-config-home-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, "home = \"91,0\"\n").unwrap();
        let err = Settings::load(&path).unwrap_err().to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains("ligne 1") && err.contains("« 91,0 »"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn quiet_hours_and_quit_keys() {
        let t = |h, m| jiff::civil::time(h, m, 0, 0);
        let night = QuietHours::parse("01:00-05:00").unwrap();
        assert!(!night.contains(t(0, 59)));
        assert!(night.contains(t(1, 0)));
        assert!(night.contains(t(4, 59)));
        assert!(!night.contains(t(5, 0)));
        let across = QuietHours::parse("23:30-05:30").unwrap();
        assert!(
            across.contains(t(23, 45)) && across.contains(t(0, 0)) && across.contains(t(5, 29))
        );
        assert!(!across.contains(t(12, 0)) && !across.contains(t(23, 29)));
        for bad in [
            "",
            "1-5",
            "01:00",
            "25:00-05:00",
            "01:60-02:00",
            "03:00-03:00",
        ] {
            assert!(QuietHours::parse(bad).is_err(), "{bad}");
        }
        let s = Settings::parse(
            "quiet_hours = \"01:00-05:00\"\nquiet_screen = \"clock\"\nkiosk_quit_key = \"F10\"\n",
        )
        .unwrap();
        assert_eq!(s.quiet_hours, Some(night));
        assert_eq!(s.quiet_screen, Some(QuietScreen::Clock));
        assert_eq!(
            s.kiosk_quit_key,
            Some(QuitKey(ratatui::crossterm::event::KeyCode::F(10)))
        );
        let err = Settings::parse("\nquiet_hours = \"1h-5h\"\n").unwrap_err();
        assert!(
            err.contains("ligne 2") && err.contains("01:00-05:00"),
            "{err}"
        );
        assert!(Settings::parse("quiet_screen = \"grey\"\n").is_err());
        assert_eq!(
            QuitKey::parse("q").unwrap().0,
            ratatui::crossterm::event::KeyCode::Char('q')
        );
        assert_eq!(
            QuitKey::parse("Esc").unwrap().0,
            ratatui::crossterm::event::KeyCode::Esc
        );
        assert!(QuitKey::parse("qq").is_err() && QuitKey::parse("F13").is_err());
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let err = Settings::parse("api_url = \"https://x\"\napi_kye = \"k\"\n").unwrap_err();
        assert!(err.contains("ligne 2"), "{err}");
        assert!(err.contains("api_kye"), "{err}");
        let err = Settings::parse("api_key = \n").unwrap_err();
        assert!(err.contains("ligne 1"), "{err}");
    }
}
