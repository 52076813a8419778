//! The third demo network: a small city known only from its feeds, as
//! any `[[network]]` is: a GTFS zip and GTFS-Realtime trip updates,
//! alerts and vehicle positions (protobuf), made from the demo clock.
//!
//! What its feeds say, so that every rule shows: route 10 runs 2 min late
//! from its third stop on (a delay carried to the following stops), its
//! return trips give absolute times; the next route 55 trip outbound is
//! cancelled, the next one back skips Mont-Royal and runs 3 min late
//! after it; one 55 trip says NO_DATA; an extra route 10 trip is added;
//! the tram has no update (theoretical); one alert (French and English)
//! diverts the 55, another is planned for tomorrow.

use std::fmt::Write;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use prost::Message as _;

use crate::network::gtfsrt::proto::{
    self, Alert, EntitySelector, FeedEntity, FeedHeader, FeedMessage, StopTimeEvent,
    StopTimeUpdate, TimeRange, TranslatedString, Translation, TripDescriptor, TripUpdate,
    VehicleDescriptor, VehiclePosition,
};

pub const ID: &str = "mtl";
pub const NAME: &str = "Montréal (démo GTFS-RT)";
pub const ZONE: &str = "America/Montreal";
/// Where the demo server publishes them.
pub const GTFS_PATH: &str = "/gtfs-rt/mtl/gtfs.zip";
pub const TRIP_UPDATES_PATH: &str = "/gtfs-rt/mtl/trip-updates.pb";
pub const ALERTS_PATH: &str = "/gtfs-rt/mtl/alerts.pb";
pub const VEHICLES_PATH: &str = "/gtfs-rt/mtl/vehicles.pb";

struct Route {
    id: &'static str,
    number: &'static str,
    name: &'static str,
    route_type: u8,
    colour: &'static str,
    text: &'static str,
    /// The stops outbound (names; the way back is the reverse).
    stops: &'static [&'static str],
    /// Minutes between two trips, and from one stop to the next.
    headway: i64,
    hop: i64,
}

const ROUTES: [Route; 3] = [
    Route {
        id: "10",
        number: "10",
        name: "Vieux-Port – Côte-Vertu",
        route_type: 3,
        colour: "0072CE",
        text: "FFFFFF",
        stops: &[
            "Vieux-Port",
            "Place d'Armes",
            "Université",
            "Mont-Royal",
            "Jean-Talon",
            "Côte-Vertu",
        ],
        headway: 10,
        hop: 3,
    },
    Route {
        id: "55",
        number: "55",
        name: "Université – Saint-Michel",
        route_type: 3,
        colour: "00A651",
        text: "FFFFFF",
        stops: &[
            "Université",
            "Parc",
            "Mont-Royal",
            "Rosemont",
            "Saint-Michel",
        ],
        headway: 15,
        hop: 4,
    },
    Route {
        id: "T",
        number: "T",
        name: "Tramway du Port",
        route_type: 0,
        colour: "F7941D",
        text: "000000",
        stops: &["Vieux-Port", "Place d'Armes", "Gare Centrale"],
        headway: 8,
        hop: 2,
    },
];

/// The places and their positions.
const PLACES: [(&str, f64, f64); 10] = [
    ("Vieux-Port", 45.5075, -73.5540),
    ("Place d'Armes", 45.5059, -73.5596),
    ("Université", 45.5048, -73.5772),
    ("Mont-Royal", 45.5246, -73.5815),
    ("Jean-Talon", 45.5390, -73.6140),
    ("Côte-Vertu", 45.5143, -73.6830),
    ("Parc", 45.5308, -73.6245),
    ("Rosemont", 45.5317, -73.5973),
    ("Saint-Michel", 45.5597, -73.5999),
    ("Gare Centrale", 45.4997, -73.5666),
];

/// First and last trip of the day (minutes after midnight, local): the
/// demo city runs all night, so that it is live whenever it is tried.
const FIRST: i64 = 0;
const LAST: i64 = 24 * 60 - 1;

pub(crate) fn zone() -> TimeZone {
    TimeZone::get(ZONE).unwrap_or(TimeZone::UTC)
}

fn stop_id(place: &str, direction: u8) -> String {
    let code: String = crate::names::fold(place)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("{}-{direction}", code.to_uppercase())
}

fn route_stops(route: &Route, direction: u8) -> Vec<&'static str> {
    let mut stops = route.stops.to_vec();
    if direction == 1 {
        stops.reverse();
    }
    stops
}

fn trip_id(route: &Route, direction: u8, start: i64) -> String {
    format!(
        "{}-{direction}-{:02}{:02}",
        route.id,
        start / 60,
        start % 60
    )
}

fn starts(route: &Route, direction: u8) -> impl Iterator<Item = i64> {
    let offset = if direction == 1 { route.headway / 2 } else { 0 };
    (0..)
        .map(move |n| FIRST + offset + n * route.headway)
        .take_while(|m| *m <= LAST)
}

/// The GTFS tables, valid from two days ago for 60 days.
pub fn gtfs_tables(today: Date) -> Vec<(&'static str, String)> {
    let q = super::gtfs::quoted;
    let mut stops =
        String::from("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n");
    for (name, lat, lon) in PLACES {
        for direction in [0u8, 1] {
            // The two platforms, a few metres apart.
            let d = f64::from(direction) * 0.0002;
            let _ = writeln!(
                stops,
                "{},{},{:.5},{:.5},0,",
                stop_id(name, direction),
                q(name),
                lat + d,
                lon
            );
        }
    }
    let mut routes = String::from(
        "route_id,agency_id,route_short_name,route_long_name,route_type,route_color,route_text_color\n",
    );
    for r in &ROUTES {
        let _ = writeln!(
            routes,
            "{},DEMO,{},{},{},{},{}",
            r.id,
            r.number,
            q(r.name),
            r.route_type,
            r.colour,
            r.text
        );
    }
    let (first, last) = (
        today
            .checked_sub(jiff::Span::new().days(2))
            .unwrap_or(today),
        today
            .checked_add(jiff::Span::new().days(super::gtfs::DAYS_AHEAD))
            .unwrap_or(today),
    );
    let calendar = format!(
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nALL,1,1,1,1,1,1,1,{},{}\n",
        first.strftime("%Y%m%d"),
        last.strftime("%Y%m%d")
    );
    let mut trips = String::from("route_id,service_id,trip_id,trip_headsign,direction_id\n");
    let mut times = String::from("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    for r in &ROUTES {
        for direction in [0u8, 1] {
            let stops = route_stops(r, direction);
            let headsign = stops.last().copied().unwrap_or("");
            for start in starts(r, direction) {
                let trip = trip_id(r, direction, start);
                let _ = writeln!(trips, "{},ALL,{trip},{},{direction}", r.id, q(headsign));
                for (k, place) in stops.iter().enumerate() {
                    let at = super::gtfs::time((start + k as i64 * r.hop) * 60);
                    let _ = writeln!(
                        times,
                        "{trip},{at},{at},{},{}",
                        stop_id(place, direction),
                        k + 1
                    );
                }
            }
        }
    }
    vec![
        (
            "agency.txt",
            format!(
                "agency_id,agency_name,agency_url,agency_timezone,agency_lang\nDEMO,{},https://example.org,{ZONE},fr\n",
                q(NAME)
            ),
        ),
        ("stops.txt", stops),
        ("routes.txt", routes),
        ("calendar.txt", calendar),
        ("trips.txt", trips),
        ("stop_times.txt", times),
    ]
}

/// The zipped GTFS feed.
pub fn gtfs(today: Date) -> Option<Vec<u8>> {
    super::gtfs::zip(&gtfs_tables(today)).ok()
}

/// A run of a trip on a service day: its scheduled departures.
struct Run {
    route: &'static Route,
    direction: u8,
    start: i64,
    day: Date,
    /// Each stop's scheduled time.
    times: Vec<Timestamp>,
}

impl Run {
    fn trip_id(&self) -> String {
        trip_id(self.route, self.direction, self.start)
    }

    fn descriptor(&self, relationship: i32) -> TripDescriptor {
        TripDescriptor {
            trip_id: Some(self.trip_id()),
            start_time: None,
            start_date: Some(self.day.strftime("%Y%m%d").to_string()),
            schedule_relationship: Some(relationship),
            route_id: Some(self.route.id.to_string()),
            direction_id: Some(u32::from(self.direction)),
        }
    }

    fn stop(&self, k: usize) -> String {
        stop_id(route_stops(self.route, self.direction)[k], self.direction)
    }
}

/// The service day's noon − 12 h.
fn reference(day: Date) -> Option<Timestamp> {
    let noon = day.at(12, 0, 0, 0).to_zoned(zone()).ok()?;
    noon.timestamp()
        .checked_sub(jiff::SignedDuration::from_hours(12))
        .ok()
}

/// The runs whose first departure is within an hour of `now`, either way.
fn runs(now: Timestamp) -> Vec<Run> {
    let today = now.to_zoned(zone()).date();
    let mut out = Vec::new();
    for day in [today.yesterday().unwrap_or(today), today] {
        let Some(base) = reference(day) else { continue };
        for route in &ROUTES {
            for direction in [0u8, 1] {
                let n = route_stops(route, direction).len();
                for start in starts(route, direction) {
                    let at = |k: usize| {
                        base.checked_add(jiff::SignedDuration::from_mins(
                            start + k as i64 * route.hop,
                        ))
                        .unwrap_or(base)
                    };
                    let first = at(0);
                    if first.duration_since(now).abs() > jiff::SignedDuration::from_mins(60) {
                        continue;
                    }
                    out.push(Run {
                        route,
                        direction,
                        start,
                        day,
                        times: (0..n).map(at).collect(),
                    });
                }
            }
        }
    }
    out.sort_by_key(|r| r.times.first().copied());
    out
}

fn header(now: Timestamp) -> Option<FeedHeader> {
    Some(FeedHeader {
        gtfs_realtime_version: Some("2.0".into()),
        incrementality: Some(0),
        timestamp: u64::try_from(now.as_second()).ok(),
    })
}

fn delay_update(sequence: usize, stop: String, delay: i32) -> StopTimeUpdate {
    StopTimeUpdate {
        stop_sequence: u32::try_from(sequence + 1).ok(),
        stop_id: Some(stop),
        departure: Some(StopTimeEvent {
            delay: Some(delay),
            ..Default::default()
        }),
        arrival: None,
        schedule_relationship: Some(proto::stop_relationship::SCHEDULED),
    }
}

fn vehicle_of(run: &Run) -> Option<VehicleDescriptor> {
    (run.route.id == "10").then(|| VehicleDescriptor {
        id: Some(format!("v{}", 4000 + run.start % 97)),
        label: Some(format!("{}", 4000 + run.start % 97)),
        license_plate: None,
    })
}

/// The trip updates at `now`.
pub fn trip_updates(now: Timestamp) -> FeedMessage {
    let runs = runs(now);
    let mut entity = Vec::new();
    let later = |r: &Run, minutes: i64| {
        r.times
            .first()
            .is_some_and(|t| t.duration_since(now) > jiff::SignedDuration::from_mins(minutes))
    };
    let first_55 = |direction: u8| {
        runs.iter()
            .position(|r| r.route.id == "55" && r.direction == direction && later(r, 10))
    };
    let (cancelled, skipping) = (first_55(0), first_55(1));
    let no_data = runs
        .iter()
        .position(|r| r.route.id == "55" && r.direction == 0 && later(r, 30));
    for (n, run) in runs.iter().enumerate() {
        let mut update = TripUpdate {
            trip: Some(run.descriptor(proto::trip_relationship::SCHEDULED)),
            vehicle: vehicle_of(run),
            timestamp: u64::try_from(now.as_second()).ok(),
            ..Default::default()
        };
        match (run.route.id, run.direction) {
            ("10", 0) => {
                // On time, then 2 min late from the third stop: carried on.
                update.stop_time_update = vec![
                    delay_update(0, run.stop(0), 0),
                    delay_update(2, run.stop(2), 120),
                ];
            }
            ("10", _) => {
                // Absolute times: a minute late from the second stop.
                update.stop_time_update = (1..run.times.len())
                    .map(|k| StopTimeUpdate {
                        stop_sequence: u32::try_from(k + 1).ok(),
                        stop_id: Some(run.stop(k)),
                        departure: Some(StopTimeEvent {
                            time: Some(run.times[k].as_second() + 60),
                            ..Default::default()
                        }),
                        ..Default::default()
                    })
                    .collect();
            }
            ("55", _) if Some(n) == cancelled => {
                update.trip = Some(run.descriptor(proto::trip_relationship::CANCELED));
            }
            ("55", _) if Some(n) == skipping => {
                let skipped = route_stops(run.route, run.direction)
                    .iter()
                    .position(|p| *p == "Mont-Royal")
                    .unwrap_or(2);
                update.stop_time_update = vec![
                    StopTimeUpdate {
                        stop_sequence: u32::try_from(skipped + 1).ok(),
                        stop_id: Some(run.stop(skipped)),
                        schedule_relationship: Some(proto::stop_relationship::SKIPPED),
                        ..Default::default()
                    },
                    delay_update(skipped + 1, run.stop(skipped + 1), 180),
                ];
            }
            ("55", _) if Some(n) == no_data => {
                update.stop_time_update = vec![StopTimeUpdate {
                    stop_sequence: Some(1),
                    stop_id: Some(run.stop(0)),
                    schedule_relationship: Some(proto::stop_relationship::NO_DATA),
                    ..Default::default()
                }];
            }
            ("55", _) => {
                update.stop_time_update = vec![delay_update(0, run.stop(0), 60)];
            }
            // The tram: nothing live.
            _ => continue,
        }
        entity.push(FeedEntity {
            id: Some(format!("tu-{}", run.trip_id())),
            trip_update: Some(update),
            ..Default::default()
        });
    }
    entity.extend(duplicated(&runs, now));
    entity.push(added(now));
    FeedMessage {
        header: header(now),
        entity,
    }
}

/// A copy of route 10's next outbound run, 4 minutes after it
/// (`DUPLICATED`): its times are the copied trip's, moved.
fn duplicated(runs: &[Run], now: Timestamp) -> Option<FeedEntity> {
    let run = runs.iter().find(|r| {
        r.route.id == "10"
            && r.direction == 0
            && r.times
                .first()
                .is_some_and(|t| t.duration_since(now) > jiff::SignedDuration::from_mins(5))
    })?;
    let start = run.start + 4;
    Some(FeedEntity {
        id: Some("tu-copy".into()),
        trip_update: Some(TripUpdate {
            trip: Some(run.descriptor(proto::trip_relationship::DUPLICATED)),
            trip_properties: Some(proto::TripProperties {
                trip_id: Some(format!("{}-copy", run.trip_id())),
                start_date: Some(run.day.strftime("%Y%m%d").to_string()),
                start_time: Some(format!("{:02}:{:02}:00", start / 60, start % 60)),
            }),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// An extra trip on route 10, leaving Vieux-Port in 7 minutes.
fn added(now: Timestamp) -> FeedEntity {
    let extra = now
        .checked_add(jiff::SignedDuration::from_mins(7))
        .unwrap_or(now);
    let stops = route_stops(&ROUTES[0], 0);
    FeedEntity {
        id: Some("tu-added".into()),
        trip_update: Some(TripUpdate {
            trip: Some(TripDescriptor {
                trip_id: Some(format!("10-extra-{}", extra.as_second() / 600)),
                route_id: Some("10".into()),
                direction_id: Some(0),
                schedule_relationship: Some(proto::trip_relationship::ADDED),
                ..Default::default()
            }),
            stop_time_update: stops
                .iter()
                .enumerate()
                .map(|(k, place)| StopTimeUpdate {
                    stop_sequence: u32::try_from(k + 1).ok(),
                    stop_id: Some(stop_id(place, 0)),
                    departure: Some(StopTimeEvent {
                        time: Some(extra.as_second() + k as i64 * 180),
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Where route 10's running trips are.
pub fn vehicles(now: Timestamp) -> FeedMessage {
    let mut entity = Vec::new();
    for run in runs(now).iter().filter(|r| r.route.id == "10") {
        let Some(next) = run.times.iter().position(|t| *t > now) else {
            continue;
        };
        if next == 0 {
            continue;
        }
        let places = route_stops(run.route, run.direction);
        let (name, lat, lon) = PLACES
            .iter()
            .find(|p| p.0 == places[next])
            .copied()
            .unwrap_or(PLACES[0]);
        let _ = name;
        entity.push(FeedEntity {
            id: Some(format!("vp-{}", run.trip_id())),
            vehicle: Some(VehiclePosition {
                trip: Some(run.descriptor(proto::trip_relationship::SCHEDULED)),
                position: Some(proto::Position {
                    latitude: Some(lat as f32),
                    longitude: Some(lon as f32),
                }),
                current_stop_sequence: u32::try_from(next + 1).ok(),
                current_status: Some(proto::vehicle_status::IN_TRANSIT_TO),
                timestamp: u64::try_from(now.as_second() - 12).ok(),
                stop_id: Some(run.stop(next)),
                vehicle: vehicle_of(run),
                occupancy_status: Some(if run.start % 2 == 0 { 1 } else { 3 }),
                occupancy_percentage: None,
            }),
            ..Default::default()
        });
    }
    FeedMessage {
        header: header(now),
        entity,
    }
}

fn translated(fr: &str, en: &str) -> Option<TranslatedString> {
    Some(TranslatedString {
        translation: vec![
            Translation {
                text: Some(fr.into()),
                language: Some("fr".into()),
            },
            Translation {
                text: Some(en.into()),
                language: Some("en".into()),
            },
        ],
    })
}

/// The alerts at `now`: the 55 diverted for two hours, the 10's stop at
/// Université moved tomorrow.
pub fn alerts(now: Timestamp) -> FeedMessage {
    let secs = |t: Timestamp| u64::try_from(t.as_second()).ok();
    let plus = |h: i64| now.checked_add(jiff::SignedDuration::from_hours(h)).ok();
    let entity = vec![
        FeedEntity {
            id: Some("alert-55".into()),
            alert: Some(Alert {
                active_period: vec![TimeRange {
                    start: plus(-1).and_then(secs),
                    end: plus(2).and_then(secs),
                }],
                informed_entity: vec![EntitySelector {
                    route_id: Some("55".into()),
                    ..Default::default()
                }],
                cause: Some(10),
                effect: Some(proto::effect::DETOUR),
                url: None,
                header_text: translated(
                    "Travaux rue Saint-Denis : ligne 55 déviée",
                    "Roadworks on Saint-Denis: route 55 diverted",
                ),
                description_text: translated(
                    "La ligne 55 ne dessert pas Mont-Royal pendant les travaux.\nArrêt provisoire rue Rachel.",
                    "Route 55 does not serve Mont-Royal during the works.\nTemporary stop on Rachel Street.",
                ),
                severity_level: Some(proto::severity::WARNING),
            }),
            ..Default::default()
        },
        FeedEntity {
            id: Some("alert-10".into()),
            alert: Some(Alert {
                active_period: vec![TimeRange {
                    start: plus(20).and_then(secs),
                    end: plus(30).and_then(secs),
                }],
                informed_entity: vec![EntitySelector {
                    stop_id: Some(stop_id("Université", 0)),
                    route_id: Some("10".into()),
                    ..Default::default()
                }],
                cause: None,
                effect: Some(proto::effect::STOP_MOVED),
                url: None,
                header_text: translated(
                    "Demain : arrêt Université déplacé",
                    "Tomorrow: Université stop moved",
                ),
                description_text: translated(
                    "L'arrêt de la ligne 10 est déplacé de 50 m.",
                    "Route 10's stop moves 50 m.",
                ),
                severity_level: Some(2),
            }),
            ..Default::default()
        },
    ];
    FeedMessage {
        header: header(now),
        entity,
    }
}

/// A feed as its bytes.
pub fn encode(message: &FeedMessage) -> Vec<u8> {
    message.encode_to_vec()
}
