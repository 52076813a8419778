//! Decoding of whole answers of every method, through a real HTTP server:
//! v1.2 answers with every documented field, v1.0-era answers without the
//! v1.2 fields, unknown fields, and numbers and strings swapped.

mod support;

use jiff::civil::date;
use quai::domain::*;
use quai::network::ginko::convert::infos_trafic_messages;
use quai::network::ginko::{Client, Nb, PlaceQuery, WaitRequest};
use serde_json::Value;
use support::{Reply, Scripted, client};

fn fixtures(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A server answering each method with its fixture, after `edit`.
async fn serve(fixtures: Value, edit: fn(&mut Value)) -> (Scripted, Client) {
    let server = Scripted::start(move |seen| {
        let method = seen
            .path
            .trim_start_matches('/')
            .trim_end_matches(".do")
            .to_string();
        let mut answer = fixtures[&method].clone();
        edit(&mut answer);
        Reply::json(answer.to_string())
    })
    .await;
    let c = client(&server.url, "key");
    (server, c)
}

#[tokio::test]
async fn every_method_decodes_a_full_v12_answer() {
    let (_s, c) = serve(fixtures("ginko-v1.2.json"), |_| {}).await;

    let fares: Vec<Fare> = c.tarifs().await.unwrap().iter().map(Fare::from).collect();
    assert_eq!(fares.len(), 2);
    assert_eq!(fares[0].kind, FareKind::Single);
    assert_eq!(fares[0].price_eur, Some(1.6));
    assert_eq!(fares[1].kind, FareKind::Yearly);
    assert_eq!(fares[1].where_to_buy, "Agence");

    let lines: Vec<Line> = c.lignes().await.unwrap().iter().map(Line::from).collect();
    assert_eq!(lines[0].line.number, "T1");
    assert_eq!(lines[0].kind, Some(LineKind::Tram));
    assert_eq!(lines[0].line.mode, Some(Mode::Tram));
    assert_eq!(lines[0].line.background, Some(Rgb(0, 0xa5, 0xc2)));
    assert_eq!(lines[1].directions[1].id, "68-4");
    assert_eq!(lines[1].directions[1].via, "par Centre-ville - Granvelle");
    assert!(!lines[1].directions[1].outbound);

    let stops = c.details_variante("4", "68-1").await.unwrap();
    assert_eq!(stops[1].id.as_deref(), Some("ILDFRAN3"));

    let stops: Vec<Stop> = c.arrets().await.unwrap().iter().map(Stop::from).collect();
    assert_eq!(stops.len(), 3);
    assert_eq!(stops[0].accessibility, Accessibility::Accessible);
    // The docs' examples spell it "accessiblite".
    assert_eq!(stops[1].accessibility, Accessibility::NotAccessible);
    assert_eq!(stops[2].position, None, "0,0 means unknown");

    let serving = c.variantes_desservant_arret("CROUUNI2").await.unwrap();
    let line = Line::from(&serving[0]);
    assert_eq!(line.directions.len(), 1);
    assert_eq!(line.directions[0].destination, "Pôle Temis");

    let near = c.arrets_proches(47.2366, 6.0236).await.unwrap();
    assert_eq!(near[0].nom.as_deref(), Some("Centre-ville - 8 Septembre"));

    let stop = Stop::from(&c.details_arret("t_idf1").await.unwrap());
    assert_eq!(stop.name, "Ile de France");

    let vehicle = Vehicle::from(&c.details_vehicule("526").await.unwrap());
    assert_eq!(vehicle.energy, Energy::Hybrid);
    assert_eq!(vehicle.usb_sockets, Some(true));
    assert_eq!(vehicle.air_conditioning, Some(false));
    assert_eq!(vehicle.kind, "Bus standard");

    assert_eq!(c.cle_temporaire().await.unwrap(), "a1b2c3");

    let place = PlaceDepartures::from(
        &c.temps_lieu(&PlaceQuery::Name("crous".into()), Nb::DEFAULT)
            .await
            .unwrap(),
    );
    assert_eq!(place.name, "Crous Université");
    let [first, clock, text] = &place.departures[..] else {
        panic!("{:?}", place.departures)
    };
    assert_eq!(
        first.time,
        WaitTime::Countdown {
            text: "9 min".into(),
            seconds: Some(540)
        }
    );
    assert_eq!(first.alternate.as_deref(), Some("Bus complet"));
    assert_eq!(
        (first.crowding, first.load),
        (CrowdLevel::High, Load::Percent(97))
    );
    assert_eq!(first.crowding_advice, "Le suivant est moins chargé");
    assert_eq!(first.vehicle.as_deref(), Some("526"));
    assert_eq!(first.line.mode, Some(Mode::Bus));
    assert_eq!(
        clock.time,
        WaitTime::Clock {
            text: "17h05".into()
        }
    );
    assert!(!clock.reliable());
    assert_eq!(
        (clock.crowding, clock.load),
        (CrowdLevel::Unknown, Load::Unknown)
    );
    assert_eq!(
        text.time,
        WaitTime::Text {
            text: "Déviation".into(),
            served: false
        }
    );
    assert_eq!(text.info_id, Some("1003".into()));

    let request = WaitRequest {
        place: "Ile de France".into(),
        line_id: "101".into(),
        outbound: true,
    };
    let answer = c
        .liste_temps(std::slice::from_ref(&request), None, Nb::DEFAULT)
        .await
        .unwrap();
    assert_eq!(answer.len(), 2);
    let results = c.waiting_times(&[request], Nb::DEFAULT).await.unwrap();
    assert_eq!(results[0].departures[0].destination, "Chalezeule");

    let messages = infos_trafic_messages(&c.infos_trafic().await.unwrap());
    assert_eq!(messages.len(), 2);
    assert!(messages[0].alert);
    assert_eq!(messages[0].lines, ["T2"]);
    assert!(messages[0].body_html.contains("<table>"));
    assert!(!messages[1].alert);

    let messages: Vec<Message> = c
        .messages(&[], &[])
        .await
        .unwrap()
        .iter()
        .map(Message::from)
        .collect();
    assert_eq!(messages[0].severity, Severity::Interrupted);
    assert_eq!(messages[0].title, "T2 : interrompu");
    assert_eq!(messages[1].severity, Severity::Planned);
    assert_eq!(messages[1].lines, ["L5", "7"]);
    assert_eq!(messages[1].stops, ["RIVOTT1"]);

    let states: Vec<LineStatus> = c
        .etat_lignes()
        .await
        .unwrap()
        .iter()
        .map(LineStatus::from)
        .collect();
    assert_eq!(states[0].state, LineState::Normal);
    assert_eq!(states[1].state, LineState::Interrupted);
    assert_eq!(states[2].state, LineState::NoInformation);
    assert_eq!(states[2].line.background, None, "empty colour");

    let live = VehicleLive::from(&c.details_vehicule_tr("526").await.unwrap());
    assert_eq!(live.passengers, Some(34));
    assert_eq!(live.load, Load::Percent(41));
    assert!(live.position_text.contains("Voirin et Giblotte"));

    let forecast: Vec<CrowdForecast> = c
        .affluence("CROUUNI2", date(2026, 11, 23), "3", false)
        .await
        .unwrap()
        .iter()
        .map(CrowdForecast::from)
        .collect();
    assert_eq!(forecast[0].start, "07:00");
    assert_eq!(forecast[0].level, CrowdLevel::High);
    assert_eq!(forecast[1].passengers, Some(50));
}

#[tokio::test]
async fn older_answers_without_v12_fields_decode() {
    let (_s, c) = serve(fixtures("ginko-v1.0.json"), |_| {}).await;
    let lines: Vec<Line> = c.lignes().await.unwrap().iter().map(Line::from).collect();
    assert_eq!(lines[0].kind, None);
    assert_eq!(lines[0].line.number, "1");

    let place = PlaceDepartures::from(
        &c.temps_lieu(&PlaceQuery::Name("Ile de France".into()), Nb::DEFAULT)
            .await
            .unwrap(),
    );
    assert_eq!(place.position, None);
    let d = &place.departures;
    assert_eq!(
        d[0].time,
        WaitTime::Countdown {
            text: "3 min".into(),
            seconds: None
        }
    );
    assert_eq!(d[0].crowding, CrowdLevel::Unknown);
    assert_eq!(d[0].info_id, None);
    assert!(!d[1].reliable());
    assert_eq!(
        d[2].time,
        WaitTime::Text {
            text: "Travaux".into(),
            served: false
        }
    );

    let v = Vehicle::from(&c.details_vehicule("803").await.unwrap());
    assert_eq!(v.accessibility, Accessibility::Accessible);
    assert_eq!(v.kind, "");
    let live = VehicleLive::from(&c.details_vehicule_tr("803").await.unwrap());
    assert_eq!((live.passengers, live.load), (None, Load::Unknown));
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let (_s, c) = serve(fixtures("ginko-v1.2.json"), |answer| {
        answer["serverVersion"] = "9.9".into();
        if let Some(temps) = answer["objets"]["listeTemps"].as_array_mut() {
            for t in temps {
                t["tempsEnMinute"] = (-1).into();
                t["terminus"] = 0.into();
                t["nouveau"] = serde_json::json!({"a": [1, 2]});
            }
        }
    })
    .await;
    let place = c
        .temps_lieu(&PlaceQuery::Name("crous".into()), Nb::DEFAULT)
        .await
        .unwrap();
    assert_eq!(place.listeTemps.unwrap().len(), 3);
}

#[tokio::test]
async fn numbers_and_strings_swapped_still_decode() {
    let (_s, c) = serve(fixtures("ginko-v1.2.json"), |answer| {
        if let Some(temps) = answer["objets"]["listeTemps"].as_array_mut() {
            let t = &mut temps[0];
            t["tempsEnSeconde"] = "540".into();
            t["numVehicule"] = 526.into();
            t["fiable"] = 1.into();
            t["sensAller"] = "false".into();
            t["latitude"] = "47.24853".into();
            t["affluence"] = serde_json::json!([2]);
        }
        if answer["objets"]["num"].is_string() {
            answer["objets"]["num"] = 526.into();
            answer["objets"]["energie"] = "3".into();
        }
    })
    .await;
    let place = PlaceDepartures::from(
        &c.temps_lieu(&PlaceQuery::Name("crous".into()), Nb::DEFAULT)
            .await
            .unwrap(),
    );
    let d = &place.departures[0];
    assert_eq!(
        d.time,
        WaitTime::Countdown {
            text: "9 min".into(),
            seconds: Some(540)
        }
    );
    assert_eq!(d.vehicle.as_deref(), Some("526"));
    assert!(d.reliable());
    assert!(!d.outbound);
    // The one field of a type that makes no sense is dropped alone.
    assert_eq!(d.crowding, CrowdLevel::Unknown);
    assert_eq!(d.load, Load::Percent(97));
    let v = Vehicle::from(&c.details_vehicule("526").await.unwrap());
    assert_eq!((v.number.as_str(), v.energy), ("526", Energy::Hybrid));
}
