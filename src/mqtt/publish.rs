//! The publisher: the poller's boards, one topic per place, to a broker.
//!
//! It polls with every network's own schedule and quota rules (the same
//! poller as the board), publishes QoS 1 and retained, a place's board
//! whenever a refresh changes it and at least every 60 s, and keeps going
//! whatever the broker does: a broker that goes away is tried again with
//! back-off (1 s to 30 s) while the polling goes on, and everything is
//! published again on reconnect. One log line per change of state.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use rumqttc::{AsyncClient, Event, LastWill, MqttOptions, Packet, QoS, Transport};
use serde_json::json;
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

use super::discovery::{self, Config, LineEntity, RowEntity};
use super::scrub::Scrubber;
use super::{Broker, Credentials, slug};
use crate::domain::{LineState, Severity};
use crate::model::Board;
use crate::network::{PerRow, Source};
use crate::poller::{self, PollSettings, Update};
use crate::ui::view::{self, PlaceView, RowView};

/// A board is published again at least this often, changed or not.
pub const REPUBLISH_EVERY: Duration = Duration::from_secs(60);
/// The largest payload quai sends or accepts.
pub const MAX_PAYLOAD: usize = 256 * 1024;

/// How the publisher runs.
pub struct Options {
    pub broker: Broker,
    pub credentials: Option<Credentials>,
    /// `<prefix>` of every topic (default `quai`).
    pub prefix: String,
    /// Home Assistant's discovery prefix, `None` without discovery.
    pub discovery: Option<String>,
    /// Where the discovery topics of the last run are remembered.
    pub discovery_record: Option<std::path::PathBuf>,
    pub places: Vec<String>,
    pub favorites: Vec<crate::favorites::Favorite>,
    pub nb: PerRow,
    pub refresh: Duration,
    /// Where every place's departures should go (`--to`), unless its
    /// favourite says otherwise.
    pub to: Option<String>,
    /// The configured keys ([`configured_keys`]): masked in every payload
    /// and every topic made from a network's text.
    pub keys: Vec<crate::secret::Secret>,
}

/// The largest key file read for [`configured_keys`] (as for the
/// networks: 4 KiB).
const KEY_FILE_LIMIT: u64 = 4 * 1024;

/// Every key the settings configure (each network's key or token, from
/// the environment, the settings or a key file), for [`Options::keys`].
/// A key that cannot be read is left out: its network cannot be built
/// (and said so, with any warning about its file, when it was built).
pub fn configured_keys(
    settings: &crate::config::Settings,
    path: &std::path::Path,
) -> Vec<crate::secret::Secret> {
    use crate::secret::Secret;
    let read = |inline: Option<&str>, file: Option<&std::path::Path>| -> Option<Secret> {
        if let Some(key) = inline.and_then(Secret::new) {
            return Some(key);
        }
        let file = file?;
        let file = match path.parent() {
            Some(dir) if file.is_relative() => dir.join(file),
            _ => file.to_path_buf(),
        };
        crate::config::read_bounded(&file, KEY_FILE_LIMIT)
            .ok()
            .and_then(Secret::new)
    };
    let idfm = settings.idfm.clone().unwrap_or_default();
    let mut found = vec![
        read(
            settings.api_key.as_deref(),
            settings.api_key_file.as_deref(),
        ),
        read(idfm.api_key.as_deref(), idfm.api_key_file.as_deref()),
        read(
            idfm.dataset_key.as_deref(),
            idfm.dataset_key_file.as_deref(),
        ),
    ];
    for n in &settings.networks {
        found.push(read(n.key.as_deref(), n.key_file.as_deref()));
    }
    for kind in &crate::network::registry::KINDS {
        for name in kind.key_env {
            found.push(std::env::var(name).ok().and_then(Secret::new));
        }
    }
    found.into_iter().flatten().collect()
}

/// A place's topics.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceTopics {
    pub network: String,
    pub place: String,
    pub board: String,
    /// (row id, its state topic, the row as the board shows it).
    pub rows: Vec<(String, String)>,
}

/// The row ids of a place: the line and destination, made unique.
fn row_ids(rows: &[RowView], scrub: &Scrubber) -> Vec<String> {
    let mut seen: HashMap<String, u32> = HashMap::new();
    rows.iter()
        .map(|r| {
            let base = scrub.slug(&format!("{} {}", r.line.number, r.destination));
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { base } else { format!("{base}-{n}") }
        })
        .collect()
}

/// The topic of a place's board and of its rows (every level made from a
/// network's text scrubbed of the keys).
pub fn place_topics(
    prefix: &str,
    network: &str,
    place: &PlaceView,
    scrub: &Scrubber,
) -> PlaceTopics {
    let base = format!("{prefix}/{network}/{}", scrub.slug(&place.name));
    PlaceTopics {
        network: network.to_string(),
        place: scrub.text(&place.name).into_owned(),
        board: scrub.topic(&format!("{base}/board")),
        rows: row_ids(&place.rows, scrub)
            .into_iter()
            .map(|id| {
                let topic = scrub.topic(&format!("{base}/{id}/state"));
                (id, topic)
            })
            .collect(),
    }
}

/// One row's state for Home Assistant: the next departure in minutes
/// (`null` when none), and the following ones, with the board's times
/// (`now`, when it was built; `fetched_at`, when its data was fetched). Beside the texts as the
/// board shows them, codes that do not change with the language
/// (docs/json.md): each departure's `status`, `origin`, `kind` of time and
/// `crowding_level`, and the place's `stale` and `error_kind`.
fn row_state(
    row: &RowView,
    place: &PlaceView,
    error_kind: Option<&str>,
    times: (&str, Option<&str>),
    scrub: &Scrubber,
) -> String {
    let minutes = |c: &view::CellView| c.seconds.map(|s| s.max(0) / 60);
    let first = row.cells.first();
    let departures: Vec<serde_json::Value> = row
        .cells
        .iter()
        .map(|c| {
            json!({
                "minutes": minutes(c),
                "shown": c.shown.text(),
                "kind": shown_kind(&c.shown),
                "expected": c.expected,
                "theoretical": c.theoretical,
                "located": c.reliable,
                "status": c.status,
                "origin": c.origin,
                "crowding": c.crowding_text,
                "crowding_level": c.crowding_level,
                "platform": c.platform,
            })
        })
        .collect();
    let mut state = json!({
        "schema": view::SCHEMA,
        "now": times.0,
        "fetched_at": times.1,
        "minutes": first.and_then(minutes),
        "line": row.line.number,
        "destination": row.destination,
        "theoretical": first.is_some_and(|c| c.theoretical),
        "located": first.is_some_and(|c| c.reliable),
        "status": first.map(|c| c.status),
        "origin": first.map(|c| c.origin),
        "crowding": first.map(|c| c.crowding_text.clone()).unwrap_or_default(),
        "crowding_level": first.map(|c| c.crowding_level),
        "stale": place.stale,
        "error_kind": place.problem_kind.or(error_kind),
        "departures": departures,
    });
    scrub.json(&mut state);
    state.to_string()
}

/// The `kind` of a time shown, as `--json` writes it.
fn shown_kind(shown: &crate::model::TimeShown) -> serde_json::Value {
    serde_json::to_value(shown)
        .ok()
        .and_then(|v| v.get("kind").cloned())
        .unwrap_or(serde_json::Value::Null)
}

/// What was last published on a topic.
struct Sent {
    payload: String,
    /// What the payload says that is not the clock (change detection).
    digest: String,
    at: Option<Instant>,
}

/// The publisher's state: what should be on each topic now.
struct Topics {
    prefix: String,
    sent: HashMap<String, Sent>,
}

impl Topics {
    /// Sets a topic's payload; true when it is to be sent (changed, or its
    /// last sending is older than [`REPUBLISH_EVERY`], or never sent).
    fn set(&mut self, topic: &str, payload: String, digest: String, now: Instant) -> bool {
        match self.sent.get_mut(topic) {
            Some(s) => {
                let due =
                    s.at.is_none_or(|at| now.duration_since(at) >= REPUBLISH_EVERY);
                let changed = s.digest != digest;
                s.payload = payload;
                s.digest = digest;
                changed || due
            }
            None => {
                self.sent.insert(
                    topic.to_string(),
                    Sent {
                        payload,
                        digest,
                        at: None,
                    },
                );
                true
            }
        }
    }
}

/// What the board's places publish now: (topic, payload, digest), every
/// text and every topic scrubbed of the keys.
fn payloads(
    board: &Board,
    prefix: &str,
    now: jiff::Timestamp,
    scrub: &Scrubber,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut networks: BTreeSet<String> = BTreeSet::new();
    for (p, resolved) in board.resolved_places().enumerate() {
        let network = resolved.network.as_str();
        networks.insert(network.to_string());
        // The place's board alone: what `quai board PLACE --json` prints.
        let one = board.only(p);
        let view = view::build(&one, now);
        let Some(place) = view.places.first() else {
            continue;
        };
        let topics = place_topics(prefix, network, place, scrub);
        let digest = serde_json::to_string(&(
            one.places.first().map(|s| &s.departures),
            &place.problem,
            &place.timetable,
            &view.error_reason,
            view.stale_data,
            &place.lifts,
            &view.alert,
        ))
        .unwrap_or_default();
        if let Ok(mut payload) = serde_json::to_value(&view) {
            // Each row's line kind beside `--json`'s schema: a screen sorts
            // its rows as the network does.
            let kinds: HashMap<&str, crate::domain::LineKind> = resolved
                .lines
                .iter()
                .filter_map(|l| Some((l.line.id.as_str(), l.kind?)))
                .collect();
            for row in payload["places"][0]["rows"]
                .as_array_mut()
                .into_iter()
                .flatten()
            {
                let kind = row["line"]["id"].as_str().and_then(|id| kinds.get(id));
                if let (Some(kind), Some(row)) = (kind, row.as_object_mut()) {
                    row.insert("kind".into(), json!(kind));
                }
            }
            scrub.json(&mut payload);
            out.push((topics.board.clone(), payload.to_string(), digest));
        }
        for ((_, topic), row) in topics.rows.iter().zip(&place.rows) {
            let state = row_state(
                row,
                place,
                view.error_kind,
                (&view.now, view.fetched_at.as_deref()),
                scrub,
            );
            let digest = serde_json::to_string(&(
                row.cells
                    .iter()
                    .map(|c| (&c.expected, c.seconds.map(|s| s / 30), c.reliable))
                    .collect::<Vec<_>>(),
                place.stale,
            ))
            .unwrap_or_default();
            out.push((topic.clone(), state, digest));
        }
    }
    for network in &networks {
        let single = networks.len() == 1;
        let messages: Vec<&crate::domain::Message> = board
            .messages
            .iter()
            .filter(|m| m.network == *network || (m.network.is_empty() && single))
            .collect();
        let payload = match serde_json::to_value(&messages) {
            Ok(mut value) => {
                scrub.json(&mut value);
                value.to_string()
            }
            Err(_) => "[]".into(),
        };
        out.push((
            format!("{prefix}/{network}/messages"),
            payload.clone(),
            payload,
        ));
    }
    for (network, line_id, number) in lines(board) {
        let topic = scrub.topic(&format!(
            "{prefix}/{network}/line/{}/disruption",
            scrub.slug(&line_id)
        ));
        let interrupted = board.line_state(&line_id) == Some(LineState::Interrupted)
            || board.messages.iter().any(|m| {
                (m.network == network || m.network.is_empty())
                    && m.severity == Severity::Interrupted
                    && m.lines.contains(&number)
            });
        let state = if interrupted { "ON" } else { "OFF" }.to_string();
        out.push((topic, state.clone(), state));
    }
    out
}

/// The board's lines: (network, id, public number), each once.
fn lines(board: &Board) -> Vec<(String, String, String)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for place in board.resolved_places() {
        for l in &place.lines {
            if seen.insert((place.network.clone(), l.line.id.clone())) {
                out.push((
                    place.network.clone(),
                    l.line.id.clone(),
                    l.line.number.clone(),
                ));
            }
        }
    }
    out
}

/// The discovery configs of the board's rows and lines, every text and
/// topic scrubbed of the keys.
fn configs(board: &Board, prefix: &str, discovery: &str, scrub: &Scrubber) -> Vec<Config> {
    let status = format!("{prefix}/status");
    let full = view::build(board, crate::clock::now());
    let mut out = Vec::new();
    let mut line_place: HashMap<(String, String), (String, String)> = HashMap::new();
    for (p, place) in full.places.iter().enumerate() {
        let Some(resolved) = board.places.get(p).map(|s| &s.place) else {
            continue;
        };
        let topics = place_topics(prefix, &resolved.network, place, scrub);
        let place_id = scrub.slug(&place.name);
        for ((row_id, topic), row) in topics.rows.iter().zip(&place.rows) {
            out.push(discovery::row_sensor(
                discovery,
                &status,
                &RowEntity {
                    network: &resolved.network,
                    network_name: &resolved.network_name,
                    place_id: &place_id,
                    place_name: &resolved.name,
                    row_id,
                    line: &row.line.number,
                    destination: &row.destination,
                    mode: row.line.mode,
                    state_topic: topic,
                },
            ));
        }
        for l in &resolved.lines {
            line_place
                .entry((resolved.network.clone(), l.line.id.clone()))
                .or_insert((place_id.clone(), resolved.name.clone()));
        }
    }
    for (network, line_id, number) in lines(board) {
        let Some((place_id, place_name)) = line_place.get(&(network.clone(), line_id.clone()))
        else {
            continue;
        };
        let network_name = board
            .resolved_places()
            .find(|p| p.network == network)
            .map(|p| p.network_name.clone())
            .unwrap_or_default();
        let state_topic = scrub.topic(&format!(
            "{prefix}/{network}/line/{}/disruption",
            scrub.slug(&line_id)
        ));
        out.push(discovery::line_sensor(
            discovery,
            &status,
            &LineEntity {
                network: &network,
                network_name: &network_name,
                line_id: &scrub.slug(&line_id),
                line: &number,
                place_id,
                place_name,
                state_topic: &state_topic,
            },
        ));
    }
    for c in &mut out {
        c.topic = scrub.topic(&c.topic);
        c.payload = scrub.payload(&c.payload);
    }
    out
}

/// What the broker link says.
enum Link {
    Up,
    Down(String),
}

fn log(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "quai publish: {line}");
}

/// Polls and publishes until `shutdown` resolves.
pub async fn run(
    source: Source,
    options: Options,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), String> {
    let status = format!("{}/status", options.prefix);
    let (client, mut links, link_task) = connect(&options, &status);
    let (poller, mut updates) = start_polling(source.clone(), &options);
    let mut state = State {
        source,
        board: Board::default(),
        topics: Topics {
            prefix: options.prefix.clone(),
            sent: HashMap::new(),
        },
        connected: false,
        last_down: None,
        discovery_sent: false,
        scrub: Scrubber::new(&options.keys),
        broker: options.broker.shown().to_string(),
    };
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            update = updates.recv() => match update {
                Some(update) => state.apply(update),
                None => break,
            },
            link = links.recv() => match link {
                Some(link) => state.link(link),
                None => break,
            },
            _ = tick.tick() => {}
            () = &mut shutdown => break,
        }
        if state.connected {
            state.publish(&client, &options, &status);
        }
    }
    // A clean end: say so (a clean disconnect does not play the will).
    if state.connected {
        let _ = client
            .publish(&status, QoS::AtLeastOnce, true, "offline")
            .await;
        let _ = client.disconnect().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    drop(poller);
    link_task.abort();
    log(crate::i18n::t("pub_stopped"));
    Ok(())
}

/// The broker's client, and the link's news from a task that keeps it up
/// (tried again with back-off from 1 s to 30 s).
fn connect(
    options: &Options,
    status: &str,
) -> (
    AsyncClient,
    mpsc::Receiver<Link>,
    tokio::task::JoinHandle<()>,
) {
    let client_id = format!("quai-{}-{}", slug(&options.prefix), std::process::id());
    let mut mqtt = MqttOptions::new(client_id, options.broker.host.clone(), options.broker.port);
    mqtt.set_keep_alive(Duration::from_secs(30))
        .set_max_packet_size(MAX_PAYLOAD, MAX_PAYLOAD)
        .set_last_will(LastWill::new(status, "offline", QoS::AtLeastOnce, true));
    if let Some(c) = &options.credentials {
        mqtt.set_credentials(c.username.clone(), c.password.expose().to_string());
    }
    if options.broker.tls {
        crate::network::http::install_crypto_provider();
        mqtt.set_transport(Transport::tls_with_default_config());
    }
    let (client, mut eventloop) = AsyncClient::new(mqtt, 1024);
    let (link_tx, links) = mpsc::channel::<Link>(16);
    let link_task = tokio::spawn(async move {
        let mut back_off = Duration::from_secs(1);
        loop {
            match eventloop.poll().await {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    back_off = Duration::from_secs(1);
                    if link_tx.send(Link::Up).await.is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    let said = crate::i18n::tf("mqtt_retrying", &[("why", &e.to_string())]);
                    if link_tx.send(Link::Down(said)).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(back_off).await;
                    back_off = (back_off * 2).min(Duration::from_secs(30));
                }
            }
        }
    });
    (client, links, link_task)
}

/// The poller of the options' places, and its updates.
fn start_polling(source: Source, options: &Options) -> (poller::Poller, mpsc::Receiver<Update>) {
    let (updates_tx, updates) = mpsc::channel(64);
    let (_commands_tx, commands) = mpsc::channel(1);
    let poller = poller::spawn(
        source,
        PollSettings {
            places: options.places.clone(),
            nb: options.nb,
            refresh: options.refresh,
            favorites: options.favorites.clone(),
            walk: None,
            to: options.to.clone(),
            chosen: None,
        },
        updates_tx,
        Arc::new(Notify::new()),
        commands,
    );
    (poller, updates)
}

/// What the publisher knows: the board, what was sent, the link.
struct State {
    /// Asked where the departures go, for the places that have a
    /// destination.
    source: Source,
    board: Board,
    topics: Topics,
    connected: bool,
    last_down: Option<String>,
    discovery_sent: bool,
    scrub: Scrubber,
    /// The broker as logged.
    broker: String,
}

impl State {
    /// A poller's update applied to the board (its places logged once
    /// resolved).
    fn apply(&mut self, update: Update) {
        let resolved = matches!(update, Update::Resolved { .. });
        poller::apply(&mut self.board, update);
        if resolved {
            self.discovery_sent = false;
            let names: Vec<String> = self
                .board
                .resolved_places()
                .map(|p| {
                    self.scrub
                        .text(&crate::sanitize::text(&p.name))
                        .into_owned()
                })
                .collect();
            log(&crate::i18n::tf(
                "pub_places",
                &[
                    ("n", &self.board.places.len().to_string()),
                    ("names", &names.join(", ")),
                ],
            ));
        }
    }

    /// The link's news: once up, everything is sent again (the broker may
    /// have restarted); down is logged once.
    fn link(&mut self, link: Link) {
        match link {
            Link::Up => {
                self.connected = true;
                self.last_down = None;
                log(&crate::i18n::tf(
                    "pub_connected",
                    &[("broker", &self.broker)],
                ));
                for s in self.topics.sent.values_mut() {
                    s.at = None;
                }
                self.discovery_sent = false;
            }
            Link::Down(why) => {
                if self.connected || self.last_down.is_none() {
                    log(&crate::i18n::tf(
                        "mqtt_broker_unreachable",
                        &[("broker", &self.broker), ("why", &why)],
                    ));
                }
                self.connected = false;
                self.last_down = Some(why);
            }
        }
    }

    /// One round of publishing: the status, then (once there is something
    /// to say) the discovery, the topics gone emptied, and what changed.
    fn publish(&mut self, client: &AsyncClient, options: &Options, status: &str) {
        let now = Instant::now();
        let send = |topic: &str, payload: &str| {
            client
                .try_publish(topic, QoS::AtLeastOnce, true, payload.as_bytes().to_vec())
                .is_ok()
        };
        let topics = &mut self.topics;
        // The status first: subscribers know the publisher is there.
        if topics.set(status, "online".into(), "online".into(), now) && send(status, "online") {
            mark(topics, status, now);
        }
        // Boards once there is something to say: data, or why not. A place
        // with a destination publishes only the departures that go there,
        // with their arrivals, as `--json --to` prints them.
        let filtered = crate::destination::asked(&self.board).then(|| {
            let mut board = self.board.clone();
            if let Err(why) = crate::destination::filter_each(&mut board, self.source.as_ref()) {
                let kind = crate::network::ErrorKind::Relayed(why.clone());
                let error = crate::network::NetError::new(kind, why);
                for state in board.places.iter_mut().filter(|s| s.place.to.is_some()) {
                    state.place.lines.clear();
                    state.departures.clear();
                    state.error = Some(error.clone());
                }
            }
            board
        });
        let board = filtered.as_ref().unwrap_or(&self.board);
        if !board.resolved || (board.fetched_at.is_none() && board.last_error.is_none()) {
            return;
        }
        if let Some(discovery) = options
            .discovery
            .as_deref()
            .filter(|_| !self.discovery_sent)
        {
            self.discovery_sent = publish_discovery(client, board, options, discovery, &self.scrub);
        }
        let current = payloads(board, &topics.prefix, crate::clock::now(), &self.scrub);
        for topic in topics.gone(&current, status) {
            if !send(&topic, "") {
                // Tried again on the next round.
                topics.sent.insert(
                    topic,
                    Sent {
                        payload: String::new(),
                        digest: String::new(),
                        at: Some(now),
                    },
                );
            }
        }
        for (topic, payload, digest) in current {
            if payload.len() > MAX_PAYLOAD {
                continue;
            }
            if topics.set(&topic, payload, digest, now) {
                let ok = topics
                    .sent
                    .get(&topic)
                    .is_some_and(|s| send(&topic, &s.payload));
                if ok {
                    mark(topics, &topic, now);
                }
            }
        }
    }
}

impl Topics {
    /// The topics published before that the board no longer has (a row,
    /// a place, a line gone), forgotten: each is to be emptied (an empty
    /// retained message removes it from the broker).
    fn gone(&mut self, current: &[(String, String, String)], keep: &str) -> Vec<String> {
        let gone: Vec<String> = self
            .sent
            .keys()
            .filter(|t| t.as_str() != keep && !current.iter().any(|(c, _, _)| c == *t))
            .cloned()
            .collect();
        for topic in &gone {
            self.sent.remove(topic);
        }
        gone
    }
}

fn mark(topics: &mut Topics, topic: &str, now: Instant) {
    if let Some(s) = topics.sent.get_mut(topic) {
        s.at = Some(now);
    }
}

/// Sends the discovery configs, and empties those of the last run that
/// are gone; true when all could be queued.
fn publish_discovery(
    client: &AsyncClient,
    board: &Board,
    options: &Options,
    discovery: &str,
    scrub: &Scrubber,
) -> bool {
    let configs = configs(board, &options.prefix, discovery, scrub);
    let now: Vec<String> = configs.iter().map(|c| c.topic.clone()).collect();
    let mut ok = true;
    if let Some(record) = &options.discovery_record {
        for gone in discovery::load_published(record)
            .into_iter()
            .filter(|t| !now.contains(t))
        {
            ok &= client
                .try_publish(gone, QoS::AtLeastOnce, true, Vec::<u8>::new())
                .is_ok();
        }
    }
    for c in &configs {
        ok &= client
            .try_publish(
                &c.topic,
                QoS::AtLeastOnce,
                true,
                c.payload.as_bytes().to_vec(),
            )
            .is_ok();
    }
    if ok
        && let Some(record) = &options.discovery_record
        && let Err(e) = discovery::save_published(record, &now)
    {
        log(&crate::i18n::tf(
            "mqtt_discovery_unsaved",
            &[
                ("path", &record.display().to_string()),
                ("why", &e.to_string()),
            ],
        ));
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{ErrorKind, NetError};
    use crate::ui::departures::tests::{sample_board, t};

    fn published(board: &Board, now: jiff::Timestamp) -> HashMap<String, serde_json::Value> {
        payloads(board, "quai", now, &Scrubber::default())
            .into_iter()
            .filter_map(|(topic, payload, _)| Some((topic, serde_json::from_str(&payload).ok()?)))
            .collect()
    }

    /// A row's Home Assistant attributes carry codes beside the texts: the
    /// crowding as a level, each departure's status and origin, and the
    /// place's staleness and error as codes; the board topic is `--json`'s.
    #[test]
    fn a_rows_attributes_carry_codes() {
        let mut board = sample_board();
        let topics = published(&board, t(5));
        let state = &topics["quai/test/crous-universite/l3-pole-temis/state"];
        assert_eq!(state["schema"], view::SCHEMA);
        assert_eq!(state["crowding_level"], "moderate");
        assert_eq!(state["status"], "normal");
        assert_eq!(state["origin"], "located");
        assert_eq!(state["stale"], false);
        assert_eq!(state["error_kind"], serde_json::Value::Null);
        assert_eq!(state["departures"][0]["kind"], "countdown");
        assert_eq!(state["departures"][1]["origin"], "not_located");
        assert_eq!(state["departures"][1]["crowding_level"], "moderate");
        let board_topic = &topics["quai/test/crous-universite/board"];
        assert_eq!(board_topic["schema"], view::SCHEMA);
        assert_eq!(board_topic["places"][0]["stale"], false);

        board.places[0].error = Some(NetError::new(ErrorKind::Stale, "trip updates"));
        board.places[0].timetable = true;
        let topics = published(&board, t(5));
        let state = &topics["quai/test/crous-universite/l3-pole-temis/state"];
        assert_eq!(state["stale"], true);
        assert_eq!(state["error_kind"], "stale_feed");
        let board_topic = &topics["quai/test/crous-universite/board"];
        assert_eq!(board_topic["stale"], true);
        assert_eq!(board_topic["error_kind"], "stale_feed");
        assert_eq!(board_topic["places"][0]["problem_kind"], "stale_feed");
    }

    /// The keys to scrub are every key of the settings: inline, from a key
    /// file beside them, a feed network's; those too short to mask or
    /// unreadable are left out.
    #[test]
    fn the_configured_keys_come_from_the_settings_and_key_files() {
        use crate::config::{FeedNetworkSettings, IdfmSettings, Settings};
        let dir = std::env::temp_dir().join(format!("quai-pub-keys-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("idfm.key"), "idfm-token-0123\n").unwrap();
        std::fs::write(dir.join("big.key"), "x".repeat(5000)).unwrap();
        let settings = Settings {
            api_key: Some("ginko-key-0123".into()),
            idfm: Some(IdfmSettings {
                api_key_file: Some("idfm.key".into()),
                dataset_key_file: Some("big.key".into()),
                ..IdfmSettings::default()
            }),
            networks: vec![FeedNetworkSettings {
                key: Some("feed-key-0123".into()),
                ..FeedNetworkSettings::default()
            }],
            ..Settings::default()
        };
        let keys: Vec<String> = configured_keys(&settings, &dir.join("config.toml"))
            .iter()
            .map(|k| k.expose().to_string())
            .collect();
        for key in ["ginko-key-0123", "idfm-token-0123", "feed-key-0123"] {
            assert!(keys.iter().any(|k| k == key), "{key} in {keys:?}");
        }
        assert!(!keys.iter().any(|k| k.starts_with("xxx")), "past the limit");
        let scrub = Scrubber::new(&configured_keys(&settings, &dir.join("config.toml")));
        assert_eq!(scrub.text("a idfm-token-0123 b"), "a *************** b");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A row's state says when its board was built and its data fetched;
    /// a row that goes has its state topic emptied, the others kept.
    #[test]
    fn row_states_carry_the_boards_times_and_are_emptied_when_the_row_goes() {
        let mut board = sample_board();
        let topics = published(&board, t(5));
        let state = &topics["quai/test/crous-universite/l3-pole-temis/state"];
        assert!(state["now"].is_string(), "{state}");
        assert!(state["fetched_at"].is_string(), "{state}");

        let mut sent = Topics {
            prefix: "quai".into(),
            sent: HashMap::new(),
        };
        let now = Instant::now();
        let first = payloads(&board, "quai", t(5), &Scrubber::default());
        for (topic, payload, digest) in first.clone() {
            sent.set(&topic, payload, digest, now);
        }
        sent.set("quai/status", "online".into(), "online".into(), now);
        assert!(sent.gone(&first, "quai/status").is_empty());
        // The 7 is no longer shown.
        board.places[0].place.lines.truncate(1);
        board.places[0].departures.truncate(1);
        let second = payloads(&board, "quai", t(6), &Scrubber::default());
        let gone = sent.gone(&second, "quai/status");
        assert!(
            gone.contains(&"quai/test/crous-universite/7-palente/state".to_string()),
            "{gone:?}"
        );
        assert!(
            !gone
                .iter()
                .any(|t| t.contains("l3-pole-temis") || t == "quai/status"),
            "{gone:?}"
        );
        assert!(sent.gone(&second, "quai/status").is_empty(), "once");
    }
}
