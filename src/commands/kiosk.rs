//! `quai kiosk`: the favourites full screen for an unattended screen.

use std::io::IsTerminal;

use super::{CommandResult, Context, user_cache};
use crate::cli::KioskArgs;
use crate::config::{self, Settings};
use crate::favorites::Store;
use crate::kiosk;
use crate::network::{PerRow, registry};
use crate::ui::theme::Theme;

/// `quai kiosk`
pub async fn kiosk(ctx: &Context<'_>, args: &KioskArgs) -> CommandResult {
    let nb = PerRow::new(args.nb)?;
    if !std::io::stdout().is_terminal() {
        return Err(crate::i18n::t("kiosk_needs_terminal").into());
    }
    // The day's look for a new timetable; it never runs in quiet hours,
    // when the kiosk asks nothing of the networks.
    crate::timetable::fallback::allow_background_updates();
    // Under systemd, the unit's reload; otherwise the signal itself.
    let reload_hint = if std::env::var_os("INVOCATION_ID").is_some() {
        "sudo systemctl reload quai-kiosk".to_string()
    } else {
        format!("kill -HUP {}", std::process::id())
    };
    let mut options = kiosk::KioskOptions {
        nb,
        refresh: crate::model::refresh_period(
            args.refresh,
            ctx.is_demo() || registry::is_local_url(ctx.cli.api_url.as_deref()),
        ),
        page_seconds: args.page_seconds.max(1),
        large: args.large_digits,
        quit_key: args.quit_key,
        theme: Theme::detect(ctx.cli.no_color),
        title: "quai".into(),
        attribution: String::new(),
        clock_shift: jiff::SignedDuration::ZERO,
        reload_hint,
    };
    if args.at.is_some() && !ctx.is_demo() {
        return Err(crate::i18n::t("at_needs_demo").into());
    }
    if ctx.is_demo() {
        let demo = ctx.demo(args.at.as_deref()).await?;
        options.clock_shift = demo.clock_shift;
        options.quit_key = options.quit_key.or(Some(config::QuitKey(
            ratatui::crossterm::event::KeyCode::Char('q'),
        )));
        let loaded = kiosk::Loaded {
            source: Some(demo.source.clone()),
            favorites: ctx
                .favorites_store()?
                .load()
                .map_err(|e| e.to_string())?
                .list,
            favorites_path: "(démo)".into(),
            ..kiosk::Loaded::default()
        };
        return kiosk::run(options, std::sync::Arc::new(move || loaded.clone())).await;
    }
    let config_flag = ctx.cli.config.clone();
    let api_url = ctx.cli.api_url.clone();
    // Boards from a broker: no key, no network of its own.
    let from = match &args.from {
        Some(from) => Some(super::publish::subscribed(ctx, from, &args.topic_prefix)?),
        None => None,
    };
    kiosk::run(
        options,
        std::sync::Arc::new(move || {
            let mut loaded =
                kiosk_files(config_flag.as_deref(), api_url.as_deref(), from.is_some());
            if let Some(source) = &from {
                loaded.source = Some(source.clone());
            }
            loaded
        }),
    )
    .await
}

/// What the kiosk reads from its files; every failure becomes a screen.
fn kiosk_files(
    config_flag: Option<&std::path::Path>,
    api_url: Option<&str>,
    from_broker: bool,
) -> kiosk::Loaded {
    let mut loaded = kiosk::Loaded::default();
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
            loaded.problem = Some(crate::i18n::tf(
                "settings_unreadable",
                &[("why", &e.to_string())],
            ));
            loaded.settings_unreadable = true;
            return loaded;
        }
    };
    loaded.quiet_hours = settings.quiet_hours;
    loaded.quiet_screen = settings.quiet_screen.unwrap_or_default();
    loaded.quit_key = settings.kiosk_quit_key;
    if from_broker {
        return loaded;
    }
    match registry::from_settings(&settings, &path, api_url, &user_cache(), None) {
        Ok(source) => loaded.source = Some(source),
        Err(e) => loaded.problem = Some(e.into()),
    }
    loaded
}
