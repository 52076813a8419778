//! A canary key through the real binary: servers that echo it back in every
//! way they can, a redirect to another host, a refused plain `http://`. The
//! key must appear in no output, no error, no screen, no file and no URL;
//! only in the form body sent to the configured server.

mod support;
use support::text;

use std::path::Path;

use support::{Reply, Scripted, Terminal, home, quai_command};

const CANARY: &str = "CANARY-7d1c2b9e4f";

/// Every file under `dir` that contains the canary.
fn files_with_canary(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_with_canary(&path));
        } else if std::fs::read(&path)
            .map(|bytes| text(&bytes).contains(CANARY))
            .unwrap_or(false)
        {
            found.push(path.display().to_string());
        }
    }
    found
}

async fn once(home: &Path, url: &str) -> (String, bool) {
    let mut cmd = quai_command(home, Some((url, CANARY)));
    cmd.args(["board", "Chamars", "--once"]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    (text(&out.stdout) + &text(&out.stderr), out.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_shows_nowhere_but_in_the_form_body() {
    let h = home("canary", "echo");
    // Another host: it must never be reached.
    let elsewhere = Scripted::start(|_| Reply::json("{}")).await;
    let elsewhere_url = elsewhere.url.replace("127.0.0.1", "localhost");
    let echoes: Vec<Reply> = vec![
        Reply::html(
            503,
            &format!("<html><body>Erreur pour apiKey={CANARY}</body></html>"),
        ),
        Reply::json(format!(r#"{{"ok":false,"msg":"Clé {CANARY} invalide"}}"#)),
        Reply::json(format!(r#"{{"ok":false,"msg":"Refus de {CANARY}"}}"#)),
        Reply::json(format!(r#"{{"ok":true,"objets":[{{"nom":"{CANARY}"#)),
        Reply {
            headers: vec![format!(
                "Location: {elsewhere_url}/DR/getArrets.do?apiKey={CANARY}"
            )],
            ..Reply::html(307, "moved")
        },
    ];
    for echo in echoes {
        let server = Scripted::start(move |_| echo.clone()).await;
        let (output, ok) = once(&h, &server.url).await;
        assert!(!ok, "{output}");
        assert!(!output.contains(CANARY), "the key leaked:\n{output}");
        let requests = server.requests();
        assert!(!requests.is_empty());
        for r in &requests {
            assert!(!r.path.contains(CANARY), "the key is in a URL: {}", r.path);
            assert!(
                r.headers.iter().all(|(_, v)| !v.contains(CANARY)),
                "the key is in a header: {:?}",
                r.headers
            );
        }
        assert!(
            requests
                .iter()
                .any(|r| r.param("apiKey").as_deref() == Some(CANARY)),
            "the key is sent in the form body"
        );
    }
    assert!(
        elsewhere.requests().is_empty(),
        "a redirect carried the key to another host"
    );
    assert_eq!(files_with_canary(&h), Vec::<String>::new());

    // The refused key's screen quotes the server without the key.
    let server = Scripted::start(|_| {
        Reply::json(format!(r#"{{"ok":false,"msg":"Clé {CANARY} invalide"}}"#))
    })
    .await;
    let command = format!(
        "env -i HOME={} PATH=/usr/bin:/bin TERM=xterm-256color GINKO_API_URL={} GINKO_API_KEY={CANARY} {} board Chamars; sleep 30",
        h.display(),
        server.url,
        env!("CARGO_BIN_EXE_quai")
    );
    let screen = tokio::task::spawn_blocking(move || {
        let terminal = Terminal::start(&h, &command, 100, 30);
        let screen = terminal.wait("the refused key's screen", 15, |s| {
            s.contains("Clé d'API refusée")
        });
        terminal.keys(&["q"]);
        let after = files_with_canary(&h);
        (screen, after)
    })
    .await
    .unwrap();
    assert!(screen.0.contains("Clé *** invalide"), "{}", screen.0);
    assert!(!screen.0.contains(CANARY), "{}", screen.0);
    assert_eq!(screen.1, Vec::<String>::new());
}

#[test]
fn plain_http_to_another_host_is_refused_before_any_request() {
    let h = home("canary", "http");
    let out = quai_command(&h, Some(("http://api.ginko.voyage", CANARY)))
        .args(["board", "Chamars", "--once"])
        .output()
        .unwrap();
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(!out.status.success());
    assert!(all.contains("pas de http:// en clair"), "{all}");
    assert!(!all.contains(CANARY), "{all}");
}
