//! `quai stops` and `quai fav` as a user runs them, against the demo server.

use std::path::{Path, PathBuf};
use std::process::Output;

use quai::demo::{DemoServer, ServerOptions};

mod support;

fn home(name: &str) -> PathBuf {
    support::home("fav-cli", name)
}

async fn run(home: &Path, url: &str, args: &[&str]) -> Output {
    let mut cmd = support::quai_command(home, Some((url, "demo")));
    cmd.args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

async fn server() -> DemoServer {
    DemoServer::start(([127, 0, 0, 1], 0).into(), ServerOptions::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn stops_finds_places_by_name_and_near_a_position() {
    let s = server().await;
    let h = home("stops");
    let o = run(&h, &s.url(), &["stops", "chateaufarine"]).await;
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).starts_with("Châteaufarine  [CHFARI1 CHFARI2]"),
        "{}",
        out(&o)
    );
    let o = run(&h, &s.url(), &["stops", "ile fr"]).await;
    assert!(
        out(&o).starts_with("Ile de France  [ILDFRAN1 ILDFRAN2 t_ildfran1 t_ildfran2]"),
        "{}",
        out(&o)
    );
    let o = run(
        &h,
        &s.url(),
        &["stops", "--near", "47.2368,6.0242", "--limit", "3"],
    )
    .await;
    assert!(o.status.success(), "{}", err(&o));
    let lines: Vec<String> = out(&o).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].contains("Centre-ville - 8 Septembre"), "{lines:?}");
    let metres: Vec<f64> = lines
        .iter()
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert!(metres.windows(2).all(|w| w[0] <= w[1]), "{metres:?}");
    let o = run(&h, &s.url(), &["stops", "--near", "north pole"]).await;
    assert!(!o.status.success());
    assert!(err(&o).contains("n'est pas une position"), "{}", err(&o));
    let o = run(&h, &s.url(), &["stops", "zzzqqq"]).await;
    assert!(!o.status.success());
}

#[tokio::test]
async fn favourites_are_added_listed_moved_and_removed() {
    let s = server().await;
    let h = home("fav");
    let file = h.join(".config/quai/favorites.toml");
    let o = run(&h, &s.url(), &["fav", "list"]).await;
    assert!(out(&o).contains("Pas encore de favori"), "{}", out(&o));
    for args in [
        vec![
            "fav",
            "add",
            "ile france",
            "--line",
            "T1:aller",
            "--line",
            "L4",
            "--label",
            "Maison",
        ],
        vec!["fav", "add", "crous"],
        vec!["fav", "add", "Gare-Viotte"],
    ] {
        let o = run(&h, &s.url(), &args).await;
        assert!(o.status.success(), "{args:?}: {}", err(&o));
    }
    let o = run(&h, &s.url(), &["fav", "mv", "viotte", "1"]).await;
    assert!(o.status.success(), "{}", err(&o));
    let o = run(&h, &s.url(), &["fav", "list"]).await;
    assert_eq!(
        out(&o),
        " 1. Gare Viotte\n 2. Ile de France (Maison) — T1:aller, L4\n 3. Crous Université\n"
    );
    // Adding again changes the lines and label in place.
    let o = run(
        &h,
        &s.url(),
        &["fav", "add", "Crous Université", "--line", "L3:retour"],
    )
    .await;
    assert!(o.status.success(), "{}", err(&o));
    let o = run(&h, &s.url(), &["fav", "rm", "ile-de-france"]).await;
    assert!(o.status.success(), "{}", err(&o));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("place = \"Crous Université\"\nlines = [\"L3:retour\"]"),
        "{text}"
    );
    assert!(!text.contains("Ile de France"), "{text}");

    // Ambiguous and unknown names get suggestions, and nothing changes.
    let o = run(&h, &s.url(), &["fav", "add", "pole"]).await;
    assert!(!o.status.success());
    assert!(
        err(&o).contains("ambigu") && err(&o).contains("Pôle Temis"),
        "{}",
        err(&o)
    );
    let o = run(&h, &s.url(), &["fav", "rm", "Tombouctou"]).await;
    assert!(!o.status.success());
    let o = run(&h, &s.url(), &["fav", "add", "crous", "--line", "L3:nord"]).await;
    assert!(!o.status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

#[tokio::test]
async fn a_corrupt_favourites_file_is_never_overwritten() {
    let s = server().await;
    let h = home("corrupt");
    let dir = h.join(".config/quai");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = "[[favorite]]\nplace = \"Chamars\"\nlabel = \n";
    std::fs::write(dir.join("favorites.toml"), bad).unwrap();
    for args in [
        vec!["fav", "add", "crous"],
        vec!["fav", "rm", "Chamars"],
        vec!["fav", "list"],
        vec![],
    ] {
        let o = run(&h, &s.url(), &args).await;
        assert!(!o.status.success(), "{args:?}");
        assert!(
            err(&o).contains("favorites.toml, ligne 3"),
            "{args:?}: {}",
            err(&o)
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("favorites.toml")).unwrap(),
        bad
    );
}

#[tokio::test]
async fn unreadable_settings_and_favourites_are_clear_errors() {
    let s = server().await;
    // A folder where a file is expected cannot be read, even by root.
    let h = home("unreadable-favs");
    let dir = h.join(".config/quai");
    std::fs::create_dir_all(dir.join("favorites.toml")).unwrap();
    for args in [vec!["fav", "list"], vec!["fav", "add", "crous"]] {
        let o = run(&h, &s.url(), &args).await;
        assert!(!o.status.success(), "{args:?}");
        assert!(err(&o).contains("favorites.toml"), "{args:?}: {}", err(&o));
        assert!(!err(&o).contains("panicked"), "{}", err(&o));
    }
    assert!(dir.join("favorites.toml").is_dir(), "left as it was");

    let h = home("unreadable-settings");
    let dir = h.join(".config/quai");
    std::fs::create_dir_all(dir.join("config.toml")).unwrap();
    let o = run(&h, &s.url(), &["board", "Chamars", "--once"]).await;
    assert!(!o.status.success());
    assert!(err(&o).contains("config.toml"), "{}", err(&o));
    assert!(!err(&o).contains("panicked"), "{}", err(&o));

    // Empty files are no favourites and default settings.
    let h = home("empty-files");
    let dir = h.join(".config/quai");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("favorites.toml"), "").unwrap();
    std::fs::write(dir.join("config.toml"), "").unwrap();
    let o = run(&h, &s.url(), &["fav", "list"]).await;
    assert!(o.status.success(), "{}", err(&o));
    let o = run(&h, &s.url(), &["board", "Chamars", "--once"]).await;
    assert!(o.status.success(), "{}", err(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Chamars"));
}
