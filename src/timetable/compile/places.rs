//! Places: what a rider looks for, stations and same-name stops.

use std::collections::HashMap;

use super::NONE;
use super::strings::{Strings, string};
use super::tables::StopRec;

/// Places: a station and its stops, or same-name stops without one; and
/// the stops' rows, which name their place.
pub struct Places {
    pub stop_rows: Vec<[u32; 6]>,
    pub place_rows: Vec<[u32; 6]>,
    pub members: Vec<u32>,
    pub count: usize,
}

impl Places {
    pub fn of(stops: &[StopRec], strings: &Strings) -> Places {
        let station_of: HashMap<&str, u32> = stops
            .iter()
            .enumerate()
            .filter(|(_, s)| s.station)
            .map(|(i, s)| (string(strings, s.id), u32::try_from(i).unwrap_or(NONE)))
            .collect();
        let mut place_of_station: HashMap<u32, u32> = HashMap::new();
        // Same-named stops (names compared without case, accents or
        // spaces) are one place when close, several when far apart.
        let mut places_named: HashMap<String, Vec<u32>> = HashMap::new();
        let mut places: Vec<(u32, u32, Vec<u32>)> = Vec::new(); // id, name, members
        let mut stop_place = vec![NONE; stops.len()];
        for (i, s) in stops.iter().enumerate() {
            if s.station {
                continue;
            }
            let i32_ = u32::try_from(i).unwrap_or(NONE);
            let station = s.parent.as_deref().and_then(|p| station_of.get(p)).copied();
            let place = match station {
                Some(st) => *place_of_station.entry(st).or_insert_with(|| {
                    let station = &stops[st as usize];
                    places.push((station.id, station.name, Vec::new()));
                    u32::try_from(places.len() - 1).unwrap_or(NONE)
                }),
                None => {
                    let named = places_named
                        .entry(crate::names::fold(string(strings, s.name)))
                        .or_default();
                    let near = named.iter().copied().find(|&p| {
                        places.get(p as usize).is_some_and(|(_, _, members)| {
                            members.iter().any(|&m| close(&stops[m as usize], s))
                        })
                    });
                    near.unwrap_or_else(|| {
                        places.push((s.id, s.name, Vec::new()));
                        let p = u32::try_from(places.len() - 1).unwrap_or(NONE);
                        named.push(p);
                        p
                    })
                }
            };
            if let Some(p) = places.get_mut(place as usize) {
                p.2.push(i32_);
            }
            stop_place[i] = place;
        }
        let mut stop_rows: Vec<[u32; 6]> = Vec::with_capacity(stops.len());
        for (i, s) in stops.iter().enumerate() {
            let parent = s
                .parent
                .as_deref()
                .and_then(|p| station_of.get(p))
                .copied()
                .unwrap_or(NONE);
            stop_rows.push([
                s.id,
                s.name,
                parent,
                s.lat.to_bits(),
                s.lon.to_bits(),
                stop_place[i],
            ]);
        }
        let mut place_rows: Vec<[u32; 6]> = Vec::with_capacity(places.len());
        let mut members: Vec<u32> = Vec::new();
        for (id, name, list) in &places {
            let station = station_of
                .get(string(strings, *id))
                .map(|&s| &stops[s as usize]);
            let (lat, lon) = position(station, list, stops);
            place_rows.push([
                *id,
                *name,
                u32::try_from(members.len()).unwrap_or(NONE),
                u32::try_from(list.len()).unwrap_or(NONE),
                lat.to_bits(),
                lon.to_bits(),
            ]);
            members.extend(list);
        }
        Places {
            stop_rows,
            place_rows,
            members,
            count: places.len(),
        }
    }
}

/// How far apart two stops of the same name may be and still be one
/// place (as the IDFM matching does).
const SAME_PLACE_M: f64 = 300.0;

/// Two stops close enough to be one place; a stop without a position is
/// close to any (there is nothing to tell them apart).
fn close(a: &StopRec, b: &StopRec) -> bool {
    let at = |s: &StopRec| {
        (s.lat.is_finite() && s.lon.is_finite()).then(|| crate::domain::Position {
            lat: f64::from(s.lat),
            lon: f64::from(s.lon),
        })
    };
    match (at(a), at(b)) {
        (Some(a), Some(b)) => a.distance_m(b) <= SAME_PLACE_M,
        _ => true,
    }
}

/// A place's position: its station's, or the mean of its stops' known
/// positions.
pub fn position(station: Option<&StopRec>, members: &[u32], stops: &[StopRec]) -> (f32, f32) {
    if let Some(s) = station.filter(|s| s.lat.is_finite() && s.lon.is_finite()) {
        return (s.lat, s.lon);
    }
    let known: Vec<&StopRec> = members
        .iter()
        .map(|&m| &stops[m as usize])
        .filter(|s| s.lat.is_finite() && s.lon.is_finite())
        .collect();
    let n = known.len().max(1) as f32;
    if known.is_empty() {
        (f32::NAN, f32::NAN)
    } else {
        (
            known.iter().map(|s| s.lat).sum::<f32>() / n,
            known.iter().map(|s| s.lon).sum::<f32>() / n,
        )
    }
}
