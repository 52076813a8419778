//! Fetching for the board, from any [`Network`]: resolving the places (the
//! stops and the lines that serve them), then one task that refreshes the
//! departures every period with back-off on failure, and one for the
//! traffic messages and line states every minute. The tasks never print:
//! they send [`Update`]s to the UI loop. They keep no board of their own:
//! the one board is the receiver's, changed by each update ([`apply`]);
//! the task keeps only the places it asks about.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::{Notify, mpsc, watch};

use crate::domain::Message;
use crate::model::{self, ResolvedPlace};
use crate::network::{NetError, Network, NetworkInfo, PerRow, RowResult, Source};
use crate::search::Index;
use crate::{names, sanitize};

/// The lift status is asked again every 5 minutes (the network keeps it
/// as long as it deems right).
pub const LIFTS_EVERY: Duration = Duration::from_secs(300);
/// A place whose lines could not be had is asked again this often.
pub const PLACE_RETRY: Duration = Duration::from_secs(60);
/// Traffic messages must not be older than a minute.
pub const MESSAGES_EVERY: Duration = Duration::from_secs(60);

/// What the fetching tasks tell the UI.
#[derive(Debug, Clone)]
pub enum Update {
    /// The places are known (some names may be unknown to the network).
    Resolved {
        places: Vec<ResolvedPlace>,
        unknown: Vec<String>,
        /// Those of `unknown` that are not unknown but could not be
        /// looked up, each saying why ("« idfm:chatelet » : la clé manque").
        unavailable: Vec<String>,
    },
    Departures {
        at: Timestamp,
        results: Vec<RowResult>,
    },
    Failed(NetError),
    Messages(Vec<Message>),
    /// The lines' traffic states.
    LineStates(Vec<crate::domain::LineStatus>),
    /// The lift status of a place (by its stop ids).
    Lifts {
        stop_ids: Vec<String>,
        lifts: Result<Vec<crate::domain::Lift>, NetError>,
    },
    /// How often the networks are asked ("actualisé toutes les 90 s").
    Schedule(Option<String>),
    /// The zone of each network's times (sent with the places, and again
    /// when one changes: a timetable read later gives its zone).
    Zones(crate::domain::Zones),
    /// The stop index for the search (`stale`: an old copy).
    Index {
        index: Arc<Index>,
        stale: bool,
    },
}

/// The day in the shown zone.
fn today(zones: &crate::domain::Zones) -> String {
    zones.now().date().to_string()
}

/// The zones of `source`'s networks: each one's own where known, and the
/// default network's (the first) for the header's clock.
pub fn zones_of(source: &dyn Network) -> crate::domain::Zones {
    let networks = source.networks();
    let mut zones = match networks.first().and_then(|n| source.zone(&n.id)) {
        Some(first) => crate::domain::Zones::new(first),
        None => crate::domain::Zones::default(),
    };
    for network in &networks {
        if let Some(zone) = source.zone(&network.id) {
            zones.set(&network.id, zone);
        }
    }
    zones
}

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
struct Scope<'a> {
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
        };
        place.sort_lines();
        place
    }
}

/// The board's error, when there is one: nothing to show because networks
/// could not answer (saying what is missing), or every place failing.
fn board_error(places: &[ResolvedPlace], reasons: Vec<NetError>) -> Result<(), NetError> {
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

/// The lift status of the places whose network has one.
pub async fn lift_updates<'a>(
    source: &dyn Network,
    places: impl IntoIterator<Item = &'a ResolvedPlace>,
) -> Vec<Update> {
    let mut out = Vec::new();
    for place in places {
        let has_lifts = place
            .stop_ids
            .first()
            .and_then(|id| source.network_of(id))
            .is_some_and(|n| n.capabilities.lifts);
        if has_lifts {
            out.push(Update::Lifts {
                stop_ids: place.stop_ids.clone(),
                lifts: source.lifts(&place.stop_ids).await,
            });
        }
    }
    out
}

/// Settings of the polling tasks.
#[derive(Debug, Clone)]
pub struct PollSettings {
    pub places: Vec<String>,
    pub nb: PerRow,
    pub refresh: Duration,
    /// Favourites: their lines filter and their labels (empty: all lines).
    pub favorites: Vec<crate::favorites::Favorite>,
    /// Minutes on foot to every place (`--walk`), unless its favourite
    /// says otherwise.
    pub walk: Option<u32>,
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
        place.lines.retain(|l| favorite.keeps(l));
    }
}

/// The running fetching tasks: dropping it stops them at once, so that no
/// request leaves after (the kiosk's quiet hours rely on it).
#[derive(Debug)]
pub struct Poller {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Poller {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The networks of `places` alone, as one source: a board whose places
/// are all on some of the configured networks asks nothing of the others
/// (departures, messages, line states, lifts) and says nothing of them
/// (their schedule notes). The source as it is when it is one network,
/// when no place is known, or when a place's network is not one of its
/// members.
pub fn shown_networks(source: &Source, places: &[ResolvedPlace]) -> Source {
    let all = source.networks();
    let ids: Vec<&str> = all
        .iter()
        .map(|n| n.id.as_str())
        .filter(|id| places.iter().any(|p| p.network == *id))
        .collect();
    if ids.is_empty()
        || ids.len() == all.len()
        || places.iter().any(|p| !ids.contains(&p.network.as_str()))
    {
        return source.clone();
    }
    let members: Option<Vec<Source>> = ids.iter().map(|id| source.member(id)).collect();
    match members.and_then(crate::network::multi::Multi::new) {
        Some(multi) => Arc::new(multi),
        None => source.clone(),
    }
}

/// Starts the fetching tasks; `refresh_now` makes the waiting-times task
/// poll at once, and a list sent on `commands` replaces the places shown.
/// The tasks end when the receiver of `updates` is dropped, or with the
/// returned [`Poller`]. The places are resolved again when the day changes
/// (the lines that serve a stop are the day's).
pub fn spawn(
    source: Source,
    settings: PollSettings,
    updates: mpsc::Sender<Update>,
    refresh_now: Arc<Notify>,
    commands: Commands,
) -> Poller {
    let new_places = Arc::new(Notify::new());
    let (shown_tx, shown) = watch::channel(None);
    let messages_task = tokio::spawn(poll_messages(shown, updates.clone(), new_places.clone()));
    let zones = zones_of(source.as_ref());
    let task = Departures {
        shown: source.clone(),
        shown_tx,
        source,
        settings,
        updates,
        refresh_now,
        commands,
        failures: 0,
        index_stale: false,
        zones,
    };
    let times_task = tokio::spawn(poll_departures(task, new_places));
    Poller {
        tasks: vec![messages_task, times_task],
    }
}

/// The messages and line states of the networks shown, every minute
/// (sooner after a failure, with back-off, and at once when new places are
/// shown while they are missing, or when the networks shown change), until
/// the receiver of `updates` is gone. The networks shown are known once
/// the places are resolved (all of them while they cannot be).
async fn poll_messages(
    mut shown: watch::Receiver<Option<Source>>,
    updates: mpsc::Sender<Update>,
    new_places: Arc<Notify>,
) {
    let mut failures = 0;
    if shown.wait_for(Option::is_some).await.is_err() {
        return;
    }
    loop {
        let Some(source) = shown.borrow_and_update().clone() else {
            return;
        };
        let delay = match source.messages().await {
            Ok(list) => {
                failures = 0;
                if updates.send(Update::Messages(list)).await.is_err() {
                    return;
                }
                // The states only add marks: a failure is not reported.
                if source.capabilities().line_states
                    && let Ok(states) = source.line_states().await
                    && updates.send(Update::LineStates(states)).await.is_err()
                {
                    return;
                }
                MESSAGES_EVERY
            }
            Err(_) => {
                failures += 1;
                model::next_poll_delay(MESSAGES_EVERY, failures)
            }
        };
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => break,
                _ = new_places.notified() => if failures > 0 { break },
                changed = shown.changed() => match changed {
                    Ok(()) => break,
                    Err(_) => return,
                },
            }
        }
    }
}

/// New places to show, with the favourites that filter and label them.
type Commands = mpsc::Receiver<(Vec<String>, Vec<crate::favorites::Favorite>)>;

/// What the departures task works with, from one set of places to the
/// next.
struct Departures {
    /// Every network, for the stop index and the places' look-up.
    source: Source,
    /// The networks of the places shown ([`shown_networks`]), asked for
    /// everything else.
    shown: Source,
    /// Where the messages' task learns the networks shown.
    shown_tx: watch::Sender<Option<Source>>,
    settings: PollSettings,
    updates: mpsc::Sender<Update>,
    refresh_now: Arc<Notify>,
    commands: Commands,
    /// Failures in a row, for the back-off.
    failures: u32,
    /// The places were found in an old stop list (the network was down):
    /// they are looked up again every minute until a fresh list comes.
    index_stale: bool,
    /// The zones last sent.
    zones: crate::domain::Zones,
}

impl Departures {
    /// Sends the networks' zones when they changed, or `always`; `None`
    /// when the receiver is gone.
    async fn send_zones(&mut self, always: bool) -> Option<()> {
        let zones = zones_of(self.source.as_ref());
        if always || zones != self.zones {
            self.zones = zones.clone();
            self.updates.send(Update::Zones(zones)).await.ok()?;
        }
        Some(())
    }

    /// Resolves the places (their walk times and favourites' filters
    /// applied) and sends them with the stop index, retrying while the
    /// network is down; `None` when the receiver is gone.
    async fn resolve(&mut self) -> Option<Resolution> {
        self.index_stale = false;
        loop {
            // One look-up of the stops serves the search and the board.
            let resolved = match index(self.source.as_ref()).await {
                Ok((index, stale)) => {
                    self.index_stale = stale;
                    let index = Arc::new(index);
                    let update = Update::Index {
                        index: index.clone(),
                        stale,
                    };
                    self.updates.send(update).await.ok()?;
                    resolve_in_parts(self.source.as_ref(), &index, &self.settings.places).await
                }
                Err(e) => Err(e),
            };
            match resolved {
                Ok((mut places, unknown, unavailable)) => {
                    for place in &mut places {
                        place.walk = self.settings.walk;
                    }
                    apply_favorites(&mut places, &self.settings.favorites);
                    self.show(shown_networks(&self.source, &places));
                    self.send_zones(true).await?;
                    let update = Update::Resolved {
                        places: places.clone(),
                        unknown: unknown.clone(),
                        unavailable: unavailable.clone(),
                    };
                    self.updates.send(update).await.ok()?;
                    self.failures = 0;
                    return Some((places, unknown, unavailable));
                }
                Err(e) => {
                    if self.shown_tx.borrow().is_none() {
                        self.shown_tx.send_replace(Some(self.source.clone()));
                    }
                    self.failures += 1;
                    let delay = retry_delay(self.settings.refresh, self.failures, &e);
                    self.updates.send(Update::Failed(e)).await.ok()?;
                    if let Some((places, favorites)) =
                        wait(delay, &self.refresh_now, &mut self.commands).await
                    {
                        self.settings.places = places;
                        self.settings.favorites = favorites;
                    }
                }
            }
        }
    }

    /// Asks `shown` from now on; the messages' task learns it when its
    /// networks are not those it asks already.
    fn show(&mut self, shown: Source) {
        let ids = |s: &Source| -> Vec<String> { s.networks().into_iter().map(|n| n.id).collect() };
        let changed = self
            .shown_tx
            .borrow()
            .as_ref()
            .is_none_or(|old| ids(old) != ids(&shown));
        self.shown = shown;
        if changed {
            self.shown_tx.send_replace(Some(self.shown.clone()));
        }
    }

    /// The places with their rows looked up again, when they changed.
    async fn rows_again(&self, shown: &[ResolvedPlace]) -> Option<Vec<ResolvedPlace>> {
        let mut places = shown.to_vec();
        for place in &mut places {
            match self.shown.lines_at(&place.stop_ids).await {
                Ok(lines) => {
                    place.lines = lines;
                    place.problem = None;
                    place.sort_lines();
                }
                Err(e) if place.lines.is_empty() => place.problem = Some(e),
                Err(_) => {}
            }
        }
        apply_favorites(&mut places, &self.settings.favorites);
        (places != shown).then_some(places)
    }

    /// Fetches the departures of `requests` and sends them, or the
    /// failure; the delay until the next fetch. `None` when the receiver
    /// is gone.
    async fn fetch(&mut self, requests: &[crate::network::RowRequest]) -> Option<Duration> {
        let (update, delay) = match self.shown.departures(requests, self.settings.nb).await {
            Ok(results) => {
                self.failures = 0;
                self.send_zones(false).await?;
                let at = Timestamp::now();
                (Update::Departures { at, results }, self.settings.refresh)
            }
            Err(e) => {
                self.failures += 1;
                let delay = retry_delay(self.settings.refresh, self.failures, &e);
                (Update::Failed(e), delay)
            }
        };
        self.updates.send(update).await.ok()?;
        Some(delay)
    }
}

/// Resolves the places, then fetches their departures every period (one
/// request at a time: the next waits for the answer), with back-off after
/// failures, a refresh on demand, new places on command, and the places
/// resolved again when the day changes.
async fn poll_departures(mut task: Departures, new_places: Arc<Notify>) {
    'places: loop {
        // Resolve the places first, retrying while the network is down.
        let resolved_on = today(&task.zones);
        let Some((mut shown, unknown, unavailable)) = task.resolve().await else {
            return;
        };
        // What the requests need of the board: its places, and their
        // requests worked out once per set of places.
        let mut requests = model::requests(&shown);
        let resolved_at = tokio::time::Instant::now();
        let mut last_note = None;
        let mut lifts_at: Option<tokio::time::Instant> = None;
        let mut rows_checked = tokio::time::Instant::now();
        loop {
            // A network whose rows follow its answers (a destination seen
            // for the first time, a station that was empty at night): the
            // places' rows are looked at again now and then.
            let troubled = shown.iter().any(|p| p.problem.is_some());
            let every = match (task.shown.rows_change_every(), troubled) {
                (_, true) => Some(PLACE_RETRY),
                (every, false) => every,
            };
            if let Some(every) = every
                && rows_checked.elapsed() >= every
            {
                rows_checked = tokio::time::Instant::now();
                if let Some(places) = task.rows_again(&shown).await {
                    shown = places;
                    requests = model::requests(&shown);
                    let update = Update::Resolved {
                        places: shown.clone(),
                        unknown: unknown.clone(),
                        unavailable: unavailable.clone(),
                    };
                    if task.updates.send(update).await.is_err() {
                        return;
                    }
                }
            }
            let mut delay = model::next_poll_delay(task.settings.refresh, task.failures);
            if !requests.is_empty() {
                let Some(next) = task.fetch(&requests).await else {
                    return;
                };
                delay = next;
                let note = task.shown.schedule_note();
                if note != last_note {
                    last_note = note.clone();
                    if task.updates.send(Update::Schedule(note)).await.is_err() {
                        return;
                    }
                }
                if lifts_at.is_none_or(|t: tokio::time::Instant| t.elapsed() >= LIFTS_EVERY) {
                    lifts_at = Some(tokio::time::Instant::now());
                    for update in lift_updates(task.shown.as_ref(), &shown).await {
                        if task.updates.send(update).await.is_err() {
                            return;
                        }
                    }
                }
            }
            let asked = wait(delay, &task.refresh_now, &mut task.commands).await;
            if let Some((places, favorites)) = asked {
                task.settings.places = places;
                task.settings.favorites = favorites;
                task.failures = 0;
                new_places.notify_one();
                continue 'places;
            }
            let retry_index = task.index_stale && resolved_at.elapsed() >= PLACE_RETRY;
            if today(&task.zones) != resolved_on || retry_index {
                continue 'places;
            }
        }
    }
}

/// The delay before the next try after `failures` failures in a row: the
/// back-off, or longer when the network asked to wait.
fn retry_delay(period: Duration, failures: u32, error: &NetError) -> Duration {
    let back_off = model::next_poll_delay(period, failures);
    error
        .retry_after()
        .map_or(back_off, |after| after.max(back_off))
}

/// Applies an update to a board; returns the stop index when it is one.
pub fn apply(board: &mut model::Board, update: Update) -> Option<(Arc<Index>, bool)> {
    match update {
        Update::Resolved {
            places,
            unknown,
            unavailable,
        } => {
            let messages = std::mem::take(&mut board.messages);
            let states = std::mem::take(&mut board.line_states);
            let lifts = std::mem::take(&mut board.lifts);
            let note = board.schedule_note.take();
            let before = std::mem::take(board);
            *board = model::Board::new(places);
            board.keep_departures_of(&before);
            board.zones = before.zones;
            board.messages = messages;
            board.line_states = states;
            board.lifts = lifts;
            board.schedule_note = note;
            board.unknown = unknown;
            board.unavailable = unavailable;
        }
        Update::Departures { at, results } => board.apply(at, results),
        Update::Failed(error) => board.fail(error),
        Update::Messages(messages) => board.messages = messages,
        Update::LineStates(states) => board.line_states = states,
        Update::Lifts { stop_ids, lifts } => {
            board.lifts.insert(stop_ids, lifts);
        }
        Update::Schedule(note) => board.schedule_note = note,
        Update::Zones(zones) => board.zones = zones,
        Update::Index { index, stale } => return Some((index, stale)),
    }
    None
}

/// Waits for the delay, a refresh request, or new places (returned).
async fn wait(
    delay: Duration,
    refresh_now: &Notify,
    commands: &mut mpsc::Receiver<(Vec<String>, Vec<crate::favorites::Favorite>)>,
) -> Option<(Vec<String>, Vec<crate::favorites::Favorite>)> {
    tokio::select! {
        _ = tokio::time::sleep(delay) => None,
        _ = refresh_now.notified() => None,
        Some(places) = commands.recv() => Some(places),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BoardLine, LineRef};
    use crate::network::scripted::Scripted;
    use crate::network::{ErrorKind, NetError};
    use tokio::time::Instant;

    /// One place with one row, its network answering after `latency`.
    fn network(latency: Duration) -> Arc<Scripted> {
        let line = BoardLine {
            line: LineRef::plain("1", "1"),
            kind: None,
            outbound: true,
            destination: "Terminus".into(),
            via: String::new(),
        };
        let net = Scripted::new("test", "Test")
            .with_stop("Place", "P1", None, vec![line])
            .with_latency(latency);
        net.set_departures("Place", "1", true, vec![]);
        Arc::new(net)
    }

    /// Polls `net` every `refresh` for `during` (tokio's paused clock), and
    /// says when each departures call started, in seconds from the first
    /// (`press_r`: a refresh is asked for 3 s in).
    async fn poll(net: &Arc<Scripted>, refresh: u64, during: u64, press_r: bool) -> Vec<u64> {
        let (tx, mut rx) = mpsc::channel(16);
        let (_places, places_rx) = mpsc::channel(1);
        let refresh_now = Arc::new(Notify::new());
        let poller = spawn(
            net.clone(),
            PollSettings {
                places: vec!["Place".into()],
                nb: PerRow::DEFAULT,
                refresh: Duration::from_secs(refresh),
                favorites: vec![],
                walk: None,
            },
            tx,
            refresh_now.clone(),
            places_rx,
        );
        // The updates are read as they come, as the board does.
        let reader = tokio::spawn(async move { while rx.recv().await.is_some() {} });
        if press_r {
            tokio::time::sleep(Duration::from_secs(3)).await;
            refresh_now.notify_one();
        }
        tokio::time::sleep(Duration::from_secs(during)).await;
        drop(poller);
        reader.abort();
        let times = net.call_times();
        let first = times.first().copied().unwrap_or_else(Instant::now);
        // To the nearest second: a wait the network asked for ends at an
        // instant of the wall clock, a few real milliseconds nearer than
        // the paused clock says.
        times
            .iter()
            .map(|t| (*t - first).as_secs_f64().round() as u64)
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn departures_are_asked_for_every_period() {
        let net = network(Duration::ZERO);
        assert_eq!(poll(&net, 10, 35, false).await, [0, 10, 20, 30]);
    }

    #[tokio::test(start_paused = true)]
    async fn failures_back_off_two_four_six_times_then_the_period_again() {
        let net = network(Duration::ZERO);
        for _ in 0..3 {
            net.fail_next(NetError::new(ErrorKind::Http(503), "HTTP 503"));
        }
        // Fails at 0, 20 and 60 (back-off 20, 40, 60 s), succeeds at 120.
        assert_eq!(poll(&net, 10, 135, false).await, [0, 20, 60, 120, 130]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_network_that_asks_to_wait_is_waited_for() {
        let net = network(Duration::ZERO);
        net.fail_next(NetError::new(
            ErrorKind::rate_limited_for(Some(Duration::from_secs(90))),
            "HTTP 429",
        ));
        assert_eq!(poll(&net, 10, 105, false).await, [0, 90, 100]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_network_never_has_two_requests_at_once() {
        // Answers take 25 s, longer than the 10 s period: the next request
        // leaves a period after the answer, never beside it.
        let net = network(Duration::from_secs(25));
        assert_eq!(poll(&net, 10, 100, false).await, [0, 35, 70]);
        assert_eq!(net.most_in_flight(), 1);
    }

    /// Missing messages (their last fetch failed) are asked for again as
    /// soon as new places are shown, not after the back-off.
    #[tokio::test(start_paused = true)]
    async fn new_places_ask_again_for_missing_messages() {
        let net = network(Duration::ZERO);
        net.fail_messages_next(NetError::new(ErrorKind::Unreachable, "down"));
        let (tx, mut rx) = mpsc::channel(16);
        let (places, places_rx) = mpsc::channel(1);
        let _poller = spawn(
            net.clone(),
            PollSettings {
                places: vec!["Place".into()],
                nb: PerRow::DEFAULT,
                refresh: Duration::from_secs(10),
                favorites: vec![],
                walk: None,
            },
            tx,
            Arc::new(Notify::new()),
            places_rx,
        );
        let reader = tokio::spawn(async move { while rx.recv().await.is_some() {} });
        tokio::time::sleep(Duration::from_secs(5)).await;
        places.send((vec!["Place".into()], vec![])).await.unwrap();
        tokio::time::sleep(Duration::from_secs(20)).await;
        // Once more while the messages are there: no early fetch.
        places.send((vec!["Place".into()], vec![])).await.unwrap();
        tokio::time::sleep(Duration::from_secs(10)).await;
        reader.abort();
        let times = net.message_times();
        let since: Vec<u64> = times.iter().map(|t| (*t - times[0]).as_secs()).collect();
        assert_eq!(since, [0, 5]);
    }

    #[tokio::test(start_paused = true)]
    async fn r_asks_at_once() {
        let net = network(Duration::ZERO);
        assert_eq!(poll(&net, 10, 12, true).await, [0, 3, 13]);
    }

    #[test]
    fn a_favourites_walk_time_wins_over_the_boards() {
        let place = |name: &str| ResolvedPlace {
            network: "test".into(),
            network_name: String::new(),
            problem: None,
            walk: Some(5),
            query: name.into(),
            label: None,
            name: name.into(),
            stop_ids: vec![],
            lines: vec![],
        };
        let mut places = vec![place("Chamars"), place("Flore")];
        let favorite: crate::favorites::Favorite =
            toml::from_str("place = \"chamars\"\nwalk = 4\n").unwrap();
        apply_favorites(&mut places, &[favorite]);
        assert_eq!((places[0].walk, places[1].walk), (Some(4), Some(5)));
    }

    /// The zones sent before the places stay with the board the places
    /// make (a Montréal place on a Paris board keeps its offset).
    #[test]
    fn resolved_places_keep_the_zones_sent_before_them() {
        let montreal = jiff::tz::TimeZone::get("America/Montreal").unwrap();
        let mut zones = crate::domain::Zones::default();
        zones.set("stm", montreal.clone());
        let mut board = model::Board::default();
        apply(&mut board, Update::Zones(zones));
        apply(
            &mut board,
            Update::Resolved {
                places: Vec::new(),
                unknown: Vec::new(),
                unavailable: Vec::new(),
            },
        );
        assert_eq!(board.zones.of("stm"), &montreal);
        assert!(board.resolved);
    }

    #[test]
    fn places_match_like_the_server() {
        let names = [
            "Ile de France",
            "Châteaufarine",
            "Pôle Temis",
            "Temis Sciences",
            "Crous Université",
        ];
        assert_eq!(match_place(&names, "ile france"), Some("Ile de France"));
        assert_eq!(match_place(&names, "CHATEAUFARINE"), Some("Châteaufarine"));
        assert_eq!(match_place(&names, "temis"), Some("Pôle Temis"));
        assert_eq!(match_place(&names, "crous univ"), Some("Crous Université"));
        assert_eq!(match_place(&names, "Tombouctou"), None);
        assert_eq!(match_place(&names, " - "), None);
    }
}
