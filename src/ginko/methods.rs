//! One typed function for every method of the Ginko API.

use jiff::civil::Date;

use super::client::{Client, Params};
use super::error::ApiError;
use super::model::*;

/// How many departures per line and direction (1 to 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Nb(u8);

impl Nb {
    pub const DEFAULT: Nb = Nb(2);

    pub fn new(n: i64) -> Result<Nb, ApiError> {
        u8::try_from(n)
            .ok()
            .filter(|n| (1..=5).contains(n))
            .map(Nb)
            .ok_or_else(|| ApiError::InvalidParam {
                name: "nb".into(),
                reason: crate::i18n::tf("param_nb_range", &[("n", &n.to_string())]),
            })
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl Default for Nb {
    fn default() -> Self {
        Nb::DEFAULT
    }
}

/// What `TR/getTempsLieu` looks for: a place by (loose) name, or one stop.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceQuery {
    Name(String),
    #[cfg(feature = "wire")]
    StopId(String),
}

/// One request of `TR/getListeTemps`: a place, a line id, a direction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct WaitRequest {
    /// The place's name; an exact name (`nomExact`, or a name from
    /// `DR/getArrets`) lets the answer be matched back.
    pub place: String,
    /// The line id (not the public number: tram T1 is `101`).
    pub line_id: String,
    /// `sensAller`.
    pub outbound: bool,
}

fn non_empty(name: &str, value: &str) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::InvalidParam {
            name: name.into(),
            reason: crate::i18n::t("param_empty").into(),
        });
    }
    Ok(())
}

impl Client {
    /// `Tarifs/get`: the fares.
    pub async fn tarifs(&self) -> Result<Vec<FormTarif>, ApiError> {
        self.call_as("Tarifs/get", Params::new(), "expect_fares")
            .await
    }

    /// `DR/getLignes`: the lines running today, in display order.
    pub async fn lignes(&self) -> Result<Vec<FormLigne>, ApiError> {
        self.call_as("DR/getLignes", Params::new(), "expect_lines")
            .await
    }

    /// `DR/getDetailsVariante`: the stops of a variant, in route order.
    #[cfg(feature = "wire")]
    pub async fn details_variante(
        &self,
        id_ligne: &str,
        id_variante: &str,
    ) -> Result<Vec<FormArret>, ApiError> {
        non_empty("idLigne", id_ligne)?;
        non_empty("idVariante", id_variante)?;
        let params = Params::new()
            .text("idLigne", id_ligne)
            .text("idVariante", id_variante);
        self.call_as("DR/getDetailsVariante", params, "expect_stops")
            .await
    }

    /// `DR/getArrets`: every stop, alphabetical (same names adjacent).
    pub async fn arrets(&self) -> Result<Vec<FormArret>, ApiError> {
        self.call_as("DR/getArrets", Params::new(), "expect_stops")
            .await
    }

    /// `DR/getVariantesDesservantArret`: the lines, with only the variants
    /// serving that stop.
    pub async fn variantes_desservant_arret(
        &self,
        id_arret: &str,
    ) -> Result<Vec<FormLigne>, ApiError> {
        non_empty("idArret", id_arret)?;
        let params = Params::new().text("idArret", id_arret);
        self.call_as("DR/getVariantesDesservantArret", params, "expect_lines")
            .await
    }

    /// `DR/getArretsProches`: stops within 500 m, nearest first.
    pub async fn arrets_proches(
        &self,
        latitude: f64,
        longitude: f64,
    ) -> Result<Vec<FormArret>, ApiError> {
        if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
            return Err(ApiError::InvalidParam {
                name: "latitude/longitude".into(),
                reason: crate::i18n::tf(
                    "param_not_position",
                    &[("position", &format!("{latitude},{longitude}"))],
                ),
            });
        }
        let params = Params::new()
            .text("latitude", latitude.to_string())
            .text("longitude", longitude.to_string());
        self.call_as("DR/getArretsProches", params, "expect_stops")
            .await
    }

    /// `DR/getDetailsArret`: one stop.
    #[cfg(feature = "wire")]
    pub async fn details_arret(&self, id: &str) -> Result<FormArret, ApiError> {
        non_empty("id", id)?;
        let params = Params::new().text("id", id);
        self.call_as("DR/getDetailsArret", params, "expect_stop").await
    }

    /// `DR/getDetailsVehicule`: a vehicle's equipment.
    pub async fn details_vehicule(&self, num: &str) -> Result<FormVehicule, ApiError> {
        non_empty("num", num)?;
        let params = Params::new().text("num", num);
        self.call_as("DR/getDetailsVehicule", params, "expect_vehicle")
            .await
    }

    /// `DR/getCleTemporaire`: today's trial key, asked without a key.
    pub async fn cle_temporaire(&self) -> Result<String, ApiError> {
        let method = "DR/getCleTemporaire";
        let form: CleTemporaire = self
            .call_without_key_as(method, Params::new(), "expect_key")
            .await?;
        form.key
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .ok_or_else(|| ApiError::Decode {
                method: method.into(),
                expected: "expect_key".into(),
                detail: crate::i18n::t("ginko_no_key_in_answer").into(),
                excerpt: String::new(),
            })
    }

    /// `TR/getTempsLieu`: the waiting times at a place or a stop.
    pub async fn temps_lieu(&self, query: &PlaceQuery, nb: Nb) -> Result<FormTempsLieu, ApiError> {
        let params = match query {
            PlaceQuery::Name(name) => {
                non_empty("nom", name)?;
                Params::new().text("nom", name.as_str())
            }
            #[cfg(feature = "wire")]
            PlaceQuery::StopId(id) => {
                non_empty("idArret", id)?;
                Params::new().text("idArret", id.as_str())
            }
        };
        let params = params.text("nb", nb.get().to_string());
        self.call_as("TR/getTempsLieu", params, "{nomExact, listeTemps}")
            .await
    }

    /// `TR/getListeTemps` for one batch of requests, as the server answers
    /// it. See [`Client::waiting_times`] for the matched, chunked helper.
    pub async fn liste_temps(
        &self,
        requests: &[WaitRequest],
        preserver_ordre: Option<bool>,
        nb: Nb,
    ) -> Result<Vec<FormTempsLieu>, ApiError> {
        if requests.is_empty() {
            return Ok(Vec::new());
        }
        let names: Vec<&str> = requests.iter().map(|r| r.place.as_str()).collect();
        let lines: Vec<&str> = requests.iter().map(|r| r.line_id.as_str()).collect();
        let directions: Vec<&str> = requests
            .iter()
            .map(|r| if r.outbound { "1" } else { "0" })
            .collect();
        let mut params = Params::new()
            .list("listeNoms", &names)?
            .list("listeIdLignes", &lines)?
            .list("listeSensAller", &directions)?;
        if let Some(keep) = preserver_ordre {
            params = params.flag("preserverOrdre", keep);
        }
        let params = params.text("nb", nb.get().to_string());
        self.call_as(
            "TR/getListeTemps",
            params,
            "expect_times",
        )
        .await
    }

    /// `TR/getInfosTrafic` (deprecated by v1.2, still served by older servers).
    pub async fn infos_trafic(&self) -> Result<FormInfosTrafic, ApiError> {
        self.call_as(
            "TR/getInfosTrafic",
            Params::new(),
            "{infosAnticipees, infosTempsReel}",
        )
        .await
    }

    /// `TR/getMessages` (v1.2), optionally filtered by line ids and stop ids.
    pub async fn messages(
        &self,
        id_lignes: &[String],
        id_arrets: &[String],
    ) -> Result<Vec<FormMessage>, ApiError> {
        let mut params = Params::new();
        if !id_lignes.is_empty() {
            params = params.list("idLignes", id_lignes)?;
        }
        if !id_arrets.is_empty() {
            params = params.list("idArrets", id_arrets)?;
        }
        self.call_as("TR/getMessages", params, "expect_messages")
            .await
    }

    /// `TR/getEtatLignes` (v1.2): the state of every line.
    pub async fn etat_lignes(&self) -> Result<Vec<FormInfoLigne>, ApiError> {
        self.call_as("TR/getEtatLignes", Params::new(), "expect_line_states")
            .await
    }

    /// `TR/getDetailsVehicule`: a vehicle's live state.
    pub async fn details_vehicule_tr(&self, num: &str) -> Result<FormVehiculeTR, ApiError> {
        non_empty("num", num)?;
        let params = Params::new().text("num", num);
        self.call_as("TR/getDetailsVehicule", params, "expect_vehicle_state")
            .await
    }

    /// `Affluence/get`: the day's crowding forecast by quarter hour.
    pub async fn affluence(
        &self,
        id_arret: &str,
        date: Date,
        id_ligne: &str,
        sens_aller: bool,
    ) -> Result<Vec<FormPrevisionAffluence>, ApiError> {
        non_empty("idArret", id_arret)?;
        non_empty("idLigne", id_ligne)?;
        let params = Params::new()
            .text("idArret", id_arret)
            .text("date", date.strftime("%Y-%m-%d").to_string())
            .text("idLigne", id_ligne)
            .flag("sensAller", sens_aller);
        self.call_as("Affluence/get", params, "expect_forecasts")
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nb_is_checked() {
        assert_eq!(Nb::new(3).unwrap().get(), 3);
        for bad in [0, 6, -1, 300] {
            assert!(matches!(Nb::new(bad), Err(ApiError::InvalidParam { .. })));
        }
    }
}
