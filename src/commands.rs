//! The commands behind the command line. Each returns a message for stderr
//! on failure; `main` turns it into a non-zero exit.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use jiff::Timestamp;

use crate::app;
use crate::board::Board;
use crate::cache::Cache;
use crate::cli::{BoardArgs, Cli, FavAction, KioskArgs, ServeDemoArgs};
use crate::config::{self, Settings};
use crate::demo;
use crate::favorites::{Favorite, LineFilter, Store};
use crate::ginko::{self, ApiKey, Client, Nb, Params};
use crate::kiosk;
use crate::poller::{self, PollSettings};
use crate::sanitize;
use crate::search::Index;
use crate::ui::theme::Theme;
use crate::ui::view;

pub type CommandResult = Result<(), String>;

/// Where the data comes from (ODbL asks to say it).
const ATTRIBUTION: &str = "Données : réseau Ginko (Keolis Besançon Mobilités), licence ODbL";

/// The API base URL and key, from the flag/env, the settings, the defaults.
fn connect(cli: &Cli, need_key: bool) -> Result<Client, String> {
    connect_with_settings(cli, need_key).map(|(client, _)| client)
}

/// As [`connect`], with the settings read (the board needs their `home`).
fn connect_with_settings(cli: &Cli, need_key: bool) -> Result<(Client, Settings), String> {
    let path = config::settings_path(cli.config.as_deref()).map_err(|e| e.to_string())?;
    let settings = Settings::load(&path).map_err(|e| e.to_string())?;
    let client = client_from(&settings, &path, cli.api_url.as_deref(), need_key)?;
    Ok((client, settings))
}

/// A client from read settings (`api_url`: the flag or environment).
fn client_from(
    settings: &Settings,
    path: &std::path::Path,
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

/// `quai` with no command.
pub fn no_command() -> CommandResult {
    println!(
        "quai — departure board for the Ginko network (Besançon)\n\n\
         Name a place:           quai board \"Ile de France\" crous\n\
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

/// Writes a command's output; a closed pipe is an error like any other.
fn print(text: &str) -> CommandResult {
    let mut out = std::io::stdout();
    writeln!(out, "{}", text.trim_end())
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the output: {e}"))
}

/// `quai info [--json]`
pub async fn info(cli: &Cli, json: bool) -> CommandResult {
    let client = connect(cli, true)?;
    let messages = poller::messages(&client).await.map_err(|e| e.to_string())?;
    if !json {
        return print(&crate::ui::traffic::text(&messages, 80));
    }
    let ordered = crate::ui::traffic::ordered(&messages, &[], true);
    let mut list = Vec::new();
    for m in ordered {
        let mut value = serde_json::to_value(m).map_err(|e| e.to_string())?;
        if let Some(object) = value.as_object_mut() {
            let (_, text) = crate::ui::traffic::message_text(m, 80);
            object.insert("text".into(), text.join("\n").into());
        }
        list.push(value);
    }
    let text = serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?;
    print(&sanitize::json_for_terminal(&text))
}

/// `quai tarifs [--json]`
pub async fn tarifs(cli: &Cli, json: bool) -> CommandResult {
    let client = connect(cli, true)?;
    let fares: Vec<crate::domain::Fare> = client
        .tarifs()
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .map(crate::domain::Fare::from)
        .collect();
    if json {
        let text = serde_json::to_string_pretty(&fares).map_err(|e| e.to_string())?;
        return print(&sanitize::json_for_terminal(&text));
    }
    print(&crate::ui::fares::text(&fares, 78))
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
        access_log: args.access_log.clone(),
        fault_file: args.fault_file.clone(),
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

/// `quai board PLACE…`
pub async fn board(cli: &Cli, places: &[String], args: &BoardArgs) -> CommandResult {
    let (client, settings) = connect_with_settings(cli, true)?;
    let board = BoardRun {
        client,
        cache: user_cache(),
        places: places.to_vec(),
        title: "quai · Ginko".into(),
        attribution: ATTRIBUTION.into(),
        clock_shift: jiff::SignedDuration::ZERO,
        favorites: Vec::new(),
        favorites_store: favorites_store(cli).ok(),
        warning: None,
        home: settings.home,
    };
    board.run(cli, args).await
}

/// The demo server inside the process (127.0.0.1, a free port), its clock
/// set to `at` (HH:MM) if given: the server (it stops when dropped), a
/// client with the demo key, and how far its clock is from ours.
async fn start_demo(
    at: Option<&str>,
) -> Result<(demo::DemoServer, Client, jiff::SignedDuration), String> {
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
    Ok((server, client, clock_shift))
}

/// `quai demo`: the embedded server and the demo favourites, without reading
/// or writing any of the user's files.
pub async fn demo(cli: &Cli, args: &BoardArgs, at: Option<&str>) -> CommandResult {
    let (server, client, clock_shift) = start_demo(at).await?;
    let board = BoardRun {
        client,
        cache: Cache::memory(),
        places: demo::favourite_places()
            .iter()
            .map(|p| p.to_string())
            .collect(),
        title: "quai · Ginko (démo)".into(),
        attribution: demo::ATTRIBUTION_SHORT.into(),
        clock_shift,
        favorites: Vec::new(),
        favorites_store: None,
        warning: None,
        home: Some(crate::domain::Position {
            lat: 47.2368,
            lon: 6.0242,
        }),
    };
    let result = board.run(cli, args).await;
    drop(server);
    result
}

struct BoardRun {
    client: Client,
    cache: Cache,
    places: Vec<String>,
    title: String,
    attribution: String,
    clock_shift: jiff::SignedDuration,
    favorites: Vec<Favorite>,
    /// Where `f` saves favourites (none for the demo).
    favorites_store: Option<Store>,
    /// A lasting warning for the board.
    warning: Option<String>,
    /// The home position from the settings.
    home: Option<crate::domain::Position>,
}

impl BoardRun {
    async fn run(self, cli: &Cli, args: &BoardArgs) -> CommandResult {
        let nb = Nb::new(args.nb).map_err(|e| e.to_string())?;
        if args.once || args.json {
            return self.once(nb, args.json).await;
        }
        if !std::io::stdout().is_terminal() {
            return Err("the output is not a terminal: use --once or --json".into());
        }
        let start_in_search = self.places.is_empty();
        let settings = app::BoardSettings {
            poll: PollSettings {
                places: self.places,
                nb,
                refresh: crate::board::refresh_period(
                    args.refresh,
                    self.client.base_url_is_local(),
                ),
                favorites: self.favorites,
            },
            title: self.title,
            attribution: self.attribution,
            theme: Theme::detect(cli.no_color),
            clock_shift: self.clock_shift,
            start_in_search,
            favorites: self.favorites_store,
            warning: self.warning,
            home: self.home,
        };
        app::run(self.client, self.cache, settings).await
    }

    /// One snapshot on stdout; an error when no data could be had.
    async fn once(self, nb: Nb, json: bool) -> CommandResult {
        let (mut places, unknown) = poller::resolve(&self.client, &self.cache, &self.places)
            .await
            .map_err(|e| e.to_string())?;
        poller::apply_favorites(&mut places, &self.favorites);
        if places.is_empty() {
            return Err(format!(
                "no such place on the network: {} (try a part of the name, e.g. \"crous\")",
                unknown.join(", ")
            ));
        }
        let mut board = Board::new(places);
        board.unknown = unknown;
        let results = self
            .client
            .waiting_times(&board.requests(), nb)
            .await
            .map_err(|e| e.to_string())?;
        board.apply(Timestamp::now(), results);
        // Messages are a bonus: the board goes out without them.
        if let Ok(messages) = poller::messages(&self.client).await {
            board.messages = messages;
        }
        let view = view::build_shifted(&board, Timestamp::now(), self.clock_shift);
        let text = if json {
            serde_json::to_string_pretty(&view).map_err(|e| e.to_string())?
        } else {
            view::text(&view, &self.title, &self.attribution)
        };
        let mut out = std::io::stdout();
        writeln!(out, "{}", text.trim_end())
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write the board: {e}"))
    }
}

fn user_cache() -> Cache {
    config::cache_dir()
        .map(Cache::disk)
        .unwrap_or_else(|_| Cache::memory())
}

fn favorites_store(cli: &Cli) -> Result<Store, String> {
    let settings = config::settings_path(cli.config.as_deref()).map_err(|e| e.to_string())?;
    Ok(Store::beside(&settings))
}

/// The stop index, and whether it is an old copy (the network failed).
async fn stop_index(client: &Client, cache: &Cache) -> Result<(Index, bool), String> {
    let (stops, stale) = poller::stops_with_age(client, cache)
        .await
        .map_err(|e| e.to_string())?;
    Ok((Index::from_stops(&stops), stale))
}

/// Resolves a name to one place of the index: the same name once folded,
/// the only match, or the only name starting with it; otherwise says which
/// were close.
fn pick_place(index: &Index, name: &str) -> Result<String, String> {
    if let Some(place) = index.place(name) {
        return Ok(place.name.clone());
    }
    let matches = index.search(name, 6);
    let folded = crate::names::fold(name);
    let starting: Vec<&str> = matches
        .iter()
        .map(|m| m.place.name.as_str())
        .filter(|n| crate::names::fold(n).starts_with(&folded))
        .collect();
    match (matches.as_slice(), starting.as_slice()) {
        ([], _) => Err(format!("no place matches {name:?}")),
        ([only], _) => Ok(only.place.name.clone()),
        (_, [only]) => Ok(only.to_string()),
        _ => {
            let close: Vec<&str> = matches.iter().map(|m| m.place.name.as_str()).collect();
            Err(format!(
                "{name:?} is ambiguous; did you mean: {}?",
                close.join(", ")
            ))
        }
    }
}

/// `quai stops QUERY` / `quai stops --near LAT,LON`
pub async fn stops(
    cli: &Cli,
    query: Option<&str>,
    near: Option<&str>,
    limit: usize,
) -> CommandResult {
    let client = connect(cli, true)?;
    let cache = user_cache();
    let mut out = String::new();
    if let Some(near) = near {
        let here = config::parse_position(near)?;
        let (lat, lon) = (here.lat, here.lon);
        let found = client
            .arrets_proches(lat, lon)
            .await
            .map_err(|e| e.to_string())?;
        let mut seen: Vec<String> = Vec::new();
        for stop in found.iter().map(crate::domain::Stop::from) {
            if seen.contains(&stop.name) {
                continue;
            }
            let distance = stop
                .position
                .map(|p| format!("{:>4.0} m", p.distance_m(here)))
                .unwrap_or_else(|| "   ? m".into());
            out.push_str(&format!("{distance}  {}  ({})\n", stop.name, stop.id));
            seen.push(stop.name);
            if seen.len() >= limit {
                break;
            }
        }
        if seen.is_empty() {
            out.push_str("no stop within 500 m\n");
        }
    } else {
        let query = query.unwrap_or_default();
        let (index, stale) = stop_index(&client, &cache).await?;
        let matches = index.search(query, limit);
        if matches.is_empty() {
            return Err(format!("no place matches {query:?}"));
        }
        for m in &matches {
            let ids = m.place.stop_ids.join(" ");
            out.push_str(&format!("{}  [{ids}]\n", m.place.name));
        }
        if stale {
            out.push_str("(stop list from the cache: the network could not be reached)\n");
        }
    }
    let mut stdout = std::io::stdout();
    write!(stdout, "{out}")
        .and_then(|()| stdout.flush())
        .map_err(|e| e.to_string())
}

/// `quai fav …`
pub async fn fav(cli: &Cli, action: &FavAction) -> CommandResult {
    let store = favorites_store(cli)?;
    let saved = |favorites: &crate::favorites::Favorites| {
        format!(
            "{} favourite(s) in {}",
            favorites.list.len(),
            store.path.display()
        )
    };
    match action {
        FavAction::List => {
            let favorites = store.load().map_err(|e| e.to_string())?;
            if favorites.list.is_empty() {
                println!("No favourites yet: quai fav add PLACE");
            }
            for (i, f) in favorites.list.iter().enumerate() {
                println!("{:>2}. {}", i + 1, f.describe());
            }
            Ok(())
        }
        FavAction::Add {
            place,
            lines,
            label,
        } => {
            let filters = lines
                .iter()
                .map(|l| LineFilter::parse(l))
                .collect::<Result<Vec<_>, _>>()?;
            // Refuse early, before any network call, when the file is broken.
            store.load().map_err(|e| e.to_string())?;
            let client = connect(cli, true)?;
            let (index, _) = stop_index(&client, &user_cache()).await?;
            let name = pick_place(&index, place)?;
            let label = label
                .clone()
                .map(|l| crate::sanitize::text(&l))
                .filter(|l| !l.is_empty());
            let favorites = store
                .update(|f| {
                    let favorite = Favorite {
                        place: name.clone(),
                        label,
                        lines: filters,
                    };
                    match f.position(&name) {
                        Some(i) => f.list[i] = favorite,
                        None => f.list.push(favorite),
                    }
                    Ok(())
                })
                .map_err(|e| e.to_string())?;
            println!("Added {name}: {}", saved(&favorites));
            Ok(())
        }
        FavAction::Rm { place } => {
            let favorites = store
                .update(|f| {
                    let i = find_favorite(f, place)?;
                    f.list.remove(i);
                    Ok(())
                })
                .map_err(|e| e.to_string())?;
            println!("Removed: {}", saved(&favorites));
            Ok(())
        }
        FavAction::Mv { place, position } => {
            let favorites = store
                .update(|f| {
                    let i = find_favorite(f, place)?;
                    let to = position
                        .saturating_sub(1)
                        .min(f.list.len().saturating_sub(1));
                    let item = f.list.remove(i);
                    f.list.insert(to, item);
                    Ok(())
                })
                .map_err(|e| e.to_string())?;
            for (i, f) in favorites.list.iter().enumerate() {
                println!("{:>2}. {}", i + 1, f.describe());
            }
            Ok(())
        }
    }
}

/// A favourite by name (folded), or the closest names as suggestions.
fn find_favorite(favorites: &crate::favorites::Favorites, name: &str) -> Result<usize, String> {
    if let Some(i) = favorites.position(name) {
        return Ok(i);
    }
    let index = Index {
        places: favorites
            .list
            .iter()
            .map(|f| crate::search::Place::new(f.place.clone(), Vec::new(), None))
            .collect(),
    };
    let close: Vec<String> = index
        .search(name, 5)
        .iter()
        .map(|m| m.place.name.clone())
        .collect();
    match close.as_slice() {
        [only] => favorites
            .position(only)
            .ok_or_else(|| format!("{name:?} is not a favourite")),
        [] => Err(format!("{name:?} is not a favourite")),
        _ => Err(format!(
            "{name:?} is not a favourite; did you mean: {}?",
            close.join(", ")
        )),
    }
}

/// `quai` alone: the board of the favourites.
pub async fn favourites_board(cli: &Cli) -> CommandResult {
    let store = favorites_store(cli)?;
    let interactive = std::io::stdout().is_terminal();
    // A broken file: the board still starts (with the search), read-only,
    // and says why; the file is left untouched.
    let (favorites, warning) = match store.load() {
        Ok(favorites) => (favorites, None),
        Err(e) if interactive => (
            crate::favorites::Favorites::default(),
            Some(format!("favoris en lecture seule : {e}")),
        ),
        Err(e) => return Err(e.to_string()),
    };
    if favorites.list.is_empty() && !interactive {
        return no_command();
    }
    let (client, settings) = connect_with_settings(cli, true)?;
    let board = BoardRun {
        client,
        cache: user_cache(),
        places: favorites.list.iter().map(|f| f.place.clone()).collect(),
        title: "quai · Ginko".into(),
        attribution: ATTRIBUTION.into(),
        clock_shift: jiff::SignedDuration::ZERO,
        favorites: favorites.list,
        favorites_store: Some(store),
        warning,
        home: settings.home,
    };
    let args = BoardArgs {
        nb: 2,
        refresh: 10,
        once: false,
        json: false,
    };
    board.run(cli, &args).await
}

/// `quai kiosk`
pub async fn kiosk(cli: &Cli, args: &KioskArgs) -> CommandResult {
    let nb = Nb::new(args.nb).map_err(|e| e.to_string())?;
    if !std::io::stdout().is_terminal() {
        return Err("the kiosk needs a terminal (under systemd: StandardOutput=tty)".into());
    }
    // Under systemd, the unit's reload; otherwise the signal itself.
    let reload_hint = if std::env::var_os("INVOCATION_ID").is_some() {
        "sudo systemctl reload quai-kiosk".to_string()
    } else {
        format!("kill -HUP {}", std::process::id())
    };
    let mut options = kiosk::KioskOptions {
        nb,
        refresh: crate::board::refresh_period(
            args.refresh,
            args.demo
                || cli
                    .api_url
                    .as_deref()
                    .and_then(|u| crate::ginko::client::parse_base_url(u).ok())
                    .is_some_and(|u| crate::ginko::client::is_loopback(&u)),
        ),
        page_seconds: args.page_seconds.max(1),
        large: args.large_digits,
        quit_key: args.quit_key,
        theme: Theme::detect(cli.no_color),
        title: "quai · Ginko".into(),
        attribution: ATTRIBUTION.into(),
        clock_shift: jiff::SignedDuration::ZERO,
        reload_hint,
    };
    if args.demo {
        let (server, client, clock_shift) = start_demo(args.at.as_deref()).await?;
        options.clock_shift = clock_shift;
        options.title = "quai · Ginko (démo)".into();
        options.attribution = demo::ATTRIBUTION_SHORT.into();
        options.quit_key = options.quit_key.or(Some(config::QuitKey(
            ratatui::crossterm::event::KeyCode::Char('q'),
        )));
        let loaded = kiosk::Loaded {
            client: Some(client),
            cache: Cache::memory(),
            favorites: demo::favourite_places()
                .into_iter()
                .map(|place| Favorite {
                    place: place.into(),
                    label: None,
                    lines: Vec::new(),
                })
                .collect(),
            favorites_path: "(démo)".into(),
            ..kiosk::Loaded::default()
        };
        let result = kiosk::run(options, Box::new(move || loaded.clone())).await;
        drop(server);
        return result;
    }
    let config_flag = cli.config.clone();
    let api_url = cli.api_url.clone();
    kiosk::run(
        options,
        Box::new(move || kiosk_files(config_flag.as_deref(), api_url.as_deref())),
    )
    .await
}

/// What the kiosk reads from its files; every failure becomes a screen.
fn kiosk_files(config_flag: Option<&std::path::Path>, api_url: Option<&str>) -> kiosk::Loaded {
    let mut loaded = kiosk::Loaded {
        cache: user_cache(),
        ..kiosk::Loaded::default()
    };
    let path = match config::settings_path(config_flag) {
        Ok(path) => path,
        Err(e) => {
            loaded.problem = Some(e.to_string());
            return loaded;
        }
    };
    let store = Store::beside(&path);
    loaded.favorites_path = store.path.display().to_string();
    let (favorites, warning) = store.load_salvaged();
    loaded.favorites = favorites.list;
    loaded.warning = warning;
    let settings = match Settings::load(&path) {
        Ok(settings) => settings,
        Err(e) => {
            loaded.problem = Some(format!("réglages illisibles : {e}"));
            loaded.settings_unreadable = true;
            return loaded;
        }
    };
    loaded.quiet_hours = settings.quiet_hours;
    loaded.quiet_screen = settings.quiet_screen.unwrap_or_default();
    loaded.quit_key = settings.kiosk_quit_key;
    match client_from(&settings, &path, api_url, true) {
        Ok(client) => loaded.client = Some(client),
        Err(e) => loaded.problem = Some(e),
    }
    loaded
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
