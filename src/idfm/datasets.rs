//! The portal's datasets (Opendatasoft Explore v2.1 JSON exports): the
//! stations (zones de correspondance), their stop areas, the lines with
//! their colours, and the lift status. Records are read field by field:
//! a record missing what quai needs is skipped, never an error.

use serde_json::Value;

use crate::domain::{Lift, LiftState, LineKind, LineRef, Mode, Position, Rgb};
use crate::sanitize;

/// A field's text (strings and numbers both), sanitised and trimmed.
fn field(record: &Value, name: &str) -> Option<String> {
    let text = match record.get(name)? {
        Value::String(s) => sanitize::text(s),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn number(record: &Value, name: &str) -> Option<f64> {
    match record.get(name)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn records(body: &[u8]) -> Result<Vec<Value>, String> {
    match serde_json::from_slice(&crate::sanitize::json_answer(body)?).map_err(|e| e.to_string())? {
        Value::Array(items) => Ok(items),
        _ => Err("an export is a JSON array of records".into()),
    }
}

/// Lambert-93 (EPSG:2154, RGF93) metres to WGS 84 degrees.
pub fn lambert93_to_wgs84(x: f64, y: f64) -> Option<Position> {
    use proj4rs::proj::Proj;
    use std::sync::OnceLock;
    static PROJECTIONS: OnceLock<Option<(Proj, Proj)>> = OnceLock::new();
    let (from, to) = PROJECTIONS
        .get_or_init(|| {
            let from = Proj::from_proj_string(
                "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 \
                 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
            )
            .ok()?;
            let to = Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs").ok()?;
            Some((from, to))
        })
        .as_ref()?;
    if !(x.is_finite() && y.is_finite()) || x <= 0.0 || y <= 0.0 {
        return None;
    }
    let mut point = (x, y, 0.0);
    proj4rs::transform::transform(from, to, &mut point).ok()?;
    let (lon, lat) = (point.0.to_degrees(), point.1.to_degrees());
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
        .then_some(Position { lat, lon })
}

/// A station as riders name it: a zone de correspondance.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Zone {
    pub id: String,
    pub name: String,
    pub town: String,
    pub kind: String,
    pub position: Option<Position>,
}

/// The stations of a `zones-de-correspondance` export.
pub fn zones(body: &[u8]) -> Result<Vec<Zone>, String> {
    Ok(records(body)?
        .iter()
        .filter_map(|r| {
            let position = match (number(r, "zdcxepsg2154"), number(r, "zdcyepsg2154")) {
                (Some(x), Some(y)) => lambert93_to_wgs84(x, y),
                _ => None,
            };
            Some(Zone {
                id: field(r, "zdcid")?,
                name: field(r, "zdcname")?,
                town: field(r, "zdctown").unwrap_or_default(),
                kind: field(r, "zdctype").unwrap_or_default(),
                position,
            })
        })
        .collect())
}

/// The stop areas (`zdaid`) of a `zones-d-arrets` export that belong to
/// the station `zdcid`.
pub fn stop_areas_of(body: &[u8], zdcid: &str) -> Result<Vec<String>, String> {
    Ok(records(body)?
        .iter()
        .filter(|r| field(r, "zdcid").as_deref() == Some(zdcid))
        .filter_map(|r| field(r, "zdaid"))
        .collect())
}

/// A line of `referentiel-des-lignes`, as the board shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LineInfo {
    pub id: String,
    /// As riders say it: "A", "M14", "T3a", "91".
    pub number: String,
    pub mode: String,
    pub network: String,
    pub background: Option<(u8, u8, u8)>,
    pub foreground: Option<(u8, u8, u8)>,
}

/// The public number of a line from its short name and mode: metro lines
/// are "M1"…"M14" (bus lines share their digits); the rest as named.
pub fn public_number(short_name: &str, mode: &str) -> String {
    let mode = mode.to_ascii_lowercase();
    if mode == "metro"
        && short_name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    {
        format!("M{short_name}")
    } else {
        short_name.to_string()
    }
}

impl LineInfo {
    /// Where the line sorts: trains and RER, metro, tram, then buses.
    pub fn kind(&self) -> LineKind {
        kind_of_mode(&self.mode)
    }

    pub fn line_ref(&self) -> LineRef {
        let rgb = |c: Option<(u8, u8, u8)>| c.map(|(r, g, b)| Rgb(r, g, b));
        LineRef {
            id: self.id.clone(),
            number: self.number.clone(),
            background: rgb(self.background),
            foreground: rgb(self.foreground),
            mode: match self.kind() {
                LineKind::Rail => Some(Mode::Rail),
                LineKind::Metro => Some(Mode::Metro),
                LineKind::Tram => Some(Mode::Tram),
                _ => Some(Mode::Bus),
            },
        }
    }
}

/// The order of a transport mode (`transportmode`, or disruptions' `mode`).
pub fn kind_of_mode(mode: &str) -> LineKind {
    match mode.to_ascii_lowercase().as_str() {
        "rail" | "rapidtransit" | "localtrain" | "train" => LineKind::Rail,
        "metro" => LineKind::Metro,
        "tram" | "tramway" => LineKind::Tram,
        "bus" | "coach" => LineKind::Urban,
        _ => LineKind::Other,
    }
}

/// The lines of a `referentiel-des-lignes` export.
pub fn lines(body: &[u8]) -> Result<Vec<LineInfo>, String> {
    let colour = |r: &Value, name: &str| {
        field(r, name)
            .and_then(|c| Rgb::parse_hex(&c))
            .map(|Rgb(r, g, b)| (r, g, b))
    };
    Ok(records(body)?
        .iter()
        .filter_map(|r| {
            let mode = field(r, "transportmode").unwrap_or_default();
            let short = field(r, "shortname_line").or_else(|| field(r, "name_line"))?;
            Some(LineInfo {
                id: field(r, "id_line")?,
                number: public_number(&short, &mode),
                network: field(r, "networkname").unwrap_or_default(),
                background: colour(r, "colourweb_hexa"),
                foreground: colour(r, "textcolourweb_hexa"),
                mode,
            })
        })
        .collect())
}

/// The lifts of an `etat-des-ascenseurs` export.
pub fn lifts(body: &[u8]) -> Result<Vec<Lift>, String> {
    Ok(records(body)?
        .iter()
        .filter_map(|r| {
            let state = match field(r, "liftstatus").as_deref() {
                Some("available") => LiftState::Available,
                Some("notavailable") => LiftState::NotAvailable,
                _ => LiftState::Unknown,
            };
            let reason = field(r, "liftreason").filter(|r| r != "/");
            Some(Lift {
                station: field(r, "zdcid")?,
                id: field(r, "liftid").unwrap_or_default(),
                situation: field(r, "liftsituation").unwrap_or_default(),
                direction: field(r, "liftdirection").unwrap_or_default(),
                state,
                reason: reason.map(|r| lift_reason(&r)).unwrap_or_default(),
                since: field(r, "liftstateupdate")
                    .map(|t| in_paris(&t))
                    .unwrap_or_default(),
            })
        })
        .collect())
}

/// The French words for a lift's reason code.
fn lift_reason(code: &str) -> String {
    match code {
        "liftFailure" => "panne".into(),
        "undefinedEquipmentProblem" => "problème d'équipement".into(),
        "maintenanceWork" => "maintenance".into(),
        other => other.to_string(),
    }
}

/// An instant written with its offset in the network's zone, so that it is
/// read as the network's time wherever it is shown; kept as written when
/// it is not an instant.
fn in_paris(text: &str) -> String {
    match (
        text.parse::<jiff::Timestamp>(),
        jiff::tz::TimeZone::get(super::ZONE),
    ) {
        (Ok(at), Ok(zone)) => at
            .to_zoned(zone)
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambert_93_lands_on_known_points() {
        // The projection's origin is 46.5 N, 3 E by definition.
        let origin = lambert93_to_wgs84(700_000.0, 6_600_000.0).unwrap();
        assert!((origin.lat - 46.5).abs() < 1e-9 && (origin.lon - 3.0).abs() < 1e-9);
        // Stations of the portal's lift export, with its own WGS 84
        // centroids: Gare Saint-Lazare and Pont Cardinet.
        for (x, y, lat, lon) in [
            (
                650_511.0,
                6_864_202.0,
                48.875_937_635_687_144,
                2.325_263_035_373_182,
            ),
            (
                649_774.0,
                6_865_531.0,
                48.887_831_831_427_33,
                2.315_058_047_740_767,
            ),
        ] {
            let p = lambert93_to_wgs84(x, y).unwrap();
            assert!(
                (p.lat - lat).abs() < 1e-6 && (p.lon - lon).abs() < 1e-6,
                "{p:?}"
            );
        }
        assert_eq!(lambert93_to_wgs84(f64::NAN, 1.0), None);
        assert_eq!(lambert93_to_wgs84(0.0, 0.0), None);
    }

    #[test]
    fn stations_with_numbers_or_strings() {
        let body = br#"[{"zdcid":"71517","zdcname":"La D\u00e9fense","zdctown":"Puteaux","zdctype":"railStation","zdcxepsg2154":643180,"zdcyepsg2154":"6866100"},
          {"zdcid":474151,"zdcname":"Ch\u00e2telet-Les Halles"},{"zdcname":"no id"},{"zdcid":"1"}]"#;
        let z = zones(body).unwrap();
        assert_eq!(z.len(), 2);
        assert_eq!(z[0].name, "La Défense");
        assert_eq!(z[0].town, "Puteaux");
        assert!(z[0].position.is_some());
        assert_eq!(z[1].id, "474151");
        assert_eq!(z[1].position, None);
        assert!(zones(b"{}").is_err());
    }

    #[test]
    fn lines_carry_their_colours_and_riders_numbers() {
        let body = br#"[{"id_line":"C01742","shortname_line":"A","transportmode":"rail","networkname":"RER","colourweb_hexa":"eb2132","textcolourweb_hexa":"ffffff"},
          {"id_line":"C01384","shortname_line":"14","transportmode":"metro","colourweb_hexa":"62259d","textcolourweb_hexa":"ffffff"},
          {"id_line":"C01390","shortname_line":"T2","transportmode":"tram","colourweb_hexa":"zz"},
          {"shortname_line":"no id"}]"#;
        let l = lines(body).unwrap();
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].number, "A");
        assert_eq!(l[0].kind(), LineKind::Rail);
        assert_eq!(l[0].line_ref().background, Some(Rgb(0xeb, 0x21, 0x32)));
        assert_eq!(l[1].number, "M14");
        assert_eq!(l[2].line_ref().background, None);
        assert!(l[0].kind() < l[1].kind() && l[1].kind() < l[2].kind());
    }

    #[test]
    fn lift_states_never_read_as_working_when_unknown() {
        let body = br#"[{"zdcid":"71370","liftid":"259","liftsituation":"Quai 1","liftstatus":"available"},
          {"zdcid":"71370","liftid":"260","liftstatus":"notavailable","liftreason":"liftFailure","liftstateupdate":"2024-04-16T16:08:00+02:00"},
          {"zdcid":"71370","liftid":"261","liftstatus":""},{"zdcid":"71370","liftid":"262"},{"liftid":"x"}]"#;
        let l = lifts(body).unwrap();
        let states: Vec<_> = l.iter().map(|l| l.state).collect();
        assert_eq!(
            states,
            [
                LiftState::Available,
                LiftState::NotAvailable,
                LiftState::Unknown,
                LiftState::Unknown
            ]
        );
        assert_eq!(l[1].reason, "panne");
    }
}
