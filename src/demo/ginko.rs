//! The Ginko emulator: the Ginko API's methods, answered from the demo
//! network and its timetable.

use jiff::Zoned;
use serde_json::{Value, json};

use super::network::{Line, Network, PhysicalStop};
use super::timetable::{self, Passage, ServiceTime};
use crate::domain::Position;
use crate::network::ginko::model::*;

use super::server::Params;

/// Every method the server knows.
pub const METHODS: [&str; 16] = [
    "Tarifs/get",
    "DR/getLignes",
    "DR/getDetailsVariante",
    "DR/getArrets",
    "DR/getVariantesDesservantArret",
    "DR/getArretsProches",
    "DR/getDetailsArret",
    "DR/getDetailsVehicule",
    "DR/getCleTemporaire",
    "TR/getTempsLieu",
    "TR/getListeTemps",
    "TR/getInfosTrafic",
    "TR/getMessages",
    "TR/getEtatLignes",
    "TR/getDetailsVehicule",
    "Affluence/get",
];

pub(super) type Answer = Result<Value, String>;

fn to_json<T: serde::Serialize>(value: &T) -> Answer {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, String> {
    params
        .get(name)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("Paramètre obligatoire manquant : {name}"))
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    }
}

fn parse_nb(params: &Params) -> Result<usize, String> {
    match params.get("nb").map(|n| n.trim()).filter(|n| !n.is_empty()) {
        None => Ok(2),
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=5).contains(&n) => Ok(n),
            _ => Err(format!(
                "Le paramètre nb doit être compris entre 1 et 5 (reçu : {text})"
            )),
        },
    }
}

fn split_list(text: &str) -> Vec<String> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split('~').map(str::to_string).collect()
    }
}

/// The order the network shows its lines in.
fn line_order(line: &Line) -> (i64, String, u32) {
    let prefix: String = line
        .number
        .chars()
        .take_while(|c| !c.is_ascii_digit())
        .collect();
    let n = line
        .number
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(u32::MAX);
    (line.typology, prefix, n)
}

pub(super) struct Api<'a> {
    pub(super) net: &'a Network,
    pub(super) now: &'a Zoned,
    pub(super) service: ServiceTime,
}

impl Api<'_> {
    pub(super) fn dispatch(&self, method: &str, p: &Params) -> Answer {
        match method {
            "Tarifs/get" => self.tarifs(),
            "DR/getLignes" => to_json(
                &self
                    .net
                    .lines
                    .iter()
                    .map(|l| self.ligne(l, None))
                    .collect::<Vec<_>>(),
            ),
            "DR/getDetailsVariante" => self.details_variante(p),
            "DR/getArrets" => to_json(&self.net.stops.iter().map(arret).collect::<Vec<_>>()),
            "DR/getVariantesDesservantArret" => self.variantes_desservant_arret(p),
            "DR/getArretsProches" => self.arrets_proches(p),
            "DR/getDetailsArret" => {
                let id = required(p, "id")?;
                let stop = self
                    .net
                    .stop(id)
                    .ok_or_else(|| format!("Arrêt inconnu : {id}"))?;
                to_json(&arret(stop))
            }
            "DR/getDetailsVehicule" => self.details_vehicule(p),
            "DR/getCleTemporaire" => Ok(json!({
                "key": format!("demo-{}", self.now.date())
            })),
            "TR/getTempsLieu" => self.temps_lieu(p),
            "TR/getListeTemps" => self.liste_temps(p),
            "TR/getInfosTrafic" => self.infos_trafic(),
            "TR/getMessages" => self.messages(p),
            "TR/getEtatLignes" => self.etat_lignes(),
            "TR/getDetailsVehicule" => self.details_vehicule_tr(p),
            "Affluence/get" => self.affluence(p),
            other => Err(format!("Méthode inconnue : {other}")),
        }
    }

    fn tarifs(&self) -> Answer {
        let fares: Vec<FormTarif> = self
            .net
            .fares
            .iter()
            .map(|f| FormTarif {
                r#type: Some(f.kind),
                libelle: Some(f.name.clone()),
                description: Some(f.description.clone()),
                pointsDeVente: Some(f.where_to_buy.clone()),
                tarif: Some(f.price),
            })
            .collect();
        to_json(&fares)
    }

    /// A line with its variants (only one direction when `only` is given).
    fn ligne(&self, line: &Line, only: Option<bool>) -> FormLigne {
        let variantes = [true, false]
            .into_iter()
            .filter(|d| only.is_none_or(|o| o == *d))
            .map(|outbound| {
                let v = line.variant(outbound);
                FormVariante {
                    id: Some(v.id.clone()),
                    sensAller: Some(outbound),
                    destination: Some(v.destination.clone()),
                    precisionDestination: Some(v.via.clone()),
                }
            })
            .collect();
        FormLigne {
            id: Some(line.id.clone()),
            numLignePublic: Some(line.number.clone()),
            libellePublic: Some(line.name.clone()),
            modeTransport: Some(line.mode),
            couleurFond: Some(line.bg.clone()),
            couleurTexte: Some(line.fg.clone()),
            variantes: Some(variantes),
            periurbain: Some(line.is_peri_urban()),
            scolaire: Some(false),
            typologie: Some(line.typology),
        }
    }

    fn details_variante(&self, p: &Params) -> Answer {
        let id_ligne = required(p, "idLigne")?;
        let id_variante = required(p, "idVariante")?;
        let line = self
            .net
            .line(id_ligne)
            .ok_or_else(|| format!("Ligne inconnue : {id_ligne}"))?;
        let outbound = [true, false]
            .into_iter()
            .find(|d| line.variant(*d).id == id_variante)
            .ok_or_else(|| format!("Variante inconnue : {id_variante}"))?;
        let stops: Vec<FormArret> = line
            .route_in(outbound)
            .into_iter()
            .filter_map(|place| self.net.stop_for(line, place, outbound))
            .map(arret)
            .collect();
        to_json(&stops)
    }

    fn variantes_desservant_arret(&self, p: &Params) -> Answer {
        let id = required(p, "idArret")?;
        let stop = self
            .net
            .stop(id)
            .ok_or_else(|| format!("Arrêt inconnu : {id}"))?;
        let mut lines: Vec<&Line> = self
            .net
            .lines
            .iter()
            .filter(|l| l.is_tram() == stop.tram && l.route.contains(&stop.place))
            .collect();
        lines.sort_by_key(|l| line_order(l));
        to_json(
            &lines
                .into_iter()
                .map(|l| self.ligne(l, Some(stop.outbound)))
                .collect::<Vec<_>>(),
        )
    }

    fn arrets_proches(&self, p: &Params) -> Answer {
        let coordinate = |name: &str| -> Result<f64, String> {
            let text = required(p, name)?;
            text.replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("Paramètre {name} invalide : {text}"))
        };
        let here = Position {
            lat: coordinate("latitude")?,
            lon: coordinate("longitude")?,
        };
        let mut near: Vec<(f64, &PhysicalStop)> = self
            .net
            .stops
            .iter()
            .map(|s| (s.position.distance_m(here), s))
            .filter(|(d, _)| *d <= 500.0)
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0));
        to_json(&near.into_iter().map(|(_, s)| arret(s)).collect::<Vec<_>>())
    }

    /// The vehicle named by `num`, its number and its line.
    fn vehicle<'p>(&self, p: &'p Params) -> Result<(&'p str, u32, &Line), String> {
        let num = required(p, "num")?;
        let unknown = || format!("Véhicule inconnu : {num}");
        let number: u32 = num.parse().map_err(|_| unknown())?;
        let line = self
            .net
            .lines
            .iter()
            .find(|l| l.fleet_numbers().contains(&number))
            .ok_or_else(unknown)?;
        Ok((num, number, line))
    }

    fn details_vehicule(&self, p: &Params) -> Answer {
        let (num, number, line) = self.vehicle(p)?;
        let form = if line.is_tram() {
            FormVehicule {
                num: Some(num.to_string()),
                affichageDynamique: Some(true),
                annoncesSonores: Some(true),
                climatisation: Some(true),
                prisesUSB: Some(false),
                accessibilite: Some(1),
                energie: Some(4),
                typeVehicule: Some("Tramway 23 mètres".into()),
            }
        } else {
            let old = number >= 700;
            let articulated = (601..700).contains(&number);
            FormVehicule {
                num: Some(num.to_string()),
                affichageDynamique: Some(!old),
                annoncesSonores: Some(true),
                climatisation: Some(!old),
                prisesUSB: Some(number.is_multiple_of(2) && !old),
                accessibilite: Some(if old { 2 } else { 1 }),
                energie: Some(if old {
                    1
                } else if articulated {
                    2
                } else {
                    3
                }),
                typeVehicule: Some(
                    if articulated {
                        "Bus articulé"
                    } else if old {
                        "Bus moyenne capacité"
                    } else {
                        "Bus standard"
                    }
                    .into(),
                ),
            }
        };
        to_json(&form)
    }

    fn details_vehicule_tr(&self, p: &Params) -> Answer {
        let (num, number, line) = self.vehicle(p)?;
        let located = timetable::locate_vehicle(self.net, number, &self.service);
        let minute = self.service.minutes();
        let (position, load) = match &located {
            Some((l, outbound, from, to)) => {
                let v = l.variant(*outbound);
                let text = if from == to {
                    format!(
                        "Le véhicule est actuellement à la station {from} sur la ligne {}",
                        l.number
                    )
                } else {
                    format!(
                        "Le véhicule est actuellement entre les stations {from} et {to} sur la ligne {} direction {}{}",
                        l.number,
                        v.destination,
                        if v.via.is_empty() {
                            String::new()
                        } else {
                            format!(" {}", v.via)
                        }
                    )
                };
                let index = l
                    .route_in(*outbound)
                    .iter()
                    .position(|p| p == from)
                    .unwrap_or(0);
                let load = timetable::load_percent(
                    l,
                    *outbound,
                    number as usize,
                    self.service.day,
                    minute,
                    index,
                    l.route.len(),
                );
                (text, Some(load))
            }
            None => (
                "Le véhicule n'est actuellement pas localisable avec précision".into(),
                None,
            ),
        };
        let form = match (line.crowding, load) {
            (true, Some(load)) => FormVehiculeTR {
                num: Some(num.to_string()),
                affluence: Some(timetable::crowd_level(load)),
                texteAffluence: Some(vehicle_crowd_text(timetable::crowd_level(load)).into()),
                nbPassagersABord: Some(load * if line.is_tram() { 290 } else { 110 } / 100),
                tauxDeCharge: Some(load),
                position: Some(position),
            },
            (true, None) => FormVehiculeTR {
                num: Some(num.to_string()),
                affluence: Some(-1),
                texteAffluence: Some(
                    "Il est actuellement impossible de connaître l'affluence à bord de ce véhicule"
                        .into(),
                ),
                nbPassagersABord: Some(-1),
                tauxDeCharge: Some(-1),
                position: Some(position),
            },
            (false, _) => FormVehiculeTR {
                num: Some(num.to_string()),
                affluence: Some(-2),
                texteAffluence: Some(String::new()),
                nbPassagersABord: Some(-2),
                tauxDeCharge: Some(-2),
                position: Some(position),
            },
        };
        to_json(&form)
    }

    /// The departures of one line and direction at a place.
    fn departures(
        &self,
        line: &Line,
        outbound: bool,
        place: &str,
        nb: usize,
    ) -> Vec<FormTempsAttente> {
        let Some(stop) = self.net.stop_for(line, place, outbound) else {
            return Vec::new();
        };
        let passages = timetable::next_passages(self.net, line, outbound, place, &self.service, nb);
        if passages.is_empty() {
            return Vec::new();
        }
        let plan = timetable::fleet_plan(self.net, line, self.service.day);
        if let Some(d) = self
            .net
            .disruptions
            .iter()
            .find(|d| d.line == line.id && d.place == place)
        {
            let mut form = self.passage_form(line, outbound, stop, &passages[0], &plan);
            form.temps = Some(d.text.clone());
            form.tempsHTML = Some(format!("<span class=\"gk-mot\">{}</span>", d.text));
            form.typeDeTemps = Some(2);
            form.tempsEnSeconde = Some(0);
            form.fiable = Some(true);
            form.alternance = Some(false);
            form.tempsHTMLEnAlternance = Some(String::new());
            form.idInfoTrafic = Some(d.message);
            return vec![form];
        }
        passages
            .iter()
            .map(|passage| self.passage_form(line, outbound, stop, passage, &plan))
            .collect()
    }

    fn passage_form(
        &self,
        line: &Line,
        outbound: bool,
        stop: &PhysicalStop,
        passage: &Passage,
        plan: &[Vec<Option<u32>>; 2],
    ) -> FormTempsAttente {
        let day = self.service.day;
        let hash = timetable::trip_hash(line, outbound, passage.trip, day);
        let variant = line.variant(outbound);
        let route = line.route_in(outbound);
        let index = route.iter().position(|p| *p == stop.place).unwrap_or(0);
        let minutes = passage.wait_s / 60;
        let (temps, html, kind) = if passage.wait_s < 60 {
            (
                "Proche".to_string(),
                "<span class=\"gk-mot\">Proche</span>".to_string(),
                0,
            )
        } else if minutes <= 59 {
            (
                format!("{minutes} min"),
                format!(
                    "<span class=\"gk-temps\">{minutes}</span> <span class=\"gk-mn\">min</span>"
                ),
                0,
            )
        } else {
            let clock = passage.clock_text();
            let html = format!(
                "<span class=\"gk-horaire\">{}</span>",
                clock.replace('h', ":")
            );
            (clock, html, 1)
        };
        // Vehicles further than 30 minutes away, coaches, and one trip in
        // eight are not located: their times come from the timetable.
        let fiable = passage.wait_s <= 30 * 60 && !line.is_peri_urban() && !hash.is_multiple_of(8);
        let (affluence, taux, texte, aide) = if line.crowding {
            let load = timetable::load_percent(
                line,
                outbound,
                passage.trip,
                day,
                passage.arrival_min,
                index,
                route.len(),
            );
            let level = timetable::crowd_level(load);
            let aide = if level == 2 {
                "Vous avez un peu de temps ? Le suivant sera sans doute moins chargé.".to_string()
            } else {
                String::new()
            };
            (level, load, stop_crowd_text(level).to_string(), aide)
        } else {
            (-2, -2, String::new(), String::new())
        };
        let full = taux >= 95;
        let full_text = if line.is_tram() {
            "Tram complet"
        } else {
            "Bus complet"
        };
        let vehicle = timetable::vehicle_for(plan, outbound, passage.trip);
        let vehicle_access = match vehicle {
            _ if line.is_tram() => 1,
            Some(n) if n >= 700 => 2,
            Some(_) => 1,
            None => 0,
        };
        FormTempsAttente {
            idArret: Some(stop.id.clone()),
            latitude: Some(stop.position.lat),
            longitude: Some(stop.position.lon),
            idLigne: Some(line.id.clone()),
            numLignePublic: Some(line.number.clone()),
            couleurFond: Some(line.bg.clone()),
            couleurTexte: Some(line.fg.clone()),
            sensAller: Some(outbound),
            destination: Some(variant.destination.clone()),
            precisionDestination: Some(variant.via.clone()),
            temps: Some(temps),
            tempsHTML: Some(html),
            tempsEnSeconde: Some(passage.wait_s),
            typeDeTemps: Some(kind),
            alternance: Some(full),
            tempsHTMLEnAlternance: Some(if full {
                format!("<span class=\"gk-mot\">{full_text}</span>")
            } else {
                String::new()
            }),
            fiable: Some(fiable),
            numVehicule: Some(vehicle.map(|v| v.to_string()).unwrap_or_default()),
            accessibiliteArret: Some(stop.access),
            accessibiliteVehicule: Some(vehicle_access),
            affluence: Some(affluence),
            texteAffluence: Some(texte),
            aideDecisionAffluence: Some(aide),
            tauxDeCharge: Some(taux),
            idInfoTrafic: Some(0),
            modeTransport: Some(line.mode),
        }
    }

    /// Every line and direction at a place, in the network's order.
    fn place_departures(
        &self,
        place: &str,
        only_stop: Option<&PhysicalStop>,
        nb: usize,
    ) -> Vec<FormTempsAttente> {
        let mut lines: Vec<&Line> = self
            .net
            .lines
            .iter()
            .filter(|l| l.route.iter().any(|p| p == place))
            .filter(|l| only_stop.is_none_or(|s| s.tram == l.is_tram()))
            .collect();
        lines.sort_by_key(|l| line_order(l));
        let mut out = Vec::new();
        for line in lines {
            for outbound in [true, false] {
                if only_stop.is_some_and(|s| s.outbound != outbound) {
                    continue;
                }
                out.extend(self.departures(line, outbound, place, nb));
            }
        }
        out
    }

    fn lieu(&self, place: &str, temps: Vec<FormTempsAttente>) -> FormTempsLieu {
        let p = self.net.place(place);
        FormTempsLieu {
            nomExact: Some(place.to_string()),
            listeTemps: Some(temps),
            latitude: p.map(|p| p.lat),
            longitude: p.map(|p| p.lon),
        }
    }

    fn temps_lieu(&self, p: &Params) -> Answer {
        let nb = parse_nb(p)?;
        let nom = p.get("nom").map(|s| s.trim()).filter(|s| !s.is_empty());
        let id = p.get("idArret").map(|s| s.trim()).filter(|s| !s.is_empty());
        match (nom, id) {
            (Some(_), Some(_)) => {
                Err("Renseignez le paramètre nom ou le paramètre idArret, mais pas les deux".into())
            }
            (None, None) => Err("Paramètre obligatoire manquant : nom ou idArret".into()),
            (Some(nom), None) => {
                let place = self
                    .net
                    .find_place(nom)
                    .ok_or_else(|| format!("Aucun arrêt ne correspond à « {nom} »"))?;
                to_json(&self.lieu(&place.name, self.place_departures(&place.name, None, nb)))
            }
            (None, Some(id)) => {
                let stop = self
                    .net
                    .stop(id)
                    .ok_or_else(|| format!("Arrêt inconnu : {id}"))?;
                to_json(&self.lieu(
                    &stop.place,
                    self.place_departures(&stop.place, Some(stop), nb),
                ))
            }
        }
    }

    fn liste_temps(&self, p: &Params) -> Answer {
        let nb = parse_nb(p)?;
        let names = split_list(required(p, "listeNoms")?);
        let lines = split_list(required(p, "listeIdLignes")?);
        let directions = split_list(required(p, "listeSensAller")?);
        if names.len() != lines.len() || names.len() != directions.len() {
            return Err(format!(
                "Les paramètres listeNoms, listeIdLignes et listeSensAller doivent contenir le même nombre de valeurs ({}, {}, {})",
                names.len(),
                lines.len(),
                directions.len()
            ));
        }
        let preserve = p
            .get("preserverOrdre")
            .and_then(|v| parse_bool(v))
            .unwrap_or(false);
        // Incoherent requests are ignored; duplicates count once.
        let mut requests: Vec<(&str, &Line, bool)> = Vec::new();
        for ((name, line_id), direction) in names.iter().zip(&lines).zip(&directions) {
            let (Some(place), Some(line), Some(outbound)) = (
                self.net.find_place(name),
                self.net.line(line_id.trim()),
                parse_bool(direction),
            ) else {
                continue;
            };
            if !line.route.contains(&place.name) {
                continue;
            }
            let request = (place.name.as_str(), line, outbound);
            if !requests
                .iter()
                .any(|r| r.0 == request.0 && r.1.id == line.id && r.2 == outbound)
            {
                requests.push(request);
            }
        }
        if !preserve {
            requests.sort_by(|a, b| {
                crate::names::fold(a.0)
                    .cmp(&crate::names::fold(b.0))
                    .then(line_order(a.1).cmp(&line_order(b.1)))
                    .then(b.2.cmp(&a.2))
            });
        }
        let mut places: Vec<FormTempsLieu> = Vec::new();
        for (place, line, outbound) in requests {
            let temps = self.departures(line, outbound, place, nb);
            if temps.is_empty() {
                continue;
            }
            match places.last_mut() {
                Some(last) if last.nomExact.as_deref() == Some(place) => {
                    last.listeTemps.get_or_insert_with(Vec::new).extend(temps);
                }
                _ => places.push(self.lieu(place, temps)),
            }
        }
        to_json(&places)
    }

    fn info_lignes(&self, numbers: &[String]) -> Vec<FormInfoLigne> {
        numbers
            .iter()
            .filter_map(|n| self.net.lines.iter().find(|l| &l.number == n))
            .map(|l| FormInfoLigne {
                idLigne: Some(l.id.clone()),
                numLignePublic: Some(l.number.clone()),
                couleurFond: Some(l.bg.clone()),
                couleurTexte: Some(l.fg.clone()),
                etat: None,
            })
            .collect()
    }

    fn infos_trafic(&self) -> Answer {
        let today = self.service.day;
        let form = |m: &super::network::Message| {
            let m = m.on(today);
            FormInfoTrafic {
                id: Some(m.id),
                titre: Some(m.title.clone()),
                texte: Some(m.text.clone()),
                texteHTML: Some(m.html.clone()),
                complement: Some(String::new()),
                url: Some(m.url.clone()),
                tempsReel: Some(m.etat >= 5),
                alerte: Some(m.alert),
                push: Some(m.etat >= 5),
                lignes: Some(self.info_lignes(&m.lines)),
            }
        };
        let (real_time, planned): (Vec<_>, Vec<_>) =
            self.net.messages.iter().partition(|m| m.etat >= 5);
        to_json(&FormInfosTrafic {
            infosAnticipees: Some(planned.into_iter().map(form).collect()),
            infosTempsReel: Some(real_time.into_iter().map(form).collect()),
        })
    }

    fn messages(&self, p: &Params) -> Answer {
        let line_ids = split_list(p.get("idLignes").map(|s| s.trim()).unwrap_or_default());
        let stop_ids = split_list(p.get("idArrets").map(|s| s.trim()).unwrap_or_default());
        let numbers: Vec<&str> = line_ids
            .iter()
            .filter_map(|id| self.net.line(id.trim()))
            .map(|l| l.number.as_str())
            .collect();
        let stops: Vec<&PhysicalStop> =
            stop_ids.iter().filter_map(|id| self.net.stop(id)).collect();
        let messages: Vec<FormMessage> = self
            .net
            .messages
            .iter()
            .filter(|m| {
                line_ids.is_empty() || m.lines.iter().any(|l| numbers.contains(&l.as_str()))
            })
            .filter(|m| {
                stop_ids.is_empty()
                    || stops.iter().any(|s| {
                        if m.stops.is_empty() {
                            m.lines.iter().any(|n| {
                                self.net
                                    .lines
                                    .iter()
                                    .any(|l| &l.number == n && l.route.contains(&s.place))
                            })
                        } else {
                            m.stops.iter().any(|id| id.eq_ignore_ascii_case(&s.id))
                        }
                    })
            })
            .map(|m| m.on(self.service.day))
            .map(|m| FormMessage {
                id: Some(m.id),
                titre: Some(m.title.clone()),
                texte: Some(m.html.clone()),
                url: Some(m.url.clone()),
                etat: Some(m.etat),
                idEvenement: Some(m.event),
                lignes: Some(m.lines.clone()),
                arrets: Some(m.stops.clone()),
                supports: Some(vec![3]),
            })
            .collect();
        to_json(&messages)
    }

    fn etat_lignes(&self) -> Answer {
        let mut lines: Vec<&Line> = self.net.lines.iter().collect();
        lines.sort_by_key(|l| line_order(l));
        let states: Vec<FormInfoLigne> = lines
            .into_iter()
            .map(|l| {
                let from_messages = self
                    .net
                    .messages
                    .iter()
                    .filter(|m| m.lines.contains(&l.number))
                    .map(|m| m.etat)
                    .max();
                let running = timetable::trip_starts(l, self.service.day)
                    .first()
                    .zip(timetable::trip_starts(l, self.service.day).last())
                    .is_some_and(|(first, last)| {
                        (first - 30.0..=last + 60.0).contains(&self.service.minutes())
                    });
                let etat = match from_messages {
                    Some(e) if e >= 4 => e,
                    _ if !running => 3,
                    Some(e) => e,
                    None => 1,
                };
                FormInfoLigne {
                    idLigne: Some(l.id.clone()),
                    numLignePublic: Some(l.number.clone()),
                    couleurFond: Some(l.bg.clone()),
                    couleurTexte: Some(l.fg.clone()),
                    etat: Some(etat),
                }
            })
            .collect();
        to_json(&states)
    }

    fn affluence(&self, p: &Params) -> Answer {
        let id = required(p, "idArret")?;
        let date_text = required(p, "date")?;
        let line_id = required(p, "idLigne")?;
        let outbound = parse_bool(required(p, "sensAller")?)
            .ok_or_else(|| "Paramètre sensAller invalide (1 ou 0)".to_string())?;
        let date: jiff::civil::Date = date_text
            .parse()
            .map_err(|_| format!("Date invalide (format AAAA-MM-JJ) : {date_text}"))?;
        let stop = self
            .net
            .stop(id)
            .ok_or_else(|| format!("Arrêt inconnu : {id}"))?;
        let line = self
            .net
            .line(line_id)
            .ok_or_else(|| format!("Ligne inconnue : {line_id}"))?;
        let route = line.route_in(outbound);
        let index = route
            .iter()
            .position(|p| *p == stop.place)
            .ok_or_else(|| format!("La ligne {} ne dessert pas {}", line.number, stop.place))?;
        let starts = timetable::trip_starts(line, date);
        let (first, last) = (
            starts.first().copied().unwrap_or(0.0),
            starts.last().copied().unwrap_or(0.0),
        );
        let quarters: Vec<FormPrevisionAffluence> = (0..96)
            .map(|q| {
                let minute = f64::from(q * 15);
                let label = |m: u32| format!("{:02}:{:02}", (m / 60) % 24, m % 60);
                let (start, end) = (label(q * 15), label(q * 15 + 15));
                if !line.crowding {
                    return FormPrevisionAffluence {
                        heureDeDebut: Some(start),
                        heureDeFin: Some(end),
                        affluence: Some(-2),
                        texteAffluence: Some(String::new()),
                        nbPassagersABord: Some(-2),
                        tauxDeCharge: Some(-2),
                    };
                }
                let in_service =
                    (first..=last).contains(&minute) || (first..=last).contains(&(minute + 1440.0));
                if !in_service {
                    return FormPrevisionAffluence {
                        heureDeDebut: Some(start),
                        heureDeFin: Some(end),
                        affluence: Some(-1),
                        texteAffluence: Some("Pas de service sur ce créneau".into()),
                        nbPassagersABord: Some(-1),
                        tauxDeCharge: Some(-1),
                    };
                }
                let load = timetable::load_percent(
                    line,
                    outbound,
                    q as usize,
                    date,
                    minute,
                    index,
                    route.len(),
                );
                let level = timetable::crowd_level(load);
                FormPrevisionAffluence {
                    heureDeDebut: Some(start),
                    heureDeFin: Some(end),
                    affluence: Some(level),
                    texteAffluence: Some(slot_crowd_text(level).into()),
                    nbPassagersABord: Some(load * if line.is_tram() { 290 } else { 110 } / 100),
                    tauxDeCharge: Some(load),
                }
            })
            .collect();
        to_json(&quarters)
    }
}

fn arret(stop: &PhysicalStop) -> FormArret {
    FormArret {
        id: Some(stop.id.clone()),
        nom: Some(stop.place.clone()),
        latitude: Some(stop.position.lat),
        longitude: Some(stop.position.lon),
        accessibilite: Some(stop.access),
    }
}

fn stop_crowd_text(level: i64) -> &'static str {
    match level {
        0 => {
            "Lors de son passage à votre arrêt, il y aura peu de voyageurs à bord : une place assise vous attend !"
        }
        1 => "Lors de son passage à votre arrêt, il y aura déjà quelques voyageurs à bord.",
        _ => "Lors de son passage à votre arrêt, il y aura beaucoup de voyageurs à bord.",
    }
}

fn vehicle_crowd_text(level: i64) -> &'static str {
    match level {
        0 => "Il y a peu de voyageurs à bord de ce véhicule actuellement",
        1 => "Il y a déjà quelques voyageurs à bord, il reste sûrement quelques places assises",
        _ => {
            "Il y a déjà beaucoup de voyageurs à bord, il n'y a probablement plus de places assises"
        }
    }
}

fn slot_crowd_text(level: i64) -> &'static str {
    match level {
        0 => "Il y a peu de voyageurs à bord des véhicules lors de ce créneau horaire",
        1 => "Il y a déjà quelques voyageurs à bord des véhicules lors de ce créneau horaire",
        _ => "Il y a beaucoup de voyageurs à bord des véhicules lors de ce créneau horaire",
    }
}
