//! Places of a GTFS timetable as riders meet them: same-named stops are
//! one place only when close (300 m), names differing only by spaces, case
//! or accents fold together when close, far homonyms are told apart by
//! their lines or a nearby place (not an id), and an exact name wins.

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::{run, text};

fn quai(home: &Path, args: &[&str]) -> Command {
    let mut cmd = support::quai_command(home, None);
    cmd.args(args);
    cmd.env("LANG", "en_GB.UTF-8");
    cmd
}

/// Shaped like Mexico City's and HART's stops: "San Francisco" and
/// "San Francisco " 25 km apart on two lines; "Main  St" and "Main St"
/// 40 m apart; "Álvaro Obregón" (a busy line) and "Alvaro Obregón" (a
/// night line) 5 km apart; two "Mercado" 10 km apart on the same line,
/// one beside "Insurgentes".
fn gtfs() -> Vec<u8> {
    let stops = "stop_id,stop_name,stop_lat,stop_lon\n\
        SF1,San Francisco,19.4000,-99.1700\n\
        SF2,San Francisco ,19.6200,-99.0500\n\
        H1,Main  St,19.5000,-99.1000\n\
        H2,Main St,19.5003,-99.1002\n\
        A1,Álvaro Obregón,19.3500,-99.1800\n\
        A2,Alvaro Obregón,19.3950,-99.1900\n\
        M1,Mercado,19.4500,-99.1300\n\
        M2,Mercado,19.5400,-99.1300\n\
        INS,Insurgentes,19.5410,-99.1310\n";
    let stop_times = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n\
        T1,10:00:00,10:00:00,SF1,1\nT1,10:10:00,10:10:00,M1,2\nT1,10:30:00,10:30:00,M2,3\n\
        T1,10:35:00,10:35:00,INS,4\n\
        T2,10:00:00,10:00:00,SF2,1\nT2,10:05:00,10:05:00,H1,2\nT2,10:06:00,10:06:00,H2,3\n\
        T3,10:00:00,10:00:00,A1,1\nT3,10:05:00,10:05:00,SF1,2\n\
        T4,23:00:00,23:00:00,A2,1\nT4,23:10:00,23:10:00,H2,2\n";
    quai::demo::gtfs::zip(&[
        (
            "agency.txt",
            "agency_id,agency_name,agency_url,agency_timezone\n\
             M,Metro,https://example.org,America/Mexico_City\n"
                .into(),
        ),
        ("stops.txt", stops.into()),
        (
            "routes.txt",
            "route_id,agency_id,route_short_name,route_long_name,route_type\n\
             L1,M,1,Uno,3\nL2,M,2,Dos,3\nMB,M,MB1,Metrobús,3\nN,M,N3,Nocturno,3\n"
                .into(),
        ),
        (
            "trips.txt",
            "route_id,service_id,trip_id,trip_headsign,direction_id\n\
             L1,ALL,T1,Insurgentes,0\nL2,ALL,T2,Main St,0\nMB,ALL,T3,San Francisco,0\n\
             N,ALL,T4,Main St,0\n"
                .into(),
        ),
        ("stop_times.txt", stop_times.into()),
        (
            "calendar.txt",
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
             ALL,1,1,1,1,1,1,1,20200101,20351231\n"
                .into(),
        ),
    ])
    .unwrap()
}

async fn home(name: &str) -> (PathBuf, support::Scripted) {
    let zip = gtfs();
    let server = support::Scripted::start(move |_| support::Reply {
        status: 200,
        content_type: "application/zip",
        body: zip.clone(),
        delay: std::time::Duration::ZERO,
        with_length: true,
        headers: Vec::new(),
    })
    .await;
    let home = support::home("places", name);
    let config = home.join(".config/quai");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!(
            "default_network = \"cdmx\"\n\n[[network]]\nid = \"cdmx\"\nname = \"CDMX\"\n\
             gtfs_url = \"{}/gtfs.zip\"\n",
            server.url
        ),
    )
    .unwrap();
    let out = run(quai(&home, &["timetable", "update", "--network", "cdmx"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    (home, server)
}

#[tokio::test]
async fn places_are_grouped_by_name_and_distance_and_told_apart_in_words() {
    let (home, _server) = home("grouping").await;
    let stops = |q: &'static str| {
        let home = home.clone();
        async move {
            let out = run(quai(&home, &["stops", q])).await;
            text(&out.stdout) + &text(&out.stderr)
        }
    };
    // 25 km apart: two places, the second told apart by its line.
    let said = stops("san francisco").await;
    assert!(said.contains("San Francisco  [SF1]"), "{said}");
    assert!(said.contains("San Francisco (line 2)  [SF2]"), "{said}");
    // 40 m apart, a double space apart: one place, its name tidied.
    let said = stops("main st").await;
    assert!(said.contains("Main St  [H1 H2]"), "{said}");
    // Far apart on the same line: told apart by the place beside it.
    let said = stops("mercado").await;
    assert!(said.contains("Mercado  [M1]"), "{said}");
    assert!(said.contains("Mercado (near Insurgentes)  [M2]"), "{said}");
    // No id in any name.
    for q in ["san francisco", "mercado", "main st", "obregon"] {
        let said = stops(q).await;
        for id in ["(SF", "(M1", "(M2", "(H", "(A"] {
            assert!(!said.contains(id), "{said}");
        }
    }
    // 5 km apart, an accent apart: two places; the exact name wins.
    let said = stops("obregon").await;
    assert!(said.contains("Alvaro Obregón  [A2]"), "{said}");
    assert!(said.contains("Álvaro Obregón  [A1]"), "{said}");
    for (asked, line) in [("Álvaro Obregón", "MB1"), ("Alvaro Obregón", "N3")] {
        let out = run(quai(
            &home,
            &[
                "timetable",
                "next",
                asked,
                "--at",
                "2026-06-10 09:00",
                "--limit",
                "1",
            ],
        ))
        .await;
        let said = text(&out.stdout);
        assert!(
            said.starts_with(asked),
            "{asked}: {said}{}",
            text(&out.stderr)
        );
        assert!(said.contains(line), "{asked}: {said}");
    }
    let _ = std::fs::remove_dir_all(&home);
}
