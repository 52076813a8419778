//! A scripted HTTP/1.1 server on 127.0.0.1 for client tests: it records
//! every request and answers what the test tells it, byte for byte (so
//! truncated, oversized, slow or malformed answers can be served).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quai::demo::{DemoServer, ServerOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The decoded form parameters of the body.
    pub fn params(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.body.as_bytes())
            .into_owned()
            .collect()
    }

    pub fn param(&self, name: &str) -> Option<String> {
        self.params()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// What to answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub delay: Duration,
    /// Send a Content-Length header (false: the body ends when the
    /// connection closes).
    pub with_length: bool,
    /// More header lines ("Location: …").
    pub headers: Vec<String>,
}

impl Reply {
    pub fn json(body: impl Into<String>) -> Reply {
        Reply {
            status: 200,
            content_type: "application/json;charset=UTF-8",
            body: body.into().into_bytes(),
            delay: Duration::ZERO,
            with_length: true,
            headers: Vec::new(),
        }
    }

    /// `{"ok":true,"objets":…}`
    pub fn objets(objets: serde_json::Value) -> Reply {
        Reply::json(serde_json::json!({"ok": true, "objets": objets}).to_string())
    }

    pub fn html(status: u16, body: &str) -> Reply {
        Reply {
            status,
            content_type: "text/html",
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
            with_length: true,
            headers: Vec::new(),
        }
    }
}

pub struct Scripted {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Scripted {
    /// Starts a server answering every request with `reply(request)`.
    pub async fn start<F>(reply: F) -> Scripted
    where
        F: Fn(&Seen) -> Reply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let reply = Arc::new(reply);
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let reply = reply.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else {
                        return;
                    };
                    log.lock().unwrap().push(request.clone());
                    let answer = reply(&request);
                    tokio::time::sleep(answer.delay).await;
                    let mut head = format!(
                        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nConnection: close\r\n",
                        answer.status, answer.content_type
                    );
                    for line in &answer.headers {
                        head.push_str(line);
                        head.push_str("\r\n");
                    }
                    if answer.with_length {
                        head.push_str(&format!("Content-Length: {}\r\n", answer.body.len()));
                    }
                    head.push_str("\r\n");
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(&answer.body).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Scripted { url, seen }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn last(&self) -> Seen {
        self.requests()
            .pop()
            .expect("no request reached the server")
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    })
}

/// A client of the scripted server with the given key and short timeouts.
pub fn client(url: &str, key: &str) -> quai::network::ginko::Client {
    quai::network::ginko::Client::with_timeouts(
        quai::network::ginko::parse_base_url(url).unwrap(),
        quai::network::ginko::ApiKey::new(key),
        quai::network::ginko::Timeouts {
            connect: Duration::from_secs(2),
            request: Duration::from_millis(700),
        },
    )
    .unwrap()
}

/// The project's demo server, its clock reading Monday 2026-11-23 at
/// `hhmm` (Paris).
pub async fn demo_at(hhmm: &str, options: ServerOptions) -> DemoServer {
    let at: jiff::Zoned = format!("2026-11-23T{hhmm}:00[Europe/Paris]")
        .parse()
        .unwrap();
    DemoServer::start_with_clock(
        ([127, 0, 0, 1], 0).into(),
        options,
        Arc::new(move || at.clone()),
    )
    .await
    .unwrap()
}

/// An empty home folder of its own for a test, so that no user file is
/// read or written.
pub fn home(prefix: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quai-{prefix}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The `quai` binary with none of the user's environment: `home` as HOME,
/// PATH kept, stdin closed, and the API at a URL with a key when given.
pub fn quai_command(home: &Path, api: Option<(&str, &str)>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quai"));
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null());
    if let Some((url, key)) = api {
        cmd.env("GINKO_API_URL", url).env("GINKO_API_KEY", key);
    }
    cmd
}

/// IDFM at the demo server of `url`, with the demo's token and dataset
/// key (`None`: that key left unset).
#[allow(dead_code)]
pub fn with_idfm(cmd: &mut Command, url: &str, token: &str, dataset_key: Option<&str>) {
    cmd.env(
        "IDFM_PRIM_URL",
        format!("{url}{}", quai::demo::idfm::PRIM_PATH),
    )
    .env(
        "IDFM_DATA_URL",
        format!("{url}{}", quai::demo::idfm::DATA_PATH),
    )
    .env("IDFM_API_KEY", token);
    if let Some(key) = dataset_key {
        cmd.env("IDFM_DATASET_KEY", key);
    }
}

/// Bytes a command wrote, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// A terminal running one command.
pub struct Terminal {
    socket: String,
    pub session: String,
}

impl Terminal {
    /// Runs `command` in a `width`×`height` terminal of a tmux server of
    /// its own (its socket in `home`).
    pub fn start(home: &Path, command: &str, width: usize, height: usize) -> Terminal {
        if Command::new("tmux").arg("-V").output().is_err() {
            panic!(
                "tmux is needed for this test: scripts/test installs it, or skips these tests \
                 and says so when it cannot (sudo apt-get install tmux)"
            );
        }
        let terminal = Terminal {
            socket: home.join("tmux.sock").to_str().unwrap().to_string(),
            session: format!("quai-test-{}", std::process::id()),
        };
        let started = terminal.tmux(&[
            "new-session",
            "-d",
            "-s",
            &terminal.session,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            command,
        ]);
        assert!(started.status.success(), "{}", text(&started.stderr));
        terminal
    }

    pub fn tmux(&self, args: &[&str]) -> Output {
        let mut all = vec!["-S", self.socket.as_str()];
        all.extend_from_slice(args);
        Command::new("tmux").args(&all).output().unwrap()
    }

    pub fn screen(&self) -> String {
        text(
            &self
                .tmux(&["capture-pane", "-p", "-t", &self.session])
                .stdout,
        )
    }

    /// A tmux format of the pane ("#{pane_title}", "#{alternate_on}"…).
    pub fn display(&self, format: &str) -> String {
        let out = self.tmux(&["display", "-p", "-t", &self.session, format]);
        text(&out.stdout).trim().to_string()
    }

    /// Types keys (tmux key names: "q", "Escape", "C-c"…).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.session.as_str()];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// Sends signal `name` ("TERM", "HUP"…) to the process whose pid the
    /// command wrote to `pid_file`.
    pub fn signal(&self, pid_file: &Path, name: &str) {
        let start = Instant::now();
        let pid = loop {
            match std::fs::read_to_string(pid_file) {
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

    /// Waits until the screen satisfies `ok`; fails with `what` and the
    /// screen after `seconds`.
    pub fn wait(&self, what: &str, seconds: u64, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(seconds),
                "{what}: not within {seconds} s; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// What became of a `quai` whose terminal was closed under it.
#[derive(Debug)]
pub struct Closed {
    /// How long it lived on after the terminal went; `None`: still there.
    pub gone_after: Option<Duration>,
    /// Its CPU time (clock ticks) from the close until it went or the wait ended.
    pub cpu_ticks: u64,
    /// Whether it ran `tput` (a fake one, first in its PATH).
    pub ran_tput: bool,
    /// Its exit status, when the shell outlived the terminal to write it.
    pub status: Option<String>,
    /// The screen just before the terminal was closed.
    pub screen: String,
}

/// Runs `{env} quai {args}` as the child of a shell (not in its place, as
/// when started by hand) in a terminal, waits for `ready` on the screen,
/// then closes the terminal, as a closed window or a lost SSH connection
/// does, and waits up to `wait` for quai to go.
///
/// The shell dies of the hang-up, and the kernel then sends SIGHUP to
/// quai; or, with `shell_ignores_hangup`, it lives on, quai gets no signal
/// at all, and the shell writes quai's exit status.
pub fn close_terminal_under(
    home: &Path,
    env: &str,
    args: &str,
    ready: &str,
    wait: Duration,
    shell_ignores_hangup: bool,
) -> Closed {
    let bin = home.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let mark = home.join("tput-ran");
    let tput = bin.join("tput");
    std::fs::write(
        &tput,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\nexit 1\n", mark.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tput, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let shell_pid = home.join("shell-pid");
    let status = home.join("quai-status");
    let command = format!(
        "env -i HOME={home} PATH={bin}:/usr/bin:/bin TERM=xterm-256color {env} \
         sh -c 'echo $$ > {shell_pid}; {trap} {quai} {args}; echo $? > {status}'",
        home = home.display(),
        bin = bin.display(),
        shell_pid = shell_pid.display(),
        trap = if shell_ignores_hangup {
            "trap \"\" HUP;"
        } else {
            ""
        },
        quai = env!("CARGO_BIN_EXE_quai"),
        status = status.display(),
    );
    let terminal = Terminal::start(home, &command, 100, 30);
    let screen = terminal.wait("quai on screen", 15, |s| s.contains(ready));
    let shell: u32 = std::fs::read_to_string(&shell_pid)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let quai = children(shell)
        .into_iter()
        .find(|&pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "quai")
        })
        .expect("quai is the shell's child");
    let cpu_before = cpu_ticks(quai).unwrap_or(0);
    let closed = terminal.tmux(&["kill-session", "-t", &terminal.session]);
    assert!(closed.status.success(), "{}", text(&closed.stderr));
    let start = Instant::now();
    let mut cpu = 0;
    let gone_after = loop {
        match cpu_ticks(quai) {
            None => break Some(start.elapsed()),
            Some(now) => cpu = now.saturating_sub(cpu_before),
        }
        if start.elapsed() > wait {
            // Not left behind, spinning, after the test.
            let _ = Command::new("kill")
                .args(["-KILL", &quai.to_string()])
                .status();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // The shell that lives on writes the status just after.
    let start = Instant::now();
    let status = loop {
        match std::fs::read_to_string(&status) {
            Ok(s) if s.ends_with('\n') => break Some(s.trim().to_string()),
            _ if !shell_ignores_hangup || start.elapsed() > Duration::from_secs(3) => break None,
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    Closed {
        gone_after,
        cpu_ticks: cpu,
        ran_tput: mark.exists(),
        status,
        screen,
    }
}

/// The processes whose parent is `pid` (from /proc).
pub fn children(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&child| {
            stat(child).is_some_and(|s| s.get(1).is_some_and(|ppid| *ppid == pid.to_string()))
        })
        .collect()
}

/// The fields of /proc/PID/stat after the command's name: state, parent…
fn stat(pid: u32) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, after) = text.rsplit_once(')')?;
    Some(after.split_whitespace().map(str::to_string).collect())
}

/// User and system CPU time of a running process; `None` once it has
/// exited (a zombie has exited).
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let fields = stat(pid)?;
    if fields
        .first()
        .is_some_and(|state| state == "Z" || state == "X")
    {
        return None;
    }
    // utime and stime are fields 14 and 15 of the file, 12 and 13 here.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Some(ticks(11) + ticks(12))
}

impl Drop for Terminal {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

/// A demo server playing the faults written in the home's `fault`, and
/// settings naming its city's feeds as the default network `mtl`: its
/// trip updates at `trip_updates` when given, its vehicles when asked.
pub async fn feed_city_home(
    prefix: &str,
    name: &str,
    trip_updates: Option<&str>,
    vehicles: bool,
) -> (PathBuf, DemoServer, PathBuf) {
    use quai::demo::feedcity;
    let home = home(prefix, name);
    let fault = home.join("fault");
    let server = DemoServer::start(
        ([127, 0, 0, 1], 0).into(),
        ServerOptions {
            fault_file: Some(fault.clone()),
            ..ServerOptions::default()
        },
    )
    .await
    .unwrap();
    let dir = home.join(".config/quai");
    std::fs::create_dir_all(&dir).unwrap();
    let base = server.url();
    let trip_updates = trip_updates.map_or_else(
        || format!("{base}{}", feedcity::TRIP_UPDATES_PATH),
        str::to_string,
    );
    let vehicles = if vehicles {
        format!(
            "vehicle_positions_url = \"{base}{}\"\n",
            feedcity::VEHICLES_PATH
        )
    } else {
        String::new()
    };
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "default_network = \"mtl\"\n\n[[network]]\nid = \"mtl\"\nname = \"Montréal\"\n\
             gtfs_url = \"{base}{}\"\ntrip_updates_url = \"{trip_updates}\"\n\
             alerts_url = \"{base}{}\"\n{vehicles}refresh = 10\n",
            feedcity::GTFS_PATH,
            feedcity::ALERTS_PATH,
        ),
    )
    .unwrap();
    (home, server, fault)
}

/// Runs a command to its end off the test's runtime (a demo server may be
/// answering on it).
pub async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}
