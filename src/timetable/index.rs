//! The index file: fixed sections of little-endian `u32` rows behind a
//! header of offsets, read in place from a memory map (or bytes held in
//! memory). Opening checks the header and the sections' bounds; every read
//! is bounds-checked, so a damaged file gives wrong answers at worst,
//! never a crash.
//!
//! | section | row (u32 words) |
//! |---|---|
//! | stops | id, name, parent, lat, lon (f32 bits), place |
//! | routes | id, short name, long name, route_type, colour, text colour |
//! | trips | id, route, service, headsign, direction (0, 1, 2 = none) |
//! | groups | stop, route, direction, first event, events |
//! | events | time (seconds from noon − 12 h; top bit: approximate), trip |
//! | places | id, name, first member, members, lat, lon |
//! | services | start day, end day, weekdays (bit 0 Monday), first exception, exceptions |
//! | exceptions | day, 1 added / 0 removed (each service's by day) |
//! | trip patterns | pattern, profile, first time (per trip; empty when not compiled) |
//! | patterns | first pattern stop, pattern stops |
//! | pattern stops | stop_sequence, stop (each pattern's by sequence) |
//! | profiles | first hop, hops |
//! | hops | seconds from the stop before (one per pattern stop, 0 for the first; two 16-bit hops a word, the first in the low half) |
//!
//! A trip's stops are its pattern's, at its first time plus its profile's
//! hops: trips that call at the same stops share a pattern, trips that
//! take the same time between them a profile. Version 2 and 3 files are
//! read without their trips' stops (version 3 kept them in another form).

mod reach;

use std::io::{Seek, Write};
use std::path::Path;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::table::{date_of, day_number};
use crate::i18n::tf;
pub use reach::{Reach, Run};

pub const MAGIC: &[u8; 8] = b"QUAITT1\n";
pub const VERSION: u32 = 4;
/// No index ("none") in a u32 reference.
pub const NONE: u32 = u32::MAX;
/// An event's time is headway-based (`exact_times = 0`).
pub const APPROXIMATE: u32 = 1 << 31;
pub const TIME_MASK: u32 = !APPROXIMATE;
/// How many days ahead the next departures are looked for.
pub const LOOK_AHEAD_DAYS: i32 = 14;

/// The sections, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Section {
    Meta,
    Strings,
    StringSpans,
    Stops,
    StopGroups,
    StopsById,
    Routes,
    RoutesById,
    Trips,
    Services,
    Groups,
    Events,
    Headsigns,
    Places,
    Members,
    Exceptions,
    TripPatterns,
    Patterns,
    PatternStops,
    Profiles,
    Offsets,
}

const SECTIONS: usize = 21;
/// Sections of a version 2 file, and those read of a version 3 file.
const SECTIONS_V2: usize = 16;
const HEADER: usize = 8 + SECTIONS * 16;

/// Writes the sections in order, then the header of offsets.
pub struct Writer<W: Write> {
    out: W,
    at: u64,
    spans: Vec<(u64, u64)>,
    error: Option<std::io::Error>,
}

impl<W: Write + Seek> Writer<W> {
    pub fn new(out: W) -> Writer<W> {
        Writer {
            out,
            at: 0,
            spans: Vec::with_capacity(SECTIONS),
            error: None,
        }
        .start()
    }

    fn start(mut self) -> Writer<W> {
        // Room for the header, written in place once the sections are.
        if let Err(e) = self.out.write_all(&[0u8; HEADER]) {
            self.error = Some(e);
        }
        self.at = HEADER as u64;
        self
    }

    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.write_all(bytes)?;
        self.at += bytes.len() as u64;
        Ok(())
    }

    pub fn bytes(&mut self, section: Section, bytes: &[u8]) -> std::io::Result<()> {
        debug_assert_eq!(self.spans.len(), section as usize);
        let start = self.at;
        self.put(bytes)?;
        let pad = (4 - bytes.len() % 4) % 4;
        self.put(&[0u8; 3][..pad])?;
        self.spans.push((start, bytes.len() as u64));
        Ok(())
    }

    pub fn words(&mut self, section: Section, words: &[u32]) -> std::io::Result<()> {
        self.events(section, words.iter().map(|w| [*w]), words.len())
    }

    pub fn rows<const N: usize>(
        &mut self,
        section: Section,
        rows: &[[u32; N]],
    ) -> std::io::Result<()> {
        self.events(section, rows.iter().copied(), rows.len())
    }

    /// Rows from an iterator (the events, written without a copy).
    pub fn events<const N: usize>(
        &mut self,
        section: Section,
        rows: impl Iterator<Item = [u32; N]>,
        count: usize,
    ) -> std::io::Result<()> {
        debug_assert_eq!(self.spans.len(), section as usize);
        let start = self.at;
        let mut buffer = Vec::with_capacity(64 * 1024);
        for row in rows.take(count) {
            for w in row {
                buffer.extend_from_slice(&w.to_le_bytes());
            }
            if buffer.len() >= 60 * 1024 {
                self.put(&buffer)?;
                buffer.clear();
            }
        }
        self.put(&buffer)?;
        self.spans.push((start, self.at - start));
        Ok(())
    }

    /// Writes the header of offsets in front; returns the writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if self.spans.len() != SECTIONS {
            return Err(std::io::Error::other("an index section is missing"));
        }
        self.out.seek(std::io::SeekFrom::Start(0))?;
        self.out.write_all(&header(&self.spans))?;
        self.out.flush()?;
        Ok(self.out)
    }
}

fn header(spans: &[(u64, u64)]) -> Vec<u8> {
    let mut h = Vec::with_capacity(HEADER);
    h.extend_from_slice(MAGIC);
    for (start, len) in spans {
        h.extend_from_slice(&start.to_le_bytes());
        h.extend_from_slice(&len.to_le_bytes());
    }
    h
}

/// The index's bytes: mapped from the file, or held.
enum Bytes {
    Mapped(memmap2::Mmap),
    Held(Vec<u8>),
}

impl Bytes {
    fn get(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Held(v) => v,
        }
    }
}

/// Why an index cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{}", tf("tt_index_missing", &[("path", .0.as_str())]))]
    Missing(String),
    #[error("{}", tf("tt_index_unreadable", &[("path", path.as_str()), ("detail", detail.as_str())]))]
    Unreadable { path: String, detail: String },
    #[error("{}", crate::i18n::t("tt_index_damaged"))]
    Damaged,
}

/// An opened index.
pub struct Timetable {
    bytes: Bytes,
    spans: [(usize, usize); SECTIONS],
    zone: TimeZone,
    zone_name: String,
    first_day: Option<i32>,
    last_day: Option<i32>,
}

impl std::fmt::Debug for Timetable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timetable")
            .field("zone", &self.zone_name)
            .field("size", &self.size())
            .finish()
    }
}

/// One departure found in the timetable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimetableDeparture {
    pub at: Timestamp,
    pub stop: u32,
    pub trip: u32,
    pub route: u32,
    /// 0, 1, or none.
    pub direction: Option<u8>,
    /// The stop's headsign, else the trip's (a string id).
    pub headsign: u32,
    /// Headway-based service: the time is approximate.
    pub approximate: bool,
    /// The service day (days since 1970-01-01) the trip runs on.
    pub day: i32,
    /// Seconds from that day's noon − 12 h.
    pub offset: u32,
}

/// One stop of a trip ([`Timetable::trip_stops`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TripStop {
    pub sequence: u32,
    pub stop: u32,
    /// Seconds from the service day's noon − 12 h.
    pub time: u32,
}

/// A route's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route<'a> {
    pub id: &'a str,
    pub short_name: &'a str,
    pub long_name: &'a str,
    pub route_type: u32,
    pub colour: Option<u32>,
    pub text_colour: Option<u32>,
}

impl Timetable {
    /// Maps the index file.
    pub fn open(path: &Path) -> Result<Timetable, OpenError> {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(OpenError::Missing(path.display().to_string()));
            }
            Err(e) => {
                return Err(OpenError::Unreadable {
                    path: path.display().to_string(),
                    detail: e.to_string(),
                });
            }
        };
        // SAFETY: quai replaces an index by renaming a new file over it,
        // never by writing into it, so the mapped bytes do not change.
        let map = unsafe { memmap2::Mmap::map(&file) };
        let bytes = match map {
            Ok(m) => Bytes::Mapped(m),
            Err(_) => Bytes::Held(std::fs::read(path).map_err(|e| OpenError::Unreadable {
                path: path.display().to_string(),
                detail: e.to_string(),
            })?),
        };
        Timetable::from(bytes)
    }

    /// An index held in memory (the demo's, compiled at start).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Timetable, OpenError> {
        Timetable::from(Bytes::Held(bytes))
    }

    fn from(bytes: Bytes) -> Result<Timetable, OpenError> {
        let data = bytes.get();
        if data.len() < 8 + SECTIONS_V2 * 16 || &data[..8] != MAGIC {
            return Err(OpenError::Damaged);
        }
        let mut spans = [(0usize, 0usize); SECTIONS];
        // The version is Meta's first word; version 2 had fewer sections.
        let meta_at = data
            .get(8..16)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_le_bytes)
            .and_then(|at| usize::try_from(at).ok());
        let version = meta_at
            .and_then(|at| data.get(at..at + 4))
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_le_bytes);
        let count = match version {
            Some(2 | 3) => SECTIONS_V2,
            Some(VERSION) => SECTIONS,
            _ => return Err(OpenError::Damaged),
        };
        for (i, span) in spans.iter_mut().enumerate().take(count) {
            let at = 8 + i * 16;
            let word = |o: usize| {
                data.get(o..o + 8)
                    .and_then(|b| <[u8; 8]>::try_from(b).ok())
                    .map(u64::from_le_bytes)
            };
            let (Some(start), Some(len)) = (word(at), word(at + 8)) else {
                return Err(OpenError::Damaged);
            };
            let (start, len) = (
                usize::try_from(start).map_err(|_| OpenError::Damaged)?,
                usize::try_from(len).map_err(|_| OpenError::Damaged)?,
            );
            if start % 4 != 0 || start.checked_add(len).is_none_or(|end| end > data.len()) {
                return Err(OpenError::Damaged);
            }
            *span = (start, len);
        }
        let mut t = Timetable {
            bytes,
            spans,
            zone: TimeZone::UTC,
            zone_name: String::new(),
            first_day: None,
            last_day: None,
        };
        if !matches!(t.word(Section::Meta, 0), 2 | 3 | VERSION) {
            return Err(OpenError::Damaged);
        }
        t.zone_name = t.string(t.word(Section::Meta, 1)).to_string();
        t.zone = TimeZone::get(&t.zone_name).map_err(|_| OpenError::Damaged)?;
        // Service days of a sane era only (a damaged word is refused).
        let day = |w: u32| (w != NONE).then_some(w as i32);
        let sane = |d: Option<i32>| d.is_none_or(|d| (-200_000..=200_000).contains(&d));
        t.first_day = day(t.word(Section::Meta, 2));
        t.last_day = day(t.word(Section::Meta, 3));
        if !sane(t.first_day) || !sane(t.last_day) {
            return Err(OpenError::Damaged);
        }
        Ok(t)
    }

    fn section(&self, s: Section) -> &[u8] {
        let (start, len) = self.spans[s as usize];
        self.bytes.get().get(start..start + len).unwrap_or(&[])
    }

    /// Word `i` of a section (0 when out of bounds).
    fn word(&self, s: Section, i: usize) -> u32 {
        let (start, len) = self.spans[s as usize];
        let at = i.saturating_mul(4);
        if at.saturating_add(4) > len {
            return 0;
        }
        self.bytes
            .get()
            .get(start + at..start + at + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, u32::from_le_bytes)
    }

    fn rows(&self, s: Section, width: usize) -> usize {
        self.spans[s as usize].1 / 4 / width
    }

    fn cell(&self, s: Section, width: usize, row: usize, column: usize) -> u32 {
        self.word(s, row.saturating_mul(width).saturating_add(column))
    }

    /// A string of the index ("" when out of bounds).
    pub fn string(&self, id: u32) -> &str {
        let (start, len) = (
            self.word(Section::StringSpans, (id as usize).saturating_mul(2)) as usize,
            self.word(
                Section::StringSpans,
                (id as usize).saturating_mul(2).saturating_add(1),
            ) as usize,
        );
        self.section(Section::Strings)
            .get(start..start.saturating_add(len))
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    /// The feed's time zone (`agency_timezone`).
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    pub fn zone_name(&self) -> &str {
        &self.zone_name
    }

    /// Bytes of the index.
    pub fn size(&self) -> usize {
        self.bytes.get().len()
    }

    /// First and last service day.
    pub fn validity(&self) -> Option<(jiff::civil::Date, jiff::civil::Date)> {
        Some((date_of(self.first_day?), date_of(self.last_day?)))
    }

    pub fn stop_count(&self) -> usize {
        self.rows(Section::Stops, 6)
    }

    /// Stops where one boards (stations not counted).
    pub fn boardable_stop_count(&self) -> usize {
        (0..u32::try_from(self.stop_count()).unwrap_or(0))
            .filter(|&s| self.stop_place(s).is_some())
            .count()
    }

    pub fn stop_id(&self, stop: u32) -> &str {
        self.string(self.cell(Section::Stops, 6, stop as usize, 0))
    }

    pub fn stop_name(&self, stop: u32) -> &str {
        self.string(self.cell(Section::Stops, 6, stop as usize, 1))
    }

    /// The stop's place (none for a station itself).
    pub fn stop_place(&self, stop: u32) -> Option<u32> {
        let p = self.cell(Section::Stops, 6, stop as usize, 5);
        (p != NONE && (p as usize) < self.place_count()).then_some(p)
    }

    pub fn stop_position(&self, stop: u32) -> Option<(f64, f64)> {
        let lat = f32::from_bits(self.cell(Section::Stops, 6, stop as usize, 3));
        let lon = f32::from_bits(self.cell(Section::Stops, 6, stop as usize, 4));
        (lat.is_finite() && lon.is_finite()).then_some((f64::from(lat), f64::from(lon)))
    }

    /// A stop by its GTFS id.
    pub fn find_stop(&self, id: &str) -> Option<u32> {
        self.find(Section::StopsById, self.stop_count(), id, |t, s| {
            t.stop_id(s)
        })
    }

    pub fn route_count(&self) -> usize {
        self.rows(Section::Routes, 6)
    }

    pub fn route(&self, route: u32) -> Route<'_> {
        let c = |col| self.cell(Section::Routes, 6, route as usize, col);
        let colour = |w: u32| (w != NONE && w <= 0xFF_FFFF).then_some(w);
        Route {
            id: self.string(c(0)),
            short_name: self.string(c(1)),
            long_name: self.string(c(2)),
            route_type: c(3),
            colour: colour(c(4)),
            text_colour: colour(c(5)),
        }
    }

    /// A route by its GTFS id.
    pub fn find_route(&self, id: &str) -> Option<u32> {
        self.find(Section::RoutesById, self.route_count(), id, |t, r| {
            t.route(r).id
        })
    }

    fn find(
        &self,
        order: Section,
        count: usize,
        id: &str,
        key: impl Fn(&Timetable, u32) -> &str,
    ) -> Option<u32> {
        let (mut lo, mut hi) = (0usize, count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let at = self.word(order, mid);
            match key(self, at).cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(at),
            }
        }
        None
    }

    pub fn trip_count(&self) -> usize {
        self.rows(Section::Trips, 5)
    }

    pub fn trip_id(&self, trip: u32) -> &str {
        self.string(self.cell(Section::Trips, 5, trip as usize, 0))
    }

    pub fn departure_count(&self) -> usize {
        self.rows(Section::Events, 2)
    }

    pub fn place_count(&self) -> usize {
        self.rows(Section::Places, 6)
    }

    pub fn place_name(&self, place: u32) -> &str {
        self.string(self.cell(Section::Places, 6, place as usize, 1))
    }

    pub fn place_id(&self, place: u32) -> &str {
        self.string(self.cell(Section::Places, 6, place as usize, 0))
    }

    /// The stops of a place.
    pub fn place_stops(&self, place: u32) -> impl Iterator<Item = u32> + '_ {
        let first = self.cell(Section::Places, 6, place as usize, 2) as usize;
        let count = self.cell(Section::Places, 6, place as usize, 3) as usize;
        (first
            ..first
                .saturating_add(count)
                .min(self.rows(Section::Members, 1)))
            .map(move |m| self.word(Section::Members, m))
    }

    pub fn place_position(&self, place: u32) -> Option<(f64, f64)> {
        let lat = f32::from_bits(self.cell(Section::Places, 6, place as usize, 4));
        let lon = f32::from_bits(self.cell(Section::Places, 6, place as usize, 5));
        (lat.is_finite() && lon.is_finite()).then_some((f64::from(lat), f64::from(lon)))
    }

    /// The (route, direction) groups of a stop: (group, route, direction).
    pub fn stop_groups(&self, stop: u32) -> impl Iterator<Item = (usize, u32, Option<u8>)> + '_ {
        let first = self.cell(Section::StopGroups, 2, stop as usize, 0) as usize;
        let count = self.cell(Section::StopGroups, 2, stop as usize, 1) as usize;
        let end = first
            .saturating_add(count)
            .min(self.rows(Section::Groups, 5));
        (first..end).filter_map(move |g| {
            let c = |col| self.cell(Section::Groups, 5, g, col);
            (c(0) == stop).then(|| (g, c(1), direction(c(2))))
        })
    }

    /// The most common headsign of a group's trips (a row's destination).
    pub fn group_headsign(&self, group: usize) -> u32 {
        let (start, len) = self.group_events(group);
        let mut counts: Vec<(u32, u32)> = Vec::new();
        // A sample is enough: every 8th event of the group, at most 64.
        let step = (len / 64).max(1);
        for e in (start..start + len).step_by(step) {
            let h = self.event_headsign(e);
            match counts.iter_mut().find(|c| c.0 == h) {
                Some(c) => c.1 += 1,
                None => counts.push((h, 1)),
            }
        }
        counts.iter().max_by_key(|c| c.1).map_or(0, |c| c.0)
    }

    /// Every headsign of a group's trips, the most common first (a row
    /// per destination).
    pub fn group_headsigns(&self, group: usize) -> Vec<u32> {
        let (start, len) = self.group_events(group);
        let mut counts: Vec<(u32, u32)> = Vec::new();
        for e in start..start + len {
            let h = self.event_headsign(e);
            match counts.iter_mut().find(|c| c.0 == h) {
                Some(c) => c.1 += 1,
                None => counts.push((h, 1)),
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        counts.into_iter().map(|c| c.0).collect()
    }

    fn group_events(&self, group: usize) -> (usize, usize) {
        let start = self.cell(Section::Groups, 5, group, 3) as usize;
        let len = self.cell(Section::Groups, 5, group, 4) as usize;
        let end = start.saturating_add(len).min(self.departure_count());
        (start.min(end), end - start.min(end))
    }

    fn event_headsign(&self, event: usize) -> u32 {
        let trip = self.cell(Section::Events, 2, event, 1) as usize;
        let own = self.cell(Section::Trips, 5, trip, 3);
        let rows = self.rows(Section::Headsigns, 2);
        if rows == 0 {
            return own;
        }
        match self.row_with(Section::Headsigns, 2, 0..rows, event as u32) {
            Some(at) => self.cell(Section::Headsigns, 2, at, 1),
            None => own,
        }
    }

    /// The row among `range` (sorted on their first word) whose first word
    /// is `key`: a binary search.
    fn row_with(
        &self,
        s: Section,
        width: usize,
        range: std::ops::Range<usize>,
        key: u32,
    ) -> Option<usize> {
        let (mut lo, mut hi) = (range.start, range.end.min(self.rows(s, width)));
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.cell(s, width, mid, 0).cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Whether a service runs on a service day: its exception for the day
    /// if any (calendar_dates wins), else its calendar.
    fn runs(&self, service: u32, day: i32) -> bool {
        let row = service as usize;
        let first = self.cell(Section::Services, 5, row, 3) as usize;
        let count = self.cell(Section::Services, 5, row, 4) as usize;
        // Exception days are compared as words: the same order for the
        // days of this era (positive day numbers).
        let exceptions = first..first.saturating_add(count);
        if let Some(at) = self.row_with(Section::Exceptions, 2, exceptions, day as u32) {
            return self.cell(Section::Exceptions, 2, at, 1) == 1;
        }
        let start = self.cell(Section::Services, 5, row, 0) as i32;
        let end = self.cell(Section::Services, 5, row, 1) as i32;
        let mask = self.cell(Section::Services, 5, row, 2);
        (start..=end).contains(&day) && mask & (1 << weekday(day)) != 0
    }

    /// "Noon minus 12 h" of a service day, in the feed's zone: what its
    /// times count from.
    pub fn day_reference(&self, day: i32) -> Option<Timestamp> {
        let noon = date_of(day)
            .at(12, 0, 0, 0)
            .to_zoned(self.zone.clone())
            .ok()?;
        noon.timestamp()
            .checked_sub(jiff::SignedDuration::from_hours(12))
            .ok()
    }

    /// The next departures from `from` at these stops, of the groups that
    /// `keep(route, direction)` keeps, sorted by time, at most `limit`.
    pub fn departures(
        &self,
        stops: &[u32],
        keep: impl Fn(u32, Option<u8>) -> bool,
        from: Timestamp,
        limit: usize,
    ) -> Vec<TimetableDeparture> {
        self.departures_to(stops, keep, |_| true, from, limit)
    }

    /// [`Timetable::departures`] of the trips whose headsign `to` keeps
    /// (a row per destination): at most `limit` of those.
    pub fn departures_to(
        &self,
        stops: &[u32],
        keep: impl Fn(u32, Option<u8>) -> bool,
        to: impl Fn(u32) -> bool,
        from: Timestamp,
        limit: usize,
    ) -> Vec<TimetableDeparture> {
        let mut found: Vec<TimetableDeparture> = Vec::new();
        if limit == 0 {
            return found;
        }
        let today = day_number(from.to_zoned(self.zone.clone()).date());
        // The day before yesterday's and yesterday's trips may run past
        // midnight; then day by day until enough are found, and one day
        // more (its first trips may leave before the last day's late ones).
        let mut enough_after = None;
        for day in today - 2..=today + LOOK_AHEAD_DAYS {
            if enough_after.is_some_and(|d| day > d) {
                break;
            }
            if found.len() >= limit && day >= today && enough_after.is_none() {
                enough_after = Some(day);
            }
            let in_window = self
                .first_day
                .zip(self.last_day)
                .is_some_and(|(first, last)| (first..=last).contains(&day));
            if !in_window {
                continue;
            }
            let Some(reference) = self.day_reference(day) else {
                continue;
            };
            let since = from.as_second() - reference.as_second();
            let lower = u32::try_from(since.max(0)).unwrap_or(u32::MAX);
            for &stop in stops {
                for (group, route, dir) in self.stop_groups(stop) {
                    if !keep(route, dir) {
                        continue;
                    }
                    let (start, len) = self.group_events(group);
                    let first = self.first_at_or_after(start, len, lower);
                    let mut taken = 0;
                    for e in first..start + len {
                        let time = self.cell(Section::Events, 2, e, 0);
                        let trip = self.cell(Section::Events, 2, e, 1);
                        let service = self.cell(Section::Trips, 5, trip as usize, 2);
                        if !self.runs(service, day) {
                            continue;
                        }
                        let headsign = self.event_headsign(e);
                        if !to(headsign) {
                            continue;
                        }
                        let at = reference.as_second() + i64::from(time & TIME_MASK);
                        let Ok(at) = Timestamp::from_second(at) else {
                            continue;
                        };
                        found.push(TimetableDeparture {
                            at,
                            stop,
                            trip,
                            route,
                            direction: dir,
                            headsign,
                            approximate: time & APPROXIMATE != 0,
                            day,
                            offset: time & TIME_MASK,
                        });
                        taken += 1;
                        if taken >= limit {
                            break;
                        }
                    }
                }
            }
        }
        found.sort_by_key(|d| (d.at, d.route, d.trip));
        found.dedup_by_key(|d| (d.at, d.trip, d.stop));
        found.truncate(limit);
        found
    }

    /// The first event of a group at or after a time (binary search).
    fn first_at_or_after(&self, start: usize, len: usize, time: u32) -> usize {
        let (mut lo, mut hi) = (start, start + len);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.cell(Section::Events, 2, mid, 0) & TIME_MASK < time {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Whether the index holds each trip's stops ([`Timetable::trip_stops`]).
    pub fn has_trip_stops(&self) -> bool {
        self.rows(Section::TripPatterns, 3) > 0
    }

    /// A trip's stops by sequence: (stop_sequence, stop, time from the
    /// service day's reference), empty when not compiled.
    pub fn trip_stops(&self, trip: u32) -> impl Iterator<Item = TripStop> + '_ {
        let (pattern, profile, start) = self.trip_pattern(trip);
        let mut time = start;
        (0..pattern.1.min(profile.1)).map(move |i| {
            time = time.saturating_add(self.hop(profile.0 + i));
            TripStop {
                sequence: self.word(Section::PatternStops, (pattern.0 + i) * 2),
                stop: self.word(Section::PatternStops, (pattern.0 + i) * 2 + 1),
                time,
            }
        })
    }

    /// Whether a trip runs on a service day (days since 1970-01-01).
    pub fn trip_runs(&self, trip: u32, day: i32) -> bool {
        self.runs(self.cell(Section::Trips, 5, trip as usize, 2), day)
    }

    /// Hop `i` of the profiles: seconds from a trip's stop before.
    fn hop(&self, i: usize) -> u32 {
        let word = self.word(Section::Offsets, i / 2);
        if i.is_multiple_of(2) {
            word & 0xFFFF
        } else {
            word >> 16
        }
    }

    /// A trip's pattern and profile, each (first row, rows), and its first
    /// time; empty when not compiled or out of bounds.
    fn trip_pattern(&self, trip: u32) -> ((usize, usize), (usize, usize), u32) {
        let row = trip as usize;
        let span = |s: Section, at: u32, total: usize| {
            let first = self.cell(s, 2, at as usize, 0) as usize;
            let count = self.cell(s, 2, at as usize, 1) as usize;
            let end = first.saturating_add(count).min(total);
            (first.min(end), end - first.min(end))
        };
        let pattern = span(
            Section::Patterns,
            self.cell(Section::TripPatterns, 3, row, 0),
            self.rows(Section::PatternStops, 2),
        );
        let profile = span(
            Section::Profiles,
            self.cell(Section::TripPatterns, 3, row, 1),
            self.rows(Section::Offsets, 1) * 2,
        );
        (
            pattern,
            profile,
            self.cell(Section::TripPatterns, 3, row, 2),
        )
    }

    /// A trip's route.
    pub fn trip_route(&self, trip: u32) -> u32 {
        self.cell(Section::Trips, 5, trip as usize, 1)
    }

    /// The trip's headsign (a string id).
    pub fn trip_headsign(&self, trip: u32) -> u32 {
        self.cell(Section::Trips, 5, trip as usize, 3)
    }

    /// A trip's direction.
    pub fn trip_direction(&self, trip: u32) -> Option<u8> {
        direction(self.cell(Section::Trips, 5, trip as usize, 4))
    }

    /// The day the feed's service ended, when it has.
    pub fn expired(&self, now: Timestamp) -> Option<jiff::civil::Date> {
        let today = day_number(now.to_zoned(self.zone.clone()).date());
        let last = self.last_day?;
        (today > last).then(|| date_of(last))
    }
}

/// A day number's weekday, 0 for Monday (1970-01-01 was a Thursday).
pub fn weekday(day: i32) -> u32 {
    (day + 3).rem_euclid(7) as u32
}

fn direction(w: u32) -> Option<u8> {
    match w {
        0 => Some(0),
        1 => Some(1),
        _ => None,
    }
}
