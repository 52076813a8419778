//! `quai kiosk` end to end, in a real terminal (tmux): the favourites full
//! screen, a partly broken favourites file, SIGHUP reload, keys that do not
//! quit, SIGTERM with the terminal restored, quiet hours without a single
//! request, and no network at boot.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use quai::demo::ServerOptions;

mod support;

fn home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quai-kiosk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".config/quai")).unwrap();
    dir
}

fn config_dir(home: &Path) -> PathBuf {
    home.join(".config/quai")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// A tmux server of its own, running the kiosk in a 100×30 terminal; the
/// kiosk's pid is written to `pid` in its home.
struct Screen {
    socket: String,
    session: String,
    home: PathBuf,
}

impl Screen {
    fn start(home: &Path, url: &str, term: &str) -> Screen {
        if Command::new("tmux").arg("-V").output().is_err() {
            panic!("tmux is needed for this test (apt-get install tmux)");
        }
        let screen = Screen {
            socket: home.join("tmux.sock").to_str().unwrap().to_string(),
            session: "kiosk".into(),
            home: home.to_path_buf(),
        };
        let command = format!(
            "env -i HOME={home} PATH=/usr/bin:/bin TERM={term} GINKO_API_URL={url} GINKO_API_KEY=demo \
             sh -c 'echo $$ > {home}/pid; exec {bin} kiosk'; echo KIOSK-EXITED-$?; sleep 10",
            home = home.display(),
            bin = env!("CARGO_BIN_EXE_quai"),
        );
        let started = screen.tmux(&[
            "new-session",
            "-d",
            "-s",
            &screen.session,
            "-x",
            "100",
            "-y",
            "30",
            &command,
        ]);
        assert!(started.status.success(), "{}", text(&started.stderr));
        screen
    }

    fn tmux(&self, args: &[&str]) -> Output {
        let mut all = vec!["-S", self.socket.as_str()];
        all.extend_from_slice(args);
        Command::new("tmux").args(&all).output().unwrap()
    }

    fn capture(&self) -> String {
        text(
            &self
                .tmux(&["capture-pane", "-p", "-t", &self.session])
                .stdout,
        )
    }

    /// The screen once `ok` holds, or after 15 s.
    fn wait(&self, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if ok(&screen) || start.elapsed() > Duration::from_secs(15) {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn signal(&self, name: &str) {
        let start = Instant::now();
        let pid = loop {
            match std::fs::read_to_string(self.home.join("pid")) {
                Ok(pid) if !pid.trim().is_empty() => break pid.trim().to_string(),
                _ if start.elapsed() > Duration::from_secs(5) => panic!("no pid"),
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        let killed = Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .unwrap();
        assert!(killed.success());
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_shows_what_it_can_reloads_on_sighup_and_leaves_only_on_a_signal() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = home("main");
    let favorites = config_dir(&h).join("favorites.toml");
    // The second entry is broken (an unterminated string): the first shows.
    let broken = "[[favorite]]\nplace = \"Ile de France\"\n\n[[favorite]]\nplace = \"Chamars\nlines = [\"L5\"]\n";
    std::fs::write(&favorites, broken).unwrap();
    let url = s.url();
    let home_dir = h.clone();
    let blocking = tokio::task::spawn_blocking(move || {
        let screen = Screen::start(&home_dir, &url, "linux");
        let first = screen.wait(|s| s.contains("mis à jour il y a") && s.contains("Chalezeule"));
        // Keys do nothing by default.
        screen.tmux(&["send-keys", "-t", "kiosk", "q", "Escape", "C-c"]);
        std::thread::sleep(Duration::from_millis(500));
        let after_keys = screen.capture();
        // Fix the file, reload.
        std::fs::write(
            home_dir.join(".config/quai/favorites.toml"),
            "[[favorite]]\nplace = \"Chamars\"\n",
        )
        .unwrap();
        screen.signal("HUP");
        let reloaded = screen.wait(|s| s.contains("Chamars ─") && s.contains("mis à jour il y a"));
        screen.signal("TERM");
        let after = screen.wait(|s| s.contains("KIOSK-EXITED-"));
        (first, after_keys, reloaded, after)
    });
    let (first, after_keys, reloaded, after) = blocking.await.unwrap();
    assert!(first.contains("Ile de France ─"), "{first}");
    assert!(
        first.contains("favoris en partie illisibles (1 gardé(s), 1 ignoré(s))"),
        "{first}"
    );
    // TERM=linux: the console's glyphs.
    assert!(first.contains('■') || first.contains('□'), "{first}");
    assert!(!first.contains('▮') && !first.contains('⚠'), "{first}");
    assert!(!after_keys.contains("KIOSK-EXITED"), "{after_keys}");
    assert!(after_keys.contains("Ile de France ─"), "{after_keys}");
    assert!(!reloaded.contains("Ile de France ─"), "{reloaded}");
    assert!(!reloaded.contains("illisibles"), "{reloaded}");
    assert!(after.contains("KIOSK-EXITED-0"), "{after}");
    assert!(
        !after.contains("Chamars"),
        "the screen is restored:\n{after}"
    );
    assert_eq!(
        std::fs::read_to_string(&favorites).unwrap(),
        "[[favorite]]\nplace = \"Chamars\"\n"
    );
    let _ = std::fs::remove_dir_all(&h);
}

/// A span of quiet hours around the current time in Besançon.
fn quiet_hours_around_now() -> String {
    let now = jiff::Zoned::now().in_tz("Europe/Paris").unwrap();
    let minutes = i64::from(now.hour()) * 60 + i64::from(now.minute());
    let hhmm = |m: i64| {
        let m = m.rem_euclid(24 * 60);
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    format!("{}-{}", hhmm(minutes - 60), hhmm(minutes + 60))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_hours_send_no_request_and_show_only_the_clock() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = home("quiet");
    std::fs::write(
        config_dir(&h).join("favorites.toml"),
        "[[favorite]]\nplace = \"Ile de France\"\n",
    )
    .unwrap();
    std::fs::write(
        config_dir(&h).join("config.toml"),
        format!(
            "quiet_hours = \"{}\"\nquiet_screen = \"clock\"\nkiosk_quit_key = \"x\"\n",
            quiet_hours_around_now()
        ),
    )
    .unwrap();
    let url = s.url();
    let home_dir = h.clone();
    let screen = tokio::task::spawn_blocking(move || {
        let screen = Screen::start(&home_dir, &url, "xterm-256color");
        let quiet = screen.wait(|s| s.contains(':'));
        std::thread::sleep(Duration::from_secs(3));
        let still = screen.capture();
        // The configured key quits.
        screen.tmux(&["send-keys", "-t", "kiosk", "x"]);
        let after = screen.wait(|s| s.contains("KIOSK-EXITED-"));
        (quiet, still, after)
    });
    let (quiet, still, after) = screen.await.unwrap();
    assert_eq!(s.requests(), 0, "no request in quiet hours");
    let shown: Vec<&str> = still.split_whitespace().collect();
    assert_eq!(shown.len(), 1, "only the clock:\n{quiet}\n{still}");
    assert_eq!(shown[0].len(), 5, "HH:MM: {still}");
    assert!(after.contains("KIOSK-EXITED-0"), "{after}");
    let _ = std::fs::remove_dir_all(&h);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_network_at_boot_is_a_screen_not_an_exit() {
    // A port that nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let h = home("offline");
    std::fs::write(
        config_dir(&h).join("favorites.toml"),
        "[[favorite]]\nplace = \"Ile de France\"\n",
    )
    .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let home_dir = h.clone();
    let screen = tokio::task::spawn_blocking(move || {
        let screen = Screen::start(&home_dir, &url, "xterm-256color");
        let waiting = screen.wait(|s| s.contains("en attente du réseau"));
        screen.signal("INT");
        let after = screen.wait(|s| s.contains("KIOSK-EXITED-"));
        (waiting, after)
    });
    let (waiting, after) = screen.await.unwrap();
    assert!(waiting.contains("en attente du réseau"), "{waiting}");
    assert!(waiting.contains("serveur injoignable"), "{waiting}");
    assert!(after.contains("KIOSK-EXITED-0"), "{after}");
    let _ = std::fs::remove_dir_all(&h);
}
