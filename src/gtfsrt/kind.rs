//! A network from its feeds (`[[network]]`) as the registry builds it:
//! from the settings, and the demo's city.

use std::path::Path;
use std::sync::Arc;

use crate::config;
use crate::network::Source;
use crate::network::gtfsrt;
use crate::network::registry::{Build, DemoBuild, kind_of, store};
use crate::timetable::fallback::{Refresh, Shared, WithTimetable};
use crate::timetable::source::TimetableNetwork;
use crate::timetable::store::FeedSource;

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
pub(crate) fn feed_network(
    n: &config::FeedNetworkSettings,
    path: &Path,
    shift: jiff::SignedDuration,
) -> Result<Source, String> {
    let (network, shared) = network(n, path, shift)?;
    let refresh = match (n.gtfs_url.as_deref(), store(&n.id)) {
        (Some(url), Ok(store)) => Some(Refresh::new(store, FeedSource::parse(url), None)),
        _ => None,
    };
    Ok(Arc::new(
        WithTimetable::new(network, shared).refreshed_by(refresh),
    ))
}

/// The network of a `[[network]]` alone, and the timetable it reads (its
/// compiled index, when there is one).
pub(crate) fn network(
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
    let store = store(&n.id)?;
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

/// The settings' `[[network]]`s, each from its feeds, with its timetable.
pub(crate) fn build(b: &Build<'_>) -> Result<Vec<Source>, String> {
    b.settings
        .networks
        .iter()
        .map(|n| feed_network(n, b.path, jiff::SignedDuration::ZERO))
        .collect()
}

/// The demo city known from the demo server's feeds, with its timetable.
pub(crate) fn demo(b: &DemoBuild<'_>) -> Result<Source, String> {
    use crate::demo::feedcity;
    let url = |path: &str| {
        gtfsrt::feed::parse_feed_url(&format!("{}{path}", b.url), false)
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
    // Its own day: the demo city's timetable is in its own zone.
    let zip = feedcity::gtfs(jiff::Zoned::now().with_time_zone(feedcity::zone()).date());
    // The feed network reads the timetable it is shown with.
    let shared: Shared = Arc::new(std::sync::RwLock::new(None));
    let network = Arc::new(
        gtfsrt::FeedNetwork::new(
            feedcity::ID,
            crate::i18n::t("demo_name_feedcity"),
            Arc::clone(&shared),
            feeds,
            gtfsrt::Fetcher::new(None).map_err(|e| e.to_string())?,
            std::time::Duration::from_secs(config::DEFAULT_FEED_REFRESH),
        )
        .with_shift(b.shift),
    );
    let source = b.with_timetable(
        Arc::clone(&network) as Source,
        zip,
        kind_of(feedcity::ID).trip_stops,
        shared,
    );
    if let Ok(mut city) = b.feed_city.lock() {
        *city = Some(network);
    }
    Ok(source)
}
