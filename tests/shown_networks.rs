//! A board whose places are all on one of several configured networks asks
//! only that network and speaks only of it: two feed networks, each on a
//! demo server of its own, and the requests each server answered counted.

mod support;
use support::{run, text};

use std::path::Path;

use quai::demo::{DemoServer, ServerOptions, feedcity};

/// The settings' second network, `bis`, with its feeds on `server`.
fn second_network(home: &Path, server: &DemoServer) {
    let path = home.join(".config/quai/config.toml");
    let mut settings = std::fs::read_to_string(&path).unwrap();
    let base = server.url();
    settings.push_str(&format!(
        "\n[[network]]\nid = \"bis\"\nname = \"Bis\"\ngtfs_url = \"{base}{}\"\n\
         trip_updates_url = \"{base}{}\"\nalerts_url = \"{base}{}\"\nrefresh = 10\n",
        feedcity::GTFS_PATH,
        feedcity::TRIP_UPDATES_PATH,
        feedcity::ALERTS_PATH,
    ));
    std::fs::write(&path, settings).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_of_one_network_asks_and_mentions_no_other() {
    let (home, first, _) = support::feed_city_home("shown", "two", None, false).await;
    let second = DemoServer::start(([127, 0, 0, 1], 0).into(), ServerOptions::default())
        .await
        .unwrap();
    second_network(&home, &second);
    for network in ["mtl", "bis"] {
        let mut cmd = support::quai_command(&home, None);
        cmd.args(["timetable", "update", "--network", network]);
        let out = run(cmd).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let (first_before, second_before) = (first.requests(), second.requests());

    let mut cmd = support::quai_command(&home, None);
    cmd.args(["board", "--once", "mtl:mont-royal"]);
    let out = run(cmd).await;
    let screen = text(&out.stdout);
    assert!(out.status.success(), "{screen}{}", text(&out.stderr));
    assert!(screen.contains("Mont-Royal"), "{screen}");
    assert!(
        first.requests() > first_before,
        "the place's network is asked"
    );
    assert_eq!(
        second.requests(),
        second_before,
        "the other network is not asked"
    );
    assert_eq!(
        screen.matches("flux lus toutes les").count(),
        1,
        "one network's note:\n{screen}"
    );
    let title = screen.lines().next().unwrap_or_default();
    assert!(
        title.starts_with("quai · ") && !title.contains("Bis") && !title.contains(" + "),
        "the title names the place's network only: {title}"
    );

    let mut cmd = support::quai_command(&home, None);
    cmd.args(["board", "--json", "mtl:mont-royal"]);
    let out = run(cmd).await;
    let board: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        board["schedule"]
            .as_str()
            .map(|s| s.matches("flux lus").count()),
        Some(1),
        "{board}"
    );
    assert_eq!(second.requests(), second_before);

    // The live board: its first refreshes, messages included.
    let command = format!(
        "env -i HOME={home} PATH=/usr/bin:/bin TERM=xterm-256color {bin} board mtl:mont-royal; sleep 10",
        home = home.display(),
        bin = env!("CARGO_BIN_EXE_quai"),
    );
    let term = support::Terminal::start(&home, &command, 100, 30);
    let shown = term.wait("the live board", 20, |s| {
        s.contains("Mont-Royal") && s.contains("flux lus")
    });
    assert_eq!(shown.matches("flux lus toutes les").count(), 1, "{shown}");
    // Past the messages' first round.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(
        second.requests(),
        second_before,
        "the live board asks the other network nothing"
    );
    drop(term);
    // Both networks still answer when both are shown.
    let mut cmd = support::quai_command(&home, None);
    cmd.args(["board", "--once", "mtl:mont-royal", "bis:mont-royal"]);
    let out = run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(second.requests() > second_before, "both shown, both asked");
}
