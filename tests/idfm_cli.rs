//! IDFM through the binary, against the demo server on 127.0.0.1: a mixed
//! board, the JSON, the quota, refused and missing keys, the settings.

use std::path::Path;
use std::process::Command;

use quai::demo::{self, DemoServer, ServerOptions};

mod support;
use support::{run, text};

/// The binary with Ginko and IDFM at the demo server; `token` and
/// `dataset_key` as given.
fn quai(home: &Path, s: &DemoServer, token: &str, dataset_key: Option<&str>) -> Command {
    let mut cmd = support::quai_command(home, Some((&s.url(), demo::DEMO_KEY)));
    support::with_idfm(&mut cmd, &s.url(), token, dataset_key);
    cmd
}

#[tokio::test]
async fn a_mixed_board_shows_both_networks_lifts_and_the_schedule() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = support::home("idfm", "mixed");
    let mut cmd = quai(&h, &s, demo::DEMO_KEY, Some(demo::DEMO_KEY));
    cmd.args(["board", "idfm:\"chatelet\"", "ginko:crous", "--once"]);
    let out = run(cmd).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.starts_with("quai · Ginko + IDFM"), "{stdout}");
    assert!(
        stdout.contains("Châtelet-Les Halles · IDFM · ⚠ 2 ascenseurs hors service"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ascenseur Salle d'échange - Quai RER B → Quai 2 : hors service (panne")
    );
    assert!(stdout.contains("Crous Université · Ginko"), "{stdout}");
    assert!(
        stdout.contains("Supprimé voie"),
        "a cancelled train with its platform: {stdout}"
    );
    assert!(
        stdout.contains("train long]") || stdout.contains("train court]"),
        "missions: {stdout}"
    );
    assert!(
        stdout.contains("IDFM actualisé toutes les 180 s · quota 1000/jour · 2 requêtes par tour"),
        "two stop areas: {stdout}"
    );
    // Without the dataset key, the lifts are said unknown, never working.
    let mut cmd = quai(&h, &s, demo::DEMO_KEY, None);
    cmd.args(["board", "idfm:chatelet", "--once"]);
    let stdout = text(&run(cmd).await.stdout);
    assert!(
        stdout.contains("état des ascenseurs : clé de jeu de données absente"),
        "{stdout}"
    );
    let mut cmd = quai(&h, &s, demo::DEMO_KEY, Some("not-the-dataset-key"));
    cmd.args(["board", "idfm:chatelet", "--once"]);
    let stdout = text(&run(cmd).await.stdout);
    assert!(stdout.contains("clé de jeu de données refusée"), "{stdout}");
    assert!(!stdout.contains("not-the-dataset-key"));
}

#[tokio::test]
async fn the_json_gives_instants_with_offsets_status_platform_and_theoretical() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = support::home("idfm", "json");
    let mut cmd = quai(&h, &s, demo::DEMO_KEY, None);
    cmd.args(["--network", "idfm", "board", "gare de lyon", "--json"]);
    let out = run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let place = &json["places"][0];
    assert_eq!(place["name"], "Gare de Lyon");
    let cells: Vec<&serde_json::Value> = place["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap())
        .collect();
    assert!(!cells.is_empty());
    for c in &cells {
        let instant = if c["status"] == "cancelled" {
            assert!(
                c.get("expected").is_none(),
                "a cancelled train is not expected"
            );
            &c["aimed"]
        } else {
            &c["expected"]
        };
        let expected = instant.as_str().unwrap();
        let offset = &expected[expected.len() - 6..];
        assert!(offset == "+01:00" || offset == "+02:00", "{expected}");
        assert!(c["status"].is_string() && c["theoretical"].is_boolean());
    }
    assert!(cells.iter().any(|c| c["platform"] == "A"));
    assert!(cells.iter().any(|c| c["status"] == "cancelled"));
    let rows = place["rows"].as_array().unwrap();
    let bus = rows.iter().find(|r| r["line"]["number"] == "91").unwrap();
    assert!(
        bus["cells"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["theoretical"] == true)
    );
    assert!(json["schedule"].as_str().unwrap().contains("90 s"));
}

#[tokio::test]
async fn refused_keys_and_spent_quotas_are_explained_without_the_key() {
    let faults = support::home("idfm", "faults").join("fault");
    let s = DemoServer::start_with_clock(
        ([127, 0, 0, 1], 0).into(),
        ServerOptions {
            fault_file: Some(faults.clone()),
            ..ServerOptions::default()
        },
        demo::clock_starting_at(None),
    )
    .await
    .unwrap();
    let h = support::home("idfm", "refused");
    let mut cmd = quai(&h, &s, "s3cr3t-token", None);
    cmd.args(["board", "idfm:gare de lyon", "--once"]);
    let out = run(cmd).await;
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("IDFM_API_KEY") && stderr.contains("401"),
        "{stderr}"
    );
    // In the interface's language (French here), not in English.
    assert!(
        stderr.contains("PRIM a refusé le jeton") && !stderr.contains("refused"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cr3t") && !text(&out.stdout).contains("s3cr3t"));
    std::fs::write(&faults, "429 stop-monitoring").unwrap();
    let mut cmd = quai(&h, &s, demo::DEMO_KEY, None);
    cmd.args(["board", "idfm:gare de lyon", "--once"]);
    let out = run(cmd).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("quota PRIM du jour est épuisé"),
        "{}",
        text(&out.stderr)
    );
    // The quota is remembered: no request until the reset.
    let mut cmd = quai(&h, &s, demo::DEMO_KEY, None);
    cmd.args(["quota"]);
    let out = run(cmd).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("idfm stop-monitoring"), "{stdout}");
    // The refused token's request, and the one that met the 429.
    assert!(
        stdout.contains("envoyées aujourd'hui par quai : 2"),
        "{stdout}"
    );
    assert!(
        stdout.contains("quota épuisé : aucune requête avant"),
        "{stdout}"
    );
    // A mixed board still shows Ginko's places, and says why IDFM's is empty.
    let mut cmd = quai(&h, &s, demo::DEMO_KEY, None);
    cmd.args(["board", "idfm:gare de lyon", "ginko:crous", "--once"]);
    let out = run(cmd).await;
    let stdout = text(&out.stdout);
    // Printed, with a place that has no live data: exit status 3.
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        stdout.contains("Gare de Lyon · IDFM · quota atteint jusqu'à"),
        "{stdout}"
    );
    assert!(stdout.contains("Crous Université · Ginko"), "{stdout}");
    std::fs::remove_file(&faults).unwrap();
    let mut cmd = quai(&h, &s, demo::DEMO_KEY, None);
    cmd.args(["board", "idfm:gare de lyon", "--once"]);
    let out = run(cmd).await;
    assert!(
        !out.status.success(),
        "still spent: nothing is sent before the reset"
    );
}

#[tokio::test]
async fn settings_name_the_keys_files_and_the_default_network() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = support::home("idfm", "settings");
    let dir = h.join(".config/quai");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("prim.key"), format!("{}\n", demo::DEMO_KEY)).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "default_network = \"idfm\"\n[idfm]\napi_key_file = \"prim.key\"\nprim_url = \"{0}{1}\"\ndata_url = \"{0}{2}\"\ndaily_quota = 2000\n",
            s.url(),
            demo::idfm::PRIM_PATH,
            demo::idfm::DATA_PATH
        ),
    )
    .unwrap();
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["board", "mairie montreuil", "--once"]);
    let out = run(cmd).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("Mairie (Montreuil)") && stdout.contains("M9"),
        "{stdout}"
    );
    assert!(
        stdout.contains("toutes les 50 s · quota 2000/jour"),
        "{stdout}"
    );
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["stops", "mairie"]);
    let stdout = text(&run(cmd).await.stdout);
    assert!(
        stdout.contains("Mairie (Clichy)") && stdout.contains("Mairie (Montreuil)"),
        "{stdout}"
    );
    // A plain http URL to another machine would carry the token in clear.
    std::fs::write(
        dir.join("config.toml"),
        "[idfm]\napi_key = \"x\"\nprim_url = \"http://prim.example.org/marketplace\"\n",
    )
    .unwrap();
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["board", "idfm:x", "--once"]);
    let out = run(cmd).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("pas de http:// en clair"),
        "{}",
        text(&out.stderr)
    );
}

/// A port of 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn an_idfm_place_without_a_token_says_the_key_is_missing() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = support::home("idfm", "no-token");
    for args in [
        &["board", "idfm:chatelet", "--once"][..],
        &["stops", "idfm:chatelet"],
    ] {
        let mut cmd = support::quai_command(&h, Some((&s.url(), demo::DEMO_KEY)));
        cmd.args(args);
        let out = run(cmd).await;
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr.contains("le réseau IDFM n'est pas configuré")
                && stderr
                    .contains("définissez IDFM_API_KEY (ou [idfm] dans le fichier de réglages)"),
            "{args:?}: {stderr}"
        );
        assert!(
            !stderr.contains("aucun lieu ne correspond") && !stderr.contains("pas de tel lieu"),
            "{args:?}: {stderr}"
        );
    }
    // Beside a place that is found, the board shows it and says why the
    // other is missing.
    let mut cmd = support::quai_command(&h, Some((&s.url(), demo::DEMO_KEY)));
    cmd.args(["board", "crous", "idfm:chatelet", "--once"]);
    let out = run(cmd).await;
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Crous Université"), "{stdout}");
    assert!(
        stdout.contains("idfm:chatelet : le réseau IDFM n'est pas configuré"),
        "{stdout}"
    );
    // It could not be looked up: it is not "unknown", and a script knows
    // that a place has no live data.
    assert!(!stdout.contains("Arrêt inconnu"), "{stdout}");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
}

#[tokio::test]
async fn an_unreachable_portal_without_a_cache_says_so_and_where() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = support::home("idfm", "no-portal");
    let portal = format!("http://127.0.0.1:{}/data", closed_port());
    for args in [
        &["board", "idfm:chatelet", "--once"][..],
        &["stops", "idfm:chatelet"],
        &["stops", "chatelet"],
    ] {
        let mut cmd = quai(&h, &s, demo::DEMO_KEY, Some(demo::DEMO_KEY));
        cmd.env("IDFM_DATA_URL", &portal).args(args);
        let out = run(cmd).await;
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr.contains(&format!(
                "IDFM : la liste des gares n'a pu être lue sur le portail {portal}"
            )) && stderr.contains("aucune copie n'est en cache")
                && stderr.contains("(IDFM_DATA_URL ou data_url de [idfm])"),
            "{args:?}: {stderr}"
        );
        assert!(
            !stderr.contains("aucun lieu ne correspond") && !stderr.contains("pas de tel lieu"),
            "{args:?}: {stderr}"
        );
    }
    // With IDFM alone, the same words.
    let mut cmd = support::quai_command(&h, None);
    support::with_idfm(&mut cmd, &s.url(), demo::DEMO_KEY, None);
    cmd.env("IDFM_DATA_URL", &portal)
        .args(["board", "chatelet", "--once"]);
    let stderr = text(&run(cmd).await.stderr);
    assert!(
        stderr.contains("IDFM : la liste des gares n'a pu être lue sur le portail"),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_status_line_gives_the_period_of_the_requests_a_round() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = support::home("idfm", "period");
    // Two stations asked by their own ids: two requests a round, within
    // 1000 a day every 180 s (86,400 × 2 / 1000 = 172.8, rounded up).
    let mut cmd = quai(&h, &s, demo::DEMO_KEY, Some(demo::DEMO_KEY));
    cmd.args(["board", "idfm:gare de lyon", "idfm:la defense", "--once"]);
    let stdout = text(&run(cmd).await.stdout);
    assert!(
        stdout.contains("IDFM actualisé toutes les 180 s · quota 1000/jour · 2 requêtes par tour"),
        "{stdout}"
    );
    // The demo's two stations: Châtelet-Les Halles is answered through its
    // two stop areas, three requests a round: every 260 s (259.2).
    let mut cmd = support::quai_command(&h, None);
    cmd.args(["demo", "--once"]);
    let out = run(cmd).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains(
            "IDFM (démo) actualisé toutes les 260 s · quota 1000/jour · 3 requêtes par tour"
        ),
        "{stdout}"
    );
}

/// On the full-screen board, a place that could not be looked up (no IDFM
/// key) is not called unknown and its reason is read whole, wrapped; when
/// it is the only place, the board says that reason, not only "waiting".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_says_why_a_place_could_not_be_looked_up_whole() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    // A home each: a terminal's tmux server has its socket there.
    let (h, h2) = (
        support::home("idfm", "tui-no-token"),
        support::home("idfm", "tui-no-token-mixed"),
    );
    let command = |h: &Path, places: &str| {
        format!(
            "env -i HOME={} PATH=/usr/bin:/bin TERM=xterm-256color GINKO_API_URL={} GINKO_API_KEY={} {} board {places}; sleep 5",
            h.display(),
            s.url(),
            demo::DEMO_KEY,
            env!("CARGO_BIN_EXE_quai")
        )
    };
    let (alone, mixed) = (
        command(&h, "idfm:chatelet"),
        command(&h2, "crous idfm:chatelet"),
    );
    let screens = tokio::task::spawn_blocking(move || {
        let t = support::Terminal::start(&h, &alone, 40, 12);
        let alone = t.wait("the reason", 15, |s| s.contains("IDFM_API_KEY"));
        drop(t);
        let t = support::Terminal::start(&h2, &mixed, 80, 24);
        let mixed = t.wait("the board", 15, |s| {
            s.contains("Crous Université") && s.contains("IDFM_API_KEY")
        });
        (alone, mixed)
    });
    let (alone, mixed) = screens.await.unwrap();
    let words = |screen: &str| screen.split_whitespace().collect::<Vec<_>>().join(" ");
    let reason = "idfm:chatelet : le réseau IDFM n'est pas configuré : sa clé manque ; \
                  définissez IDFM_API_KEY (ou [idfm] dans le fichier de réglages)";
    assert!(words(&alone).contains(reason), "{alone}");
    assert!(words(&mixed).contains(reason), "{mixed}");
    assert!(!mixed.contains("inconnu"), "{mixed}");
}
