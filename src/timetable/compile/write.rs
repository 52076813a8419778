//! The compiled index, written section by section.

use std::io::{Seek, Write};

use super::CompileError;
use super::patterns::Patterns;
use super::places::Places;
use super::services::Services;
use super::stop_times::Event;
use super::strings::Strings;
use super::tables::Route;
use crate::timetable::index::{self, Section};

/// Everything the index holds, ready to write.
pub struct Index {
    pub meta: Vec<u32>,
    pub strings: Strings,
    pub stop_groups: Vec<[u32; 2]>,
    pub stops_by_id: Vec<u32>,
    pub routes: Vec<Route>,
    pub routes_by_id: Vec<u32>,
    pub trip_rows: Vec<[u32; 5]>,
    pub services: Services,
    pub groups: Vec<[u32; 5]>,
    pub events: Vec<Event>,
    pub headsigns: Vec<[u32; 2]>,
    pub places: Places,
    pub patterns: Option<Patterns>,
}

impl Index {
    /// Writes the sections in their order.
    pub fn write<W: Write + Seek>(&self, out: W) -> Result<(), CompileError> {
        let mut w = index::Writer::new(out);
        w.words(Section::Meta, &self.meta)?;
        w.bytes(Section::Strings, &self.strings.bytes)?;
        w.words(Section::StringSpans, &self.strings.spans)?;
        w.rows(Section::Stops, &self.places.stop_rows)?;
        w.rows(Section::StopGroups, &self.stop_groups)?;
        w.words(Section::StopsById, &self.stops_by_id)?;
        w.rows(Section::Routes, &self.routes)?;
        w.words(Section::RoutesById, &self.routes_by_id)?;
        w.rows(Section::Trips, &self.trip_rows)?;
        w.rows(Section::Services, &self.services.rules)?;
        w.rows(Section::Groups, &self.groups)?;
        w.events(
            Section::Events,
            self.events.iter().map(|e| [e.time, e.trip]),
            self.events.len(),
        )?;
        w.rows(Section::Headsigns, &self.headsigns)?;
        w.rows(Section::Places, &self.places.place_rows)?;
        w.words(Section::Members, &self.places.members)?;
        w.rows(Section::Exceptions, &self.services.exception_rows)?;
        let (no_trips, no_rows, no_words, no_hops) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (trips, patterns, pattern_stops, profiles, offsets) = match &self.patterns {
            Some(p) => (
                &p.trips,
                &p.patterns.spans,
                &p.patterns.words,
                &p.profiles.spans,
                &p.profiles.words,
            ),
            None => (&no_trips, &no_rows, &no_words, &no_rows, &no_hops),
        };
        w.rows(Section::TripPatterns, trips)?;
        w.rows(Section::Patterns, patterns)?;
        w.words(Section::PatternStops, pattern_stops)?;
        w.rows(Section::Profiles, profiles)?;
        // Two hops a word, the first in the low half.
        w.events(
            Section::Offsets,
            offsets.chunks(2).map(|pair| {
                let high = pair.get(1).copied().map_or(0, u32::from);
                [u32::from(pair[0]) | high << 16]
            }),
            offsets.len().div_ceil(2),
        )?;
        w.finish()?;
        Ok(())
    }
}
