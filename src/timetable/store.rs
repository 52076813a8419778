//! Where a network's timetable lives (`$XDG_DATA_HOME/quai/<network>/`),
//! how it is fetched and compiled, and what is known of it.
//!
//! An update downloads the feed conditionally (ETag, Last-Modified), hashes
//! it (an unchanged feed is not compiled again), compiles it into a
//! temporary file, checks that the result opens, and only then renames it
//! over the previous index: a failure at any step leaves the previous
//! index in use.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::compile::{self, Summary};
use super::{CompileError, Timetable};
use crate::i18n::tf;

const INDEX: &str = "timetable.idx";
const META: &str = "timetable.json";
/// A feed larger than this is refused (IDFM's is ~140 MB).
pub const MAX_FEED_BYTES: u64 = 2 << 30;

/// What is known of the compiled timetable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Where the feed came from: a URL without its query, or a path.
    pub source: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub sha256: String,
    pub fetched_at: Option<jiff::Timestamp>,
    pub compiled_at: Option<jiff::Timestamp>,
    pub summary: Summary,
    pub index_bytes: u64,
}

/// A network's timetable folder.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    options: compile::Options,
}

/// Where the feed comes from.
#[derive(Debug, Clone)]
pub enum FeedSource {
    Url(String),
    Path(PathBuf),
}

impl FeedSource {
    /// A URL (http or https), else a path.
    pub fn parse(text: &str) -> FeedSource {
        if text.starts_with("http://") || text.starts_with("https://") {
            FeedSource::Url(text.to_string())
        } else {
            FeedSource::Path(PathBuf::from(text))
        }
    }

    /// How the source is named in the status and messages: a URL loses
    /// its query and credentials.
    pub fn shown(&self) -> String {
        match self {
            FeedSource::Url(url) => match url::Url::parse(url) {
                Ok(mut u) => {
                    u.set_query(None);
                    let _ = u.set_password(None);
                    let _ = u.set_username("");
                    u.to_string()
                }
                Err(_) => "(URL illisible)".into(),
            },
            FeedSource::Path(p) => p.display().to_string(),
        }
    }
}

/// "cannot write PATH: why", in the rider's language.
fn io_text(key: &str, path: &Path, e: &std::io::Error) -> String {
    tf(
        key,
        &[
            ("path", &path.display().to_string()),
            ("why", &e.to_string()),
        ],
    )
}

/// Why an update failed; the previous index stays.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("{}", tf("tt_download", &[("url", url.as_str()), ("detail", detail.as_str())]))]
    Download { url: String, detail: String },
    #[error("{}", tf("tt_http", &[("status", &status.to_string()), ("url", url.as_str())]))]
    Http { url: String, status: u16 },
    #[error("{}", tf("tt_too_large", &[("url", url.as_str()), ("max", &max.to_string())]))]
    TooLarge { url: String, max: u64 },
    #[error("{}", tf("tt_read_feed", &[("path", path.as_str()), ("detail", detail.as_str())]))]
    ReadFeed { path: String, detail: String },
    #[error("{}", tf("tt_refused", &[("why", &.0.to_string())]))]
    Compile(#[from] CompileError),
    #[error("{0}")]
    Io(String),
}

/// What an update did.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The server said the feed has not changed (HTTP 304).
    NotModified,
    /// The feed is the one already compiled (same SHA-256).
    Unchanged,
    Compiled(Box<Meta>),
}

/// A header to send with the download (a dataset key), never logged.
pub struct Auth {
    pub name: &'static str,
    pub value: crate::secret::Secret,
}

impl Store {
    /// The folder of a network under `$XDG_DATA_HOME/quai/`, compiling
    /// with `options` (what the network's kind needs kept: the registry
    /// knows).
    pub fn of_network(network: &str, options: compile::Options) -> Result<Store, String> {
        let dir = crate::config::data_dir().map_err(|e| e.to_string())?;
        Ok(Store::at(dir.join(network)).with_options(options))
    }

    pub fn at(dir: impl Into<PathBuf>) -> Store {
        Store {
            dir: dir.into(),
            options: compile::Options::default(),
        }
    }

    /// What its compiled indexes hold beyond the departures.
    pub fn with_options(mut self, options: compile::Options) -> Store {
        self.options = options;
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn index_path(&self) -> PathBuf {
        self.dir.join(INDEX)
    }

    /// The compiled index, when there is one that opens.
    pub fn open(&self) -> Result<Timetable, super::index::OpenError> {
        Timetable::open(&self.index_path())
    }

    /// What the last update wrote (`None`: none, or unreadable).
    pub fn meta(&self) -> Option<Meta> {
        let text = std::fs::read_to_string(self.dir.join(META)).ok()?;
        serde_json::from_str(&text).ok()
    }

    fn write_meta(&self, meta: &Meta) -> Result<(), UpdateError> {
        let text =
            serde_json::to_string_pretty(meta).map_err(|e| UpdateError::Io(e.to_string()))?;
        let path = self.dir.join(META);
        crate::atomic::write(&path, text.as_bytes())
            .map_err(|e| UpdateError::Io(io_text("cannot_write", &path, &e)))
    }

    /// Fetches (when the source is a URL) and compiles the feed.
    pub async fn update(
        &self,
        source: &FeedSource,
        auth: Option<&Auth>,
        show_progress: bool,
    ) -> Result<Outcome, UpdateError> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| UpdateError::Io(io_text("cannot_create", &self.dir, &e)))?;
        // What a killed update left: partial downloads, unfinished indexes.
        crate::atomic::remove_leftovers(&self.dir);
        let previous = self.meta().filter(|_| self.index_path().exists());
        let same_source = previous
            .as_ref()
            .filter(|m| m.source == source.shown() && self.open().is_ok());
        let progress = show_progress && std::io::stderr().is_terminal();
        // The download, removed however the update ends (an error, a
        // refused feed, the update dropped midway).
        let mut _part = None;
        let (path, etag, last_modified) = match source {
            FeedSource::Path(path) => (path.clone(), None, None),
            FeedSource::Url(url) => {
                let part = self
                    .dir
                    .join(format!("feed.zip.part-{}", std::process::id()));
                _part = Some(RemovedOnDrop(part.clone()));
                match download(url, &part, same_source, auth, progress).await? {
                    None => {
                        if let Some(mut meta) = previous {
                            meta.fetched_at = Some(crate::clock::real_now());
                            self.write_meta(&meta)?;
                        }
                        return Ok(Outcome::NotModified);
                    }
                    Some((etag, last_modified)) => (part, etag, last_modified),
                }
            }
        };
        self.compile_file(
            &path,
            source,
            previous.as_ref(),
            etag,
            last_modified,
            progress,
        )
        .await
    }

    async fn compile_file(
        &self,
        path: &Path,
        source: &FeedSource,
        previous: Option<&Meta>,
        etag: Option<String>,
        last_modified: Option<String>,
        progress: bool,
    ) -> Result<Outcome, UpdateError> {
        // Hashing 140 MB takes seconds: not on the screen's thread.
        let hashed = path.to_path_buf();
        let sha256 = tokio::task::spawn_blocking(move || sha256_of(&hashed))
            .await
            .map_err(|e| UpdateError::Io(e.to_string()))??;
        let now = crate::clock::real_now();
        // Unchanged, and holding what this network needs.
        let complete = |t: Timetable| !self.options.trip_stops || t.has_trip_stops();
        if let Some(before) =
            previous.filter(|m| m.sha256 == sha256 && self.open().is_ok_and(complete))
        {
            let mut meta = before.clone();
            meta.source = source.shown();
            meta.fetched_at = Some(now);
            meta.etag = etag.or(meta.etag);
            meta.last_modified = last_modified.or(meta.last_modified);
            self.write_meta(&meta)?;
            return Ok(Outcome::Unchanged);
        }
        let dir = self.dir.clone();
        let input = path.to_path_buf();
        let options = self.options;
        let summary =
            tokio::task::spawn_blocking(move || compile_into(&dir, &input, progress, options))
                .await
                .map_err(|e| UpdateError::Io(e.to_string()))??;
        let index_bytes = std::fs::metadata(self.index_path()).map_or(0, |m| m.len());
        let meta = Meta {
            source: source.shown(),
            etag,
            last_modified,
            sha256,
            fetched_at: Some(now),
            compiled_at: Some(crate::clock::real_now()),
            summary,
            index_bytes,
        };
        self.write_meta(&meta)?;
        Ok(Outcome::Compiled(Box::new(meta)))
    }
}

/// A file removed when this is dropped.
struct RemovedOnDrop(PathBuf);

impl Drop for RemovedOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Compiles into a temporary file, checks it opens, renames it in place.
fn compile_into(
    dir: &Path,
    input: &Path,
    progress: bool,
    options: compile::Options,
) -> Result<Summary, UpdateError> {
    let file = std::fs::File::open(input).map_err(|e| UpdateError::ReadFeed {
        path: input.display().to_string(),
        detail: e.to_string(),
    })?;
    let mut temp = crate::atomic::Temp::create(&dir.join(INDEX)).map_err(CompileError::Write)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, temp.file());
    let mut bar = Bar::new("compilation", progress);
    let summary = compile::compile_with(
        std::io::BufReader::with_capacity(1 << 20, file),
        &mut out,
        &mut |done, total| bar.show(done, total),
        options,
    )?;
    bar.done();
    out.into_inner()
        .map_err(|e| CompileError::Write(e.into_error()))?;
    Timetable::open(temp.path()).map_err(|e| UpdateError::Io(e.to_string()))?;
    temp.commit().map_err(CompileError::Write)?;
    Ok(summary)
}

/// Downloads to `part`; `None` when the server says nothing changed.
async fn download(
    url: &str,
    part: &Path,
    previous: Option<&Meta>,
    auth: Option<&Auth>,
    progress: bool,
) -> Result<Option<(Option<String>, Option<String>)>, UpdateError> {
    crate::network::http::install_crypto_provider();
    let shown = FeedSource::Url(url.to_string()).shown();
    let fail = |detail: String| UpdateError::Download {
        url: shown.clone(),
        detail,
    };
    let client = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(15))
        .read_timeout(std::time::Duration::from_secs(60))
        .user_agent(concat!("quai/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| fail(e.without_url().to_string()))?;
    let mut request = client.get(url);
    if let Some(meta) = previous {
        if let Some(etag) = &meta.etag {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &meta.last_modified {
            request = request.header(reqwest::header::IF_MODIFIED_SINCE, modified);
        }
    }
    if let Some(auth) = auth
        && let Ok(mut value) = reqwest::header::HeaderValue::from_str(auth.value.expose())
    {
        value.set_sensitive(true);
        request = request.header(auth.name, value);
    }
    let mut response = request
        .send()
        .await
        .map_err(|e| fail(crate::network::http::error_chain(&e.without_url())))?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(None);
    }
    if !status.is_success() {
        return Err(UpdateError::Http {
            url: shown,
            status: status.as_u16(),
        });
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let etag = header(reqwest::header::ETAG);
    let last_modified = header(reqwest::header::LAST_MODIFIED);
    let total = response.content_length();
    if total.is_some_and(|t| t > MAX_FEED_BYTES) {
        return Err(UpdateError::TooLarge {
            url: shown,
            max: MAX_FEED_BYTES,
        });
    }
    let file = std::fs::File::create(part)
        .map_err(|e| UpdateError::Io(io_text("cannot_write", part, &e)))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut bar = Bar::new("téléchargement", progress);
    let mut got = 0u64;
    loop {
        let chunk = response
            .chunk()
            .await
            .map_err(|e| fail(crate::network::http::error_chain(&e.without_url())))?;
        let Some(chunk) = chunk else { break };
        got += chunk.len() as u64;
        if got > MAX_FEED_BYTES {
            return Err(UpdateError::TooLarge {
                url: shown,
                max: MAX_FEED_BYTES,
            });
        }
        out.write_all(&chunk)
            .map_err(|e| UpdateError::Io(io_text("cannot_write", part, &e)))?;
        bar.show(got, total.unwrap_or(0));
    }
    bar.done();
    out.flush()
        .map_err(|e| UpdateError::Io(io_text("cannot_write", part, &e)))?;
    Ok(Some((etag, last_modified)))
}

/// The SHA-256 of a file, in hex.
pub fn sha256_of(path: &Path) -> Result<String, UpdateError> {
    let mut file = std::fs::File::open(path).map_err(|e| UpdateError::ReadFeed {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer).map_err(|e| UpdateError::ReadFeed {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        if n == 0 {
            break;
        }
        context.update(&buffer[..n]);
    }
    Ok(context
        .finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A progress bar on stderr, when it is a terminal.
struct Bar {
    label: &'static str,
    on: bool,
    shown: Option<u64>,
}

impl Bar {
    fn new(label: &'static str, on: bool) -> Bar {
        Bar {
            label,
            on,
            shown: None,
        }
    }

    fn show(&mut self, done: u64, total: u64) {
        if !self.on {
            return;
        }
        let step = (done.min(total) * 100)
            .checked_div(total)
            .map_or(done >> 20, |p| p.min(100));
        if self.shown == Some(step) {
            return;
        }
        self.shown = Some(step);
        let line = if total > 0 {
            let filled = (step / 4) as usize;
            format!(
                "\r{:<15} [{}{}] {:>3} %",
                self.label,
                "#".repeat(filled),
                " ".repeat(25 - filled),
                step
            )
        } else {
            format!("\r{:<15} {} Mo", self.label, done >> 20)
        };
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }

    fn done(&mut self) {
        if self.on && self.shown.is_some() {
            let _ = std::io::stderr().write_all(b"\n");
        }
    }
}
