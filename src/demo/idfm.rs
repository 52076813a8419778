//! The demo server's Île-de-France Mobilités: a small Paris network
//! answering like PRIM (`/prim/stop-monitoring`, `/prim/disruptions_bulk/
//! disruptions/v2`, the `apikey` header, 401, 400 for an unknown area,
//! 429 with rate-limit headers when a fault asks for it) and like the
//! portal (`/data/api/explore/v2.1/catalog/datasets/{id}/exports/json`,
//! the lift status behind `Authorization: apikey …`, 403 without).

use std::sync::atomic::{AtomicU64, Ordering};

use jiff::{Timestamp, Zoned};
use serde_json::{Value, json};

use super::DEMO_KEY;
use super::faults::Fault;

/// Where the demo's IDFM lives on the server.
pub const PRIM_PATH: &str = "/prim";
pub const DATA_PATH: &str = "/data";
/// The demo token's daily quota, as the headers say it.
const QUOTA: u64 = 1000;

struct Line {
    id: &'static str,
    short: &'static str,
    mode: &'static str,
    network: &'static str,
    colour: &'static str,
    text: &'static str,
}

const LINES: [Line; 9] = [
    Line {
        id: "C01742",
        short: "A",
        mode: "rail",
        network: "RER",
        colour: "eb2132",
        text: "ffffff",
    },
    Line {
        id: "C01743",
        short: "B",
        mode: "rail",
        network: "RER",
        colour: "5291ce",
        text: "ffffff",
    },
    Line {
        id: "C01728",
        short: "D",
        mode: "rail",
        network: "RER",
        colour: "00a88f",
        text: "ffffff",
    },
    Line {
        id: "C01371",
        short: "1",
        mode: "metro",
        network: "",
        colour: "ffbe00",
        text: "000000",
    },
    Line {
        id: "C01374",
        short: "4",
        mode: "metro",
        network: "",
        colour: "a0006e",
        text: "ffffff",
    },
    Line {
        id: "C01379",
        short: "9",
        mode: "metro",
        network: "",
        colour: "b6bd00",
        text: "000000",
    },
    Line {
        id: "C01384",
        short: "14",
        mode: "metro",
        network: "",
        colour: "62259d",
        text: "ffffff",
    },
    Line {
        id: "C01390",
        short: "T2",
        mode: "tram",
        network: "",
        colour: "cf009e",
        text: "ffffff",
    },
    Line {
        id: "C01120",
        short: "91",
        mode: "bus",
        network: "RATP",
        colour: "82dc73",
        text: "000000",
    },
];

struct Station {
    id: &'static str,
    name: &'static str,
    town: &'static str,
    /// Lambert-93.
    x: f64,
    y: f64,
    /// PRIM does not know the station's own id: ask its stop areas.
    refused: bool,
    stop_areas: &'static [&'static str],
    /// (line, destination, headway in minutes, platform).
    calls: &'static [(&'static str, &'static str, i64, &'static str)],
}

const STATIONS: [Station; 5] = [
    Station {
        id: "73626",
        name: "Gare de Lyon",
        town: "Paris",
        x: 653_350.0,
        y: 6_860_880.0,
        refused: false,
        stop_areas: &["58774"],
        calls: &[
            ("C01742", "Marne-la-Vallée Chessy", 6, "A"),
            ("C01742", "Saint-Germain-en-Laye", 6, "B"),
            ("C01728", "Melun", 15, "1"),
            ("C01384", "Saint-Denis Pleyel", 3, ""),
            ("C01384", "Aéroport d'Orly", 3, ""),
            ("C01371", "La Défense", 4, ""),
            ("C01120", "Montparnasse", 10, ""),
        ],
    },
    Station {
        id: "71517",
        name: "La Défense",
        town: "Puteaux",
        x: 643_180.0,
        y: 6_866_100.0,
        refused: false,
        stop_areas: &["59210"],
        calls: &[
            ("C01742", "Boissy-Saint-Léger", 5, "1"),
            ("C01371", "Château de Vincennes", 4, ""),
            ("C01390", "Porte de Versailles", 7, ""),
        ],
    },
    Station {
        id: "474151",
        name: "Châtelet-Les Halles",
        town: "Paris",
        x: 652_092.0,
        y: 6_862_605.0,
        refused: true,
        stop_areas: &["474152", "474153"],
        calls: &[
            ("C01743", "Aéroport CDG 2", 8, "2"),
            ("C01742", "Marne-la-Vallée Chessy", 6, "4"),
            ("C01374", "Porte de Clignancourt", 3, ""),
        ],
    },
    Station {
        id: "70604",
        name: "Mairie",
        town: "Montreuil",
        x: 657_380.0,
        y: 6_863_440.0,
        refused: false,
        stop_areas: &[],
        calls: &[("C01379", "Pont de Sèvres", 5, "")],
    },
    Station {
        id: "70605",
        name: "Mairie",
        town: "Clichy",
        x: 647_800.0,
        y: 6_867_900.0,
        refused: false,
        stop_areas: &[],
        calls: &[("C01120", "Gare de Lyon", 12, "")],
    },
];

/// (station, lift, situation, direction, status, reason).
const LIFTS: [(&str, &str, &str, &str, &str, &str); 6] = [
    (
        "474151",
        "1001",
        "Salle d'échange - Quai RER B",
        "Quai 2",
        "notavailable",
        "liftFailure",
    ),
    (
        "474151",
        "1002",
        "Salle d'échange - Quai RER A",
        "Quai 4",
        "notavailable",
        "undefinedEquipmentProblem",
    ),
    (
        "474151",
        "1003",
        "Rue - Forum",
        "Salle d'échange",
        "available",
        "",
    ),
    (
        "71517",
        "2001",
        "Parvis - Quai T2",
        "Porte de Versailles",
        "available",
        "",
    ),
    (
        "73626",
        "3001",
        "Hall 1 - Quai RER A",
        "Quai A",
        "available",
        "",
    ),
    ("73626", "3002", "Hall 2 - Quai M14", "Quai", "", ""),
];

/// The demo's PRIM and portal, with their request count for the headers.
#[derive(Default)]
pub struct Idfm {
    /// Requests answered, per API (each has a quota of its own).
    stop_monitoring: AtomicU64,
    disruptions: AtomicU64,
}

pub struct Reply {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
}

fn reply(status: u16, body: Value) -> Reply {
    Reply {
        status,
        body: body.to_string(),
        headers: Vec::new(),
    }
}

fn iso(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_string()
}

impl Idfm {
    /// The answer to a request under [`PRIM_PATH`] or [`DATA_PATH`];
    /// `None` for any other path.
    pub fn answer(
        &self,
        path: &str,
        params: &super::server::Params,
        header: impl Fn(&str) -> Option<String>,
        fault: impl Fn(&str) -> Option<Fault>,
        now: &Zoned,
    ) -> Option<Reply> {
        if let Some(service) = path.strip_prefix(PRIM_PATH) {
            return Some(self.prim(
                service.trim_start_matches('/'),
                params,
                &header,
                &fault,
                now,
            ));
        }
        let rest = path.strip_prefix(DATA_PATH)?;
        let id = rest
            .strip_prefix("/api/explore/v2.1/catalog/datasets/")?
            .strip_suffix("/exports/json")?;
        Some(dataset(id, params, &header))
    }

    fn prim(
        &self,
        service: &str,
        params: &super::server::Params,
        header: &impl Fn(&str) -> Option<String>,
        fault: &impl Fn(&str) -> Option<Fault>,
        now: &Zoned,
    ) -> Reply {
        let name = match service {
            "stop-monitoring" => "stop-monitoring",
            "disruptions_bulk/disruptions/v2" => "disruptions_bulk",
            _ => {
                return reply(
                    404,
                    json!({"message": "no Route matched with those values"}),
                );
            }
        };
        match header("apikey").map(|k| k.trim().to_string()) {
            None => return reply(401, json!({"message": "No API key found in request"})),
            Some(k) if k != DEMO_KEY => return reply(401, json!({"message": "Unauthorized"})),
            Some(_) => {}
        }
        let midnight = (now.timestamp().as_second().div_euclid(86_400) + 1) * 86_400;
        let reset = (midnight - now.timestamp().as_second()).max(1);
        match fault(name) {
            Some(Fault::Http(429)) => {
                let mut r = reply(429, json!({"message": "API rate limit exceeded"}));
                r.headers = limit_headers(0, reset);
                return r;
            }
            Some(Fault::Http(status)) => {
                return reply(status, json!({"message": "An unexpected error occurred"}));
            }
            _ => {}
        }
        let counter = match name {
            "stop-monitoring" => &self.stop_monitoring,
            _ => &self.disruptions,
        };
        let count = counter.fetch_add(1, Ordering::Relaxed) + 1;
        let mut r = match name {
            // PRIM's times are absolute: at the demo's clock, as its
            // Ginko's waits are (`serve-demo --at`).
            "stop-monitoring" => stop_monitoring(params, now.timestamp()),
            _ => reply(200, disruptions(now)),
        };
        r.headers = limit_headers(QUOTA.saturating_sub(count), reset);
        r
    }
}

/// PRIM's rate-limit headers: `remaining` of the day's quota, the reset
/// in `reset` seconds.
fn limit_headers(remaining: u64, reset: i64) -> Vec<(&'static str, String)> {
    vec![
        ("ratelimit-limit", QUOTA.to_string()),
        ("ratelimit-remaining", remaining.to_string()),
        ("ratelimit-reset", reset.to_string()),
        ("x-ratelimit-limit-day", QUOTA.to_string()),
        ("x-ratelimit-remaining-day", remaining.to_string()),
    ]
}

fn unknown_ids(text: &str, now: Timestamp) -> Reply {
    reply(
        400,
        json!({"Siri": {"ServiceDelivery": {
            "ResponseTimestamp": iso(now),
            "StopMonitoringDelivery": [{"Version": "2.0", "Status": "false",
                "ErrorCondition": {"ErrorInformation": {"ErrorText": text}}}]}}}),
    )
}

fn stop_monitoring(params: &super::server::Params, now: Timestamp) -> Reply {
    let Some(reference) = params.get("MonitoringRef") else {
        return unknown_ids("Le paramètre MonitoringRef est obligatoire", now);
    };
    let Some(id) = reference
        .strip_prefix("STIF:StopArea:SP:")
        .and_then(|r| r.strip_suffix(':'))
    else {
        return unknown_ids(
            "La requête contient des identifiants qui sont inconnus",
            now,
        );
    };
    let (station, areas) = match STATIONS.iter().find(|s| s.id == id && !s.refused) {
        Some(s) => (s, 1),
        None => match STATIONS.iter().find(|s| s.stop_areas.contains(&id)) {
            Some(s) => (s, s.stop_areas.len().max(1)),
            None => {
                return unknown_ids(
                    "La requête contient des identifiants qui sont inconnus",
                    now,
                );
            }
        },
    };
    let share = station
        .stop_areas
        .iter()
        .position(|a| *a == id)
        .unwrap_or(0);
    let minute = now.as_second().div_euclid(60);
    let mut visits = Vec::new();
    for (c, (line, destination, headway, platform)) in station.calls.iter().enumerate() {
        // A stop area of a refused station answers its share of the calls.
        if c % areas != share % areas {
            continue;
        }
        let offset = (c as i64 * 2) % headway;
        // From two departed trains (kept by the feed) to an hour ahead.
        let first = minute - (minute - offset).rem_euclid(*headway) - 2 * headway;
        let rail = LINES.iter().any(|l| l.id == *line && l.mode == "rail");
        let bus = LINES.iter().any(|l| l.id == *line && l.mode == "bus");
        // The next train to come of a station's first rail line is
        // cancelled: every answer shows one.
        let first_rail = station
            .calls
            .iter()
            .position(|(l, ..)| LINES.iter().any(|x| x.id == *l && x.mode == "rail"))
            == Some(c);
        let mut to_come = 0;
        for k in 0..(60 / headway + 2) {
            let start = first + k * headway;
            let aimed = Timestamp::from_second(start * 60 + 20).unwrap_or(now);
            let n = start.rem_euclid(97);
            let late = if rail && n % 5 == 1 { 4 * 60 } else { 0 };
            if aimed > now {
                to_come += 1;
            }
            let cancelled = rail && first_rail && to_come == 1;
            let expected = Timestamp::from_second(aimed.as_second() + late).unwrap_or(aimed);
            let mut call = json!({
                "StopPointName": [{"value": station.name}],
                "VehicleAtStop": expected <= now,
                "DestinationDisplay": [{"value": destination}],
                "AimedDepartureTime": iso(aimed),
                "DepartureStatus": if cancelled { "cancelled" } else if late > 0 { "delayed" } else { "onTime" },
            });
            if !cancelled && !bus {
                call["ExpectedDepartureTime"] = json!(iso(expected));
                call["ExpectedArrivalTime"] = json!(iso(Timestamp::from_second(
                    expected.as_second() - 40
                )
                .unwrap_or(expected)));
            }
            if !platform.is_empty() {
                call["ArrivalPlatformName"] = json!({"value": platform});
            }
            let mut journey = json!({
                "LineRef": {"value": format!("STIF:Line::{line}:")},
                "DirectionName": [],
                "DestinationName": [{"value": destination}],
                "MonitoredCall": call,
            });
            if rail {
                const MISSIONS: [&str; 4] = ["ZEUS", "TEDI", "QIKY", "BOBA"];
                journey["JourneyNote"] = json!([{"value": MISSIONS[(n % 4) as usize]}]);
                journey["TrainNumbers"] =
                    json!({"TrainNumberRef": [{"value": format!("{}", 140_000 + n)}]});
                journey["VehicleFeatureRef"] = json!([if n % 3 == 0 {
                    "shortTrain"
                } else {
                    "longTrain"
                }]);
            }
            visits.push(json!({
                "RecordedAtTime": iso(Timestamp::from_second(now.as_second() - 30).unwrap_or(now)),
                "MonitoringRef": {"value": reference},
                "MonitoredVehicleJourney": journey,
            }));
        }
    }
    reply(
        200,
        json!({"Siri": {"ServiceDelivery": {
            "ResponseTimestamp": iso(now),
            "ProducerRef": "QUAI_DEMO",
            "StopMonitoringDelivery": [{"ResponseTimestamp": iso(now), "Version": "2.0",
                "Status": "true", "MonitoredStopVisit": visits}]}}}),
    )
}

fn disruptions(now: &Zoned) -> Value {
    let day = now.strftime("%Y%m%d").to_string();
    let period = json!([{"begin": format!("{day}T000000"), "end": format!("{day}T235959")}]);
    json!({
        "disruptions": [
            {"id": "demo-bloquante", "applicationPeriods": period, "cause": "PERTURBATION",
             "severity": "BLOQUANTE", "title": "RER B : trafic interrompu entre Gare du Nord et Aéroport CDG",
             "message": "<p>Le trafic est interrompu entre <b>Gare du Nord</b> et Aéroport CDG en raison d'un incident technique.</p><p>Bus de remplacement.</p>"},
            {"id": "demo-perturbee", "applicationPeriods": period, "cause": "PERTURBATION",
             "severity": "PERTURBEE", "title": "Métro 1 : trafic perturbé",
             "message": "<p>Le trafic est perturbé sur l'ensemble de la ligne en raison d'un malaise voyageur.</p>"},
            {"id": "demo-information", "applicationPeriods": period, "cause": "TRAVAUX",
             "severity": "INFORMATION", "title": "Bus 91 : arrêt Gare de Lyon déplacé",
             "message": "<p>En raison de travaux, l'arrêt est déplacé rue de Bercy.</p>"},
            {"id": "demo-ended", "applicationPeriods": [{"begin": "20200101T060000", "end": "20200101T230000"}],
             "severity": "BLOQUANTE", "title": "Ended long ago", "message": ""}
        ],
        "lines": [
            {"id": "line:IDFM:C01743", "shortName": "B", "mode": "RapidTransit",
             "impactedObjects": [{"type": "line", "id": "line:IDFM:C01743", "disruptionIds": ["demo-bloquante", "demo-ended"]}]},
            {"id": "line:IDFM:C01371", "shortName": "1", "mode": "Metro",
             "impactedObjects": [{"type": "line", "id": "line:IDFM:C01371", "disruptionIds": ["demo-perturbee"]}]},
            {"id": "line:IDFM:C01120", "shortName": "91", "mode": "Bus",
             "impactedObjects": [{"type": "stop_point", "id": "stop_point:IDFM:463135", "disruptionIds": ["demo-information"]}]}
        ],
        "lastUpdatedDate": iso(now.timestamp()),
    })
}

fn dataset(
    id: &str,
    params: &super::server::Params,
    header: &impl Fn(&str) -> Option<String>,
) -> Reply {
    let body = match id {
        "zones-de-correspondance" => Value::Array(
            STATIONS
                .iter()
                .map(|s| {
                    json!({"zdcid": s.id, "zdcname": s.name, "zdctown": s.town,
                    "zdctype": "railStation", "zdcxepsg2154": s.x, "zdcyepsg2154": s.y})
                })
                .collect(),
        ),
        "zones-d-arrets" => {
            let wanted = params
                .get("where")
                .and_then(|w| w.strip_prefix("zdcid=\""))
                .and_then(|w| w.strip_suffix('"'));
            Value::Array(
                STATIONS
                    .iter()
                    .filter(|s| wanted.is_none_or(|w| w == s.id))
                    .flat_map(|s| {
                        s.stop_areas
                            .iter()
                            .map(move |a| json!({"zdaid": a, "zdcid": s.id, "zdaname": s.name}))
                    })
                    .collect(),
            )
        }
        "referentiel-des-lignes" => Value::Array(
            LINES
                .iter()
                .map(|l| {
                    json!({"id_line": l.id, "name_line": l.short, "shortname_line": l.short,
                    "transportmode": l.mode, "networkname": l.network,
                    "colourweb_hexa": l.colour, "textcolourweb_hexa": l.text})
                })
                .collect(),
        ),
        "etat-des-ascenseurs" => {
            let authorised =
                header("authorization").is_some_and(|a| a.trim() == format!("apikey {DEMO_KEY}"));
            if !authorised {
                return reply(
                    403,
                    json!({"error_code": "ForbiddenAccess",
                        "message": "You do not have access to the dataset etat-des-ascenseurs"}),
                );
            }
            Value::Array(
                LIFTS
                    .iter()
                    .map(|(station, lift, situation, direction, status, reason)| {
                        json!({"zdcid": station, "liftid": lift, "liftsituation": situation,
                            "liftdirection": direction, "liftstatus": status,
                            "liftreason": reason, "liftstateupdate": "2026-11-30T06:12:00+01:00"})
                    })
                    .collect(),
            )
        }
        _ => return reply(404, json!({"error_code": "DatasetNotFound"})),
    };
    reply(200, body)
}

/// The demo's IDFM timetable as GTFS tables: its own ids (`IDFM:…`), each
/// station a parent of one stop per line and destination, trips all day
/// at the live answers' headways (`frequencies.txt`).
pub fn gtfs_tables(today: jiff::civil::Date) -> Vec<(&'static str, String)> {
    use super::gtfs::{quoted, time, window};
    use std::fmt::Write;
    let mut stops =
        String::from("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n");
    stops.push_str("IDFM:terminus,Terminus (démo),,,1,\n");
    let mut routes = String::from(
        "route_id,agency_id,route_short_name,route_long_name,route_type,route_color,route_text_color\n",
    );
    for l in &LINES {
        let route_type = match l.mode {
            "rail" => 2,
            "metro" => 1,
            "tram" => 0,
            _ => 3,
        };
        let _ = writeln!(
            routes,
            "IDFM:{},{},{},{} {},{route_type},{},{}",
            l.id, l.network, l.short, l.network, l.short, l.colour, l.text
        );
    }
    let mut trips = String::from("route_id,service_id,trip_id,trip_headsign,direction_id\n");
    let mut times = String::from("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    let mut frequencies = String::from("trip_id,start_time,end_time,headway_secs,exact_times\n");
    for s in &STATIONS {
        let Some(at) = crate::network::idfm::datasets::lambert93_to_wgs84(s.x, s.y) else {
            continue;
        };
        let station = format!("IDFM:zdc{}", s.id);
        let _ = writeln!(
            stops,
            "{station},{},{:.6},{:.6},1,",
            quoted(s.name),
            at.lat,
            at.lon
        );
        for (c, (line, destination, headway, _)) in s.calls.iter().enumerate() {
            let stop = format!("IDFM:{}-{c}", s.id);
            let end = format!("IDFM:end-{}-{c}", s.id);
            let _ = writeln!(
                stops,
                "{stop},{},{:.6},{:.6},0,{station}",
                quoted(s.name),
                at.lat,
                at.lon
            );
            let _ = writeln!(stops, "{end},{},,,0,IDFM:terminus", quoted(destination));
            // The first destination of a line at a station is direction 0.
            let first = s.calls.iter().position(|(l, ..)| l == line) == Some(c);
            let trip = format!("IDFM:{}-{c}", s.id);
            let _ = writeln!(
                trips,
                "IDFM:{line},ALL,{trip},{},{}",
                quoted(destination),
                if first { 0 } else { 1 }
            );
            let _ = writeln!(times, "{trip},00:00:00,00:00:00,{stop},1");
            let _ = writeln!(times, "{trip},00:20:00,00:20:00,{end},2");
            let phase = (c as i64 * 2) % headway;
            let _ = writeln!(
                frequencies,
                "{trip},{},25:00:00,{},1",
                time(5 * 3600 + phase * 60 + 20),
                headway * 60
            );
        }
    }
    let days = window(today);
    let (first, last) = (
        days.first().map_or(String::new(), |d| d.0.clone()),
        days.last().map_or(String::new(), |d| d.0.clone()),
    );
    vec![
        (
            "agency.txt",
            "agency_id,agency_name,agency_url,agency_timezone\nIDFM,IDFM (démo),https://www.iledefrance-mobilites.fr,Europe/Paris\n".to_string(),
        ),
        ("stops.txt", stops),
        ("routes.txt", routes),
        (
            "calendar.txt",
            format!("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nALL,1,1,1,1,1,1,1,{first},{last}\n"),
        ),
        ("trips.txt", trips),
        ("stop_times.txt", times),
        ("frequencies.txt", frequencies),
    ]
}
