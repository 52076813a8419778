//! The demo network and its Ginko-compatible server: `quai demo` and
//! `quai serve-demo` run everything with no key and no internet, and the
//! tests use the same server.

pub mod faults;
pub mod feedcity;
mod ginko;
pub mod gtfs;
pub mod idfm;
pub mod network;
pub mod pictures;
pub mod server;
pub mod timetable;

pub use faults::Fault;
pub use ginko::METHODS;
pub use server::{Clock, DemoServer, ServerOptions};

/// The key the demo client sends (the server accepts any non-empty key).
pub const DEMO_KEY: &str = "demo";

/// Credit shown on the demo board (ODbL asks to name the source), a
/// catalog key.
pub const ATTRIBUTION_SHORT: &str = "demo_attribution_ginko";

/// The places of the demo board.
pub fn favourite_places() -> Vec<(Option<&'static str>, &'static str)> {
    vec![
        (None, "Crous Université"),
        (None, "Ile de France"),
        (None, "République"),
        (None, "Gare Viotte"),
        (None, "Rivotte"),
        (Some("idfm"), "Gare de Lyon"),
        (Some("idfm"), "Châtelet-Les Halles"),
        (Some(feedcity::ID), "Mont-Royal"),
    ]
}

/// The demo server's clock: the real time in Europe/Paris, or, with `at`,
/// a clock that reads `at` now and runs from there (to try the demo by day
/// while it is night in Besançon).
pub fn clock_starting_at(at: Option<jiff::civil::Time>) -> Clock {
    let Some(at) = at else {
        return std::sync::Arc::new(timetable::paris_now);
    };
    let now = timetable::paris_now();
    let offset = now
        .date()
        .to_datetime(at)
        .to_zoned(now.time_zone().clone())
        .map(|target| now.duration_until(&target))
        .unwrap_or_default();
    std::sync::Arc::new(move || {
        let now = timetable::paris_now();
        now.checked_add(offset).unwrap_or(now)
    })
}

/// Parses "HH:MM" for `--at`.
pub fn parse_at(text: &str) -> Result<jiff::civil::Time, String> {
    use crate::i18n::tf;
    let (h, m) = text
        .split_once(':')
        .ok_or_else(|| tf("demo_not_a_time", &[("text", text)]))?;
    let (h, m): (i8, i8) = (
        h.trim()
            .parse()
            .map_err(|_| tf("demo_bad_hour", &[("text", text)]))?,
        m.trim()
            .parse()
            .map_err(|_| tf("demo_bad_minute", &[("text", text)]))?,
    );
    jiff::civil::Time::new(h, m, 0, 0).map_err(|_| tf("demo_not_time_of_day", &[("text", text)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_reads_the_asked_time_and_runs() {
        let clock = clock_starting_at(Some(parse_at("08:00").unwrap()));
        let t = clock().time();
        assert_eq!((t.hour(), t.minute()), (8, 0));
        assert!(parse_at("25:00").is_err() && parse_at("8h").is_err());
        assert_eq!(parse_at(" 7:05").unwrap().minute(), 5);
    }
}
