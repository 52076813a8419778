//! The departures' groups and the headsigns that are not their trip's.

use super::NONE;
use super::stop_times::Event;

/// Groups: one per (stop, route, direction), of events sorted by time;
/// and each stop's groups.
pub fn groups_of(events: &[Event], stops: usize) -> (Vec<[u32; 5]>, Vec<[u32; 2]>) {
    let mut groups: Vec<[u32; 5]> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(NONE);
        match groups.last_mut() {
            Some(g) if key_of(g) == e.key => g[4] += 1,
            _ => groups.push([
                (e.key >> 32) as u32,
                ((e.key as u32) >> 2),
                (e.key as u32) & 3,
                i,
                1,
            ]),
        }
    }
    let mut stop_groups = vec![[0u32, 0u32]; stops];
    for (g, group) in groups.iter().enumerate() {
        if let Some(slot) = stop_groups.get_mut(group[0] as usize) {
            if slot[1] == 0 {
                slot[0] = u32::try_from(g).unwrap_or(NONE);
            }
            slot[1] += 1;
        }
    }
    (groups, stop_groups)
}

/// The events whose headsign is not their trip's: (event, headsign).
pub fn headsigns_of(events: &[Event], mut headsign_at: Vec<(u32, u32, u32)>) -> Vec<[u32; 2]> {
    let mut headsigns: Vec<[u32; 2]> = Vec::new();
    if !headsign_at.is_empty() {
        headsign_at.sort_unstable();
        headsign_at.dedup_by_key(|h| (h.0, h.1));
        for (i, e) in events.iter().enumerate() {
            let key = (e.trip, (e.key >> 32) as u32);
            if let Ok(at) = headsign_at.binary_search_by_key(&key, |h| (h.0, h.1)) {
                headsigns.push([u32::try_from(i).unwrap_or(NONE), headsign_at[at].2]);
            }
        }
    }
    headsigns
}

/// A group's sort key, as its events'.
pub fn key_of(g: &[u32; 5]) -> u64 {
    (u64::from(g[0]) << 32) | u64::from(g[1] << 2 | g[2])
}
