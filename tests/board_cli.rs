//! `quai board` end to end: `--once` and `--json` against the demo server,
//! clear failures, and the interactive board in a real terminal (tmux).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use quai::demo::ServerOptions;

mod support;
use support::{run, text};

fn home(name: &str) -> PathBuf {
    support::home("board", name)
}

fn quai(home: &Path, url: &str) -> Command {
    support::quai_command(home, Some((url, "demo")))
}

#[tokio::test]
async fn once_prints_the_board_as_text() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = home("once");
    let mut cmd = quai(&h, &s.url());
    cmd.args(["board", "ile france", "crous", "--once", "--nb", "3"]);
    let out = run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("quai · Ginko"), "{stdout}");
    assert!(lines[1].starts_with("⚠ T2"), "the alert: {stdout}");
    // Each place's heading, with the count of its messages not in the
    // banner when it has some.
    let heading = |name: &str| {
        lines
            .iter()
            .any(|l| *l == name || l.starts_with(&format!("{name} · ⓘ ")))
    };
    assert!(
        heading("Ile de France") && heading("Crous Université"),
        "{stdout}"
    );
    let t1 = lines
        .iter()
        .find(|l| l.trim_start().starts_with("T1") && l.contains("Chalezeule"))
        .expect("a T1 row");
    assert_eq!(
        // A time not located has its theoretical time beside it.
        t1.matches(" min").count()
            + t1.matches("Non localisé").count()
            + t1.matches("approche").count()
            - t1.matches("Non localisé · ≈ ").count(),
        3,
        "{t1}"
    );
    // Trams before buses, LIANES before urban lines.
    let position = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.trim_start().starts_with(prefix))
            .unwrap()
    };
    assert!(
        position("T1") < position("T2")
            && position("T2") < position("L4")
            && position("L4") < position("10 ")
    );
    assert!(stdout.contains("mis à jour il y a 0 s"), "{stdout}");
    assert!(stdout.contains("ODbL"));
    // The stop index is cached for the next run.
    let cache = h.join(".cache/quai/ginko");
    assert!(
        cache.join("arrets.json").is_file(),
        "{:?}",
        std::fs::read_dir(&h).unwrap().collect::<Vec<_>>()
    );
    assert!(cache.join("variantes.json").is_file());
}

#[tokio::test]
async fn json_prints_the_same_snapshot() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = home("json");
    let mut cmd = quai(&h, &s.url());
    cmd.env("XDG_CACHE_HOME", h.join("cache"))
        .args(["board", "Rivotte", "Gare Viotte", "--json"]);
    let out = run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["stale"], false);
    assert_eq!(json["places"][0]["name"], "Rivotte");
    let rows = json["places"][0]["rows"].as_array().unwrap();
    let notice = |line: &str| {
        rows.iter()
            .find(|r| r["line"]["number"] == line)
            .map(|r| r["cells"][0]["shown"].clone())
            .unwrap()
    };
    assert_eq!(
        notice("L5"),
        serde_json::json!({"kind": "notice", "text": "Perturbations"})
    );
    assert_eq!(
        notice("11"),
        serde_json::json!({"kind": "notice", "text": "Travaux"})
    );
    let viotte = &json["places"][1];
    let l3 = viotte["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["line"]["number"] == "L3")
        .unwrap();
    assert_eq!(l3["line"]["background"], serde_json::json!([0, 106, 179]));
    assert!(l3["cells"][0]["seconds"].as_i64().is_some());
    assert!(
        h.join("cache/quai/ginko/arrets.json").is_file(),
        "XDG_CACHE_HOME is honoured"
    );
}

#[tokio::test]
async fn no_data_is_a_clear_failure() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = home("fail");
    let mut cmd = quai(&h, &s.url());
    cmd.args(["board", "Tombouctou", "--once"]);
    let out = run(cmd).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("pas de tel lieu sur le réseau : Tombouctou"),
        "{}",
        text(&out.stderr)
    );

    let mut cmd = quai(&h, "http://127.0.0.1:9");
    cmd.args(["board", "Chamars", "--json"]);
    let out = run(cmd).await;
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("serveur injoignable"),
        "{}",
        text(&out.stderr)
    );

    let refusing = support::demo_at(
        "08:00",
        ServerOptions {
            refuse_key: true,
            ..Default::default()
        },
    )
    .await;
    let mut cmd = quai(&h, &refusing.url());
    cmd.args(["board", "Chamars", "--once"]);
    let out = run(cmd).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("clé de l'API a été refusée"),
        "{}",
        text(&out.stderr)
    );

    let mut cmd = quai(&h, &s.url());
    cmd.args(["board", "Chamars", "--once", "--nb", "9"]);
    let out = run(cmd).await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("nb"), "{}", text(&out.stderr));
}

#[tokio::test]
async fn cached_stops_and_lines_spare_requests_to_a_flaky_server() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = home("stalecache");
    let mut first = quai(&h, &s.url());
    first.args(["board", "Chamars", "--once"]);
    assert!(run(first).await.status.success());
    // Every second request fails from now on: the cached stops and lines
    // spare the requests that would fail.
    let flaky = support::demo_at(
        "08:00",
        ServerOptions {
            fail_every: Some(2),
            ..Default::default()
        },
    )
    .await;
    let mut again = quai(&h, &flaky.url());
    again.args(["board", "Chamars", "--once"]);
    let out = run(again).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Chamars"));
}

#[tokio::test]
async fn many_places_resolve_against_a_server_that_fails_every_third_request() {
    // Five places need a dozen requests to resolve; a failure keeps what
    // was fetched, so that the next attempt goes on from there.
    let flaky = support::demo_at(
        "08:00",
        ServerOptions {
            fail_every: Some(3),
            ..Default::default()
        },
    )
    .await;
    let h = home("flakyresolve");
    let mut outputs = Vec::new();
    for _ in 0..4 {
        let mut cmd = quai(&h, &flaky.url());
        cmd.args([
            "board",
            "Crous Université",
            "Ile de France",
            "République",
            "Chamars",
            "Pôle Viotte",
            "--once",
        ]);
        let out = run(cmd).await;
        // A board printed: 0, or 3 when a refresh met a failure.
        let ok = matches!(out.status.code(), Some(0 | 3));
        outputs.push(text(&out.stderr));
        if ok {
            assert!(text(&out.stdout).contains("République"));
            break;
        }
    }
    assert!(outputs.len() <= 3, "{outputs:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interactive_board_starts_shows_departures_and_restores_the_terminal() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = home("tui");
    let command = format!(
        "env -i HOME={} PATH=/usr/bin:/bin TERM=xterm-256color GINKO_API_URL={} GINKO_API_KEY=demo {} board 'Ile de France'; echo QUAI-EXITED-$?; sleep 5",
        h.display(),
        s.url(),
        env!("CARGO_BIN_EXE_quai")
    );
    let blocking = tokio::task::spawn_blocking(move || {
        let t = support::Terminal::start(&h, &command, 100, 30);
        let screen = t.wait("the board", 15, |s| s.contains("mis à jour il y a"));
        let board_ok = screen.contains("Ile de France")
            && screen.contains("Chalezeule")
            && screen.contains(" min");
        t.keys(&["?"]);
        let help = t.wait("the help", 15, |s| s.contains("Légende"));
        t.keys(&["Escape"]);
        std::thread::sleep(Duration::from_millis(300));
        t.keys(&["/"]);
        t.wait("the search", 15, |s| s.contains("Rechercher un arrêt"));
        t.keys(&["-l", "chateau"]);
        let search = t.wait("the query", 15, |s| s.contains("> chateau"));
        t.keys(&["Enter"]);
        let opened = t.wait("the place opened", 15, |s| {
            s.lines()
                .any(|l| l.starts_with(" Châteaufarine ") && l.ends_with('─'))
        });
        std::thread::sleep(Duration::from_millis(300));
        t.keys(&["q"]);
        let after = t.wait("the exit", 15, |s| s.contains("QUAI-EXITED-"));
        (screen, board_ok, help, search, opened, after)
    });
    let (screen, board_ok, help, search, opened, after) = blocking.await.unwrap();
    assert!(search.contains("> chateau"), "{search}");
    assert!(
        opened.contains(" Châteaufarine ") && opened.contains("L4"),
        "{opened}"
    );
    assert!(board_ok, "{screen}");
    assert!(help.contains("Non localisé"), "{help}");
    assert!(after.contains("QUAI-EXITED-0"), "{after}");
    assert!(
        !after.contains("Chalezeule"),
        "the alternate screen is left:\n{after}"
    );
}

/// SIGTERM, SIGINT and SIGHUP leave the board the way `q` does: the
/// alternate screen left, the cursor shown, raw mode off (the shell's echo
/// works again), exit status 0. A panic leaves the terminal as well.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signals_restore_the_terminal() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let url = s.url();
    let done = tokio::task::spawn_blocking(move || {
        for signal in ["TERM", "INT", "HUP", "panic"] {
            let h = home(&format!("signal-{signal}"));
            let pid_file = h.join("pid");
            // The debug binary panics after its first frame when asked.
            let panic = if signal == "panic" {
                "QUAI_DEBUG_PANIC=1"
            } else {
                ""
            };
            let command = format!(
                "env -i HOME={home} PATH=/usr/bin:/bin TERM=xterm-256color GINKO_API_URL={url} GINKO_API_KEY=demo {panic} \
                 sh -c 'echo $$ > {pid}; exec {quai} board Chamars'; echo QUAI-EXITED-$?; stty -a | grep -o -- ' -icanon\\| icanon'; sleep 30",
                home = h.display(),
                pid = pid_file.display(),
                quai = env!("CARGO_BIN_EXE_quai"),
            );
            let terminal = support::Terminal::start(&h, &command, 100, 30);
            let status = if signal == "panic" {
                "QUAI-EXITED-101"
            } else {
                terminal.wait("the board", 15, |s| s.contains("mis à jour il y a"));
                assert_eq!(
                    terminal.display("#{alternate_on}"),
                    "1",
                    "{signal}: the board uses the alternate screen"
                );
                terminal.signal(&pid_file, signal);
                "QUAI-EXITED-0"
            };
            let after = terminal.wait("the exit", 15, |s| s.contains("icanon"));
            assert!(after.contains(status), "{signal}:\n{after}");
            if signal == "panic" {
                assert!(
                    after.contains("a panic on purpose"),
                    "the message is readable:\n{after}"
                );
            }
            assert!(
                !after.contains("Chalezeule"),
                "{signal}: the alternate screen is left:\n{after}"
            );
            assert!(
                after.contains(" icanon") && !after.contains("-icanon"),
                "{signal}: raw mode is off:\n{after}"
            );
            assert_eq!(
                terminal.display("#{alternate_on} #{cursor_flag}"),
                "0 1",
                "{signal}: alternate screen off, cursor shown"
            );
        }
    });
    done.await.unwrap();
}

/// A board started from a shell whose terminal goes away (a closed window,
/// a lost SSH connection, a killed tmux session) leaves at once, without a
/// core spent on the terminal that is gone or a `tput` run for its size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_that_goes_away_ends_the_board() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = home("gone");
    let env = format!("GINKO_API_URL={} GINKO_API_KEY=demo", s.url());
    for shell_ignores_hangup in [false, true] {
        let h = h.join(if shell_ignores_hangup {
            "no-signal"
        } else {
            "signal"
        });
        std::fs::create_dir_all(&h).unwrap();
        let env = env.clone();
        let closed = tokio::task::spawn_blocking(move || {
            support::close_terminal_under(
                &h,
                &env,
                "board Chamars",
                "mis à jour il y a",
                Duration::from_secs(3),
                shell_ignores_hangup,
            )
        })
        .await
        .unwrap();
        assert!(closed.screen.contains("Chamars"), "{}", closed.screen);
        let gone_after = closed
            .gone_after
            .unwrap_or_else(|| panic!("the board outlived its terminal: {closed:?}"));
        assert!(gone_after < Duration::from_secs(3), "{closed:?}");
        assert!(!closed.ran_tput, "no tput: {closed:?}");
        if shell_ignores_hangup {
            // No signal came: the end of input or a failed frame told it.
            assert_eq!(closed.status.as_deref(), Some("0"), "{closed:?}");
        }
    }
}
