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

mod resolve;
pub use resolve::*;
#[cfg(test)]
mod tests;

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
    /// Where every place's departures should go (`--to`), unless its
    /// favourite says otherwise.
    pub to: Option<String>,
    /// The destinations chosen on the board (`t`, `>`), by place name,
    /// over `to` and the favourites': the network is asked for them (Ginko
    /// asks for the same vehicle there in the board's request).
    pub chosen: Option<watch::Receiver<Vec<(String, String)>>>,
}

/// Each place's destination: the one chosen on the board, else its own
/// (`--to`, its favourite's), as `base` lists them by name.
fn apply_chosen(
    places: &mut [ResolvedPlace],
    base: &[(String, Option<String>)],
    chosen: &[(String, String)],
) {
    for place in places {
        let own = base
            .iter()
            .find(|(name, _)| *name == place.name)
            .and_then(|(_, to)| to.clone());
        // An empty one sets the place's own aside (`T` on the board).
        place.to = match chosen.iter().find(|(name, _)| *name == place.name) {
            Some((_, to)) => Some(to.clone()).filter(|to| !to.is_empty()),
            None => own,
        };
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
                        place.to.clone_from(&self.settings.to);
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
                let at = crate::clock::now();
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
        // The places' own destinations, under those chosen on the board.
        let base: Vec<(String, Option<String>)> = shown
            .iter()
            .map(|p| (p.name.clone(), p.to.clone()))
            .collect();
        if let Some(chosen) = task.settings.chosen.as_mut() {
            apply_chosen(&mut shown, &base, &chosen.borrow_and_update());
        }
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
                    if let Some(chosen) = task.settings.chosen.as_ref() {
                        apply_chosen(&mut shown, &base, &chosen.borrow());
                    }
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
            if let Some(chosen) = task.settings.chosen.as_mut()
                && chosen.has_changed().unwrap_or(false)
            {
                apply_chosen(&mut shown, &base, &chosen.borrow_and_update());
                requests = model::requests(&shown);
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
