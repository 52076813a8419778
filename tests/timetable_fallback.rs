//! A live network's rows filled from its timetable, through the network
//! seam only: a scripted network wrapped in `WithTimetable`.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use jiff::Timestamp;
use quai::domain::{BoardLine, LineRef, Origin, WaitTime};
use quai::network::scripted::Scripted;
use quai::network::{ErrorKind, NetError, PerRow, RowRequest, Source};
use quai::timetable::fallback::WithTimetable;
use quai::timetable::feed::{compile_in_memory, zip_tables};
use quai::timetable::source::TimetableNetwork;

/// Seconds from today's "noon minus 12 h" in Paris to now.
fn now_in_service_day() -> (String, i64) {
    let now = jiff::Zoned::now().in_tz("Europe/Paris").unwrap();
    let reference = now
        .date()
        .at(12, 0, 0, 0)
        .in_tz("Europe/Paris")
        .unwrap()
        .timestamp()
        .as_second()
        - 12 * 3600;
    (
        now.date().strftime("%Y%m%d").to_string(),
        now.timestamp().as_second() - reference,
    )
}

fn hms(s: i64) -> String {
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Alpha's line 101 leaves in 10 minutes and in 3 hours (today only).
fn timetable() -> Arc<TimetableNetwork> {
    let (today, now) = now_in_service_day();
    let (soon, later) = (now + 600, now + 3 * 3600);
    let stop_times = format!(
        "trip_id,departure_time,stop_id,stop_sequence\n\
         s,{},A1,1\ns,{},B,2\nl,{},A1,1\nl,{},B,2\n",
        hms(soon),
        hms(soon + 300),
        hms(later),
        hms(later + 300)
    );
    let dates = format!("service_id,date,exception_type\nD,{today},1\n");
    let tables: Vec<(&str, String)> = vec![
        ("agency.txt", "agency_name,agency_timezone\nA,Europe/Paris\n".into()),
        ("stops.txt", "stop_id,stop_name\nA1,Alpha\nB,Bravo\n".into()),
        ("routes.txt", "route_id,route_short_name,route_type\n101,T1,0\n".into()),
        ("calendar_dates.txt", dates),
        (
            "trips.txt",
            "route_id,service_id,trip_id,trip_headsign,direction_id\n101,D,s,Bravo,0\n101,D,l,Bravo,0\n"
                .into(),
        ),
        ("stop_times.txt", stop_times),
    ];
    let bytes: Vec<(&str, &[u8])> = tables.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
    let (table, _) = compile_in_memory(&zip_tables(&bytes).unwrap()).unwrap();
    Arc::new(TimetableNetwork::new("ginko", "Ginko", Arc::new(table)))
}

fn line() -> BoardLine {
    BoardLine {
        line: LineRef::plain("101", "T1"),
        kind: None,
        outbound: true,
        destination: "Bravo".into(),
        via: String::new(),
    }
}

fn row() -> RowRequest {
    RowRequest {
        place: "Alpha".into(),
        stop_ids: vec!["A1".into()],
        line_id: "101".into(),
        outbound: true,
        destination: "Bravo".into(),
        to: None,
    }
}

fn wrapped() -> (Arc<Scripted>, Source) {
    let live =
        Arc::new(Scripted::new("ginko", "Ginko").with_stop("Alpha", "A1", None, vec![line()]));
    let shared = Arc::new(RwLock::new(Some(timetable())));
    let source: Source = Arc::new(WithTimetable::new(live.clone() as Source, shared));
    (live, source)
}

fn down() -> NetError {
    NetError::new(ErrorKind::Unreachable, "connection refused")
}

fn minutes_left(d: &quai::domain::Departure) -> i64 {
    match d.time {
        WaitTime::At { expected, .. } => expected.duration_since(Timestamp::now()).as_secs() / 60,
        _ => panic!("an instant"),
    }
}

#[tokio::test]
async fn a_network_down_from_the_start_gives_the_timetable_marked_with_the_reason() {
    let (live, source) = wrapped();
    live.fail_next(down());
    let results = source
        .departures(&[row()], PerRow::new(2).unwrap())
        .await
        .unwrap();
    let r = &results[0];
    assert!(r.timetable && r.in_answer);
    assert_eq!(
        r.error.as_ref().map(|e| e.short_reason()).as_deref(),
        Some("serveur injoignable")
    );
    assert_eq!(r.departures.len(), 2);
    assert!(r.departures.iter().all(|d| d.origin == Origin::Timetable));
    let left: Vec<i64> = r.departures.iter().map(minutes_left).collect();
    assert!(
        (9..=10).contains(&left[0]) && (179..=180).contains(&left[1]),
        "{left:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn within_thirty_seconds_of_live_times_a_failure_keeps_them_after_it_the_timetable() {
    let (live, source) = wrapped();
    live.set_departures("Alpha", "101", true, Vec::new());
    let nb = PerRow::new(2).unwrap();
    let ok = source.departures(&[row()], nb).await.unwrap();
    assert!(!ok[0].timetable, "live and in the answer: left as it is");
    live.fail_next(down());
    tokio::time::advance(Duration::from_secs(20)).await;
    let err = source.departures(&[row()], nb).await.unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Unreachable,
        "the board keeps the live times, marked old"
    );
    live.fail_next(down());
    tokio::time::advance(Duration::from_secs(15)).await;
    let filled = source.departures(&[row()], nb).await.unwrap();
    assert!(filled[0].timetable);
    assert_eq!(filled[0].departures.len(), 2);
    // Live again: live times.
    let back = source.departures(&[row()], nb).await.unwrap();
    assert!(!back[0].timetable && back[0].departures.is_empty());
}

#[tokio::test]
async fn a_row_left_out_of_an_answer_gets_the_next_hour_of_the_timetable_only() {
    let (_live, source) = wrapped();
    // Nothing set for the row: the scripted answer leaves it out.
    let results = source
        .departures(&[row()], PerRow::new(2).unwrap())
        .await
        .unwrap();
    let r = &results[0];
    assert!(r.timetable && r.error.is_none());
    assert_eq!(
        r.departures.len(),
        1,
        "the one in 10 minutes, not the one in 3 hours"
    );
    assert!((9..=10).contains(&minutes_left(&r.departures[0])));
}

#[tokio::test]
async fn the_feeds_direction_gives_way_to_the_live_rows_destination() {
    // The live network calls this direction inbound; the feed's trips to
    // Bravo are direction 0: the destination decides.
    let t = timetable();
    let mut inbound = row();
    inbound.outbound = false;
    let stops = t.stops_for(&inbound.stop_ids, &inbound.place, None);
    let found = t.row(&inbound, &stops, 2);
    assert_eq!(found.len(), 2);
    let mut elsewhere = inbound.clone();
    elsewhere.destination = "Charlie".into();
    assert!(t.row(&elsewhere, &stops, 2).is_empty());
}

#[test]
fn a_live_place_is_found_by_its_id_in_the_feeds_prefixed_ids_else_by_name_within_300_m() {
    let tables: Vec<(&str, &str)> = vec![
        (
            "agency.txt",
            "agency_name,agency_timezone\nA,Europe/Paris\n",
        ),
        (
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n\
             IDFM:71517,La Défense,48.8919,2.2380,1,\n\
             IDFM:q1,La Défense,48.8919,2.2380,0,IDFM:71517\n\
             IDFM:m1,Mairie,48.8630,2.4410,1,\n\
             IDFM:q2,Mairie,48.8630,2.4410,0,IDFM:m1\n\
             IDFM:m2,Mairie,48.9040,2.3060,1,\n\
             IDFM:q3,Mairie,48.9040,2.3060,0,IDFM:m2\n",
        ),
        (
            "routes.txt",
            "route_id,route_short_name,route_type\nIDFM:C01371,1,1\n",
        ),
        (
            "calendar_dates.txt",
            "service_id,date,exception_type\nD,20261202,1\n",
        ),
        (
            "trips.txt",
            "route_id,service_id,trip_id\nIDFM:C01371,D,t\n",
        ),
        (
            "stop_times.txt",
            "trip_id,departure_time,stop_id,stop_sequence\nt,08:00:00,IDFM:q1,1\nt,08:10:00,IDFM:q2,2\n",
        ),
    ];
    let bytes: Vec<(&str, &[u8])> = tables.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
    let (table, _) = compile_in_memory(&zip_tables(&bytes).unwrap()).unwrap();
    let t = TimetableNetwork::new("idfm", "IDFM", Arc::new(table));
    let ids = |stops: Vec<u32>| -> Vec<String> {
        stops
            .iter()
            .map(|&s| t.table().stop_id(s).to_string())
            .collect()
    };
    assert_eq!(
        ids(t.stops_for(&["71517".into()], "La Défense", None)),
        ["IDFM:q1"]
    );
    // Two stations named "Mairie": the one within 300 m, the town ignored.
    let clichy = quai::domain::Position {
        lat: 48.9045,
        lon: 2.3062,
    };
    assert_eq!(
        ids(t.stops_for(&["70605".into()], "Mairie (Clichy)", Some(clichy))),
        ["IDFM:q3"]
    );
    let far = quai::domain::Position {
        lat: 48.95,
        lon: 2.30,
    };
    assert!(
        t.stops_for(&["70605".into()], "Mairie (Clichy)", Some(far))
            .is_empty()
    );
    // Without a position, a name shared by two stations is not guessed.
    assert!(t.stops_for(&["70605".into()], "Mairie", None).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_refreshes_a_day_old_timetable_in_the_background() {
    use quai::timetable::fallback::{Refresh, allow_background_updates};
    use quai::timetable::store::{FeedSource, Store};
    let server = quai::demo::DemoServer::start_with_clock(
        ([127, 0, 0, 1], 0).into(),
        quai::demo::ServerOptions::default(),
        Arc::new(|| jiff::Zoned::now().in_tz("Europe/Paris").unwrap()),
    )
    .await
    .unwrap();
    let dir = std::env::temp_dir().join(format!("quai-refresh-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::at(&dir);
    let feed = FeedSource::Url(format!("{}/gtfs-ginko.zip", server.url()));
    store.update(&feed, None, false).await.unwrap();
    // The last fetch, two days ago.
    let meta_path = dir.join("timetable.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    let old = Timestamp::now() - jiff::SignedDuration::from_hours(48);
    meta["fetched_at"] = serde_json::json!(old.to_string());
    std::fs::write(&meta_path, meta.to_string()).unwrap();
    let requests = server.requests();

    let table = Arc::new(store.open().unwrap());
    let shared = Arc::new(RwLock::new(Some(Arc::new(TimetableNetwork::new(
        "ginko", "Ginko", table,
    )))));
    let live =
        Arc::new(Scripted::new("ginko", "Ginko").with_stop("Alpha", "A1", None, vec![line()]));
    let source = WithTimetable::new(live as Source, shared).refreshed_by(Some(Refresh::new(
        Store::at(&dir),
        feed,
        None,
    )));
    allow_background_updates();
    let rows = [row()];
    let answer = quai::network::Network::departures(&source, &rows, PerRow::new(1).unwrap());
    // The departures do not wait for the update.
    assert!(
        tokio::time::timeout(Duration::from_millis(500), answer)
            .await
            .is_ok()
    );
    let mut fetched = old;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        fetched = Store::at(&dir)
            .meta()
            .and_then(|m| m.fetched_at)
            .unwrap_or(old);
        if fetched > old {
            break;
        }
    }
    assert!(fetched > old, "the day-old timetable was looked at again");
    assert_eq!(server.requests(), requests + 1, "one conditional request");
    // Fresh now: the next departures do not ask again.
    quai::network::Network::departures(&source, &[row()], PerRow::new(1).unwrap())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.requests(), requests + 1);
}

#[tokio::test]
async fn an_expired_timetable_fills_nothing_and_the_status_line_says_since_when() {
    let tables: Vec<(&str, &str)> = vec![
        (
            "agency.txt",
            "agency_name,agency_timezone\nA,Europe/Paris\n",
        ),
        ("stops.txt", "stop_id,stop_name\nA1,Alpha\nB,Bravo\n"),
        (
            "routes.txt",
            "route_id,route_short_name,route_type\n101,T1,0\n",
        ),
        (
            "calendar_dates.txt",
            "service_id,date,exception_type\nD,20200302,1\n",
        ),
        (
            "trips.txt",
            "route_id,service_id,trip_id,direction_id\n101,D,t,0\n",
        ),
        (
            "stop_times.txt",
            "trip_id,departure_time,stop_id,stop_sequence\nt,08:00:00,A1,1\nt,08:10:00,B,2\n",
        ),
    ];
    let bytes: Vec<(&str, &[u8])> = tables.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
    let (table, _) = compile_in_memory(&zip_tables(&bytes).unwrap()).unwrap();
    let shared = Arc::new(RwLock::new(Some(Arc::new(TimetableNetwork::new(
        "ginko",
        "Ginko",
        Arc::new(table),
    )))));
    let live =
        Arc::new(Scripted::new("ginko", "Ginko").with_stop("Alpha", "A1", None, vec![line()]));
    let source = WithTimetable::new(live.clone() as Source, shared);
    live.fail_next(down());
    let rows = [row()];
    let answer = quai::network::Network::departures(&source, &rows, PerRow::new(2).unwrap()).await;
    assert!(
        answer.is_err(),
        "no timetable to fall back to: the failure as it is"
    );
    assert_eq!(
        quai::network::Network::schedule_note(&source).as_deref(),
        Some("horaires expirés le 2020-03-02")
    );
}

fn live_departure(text: Option<&str>) -> quai::domain::Departure {
    use quai::domain::{Accessibility, CrowdLevel, Load, Status};
    quai::domain::Departure {
        stop_id: "A1".into(),
        line: LineRef::plain("101", "T1"),
        outbound: true,
        destination: "Bravo".into(),
        via: String::new(),
        time: match text {
            Some(t) => WaitTime::Text {
                text: t.into(),
                served: false,
            },
            None => WaitTime::At {
                expected: Timestamp::now() + jiff::SignedDuration::from_mins(4),
                aimed: None,
            },
        },
        alternate: None,
        origin: Origin::Located,
        status: Status::Normal,
        platform: None,
        mission: None,
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

#[tokio::test(start_paused = true)]
async fn the_timetable_never_contradicts_works_or_an_interrupted_line() {
    let nb = PerRow::new(2).unwrap();
    // "Travaux" said live: the row keeps it, marked old, rather than times.
    let (live, source) = wrapped();
    live.set_departures("Alpha", "101", true, vec![live_departure(Some("Travaux"))]);
    source.departures(&[row()], nb).await.unwrap();
    tokio::time::advance(Duration::from_secs(40)).await;
    live.fail_next(down());
    assert!(source.departures(&[row()], nb).await.is_err());

    // An interrupted line (the messages say so) gets no theoretical times.
    let (live, source) = wrapped();
    live.set_departures("Alpha", "101", true, vec![live_departure(None)]);
    live.set_messages(vec![quai::domain::Message {
        network: String::new(),
        id: "1".into(),
        title: "T1 : circulation interrompue".into(),
        body_html: String::new(),
        url: String::new(),
        severity: quai::domain::Severity::Interrupted,
        lines: vec!["T1".into()],
        stops: Vec::new(),
        alert: true,
    }]);
    source.messages().await.unwrap();
    source.departures(&[row()], nb).await.unwrap();
    tokio::time::advance(Duration::from_secs(40)).await;
    live.fail_next(down());
    assert!(source.departures(&[row()], nb).await.is_err());
    // Once the line runs again, the timetable may stand in.
    live.set_messages(Vec::new());
    source.messages().await.unwrap();
    live.fail_next(down());
    let filled = source.departures(&[row()], nb).await.unwrap();
    assert!(filled[0].timetable);
}

/// A live network that gives its own arrivals (Ginko: the same vehicle in
/// the destination's waiting times): the one nearest the timetable's
/// estimate is the departure's, a vehicle's other pass is not, and a
/// departure whose trip the timetable does not know is not kept for it.
#[test]
fn the_networks_own_arrival_replaces_the_estimate_of_a_trip_that_goes_there() {
    use quai::destination::{ArrivalOrigin, Arrivals};
    let (live, source) = wrapped();
    let now = Timestamp::now();
    let at = |mins: i64| now + jiff::SignedDuration::from_mins(mins);
    let leaving = |mins: i64| {
        let mut d = live_departure(None);
        d.time = WaitTime::At {
            expected: at(mins),
            aimed: None,
        };
        d
    };
    // The trip leaves Alpha in 10 minutes and is at Bravo 5 minutes later.
    let departures = [leaving(10), leaving(11), leaving(90)];
    let Arrivals::Found(before) = source.arrivals(&row(), &departures, now, "Bravo") else {
        panic!("the timetable knows Bravo");
    };
    let estimated: Vec<_> = before.iter().map(|a| a.map(|a| (a.at, a.origin))).collect();
    assert_eq!(
        estimated,
        vec![
            Some((at(15), ArrivalOrigin::Estimated)),
            Some((at(16), ArrivalOrigin::Estimated)),
            None
        ]
    );
    live.set_live_arrivals(vec![vec![at(55), at(17)], vec![at(50)], vec![at(95)]]);
    let Arrivals::Found(after) = source.arrivals(&row(), &departures, now, "Bravo") else {
        panic!("the timetable knows Bravo");
    };
    let said: Vec<_> = after.iter().map(|a| a.map(|a| (a.at, a.origin))).collect();
    assert_eq!(
        said,
        vec![
            Some((at(17), ArrivalOrigin::Live)),
            Some((at(16), ArrivalOrigin::Estimated)),
            None
        ]
    );
}
