//! The networks quai knows, built from the settings: the one place besides
//! the networks' own folders and the demo that names them. Each kind is
//! described once, in [`kinds::KINDS`]; the functions here read that table
//! and never match on a network's id.

pub mod kinds;
mod known;

pub use kinds::{KINDS, Kind, Zone, builtin_ids, default_network, is_builtin, kind_of};
pub use known::Networks;

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;

use crate::cache::Cache;
use crate::config::{self, Settings};
use crate::demo;
use crate::network::ginko::{self, ApiKey, Client};
use crate::network::gtfsrt;

use crate::network::Source;
use crate::network::multi::Multi;
use crate::timetable::fallback::{Refresh, Shared, WithTimetable};
use crate::timetable::source::TimetableNetwork;
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
    ginko::kind::client(settings, path, api_url, need_key).map(GinkoApi)
}

/// Puts the default network first: `--network`, else the settings'
/// `default_network`, else Ginko.
fn order(members: &mut [Source], default: Option<&str>) {
    let default = default.unwrap_or(default_network());
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

/// What the kinds build their networks from.
pub struct Build<'a> {
    pub settings: &'a Settings,
    pub path: &'a Path,
    /// `--api-url` or `GINKO_API_URL`, before the settings' own.
    pub api_url: Option<&'a str>,
    pub cache: &'a Cache,
}

/// Why no network could be built from the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupError {
    /// None is configured: the default network's key is missing from
    /// the settings file at this path (and the environment).
    NoNetwork(std::path::PathBuf),
    /// The settings are wrong; the text says where.
    Settings(String),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::NoNetwork(path) => f.write_str(&crate::i18n::tf(
                "missing_key_settings",
                &[
                    ("why", &ginko::ApiError::MissingKey.to_string()),
                    ("path", &path.display().to_string()),
                ],
            )),
            SetupError::Settings(text) => f.write_str(text),
        }
    }
}

impl From<SetupError> for String {
    fn from(e: SetupError) -> String {
        e.to_string()
    }
}

/// The networks of the settings, the default first, each caching in its
/// own part of `cache`. With none configured, the default network's key
/// is what is missing.
pub fn from_settings(
    settings: &Settings,
    path: &Path,
    api_url: Option<&str>,
    cache: &Cache,
    network: Option<&str>,
) -> Result<Source, SetupError> {
    let build = Build {
        settings,
        path,
        api_url,
        cache,
    };
    let mut members: Vec<Source> = Vec::new();
    for kind in &KINDS {
        members.extend((kind.build)(&build).map_err(SetupError::Settings)?);
    }
    let default = network.or(settings.default_network.as_deref());
    let source =
        combine(members, default).ok_or_else(|| SetupError::NoNetwork(path.to_path_buf()))?;
    Ok(source)
}

/// The zone of network `id` when its kind's zone is fixed (a board read
/// from a broker shows places of any kind, before any timetable is read).
pub fn fixed_zone(id: &str) -> Option<jiff::tz::TimeZone> {
    KINDS
        .iter()
        .find_map(|kind| match (kind.builtin, kind.zone) {
            (Some((builtin, _)), Zone::Fixed(name)) if builtin == id => {
                jiff::tz::TimeZone::get(name).ok()
            }
            _ => None,
        })
}

/// Where network `id`'s timetable is compiled and kept, keeping what its
/// kind needs of each trip.
pub fn store(id: &str) -> Result<Store, String> {
    Store::of_network(
        id,
        crate::timetable::compile::Options {
            trip_stops: kind_of(id).trip_stops,
        },
    )
}

/// A `[[network]]`'s feeds read once (`quai networks check`).
pub async fn check_feed_network(
    n: &config::FeedNetworkSettings,
    path: &Path,
) -> Result<crate::network::check::FeedCheck, String> {
    let (network, _) = gtfsrt::kind::network(n, path, jiff::SignedDuration::ZERO)?;
    Ok(network.check().await)
}

/// Where a network's GTFS feed is published: the settings' `gtfs_url`,
/// else its kind's own.
pub fn gtfs_source(settings: &Settings, network: &str) -> Result<FeedSource, String> {
    let kind = kind_of(network);
    let defined = kind.builtin.is_some() || settings.networks.iter().any(|n| n.id == network);
    let url = (kind.gtfs_setting)(settings, network)
        .or_else(|| kind.default_gtfs_url.map(str::to_string));
    match url {
        Some(url) if defined => Ok(FeedSource::parse(&url)),
        _ => Err(format!(
            "unknown network {network:?} ({})",
            Networks::of(settings).ids().collect::<Vec<_>>().join(", ")
        )),
    }
}

/// The header a network's feed download needs, if any (its kind's).
pub fn gtfs_auth(
    settings: &Settings,
    path: &Path,
    network: &str,
    source: &FeedSource,
) -> Result<Option<Auth>, String> {
    (kind_of(network).gtfs_auth)(settings, path, source)
}

/// A network with the timetable compiled for it, when there is one, to
/// fall back to; refreshed in the background once a day by the boards.
pub(crate) fn with_timetable(member: Source, settings: &Settings, path: &Path) -> Source {
    let id = member.id().to_string();
    let Ok(store) = store(&id) else {
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
    let kind = kind_of(&id);
    let configured = kind
        .builtin
        .and_then(|_| (kind.gtfs_setting)(settings, &id));
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
pub fn with_local_timetables(mut source: Source, networks: &Networks) -> Source {
    for id in networks.ids() {
        let Ok(store) = store(id) else {
            continue;
        };
        let name = networks.name(id);
        // One compiled later is picked up too.
        let table = store
            .open()
            .ok()
            .map(|table| Arc::new(TimetableNetwork::new(id, &name, Arc::new(table))));
        let shared: Shared = Arc::new(std::sync::RwLock::new(table));
        source = Arc::new(WithTimetable::new(source, shared).watching(store, id, &name));
    }
    source
}

/// What kind of network an id is, as `quai networks --json` says it:
/// "ginko-api", "idfm-prim", or "gtfs-realtime" (a `[[network]]`).
pub fn network_kind(id: &str) -> &'static str {
    kind_of(id).code
}

/// Whether a network's key is configured.
pub fn has_key(settings: &Settings, path: &Path, cache: &Cache, id: &str) -> bool {
    (kind_of(id).has_key)(settings, path, cache)
}

/// The compiled timetables alone, as one network (`--offline`): every
/// network's that has one, or only `network`'s.
pub fn offline(network: Option<&str>, networks: &Networks) -> Result<Source, String> {
    let mut members: Vec<Source> = Vec::new();
    let mut problems = Vec::new();
    for id in networks.ids() {
        if network.is_some_and(|n| n != id) {
            continue;
        }
        let store = store(id)?;
        match store.open() {
            Ok(table) => members.push(Arc::new(TimetableNetwork::new(
                id,
                &networks.name(id),
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
    let default = network.or(Some(default_network()));
    let source = combine(members, default)
        .ok_or_else(|| crate::i18n::tf("offline_none", &[("problems", &problems.join("; "))]))?;
    Ok(source)
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
    /// The demo's networks: the built-in ones and its city.
    pub networks: Networks,
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

/// What the kinds build their demo networks from: the demo server, and
/// what the demo keeps of them.
pub struct DemoBuild<'a> {
    /// The demo server's base URL.
    pub url: &'a str,
    /// How far the demo's clock is from ours.
    pub shift: jiff::SignedDuration,
    pub(crate) cache: Cache,
    tables: std::sync::Mutex<Vec<Arc<TimetableNetwork>>>,
    pub(crate) feed_city: std::sync::Mutex<Option<Arc<gtfsrt::FeedNetwork>>>,
}

impl DemoBuild<'_> {
    /// A demo network with its timetable, compiled in memory (kept for
    /// `--offline` too).
    pub(crate) fn with_timetable(
        &self,
        member: Source,
        zip: Option<Vec<u8>>,
        trip_stops: bool,
        shared: Shared,
    ) -> Source {
        let options = crate::timetable::compile::Options { trip_stops };
        if let Some(Ok((table, _))) =
            zip.map(|zip| crate::timetable::feed::compile_in_memory_with(&zip, options))
        {
            let network = Arc::new(
                TimetableNetwork::new(member.id(), member.name(), Arc::new(table))
                    .with_shift(self.shift),
            );
            if let Ok(mut tables) = self.tables.lock() {
                tables.push(Arc::clone(&network));
            }
            if let Ok(mut slot) = shared.write() {
                *slot = Some(network);
            }
        }
        Arc::new(WithTimetable::new(member, shared))
    }

    /// The demo's day, by its clock.
    pub(crate) fn today(&self) -> jiff::civil::Date {
        let now = ginko::now();
        now.checked_add(self.shift)
            .map(|z| z.date())
            .unwrap_or_else(|_| now.date())
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
    let url = server.url();
    let build = DemoBuild {
        url: &url,
        shift: clock_shift,
        cache: Cache::memory(),
        tables: std::sync::Mutex::new(Vec::new()),
        feed_city: std::sync::Mutex::new(None),
    };
    let mut members = Vec::new();
    for kind in &KINDS {
        members.push((kind.demo)(&build)?);
    }
    let source = combine(members, None).ok_or("no demo network")?;
    let base = ginko::parse_base_url(&url)?;
    let client = Client::new(base, ApiKey::new(demo::DEMO_KEY)).map_err(|e| e.to_string())?;
    let timetables = build.tables.into_inner().unwrap_or_default();
    let feed_city = build
        .feed_city
        .into_inner()
        .ok()
        .flatten()
        .ok_or("no demo feed network")?;
    let networks = Networks::with([(
        demo::feedcity::ID.to_string(),
        demo::feedcity::NAME.to_string(),
    )]);
    Ok(Demo {
        server,
        source,
        ginko_api: GinkoApi(client),
        clock_shift,
        timetables,
        feed_city,
        networks,
    })
}
