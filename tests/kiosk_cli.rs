//! `quai kiosk` end to end, in a real terminal (tmux): the favourites full
//! screen, a partly broken favourites file, SIGHUP reload, keys that do not
//! quit, SIGTERM with the terminal restored, quiet hours without a single
//! request, and no network at boot.

use std::path::{Path, PathBuf};
use std::time::Duration;

use quai::demo::ServerOptions;
use support::Terminal;

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

/// The kiosk in a 100×30 terminal; its pid is written to `pid` in its home.
fn start(home: &Path, url: &str, term: &str) -> Terminal {
    start_with(home, url, term, "")
}

/// [`start`], its journal (stderr) written to `journal` in its home.
fn start_with_journal(home: &Path, url: &str, term: &str) -> Terminal {
    start_with(home, url, term, &format!(" 2>{}/journal", home.display()))
}

fn start_with(home: &Path, url: &str, term: &str, redirect: &str) -> Terminal {
    let command = format!(
        "env -i HOME={home} PATH=/usr/bin:/bin TERM={term} GINKO_API_URL={url} GINKO_API_KEY=demo \
         sh -c 'echo $$ > {home}/pid; exec {bin} kiosk{redirect}'; echo KIOSK-EXITED-$?; sleep 10",
        home = home.display(),
        bin = env!("CARGO_BIN_EXE_quai"),
    );
    Terminal::start(home, &command, 100, 30)
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
        let screen = start(&home_dir, &url, "linux");
        let first = screen.wait("the kiosk", 15, |s| {
            s.contains("mis à jour il y a") && s.contains("Chalezeule")
        });
        // Keys do nothing by default.
        screen.keys(&["q", "Escape", "C-c"]);
        std::thread::sleep(Duration::from_millis(500));
        let after_keys = screen.screen();
        // Fix the file, reload.
        std::fs::write(
            home_dir.join(".config/quai/favorites.toml"),
            "[[favorite]]\nplace = \"Chamars\"\n",
        )
        .unwrap();
        screen.signal(&home_dir.join("pid"), "HUP");
        let reloaded = screen.wait("the reload", 15, |s| {
            has_heading(s, "Chamars") && s.contains("mis à jour il y a")
        });
        screen.signal(&home_dir.join("pid"), "TERM");
        let after = screen.wait("the exit", 15, |s| s.contains("KIOSK-EXITED-"));
        (first, after_keys, reloaded, after)
    });
    let (first, after_keys, reloaded, after) = blocking.await.unwrap();
    let heading = |s: &str| has_heading(s, "Ile de France");
    assert!(heading(&first), "{first}");
    assert!(
        first.contains("favoris en partie illisibles (1 gardé(s), 1 ignoré(s))"),
        "{first}"
    );
    // TERM=linux: the console's glyphs.
    assert!(first.contains('■') || first.contains('□'), "{first}");
    assert!(!first.contains('▮') && !first.contains('⚠'), "{first}");
    assert!(!after_keys.contains("KIOSK-EXITED"), "{after_keys}");
    assert!(heading(&after_keys), "{after_keys}");
    assert!(!heading(&reloaded), "{reloaded}");
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
        let screen = start_with_journal(&home_dir, &url, "xterm-256color");
        let quiet = screen.wait("the clock", 15, |s| s.contains(':'));
        std::thread::sleep(Duration::from_secs(3));
        let still = screen.screen();
        // The configured key quits.
        screen.keys(&["x"]);
        let after = screen.wait("the exit", 15, |s| s.contains("KIOSK-EXITED-"));
        (quiet, still, after)
    });
    let (quiet, still, after) = screen.await.unwrap();
    assert_eq!(s.requests(), 0, "no request in quiet hours");
    let shown: Vec<&str> = still.split_whitespace().collect();
    assert_eq!(shown.len(), 1, "only the clock:\n{quiet}\n{still}");
    assert_eq!(shown[0].len(), 5, "HH:MM: {still}");
    assert!(after.contains("KIOSK-EXITED-0"), "{after}");
    // The journal says what the screen shows: the clock.
    let journal = std::fs::read_to_string(h.join("journal")).unwrap();
    assert!(
        journal.contains("quai kiosk: quiet hours: no requests, clock shown"),
        "{journal}"
    );
    assert!(!journal.contains("screen off"), "{journal}");
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
        let screen = start(&home_dir, &url, "xterm-256color");
        let waiting = screen.wait("the offline screen", 15, |s| {
            s.contains("en attente du réseau")
        });
        screen.signal(&home_dir.join("pid"), "INT");
        let after = screen.wait("the exit", 15, |s| s.contains("KIOSK-EXITED-"));
        (waiting, after)
    });
    let (waiting, after) = screen.await.unwrap();
    assert!(waiting.contains("en attente du réseau"), "{waiting}");
    assert!(waiting.contains("serveur injoignable"), "{waiting}");
    assert!(after.contains("KIOSK-EXITED-0"), "{after}");
    let _ = std::fs::remove_dir_all(&h);
}

/// A kiosk started from a shell whose terminal goes away (a closed window,
/// a lost SSH connection, a killed tmux session) leaves at once: the
/// hang-up is not taken for a reload, and no core is spent on a terminal
/// that is gone, nor any `tput` run to learn its size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_that_goes_away_ends_the_kiosk() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = home("gone");
    let env = format!("GINKO_API_URL={} GINKO_API_KEY=demo", s.url());
    for shell_ignores_hangup in [false, true] {
        let h = h.join(if shell_ignores_hangup {
            "no-signal"
        } else {
            "signal"
        });
        std::fs::create_dir_all(config_dir(&h)).unwrap();
        std::fs::write(
            config_dir(&h).join("favorites.toml"),
            "[[favorite]]\nplace = \"Ile de France\"\n",
        )
        .unwrap();
        let env = env.clone();
        let closed = tokio::task::spawn_blocking(move || {
            support::close_terminal_under(
                &h,
                &env,
                "kiosk",
                "mis à jour il y a",
                Duration::from_secs(3),
                shell_ignores_hangup,
            )
        })
        .await
        .unwrap();
        assert!(
            has_heading(&closed.screen, "Ile de France"),
            "{}",
            closed.screen
        );
        let gone_after = closed
            .gone_after
            .unwrap_or_else(|| panic!("the kiosk outlived its terminal: {closed:?}"));
        assert!(gone_after < Duration::from_secs(3), "{closed:?}");
        assert!(!closed.ran_tput, "no tput: {closed:?}");
        if shell_ignores_hangup {
            // No signal came: the end of input or a failed frame told it.
            assert_eq!(closed.status.as_deref(), Some("0"), "{closed:?}");
        }
    }
}

/// Whoever holds the keyboard can leave: one Ctrl-C does nothing (a stray
/// key on an unattended screen), two within two seconds end the kiosk,
/// with the terminal given back; the journal says so at start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_twice_ends_the_kiosk() {
    let s = support::demo_at("08:00", ServerOptions::default()).await;
    let h = home("ctrl-c");
    std::fs::write(
        config_dir(&h).join("favorites.toml"),
        "[[favorite]]\nplace = \"Chamars\"\n",
    )
    .unwrap();
    let url = s.url();
    let home_dir = h.clone();
    let (once, after) = tokio::task::spawn_blocking(move || {
        let screen = start_with_journal(&home_dir, &url, "xterm-256color");
        screen.wait("the kiosk", 15, |s| s.contains("mis à jour il y a"));
        screen.keys(&["C-c"]);
        std::thread::sleep(Duration::from_millis(2500));
        screen.keys(&["q", "Escape", "C-c"]);
        std::thread::sleep(Duration::from_millis(2500));
        let once = screen.screen();
        screen.keys(&["C-c", "C-c"]);
        let after = screen.wait("the exit", 15, |s| s.contains("KIOSK-EXITED-"));
        (once, after)
    })
    .await
    .unwrap();
    assert!(!once.contains("KIOSK-EXITED"), "{once}");
    assert!(once.contains("Chamars"), "{once}");
    assert!(after.contains("KIOSK-EXITED-0"), "{after}");
    let journal = std::fs::read_to_string(h.join("journal")).unwrap();
    assert!(
        journal.contains("to stop it from the keyboard: Ctrl-C twice within 2 s"),
        "{journal}"
    );
    assert!(journal.contains("Ctrl-C pressed twice"), "{journal}");
    let _ = std::fs::remove_dir_all(&h);
}

/// Whether a kiosk's screen shows the heading of the place `name`: its
/// name, then its rule or the count of its messages.
fn has_heading(screen: &str, name: &str) -> bool {
    screen.contains(&format!("{name} ─")) || screen.contains(&format!("{name} · ⓘ"))
}
