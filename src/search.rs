//! The stop index and fuzzy search over places.
//!
//! A network lists physical stops; the index folds them into places (one
//! entry per name, with its stop ids and mean position). Search is the skim
//! algorithm of `fuzzy-matcher` over folded names (no case, no accents), with
//! exact and prefix matches first, and the matched characters of the real
//! name kept for highlighting.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use serde::Serialize;

use crate::domain::{Position, Stop};
use crate::names;

/// A place: every stop of one name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub name: String,
    pub stop_ids: Vec<String>,
    pub position: Option<Position>,
    /// Public line numbers, when known.
    pub lines: Vec<String>,
    /// The folded name and, for each of its characters, the index of the
    /// character of `name` it comes from.
    #[serde(skip)]
    folded: String,
    #[serde(skip)]
    origin: Vec<usize>,
}

/// Folds a name like [`names::fold`], remembering where each folded
/// character comes from.
fn fold_with_origin(name: &str) -> (String, Vec<usize>) {
    let mut folded = String::new();
    let mut origin = Vec::new();
    for (i, c) in name.chars().enumerate() {
        let piece = names::fold(&c.to_string());
        let piece = if piece.is_empty() {
            " ".to_string()
        } else {
            piece
        };
        for f in piece.chars() {
            folded.push(f);
            origin.push(i);
        }
    }
    (folded, origin)
}

impl Place {
    pub fn new(name: String, stop_ids: Vec<String>, position: Option<Position>) -> Place {
        let (folded, origin) = fold_with_origin(&name);
        Place {
            name,
            stop_ids,
            position,
            lines: Vec::new(),
            folded,
            origin,
        }
    }
}

/// The places of the network.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub places: Vec<Place>,
}

impl Index {
    /// Builds the index from a network's stops (same names are merged,
    /// whether adjacent or not; stops without a name or an id are dropped).
    pub fn from_stops(stops: &[Stop]) -> Index {
        let mut places: Vec<Place> = Vec::new();
        let mut sums: Vec<(f64, f64, u32)> = Vec::new();
        // Same names merge within a network only (ids of several networks
        // are scoped: `idfm:71517`).
        let mut by_name: std::collections::HashMap<(String, String), usize> =
            std::collections::HashMap::new();
        for stop in stops {
            let (name, id) = (stop.name.clone(), stop.id.clone());
            if name.is_empty() || id.is_empty() {
                continue;
            }
            let position = stop.position;
            let network = id.split_once(':').map_or("", |(n, _)| n).to_string();
            let i = *by_name.entry((network, name.clone())).or_insert_with(|| {
                places.push(Place::new(name, Vec::new(), None));
                sums.push((0.0, 0.0, 0));
                places.len() - 1
            });
            places[i].stop_ids.push(id);
            if let Some(p) = position {
                sums[i].0 += p.lat;
                sums[i].1 += p.lon;
                sums[i].2 += 1;
            }
        }
        for (place, (lat, lon, n)) in places.iter_mut().zip(sums) {
            if n > 0 {
                place.position = Some(Position {
                    lat: lat / f64::from(n),
                    lon: lon / f64::from(n),
                });
            }
        }
        places.sort_by(|a, b| a.folded.cmp(&b.folded));
        Index { places }
    }

    /// The places within `radius_m` of `here`, nearest first, with their
    /// distance in metres.
    pub fn near(&self, here: Position, radius_m: f64) -> Vec<(&Place, f64)> {
        let mut found: Vec<(&Place, f64)> = self
            .places
            .iter()
            .filter_map(|p| Some((p, p.position?.distance_m(here))))
            .filter(|(_, d)| *d <= radius_m)
            .collect();
        found.sort_by(|a, b| a.1.total_cmp(&b.1));
        found
    }

    /// The place of that exact name (folded).
    pub fn place(&self, name: &str) -> Option<&Place> {
        // The exact name wins ("Álvaro Obregón" is not "Alvaro Obregón"),
        // then the name without case, accents or spaces.
        let exact = spaced(name);
        if let Some(place) = self.places.iter().find(|p| spaced(&p.name) == exact) {
            return Some(place);
        }
        let folded = names::fold(name);
        self.places.iter().find(|p| names::fold(&p.name) == folded)
    }

    /// The best matches of `query`, best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Match<'_>> {
        let (q, _) = fold_with_origin(query.trim());
        let q = q.split_whitespace().collect::<Vec<_>>().join(" ");
        if q.is_empty() {
            return self
                .places
                .iter()
                .take(limit)
                .map(|place| Match {
                    place,
                    score: 0,
                    highlight: Vec::new(),
                })
                .collect();
        }
        let exact = spaced(query);
        let matcher = SkimMatcherV2::default();
        let mut found: Vec<(u8, i64, Match)> = self
            .places
            .iter()
            .filter_map(|place| {
                let (score, indices) = matcher.fuzzy_indices(&place.folded, &q)?;
                let rank = if spaced(&place.name) == exact {
                    0
                } else if place.folded == q {
                    1
                } else if place.folded.starts_with(&q) {
                    2
                } else if place.folded.split(' ').any(|w| w.starts_with(&q)) {
                    3
                } else {
                    4
                };
                let mut highlight: Vec<usize> = indices
                    .iter()
                    .filter_map(|i| place.origin.get(*i).copied())
                    .collect();
                highlight.dedup();
                Some((
                    rank,
                    score,
                    Match {
                        place,
                        score,
                        highlight,
                    },
                ))
            })
            .collect();
        found.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.cmp(&a.1))
                .then(a.2.place.name.len().cmp(&b.2.place.name.len()))
        });
        found.into_iter().take(limit).map(|(_, _, m)| m).collect()
    }
}

/// A search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Match<'a> {
    pub place: &'a Place,
    pub score: i64,
    /// Indices (in characters) of `place.name` to highlight.
    pub highlight: Vec<usize>,
}

/// A name with its spaces tidied (trimmed, one between words): how two
/// exact names are compared.
fn spaced(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stop(id: &str, name: &str, lat: f64, lon: f64) -> Stop {
        Stop {
            id: id.into(),
            name: name.into(),
            position: Position::known(Some(lat), Some(lon)),
            accessibility: crate::domain::Accessibility::Accessible,
        }
    }

    fn index() -> Index {
        let names = [
            "Châteaufarine",
            "Ile de France",
            "Ile de France",
            "Pôle Temis",
            "Temis Sciences",
            "Square Saint-Amour",
            "St Ferjeux",
            "Saint-Claude",
            "Chamars",
            "Chalezeule",
            "Centre-ville - 8 Septembre",
            "Crous Université",
            "Gare Viotte",
            "Pôle Viotte",
        ];
        let stops: Vec<Stop> = names
            .iter()
            .enumerate()
            .map(|(i, n)| stop(&format!("S{i}"), n, 47.0 + i as f64 * 0.001, 6.0))
            .collect();
        Index::from_stops(&stops)
    }

    /// Two places whose names differ by an accent: the one typed exactly
    /// is the one opened and the first found, whichever comes first.
    #[test]
    fn an_exact_name_wins() {
        let index = Index::from_stops(&[
            stop("N", "Alvaro Obregón", 19.39, -99.19),
            stop("M", "Álvaro Obregón", 19.35, -99.18),
        ]);
        for asked in ["Álvaro Obregón", "Alvaro Obregón", " Álvaro  Obregón "] {
            let exact = asked.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(
                index.place(asked).map(|p| p.name.as_str()),
                Some(exact.as_str())
            );
            assert_eq!(best(&index, asked), exact);
        }
    }

    fn best(index: &Index, q: &str) -> String {
        index
            .search(q, 1)
            .first()
            .map(|m| m.place.name.clone())
            .unwrap_or_default()
    }

    #[test]
    fn places_near_a_position_nearest_first() {
        let index = index();
        // Stops are 0.001° of latitude (about 111 m) apart from S0.
        let here = Position {
            lat: 47.0,
            lon: 6.0,
        };
        let near: Vec<(&str, u32)> = index
            .near(here, 250.0)
            .iter()
            .map(|(p, d)| (p.name.as_str(), *d as u32))
            .collect();
        assert_eq!(near.len(), 2, "{near:?}");
        assert_eq!(near[0].0, "Châteaufarine");
        assert!(near[0].1 < 1, "{near:?}");
        // "Ile de France" is two stops (S1, S2): its mean is 166 m away.
        assert_eq!(near[1].0, "Ile de France");
        assert!((160..172).contains(&near[1].1), "{near:?}");
    }

    #[test]
    fn same_names_become_one_place_with_a_mean_position() {
        let stops = [
            stop("ILDFRAN1", "Ile de France", 47.0, 6.0),
            stop("CHAMAR1", "Chamars", 47.5, 6.5),
            stop("t_idf1", "Ile de France", 47.2, 6.2),
            stop("X", "", 1.0, 1.0),
            stop("ZERO", "Chamars", 0.0, 0.0),
        ];
        let index = Index::from_stops(&stops);
        assert_eq!(index.places.len(), 2);
        let idf = index.place("ile-de-france").unwrap();
        assert_eq!(idf.stop_ids, ["ILDFRAN1", "t_idf1"]);
        let p = idf.position.unwrap();
        assert!((p.lat - 47.1).abs() < 1e-9 && (p.lon - 6.1).abs() < 1e-9);
        // An unknown (0, 0) position does not drag the mean.
        assert_eq!(index.place("Chamars").unwrap().position.unwrap().lat, 47.5);
    }

    #[test]
    fn matching_ignores_accents_and_case_and_ranks_prefixes_first() {
        let index = index();
        assert_eq!(best(&index, "chateaufarine"), "Châteaufarine");
        assert_eq!(best(&index, "ile fr"), "Ile de France");
        assert_eq!(best(&index, "ILE-DE-FRANCE"), "Ile de France");
        assert_eq!(
            best(&index, "temis"),
            "Temis Sciences",
            "a prefix beats a later word"
        );
        assert_eq!(best(&index, "pole t"), "Pôle Temis");
        assert_eq!(best(&index, "viotte"), "Gare Viotte");
        assert_eq!(best(&index, "cha"), "Chamars");
        assert_eq!(best(&index, "crous"), "Crous Université");
        assert_eq!(best(&index, "8 sept"), "Centre-ville - 8 Septembre");
        assert_eq!(best(&index, "st claude"), "Saint-Claude");
        assert!(index.search("zzzz", 5).is_empty());
        assert_eq!(index.search("", 3).len(), 3);
    }

    #[test]
    fn highlights_point_at_the_real_characters() {
        let index = index();
        let m = &index.search("chateau", 1)[0];
        let name: Vec<char> = m.place.name.chars().collect();
        let lit: String = m.highlight.iter().map(|i| name[*i]).collect();
        assert_eq!(lit, "Château");
    }
}
