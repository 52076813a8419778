//! Ginko wire objects → domain types. Every text is sanitised here.

use super::model::*;
use crate::domain::*;
use crate::sanitize;

fn clean(text: &Option<String>) -> String {
    text.as_deref().map(sanitize::text).unwrap_or_default()
}

fn mode(code: Option<i64>) -> Option<Mode> {
    match code {
        Some(0) => Some(Mode::Bus),
        Some(1) => Some(Mode::Tram),
        _ => None,
    }
}

fn line_ref(
    id: &Option<String>,
    number: &Option<String>,
    background: &Option<String>,
    foreground: &Option<String>,
    mode_code: Option<i64>,
) -> LineRef {
    let id = clean(id);
    let mut number = clean(number);
    if number.is_empty() {
        number = id.clone();
    }
    LineRef {
        id,
        number,
        background: background.as_deref().and_then(Rgb::parse_hex),
        foreground: foreground.as_deref().and_then(Rgb::parse_hex),
        mode: mode(mode_code),
    }
}

pub fn line_kind(typologie: Option<i64>) -> Option<LineKind> {
    Some(match typologie? {
        10 => LineKind::Tram,
        20 => LineKind::Lianes,
        30 => LineKind::Urban,
        40 => LineKind::Complementary,
        50 => LineKind::PeriUrban,
        60 => LineKind::School,
        70 => LineKind::OnDemand,
        _ => LineKind::Other,
    })
}

impl From<&FormLigne> for Line {
    fn from(l: &FormLigne) -> Line {
        Line {
            line: line_ref(
                &l.id,
                &l.numLignePublic,
                &l.couleurFond,
                &l.couleurTexte,
                l.modeTransport,
            ),
            name: clean(&l.libellePublic),
            kind: line_kind(l.typologie),
            peri_urban: l.periurbain.unwrap_or(false),
            school: l.scolaire.unwrap_or(false),
            directions: l
                .variantes
                .iter()
                .flatten()
                .map(|v| Direction {
                    id: clean(&v.id),
                    outbound: v.sensAller.unwrap_or(true),
                    destination: clean(&v.destination),
                    via: clean(&v.precisionDestination),
                })
                .collect(),
        }
    }
}

impl From<&FormArret> for Stop {
    fn from(a: &FormArret) -> Stop {
        Stop {
            id: clean(&a.id),
            name: clean(&a.nom),
            position: Position::known(a.latitude, a.longitude),
            accessibility: accessibility(a.accessibilite),
        }
    }
}

/// Classifies `temps`. v1.2 says which kind it is (`typeDeTemps`); for older
/// servers the text decides: a leading digit is a time, anything else a word.
fn wait_time(t: &FormTempsAttente) -> WaitTime {
    let text = clean(&t.temps);
    let starts_with_digit = text.starts_with(|c: char| c.is_ascii_digit());
    let kind = t
        .typeDeTemps
        .unwrap_or(if starts_with_digit { 0 } else { 2 });
    match kind {
        0 if !text.is_empty() || t.tempsEnSeconde.is_some() => WaitTime::Countdown {
            // Just past (the bus is at the stop): due now.
            seconds: t.tempsEnSeconde.map(|s| s.max(0)),
            text,
        },
        1 => WaitTime::Clock { text },
        _ => {
            let served = text.to_lowercase().starts_with("perturbation");
            WaitTime::Text { text, served }
        }
    }
}

/// Whether a wait is one to show: its seconds, or the minutes its text
/// starts with, within [`sanitize::plausible_wait`] ("-60 min" and
/// "153722867280912930 min" are not).
pub(super) fn plausible(t: &FormTempsAttente) -> bool {
    if let Some(seconds) = t.tempsEnSeconde {
        return sanitize::plausible_wait(seconds);
    }
    let text = t.temps.as_deref().unwrap_or_default().trim_start();
    let digits = text.trim_start_matches(['-', '\u{2212}']);
    if digits.starts_with(|c: char| c.is_ascii_digit()) {
        if digits.len() != text.len() {
            return false;
        }
        let minutes: String = digits.chars().take_while(char::is_ascii_digit).collect();
        let is_minutes = digits[minutes.len()..].trim_start().starts_with("min");
        if is_minutes {
            return minutes
                .parse::<i64>()
                .is_ok_and(|m| m <= sanitize::MAX_AHEAD_S / 60);
        }
    }
    true
}

/// The departures of a list of waits: those out of bounds dropped (and
/// counted), the same one given twice (same line, direction, time,
/// vehicle) once.
pub fn departures<'a>(times: impl IntoIterator<Item = &'a FormTempsAttente>) -> Vec<Departure> {
    let mut implausible = 0;
    let mut out: Vec<Departure> = Vec::new();
    for t in times {
        if !plausible(t) {
            implausible += 1;
            continue;
        }
        let d = Departure::from(t);
        // A row holds a few departures: compared with those kept, with no
        // key to build for each.
        let twice = out.iter().any(|o| {
            o.line.id == d.line.id
                && o.outbound == d.outbound
                && o.destination == d.destination
                && o.time == d.time
                && o.vehicle == d.vehicle
        });
        if !twice {
            out.push(d);
        }
    }
    if implausible > 0 {
        sanitize::note_implausible(implausible);
    }
    out
}

pub use crate::html::fragment_text;

impl From<&FormTempsAttente> for Departure {
    fn from(t: &FormTempsAttente) -> Departure {
        let alternate = if t.alternance == Some(true) {
            t.tempsHTMLEnAlternance
                .as_deref()
                .map(fragment_text)
                .filter(|s| !s.is_empty())
        } else {
            None
        };
        Departure {
            stop_id: clean(&t.idArret),
            line: line_ref(
                &t.idLigne,
                &t.numLignePublic,
                &t.couleurFond,
                &t.couleurTexte,
                t.modeTransport,
            ),
            outbound: t.sensAller.unwrap_or(true),
            destination: clean(&t.destination),
            via: clean(&t.precisionDestination),
            time: wait_time(t),
            alternate,
            // An older server that omits `fiable` gives no guarantee either.
            origin: if t.fiable.unwrap_or(false) {
                Origin::Located
            } else {
                Origin::NotLocated
            },
            status: Status::Normal,
            platform: None,
            mission: None,
            vehicle: t
                .numVehicule
                .as_deref()
                .map(sanitize::text)
                .filter(|v| !v.is_empty()),
            stop_access: accessibility(t.accessibiliteArret),
            vehicle_access: accessibility(t.accessibiliteVehicule),
            crowding: crowd_level(t.affluence),
            load: load(t.tauxDeCharge),
            crowding_text: clean(&t.texteAffluence),
            crowding_advice: clean(&t.aideDecisionAffluence),
            info_id: t.idInfoTrafic.filter(|id| *id > 0).map(|id| id.to_string()),
        }
    }
}

impl From<&FormTempsLieu> for PlaceDepartures {
    fn from(p: &FormTempsLieu) -> PlaceDepartures {
        PlaceDepartures {
            name: clean(&p.nomExact),
            position: Position::known(p.latitude, p.longitude),
            departures: departures(p.listeTemps.iter().flatten()),
        }
    }
}

impl From<&FormMessage> for Message {
    fn from(m: &FormMessage) -> Message {
        Message {
            network: String::new(),
            id: m.id.unwrap_or(0).to_string(),
            title: fragment_text(m.titre.as_deref().unwrap_or_default()),
            body_html: m.texte.clone().unwrap_or_default(),
            url: clean(&m.url),
            severity: severity(m.etat).unwrap_or(Severity::Information),
            lines: m
                .lignes
                .iter()
                .flatten()
                .map(|l| sanitize::text(l))
                .collect(),
            stops: m
                .arrets
                .iter()
                .flatten()
                .map(|s| sanitize::text(s))
                .collect(),
            alert: false,
        }
    }
}

impl From<&FormInfoTrafic> for Message {
    fn from(m: &FormInfoTrafic) -> Message {
        let alert = m.alerte == Some(true);
        let severity = if alert {
            Severity::Interrupted
        } else if m.tempsReel == Some(true) {
            Severity::Ongoing
        } else {
            Severity::Planned
        };
        let body = [&m.texteHTML, &m.texte, &m.complement]
            .into_iter()
            .flatten()
            .find(|s| !s.trim().is_empty())
            .cloned()
            .unwrap_or_default();
        Message {
            network: String::new(),
            id: m.id.unwrap_or(0).to_string(),
            title: fragment_text(m.titre.as_deref().unwrap_or_default()),
            body_html: body,
            url: clean(&m.url),
            severity,
            lines: m
                .lignes
                .iter()
                .flatten()
                .map(|l| clean(&l.numLignePublic))
                .collect(),
            stops: Vec::new(),
            alert,
        }
    }
}

/// All messages of a `TR/getInfosTrafic` answer, real-time ones first.
pub fn infos_trafic_messages(infos: &FormInfosTrafic) -> Vec<Message> {
    infos
        .infosTempsReel
        .iter()
        .flatten()
        .chain(infos.infosAnticipees.iter().flatten())
        .map(Message::from)
        .collect()
}

impl From<&FormInfoLigne> for LineStatus {
    fn from(l: &FormInfoLigne) -> LineStatus {
        LineStatus {
            line: line_ref(
                &l.idLigne,
                &l.numLignePublic,
                &l.couleurFond,
                &l.couleurTexte,
                None,
            ),
            state: match l.etat {
                Some(1) => LineState::Normal,
                Some(2) => LineState::Information,
                Some(3) => LineState::NotRunningNow,
                Some(4) => LineState::PlannedDisruption,
                Some(5) => LineState::Disrupted,
                Some(6) => LineState::Interrupted,
                _ => LineState::NoInformation,
            },
        }
    }
}

impl From<&FormTarif> for Fare {
    fn from(t: &FormTarif) -> Fare {
        Fare {
            kind: match t.r#type {
                Some(0) => FareKind::Single,
                Some(1) => FareKind::Monthly,
                Some(2) => FareKind::Yearly,
                _ => FareKind::Other,
            },
            name: clean(&t.libelle),
            description: clean(&t.description),
            where_to_buy: clean(&t.pointsDeVente),
            price_eur: t.tarif,
        }
    }
}

fn count(code: Option<i64>) -> Option<u32> {
    code.and_then(|n| u32::try_from(n).ok())
}

impl From<&FormVehicule> for Vehicle {
    fn from(v: &FormVehicule) -> Vehicle {
        Vehicle {
            number: clean(&v.num),
            kind: clean(&v.typeVehicule),
            accessibility: accessibility(v.accessibilite),
            air_conditioning: v.climatisation,
            usb_sockets: v.prisesUSB,
            audio_announcements: v.annoncesSonores,
            visual_announcements: v.affichageDynamique,
            energy: match v.energie {
                Some(1) => Energy::Diesel,
                Some(2) => Energy::NaturalGas,
                Some(3) => Energy::Hybrid,
                Some(4) => Energy::Electric,
                _ => Energy::Unknown,
            },
        }
    }
}

impl From<&FormVehiculeTR> for VehicleLive {
    fn from(v: &FormVehiculeTR) -> VehicleLive {
        VehicleLive {
            number: clean(&v.num),
            crowding: crowd_level(v.affluence),
            crowding_text: clean(&v.texteAffluence),
            passengers: count(v.nbPassagersABord),
            load: load(v.tauxDeCharge),
            position_text: clean(&v.position),
        }
    }
}

impl From<&FormPrevisionAffluence> for CrowdForecast {
    fn from(p: &FormPrevisionAffluence) -> CrowdForecast {
        CrowdForecast {
            start: clean(&p.heureDeDebut),
            end: clean(&p.heureDeFin),
            level: crowd_level(p.affluence),
            text: clean(&p.texteAffluence),
            passengers: count(p.nbPassagersABord),
            load: load(p.tauxDeCharge),
        }
    }
}

/// Ginko's accessibility codes: 1 accessible, 2 not.
fn accessibility(code: Option<i64>) -> Accessibility {
    match code {
        Some(1) => Accessibility::Accessible,
        Some(2) => Accessibility::NotAccessible,
        _ => Accessibility::Unknown,
    }
}

/// Ginko's crowding codes: 0 low, 1 moderate, 2 high, -2 not allowed.
fn crowd_level(code: Option<i64>) -> CrowdLevel {
    match code {
        Some(0) => CrowdLevel::Low,
        Some(1) => CrowdLevel::Moderate,
        Some(2) => CrowdLevel::High,
        Some(-2) => CrowdLevel::NotAllowed,
        _ => CrowdLevel::Unknown,
    }
}

/// Ginko's load: a percentage, or -2 when the key has no rights to it.
fn load(code: Option<i64>) -> Load {
    match code {
        Some(-2) => Load::NotAllowed,
        Some(p) if p >= 0 => Load::Percent(p.min(100) as u8),
        _ => Load::Unknown,
    }
}

/// From v1.2's `etat` (messages and line states).
fn severity(code: Option<i64>) -> Option<Severity> {
    match code? {
        1 => Some(Severity::None),
        2 => Some(Severity::Information),
        4 => Some(Severity::Planned),
        5 => Some(Severity::Ongoing),
        6 => Some(Severity::Interrupted),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn departure(v: serde_json::Value) -> Departure {
        Departure::from(&serde_json::from_value::<FormTempsAttente>(v).unwrap())
    }

    #[test]
    fn times_are_classified() {
        let d = departure(
            json!({"temps": "9 min", "tempsEnSeconde": 540, "typeDeTemps": 0, "fiable": true}),
        );
        assert_eq!(
            d.time,
            WaitTime::Countdown {
                text: "9 min".into(),
                seconds: Some(540)
            }
        );
        assert!(d.reliable());
        let d = departure(json!({"temps": "17h05", "typeDeTemps": 1, "fiable": false}));
        assert_eq!(
            d.time,
            WaitTime::Clock {
                text: "17h05".into()
            }
        );
        assert!(!d.reliable());
        let d = departure(json!({"temps": "Travaux", "typeDeTemps": 2}));
        assert_eq!(
            d.time,
            WaitTime::Text {
                text: "Travaux".into(),
                served: false
            }
        );
        // An older server: no typeDeTemps, no tempsEnSeconde.
        let d = departure(json!({"temps": "3 min", "fiable": true}));
        assert_eq!(
            d.time,
            WaitTime::Countdown {
                text: "3 min".into(),
                seconds: None
            }
        );
        let d = departure(json!({"temps": "Perturbations"}));
        assert_eq!(
            d.time,
            WaitTime::Text {
                text: "Perturbations".into(),
                served: true
            }
        );
    }

    #[test]
    fn waits_out_of_bounds_are_dropped_and_counted_and_repeats_merged() {
        let wait = |v: serde_json::Value| serde_json::from_value::<FormTempsAttente>(v).unwrap();
        let times = [
            wait(json!({"temps": "-60 min", "tempsEnSeconde": -3600, "typeDeTemps": 0})),
            wait(json!({"temps": "x", "tempsEnSeconde": i64::MAX, "typeDeTemps": 0})),
            wait(json!({"temps": "153722867280912930 min"})),
            wait(json!({"temps": "−3 min"})),
            wait(json!({"temps": "due", "tempsEnSeconde": -20, "typeDeTemps": 0})),
            wait(json!({"temps": "9 min", "tempsEnSeconde": 540, "numVehicule": "1"})),
            wait(json!({"temps": "9 min", "tempsEnSeconde": 540, "numVehicule": "1"})),
            wait(json!({"temps": "9 min", "tempsEnSeconde": 540, "numVehicule": "2"})),
            wait(json!({"temps": "17h05", "typeDeTemps": 1})),
            wait(json!({"temps": "Travaux"})),
        ];
        let before = sanitize::implausible_dropped();
        let shown = departures(&times);
        // At least: other tests count at the same time.
        assert!(sanitize::implausible_dropped() - before >= 4);
        let seconds: Vec<Option<i64>> = shown
            .iter()
            .map(|d| match d.time {
                WaitTime::Countdown { seconds, .. } => seconds,
                _ => None,
            })
            .collect();
        assert_eq!(seconds, [Some(0), Some(540), Some(540), None, None]);
    }

    #[test]
    fn the_real_sample_converts() {
        let d = departure(json!({
            "destination": "Pôle Temis", "couleurTexte": "FFFFFF", "couleurFond": "006AB3",
            "temps": "9 min", "tempsEnSeconde": 540, "accessibiliteArret": 0,
            "accessibiliteVehicule": 1, "idLigne": "3", "fiable": true, "numVehicule": "526",
            "idInfoTrafic": 0, "idArret": "CROUUNI2", "tauxDeCharge": -2, "typeDeTemps": 0,
            "precisionDestination": "par Gare Viotte et Campus", "tempsEnMinute": -1,
            "sensAller": false, "alternance": false, "terminus": 0, "affluence": -2,
            "numLignePublic": "L3"
        }));
        assert_eq!(d.line.number, "L3");
        assert_eq!(d.line.background, Some(Rgb(0, 0x6a, 0xb3)));
        assert_eq!(d.via, "par Gare Viotte et Campus");
        assert!(!d.outbound);
        assert_eq!(
            (d.crowding, d.load),
            (CrowdLevel::NotAllowed, Load::NotAllowed)
        );
        assert_eq!(d.vehicle_access, Accessibility::Accessible);
        assert_eq!(d.info_id, None);
        assert_eq!(d.alternate, None);
    }

    #[test]
    fn alternating_text_and_hostile_strings() {
        let d = departure(json!({
            "temps": "2 min", "alternance": true,
            "tempsHTMLEnAlternance": "<span class=\"gk-mot\">Bus&nbsp;complet</span>",
            "destination": "Gare\u{1b}[2J Viotte\u{202e}", "couleurFond": "nope"
        }));
        assert_eq!(d.alternate.as_deref(), Some("Bus complet"));
        assert_eq!(d.destination, "Gare Viotte");
        assert_eq!(d.line.background, None);
    }

    #[test]
    fn older_messages_map_to_severities() {
        let infos: FormInfosTrafic = serde_json::from_value(json!({
            "infosAnticipees": [{"id": 1, "titre": "Travaux", "texte": "t", "alerte": false, "tempsReel": false,
                                 "lignes": [{"numLignePublic": "L4"}]}],
            "infosTempsReel": [{"id": 2, "titre": "<b>T2 interrompu</b>", "texteHTML": "<p>x</p>", "alerte": true, "tempsReel": true}]
        }))
        .unwrap();
        let m = infos_trafic_messages(&infos);
        assert_eq!(m[0].title, "T2 interrompu");
        assert!(m[0].alert);
        assert_eq!(m[0].severity, Severity::Interrupted);
        assert_eq!(m[0].body_html, "<p>x</p>");
        assert_eq!(m[1].severity, Severity::Planned);
        assert_eq!(m[1].lines, ["L4"]);
    }
}
