//! The seam between quai and the networks it shows.
//!
//! The board, the search, the favourites and the kiosk talk to a network only
//! through [`Network`]: its stop index, the lines and directions at a place,
//! the departures of a set of rows in one call, its traffic messages, and
//! the services a network may or may not offer ([`Capabilities`]). Each
//! network's wire format stays in its own folder (`src/ginko/`), which
//! turns its answers into [`crate::domain`] types and its failures into a
//! [`NetError`]. A new network is a sibling folder with an implementation
//! of this trait, and an entry in [`registry`].

pub mod check;
pub mod error;
pub mod http;
pub mod multi;
pub mod registry;
pub mod scripted;

// Each kind of network in its own folder, declared by its entry in the
// registry's table (`registry::kinds`). Only the registry (which describes
// and builds them), the demo (which emulates them) and they themselves can
// name what is inside: the rest of quai cannot, and the compiler says so.
// The `wire` feature opens them to quai's own tests and benchmarks (a
// dev-dependency of the package on itself), never to a build of the
// program.
#[path = "../demo/mod.rs"]
pub mod demo;
#[cfg(feature = "wire")]
pub use registry::kinds::folders::*;
#[cfg(not(feature = "wire"))]
use registry::kinds::folders::*;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::Serialize;

pub use error::{ErrorKind, KeyName, NetError};

use crate::domain::{
    BoardLine, CrowdForecast, Departure, Fare, Lift, LineStatus, Message, Position, Stop, Vehicle,
    VehicleLive,
};

/// What a network's operations return.
pub type NetFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, NetError>> + Send + 'a>>;

/// A network, shared by the tasks that poll it.
pub type Source = Arc<dyn Network>;

/// The services beyond departures and messages that a network offers. The
/// board offers a key only for what the selected row's network has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// `t`: the fares.
    pub fares: bool,
    /// Enter: a vehicle's equipment and live state.
    pub vehicle_details: bool,
    /// `c`: the day's crowding forecast of a line at a stop.
    pub crowding_forecast: bool,
    /// Marks before the line badges.
    pub line_states: bool,
    /// Lift and escalator status.
    pub lifts: bool,
    /// `n`: the stops near a position, asked of the network.
    pub nearby: bool,
}

/// How many departures each row shows (1 to 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PerRow(u8);

impl PerRow {
    pub const DEFAULT: PerRow = PerRow(2);

    pub fn new(n: i64) -> Result<PerRow, String> {
        u8::try_from(n)
            .ok()
            .filter(|n| (1..=5).contains(n))
            .map(PerRow)
            .ok_or_else(|| crate::i18n::tf("invalid_nb", &[("n", &n.to_string())]))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl Default for PerRow {
    fn default() -> PerRow {
        PerRow::DEFAULT
    }
}

/// The network's stops, and whether the list is an old copy (the network
/// could not be reached).
#[derive(Debug, Clone, Default)]
pub struct StopList {
    pub stops: Vec<Stop>,
    pub stale: bool,
}

/// One row of a board to fetch: a line in one direction at a place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowRequest {
    /// The place's exact name.
    pub place: String,
    /// The place's stops.
    pub stop_ids: Vec<String>,
    pub line_id: String,
    pub outbound: bool,
    /// The row's destination (a network whose rows are per destination
    /// matches on it).
    pub destination: String,
    /// Where the board asks its departures to go (`--to`, a favourite's
    /// `to`): a network that says live arrivals only when asked with the
    /// departures (Ginko) asks for the destination in the same request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// The departures found for one [`RowRequest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowResult {
    /// The place was in the network's answer (an answer may leave out a
    /// place with no departure, or be incomplete).
    pub in_answer: bool,
    pub position: Option<Position>,
    pub departures: Vec<Departure>,
    /// Why the row could not be fetched this time, when the rest of the
    /// answer could (a network of a mixed board is down, its quota is
    /// spent): the row keeps what it showed, marked old.
    #[serde(skip)]
    pub error: Option<NetError>,
    /// When the network had these departures, if earlier than the call (a
    /// network that answers from its last answer between its own polls).
    pub data_at: Option<jiff::Timestamp>,
    /// The departures are the published timetable's, in place of live
    /// ones that are missing (the heading and status line say why).
    #[serde(default)]
    pub timetable: bool,
    /// Values of the answer out of sane bounds (a wait of minus an hour, a
    /// departure in 2100), dropped rather than shown.
    #[serde(default)]
    pub dropped: u32,
}

/// One network of a board, as the search, the headings and the keys need
/// to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkInfo {
    pub id: String,
    pub name: String,
    pub capabilities: Capabilities,
}

/// A board's title when it names fewer networks than all: "quai · " and
/// the names of those of `networks` that have a place among the networks
/// `shown`, in their order ("quai · Caltrain + BART"). `None` (the title
/// of every network) while no place is known, or when every network has
/// one.
pub fn board_title<'a>(
    networks: &[NetworkInfo],
    shown: impl Iterator<Item = &'a str>,
) -> Option<String> {
    let shown: Vec<&str> = shown.collect();
    let named: Vec<&str> = networks
        .iter()
        .filter(|n| shown.contains(&n.id.as_str()))
        .map(|n| n.name.as_str())
        .collect();
    if networks.len() < 2 || named.is_empty() || named.len() == networks.len() {
        return None;
    }
    Some(format!("quai · {}", named.join(" + ")))
}

/// What one API of a network with a daily quota has used today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaReport {
    pub network: String,
    pub api: String,
    /// The day's allowance quai plans with.
    pub daily_quota: Option<u64>,
    /// Requests quai sent today (the quota's day).
    pub sent_today: u32,
    /// The server's own figures, as last reported, and when.
    pub server_limit: Option<u64>,
    pub server_remaining: Option<u64>,
    pub reported_at: Option<jiff::Timestamp>,
    /// Nothing is sent before this (the quota is spent).
    pub blocked_until: Option<jiff::Timestamp>,
}

/// A network as the rest of quai sees it. Every text it returns is
/// sanitised; every failure is a [`NetError`] that names no key.
pub trait Network: Send + Sync {
    /// A short id, stable and safe in paths and topics ("ginko").
    fn id(&self) -> &str;

    /// The name shown to riders ("Ginko").
    fn name(&self) -> &str;

    /// Where the data comes from, as the licence asks to say it.
    fn attribution(&self) -> &str {
        ""
    }

    /// The services beyond departures and messages.
    fn capabilities(&self) -> Capabilities;

    /// The zone network `network`'s times are in (fixed by its kind, or
    /// its timetable's once one is read); `None` when not known.
    fn zone(&self, network: &str) -> Option<jiff::tz::TimeZone> {
        let _ = network;
        None
    }

    /// The networks behind this one, the default first (one network is
    /// itself; several shown together are each of theirs).
    fn networks(&self) -> Vec<NetworkInfo> {
        vec![NetworkInfo {
            id: self.id().to_string(),
            name: self.name().to_string(),
            capabilities: self.capabilities(),
        }]
    }

    /// The network a stop id of [`Network::stops`] belongs to.
    fn network_of(&self, stop_id: &str) -> Option<NetworkInfo> {
        let _ = stop_id;
        self.networks().into_iter().next()
    }

    /// Whether the network's server is on this machine (a demo or test
    /// server may be polled more often).
    fn is_local(&self) -> bool {
        false
    }

    /// Every stop of the network (same-name stops make one place).
    fn stops(&self) -> NetFuture<'_, StopList>;

    /// Why network `network`'s own stops were missing from the last
    /// [`Network::stops`] (several networks as one answer with the others'
    /// when one fails); `None` by default.
    fn stops_failure(&self, network: &str) -> Option<NetError> {
        let _ = network;
        None
    }

    /// The exact place name the network gives to a loose query, when its
    /// own matching is looser than quai's; `None` by default.
    fn exact_name<'a>(&'a self, query: &'a str) -> NetFuture<'a, Option<String>> {
        let _ = query;
        Box::pin(async { Ok(None) })
    }

    /// The lines and directions that serve these stops (of one place).
    fn lines_at<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<BoardLine>>;

    /// The next departures of every row, in one call where the network
    /// allows it; one result per request, in the order of `rows`.
    fn departures<'a>(
        &'a self,
        rows: &'a [RowRequest],
        per_row: PerRow,
    ) -> NetFuture<'a, Vec<RowResult>>;

    /// The current traffic messages.
    fn messages(&self) -> NetFuture<'_, Vec<Message>>;

    /// Where each of a row's departures (fetched at `fetched_at`) calls
    /// at the place `to` after the row's place, and when
    /// ([`crate::destination`]); by default it cannot say.
    fn arrivals(
        &self,
        row: &RowRequest,
        departures: &[Departure],
        fetched_at: jiff::Timestamp,
        to: &str,
    ) -> crate::destination::Arrivals {
        let _ = (row, departures, fetched_at, to);
        crate::destination::Arrivals::Unavailable
    }

    /// When the network, in the request that fetched a row's departures,
    /// expects each of them at the place `to` after it leaves (Ginko: the
    /// same vehicle number in the destination's waiting times), in the
    /// order of `departures`: the times it gives, the timetable's trip
    /// telling which is this run's (a vehicle may pass again). Empty by
    /// default: the timetable says it alone.
    fn live_arrivals(
        &self,
        row: &RowRequest,
        departures: &[Departure],
        fetched_at: jiff::Timestamp,
        to: &str,
    ) -> Vec<Vec<jiff::Timestamp>> {
        let _ = (row, departures, fetched_at, to);
        Vec::new()
    }

    /// Each of a row's departures' next stops, in order, with their times
    /// (`--calls`); `None` when the network cannot say (no timetable).
    fn calls(
        &self,
        row: &RowRequest,
        departures: &[Departure],
        fetched_at: jiff::Timestamp,
    ) -> Option<Vec<Vec<crate::destination::Call>>> {
        let _ = (row, departures, fetched_at);
        None
    }

    /// How often the network is asked and why, for the status line
    /// ("actualisé toutes les 90 s · quota 1000/jour"), when it is not
    /// the board's own period.
    fn schedule_note(&self) -> Option<String> {
        None
    }

    /// A place asked for that the network does not know, as the board
    /// lists it (`query` sanitised): the query, or why it is not there.
    fn unknown_place(&self, query: &str) -> String {
        query.to_string()
    }

    /// How often the rows of a place may change (rows that follow the
    /// network's answers); `None`: only with the day.
    fn rows_change_every(&self) -> Option<std::time::Duration> {
        None
    }

    /// The day's requests of each API with a quota (none by default).
    fn quota(&self) -> Vec<QuotaReport> {
        Vec::new()
    }

    /// One of the networks shown together, by id (`None` for a network
    /// alone: it is itself).
    fn member(&self, id: &str) -> Option<Source> {
        let _ = id;
        None
    }

    /// The lifts of a place's stops (with `lifts`).
    fn lifts<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<Lift>> {
        let _ = stop_ids;
        Box::pin(async { Err(NetError::unsupported("lift status")) })
    }

    /// The lines' traffic states (with `line_states`).
    fn line_states(&self) -> NetFuture<'_, Vec<LineStatus>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    /// The stops near a position, nearest first (with `nearby`).
    fn nearby(&self, at: Position) -> NetFuture<'_, Vec<Stop>> {
        let _ = at;
        Box::pin(async { Err(NetError::unsupported("nearby stops")) })
    }

    /// The fares (with `fares`).
    fn fares(&self) -> NetFuture<'_, Vec<Fare>> {
        Box::pin(async { Err(NetError::unsupported("fares")) })
    }

    /// A vehicle's equipment (with `vehicle_details`).
    fn vehicle<'a>(&'a self, number: &'a str) -> NetFuture<'a, Vehicle> {
        let _ = number;
        Box::pin(async { Err(NetError::unsupported("vehicle details")) })
    }

    /// A vehicle's live state (with `vehicle_details`).
    fn vehicle_live<'a>(&'a self, number: &'a str) -> NetFuture<'a, VehicleLive> {
        let _ = number;
        Box::pin(async { Err(NetError::unsupported("vehicle details")) })
    }

    /// Today's crowding forecast of a line and direction at a stop (with
    /// `crowding_forecast`).
    fn forecast<'a>(
        &'a self,
        stop_id: &'a str,
        line_id: &'a str,
        outbound: bool,
    ) -> NetFuture<'a, Vec<CrowdForecast>> {
        let _ = (stop_id, line_id, outbound);
        Box::pin(async { Err(NetError::unsupported("crowding forecast")) })
    }
}

impl std::fmt::Debug for dyn Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Network").field("id", &self.id()).finish()
    }
}
