//! The feed's small tables, read in order (each one refers to those
//! before it): agency, stops, routes, calendars, trips, frequencies.

use std::collections::HashMap;
use std::io::{Read, Seek};

use super::strings::Strings;
use super::zip::{Feed, Skips};
use super::{CompileError, NONE};
use crate::timetable::table::{parse_date, parse_time};

/// A stop or station of stops.txt.
pub struct StopRec {
    pub id: u32,
    pub name: u32,
    pub lat: f32,
    pub lon: f32,
    pub station: bool,
    pub parent: Option<String>,
}

/// A trip of trips.txt.
pub struct TripRec {
    pub id: u32,
    pub route: u32,
    pub service: u32,
    pub headsign: u32,
    pub direction: u32,
}

/// The feed being read, and what its tables add to the index's strings
/// and to the rows skipped.
pub struct Tables<R: Read + Seek> {
    pub feed: Feed<R>,
    pub strings: Strings,
    pub skips: Skips,
}

/// The services of calendar.txt and calendar_dates.txt, as read.
#[derive(Default)]
pub struct Calendars {
    pub ids: HashMap<String, u32>,
    /// (service, start, end, weekday mask).
    pub ranges: Vec<(u32, i32, i32, u8)>,
    /// (service, day, added), in the file's order.
    pub exceptions: Vec<(u32, i32, bool)>,
}

impl Calendars {
    /// A service's number, given on first sight.
    fn service(&mut self, id: &str) -> u32 {
        let next = u32::try_from(self.ids.len()).unwrap_or(NONE);
        *self.ids.entry(id.to_string()).or_insert(next)
    }
}

/// A route's row: id, short and long names, type, colour, text colour.
pub type Route = [u32; 6];

/// Stops' or trips' numbers by their id.
pub type Ids = HashMap<Box<[u8]>, u32>;

/// A frequencies.txt row: trip, start, end, headway, exact times.
pub type Frequency = (u32, u32, u32, u32, bool);

impl<R: Read + Seek> Tables<R> {
    /// agency.txt: the time zone every time is counted in.
    pub fn agency(&mut self) -> Result<String, CompileError> {
        let mut t = self.feed.table("agency.txt", &["agency_timezone"], &[])?;
        let mut zone = None;
        while let Some(row) = t.next_row()? {
            if let Some(z) = row.get(0) {
                zone = Some(z.to_string());
                break;
            }
        }
        let zone = zone.ok_or(CompileError::Bad {
            file: "agency.txt",
            line: 2,
            detail: "no agency_timezone".into(),
        })?;
        if jiff::tz::TimeZone::get(&zone).is_err() {
            return Err(CompileError::Bad {
                file: "agency.txt",
                line: 2,
                detail: format!("unknown time zone {zone:?}"),
            });
        }
        Ok(zone)
    }

    /// stops.txt: the stops and stations, and their numbers by id.
    pub fn stops(&mut self) -> Result<(Vec<StopRec>, Ids), CompileError> {
        let mut stops: Vec<StopRec> = Vec::new();
        let mut stop_ids = Ids::new();
        let mut t = self.feed.table(
            "stops.txt",
            &["stop_id"],
            &[
                "stop_name",
                "stop_lat",
                "stop_lon",
                "location_type",
                "parent_station",
            ],
        )?;
        while let Some(row) = t.next_row()? {
            let Some(id) = row.get(0) else {
                t.skip();
                continue;
            };
            let location = row.get(4).unwrap_or("0");
            // Entrances, nodes and boarding areas are not places to wait.
            if !matches!(location, "0" | "1") {
                continue;
            }
            if stop_ids.contains_key(id.as_bytes()) {
                self.skips.add("stops.txt", "duplicate stop_id", t.line());
                continue;
            }
            let rec = StopRec {
                id: self.strings.push_unique(id),
                name: self.strings.intern(row.get(1).unwrap_or("")),
                lat: row.get(2).and_then(|v| v.parse().ok()).unwrap_or(f32::NAN),
                lon: row.get(3).and_then(|v| v.parse().ok()).unwrap_or(f32::NAN),
                station: location == "1",
                parent: row.get(5).map(str::to_string),
            };
            let index = u32::try_from(stops.len()).unwrap_or(NONE);
            stop_ids.insert(id.as_bytes().into(), index);
            stops.push(rec);
        }
        self.skips.malformed(&t);
        Ok((stops, stop_ids))
    }

    /// routes.txt: the routes' rows, and their numbers by id.
    pub fn routes(&mut self) -> Result<(Vec<Route>, HashMap<String, u32>), CompileError> {
        let mut routes: Vec<Route> = Vec::new();
        let mut route_ids: HashMap<String, u32> = HashMap::new();
        let mut t = self.feed.table(
            "routes.txt",
            &["route_id"],
            &[
                "route_short_name",
                "route_long_name",
                "route_type",
                "route_color",
                "route_text_color",
            ],
        )?;
        while let Some(row) = t.next_row()? {
            let Some(id) = row.get(0) else {
                t.skip();
                continue;
            };
            if route_ids.contains_key(id) {
                self.skips.add("routes.txt", "duplicate route_id", t.line());
                continue;
            }
            let colour = |v: Option<&str>| {
                v.filter(|v| v.len() == 6)
                    .and_then(|v| u32::from_str_radix(v, 16).ok())
                    .unwrap_or(NONE)
            };
            let index = u32::try_from(routes.len()).unwrap_or(NONE);
            routes.push([
                self.strings.intern(id),
                self.strings.intern(row.get(1).unwrap_or("")),
                self.strings.intern(row.get(2).unwrap_or("")),
                row.get(3).and_then(|v| v.parse().ok()).unwrap_or(3),
                colour(row.get(4)),
                colour(row.get(5)),
            ]);
            route_ids.insert(id.to_string(), index);
        }
        self.skips.malformed(&t);
        Ok((routes, route_ids))
    }

    /// calendar.txt and calendar_dates.txt (one of them at least).
    pub fn calendars(&mut self) -> Result<Calendars, CompileError> {
        let mut calendars = Calendars::default();
        if !self.feed.has("calendar.txt") && !self.feed.has("calendar_dates.txt") {
            return Err(CompileError::MissingFile {
                file: "calendar.txt (or calendar_dates.txt)",
            });
        }
        if self.feed.has("calendar.txt") {
            self.calendar(&mut calendars)?;
        }
        if self.feed.has("calendar_dates.txt") {
            self.calendar_dates(&mut calendars)?;
        }
        Ok(calendars)
    }

    /// calendar.txt: each service's days of the week between two dates.
    fn calendar(&mut self, calendars: &mut Calendars) -> Result<(), CompileError> {
        let days = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ];
        let mut required = vec!["service_id", "start_date", "end_date"];
        required.extend(days);
        let mut t = self.feed.table("calendar.txt", &required, &[])?;
        while let Some(row) = t.next_row()? {
            let parsed = (|| {
                let id = row.get(0)?;
                let start = parse_date(row.get(1)?)?;
                let end = parse_date(row.get(2)?)?;
                let mut mask = 0u8;
                for d in 0..7 {
                    match row.get(3 + d)? {
                        "1" => mask |= 1 << d,
                        "0" => {}
                        _ => return None,
                    }
                }
                Some((id, start, end, mask))
            })();
            match parsed {
                Some((id, start, end, mask)) => {
                    let s = calendars.service(id);
                    calendars.ranges.push((s, start, end, mask));
                }
                None => t.skip(),
            }
        }
        self.skips.malformed(&t);
        Ok(())
    }

    /// calendar_dates.txt: days added to or removed from a service.
    fn calendar_dates(&mut self, calendars: &mut Calendars) -> Result<(), CompileError> {
        let mut t = self.feed.table(
            "calendar_dates.txt",
            &["service_id", "date", "exception_type"],
            &[],
        )?;
        while let Some(row) = t.next_row()? {
            let parsed = (|| {
                let id = row.get(0)?;
                let date = parse_date(row.get(1)?)?;
                let add = match row.get(2)? {
                    "1" => true,
                    "2" => false,
                    _ => return None,
                };
                Some((id, date, add))
            })();
            match parsed {
                Some((id, date, add)) => {
                    let s = calendars.service(id);
                    calendars.exceptions.push((s, date, add));
                }
                None => t.skip(),
            }
        }
        self.skips.malformed(&t);
        Ok(())
    }

    /// trips.txt: the trips of known routes, and their numbers by id.
    pub fn trips(
        &mut self,
        route_ids: &HashMap<String, u32>,
        calendars: &mut Calendars,
    ) -> Result<(Vec<TripRec>, Ids), CompileError> {
        let mut trips: Vec<TripRec> = Vec::new();
        let mut trip_ids = Ids::new();
        let mut t = self.feed.table(
            "trips.txt",
            &["route_id", "service_id", "trip_id"],
            &["trip_headsign", "direction_id"],
        )?;
        while let Some(row) = t.next_row()? {
            let (Some(route), Some(svc), Some(id)) = (row.get(0), row.get(1), row.get(2)) else {
                t.skip();
                continue;
            };
            let Some(&route) = route_ids.get(route) else {
                self.skips.add("trips.txt", "unknown route_id", t.line());
                continue;
            };
            if trip_ids.contains_key(id.as_bytes()) {
                self.skips.add("trips.txt", "duplicate trip_id", t.line());
                continue;
            }
            let direction = match row.get(4) {
                Some("0") => 0,
                Some("1") => 1,
                _ => 2,
            };
            let rec = TripRec {
                id: self.strings.push_unique(id),
                route,
                service: calendars.service(svc),
                headsign: self.strings.intern(row.get(3).unwrap_or("")),
                direction,
            };
            trip_ids.insert(
                id.as_bytes().into(),
                u32::try_from(trips.len()).unwrap_or(NONE),
            );
            trips.push(rec);
        }
        self.skips.malformed(&t);
        Ok((trips, trip_ids))
    }

    /// frequencies.txt, when there is one.
    pub fn frequencies(&mut self, trip_ids: &Ids) -> Result<Vec<Frequency>, CompileError> {
        let mut frequencies: Vec<Frequency> = Vec::new();
        if !self.feed.has("frequencies.txt") {
            return Ok(frequencies);
        }
        let mut t = self.feed.table(
            "frequencies.txt",
            &["trip_id", "start_time", "end_time", "headway_secs"],
            &["exact_times"],
        )?;
        while let Some(row) = t.next_row()? {
            let parsed = (|| {
                let trip = *trip_ids.get(row.get(0)?.as_bytes())?;
                let start = parse_time(row.get(1)?)?;
                let end = parse_time(row.get(2)?)?;
                let headway: u32 = row.get(3)?.parse().ok().filter(|h| *h > 0)?;
                Some((trip, start, end, headway, row.get(4) == Some("1")))
            })();
            match parsed {
                Some(f) => frequencies.push(f),
                None => t.skip(),
            }
        }
        self.skips.malformed(&t);
        Ok(frequencies)
    }
}
