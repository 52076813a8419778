//! The view as text: the status line's parts, the lifts, and `--once`'s plain text.

use super::*;

/// One lift as a line: where, where to, its state, why and since when.
pub fn lift_line(lift: &crate::domain::Lift) -> String {
    use crate::domain::LiftState;
    let state = match lift.state {
        LiftState::Available => crate::i18n::t("lift_available"),
        LiftState::NotAvailable => crate::i18n::t("lift_not_available"),
        LiftState::Unknown => crate::i18n::t("lift_unknown"),
    };
    let mut line = crate::i18n::tf("lift", &[("where", &lift.situation)]);
    if !lift.direction.is_empty() {
        line.push_str(&format!(" → {}", lift.direction));
    }
    line.push_str(&format!(" : {state}"));
    let mut details = Vec::new();
    if !lift.reason.is_empty() {
        details.push(lift.reason.clone());
    }
    if let Some(since) = day_and_time(&lift.since) {
        details.push(crate::i18n::tf("since", &[("when", &since)]));
    }
    if !details.is_empty() {
        line.push_str(&format!(" ({})", details.join(", ")));
    }
    line
}

/// "01/12 09:04": the day and time of an instant as the network wrote it
/// (with its offset, in its own zone).
pub(super) fn day_and_time(written: &str) -> Option<String> {
    let pieces = jiff::fmt::temporal::Pieces::parse(written).ok()?;
    pieces.offset()?;
    let at = pieces.date().to_datetime(pieces.time()?);
    Some(at.strftime("%d/%m %H:%M").to_string())
}

/// What a place's heading says of its lifts: how many are out of order,
/// or why their state is not known; nothing when all work.
pub(super) fn lift_text(
    lifts: &Result<Vec<crate::domain::Lift>, crate::network::NetError>,
    now: Timestamp,
    zone: &jiff::tz::TimeZone,
) -> Option<String> {
    use crate::domain::LiftState;
    use crate::network::ErrorKind;
    match lifts {
        Ok(lifts) => {
            let out = lifts
                .iter()
                .filter(|l| l.state == LiftState::NotAvailable)
                .count();
            match out {
                0 => None,
                1 => Some(crate::i18n::t("one_lift_out").into()),
                n => Some(crate::i18n::tf("lifts_out", &[("n", &n.to_string())])),
            }
        }
        Err(e) => Some(match &e.kind {
            // A screen's publisher said it in its own words.
            ErrorKind::Relayed(words) => words.clone(),
            ErrorKind::MissingKey(_) => crate::i18n::t("lifts_no_dataset_key").into(),
            ErrorKind::KeyRefused { .. } => crate::i18n::t("lifts_dataset_key_refused").into(),
            _ => crate::i18n::tf("lifts_unknown", &[("why", &e.short_reason_at(now, zone))]),
        }),
    }
}

/// The status line: the data's age, or why it is stale, and how often the
/// networks are asked when they say it; and why rows are the timetable's.
pub fn status_text(view: &BoardView) -> String {
    let (freshness, timetable, schedule) = status_parts(view);
    [freshness, timetable, schedule]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The status line's parts: how fresh the data is, the timetable's note,
/// the refresh schedule's note; each may be missing.
pub fn status_parts(view: &BoardView) -> (Option<String>, Option<String>, Option<String>) {
    let (freshness, timetable) = match (&view.timetable, view.all_timetable) {
        // Every row is the timetable's: its age means nothing.
        (Some(note), true) => (None, Some(note.clone())),
        (Some(note), false) => (Some(freshness_text(view)), Some(note.clone())),
        (None, _) => (Some(freshness_text(view)), None),
    };
    (freshness, timetable, view.schedule.clone())
}

pub(super) fn freshness_text(view: &BoardView) -> String {
    match (&view.fetched_clock, view.stale, &view.error_reason) {
        (Some(clock), true, reason) => format!(
            "{} — {}",
            crate::i18n::tf("data_of", &[("time", clock)]),
            reason.as_deref().unwrap_or(crate::i18n::t("no_update"))
        ),
        (None, _, Some(reason)) => format!("{} — {reason}", crate::i18n::t("no_data_yet")),
        (None, _, None) if view.resolved && view.places.is_empty() => {
            crate::i18n::t("no_stop").into()
        }
        (None, _, None) => crate::i18n::t("loading").into(),
        (Some(_), false, _) => crate::i18n::tf(
            "updated_ago",
            &[("s", &view.age_seconds.unwrap_or(0).to_string())],
        ),
    }
}

pub(super) fn gauge_text(g: Gauge) -> String {
    match g {
        Gauge::Bar(filled, _) => (0..3).map(|i| if i < filled { '▮' } else { '▯' }).collect(),
        Gauge::Unknown => "?".into(),
        Gauge::Hidden => String::new(),
    }
}

/// The plain-text board (`--once`), ending with the data's source.
pub fn text(view: &BoardView, title: &str, attribution: &str) -> String {
    let mut out = format!("{title} · {}\n", view.clock);
    if let Some(alert) = &view.alert {
        out.push_str(&format!("⚠ {}\n", alert.text()));
    }
    for name in &view.unknown_places {
        out.push_str(&format!("{}\n", view.not_shown(name)));
    }
    for place in &view.places {
        // The count of messages last: a script reading "Name · Network"
        // reads it still.
        let mut heading = place.heading();
        if let Some(note) = place.messages_note(false) {
            heading = format!("{heading} · {note}");
        }
        out.push_str(&format!("{heading}\n"));
        for lift in place
            .lift_list
            .iter()
            .filter(|l| l.state != crate::domain::LiftState::Available)
        {
            out.push_str(&format!("  {}\n", lift_line(lift)));
        }
        if place.no_departure {
            out.push_str(&format!("  {}\n", place.no_departure_text()));
            continue;
        }
        for row in &place.rows {
            let mut destination = row.destination.clone();
            if !row.via.is_empty() {
                destination = format!("{destination} · {}", row.via);
            }
            if let Some(leave) = &row.leave {
                destination = format!("{destination} — {leave}");
            }
            let cells: Vec<String> = if row.cells.is_empty() {
                vec!["—".into()]
            } else {
                row.cells
                    .iter()
                    .map(|c| {
                        let mut cell = c.shown.text().to_string();
                        if let Some(d) = c
                            .delay_minutes
                            .filter(|_| matches!(c.shown, TimeShown::Countdown(_)))
                        {
                            cell.push_str(&format!(" +{d} min"));
                        }
                        if matches!(c.shown, TimeShown::Theoretical(_)) {
                            cell.push_str(&format!(" {}", model::theoretical()));
                        }
                        if let Some(p) = &c.platform {
                            cell.push(' ');
                            cell.push_str(&crate::i18n::tf("platform", &[("p", p)]));
                        }
                        if let Some(m) = &c.mission {
                            cell.push_str(&format!(" [{m}]"));
                        }
                        if c.status == Status::Added {
                            cell.push_str(&format!(" [{}]", crate::i18n::t("added_trip")));
                        }
                        let g = gauge_text(c.gauge);
                        if !g.is_empty() {
                            cell = format!("{cell} {g}");
                        }
                        if c.not_accessible {
                            cell.push_str(crate::i18n::t("once_not_accessible"));
                        }
                        if c.reachable == Some(false) {
                            cell.push_str(crate::i18n::t("once_too_late"));
                        }
                        if let Some(a) = &c.arrival {
                            cell.push_str(&arrival_text(a, c.arrival_origin, view.shift));
                        }
                        cell
                    })
                    .collect()
            };
            out.push_str(&format!(
                "  {:<4} {}  {}\n",
                row.line.number,
                destination,
                cells.join("   ")
            ));
        }
    }
    out.push_str(&status_text(view));
    out.push('\n');
    out.push_str(attribution);
    out.push('\n');
    out
}

/// " → 08:42" (" → ≈08:42" when estimated from the timetable's run time).
fn arrival_text(
    a: &LocalTime,
    origin: Option<crate::destination::ArrivalOrigin>,
    shift: jiff::SignedDuration,
) -> String {
    let at = a.at.checked_add(shift).unwrap_or(a.at);
    let at = at.to_zoned(a.zone.clone());
    let estimated = if origin == Some(crate::destination::ArrivalOrigin::Estimated) {
        crate::i18n::t("dest_estimated")
    } else {
        ""
    };
    format!(" → {estimated}{}", at.strftime("%H:%M"))
}
