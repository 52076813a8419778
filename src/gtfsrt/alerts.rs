//! An Alerts feed as traffic messages: the periods decide whether an alert
//! is shown (ongoing, or planned), the informed entities which lines and
//! stops it concerns, and the rider's language which translation is read.

use jiff::Timestamp;

use super::proto::{self, effect, severity};
use crate::domain::{Message, Severity};
use crate::timetable::Timetable;

/// The text of a translated string in `language` ("en", "fr"), else the
/// one without a language, else the first.
pub fn translated(s: Option<&proto::TranslatedString>, language: &str) -> String {
    let Some(s) = s else {
        return String::new();
    };
    let base = |l: &str| {
        l.split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let pick = s
        .translation
        .iter()
        .find(|t| t.language.as_deref().is_some_and(|l| base(l) == language))
        .or_else(|| s.translation.iter().find(|t| t.language.is_none()))
        .or_else(|| s.translation.first());
    pick.and_then(|t| t.text.as_deref())
        .map(crate::sanitize::text)
        .unwrap_or_default()
}

/// Whether an alert is in force at `now`, planned, or over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Now,
    Planned,
    Over,
}

pub fn period(alert: &proto::Alert, now: Timestamp) -> Period {
    if alert.active_period.is_empty() {
        return Period::Now;
    }
    let now = u64::try_from(now.as_second()).unwrap_or(0);
    let mut planned = false;
    for range in &alert.active_period {
        let start = range.start.unwrap_or(0);
        let end = range.end.filter(|e| *e > 0).unwrap_or(u64::MAX);
        if start <= now && now < end {
            return Period::Now;
        }
        planned |= start > now;
    }
    if planned {
        Period::Planned
    } else {
        Period::Over
    }
}

/// The feed's alerts in force or planned at `now`, as messages.
pub fn messages(
    feed: &proto::FeedMessage,
    table: Option<&Timetable>,
    language: &str,
    now: Timestamp,
) -> Vec<Message> {
    let mut out = Vec::new();
    let mut trips_by_id: Option<Vec<u32>> = None;
    for (n, entity) in feed.entity.iter().enumerate() {
        if entity.is_deleted == Some(true) {
            continue;
        }
        let Some(alert) = &entity.alert else {
            continue;
        };
        let when = period(alert, now);
        if when == Period::Over {
            continue;
        }
        let title = translated(alert.header_text.as_ref(), language);
        let description = translated(alert.description_text.as_ref(), language);
        if title.is_empty() && description.is_empty() {
            continue;
        }
        let mut lines: Vec<String> = Vec::new();
        let mut stops: Vec<String> = Vec::new();
        for e in &alert.informed_entity {
            let route = e.route_id.clone().or_else(|| {
                // A trip: its route (the trips sorted by id once).
                let trip = e.trip.as_ref()?.trip_id.as_deref()?;
                let table = table?;
                let by_id = trips_by_id.get_or_insert_with(|| {
                    let mut ids: Vec<u32> =
                        (0..u32::try_from(table.trip_count()).unwrap_or(0)).collect();
                    ids.sort_unstable_by(|&a, &b| table.trip_id(a).cmp(table.trip_id(b)));
                    ids
                });
                let at = by_id
                    .binary_search_by(|&t| table.trip_id(t).cmp(trip))
                    .ok()?;
                Some(table.route(table.trip_route(by_id[at])).id.to_string())
            });
            if let Some(route) = route {
                let number = table
                    .and_then(|t| t.find_route(&route))
                    .map(|r| {
                        let r = table.map(|t| t.route(r));
                        r.map(|r| {
                            if r.short_name.is_empty() {
                                r.long_name.to_string()
                            } else {
                                r.short_name.to_string()
                            }
                        })
                        .unwrap_or_default()
                    })
                    .filter(|n| !n.is_empty())
                    .unwrap_or(route);
                let number = crate::sanitize::line(&number);
                if !lines.contains(&number) {
                    lines.push(number);
                }
            }
            if let Some(stop) = &e.stop_id {
                let stop = crate::sanitize::line(stop);
                if !stops.contains(&stop) {
                    stops.push(stop);
                }
            }
        }
        let code = alert.effect.unwrap_or(0);
        let level = alert.severity_level.unwrap_or(0);
        let severity = match when {
            Period::Planned => Severity::Planned,
            _ if code == effect::NO_SERVICE => Severity::Interrupted,
            _ if matches!(
                code,
                effect::REDUCED_SERVICE
                    | effect::SIGNIFICANT_DELAYS
                    | effect::DETOUR
                    | effect::MODIFIED_SERVICE
                    | effect::STOP_MOVED
            ) || level >= severity::WARNING =>
            {
                Severity::Ongoing
            }
            _ => Severity::Information,
        };
        out.push(Message {
            network: String::new(),
            id: entity
                .id
                .as_deref()
                .map(crate::sanitize::line)
                .unwrap_or_else(|| format!("alert-{n}")),
            title: if title.is_empty() {
                description.lines().next().unwrap_or("").to_string()
            } else {
                title
            },
            body_html: html_paragraphs(&description),
            url: translated(alert.url.as_ref(), language),
            severity,
            lines,
            stops,
            alert: when == Period::Now && (level == severity::SEVERE || code == effect::NO_SERVICE),
        });
    }
    out
}

/// Plain text as HTML paragraphs (the messages' bodies are markup).
fn html_paragraphs(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let escaped = l
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            format!("<p>{escaped}</p>")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translations(pairs: &[(&str, Option<&str>)]) -> proto::TranslatedString {
        proto::TranslatedString {
            translation: pairs
                .iter()
                .map(|(text, language)| proto::Translation {
                    text: Some(text.to_string()),
                    language: language.map(str::to_string),
                })
                .collect(),
        }
    }

    #[test]
    fn the_riders_language_else_the_untagged_else_the_first() {
        let s = translations(&[("Travaux", Some("fr")), ("Works", Some("en-GB"))]);
        assert_eq!(translated(Some(&s), "en"), "Works");
        assert_eq!(translated(Some(&s), "fr"), "Travaux");
        assert_eq!(translated(Some(&s), "de"), "Travaux");
        let s = translations(&[("Werk", Some("nl")), ("Travaux", None)]);
        assert_eq!(translated(Some(&s), "en"), "Travaux");
        assert_eq!(translated(None, "en"), "");
    }

    #[test]
    fn periods_decide_what_is_shown() {
        let at = |s: i64| Timestamp::from_second(s).unwrap();
        let alert = |ranges: &[(Option<u64>, Option<u64>)]| proto::Alert {
            active_period: ranges
                .iter()
                .map(|&(start, end)| proto::TimeRange { start, end })
                .collect(),
            ..Default::default()
        };
        assert_eq!(period(&alert(&[]), at(1000)), Period::Now);
        assert_eq!(
            period(&alert(&[(Some(500), Some(2000))]), at(1000)),
            Period::Now
        );
        assert_eq!(period(&alert(&[(Some(500), None)]), at(1000)), Period::Now);
        assert_eq!(
            period(&alert(&[(Some(1500), Some(2000))]), at(1000)),
            Period::Planned
        );
        assert_eq!(
            period(&alert(&[(Some(100), Some(900))]), at(1000)),
            Period::Over
        );
        // The end is exclusive; a second period may still come.
        assert_eq!(
            period(&alert(&[(Some(100), Some(1000))]), at(1000)),
            Period::Over
        );
        assert_eq!(
            period(
                &alert(&[(Some(100), Some(900)), (Some(5000), None)]),
                at(1000)
            ),
            Period::Planned
        );
    }

    #[test]
    fn bodies_are_escaped_paragraphs() {
        assert_eq!(
            html_paragraphs("a <b> & c\n\nd"),
            "<p>a &lt;b&gt; &amp; c</p><p>d</p>"
        );
    }
}
