//! The demo network, read from `assets/demo-network.toml` (embedded at build
//! time), with its physical stops derived from the places.

use serde::Deserialize;

use crate::domain::Position;
use crate::names;

const DATA: &str = include_str!("../../assets/demo-network.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub name: String,
    pub code: String,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub access: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub id: String,
    pub destination: String,
    #[serde(default)]
    pub via: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub id: String,
    pub number: String,
    pub name: String,
    pub mode: i64,
    pub typology: i64,
    pub bg: String,
    pub fg: String,
    pub first: String,
    pub last: String,
    pub headway: f64,
    pub crowding: bool,
    pub fleet: Vec<u32>,
    pub outbound: Variant,
    pub inbound: Variant,
    pub route: Vec<String>,
}

impl Line {
    pub fn is_tram(&self) -> bool {
        self.mode == 1
    }

    pub fn is_peri_urban(&self) -> bool {
        self.typology == 50
    }

    pub fn variant(&self, outbound: bool) -> &Variant {
        if outbound {
            &self.outbound
        } else {
            &self.inbound
        }
    }

    /// The places of the route in the given direction.
    pub fn route_in(&self, outbound: bool) -> Vec<&str> {
        let mut route: Vec<&str> = self.route.iter().map(String::as_str).collect();
        if !outbound {
            route.reverse();
        }
        route
    }

    /// Vehicle numbers (an inclusive range), empty for coaches.
    pub fn fleet_numbers(&self) -> Vec<u32> {
        match self.fleet.as_slice() {
            [from, to] if from <= to => (*from..=*to).collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disruption {
    pub line: String,
    pub place: String,
    pub text: String,
    pub message: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub id: i64,
    pub event: i64,
    pub etat: i64,
    #[serde(default)]
    pub alert: bool,
    pub lines: Vec<String>,
    pub stops: Vec<String>,
    pub title: String,
    pub text: String,
    pub html: String,
    pub url: String,
    /// Planned works: `{period}` in the texts is "du 10 au 14 décembre",
    /// from this many days after the demo's day…
    #[serde(default)]
    pub starts_in_days: Option<i16>,
    /// …for this many days.
    #[serde(default)]
    pub lasts_days: Option<i16>,
}

impl Message {
    /// The message as it reads on `today` (the demo's day): its period, if
    /// it has one, follows the demo's clock.
    pub fn on(&self, today: jiff::civil::Date) -> Message {
        let Some(starts) = self.starts_in_days else {
            return self.clone();
        };
        let from = today
            .checked_add(jiff::Span::new().days(starts))
            .unwrap_or(today);
        let to = from
            .checked_add(jiff::Span::new().days(self.lasts_days.unwrap_or(1).max(1) - 1))
            .unwrap_or(from);
        let period = french_period(from, to);
        let capital = format!("D{}", period.trim_start_matches('d'));
        let fill = |t: &str| t.replace("{Period}", &capital).replace("{period}", &period);
        Message {
            title: fill(&self.title),
            text: fill(&self.text),
            html: fill(&self.html),
            ..self.clone()
        }
    }
}

/// "du 10 au 14 décembre", "du 30 décembre au 3 janvier", "du 1er au 5
/// décembre": a period as a French notice writes it.
fn french_period(from: jiff::civil::Date, to: jiff::civil::Date) -> String {
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let day = |d: jiff::civil::Date| match d.day() {
        1 => "1er".to_string(),
        n => n.to_string(),
    };
    let month = |d: jiff::civil::Date| MONTHS[usize::try_from(d.month() - 1).unwrap_or(0) % 12];
    if from.month() == to.month() && from.year() == to.year() {
        format!("du {} au {} {}", day(from), day(to), month(to))
    } else {
        format!(
            "du {} {} au {} {}",
            day(from),
            month(from),
            day(to),
            month(to)
        )
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fare {
    #[serde(rename = "type")]
    pub kind: i64,
    pub name: String,
    pub description: String,
    #[serde(rename = "where")]
    pub where_to_buy: String,
    pub price: f64,
}

/// A physical stop: one side of a road, or one tram platform.
#[derive(Debug, Clone, PartialEq)]
pub struct PhysicalStop {
    pub id: String,
    pub place: String,
    pub position: Position,
    pub access: i64,
    pub tram: bool,
    /// The direction it serves.
    pub outbound: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    pub attribution: String,
    pub attribution_short: String,
    pub places: Vec<Place>,
    pub lines: Vec<Line>,
    pub disruptions: Vec<Disruption>,
    pub messages: Vec<Message>,
    pub fares: Vec<Fare>,
    #[serde(skip)]
    pub stops: Vec<PhysicalStop>,
}

impl Network {
    /// The embedded network.
    pub fn load() -> Result<Network, String> {
        Network::parse(DATA)
    }

    pub fn parse(text: &str) -> Result<Network, String> {
        let mut network: Network =
            toml::from_str(text).map_err(|e| format!("demo network data: {e}"))?;
        network.check()?;
        network.stops = network.build_stops();
        Ok(network)
    }

    fn check(&self) -> Result<(), String> {
        for line in &self.lines {
            if line.route.len() < 2 {
                return Err(format!("line {} has fewer than two stops", line.number));
            }
            if let Some(missing) = line.route.iter().find(|p| self.place(p).is_none()) {
                return Err(format!(
                    "line {} stops at unknown place {missing}",
                    line.number
                ));
            }
        }
        for d in &self.disruptions {
            if self.line(&d.line).is_none() || self.place(&d.place).is_none() {
                return Err(format!("disruption names unknown {} / {}", d.line, d.place));
            }
        }
        Ok(())
    }

    /// One stop per direction for each mode serving a place, sorted by
    /// name like `DR/getArrets`.
    fn build_stops(&self) -> Vec<PhysicalStop> {
        let mut stops = Vec::new();
        for place in &self.places {
            for tram in [true, false] {
                let served = self
                    .lines
                    .iter()
                    .any(|l| l.is_tram() == tram && l.route.contains(&place.name));
                if !served {
                    continue;
                }
                for outbound in [true, false] {
                    let side = if outbound { 1 } else { 2 };
                    let id = if tram {
                        format!("t_{}{side}", place.code.to_lowercase())
                    } else {
                        format!("{}{side}", place.code)
                    };
                    // A few metres apart: platforms north/south, bus stops east/west.
                    let (dlat, dlon) = match (tram, outbound) {
                        (true, true) => (0.00008, 0.0),
                        (true, false) => (-0.00008, 0.0),
                        (false, true) => (0.0, 0.00012),
                        (false, false) => (0.0, -0.00012),
                    };
                    stops.push(PhysicalStop {
                        id,
                        place: place.name.clone(),
                        position: Position {
                            lat: ((place.lat + dlat) * 1e6).round() / 1e6,
                            lon: ((place.lon + dlon) * 1e6).round() / 1e6,
                        },
                        access: place.access,
                        tram,
                        outbound,
                    });
                }
            }
        }
        stops.sort_by(|a, b| {
            names::fold(&a.place)
                .cmp(&names::fold(&b.place))
                .then(a.id.cmp(&b.id))
        });
        stops
    }

    pub fn place(&self, name: &str) -> Option<&Place> {
        self.places.iter().find(|p| p.name == name)
    }

    pub fn line(&self, id: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.id == id)
    }

    pub fn stop(&self, id: &str) -> Option<&PhysicalStop> {
        self.stops
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case(id.trim()))
    }

    /// The stop where a line picks up at a place in a direction.
    pub fn stop_for(&self, line: &Line, place: &str, outbound: bool) -> Option<&PhysicalStop> {
        self.stops
            .iter()
            .find(|s| s.place == place && s.tram == line.is_tram() && s.outbound == outbound)
    }

    /// Finds a place the way the real server does: case, accents, hyphens and
    /// missing words do not matter, and a stop id names its whole place.
    pub fn find_place(&self, query: &str) -> Option<&Place> {
        if let Some(stop) = self.stop(query) {
            return self.place(&stop.place);
        }
        let folded = names::fold(query);
        if folded.is_empty() {
            return None;
        }
        if let Some(p) = self.places.iter().find(|p| names::fold(&p.name) == folded) {
            return Some(p);
        }
        let words = names::words(query);
        let mut candidates: Vec<&Place> = self
            .places
            .iter()
            .filter(|p| {
                let place_words = names::words(&p.name);
                words.iter().all(|w| {
                    place_words
                        .iter()
                        .any(|pw| pw == w || (w.len() >= 3 && pw.starts_with(w.as_str())))
                })
            })
            .collect();
        candidates.sort_by_key(|p| (p.name.len(), p.name.clone()));
        candidates.first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planned_works_follow_the_demos_day() {
        let date = |y, m, d| jiff::civil::date(y, m, d);
        assert_eq!(
            french_period(date(2026, 12, 1), date(2026, 12, 5)),
            "du 1er au 5 décembre"
        );
        assert_eq!(
            french_period(date(2026, 12, 30), date(2027, 1, 3)),
            "du 30 décembre au 3 janvier"
        );
        let n = Network::load().unwrap();
        let works = n
            .messages
            .iter()
            .find(|m| m.starts_in_days.is_some())
            .expect("the demo has planned works");
        let on = works.on(date(2026, 12, 7));
        assert!(on.title.ends_with("du 10 au 14 décembre"), "{}", on.title);
        assert!(on.text.starts_with("Du 10 au 14 décembre, "), "{}", on.text);
        assert!(
            on.html.contains("<b>Du 10 au 14 décembre</b>"),
            "{}",
            on.html
        );
        assert!(!on.html.contains('{'), "{}", on.html);
    }

    #[test]
    fn the_embedded_network_is_big_enough() {
        let n = Network::load().unwrap();
        let trams = n.lines.iter().filter(|l| l.is_tram()).count();
        let buses = n.lines.len() - trams;
        assert_eq!(trams, 2);
        assert!(buses >= 8, "{buses} bus lines");
        assert!(n.lines.iter().any(|l| l.typology == 20));
        assert!(n.lines.iter().any(|l| l.typology == 30));
        assert!(n.lines.iter().any(|l| l.is_peri_urban()));
        assert!(n.places.len() >= 40, "{} places", n.places.len());
        // Ile de France: two tram platforms and two bus stops.
        let idf: Vec<_> = n
            .stops
            .iter()
            .filter(|s| s.place == "Ile de France")
            .collect();
        assert_eq!(idf.len(), 4);
        assert!(n.stop("t_ildfran1").is_some() && n.stop("ILDFRAN3").is_none());
        assert!(n.stop("ILDFRAN1").is_some());
    }

    #[test]
    fn places_match_loosely() {
        let n = Network::load().unwrap();
        let find = |q: &str| n.find_place(q).map(|p| p.name.as_str());
        assert_eq!(find("ile france"), Some("Ile de France"));
        assert_eq!(find("ILE-DE-FRANCE"), Some("Ile de France"));
        assert_eq!(find("chateaufarine"), Some("Châteaufarine"));
        assert_eq!(find("pole temis"), Some("Pôle Temis"));
        assert_eq!(find("crous"), Some("Crous Université"));
        assert_eq!(find("CROUUNI2"), Some("Crous Université"));
        assert_eq!(find("republique"), Some("République"));
        assert_eq!(find("zzz nowhere"), None);
        assert_eq!(find("  "), None);
    }
}
