//! `quai stops`: the places matching a name, or near a position.

use super::{CommandResult, Context, print};
use crate::config;
use crate::i18n::{t, tf};
use crate::network::Network;
use crate::poller;
use crate::search::Index;

/// The stop index, and whether it is an old copy (the network failed).
pub(super) async fn stop_index(source: &dyn Network) -> Result<(Index, bool), String> {
    poller::index(source).await.map_err(|e| e.to_string())
}

/// Resolves a name to one place of the index: the same name once folded,
/// the only match, or the only name starting with it; otherwise says which
/// were close.
pub(super) fn pick_place(index: &Index, name: &str) -> Result<String, String> {
    if let Some(place) = index.place(name) {
        return Ok(place.name.clone());
    }
    let matches = index.search(name, 6);
    let folded = crate::names::fold(name);
    let starting: Vec<&str> = matches
        .iter()
        .map(|m| m.place.name.as_str())
        .filter(|n| crate::names::fold(n).starts_with(&folded))
        .collect();
    match (matches.as_slice(), starting.as_slice()) {
        ([], _) => Err(tf("stops_no_match", &[("name", name)])),
        ([only], _) => Ok(only.place.name.clone()),
        (_, [only]) => Ok(only.to_string()),
        _ => {
            let close: Vec<&str> = matches.iter().map(|m| m.place.name.as_str()).collect();
            Err(tf(
                "stops_ambiguous",
                &[("name", name), ("close", &close.join(", "))],
            ))
        }
    }
}

/// The places of the network a query names (`idfm:gare`), or of the
/// `--network` given, else all; and the query without its prefix.
pub(super) fn in_network<'q>(
    source: &dyn crate::network::Network,
    index: Index,
    query: &'q str,
    network: Option<&str>,
) -> (Index, &'q str) {
    let (wanted, text) = crate::poller::split_network(query, &source.networks());
    let Some(wanted) = wanted.or_else(|| network.map(str::to_string)) else {
        return (index, text);
    };
    let places = index
        .places
        .into_iter()
        .filter(|p| {
            p.stop_ids
                .first()
                .and_then(|id| source.network_of(id))
                .is_some_and(|n| n.id == wanted)
        })
        .collect();
    (Index { places }, text)
}

/// The network's name after a place's, when several are configured.
pub(super) fn network_suffix(source: &dyn crate::network::Network, stop_ids: &[String]) -> String {
    if source.networks().len() < 2 {
        return String::new();
    }
    stop_ids
        .first()
        .and_then(|id| source.network_of(id))
        .map(|n| format!(" · {}", n.name))
        .unwrap_or_default()
}

/// `quai stops QUERY` / `quai stops --near LAT,LON`
pub async fn stops(
    ctx: &Context<'_>,
    query: Option<&str>,
    near: Option<&str>,
    limit: usize,
) -> CommandResult {
    let source = ctx.source().await?;
    let mut out = String::new();
    if let Some(near) = near {
        let here = config::parse_position(near)?;
        let found: Vec<crate::domain::Stop> = if source.capabilities().nearby {
            source.nearby(here).await.map_err(|e| e.to_string())?
        } else {
            let (index, _) = stop_index(source.as_ref()).await?;
            index
                .near(here, 500.0)
                .into_iter()
                .map(|(place, _)| crate::domain::Stop {
                    id: place.stop_ids.join(" "),
                    name: place.name.clone(),
                    position: place.position,
                    accessibility: crate::domain::Accessibility::Unknown,
                })
                .collect()
        };
        let mut seen: Vec<String> = Vec::new();
        for stop in found {
            if seen.contains(&stop.name) {
                continue;
            }
            let distance = stop
                .position
                .map(|p| format!("{:>4.0} m", p.distance_m(here)))
                .unwrap_or_else(|| "   ? m".into());
            out.push_str(&format!("{distance}  {}  ({})\n", stop.name, stop.id));
            seen.push(stop.name);
            if seen.len() >= limit {
                break;
            }
        }
        if seen.is_empty() {
            out.push_str(t("stops_none_near"));
            out.push('\n');
        }
    } else {
        let query = query.unwrap_or_default();
        let networks = source.networks();
        if let Some(e) = poller::not_configured(query, &networks) {
            return Err(tf(
                "place_unavailable",
                &[("query", query), ("why", &e.detail)],
            ));
        }
        let (index, stale) = stop_index(source.as_ref()).await?;
        let (wanted, _) = poller::split_network(query, &networks);
        let (index, text) = in_network(source.as_ref(), index, query, ctx.cli.network.as_deref());
        let matches = index.search(text, limit);
        if matches.is_empty() {
            // The place may be in a network whose stops could not be had.
            let failed = match wanted.or_else(|| ctx.cli.network.clone()) {
                Some(net) => source.stops_failure(&net),
                None => networks.iter().find_map(|n| source.stops_failure(&n.id)),
            };
            return Err(match failed {
                Some(e) => tf("place_unavailable", &[("query", query), ("why", &e.detail)]),
                None => tf("stops_no_match", &[("name", query)]),
            });
        }
        for m in &matches {
            let ids = m.place.stop_ids.join(" ");
            let network = network_suffix(source.as_ref(), &m.place.stop_ids);
            out.push_str(&format!("{}{network}  [{ids}]\n", m.place.name));
        }
        if stale {
            out.push_str(t("stops_from_cache"));
            out.push('\n');
        }
    }
    print(&out)
}
