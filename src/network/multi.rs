//! Several networks as one: a board, a kiosk or a search may mix Ginko and
//! IDFM places. Stop ids are scoped by their network (`idfm:71517`), so
//! that a place of one network never matches another's; each call goes to
//! the networks whose stops it names, and one network's failure leaves the
//! others' rows standing.

use super::{
    Capabilities, NetError, NetFuture, Network, NetworkInfo, PerRow, RowRequest, RowResult, Source,
    StopList,
};
use crate::domain::{
    BoardLine, CrowdForecast, Fare, Lift, LineStatus, Message, Position, Stop, Vehicle, VehicleLive,
};

/// The networks of a board, the first one the default.
pub struct Multi {
    members: Vec<Source>,
    name: String,
    attribution: String,
    /// The members whose stops failed at the last [`Network::stops`].
    stop_failures: std::sync::Mutex<Vec<(String, NetError)>>,
}

impl std::fmt::Debug for Multi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.members.iter().map(|m| m.id()).collect();
        f.debug_struct("Multi").field("members", &ids).finish()
    }
}

/// `idfm:71517` → (`idfm`, `71517`).
fn split(scoped: &str) -> Option<(&str, &str)> {
    scoped.split_once(':')
}

fn scope(network: &str, id: &str) -> String {
    format!("{network}:{id}")
}

impl Multi {
    /// A row's network (that of its stops), and the row with its own ids.
    fn member_row(&self, row: &RowRequest) -> Option<(&Source, RowRequest)> {
        self.members.iter().find_map(|m| {
            let ids: Vec<String> = row
                .stop_ids
                .iter()
                .filter_map(|s| split(s))
                .filter(|(n, _)| *n == m.id())
                .map(|(_, id)| id.to_string())
                .collect();
            (!ids.is_empty()).then(|| {
                (
                    m,
                    RowRequest {
                        stop_ids: ids,
                        ..row.clone()
                    },
                )
            })
        })
    }

    /// The networks, the default first; `None` when there are none.
    pub fn new(members: Vec<Source>) -> Option<Multi> {
        if members.is_empty() {
            return None;
        }
        let name = members
            .iter()
            .map(|m| m.name().to_string())
            .collect::<Vec<_>>()
            .join(" + ");
        // Each source said once (three timetables are one "GTFS").
        let mut attributions: Vec<String> = Vec::new();
        for a in members.iter().map(|m| m.attribution()) {
            if !a.is_empty() && !attributions.iter().any(|b| b == a) {
                attributions.push(a.to_string());
            }
        }
        let attribution = attributions.join(" · ");
        Some(Multi {
            members,
            name,
            attribution,
            stop_failures: std::sync::Mutex::default(),
        })
    }

    fn member(&self, id: &str) -> Option<&Source> {
        self.members.iter().find(|m| m.id() == id)
    }

    /// The member a scoped stop id belongs to, and the id in it.
    fn route<'a>(&self, scoped: &'a str) -> Option<(&Source, &'a str)> {
        let (network, id) = split(scoped)?;
        Some((self.member(network)?, id))
    }

    /// The first answer of the members with vehicles, each asked in turn
    /// (a vehicle number names no network); the last error when none knows.
    async fn first_answer<'a, T>(
        &'a self,
        ask: impl Fn(&'a Source) -> NetFuture<'a, T>,
    ) -> Result<T, NetError> {
        let mut last = NetError::unsupported("vehicle details");
        for m in self
            .members
            .iter()
            .filter(|m| m.capabilities().vehicle_details)
        {
            match ask(m).await {
                Ok(v) => return Ok(v),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn first_with(&self, has: impl Fn(Capabilities) -> bool) -> Option<&Source> {
        self.members.iter().find(|m| has(m.capabilities()))
    }

    fn scoped_stops(network: &str, stops: Vec<Stop>) -> Vec<Stop> {
        stops
            .into_iter()
            .map(|s| Stop {
                id: scope(network, &s.id),
                ..s
            })
            .collect()
    }
}

/// The first error when every member failed, else what succeeded.
fn gather<T>(outcomes: Vec<Result<T, NetError>>) -> Result<(Vec<T>, bool), NetError> {
    let mut ok = Vec::new();
    let mut first_error = None;
    for o in outcomes {
        match o {
            Ok(v) => ok.push(v),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match (ok.is_empty(), first_error) {
        (true, Some(e)) => Err(e),
        (_, e) => Ok((ok, e.is_some())),
    }
}

impl Network for Multi {
    fn id(&self) -> &str {
        self.members.first().map_or("", |m| m.id())
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn attribution(&self) -> &str {
        &self.attribution
    }

    fn capabilities(&self) -> Capabilities {
        self.members
            .iter()
            .map(|m| m.capabilities())
            .fold(Capabilities::default(), |a, b| Capabilities {
                fares: a.fares || b.fares,
                vehicle_details: a.vehicle_details || b.vehicle_details,
                crowding_forecast: a.crowding_forecast || b.crowding_forecast,
                line_states: a.line_states || b.line_states,
                lifts: a.lifts || b.lifts,
                nearby: a.nearby || b.nearby,
            })
    }

    fn networks(&self) -> Vec<NetworkInfo> {
        self.members.iter().flat_map(|m| m.networks()).collect()
    }

    fn zone(&self, network: &str) -> Option<jiff::tz::TimeZone> {
        self.members.iter().find_map(|m| m.zone(network))
    }

    fn network_of(&self, stop_id: &str) -> Option<NetworkInfo> {
        let (member, id) = self.route(stop_id)?;
        member.network_of(id)
    }

    fn is_local(&self) -> bool {
        self.members.iter().all(|m| m.is_local())
    }

    fn stops(&self) -> NetFuture<'_, StopList> {
        Box::pin(async move {
            let mut outcomes = Vec::new();
            let mut failures = Vec::new();
            for m in &self.members {
                let outcome = m.stops().await;
                if let Err(e) = &outcome {
                    failures.push((m.id().to_string(), e.clone()));
                }
                outcomes.push(outcome.map(|l| (m.id().to_string(), l)));
            }
            *self
                .stop_failures
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = failures;
            let (lists, some_failed) = gather(outcomes)?;
            let mut out = StopList {
                stops: Vec::new(),
                stale: some_failed,
            };
            for (network, list) in lists {
                out.stale |= list.stale;
                out.stops.extend(Multi::scoped_stops(&network, list.stops));
            }
            Ok(out)
        })
    }

    fn stops_failure(&self, network: &str) -> Option<NetError> {
        self.stop_failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .find(|(id, _)| id == network)
            .map(|(_, e)| e.clone())
    }

    fn exact_name<'a>(&'a self, query: &'a str) -> NetFuture<'a, Option<String>> {
        Box::pin(async move {
            for m in &self.members {
                if let Ok(Some(name)) = m.exact_name(query).await {
                    return Ok(Some(name));
                }
            }
            Ok(None)
        })
    }

    fn lines_at<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<BoardLine>> {
        Box::pin(async move {
            let mut out = Vec::new();
            for m in &self.members {
                let ids: Vec<String> = stop_ids
                    .iter()
                    .filter_map(|s| split(s))
                    .filter(|(n, _)| *n == m.id())
                    .map(|(_, id)| id.to_string())
                    .collect();
                if !ids.is_empty() {
                    out.extend(m.lines_at(&ids).await?);
                }
            }
            Ok(out)
        })
    }

    fn departures<'a>(
        &'a self,
        rows: &'a [RowRequest],
        per_row: PerRow,
    ) -> NetFuture<'a, Vec<RowResult>> {
        Box::pin(async move {
            let mut results: Vec<Option<RowResult>> = vec![None; rows.len()];
            let mut failures = 0;
            let mut asked = 0;
            let mut first_error = None;
            for m in &self.members {
                let mut which = Vec::new();
                let mut theirs = Vec::new();
                for (i, row) in rows.iter().enumerate() {
                    let ids: Vec<String> = row
                        .stop_ids
                        .iter()
                        .filter_map(|s| split(s))
                        .filter(|(n, _)| *n == m.id())
                        .map(|(_, id)| id.to_string())
                        .collect();
                    if !ids.is_empty() {
                        which.push(i);
                        theirs.push(RowRequest {
                            stop_ids: ids,
                            ..row.clone()
                        });
                    }
                }
                if theirs.is_empty() {
                    continue;
                }
                asked += 1;
                match m.departures(&theirs, per_row).await {
                    Ok(answer) => {
                        for (i, mut r) in which.into_iter().zip(answer) {
                            for d in &mut r.departures {
                                d.stop_id = scope(m.id(), &d.stop_id);
                            }
                            results[i] = Some(r);
                        }
                    }
                    Err(e) => {
                        failures += 1;
                        for i in which {
                            results[i] = Some(RowResult {
                                in_answer: false,
                                position: None,
                                departures: Vec::new(),
                                error: Some(e.clone()),
                                data_at: None,
                                timetable: false,
                                dropped: 0,
                            });
                        }
                        first_error.get_or_insert(e);
                    }
                }
            }
            if asked > 0
                && failures == asked
                && let Some(e) = first_error
            {
                return Err(e);
            }
            Ok(results
                .into_iter()
                .map(|r| {
                    r.unwrap_or(RowResult {
                        in_answer: false,
                        position: None,
                        departures: Vec::new(),
                        error: None,
                        data_at: None,
                        timetable: false,
                        dropped: 0,
                    })
                })
                .collect())
        })
    }

    fn arrivals(
        &self,
        row: &RowRequest,
        departures: &[crate::domain::Departure],
        fetched_at: jiff::Timestamp,
        to: &str,
    ) -> crate::destination::Arrivals {
        match self.member_row(row) {
            Some((m, theirs)) => m.arrivals(&theirs, departures, fetched_at, to),
            None => crate::destination::Arrivals::Unavailable,
        }
    }

    fn live_arrivals(
        &self,
        row: &RowRequest,
        departures: &[crate::domain::Departure],
        fetched_at: jiff::Timestamp,
        to: &str,
    ) -> Vec<Vec<jiff::Timestamp>> {
        match self.member_row(row) {
            Some((m, theirs)) => m.live_arrivals(&theirs, departures, fetched_at, to),
            None => Vec::new(),
        }
    }

    fn calls(
        &self,
        row: &RowRequest,
        departures: &[crate::domain::Departure],
        fetched_at: jiff::Timestamp,
    ) -> Option<Vec<Vec<crate::destination::Call>>> {
        let (m, theirs) = self.member_row(row)?;
        m.calls(&theirs, departures, fetched_at)
    }

    fn messages(&self) -> NetFuture<'_, Vec<Message>> {
        Box::pin(async move {
            let mut outcomes = Vec::new();
            for m in &self.members {
                outcomes.push(m.messages().await.map(|list| {
                    list.into_iter()
                        .map(|message| Message {
                            network: m.id().to_string(),
                            ..message
                        })
                        .collect::<Vec<_>>()
                }));
            }
            Ok(gather(outcomes)?.0.into_iter().flatten().collect())
        })
    }

    fn line_states(&self) -> NetFuture<'_, Vec<LineStatus>> {
        Box::pin(async move {
            let mut out = Vec::new();
            for m in &self.members {
                if m.capabilities().line_states
                    && let Ok(states) = m.line_states().await
                {
                    out.extend(states);
                }
            }
            Ok(out)
        })
    }

    fn rows_change_every(&self) -> Option<std::time::Duration> {
        self.members
            .iter()
            .filter_map(|m| m.rows_change_every())
            .min()
    }

    fn quota(&self) -> Vec<super::QuotaReport> {
        self.members.iter().flat_map(|m| m.quota()).collect()
    }

    fn member(&self, id: &str) -> Option<Source> {
        Multi::member(self, id).cloned()
    }

    fn schedule_note(&self) -> Option<String> {
        let notes: Vec<String> = self
            .members
            .iter()
            .filter_map(|m| m.schedule_note())
            .collect();
        (!notes.is_empty()).then(|| notes.join(" · "))
    }

    fn nearby(&self, at: Position) -> NetFuture<'_, Vec<Stop>> {
        Box::pin(async move {
            let mut outcomes = Vec::new();
            for m in self.members.iter().filter(|m| m.capabilities().nearby) {
                outcomes.push(m.nearby(at).await.map(|s| Multi::scoped_stops(m.id(), s)));
            }
            if outcomes.is_empty() {
                return Err(NetError::unsupported("nearby stops"));
            }
            Ok(gather(outcomes)?.0.into_iter().flatten().collect())
        })
    }

    fn fares(&self) -> NetFuture<'_, Vec<Fare>> {
        match self.first_with(|c| c.fares) {
            Some(m) => m.fares(),
            None => Box::pin(async { Err(NetError::unsupported("fares")) }),
        }
    }

    // A vehicle number names no network: each that has vehicles is asked
    // in turn, the first that knows it answers.
    fn vehicle<'a>(&'a self, number: &'a str) -> NetFuture<'a, Vehicle> {
        Box::pin(self.first_answer(|m| m.vehicle(number)))
    }

    fn vehicle_live<'a>(&'a self, number: &'a str) -> NetFuture<'a, VehicleLive> {
        Box::pin(self.first_answer(|m| m.vehicle_live(number)))
    }

    fn forecast<'a>(
        &'a self,
        stop_id: &'a str,
        line_id: &'a str,
        outbound: bool,
    ) -> NetFuture<'a, Vec<CrowdForecast>> {
        match self.route(stop_id) {
            Some((m, id)) => m.forecast(id, line_id, outbound),
            None => Box::pin(async { Err(NetError::unsupported("crowding forecast")) }),
        }
    }

    fn lifts<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<Lift>> {
        Box::pin(async move {
            let mut out = Vec::new();
            let mut asked = false;
            for m in self.members.iter().filter(|m| m.capabilities().lifts) {
                let ids: Vec<String> = stop_ids
                    .iter()
                    .filter_map(|s| split(s))
                    .filter(|(n, _)| *n == m.id())
                    .map(|(_, id)| id.to_string())
                    .collect();
                if ids.is_empty() {
                    continue;
                }
                asked = true;
                for mut lift in m.lifts(&ids).await? {
                    lift.station = scope(m.id(), &lift.station);
                    out.push(lift);
                }
            }
            if !asked {
                return Err(NetError::unsupported("lift status"));
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BoardLine, LineRef};
    use crate::network::scripted::Scripted;
    use crate::network::{ErrorKind, NetError};
    use std::sync::Arc;

    fn row(number: &str) -> BoardLine {
        BoardLine {
            line: LineRef::plain(number, number),
            kind: None,
            outbound: true,
            destination: "Terminus".into(),
            via: String::new(),
        }
    }

    fn two() -> (Arc<Scripted>, Arc<Scripted>, Multi) {
        let a = Arc::new(Scripted::new("ginko", "Ginko").with_stop(
            "Mairie",
            "1",
            None,
            vec![row("T2")],
        ));
        let b =
            Arc::new(Scripted::new("idfm", "IDFM").with_stop("Mairie", "1", None, vec![row("T2")]));
        let multi = Multi::new(vec![a.clone() as Source, b.clone() as Source]).unwrap();
        (a, b, multi)
    }

    #[tokio::test]
    async fn same_names_stay_apart_and_places_name_their_network() {
        let (_, _, multi) = two();
        let (index, _) = crate::poller::index(&multi).await.unwrap();
        assert_eq!(index.places.len(), 2, "one Mairie per network");
        let queries = ["Mairie".to_string(), "idfm:\"mairie\"".to_string()];
        let (places, unknown) = crate::poller::resolve_in(&multi, &index, &queries)
            .await
            .unwrap();
        assert!(unknown.is_empty());
        let networks: Vec<(&str, &str)> = places
            .iter()
            .map(|p| (p.network.as_str(), p.stop_ids[0].as_str()))
            .collect();
        assert_eq!(networks, [("ginko", "ginko:1"), ("idfm", "idfm:1")]);
        assert_eq!(places[1].network_name, "IDFM");
    }

    #[tokio::test]
    async fn one_network_down_leaves_the_other_s_rows() {
        let (a, b, multi) = two();
        a.set_departures("Mairie", "T2", true, Vec::new());
        let (index, _) = crate::poller::index(&multi).await.unwrap();
        let queries = ["ginko:mairie".to_string(), "idfm:mairie".to_string()];
        let (places, _) = crate::poller::resolve_in(&multi, &index, &queries)
            .await
            .unwrap();
        let mut board = crate::model::Board::new(places);
        b.fail_next(NetError::new(
            ErrorKind::rate_limited_for(Some(std::time::Duration::from_secs(3600))),
            "spent",
        ));
        let results = multi
            .departures(&board.requests(), PerRow::DEFAULT)
            .await
            .unwrap();
        assert!(results[0].error.is_none() && results[0].in_answer);
        assert!(results[1].error.is_some() && !results[1].in_answer);
        board.apply(crate::clock::now(), results);
        let view = crate::ui::view::build(&board, crate::clock::now());
        assert_eq!(view.places[0].problem, None);
        assert!(
            view.places[1].heading().contains("quota atteint jusqu'à"),
            "{}",
            view.places[1].heading()
        );
        assert!(
            view.places[0].heading().contains("Mairie · Ginko"),
            "mixed: {}",
            view.places[0].heading()
        );
        // Both down: the board's own failure, as for one network.
        a.fail_next(NetError::new(ErrorKind::Unreachable, "down"));
        b.fail_next(NetError::new(ErrorKind::Unreachable, "down"));
        let e = multi
            .departures(&board.requests(), PerRow::DEFAULT)
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unreachable);
        assert_eq!(
            multi.member("idfm").map(|m| m.name().to_string()),
            Some("IDFM".into())
        );
    }
}
