//! `quai timetable update | status | next`: a network's published GTFS
//! timetable, compiled into the index the boards fall back to.

use std::sync::Arc;

use serde::Serialize;

use super::{CommandResult, Context, print};
use crate::cli::TimetableAction;
use crate::i18n::{t, tf};
use crate::network::registry;
use crate::timetable::Timetable;
use crate::timetable::compile::{Counts, Skipped};
use crate::timetable::source::TimetableNetwork;
use crate::timetable::store::{FeedSource, Meta, Outcome};

/// `quai timetable …`
pub async fn timetable(ctx: &Context<'_>, action: &TimetableAction) -> CommandResult {
    match action {
        TimetableAction::Update { from } => update(ctx, from.as_deref()).await,
        TimetableAction::Status { json } => status(ctx, *json).await,
        TimetableAction::Next {
            place,
            at,
            limit,
            json,
        } => next(ctx, place, at.as_deref(), usize::from(*limit), *json).await,
    }
}

async fn update(ctx: &Context<'_>, from: Option<&str>) -> CommandResult {
    if ctx.is_demo() {
        return Err(t("tt_demo_update").into());
    }
    let network = ctx.one_network()?;
    let (path, settings) = ctx.settings()?;
    let source = match from {
        Some(text) => FeedSource::parse(text),
        None => registry::gtfs_source(settings, &network)?,
    };
    let auth = registry::gtfs_auth(settings, path, &network, &source)?;
    let store = registry::store(&network)?;
    let started = std::time::Instant::now();
    let had_index = store.open().is_ok();
    match store.update(&source, auth.as_ref(), true).await {
        Ok(Outcome::NotModified) => print(&tf("tt_not_modified", &[("network", &network)])),
        Ok(Outcome::Unchanged) => print(&tf("tt_unchanged", &[("network", &network)])),
        Ok(Outcome::Compiled(meta)) => {
            let mut out = tf(
                "tt_compiled",
                &[
                    ("network", &network),
                    ("s", &format!("{:.1}", started.elapsed().as_secs_f64())),
                    ("validity", &validity_text(&meta, None)),
                ],
            );
            out.push('\n');
            out.push_str(&format!("  {}\n", counts_text(&meta.summary.counts)));
            out.push_str(&format!(
                "  {}\n",
                tf(
                    "tt_index",
                    &[
                        ("size", &size_text(meta.index_bytes)),
                        ("path", &store.index_path().display().to_string()),
                    ],
                )
            ));
            out.push_str(&skipped_text(&meta.summary.skipped));
            print(&out)
        }
        Err(e) => Err(tf(
            "tt_update_failed",
            &[
                ("why", &e.to_string()),
                ("kept", if had_index { t("tt_previous_kept") } else { "" }),
            ],
        )),
    }
}

/// What `status --json` prints.
#[derive(Debug, Serialize)]
struct StatusJson {
    network: String,
    compiled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
    first_day: Option<String>,
    last_day: Option<String>,
    expired: bool,
    source: Option<String>,
    fetched_at: Option<jiff::Timestamp>,
    compiled_at: Option<jiff::Timestamp>,
    sha256: Option<String>,
    time_zone: Option<String>,
    counts: Option<Counts>,
    index_bytes: Option<u64>,
    index_path: String,
    skipped: Vec<Skipped>,
}

/// What `quai timetable status` reads of a network's timetable.
struct Status {
    network: String,
    table: Result<Arc<Timetable>, String>,
    meta: Option<Meta>,
    /// Where the index is (or "in memory" in the demo).
    path: String,
}

impl Status {
    /// The first and last service days, as text.
    fn validity(&self) -> (Option<String>, Option<String>) {
        match &self.table {
            Ok(t) => t.validity().map_or((None, None), |(a, b)| {
                (Some(a.to_string()), Some(b.to_string()))
            }),
            Err(_) => (None, None),
        }
    }

    fn expired(&self) -> Option<jiff::civil::Date> {
        let now = crate::clock::now();
        self.table.as_ref().ok().and_then(|t| t.expired(now))
    }
}

fn counts_of(t: &Timetable) -> Counts {
    Counts {
        stops: t.boardable_stop_count() as u64,
        places: t.place_count() as u64,
        routes: t.route_count() as u64,
        trips: t.trip_count() as u64,
        departures: t.departure_count() as u64,
    }
}

async fn status(ctx: &Context<'_>, json: bool) -> CommandResult {
    let network = ctx.one_network()?;
    let (table, meta, path): (Result<Arc<Timetable>, String>, Option<Meta>, String) =
        if ctx.is_demo() {
            let table = demo_table(ctx, &network).await.map(|(t, _)| t);
            (table, None, t("demo_in_memory").to_string())
        } else {
            let store = registry::store(&network)?;
            (
                store.open().map(Arc::new).map_err(|e| e.to_string()),
                store.meta(),
                store.index_path().display().to_string(),
            )
        };
    let status = Status {
        network,
        table,
        meta,
        path,
    };
    if json {
        status_json(status)
    } else {
        status_text(status)
    }
}

/// `quai timetable status --json`.
fn status_json(status: Status) -> CommandResult {
    let (first, last) = status.validity();
    let expired = status.expired();
    let Status {
        network,
        table,
        meta,
        path,
    } = status;
    let out = StatusJson {
        network,
        compiled: table.is_ok(),
        problem: table.as_ref().err().cloned(),
        first_day: first,
        last_day: last,
        expired: expired.is_some(),
        source: meta.as_ref().map(|m| m.source.clone()),
        fetched_at: meta.as_ref().and_then(|m| m.fetched_at),
        compiled_at: meta.as_ref().and_then(|m| m.compiled_at),
        sha256: meta.as_ref().map(|m| m.sha256.clone()),
        time_zone: table.as_ref().ok().map(|t| t.zone_name().to_string()),
        counts: table.as_deref().ok().map(counts_of),
        index_bytes: table.as_ref().ok().map(|t| t.size() as u64),
        index_path: path,
        skipped: meta.map(|m| m.summary.skipped).unwrap_or_default(),
    };
    let text = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
    print(&crate::sanitize::json_for_terminal(&text))
}

/// `quai timetable status`, for a reader.
fn status_text(status: Status) -> CommandResult {
    let (first, last) = status.validity();
    let expired = status.expired();
    let Status {
        network,
        table,
        meta,
        path,
    } = status;
    let table = match table {
        Ok(t) => t,
        Err(e) => {
            return print(&tf(
                "tt_none_usable",
                &[("network", &network), ("why", &e.to_string())],
            ));
        }
    };
    let mut out = format!("{network} — {} (GTFS)\n", t("theoretical_times"));
    let validity = match (first, last) {
        (Some(a), Some(b)) => tf(
            "tt_valid",
            &[("from", &a.to_string()), ("to", &b.to_string())],
        ),
        _ => t("tt_no_service_day").to_string(),
    };
    let expired_text = expired
        .map(|d| {
            let since = d.tomorrow().unwrap_or(d);
            tf("tt_expired_since", &[("day", &since.to_string())])
        })
        .unwrap_or_default();
    out.push_str(&format!("  {validity}{expired_text}\n"));
    if let Some(meta) = &meta {
        out.push_str(&format!(
            "  {}\n",
            tf(
                "tt_source",
                &[("source", &crate::sanitize::line(&meta.source))]
            )
        ));
        let when = |t: Option<jiff::Timestamp>| {
            t.map(|t| crate::domain::command_time(t, table.zone(), "%Y-%m-%d %H:%M"))
                .unwrap_or_else(|| "?".into())
        };
        out.push_str(&format!(
            "  {}\n",
            tf(
                "tt_fetched_compiled",
                &[
                    ("fetched", &when(meta.fetched_at)),
                    ("compiled", &when(meta.compiled_at)),
                ],
            )
        ));
        out.push_str(&format!(
            "  {}\n",
            tf("tt_sha256", &[("sum", &meta.sha256)])
        ));
    }
    out.push_str(&format!("  {}\n", counts_text(&counts_of(&table))));
    out.push_str(&format!(
        "  {}\n",
        tf(
            "tt_zone_index",
            &[
                ("zone", table.zone_name()),
                ("size", &size_text(table.size() as u64)),
                ("path", &path.to_string()),
            ],
        )
    ));
    if let Some(meta) = &meta {
        out.push_str(&skipped_text(&meta.summary.skipped));
    }
    print(&out)
}

/// What `next --json` prints.
#[derive(Debug, Serialize)]
struct NextJson {
    place: String,
    departures: Vec<NextDeparture>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expired_since: Option<String>,
}

#[derive(Debug, Serialize)]
struct NextDeparture {
    time: String,
    route_id: String,
    line: String,
    direction_id: Option<u8>,
    headsign: String,
    stop_id: String,
    trip_id: String,
    /// A headway-based trip: the time is approximate.
    approximate: bool,
}

async fn next(
    ctx: &Context<'_>,
    query: &str,
    at: Option<&str>,
    limit: usize,
    json: bool,
) -> CommandResult {
    // A place may name its network, as on the board (`idfm:"gare de lyon"`).
    let (network, query) = match query.split_once(':') {
        Some((prefix, rest)) if ctx.networks().await?.contains(prefix.trim()) => {
            (prefix.trim().to_string(), rest)
        }
        _ => (ctx.one_network()?, query),
    };
    let (table, shift) = if ctx.is_demo() {
        demo_table(ctx, &network).await?
    } else {
        let store = registry::store(&network)?;
        (
            Arc::new(store.open().map_err(|e| e.to_string())?),
            jiff::SignedDuration::ZERO,
        )
    };
    let tt = TimetableNetwork::new(
        &network,
        &ctx.networks().await?.name(&network),
        Arc::clone(&table),
    );
    let (_, query) = crate::poller::split_network(query, &crate::network::Network::networks(&tt));
    let (index, _) = super::stops::stop_index(&tt).await?;
    let name = super::stops::pick_place(&index, query)?;
    let place = index
        .place(&name)
        .ok_or_else(|| tf("stops_no_match", &[("name", query)]))?;
    let stops: Vec<u32> = place
        .stop_ids
        .iter()
        .filter_map(|id| table.find_stop(id))
        .collect();
    let from = match at {
        Some(text) => parse_at(text, &table)?,
        None => crate::clock::now()
            .checked_add(shift)
            .unwrap_or_else(|_| crate::clock::now()),
    };
    let expired = table.expired(from).map(|d| d.to_string());
    let found = table.departures(&stops, |_, _| true, from, limit);
    let departures: Vec<NextDeparture> = found.iter().map(|d| next_departure(&table, d)).collect();
    if json {
        let out = NextJson {
            place: name,
            departures,
            expired_since: expired,
        };
        let text = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
        return print(&text);
    }
    print(&next_text(
        &table,
        &name,
        &network,
        from,
        expired.as_deref(),
        &departures,
        &found,
    ))
}

/// `--at`: an RFC 3339 instant, "YYYY-MM-DD HH:MM", or "HH:MM" today, in
/// the feed's zone (the program's `--at` reads the same forms).
fn parse_at(text: &str, table: &Timetable) -> Result<jiff::Timestamp, String> {
    crate::clock::parse_at(text, table.zone())
}

/// One departure as `--json` writes it.
fn next_departure(table: &Timetable, d: &crate::timetable::TimetableDeparture) -> NextDeparture {
    let clean = crate::sanitize::line;
    let route = table.route(d.route);
    NextDeparture {
        time: d
            .at
            .to_zoned(table.zone().clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        route_id: clean(route.id),
        line: clean(if route.short_name.is_empty() {
            route.long_name
        } else {
            route.short_name
        }),
        direction_id: d.direction,
        headsign: clean(table.string(d.headsign)),
        stop_id: clean(table.stop_id(d.stop)),
        trip_id: clean(table.trip_id(d.trip)),
        approximate: d.approximate,
    }
}

/// The next departures for a reader.
fn next_text(
    table: &Timetable,
    name: &str,
    network: &str,
    from: jiff::Timestamp,
    expired: Option<&str>,
    departures: &[NextDeparture],
    found: &[crate::timetable::TimetableDeparture],
) -> String {
    let mut out = format!("{name} — {} ({network})\n", t("theoretical_times"));
    if let Some(day) = expired {
        out.push_str(&format!("  {}\n", tf("tt_expired_on", &[("day", day)])));
    } else if let Some((first, _)) = table
        .validity()
        .filter(|(first, _)| from.to_zoned(table.zone().clone()).date() < *first)
    {
        out.push_str(&format!(
            "  {}\n",
            tf("tt_valid_from_only", &[("first", &first.to_string())])
        ));
    } else if departures.is_empty() {
        out.push_str(&format!("  {}\n", t("tt_none_in_14_days")));
    }
    let width = departures
        .iter()
        .map(|d| unicode_width::UnicodeWidthStr::width(d.line.as_str()))
        .max()
        .unwrap_or(0);
    let today = from.to_zoned(table.zone().clone()).date();
    for (d, raw) in departures.iter().zip(found) {
        let local = raw.at.to_zoned(table.zone().clone());
        let day = if local.date() == today {
            String::new()
        } else {
            format!("{} ", local.strftime("%d/%m"))
        };
        let pad = width.saturating_sub(unicode_width::UnicodeWidthStr::width(d.line.as_str()));
        out.push_str(&format!(
            "  {day}{}{}  {}{}  → {}  ({} {})\n",
            local.strftime("%H:%M"),
            if d.approximate { "~" } else { " " },
            d.line,
            " ".repeat(pad),
            d.headsign,
            t("stop_word"),
            d.stop_id
        ));
    }
    out
}

/// A demo network's timetable (compiled in memory) and the demo's clock.
async fn demo_table(
    ctx: &Context<'_>,
    network: &str,
) -> Result<(Arc<Timetable>, jiff::SignedDuration), String> {
    let demo = ctx.demo(None).await?;
    demo.timetables
        .iter()
        .find(|t| crate::network::Network::id(t.as_ref()) == network)
        .map(|t| (Arc::clone(t.shared_table()), demo.clock_shift))
        .ok_or_else(|| tf("demo_no_timetable", &[("network", network)]))
}

fn validity_text(meta: &Meta, _now: Option<jiff::Timestamp>) -> String {
    match (&meta.summary.first_day, &meta.summary.last_day) {
        (Some(a), Some(b)) => tf("tt_valid", &[("from", a), ("to", b)]),
        _ => t("tt_no_service_day").into(),
    }
}

fn counts_text(c: &Counts) -> String {
    tf(
        "tt_counts",
        &[
            ("stops", &c.stops.to_string()),
            ("places", &c.places.to_string()),
            ("routes", &c.routes.to_string()),
            ("trips", &c.trips.to_string()),
            ("departures", &c.departures.to_string()),
        ],
    )
}

fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        tf(
            "size_mb",
            &[("n", &format!("{:.1}", bytes as f64 / f64::from(1 << 20)))],
        )
    } else {
        tf("size_kb", &[("n", &bytes.div_ceil(1024).to_string())])
    }
}

/// A skipped row's reason in the rider's language (the report keeps the
/// code, which `--json` gives as it is).
fn skip_reason(code: &str) -> &str {
    match skip_reason_key(code) {
        Some(key) => t(key),
        None => code,
    }
}

/// The catalog key of a skipped row's reason.
fn skip_reason_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "malformed" => "tt_why_malformed",
        "unknown trip_id" => "tt_why_unknown_trip",
        "unknown stop_id" => "tt_why_unknown_stop",
        "unknown route_id" => "tt_why_unknown_route",
        "duplicate stop_id" => "tt_why_duplicate_stop",
        "duplicate route_id" => "tt_why_duplicate_route",
        "duplicate trip_id" => "tt_why_duplicate_trip",
        _ => return None,
    })
}

fn skipped_text(skipped: &[Skipped]) -> String {
    skipped
        .iter()
        .map(|s| {
            format!(
                "  {}\n",
                tf(
                    if s.rows > 1 {
                        "tt_skipped_many"
                    } else {
                        "tt_skipped_one"
                    },
                    &[
                        ("file", &s.file),
                        ("n", &s.rows.to_string()),
                        ("why", skip_reason(&s.reason)),
                        ("line", &s.first_line.to_string()),
                    ],
                )
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_rows_are_explained_in_french_too() {
        use crate::i18n::{Language, lookup};
        for code in [
            "malformed",
            "unknown trip_id",
            "unknown stop_id",
            "unknown route_id",
            "duplicate stop_id",
            "duplicate route_id",
            "duplicate trip_id",
        ] {
            let key = skip_reason_key(code).unwrap();
            assert_ne!(lookup(Language::Fr, key), code, "{code}");
            assert_eq!(lookup(Language::En, key), code);
        }
    }
}
