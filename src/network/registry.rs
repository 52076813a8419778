//! The networks quai knows, built from the settings: the one place besides
//! the networks' own folders that names them.

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;

use crate::cache::Cache;
use crate::config::{self, Settings};
use crate::demo;
use crate::network::ginko::{self, ApiKey, Client};
use crate::network::gtfsrt;
use crate::network::idfm;
use crate::network::multi::Multi;
use crate::network::{Source, http};
use crate::timetable::source::{Refresh, Shared, TimetableNetwork, WithTimetable};
use crate::timetable::store::{Auth, FeedSource, Store};

/// The Ginko API reached directly, for the commands only Ginko has (`quai
/// api`, `quai key trial`): what they need of its client, and nothing of
/// its types.
#[derive(Clone)]
pub struct GinkoApi(Client);

impl GinkoApi {
    /// A raw call of `method` with `params` (name, value); without the key
    /// when `with_key` is false (the day's trial key needs none).
    pub async fn call(
        &self,
        method: &str,
        params: &[(String, String)],
        with_key: bool,
    ) -> Result<serde_json::Value, String> {
        let params = params
            .iter()
            .fold(ginko::Params::new(), |p, (name, value)| {
                p.text(name, value.as_str())
            });
        let result = if with_key {
            self.0.call(method, params).await
        } else {
            self.0.call_without_key(method, params).await
        };
        result.map_err(|e| e.to_string())
    }

    /// The day's trial key.
    pub async fn trial_key(&self) -> Result<String, String> {
        self.0.cle_temporaire().await.map_err(|e| e.to_string())
    }
}

/// The Ginko API of the settings, for `quai api` and `quai key trial`.
pub fn ginko_api(
    settings: &Settings,
    path: &Path,
    api_url: Option<&str>,
    need_key: bool,
) -> Result<GinkoApi, String> {
    ginko_client(settings, path, api_url, need_key).map(GinkoApi)
}

/// A Ginko client from read settings (`api_url`: the flag or environment,
/// before the settings' own).
fn ginko_client(
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

/// The IDFM client of the settings, when a PRIM token is configured
/// (`IDFM_API_KEY`, `[idfm] api_key` or `api_key_file`).
pub fn idfm_client(
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

/// Puts the default network first: `--network`, else the settings'
/// `default_network`, else Ginko.
fn order(members: &mut [Source], default: Option<&str>) {
    let default = default.unwrap_or(config::DEFAULT_NETWORK);
    members.sort_by_key(|m| m.id() != default);
}

/// One network as it is, several as one [`Multi`].
pub fn combine(mut members: Vec<Source>, default: Option<&str>) -> Option<Source> {
    order(&mut members, default);
    if members.len() == 1 {
        return members.pop();
    }
    Multi::new(members).map(|m| Arc::new(m) as Source)
}

/// The networks of the settings, the default first, each caching in its
/// own part of `cache`. Ginko needs its key unless IDFM is configured.
pub fn from_settings(
    settings: &Settings,
    path: &Path,
    api_url: Option<&str>,
    cache: &Cache,
    network: Option<&str>,
) -> Result<Source, String> {
    let idfm_client = idfm_client(settings, path, cache)?;
    let mut members: Vec<Source> = Vec::new();
    let need_ginko_key = idfm_client.is_none() && settings.networks.is_empty();
    match ginko_client(settings, path, api_url, need_ginko_key) {
        Ok(client) if client.has_key() => members.push(Arc::new(ginko::Ginko::new(client, cache))),
        Ok(_) => {}
        Err(e) => return Err(e),
    }
    if let Some(client) = idfm_client {
        let quota = settings
            .idfm
            .as_ref()
            .and_then(|t| t.daily_quota)
            .unwrap_or(idfm::source::DEFAULT_DAILY_QUOTA);
        members.push(Arc::new(idfm::Idfm::new(client, cache, quota)));
    }
    let mut members: Vec<Source> = members
        .into_iter()
        .map(|m| with_timetable(m, settings, path))
        .collect();
    for n in &settings.networks {
        members.push(feed_network(n, path, jiff::SignedDuration::ZERO)?);
    }
    let default = network.or(settings.default_network.as_deref());
    let source =
        combine(members, default).ok_or_else(|| ginko::ApiError::MissingKey.to_string())?;
    show_zone_of(&source);
    Ok(source)
}

/// Whether a command's error is that no Ginko key is set (the board then
/// points to `--offline` when a timetable is compiled).
pub fn is_missing_key(error: &str) -> bool {
    error.contains(&ginko::ApiError::MissingKey.to_string())
}

/// Clocks are shown in the default network's zone (its timetable's).
fn show_zone_of(source: &Source) {
    let first = source
        .networks()
        .into_iter()
        .next()
        .map(|n| n.id)
        .unwrap_or_default();
    if config::NETWORKS.contains(&first.as_str()) {
        return;
    }
    if let Ok(table) = Store::of_network(&first).and_then(|s| s.open().map_err(|e| e.to_string())) {
        crate::domain::set_zone(table.zone().clone());
    }
}

/// The key of a `[[network]]`, where its feeds want it.
fn feed_auth(
    n: &config::FeedNetworkSettings,
    path: &Path,
) -> Result<Option<gtfsrt::FeedAuth>, String> {
    let key = config::read_secret(None, n.key.as_deref(), n.key_file.as_deref(), path)
        .map_err(|e| format!("[[network]] {}: {e}", n.id))?;
    let Some(key) = key else {
        return Ok(None);
    };
    if let Some(header) = &n.auth_header {
        let name =
            reqwest::header::HeaderName::from_bytes(header.trim().as_bytes()).map_err(|_| {
                format!(
                    "[[network]] {}: auth_header {header:?} is not a header name",
                    n.id
                )
            })?;
        return Ok(Some(gtfsrt::FeedAuth::Header { name, key }));
    }
    if let Some(query) = &n.auth_query {
        return Ok(Some(gtfsrt::FeedAuth::Query {
            name: query.trim().to_string(),
            key,
        }));
    }
    Ok(None)
}

/// A network of its feeds (`[[network]]`), with its timetable, refreshed
/// once a day, to fall back to.
pub fn feed_network(
    n: &config::FeedNetworkSettings,
    path: &Path,
    shift: jiff::SignedDuration,
) -> Result<Source, String> {
    let (network, shared) = build_feed_network(n, path, shift)?;
    let refresh = match (n.gtfs_url.as_deref(), Store::of_network(&n.id)) {
        (Some(url), Ok(store)) => Some(Refresh::new(store, FeedSource::parse(url), None)),
        _ => None,
    };
    Ok(Arc::new(
        WithTimetable::new(network, shared).refreshed_by(refresh),
    ))
}

/// A `[[network]]`'s feeds read once (`quai networks check`).
pub async fn check_feed_network(
    n: &config::FeedNetworkSettings,
    path: &Path,
) -> Result<crate::network::check::FeedCheck, String> {
    let (network, _) = build_feed_network(n, path, jiff::SignedDuration::ZERO)?;
    Ok(network.check().await)
}

/// The network of a `[[network]]` alone, and the timetable it reads (its
/// compiled index, when there is one).
fn build_feed_network(
    n: &config::FeedNetworkSettings,
    path: &Path,
    shift: jiff::SignedDuration,
) -> Result<(Arc<gtfsrt::FeedNetwork>, Shared), String> {
    let auth = feed_auth(n, path)?;
    let with_key = auth.is_some();
    let mut feeds = Vec::new();
    for (kind, url) in [
        (gtfsrt::Kind::TripUpdates, &n.trip_updates_url),
        (gtfsrt::Kind::Alerts, &n.alerts_url),
        (gtfsrt::Kind::VehiclePositions, &n.vehicle_positions_url),
    ] {
        if let Some(url) = url {
            let url = gtfsrt::feed::parse_feed_url(url, with_key)
                .map_err(|e| format!("[[network]] {}: {}: {e}", n.id, kind.setting()))?;
            feeds.push((kind, url));
        }
    }
    let name = n.shown_name();
    let store = Store::of_network(&n.id)?;
    let shared: Shared = Arc::new(std::sync::RwLock::new(None));
    if let Ok(table) = store.open() {
        let network = TimetableNetwork::new(&n.id, &name, Arc::new(table)).with_shift(shift);
        if let Ok(mut slot) = shared.write() {
            *slot = Some(Arc::new(network));
        }
    }
    let network = gtfsrt::FeedNetwork::new(
        &n.id,
        &name,
        Arc::clone(&shared),
        feeds,
        gtfsrt::Fetcher::new(auth).map_err(|e| e.to_string())?,
        std::time::Duration::from_secs(n.refresh()),
    )
    .with_shift(shift);
    Ok((Arc::new(network), shared))
}

/// Where a network's GTFS feed is published: the settings' `gtfs_url`,
/// else the network's own.
pub fn gtfs_source(settings: &Settings, network: &str) -> Result<FeedSource, String> {
    let (setting, default) = match network {
        ginko::ID => (
            settings.ginko.as_ref().and_then(|g| g.gtfs_url.clone()),
            ginko::DEFAULT_GTFS_URL,
        ),
        idfm::ID => (
            settings.idfm.as_ref().and_then(|t| t.gtfs_url.clone()),
            idfm::DEFAULT_GTFS_URL,
        ),
        other => {
            let defined = settings.networks.iter().find(|n| n.id == other);
            return match defined.and_then(|n| n.gtfs_url.as_deref()) {
                Some(url) => Ok(FeedSource::parse(url)),
                None => Err(format!(
                    "unknown network {other:?} ({})",
                    config::known_networks().join(", ")
                )),
            };
        }
    };
    Ok(FeedSource::parse(
        &setting.unwrap_or_else(|| default.to_string()),
    ))
}

/// The header a network's feed download needs, if any (IDFM's portal:
/// the dataset key as `Authorization: apikey …`).
pub fn gtfs_auth(
    settings: &Settings,
    path: &Path,
    network: &str,
    source: &FeedSource,
) -> Result<Option<Auth>, String> {
    // Only to IDFM's own servers, over https.
    let FeedSource::Url(url) = source else {
        return Ok(None);
    };
    let theirs = url::Url::parse(url).ok().is_some_and(|u| {
        u.scheme() == "https"
            && u.host_str().is_some_and(|h| {
                h.ends_with(".iledefrance-mobilites.fr") || h.ends_with(".opendatasoft.com")
            })
    });
    if network != idfm::ID || !theirs {
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

/// A network with the timetable compiled for it, when there is one, to
/// fall back to; refreshed in the background once a day by the boards.
fn with_timetable(member: Source, settings: &Settings, path: &Path) -> Source {
    let id = member.id().to_string();
    let Ok(store) = Store::of_network(&id) else {
        return member;
    };
    let shared: Shared = Arc::new(std::sync::RwLock::new(None));
    if let Ok(table) = store.open() {
        let network = TimetableNetwork::new(&id, member.name(), Arc::new(table));
        if let Ok(mut slot) = shared.write() {
            *slot = Some(Arc::new(network));
        }
    }
    // The settings' gtfs_url; else the URL the last update used; else the
    // network's published feed.
    let configured = match id.as_str() {
        ginko::ID => settings.ginko.as_ref().and_then(|g| g.gtfs_url.clone()),
        idfm::ID => settings.idfm.as_ref().and_then(|t| t.gtfs_url.clone()),
        _ => None,
    };
    let last_url = store
        .meta()
        .map(|m| m.source)
        .filter(|s| s.starts_with("http://") || s.starts_with("https://"));
    let source = match configured.or(last_url) {
        Some(text) => Some(FeedSource::parse(&text)),
        None => gtfs_source(settings, &id).ok(),
    };
    let refresh = source.map(|source| {
        let auth = gtfs_auth(settings, path, &id, &source).ok().flatten();
        Refresh::new(store, source, auth)
    });
    Arc::new(WithTimetable::new(member, shared).refreshed_by(refresh))
}

/// A source whose rows may be of any network (boards read from a broker)
/// with every compiled timetable to fall back to, one after the other.
pub fn with_local_timetables(mut source: Source) -> Source {
    for id in config::known_networks() {
        let id = id.as_str();
        let Ok(store) = Store::of_network(id) else {
            continue;
        };
        let Ok(table) = store.open() else {
            continue;
        };
        let network = TimetableNetwork::new(id, &network_name(id), Arc::new(table));
        let shared: Shared = Arc::new(std::sync::RwLock::new(Some(Arc::new(network))));
        source = Arc::new(WithTimetable::new(source, shared));
    }
    source
}

/// The demo networks with their timetables, compiled in memory; and the
/// timetables alone.
fn demo_timetables(
    members: Vec<Source>,
    shift: jiff::SignedDuration,
) -> (Vec<Source>, Vec<Arc<TimetableNetwork>>) {
    let today = crate::domain::network_now()
        .checked_add(shift)
        .map(|z| z.date())
        .unwrap_or_else(|_| crate::domain::network_now().date());
    let mut tables = Vec::new();
    let members = members
        .into_iter()
        .map(|m| {
            let feed = demo::gtfs::feed(m.id(), today);
            let shared: Shared = Arc::new(std::sync::RwLock::new(None));
            if let Some(Ok((table, _))) =
                feed.map(|zip| crate::timetable::feed::compile_in_memory(&zip))
            {
                let network = Arc::new(
                    TimetableNetwork::new(m.id(), m.name(), Arc::new(table)).with_shift(shift),
                );
                tables.push(Arc::clone(&network));
                if let Ok(mut slot) = shared.write() {
                    *slot = Some(network);
                }
            }
            Arc::new(WithTimetable::new(m, shared)) as Source
        })
        .collect();
    (members, tables)
}

/// The third demo network, from the demo server's feeds, its timetable
/// compiled in memory; and that timetable.
#[allow(clippy::type_complexity)]
fn demo_feed_city(
    base: &str,
    shift: jiff::SignedDuration,
) -> Result<
    (
        Source,
        Arc<gtfsrt::FeedNetwork>,
        Option<Arc<TimetableNetwork>>,
    ),
    String,
> {
    use demo::feedcity;
    config::define_networks([(feedcity::ID.to_string(), feedcity::NAME.to_string())]);
    let url = |path: &str| {
        gtfsrt::feed::parse_feed_url(&format!("{base}{path}"), false)
            .map_err(|e| format!("demo feed: {e}"))
    };
    let feeds = vec![
        (gtfsrt::Kind::TripUpdates, url(feedcity::TRIP_UPDATES_PATH)?),
        (gtfsrt::Kind::Alerts, url(feedcity::ALERTS_PATH)?),
        (
            gtfsrt::Kind::VehiclePositions,
            url(feedcity::VEHICLES_PATH)?,
        ),
    ];
    let today = crate::domain::network_now().date();
    let shared: Shared = Arc::new(std::sync::RwLock::new(None));
    let compiled = feedcity::gtfs(today).and_then(|zip| {
        crate::timetable::feed::compile_in_memory_with(
            &zip,
            crate::timetable::compile::Options { trip_stops: true },
        )
        .ok()
    });
    let table = compiled.map(|(table, _)| {
        Arc::new(
            TimetableNetwork::new(feedcity::ID, feedcity::NAME, Arc::new(table)).with_shift(shift),
        )
    });
    if let (Some(t), Ok(mut slot)) = (&table, shared.write()) {
        *slot = Some(Arc::clone(t));
    }
    let network = gtfsrt::FeedNetwork::new(
        feedcity::ID,
        feedcity::NAME,
        Arc::clone(&shared),
        feeds,
        gtfsrt::Fetcher::new(None).map_err(|e| e.to_string())?,
        std::time::Duration::from_secs(config::DEFAULT_FEED_REFRESH),
    )
    .with_shift(shift);
    let network = Arc::new(network);
    Ok((
        Arc::new(WithTimetable::new(Arc::clone(&network) as Source, shared)),
        network,
        table,
    ))
}

/// What kind of network an id is, as `quai networks --json` says it:
/// "ginko-api", "idfm-prim", or "gtfs-realtime" (a `[[network]]`).
pub fn network_kind(id: &str) -> &'static str {
    match id {
        ginko::ID => "ginko-api",
        idfm::ID => "idfm-prim",
        _ => "gtfs-realtime",
    }
}

/// Whether a built-in network's key is configured.
pub fn has_key(settings: &Settings, path: &Path, cache: &Cache, id: &str) -> bool {
    match id {
        ginko::ID => settings
            .api_key(std::env::var(config::KEY_ENV).ok(), path)
            .ok()
            .flatten()
            .is_some(),
        idfm::ID => idfm_client(settings, path, cache).ok().flatten().is_some(),
        _ => false,
    }
}

/// The network names quai shows.
pub fn network_name(id: &str) -> String {
    match id {
        idfm::ID => "IDFM".into(),
        ginko::ID => "Ginko".into(),
        other => config::defined_name(other).unwrap_or_else(|| other.to_string()),
    }
}

/// The compiled timetables alone, as one network (`--offline`): every
/// network's that has one, or only `network`'s.
pub fn offline(network: Option<&str>) -> Result<Source, String> {
    let mut members: Vec<Source> = Vec::new();
    let mut problems = Vec::new();
    for id in config::known_networks() {
        let id = id.as_str();
        if network.is_some_and(|n| n != id) {
            continue;
        }
        let store = Store::of_network(id)?;
        match store.open() {
            Ok(table) => members.push(Arc::new(TimetableNetwork::new(
                id,
                &network_name(id),
                Arc::new(table),
            ))),
            // A damaged one is said even when another network's is shown.
            Err(e @ crate::timetable::index::OpenError::Missing(_)) => {
                problems.push(format!("{id}: {e}"));
            }
            Err(e) => {
                eprintln!("quai: {id}: {e}");
                problems.push(format!("{id}: {e}"));
            }
        }
    }
    let default = network.or(Some(config::DEFAULT_NETWORK));
    combine(members, default)
        .ok_or_else(|| crate::i18n::tf("offline_none", &[("problems", &problems.join("; "))]))
}

/// The demo's timetables alone, as one network.
pub fn demo_offline(demo: &Demo, network: Option<&str>) -> Result<Source, String> {
    let members: Vec<Source> = demo
        .timetables
        .iter()
        .filter(|t| network.is_none_or(|n| n == crate::network::Network::id(t.as_ref())))
        .map(|t| Arc::clone(t) as Source)
        .collect();
    combine(members, network).ok_or_else(|| "no such demo network".to_string())
}

/// Whether a base URL given on the command line is on this machine.
pub fn is_local_url(api_url: Option<&str>) -> bool {
    api_url
        .and_then(|u| ginko::parse_base_url(u).ok())
        .is_some_and(|u| ginko::client::is_loopback(&u))
}

/// The demo network in the process: its server (it stops when dropped),
/// the network, and how far its clock is from ours.
pub struct Demo {
    pub server: demo::DemoServer,
    pub source: Source,
    /// The demo server's Ginko API, for the Ginko-only commands.
    pub ginko_api: GinkoApi,
    pub clock_shift: jiff::SignedDuration,
    /// The demo networks' timetables, compiled in memory at start.
    pub timetables: Vec<Arc<TimetableNetwork>>,
    /// The demo's network known from its feeds.
    feed_city: Arc<gtfsrt::FeedNetwork>,
}

impl Demo {
    /// The id of the demo's network known from its feeds.
    pub fn feed_city_id(&self) -> &str {
        crate::network::Network::id(self.feed_city.as_ref())
    }

    /// Its feeds read once (`quai networks check`).
    pub async fn check_feed_city(&self) -> crate::network::check::FeedCheck {
        self.feed_city.check().await
    }
}

/// Starts the demo server on 127.0.0.1 (a free port), its clock set to
/// `at` (HH:MM) if given, with nothing cached on disk.
pub async fn demo(at: Option<&str>) -> Result<Demo, String> {
    let at = at.map(demo::parse_at).transpose()?;
    let clock = demo::clock_starting_at(at);
    let clock_shift = Timestamp::now().duration_until(clock().timestamp());
    let server = demo::DemoServer::start_with_clock(
        ([127, 0, 0, 1], 0).into(),
        demo::ServerOptions::default(),
        clock,
    )
    .await
    .map_err(|e| format!("cannot start the demo server: {e}"))?;
    let base = ginko::parse_base_url(&server.url())?;
    let client = Client::new(base, ApiKey::new(demo::DEMO_KEY)).map_err(|e| e.to_string())?;
    let ginko = ginko::Ginko::new(client.clone(), &Cache::memory())
        .named("Ginko (démo)", crate::i18n::t(demo::ATTRIBUTION_SHORT));
    let cache = Cache::memory();
    let prim = http::parse_base_url(&format!("{}{}", server.url(), demo::idfm::PRIM_PATH))?;
    let data = http::parse_base_url(&format!("{}{}", server.url(), demo::idfm::DATA_PATH))?;
    let key = || crate::secret::Secret::new(demo::DEMO_KEY);
    let idfm_client = idfm::Client::new(prim, data, key(), key(), cache.scoped(idfm::ID))
        .map_err(|e| e.to_string())?;
    let idfm = idfm::Idfm::new(idfm_client, &cache, idfm::source::DEFAULT_DAILY_QUOTA)
        .named("IDFM (démo)", crate::i18n::t("demo_attribution_idfm"));
    let members: Vec<Source> = vec![Arc::new(ginko), Arc::new(idfm)];
    let (mut members, mut timetables) = demo_timetables(members, clock_shift);
    let (city, feed_city, table) = demo_feed_city(&server.url(), clock_shift)?;
    members.push(city);
    timetables.extend(table);
    let source = combine(members, None).ok_or("no demo network")?;
    Ok(Demo {
        server,
        source,
        ginko_api: GinkoApi(client),
        clock_shift,
        timetables,
        feed_city,
    })
}
