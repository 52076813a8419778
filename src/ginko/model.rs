//! Wire types: the objects of the Ginko API with their exact JSON names.
//!
//! They carry every field documented by either generation of the
//! documentation (the older page and v1.2, 2023). Every field is optional (a
//! server of the other generation omits it) and decoded tolerantly (see
//! [`lenient`](super::lenient)); unknown fields are ignored. The rest of the
//! program reads these through the domain types of [`crate::domain`].

use super::lenient::wire;

wire! {
    /// A fare (`Tarifs/get`).
    pub struct FormTarif {
        /// 0 single journey, 1 monthly pass, 2 yearly pass.
        r#type: i64,
        libelle: String,
        description: String,
        pointsDeVente: String,
        /// Price in euros, tax included.
        tarif: f64,
    }
}

wire! {
    /// A line with its variants (`DR/getLignes`, `DR/getVariantesDesservantArret`).
    pub struct FormLigne {
        id: String,
        numLignePublic: String,
        libellePublic: String,
        /// 0 bus, 1 tram.
        modeTransport: i64,
        couleurFond: String,
        couleurTexte: String,
        variantes: Vec<FormVariante>,
        periurbain: bool,
        scolaire: bool,
        /// v1.2: 10 tram, 20 LIANES, 30 urban, 40 complementary, 50 peri-urban,
        /// 60 school, 70 on demand, 80 other.
        typologie: i64,
    }
}

wire! {
    /// One direction (or route variant) of a line.
    pub struct FormVariante {
        id: String,
        sensAller: bool,
        destination: String,
        precisionDestination: String,
    }
}

wire! {
    /// A physical stop.
    pub struct FormArret {
        id: String,
        nom: String,
        latitude: f64,
        longitude: f64,
        /// 0 unknown, 1 accessible, 2 not accessible. The docs' examples
        /// spell it `accessiblite`.
        accessibilite | "accessiblite": i64,
    }
}

wire! {
    /// A vehicle's equipment (`DR/getDetailsVehicule`).
    pub struct FormVehicule {
        num: String,
        affichageDynamique: bool,
        annoncesSonores: bool,
        climatisation: bool,
        prisesUSB: bool,
        accessibilite | "accessiblite": i64,
        /// 0 unknown, 1 diesel, 2 natural gas, 3 hybrid, 4 electric.
        energie: i64,
        /// v1.2.
        typeVehicule: String,
    }
}

wire! {
    /// A vehicle's live state (`TR/getDetailsVehicule`).
    pub struct FormVehiculeTR {
        num: String,
        affluence: i64,
        texteAffluence: String,
        nbPassagersABord: i64,
        tauxDeCharge: i64,
        position: String,
    }
}

wire! {
    /// One departure at a stop (`TR/getTempsLieu`, `TR/getListeTemps`).
    pub struct FormTempsAttente {
        idArret: String,
        latitude: f64,
        longitude: f64,
        idLigne: String,
        numLignePublic: String,
        couleurFond: String,
        couleurTexte: String,
        sensAller: bool,
        destination: String,
        precisionDestination: String,
        temps: String,
        tempsHTML: String,
        tempsEnSeconde: i64,
        /// 0 countdown, 1 clock time, 2 short text.
        typeDeTemps: i64,
        alternance: bool,
        tempsHTMLEnAlternance | "tempsHTMLenAlternance": String,
        fiable: bool,
        numVehicule: String,
        accessibiliteArret: i64,
        accessibiliteVehicule: i64,
        affluence: i64,
        texteAffluence: String,
        aideDecisionAffluence: String,
        tauxDeCharge: i64,
        idInfoTrafic: i64,
        modeTransport: i64,
    }
}

wire! {
    /// The waiting times of one place (a *lieu*: every stop of that name).
    pub struct FormTempsLieu {
        nomExact: String,
        listeTemps: Vec<FormTempsAttente>,
        latitude: f64,
        longitude: f64,
    }
}

wire! {
    /// A line named by a traffic message (older API) or a line state (v1.2).
    pub struct FormInfoLigne {
        idLigne: String,
        numLignePublic: String,
        couleurFond: String,
        couleurTexte: String,
        /// v1.2 (`TR/getEtatLignes`): 0 none, 1 normal, 2 information,
        /// 3 not running now, 4 planned disruption, 5 ongoing disruption,
        /// 6 interrupted.
        etat: i64,
    }
}

wire! {
    /// A traffic message of the older API (`TR/getInfosTrafic`, deprecated).
    pub struct FormInfoTrafic {
        id: i64,
        titre: String,
        texte: String,
        texteHTML: String,
        complement: String,
        url: String,
        tempsReel: bool,
        alerte: bool,
        push: bool,
        lignes: Vec<FormInfoLigne>,
    }
}

wire! {
    /// The answer of `TR/getInfosTrafic`.
    pub struct FormInfosTrafic {
        infosAnticipees: Vec<FormInfoTrafic>,
        infosTempsReel: Vec<FormInfoTrafic>,
    }
}

wire! {
    /// A traffic message of v1.2 (`TR/getMessages`).
    pub struct FormMessage {
        id: i64,
        titre: String,
        texte: String,
        url: String,
        /// 1 none, 2 information, 4 planned, 5 ongoing, 6 interrupted.
        etat: i64,
        idEvenement: i64,
        /// Public line numbers.
        lignes: Vec<String>,
        /// Stop ids; empty means the whole lines.
        arrets: Vec<String>,
        supports: Vec<i64>,
    }
}

wire! {
    /// The crowding forecast of one quarter hour (`Affluence/get`).
    pub struct FormPrevisionAffluence {
        heureDeDebut: String,
        heureDeFin: String,
        affluence: i64,
        texteAffluence: String,
        nbPassagersABord: i64,
        tauxDeCharge: i64,
    }
}

wire! {
    /// The answer of `DR/getCleTemporaire`.
    pub struct CleTemporaire {
        key: String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_wrong_field_spoils_only_itself() {
        let t: FormTempsAttente = serde_json::from_value(json!({
            "temps": "9 min",
            "tempsEnSeconde": "540",
            "fiable": 1,
            "numVehicule": 526,
            "affluence": {"odd": true},
            "tempsHTMLenAlternance": "x",
            "terminus": 0
        }))
        .unwrap();
        assert_eq!(t.temps.as_deref(), Some("9 min"));
        assert_eq!(t.tempsEnSeconde, Some(540));
        assert_eq!(t.fiable, Some(true));
        assert_eq!(t.numVehicule.as_deref(), Some("526"));
        assert_eq!(t.affluence, None);
        assert_eq!(t.tempsHTMLEnAlternance.as_deref(), Some("x"));
    }

    #[test]
    fn serialises_only_what_is_present() {
        let a = FormArret {
            id: Some("CROUUNI2".into()),
            accessibilite: Some(1),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            json!({"id": "CROUUNI2", "accessibilite": 1})
        );
        let t: FormTarif = serde_json::from_value(json!({"type": 1, "tarif": "1.6"})).unwrap();
        assert_eq!((t.r#type, t.tarif), (Some(1), Some(1.6)));
    }
}
