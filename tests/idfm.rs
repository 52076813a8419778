//! Île-de-France Mobilités against the demo server on 127.0.0.1: keys,
//! the quota, the stop-area fallback, and the board's output.

use quai::cache::Cache;
use quai::demo::{self, DemoServer, ServerOptions};
use quai::network::idfm::{self, Api, Client, Idfm};
use quai::network::{ErrorKind, Network, PerRow, RowRequest};
use quai::secret::Secret;

async fn server(options: ServerOptions) -> DemoServer {
    DemoServer::start_with_clock(
        ([127, 0, 0, 1], 0).into(),
        options,
        demo::clock_starting_at(None),
    )
    .await
    .unwrap()
}

fn network(server: &DemoServer, token: Option<&str>, dataset_key: Option<&str>) -> Idfm {
    let url = |path: &str| {
        quai::network::http::parse_base_url(&format!("{}{path}", server.url())).unwrap()
    };
    let cache = Cache::memory();
    let client = Client::new(
        url(demo::idfm::PRIM_PATH),
        url(demo::idfm::DATA_PATH),
        token.and_then(Secret::new),
        dataset_key.and_then(Secret::new),
        cache.scoped(idfm::ID),
    )
    .unwrap();
    Idfm::new(client, &cache, 1000)
}

async fn rows_of(net: &Idfm, station: &str) -> Vec<RowRequest> {
    let stop_ids = vec![station.to_string()];
    let lines = net.lines_at(&stop_ids).await.unwrap();
    assert!(!lines.is_empty(), "{station} has rows");
    lines
        .iter()
        .map(|l| RowRequest {
            place: station.into(),
            stop_ids: stop_ids.clone(),
            line_id: l.line.id.clone(),
            outbound: l.outbound,
            destination: l.destination.clone(),
            to: None,
        })
        .collect()
}

#[tokio::test]
async fn stations_lines_and_departures_with_platforms_and_cancellations() {
    let s = server(ServerOptions::default()).await;
    let net = network(&s, Some(demo::DEMO_KEY), Some(demo::DEMO_KEY));
    let stops = net.stops().await.unwrap().stops;
    let names: Vec<&str> = stops.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.contains(&"Mairie (Montreuil)") && names.contains(&"Mairie (Clichy)"),
        "{names:?}"
    );
    assert!(stops.iter().all(|s| s.position.is_some()));
    // Châtelet's own id is refused by the demo's PRIM: its stop areas answer.
    let rows = rows_of(&net, "474151").await;
    let numbers: Vec<&str> = rows.iter().map(|r| r.line_id.as_str()).collect();
    assert!(
        numbers.contains(&"C01743") && numbers.contains(&"C01374"),
        "{numbers:?}"
    );
    let results = net
        .departures(&rows, PerRow::new(5).unwrap())
        .await
        .unwrap();
    let all: Vec<_> = results.iter().flat_map(|r| &r.departures).collect();
    assert!(results.iter().all(|r| r.in_answer && r.error.is_none()));
    let now = jiff::Timestamp::now();
    for d in &all {
        let quai::domain::WaitTime::At { expected, .. } = d.time else {
            panic!("absolute times: {:?}", d.time);
        };
        assert!(
            now.duration_since(expected).as_secs() <= 60,
            "departed trains are dropped"
        );
    }
    let rer: Vec<_> = all.iter().filter(|d| d.line.number == "B").collect();
    assert!(rer.iter().all(|d| d.platform.as_deref() == Some("2")));
    assert!(rer.iter().any(|d| d.mission.is_some()));
    assert!(
        all.iter()
            .any(|d| d.status == quai::domain::Status::Cancelled),
        "a cancelled train among {all:?}"
    );
    // Lifts: two out of order at Châtelet.
    let lifts = net.lifts(&["474151".to_string()]).await.unwrap();
    let out = lifts
        .iter()
        .filter(|l| l.state == quai::domain::LiftState::NotAvailable)
        .count();
    assert_eq!(out, 2);
    // The refused station id, then one request per stop area; the
    // departures asked within the period cost nothing more.
    assert_eq!(net.client().usage(Api::StopMonitoring).sent, 3);
    assert_eq!(net.client().usage(Api::StopMonitoring).limit, Some(1000));
}

#[tokio::test]
async fn keys_refused_or_missing_say_which() {
    let s = server(ServerOptions::default()).await;
    let bad = network(&s, Some("wrong"), Some("wrong"));
    let e = bad.lines_at(&["73626".to_string()]).await.unwrap_err();
    match &e.kind {
        ErrorKind::KeyRefused { key, message } => {
            assert_eq!(key.env, "IDFM_API_KEY");
            assert_eq!(message, "Unauthorized");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        !e.detail.contains("wrong"),
        "no key in errors: {}",
        e.detail
    );
    let e = bad.lifts(&["474151".to_string()]).await.unwrap_err();
    assert!(
        matches!(&e.kind, ErrorKind::KeyRefused { key, .. } if key.env == "IDFM_DATASET_KEY"),
        "{e:?}"
    );
    let no_dataset_key = network(&s, Some(demo::DEMO_KEY), None);
    let e = no_dataset_key
        .lifts(&["474151".to_string()])
        .await
        .unwrap_err();
    assert!(
        matches!(&e.kind, ErrorKind::MissingKey(k) if k.env == "IDFM_DATASET_KEY"),
        "{e:?}"
    );
    let none = network(&s, None, None);
    let e = none.lines_at(&["73626".to_string()]).await.unwrap_err();
    assert!(
        matches!(&e.kind, ErrorKind::MissingKey(k) if k.env == "IDFM_API_KEY"),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_spent_quota_stops_the_requests_until_the_reset() {
    let dir = tempdir();
    let faults = dir.join("fault");
    let s = server(ServerOptions {
        fault_file: Some(faults.clone()),
        ..ServerOptions::default()
    })
    .await;
    let net = network(&s, Some(demo::DEMO_KEY), None);
    let rows = rows_of(&net, "73626").await;
    assert_eq!(net.client().usage(Api::StopMonitoring).sent, 1);
    std::fs::write(&faults, "429 stop-monitoring").unwrap();
    // The answer is still there: rows come from it until it is due again.
    let first = net.departures(&rows, PerRow::DEFAULT).await.unwrap();
    assert!(first.iter().all(|r| r.in_answer));
    assert_eq!(
        net.client().usage(Api::StopMonitoring).sent,
        1,
        "not due yet"
    );
    // Once due, the 429 blocks the API until the reset: no retry burns it.
    let spent = network(&s, Some(demo::DEMO_KEY), None);
    let e = spent.lines_at(&["73626".to_string()]).await.unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::RateLimited { until: Some(_) }),
        "{e:?}"
    );
    let usage = spent.client().usage(Api::StopMonitoring);
    assert_eq!(usage.sent, 1);
    assert_eq!(usage.remaining, Some(0));
    assert!(usage.blocked_until.is_some());
    for _ in 0..3 {
        let again = spent.lines_at(&["73626".to_string()]).await.unwrap_err();
        assert!(matches!(again.kind, ErrorKind::RateLimited { .. }));
    }
    assert_eq!(
        spent.client().usage(Api::StopMonitoring).sent,
        1,
        "nothing sent while spent"
    );
    assert!(
        spent
            .schedule_note()
            .is_some_and(|n| n.contains("quota du jour épuisé"))
    );
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("quai-idfm-{}-{}", std::process::id(), rand()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_day_of_polling_stays_within_the_quota() {
    use quai::network::idfm::day::{HandClock, simulate};
    let s = server(ServerOptions::default()).await;
    // The poller asks every 10 s; a 30 s step for three stations keeps the
    // test short and still asks more often than their period.
    for (stations, step, at_least) in [
        (&["73626"][..], 10, 900),
        (&["73626", "71517", "70604"][..], 30, 900),
    ] {
        let clock = HandClock::starting("2026-12-01T23:00:00Z".parse().unwrap());
        let url = |path: &str| {
            quai::network::http::parse_base_url(&format!("{}{path}", s.url())).unwrap()
        };
        let cache = Cache::memory();
        let client = Client::new(
            url(demo::idfm::PRIM_PATH),
            url(demo::idfm::DATA_PATH),
            Secret::new(demo::DEMO_KEY),
            None,
            cache.scoped(idfm::ID),
        )
        .unwrap()
        .with_spacing(std::time::Duration::ZERO);
        let net = Idfm::new(client, &cache, 1000).with_clock(clock.reader());
        let cost = simulate(&net, &clock, stations, std::time::Duration::from_secs(step))
            .await
            .unwrap();
        assert!(
            (at_least..=1000).contains(&cost.stop_monitoring),
            "{stations:?}: {cost:?}"
        );
        assert!(cost.disruptions <= 145, "every 10 minutes: {cost:?}");
    }
}

#[tokio::test]
async fn two_processes_count_the_quota_together() {
    let s = server(ServerOptions::default()).await;
    let dir = tempdir();
    let cache = Cache::disk(dir.clone());
    let url =
        |path: &str| quai::network::http::parse_base_url(&format!("{}{path}", s.url())).unwrap();
    let client = || {
        Client::new(
            url(demo::idfm::PRIM_PATH),
            url(demo::idfm::DATA_PATH),
            Secret::new(demo::DEMO_KEY),
            None,
            cache.scoped(idfm::ID),
        )
        .unwrap()
    };
    let (a, b) = (
        Idfm::new(client(), &cache, 1000),
        Idfm::new(client(), &cache, 1000),
    );
    a.lines_at(&["73626".to_string()]).await.unwrap();
    b.lines_at(&["71517".to_string()]).await.unwrap();
    a.lines_at(&["70604".to_string()]).await.unwrap();
    assert_eq!(
        a.client().usage(Api::StopMonitoring).sent,
        3,
        "a counts b's request too"
    );
    let third = Idfm::new(client(), &cache, 1000);
    assert_eq!(third.client().usage(Api::StopMonitoring).sent, 3);
    let _ = std::fs::remove_dir_all(&dir);
}
