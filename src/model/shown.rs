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
    /// The vehicle is not located: the time is theoretical, and shown
    /// beside the words ("Non localisé · ≈ 2 min"); the time's text, empty
    /// when the network gives none.
    NotLocated(String),
    /// A word in place of the time ("Travaux", "Déviation"…), highlighted.
    Notice(String),
    /// The departure will not run.
    Cancelled,
}

impl TimeShown {
    /// The time as every surface writes it in full ("Non localisé · ≈ 2
    /// min"); a board cell too narrow for it uses [`TimeShown::fitted`].
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            TimeShown::Countdown(t)
            | TimeShown::Theoretical(t)
            | TimeShown::AsSent(t)
            | TimeShown::Notice(t) => t.as_str().into(),
            TimeShown::NotLocated(time) if time.is_empty() => crate::i18n::t("not_located").into(),
            TimeShown::NotLocated(time) => not_located_text("not_located_at", time).into(),
            TimeShown::Cancelled => crate::i18n::t("cancelled").into(),
        }
    }

    /// The time in at most `width` cells: a time not located loses first
    /// the spaces around its "≈", then its time, never the words "Non
    /// localisé"; the other texts are as [`TimeShown::text`] (cut by the
    /// caller when they must be).
    pub fn fitted(&self, width: usize) -> std::borrow::Cow<'_, str> {
        use unicode_width::UnicodeWidthStr;
        let text = self.text();
        match self {
            TimeShown::NotLocated(time) if text.width() > width => {
                let short = not_located_text("not_located_short", time);
                if short.width() <= width {
                    short.into()
                } else {
                    crate::i18n::t("not_located").into()
                }
            }
            _ => text,
        }
    }
}

/// "Non localisé · ≈ 2 min" (`key` names the form).
fn not_located_text(key: &str, time: &str) -> String {
    crate::i18n::tf(
        key,
        &[("what", crate::i18n::t("not_located")), ("time", time)],
    )
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

/// "à l'approche", "< 1 min", "7 min"; past 59 min, the clock time in
/// `zone` (the place's network's) when it leaves, "17h05", with the day
/// when it is not today's: "jeu. 17h05", "12/12 17h05" beyond a week.
pub fn countdown_text(seconds: i64, now: Timestamp, zone: &jiff::tz::TimeZone) -> String {
    let mut text = String::new();
    countdown_into(&mut text, seconds, now, zone);
    text
}

/// The most minutes a countdown shows: later, a clock time.
pub const COUNTDOWN_MAX_S: i64 = 60 * 60;

/// [`countdown_text`] into `out`, which is cleared first (its memory is
/// kept: the board's second-by-second update allocates nothing).
fn countdown_into(out: &mut String, seconds: i64, now: Timestamp, zone: &jiff::tz::TimeZone) {
    out.clear();
    match seconds {
        s if s <= 0 => out.push_str(crate::i18n::t("arriving")),
        s if s < 60 => out.push_str(crate::i18n::t("under_a_minute")),
        s if s < COUNTDOWN_MAX_S => {
            // The minutes (1 to 59) without the formatting machinery: this
            // runs for every departure shown, every second.
            let minutes = s / 60;
            if minutes >= 10 {
                out.push(char::from(b'0' + (minutes / 10 % 10) as u8));
            }
            out.push(char::from(b'0' + (minutes % 10) as u8));
            out.push_str(crate::i18n::t("minutes_suffix"));
        }
        s => clock_into(out, now, s, zone),
    }
}

/// The clock time `seconds` after `now` in `zone`, with its day when it is
/// not `now`'s there.
fn clock_into(out: &mut String, now: Timestamp, seconds: i64, zone: &jiff::tz::TimeZone) {
    use std::fmt::Write;
    let at = now.checked_add(jiff::SignedDuration::from_secs(seconds));
    let Ok(at) = at else {
        return;
    };
    let (at, today) = (at.to_zoned(zone.clone()), now.to_zoned(zone.clone()));
    let separator = crate::i18n::t("clock_separator");
    let days = (at.date() - today.date()).get_days();
    if days >= 7 {
        let _ = write!(out, "{:02}/{:02} ", at.day(), at.month());
    } else if days >= 1 {
        let weekday = at.weekday().to_monday_zero_offset();
        let name = crate::i18n::t("short_weekdays")
            .split(',')
            .nth(usize::from(weekday.unsigned_abs()))
            .unwrap_or_default();
        let _ = write!(out, "{name} ");
    }
    let _ = write!(out, "{:02}{separator}{:02}", at.hour(), at.minute());
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

/// Whether a countdown shown `before` seconds ahead reads the same
/// `after` seconds ahead ("3 min" from 239 to 180 s): the board's
/// second-by-second update leaves such a text as it is. A clock time
/// (an hour or more ahead) is not a countdown.
pub fn same_countdown(before: i64, after: i64) -> bool {
    let minute = |s: i64| match s {
        s if s <= 0 => Some(-1),
        s if s < COUNTDOWN_MAX_S => Some(s / 60),
        _ => None,
    };
    minute(before).is_some_and(|m| Some(m) == minute(after))
}

/// Sets `shown` to [`time_shown`], reusing its text where it can.
pub fn update_time_shown(
    shown: &mut TimeShown,
    d: &Departure,
    elapsed: Duration,
    now: Timestamp,
    zone: &jiff::tz::TimeZone,
) {
    let alternating = d.alternate.is_some() && alternate_shown(now.as_second());
    if !alternating
        && d.status != Status::Cancelled
        && !matches!(d.time, WaitTime::Text { .. })
        && let Some(left) = seconds_left(d, elapsed, now)
    {
        match (&mut *shown, d.origin) {
            (TimeShown::Countdown(text), Origin::Located)
            | (TimeShown::Theoretical(text), Origin::Timetable)
            | (TimeShown::NotLocated(text), Origin::NotLocated) => {
                return countdown_into(text, left.max(0), now, zone);
            }
            _ => {}
        }
    }
    let now = time_shown(d, elapsed, now, zone);
    if *shown != now {
        *shown = now;
    }
}

/// What a departure shows `elapsed` after its fetch, at `now` (which also
/// picks the phase of alternating texts), its clock times in `zone`.
pub fn time_shown(
    d: &Departure,
    elapsed: Duration,
    now: Timestamp,
    zone: &jiff::tz::TimeZone,
) -> TimeShown {
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
        (Origin::NotLocated, Some(left)) => {
            TimeShown::NotLocated(countdown_text(left.max(0), now, zone))
        }
        (Origin::NotLocated, None) => TimeShown::NotLocated(match &d.time {
            WaitTime::Clock { text } => text.clone(),
            _ => String::new(),
        }),
        (Origin::Located, Some(left)) => TimeShown::Countdown(countdown_text(left, now, zone)),
        (Origin::Timetable, Some(left)) => TimeShown::Theoretical(countdown_text(left, now, zone)),
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

/// The crowding a departure shows: the network's level, or the level of
/// its load when the network gives a share without a level.
pub fn crowd_level(d: &Departure) -> CrowdLevel {
    match (d.load, d.crowding) {
        (Load::NotAllowed, _) => CrowdLevel::NotAllowed,
        (Load::Percent(p), CrowdLevel::Unknown) => match p {
            0..=39 => CrowdLevel::Low,
            40..=74 => CrowdLevel::Moderate,
            _ => CrowdLevel::High,
        },
        (_, level) => level,
    }
}

/// A crowding level's filled cells (of 3) and its word, as the legend says
/// them ("▮▯▯ faible", "▮▮▯ modérée", "▮▮▮ forte"): every surface reads
/// both here. `None`: no gauge ("?" when unknown, nothing when not given).
pub fn crowd_bars(level: CrowdLevel) -> Option<(u8, &'static str)> {
    match level {
        CrowdLevel::Low => Some((1, crate::i18n::t("crowd_low"))),
        CrowdLevel::Moderate => Some((2, crate::i18n::t("crowd_moderate"))),
        CrowdLevel::High => Some((3, crate::i18n::t("crowd_high"))),
        CrowdLevel::Unknown | CrowdLevel::NotAllowed => None,
    }
}

/// A crowding level's word ("faible", "inconnue", "non communiquée").
pub fn crowd_word(level: CrowdLevel) -> &'static str {
    match crowd_bars(level) {
        Some((_, word)) => word,
        None if level == CrowdLevel::Unknown => crate::i18n::t("crowd_unknown"),
        None => crate::i18n::t("crowd_not_given"),
    }
}

pub fn gauge(d: &Departure) -> Gauge {
    let level = crowd_level(d);
    match crowd_bars(level) {
        Some((filled, _)) => Gauge::Bar(filled, level),
        None if level == CrowdLevel::Unknown => Gauge::Unknown,
        None => Gauge::Hidden,
    }
}

/// Whether to mark a departure as not accessible (stop or vehicle).
pub fn not_accessible(d: &Departure) -> bool {
    d.stop_access == Accessibility::NotAccessible
        || d.vehicle_access == Accessibility::NotAccessible
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_countdown_reads_the_same_within_its_minute_only() {
        assert!(same_countdown(239, 180));
        assert!(!same_countdown(180, 179));
        assert!(same_countdown(59, 1));
        assert!(!same_countdown(1, 0));
        assert!(same_countdown(0, -30));
        // An hour or more ahead is a clock time, not a countdown.
        assert!(!same_countdown(COUNTDOWN_MAX_S, COUNTDOWN_MAX_S - 1 + 1));
    }

    use super::super::fixtures::{T0, at_second, countdown, departure};
    use super::*;

    fn paris() -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get("Europe/Paris").unwrap()
    }

    /// A vehicle not located keeps its theoretical time beside the words,
    /// on every surface; a narrow cell loses the time's spaces, then the
    /// time, never the words.
    #[test]
    fn a_time_not_located_keeps_its_time_and_its_words() {
        let d = departure(countdown(104), false);
        let shown = time_shown(&d, Duration::ZERO, T0, &paris());
        assert_eq!(shown.text(), "Non localisé · ≈ 1 min");
        assert_eq!(shown.fitted(22), "Non localisé · ≈ 1 min");
        assert_eq!(shown.fitted(20), "Non localisé ≈1 min");
        assert_eq!(shown.fitted(13), "Non localisé");
        assert_eq!(shown.fitted(3), "Non localisé", "the words are never cut");
        // Counted down second by second as it is built.
        let mut updated = shown.clone();
        for s in [30, 60, 104, 200] {
            update_time_shown(&mut updated, &d, Duration::from_secs(s), T0, &paris());
            assert_eq!(
                updated,
                time_shown(&d, Duration::from_secs(s), T0, &paris())
            );
        }
        assert_eq!(updated.text(), "Non localisé · ≈ à l'approche");
    }

    /// Past 59 minutes, every countdown is a clock time in the network's
    /// zone, with its day when it is not today there.
    #[test]
    fn times_beyond_an_hour_are_clock_times_with_their_day() {
        // T0 is 1970-01-01T00:00:00Z, 01:00 in Paris, a Thursday.
        let at = |s: i64, origin| {
            let mut d = departure(countdown(s), true);
            d.origin = origin;
            time_shown(&d, Duration::ZERO, T0, &paris())
                .text()
                .into_owned()
        };
        assert_eq!(at(59 * 60 + 59, Origin::Located), "59 min");
        assert_eq!(at(67 * 60, Origin::Located), "02h07");
        assert_eq!(at(847 * 60, Origin::Timetable), "15h07");
        assert_eq!(at(1400 * 60, Origin::Located), "ven. 00h20");
        assert_eq!(at(5205 * 60, Origin::Timetable), "dim. 15h45");
        assert_eq!(at(8 * 86400, Origin::Located), "09/01 01h00");
        assert_eq!(at(67 * 60, Origin::NotLocated), "Non localisé · ≈ 02h07");
        // In the network's own zone: in Montréal, the day before.
        let montreal = jiff::tz::TimeZone::get("America/Montreal").unwrap();
        let d = departure(countdown(67 * 60), true);
        assert_eq!(
            time_shown(&d, Duration::ZERO, T0, &montreal).text(),
            "20h07"
        );
    }

    /// A level's bars and its word are one: the gauge and the words of
    /// every surface say the same level, whatever share the network gives.
    #[test]
    fn a_gauge_and_its_word_say_one_level() {
        let mut d = departure(countdown(60), true);
        for (load, level, bars, word) in [
            (Load::Percent(90), CrowdLevel::Moderate, 2, "modérée"),
            (Load::Percent(50), CrowdLevel::Low, 1, "faible"),
            (Load::Percent(10), CrowdLevel::High, 3, "forte"),
            (Load::Percent(50), CrowdLevel::Unknown, 2, "modérée"),
            (Load::Percent(0), CrowdLevel::Unknown, 1, "faible"),
            (Load::Unknown, CrowdLevel::High, 3, "forte"),
        ] {
            d.load = load;
            d.crowding = level;
            let shown = crowd_level(&d);
            assert_eq!(gauge(&d), Gauge::Bar(bars, shown), "{load:?} {level:?}");
            assert_eq!(crowd_bars(shown), Some((bars, word)));
            assert_eq!(crowd_word(shown), word);
        }
    }

    #[test]
    fn countdowns_write_every_minute_as_formatting_would() {
        let zone = jiff::tz::TimeZone::UTC;
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        let suffix = crate::i18n::t("minutes_suffix");
        let mut out = String::from("left over");
        for s in 60..COUNTDOWN_MAX_S {
            countdown_into(&mut out, s, now, &zone);
            assert_eq!(out, format!("{}{suffix}", s / 60), "{s} s");
        }
    }

    #[test]
    fn countdowns_are_corrected_and_never_negative() {
        let d = departure(countdown(185), true);
        let at = |s| time_shown(&d, Duration::from_secs(s), T0, &paris());
        assert_eq!(at(0), TimeShown::Countdown("3 min".into()));
        assert_eq!(at(70), TimeShown::Countdown("1 min".into()));
        assert_eq!(at(130), TimeShown::Countdown("< 1 min".into()));
        assert_eq!(at(185), TimeShown::Countdown("à l'approche".into()));
        assert_eq!(at(900), TimeShown::Countdown("à l'approche".into()));
    }

    #[test]
    fn unreliable_times_texts_clocks_and_older_servers() {
        let d = departure(countdown(300), false);
        assert_eq!(
            time_shown(&d, Duration::ZERO, T0, &paris()),
            TimeShown::NotLocated("5 min".into())
        );
        assert_eq!(TimeShown::NotLocated(String::new()).text(), "Non localisé");
        let d = departure(
            WaitTime::Clock {
                text: "17h05".into(),
            },
            true,
        );
        assert_eq!(
            time_shown(&d, Duration::from_secs(50), T0, &paris()),
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
            time_shown(&d, Duration::ZERO, T0, &paris()),
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
            time_shown(&d, Duration::from_secs(40), T0, &paris()),
            TimeShown::AsSent("4 min".into())
        );
    }

    #[test]
    fn alternating_texts_switch_every_three_seconds() {
        let mut d = departure(countdown(120), true);
        d.alternate = Some("Bus complet".into());
        let texts: Vec<String> = (0..7)
            .map(|s| {
                time_shown(&d, Duration::ZERO, at_second(s), &paris())
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
