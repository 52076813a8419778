//! A kiosk started while its network is down, with no timetable yet, uses
//! the timetable compiled afterwards (`quai timetable update --from` a
//! local zip, run beside it) within a minute, without a reload.

use std::path::Path;
use std::time::Duration;

use support::Terminal;

mod support;

/// The kiosk in a 100×30 terminal, its API on a port nobody listens on.
fn start(home: &Path, url: &str) -> Terminal {
    let command = format!(
        "env -i HOME={home} PATH=/usr/bin:/bin TERM=xterm-256color GINKO_API_URL={url} \
         GINKO_API_KEY=demo sh -c 'echo $$ > {home}/pid; exec {bin} kiosk --refresh 1 2>{home}/journal'; \
         echo KIOSK-EXITED-$?; sleep 10",
        home = home.display(),
        bin = env!("CARGO_BIN_EXE_quai"),
    );
    Terminal::start(home, &command, 100, 30)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_started_offline_uses_a_timetable_compiled_later_without_a_reload() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let h = support::home("kiosk", "later-timetable");
    std::fs::create_dir_all(h.join(".config/quai")).unwrap();
    std::fs::write(
        h.join(".config/quai/favorites.toml"),
        "[[favorite]]\nplace = \"Ile de France\"\n",
    )
    .unwrap();
    // The demo's Ginko feed, valid around today, as a local file.
    let zip = h.join("feed.zip");
    let today = jiff::Zoned::now().in_tz("Europe/Paris").unwrap().date();
    std::fs::write(&zip, quai::demo::gtfs::feed("ginko", today).unwrap()).unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let home_dir = h.clone();
    let (waiting, compiled, shown, after) = tokio::task::spawn_blocking(move || {
        let screen = start(&home_dir, &url);
        let waiting = screen.wait("the offline screen", 15, |s| {
            s.contains("en attente du réseau")
        });
        let mut update = support::quai_command(&home_dir, None);
        update.args(["timetable", "update", "--from"]).arg(&zip);
        let compiled = update.output().unwrap();
        let shown = screen.wait("the timetable's times", 60, |s| s.contains("théorique"));
        screen.signal(&home_dir.join("pid"), "TERM");
        let after = screen.wait("the exit", 15, |s| s.contains("KIOSK-EXITED-"));
        (waiting, compiled, shown, after)
    })
    .await
    .unwrap();
    assert!(waiting.contains("serveur injoignable"), "{waiting}");
    assert!(
        compiled.status.success(),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    assert!(shown.contains("Ile de France"), "{shown}");
    assert!(shown.contains("théorique"), "{shown}");
    assert!(after.contains("KIOSK-EXITED-0"), "{after}");
    let journal = std::fs::read_to_string(h.join("journal")).unwrap();
    assert!(!journal.contains("reloaded"), "no reload: {journal}");
    assert!(journal.contains("waiting for the network"), "{journal}");
    assert!(journal.contains("showing departures"), "{journal}");
    std::thread::sleep(Duration::from_millis(100));
    let _ = std::fs::remove_dir_all(&h);
}
