//! The board's model: places resolved to the lines and directions that serve
//! them, the latest departures, and what each time shows (countdowns
//! corrected by the time since the fetch, "Non localisé", texts), how old the
//! data is, and the poller's back-off schedule. No IO here.
//!
//! [`board`] holds the board, one [`PlaceState`] per place; [`shown`] says
//! how a departure's time reads.

use std::time::Duration;

use serde::Serialize;

mod board;
mod shown;

pub use crate::domain::BoardLine;
use crate::network::NetError;
pub use board::{Board, PlaceState, requests};
pub use shown::{
    COUNTDOWN_MAX_S, Gauge, TimeShown, countdown_text, crowd_bars, crowd_level, crowd_word,
    delay_minutes, gauge, not_accessible, same_countdown, seconds_left, theoretical,
    theoretical_times, time_shown, update_time_shown,
};

/// How long the departures of a place left out of the answers are kept
/// when they cannot be counted down (clock times, texts).
pub const KEEP_MISSING: Duration = Duration::from_secs(5 * 60);
/// Data older than this is shown as stale.
pub const STALE_AFTER: Duration = Duration::from_secs(30);
/// Alternating texts switch every 3 seconds.
pub const ALTERNATE_EVERY_S: i64 = 3;
/// The shortest refresh period allowed.
pub const MIN_REFRESH: Duration = Duration::from_secs(5);
/// The shortest refresh period against a server on this machine.
pub const MIN_LOCAL_REFRESH: Duration = Duration::from_secs(1);
/// After failures the refresh period grows (2, 4, 6 times) up to this.
pub const MAX_BACK_OFF: Duration = Duration::from_secs(60);

/// A place as the user named it, resolved to its exact name, stops and lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedPlace {
    /// The network the place belongs to: its ids mean something there only.
    pub network: String,
    /// The network's name, for the headings of a board that mixes them.
    pub network_name: String,
    /// Why its lines could not be had (its network is down, its quota
    /// spent): the other places are shown, this one says why.
    #[serde(skip)]
    pub problem: Option<NetError>,
    pub query: String,
    /// The favourite's label, if any.
    pub label: Option<String>,
    pub name: String,
    pub stop_ids: Vec<String>,
    pub lines: Vec<BoardLine>,
    /// Minutes on foot to the place, when known: what cannot be caught is
    /// dimmed and each row says when to leave.
    pub walk: Option<u32>,
    /// Where its departures should go (`--to`, or its favourite's `to`):
    /// only those that get there are shown, with their arrival.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl ResolvedPlace {
    /// Sorts the lines the way the network orders them: kind, then number,
    /// outbound before inbound.
    pub fn sort_lines(&mut self) {
        self.lines.sort_by_key(BoardLine::order_key);
        self.lines.dedup_by(|a, b| {
            a.line.id == b.line.id && a.outbound == b.outbound && a.destination == b.destination
        });
    }
}

/// The wait before the next poll after `failures` failures in a row.
pub fn next_poll_delay(refresh: Duration, failures: u32) -> Duration {
    let factor = match failures {
        0 => 1,
        1 => 2,
        2 => 4,
        _ => 6,
    };
    (refresh * factor).min(MAX_BACK_OFF).max(refresh)
}

/// The refresh period asked for, never below [`MIN_REFRESH`], or
/// [`MIN_LOCAL_REFRESH`] for a server on this machine (tests, the demo).
pub fn refresh_period(seconds: u64, local: bool) -> Duration {
    let floor = if local {
        MIN_LOCAL_REFRESH
    } else {
        MIN_REFRESH
    };
    Duration::from_secs(seconds).max(floor)
}

#[cfg(test)]
pub(crate) mod fixtures {
    use jiff::Timestamp;

    use crate::domain::{
        Accessibility, CrowdLevel, Departure, LineRef, Load, Origin, Status, WaitTime,
    };

    pub const T0: Timestamp = Timestamp::UNIX_EPOCH;

    pub fn at_second(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    pub fn departure(time: WaitTime, reliable: bool) -> Departure {
        Departure {
            stop_id: "S1".into(),
            line: LineRef::plain("101", "T1"),
            outbound: true,
            destination: "Chalezeule".into(),
            via: String::new(),
            time,
            alternate: None,
            origin: if reliable {
                Origin::Located
            } else {
                Origin::NotLocated
            },
            status: Status::Normal,
            platform: None,
            mission: None,
            vehicle: None,
            stop_access: Accessibility::Unknown,
            vehicle_access: Accessibility::Accessible,
            crowding: CrowdLevel::NotAllowed,
            load: Load::NotAllowed,
            crowding_text: String::new(),
            crowding_advice: String::new(),
            info_id: None,
        }
    }

    pub fn countdown(seconds: i64) -> WaitTime {
        WaitTime::Countdown {
            text: "x".into(),
            seconds: Some(seconds),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LineKind, LineRef};

    #[test]
    fn back_off_schedule() {
        let r = Duration::from_secs(10);
        let delays: Vec<u64> = (0..5).map(|f| next_poll_delay(r, f).as_secs()).collect();
        assert_eq!(delays, [10, 20, 40, 60, 60]);
        let r = Duration::from_secs(1);
        let delays: Vec<u64> = (0..5).map(|f| next_poll_delay(r, f).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 6, 6]);
        let r = Duration::from_secs(90);
        assert_eq!(next_poll_delay(r, 3).as_secs(), 90);
        assert_eq!(refresh_period(2, false), MIN_REFRESH);
        assert_eq!(refresh_period(2, true).as_secs(), 2);
        assert_eq!(refresh_period(0, true), MIN_LOCAL_REFRESH);
        assert_eq!(refresh_period(15, false).as_secs(), 15);
    }

    #[test]
    fn lines_are_ordered_like_the_network() {
        let line = |id: &str, number: &str, kind, outbound| BoardLine {
            line: LineRef {
                id: id.into(),
                number: number.into(),
                background: None,
                foreground: None,
                mode: None,
            },
            kind: Some(kind),
            outbound,
            destination: String::new(),
            via: String::new(),
        };
        let mut place = ResolvedPlace {
            network: "test".into(),
            network_name: String::new(),
            problem: None,
            walk: None,
            query: "x".into(),
            label: None,
            name: "X".into(),
            stop_ids: vec![],
            lines: vec![
                line("10", "10", LineKind::Urban, true),
                line("3", "L3", LineKind::Lianes, false),
                line("101", "T1", LineKind::Tram, false),
                line("3", "L3", LineKind::Lianes, true),
                line("101", "T1", LineKind::Tram, true),
                line("101", "T1", LineKind::Tram, true),
            ],
            to: None,
        };
        place.sort_lines();
        let order: Vec<(String, bool)> = place
            .lines
            .iter()
            .map(|l| (l.line.number.clone(), l.outbound))
            .collect();
        assert_eq!(
            order,
            [
                ("T1".into(), true),
                ("T1".into(), false),
                ("L3".into(), true),
                ("L3".into(), false),
                ("10".into(), true)
            ]
        );
    }
}
