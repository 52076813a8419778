//! The timetable as a network ([`TimetableNetwork`]: `quai board
//! --offline`, and what a live network falls back to in
//! [`super::fallback`]): its places, rows and scheduled departures.
//!
//! Every departure it gives is [`Origin::Timetable`]: the board marks it
//! "théorique", never as live.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use super::Timetable;
use crate::domain::{
    Accessibility, BoardLine, CrowdLevel, Departure, LineKind, LineRef, Load, Mode, Origin,
    Position, Rgb, Status, Stop, WaitTime,
};
use crate::network::{
    Capabilities, ErrorKind, NetError, NetFuture, PerRow, RowRequest, RowResult, StopList,
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
        TimetableNetwork {
            id: id.into(),
            name: name.into(),
            table,
            shift: SignedDuration::ZERO,
        }
    }

    /// Its "now" is the real time moved by `shift` (the demo's clock).
    pub(crate) fn with_shift(mut self, shift: SignedDuration) -> TimetableNetwork {
        self.shift = shift;
        self
    }

    pub fn table(&self) -> &Timetable {
        &self.table
    }

    /// The index, to share.
    pub(crate) fn shared_table(&self) -> &Arc<Timetable> {
        &self.table
    }

    /// Now at the network's clock (the demo's may be moved).
    pub(crate) fn now(&self) -> Timestamp {
        crate::clock::now()
            .checked_add(self.shift)
            .unwrap_or_else(|_| crate::clock::now())
    }

    /// How far the network's clock is from the real one.
    pub(crate) fn shift(&self) -> SignedDuration {
        self.shift
    }

    pub(crate) fn line_ref(&self, route: u32) -> LineRef {
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
    pub(crate) fn scheduled(
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
        // The timetable's own rows are per destination: that headsign's
        // trips, however far the others are ahead of them.
        if !row.destination.is_empty() {
            for d in [wanted, 1 - wanted] {
                let named = self.headsigns_named(stops, route, d, &row.destination);
                if !named.is_empty() {
                    let to = |h: u32| named.contains(&h);
                    return Some((route, t.departures_to(stops, direction(d), to, from, limit)));
                }
            }
        }
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

    /// The headsigns of a route's trips in one direction at these stops
    /// that read as `destination` (the same words, case and accents
    /// aside).
    fn headsigns_named(&self, stops: &[u32], route: u32, dir: u8, destination: &str) -> Vec<u32> {
        let t = &self.table;
        let wanted = crate::names::fold(destination);
        let mut named: Vec<u32> = stops
            .iter()
            .flat_map(|&s| t.stop_groups(s))
            .filter(|&(_, r, d)| r == route && d.is_none_or(|d| d == dir))
            .flat_map(|(group, _, _)| t.group_headsigns(group))
            .filter(|&h| crate::names::fold(&crate::sanitize::line(t.string(h))) == wanted)
            .collect();
        named.sort_unstable();
        named.dedup();
        named
    }

    /// A scheduled departure of a row, as the board shows it.
    pub(crate) fn row_departure(
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

    /// The timetable's own rows of a place's stops: one per route,
    /// direction and destination (every trip that calls there is on one),
    /// a direction's most served destination first.
    pub(crate) fn lines_of(&self, stops: &[u32]) -> Vec<BoardLine> {
        let t = &self.table;
        let mut seen: Vec<(u32, Option<u8>, String)> = Vec::new();
        let mut lines = Vec::new();
        for &s in stops {
            for (group, route, dir) in t.stop_groups(s) {
                for headsign in t.group_headsigns(group) {
                    let destination = crate::sanitize::line(t.string(headsign));
                    let key = (route, dir, crate::names::fold(&destination));
                    if seen.contains(&key) {
                        continue;
                    }
                    seen.push(key);
                    lines.push(BoardLine {
                        kind: kind(t.route(route).route_type),
                        line: self.line_ref(route),
                        outbound: dir != Some(1),
                        destination,
                        via: String::new(),
                    });
                }
            }
        }
        lines.sort_by_key(BoardLine::order_key);
        lines
    }

    /// The rows of a place's stops one per route and direction, as a live
    /// network whose rows are so keyed (Ginko) has them: what stands in for
    /// its rows while it cannot be reached.
    pub(crate) fn direction_lines_of(&self, stops: &[u32]) -> Vec<BoardLine> {
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

    pub(super) fn all_stops(&self) -> Vec<Stop> {
        let t = &self.table;
        // Places that share a name (every region has several "Mairie";
        // same-named stops far apart are several places) stay apart: the
        // second and next carry what a rider tells them by — their
        // lines, else the nearest other place — and an id only when
        // neither does. Names that differ (by an accent, a space) are
        // names enough.
        let count = u32::try_from(t.place_count()).unwrap_or(0);
        let plain: Vec<String> = (0..count)
            .map(|p| crate::sanitize::line(t.place_name(p)))
            .collect();
        let mut seen: std::collections::HashMap<String, Vec<String>> =
            std::collections::HashMap::new();
        let names: Vec<String> = (0..count)
            .map(|p| {
                // "Main  St" reads "Main St".
                let name = plain[p as usize]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let labels = seen.entry(name.clone()).or_default();
                if labels.is_empty() {
                    labels.push(self.lines_label(p));
                    return name;
                }
                let lines = self.lines_label(p);
                let label = if !lines.is_empty() && !labels.contains(&lines) {
                    let key = if lines.contains(", ") {
                        "place_lines"
                    } else {
                        "place_line"
                    };
                    crate::i18n::tf(key, &[("lines", &lines)])
                } else {
                    self.nearest_place(p, &plain).map_or_else(
                        || crate::sanitize::line(t.place_id(p)),
                        |near| crate::i18n::tf("place_near", &[("name", &near)]),
                    )
                };
                labels.push(lines);
                format!("{name} ({label})")
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

impl TimetableNetwork {
    /// The lines at a place, as riders read them: "1, 7, 9" (at most four).
    fn lines_label(&self, place: u32) -> String {
        let t = &self.table;
        let mut numbers: Vec<String> = t
            .place_stops(place)
            .flat_map(|s| {
                t.stop_groups(s)
                    .map(|(_, route, _)| route)
                    .collect::<Vec<_>>()
            })
            .map(|route| {
                let r = t.route(route);
                crate::sanitize::line(if r.short_name.is_empty() {
                    r.long_name
                } else {
                    r.short_name
                })
            })
            .filter(|n| !n.is_empty())
            .collect();
        numbers.sort_by_key(|n| (n.parse::<u32>().unwrap_or(u32::MAX), n.clone()));
        numbers.dedup();
        if numbers.len() > 4 {
            numbers.truncate(4);
            numbers.push("…".to_string());
        }
        numbers.join(", ")
    }

    /// The nearest place of another name within 2 km, to tell apart two
    /// places of one name on the same lines.
    fn nearest_place(&self, place: u32, names: &[String]) -> Option<String> {
        const NEAR_M: f64 = 2000.0;
        let t = &self.table;
        let (lat, lon) = t.place_position(place)?;
        let here = Position { lat, lon };
        let own = crate::names::fold(names.get(place as usize)?);
        (0..u32::try_from(t.place_count()).unwrap_or(0))
            .filter_map(|p| {
                let name = names.get(p as usize)?;
                if crate::names::fold(name) == own {
                    return None;
                }
                let (lat, lon) = t.place_position(p)?;
                let d = here.distance_m(Position { lat, lon });
                (d <= NEAR_M).then_some((d, name))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, name)| name.clone())
    }
}

/// A name compared loosely: folded, without a town in brackets.
fn base_name(name: &str) -> String {
    let name = name.split(" (").next().unwrap_or(name);
    crate::names::fold(name)
}

/// Whether a headsign and a row's destination read as one (one starts
/// with the other, case and accents aside).
pub(crate) fn same_destination(headsign: &str, destination: &str) -> bool {
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
        crate::i18n::t("timetable_attribution")
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }

    fn zone(&self, network: &str) -> Option<jiff::tz::TimeZone> {
        (network == self.id).then(|| self.table.zone().clone())
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
                        dropped: 0,
                    }
                })
                .collect())
        })
    }

    fn messages(&self) -> NetFuture<'_, Vec<crate::domain::Message>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    fn calls(
        &self,
        row: &RowRequest,
        departures: &[Departure],
        fetched_at: Timestamp,
    ) -> Option<Vec<Vec<crate::destination::Call>>> {
        self.calls_with(
            row,
            departures,
            fetched_at,
            super::arrivals::MATCH_WITHIN,
            &|_, _| super::arrivals::LiveCall::Unknown,
        )
    }

    fn arrivals(
        &self,
        row: &RowRequest,
        departures: &[Departure],
        fetched_at: Timestamp,
        to: &str,
    ) -> crate::destination::Arrivals {
        self.arrivals_with(
            row,
            departures,
            fetched_at,
            (to, super::arrivals::MATCH_WITHIN),
            &|_, _| super::arrivals::LiveCall::Unknown,
        )
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
