//! Hostile answers from a stand-in Ginko server, through the real binary
//! (`board --once`) and the client: a key echoed in a destination, values
//! out of bounds, the same departure many times, numbers no `f64` holds,
//! nesting too deep to read.

mod support;

use serde_json::{Value, json};
use support::{Reply, Scripted, home, quai_command};

const KEY: &str = "CANARY-0a1b2c3d4e5f";

/// One departure of line 3 towards Pôle Temis, `fields` added.
fn departure(fields: Value) -> Value {
    let mut d = json!({
        "idArret": "CHAM1", "idLigne": "3", "numLignePublic": "L3",
        "couleurFond": "006AB3", "couleurTexte": "FFFFFF", "sensAller": true,
        "destination": "Pôle Temis", "precisionDestination": "",
        "temps": "5 min", "tempsEnSeconde": 300, "typeDeTemps": 0, "fiable": true,
        "numVehicule": "526",
    });
    for (k, v) in fields.as_object().unwrap() {
        d[k] = v.clone();
    }
    d
}

/// A server answering the board's calls for Chamars with `departures`
/// (a JSON text, so that it can hold what `json!` cannot).
async fn server(departures: String) -> Scripted {
    let place = format!(
        r#"{{"nomExact": "Chamars", "latitude": 47.23, "longitude": 6.02, "listeTemps": {departures}}}"#
    );
    server_of(place.clone(), format!("[{place}]")).await
}

/// A server answering the board's calls with `place` (one place's
/// waits) and `places` (the waits of a list of places).
async fn server_of(place: String, places: String) -> Scripted {
    Scripted::start(move |seen| {
        let objets = match seen.path.as_str() {
            "/TR/getTempsLieu.do" => place.clone(),
            "/TR/getListeTemps.do" => places.clone(),
            "/DR/getArrets.do" => {
                json!([{"id": "CHAM1", "nom": "Chamars", "latitude": 47.23, "longitude": 6.02}])
                    .to_string()
            }
            "/DR/getVariantesDesservantArret.do" => json!([{
                "id": "3", "numLignePublic": "L3", "couleurFond": "006AB3",
                "couleurTexte": "FFFFFF", "modeTransport": 0,
                "variantes": [{"id": "3-1", "sensAller": true, "destination": "Pôle Temis"}]
            }])
            .to_string(),
            "/TR/getInfosTrafic.do" => {
                json!({"infosAnticipees": [], "infosTempsReel": []}).to_string()
            }
            _ => "[]".to_string(),
        };
        Reply::json(format!(r#"{{"ok": true, "objets": {objets}}}"#))
    })
    .await
}

/// `quai board Chamars --once` against `url`: its output and success.
async fn once(name: &str, url: &str) -> (String, String, bool) {
    let h = home("hostile", name);
    let mut cmd = quai_command(&h, Some((url, KEY)));
    cmd.args(["board", "Chamars", "--once"]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&h);
    (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
        out.status.success(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_echoed_in_a_destination_is_masked() {
    let echoed = format!("Pôle Temis apiKey={KEY}&nom=Chamars");
    let s = server(
        json!([departure(
            json!({"destination": echoed, "numVehicule": KEY})
        )])
        .to_string(),
    )
    .await;
    let (out, err, ok) = once("echo", &s.url).await;
    assert!(ok, "{out}{err}");
    assert!(out.contains("Pôle Temis"), "{out}");
    assert!(
        !out.contains(KEY) && !err.contains(KEY),
        "the key shows:\n{out}{err}"
    );
    assert!(!out.contains("0a1b2c3d"), "a part of the key shows:\n{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waits_out_of_bounds_are_not_shown() {
    let s = server(
        json!([
            departure(json!({"temps": "-60 min", "tempsEnSeconde": -3600})),
            departure(json!({"temps": "x", "tempsEnSeconde": i64::MAX})),
            departure(json!({"temps": "153722867280912930 min", "tempsEnSeconde": null})),
            departure(json!({"temps": "-3 min", "tempsEnSeconde": null, "numVehicule": "9"})),
            departure(json!({"temps": "7 min", "tempsEnSeconde": 420, "numVehicule": "600"})),
        ])
        .to_string(),
    )
    .await;
    let (out, err, ok) = once("bounds", &s.url).await;
    assert!(ok, "{out}{err}");
    assert!(out.contains("7 min"), "{out}");
    for shown in ["-60", "-3", "153722867280912930", "2562047788015215"] {
        assert!(!out.contains(shown), "{shown} shown:\n{out}");
    }
}

/// `quai board Chamars ARGS` against `url` (in English with `english`):
/// its standard output.
async fn board(name: &str, url: &str, args: &[&str], english: bool) -> String {
    let h = home("hostile", name);
    let mut cmd = quai_command(&h, Some((url, KEY)));
    cmd.args(["board", "Chamars"]).args(args);
    if english {
        cmd.env("LANG", "en_GB.UTF-8");
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&h);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// The values dropped are counted per place: `dropped_values` in
/// `--json`, and a note in the place's heading, in both languages; none
/// when nothing was dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_values_dropped_are_counted_and_shown() {
    let s = server(
        json!([
            departure(json!({"temps": "-60 min", "tempsEnSeconde": -3600})),
            departure(json!({"temps": "x", "tempsEnSeconde": i64::MAX})),
            departure(json!({"temps": "7 min", "tempsEnSeconde": 420, "numVehicule": "600"})),
        ])
        .to_string(),
    )
    .await;
    let json: Value =
        serde_json::from_str(&board("dropped-json", &s.url, &["--json"], false).await).unwrap();
    assert_eq!(json["places"][0]["dropped_values"], 2, "{json}");
    let once = board("dropped-fr", &s.url, &["--once"], false).await;
    assert!(
        once.contains("Chamars · 2 valeurs aberrantes écartées"),
        "{once}"
    );
    let once = board("dropped-en", &s.url, &["--once"], true).await;
    assert!(once.contains("2 implausible values dropped"), "{once}");

    let clean = server(json!([departure(json!({}))]).to_string()).await;
    let json: Value =
        serde_json::from_str(&board("dropped-none", &clean.url, &["--json"], false).await).unwrap();
    assert!(json["places"][0].get("dropped_values").is_none(), "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_departure_given_many_times_shows_once() {
    let same: Vec<Value> = (0..162).map(|_| departure(json!({}))).collect();
    let mut all = same;
    all.push(departure(
        json!({"temps": "12 min", "tempsEnSeconde": 720, "numVehicule": "527"}),
    ));
    let s = server(Value::Array(all).to_string()).await;
    let (out, err, ok) = once("duplicates", &s.url).await;
    assert!(ok, "{out}{err}");
    assert_eq!(out.matches("5 min").count(), 1, "{out}");
    assert!(out.contains("12 min"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_out_of_range_loses_its_value_only() {
    let one = departure(json!({})).to_string().replace("300", "1e999999");
    let other = departure(json!({"temps": "12 min", "tempsEnSeconde": 720, "numVehicule": "527"}));
    let s = server(format!("[{one}, {other}]")).await;
    let (out, err, ok) = once("huge-number", &s.url).await;
    assert!(ok, "{out}{err}");
    assert!(out.contains("12 min"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nesting_too_deep_is_an_error_not_an_empty_board() {
    let deep = format!("[{}{}]", "[".repeat(100_000), "]".repeat(100_000));
    let s = server_of(deep.clone(), deep).await;
    let (out, err, ok) = once("deep", &s.url).await;
    assert!(!ok, "{out}{err}");
    assert!(!out.contains("Aucun départ"), "{out}");
    // A list of nothing readable is no list of places either.
    let s = server_of("[[1]]".into(), "[[[1]], [2], \"x\"]".into()).await;
    let (out, err, _) = once("garbage", &s.url).await;
    assert!(!out.contains("Aucun départ"), "{out}{err}");
}

/// An IDFM server that copies the `apikey` header into every text of a
/// stop-monitoring answer: no visit read from it holds the token.
#[tokio::test]
async fn a_token_copied_into_a_stop_monitoring_answer_is_masked() {
    let s = Scripted::start(|seen| {
        let token = seen.header("apikey").unwrap_or_default().to_string();
        let value = |text: String| json!([{"value": text}]);
        let visit = json!({
            "RecordedAtTime": "2026-12-01T08:59:10Z",
            "MonitoredVehicleJourney": {
                "LineRef": {"value": format!("STIF:Line::C01742:{token}")},
                "DestinationName": value(format!("Chessy {token}")),
                "JourneyNote": value(token.clone()),
                "MonitoredCall": {
                    "ExpectedDepartureTime": "2026-12-01T09:04:00.000Z",
                    "StopPointName": value(format!("apikey: {token}")),
                    "DeparturePlatformName": {"value": token.clone()},
                }
            }
        });
        Reply::json(
            json!({"Siri": {"ServiceDelivery": {"StopMonitoringDelivery": [{
                "MonitoredStopVisit": [visit],
                "ErrorCondition": {"ErrorInformation": {"ErrorText": format!("bad {token}")}}
            }]}}})
            .to_string(),
        )
    })
    .await;
    let url = quai::network::http::parse_base_url(&s.url).unwrap();
    let client = quai::network::idfm::Client::new(
        url.clone(),
        url,
        quai::secret::Secret::new(KEY),
        None,
        quai::cache::Cache::memory(),
    )
    .unwrap();
    let answer = client
        .prim(
            quai::network::idfm::Api::StopMonitoring,
            "stop-monitoring",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(s.last().header("apikey"), Some(KEY), "the token was sent");
    let read = quai::network::idfm::siri::decode(&answer.body).unwrap();
    let all = format!("{read:?}");
    assert_eq!(read.visits.len(), 1, "{all}");
    assert!(read.visits[0].destination.starts_with("Chessy"), "{all}");
    assert!(!all.contains(KEY) && !all.contains("0a1b2c3d"), "{all}");
}

/// A GTFS-Realtime server that copies the key of the query into a
/// vehicle's label: the feed read holds no key, and stays readable.
#[tokio::test]
async fn a_feed_key_copied_into_a_feed_is_masked() {
    use prost::Message as _;
    use quai::network::gtfsrt::proto::{
        FeedEntity, FeedHeader, FeedMessage, VehicleDescriptor, VehiclePosition,
    };
    let s = Scripted::start(|seen| {
        let key = seen
            .path
            .split_once("token=")
            .map(|(_, k)| k.to_string())
            .unwrap_or_default();
        let message = FeedMessage {
            header: Some(FeedHeader {
                gtfs_realtime_version: Some("2.0".into()),
                ..Default::default()
            }),
            entity: vec![FeedEntity {
                id: Some(format!("e-{key}")),
                vehicle: Some(VehiclePosition {
                    vehicle: Some(VehicleDescriptor {
                        label: Some(format!("bus {key}")),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }],
        };
        Reply {
            content_type: "application/x-protobuf",
            body: message.encode_to_vec(),
            ..Reply::json("")
        }
    })
    .await;
    let fetcher =
        quai::network::gtfsrt::Fetcher::new(Some(quai::network::gtfsrt::FeedAuth::Query {
            name: "token".into(),
            key: quai::secret::Secret::new(KEY).unwrap(),
        }))
        .unwrap();
    let url = reqwest::Url::parse(&format!("{}/vehicles", s.url)).unwrap();
    let fetched = fetcher
        .fetch(
            quai::network::gtfsrt::Kind::VehiclePositions,
            &url,
            None,
            None,
        )
        .await
        .unwrap();
    assert!(s.last().path.contains(KEY), "the key was sent");
    let quai::network::gtfsrt::feed::Fetched::Body { message, .. } = fetched else {
        panic!("no body");
    };
    let label = message.entity[0]
        .vehicle
        .as_ref()
        .unwrap()
        .vehicle
        .as_ref()
        .unwrap()
        .label
        .clone();
    assert_eq!(
        label.as_deref(),
        Some(format!("bus {}", "*".repeat(KEY.len())).as_str())
    );
    assert!(!format!("{message:?}").contains(KEY));
}
