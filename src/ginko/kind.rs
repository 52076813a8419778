//! Ginko as the registry builds it: from the settings, and in the demo.

use std::path::Path;
use std::sync::Arc;

use crate::config::{self, Settings};
use crate::network::Source;
use crate::network::ginko::{self, ApiKey, Client};
use crate::network::registry::{Build, DemoBuild, kind_of, with_timetable};

/// A Ginko client from read settings (`api_url`: the flag or environment,
/// before the settings' own).
pub(crate) fn client(
    settings: &Settings,
    path: &Path,
    api_url: Option<&str>,
    need_key: bool,
) -> Result<Client, String> {
    let url_text = api_url
        .map(str::to_string)
        .or_else(|| settings.api_url.clone())
        .unwrap_or_else(|| ginko::DEFAULT_BASE_URL.to_string());
    let base = ginko::parse_base_url(&url_text)?;
    let env_key = std::env::var(config::KEY_ENV).ok();
    let key = settings.api_key(env_key, path).map_err(|e| e.to_string())?;
    if need_key && key.is_none() {
        return Err(ginko::ApiError::MissingKey.to_string());
    }
    Client::new(base, key).map_err(|e| e.to_string())
}

/// Ginko's network, when its key is configured, with its timetable.
pub(crate) fn build(b: &Build<'_>) -> Result<Vec<Source>, String> {
    let client = client(b.settings, b.path, b.api_url, false)?;
    if !client.has_key() {
        return Ok(Vec::new());
    }
    let network: Source = Arc::new(ginko::Ginko::new(client, b.cache));
    Ok(vec![with_timetable(network, b.settings, b.path)])
}

/// The demo server's Ginko API as a network, with its timetable.
pub(crate) fn demo(b: &DemoBuild<'_>) -> Result<Source, String> {
    let base = ginko::parse_base_url(b.url)?;
    let client =
        Client::new(base, ApiKey::new(crate::demo::DEMO_KEY)).map_err(|e| e.to_string())?;
    let network = ginko::Ginko::new(client, &b.cache).named(
        crate::i18n::t("demo_name_ginko"),
        crate::i18n::t(crate::demo::ATTRIBUTION_SHORT),
    );
    let zip = crate::demo::gtfs::feed(ginko::ID, b.today());
    let shared = Arc::new(std::sync::RwLock::new(None));
    Ok(b.with_timetable(
        Arc::new(network),
        zip,
        kind_of(ginko::ID).trip_stops,
        shared,
    ))
}
