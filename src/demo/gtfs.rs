//! The demo networks' published timetables, as GTFS zips: the same trips
//! as the demo server's live answers (before their delays), so that the
//! offline board shows what the live one would.
//!
//! Ginko's follows the real feed's conventions: stop ids are the API's
//! `idArret`, parent stations `st_<code>`, route ids the API's `idLigne`,
//! direction 0 outbound, every running day in `calendar_dates.txt` (the
//! weekday flags of `calendar.txt` all 0). IDFM's ids are the feed's own
//! (`IDFM:…`), found from the live stations by name and distance.

use std::fmt::Write;

use jiff::civil::{Date, Weekday};

use super::network::Network;
use super::timetable::{offsets, trip_starts};

/// Service days published: from two days ago to this many days ahead.
pub const DAYS_AHEAD: i64 = 60;

/// The days of the window, as GTFS dates with their weekday.
pub(super) fn window(today: Date) -> Vec<(String, Weekday)> {
    (-2..=DAYS_AHEAD)
        .filter_map(|d| today.checked_add(jiff::Span::new().days(d)).ok())
        .map(|d| (d.strftime("%Y%m%d").to_string(), d.weekday()))
        .collect()
}

pub(super) fn time(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

pub(super) fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Ginko's demo feed, as (file, contents).
pub fn ginko_tables(network: &Network, today: Date) -> Vec<(&'static str, String)> {
    let mut stops =
        String::from("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n");
    for place in &network.places {
        let station = format!("st_{}", place.code.to_lowercase());
        let _ = writeln!(
            stops,
            "{station},{},{},{},1,",
            quoted(&place.name),
            place.lat,
            place.lon
        );
        for s in network.stops.iter().filter(|s| s.place == place.name) {
            let _ = writeln!(
                stops,
                "{},{},{},{},0,{station}",
                s.id,
                quoted(&s.place),
                s.position.lat,
                s.position.lon
            );
        }
    }
    let mut routes = String::from(
        "route_id,agency_id,route_short_name,route_long_name,route_type,route_color,route_text_color\n",
    );
    for line in &network.lines {
        let _ = writeln!(
            routes,
            "{},GINKO,{},{},{},{},{}",
            line.id,
            quoted(&line.number),
            quoted(&line.name),
            if line.is_tram() { 0 } else { 3 },
            line.bg.trim_start_matches('#'),
            line.fg.trim_start_matches('#'),
        );
    }
    // Three kinds of day: the demo's headways differ on Saturdays and Sundays.
    let kinds = [
        ("SEM", Date::new(2026, 1, 5)),
        ("SAM", Date::new(2026, 1, 3)),
        ("DIM", Date::new(2026, 1, 4)),
    ];
    let mut calendar = String::from(
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n",
    );
    let mut dates = String::from("service_id,date,exception_type\n");
    let days = window(today);
    for (service, _) in &kinds {
        let (first, last) = (
            days.first().map_or("", |d| d.0.as_str()),
            days.last().map_or("", |d| d.0.as_str()),
        );
        let _ = writeln!(calendar, "{service},0,0,0,0,0,0,0,{first},{last}");
    }
    for (date, weekday) in &days {
        let service = match weekday {
            Weekday::Saturday => "SAM",
            Weekday::Sunday => "DIM",
            _ => "SEM",
        };
        let _ = writeln!(dates, "{service},{date},1");
    }
    let mut trips = String::from("route_id,service_id,trip_id,trip_headsign,direction_id\n");
    let mut times =
        String::from("trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type\n");
    for (service, day) in kinds {
        let Ok(day) = day else { continue };
        for line in &network.lines {
            for outbound in [true, false] {
                let variant = line.variant(outbound);
                let headsign = if variant.via.is_empty() {
                    variant.destination.clone()
                } else {
                    format!("{} {}", variant.destination, variant.via)
                };
                let route = line.route_in(outbound);
                let offsets = offsets(network, line, outbound);
                let shift = if outbound { 0.0 } else { line.headway * 0.37 };
                for (n, start) in trip_starts(line, day).into_iter().enumerate() {
                    let trip = format!(
                        "{}-{}-{service}-{n}",
                        line.id,
                        if outbound { "A" } else { "R" }
                    );
                    let _ = writeln!(
                        trips,
                        "{},{service},{trip},{},{}",
                        line.id,
                        quoted(&headsign),
                        if outbound { 0 } else { 1 }
                    );
                    for (k, place) in route.iter().enumerate() {
                        let Some(stop) = network.stop_for(line, place, outbound) else {
                            continue;
                        };
                        let minutes = start + shift + offsets.get(k).copied().unwrap_or(0.0);
                        let at = time((minutes * 60.0).round() as i64);
                        let _ = writeln!(times, "{trip},{at},{at},{},{},0", stop.id, k + 1);
                    }
                }
            }
        }
    }
    vec![
        (
            "agency.txt",
            "agency_id,agency_name,agency_url,agency_timezone,agency_lang\nGINKO,Ginko (démo),https://www.ginko.voyage,Europe/Paris,fr\n".to_string(),
        ),
        ("stops.txt", stops),
        ("routes.txt", routes),
        ("calendar.txt", calendar),
        ("calendar_dates.txt", dates),
        ("trips.txt", trips),
        ("stop_times.txt", times),
    ]
}

/// A demo feed zipped, stored rather than deflated: it is made at each
/// start of the demo and read on this machine, and deflating it took most
/// of a `quai --demo …` command's time.
pub fn zip(tables: &[(&'static str, String)]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in tables {
        zip.start_file(*name, options)
            .map_err(std::io::Error::other)?;
        zip.write_all(body.as_bytes())?;
    }
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}

/// The zipped demo feed of a network (`ginko`, `idfm`).
pub fn feed(network: &str, today: Date) -> Option<Vec<u8>> {
    let tables = match network {
        crate::network::ginko::ID => ginko_tables(&Network::load().ok()?, today),
        crate::network::idfm::ID => super::idfm::gtfs_tables(today),
        super::feedcity::ID => super::feedcity::gtfs_tables(today),
        _ => return None,
    };
    zip(&tables).ok()
}
