//! The fetching tasks' timing, back-off and updates, and the places' matching.

use super::*;
use crate::domain::{BoardLine, LineRef};
use crate::network::scripted::Scripted;
use crate::network::{ErrorKind, NetError};
use tokio::time::Instant;

/// One place with one row, its network answering after `latency`.
fn network(latency: Duration) -> Arc<Scripted> {
    let line = BoardLine {
        line: LineRef::plain("1", "1"),
        kind: None,
        outbound: true,
        destination: "Terminus".into(),
        via: String::new(),
    };
    let net = Scripted::new("test", "Test")
        .with_stop("Place", "P1", None, vec![line])
        .with_latency(latency);
    net.set_departures("Place", "1", true, vec![]);
    Arc::new(net)
}

/// The settings of a board of "Place" refreshed every `refresh`.
fn settings(
    refresh: Duration,
    to: Option<String>,
    chosen: Option<watch::Receiver<Vec<(String, String)>>>,
) -> PollSettings {
    PollSettings {
        places: vec!["Place".into()],
        nb: PerRow::DEFAULT,
        refresh,
        favorites: vec![],
        walk: None,
        to,
        chosen,
    }
}

/// Polls `net` every `refresh` for `during` (tokio's paused clock), and
/// says when each departures call started, in seconds from the first
/// (`press_r`: a refresh is asked for 3 s in).
async fn poll(net: &Arc<Scripted>, refresh: u64, during: u64, press_r: bool) -> Vec<u64> {
    let (tx, mut rx) = mpsc::channel(16);
    let (_places, places_rx) = mpsc::channel(1);
    let refresh_now = Arc::new(Notify::new());
    let poller = spawn(
        net.clone(),
        settings(Duration::from_secs(refresh), None, None),
        tx,
        refresh_now.clone(),
        places_rx,
    );
    // The updates are read as they come, as the board does.
    let reader = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    if press_r {
        tokio::time::sleep(Duration::from_secs(3)).await;
        refresh_now.notify_one();
    }
    tokio::time::sleep(Duration::from_secs(during)).await;
    drop(poller);
    reader.abort();
    let times = net.call_times();
    let first = times.first().copied().unwrap_or_else(Instant::now);
    // To the nearest second: a wait the network asked for ends at an
    // instant of the wall clock, a few real milliseconds nearer than
    // the paused clock says.
    times
        .iter()
        .map(|t| (*t - first).as_secs_f64().round() as u64)
        .collect()
}

#[tokio::test(start_paused = true)]
async fn departures_are_asked_for_every_period() {
    let net = network(Duration::ZERO);
    assert_eq!(poll(&net, 10, 35, false).await, [0, 10, 20, 30]);
}

#[tokio::test(start_paused = true)]
async fn failures_back_off_two_four_six_times_then_the_period_again() {
    let net = network(Duration::ZERO);
    for _ in 0..3 {
        net.fail_next(NetError::new(ErrorKind::Http(503), "HTTP 503"));
    }
    // Fails at 0, 20 and 60 (back-off 20, 40, 60 s), succeeds at 120.
    assert_eq!(poll(&net, 10, 135, false).await, [0, 20, 60, 120, 130]);
}

#[tokio::test(start_paused = true)]
async fn a_network_that_asks_to_wait_is_waited_for() {
    let net = network(Duration::ZERO);
    net.fail_next(NetError::new(
        ErrorKind::rate_limited_for(Some(Duration::from_secs(90))),
        "HTTP 429",
    ));
    assert_eq!(poll(&net, 10, 105, false).await, [0, 90, 100]);
}

#[tokio::test(start_paused = true)]
async fn a_slow_network_never_has_two_requests_at_once() {
    // Answers take 25 s, longer than the 10 s period: the next request
    // leaves a period after the answer, never beside it.
    let net = network(Duration::from_secs(25));
    assert_eq!(poll(&net, 10, 100, false).await, [0, 35, 70]);
    assert_eq!(net.most_in_flight(), 1);
}

/// Missing messages (their last fetch failed) are asked for again as
/// soon as new places are shown, not after the back-off.
#[tokio::test(start_paused = true)]
async fn new_places_ask_again_for_missing_messages() {
    let net = network(Duration::ZERO);
    net.fail_messages_next(NetError::new(ErrorKind::Unreachable, "down"));
    let (tx, mut rx) = mpsc::channel(16);
    let (places, places_rx) = mpsc::channel(1);
    let _poller = spawn(
        net.clone(),
        settings(Duration::from_secs(10), None, None),
        tx,
        Arc::new(Notify::new()),
        places_rx,
    );
    let reader = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    tokio::time::sleep(Duration::from_secs(5)).await;
    places.send((vec!["Place".into()], vec![])).await.unwrap();
    tokio::time::sleep(Duration::from_secs(20)).await;
    // Once more while the messages are there: no early fetch.
    places.send((vec!["Place".into()], vec![])).await.unwrap();
    tokio::time::sleep(Duration::from_secs(10)).await;
    reader.abort();
    let times = net.message_times();
    let since: Vec<u64> = times.iter().map(|t| (*t - times[0]).as_secs()).collect();
    assert_eq!(since, [0, 5]);
}

/// A destination chosen on the board reaches the network's requests at
/// the next fetch (Ginko asks for the same vehicle there), and the place's
/// own (`--to`) comes back when it is cleared.
#[tokio::test(start_paused = true)]
async fn a_destination_chosen_on_the_board_is_asked_of_the_network() {
    let net = network(Duration::ZERO);
    let (tx, mut rx) = mpsc::channel(16);
    let (_places, places_rx) = mpsc::channel(1);
    let (chosen, chosen_rx) = watch::channel(Vec::new());
    let refresh_now = Arc::new(Notify::new());
    let _poller = spawn(
        net.clone(),
        settings(
            Duration::from_secs(10),
            Some("Terminus".into()),
            Some(chosen_rx),
        ),
        tx,
        refresh_now.clone(),
        places_rx,
    );
    let reader = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(net.last_destinations(), [Some("Terminus".to_string())]);
    chosen.send_replace(vec![("Place".into(), "Chamars".into())]);
    refresh_now.notify_one();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(net.calls().0, 2, "fetched again at once");
    assert_eq!(net.last_destinations(), [Some("Chamars".to_string())]);
    chosen.send_replace(Vec::new());
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(net.last_destinations(), [Some("Terminus".to_string())]);
    reader.abort();
}

#[tokio::test(start_paused = true)]
async fn r_asks_at_once() {
    let net = network(Duration::ZERO);
    assert_eq!(poll(&net, 10, 12, true).await, [0, 3, 13]);
}

#[test]
fn a_favourites_walk_time_wins_over_the_boards() {
    let place = |name: &str| ResolvedPlace {
        network: "test".into(),
        network_name: String::new(),
        problem: None,
        walk: Some(5),
        query: name.into(),
        label: None,
        name: name.into(),
        stop_ids: vec![],
        lines: vec![],
        to: None,
    };
    let mut places = vec![place("Chamars"), place("Flore")];
    let favorite: crate::favorites::Favorite =
        toml::from_str("place = \"chamars\"\nwalk = 4\n").unwrap();
    apply_favorites(&mut places, &[favorite]);
    assert_eq!((places[0].walk, places[1].walk), (Some(4), Some(5)));
}

/// The zones sent before the places stay with the board the places
/// make (a Montréal place on a Paris board keeps its offset).
#[test]
fn resolved_places_keep_the_zones_sent_before_them() {
    let montreal = jiff::tz::TimeZone::get("America/Montreal").unwrap();
    let mut zones = crate::domain::Zones::default();
    zones.set("stm", montreal.clone());
    let mut board = model::Board::default();
    apply(&mut board, Update::Zones(zones));
    apply(
        &mut board,
        Update::Resolved {
            places: Vec::new(),
            unknown: Vec::new(),
            unavailable: Vec::new(),
        },
    );
    assert_eq!(board.zones.of("stm"), &montreal);
    assert!(board.resolved);
}

#[test]
fn places_match_like_the_server() {
    let names = [
        "Ile de France",
        "Châteaufarine",
        "Pôle Temis",
        "Temis Sciences",
        "Crous Université",
    ];
    assert_eq!(match_place(&names, "ile france"), Some("Ile de France"));
    assert_eq!(match_place(&names, "CHATEAUFARINE"), Some("Châteaufarine"));
    assert_eq!(match_place(&names, "temis"), Some("Pôle Temis"));
    assert_eq!(match_place(&names, "crous univ"), Some("Crous Université"));
    assert_eq!(match_place(&names, "Tombouctou"), None);
    assert_eq!(match_place(&names, " - "), None);
}
