//! `quai publish`: the places' boards (or the favourites') to an MQTT
//! broker, for many screens and Home Assistant.

use super::{CommandResult, Context, print, wait_for_shutdown};
use crate::cli::PublishArgs;
use crate::config;
use crate::i18n::{t, tf};
use crate::mqtt::publish::{self, Options, place_topics};
use crate::mqtt::{Broker, Credentials, check_prefix};
use crate::network::PerRow;

/// `quai publish [PLACE…] --broker mqtt://HOST:PORT`
pub async fn publish(ctx: &Context<'_>, args: &PublishArgs) -> CommandResult {
    let prefix = check_prefix(&args.topic_prefix)?;
    let discovery_prefix = check_prefix(&args.discovery_prefix)?;
    let nb = PerRow::new(args.nb)?;
    let (path, settings) = ctx.settings()?;
    let table = settings.mqtt.clone().unwrap_or_default();
    let (places, favorites) = if args.places.is_empty() {
        let favorites = ctx
            .favorites_store()?
            .load()
            .map_err(|e| e.to_string())?
            .list;
        if favorites.is_empty() {
            return Err(t("pub_no_place").into());
        }
        (favorites.iter().map(|f| f.query()).collect(), favorites)
    } else {
        (args.places.clone(), Vec::new())
    };
    let source = ctx.source().await?;
    let keys = publish::configured_keys(settings, path);
    let scrub = crate::mqtt::scrub::Scrubber::new(&keys);
    if args.list_topics {
        let (mut resolved, unknown) = crate::poller::resolve(source.as_ref(), &places)
            .await
            .map_err(|e| e.to_string())?;
        crate::poller::apply_favorites(&mut resolved, &favorites);
        let mut board = crate::model::Board::new(resolved);
        board.unknown = unknown.clone();
        let view = crate::ui::view::build(&board, crate::clock::now());
        let mut out = format!("{prefix}/status\t{}\n", t("pub_topic_status"));
        let mut networks: Vec<&str> = Vec::new();
        for (p, place) in view.places.iter().enumerate() {
            let network = board.places[p].place.network.as_str();
            if !networks.contains(&network) {
                networks.push(network);
            }
            let topics = place_topics(&prefix, network, place, &scrub);
            let clean = |text: &str| crate::sanitize::line(&scrub.text(text));
            out.push_str(&format!("{}\t{}\n", topics.board, clean(&place.name)));
            for ((_, topic), row) in topics.rows.iter().zip(&place.rows) {
                out.push_str(&format!(
                    "{topic}\t{} → {}\n",
                    clean(&row.line.number),
                    clean(&row.destination)
                ));
            }
        }
        for network in networks {
            out.push_str(&format!(
                "{prefix}/{network}/messages\t{}\n",
                t("pub_topic_messages")
            ));
        }
        let mut lines_seen = Vec::new();
        for place in board.resolved_places() {
            for l in &place.lines {
                let topic = format!(
                    "{prefix}/{}/line/{}/disruption",
                    place.network,
                    scrub.slug(&l.line.id)
                );
                if !lines_seen.contains(&topic) {
                    let number = crate::sanitize::line(&scrub.text(&l.line.number));
                    out.push_str(&format!(
                        "{topic}\t{}\n",
                        tf("pub_topic_disruption", &[("line", &number)])
                    ));
                    lines_seen.push(topic);
                }
            }
        }
        if !args.no_discovery {
            out.push_str(&format!(
                "{discovery_prefix}/sensor/quai_<network>_<place-id>_<row-id>/config\t{}\n{discovery_prefix}/binary_sensor/quai_<network>_line_<line-id>_disruption/config\t{}\n",
                t("pub_topic_discovery_row"),
                t("pub_topic_discovery_line")
            ));
        }
        for name in unknown {
            let name = crate::sanitize::line(&scrub.text(&name));
            out.push_str(&format!(
                "# {}\n",
                tf("pub_unknown_place", &[("name", &name)])
            ));
        }
        return print(&out);
    }
    let broker = args
        .broker
        .clone()
        .or(table.broker.clone())
        .ok_or(t("pub_no_broker"))?;
    let broker = Broker::parse(&broker)?;
    let credentials = credentials(&table, path)?;
    let record = (!ctx.is_demo()).then(|| {
        config::cache_dir()
            .unwrap_or_else(|_| std::env::temp_dir().join("quai"))
            .join("mqtt")
            .join(format!(
                "discovery-{}-{}.json",
                crate::mqtt::slug(&discovery_prefix),
                crate::mqtt::slug(&prefix)
            ))
    });
    let options = Options {
        broker,
        credentials,
        prefix,
        discovery: (!args.no_discovery).then_some(discovery_prefix),
        discovery_record: record,
        places,
        favorites,
        nb,
        refresh: crate::model::refresh_period(args.refresh, source.is_local()),
        to: args.to.as_deref().map(crate::sanitize::line),
        keys,
    };
    // A publisher runs for months: its timetables are kept up to date too.
    crate::timetable::fallback::allow_background_updates();
    publish::run(source, options, wait_for_shutdown()).await
}

/// The broker's user and password from the settings' `[mqtt]` table (the
/// password also from `QUAI_MQTT_PASSWORD`).
pub(super) fn credentials(
    table: &crate::config::MqttSettings,
    settings_path: &std::path::Path,
) -> Result<Option<Credentials>, String> {
    let password = config::read_secret(
        std::env::var("QUAI_MQTT_PASSWORD").ok(),
        table.password.as_deref(),
        table.password_file.as_deref(),
        settings_path,
    )
    .map_err(|e| e.to_string())?;
    match (table.username.clone(), password) {
        (Some(username), Some(password)) => Ok(Some(Credentials { username, password })),
        (Some(_), None) => Err(t("pub_no_password").into()),
        (None, _) => Ok(None),
    }
}

/// The boards of a broker, as a network (`--from mqtt://…`).
pub(super) fn subscribed(
    ctx: &Context<'_>,
    from: &str,
    prefix: &str,
) -> Result<crate::network::Source, String> {
    let prefix = check_prefix(prefix)?;
    let broker = Broker::parse(from)?;
    let (path, settings) = ctx.settings()?;
    let credentials = credentials(&settings.mqtt.clone().unwrap_or_default(), path)?;
    // The demo's city is known once the demo has started.
    let networks = match ctx.is_demo() {
        true => ctx.started_demo_networks(),
        false => None,
    }
    .unwrap_or_else(|| crate::network::registry::Networks::of(settings));
    let source: crate::network::Source =
        std::sync::Arc::new(crate::mqtt::subscribe::Subscribed::connect(
            &broker,
            credentials.as_ref(),
            &prefix,
            networks.clone(),
        ));
    // Without boards, the local timetables, as a screen without network.
    if ctx.is_demo() {
        return Ok(source);
    }
    Ok(crate::network::registry::with_local_timetables(
        source, &networks,
    ))
}
