//! The `quai` binary as a user runs it, against the demo server on 127.0.0.1.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use quai::demo::{DemoServer, ServerOptions};

mod support;
use support::text;

const CANARY: &str = "CANARY-7d1c-never-shown";

/// An empty home folder, so that no user file is read or written.
fn home(name: &str) -> PathBuf {
    support::home("cli", name)
}

fn quai(home: &Path) -> Command {
    support::quai_command(home, None)
}

async fn server(options: ServerOptions) -> DemoServer {
    DemoServer::start(([127, 0, 0, 1], 0).into(), options)
        .await
        .unwrap()
}

async fn run(cmd: &mut Command) -> Output {
    let mut cmd = std::mem::replace(cmd, Command::new("true"));
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn api_prints_the_decoded_objets() {
    let s = server(ServerOptions::default()).await;
    let h = home("api");
    let out = run(quai(&h)
        .env("GINKO_API_URL", s.url())
        .env("GINKO_API_KEY", "demo")
        .args(["api", "TR/getTempsLieu", "nom=ile france", "nb=3"]))
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["nomExact"], "Ile de France");
    assert!(json["listeTemps"].is_array());

    let out = run(quai(&h).env("GINKO_API_KEY", "demo").args([
        "--api-url",
        &s.url(),
        "api",
        "/DR/getLignes.do",
    ]))
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json.as_array().unwrap().len() >= 10);
    assert_eq!(
        std::fs::read_dir(&h).unwrap().count(),
        0,
        "nothing written in HOME"
    );
}

#[tokio::test]
async fn api_failures_print_the_typed_error_and_exit_non_zero() {
    let s = server(ServerOptions::default()).await;
    let h = home("api-fail");
    let out = run(quai(&h)
        .env("GINKO_API_URL", s.url())
        .env("GINKO_API_KEY", CANARY)
        .args(["api", "TR/getTempsLieu", "nom=Chamars", "nb=9"]))
    .await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("le serveur a refusé la requête") && err.contains("nb"),
        "{err}"
    );

    let refusing = server(ServerOptions {
        refuse_key: true,
        ..Default::default()
    })
    .await;
    let out = run(quai(&h)
        .env("GINKO_API_URL", refusing.url())
        .env("GINKO_API_KEY", CANARY)
        .args(["api", "DR/getLignes"]))
    .await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("clé de l'API a été refusée"), "{err}");
    assert!(!err.contains(CANARY) && !text(&out.stdout).contains(CANARY));

    let out = run(quai(&h)
        .env("GINKO_API_URL", s.url())
        .env("GINKO_API_KEY", "demo")
        .args(["api", "DR/getLignes", "apiKey=x"]))
    .await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("ne se donne pas sur la ligne de commande"));

    let out = run(quai(&h)
        .env("GINKO_API_URL", "http://127.0.0.1:9")
        .env("GINKO_API_KEY", CANARY)
        .args(["api", "DR/getLignes"]))
    .await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("serveur injoignable"), "{err}");
    assert!(!err.contains(CANARY));
}

#[tokio::test]
async fn a_missing_key_says_how_to_get_one() {
    let h = home("nokey");
    let out = run(quai(&h).args(["api", "DR/getLignes"])).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("ginko.support-ssi@keolis.com"), "{err}");
    assert!(err.contains("quai key trial"), "{err}");
    assert!(err.contains("quai demo"), "{err}");
}

#[tokio::test]
async fn plain_http_is_refused_except_to_loopback() {
    let h = home("http");
    let out = run(quai(&h).env("GINKO_API_KEY", CANARY).args([
        "--api-url",
        "http://api.ginko.voyage",
        "api",
        "DR/getLignes",
    ]))
    .await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("pas de http:// en clair"), "{err}");
    assert!(!err.contains(CANARY));
}

#[tokio::test]
async fn settings_file_gives_the_key_and_a_corrupt_one_is_named() {
    let s = server(ServerOptions::default()).await;
    let h = home("settings");
    let settings = h.join("quai.toml");
    std::fs::write(h.join("key.txt"), "demo\n").unwrap();
    std::fs::write(
        &settings,
        format!("api_key_file = \"key.txt\"\napi_url = \"{}\"\n", s.url()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = h.join("key.txt");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = run(quai(&h)
            .env("QUAI_CONFIG", &settings)
            .args(["api", "Tarifs/get"]))
        .await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!(
                "quai: attention : le fichier de clé {} est lisible par d'autres utilisateurs",
                key.display()
            )),
            "{err}"
        );
        assert!(
            !err.contains("demo\n"),
            "the key itself is not shown: {err}"
        );
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = run(quai(&h)
        .env("QUAI_CONFIG", &settings)
        .args(["api", "Tarifs/get"]))
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Ticket 1 voyage"));
    assert!(
        !text(&out.stderr).contains("other users"),
        "no warning at 600"
    );

    let before = "api_url = \"x\"\nnot toml at all\n";
    std::fs::write(&settings, before).unwrap();
    let out =
        run(quai(&h).args(["--config", settings.to_str().unwrap(), "api", "Tarifs/get"])).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("quai.toml") && err.contains("ligne 2"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&settings).unwrap(),
        before,
        "left as it was"
    );
}

/// `home` is checked when the settings are read, by every command that
/// reads them, not only when `n` needs it.
#[tokio::test]
async fn a_bad_home_in_the_settings_is_named_with_its_file_and_line() {
    let s = server(ServerOptions::default()).await;
    let h = home("badhome");
    let settings = h.join("quai.toml");
    let with_home = |home: &str| format!("api_url = \"{}\"\nhome = \"{home}\"\n", s.url());
    std::fs::write(&settings, with_home("47.2378,6.0241")).unwrap();
    let out = run(quai(&h)
        .env("QUAI_CONFIG", &settings)
        .env("GINKO_API_KEY", "demo")
        .args(["board", "Chamars", "--once"]))
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    std::fs::write(&settings, with_home("47.2378 6.0241")).unwrap();
    for args in [&["board", "Chamars", "--once"][..], &["api", "Tarifs/get"]] {
        let out = run(quai(&h)
            .env("QUAI_CONFIG", &settings)
            .env("GINKO_API_KEY", "demo")
            .args(args))
        .await;
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains(&settings.display().to_string())
                && err.contains("ligne 2")
                && err.contains("« 47.2378 6.0241 » n'est pas une position LAT,LON"),
            "{args:?}: {err}"
        );
    }
}

#[tokio::test]
async fn key_trial_prints_the_key_and_how_to_use_it() {
    let s = server(ServerOptions::default()).await;
    let h = home("trial");
    let out = run(quai(&h)
        .env("GINKO_API_URL", s.url())
        .args(["key", "trial"]))
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("demo-20"), "{stdout}");
    assert!(stdout.contains("export GINKO_API_KEY="), "{stdout}");
}

#[tokio::test]
async fn demo_once_runs_without_key_network_or_user_files() {
    let h = home("demo");
    let out = run(quai(&h).args(["demo", "--once", "--at", "08:00"])).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for (_, place) in quai::demo::favourite_places() {
        assert!(stdout.contains(place), "{place} missing from:\n{stdout}");
    }
    assert!(stdout.contains("ODbL"), "{stdout}");
    assert!(stdout.contains("08:00:0"), "the demo clock: {stdout}");
    assert!(stdout.contains(" min"), "departures by day: {stdout}");
    let night = run(quai(&h).args(["demo", "--once", "--at", "02:00"])).await;
    assert!(night.status.success());
    assert!(
        text(&night.stdout).contains("Aucun départ prévu"),
        "{}",
        text(&night.stdout)
    );
    assert_eq!(
        std::fs::read_dir(&h).unwrap().count(),
        0,
        "nothing written in HOME"
    );
}

#[test]
fn serve_demo_prints_its_url_and_answers() {
    let h = home("serve");
    let mut child = quai(&h)
        .args(["serve-demo", "--port", "0", "--fail-every", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .to_string();
    let call = |n: &str| {
        quai(&h)
            .env("GINKO_API_URL", &url)
            .env("GINKO_API_KEY", "demo")
            .args([
                "api",
                "DR/getArretsProches",
                &format!("latitude={n}"),
                "longitude=6.0242",
            ])
            .output()
            .unwrap()
    };
    let ok = call("47.2368");
    let failed = call("47.2368");
    child.kill().unwrap();
    let _ = child.wait();
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("Centre-ville - 8 Septembre"));
    assert!(!failed.status.success());
    assert!(
        text(&failed.stderr).contains("HTTP 503"),
        "{}",
        text(&failed.stderr)
    );
}

/// Every command can be tried on the demo network with `--demo`: no key,
/// no server to start, and nothing written to the user's files (the
/// favourites live in memory for the session).
#[tokio::test]
async fn every_command_runs_on_the_demo_network() {
    let h = home("demo-flag");
    // A settings file that would be refused: --demo reads none.
    let config = h.join(".config/quai");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "home = \"not a position\"\n").unwrap();
    let before = files(&h);
    let out = |args: &[&str]| {
        let mut cmd = quai(&h);
        cmd.arg("--demo").args(args);
        cmd
    };
    let stops = run(&mut out(&["stops", "chateau"])).await;
    assert!(stops.status.success(), "{}", text(&stops.stderr));
    assert!(text(&stops.stdout).contains("Châteaufarine"));
    let info = run(&mut out(&["info"])).await;
    assert!(text(&info.stdout).contains("[interruption] T2"));
    let fares = run(&mut out(&["tarifs", "--json"])).await;
    let fares: serde_json::Value = serde_json::from_slice(&fares.stdout).unwrap();
    assert!(!fares.as_array().unwrap().is_empty());
    let board = run(&mut out(&["board", "crous", "--json"])).await;
    assert!(board.status.success(), "{}", text(&board.stderr));
    let board: serde_json::Value = serde_json::from_slice(&board.stdout).unwrap();
    assert_eq!(board["places"][0]["name"], "Crous Université");
    let api = run(&mut out(&["api", "DR/getArrets"])).await;
    assert!(text(&api.stdout).contains("Chamars"));
    let status = run(&mut out(&["timetable", "status"])).await;
    assert!(
        text(&status.stdout).contains(" (démo, en mémoire)\n"),
        "{}",
        text(&status.stdout)
    );
    let add = run(&mut out(&["fav", "add", "chamars"])).await;
    assert!(add.status.success(), "{}", text(&add.stderr));
    let expected = format!(
        "Ajouté : Chamars ; {} favori(s)",
        quai::demo::favourite_places().len() + 1
    );
    assert!(
        text(&add.stdout).contains(&expected),
        "{}",
        text(&add.stdout)
    );
    assert!(text(&add.stdout).contains("non enregistrés"));
    // The next command starts from the demo's favourites again.
    let list = run(&mut out(&["fav", "list"])).await;
    assert!(
        !text(&list.stdout).contains("Chamars"),
        "{}",
        text(&list.stdout)
    );
    assert_eq!(files(&h), before, "no file written or removed");
    // Without --demo the bad settings file is named.
    let refused = run(quai(&h).args(["stops", "chateau"])).await;
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("n'est pas une position"));
}

/// Every file under `dir`, with its contents.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                found.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

/// The completions load in bash and complete the commands; the man page is
/// roff with every command.
#[tokio::test]
async fn completions_load_in_bash_and_the_man_page_lists_the_commands() {
    let h = home("docs");
    let quai_bin = env!("CARGO_BIN_EXE_quai");
    let script = format!(
        "source <('{quai_bin}' completions bash) && complete -p quai && \
         COMP_WORDS=(quai st) COMP_CWORD=1 COMP_LINE='quai st' COMP_POINT=7 && _quai quai st quai && \
         echo \"${{COMPREPLY[@]}}\""
    );
    let out = run(Command::new("bash").arg("-c").arg(script).env("HOME", &h)).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("-F _quai quai"), "{stdout}");
    assert!(stdout.lines().last().unwrap().contains("stops"), "{stdout}");
    let man = run(quai(&h).arg("man")).await;
    let page = text(&man.stdout);
    assert!(page.contains(".TH quai 1"), "{page}");
    for command in ["board", "kiosk", "stops", "fav", "completions", "--demo"] {
        assert!(
            page.contains(&command.replace('-', "\\-")),
            "{command} missing"
        );
    }
}
