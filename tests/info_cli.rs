//! `quai info` and `quai tarifs` against the demo server.

use quai::demo::{DemoServer, ServerOptions};

mod support;

fn quai(url: &str, args: &[&str]) -> (bool, String, String) {
    quai_with_key(url, "demo", args)
}

fn quai_with_key(url: &str, key: &str, args: &[&str]) -> (bool, String, String) {
    let home = std::env::temp_dir().join(format!("quai-info-{}", std::process::id()));
    let out = support::quai_command(&home, Some((url, key)))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn info_lists_the_messages_most_severe_first_with_their_html_laid_out() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let url = s.url();
    let (ok, out, err) = tokio::task::spawn_blocking(move || quai(&url, &["info"]))
        .await
        .unwrap();
    assert!(ok, "{err}");
    let headings: Vec<&str> = out.lines().filter(|l| l.starts_with('[')).collect();
    assert!(headings[0].starts_with("[interruption] T2 — "), "{out}");
    let last = headings.last().unwrap();
    assert!(last.starts_with("[information] 58 — "), "{out}");
    // The table of stops is aligned; lists are bullets; links listed below.
    let row = |name: &str| out.lines().find(|l| l.contains(name)).unwrap().to_string();
    assert_eq!(
        row("Arrêt non desservi").find('│'),
        row("Révolution (direction Gare Viotte)").find('│'),
        "{out}"
    );
    assert!(out.contains("   * Arrêt de report : Chamars"), "{out}");
    assert!(
        out.contains("[1]: https://www.ginko.voyage/travaux"),
        "{out}"
    );
    assert!(!out.contains("<p>") && !out.contains("&nbsp;"), "{out}");
    // The planned works start three days after the demo's day (Monday
    // 2026-11-23 here), whatever the day.
    let works = out
        .lines()
        .find(|l| l.contains("Travaux avenue de Montrapon"))
        .unwrap_or_default();
    assert_eq!(
        works,
        "[prévu] L4, 7 — Travaux avenue de Montrapon du 26 au 30 novembre"
    );

    let url = s.url();
    let (ok, json, err) = tokio::task::spawn_blocking(move || quai(&url, &["info", "--json"]))
        .await
        .unwrap();
    assert!(ok, "{err}");
    let list: serde_json::Value = serde_json::from_str(&json).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), headings.len());
    assert_eq!(list[0]["severity"], "interrupted");
    assert_eq!(list[0]["lines"][0], "T2");
    assert!(
        list[0]["text"]
            .as_str()
            .unwrap()
            .contains("Arrêt de report")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tarifs_prints_the_fares_by_kind() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let url = s.url();
    let (ok, out, err) = tokio::task::spawn_blocking(move || quai(&url, &["tarifs"]))
        .await
        .unwrap();
    assert!(ok, "{err}");
    let tickets = out.find("Tickets").unwrap();
    let monthly = out.find("Abonnements mensuels").unwrap();
    let yearly = out.find("Abonnements annuels").unwrap();
    assert!(tickets < monthly && monthly < yearly, "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("Ticket 1 voyage") && l.ends_with("1,60 €")),
        "{out}"
    );
    assert!(out.contains("où l'acheter : Agence commerciale"), "{out}");

    let url = s.url();
    let (ok, json, _) = tokio::task::spawn_blocking(move || quai(&url, &["tarifs", "--json"]))
        .await
        .unwrap();
    assert!(ok);
    let fares: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(fares[0]["kind"], "single");
    assert_eq!(fares[0]["price_eur"], 1.6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn info_says_why_when_the_server_fails() {
    let s = DemoServer::start(
        ([127, 0, 0, 1], 0).into(),
        ServerOptions {
            refuse_key: true,
            ..ServerOptions::default()
        },
    )
    .await
    .unwrap();
    let url = s.url();
    let (ok, out, err) =
        tokio::task::spawn_blocking(move || quai_with_key(&url, "canary-7f3a9", &["info"]))
            .await
            .unwrap();
    assert!(!ok);
    assert!(out.is_empty());
    assert!(err.contains("clé de l'API a été refusée"), "{err}");
    assert!(!err.contains("canary-7f3a9"), "the key never shows: {err}");
}

/// A reader that goes away (`quai info | head`) ends every printing
/// command quietly with status 0, as Unix tools do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_pipe_ends_the_output_quietly() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let url = s.url();
    let home = support::home("info", "pipe");
    std::fs::write(
        home.join("favorites.toml"),
        "[[favorite]]\nplace = \"Chamars\"\n",
    )
    .unwrap();
    let out = tokio::task::spawn_blocking(move || {
        let quai = env!("CARGO_BIN_EXE_quai");
        // `true` reads nothing and exits at once: quai writes to a closed
        // pipe. Each command's status and stderr are printed.
        let script = [
            "info",
            "info --json",
            "tarifs",
            "stops chateau",
            "board chamars --once",
            "board chamars --json",
            "--config favs/config.toml fav list",
        ]
        .iter()
        .map(|args| {
            format!("'{quai}' {args} 2>err | true; echo \"{args}: ${{PIPESTATUS[0]}} $(cat err)\"")
        })
        .collect::<Vec<_>>()
        .join("\n");
        std::fs::create_dir_all(home.join("favs")).unwrap();
        std::fs::copy(
            home.join("favorites.toml"),
            home.join("favs/favorites.toml"),
        )
        .unwrap();
        std::process::Command::new("bash")
            .arg("-c")
            .arg(script)
            .current_dir(&home)
            .env_clear()
            .env("HOME", &home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GINKO_API_URL", &url)
            .env("GINKO_API_KEY", "demo")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(report.lines().count(), 7, "{report}");
    for line in report.lines() {
        let (command, rest) = line.split_once(": ").unwrap();
        assert_eq!(rest.trim(), "0", "{command}: {rest}");
    }
}
