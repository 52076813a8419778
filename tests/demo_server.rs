//! The client against the demo server, for every method, with the clock
//! injected; the server's validation, loose matching and fault knobs.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Zoned;
use quai::demo::{DemoServer, ServerOptions};
use quai::domain::*;
use quai::network::ginko::convert::infos_trafic_messages;
use quai::network::ginko::{
    ApiError, ApiKey, Client, Nb, Params, PlaceQuery, Timeouts, WaitRequest, parse_base_url,
};

type SharedClock = Arc<Mutex<Zoned>>;

fn paris(text: &str) -> Zoned {
    format!("{text}[Europe/Paris]").parse().unwrap()
}

async fn start_at(time: &str, options: ServerOptions) -> (DemoServer, Client, SharedClock) {
    let clock: SharedClock = Arc::new(Mutex::new(paris(time)));
    let read = clock.clone();
    let server = DemoServer::start_with_clock(
        ([127, 0, 0, 1], 0).into(),
        options,
        Arc::new(move || read.lock().unwrap().clone()),
    )
    .await
    .unwrap();
    let client = Client::with_timeouts(
        parse_base_url(&server.url()).unwrap(),
        ApiKey::new("demo"),
        Timeouts {
            connect: Duration::from_secs(2),
            request: Duration::from_secs(5),
        },
    )
    .unwrap();
    (server, client, clock)
}

async fn start(time: &str) -> (DemoServer, Client, SharedClock) {
    start_at(time, ServerOptions::default()).await
}

async fn place(c: &Client, name: &str, nb: u8) -> PlaceDepartures {
    PlaceDepartures::from(
        &c.temps_lieu(&PlaceQuery::Name(name.into()), Nb::new(nb.into()).unwrap())
            .await
            .unwrap(),
    )
}

/// Monday morning rush.
const RUSH: &str = "2026-11-23T08:00:00";

#[tokio::test]
async fn every_method_answers_through_the_client() {
    let (_s, c, _) = start(RUSH).await;

    let fares: Vec<Fare> = c.tarifs().await.unwrap().iter().map(Fare::from).collect();
    assert!(fares.iter().any(|f| f.kind == FareKind::Single));
    assert!(fares.iter().any(|f| f.kind == FareKind::Monthly));
    assert!(fares.iter().any(|f| f.kind == FareKind::Yearly));

    let lines: Vec<Line> = c.lignes().await.unwrap().iter().map(Line::from).collect();
    let t1 = lines.iter().find(|l| l.line.number == "T1").unwrap();
    assert_eq!(t1.line.id, "101");
    assert_eq!(t1.kind, Some(LineKind::Tram));
    assert_eq!(t1.directions.len(), 2);
    assert!(lines.iter().all(|l| l.directions.len() == 2));
    assert!(lines.iter().any(|l| l.peri_urban));

    let stops = c.details_variante("4", "68-1").await.unwrap();
    let names: Vec<_> = stops.iter().filter_map(|s| s.nom.clone()).collect();
    assert_eq!(names.first().map(String::as_str), Some("Châteaufarine"));
    assert_eq!(names.last().map(String::as_str), Some("Pôle Orchamps"));
    assert!(names.contains(&"Ile de France".to_string()));

    let all: Vec<Stop> = c.arrets().await.unwrap().iter().map(Stop::from).collect();
    assert!(all.len() >= 80, "{} stops", all.len());
    let folded: Vec<String> = all.iter().map(|s| quai::names::fold(&s.name)).collect();
    assert!(folded.windows(2).all(|w| w[0] <= w[1]), "alphabetical");

    let serving: Vec<Line> = c
        .variantes_desservant_arret("t_ildfran1")
        .await
        .unwrap()
        .iter()
        .map(Line::from)
        .collect();
    let numbers: Vec<_> = serving.iter().map(|l| l.line.number.as_str()).collect();
    assert_eq!(numbers, ["T1", "T2"]);
    assert!(
        serving
            .iter()
            .all(|l| l.directions.len() == 1 && l.directions[0].outbound)
    );

    let near: Vec<Stop> = c
        .arrets_proches(47.2368, 6.0242)
        .await
        .unwrap()
        .iter()
        .map(Stop::from)
        .collect();
    let here = Position {
        lat: 47.2368,
        lon: 6.0242,
    };
    let distances: Vec<f64> = near
        .iter()
        .map(|s| s.position.unwrap().distance_m(here))
        .collect();
    assert!(!near.is_empty());
    assert_eq!(near[0].name, "Centre-ville - 8 Septembre");
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert!(distances.iter().all(|d| *d <= 500.0));

    let stop = Stop::from(&c.details_arret("CROUUNI2").await.unwrap());
    assert_eq!(stop.name, "Crous Université");

    let tram = Vehicle::from(&c.details_vehicule("805").await.unwrap());
    assert_eq!(tram.energy, Energy::Electric);
    assert_eq!(tram.accessibility, Accessibility::Accessible);
    let old_bus = Vehicle::from(&c.details_vehicule("703").await.unwrap());
    assert_eq!(old_bus.accessibility, Accessibility::NotAccessible);

    let key = c.cle_temporaire().await.unwrap();
    assert_eq!(key, "demo-2026-11-23");

    let idf = place(&c, "Ile de France", 2).await;
    assert_eq!(idf.name, "Ile de France");
    assert!(idf.departures.iter().any(|d| d.line.number == "T1"));

    let requests = [
        WaitRequest {
            place: "Ile de France".into(),
            line_id: "101".into(),
            outbound: true,
        },
        WaitRequest {
            place: "Crous Université".into(),
            line_id: "3".into(),
            outbound: false,
        },
        WaitRequest {
            place: "Ile de France".into(),
            line_id: "3".into(), // L3 does not stop there: ignored
            outbound: true,
        },
    ];
    let results = c
        .waiting_times(&requests, Nb::new(3).unwrap())
        .await
        .unwrap();
    assert_eq!(results[0].departures.len(), 3);
    assert!(
        results[0]
            .departures
            .iter()
            .all(|d| d.destination == "Chalezeule")
    );
    assert_eq!(results[1].departures[0].destination, "Pôle Temis");
    assert_eq!(results[1].departures[0].via, "par Gare Viotte et Campus");
    assert!(results[2].departures.is_empty());

    let old = infos_trafic_messages(&c.infos_trafic().await.unwrap());
    assert_eq!(
        old.iter().filter(|m| m.alert).count(),
        1,
        "exactly one alert"
    );
    let messages: Vec<Message> = c
        .messages(&[], &[])
        .await
        .unwrap()
        .iter()
        .map(Message::from)
        .collect();
    assert!(messages.iter().any(|m| m.severity == Severity::Interrupted));
    assert!(messages.iter().any(|m| m.severity == Severity::Planned));
    assert!(messages.iter().any(|m| m.body_html.contains("<table>")));
    assert!(messages.iter().any(|m| m.body_html.contains("<li>")));
    let t2_only = c.messages(&["102".into()], &[]).await.unwrap();
    assert_eq!(t2_only.len(), 1);
    let at_rivotte = c.messages(&[], &["RIVOTT1".into()]).await.unwrap();
    assert_eq!(at_rivotte.len(), 2);

    let states: Vec<LineStatus> = c
        .etat_lignes()
        .await
        .unwrap()
        .iter()
        .map(LineStatus::from)
        .collect();
    let state = |n: &str| states.iter().find(|s| s.line.number == n).unwrap().state;
    assert_eq!(state("T2"), LineState::Interrupted);
    assert_eq!(state("T1"), LineState::Normal);
    assert_eq!(state("L5"), LineState::Disrupted);
    assert_eq!(state("L4"), LineState::PlannedDisruption);

    let vehicle = idf
        .departures
        .iter()
        .find_map(|d| d.vehicle.clone())
        .unwrap();
    let live = VehicleLive::from(&c.details_vehicule_tr(&vehicle).await.unwrap());
    assert_eq!(live.number, vehicle);
    assert!(!live.position_text.is_empty());

    let forecast: Vec<CrowdForecast> = c
        .affluence("t_ildfran1", jiff::civil::date(2026, 11, 23), "101", true)
        .await
        .unwrap()
        .iter()
        .map(CrowdForecast::from)
        .collect();
    assert_eq!(forecast.len(), 96);
    assert_eq!(
        (forecast[32].start.as_str(), forecast[32].end.as_str()),
        ("08:00", "08:15")
    );
    assert!(forecast[32].level != CrowdLevel::NotAllowed);
    assert!(matches!(forecast[32].load, Load::Percent(_)));
    let no_rights: Vec<CrowdForecast> = c
        .affluence("RIVOTT1", jiff::civil::date(2026, 11, 23), "5", true)
        .await
        .unwrap()
        .iter()
        .map(CrowdForecast::from)
        .collect();
    assert!(
        no_rights
            .iter()
            .all(|f| f.level == CrowdLevel::NotAllowed && f.load == Load::NotAllowed)
    );
}

#[tokio::test]
async fn the_departures_exercise_everything_a_board_must_show() {
    let (_s, c, _) = start(RUSH).await;
    let mut all = Vec::new();
    for name in [
        "Ile de France",
        "Crous Université",
        "République",
        "Gare Viotte",
        "Rivotte",
        "Velotte",
        "Pôle Temis",
        "Montrapon",
        "Micropolis",
        "Tilleroyes",
        "Chamars",
        "Battant",
    ] {
        all.extend(place(&c, name, 5).await.departures);
    }
    let any = |f: &dyn Fn(&Departure) -> bool| all.iter().any(f);
    assert!(any(&|d| !d.reliable()), "a time that is not fiable");
    assert!(
        any(&|d| matches!(d.time, WaitTime::Clock { .. })),
        "a clock time"
    );
    assert!(any(&|d| d.time
        == WaitTime::Text {
            text: "Travaux".into(),
            served: false
        }));
    assert!(any(&|d| d.time
        == WaitTime::Text {
            text: "Déviation".into(),
            served: false
        }));
    assert!(any(&|d| d.time
        == WaitTime::Text {
            text: "Perturbations".into(),
            served: true
        }));
    assert!(
        any(&|d| d.info_id.is_some()),
        "a text linked to its message"
    );
    assert!(any(&|d| d.alternate.is_some()), "alternance");
    assert!(any(
        &|d| matches!(d.load, Load::Percent(_)) && d.crowding != CrowdLevel::NotAllowed
    ));
    assert!(any(
        &|d| d.crowding == CrowdLevel::NotAllowed && d.load == Load::NotAllowed
    ));
    assert!(any(&|d| d.stop_access == Accessibility::NotAccessible));
    assert!(any(&|d| d.vehicle_access == Accessibility::NotAccessible));
    assert!(
        any(&|d| d.vehicle.is_none()),
        "a coach without a vehicle number"
    );
    // Clock times only beyond 59 minutes.
    for d in &all {
        if let WaitTime::Countdown {
            seconds: Some(s), ..
        } = d.time
        {
            assert!(s < 3600, "{d:?}");
        }
    }
}

#[tokio::test]
async fn countdowns_decrease_with_the_clock() {
    let (_s, c, clock) = start(RUSH).await;
    let first = place(&c, "Micropolis", 2).await;
    let seconds = |p: &PlaceDepartures| -> Vec<(String, bool, i64)> {
        p.departures
            .iter()
            .filter(|d| d.line.number == "T1")
            .filter_map(|d| match d.time {
                WaitTime::Countdown {
                    seconds: Some(s), ..
                } => Some((d.line.id.clone(), d.outbound, s)),
                _ => None,
            })
            .collect()
    };
    let before = seconds(&first);
    assert!(!before.is_empty());
    *clock.lock().unwrap() = paris("2026-11-23T08:00:30");
    let after = seconds(&place(&c, "Micropolis", 2).await);
    assert_eq!(before[0].2 - 30, after[0].2, "{before:?} → {after:?}");
    // Much later the vehicle has passed and another one is announced.
    *clock.lock().unwrap() = paris("2026-11-23T08:20:00");
    let later = seconds(&place(&c, "Micropolis", 2).await);
    assert!(later[0].2 < 20 * 60);
}

#[tokio::test]
async fn no_departure_at_night() {
    let (_s, c, _) = start("2026-11-24T02:00:00").await;
    let idf = place(&c, "Ile de France", 2).await;
    assert_eq!(idf.name, "Ile de France");
    assert!(idf.departures.is_empty());
    let request = WaitRequest {
        place: "Ile de France".into(),
        line_id: "101".into(),
        outbound: true,
    };
    let answer = c.liste_temps(&[request], None, Nb::DEFAULT).await.unwrap();
    assert!(answer.is_empty(), "places without departures are left out");
}

#[tokio::test]
async fn names_match_loosely_like_the_real_server() {
    let (_s, c, _) = start(RUSH).await;
    for (query, exact) in [
        ("ile france", "Ile de France"),
        ("Ile-de-France", "Ile de France"),
        ("ILE DE FRANCE", "Ile de France"),
        ("chateaufarine", "Châteaufarine"),
        ("pole temis", "Pôle Temis"),
        ("Crous", "Crous Université"),
        ("ILDFRAN1", "Ile de France"),
    ] {
        assert_eq!(place(&c, query, 1).await.name, exact, "{query}");
    }
    let err = c
        .temps_lieu(&PlaceQuery::Name("Tombouctou".into()), Nb::DEFAULT)
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Refused { .. }), "{err:?}");
    // By stop id: only that stop's departures.
    let one = PlaceDepartures::from(
        &c.temps_lieu(&PlaceQuery::StopId("t_ildfran1".into()), Nb::DEFAULT)
            .await
            .unwrap(),
    );
    assert!(!one.departures.is_empty());
    assert!(one.departures.iter().all(|d| d.stop_id == "t_ildfran1"));
}

#[tokio::test]
async fn parameters_are_validated_like_the_real_server() {
    let (s, c, _) = start(RUSH).await;
    let err = c
        .call(
            "TR/getTempsLieu",
            Params::new().text("nom", "Chamars").text("nb", "0"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, ApiError::Refused { ref msg, .. } if msg.contains("nb")),
        "{err:?}"
    );
    let err = c
        .call(
            "TR/getListeTemps",
            Params::new()
                .text("listeNoms", "Chamars~Battant")
                .text("listeIdLignes", "101")
                .text("listeSensAller", "1~0"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, ApiError::Refused { ref msg, .. } if msg.contains("même nombre")),
        "{err:?}"
    );
    // No apiKey: a key message, which the client reads as a refused key.
    let err = c
        .call_without_key("DR/getLignes", Params::new())
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::KeyRefused { .. }), "{err:?}");
    // GET with a query string works too.
    let body = reqwest_get(&format!("{}/DR/getLignes.do?apiKey=demo", s.url())).await;
    assert!(
        body.starts_with(r#"{"ok":true"#) || body.contains(r#""ok":true"#),
        "{body}"
    );
    let body = reqwest_get(&format!("{}/DR/nothing.do?apiKey=demo", s.url())).await;
    assert!(body.contains("404"), "{body}");
}

async fn reqwest_get(url: &str) -> String {
    // The client crate only POSTs; a plain GET is made by hand.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test]
async fn fault_knobs() {
    let options = ServerOptions {
        fail_every: Some(3),
        ..Default::default()
    };
    let (_s, c, _) = start_at(RUSH, options).await;
    assert!(c.etat_lignes().await.is_ok());
    assert!(c.etat_lignes().await.is_ok());
    let err = c.etat_lignes().await.unwrap_err();
    assert!(
        matches!(err, ApiError::Http { status: 503, ref excerpt, .. } if excerpt.contains("Service Unavailable")),
        "{err:?}"
    );
    assert!(c.etat_lignes().await.is_ok());

    let options = ServerOptions {
        refuse_key: true,
        ..Default::default()
    };
    let (_s, c, _) = start_at(RUSH, options).await;
    assert!(matches!(c.lignes().await, Err(ApiError::KeyRefused { .. })));

    let options = ServerOptions {
        latency: Duration::from_millis(1500),
        ..Default::default()
    };
    let (s, _, _) = start_at(RUSH, options).await;
    let impatient = Client::with_timeouts(
        parse_base_url(&s.url()).unwrap(),
        ApiKey::new("demo"),
        Timeouts {
            connect: Duration::from_secs(1),
            request: Duration::from_millis(300),
        },
    )
    .unwrap();
    assert!(matches!(
        impatient.lignes().await,
        Err(ApiError::Timeout { .. })
    ));
}

/// `--access-log`: one line per answered request, with the method, the
/// status and the bytes each way, so that a script can count what a
/// refresh costs.
#[tokio::test]
async fn access_log_counts_requests_and_bytes() {
    let dir = std::env::temp_dir().join(format!("quai-access-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("access.log");
    let _ = std::fs::remove_file(&path);
    let options = ServerOptions {
        access_log: Some(path.clone()),
        ..Default::default()
    };
    let (s, c, _) = start_at(RUSH, options).await;
    let requests = [WaitRequest {
        place: "Ile de France".into(),
        line_id: "101".into(),
        outbound: true,
    }];
    let answers = c
        .liste_temps(&requests, None, Nb::new(2).unwrap())
        .await
        .unwrap();
    assert_eq!(answers.len(), 1);
    let missing = reqwest::get(format!("{}/nowhere", s.url())).await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    let log = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Vec<&str>> = log.lines().map(|l| l.split(' ').collect()).collect();
    assert_eq!(lines.len(), 2, "{log}");
    let (ok, not_found) = (&lines[0], &lines[1]);
    assert_eq!(ok[1..3], ["TR/getListeTemps", "200"], "{log}");
    // The form: listeNoms, listeIdLignes, listeSensAller, nb and apiKey.
    let sent: usize = ok[3].parse().unwrap();
    assert!((60..200).contains(&sent), "{log}");
    let received: usize = ok[4].parse().unwrap();
    let body = serde_json::json!({"ok": true, "objets": answers}).to_string();
    assert!(
        received > 200 && received.abs_diff(body.len()) < body.len() / 2,
        "{log}"
    );
    assert_eq!(not_found[1..4], ["nowhere", "404", "0"], "{log}");
    let ms: i64 = ok[0].parse().unwrap();
    assert!((ms - jiff::Timestamp::now().as_millisecond()).abs() < 60_000);
    std::fs::remove_dir_all(&dir).unwrap();
}
