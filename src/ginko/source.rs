//! Ginko as a [`Network`]: the stop index and the lines at a stop (cached in
//! the network's part of the cache), the batched waiting times, messages and
//! line states, and the services only Ginko has (fares, vehicles, crowding
//! forecast, nearby stops).

use std::collections::HashMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::convert::{infos_trafic_messages, line_kind};
use super::model::{FormArret, FormLigne, FormVehicule};
use super::{ApiError, Client, Nb, PlaceQuery, WaitRequest};
use crate::cache::Cache;
use crate::domain::{
    BoardLine, CrowdForecast, Fare, LineRef, LineStatus, Message, Mode, Position, Rgb, Stop,
    Vehicle, VehicleLive,
};
use crate::network::{
    Capabilities, ErrorKind, KeyName, NetError, NetFuture, Network, PerRow, RowRequest, RowResult,
    StopList,
};
use crate::sanitize;

/// The network's id: its part of the cache, its place in topics.
pub const ID: &str = "ginko";
/// Where a Ginko key comes from, for the messages that ask for one.
pub const KEY: KeyName = KeyName {
    env: "GINKO_API_KEY",
    setting: "key_setting_ginko",
    how_to_get: &["key_how_ginko_trial", "key_how_ginko_permanent"],
};
/// Where the data comes from (ODbL asks to say it).
/// (a catalog key).
pub const ATTRIBUTION: &str = "attribution_ginko";

/// Stops change rarely: keep them for a week.
const STOPS_MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
/// Lines and the variants serving a stop: for the day.
const LINES_MAX_AGE: Duration = Duration::from_secs(24 * 3600);
/// A vehicle's equipment: for the day.
const VEHICLE_MAX_AGE: Duration = Duration::from_secs(24 * 3600);

impl From<ApiError> for NetError {
    fn from(e: ApiError) -> NetError {
        let kind = match &e {
            ApiError::Connect { .. } => ErrorKind::Unreachable,
            ApiError::Timeout { .. } => ErrorKind::Timeout,
            ApiError::Transport { .. } => ErrorKind::Transport,
            ApiError::Http { status: 429, .. } => ErrorKind::RateLimited { until: None },
            ApiError::Http { status, .. } => ErrorKind::Http(*status),
            ApiError::Refused { .. } => ErrorKind::Refused,
            ApiError::KeyRefused { msg, .. } => ErrorKind::KeyRefused {
                key: KEY,
                message: msg.clone(),
            },
            ApiError::Decode { .. } => ErrorKind::Undecodable,
            ApiError::TooLarge { .. } => ErrorKind::TooLarge,
            ApiError::InvalidParam { .. } => ErrorKind::Invalid,
            ApiError::MissingKey => ErrorKind::MissingKey(KEY),
        };
        NetError::new(kind, e.to_string())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Dated<T> {
    date: String,
    value: T,
}

fn today() -> String {
    super::now().date().to_string()
}

/// The Ginko network: a client and the network's part of the cache.
#[derive(Clone)]
pub struct Ginko {
    client: Client,
    cache: Cache,
    /// The cache before it was split by network: read when the network's
    /// own part has no stops yet (an upgrade keeps working offline).
    legacy: Cache,
    name: String,
    attribution: String,
    /// What the last fetch said of the destinations asked for (`--to`).
    destinations: super::destination::AtDestinations,
}

impl std::fmt::Debug for Ginko {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ginko")
            .field("client", &self.client)
            .field("name", &self.name)
            .finish()
    }
}

impl Ginko {
    /// Ginko through `client`; `cache` is the whole cache (the network
    /// keeps to its own part of it).
    pub fn new(client: Client, cache: &Cache) -> Ginko {
        Ginko {
            client,
            cache: cache.scoped(ID),
            legacy: cache.clone(),
            name: "Ginko".into(),
            attribution: crate::i18n::t(ATTRIBUTION).into(),
            destinations: Default::default(),
        }
    }

    /// The same network under another name and attribution (the demo's).
    pub fn named(mut self, name: &str, attribution: &str) -> Ginko {
        self.name = name.into();
        self.attribution = attribution.into();
        self
    }

    #[cfg(feature = "wire")]
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// All stops, from the cache when young enough, else from the network
    /// (falling back to a stale cache when the network fails).
    async fn stop_list(&self) -> Result<StopList, ApiError> {
        let cached = self
            .cache
            .get::<Vec<FormArret>>("arrets.json", STOPS_MAX_AGE)
            .or_else(|| {
                self.legacy
                    .get::<Vec<FormArret>>("arrets.json", STOPS_MAX_AGE)
            });
        let list = |stops: &[FormArret], stale| StopList {
            stops: stops.iter().map(Stop::from).collect(),
            stale,
        };
        if let Some((stops, true)) = &cached {
            return Ok(list(stops, false));
        }
        match self.client.arrets().await {
            Ok(stops) => {
                self.cache.put("arrets.json", &stops);
                Ok(list(&stops, false))
            }
            Err(e) => match cached {
                Some((stops, _)) if e.is_transient() => Ok(list(&stops, true)),
                _ => Err(e),
            },
        }
    }

    /// The lines (with only their serving variants) of each stop, cached
    /// for the day.
    async fn variants_at(&self, stop_ids: &[String]) -> Result<Vec<FormLigne>, ApiError> {
        let date = today();
        let mut known: HashMap<String, Vec<FormLigne>> = self
            .cache
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
            let mut answer = self.client.variantes_desservant_arret(id).await;
            if answer.as_ref().is_err_and(ApiError::is_transient) {
                answer = self.client.variantes_desservant_arret(id).await;
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
        // What was fetched is kept, even when a later stop failed: the
        // next attempt goes on from there.
        if fetched {
            self.cache.put(
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
    async fn todays_lines(&self) -> Option<Vec<FormLigne>> {
        let date = today();
        if let Some((cached, _)) = self
            .cache
            .get::<Dated<Vec<FormLigne>>>("lignes.json", LINES_MAX_AGE)
            && cached.date == date
        {
            return Some(cached.value);
        }
        let lines = self.client.lignes().await.ok()?;
        self.cache.put(
            "lignes.json",
            &Dated {
                date,
                value: lines.clone(),
            },
        );
        Some(lines)
    }

    /// The exact names of the rows' destinations found in the stop list.
    async fn destination_names(&self, rows: &[RowRequest]) -> HashMap<String, String> {
        let mut known = HashMap::new();
        let mut missing = Vec::new();
        for to in rows.iter().filter_map(|r| r.to.as_deref()) {
            match self.destinations.name_of(to) {
                Some(name) => {
                    known.insert(to.to_string(), name);
                }
                None => missing.push(to),
            }
        }
        if !missing.is_empty()
            && let Ok(list) = self.stop_list().await
        {
            for to in missing {
                if let Some(name) = self.destinations.find_name(to, &list.stops) {
                    known.insert(to.to_string(), name);
                }
            }
        }
        known
    }

    /// The rows' waiting times, and those of the same lines at the rows'
    /// destinations in the same call (kept for [`Network::live_arrivals`]).
    async fn rows_and_destinations(
        &self,
        rows: &[RowRequest],
        n: PerRow,
    ) -> Result<Vec<RowResult>, ApiError> {
        let requests: Vec<WaitRequest> = rows.iter().map(WaitRequest::from).collect();
        let names = if rows.iter().any(|r| r.to.is_some()) {
            self.destination_names(rows).await
        } else {
            HashMap::new()
        };
        let asked = super::destination::requests(rows, |to| names.get(to).cloned());
        if asked.is_empty() {
            self.destinations.store(&[], &[], crate::clock::now());
            let results = self.client.waiting_times(&requests, per_row(n)).await?;
            return Ok(results.into_iter().map(RowResult::from).collect());
        }
        // A vehicle leaving among the row's first is further down the
        // destination's list: as many as the API gives, the rows keeping
        // their own number.
        let all: Vec<WaitRequest> = requests
            .into_iter()
            .chain(asked.iter().map(|(_, r)| r.clone()))
            .collect();
        let mut results = self.client.waiting_times(&all, Nb::new(5)?).await?;
        let theirs: Vec<_> = results
            .split_off(rows.len().min(results.len()))
            .into_iter()
            .map(|r| r.departures)
            .collect();
        self.destinations
            .store(&asked, &theirs, crate::clock::now());
        Ok(results
            .into_iter()
            .map(|mut r| {
                r.departures.truncate(usize::from(n.get()));
                RowResult::from(r)
            })
            .collect())
    }

    async fn all_messages(&self) -> Result<Vec<Message>, ApiError> {
        match self.client.messages(&[], &[]).await {
            Ok(list) => Ok(list.iter().map(Message::from).collect()),
            Err(ApiError::Http { status: 404, .. } | ApiError::Refused { .. }) => {
                Ok(infos_trafic_messages(&self.client.infos_trafic().await?))
            }
            Err(e) => Err(e),
        }
    }

    async fn vehicle_equipment(&self, number: &str) -> Result<Vehicle, ApiError> {
        let safe: String = number
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(32)
            .collect();
        let name = format!("vehicule-{safe}.json");
        let cached = self
            .cache
            .get::<FormVehicule>(&name, VEHICLE_MAX_AGE)
            .filter(|(_, fresh)| *fresh);
        if let Some((v, _)) = cached {
            return Ok(Vehicle::from(&v));
        }
        let v = self.client.details_vehicule(number).await?;
        if !safe.is_empty() {
            self.cache.put(&name, &v);
        }
        Ok(Vehicle::from(&v))
    }
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

/// One board line per line and variant.
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
                background: l.couleurFond.as_deref().and_then(Rgb::parse_hex),
                foreground: l.couleurTexte.as_deref().and_then(Rgb::parse_hex),
                mode: match l.modeTransport {
                    Some(0) => Some(Mode::Bus),
                    Some(1) => Some(Mode::Tram),
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

impl From<&RowRequest> for WaitRequest {
    fn from(r: &RowRequest) -> WaitRequest {
        WaitRequest {
            place: r.place.clone(),
            line_id: r.line_id.clone(),
            outbound: r.outbound,
        }
    }
}

impl From<super::WaitResult> for RowResult {
    fn from(r: super::WaitResult) -> RowResult {
        RowResult {
            in_answer: r.exact_name.is_some(),
            position: r.position,
            departures: r.departures,
            error: None,
            data_at: None,
            timetable: false,
            dropped: r.dropped,
        }
    }
}

fn per_row(n: PerRow) -> Nb {
    Nb::new(i64::from(n.get())).unwrap_or_default()
}

impl Network for Ginko {
    fn id(&self) -> &str {
        ID
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn attribution(&self) -> &str {
        &self.attribution
    }

    fn zone(&self, network: &str) -> Option<jiff::tz::TimeZone> {
        (network == self.id())
            .then(|| jiff::tz::TimeZone::get(super::ZONE).ok())
            .flatten()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            fares: true,
            vehicle_details: true,
            crowding_forecast: true,
            line_states: true,
            lifts: false,
            nearby: true,
        }
    }

    fn is_local(&self) -> bool {
        self.client.base_url_is_local()
    }

    fn stops(&self) -> NetFuture<'_, StopList> {
        Box::pin(async { Ok(self.stop_list().await?) })
    }

    fn exact_name<'a>(&'a self, query: &'a str) -> NetFuture<'a, Option<String>> {
        Box::pin(async move {
            // The server matches more loosely than quai does.
            match self
                .client
                .temps_lieu(&PlaceQuery::Name(query.to_string()), Nb::new(1)?)
                .await
            {
                Ok(answer) => Ok(answer.nomExact.map(|n| sanitize::text(&n))),
                Err(ApiError::Refused { .. }) => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
    }

    fn lines_at<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<BoardLine>> {
        Box::pin(async move {
            let today = self.todays_lines().await.unwrap_or_default();
            let mut lines = self.variants_at(stop_ids).await?;
            complete(&mut lines, &today);
            // Ginko's rows are per line and direction: one row for the
            // variants of a direction.
            let mut rows = board_lines(&lines);
            rows.sort_by_key(BoardLine::order_key);
            rows.dedup_by(|a, b| a.line.id == b.line.id && a.outbound == b.outbound);
            Ok(rows)
        })
    }

    fn departures<'a>(
        &'a self,
        rows: &'a [RowRequest],
        n: PerRow,
    ) -> NetFuture<'a, Vec<RowResult>> {
        Box::pin(async move { Ok(self.rows_and_destinations(rows, n).await?) })
    }

    fn live_arrivals(
        &self,
        row: &RowRequest,
        departures: &[crate::domain::Departure],
        fetched_at: jiff::Timestamp,
        to: &str,
    ) -> Vec<Vec<jiff::Timestamp>> {
        self.destinations.arrivals(row, departures, fetched_at, to)
    }

    fn messages(&self) -> NetFuture<'_, Vec<Message>> {
        Box::pin(async { Ok(self.all_messages().await?) })
    }

    fn line_states(&self) -> NetFuture<'_, Vec<LineStatus>> {
        Box::pin(async {
            let states = self.client.etat_lignes().await?;
            Ok(states.iter().map(LineStatus::from).collect())
        })
    }

    fn nearby(&self, at: Position) -> NetFuture<'_, Vec<Stop>> {
        Box::pin(async move {
            let stops = self.client.arrets_proches(at.lat, at.lon).await?;
            Ok(stops.iter().map(Stop::from).collect())
        })
    }

    fn fares(&self) -> NetFuture<'_, Vec<Fare>> {
        Box::pin(async {
            let fares = self.client.tarifs().await?;
            Ok(fares.iter().map(Fare::from).collect())
        })
    }

    fn vehicle<'a>(&'a self, number: &'a str) -> NetFuture<'a, Vehicle> {
        Box::pin(async move { Ok(self.vehicle_equipment(number).await?) })
    }

    fn vehicle_live<'a>(&'a self, number: &'a str) -> NetFuture<'a, VehicleLive> {
        Box::pin(async move {
            let v = self.client.details_vehicule_tr(number).await?;
            Ok(VehicleLive::from(&v))
        })
    }

    fn forecast<'a>(
        &'a self,
        stop_id: &'a str,
        line_id: &'a str,
        outbound: bool,
    ) -> NetFuture<'a, Vec<CrowdForecast>> {
        Box::pin(async move {
            let day = super::now().date();
            let list = self
                .client
                .affluence(stop_id, day, line_id, outbound)
                .await?;
            Ok(list.iter().map(CrowdForecast::from).collect())
        })
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

    /// The stop list of a quai that cached in `$XDG_CACHE_HOME/quai/`
    /// itself is still read, here with the server unreachable.
    #[tokio::test]
    async fn the_cache_of_an_older_quai_is_still_read() {
        let dir = std::env::temp_dir().join(format!("quai-legacy-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let root = Cache::disk(dir.clone());
        let stop = FormArret {
            id: Some("S1".into()),
            nom: Some("Chamars".into()),
            ..Default::default()
        };
        root.put("arrets.json", &vec![stop]);
        let client = Client::new(
            super::super::parse_base_url("http://127.0.0.1:9").unwrap(),
            super::super::ApiKey::new("k"),
        )
        .unwrap();
        let ginko = Ginko::new(client, &root);
        let list = ginko.stops().await.unwrap();
        assert_eq!(list.stops.len(), 1);
        assert_eq!(list.stops[0].name, "Chamars");
        // A corrupt old file is a miss like any other: the network is asked.
        std::fs::write(dir.join("arrets.json"), "{not json").unwrap();
        assert!(
            ginko.stops().await.is_err(),
            "nothing cached, nobody answers"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn api_errors_keep_their_words_and_say_which_key() {
        let e: NetError = ApiError::KeyRefused {
            method: "TR/getListeTemps".into(),
            msg: "Clé inconnue".into(),
        }
        .into();
        assert_eq!(
            e.kind,
            ErrorKind::KeyRefused {
                key: KEY,
                message: "Clé inconnue".into()
            }
        );
        assert!(e.to_string().contains("GINKO_API_KEY"), "{e}");
        let e: NetError = ApiError::Http {
            method: "m".into(),
            status: 503,
            excerpt: String::new(),
        }
        .into();
        assert_eq!(e.short_reason(), "HTTP 503");
        let e: NetError = ApiError::Http {
            method: "m".into(),
            status: 429,
            excerpt: String::new(),
        }
        .into();
        assert!(matches!(e.kind, ErrorKind::RateLimited { .. }));
        assert!(e.is_transient());
    }
}
