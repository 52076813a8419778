//! The offline timetable through the binary: `quai timetable update`
//! against the demo server (conditional, atomic), `status`, `next`, and
//! the board falling back to it when live times are out of reach.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use quai::demo::{self, DemoServer, ServerOptions};

mod support;
use support::{run, text};

fn index_of(home: &Path) -> PathBuf {
    home.join(".local/share/quai/ginko/timetable.idx")
}

/// A demo server playing the faults written in a file of the test's home.
async fn server(home: &Path) -> (DemoServer, PathBuf) {
    let fault = home.join("fault");
    let options = ServerOptions {
        fault_file: Some(fault.clone()),
        ..ServerOptions::default()
    };
    (support::demo_at("08:00", options).await, fault)
}

fn quai(home: &Path, s: &DemoServer) -> Command {
    support::quai_command(home, Some((&s.url(), demo::DEMO_KEY)))
}

async fn update(home: &Path, s: &DemoServer) -> Output {
    let mut cmd = quai(home, s);
    cmd.args(["timetable", "update", "--from"])
        .arg(format!("{}/gtfs-ginko.zip", s.url()));
    run(cmd).await
}

#[tokio::test]
async fn an_update_compiles_then_asks_conditionally_and_the_status_says_what_it_holds() {
    let h = support::home("timetable", "update");
    let (s, _) = server(&h).await;
    let out = update(&h, &s).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("ginko : horaires compilés"), "{stdout}");
    assert!(stdout.contains("12 lignes"), "{stdout}");
    assert!(index_of(&h).exists());
    let out = update(&h, &s).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("HTTP 304"),
        "{}",
        text(&out.stdout)
    );

    let mut cmd = quai(&h, &s);
    cmd.args(["timetable", "status", "--json"]);
    let out = run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["compiled"], true);
    assert_eq!(status["expired"], false);
    assert_eq!(status["counts"]["routes"], 12);
    assert_eq!(status["counts"]["places"], 44);
    assert_eq!(status["time_zone"], "Europe/Paris");
    assert_eq!(status["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(
        status["source"],
        format!("{}/gtfs-ginko.zip", s.url()).as_str()
    );
    let today = jiff::Zoned::now().in_tz("Europe/Paris").unwrap().date();
    let first: jiff::civil::Date = status["first_day"].as_str().unwrap().parse().unwrap();
    let last: jiff::civil::Date = status["last_day"].as_str().unwrap().parse().unwrap();
    assert!(first <= today && today < last, "{first} {today} {last}");
    assert!(status["fetched_at"].is_string() && status["compiled_at"].is_string());

    let mut cmd = quai(&h, &s);
    cmd.args(["timetable", "status"]);
    let out = run(cmd).await;
    let stdout = text(&out.stdout);
    assert!(stdout.contains("valables du "), "{stdout}");
    assert!(stdout.contains("SHA-256 : "), "{stdout}");
    assert!(!stdout.contains("expiré"), "{stdout}");
    // English has no space before its colon.
    let mut cmd = quai(&h, &s);
    cmd.args(["timetable", "status"]).env("LANG", "en_GB.UTF-8");
    let stdout = text(&run(cmd).await.stdout);
    assert!(stdout.contains("\n  SHA-256: "), "{stdout}");
}

#[tokio::test]
async fn a_failed_download_or_a_corrupt_zip_leaves_the_previous_index_in_use() {
    let h = support::home("timetable", "atomic");
    let (s, fault) = server(&h).await;
    assert!(update(&h, &s).await.status.success());
    let before = std::fs::read(index_of(&h)).unwrap();
    // Forget the ETag so that the server sends the zip again.
    std::fs::remove_file(h.join(".local/share/quai/ginko/timetable.json")).unwrap();
    for (play, says) in [
        ("503 gtfs", "HTTP 503"),
        ("truncated gtfs", "ce n'est pas un fichier zip lisible"),
    ] {
        std::fs::write(&fault, play).unwrap();
        let out = update(&h, &s).await;
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{play}");
        assert!(stderr.contains(says), "{play}: {stderr}");
        assert!(
            stderr.contains("les horaires précédents restent en service"),
            "{stderr}"
        );
        assert_eq!(std::fs::read(index_of(&h)).unwrap(), before, "{play}");
    }
    let leftovers: Vec<String> = std::fs::read_dir(h.join(".local/share/quai/ginko"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n != "timetable.idx")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A server that promises `promised` bytes of zip and sends `sent` bytes
/// of it, then hangs up: a download that fails midway.
async fn cut_server(promised: u64, sent: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/endless.zip", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\n\
                     Content-Length: {promised}\r\n\r\n"
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let body = vec![b'P'; sent];
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    url
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_download_that_fails_midway_leaves_no_part_file() {
    let h = support::home("timetable", "part");
    let data = h.join(".local/share/quai/ginko");
    // A body that ends before its length, after 1 MB.
    let url = cut_server(50 << 20, 1 << 20).await;
    for _ in 0..2 {
        let mut cmd = support::quai_command(&h, None);
        cmd.args(["timetable", "update", "--from", &url]);
        let out = run(cmd).await;
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert!(
            stderr.contains("impossible de télécharger le flux depuis"),
            "{stderr}"
        );
        assert_eq!(names_in(&data), Vec::<String>::new());
    }
}

#[tokio::test]
async fn an_update_removes_what_killed_runs_left_but_not_a_running_process_file() {
    let h = support::home("timetable", "leftovers");
    let data = h.join(".local/share/quai/ginko");
    std::fs::create_dir_all(&data).unwrap();
    // What runs killed with kill -9 left, and a file of a running process.
    std::fs::write(data.join("feed.zip.part-99999999"), vec![b'P'; 4096]).unwrap();
    std::fs::write(data.join("timetable.idx.tmp-99999999-0"), b"half").unwrap();
    std::fs::write(data.join("timetable.json.tmp-99999999"), b"{").unwrap();
    let running = format!("feed.zip.part-{}", std::process::id());
    std::fs::write(data.join(&running), b"mine").unwrap();
    // Even an update refused at once (a feed over 2 GiB) cleans up.
    let url = cut_server(3 << 30, 0).await;
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["timetable", "update", "--from", &url]);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("2147483648"), "{stderr}");
    assert_eq!(names_in(&data), std::slice::from_ref(&running));
    // And one that compiles.
    let zip = h.join("feed.zip");
    std::fs::write(&zip, small_feed(None)).unwrap();
    std::fs::write(data.join("timetable.idx.tmp-99999999-1"), b"half").unwrap();
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["timetable", "update", "--from"]).arg(&zip);
    let out = run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        names_in(&data),
        [running, "timetable.idx".into(), "timetable.json".into()]
    );
}

/// A small feed: Alpha (a station of two stops) served at 08:00 and 08:30
/// every day of 2026–2030, one of them in the other direction.
fn small_feed(without: Option<&str>) -> Vec<u8> {
    let tables = [
        (
            "agency.txt",
            "agency_name,agency_url,agency_timezone\nA,https://x,Europe/Paris\n",
        ),
        (
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n\
             st_a,Alpha,47.1,6.1,1,\nA1,Alpha,47.1,6.1,0,st_a\nA2,Alpha,47.1,6.1,0,st_a\n\
             B,Bravo,47.2,6.2,0,\n",
        ),
        (
            "routes.txt",
            "route_id,route_short_name,route_type\n101,T1,0\n",
        ),
        (
            "calendar.txt",
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
             ALL,1,1,1,1,1,1,1,20260101,20301231\n",
        ),
        (
            "trips.txt",
            "route_id,service_id,trip_id,trip_headsign,direction_id\n\
             101,ALL,m1,Bravo,0\n101,ALL,m2,Alpha,1\n",
        ),
        (
            "stop_times.txt",
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n\
             m1,08:00:00,08:00:00,A1,1\nm1,08:10:00,08:10:00,B,2\n\
             m2,08:20:00,08:20:00,B,1\nm2,08:30:00,08:30:00,A2,2\nm2,08:31:00,08:31:00,B,3\n",
        ),
    ];
    let kept: Vec<(&str, &[u8])> = tables
        .iter()
        .filter(|(n, _)| Some(*n) != without)
        .map(|(n, b)| (*n, b.as_bytes()))
        .collect();
    quai::timetable::feed::zip_tables(&kept).unwrap()
}

/// `small_feed` whose stop_times.txt holds, between its rows, one line of
/// `spaces` spaces, streamed into the zip (never held whole: deflated
/// spaces take a thousandth of their size).
fn feed_with_a_long_line(spaces: usize) -> Vec<u8> {
    use std::io::Write;
    let small = small_feed(Some("stop_times.txt"));
    let mut zip = zip::ZipWriter::new_append(std::io::Cursor::new(small)).unwrap();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    zip.start_file("stop_times.txt", options).unwrap();
    zip.write_all(
        b"trip_id,arrival_time,departure_time,stop_id,stop_sequence\n\
          m1,08:00:00,08:00:00,A1,1\nm1,08:10:00,08:10:00,B,2\n",
    )
    .unwrap();
    let chunk = vec![b' '; 1 << 20];
    let mut left = spaces;
    while left > 0 {
        let n = left.min(chunk.len());
        zip.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    zip.write_all(
        b"\nm2,08:20:00,08:20:00,B,1\nm2,08:30:00,08:30:00,A2,2\nm2,08:31:00,08:31:00,B,3\n",
    )
    .unwrap();
    zip.finish().unwrap().into_inner()
}

/// Runs `cmd` to its end: its exit status, stdout, stderr and peak
/// resident memory in kB (as `/usr/bin/time` reads it).
#[cfg(target_os = "linux")]
// The child is reaped by `wait4`, which gives its resource usage.
#[allow(clippy::zombie_processes)]
fn run_measured(mut cmd: Command) -> (i32, String, String, i64) {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).unwrap();
        text
    });
    let mut out = String::new();
    stdout.read_to_string(&mut out).unwrap();
    let err = reader.join().unwrap();
    let mut status = 0;
    // SAFETY: an rusage is plain data, filled by wait4 for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: `status` and `usage` are valid for writes during the call.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid);
    (libc::WEXITSTATUS(status), out, err, usage.ru_maxrss)
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_line_of_64_mb_of_spaces_is_refused_as_one_row_without_being_held() {
    let h = support::home("timetable", "long-line");
    let zip = h.join("feed.zip");
    let feed = feed_with_a_long_line(64 << 20);
    assert!(feed.len() < 1 << 20, "{} bytes", feed.len());
    std::fs::write(&zip, feed).unwrap();
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["timetable", "update", "--from"]).arg(&zip);
    let (code, stdout, stderr, peak_kb) = tokio::task::spawn_blocking(move || run_measured(cmd))
        .await
        .unwrap();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("ignoré : stop_times.txt, 1 ligne (illisible, première à la ligne 4)"),
        "{stdout}"
    );
    // The rows on both sides of the line are kept.
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["timetable", "status", "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&run(cmd).await.stdout).unwrap();
    assert_eq!(status["counts"]["departures"], 3, "{status}");
    // The line is never held: far below its 64 MB.
    assert!(peak_kb < 40_000, "peak {peak_kb} kB");
}

#[tokio::test]
async fn next_gives_the_timetable_departures_at_a_place_in_the_feeds_zone() {
    let h = support::home("timetable", "next");
    let zip = h.join("feed.zip");
    std::fs::write(&zip, small_feed(None)).unwrap();
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["timetable", "update", "--from"]).arg(&zip);
    let out = run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The same file again is not compiled again.
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["timetable", "update", "--from"]).arg(&zip);
    let out = run(cmd).await;
    assert!(
        text(&out.stdout).contains("SHA-256 identique"),
        "{}",
        text(&out.stdout)
    );

    for (at, offset) in [
        ("2026-12-03 07:00", "+01:00"),
        ("2027-07-01 07:00", "+02:00"),
    ] {
        let day = &at[..10];
        let mut cmd = support::quai_command(&h, None);
        // The machine's zone changes nothing: times are the feed's.
        cmd.env("TZ", "Pacific/Auckland");
        cmd.args(["timetable", "next", "alph", "--at", at, "--json"]);
        let out = run(cmd).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["place"], "Alpha");
        let departures = json["departures"].as_array().unwrap();
        assert_eq!(
            departures[0],
            serde_json::json!({
                "time": format!("{day}T08:00:00{offset}"),
                "route_id": "101",
                "line": "T1",
                "direction_id": 0,
                "headsign": "Bravo",
                "stop_id": "A1",
                "trip_id": "m1",
                "approximate": false,
            })
        );
        assert_eq!(departures[1]["time"], format!("{day}T08:30:00{offset}"));
        assert_eq!(departures[1]["trip_id"], "m2");
        assert_eq!(departures[1]["direction_id"], 1);
        // Then the next day's, sorted by time: 20 by default.
        assert_eq!(departures.len(), 20);
        assert!(departures[2]["time"].as_str().unwrap() > departures[1]["time"].as_str().unwrap());
    }
    // A place may name its network, as on the board; before the first
    // service day the timetable says from when it is valid.
    let mut cmd = support::quai_command(&h, None);
    cmd.args([
        "timetable",
        "next",
        "ginko:alpha",
        "--at",
        "2025-06-01 07:00",
    ]);
    let out = run(cmd).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.starts_with("Alpha — horaires théoriques"),
        "{stdout}"
    );
    assert!(
        stdout.contains("valables à partir du 2026-01-01"),
        "{stdout}"
    );
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["timetable", "next", "alpha", "--at", "2031-01-05 07:00"]);
    let out = run(cmd).await;
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("horaires expirés le 2030-12-31"),
        "{stdout}"
    );
}

#[tokio::test]
async fn a_feed_missing_a_table_is_refused_with_its_name() {
    let h = support::home("timetable", "missing");
    let zip = h.join("feed.zip");
    std::fs::write(&zip, small_feed(Some("stop_times.txt"))).unwrap();
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["timetable", "update", "--from"]).arg(&zip);
    let out = run(cmd).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("le flux n'a pas de stop_times.txt"),
        "{}",
        text(&out.stderr)
    );
    assert!(!h.join(".local/share/quai/ginko/timetable.idx").exists());
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["timetable", "status", "--json"]);
    let out = run(cmd).await;
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["compiled"], false);
}

#[tokio::test]
async fn the_board_falls_back_to_the_timetable_and_back_to_live_times() {
    let h = support::home("timetable", "fallback");
    let (s, fault) = server(&h).await;
    assert!(update(&h, &s).await.status.success());
    let board = |json: bool| {
        let mut cmd = quai(&h, &s);
        cmd.args(["board", "viotte", if json { "--json" } else { "--once" }]);
        cmd
    };
    let out = run(board(false)).await;
    let live = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!live.contains("horaires théoriques"), "{live}");

    std::fs::write(&fault, "503").unwrap();
    let out = run(board(false)).await;
    let offline = text(&out.stdout);
    // Printed, from the timetable because live times failed: exit 3.
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        offline.contains("Gare Viotte · horaires théoriques · HTTP 503"),
        "{offline}"
    );
    assert!(offline.contains("théorique"), "{offline}");
    assert!(!offline.contains("Non localisé"), "{offline}");
    assert!(
        offline.contains("horaires théoriques : HTTP 503"),
        "the status line says why: {offline}"
    );
    let out = run(board(true)).await;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let place = &json["places"][0];
    assert_eq!(place["timetable"], "horaires théoriques");
    let cells: Vec<&serde_json::Value> = place["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap())
        .collect();
    assert!(!cells.is_empty());
    assert!(
        cells
            .iter()
            .all(|c| c["origin"] == "timetable" && c["theoretical"] == true)
    );
    assert!(cells.iter().all(|c| {
        c["expected"]
            .as_str()
            .is_some_and(|t| t.ends_with("+01:00") || t.ends_with("+02:00"))
    }));

    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));

    std::fs::write(&fault, "").unwrap();
    let out = run(board(false)).await;
    assert!(!text(&out.stdout).contains("horaires théoriques"));
    assert_eq!(out.status.code(), Some(0), "live again");
}

#[tokio::test]
async fn offline_the_board_needs_no_key_and_without_an_index_says_how_to_make_one() {
    let h = support::home("timetable", "offline");
    let (s, _) = server(&h).await;
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["board", "viotte", "--offline", "--once"]);
    let out = run(cmd).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("quai timetable update"),
        "{}",
        text(&out.stderr)
    );

    assert!(update(&h, &s).await.status.success());
    drop(s);
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["board", "viotte", "--offline", "--once"]);
    let out = run(cmd).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("Gare Viotte · horaires théoriques · hors ligne"),
        "{stdout}"
    );
    assert!(stdout.contains("T2"), "{stdout}");
}

#[tokio::test]
async fn a_network_unreachable_from_the_start_still_finds_the_place_in_the_timetable() {
    let h = support::home("timetable", "unreachable");
    let (s, _) = server(&h).await;
    assert!(update(&h, &s).await.status.success());
    drop(s);
    // Nothing listens on port 9 of this machine: no stop list, no lines,
    // no departures; nothing cached either.
    let mut cmd = support::quai_command(&h, Some(("http://127.0.0.1:9", demo::DEMO_KEY)));
    cmd.args(["board", "ile de france", "--once"]);
    let out = run(cmd).await;
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        stdout.contains("Ile de France · horaires théoriques · serveur injoignable"),
        "{stdout}"
    );
    assert!(stdout.contains("T1"), "{stdout}");
    assert!(stdout.contains("théorique"), "{stdout}");
}

#[tokio::test]
async fn idfm_stations_are_found_in_its_timetable_by_name_and_distance() {
    let h = support::home("timetable", "idfm");
    let (s, fault) = server(&h).await;
    let idfm = |cmd: &mut Command| {
        cmd.env(
            "IDFM_PRIM_URL",
            format!("{}{}", s.url(), demo::idfm::PRIM_PATH),
        )
        .env(
            "IDFM_DATA_URL",
            format!("{}{}", s.url(), demo::idfm::DATA_PATH),
        )
        .env("IDFM_API_KEY", demo::DEMO_KEY)
        .env("IDFM_DATASET_KEY", demo::DEMO_KEY);
    };
    let mut cmd = quai(&h, &s);
    idfm(&mut cmd);
    cmd.args(["--network", "idfm", "timetable", "update", "--from"])
        .arg(format!("{}/data/gtfs-idfm.zip", s.url()));
    let out = run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::write(&fault, "503 stop-monitoring").unwrap();
    let mut cmd = quai(&h, &s);
    idfm(&mut cmd);
    cmd.args([
        "board",
        "idfm:mairie (clichy)",
        "idfm:gare de lyon",
        "--json",
    ]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let places = json["places"].as_array().unwrap();
    // Two stations named "Mairie" in the feed: Clichy's is the one within
    // 300 m, and its only line goes to Gare de Lyon.
    assert_eq!(places[0]["name"], "Mairie (Clichy)");
    assert_eq!(places[0]["timetable"], "horaires théoriques");
    let rows = places[0]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["destination"], "Gare de Lyon");
    let gare = places[1]["rows"].as_array().unwrap();
    assert!(gare.len() >= 6, "{gare:?}");
    for row in gare {
        let cells = row["cells"].as_array().unwrap();
        assert!(!cells.is_empty(), "{row}");
        assert!(cells.iter().all(|c| c["origin"] == "timetable"), "{row}");
    }
}
