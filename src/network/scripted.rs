//! A network held in memory, scripted by its caller: its stops, the lines
//! at each stop, the departures of each row (live countdowns or absolute
//! instants, cancelled, with platforms…), its messages, and failures to
//! play. It is not Ginko and speaks no wire format: the tests drive the
//! board, the search, the favourites and the kiosk through it to show that
//! they depend on the [`Network`] seam only.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::domain::{BoardLine, Departure, Message, Position, Stop};
use crate::network::{
    Capabilities, NetError, NetFuture, Network, PerRow, RowRequest, RowResult, StopList,
};

type RowKey = (String, String, bool);

#[derive(Default)]
struct State {
    departures: HashMap<RowKey, Vec<Departure>>,
    failures: VecDeque<NetError>,
    messages: Vec<Message>,
    message_failures: VecDeque<NetError>,
    /// When each messages call started (tokio's clock).
    message_times: Vec<tokio::time::Instant>,
    departure_calls: usize,
    rows_asked: usize,
    /// When each departures call started (tokio's clock).
    call_times: Vec<tokio::time::Instant>,
    in_flight: usize,
    most_in_flight: usize,
    /// What [`Network::live_arrivals`] says, whatever the row.
    live_arrivals: Vec<Vec<jiff::Timestamp>>,
    /// The destination of each row of the last departures call.
    last_to: Vec<Option<String>>,
}

/// A scripted network.
pub struct Scripted {
    id: String,
    name: String,
    capabilities: Capabilities,
    stops: Vec<Stop>,
    lines: HashMap<String, Vec<BoardLine>>,
    /// How long each departures call takes to answer.
    latency: std::time::Duration,
    state: Mutex<State>,
}

impl Scripted {
    pub fn new(id: &str, name: &str) -> Scripted {
        Scripted {
            id: id.into(),
            name: name.into(),
            capabilities: Capabilities::default(),
            stops: Vec::new(),
            lines: HashMap::new(),
            latency: std::time::Duration::ZERO,
            state: Mutex::new(State::default()),
        }
    }

    /// A stop of the place `name`, served by `lines`.
    pub fn with_stop(
        mut self,
        name: &str,
        stop_id: &str,
        position: Option<Position>,
        lines: Vec<BoardLine>,
    ) -> Scripted {
        self.stops.push(Stop {
            id: stop_id.into(),
            name: name.into(),
            position,
            accessibility: crate::domain::Accessibility::Unknown,
        });
        self.lines.insert(stop_id.into(), lines);
        self
    }

    /// Each departures call answers after `latency`.
    pub fn with_latency(mut self, latency: std::time::Duration) -> Scripted {
        self.latency = latency;
        self
    }

    pub fn with_capabilities(mut self, capabilities: Capabilities) -> Scripted {
        self.capabilities = capabilities;
        self
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A test that panicked while holding the lock has failed already.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What the row (place, line, direction) answers from now on.
    pub fn set_departures(&self, place: &str, line_id: &str, outbound: bool, list: Vec<Departure>) {
        self.state()
            .departures
            .insert((place.into(), line_id.into(), outbound), list);
    }

    /// The live arrivals at any destination, per departure, from now on.
    pub fn set_live_arrivals(&self, arrivals: Vec<Vec<jiff::Timestamp>>) {
        self.state().live_arrivals = arrivals;
    }

    /// The next departures call fails with `error`.
    pub fn fail_next(&self, error: NetError) {
        self.state().failures.push_back(error);
    }

    pub fn set_messages(&self, messages: Vec<Message>) {
        self.state().messages = messages;
    }

    /// The next messages call fails with `error`.
    pub fn fail_messages_next(&self, error: NetError) {
        self.state().message_failures.push_back(error);
    }

    /// When each messages call started.
    pub fn message_times(&self) -> Vec<tokio::time::Instant> {
        self.state().message_times.clone()
    }

    /// The destination each row of the last departures call asked for.
    pub fn last_destinations(&self) -> Vec<Option<String>> {
        self.state().last_to.clone()
    }

    /// How many departures calls were made, and rows asked in all.
    pub fn calls(&self) -> (usize, usize) {
        let state = self.state();
        (state.departure_calls, state.rows_asked)
    }

    /// When each departures call started.
    pub fn call_times(&self) -> Vec<tokio::time::Instant> {
        self.state().call_times.clone()
    }

    /// The most departures calls that were waiting for their answer at
    /// once.
    pub fn most_in_flight(&self) -> usize {
        self.state().most_in_flight
    }
}

impl Network for Scripted {
    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    fn live_arrivals(
        &self,
        _row: &RowRequest,
        _departures: &[Departure],
        _fetched_at: jiff::Timestamp,
        _to: &str,
    ) -> Vec<Vec<jiff::Timestamp>> {
        self.state().live_arrivals.clone()
    }

    fn is_local(&self) -> bool {
        true
    }

    fn stops(&self) -> NetFuture<'_, StopList> {
        let stops = self.stops.clone();
        Box::pin(async move {
            Ok(StopList {
                stops,
                stale: false,
            })
        })
    }

    fn lines_at<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<BoardLine>> {
        let lines = stop_ids
            .iter()
            .filter_map(|id| self.lines.get(id))
            .flatten()
            .cloned()
            .collect();
        Box::pin(async move { Ok(lines) })
    }

    fn departures<'a>(
        &'a self,
        rows: &'a [RowRequest],
        per_row: PerRow,
    ) -> NetFuture<'a, Vec<RowResult>> {
        let answer = {
            let mut state = self.state();
            state.departure_calls += 1;
            state.rows_asked += rows.len();
            state.last_to = rows.iter().map(|r| r.to.clone()).collect();
            state.call_times.push(tokio::time::Instant::now());
            state.in_flight += 1;
            state.most_in_flight = state.most_in_flight.max(state.in_flight);
            match state.failures.pop_front() {
                Some(error) => Err(error),
                None => Ok(rows
                    .iter()
                    .map(|r| {
                        let key = (r.place.clone(), r.line_id.clone(), r.outbound);
                        let found = state.departures.get(&key);
                        RowResult {
                            in_answer: found.is_some(),
                            position: None,
                            departures: found
                                .map(|list| {
                                    list.iter()
                                        .take(usize::from(per_row.get()))
                                        .cloned()
                                        .collect()
                                })
                                .unwrap_or_default(),
                            error: None,
                            data_at: None,
                            timetable: false,
                            dropped: 0,
                        }
                    })
                    .collect()),
            }
        };
        Box::pin(async move {
            tokio::time::sleep(self.latency).await;
            self.state().in_flight -= 1;
            answer
        })
    }

    fn messages(&self) -> NetFuture<'_, Vec<Message>> {
        let mut state = self.state();
        state.message_times.push(tokio::time::Instant::now());
        let answer = match state.message_failures.pop_front() {
            Some(error) => Err(error),
            None => Ok(state.messages.clone()),
        };
        Box::pin(async move { answer })
    }
}
