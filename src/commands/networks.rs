//! `quai networks [check ID]`: every network quai knows, its feeds' state
//! and its timetable's validity; one network's feeds fetched once and
//! checked.

use serde::Serialize;

use super::{CommandResult, Context, print};
use crate::cli::NetworksAction;
use crate::domain::age_text;
use crate::i18n::{t, tf};
use crate::network::check::{FeedCheck, FeedStatus};
use crate::network::registry;
use crate::timetable::Timetable;

#[derive(Debug, Serialize)]
struct TimetableReport {
    compiled: bool,
    valid_from: Option<String>,
    valid_to: Option<String>,
    expired: bool,
    /// Its first service day is after the feed's time (or now).
    #[serde(default)]
    not_yet_valid: bool,
    /// Each trip's stops are in the index (what trip updates need).
    trip_stops: bool,
    source: Option<String>,
}

#[derive(Debug, Serialize)]
struct FeedReport {
    feed: &'static str,
    /// Its name in the rider's language, for the text report.
    #[serde(skip)]
    shown: &'static str,
    url: String,
    fetched_at: Option<String>,
    /// How old its content is, by its own header.
    age_seconds: Option<u64>,
    header_timestamp: Option<String>,
    /// How far its own time is ahead of the clock, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    ahead_seconds: Option<u64>,
    entities: usize,
    /// Its entities that are trip updates, vehicle positions and alerts.
    serves: Serves,
    bytes: usize,
    stale: bool,
    /// Older than this (by its own header), the feed is not live.
    stale_after_seconds: u64,
    error: Option<String>,
}

/// What a feed's entities are.
#[derive(Debug, Serialize, Default)]
struct Serves {
    trip_updates: usize,
    vehicle_positions: usize,
    alerts: usize,
}

/// One kind of problem in the updates' content.
#[derive(Debug, Serialize)]
struct FindingReport {
    /// The MobilityData GTFS-Realtime validator's rule code, if it has one.
    code: Option<&'static str>,
    count: usize,
    example: String,
    /// In the rider's language.
    text: String,
}

#[derive(Debug, Serialize)]
struct NetworkReport {
    id: String,
    name: String,
    /// "ginko-api", "idfm-prim" or "gtfs-realtime".
    kind: &'static str,
    configured: bool,
    timetable: TimetableReport,
    feeds: Vec<FeedReport>,
    /// For feed networks: trips of the updates found in the timetable.
    #[serde(skip_serializing_if = "Option::is_none")]
    matching_trips: Option<(usize, usize)>,
    /// For feed networks: stop updates whose `stop_sequence` names another
    /// stop than their `stop_id` (validator rule E045).
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_disagreements: Option<usize>,
    /// The first of them, as the feed gives it.
    #[serde(skip)]
    stop_disagreement_example: Option<(String, u32, String)>,
    /// Trips, routes and stops the timetable lacks, trips not running that
    /// day, added trips without a route (feed networks).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    findings: Vec<FindingReport>,
    problems: Vec<String>,
}

/// The timetable's state at `at` (the feed's time, else now).
fn timetable_report(
    table: Option<&Timetable>,
    source: Option<String>,
    at: jiff::Timestamp,
) -> TimetableReport {
    let validity = table.and_then(Timetable::validity);
    let day = |t: &Timetable| at.to_zoned(t.zone().clone()).date();
    TimetableReport {
        compiled: table.is_some(),
        valid_from: validity.map(|v| v.0.to_string()),
        valid_to: validity.map(|v| v.1.to_string()),
        expired: table.is_some_and(|t| t.expired(at).is_some()),
        not_yet_valid: table.is_some_and(|t| validity.is_some_and(|v| day(t) < v.0)),
        trip_stops: table.is_some_and(Timetable::has_trip_stops),
        source,
    }
}

fn feed_report(state: &FeedStatus, stale_after: std::time::Duration) -> FeedReport {
    FeedReport {
        feed: state.feed,
        shown: state.shown,
        url: state.url.clone(),
        fetched_at: state.fetched_at.map(|t| t.to_string()),
        age_seconds: state.age.map(|a| a.as_secs()),
        header_timestamp: state.header_timestamp.map(|t| t.to_string()),
        ahead_seconds: state
            .header_timestamp
            .map(|t| crate::clock::now().duration_until(t).as_secs())
            .and_then(|s| u64::try_from(s).ok())
            .filter(|s| *s > 0),
        entities: state.entities,
        serves: Serves {
            trip_updates: state.kinds[0],
            vehicle_positions: state.kinds[1],
            alerts: state.kinds[2],
        },
        bytes: state.bytes,
        stale: state.age.is_some_and(|a| a > stale_after),
        stale_after_seconds: stale_after.as_secs(),
        error: state.error.clone(),
    }
}

/// How far a feed's own time may be ahead of the clock before it is a
/// problem (clocks of servers drift a little).
const FUTURE_SKEW_S: u64 = 60;

/// A feed serving no entity of its own kind but some of another: its URL
/// is another feed's (the other kind's name, and how many).
fn wrong_kind(feed: &FeedReport) -> Option<(&'static str, usize)> {
    let s = &feed.serves;
    let own = match feed.feed {
        "trip updates" => s.trip_updates,
        "vehicle positions" => s.vehicle_positions,
        "alerts" => s.alerts,
        _ => return None,
    };
    if own > 0 {
        return None;
    }
    [
        ("trip updates", s.trip_updates),
        ("vehicle positions", s.vehicle_positions),
        ("alerts", s.alerts),
    ]
    .into_iter()
    .filter(|(kind, n)| *kind != feed.feed && *n > 0)
    .max_by_key(|(_, n)| *n)
}

/// A size in bytes as a rider reads it: "15 B", "8 kB", "1.4 MB".
fn size_text(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => tf("net_bytes", &[("n", &b.to_string())]),
        b if b < 1024 * 1024 => tf("net_kilobytes", &[("n", &b.div_ceil(1024).to_string())]),
        b => tf(
            "net_megabytes",
            &[("n", &format!("{:.1}", b as f64 / (1024.0 * 1024.0)))],
        ),
    }
}

/// What is wrong with a feed network, in the rider's language.
fn problems(report: &NetworkReport) -> Vec<String> {
    let mut out = Vec::new();
    if !report.timetable.compiled {
        out.push(tf("net_no_timetable", &[("id", &report.id)]));
    } else {
        if report.timetable.expired {
            let day = report.timetable.valid_to.clone().unwrap_or_default();
            out.push(tf("net_timetable_expired", &[("day", &day)]));
        }
        if report.timetable.not_yet_valid {
            let day = report.timetable.valid_from.clone().unwrap_or_default();
            out.push(tf("net_timetable_not_yet_valid", &[("day", &day)]));
        }
        if registry::kind_of(&report.id).trip_stops && !report.timetable.trip_stops {
            out.push(tf("net_no_trip_stops", &[("id", &report.id)]));
        }
    }
    for feed in &report.feeds {
        if let Some(e) = &feed.error {
            // The error names its feed already.
            out.push(e.clone());
        } else if let Some((other, n)) = wrong_kind(feed) {
            out.push(tf(
                "net_feed_wrong_kind",
                &[
                    ("feed", feed.shown),
                    ("other", other),
                    ("n", &n.to_string()),
                ],
            ));
        } else if let Some(ahead) = feed.ahead_seconds.filter(|s| *s > FUTURE_SKEW_S) {
            out.push(tf(
                "net_feed_in_future",
                &[("feed", feed.shown), ("ahead", &age_text(ahead))],
            ));
        } else if feed.stale {
            // Said among the findings (W008).
        } else if feed.entities == 0 && feed.feed != "alerts" {
            out.push(tf("net_feed_empty", &[("feed", feed.shown)]));
        }
    }
    if let Some((found, total)) = report.matching_trips {
        if total > 0 && found == 0 {
            out.push(tf("net_no_matching_trip", &[("n", &total.to_string())]));
        } else if total > 0 && found * 2 < total {
            out.push(tf(
                "net_few_matching_trips",
                &[("found", &found.to_string()), ("n", &total.to_string())],
            ));
        }
    }
    out.extend(report.findings.iter().map(|f| f.text.clone()));
    if let Some(n) = report.stop_disagreements.filter(|n| *n > 0) {
        let (trip, seq, stop) = report.stop_disagreement_example.clone().unwrap_or_default();
        out.push(tf(
            "net_stop_disagreements",
            &[
                ("n", &n.to_string()),
                ("trip", &trip),
                ("seq", &seq.to_string()),
                ("stop", &stop),
            ],
        ));
    }
    out
}

/// A finding's text: its validator code, if any, before it.
fn coded(code: Option<&str>, said: String) -> String {
    match code {
        Some(code) => tf("net_coded", &[("code", code), ("text", &said)]),
        None => said,
    }
}

/// A feed older than its limit by its own header (and nothing worse said
/// of it): the validator's W008, the feed named as its example.
fn stale_finding(feed: &FeedReport) -> Option<FindingReport> {
    let worse = feed.error.is_some()
        || wrong_kind(feed).is_some()
        || feed.ahead_seconds.is_some_and(|s| s > FUTURE_SKEW_S);
    if worse || !feed.stale {
        return None;
    }
    let said = tf(
        "net_feed_stale",
        &[
            ("feed", feed.shown),
            ("age", &age_text(feed.age_seconds.unwrap_or(0))),
            ("max", &age_text(feed.stale_after_seconds)),
        ],
    );
    Some(FindingReport {
        code: Some("W008"),
        count: 1,
        example: feed.feed.to_string(),
        text: coded(Some("W008"), said),
    })
}

fn feed_network_report(
    id: &str,
    check: FeedCheck,
    table: Option<&Timetable>,
    source: Option<String>,
) -> NetworkReport {
    // The timetable is judged at the trip updates' own time.
    let at = check
        .feeds
        .iter()
        .find(|f| f.feed == "trip updates")
        .and_then(|f| f.header_timestamp)
        .unwrap_or_else(crate::clock::now);
    let mut findings: Vec<FindingReport> = check
        .findings
        .iter()
        .map(|f| {
            let said = tf(
                f.key,
                &[("n", &f.count.to_string()), ("example", &f.example)],
            );
            FindingReport {
                code: f.code,
                count: f.count,
                example: f.example.clone(),
                text: coded(f.code, said),
            }
        })
        .collect();
    let feeds: Vec<FeedReport> = check
        .feeds
        .iter()
        .map(|f| feed_report(f, check.stale_after))
        .collect();
    let stale: Vec<FindingReport> = feeds.iter().filter_map(stale_finding).collect();
    findings.splice(0..0, stale);
    let mut report = NetworkReport {
        id: id.to_string(),
        name: check.name,
        kind: registry::network_kind(id),
        configured: true,
        timetable: timetable_report(table, source, at),
        feeds,
        matching_trips: check.matching_trips,
        stop_disagreements: check.stop_disagreements.as_ref().map(|d| d.count),
        stop_disagreement_example: check.stop_disagreements.and_then(|d| d.example),
        findings,
        problems: Vec::new(),
    };
    report.problems = problems(&report);
    report
}

/// A built-in network's report.
fn builtin_report(
    id: &str,
    configured: bool,
    table: Option<&Timetable>,
    source: Option<String>,
) -> NetworkReport {
    NetworkReport {
        id: id.to_string(),
        name: registry::Networks::default().name(id),
        kind: registry::network_kind(id),
        configured,
        timetable: timetable_report(table, source, crate::clock::now()),
        feeds: Vec::new(),
        matching_trips: None,
        stop_disagreements: None,
        stop_disagreement_example: None,
        findings: Vec::new(),
        problems: Vec::new(),
    }
}

/// Every network's report (the feed networks' feeds fetched once).
async fn reports(ctx: &Context<'_>, only: Option<&str>) -> Result<Vec<NetworkReport>, String> {
    use crate::network::Network;
    let mut out = Vec::new();
    let wanted = |id: &str| only.is_none_or(|o| o == id);
    if ctx.is_demo() {
        let demo = ctx.demo(None).await?;
        let table = |id: &str| {
            demo.timetables
                .iter()
                .find(|t| t.id() == id)
                .map(|t| t.table())
        };
        let source = || Some("(démo)".to_string());
        for id in registry::builtin_ids().filter(|id| wanted(id)) {
            out.push(builtin_report(id, true, table(id), source()));
        }
        let id = demo.feed_city_id();
        if wanted(id) {
            let check = demo.check_feed_city().await;
            out.push(feed_network_report(id, check, table(id), source()));
        }
        return Ok(out);
    }
    let (path, settings) = ctx.settings()?;
    let open = |id: &str| -> (Option<Timetable>, Option<String>) {
        let Ok(store) = registry::store(id) else {
            return (None, None);
        };
        (store.open().ok(), store.meta().map(|m| m.source))
    };
    for id in registry::builtin_ids().filter(|id| wanted(id)) {
        let configured = registry::has_key(settings, path, &super::user_cache(), id);
        let (table, source) = open(id);
        out.push(builtin_report(id, configured, table.as_ref(), source));
    }
    for n in settings.networks.iter().filter(|n| wanted(&n.id)) {
        let check = registry::check_feed_network(n, path).await?;
        let (table, source) = open(&n.id);
        out.push(feed_network_report(&n.id, check, table.as_ref(), source));
    }
    Ok(out)
}

fn shown(report: &NetworkReport) -> String {
    let kind = registry::kind_of(&report.id);
    let mut parts = vec![t(kind.shown).to_string()];
    if kind.keyed {
        parts.push(
            if report.configured {
                t("net_key_set")
            } else {
                t("net_no_key")
            }
            .to_string(),
        );
    }
    let tt = &report.timetable;
    parts.push(match (&tt.valid_from, &tt.valid_to) {
        (Some(from), Some(to)) if tt.expired => {
            tf("net_timetable_expired_on", &[("from", from), ("to", to)])
        }
        (Some(from), Some(to)) => tf("net_timetable_valid", &[("from", from), ("to", to)]),
        _ if tt.compiled => t("net_timetable_no_dates").to_string(),
        _ => t("net_timetable_none").to_string(),
    });
    let mut text = format!(
        "{:<8} {}\n         {}",
        crate::sanitize::line(&report.id),
        crate::sanitize::line(&report.name),
        parts.join(" · ")
    );
    for feed in &report.feeds {
        let state = match (&feed.error, feed.age_seconds) {
            (Some(e), _) => format!("✗ {e}"),
            // Its own time is ahead of the clock: not "0 s old".
            (None, _) if feed.ahead_seconds.is_some() => tf(
                "net_feed_state_ahead",
                &[
                    ("ahead", &age_text(feed.ahead_seconds.unwrap_or(0))),
                    ("n", &feed.entities.to_string()),
                    ("size", &size_text(feed.bytes)),
                ],
            ),
            (None, Some(age)) => tf(
                "net_feed_state",
                &[
                    ("age", &age_text(age)),
                    ("n", &feed.entities.to_string()),
                    ("size", &size_text(feed.bytes)),
                ],
            ),
            (None, None) => t("net_feed_unread").to_string(),
        };
        let stale = if feed.stale && feed.error.is_none() {
            format!(" · {}", t("net_stale"))
        } else {
            String::new()
        };
        text.push_str(&format!("\n         {:<24} {state}{stale}", feed.shown));
    }
    if let Some((found, total)) = report.matching_trips.filter(|m| m.1 > 0) {
        text.push_str(&format!(
            "\n         {}",
            tf(
                "net_matching",
                &[("found", &found.to_string()), ("n", &total.to_string())]
            )
        ));
    }
    text
}

/// `quai networks [check ID] [--json]`
pub async fn networks(
    ctx: &Context<'_>,
    action: Option<&NetworksAction>,
    json: bool,
) -> CommandResult {
    match action {
        None => {
            let all = reports(ctx, None).await?;
            if json {
                return print(&serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?);
            }
            let text: Vec<String> = all.iter().map(shown).collect();
            print(&text.join("\n"))
        }
        Some(NetworksAction::Check { id, at }) => {
            // The clock is set before anything reads it, in the network's
            // time zone for a date without one.
            if let Some(at) = at {
                let zone = super::board::network_zone(id);
                crate::clock::start_at(crate::clock::parse_at(at, &zone)?);
            }
            let mut all = reports(ctx, Some(id)).await?;
            let Some(report) = all.pop() else {
                ctx.networks().await?.check(id)?;
                return Err(crate::i18n::tf("networks_not_defined", &[("id", id)]));
            };
            let problems = report.problems.clone();
            if json {
                print(&serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?)?;
            } else {
                let mut text = shown(&report);
                if problems.is_empty() {
                    text.push_str(&format!("\n✓ {}", t("net_all_good")));
                }
                for p in &problems {
                    text.push_str(&format!("\n✗ {}", crate::sanitize::line(p)));
                }
                print(&text)?;
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(tf(
                    "net_problems",
                    &[("id", id), ("n", &problems.len().to_string())],
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> NetworkReport {
        NetworkReport {
            id: "bart".to_string(),
            name: "BART".to_string(),
            kind: "gtfs-realtime",
            configured: true,
            timetable: TimetableReport {
                compiled: true,
                valid_from: Some("2019-01-01".to_string()),
                valid_to: Some("2024-06-01".to_string()),
                expired: true,
                not_yet_valid: false,
                trip_stops: true,
                source: None,
            },
            feeds: vec![FeedReport {
                feed: "trip updates",
                shown: "trip updates",
                url: "https://example.org/tu".to_string(),
                fetched_at: None,
                age_seconds: Some(97_234_385),
                header_timestamp: None,
                ahead_seconds: None,
                entities: 91,
                serves: Serves {
                    trip_updates: 91,
                    ..Serves::default()
                },
                bytes: 15,
                stale: true,
                stale_after_seconds: 90,
                error: None,
            }],
            matching_trips: Some((83, 83)),
            stop_disagreements: Some(161),
            stop_disagreement_example: Some(("3750948WKDY".to_string(), 25, "SBRN".to_string())),
            findings: Vec::new(),
            problems: Vec::new(),
        }
    }

    #[test]
    fn the_report_names_disagreements_expiry_and_ages_in_words() {
        // In French, as tests run; the stale feed is a finding (W008).
        let mut report = report();
        report.findings = report.feeds.iter().filter_map(stale_finding).collect();
        let found = problems(&report);
        let e045 = found
            .iter()
            .find(|p| p.starts_with("E045"))
            .unwrap_or_else(|| panic!("{found:?}"));
        assert!(e045.contains("161"), "{e045}");
        assert!(
            e045.contains("3750948WKDY") && e045.contains("25") && e045.contains("SBRN"),
            "{e045}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("horaires expirés le 2024-06-01")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("W008 : ")
                    && p.contains("le flux date de 3 ans (plus de 90 s")),
            "{found:?}"
        );
        let text = shown(&report);
        assert!(text.contains("données vieilles de 3 ans"), "{text}");
        // Agreeing updates are no problem.
        let mut fine = report;
        fine.stop_disagreements = Some(0);
        assert!(!problems(&fine).iter().any(|p| p.starts_with("E045")));
    }
}
