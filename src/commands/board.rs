//! `quai board`, `quai demo` and `quai` alone: the live board of some
//! places or of the favourites, or one snapshot of it (`--once`, `--json`).

use std::io::IsTerminal;

use super::{CommandResult, Context, print};
use crate::app;
use crate::cli::BoardArgs;
use crate::favorites::{Favorite, Store};
use crate::model::Board;
use crate::network::{PerRow, Source, registry};
use crate::poller::{self, PollSettings};
use crate::ui::theme::Theme;
use crate::ui::view;

/// The exit status of `--once` and `--json` when the board was printed
/// but some place shows no live data (docs/json.md, "Exit status").
pub const NO_LIVE_DATA: u8 = 3;

/// The status the command asks to exit with when it succeeded: `0`, or
/// [`NO_LIVE_DATA`].
static EXIT_STATUS: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// The status to exit with after a command that succeeded.
pub fn exit_status() -> u8 {
    EXIT_STATUS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Whether some place of a printed board shows no live data: the board's
/// refresh failed or is stale, a place's times are stale, failed or the
/// timetable's because live times failed, or a place is unknown or could
/// not be looked up. A board asked `--offline`, or a network that has no
/// live data at all, is not such a board: nothing live was asked.
pub fn lacks_live_data(view: &view::BoardView) -> bool {
    const OFFLINE: Option<&str> = Some("offline");
    (view.error_kind != OFFLINE && (view.stale || view.stale_data))
        || !view.unknown_places.is_empty()
        || view.places.iter().any(|p| {
            p.problem_kind != OFFLINE && (p.stale || p.problem.is_some() || p.timetable.is_some())
        })
}

/// The zone that `--at`'s "YYYY-MM-DD HH:MM" and "HH:MM" (and
/// `QUAI_AT`'s) are read in for a board of `places`: the zone of the
/// network of the first place (its `network:` prefix, else `--network`,
/// else the settings' `default_network`, else Ginko).
pub fn at_zone(ctx: &Context<'_>, places: &[String]) -> jiff::tz::TimeZone {
    let prefix = places
        .first()
        .and_then(|p| p.split_once(':'))
        .map(|(prefix, _)| prefix.trim().to_ascii_lowercase())
        .filter(|id| {
            registry::fixed_zone(id).is_some()
                || ctx
                    .settings()
                    .is_ok_and(|(_, s)| registry::Networks::of(s).contains(id))
        });
    match prefix {
        Some(id) => network_zone(&id),
        None => ctx
            .one_network()
            .map_or_else(|_| crate::domain::default_zone(), |id| network_zone(&id)),
    }
}

/// A network's zone: its kind's when fixed, else its compiled timetable's,
/// else Paris's.
pub fn network_zone(id: &str) -> jiff::tz::TimeZone {
    registry::fixed_zone(id)
        .or_else(|| {
            registry::store(id)
                .ok()
                .and_then(|s| s.open().ok())
                .map(|t| t.zone().clone())
        })
        .unwrap_or_else(crate::domain::default_zone)
}

/// `quai` with no command.
pub fn no_command() -> CommandResult {
    print(crate::i18n::t("no_command"))
}

/// `quai board PLACE… [--at INSTANT]`
pub async fn board(
    ctx: &Context<'_>,
    places: &[String],
    args: &BoardArgs,
    at: Option<&str>,
) -> CommandResult {
    // The clock is set before anything reads it, a date or time without
    // a zone read in the zone of the network of the first place asked.
    if let Some(at) = at {
        crate::clock::start_at(crate::clock::parse_at(at, &at_zone(ctx, places))?);
    }
    let source = match &args.from {
        Some(from) => super::publish::subscribed(ctx, from, &args.topic_prefix)?,
        None if args.offline => ctx.offline_source().await?,
        None => match ctx.source_or_why().await {
            Ok(source) => source,
            // No key, but a timetable: say how to see it. A settings error
            // is the user's to fix.
            Err(e @ registry::SetupError::NoNetwork(_)) => {
                let networks = ctx.networks().await?;
                let compiled = networks
                    .ids()
                    .any(|n| registry::store(n).is_ok_and(|s| s.index_path().exists()));
                if compiled {
                    return Err(format!("{e}\n{}", crate::i18n::t("board_offline_hint")));
                }
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        },
    };
    let board = BoardRun {
        first_name: crate::i18n::t("asked_stops").into(),
        is_favorites: false,
        source,
        places: places.to_vec(),
        clock_shift: ctx.clock_shift(),
        favorites: Vec::new(),
        favorites_store: ctx.favorites_store().ok(),
        warning: None,
        home: ctx.home(),
    };
    board.run(ctx, args).await
}

/// `quai demo`: the embedded server and the demo favourites, without reading
/// or writing any of the user's files.
pub async fn demo(ctx: &Context<'_>, args: &BoardArgs, at: Option<&str>) -> CommandResult {
    let demo = ctx.demo(at).await?;
    let store = ctx.favorites_store()?;
    let favorites = store.load().map_err(|e| e.to_string())?.list;
    let source = if args.offline {
        ctx.offline_source().await?
    } else {
        demo.source.clone()
    };
    let board = BoardRun {
        first_name: crate::i18n::t("demo_word").into(),
        is_favorites: true,
        source,
        places: favorites.iter().map(|f| f.query()).collect(),
        clock_shift: demo.clock_shift,
        favorites,
        favorites_store: Some(store),
        warning: None,
        home: ctx.home().or(Some(super::DEMO_HOME)),
    };
    board.run(ctx, args).await
}

struct BoardRun {
    source: Source,
    /// How the status line names this board once another is shown.
    first_name: String,
    /// The places are the favourites'.
    is_favorites: bool,
    places: Vec<String>,
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
    async fn run(self, ctx: &Context<'_>, args: &BoardArgs) -> CommandResult {
        let nb = PerRow::new(args.nb)?;
        if args.calls && !args.json {
            return Err(crate::i18n::t("calls_json_only").into());
        }
        if args.once || args.json {
            return self.once(nb, args).await;
        }
        if !std::io::stdout().is_terminal() {
            return Err(crate::i18n::t("board_not_terminal").into());
        }
        crate::timetable::fallback::allow_background_updates();
        let start_in_search = self.places.is_empty();
        let settings = app::BoardSettings {
            poll: PollSettings {
                places: self.places,
                nb,
                refresh: crate::model::refresh_period(args.refresh, self.source.is_local()),
                favorites: self.favorites,
                walk: args.walk,
                to: args.to.as_deref().map(crate::sanitize::line),
                chosen: None,
            },
            title: format!("quai · {}", self.source.name()),
            attribution: self.source.attribution().to_string(),
            theme: Theme::detect(ctx.cli.no_color),
            clock_shift: self.clock_shift,
            start_in_search,
            favorites: self.favorites_store,
            warning: self.warning,
            home: self.home,
            first_name: self.first_name,
            first_is_favorites: self.is_favorites,
        };
        app::run(self.source, settings).await
    }

    /// One snapshot on stdout; an error when no data could be had.
    async fn once(self, nb: PerRow, args: &BoardArgs) -> CommandResult {
        let (json, walk) = (args.json, args.walk);
        let (mut places, unknown, unavailable) =
            poller::resolve_parts(self.source.as_ref(), &self.places)
                .await
                .map_err(|e| e.to_string())?;
        for place in &mut places {
            place.walk = walk;
        }
        poller::apply_favorites(&mut places, &self.favorites);
        // The destination goes with the rows: a network may ask for its
        // arrivals there in the same request.
        if let Some(to) = &args.to {
            for place in &mut places {
                place.to = Some(crate::sanitize::line(to));
            }
        }
        if places.is_empty() {
            return Err(crate::i18n::tf(
                "board_no_such_place",
                &[("names", &unknown.join(", "))],
            ));
        }
        // Only the networks of the places shown are asked.
        let shown = poller::shown_networks(&self.source, &places);
        let mut board = Board::new(places);
        board.unknown = unknown;
        board.unavailable = unavailable;
        let results = shown
            .departures(&board.requests(), nb)
            .await
            .map_err(|e| e.to_string())?;
        board.apply(crate::clock::now(), results);
        board.zones = poller::zones_of(self.source.as_ref());
        board.schedule_note = shown.schedule_note();
        for update in poller::lift_updates(shown.as_ref(), board.resolved_places()).await {
            poller::apply(&mut board, update);
        }
        // Messages are a bonus: the board goes out without them.
        if let Ok(messages) = shown.messages().await {
            board.messages = messages;
        }
        if let Some(to) = &args.to {
            crate::destination::filter(&mut board, self.source.as_ref(), to)?;
        }
        if args.calls {
            crate::destination::add_calls(&mut board, self.source.as_ref())?;
        }
        let view = view::build_shifted(&board, crate::clock::now(), self.clock_shift);
        if lacks_live_data(&view) {
            EXIT_STATUS.store(NO_LIVE_DATA, std::sync::atomic::Ordering::Relaxed);
        }
        let text = if json {
            serde_json::to_string_pretty(&view).map_err(|e| e.to_string())?
        } else {
            let title = crate::network::board_title(
                &self.source.networks(),
                board.resolved_places().map(|p| p.network.as_str()),
            )
            .unwrap_or_else(|| format!("quai · {}", self.source.name()));
            view::text(&view, &title, self.source.attribution())
        };
        print(&text)
    }
}

/// `quai` alone: the board of the favourites.
pub async fn favourites_board(ctx: &Context<'_>) -> CommandResult {
    let store = ctx.favorites_store()?;
    let interactive = std::io::stdout().is_terminal();
    // A broken file: the board still starts (with the search), read-only,
    // and says why; the file is left untouched.
    let (favorites, warning) = match store.load() {
        Ok(favorites) => (favorites, None),
        Err(e) if interactive => (
            crate::favorites::Favorites::default(),
            Some(crate::i18n::tf(
                "favorites_read_only",
                &[("why", &e.to_string())],
            )),
        ),
        Err(e) => return Err(e.to_string()),
    };
    if favorites.list.is_empty() && !interactive {
        return no_command();
    }
    let source = ctx.source().await?;
    let board = BoardRun {
        first_name: crate::i18n::t("favorites_word").into(),
        is_favorites: true,
        source,
        places: favorites.list.iter().map(|f| f.query()).collect(),
        clock_shift: ctx.clock_shift(),
        favorites: favorites.list,
        favorites_store: Some(store),
        warning,
        home: ctx.home(),
    };
    let args = BoardArgs {
        nb: 2,
        refresh: 10,
        once: false,
        offline: false,
        from: None,
        topic_prefix: "quai".into(),
        json: false,
        walk: None,
        to: None,
        calls: false,
    };
    board.run(ctx, &args).await
}
