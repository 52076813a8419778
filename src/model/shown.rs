//! How a departure's time reads now: countdowns corrected by the time
//! since the fetch, alternating texts, "Non localisé", theoretical times;
//! and its crowding gauge.

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use super::ALTERNATE_EVERY_S;
use crate::domain::{Accessibility, CrowdLevel, Departure, Load, Origin, Status, WaitTime};

/// How a departure's time reads now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum TimeShown {
    /// A countdown, corrected for the time since the fetch.
    Countdown(String),
    /// A countdown from the timetable, shown marked [`THEORETICAL`].
    Theoretical(String),
    /// A clock time ("17h05"), or an older server's text, as sent.
    AsSent(String),
    /// The vehicle is not located: the time is theoretical.
    NotLocated,
    /// A word in place of the time ("Travaux", "Déviation"…), highlighted.
    Notice(String),
    /// The departure will not run.
    Cancelled,
}

impl TimeShown {
    pub fn text(&self) -> &str {
        match self {
            TimeShown::Countdown(t)
            | TimeShown::Theoretical(t)
            | TimeShown::AsSent(t)
            | TimeShown::Notice(t) => t,
            TimeShown::NotLocated => crate::i18n::t("not_located"),
            TimeShown::Cancelled => crate::i18n::t("cancelled"),
        }
    }
}

/// What marks a timetable time ("théorique").
pub fn theoretical() -> &'static str {
    crate::i18n::t("theoretical")
}

/// Rows from the published timetable, live times being out of reach
/// ("horaires théoriques").
pub fn theoretical_times() -> &'static str {
    crate::i18n::t("theoretical_times")
}

/// "à l'approche", "< 1 min", "7 min".
pub fn countdown_text(seconds: i64) -> String {
    let mut text = String::new();
    countdown_into(&mut text, seconds);
    text
}

/// [`countdown_text`] into `out`, which is cleared first (its memory is
/// kept: the board's second-by-second update allocates nothing).
fn countdown_into(out: &mut String, seconds: i64) {
    use std::fmt::Write;
    out.clear();
    match seconds {
        s if s <= 0 => out.push_str(crate::i18n::t("arriving")),
        s if s < 60 => out.push_str(crate::i18n::t("under_a_minute")),
        s => {
            let _ = write!(out, "{}{}", s / 60, crate::i18n::t("minutes_suffix"));
        }
    }
}

/// Whether an alternating departure shows its other text at `now_s`.
fn alternate_shown(now_s: i64) -> bool {
    (now_s / ALTERNATE_EVERY_S) % 2 == 1
}

/// Seconds until a departure leaves, `elapsed` after its fetch, at `now`
/// (not clamped); `None` when its time is not a countdown or an instant.
pub fn seconds_left(d: &Departure, elapsed: Duration, now: Timestamp) -> Option<i64> {
    match &d.time {
        WaitTime::Countdown {
            seconds: Some(s), ..
        } => Some(s - elapsed.as_secs() as i64),
        WaitTime::At { expected, .. } => Some(expected.as_second() - now.as_second()),
        _ => None,
    }
}

/// How late a departure is, in whole minutes, when the network says it.
pub fn delay_minutes(d: &Departure) -> Option<i64> {
    match &d.time {
        WaitTime::At {
            expected,
            aimed: Some(aimed),
        } => Some((expected.as_second() - aimed.as_second()) / 60).filter(|m| *m > 0),
        _ => None,
    }
}

/// Sets `shown` to [`time_shown`], reusing its text where it can.
pub fn update_time_shown(shown: &mut TimeShown, d: &Departure, elapsed: Duration, now: Timestamp) {
    let alternating = d.alternate.is_some() && alternate_shown(now.as_second());
    if !alternating
        && d.status != Status::Cancelled
        && !matches!(d.time, WaitTime::Text { .. })
        && let Some(left) = seconds_left(d, elapsed, now)
    {
        match (&mut *shown, d.origin) {
            (TimeShown::Countdown(text), Origin::Located) => return countdown_into(text, left),
            (TimeShown::Theoretical(text), Origin::Timetable) => {
                return countdown_into(text, left);
            }
            _ => {}
        }
    }
    let now = time_shown(d, elapsed, now);
    if *shown != now {
        *shown = now;
    }
}

/// What a departure shows `elapsed` after its fetch, at `now` (which also
/// picks the phase of alternating texts).
pub fn time_shown(d: &Departure, elapsed: Duration, now: Timestamp) -> TimeShown {
    if let Some(alternate) = &d.alternate
        && alternate_shown(now.as_second())
    {
        return TimeShown::Notice(alternate.clone());
    }
    if d.status == Status::Cancelled {
        return TimeShown::Cancelled;
    }
    if let WaitTime::Text { text, .. } = &d.time {
        return TimeShown::Notice(text.clone());
    }
    match (d.origin, seconds_left(d, elapsed, now)) {
        (Origin::NotLocated, _) => TimeShown::NotLocated,
        (Origin::Located, Some(left)) => TimeShown::Countdown(countdown_text(left)),
        (Origin::Timetable, Some(left)) => TimeShown::Theoretical(countdown_text(left)),
        (_, None) => match &d.time {
            WaitTime::Countdown { text, .. } | WaitTime::Clock { text } => {
                TimeShown::AsSent(text.clone())
            }
            _ => TimeShown::AsSent(String::new()),
        },
    }
}

/// A small crowding gauge: filled cells out of 3, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Gauge {
    /// Filled cells (0..=3) and the level that colours them.
    Bar(u8, CrowdLevel),
    /// "?": crowding exists but is not known now.
    Unknown,
    /// No rights: show nothing.
    Hidden,
}

pub fn gauge(d: &Departure) -> Gauge {
    match (d.load, d.crowding) {
        (Load::NotAllowed, _) | (_, CrowdLevel::NotAllowed) => Gauge::Hidden,
        (Load::Percent(p), level) => {
            let filled = match p {
                0 => 0,
                1..=33 => 1,
                34..=66 => 2,
                _ => 3,
            };
            let level = if level == CrowdLevel::Unknown {
                match p {
                    0..=39 => CrowdLevel::Low,
                    40..=74 => CrowdLevel::Moderate,
                    _ => CrowdLevel::High,
                }
            } else {
                level
            };
            Gauge::Bar(filled, level)
        }
        (Load::Unknown, CrowdLevel::Unknown) => Gauge::Unknown,
        (Load::Unknown, level) => Gauge::Bar(
            match level {
                CrowdLevel::Low => 1,
                CrowdLevel::Moderate => 2,
                _ => 3,
            },
            level,
        ),
    }
}

/// Whether to mark a departure as not accessible (stop or vehicle).
pub fn not_accessible(d: &Departure) -> bool {
    d.stop_access == Accessibility::NotAccessible
        || d.vehicle_access == Accessibility::NotAccessible
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{T0, at_second, countdown, departure};
    use super::*;

    #[test]
    fn countdowns_are_corrected_and_never_negative() {
        let d = departure(countdown(185), true);
        let at = |s| time_shown(&d, Duration::from_secs(s), T0);
        assert_eq!(at(0), TimeShown::Countdown("3 min".into()));
        assert_eq!(at(70), TimeShown::Countdown("1 min".into()));
        assert_eq!(at(130), TimeShown::Countdown("< 1 min".into()));
        assert_eq!(at(185), TimeShown::Countdown("à l'approche".into()));
        assert_eq!(at(900), TimeShown::Countdown("à l'approche".into()));
    }

    #[test]
    fn unreliable_times_texts_clocks_and_older_servers() {
        let d = departure(countdown(300), false);
        assert_eq!(time_shown(&d, Duration::ZERO, T0), TimeShown::NotLocated);
        assert_eq!(TimeShown::NotLocated.text(), "Non localisé");
        let d = departure(
            WaitTime::Clock {
                text: "17h05".into(),
            },
            true,
        );
        assert_eq!(
            time_shown(&d, Duration::from_secs(50), T0),
            TimeShown::AsSent("17h05".into())
        );
        // A text stays visible even when the time is not located.
        let d = departure(
            WaitTime::Text {
                text: "Travaux".into(),
                served: false,
            },
            false,
        );
        assert_eq!(
            time_shown(&d, Duration::ZERO, T0),
            TimeShown::Notice("Travaux".into())
        );
        // Without tempsEnSeconde, the text is shown as sent.
        let d = departure(
            WaitTime::Countdown {
                text: "4 min".into(),
                seconds: None,
            },
            true,
        );
        assert_eq!(
            time_shown(&d, Duration::from_secs(40), T0),
            TimeShown::AsSent("4 min".into())
        );
    }

    #[test]
    fn alternating_texts_switch_every_three_seconds() {
        let mut d = departure(countdown(120), true);
        d.alternate = Some("Bus complet".into());
        let texts: Vec<String> = (0..7)
            .map(|s| {
                time_shown(&d, Duration::ZERO, at_second(s))
                    .text()
                    .to_string()
            })
            .collect();
        assert_eq!(
            texts,
            [
                "2 min",
                "2 min",
                "2 min",
                "Bus complet",
                "Bus complet",
                "Bus complet",
                "2 min"
            ]
        );
    }

    #[test]
    fn gauges() {
        let mut d = departure(countdown(60), true);
        assert_eq!(gauge(&d), Gauge::Hidden);
        d.load = Load::Percent(50);
        d.crowding = CrowdLevel::Moderate;
        assert_eq!(gauge(&d), Gauge::Bar(2, CrowdLevel::Moderate));
        d.load = Load::Percent(97);
        d.crowding = CrowdLevel::High;
        assert_eq!(gauge(&d), Gauge::Bar(3, CrowdLevel::High));
        d.load = Load::Unknown;
        d.crowding = CrowdLevel::Unknown;
        assert_eq!(gauge(&d), Gauge::Unknown);
    }
}
