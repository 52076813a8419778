//! The program's clock. Every reading of the time of day goes through
//! [`now`]: with `--at` it is the real clock moved once, at start, to the
//! instant asked, and it runs on from there — a recorded feed is then read
//! as a live one was, countdowns, ages and freshness limits included.
//!
//! What measures the machine itself rather than the time shown (files'
//! modification times, the timer aligned on the wall clock's seconds,
//! what is written to disk about when a file was fetched) reads
//! [`real_now`] / [`real_system_time`]. A test checks that no other
//! `::now()` of the time of day remains outside this module.

use std::sync::atomic::{AtomicI64, Ordering};

use jiff::{SignedDuration, Timestamp};

/// How far the program's clock is from the real one, in nanoseconds
/// (whole nanoseconds of a signed 64-bit number: ±292 years).
static OFFSET_NS: AtomicI64 = AtomicI64::new(0);

/// The program's time: the real time, moved by `--at` if given.
pub fn now() -> Timestamp {
    let real = Timestamp::now();
    real.checked_add(offset()).unwrap_or(real)
}

/// The real time, for what concerns the machine rather than the board
/// (files' ages, what is recorded on disk).
pub fn real_now() -> Timestamp {
    Timestamp::now()
}

/// The real time as the standard library reads it (files' modification
/// times, the timer on the wall clock's seconds).
pub fn real_system_time() -> std::time::SystemTime {
    std::time::SystemTime::now()
}

/// The program's time in `zone`.
pub fn zoned(zone: jiff::tz::TimeZone) -> jiff::Zoned {
    now().to_zoned(zone)
}

/// How far the program's clock is from the real one.
pub fn offset() -> SignedDuration {
    SignedDuration::from_nanos(OFFSET_NS.load(Ordering::Relaxed))
}

/// Sets the program's clock to read `at` now; it runs on from there.
/// Done once, at start, before anything reads the time.
pub fn start_at(at: Timestamp) {
    let real = Timestamp::now();
    let shift = real.duration_until(at);
    let nanos = i64::try_from(shift.as_nanos()).unwrap_or(if shift.is_negative() {
        i64::MIN
    } else {
        i64::MAX
    });
    OFFSET_NS.store(nanos, Ordering::Relaxed);
}

/// Reads `--at`: an RFC 3339 instant (`2019-08-07T17:45:50Z`,
/// `2019-08-07T10:45:50-07:00`), or, in `zone`, "YYYY-MM-DD HH:MM" or
/// "HH:MM" (today) as `quai timetable next --at` takes.
pub fn parse_at(text: &str, zone: &jiff::tz::TimeZone) -> Result<Timestamp, String> {
    use crate::i18n::tf;
    let text = text.trim();
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(at);
    }
    let full = if text.len() <= 5 && text.contains(':') {
        let today = now().to_zoned(zone.clone()).date();
        format!("{today} {text}")
    } else {
        text.to_string()
    };
    Ok(jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", &full)
        .map_err(|_| tf("tt_bad_at", &[("text", text)]))?
        .to_zoned(zone.clone())
        .map_err(|e| {
            tf(
                "tt_bad_at_because",
                &[("text", text), ("why", &e.to_string())],
            )
        })?
        .timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get("Europe/Paris").unwrap()
    }

    #[test]
    fn an_rfc_3339_instant_is_read_whatever_the_zone() {
        let at = parse_at("2019-08-07T17:45:50Z", &paris()).unwrap();
        assert_eq!(at.as_second(), 1_565_199_950);
        let same = parse_at("2019-08-07T10:45:50-07:00", &paris()).unwrap();
        assert_eq!(same, at);
    }

    #[test]
    fn the_timetable_forms_are_read_in_the_zone() {
        let at = parse_at("2019-08-07 19:45", &paris()).unwrap();
        assert_eq!(at.as_second(), 1_565_199_900);
        let today = parse_at("19:45", &paris()).unwrap();
        let zoned = today.to_zoned(paris());
        assert_eq!((zoned.hour(), zoned.minute()), (19, 45));
        assert!(parse_at("yesterday", &paris()).is_err());
        assert!(parse_at("2019-08-07 25:00", &paris()).is_err());
    }

    /// No reading of the time of day outside this module: each goes
    /// through [`now`] (or, named as such, the real clock).
    #[test]
    fn no_other_reading_of_the_time_of_day_remains() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("src/clock.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        // Called, or passed as a function
                        // (`unwrap_or_else(Timestamp::now)`).
                        let reads = ["Timestamp::now", "Zoned::now", "SystemTime::now"]
                            .iter()
                            .any(|f| {
                                line.match_indices(f).any(|(at, _)| {
                                    let next = line[at + f.len()..].chars().next();
                                    !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
                                })
                            });
                        if reads {
                            found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "readings of the clock outside src/clock.rs:\n{}",
            found.join("\n")
        );
    }
}
