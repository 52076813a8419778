//! Boards read from a broker (`quai board --from mqtt://…`, `quai kiosk
//! --from mqtt://…`): a screen that polls nothing and needs no key. It is a
//! [`Network`] like any other: its places are the boards published under
//! `<prefix>/<network>/<place-id>/board`, its departures the rows of the
//! last board received, their age the publisher's. When `<prefix>/status`
//! says `offline`, or nothing arrives for 90 s, every row says
//! "publication interrompue" and keeps what it showed, marked old.
//!
//! The broker is not trusted more than a network. The screen speaks MQTT 5
//! and tells the broker the largest packet it takes
//! ([`MAX_PAYLOAD`](super::publish::MAX_PAYLOAD) and room for the topic): the
//! broker drops larger messages for this screen rather than send them, and
//! the connection stays up whatever is published. A payload not JSON, or of
//! another shape, is ignored; every text is sanitised. A board's age is its
//! own: its publication time (`now`) says whether it is still published,
//! its `fetched_at` how old its data is; one dated in the future (beyond
//! [`CLOCK_SKEW`]) is refused, and the countdowns count from the board's
//! own times, never from when the message arrived.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rumqttc::Transport;
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::mqttbytes::v5::Packet;
use rumqttc::v5::{AsyncClient, Event, MqttOptions};
use serde_json::Value;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::publish::MAX_PAYLOAD;
use super::{Broker, Credentials};
use crate::domain::{
    Accessibility, BoardLine, CrowdLevel, Departure, Lift, LiftState, LineKind, LineRef, LineState,
    LineStatus, Load, Message, Mode, Origin, Rgb, Severity, Status, Stop, WaitTime,
};
use crate::network::{
    Capabilities, ErrorKind, NetError, NetFuture, Network, NetworkInfo, PerRow, RowRequest,
    RowResult, StopList,
};

/// Nothing received for this long: the publication is interrupted.
pub const SILENT_AFTER: Duration = Duration::from_secs(90);
/// How long the first boards are waited for.
const FIRST_BOARDS_WITHIN: Duration = Duration::from_secs(5);
/// The retained messages come in a burst after the subscription: they
/// are all there once none has come for this long.
const BURST_QUIET: Duration = Duration::from_millis(300);
/// How far in the future a board's times may be (the publisher's clock
/// ahead of the screen's) before the board is refused.
pub const CLOCK_SKEW: Duration = Duration::from_secs(120);
/// A board whose data was fetched longer ago than this is not live, even
/// when it is published on time and says it is fresh (a publisher whose
/// network fails says so itself, well before).
pub const OLD_DATA_AFTER: Duration = Duration::from_secs(300);
/// The largest packet the broker may send a screen: a payload of
/// [`MAX_PAYLOAD`] and its topic and properties.
const MAX_PACKET: u32 = (MAX_PAYLOAD + 64 * 1024) as u32;

/// A board received, with its own times.
struct Received {
    board: Value,
    /// When the publisher built it (its `now`), never later than its
    /// arrival.
    published: jiff::Timestamp,
    /// When its data was fetched, when it says.
    fetched: Option<jiff::Timestamp>,
}

#[derive(Default)]
struct State {
    /// By stop id `<network>/<place-id>`: the board, when received.
    boards: HashMap<String, Received>,
    messages: HashMap<String, Vec<Message>>,
    /// `<prefix>/status` said `offline`.
    offline: bool,
    /// `<prefix>/status` was received (retained, it comes at once).
    status_seen: bool,
    /// When the last board arrived (the retained ones come in a burst).
    last_board: Option<Instant>,
    /// The newest publication time of the boards received (theirs, not
    /// their arrival's: a retained board read again is no newer).
    last_published: Option<jiff::Timestamp>,
    /// When anything (status included) last arrived.
    last_any: Option<Instant>,
    /// When the topics were last subscribed to (on each connection).
    subscribed_at: Option<Instant>,
    connected: bool,
    /// Why the last connection failed, until one succeeds.
    refused: Option<String>,
}

/// The boards of a broker, as a network.
pub struct Subscribed {
    name: String,
    /// The networks this screen knows by name (the boards' ids are theirs).
    networks: crate::network::registry::Networks,
    broker: String,
    prefix: String,
    state: Arc<Mutex<State>>,
    arrived: Arc<Notify>,
    /// Rows were answered once: while the publication is interrupted, a
    /// refresh is then a failure (the board keeps its rows, aged from
    /// when they were live), not news.
    served: AtomicBool,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Subscribed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A text of the board, sanitised: control characters and escapes
/// removed, spaces collapsed.
fn clean(v: &Value) -> String {
    v.as_str().map(crate::sanitize::text).unwrap_or_default()
}

impl Subscribed {
    /// Connects (in the background, retrying with back-off) and subscribes.
    pub fn connect(
        broker: &Broker,
        credentials: Option<&Credentials>,
        prefix: &str,
        networks: crate::network::registry::Networks,
    ) -> Subscribed {
        let id = format!("quai-screen-{}", std::process::id());
        let mut options = MqttOptions::new(id, broker.host.clone(), broker.port);
        options
            .set_keep_alive(Duration::from_secs(30))
            // Said to the broker in CONNECT: it does not send this screen
            // a larger message (MQTT 5, 3.1.2.11.4), so one cannot end the
            // connection. The same limit guards the reading.
            .set_max_packet_size(Some(MAX_PACKET));
        if let Some(c) = credentials {
            options.set_credentials(c.username.clone(), c.password.expose().to_string());
        }
        if broker.tls {
            crate::network::http::install_crypto_provider();
            options.set_transport(Transport::tls_with_default_config());
        }
        let (client, mut eventloop) = AsyncClient::new(options, 16);
        let state = Arc::new(Mutex::new(State::default()));
        let arrived = Arc::new(Notify::new());
        let (task_state, task_arrived) = (Arc::clone(&state), Arc::clone(&arrived));
        let prefix = prefix.to_string();
        let task_prefix = prefix.clone();
        let task = tokio::spawn(async move {
            let prefix = task_prefix;
            let mut back_off = Duration::from_secs(1);
            loop {
                match eventloop.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => {
                        back_off = Duration::from_secs(1);
                        if let Ok(mut s) = task_state.lock() {
                            s.connected = true;
                            s.refused = None;
                            s.subscribed_at = Some(Instant::now());
                        }
                        // The status first: a screen knows whether what
                        // follows is still published.
                        for topic in [
                            format!("{prefix}/status"),
                            format!("{prefix}/+/+/board"),
                            format!("{prefix}/+/messages"),
                        ] {
                            let _ = client.try_subscribe(topic, QoS::AtLeastOnce);
                        }
                    }
                    Ok(Event::Incoming(Packet::Publish(p))) => {
                        if p.payload.len() <= MAX_PAYLOAD
                            && let Ok(topic) = std::str::from_utf8(&p.topic)
                        {
                            receive(&task_state, &prefix, topic, &p.payload);
                            task_arrived.notify_waiters();
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        if let Ok(mut s) = task_state.lock() {
                            s.connected = false;
                            s.refused = Some(crate::sanitize::line(&e.to_string()));
                        }
                        task_arrived.notify_waiters();
                        tokio::time::sleep(back_off).await;
                        back_off = (back_off * 2).min(Duration::from_secs(30));
                    }
                }
            }
        });
        Subscribed {
            name: crate::i18n::tf("mqtt_published_on", &[("broker", &broker.shown())]),
            broker: broker.shown(),
            prefix,
            networks,
            state,
            arrived,
            served: AtomicBool::new(false),
            task,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Why the boards cannot be trusted now, if they cannot: the broker
    /// is out of reach, or the publication is interrupted.
    fn interrupted(&self) -> Option<NetError> {
        let s = self.lock();
        if !s.connected
            && let Some(why) = &s.refused
        {
            return Some(self.unreachable(why));
        }
        let silent = s.last_published.is_none_or(|at| since(at) >= SILENT_AFTER);
        (s.offline || silent || !s.connected).then(|| {
            NetError::new(
                ErrorKind::NotPublished,
                crate::i18n::tf("mqtt_nothing_now", &[("broker", &self.broker.to_string())]),
            )
        })
    }

    /// Why a board is not live, judged from its own times: its
    /// publication stopped ([`SILENT_AFTER`]), or its data is older than
    /// [`OLD_DATA_AFTER`] whatever it claims.
    fn too_old(&self, received: &Received) -> Option<NetError> {
        let published = since(received.published);
        if published >= SILENT_AFTER {
            return Some(NetError::new(
                ErrorKind::NotPublished,
                crate::i18n::tf(
                    "mqtt_last_published",
                    &[("s", &published.as_secs().to_string())],
                ),
            ));
        }
        let fetched = since(received.fetched?);
        (fetched >= OLD_DATA_AFTER).then(|| {
            NetError::new(
                ErrorKind::Stale,
                crate::i18n::tf(
                    "mqtt_data_old",
                    &[("min", &(fetched.as_secs() / 60).to_string())],
                ),
            )
        })
    }

    fn unreachable(&self, why: &str) -> NetError {
        NetError::new(
            ErrorKind::Unreachable,
            crate::i18n::tf(
                "mqtt_broker_unreachable",
                &[("broker", &self.broker.to_string()), ("why", why)],
            ),
        )
    }

    /// Waits for the retained messages of the first connection (they come
    /// in a burst right after the subscription), at most
    /// [`FIRST_BOARDS_WITHIN`], and not at all once the broker refused.
    async fn settled(&self) {
        let deadline = Instant::now() + FIRST_BOARDS_WITHIN;
        loop {
            let notified = self.arrived.notified();
            {
                let s = self.lock();
                if s.refused.is_some() && !s.connected && s.last_any.is_none() {
                    return;
                }
                let quiet = |at: Option<Instant>| at.is_none_or(|at| at.elapsed() >= BURST_QUIET);
                if s.subscribed_at.is_some() && quiet(s.subscribed_at) && quiet(s.last_any) {
                    return;
                }
            }
            let wake = (Instant::now() + Duration::from_millis(100)).min(deadline);
            if tokio::time::timeout_at(wake, notified).await.is_err() && Instant::now() >= deadline
            {
                return;
            }
        }
    }
}

/// Stores one message of the broker.
fn receive(state: &Mutex<State>, prefix: &str, topic: &str, payload: &[u8]) {
    let Ok(mut s) = state.lock() else { return };
    let Some(rest) = topic.strip_prefix(prefix).and_then(|r| r.strip_prefix('/')) else {
        return;
    };
    let levels: Vec<&str> = rest.split('/').collect();
    s.last_any = Some(Instant::now());
    match levels.as_slice() {
        ["status"] => {
            s.offline = payload != b"online";
            s.status_seen = true;
        }
        [network, "messages"] => {
            let list = serde_json::from_slice::<Value>(payload)
                .ok()
                .and_then(|v| v.as_array().map(|a| a.iter().filter_map(message).collect()));
            if let Some(list) = list {
                s.messages.insert(crate::sanitize::line(network), list);
            }
        }
        [network, place, "board"] => {
            let key = format!(
                "{}/{}",
                crate::sanitize::line(network),
                crate::sanitize::line(place)
            );
            if payload.is_empty() {
                s.boards.remove(&key);
                return;
            }
            let board = serde_json::from_slice::<Value>(payload).ok().filter(|b| {
                b["places"][0]["name"].is_string() && b["places"][0]["rows"].is_array()
            });
            if let Some(received) = board.and_then(received) {
                s.last_published = s.last_published.max(Some(received.published));
                s.boards.insert(key, received);
                s.last_board = Some(Instant::now());
            }
        }
        _ => {}
    }
}

/// What a screen makes of one message of the broker under `prefix`,
/// without a broker (`tests/mqtt_fuzz.rs`): the places' names it would
/// list, the rows `rows` it would show from the boards (or why not), and
/// the traffic messages it would keep.
pub struct Read {
    pub places: Vec<String>,
    pub rows: Vec<Result<Vec<Departure>, NetError>>,
    pub messages: Vec<Message>,
}

/// Reads one message as a screen does ([`Read`]), at `now`.
pub fn read_message(
    prefix: &str,
    topic: &str,
    payload: &[u8],
    rows: &[RowRequest],
    per_row: PerRow,
    now: jiff::Timestamp,
) -> Read {
    let state = Mutex::new(State::default());
    receive(&state, prefix, topic, payload);
    let s = state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Read {
        places: s
            .boards
            .values()
            .map(|r| clean(&r.board["places"][0]["name"]))
            .collect(),
        rows: s
            .boards
            .values()
            .flat_map(|received| {
                rows.iter()
                    .map(|r| read_row(received, r, per_row, now).map(|(d, _)| d))
            })
            .collect(),
        messages: s.messages.values().flatten().cloned().collect(),
    }
}

/// How long ago `at` was, by the wall clock (zero for a time to come).
fn since(at: jiff::Timestamp) -> Duration {
    crate::clock::now()
        .duration_since(at)
        .try_into()
        .unwrap_or(Duration::ZERO)
}

/// A board with its own times: refused when it has no publication time,
/// or one of its times is in the future beyond [`CLOCK_SKEW`].
fn received(board: Value) -> Option<Received> {
    let now = crate::clock::now();
    let latest = now.checked_add(CLOCK_SKEW).ok()?;
    let published = timestamp(&board["now"])?;
    let fetched = timestamp(&board["fetched_at"]);
    if published > latest || fetched.is_some_and(|f| f > latest) {
        return None;
    }
    Some(Received {
        published: published.min(now),
        fetched: fetched.map(|f| f.min(now)),
        board,
    })
}

fn message(v: &Value) -> Option<Message> {
    let severity = match v["severity"].as_str()? {
        "interrupted" => Severity::Interrupted,
        "ongoing" => Severity::Ongoing,
        "planned" => Severity::Planned,
        "information" => Severity::Information,
        _ => Severity::None,
    };
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(clean).collect())
            .unwrap_or_default()
    };
    Some(Message {
        network: clean(&v["network"]),
        id: clean(&v["id"]),
        title: clean(&v["title"]),
        // Rendered and sanitised before display, as any network's.
        body_html: v["body_html"].as_str().unwrap_or_default().to_string(),
        url: clean(&v["url"]),
        severity,
        lines: strings(&v["lines"]),
        stops: strings(&v["stops"]),
        alert: v["alert"].as_bool().unwrap_or(false),
    })
}

fn line_ref(v: &Value) -> LineRef {
    let rgb = |c: &Value| {
        let a = c.as_array()?;
        let part = |i: usize| a.get(i)?.as_u64().and_then(|x| u8::try_from(x).ok());
        Some(Rgb(part(0)?, part(1)?, part(2)?))
    };
    LineRef {
        id: clean(&v["id"]),
        number: clean(&v["number"]),
        background: rgb(&v["background"]),
        foreground: rgb(&v["foreground"]),
        mode: match v["mode"].as_str() {
            Some("bus") => Some(Mode::Bus),
            Some("tram") => Some(Mode::Tram),
            Some("metro") => Some(Mode::Metro),
            Some("rail") => Some(Mode::Rail),
            _ => None,
        },
    }
}

/// The network's grouping of a line, as the publisher sorted its rows.
fn line_kind(v: &Value) -> Option<LineKind> {
    Some(match v.as_str()? {
        "rail" => LineKind::Rail,
        "metro" => LineKind::Metro,
        "tram" => LineKind::Tram,
        "lianes" => LineKind::Lianes,
        "urban" => LineKind::Urban,
        "complementary" => LineKind::Complementary,
        "peri_urban" => LineKind::PeriUrban,
        "school" => LineKind::School,
        "on_demand" => LineKind::OnDemand,
        "other" => LineKind::Other,
        _ => return None,
    })
}

fn line_state(v: &Value) -> Option<LineState> {
    Some(match v.as_str()? {
        "no_information" => LineState::NoInformation,
        "normal" => LineState::Normal,
        "information" => LineState::Information,
        "not_running_now" => LineState::NotRunningNow,
        "planned_disruption" => LineState::PlannedDisruption,
        "disrupted" => LineState::Disrupted,
        "interrupted" => LineState::Interrupted,
        _ => return None,
    })
}

fn timestamp(v: &Value) -> Option<jiff::Timestamp> {
    v.as_str()?.parse().ok()
}

/// A cell of a published row as a departure; `moved`: seconds since the
/// publisher built the board.
fn departure(row: &Value, cell: &Value, moved: i64) -> Departure {
    let shown = &cell["shown"];
    let text = clean(&shown["text"]);
    let seconds = cell["seconds"].as_i64().map(|s| s.saturating_sub(moved));
    let origin = match cell["origin"].as_str() {
        Some("located") => Origin::Located,
        Some("timetable") => Origin::Timetable,
        _ => Origin::NotLocated,
    };
    let status = match cell["status"].as_str() {
        Some("cancelled") => Status::Cancelled,
        Some("delayed") => Status::Delayed,
        Some("added") => Status::Added,
        _ => Status::Normal,
    };
    let time = match (timestamp(&cell["expected"]), shown["kind"].as_str()) {
        (Some(expected), _) => WaitTime::At {
            expected,
            aimed: timestamp(&cell["aimed"]),
        },
        (None, Some("countdown" | "theoretical" | "not_located")) => {
            WaitTime::Countdown { text, seconds }
        }
        (None, Some("as_sent")) => WaitTime::Clock { text },
        (None, Some("cancelled")) => WaitTime::Text {
            text: "Supprimé".into(),
            served: false,
        },
        (None, _) => WaitTime::Text { text, served: true },
    };
    // The gauge as the publisher drew it: filled cells and their level.
    let (load, crowding) = match &cell["gauge"] {
        Value::String(s) if s == "Unknown" => (Load::Unknown, CrowdLevel::Unknown),
        Value::Object(o) => {
            let bar = o.get("Bar");
            let filled = bar
                .and_then(|b| b.get(0))
                .and_then(Value::as_u64)
                .map_or(0, |f| f.min(3) as u8);
            let level = match bar.and_then(|b| b.get(1)).and_then(Value::as_str) {
                Some("low") => CrowdLevel::Low,
                Some("moderate") => CrowdLevel::Moderate,
                Some("high") => CrowdLevel::High,
                _ => CrowdLevel::Unknown,
            };
            (Load::Percent(filled * 33), level)
        }
        _ => (Load::NotAllowed, CrowdLevel::NotAllowed),
    };
    let optional = |v: &Value| v.as_str().map(crate::sanitize::line);
    Departure {
        stop_id: clean(&cell["stop_id"]),
        line: line_ref(&row["line"]),
        outbound: row["outbound"].as_bool().unwrap_or(true),
        destination: clean(&row["destination"]),
        via: clean(&row["via"]),
        time,
        alternate: None,
        origin,
        status,
        platform: optional(&cell["platform"]),
        mission: optional(&cell["mission"]),
        vehicle: optional(&cell["vehicle"]),
        stop_access: if cell["not_accessible"].as_bool() == Some(true) {
            Accessibility::NotAccessible
        } else {
            Accessibility::Unknown
        },
        vehicle_access: Accessibility::Unknown,
        crowding,
        load,
        crowding_text: clean(&cell["crowding_text"]),
        crowding_advice: clean(&cell["crowding_advice"]),
        info_id: optional(&cell["info_id"]),
    }
}

/// A row's departures in a board, counted down from the board's own
/// publication time, those passed (or implausibly far) left out, with how
/// many were out of sane bounds as published (dropped and counted, as the
/// networks count theirs); an error when the row's cells cannot be read.
fn read_row(
    received: &Received,
    r: &RowRequest,
    per_row: PerRow,
    now: jiff::Timestamp,
) -> Result<(Vec<Departure>, u32), NetError> {
    let place = &received.board["places"][0];
    let moved = now.duration_since(received.published).as_secs().max(0);
    let destination = crate::sanitize::text(&r.destination);
    let row = place["rows"].as_array().into_iter().flatten().find(|row| {
        clean(&row["line"]["id"]) == r.line_id
            && row["outbound"].as_bool() == Some(r.outbound)
            && (destination.is_empty() || clean(&row["destination"]) == destination)
    });
    let Some(row) = row else {
        // The publisher no longer shows this row: nothing to come.
        return Ok((Vec::new(), 0));
    };
    let unreadable = |what: &str| {
        NetError::new(
            ErrorKind::Undecodable,
            crate::i18n::tf("mqtt_board_unreadable", &[("what", what)]),
        )
    };
    let cells = row["cells"].as_array().ok_or_else(|| unreadable("cells"))?;
    if cells.iter().any(|c| !c.is_object()) {
        return Err(unreadable("cells"));
    }
    let all: Vec<Departure> = cells
        .iter()
        .map(|cell| departure(row, cell, moved))
        .collect();
    let count = all.len();
    // Out of bounds when published (a wait of minus an hour, a departure
    // in 2100): not live data, whatever the board's age.
    let published = |d: &Departure| match &d.time {
        WaitTime::Countdown {
            seconds: Some(s), ..
        } => crate::sanitize::plausible_wait(s.saturating_add(moved)),
        WaitTime::At { expected, .. } => {
            crate::sanitize::plausible_wait(expected.duration_since(received.published).as_secs())
        }
        _ => true,
    };
    let plausible: Vec<Departure> = all.into_iter().filter(published).collect();
    let dropped = count - plausible.len();
    crate::sanitize::note_implausible(dropped);
    let departures = plausible
        .into_iter()
        .filter(|d| still_to_come(d, now))
        .take(usize::from(per_row.get()))
        .collect();
    Ok((departures, u32::try_from(dropped).unwrap_or(u32::MAX)))
}

/// Whether a published board says anything of its place's lifts.
fn relays_lifts(board: &Value) -> bool {
    let place = &board["places"][0];
    place["lift_list"].is_array() || place["lifts"].is_string()
}

/// A lift of a published board, as `--json` writes it (`lift_list`).
fn lift(v: &Value) -> Option<Lift> {
    let state = match v["state"].as_str()? {
        "available" => LiftState::Available,
        "not_available" => LiftState::NotAvailable,
        _ => LiftState::Unknown,
    };
    Some(Lift {
        station: clean(&v["station"]),
        id: clean(&v["id"]),
        situation: clean(&v["situation"]),
        direction: clean(&v["direction"]),
        state,
        reason: clean(&v["reason"]),
        since: clean(&v["since"]),
    })
}

/// A departure not yet passed (a minute's grace, as a board keeps them)
/// and not implausibly far (a day).
fn still_to_come(d: &Departure, now: jiff::Timestamp) -> bool {
    const GRACE: i64 = 60;
    const DAY: i64 = 24 * 3600;
    let plausible = |s: i64| (-GRACE..=DAY).contains(&s);
    match &d.time {
        WaitTime::Countdown {
            seconds: Some(s), ..
        } => plausible(*s),
        WaitTime::At { expected, .. } => plausible(expected.duration_since(now).as_secs()),
        _ => true,
    }
}

impl Network for Subscribed {
    fn id(&self) -> &str {
        "mqtt"
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn attribution(&self) -> &str {
        "tableaux publiés par quai publish"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            line_states: true,
            lifts: true,
            ..Capabilities::default()
        }
    }

    /// A network's zone where its kind fixes one (a timetable beside the
    /// screen gives the others').
    fn zone(&self, network: &str) -> Option<jiff::tz::TimeZone> {
        crate::network::registry::fixed_zone(network)
    }

    fn networks(&self) -> Vec<NetworkInfo> {
        let mut ids: Vec<String> = self
            .lock()
            .boards
            .keys()
            .filter_map(|k| k.split('/').next().map(str::to_string))
            .collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            ids.push(self.id().to_string());
        }
        // The lifts of a network whose boards relay them.
        let relayed: Vec<bool> = {
            let s = self.lock();
            ids.iter()
                .map(|id| {
                    s.boards.iter().any(|(key, r)| {
                        key.split('/').next() == Some(id.as_str()) && relays_lifts(&r.board)
                    })
                })
                .collect()
        };
        ids.into_iter()
            .zip(relayed)
            .map(|(id, lifts)| NetworkInfo {
                name: self.networks.name(&id),
                id,
                capabilities: Capabilities {
                    lifts,
                    ..Capabilities::default()
                },
            })
            .collect()
    }

    fn network_of(&self, stop_id: &str) -> Option<NetworkInfo> {
        let networks = self.networks();
        match stop_id.split_once('/') {
            Some((id, _)) => networks.into_iter().find(|n| n.id == id),
            // A stop of a local timetable (no board yet): the first network.
            None => networks.into_iter().next(),
        }
    }

    fn stops(&self) -> NetFuture<'_, StopList> {
        Box::pin(async move {
            let deadline = Instant::now() + FIRST_BOARDS_WITHIN;
            let mut first_board: Option<Instant> = None;
            loop {
                let notified = self.arrived.notified();
                let (stops, status_seen, burst_over): (Vec<Stop>, bool, bool) = {
                    let s = self.lock();
                    // The retained boards come in a burst: the places are
                    // known once none has come for a moment.
                    let burst_over = s
                        .last_board
                        .is_some_and(|at| at.elapsed() >= Duration::from_millis(300));
                    let stops = s
                        .boards
                        .iter()
                        .map(|(id, received)| {
                            Stop::named(id, &clean(&received.board["places"][0]["name"]))
                        })
                        .collect();
                    (stops, s.status_seen, burst_over)
                };
                if !stops.is_empty() {
                    first_board.get_or_insert_with(Instant::now);
                }
                // The retained status, when there is one, comes with the
                // boards: a little wait for it.
                let settled = burst_over
                    && (status_seen
                        || first_board
                            .is_some_and(|at| at.elapsed() >= Duration::from_millis(500)));
                if !stops.is_empty() && settled {
                    return Ok(StopList {
                        stops,
                        stale: false,
                    });
                }
                // A broker that refuses the connection is not one that has
                // nothing yet: said at once, not after the wait.
                if stops.is_empty() {
                    let s = self.lock();
                    if !s.connected
                        && let Some(why) = &s.refused
                    {
                        return Err(self.unreachable(why));
                    }
                }
                let wake = (Instant::now() + Duration::from_millis(100)).min(deadline);
                if tokio::time::timeout_at(wake, notified).await.is_err()
                    && stops.is_empty()
                    && Instant::now() >= deadline
                {
                    if let Some(why) = self.lock().refused.clone() {
                        return Err(self.unreachable(&why));
                    }
                    return Err(NetError::new(
                        ErrorKind::NotPublished,
                        crate::i18n::tf(
                            "mqtt_nothing_yet",
                            &[("broker", &self.broker.to_string())],
                        ),
                    ));
                }
            }
        })
    }

    fn lines_at<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<BoardLine>> {
        Box::pin(async move {
            let s = self.lock();
            if !stop_ids.iter().any(|id| s.boards.contains_key(id)) {
                return Err(NetError::new(
                    ErrorKind::NotPublished,
                    crate::i18n::tf(
                        "mqtt_no_board_here",
                        &[("broker", &self.broker.to_string())],
                    ),
                ));
            }
            let mut lines = Vec::new();
            for id in stop_ids {
                let Some(board) = s.boards.get(id).map(|r| &r.board) else {
                    continue;
                };
                for row in board["places"][0]["rows"].as_array().into_iter().flatten() {
                    lines.push(BoardLine {
                        line: line_ref(&row["line"]),
                        kind: line_kind(&row["kind"]),
                        outbound: row["outbound"].as_bool().unwrap_or(true),
                        destination: clean(&row["destination"]),
                        via: clean(&row["via"]),
                    });
                }
            }
            Ok(lines)
        })
    }

    fn departures<'a>(
        &'a self,
        rows: &'a [RowRequest],
        per_row: PerRow,
    ) -> NetFuture<'a, Vec<RowResult>> {
        Box::pin(async move {
            let interrupted = self.interrupted();
            // Rows already shown stay, aged from when they were live: the
            // refresh failed, it did not bring rows read just now.
            if let Some(e) = &interrupted
                && self.served.load(Ordering::Relaxed)
            {
                return Err(e.clone());
            }
            self.served.store(true, Ordering::Relaxed);
            let s = self.lock();
            let now = crate::clock::now();
            Ok(rows
                .iter()
                .map(|r| {
                    let board = r.stop_ids.first().and_then(|id| s.boards.get(id));
                    let Some(received) = board else {
                        return RowResult {
                            in_answer: false,
                            position: None,
                            departures: Vec::new(),
                            error: interrupted.clone(),
                            data_at: None,
                            timetable: false,
                            dropped: 0,
                        };
                    };
                    let place = &received.board["places"][0];
                    // Not live however it reads: published too long ago,
                    // or its data fetched too long ago.
                    let old = self.too_old(received);
                    let (departures, dropped, unreadable) =
                        match read_row(received, r, per_row, now) {
                            Ok((departures, dropped)) => (departures, dropped, None),
                            Err(e) => (Vec::new(), 0, Some(e)),
                        };
                    // The publisher's own trouble, as it says it.
                    let relayed = place["problem"].as_str().map(|p| {
                        NetError::new(
                            ErrorKind::Relayed(crate::sanitize::text(p)),
                            "the publisher's network",
                        )
                    });
                    RowResult {
                        in_answer: interrupted.is_none() && old.is_none(),
                        position: None,
                        departures,
                        error: interrupted.clone().or(old).or(unreadable).or(relayed),
                        data_at: received.fetched,
                        timetable: place["timetable"].is_string(),
                        dropped,
                    }
                })
                .collect())
        })
    }

    fn messages(&self) -> NetFuture<'_, Vec<Message>> {
        Box::pin(async move {
            // Asked at once by a screen that starts: the retained messages
            // are waited for, not answered "none" before they come.
            self.settled().await;
            // In the networks' order (by id), not the map's: the banner
            // takes the last of the most severe, as on the direct board.
            let s = self.lock();
            let mut networks: Vec<&String> = s.messages.keys().collect();
            networks.sort();
            Ok(networks
                .into_iter()
                .filter_map(|n| s.messages.get(n))
                .flatten()
                .cloned()
                .collect())
        })
    }

    /// The lifts the place's board relays (`lift_list`), or why the
    /// publisher does not know them (`lifts` without a list).
    fn lifts<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<Lift>> {
        Box::pin(async move {
            self.settled().await;
            let s = self.lock();
            let Some(received) = stop_ids.first().and_then(|id| s.boards.get(id)) else {
                return Ok(Vec::new());
            };
            let place = &received.board["places"][0];
            match (place["lift_list"].as_array(), place["lifts"].as_str()) {
                (Some(list), _) => Ok(list.iter().filter_map(lift).collect()),
                (None, Some(why)) => Err(NetError::new(
                    ErrorKind::Relayed(crate::sanitize::text(why)),
                    "the publisher's lift status",
                )),
                (None, None) => Ok(Vec::new()),
            }
        })
    }

    /// The lines' states as the publisher's boards mark their rows.
    fn line_states(&self) -> NetFuture<'_, Vec<LineStatus>> {
        Box::pin(async move {
            self.settled().await;
            let s = self.lock();
            let mut keys: Vec<&String> = s.boards.keys().collect();
            keys.sort();
            let mut states: Vec<LineStatus> = Vec::new();
            for key in keys {
                let Some(board) = s.boards.get(key).map(|r| &r.board) else {
                    continue;
                };
                for row in board["places"][0]["rows"].as_array().into_iter().flatten() {
                    let line = line_ref(&row["line"]);
                    if let Some(state) = line_state(&row["line_state"])
                        && !states.iter().any(|s| s.line.id == line.id)
                    {
                        states.push(LineStatus { line, state });
                    }
                }
            }
            Ok(states)
        })
    }

    fn schedule_note(&self) -> Option<String> {
        self.interrupted().map(|_| {
            let s = self.lock();
            let published = s.last_published.map(|at| {
                crate::i18n::tf(
                    "mqtt_last_published",
                    &[("s", &since(at).as_secs().to_string())],
                )
            });
            let down = (s.refused.is_some() && !s.connected)
                .then(|| crate::i18n::tf("mqtt_broker_down", &[("broker", &self.broker)]));
            match (down, published) {
                (Some(down), Some(published)) => format!("{down} · {published}"),
                (Some(down), None) => down,
                (None, Some(published)) => published,
                (None, None) => crate::i18n::t("mqtt_nothing_published").into(),
            }
        })
    }

    /// Not "unknown to the network": a screen knows only what is published.
    fn unknown_place(&self, query: &str) -> String {
        crate::i18n::tf(
            "mqtt_place_not_published",
            &[
                ("query", query),
                ("prefix", &self.prefix),
                ("broker", &self.broker),
            ],
        )
    }

    fn is_local(&self) -> bool {
        true
    }
}
