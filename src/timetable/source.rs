//! The timetable as a network ([`TimetableNetwork`]: `quai board
//! --offline`), and [`WithTimetable`], which fills a live network's rows
//! with it when live times are out of reach.
//!
//! Every departure it gives is [`Origin::Timetable`]: the board marks it
//! "théorique", never as live.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::time::Instant;

use jiff::{SignedDuration, Timestamp};

use super::Timetable;
use crate::domain::{
    Accessibility, BoardLine, CrowdLevel, Departure, LineKind, LineRef, Load, Mode, Origin,
    Position, Rgb, Status, Stop, WaitTime,
};
use crate::network::{
    Capabilities, ErrorKind, NetError, NetFuture, NetworkInfo, PerRow, QuotaReport, RowRequest,
    RowResult, Source, StopList,
};

/// How far a live place and the timetable's may be apart to be one.
const SAME_PLACE_M: f64 = 300.0;

/// A network's compiled timetable, as a network of its own.
pub struct TimetableNetwork {
    id: String,
    name: String,
    table: Arc<Timetable>,
    /// The demo's clock may be set to another time of day.
    shift: SignedDuration,
}

impl TimetableNetwork {
    pub fn new(id: &str, name: &str, table: Arc<Timetable>) -> TimetableNetwork {
        // Its places' times are written in its own zone on a mixed board.
        crate::domain::set_network_zone(id, table.zone().clone());
        TimetableNetwork {
            id: id.into(),
            name: name.into(),
            table,
            shift: SignedDuration::ZERO,
        }
    }

    /// Its "now" is the real time moved by `shift` (the demo's clock).
    pub fn with_shift(mut self, shift: SignedDuration) -> TimetableNetwork {
        self.shift = shift;
        self
    }

    pub fn table(&self) -> &Timetable {
        &self.table
    }

    /// The index, to share.
    pub fn shared_table(&self) -> &Arc<Timetable> {
        &self.table
    }

    /// Now at the network's clock (the demo's may be moved).
    pub fn now(&self) -> Timestamp {
        Timestamp::now()
            .checked_add(self.shift)
            .unwrap_or_else(|_| Timestamp::now())
    }

    /// How far the network's clock is from the real one.
    pub fn shift(&self) -> SignedDuration {
        self.shift
    }

    pub fn line_ref(&self, route: u32) -> LineRef {
        let r = self.table.route(route);
        let number = if r.short_name.is_empty() {
            r.long_name
        } else {
            r.short_name
        };
        let rgb = |c: Option<u32>| c.map(|c| Rgb((c >> 16) as u8, (c >> 8) as u8, c as u8));
        LineRef {
            id: crate::sanitize::line(r.id),
            number: crate::sanitize::line(number),
            background: rgb(r.colour),
            foreground: rgb(r.text_colour),
            mode: mode(r.route_type),
        }
    }

    /// The timetable's stops for a place's ids: the same ids (Ginko's
    /// feed uses the API's), else the place of the same name within
    /// 300 m (`near`), else the only place of that name.
    pub fn stops_for(&self, stop_ids: &[String], name: &str, near: Option<Position>) -> Vec<u32> {
        let t = &self.table;
        let direct: Vec<u32> = stop_ids.iter().filter_map(|id| t.find_stop(id)).collect();
        if !direct.is_empty() {
            return direct;
        }
        // The feed's ids may carry a prefix (`IDFM:71517` for the open
        // datasets' `71517`): a station so named is the place.
        let suffixes: Vec<String> = stop_ids.iter().map(|id| format!(":{id}")).collect();
        let linked: Vec<u32> = (0..u32::try_from(t.place_count()).unwrap_or(0))
            .filter(|&p| {
                let id = t.place_id(p);
                suffixes.iter().any(|s| id.ends_with(s.as_str()))
            })
            .flat_map(|p| t.place_stops(p))
            .collect();
        if !linked.is_empty() {
            return linked;
        }
        let wanted = base_name(name);
        if wanted.is_empty() {
            return Vec::new();
        }
        let same_name: Vec<u32> = (0..u32::try_from(t.place_count()).unwrap_or(0))
            .filter(|&p| {
                let n = base_name(t.place_name(p));
                !n.is_empty() && (n == wanted || n.starts_with(&wanted) || wanted.starts_with(&n))
            })
            .collect();
        let chosen: Vec<u32> = match near {
            Some(at) => same_name
                .into_iter()
                .filter(|&p| {
                    t.place_position(p).is_some_and(|(lat, lon)| {
                        at.distance_m(Position { lat, lon }) <= SAME_PLACE_M
                    })
                })
                .collect(),
            None if same_name.len() == 1 => same_name,
            None => Vec::new(),
        };
        chosen.into_iter().flat_map(|p| t.place_stops(p)).collect()
    }

    /// The timetable's route for a line id: the same id, or one that ends
    /// with it (`IDFM:C01742` for `C01742`).
    fn route_for(&self, line_id: &str, stops: &[u32]) -> Option<u32> {
        if let Some(r) = self.table.find_route(line_id) {
            return Some(r);
        }
        let suffix = format!(":{line_id}");
        stops
            .iter()
            .flat_map(|&s| self.table.stop_groups(s))
            .map(|(_, route, _)| route)
            .find(|&r| self.table.route(r).id.ends_with(&suffix))
    }

    /// One row's next departures from the timetable.
    pub fn row(&self, row: &RowRequest, stops: &[u32], per_row: usize) -> Vec<Departure> {
        let Some((route, found)) = self.scheduled(row, stops, self.now(), per_row) else {
            return Vec::new();
        };
        found
            .iter()
            .map(|d| self.row_departure(d, route, row))
            .collect()
    }

    /// A row's route and its scheduled departures from `from` (at most
    /// `limit`), in the row's direction and to its destination.
    pub fn scheduled(
        &self,
        row: &RowRequest,
        stops: &[u32],
        from: Timestamp,
        limit: usize,
    ) -> Option<(u32, Vec<super::TimetableDeparture>)> {
        let t = &self.table;
        let route = self.route_for(&row.line_id, stops)?;
        let wanted = if row.outbound { 0 } else { 1 };
        let direction =
            |d: u8| move |r: u32, dir: Option<u8>| r == route && dir.is_none_or(|x| x == d);
        let mut found = t.departures(stops, direction(wanted), from, limit);
        // The live network's destination wins where the feed's direction
        // disagrees with it.
        if !row.destination.is_empty() && !self.heads_to(&found, &row.destination) {
            let other = t.departures(stops, direction(1 - wanted), from, limit);
            if self.heads_to(&other, &row.destination) {
                found = other;
            }
        }
        if !row.destination.is_empty() {
            // Rows per destination (IDFM): that destination's, when any.
            let mine: Vec<_> = found
                .iter()
                .filter(|d| same_destination(t.string(d.headsign), &row.destination))
                .copied()
                .collect();
            if !mine.is_empty() {
                found = mine;
            }
        }
        Some((route, found))
    }

    /// A scheduled departure of a row, as the board shows it.
    pub fn row_departure(
        &self,
        d: &super::TimetableDeparture,
        route: u32,
        row: &RowRequest,
    ) -> Departure {
        let mut departure = self.departure(d, route, row.outbound);
        // The live row's destination and via read better than the feed's
        // "destination par via" when they are the same.
        if same_destination(&departure.destination, &row.destination) {
            departure.destination.clear();
        }
        departure
    }

    fn heads_to(&self, found: &[super::TimetableDeparture], destination: &str) -> bool {
        found
            .iter()
            .any(|d| same_destination(self.table.string(d.headsign), destination))
    }

    fn departure(&self, d: &super::TimetableDeparture, route: u32, outbound: bool) -> Departure {
        let t = &self.table;
        let headsign = crate::sanitize::line(t.string(d.headsign));
        // Asked at the demo's clock, told in real time: the board counts
        // down from the real clock.
        let at = d.at.checked_sub(self.shift).unwrap_or(d.at);
        Departure {
            stop_id: crate::sanitize::line(t.stop_id(d.stop)),
            line: self.line_ref(route),
            outbound,
            destination: headsign,
            via: String::new(),
            time: WaitTime::At {
                expected: at,
                aimed: Some(at),
            },
            alternate: None,
            origin: Origin::Timetable,
            status: Status::Normal,
            platform: None,
            mission: d.approximate.then(|| "fréquence".to_string()),
            vehicle: None,
            stop_access: Accessibility::Unknown,
            vehicle_access: Accessibility::Unknown,
            crowding: CrowdLevel::NotAllowed,
            load: Load::NotAllowed,
            crowding_text: String::new(),
            crowding_advice: String::new(),
            info_id: None,
        }
    }

    /// The rows of a place's stops: one per route and direction.
    pub fn lines_of(&self, stops: &[u32]) -> Vec<BoardLine> {
        let t = &self.table;
        let mut seen: Vec<(u32, Option<u8>)> = Vec::new();
        let mut lines = Vec::new();
        for &s in stops {
            for (group, route, dir) in t.stop_groups(s) {
                if seen.contains(&(route, dir)) {
                    continue;
                }
                seen.push((route, dir));
                let line = self.line_ref(route);
                lines.push(BoardLine {
                    kind: kind(t.route(route).route_type),
                    line,
                    outbound: dir != Some(1),
                    destination: crate::sanitize::line(t.string(t.group_headsign(group))),
                    via: String::new(),
                });
            }
        }
        lines.sort_by_key(BoardLine::order_key);
        lines
    }

    fn all_stops(&self) -> Vec<Stop> {
        let t = &self.table;
        // Places that share a name (every region has several "Mairie")
        // stay apart: the second and next carry their id.
        let mut named: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        let names: Vec<String> = (0..u32::try_from(t.place_count()).unwrap_or(0))
            .map(|p| {
                let name = crate::sanitize::line(t.place_name(p));
                let seen = named.entry(crate::names::fold(&name)).or_insert(0);
                *seen += 1;
                if *seen == 1 {
                    name
                } else {
                    format!("{name} ({})", crate::sanitize::line(t.place_id(p)))
                }
            })
            .collect();
        (0..u32::try_from(t.stop_count()).unwrap_or(0))
            .filter_map(|s| {
                let place = t.stop_place(s)?;
                Some(Stop {
                    id: crate::sanitize::line(t.stop_id(s)),
                    name: names.get(place as usize)?.clone(),
                    position: t.stop_position(s).map(|(lat, lon)| Position { lat, lon }),
                    accessibility: Accessibility::Unknown,
                })
            })
            .collect()
    }
}

/// A name compared loosely: folded, without a town in brackets.
fn base_name(name: &str) -> String {
    let name = name.split(" (").next().unwrap_or(name);
    crate::names::fold(name)
}

fn same_destination(headsign: &str, destination: &str) -> bool {
    let (h, d) = (
        crate::names::fold(headsign),
        crate::names::fold(destination),
    );
    !h.is_empty() && !d.is_empty() && (h.starts_with(&d) || d.starts_with(&h))
}

fn mode(route_type: u32) -> Option<Mode> {
    match route_type {
        0 | 5 | 900..=906 => Some(Mode::Tram),
        1 | 400..=405 => Some(Mode::Metro),
        2 | 100..=117 => Some(Mode::Rail),
        3 | 700..=716 | 200..=209 => Some(Mode::Bus),
        _ => None,
    }
}

fn kind(route_type: u32) -> Option<LineKind> {
    match mode(route_type)? {
        Mode::Tram => Some(LineKind::Tram),
        Mode::Metro => Some(LineKind::Metro),
        Mode::Rail => Some(LineKind::Rail),
        Mode::Bus => None,
    }
}

impl crate::network::Network for TimetableNetwork {
    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn attribution(&self) -> &str {
        "horaires théoriques (GTFS)"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }

    fn stops(&self) -> NetFuture<'_, StopList> {
        Box::pin(async {
            Ok(StopList {
                stops: self.all_stops(),
                stale: false,
            })
        })
    }

    fn lines_at<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<BoardLine>> {
        Box::pin(async move {
            let stops: Vec<u32> = stop_ids
                .iter()
                .filter_map(|id| self.table.find_stop(id))
                .collect();
            Ok(self.lines_of(&stops))
        })
    }

    fn departures<'a>(
        &'a self,
        rows: &'a [RowRequest],
        per_row: PerRow,
    ) -> NetFuture<'a, Vec<RowResult>> {
        Box::pin(async move {
            Ok(rows
                .iter()
                .map(|row| {
                    let stops = self.stops_for(&row.stop_ids, &row.place, None);
                    RowResult {
                        in_answer: true,
                        position: None,
                        departures: self.row(row, &stops, usize::from(per_row.get())),
                        error: Some(NetError::new(
                            ErrorKind::Offline,
                            crate::i18n::t("timetable_alone"),
                        )),
                        data_at: None,
                        timetable: true,
                    }
                })
                .collect())
        })
    }

    fn messages(&self) -> NetFuture<'_, Vec<crate::domain::Message>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    fn schedule_note(&self) -> Option<String> {
        self.table
            .expired(self.now())
            .map(|day| crate::i18n::tf("timetable_expired_note", &[("day", &day.to_string())]))
    }

    fn is_local(&self) -> bool {
        true
    }
}

/// The timetable a live network falls back to; replaced in place when the
/// background update compiles a new one.
pub type Shared = Arc<RwLock<Option<Arc<TimetableNetwork>>>>;

/// A live network whose missing rows come from its timetable: a failed
/// refresh once the last good one is older than [`STALE_AFTER`], a
/// refused key, a row or place left out of an answer, a row of a place
/// whose network is down. The row keeps the reason, and the heading says
/// it; live data replaces it with the next good answer.
pub struct WithTimetable {
    live: Source,
    timetable: Shared,
    refresh: Option<Arc<Refresh>>,
    last_ok: Mutex<Option<Instant>>,
    /// The live network's stops (name, position), to find the same place
    /// in a timetable whose ids differ (by name and distance).
    known: Mutex<std::collections::HashMap<String, (String, Option<Position>)>>,
    /// Some place's rows are the timetable's (the network was down when
    /// they were looked up): they are looked up again every minute.
    rows_from_timetable: AtomicBool,
    /// What the live network last said that the timetable must not
    /// contradict: rows it said are not served ("Travaux", every departure
    /// cancelled), and the public numbers of interrupted lines.
    not_served: Mutex<std::collections::HashSet<(String, String, bool, String)>>,
    interrupted: Mutex<std::collections::HashSet<String>>,
    /// Public numbers of the line ids seen (messages name numbers).
    numbers: Mutex<std::collections::HashMap<String, String>>,
    /// The timetable's stops of each live place already looked up, for
    /// the index they were found in.
    mapped: Mutex<(Option<Arc<Timetable>>, Mapped)>,
    /// When the store's index was last looked at, and its modification
    /// time then: one compiled since (`quai timetable update` run beside a
    /// board or kiosk started without one) is opened.
    on_disk: Mutex<(Option<Instant>, Option<std::time::SystemTime>)>,
    /// Where a timetable compiled later is looked for when nothing
    /// refreshes it, and the id and name of its network.
    watched: Option<(super::store::Store, String, String)>,
}

/// A live place's stop ids and the timetable's stops they are.
type Mapped = std::collections::HashMap<Vec<String>, Vec<u32>>;

/// How often the store's index is looked at for one compiled since.
const DISK_LOOK_EVERY: Duration = Duration::from_secs(10);

/// How often rows looked up in the timetable are looked up live again.
const ROWS_AGAIN_EVERY: Duration = Duration::from_secs(60);

/// A row left out of a live answer is filled with the timetable's
/// departures of the next hour only.
pub const LEFT_OUT_HORIZON: SignedDuration = SignedDuration::from_mins(60);

/// How often the boards look for a new timetable.
pub const REFRESH_EVERY: SignedDuration = SignedDuration::from_hours(24);

/// One background update an hour at most: one that left no usable
/// timetable (failed, or the feed served is still the expired one) is
/// tried again after this.
const RETRY_AFTER_FAILURE_S: i64 = 3600;

/// Whether this process updates timetables in the background (the live
/// board and the kiosk; not `--once`, nor the other commands).
static BACKGROUND: AtomicBool = AtomicBool::new(false);

/// Lets the networks refresh their timetables in the background.
pub fn allow_background_updates() {
    BACKGROUND.store(true, Ordering::Relaxed);
}

/// Where a network's timetable is kept and fetched from.
pub struct Refresh {
    pub store: super::store::Store,
    pub source: super::store::FeedSource,
    pub auth: Option<super::store::Auth>,
    running: AtomicBool,
    /// When the last update started (unix seconds): one an hour at most.
    attempted_at: AtomicI64,
}

impl Refresh {
    pub fn new(
        store: super::store::Store,
        source: super::store::FeedSource,
        auth: Option<super::store::Auth>,
    ) -> Refresh {
        Refresh {
            store,
            source,
            auth,
            running: AtomicBool::new(false),
            attempted_at: AtomicI64::new(0),
        }
    }
}

/// The board's own rule: data older than this is stale.
pub const STALE_AFTER: Duration = crate::model::STALE_AFTER;

impl WithTimetable {
    pub fn new(live: Source, timetable: Shared) -> WithTimetable {
        WithTimetable {
            live,
            timetable,
            refresh: None,
            last_ok: Mutex::new(None),
            known: Mutex::new(std::collections::HashMap::new()),
            rows_from_timetable: AtomicBool::new(false),
            mapped: Mutex::new((None, Mapped::new())),
            not_served: Mutex::new(std::collections::HashSet::new()),
            interrupted: Mutex::new(std::collections::HashSet::new()),
            numbers: Mutex::new(std::collections::HashMap::new()),
            on_disk: Mutex::new((None, None)),
            watched: None,
        }
    }

    /// Looks for network `id`'s timetable compiled later in `store`, when
    /// nothing refreshes it (a screen reading its boards from a broker
    /// falls back to every network's local timetable).
    pub fn watching(mut self, store: super::store::Store, id: &str, name: &str) -> WithTimetable {
        self.watched = Some((store, id.to_string(), name.to_string()));
        self
    }

    /// Where the timetable is kept and fetched from: the boards refresh it
    /// once a day in the background (see [`allow_background_updates`]).
    pub fn refreshed_by(mut self, refresh: Option<Refresh>) -> WithTimetable {
        self.refresh = refresh.map(Arc::new);
        self
    }

    /// The timetable to fall back to: none when it has expired (its last
    /// service day is past), which the status line says instead.
    fn table(&self) -> Option<Arc<TimetableNetwork>> {
        self.pick_up_compiled();
        let table = self.timetable.read().ok()?.clone()?;
        // The last service day's trips run past midnight: a day's grace.
        let yesterday = table
            .now()
            .checked_sub(SignedDuration::from_hours(24))
            .ok()?;
        table.table.expired(yesterday).is_none().then_some(table)
    }

    /// The day the timetable's service ended, when it has.
    fn expired(&self) -> Option<jiff::civil::Date> {
        let table = self.timetable.read().ok()?.clone()?;
        table.table.expired(table.now())
    }

    /// Opens the store's index when it changed on disk since it was last
    /// looked at (every [`DISK_LOOK_EVERY`] at most): a timetable compiled
    /// after the start, by another process, is used without a restart.
    fn pick_up_compiled(&self) {
        let (store, id, name) = match (&self.refresh, &self.watched) {
            (Some(refresh), _) => (&refresh.store, self.live.id(), self.live.name()),
            (None, Some((store, id, name))) => (store, id.as_str(), name.as_str()),
            (None, None) => return,
        };
        let Ok(mut seen) = self.on_disk.lock() else {
            return;
        };
        if seen.0.is_some_and(|at| at.elapsed() < DISK_LOOK_EVERY) {
            return;
        }
        seen.0 = Some(Instant::now());
        let modified = std::fs::metadata(store.index_path())
            .and_then(|m| m.modified())
            .ok();
        if modified.is_none() || modified == seen.1 {
            return;
        }
        let first_look = seen.1.is_none();
        seen.1 = modified;
        let Ok(mut slot) = self.timetable.write() else {
            return;
        };
        // The index opened at start is the one on disk at the first look.
        if first_look && slot.is_some() {
            return;
        }
        if let Ok(table) = store.open() {
            let shift = slot.as_ref().map_or(SignedDuration::ZERO, |t| t.shift());
            let network = TimetableNetwork::new(id, name, Arc::new(table)).with_shift(shift);
            *slot = Some(Arc::new(network));
        }
    }

    /// Starts the day's update of the timetable when it is due: an index
    /// exists, the last fetch is a day old, none is running.
    fn refresh_if_due(&self) {
        let Some(refresh) = &self.refresh else { return };
        // Only a timetable the user asked for once is kept up to date (an
        // index of an older quai is compiled again).
        if !BACKGROUND.load(Ordering::Relaxed) || !refresh.store.index_path().exists() {
            return;
        }
        let attempted = refresh.attempted_at.load(Ordering::Relaxed);
        if Timestamp::now().as_second() - attempted < RETRY_AFTER_FAILURE_S {
            return;
        }
        let meta = refresh.store.meta();
        // A timetable compiled from a local file is the user's to update.
        if meta.as_ref().is_some_and(|m| !m.source.starts_with("http")) {
            return;
        }
        let due = self.table().is_none()
            || meta
                .and_then(|m| m.fetched_at)
                .is_none_or(|at| Timestamp::now().duration_since(at) > REFRESH_EVERY);
        if !due || refresh.running.swap(true, Ordering::AcqRel) {
            return;
        }
        refresh
            .attempted_at
            .store(Timestamp::now().as_second(), Ordering::Relaxed);
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            refresh.running.store(false, Ordering::Release);
            return;
        };
        let (refresh, shared) = (Arc::clone(refresh), Arc::clone(&self.timetable));
        let (id, name) = (self.live.id().to_string(), self.live.name().to_string());
        runtime.spawn(async move {
            let outcome = refresh
                .store
                .update(&refresh.source, refresh.auth.as_ref(), false)
                .await;
            if outcome.is_ok()
                && let Ok(table) = refresh.store.open()
            {
                let network = TimetableNetwork::new(&id, &name, Arc::new(table));
                if let Ok(mut slot) = shared.write() {
                    *slot = Some(Arc::new(network));
                }
            }
            refresh.running.store(false, Ordering::Release);
        });
    }

    /// A live place's name and position, as its network's stop list says.
    fn place_of(&self, stop_ids: &[String]) -> (String, Option<Position>) {
        let Ok(known) = self.known.lock() else {
            return (String::new(), None);
        };
        let name = stop_ids
            .iter()
            .find_map(|id| known.get(id).map(|k| k.0.clone()))
            .unwrap_or_default();
        let near = stop_ids
            .iter()
            .find_map(|id| known.get(id).and_then(|k| k.1));
        (name, near)
    }

    /// The timetable's stops of a live place, looked up once per index.
    fn stops_in(&self, t: &TimetableNetwork, stop_ids: &[String], name: &str) -> Vec<u32> {
        // Held here, the index cannot be freed and another take its place.
        let current = t.shared_table();
        let same =
            |held: &Option<Arc<Timetable>>| held.as_ref().is_some_and(|h| Arc::ptr_eq(h, current));
        if let Ok(mapped) = self.mapped.lock()
            && same(&mapped.0)
            && let Some(stops) = mapped.1.get(stop_ids)
        {
            return stops.clone();
        }
        let (known_name, near) = self.place_of(stop_ids);
        let name = if name.is_empty() { &known_name } else { name };
        let stops = t.stops_for(stop_ids, name, near);
        // Not found may only mean the live stop list is not known yet.
        if stops.is_empty() {
            return stops;
        }
        if let Ok(mut mapped) = self.mapped.lock() {
            if !same(&mapped.0) {
                *mapped = (Some(Arc::clone(current)), Mapped::new());
            }
            mapped.1.insert(stop_ids.to_vec(), stops.clone());
        }
        stops
    }

    fn row_key(row: &RowRequest) -> (String, String, bool, String) {
        (
            row.place.clone(),
            row.line_id.clone(),
            row.outbound,
            row.destination.clone(),
        )
    }

    /// Remembers what a live answer says of a row: not served, or served.
    fn note_live(&self, row: &RowRequest, result: &RowResult) {
        if !result.in_answer || result.error.is_some() || result.timetable {
            return;
        }
        let not_served = !result.departures.is_empty()
            && result.departures.iter().all(|d| {
                d.status == crate::domain::Status::Cancelled
                    || matches!(d.time, WaitTime::Text { .. })
            });
        if let Ok(mut set) = self.not_served.lock() {
            if not_served {
                set.insert(Self::row_key(row));
            } else {
                set.remove(&Self::row_key(row));
            }
        }
        if let Some(d) = result.departures.first()
            && let Ok(mut numbers) = self.numbers.lock()
        {
            numbers.insert(row.line_id.clone(), d.line.number.clone());
        }
    }

    /// Whether the timetable would contradict what the network said: the
    /// row is not served, or its line is interrupted.
    fn contradicted(&self, row: &RowRequest) -> bool {
        let not_served = self
            .not_served
            .lock()
            .is_ok_and(|set| set.contains(&Self::row_key(row)));
        let number = self
            .numbers
            .lock()
            .ok()
            .and_then(|n| n.get(&row.line_id).cloned());
        let interrupted =
            number.is_some_and(|n| self.interrupted.lock().is_ok_and(|set| set.contains(&n)));
        not_served || interrupted
    }

    fn fill(&self, t: &TimetableNetwork, row: &RowRequest, per_row: PerRow) -> Vec<Departure> {
        if self.contradicted(row) {
            return Vec::new();
        }
        let stops = self.stops_in(t, &row.stop_ids, &row.place);
        t.row(row, &stops, usize::from(per_row.get()))
    }
}

impl crate::network::Network for WithTimetable {
    fn id(&self) -> &str {
        self.live.id()
    }

    fn name(&self) -> &str {
        self.live.name()
    }

    fn attribution(&self) -> &str {
        self.live.attribution()
    }

    fn capabilities(&self) -> Capabilities {
        self.live.capabilities()
    }

    fn networks(&self) -> Vec<NetworkInfo> {
        self.live.networks()
    }

    fn network_of(&self, stop_id: &str) -> Option<NetworkInfo> {
        self.live.network_of(stop_id)
    }

    fn is_local(&self) -> bool {
        self.live.is_local()
    }

    fn stops(&self) -> NetFuture<'_, StopList> {
        Box::pin(async {
            match self.live.stops().await {
                Ok(list) => {
                    if let Ok(mut known) = self.known.lock() {
                        known.clear();
                        known.extend(
                            list.stops
                                .iter()
                                .map(|s| (s.id.clone(), (s.name.clone(), s.position))),
                        );
                    }
                    Ok(list)
                }
                // No stop list at all (never fetched, nothing cached): the
                // timetable's, for a network with the same ids.
                Err(e) => match self.table() {
                    Some(t) => Ok(StopList {
                        stops: t.all_stops(),
                        stale: true,
                    }),
                    None => Err(e),
                },
            }
        })
    }

    fn exact_name<'a>(&'a self, query: &'a str) -> NetFuture<'a, Option<String>> {
        Box::pin(async move {
            match self.live.exact_name(query).await {
                Err(_) if self.table().is_some() => Ok(None),
                other => other,
            }
        })
    }

    fn lines_at<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<BoardLine>> {
        Box::pin(async move {
            match self.live.lines_at(stop_ids).await {
                Err(e) => match self.table() {
                    Some(t) => {
                        let stops = self.stops_in(&t, stop_ids, "");
                        let lines = t.lines_of(&stops);
                        if lines.is_empty() {
                            Err(e)
                        } else {
                            self.rows_from_timetable.store(true, Ordering::Relaxed);
                            Ok(lines)
                        }
                    }
                    None => Err(e),
                },
                ok => {
                    self.rows_from_timetable.store(false, Ordering::Relaxed);
                    ok
                }
            }
        })
    }

    fn departures<'a>(
        &'a self,
        rows: &'a [RowRequest],
        per_row: PerRow,
    ) -> NetFuture<'a, Vec<RowResult>> {
        Box::pin(async move {
            let live = self.live.departures(rows, per_row).await;
            self.refresh_if_due();
            let Some(t) = self.table() else {
                return live;
            };
            match live {
                Ok(mut results) => {
                    if results.iter().any(|r| r.error.is_none())
                        && let Ok(mut last) = self.last_ok.lock()
                    {
                        *last = Some(Instant::now());
                    }
                    let now = Timestamp::now();
                    for (row, result) in rows.iter().zip(results.iter_mut()) {
                        self.note_live(row, result);
                        // A row that failed keeps the network's own last
                        // answer while it is younger than the board's 30 s.
                        let old = result
                            .data_at
                            .is_none_or(|at| now.duration_since(at).unsigned_abs() > STALE_AFTER);
                        if (result.error.is_some() || !result.in_answer) && old {
                            let mut filled = self.fill(&t, row, per_row);
                            // A row the live answer leaves out may just have
                            // nothing soon (at night): only a departure the
                            // timetable has soon says live times are missing.
                            if result.error.is_none() {
                                let soon = now.checked_add(LEFT_OUT_HORIZON).unwrap_or(now);
                                filled.retain(|d| {
                                    matches!(d.time, WaitTime::At { expected, .. } if expected <= soon)
                                });
                            }
                            if !filled.is_empty() {
                                result.departures = filled;
                                result.in_answer = true;
                                result.data_at = None;
                                result.timetable = true;
                            }
                        }
                    }
                    Ok(results)
                }
                Err(e) => {
                    let recent = self
                        .last_ok
                        .lock()
                        .ok()
                        .and_then(|l| *l)
                        .is_some_and(|at| at.elapsed() < STALE_AFTER);
                    // Within the board's 30 s the last live times stay,
                    // marked old; after, the timetable's.
                    if recent {
                        return Err(e);
                    }
                    let results: Vec<RowResult> = rows
                        .iter()
                        .map(|row| {
                            let departures = self.fill(&t, row, per_row);
                            // A row the timetable has nothing for keeps what
                            // it showed, marked old.
                            let filled = !departures.is_empty();
                            RowResult {
                                in_answer: filled,
                                position: None,
                                departures,
                                error: Some(e.clone()),
                                data_at: None,
                                timetable: filled,
                            }
                        })
                        .collect();
                    if results.iter().any(|r| r.timetable) {
                        Ok(results)
                    } else {
                        Err(e)
                    }
                }
            }
        })
    }

    fn messages(&self) -> NetFuture<'_, Vec<crate::domain::Message>> {
        Box::pin(async move {
            let messages = self.live.messages().await?;
            // An interrupted line gets no theoretical times.
            if let Ok(mut set) = self.interrupted.lock() {
                set.clear();
                set.extend(
                    messages
                        .iter()
                        .filter(|m| m.severity == crate::domain::Severity::Interrupted)
                        .flat_map(|m| m.lines.iter().cloned()),
                );
            }
            Ok(messages)
        })
    }

    fn unknown_place(&self, query: &str) -> String {
        self.live.unknown_place(query)
    }

    fn schedule_note(&self) -> Option<String> {
        let live = self.live.schedule_note();
        match self.expired() {
            Some(day) => {
                let expired =
                    crate::i18n::tf("timetable_expired_note", &[("day", &day.to_string())]);
                Some(live.map_or(expired.clone(), |n| format!("{n} · {expired}")))
            }
            None => live,
        }
    }

    fn rows_change_every(&self) -> Option<Duration> {
        let live = self.live.rows_change_every();
        if self.rows_from_timetable.load(Ordering::Relaxed) {
            return Some(live.map_or(ROWS_AGAIN_EVERY, |l| l.min(ROWS_AGAIN_EVERY)));
        }
        live
    }

    fn quota(&self) -> Vec<QuotaReport> {
        self.live.quota()
    }

    fn member(&self, id: &str) -> Option<Source> {
        self.live.member(id)
    }

    fn lifts<'a>(&'a self, stop_ids: &'a [String]) -> NetFuture<'a, Vec<crate::domain::Lift>> {
        self.live.lifts(stop_ids)
    }

    fn line_states(&self) -> NetFuture<'_, Vec<crate::domain::LineStatus>> {
        self.live.line_states()
    }

    fn nearby(&self, at: Position) -> NetFuture<'_, Vec<Stop>> {
        self.live.nearby(at)
    }

    fn fares(&self) -> NetFuture<'_, Vec<crate::domain::Fare>> {
        self.live.fares()
    }

    fn vehicle<'a>(&'a self, number: &'a str) -> NetFuture<'a, crate::domain::Vehicle> {
        self.live.vehicle(number)
    }

    fn vehicle_live<'a>(&'a self, number: &'a str) -> NetFuture<'a, crate::domain::VehicleLive> {
        self.live.vehicle_live(number)
    }

    fn forecast<'a>(
        &'a self,
        stop_id: &'a str,
        line_id: &'a str,
        outbound: bool,
    ) -> NetFuture<'a, Vec<crate::domain::CrowdForecast>> {
        self.live.forecast(stop_id, line_id, outbound)
    }
}
