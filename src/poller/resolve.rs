//! Finding the places: a board's names matched in the networks' stop index, each place with its stops and the lines that serve them, a favourite's filters applied.

use super::*;

/// The network's stop index, and whether it is an old copy.
pub async fn index(source: &dyn Network) -> Result<(Index, bool), NetError> {
    let list = source.stops().await?;
    Ok((Index::from_stops(&list.stops), list.stale))
}

/// Finds the place a user means among the stop names: the same name once
/// folded, else the shortest name holding every word (or word start) of the
/// query.
pub fn match_place<'a>(names_list: &[&'a str], query: &str) -> Option<&'a str> {
    let folded = names::fold(query);
    if folded.is_empty() {
        return None;
    }
    if let Some(exact) = names_list.iter().find(|n| names::fold(n) == folded) {
        return Some(exact);
    }
    let words = names::words(query);
    names_list
        .iter()
        .filter(|n| {
            let place_words = names::words(n);
            words.iter().all(|w| {
                place_words
                    .iter()
                    .any(|pw| pw == w || (w.len() >= 3 && pw.starts_with(w.as_str())))
            })
        })
        .min_by_key(|n| (n.chars().count(), n.to_string()))
        .copied()
}

/// Resolves the places named by the user.
pub async fn resolve(
    source: &dyn Network,
    queries: &[String],
) -> Result<(Vec<ResolvedPlace>, Vec<String>), NetError> {
    let (places, unknown, _) = resolve_parts(source, queries).await?;
    Ok((places, unknown))
}

/// [`resolve`], and which of the unknown places could not be looked up
/// for a reason (their network could not answer), each saying why.
pub async fn resolve_parts(
    source: &dyn Network,
    queries: &[String],
) -> Result<Resolution, NetError> {
    let (index, _) = index(source).await?;
    resolve_in_parts(source, &index, queries).await
}

/// The places found, the names not found (and those that could not be
/// looked up, with why), and those of them that could not be looked up.
pub type Resolution = (Vec<ResolvedPlace>, Vec<String>, Vec<String>);

/// A place argument's network prefix, when it names one of `networks`:
/// `idfm:"gare de lyon"` → (`idfm`, `gare de lyon`).
pub fn split_network<'a>(query: &'a str, networks: &[NetworkInfo]) -> (Option<String>, &'a str) {
    if let Some((prefix, rest)) = query.split_once(':') {
        let prefix = prefix.trim().to_ascii_lowercase();
        if networks.iter().any(|n| n.id == prefix) {
            let rest = rest.trim().trim_matches(|c| c == '"' || c == '\'');
            return (Some(prefix), rest.trim());
        }
    }
    (None, query)
}

/// A query naming a network quai knows but that is not configured here
/// (`idfm:chatelet` without a PRIM token): what is missing.
pub fn not_configured(query: &str, networks: &[NetworkInfo]) -> Option<NetError> {
    let (prefix, _) = query.split_once(':')?;
    let prefix = prefix.trim().to_ascii_lowercase();
    if networks.iter().any(|n| n.id == prefix) {
        return None;
    }
    let kind = crate::network::registry::kind_of(&prefix);
    let (_, name) = kind.builtin.filter(|(id, _)| *id == prefix)?;
    let env = kind.key_env.first().copied().unwrap_or_default();
    Some(NetError::new(
        crate::network::ErrorKind::MissingKey(crate::network::KeyName::env(env)),
        crate::i18n::tf(
            "network_not_configured",
            &[("network", name), ("env", env), ("settings", kind.settings)],
        ),
    ))
}

/// Resolves the places named by the user among the places of `index`. A
/// query may name its network (`idfm:…`); one that does not looks in the
/// default network first, then in the others.
pub async fn resolve_in(
    source: &dyn Network,
    index: &Index,
    queries: &[String],
) -> Result<(Vec<ResolvedPlace>, Vec<String>), NetError> {
    let (places, unknown, _) = resolve_in_parts(source, index, queries).await?;
    Ok((places, unknown))
}

/// [`resolve_in`], and which of the unknown places could not be looked
/// up for a reason.
pub async fn resolve_in_parts(
    source: &dyn Network,
    index: &Index,
    queries: &[String],
) -> Result<Resolution, NetError> {
    let scope = Scope::of(source, index);
    let mut places: Vec<ResolvedPlace> = Vec::new();
    let mut unknown = Vec::new();
    // Why queries were not found, when their network could not answer.
    let mut reasons: Vec<NetError> = Vec::new();
    let mut unavailable = Vec::new();
    let mut cannot_answer = |query: &str, e: NetError, unknown: &mut Vec<String>| {
        let detail = crate::i18n::tf(
            "place_unavailable",
            &[("query", &sanitize::text(query)), ("why", &e.detail)],
        );
        unknown.push(detail.clone());
        unavailable.push(detail.clone());
        reasons.push(NetError::new(e.kind, detail));
    };
    for query in queries {
        if let Some(e) = not_configured(query, &scope.networks) {
            cannot_answer(query, e, &mut unknown);
            continue;
        }
        let (wanted, text) = split_network(query, &scope.networks);
        let Some((name, network)) = scope.find(source, wanted.as_deref(), text).await? else {
            // The place may be in a network whose stops could not be had.
            let failed = match &wanted {
                Some(net) => source.stops_failure(net),
                None => scope
                    .networks
                    .iter()
                    .find_map(|n| source.stops_failure(&n.id)),
            };
            match failed {
                Some(e) => cannot_answer(query, e, &mut unknown),
                None => unknown.push(source.unknown_place(&sanitize::text(query))),
            }
            continue;
        };
        if places
            .iter()
            .any(|p| p.name == name && p.network == network)
        {
            continue;
        }
        places.push(scope.place(source, query, name, network).await);
    }
    board_error(&places, reasons)?;
    Ok((places, unknown, unavailable))
}

/// The index's places, each with its network, and the networks.
pub(super) struct Scope<'a> {
    index: &'a Index,
    /// The network of each of the index's places.
    networks_of: Vec<String>,
    networks: Vec<NetworkInfo>,
    default: String,
}

impl<'a> Scope<'a> {
    fn of(source: &dyn Network, index: &'a Index) -> Scope<'a> {
        let networks = source.networks();
        let default = networks.first().map(|n| n.id.clone()).unwrap_or_default();
        let networks_of = index
            .places
            .iter()
            .map(|p| {
                p.stop_ids
                    .first()
                    .and_then(|id| source.network_of(id))
                    .map(|n| n.id)
                    .unwrap_or_default()
            })
            .collect();
        Scope {
            index,
            networks_of,
            networks,
            default,
        }
    }

    /// The names of the places of network `net` (all with `None`).
    fn names_in(&self, net: Option<&str>) -> Vec<&'a str> {
        self.index
            .places
            .iter()
            .zip(&self.networks_of)
            .filter(|(_, n)| net.is_none_or(|net| n.as_str() == net))
            .map(|(p, _)| p.name.as_str())
            .collect()
    }

    /// The place `text` names, and its network: in the network `wanted`,
    /// else the default one, then the others; else the name the network
    /// itself matches (it may match more loosely than quai does).
    async fn find(
        &self,
        source: &dyn Network,
        wanted: Option<&str>,
        text: &str,
    ) -> Result<Option<(String, String)>, NetError> {
        let first_try = wanted.unwrap_or(&self.default);
        let mut found = match_place(&self.names_in(Some(first_try)), text)
            .map(|n| (n.to_string(), first_try.to_string()));
        if found.is_none() && wanted.is_none() && self.networks.len() > 1 {
            found = self.networks.iter().skip(1).find_map(|n| {
                match_place(&self.names_in(Some(&n.id)), text)
                    .map(|m| (m.to_string(), n.id.clone()))
            });
        }
        if found.is_none() {
            found = source.exact_name(text).await?.and_then(|n| {
                let net = wanted.unwrap_or(&self.default).to_string();
                match_place(&self.names_in(Some(&net)), &n).map(|m| (m.to_string(), net))
            });
        }
        Ok(found)
    }

    /// The place `name` of `network`, with the lines at its stops (or
    /// why they could not be had).
    async fn place(
        &self,
        source: &dyn Network,
        query: &str,
        name: String,
        network: String,
    ) -> ResolvedPlace {
        let stop_ids = self
            .index
            .places
            .iter()
            .zip(&self.networks_of)
            .find(|(p, n)| p.name == name && **n == network)
            .map(|(p, _)| p.stop_ids.clone())
            .unwrap_or_default();
        // A place whose network fails is kept, saying why, when others
        // can be shown; when every place fails, that is the board's error.
        let (lines, problem) = match source.lines_at(&stop_ids).await {
            Ok(lines) => (lines, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        let network_name = self
            .networks
            .iter()
            .find(|n| n.id == network)
            .map(|n| n.name.clone())
            .unwrap_or_default();
        let mut place = ResolvedPlace {
            network,
            network_name,
            problem,
            walk: None,
            query: query.to_string(),
            label: None,
            name,
            stop_ids,
            lines,
            to: None,
        };
        place.sort_lines();
        place
    }
}

/// The board's error, when there is one: nothing to show because networks
/// could not answer (saying what is missing), or every place failing.
pub(super) fn board_error(
    places: &[ResolvedPlace],
    reasons: Vec<NetError>,
) -> Result<(), NetError> {
    if places.is_empty()
        && let Some(e) = reasons.into_iter().next()
    {
        return Err(e);
    }
    if !places.is_empty()
        && let Some(e) = places
            .iter()
            .map(|p| p.problem.clone())
            .collect::<Option<Vec<NetError>>>()
            .and_then(|all| all.into_iter().next())
    {
        return Err(e);
    }
    Ok(())
}

/// Applies the favourites' line filters and labels to resolved places.
pub fn apply_favorites(places: &mut [ResolvedPlace], favorites: &[crate::favorites::Favorite]) {
    for place in places.iter_mut() {
        let query = place
            .query
            .split_once(':')
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case(&place.network))
            .map_or(place.query.as_str(), |(_, q)| q.trim().trim_matches('"'));
        let folded = [names::fold(query), names::fold(&place.name)];
        let Some(favorite) = favorites.iter().find(|f| {
            folded.contains(&names::fold(&f.place))
                && f.network.as_deref().is_none_or(|n| n == place.network)
        }) else {
            continue;
        };
        place.label = favorite.label.clone();
        place.walk = favorite.walk.or(place.walk);
        place.to = favorite.to.clone().or(place.to.take());
        place.lines.retain(|l| favorite.keeps(l));
    }
}
