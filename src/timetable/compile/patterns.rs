//! Each trip's timed stops, kept compactly: trips that call at the same
//! stops in the same order share one stop pattern, trips that take the
//! same time between them share one timing profile (the seconds from each
//! stop to the next, 2 bytes each: a hop of more than 18 hours is cut
//! there), and a trip is its pattern, its profile and its first time (12
//! bytes, however long).
//!
//! stop_times.txt is read row by row; a trip's rows are collected until
//! the next trip's begin. Feeds keep a trip's rows together, but nothing
//! says they must: a trip met again later is set aside, whole, and its
//! stops put together once the table is read.

use std::collections::HashMap;
use std::hash::BuildHasher;

use super::NONE;

/// The trip stop of a trip whose rows are not together.
const SCATTERED: u32 = NONE - 1;

/// Lists of words kept once each: (first row, rows) of each.
#[derive(Default)]
pub struct Interned<T> {
    /// Words per row.
    width: usize,
    pub words: Vec<T>,
    pub spans: Vec<[u32; 2]>,
    /// A list's number by its hash (lists are compared on a hit).
    by_hash: HashMap<u64, u32>,
    /// The few lists whose hash another list had first.
    others: HashMap<Box<[T]>, u32>,
    hasher: std::collections::hash_map::RandomState,
}

impl<T: Copy + Eq + std::hash::Hash> Interned<T> {
    fn new(width: usize) -> Interned<T> {
        Interned {
            width,
            words: Vec::new(),
            spans: Vec::new(),
            by_hash: HashMap::new(),
            others: HashMap::new(),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }

    /// Forgets which list is which (no list is added after): the lists
    /// stay.
    fn seal(&mut self) {
        self.by_hash = HashMap::new();
        self.others = HashMap::new();
    }

    /// The list's number, given on first sight.
    fn intern(&mut self, list: &[T]) -> u32 {
        let hash = self.hasher.hash_one(list);
        if let Some(&id) = self.by_hash.get(&hash) {
            if self.list(id) == list {
                return id;
            }
            if let Some(&id) = self.others.get(list) {
                return id;
            }
            let id = self.push(list);
            self.others.insert(list.into(), id);
            return id;
        }
        let id = self.push(list);
        self.by_hash.insert(hash, id);
        id
    }

    fn push(&mut self, list: &[T]) -> u32 {
        let id = u32::try_from(self.spans.len()).unwrap_or(NONE);
        let first = self.words.len() / self.width.max(1);
        let rows = list.len() / self.width.max(1);
        self.spans.push([
            u32::try_from(first).unwrap_or(NONE),
            u32::try_from(rows).unwrap_or(NONE),
        ]);
        self.words.extend_from_slice(list);
        id
    }

    fn list(&self, id: u32) -> &[T] {
        let Some(&[first, rows]) = self.spans.get(id as usize) else {
            return &[];
        };
        let (first, rows) = (first as usize * self.width, rows as usize * self.width);
        self.words.get(first..first + rows).unwrap_or(&[])
    }
}

/// The trips' patterns, profiles and starts, being built.
pub struct Patterns {
    /// (stop_sequence, stop) rows of each pattern.
    pub patterns: Interned<u32>,
    /// Seconds from each stop to the next, one per pattern stop (0 for the
    /// first).
    pub profiles: Interned<u16>,
    /// Per trip: pattern, profile, first time (`NONE` pattern: no timed
    /// stop).
    pub trips: Vec<[u32; 3]>,
    /// The trip being read and its (sequence, stop, time) rows.
    current: Option<u32>,
    rows: Vec<[u32; 3]>,
    /// (trip, sequence, stop, time) of the trips whose rows are apart.
    scattered: Vec<[u32; 4]>,
    /// Stop times kept, to refuse a feed past the limit.
    pub kept: usize,
}

impl Patterns {
    pub fn new(trips: usize) -> Patterns {
        Patterns {
            patterns: Interned::new(2),
            profiles: Interned::new(1),
            trips: vec![[NONE, NONE, 0]; trips],
            current: None,
            rows: Vec::new(),
            scattered: Vec::new(),
            kept: 0,
        }
    }

    /// A timed stop of `trip`.
    pub fn add(&mut self, trip: u32, sequence: u32, stop: u32, time: u32) {
        self.kept += 1;
        if self.current != Some(trip) {
            self.flush();
            self.current = Some(trip);
            if let Some(row) = self.trips.get(trip as usize).copied()
                && row[0] != NONE
                && row[0] != SCATTERED
            {
                // Met again: its stops so far are set aside with the rest.
                let stops: Vec<[u32; 3]> = self.stops_of(row).collect();
                self.scattered
                    .extend(stops.iter().map(|s| [trip, s[0], s[1], s[2]]));
                self.trips[trip as usize] = [SCATTERED, NONE, 0];
            }
        }
        if self
            .trips
            .get(trip as usize)
            .is_some_and(|r| r[0] == SCATTERED)
        {
            self.scattered.push([trip, sequence, stop, time]);
        } else {
            self.rows.push([sequence, stop, time]);
        }
    }

    /// The stops of a trip's row: (sequence, stop, time).
    fn stops_of(&self, row: [u32; 3]) -> impl Iterator<Item = [u32; 3]> + '_ {
        let pattern = self.patterns.list(row[0]);
        let profile = self.profiles.list(row[1]);
        let mut time = row[2];
        pattern.chunks_exact(2).zip(profile).map(move |(p, hop)| {
            time = time.saturating_add(u32::from(*hop));
            [p[0], p[1], time]
        })
    }

    /// The trip being read is whole: its pattern and profile.
    fn flush(&mut self) {
        let Some(trip) = self.current.take() else {
            return;
        };
        let mut rows = std::mem::take(&mut self.rows);
        if !rows.is_empty() {
            self.settle(trip, &mut rows);
        }
        rows.clear();
        self.rows = rows;
    }

    /// A trip's rows by sequence (the first of a repeated sequence).
    fn settle(&mut self, trip: u32, rows: &mut [[u32; 3]]) {
        rows.sort_by_key(|r| r[0]);
        let mut stops: Vec<u32> = Vec::with_capacity(rows.len() * 2);
        let mut hops: Vec<u16> = Vec::with_capacity(rows.len());
        let mut last: Option<[u32; 3]> = None;
        for r in rows.iter() {
            if last.is_some_and(|l| l[0] == r[0]) {
                continue;
            }
            // A time before the last one (a damaged feed) is taken as it.
            let hop = last.map_or(0, |l| r[2].saturating_sub(l[2]));
            last = Some(*r);
            stops.extend([r[0], r[1]]);
            hops.push(u16::try_from(hop).unwrap_or(u16::MAX));
        }
        let start = rows.first().map_or(0, |r| r[2]);
        let pattern = self.patterns.intern(&stops);
        let profile = self.profiles.intern(&hops);
        if let Some(row) = self.trips.get_mut(trip as usize) {
            *row = [pattern, profile, start];
        }
    }

    /// Every trip settled, those set aside too.
    pub fn finish(&mut self) {
        self.flush();
        let mut scattered = std::mem::take(&mut self.scattered);
        scattered.sort_by_key(|s| (s[0], s[1]));
        let mut rows: Vec<[u32; 3]> = Vec::new();
        for same in scattered.chunk_by(|a, b| a[0] == b[0]) {
            rows.clear();
            rows.extend(same.iter().map(|s| [s[1], s[2], s[3]]));
            self.settle(same[0][0], &mut rows);
        }
        self.patterns.seal();
        self.profiles.seal();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stops(p: &Patterns, trip: u32) -> Vec<[u32; 3]> {
        p.stops_of(p.trips[trip as usize]).collect()
    }

    #[test]
    fn trips_of_one_pattern_and_pace_share_both() {
        let mut p = Patterns::new(3);
        for (trip, start) in [(0, 100), (1, 700), (2, 900)] {
            for (k, stop) in [5, 6, 7].into_iter().enumerate() {
                let pace = if trip == 2 { 90 } else { 60 };
                p.add(trip, k as u32 + 1, stop, start + k as u32 * pace);
            }
        }
        p.finish();
        assert_eq!(p.patterns.spans.len(), 1);
        assert_eq!(p.profiles.spans.len(), 2);
        assert_eq!(stops(&p, 1), [[1, 5, 700], [2, 6, 760], [3, 7, 820]]);
        assert_eq!(stops(&p, 2), [[1, 5, 900], [2, 6, 990], [3, 7, 1080]]);
    }

    #[test]
    fn a_trip_whose_rows_are_apart_and_out_of_order_is_put_together() {
        let mut p = Patterns::new(2);
        p.add(0, 3, 9, 300);
        p.add(0, 1, 7, 100);
        p.add(1, 1, 7, 50);
        p.add(0, 2, 8, 200);
        p.add(1, 2, 9, 80);
        p.add(0, 2, 4, 250);
        p.finish();
        assert_eq!(stops(&p, 0), [[1, 7, 100], [2, 8, 200], [3, 9, 300]]);
        assert_eq!(stops(&p, 1), [[1, 7, 50], [2, 9, 80]]);
    }
}
