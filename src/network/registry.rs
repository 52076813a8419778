//! The networks quai knows, built from the settings: the one place besides
//! the networks' own folders that names them.

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;

use crate::cache::Cache;
use crate::config::{self, Settings};
use crate::demo;
use crate::ginko::{self, ApiKey, Client};
use crate::network::Source;

/// A Ginko client from read settings (`api_url`: the flag or environment,
/// before the settings' own).
pub fn ginko_client(
    settings: &Settings,
    path: &Path,
    api_url: Option<&str>,
    need_key: bool,
) -> Result<Client, String> {
    let url_text = api_url
        .map(str::to_string)
        .or_else(|| settings.api_url.clone())
        .unwrap_or_else(|| ginko::DEFAULT_BASE_URL.to_string());
    let base = ginko::parse_base_url(&url_text)?;
    let env_key = std::env::var(config::KEY_ENV).ok();
    let key = settings.api_key(env_key, path).map_err(|e| e.to_string())?;
    if need_key && key.is_none() {
        return Err(ginko::ApiError::MissingKey.to_string());
    }
    Client::new(base, key).map_err(|e| e.to_string())
}

/// The network of the settings, its cache in `cache`'s part for it.
pub fn from_settings(
    settings: &Settings,
    path: &Path,
    api_url: Option<&str>,
    cache: &Cache,
) -> Result<Source, String> {
    let client = ginko_client(settings, path, api_url, true)?;
    Ok(Arc::new(ginko::Ginko::new(client, cache)))
}

/// Whether a base URL given on the command line is on this machine.
pub fn is_local_url(api_url: Option<&str>) -> bool {
    api_url
        .and_then(|u| ginko::parse_base_url(u).ok())
        .is_some_and(|u| ginko::client::is_loopback(&u))
}

/// The demo network in the process: its server (it stops when dropped),
/// the network, and how far its clock is from ours.
pub struct Demo {
    pub server: demo::DemoServer,
    pub source: Source,
    /// A Ginko client of the demo server, for the Ginko-only commands.
    pub client: Client,
    pub clock_shift: jiff::SignedDuration,
}

/// Starts the demo server on 127.0.0.1 (a free port), its clock set to
/// `at` (HH:MM) if given, with nothing cached on disk.
pub async fn demo(at: Option<&str>) -> Result<Demo, String> {
    let at = at.map(demo::parse_at).transpose()?;
    let clock = demo::clock_starting_at(at);
    let clock_shift = Timestamp::now().duration_until(clock().timestamp());
    let server = demo::DemoServer::start_with_clock(
        ([127, 0, 0, 1], 0).into(),
        demo::ServerOptions::default(),
        clock,
    )
    .await
    .map_err(|e| format!("cannot start the demo server: {e}"))?;
    let base = ginko::parse_base_url(&server.url())?;
    let client = Client::new(base, ApiKey::new(demo::DEMO_KEY)).map_err(|e| e.to_string())?;
    let source = ginko::Ginko::new(client.clone(), &Cache::memory())
        .named("Ginko (démo)", demo::ATTRIBUTION_SHORT);
    Ok(Demo {
        server,
        source: Arc::new(source),
        client,
        clock_shift,
    })
}
