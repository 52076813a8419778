//! The commands behind the command line. Each returns a message for stderr
//! on failure; `main` turns it into a non-zero exit.

use std::io::Write;
use std::time::Duration;

use crate::cli::{Cli, ServeDemoArgs};
use crate::config::{self, Settings};
use crate::demo;
use crate::domain::{Departure, PlaceDepartures, WaitTime};
use crate::ginko::{self, ApiKey, Client, Nb, Params, PlaceQuery};
use crate::sanitize;

pub type CommandResult = Result<(), String>;

/// The API base URL and key, from the flag/env, the settings, the defaults.
fn connect(cli: &Cli, need_key: bool) -> Result<Client, String> {
    let path = config::settings_path(cli.config.as_deref()).map_err(|e| e.to_string())?;
    let settings = Settings::load(&path).map_err(|e| e.to_string())?;
    let url_text = cli
        .api_url
        .clone()
        .or_else(|| settings.api_url.clone())
        .unwrap_or_else(|| ginko::DEFAULT_BASE_URL.to_string());
    let base = ginko::parse_base_url(&url_text)?;
    let env_key = std::env::var(config::KEY_ENV).ok();
    let key = settings
        .api_key(env_key, &path)
        .map_err(|e| e.to_string())?;
    if need_key && key.is_none() {
        return Err(ginko::ApiError::MissingKey.to_string());
    }
    Client::new(base, key).map_err(|e| e.to_string())
}

/// `quai` with no command.
pub fn no_command() -> CommandResult {
    println!(
        "quai — departure board for the Ginko network (Besançon)\n\n\
         Try it without a key:   quai demo\n\
         Raw API call:           quai api TR/getTempsLieu nom=\"Ile de France\" nb=3\n\
         Today's trial key:      quai key trial\n\n\
         More: quai --help"
    );
    Ok(())
}

/// `quai api METHOD name=value…`
pub async fn api(cli: &Cli, method: &str, raw_params: &[String]) -> CommandResult {
    let method = method
        .trim()
        .trim_start_matches('/')
        .trim_end_matches(".do")
        .to_string();
    let mut params = Params::new();
    for raw in raw_params {
        let Some((name, value)) = raw.split_once('=') else {
            return Err(format!("parameter {raw:?} is not name=value"));
        };
        if name == "apiKey" {
            return Err(
                "the key is not given on the command line: set GINKO_API_KEY or the settings file"
                    .into(),
            );
        }
        params = params.text(name.trim(), value);
    }
    let keyless = method.eq_ignore_ascii_case("DR/getCleTemporaire");
    let client = connect(cli, !keyless)?;
    let result = if keyless {
        client.call_without_key(&method, params).await
    } else {
        client.call(&method, params).await
    };
    let objets = result.map_err(|e| e.to_string())?;
    let pretty = serde_json::to_string_pretty(&objets).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout();
    writeln!(out, "{}", sanitize::json_for_terminal(&pretty))
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the answer: {e}"))
}

/// `quai key trial`
pub async fn key_trial(cli: &Cli) -> CommandResult {
    let client = connect(cli, false)?;
    let key = client.cle_temporaire().await.map_err(|e| e.to_string())?;
    let key = sanitize::text(&key);
    println!("Today's trial key (valid 24 hours):\n\n    {key}\n");
    println!(
        "Use it for this shell:   export {}='{key}'\n\
         or in the settings file ({}):   api_key = \"{key}\"\n\
         For a permanent key, write to ginko.support-ssi@keolis.com.",
        config::KEY_ENV,
        config::settings_path(cli.config.as_deref())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "~/.config/quai/config.toml".into()),
    );
    Ok(())
}

/// `quai serve-demo`
pub async fn serve_demo(args: &ServeDemoArgs) -> CommandResult {
    let options = demo::ServerOptions {
        latency: Duration::from_millis(args.latency),
        fail_every: args.fail_every.filter(|n| *n > 0),
        refuse_key: args.refuse_key,
    };
    let at = args.at.as_deref().map(demo::parse_at).transpose()?;
    let clock = demo::clock_starting_at(at);
    let server = demo::DemoServer::start_with_clock((args.addr, args.port).into(), options, clock)
        .await
        .map_err(|e| format!("cannot start the demo server: {e}"))?;
    // Whoever started the server may stop reading its output: a closed
    // stdout must not stop the server.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "quai demo server listening on {}", server.url());
    let _ = writeln!(
        out,
        "Use it with: GINKO_API_URL={} GINKO_API_KEY={} quai …",
        server.url(),
        demo::DEMO_KEY
    );
    let _ = out.flush();
    wait_for_shutdown().await;
    Ok(())
}

/// `quai demo`: the embedded server and the demo favourites, without reading
/// or writing any of the user's files.
pub async fn demo(nb: i64, refresh: u64, once: bool, at: Option<&str>) -> CommandResult {
    let nb = Nb::new(nb).map_err(|e| e.to_string())?;
    let refresh = Duration::from_secs(refresh.max(5));
    let at = at.map(demo::parse_at).transpose()?;
    let clock = demo::clock_starting_at(at);
    let server = demo::DemoServer::start_with_clock(
        ([127, 0, 0, 1], 0).into(),
        demo::ServerOptions::default(),
        clock.clone(),
    )
    .await
    .map_err(|e| format!("cannot start the demo server: {e}"))?;
    let base = ginko::parse_base_url(&server.url())?;
    let client = Client::new(base, ApiKey::new(demo::DEMO_KEY)).map_err(|e| e.to_string())?;
    let places = demo::favourite_places();
    loop {
        let now = clock();
        let mut screen = format!(
            "quai · Ginko (démo) · {}  — {}\n",
            now.strftime("%H:%M:%S"),
            demo::ATTRIBUTION_SHORT
        );
        for place in &places {
            match client
                .temps_lieu(&PlaceQuery::Name(place.to_string()), nb)
                .await
            {
                Ok(answer) => screen.push_str(&place_text(&PlaceDepartures::from(&answer))),
                Err(e) => screen.push_str(&format!("{place}: {e}\n")),
            }
        }
        let mut out = std::io::stdout();
        if writeln!(out, "{screen}")
            .and_then(|()| out.flush())
            .is_err()
            || once
        {
            // Done, or nobody reads any more (a closed pipe).
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep(refresh) => {}
            _ = wait_for_shutdown() => return Ok(()),
        }
    }
}

/// A place's departures as plain text, one row per line and direction.
pub fn place_text(place: &PlaceDepartures) -> String {
    let mut out = format!("{}\n", place.name);
    if place.departures.is_empty() {
        out.push_str("  aucun départ\n");
        return out;
    }
    let mut rows: Vec<(&Departure, Vec<String>)> = Vec::new();
    for d in &place.departures {
        let time = departure_text(d);
        match rows
            .iter_mut()
            .find(|(first, _)| first.line.id == d.line.id && first.outbound == d.outbound)
        {
            Some((_, times)) => times.push(time),
            None => rows.push((d, vec![time])),
        }
    }
    for (d, times) in rows {
        let mut destination = if d.via.is_empty() {
            d.destination.clone()
        } else {
            format!("{} · {}", d.destination, d.via)
        };
        if destination.chars().count() > 44 {
            destination = destination.chars().take(43).collect::<String>() + "…";
        }
        out.push_str(&format!(
            "  {:<4} {:<44} {}\n",
            d.line.number,
            destination,
            times.join("   ")
        ));
    }
    out
}

fn departure_text(d: &Departure) -> String {
    match &d.time {
        WaitTime::Text { text, .. } => text.clone(),
        _ if !d.reliable => "Non localisé".into(),
        WaitTime::Countdown { text, .. } | WaitTime::Clock { text } => text.clone(),
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn wait_for_shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
