//! A Ginko-compatible HTTP server over the demo network: same paths, same
//! envelope, same parameter encoding (GET query or POST form, `apiKey`,
//! `~` arrays, `1`/`0` booleans), with fault knobs for tests. This is the
//! HTTP plumbing; the methods are [`super::ginko`], the faults
//! [`super::faults`].

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use jiff::Zoned;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::network::Network;
use super::timetable::{self, ServiceTime};

use super::faults::{Fault, spoil};
use super::ginko::{Api, METHODS};

/// Fault knobs.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Delay before every answer.
    pub latency: Duration,
    /// Every Nth request answers HTTP 503 with an HTML body.
    pub fail_every: Option<u64>,
    /// Every request answers `ok:false` with a key message.
    pub refuse_key: bool,
    /// Appends one line per answered request to this file (see
    /// [`AccessLog`]).
    pub access_log: Option<std::path::PathBuf>,
    /// Read before each request: the [`Fault`] to play, if any.
    pub fault_file: Option<std::path::PathBuf>,
    /// PRIM's emulator dates its answers by the server's clock, as its
    /// Ginko and GTFS-Realtime answers are (`quai serve-demo`, whose
    /// clients read their own clocks), rather than by the program's: the
    /// demo run inside quai counts PRIM's absolute times from the
    /// program's clock and shows the demo's time by moving what it shows
    /// (`quai demo --at`), and tests freeze the server's clock at a time
    /// of day for Ginko's sake.
    pub prim_follows_clock: bool,
}

/// The access log: one line per answered request,
/// `UNIX_MS METHOD STATUS REQUEST_BYTES RESPONSE_BYTES`, where the byte
/// counts are those of the query and form body, and of the answer body.
/// The measurement script counts requests and bytes per refresh with it.
struct AccessLog(std::sync::Mutex<std::fs::File>);

impl AccessLog {
    fn open(path: &std::path::Path) -> Result<AccessLog, String> {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map(|f| AccessLog(std::sync::Mutex::new(f)))
            .map_err(|e| format!("cannot open the access log {}: {e}", path.display()))
    }

    fn write(&self, method: &str, status: StatusCode, request: usize, response: usize) {
        use std::io::Write;
        let ms = crate::clock::real_now().as_millisecond();
        let method = crate::sanitize::text(method);
        let line = format!("{ms} {method} {} {request} {response}\n", status.as_u16());
        if let Ok(mut file) = self.0.lock() {
            // A full disk must not stop the server.
            let _ = file.write_all(line.as_bytes());
        }
    }
}

/// The time source of the server (the real clock, or a fixed one in tests).
pub type Clock = Arc<dyn Fn() -> Zoned + Send + Sync>;

/// A running demo server; it stops when dropped.
pub struct DemoServer {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    requests: Arc<AtomicU64>,
}

impl DemoServer {
    /// Starts on `addr` (port 0 picks a free port) with the real clock.
    pub async fn start(addr: SocketAddr, options: ServerOptions) -> Result<DemoServer, String> {
        DemoServer::start_with_clock(addr, options, Arc::new(timetable::paris_now)).await
    }

    pub async fn start_with_clock(
        addr: SocketAddr,
        options: ServerOptions,
        clock: Clock,
    ) -> Result<DemoServer, String> {
        let network = Network::load()?;
        let access_log = options
            .access_log
            .as_deref()
            .map(AccessLog::open)
            .transpose()?;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let state = Arc::new(State {
            network,
            options,
            clock,
            requests: Arc::new(AtomicU64::new(0)),
            access_log,
            idfm: super::idfm::Idfm::default(),
            feeds: std::sync::Mutex::new(HashMap::new()),
        });
        let requests = state.requests.clone();
        let (stop, mut stopped) = watch::channel(false);
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    a = listener.accept() => a,
                    _ = stopped.changed() => return,
                };
                let Ok((stream, _)) = accepted else {
                    // Out of descriptors or similar: wait a little, go on.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let state = state.clone();
                let mut stopped = stopped.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| handle(state.clone(), req));
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service);
                    tokio::select! {
                        _ = conn => {}
                        _ = stopped.changed() => {}
                    }
                });
            }
        });
        Ok(DemoServer {
            addr,
            stop,
            requests,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many requests were answered so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

struct State {
    network: Network,
    options: ServerOptions,
    clock: Clock,
    requests: Arc<AtomicU64>,
    access_log: Option<AccessLog>,
    idfm: super::idfm::Idfm,
    /// The GTFS zips served, made on first request, with their ETag.
    feeds: std::sync::Mutex<HashMap<&'static str, (Bytes, String)>>,
}

/// Where the demo server publishes each network's GTFS zip.
pub const GTFS_PATHS: [(&str, &str); 3] = [
    ("/gtfs-ginko.zip", crate::network::ginko::ID),
    ("/data/gtfs-idfm.zip", crate::network::idfm::ID),
    (super::feedcity::GTFS_PATH, super::feedcity::ID),
];

/// The third demo network's live feeds: path, and the fault file's name
/// for it (`503 trip-updates`, `truncated alerts`, `stale vehicles`…).
pub const REALTIME_PATHS: [(&str, &str); 3] = [
    (super::feedcity::TRIP_UPDATES_PATH, "trip-updates"),
    (super::feedcity::ALERTS_PATH, "alerts"),
    (super::feedcity::VEHICLES_PATH, "vehicles"),
];

/// A GTFS-Realtime feed at the demo clock's time, with its ETag (304 when
/// the client has it); faults play as for the other methods, and `stale`
/// dates its header ten minutes back.
fn realtime_feed(
    state: &State,
    name: &str,
    if_none_match: Option<String>,
    fault: Option<Fault>,
) -> Response<Full<Bytes>> {
    use super::feedcity;
    match fault {
        Some(Fault::Http(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            return html(status, &status.to_string());
        }
        Some(Fault::WrongShape) => return html(StatusCode::OK, "Maintenance"),
        Some(Fault::Empty | Fault::Missing) => return Response::new(Full::new(Bytes::new())),
        _ => {}
    }
    let mut now = (state.clock)().timestamp();
    if fault == Some(Fault::Stale) {
        now = now
            .checked_sub(jiff::SignedDuration::from_mins(10))
            .unwrap_or(now);
    }
    let message = match name {
        "trip-updates" => feedcity::trip_updates(now),
        "alerts" => feedcity::alerts(now),
        _ => feedcity::vehicles(now),
    };
    let mut body = feedcity::encode(&message);
    match fault {
        Some(Fault::Truncated) => body.truncate(body.len() / 2),
        Some(Fault::Huge) => body.resize(17 * 1024 * 1024, 0),
        _ => {}
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, &body);
    let tag: String = digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let etag = format!("\"{tag}\"");
    if if_none_match.is_some_and(|t| t == etag) {
        let mut response = Response::new(Full::new(Bytes::new()));
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        return response;
    }
    let mut response = Response::new(Full::new(Bytes::from(body)));
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/x-protobuf"),
    );
    if let Ok(value) = hyper::header::HeaderValue::from_str(&etag) {
        headers.insert(hyper::header::ETAG, value);
    }
    response
}

/// A GTFS zip, or 304 when the client has it (`If-None-Match`); faults
/// named for the method `gtfs` play here (`503 gtfs`, `truncated gtfs`).
fn gtfs_feed(
    state: &State,
    network: &'static str,
    if_none_match: Option<String>,
    fault: Option<Fault>,
) -> Response<Full<Bytes>> {
    if let Some(Fault::Http(code)) = fault {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        return html(status, &status.to_string());
    }
    let made = {
        let Ok(mut feeds) = state.feeds.lock() else {
            return html(
                StatusCode::INTERNAL_SERVER_ERROR,
                "500 Internal Server Error",
            );
        };
        if let Some(feed) = feeds.get(network) {
            Some(feed.clone())
        } else {
            // Valid around the real date (the binary's timetable reads
            // the real clock), whatever the demo clock says.
            let today = crate::network::ginko::now().date();
            super::gtfs::feed(network, today).map(|zip| {
                let digest = ring::digest::digest(&ring::digest::SHA256, &zip);
                let tag: String = digest.as_ref()[..8]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let feed = (Bytes::from(zip), format!("\"{tag}\""));
                feeds.insert(network, feed.clone());
                feed
            })
        }
    };
    let Some((zip, etag)) = made else {
        return html(StatusCode::NOT_FOUND, "404 Not Found");
    };
    if if_none_match.is_some_and(|t| t == etag) && fault.is_none() {
        let mut response = Response::new(Full::new(Bytes::new()));
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        return response;
    }
    let body = match fault {
        Some(Fault::Truncated) => zip.slice(..zip.len() / 2),
        _ => zip,
    };
    let mut response = Response::new(Full::new(body));
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/zip"),
    );
    if let Ok(value) = hyper::header::HeaderValue::from_str(&etag) {
        headers.insert(hyper::header::ETAG, value);
    }
    response
}

pub(super) type Params = HashMap<String, String>;

fn html(status: StatusCode, title: &str) -> Response<Full<Bytes>> {
    let body = format!(
        "<!DOCTYPE html><html><head><title>{title}</title></head>\
         <body><h1>{title}</h1><p>quai demo server</p></body></html>"
    );
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/html; charset=UTF-8"),
    );
    response
}

fn json_response(value: &Value) -> Response<Full<Bytes>> {
    json_text(value.to_string())
}

fn json_text(text: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text)));
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    response
}

async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let Some(log) = &state.access_log else {
        return answer(&state, request, &mut 0).await;
    };
    let path = request.uri().path().to_string();
    let method = path.strip_prefix('/').unwrap_or(&path);
    let method = method.strip_suffix(".do").unwrap_or(method);
    let mut received = request.uri().query().map_or(0, str::len);
    let response = answer(&state, request, &mut received).await?;
    let sent = hyper::body::Body::size_hint(response.body())
        .exact()
        .unwrap_or(0);
    log.write(method, response.status(), received, sent as usize);
    Ok(response)
}

/// The answer to one request; `received` grows by the form body's size.
async fn answer(
    state: &State,
    request: Request<Incoming>,
    received: &mut usize,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let count = state.requests.fetch_add(1, Ordering::Relaxed) + 1;
    if !state.options.latency.is_zero() {
        tokio::time::sleep(state.options.latency).await;
    }
    if state
        .options
        .fail_every
        .is_some_and(|n| count.is_multiple_of(n))
    {
        return Ok(html(
            StatusCode::SERVICE_UNAVAILABLE,
            "503 Service Unavailable",
        ));
    }
    let path = request.uri().path().to_string();
    let headers = request.headers().clone();
    let mut params: Params = request
        .uri()
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let body = match Limited::new(request.into_body(), 1 << 20).collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return Ok(html(StatusCode::PAYLOAD_TOO_LARGE, "413 Payload Too Large")),
    };
    *received += body.len();
    params.extend(form_urlencoded::parse(&body).into_owned());

    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let fault_of = |method: &str| {
        state
            .options
            .fault_file
            .as_deref()
            .and_then(|path| Fault::read(path, method))
    };
    if let Some((_, network)) = GTFS_PATHS.iter().find(|(p, _)| *p == path) {
        return Ok(gtfs_feed(
            state,
            network,
            header("if-none-match"),
            fault_of("gtfs"),
        ));
    }
    if let Some((_, name)) = REALTIME_PATHS.iter().find(|(p, _)| *p == path) {
        return Ok(realtime_feed(
            state,
            name,
            header("if-none-match"),
            fault_of(name),
        ));
    }
    let idfm_now = if state.options.prim_follows_clock {
        (state.clock)()
    } else {
        timetable::paris_now()
    };
    if let Some(reply) = state
        .idfm
        .answer(&path, &params, header, fault_of, &idfm_now)
    {
        let mut response = json_text(reply.body);
        *response.status_mut() =
            StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        for (name, value) in reply.headers {
            if let Ok(value) = hyper::header::HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        return Ok(response);
    }
    Ok(ginko(state, &path, &params).await)
}

/// The Ginko emulator's answer to `path` (`/TR/getListeTemps.do`…), with
/// the faults the fault file asks for.
async fn ginko(state: &State, path: &str, params: &Params) -> Response<Full<Bytes>> {
    let Some(method) = path.strip_prefix('/').and_then(|p| p.strip_suffix(".do")) else {
        return html(StatusCode::NOT_FOUND, "404 Not Found");
    };
    if !METHODS.contains(&method) {
        return html(StatusCode::NOT_FOUND, "404 Not Found");
    }
    let fault = state
        .options
        .fault_file
        .as_deref()
        .and_then(|path| Fault::read(path, method));
    match fault {
        Some(Fault::Http(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            return html(status, &status.to_string());
        }
        Some(Fault::Slow) => tokio::time::sleep(Duration::from_secs(30)).await,
        Some(Fault::Huge) => {
            let mut body = String::from(r#"{"ok":true,"objets":["#);
            body.push_str(&"0,".repeat(9 << 19));
            body.push_str("0]}");
            return json_text(body);
        }
        _ => {}
    }
    let key = params.get("apiKey").map(|k| k.trim()).unwrap_or_default();
    let answer = if state.options.refuse_key || fault == Some(Fault::KeyRefused) {
        Err("Clé d'API invalide ou expirée".to_string())
    } else if fault == Some(Fault::Refused) {
        Err("Service momentanément indisponible, veuillez réessayer plus tard".to_string())
    } else if key.is_empty() && method != "DR/getCleTemporaire" {
        Err("Clé d'API manquante : le paramètre apiKey est obligatoire".to_string())
    } else {
        let now = (state.clock)();
        Api {
            net: &state.network,
            now: &now,
            service: ServiceTime::of(&now),
        }
        .dispatch(method, params)
    };
    let value = match answer {
        Ok(mut objets) => {
            if let Some(fault) = fault {
                spoil(fault, method, &mut objets);
            }
            json!({"ok": true, "objets": objets})
        }
        Err(msg) => json!({"ok": false, "msg": msg}),
    };
    if fault == Some(Fault::Truncated) {
        let text = value.to_string();
        let mut cut = text.len() / 2;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        return json_text(text[..cut].to_string());
    }
    json_response(&value)
}
