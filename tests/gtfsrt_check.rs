//! `quai networks check` on small feeds served on 127.0.0.1 (the demo
//! city's), each shaped like a broken set-up met on real networks.

use std::path::Path;
use std::process::{Command, Output};

use quai::demo::feedcity;

mod support;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn quai(home: &Path, args: &[&str]) -> Command {
    let mut cmd = support::quai_command(home, None);
    cmd.args(args);
    cmd.env("LANG", "en_GB.UTF-8");
    cmd
}

/// The trip updates URL serving vehicle positions and the vehicle
/// positions URL serving trip updates: each said, exit status 1.
#[tokio::test]
async fn feeds_swapped_are_each_reported() {
    let (home, server, _) = support::feed_city_home("check", "swapped", Some("SWAP"), true).await;
    let config = home.join(".config/quai/config.toml");
    let base = server.url();
    let settings = std::fs::read_to_string(&config)
        .unwrap()
        .replace(
            &format!("{base}{}", feedcity::VEHICLES_PATH),
            &format!("{base}{}", feedcity::TRIP_UPDATES_PATH),
        )
        .replace("SWAP", &format!("{base}{}", feedcity::VEHICLES_PATH));
    std::fs::write(&config, settings).unwrap();
    let out = run(quai(&home, &["timetable", "update", "--network", "mtl"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(quai(&home, &["networks", "check", "mtl"])).await;
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("trip updates: the URL serves vehicle positions"),
        "{said}"
    );
    assert!(
        said.contains("vehicle positions: the URL serves trip updates"),
        "{said}"
    );
    assert!(!said.contains("all good"), "{said}");
    let out = run(quai(&home, &["networks", "check", "mtl", "--json"])).await;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tu = &report["feeds"][0];
    assert_eq!(tu["feed"], "trip updates");
    assert_eq!(tu["serves"]["trip_updates"], 0, "{tu}");
    assert!(
        tu["serves"]["vehicle_positions"].as_u64().unwrap() > 0,
        "{tu}"
    );
    // Put right, the same network is all good.
    let (fine, _server, _) = support::feed_city_home("check", "right", None, true).await;
    let out = run(quai(&fine, &["timetable", "update", "--network", "mtl"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(quai(&fine, &["networks", "check", "mtl"])).await;
    assert!(out.status.success(), "{}", text(&out.stdout));
    let _ = std::fs::remove_dir_all(&home);
    let _ = std::fs::remove_dir_all(&fine);
}

/// A feed whose own time is far ahead of the clock (the clock set `--at`
/// 40 days before the timetable's first day): said, exit status 1.
#[tokio::test]
async fn a_feed_from_the_future_is_reported() {
    let (home, _server, _) = support::feed_city_home("check", "early", None, false).await;
    let out = run(quai(&home, &["timetable", "update", "--network", "mtl"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(quai(&home, &["networks", "check", "mtl", "--json"])).await;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let from = report["timetable"]["valid_from"]
        .as_str()
        .unwrap()
        .to_string();
    let before: jiff::civil::Date = from.parse().unwrap();
    let at = format!(
        "{} 12:00",
        before.checked_sub(jiff::Span::new().days(40)).unwrap()
    );
    let out = run(quai(&home, &["networks", "check", "mtl", "--at", &at])).await;
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("ahead of the clock"), "{said}");
    let _ = std::fs::remove_dir_all(&home);
}
