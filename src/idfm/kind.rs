//! IDFM as the registry builds it: from the settings, and in the demo;
//! and its portal's key for the timetable's download.

use std::path::Path;
use std::sync::Arc;

use crate::cache::Cache;
use crate::config::{self, Settings};
use crate::network::registry::{Build, DemoBuild, kind_of, with_timetable};
use crate::network::{Source, http, idfm};
use crate::timetable::store::{Auth, FeedSource};

/// The IDFM client of the settings, when a PRIM token is configured
/// (`IDFM_API_KEY`, `[idfm] api_key` or `api_key_file`).
pub(crate) fn client(
    settings: &Settings,
    path: &Path,
    cache: &Cache,
) -> Result<Option<idfm::Client>, String> {
    let table = settings.idfm.clone().unwrap_or_default();
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let token = config::read_secret(
        env(idfm::PRIM_KEY.env),
        table.api_key.as_deref(),
        table.api_key_file.as_deref(),
        path,
    )
    .map_err(|e| e.to_string())?;
    let Some(token) = token else {
        return Ok(None);
    };
    let dataset_key = config::read_secret(
        env(idfm::DATASET_KEY.env),
        table.dataset_key.as_deref(),
        table.dataset_key_file.as_deref(),
        path,
    )
    .map_err(|e| e.to_string())?;
    let url = |env_name: &str, setting: &Option<String>, default: &str| {
        let text = env(env_name)
            .or_else(|| setting.clone())
            .unwrap_or_else(|| default.to_string());
        http::parse_base_url(&text).map_err(|e| format!("{env_name} / [idfm]: {e}"))
    };
    let prim = url("IDFM_PRIM_URL", &table.prim_url, idfm::DEFAULT_PRIM_URL)?;
    let data = url("IDFM_DATA_URL", &table.data_url, idfm::DEFAULT_DATA_URL)?;
    idfm::Client::new(prim, data, Some(token), dataset_key, cache.scoped(idfm::ID))
        .map(Some)
        .map_err(|e| e.to_string())
}

/// IDFM's network, when a PRIM token is configured, with its timetable.
pub(crate) fn build(b: &Build<'_>) -> Result<Vec<Source>, String> {
    let Some(client) = client(b.settings, b.path, b.cache)? else {
        return Ok(Vec::new());
    };
    let quota = b
        .settings
        .idfm
        .as_ref()
        .and_then(|t| t.daily_quota)
        .unwrap_or(idfm::source::DEFAULT_DAILY_QUOTA);
    let network: Source = Arc::new(idfm::Idfm::new(client, b.cache, quota));
    Ok(vec![with_timetable(network, b.settings, b.path)])
}

/// The demo server's PRIM and portal as IDFM's network, with its timetable.
pub(crate) fn demo(b: &DemoBuild<'_>) -> Result<Source, String> {
    let prim = http::parse_base_url(&format!("{}{}", b.url, crate::demo::idfm::PRIM_PATH))?;
    let data = http::parse_base_url(&format!("{}{}", b.url, crate::demo::idfm::DATA_PATH))?;
    let key = || crate::secret::Secret::new(crate::demo::DEMO_KEY);
    let client = idfm::Client::new(prim, data, key(), key(), b.cache.scoped(idfm::ID))
        .map_err(|e| e.to_string())?;
    let network = idfm::Idfm::new(client, &b.cache, idfm::source::DEFAULT_DAILY_QUOTA).named(
        crate::i18n::t("demo_name_idfm"),
        crate::i18n::t("demo_attribution_idfm"),
    );
    let zip = crate::demo::gtfs::feed(idfm::ID, b.today());
    let shared = Arc::new(std::sync::RwLock::new(None));
    Ok(b.with_timetable(Arc::new(network), zip, kind_of(idfm::ID).trip_stops, shared))
}

/// IDFM's portal: the dataset key as `Authorization: apikey …`, only to
/// IDFM's own servers, over https.
pub(crate) fn gtfs_auth(
    settings: &Settings,
    path: &Path,
    source: &FeedSource,
) -> Result<Option<Auth>, String> {
    let FeedSource::Url(url) = source else {
        return Ok(None);
    };
    let theirs = url::Url::parse(url).ok().is_some_and(|u| {
        u.scheme() == "https"
            && u.host_str().is_some_and(|h| {
                h.ends_with(".iledefrance-mobilites.fr") || h.ends_with(".opendatasoft.com")
            })
    });
    if !theirs {
        return Ok(None);
    }
    let table = settings.idfm.clone().unwrap_or_default();
    let env = std::env::var(idfm::DATASET_KEY.env)
        .ok()
        .filter(|v| !v.trim().is_empty());
    let key = config::read_secret(
        env,
        table.dataset_key.as_deref(),
        table.dataset_key_file.as_deref(),
        path,
    )
    .map_err(|e| e.to_string())?;
    Ok(key.and_then(|k| {
        crate::secret::Secret::new(format!("apikey {}", k.expose())).map(|value| Auth {
            name: "authorization",
            value,
        })
    }))
}
