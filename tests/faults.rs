//! End-to-end faults: the real `quai` board, in a terminal (tmux), against
//! the real `quai serve-demo` made to misbehave through its fault file, or
//! stopped and started again. For every fault: no crash, the last good
//! departures stay on screen, marked with the reason, and the board is
//! current again within a poll of the server's recovery.

mod support;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::Terminal;

const WIDTH: usize = 110;
const HEIGHT: usize = 30;

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// `quai serve-demo` on a fixed port, with a fault file.
struct Server {
    port: u16,
    faults: PathBuf,
    child: Option<Child>,
}

impl Server {
    fn new(port: u16, faults: PathBuf) -> Server {
        Server {
            port,
            faults,
            child: None,
        }
    }

    fn start(&mut self) {
        let child = Command::new(env!("CARGO_BIN_EXE_quai"))
            .args(["serve-demo", "--at", "08:00", "--port"])
            .arg(self.port.to_string())
            .arg("--fault-file")
            .arg(&self.faults)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Plays `fault` (a line of the fault file; "" for none).
    fn fault(&self, fault: &str) {
        std::fs::write(&self.faults, fault).unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The status line: the last line of the screen.
fn status(screen: &str) -> &str {
    screen.lines().last().unwrap_or_default()
}

/// Departures of both places are on screen.
fn departures_shown(screen: &str) -> bool {
    let heading = |name: &str| {
        screen
            .lines()
            .any(|l| l.starts_with(&format!(" {name} ")) && l.ends_with('─'))
    };
    heading("Chamars")
        && heading("Gare Viotte")
        && (screen.contains(" min") || screen.contains("Non localisé"))
}

fn current(screen: &str) -> bool {
    status(screen).contains("mis à jour il y a") && departures_shown(screen)
}

#[test]
fn the_board_outlives_every_fault_and_comes_back_with_the_server() {
    let home = support::home("faults", "board");
    let port = free_port();
    let mut server = Server::new(port, home.join("fault"));
    server.fault("");
    let command = format!(
        "env -i HOME={} PATH=/usr/bin:/bin TERM=xterm-256color GINKO_API_URL=http://127.0.0.1:{port} \
         GINKO_API_KEY=demo {} board Chamars 'Gare Viotte' --refresh 1; echo QUAI-EXITED-$?; sleep 30",
        home.display(),
        env!("CARGO_BIN_EXE_quai")
    );

    // Down at start: said, and no exit.
    let terminal = Terminal::start(&home, &command, WIDTH, HEIGHT);
    terminal.wait("the board says the server is unreachable", 15, |s| {
        s.contains("serveur injoignable")
    });
    server.start();
    terminal.wait("the board once the server is up", 20, current);

    // Down for several polls, then back.
    server.stop();
    let down = terminal.wait("the board with the server down", 10, |s| {
        status(s).contains("— serveur injoignable")
    });
    assert!(departures_shown(&down), "the last departures stay:\n{down}");
    std::thread::sleep(Duration::from_secs(5));
    let still = terminal.screen();
    assert!(
        departures_shown(&still) && status(&still).contains("serveur injoignable"),
        "{still}"
    );
    server.start();
    terminal.wait("the board after the server is back", 10, current);

    // Faults of the answers to the waiting times.
    for (fault, reason, seconds) in [
        ("503", "HTTP 503", 10),
        ("500", "HTTP 500", 10),
        ("502", "HTTP 502", 10),
        ("truncated", "réponse illisible", 10),
        ("shape", "réponse illisible", 10),
        ("refused", "requête refusée", 10),
        ("huge", "réponse trop grande", 10),
        ("slow", "délai dépassé", 25),
    ] {
        server.fault(&format!("{fault} TR/getListeTemps"));
        let failed = terminal.wait(fault, seconds, |s| status(s).contains(reason));
        assert!(
            departures_shown(&failed),
            "{fault}: the last departures stay:\n{failed}"
        );
        assert!(status(&failed).contains("données de"), "{fault}:\n{failed}");
        server.fault("");
        terminal.wait(&format!("{fault}: recovery"), 12, current);
    }

    // A refused key has a screen of its own, and the board comes back.
    server.fault("key TR/getListeTemps");
    terminal.wait("key refused", 10, |s| s.contains("Clé d'API refusée"));
    server.fault("");
    terminal.wait("key: recovery", 12, current);

    // Answers that decode but say little: the board stays up and current.
    server.fault("types TR/getListeTemps");
    terminal.wait("wrong types", 10, |s| {
        status(s).contains("mis à jour") && s.contains("Non localisé")
    });
    server.fault("");
    terminal.wait("types: recovery", 12, current);

    // Places left out: their departures to come stay, marked.
    server.fault("missing TR/getListeTemps");
    let missing = terminal.wait("a place left out", 10, |s| {
        s.contains("Chamars · absent de la dernière réponse, données de")
    });
    assert!(departures_shown(&missing), "{missing}");
    assert!(!missing.contains("Gare Viotte · absent"), "{missing}");
    server.fault("empty TR/getListeTemps");
    let empty = terminal.wait("every place left out", 10, |s| {
        s.contains("Gare Viotte · absent de la dernière réponse")
    });
    assert!(status(&empty).contains("mis à jour il y a"), "{empty}");
    server.fault("");
    terminal.wait("empty: recovery", 12, |s| {
        current(s) && !s.contains("absent de la dernière réponse")
    });

    // Hostile text in every shown field: nothing reaches the terminal as a
    // command, and the layout holds.
    server.fault("hostile");
    terminal.wait("hostile text", 15, |s| s.contains("rouge"));
    // A few frames later, as the terminal shows them.
    std::thread::sleep(Duration::from_secs(2));
    let hostile = terminal.screen();
    let lines: Vec<&str> = hostile.lines().collect();
    assert!(
        lines[0].contains("quai · Ginko"),
        "the header stays:\n{hostile}"
    );
    assert!(
        status(&hostile).contains("mis à jour il y a"),
        "the status line stays last:\n{hostile}"
    );
    assert!(
        !terminal.display("#{pane_title}").contains("titre volé"),
        "an OSC sequence changed the title:\n{hostile}"
    );
    let width = |text: &str| unicode_width::UnicodeWidthStr::width(text);
    for line in &lines {
        assert!(width(line) <= WIDTH, "a line overflows:\n{hostile}");
    }
    // The first time of each row ends in the first or the second time
    // column, whatever the texts before it.
    let mut columns: Vec<usize> = lines
        .iter()
        .filter_map(|l| l.find(" min").map(|i| width(&l[..i])))
        .collect();
    columns.sort();
    columns.dedup();
    assert!(
        !columns.is_empty() && columns.len() <= 2,
        "time columns {columns:?}:\n{hostile}"
    );
    server.fault("");
    terminal.wait("hostile: recovery", 12, |s| {
        current(s) && !s.contains("rouge")
    });

    // Still the same process: it never exited.
    assert!(!terminal.screen().contains("QUAI-EXITED"));
    terminal.keys(&["q"]);
    let after = terminal.wait("the exit", 10, |s| s.contains("QUAI-EXITED-"));
    assert!(after.contains("QUAI-EXITED-0"), "{after}");
}
