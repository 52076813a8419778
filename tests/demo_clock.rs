//! The demo's clock set to another time of day: `quai serve-demo --at`'s
//! PRIM answers at that time, as its Ginko does, and `quai --demo board
//! --at` shows IDFM's departures of that time.

use jiff::{SignedDuration, Timestamp};
use quai::demo;

mod support;
use support::{run, text};

/// The time of day six hours from now in Paris, "HH:MM" (never the real
/// time), and that time today, as the demo's `--at` reads it.
fn six_hours_on() -> (String, Timestamp) {
    let paris = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    let now = Timestamp::now().to_zoned(paris.clone());
    let later = (Timestamp::now() + SignedDuration::from_hours(6)).to_zoned(paris.clone());
    let hhmm = later.strftime("%H:%M").to_string();
    let today = now
        .date()
        .to_datetime(later.time())
        .to_zoned(paris)
        .unwrap();
    (hhmm, today.timestamp())
}

/// A GET with PRIM's key header, its body.
async fn prim_get(url: &str) -> serde_json::Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!(
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\napikey: {}\r\nConnection: close\r\n\r\n",
        demo::DEMO_KEY
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    let body = out.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    // A chunked body: its JSON is between the first `{` and the last `}`.
    let (from, to) = (body.find('{').unwrap(), body.rfind('}').unwrap());
    serde_json::from_str(&body[from..=to]).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn instant(v: &serde_json::Value) -> Timestamp {
    v.as_str().unwrap().parse().unwrap()
}

fn near(at: Timestamp, wanted: Timestamp, within: SignedDuration, what: &str) {
    let gap = at.duration_since(wanted).abs();
    assert!(gap <= within, "{what}: {at} is not near {wanted}");
}

/// `quai serve-demo --at HH:MM`, its URL; killed when dropped.
struct ServeDemo(std::process::Child, String);

impl ServeDemo {
    fn start(home: &std::path::Path, at: &str) -> ServeDemo {
        use std::io::BufRead;
        let mut cmd = support::quai_command(home, None);
        cmd.args(["serve-demo", "--port", "0", "--at", at])
            .stdout(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("{line}"))
            .to_string();
        ServeDemo(child, url)
    }
}

impl Drop for ServeDemo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serve_demo_answers_prim_at_its_clock() {
    let (hhmm, then) = six_hours_on();
    let home = support::home("demo-clock", "serve");
    let server = ServeDemo::start(&home, &hhmm);
    let url = format!(
        "{}{}/stop-monitoring?MonitoringRef=STIF:StopArea:SP:73626:",
        server.1,
        demo::idfm::PRIM_PATH
    );
    let answer = prim_get(&url).await;
    let delivery = &answer["Siri"]["ServiceDelivery"];
    let minute = SignedDuration::from_mins(1);
    near(
        instant(&delivery["ResponseTimestamp"]),
        then,
        minute * 2,
        "ResponseTimestamp",
    );
    let visits = delivery["StopMonitoringDelivery"][0]["MonitoredStopVisit"]
        .as_array()
        .unwrap();
    assert!(!visits.is_empty(), "{answer}");
    for v in visits {
        let aimed = &v["MonitoredVehicleJourney"]["MonitoredCall"]["AimedDepartureTime"];
        near(instant(aimed), then, minute * 90, "AimedDepartureTime");
    }
    // An unknown area's refusal is dated by the same clock.
    let url = format!(
        "{}{}/stop-monitoring?MonitoringRef=STIF:StopArea:SP:1:",
        server.1,
        demo::idfm::PRIM_PATH
    );
    let answer = prim_get(&url).await;
    near(
        instant(&answer["Siri"]["ServiceDelivery"]["ResponseTimestamp"]),
        then,
        minute * 2,
        "the refusal's ResponseTimestamp",
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&home);
}

#[tokio::test]
async fn a_demo_board_at_another_time_shows_idfms_departures_of_that_time() {
    let (hhmm, then) = six_hours_on();
    let home = support::home("demo-clock", "idfm");
    let mut cmd = support::quai_command(&home, None);
    cmd.args([
        "--demo",
        "board",
        "idfm:gare de lyon",
        "--json",
        "--at",
        &hhmm,
    ]);
    let out = run(cmd).await;
    let board: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}{}", text(&out.stdout), text(&out.stderr)));
    let cells: Vec<&serde_json::Value> = board["places"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap())
        .collect();
    assert!(cells.len() >= 4, "departures at {hhmm}: {board}");
    for c in cells {
        // A cancelled train has no expected time.
        let Some(expected) = c["expected"].as_str().or(c["aimed"].as_str()) else {
            continue;
        };
        let expected = jiff::Zoned::strptime("%Y-%m-%dT%H:%M:%S%:z", expected)
            .unwrap()
            .timestamp();
        near(expected, then, SignedDuration::from_mins(90), "a departure");
        // Counted from the board's clock: within the hour.
        let seconds = c["seconds"].as_i64().unwrap_or(0);
        assert!((-60..=3600).contains(&seconds), "{c}");
    }
    let _ = std::fs::remove_dir_all(&home);
}
