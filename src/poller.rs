//! Fetching for the board: resolving the places (stops and the lines that
//! serve them, cached), then one task that refreshes the waiting times every
//! period with back-off on failure, and the traffic messages every minute.
//! The tasks never print: they send [`Update`]s to the UI loop.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, mpsc};

use crate::board::{self, BoardLine, ResolvedPlace};
use crate::cache::Cache;
use crate::domain::{LineRef, Message};
use crate::ginko::convert::{infos_trafic_messages, line_kind};
use crate::ginko::model::{FormArret, FormLigne};
use crate::ginko::{ApiError, Client, Nb, PlaceQuery, WaitResult};
use crate::search::Index;
use crate::{names, sanitize};

/// Stops change rarely: keep them for a week.
const STOPS_MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
/// Lines and the variants serving a stop: for the day.
const LINES_MAX_AGE: Duration = Duration::from_secs(24 * 3600);
/// Traffic messages must not be older than a minute.
pub const MESSAGES_EVERY: Duration = Duration::from_secs(60);

/// What the fetching tasks tell the UI.
#[derive(Debug, Clone)]
pub enum Update {
    /// The places are known (some names may be unknown to the network).
    Resolved {
        places: Vec<ResolvedPlace>,
        unknown: Vec<String>,
    },
    Departures {
        at: Timestamp,
        results: Vec<WaitResult>,
    },
    Failed(ApiError),
    Messages(Vec<Message>),
    /// The lines' traffic states.
    LineStates(Vec<crate::domain::LineStatus>),
    /// The stop index for the search (`stale`: an old copy).
    Index {
        index: Arc<Index>,
        stale: bool,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Dated<T> {
    date: String,
    value: T,
}

fn today() -> String {
    crate::domain::network_now().date().to_string()
}

/// All stops, from the cache when young enough, else from the network
/// (falling back to a stale cache when the network fails).
pub async fn stops(client: &Client, cache: &Cache) -> Result<Vec<FormArret>, ApiError> {
    stops_with_age(client, cache).await.map(|(stops, _)| stops)
}

/// Like [`stops`], and whether the list is an old copy.
pub async fn stops_with_age(
    client: &Client,
    cache: &Cache,
) -> Result<(Vec<FormArret>, bool), ApiError> {
    let cached = cache.get::<Vec<FormArret>>("arrets.json", STOPS_MAX_AGE);
    if let Some((stops, true)) = &cached {
        return Ok((stops.clone(), false));
    }
    match client.arrets().await {
        Ok(stops) => {
            cache.put("arrets.json", &stops);
            Ok((stops, false))
        }
        Err(e) => match cached {
            Some((stops, _)) if e.is_transient() => Ok((stops, true)),
            _ => Err(e),
        },
    }
}

/// The lines (with only their serving variants) of each stop, cached for
/// the day.
async fn lines_at(
    client: &Client,
    cache: &Cache,
    stop_ids: &[String],
) -> Result<Vec<FormLigne>, ApiError> {
    let date = today();
    let mut known: HashMap<String, Vec<FormLigne>> = cache
        .get::<Dated<HashMap<String, Vec<FormLigne>>>>("variantes.json", LINES_MAX_AGE)
        .filter(|(d, _)| d.date == date)
        .map(|(d, _)| d.value)
        .unwrap_or_default();
    let mut fetched = false;
    let mut failure = None;
    for id in stop_ids {
        if known.contains_key(id) {
            continue;
        }
        // One more try on a transient failure: a flaky server must not
        // keep a board of several places from ever resolving.
        let mut answer = client.variantes_desservant_arret(id).await;
        if answer.as_ref().is_err_and(ApiError::is_transient) {
            answer = client.variantes_desservant_arret(id).await;
        }
        match answer {
            Ok(lines) => {
                known.insert(id.clone(), lines);
                fetched = true;
            }
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    // What was fetched is kept, even when a later stop failed: the next
    // attempt goes on from there.
    if fetched {
        cache.put(
            "variantes.json",
            &Dated {
                date,
                value: known.clone(),
            },
        );
    }
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(stop_ids
        .iter()
        .filter_map(|id| known.get(id))
        .flatten()
        .cloned()
        .collect())
}

/// The lines running today (`DR/getLignes`), fetched once a day; `None`
/// when the network cannot give them (they only refine the order and
/// colours of the board).
async fn todays_lines(client: &Client, cache: &Cache) -> Option<Vec<FormLigne>> {
    let date = today();
    if let Some((cached, _)) = cache.get::<Dated<Vec<FormLigne>>>("lignes.json", LINES_MAX_AGE)
        && cached.date == date
    {
        return Some(cached.value);
    }
    let lines = client.lignes().await.ok()?;
    cache.put(
        "lignes.json",
        &Dated {
            date,
            value: lines.clone(),
        },
    );
    Some(lines)
}

/// Completes what a stop's lines lack (kind, colours) from the day's lines.
fn complete(lines: &mut [FormLigne], today: &[FormLigne]) {
    for line in lines {
        let Some(full) = today.iter().find(|l| l.id.is_some() && l.id == line.id) else {
            continue;
        };
        line.typologie = line.typologie.or(full.typologie);
        line.modeTransport = line.modeTransport.or(full.modeTransport);
        if line.couleurFond.as_deref().is_none_or(str::is_empty) {
            line.couleurFond = full.couleurFond.clone();
            line.couleurTexte = full.couleurTexte.clone();
        }
        if line.numLignePublic.as_deref().is_none_or(str::is_empty) {
            line.numLignePublic = full.numLignePublic.clone();
        }
    }
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
    client: &Client,
    cache: &Cache,
    queries: &[String],
) -> Result<(Vec<ResolvedPlace>, Vec<String>), ApiError> {
    let index = Index::from_stops(&stops(client, cache).await?);
    resolve_in(client, cache, &index, queries).await
}

/// Resolves the places named by the user among the places of `index`.
pub async fn resolve_in(
    client: &Client,
    cache: &Cache,
    index: &Index,
    queries: &[String],
) -> Result<(Vec<ResolvedPlace>, Vec<String>), ApiError> {
    let place_names: Vec<&str> = index.places.iter().map(|p| p.name.as_str()).collect();
    let today_lines = todays_lines(client, cache).await.unwrap_or_default();

    let mut places: Vec<ResolvedPlace> = Vec::new();
    let mut unknown = Vec::new();
    for query in queries {
        let mut name = match_place(&place_names, query).map(str::to_string);
        if name.is_none() {
            // The server matches more loosely than we do: ask it.
            name = match client
                .temps_lieu(&PlaceQuery::Name(query.clone()), Nb::new(1)?)
                .await
            {
                Ok(answer) => answer
                    .nomExact
                    .map(|n| sanitize::text(&n))
                    .and_then(|n| match_place(&place_names, &n).map(str::to_string)),
                Err(ApiError::Refused { .. }) => None,
                Err(e) => return Err(e),
            };
        }
        let Some(name) = name else {
            unknown.push(sanitize::text(query));
            continue;
        };
        if places.iter().any(|p| p.name == name) {
            continue;
        }
        let stop_ids = index
            .places
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.stop_ids.clone())
            .unwrap_or_default();
        let mut lines = lines_at(client, cache, &stop_ids).await?;
        complete(&mut lines, &today_lines);
        let mut place = ResolvedPlace {
            query: query.clone(),
            label: None,
            name,
            stop_ids,
            lines: board_lines(&lines),
        };
        place.sort_lines();
        places.push(place);
    }
    Ok((places, unknown))
}

fn board_lines(lines: &[FormLigne]) -> Vec<BoardLine> {
    let clean = |t: &Option<String>| t.as_deref().map(sanitize::text).unwrap_or_default();
    lines
        .iter()
        .flat_map(|l| {
            let line = LineRef {
                id: clean(&l.id),
                number: {
                    let n = clean(&l.numLignePublic);
                    if n.is_empty() { clean(&l.id) } else { n }
                },
                background: l
                    .couleurFond
                    .as_deref()
                    .and_then(crate::domain::Rgb::parse_hex),
                foreground: l
                    .couleurTexte
                    .as_deref()
                    .and_then(crate::domain::Rgb::parse_hex),
                mode: match l.modeTransport {
                    Some(0) => Some(crate::domain::Mode::Bus),
                    Some(1) => Some(crate::domain::Mode::Tram),
                    _ => None,
                },
            };
            let kind = line_kind(l.typologie);
            l.variantes.iter().flatten().map(move |v| BoardLine {
                line: line.clone(),
                kind,
                outbound: v.sensAller.unwrap_or(true),
                destination: clean(&v.destination),
                via: clean(&v.precisionDestination),
            })
        })
        .filter(|l| !l.line.id.is_empty())
        .collect()
}

/// Current traffic messages: `TR/getMessages`, or `TR/getInfosTrafic` on a
/// server that does not know it.
pub async fn messages(client: &Client) -> Result<Vec<Message>, ApiError> {
    match client.messages(&[], &[]).await {
        Ok(list) => Ok(list.iter().map(Message::from).collect()),
        Err(ApiError::Http { status: 404, .. } | ApiError::Refused { .. }) => {
            Ok(infos_trafic_messages(&client.infos_trafic().await?))
        }
        Err(e) => Err(e),
    }
}

/// Settings of the polling tasks.
#[derive(Debug, Clone)]
pub struct PollSettings {
    pub places: Vec<String>,
    pub nb: Nb,
    pub refresh: Duration,
    /// Favourites: their lines filter and their labels (empty: all lines).
    pub favorites: Vec<crate::favorites::Favorite>,
}

/// Applies the favourites' line filters and labels to resolved places.
pub fn apply_favorites(places: &mut [ResolvedPlace], favorites: &[crate::favorites::Favorite]) {
    for place in places.iter_mut() {
        let folded = [names::fold(&place.query), names::fold(&place.name)];
        let Some(favorite) = favorites
            .iter()
            .find(|f| folded.contains(&names::fold(&f.place)))
        else {
            continue;
        };
        place.label = favorite.label.clone();
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

/// Starts the fetching tasks; `refresh_now` makes the waiting-times task
/// poll at once, and a list sent on `commands` replaces the places shown.
/// The tasks end when the receiver of `updates` is dropped, or with the
/// returned [`Poller`]. The places are resolved again when the day changes
/// (the lines that serve a stop are the day's).
pub fn spawn(
    client: Client,
    cache: Cache,
    settings: PollSettings,
    updates: mpsc::Sender<Update>,
    refresh_now: Arc<Notify>,
    commands: mpsc::Receiver<(Vec<String>, Vec<crate::favorites::Favorite>)>,
) -> Poller {
    let messages_client = client.clone();
    let messages_updates = updates.clone();
    let messages_task = tokio::spawn(async move {
        let mut failures = 0;
        loop {
            let delay = match messages(&messages_client).await {
                Ok(list) => {
                    failures = 0;
                    if messages_updates.send(Update::Messages(list)).await.is_err() {
                        return;
                    }
                    // The states only add marks: a failure is not reported.
                    if let Ok(states) = messages_client.etat_lignes().await {
                        let states = states.iter().map(crate::domain::LineStatus::from).collect();
                        if messages_updates
                            .send(Update::LineStates(states))
                            .await
                            .is_err()
                        {
                            return;
                        }
                    }
                    MESSAGES_EVERY
                }
                Err(_) => {
                    failures += 1;
                    board::next_poll_delay(MESSAGES_EVERY, failures)
                }
            };
            tokio::time::sleep(delay).await;
        }
    });

    let times_task = tokio::spawn(async move {
        let mut settings = settings;
        let mut commands = commands;
        let mut failures: u32 = 0;
        'places: loop {
            // Resolve the places first, retrying while the network is down.
            let resolved_on = today();
            let board = loop {
                // One look-up of the stops serves the search and the board.
                let resolved = match stops_with_age(&client, &cache).await {
                    Ok((stops, stale)) => {
                        let index = Arc::new(Index::from_stops(&stops));
                        if updates
                            .send(Update::Index {
                                index: index.clone(),
                                stale,
                            })
                            .await
                            .is_err()
                        {
                            return;
                        }
                        resolve_in(&client, &cache, &index, &settings.places).await
                    }
                    Err(e) => Err(e),
                };
                match resolved {
                    Ok((mut places, unknown)) => {
                        apply_favorites(&mut places, &settings.favorites);
                        let board = board::Board::new(places.clone());
                        if updates
                            .send(Update::Resolved { places, unknown })
                            .await
                            .is_err()
                        {
                            return;
                        }
                        failures = 0;
                        break board;
                    }
                    Err(e) => {
                        failures += 1;
                        if updates.send(Update::Failed(e)).await.is_err() {
                            return;
                        }
                        let delay = board::next_poll_delay(settings.refresh, failures);
                        if let Some((places, favorites)) =
                            wait(delay, &refresh_now, &mut commands).await
                        {
                            settings.places = places;
                            settings.favorites = favorites;
                        }
                    }
                }
            };
            loop {
                let requests = board.requests();
                if !requests.is_empty() {
                    let update = match client.waiting_times(&requests, settings.nb).await {
                        Ok(results) => {
                            failures = 0;
                            Update::Departures {
                                at: Timestamp::now(),
                                results,
                            }
                        }
                        Err(e) => {
                            failures += 1;
                            Update::Failed(e)
                        }
                    };
                    if updates.send(update).await.is_err() {
                        return;
                    }
                }
                let delay = board::next_poll_delay(settings.refresh, failures);
                if let Some((places, favorites)) = wait(delay, &refresh_now, &mut commands).await {
                    settings.places = places;
                    settings.favorites = favorites;
                    failures = 0;
                    continue 'places;
                }
                if today() != resolved_on {
                    continue 'places;
                }
            }
        }
    });
    Poller {
        tasks: vec![messages_task, times_task],
    }
}

/// Applies an update to a board; returns the stop index when it is one.
pub fn apply(board: &mut board::Board, update: Update) -> Option<(Arc<Index>, bool)> {
    match update {
        Update::Resolved { places, unknown } => {
            let messages = std::mem::take(&mut board.messages);
            let states = std::mem::take(&mut board.line_states);
            *board = board::Board::new(places);
            board.messages = messages;
            board.line_states = states;
            board.unknown = unknown;
        }
        Update::Departures { at, results } => board.apply(at, results),
        Update::Failed(error) => board.fail(error),
        Update::Messages(messages) => board.messages = messages,
        Update::LineStates(states) => board.line_states = states,
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

    #[test]
    fn the_days_lines_complete_a_stops_lines() {
        let mut at_stop = vec![FormLigne {
            id: Some("3".into()),
            ..Default::default()
        }];
        let today = vec![FormLigne {
            id: Some("3".into()),
            numLignePublic: Some("L3".into()),
            couleurFond: Some("006AB3".into()),
            couleurTexte: Some("FFFFFF".into()),
            typologie: Some(20),
            ..Default::default()
        }];
        complete(&mut at_stop, &today);
        assert_eq!(at_stop[0].numLignePublic.as_deref(), Some("L3"));
        assert_eq!(at_stop[0].typologie, Some(20));
        assert_eq!(at_stop[0].couleurFond.as_deref(), Some("006AB3"));
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
