//! The board's waiting-times helper: many (place, line, direction) requests
//! through `TR/getListeTemps` in as few calls as possible, each answer matched
//! back to its request by name, line id and direction — never by position,
//! since places without departures are missing from the answer.

use std::collections::HashMap;

use serde::Serialize;

use super::client::Client;
use super::error::ApiError;
use super::methods::{Nb, WaitRequest};
use super::model::{FormTempsAttente, FormTempsLieu};
use crate::domain::{Departure, Position};
use crate::{names, sanitize};

/// At most this many requests go in one call: a URL of about 1.7 KB
/// (about 27 bytes a request), far under what HTTP servers take (8 KB and
/// more), so that a board of five busy places (41 rows in the demo) and its
/// destinations' rows stay one call per refresh.
pub const MAX_REQUESTS_PER_CALL: usize = 60;

/// The departures found for one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaitResult {
    pub request: WaitRequest,
    /// The server's `nomExact` when the place was in the answer.
    pub exact_name: Option<String>,
    pub position: Option<Position>,
    pub departures: Vec<Departure>,
    /// Waits of the place's row out of bounds, dropped.
    pub dropped: u32,
}

type Key = (String, String, bool);

fn key(r: &WaitRequest) -> Key {
    (
        names::fold(&r.place),
        r.line_id.trim().to_string(),
        r.outbound,
    )
}

impl Client {
    /// Fetches the waiting times of every request; the results come back in
    /// the order of `requests`, one per request (duplicates included).
    pub async fn waiting_times(
        &self,
        requests: &[WaitRequest],
        nb: Nb,
    ) -> Result<Vec<WaitResult>, ApiError> {
        let mut unique: Vec<WaitRequest> = Vec::new();
        let mut seen: HashMap<Key, ()> = HashMap::new();
        for r in requests {
            if seen.insert(key(r), ()).is_none() {
                unique.push(r.clone());
            }
        }
        let mut answers = Vec::new();
        for chunk in unique.chunks(MAX_REQUESTS_PER_CALL) {
            answers.extend(self.liste_temps(chunk, None, nb).await?);
        }
        Ok(match_answers(requests, &answers))
    }
}

/// Matches the places of an answer back to the requests.
///
/// A place matches a request when their folded names are equal or, failing
/// that, when every word of the request is a word of the place ("ile france"
/// in "Ile de France"). A place listed twice has its departures merged.
pub fn match_answers(requests: &[WaitRequest], answers: &[FormTempsLieu]) -> Vec<WaitResult> {
    struct Place<'a> {
        exact: String,
        folded: String,
        words: Vec<String>,
        position: Option<Position>,
        times: Vec<&'a FormTempsAttente>,
    }
    let mut places: Vec<Place> = Vec::new();
    for answer in answers {
        let exact = answer
            .nomExact
            .as_deref()
            .map(sanitize::text)
            .unwrap_or_default();
        let folded = names::fold(&exact);
        let times = answer.listeTemps.iter().flatten();
        match places.iter_mut().find(|p| p.folded == folded) {
            Some(place) => place.times.extend(times),
            None => places.push(Place {
                words: names::words(&exact),
                position: Position::known(answer.latitude, answer.longitude),
                exact,
                folded,
                times: times.collect(),
            }),
        }
    }

    requests
        .iter()
        .map(|request| {
            let folded = names::fold(&request.place);
            let request_words = names::words(&request.place);
            let place = places.iter().find(|p| p.folded == folded).or_else(|| {
                let candidates: Vec<&Place> = places
                    .iter()
                    .filter(|p| {
                        !request_words.is_empty()
                            && request_words.iter().all(|w| p.words.contains(w))
                    })
                    .collect();
                // Only an unambiguous loose match counts.
                (candidates.len() == 1).then(|| candidates[0])
            });
            let times: Vec<_> = place
                .map(|p| {
                    p.times
                        .iter()
                        .copied()
                        .filter(|t| {
                            t.idLigne.as_deref().map(str::trim) == Some(request.line_id.trim())
                                && t.sensAller == Some(request.outbound)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let dropped = times
                .iter()
                .filter(|t| !super::convert::plausible(t))
                .count();
            WaitResult {
                request: request.clone(),
                exact_name: place.map(|p| p.exact.clone()),
                position: place.and_then(|p| p.position),
                departures: super::convert::departures(times),
                dropped: u32::try_from(dropped).unwrap_or(u32::MAX),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(place: &str, line: &str, outbound: bool) -> WaitRequest {
        WaitRequest {
            place: place.into(),
            line_id: line.into(),
            outbound,
        }
    }

    fn answers(v: serde_json::Value) -> Vec<FormTempsLieu> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn matches_by_name_line_and_direction_not_position() {
        let a = answers(json!([
            {"nomExact": "Ile de France", "listeTemps": [
                {"idLigne": "101", "sensAller": true, "temps": "2 min"},
                {"idLigne": "101", "sensAller": false, "temps": "4 min"},
                {"idLigne": "101", "sensAller": true, "temps": "9 min"}
            ]},
            {"nomExact": "Crous Université", "listeTemps": [
                {"idLigne": "3", "sensAller": false, "temps": "5 min"}
            ]}
        ]));
        let requests = [
            req("Crous Université", "3", false),
            req("Poste", "4", true), // missing from the answer
            req("Ile de France", "101", true),
            req("Ile de France", "101", false),
        ];
        let r = match_answers(&requests, &a);
        assert_eq!(r.len(), 4);
        assert_eq!(r[0].departures.len(), 1);
        assert_eq!(r[0].exact_name.as_deref(), Some("Crous Université"));
        assert!(r[1].departures.is_empty());
        assert_eq!(r[1].exact_name, None);
        let times: Vec<_> = r[2]
            .departures
            .iter()
            .map(|d| format!("{:?}", d.time))
            .collect();
        assert_eq!(times.len(), 2);
        assert!(times[0].contains("2 min") && times[1].contains("9 min"));
        assert_eq!(r[3].departures.len(), 1);
    }

    #[test]
    fn loose_names_and_repeated_places() {
        let a = answers(json!([
            {"nomExact": "Ile de France", "listeTemps": [{"idLigne": "101", "sensAller": true, "temps": "2 min"}]},
            {"nomExact": "Pôle Temis", "listeTemps": [{"idLigne": "3", "sensAller": true, "temps": "1 min"}]},
            {"nomExact": "Ile de France", "listeTemps": [{"idLigne": "13", "sensAller": true, "temps": "7 min"}]}
        ]));
        let r = match_answers(
            &[
                req("ile-france", "13", true),
                req("pole temis", "3", true),
                req("ile de france", "101", true),
            ],
            &a,
        );
        assert_eq!(r[0].exact_name.as_deref(), Some("Ile de France"));
        assert_eq!(r[0].departures.len(), 1);
        assert_eq!(r[1].departures.len(), 1);
        assert_eq!(r[2].departures.len(), 1);
    }
}
