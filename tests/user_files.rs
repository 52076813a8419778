//! The files a user names (settings, favourites, key files) as a hostile
//! user would set them: a device, a FIFO, a huge file, a link. Each is
//! refused at once with the file named, or (a linked favourites file)
//! written through the link.

#![cfg(unix)]

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use quai::demo::{DemoServer, ServerOptions};

mod support;

fn home(name: &str) -> PathBuf {
    support::home("user-files", name)
}

async fn server() -> DemoServer {
    DemoServer::start(([127, 0, 0, 1], 0).into(), ServerOptions::default())
        .await
        .unwrap()
}

/// The settings folder of `home`, made.
fn settings_dir(home: &Path) -> PathBuf {
    let dir = home.join(".config/quai");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn mkfifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
}

/// Runs `quai args` in `home` against the demo server at `url`.
async fn run(home: &Path, url: &str, args: &[&str]) -> Output {
    let mut cmd = support::quai_command(home, Some((url, "demo")));
    cmd.args(args);
    run_command(cmd).await
}

/// Runs `cmd` under a 1 GiB address-space limit (a file read without
/// bound fails instead of filling the machine); fails the test when it
/// takes over 10 s (a read that waits).
async fn run_command(mut cmd: Command) -> Output {
    limit_memory(&mut cmd);
    tokio::task::spawn_blocking(move || {
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("still running after 10 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn limit_memory(cmd: &mut Command) {
    // SAFETY: setrlimit is async-signal-safe and touches no memory of the
    // parent.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1 << 30,
                rlim_max: 1 << 30,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Fails with an error naming `name` and saying why, at once.
fn refused(o: &Output, name: &str, why: &str) {
    assert!(!o.status.success(), "{}", out(o));
    let e = err(o);
    assert!(e.contains(name) && e.contains(why), "{e}");
    assert!(!e.contains("panicked") && !e.contains("memory"), "{e}");
}

#[tokio::test]
async fn a_device_or_a_fifo_as_the_key_file_is_refused_at_once() {
    let s = server().await;
    let h = home("key-device");
    let dir = settings_dir(&h);
    mkfifo(&dir.join("fifo.key"));
    for (file, name) in [("/dev/zero", "/dev/zero"), ("fifo.key", "fifo.key")] {
        std::fs::write(
            dir.join("config.toml"),
            format!("api_key_file = \"{file}\"\n"),
        )
        .unwrap();
        let started = Instant::now();
        let mut cmd = support::quai_command(&h, None);
        cmd.env("GINKO_API_URL", s.url())
            .args(["api", "Tarifs/get"]);
        let o = run_command(cmd).await;
        refused(&o, name, "pas un fichier ordinaire");
        assert!(err(&o).contains("fichier de clé"), "{}", err(&o));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    // A key file past 4 KiB is no key.
    std::fs::write(dir.join("big.key"), "k".repeat(5000)).unwrap();
    std::fs::write(dir.join("config.toml"), "api_key_file = \"big.key\"\n").unwrap();
    let mut cmd = support::quai_command(&h, None);
    cmd.env("GINKO_API_URL", s.url())
        .args(["api", "Tarifs/get"]);
    let o = run_command(cmd).await;
    refused(&o, "big.key", "trop grand (plus de 4 Kio)");
}

#[tokio::test]
async fn settings_and_favourites_linked_to_a_device_or_a_fifo_are_refused() {
    let s = server().await;
    for target in ["/dev/zero", "fifo"] {
        let h = home(&format!("linked-{}", target.replace('/', "-")));
        let dir = settings_dir(&h);
        let target = if target == "fifo" {
            let fifo = h.join("fifo");
            mkfifo(&fifo);
            fifo
        } else {
            PathBuf::from(target)
        };
        std::os::unix::fs::symlink(&target, dir.join("favorites.toml")).unwrap();
        for args in [vec!["fav", "list"], vec!["fav", "add", "crous"]] {
            let o = run(&h, &s.url(), &args).await;
            refused(&o, "favorites.toml", "pas un fichier ordinaire");
        }
        assert!(
            dir.join("favorites.toml")
                .symlink_metadata()
                .unwrap()
                .file_type()
                .is_symlink(),
            "the link is left as it was"
        );
        std::fs::remove_file(dir.join("favorites.toml")).unwrap();

        std::os::unix::fs::symlink(&target, dir.join("config.toml")).unwrap();
        let o = run(&h, &s.url(), &["board", "Chamars", "--once"]).await;
        refused(&o, "config.toml", "pas un fichier ordinaire");
    }
}

#[tokio::test]
async fn huge_settings_and_favourites_are_refused_past_one_mib() {
    let s = server().await;
    let h = home("huge");
    let dir = settings_dir(&h);
    // Valid TOML: a comment of 2 MiB.
    let huge = format!("#{}\n", "x".repeat(2 << 20));
    std::fs::write(dir.join("favorites.toml"), &huge).unwrap();
    let o = run(&h, &s.url(), &["fav", "list"]).await;
    refused(&o, "favorites.toml", "trop grand (plus de 1 Mio)");
    let o = run(&h, &s.url(), &["fav", "add", "crous"]).await;
    refused(&o, "favorites.toml", "trop grand (plus de 1 Mio)");
    assert_eq!(
        std::fs::read_to_string(dir.join("favorites.toml")).unwrap(),
        huge,
        "left as it was"
    );
    std::fs::remove_file(dir.join("favorites.toml")).unwrap();

    std::fs::write(dir.join("config.toml"), &huge).unwrap();
    let o = run(&h, &s.url(), &["board", "Chamars", "--once"]).await;
    refused(&o, "config.toml", "trop grand (plus de 1 Mio)");
    // Just under the limit is read.
    let under = format!("#{}\n", "x".repeat((1 << 20) - 2));
    std::fs::write(dir.join("config.toml"), &under).unwrap();
    let o = run(&h, &s.url(), &["board", "Chamars", "--once"]).await;
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("Chamars"), "{}", out(&o));
}

#[tokio::test]
async fn a_linked_favourites_file_is_written_through_and_stays_a_link() {
    let s = server().await;
    let h = home("fav-link");
    let dir = settings_dir(&h);
    let dotfiles = h.join("dotfiles/quai");
    std::fs::create_dir_all(&dotfiles).unwrap();
    std::fs::write(
        dotfiles.join("favorites.toml"),
        "[[favorite]]\nplace = \"Chamars\"\n",
    )
    .unwrap();
    let link = dir.join("favorites.toml");
    std::os::unix::fs::symlink("../../dotfiles/quai/favorites.toml", &link).unwrap();

    let o = run(&h, &s.url(), &["fav", "add", "crous"]).await;
    assert!(o.status.success(), "{}", err(&o));
    let o = run(&h, &s.url(), &["fav", "rm", "Chamars"]).await;
    assert!(o.status.success(), "{}", err(&o));

    assert!(
        link.symlink_metadata().unwrap().file_type().is_symlink(),
        "still a link"
    );
    let text = std::fs::read_to_string(dotfiles.join("favorites.toml")).unwrap();
    assert!(text.contains("Crous Université"), "{text}");
    assert!(!text.contains("Chamars"), "{text}");
    let names: Vec<String> = std::fs::read_dir(&dotfiles)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, ["favorites.toml"], "no temporary file left");
    let o = run(&h, &s.url(), &["fav", "list"]).await;
    assert_eq!(out(&o), " 1. Crous Université\n");
}
