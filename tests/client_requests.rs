//! The shape of the request of every method: POST, path + `.do`, form
//! content type, `apiKey` and the parameters in the body, `~` arrays,
//! `1`/`0` booleans.

mod support;

use jiff::civil::date;
use quai::network::ginko::{ApiError, Nb, PlaceQuery, WaitRequest};
use serde_json::json;
use support::{Reply, Scripted, client};

const KEY: &str = "k3y-Of-Test";

/// Answers each path with an empty answer of the right shape.
async fn server() -> Scripted {
    Scripted::start(|seen| {
        let objets = match seen.path.as_str() {
            "/DR/getDetailsArret.do"
            | "/DR/getDetailsVehicule.do"
            | "/TR/getDetailsVehicule.do" => {
                json!({"num": "1"})
            }
            "/DR/getCleTemporaire.do" => json!({"key": "trial-123"}),
            "/TR/getTempsLieu.do" => json!({"nomExact": "X", "listeTemps": []}),
            "/TR/getInfosTrafic.do" => json!({"infosAnticipees": [], "infosTempsReel": []}),
            _ => json!([]),
        };
        Reply::objets(objets)
    })
    .await
}

fn assert_form_post(seen: &support::Seen, path: &str) {
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, path, "the key must not be in the URL");
    let content_type = seen.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("application/x-www-form-urlencoded"),
        "{content_type}"
    );
}

/// Checks the path and the body parameters (order-independent), `apiKey` included.
fn assert_call(server: &Scripted, path: &str, expected: &[(&str, &str)]) {
    let seen = server.last();
    assert_form_post(&seen, path);
    let mut got = seen.params();
    got.sort();
    let mut want: Vec<(String, String)> = expected
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .chain([("apiKey".to_string(), KEY.to_string())])
        .collect();
    want.sort();
    assert_eq!(got, want, "{path}");
}

#[tokio::test]
async fn every_method_sends_its_parameters_in_a_form_body() {
    let s = server().await;
    let c = client(&s.url, KEY);

    c.tarifs().await.unwrap();
    assert_call(&s, "/Tarifs/get.do", &[]);
    c.lignes().await.unwrap();
    assert_call(&s, "/DR/getLignes.do", &[]);
    c.details_variante("101", "15-0").await.unwrap();
    assert_call(
        &s,
        "/DR/getDetailsVariante.do",
        &[("idLigne", "101"), ("idVariante", "15-0")],
    );
    c.arrets().await.unwrap();
    assert_call(&s, "/DR/getArrets.do", &[]);
    c.variantes_desservant_arret("CROUUNI2").await.unwrap();
    assert_call(
        &s,
        "/DR/getVariantesDesservantArret.do",
        &[("idArret", "CROUUNI2")],
    );
    c.arrets_proches(47.236288, 6.022884).await.unwrap();
    assert_call(
        &s,
        "/DR/getArretsProches.do",
        &[("latitude", "47.236288"), ("longitude", "6.022884")],
    );
    c.details_arret("t_idf1").await.unwrap();
    assert_call(&s, "/DR/getDetailsArret.do", &[("id", "t_idf1")]);
    c.details_vehicule("526").await.unwrap();
    assert_call(&s, "/DR/getDetailsVehicule.do", &[("num", "526")]);
    c.temps_lieu(
        &PlaceQuery::Name("Ile de France".into()),
        Nb::new(3).unwrap(),
    )
    .await
    .unwrap();
    assert_call(
        &s,
        "/TR/getTempsLieu.do",
        &[("nom", "Ile de France"), ("nb", "3")],
    );
    c.temps_lieu(&PlaceQuery::StopId("t_idf1".into()), Nb::DEFAULT)
        .await
        .unwrap();
    assert_call(
        &s,
        "/TR/getTempsLieu.do",
        &[("idArret", "t_idf1"), ("nb", "2")],
    );
    let requests = [
        WaitRequest {
            place: "Ile de France".into(),
            line_id: "101".into(),
            outbound: true,
        },
        WaitRequest {
            place: "Poste".into(),
            line_id: "4".into(),
            outbound: false,
        },
    ];
    c.liste_temps(&requests, Some(true), Nb::new(1).unwrap())
        .await
        .unwrap();
    assert_call(
        &s,
        "/TR/getListeTemps.do",
        &[
            ("listeNoms", "Ile de France~Poste"),
            ("listeIdLignes", "101~4"),
            ("listeSensAller", "1~0"),
            ("preserverOrdre", "1"),
            ("nb", "1"),
        ],
    );
    c.infos_trafic().await.unwrap();
    assert_call(&s, "/TR/getInfosTrafic.do", &[]);
    c.messages(&["101".into(), "3".into()], &["CROUUNI2".into()])
        .await
        .unwrap();
    assert_call(
        &s,
        "/TR/getMessages.do",
        &[("idLignes", "101~3"), ("idArrets", "CROUUNI2")],
    );
    c.messages(&[], &[]).await.unwrap();
    assert_call(&s, "/TR/getMessages.do", &[]);
    c.etat_lignes().await.unwrap();
    assert_call(&s, "/TR/getEtatLignes.do", &[]);
    c.details_vehicule_tr("526").await.unwrap();
    assert_call(&s, "/TR/getDetailsVehicule.do", &[("num", "526")]);
    c.affluence("CROUUNI2", date(2026, 11, 23), "3", false)
        .await
        .unwrap();
    assert_call(
        &s,
        "/Affluence/get.do",
        &[
            ("idArret", "CROUUNI2"),
            ("date", "2026-11-23"),
            ("idLigne", "3"),
            ("sensAller", "0"),
        ],
    );
}

#[tokio::test]
async fn the_trial_key_is_asked_without_a_key() {
    let s = server().await;
    let c = client(&s.url, KEY);
    assert_eq!(c.cle_temporaire().await.unwrap(), "trial-123");
    let seen = s.last();
    assert_form_post(&seen, "/DR/getCleTemporaire.do");
    assert!(seen.params().is_empty(), "{:?}", seen.params());
}

#[tokio::test]
async fn bad_parameters_are_refused_before_anything_is_sent() {
    let s = server().await;
    let c = client(&s.url, KEY);
    let tilde = [WaitRequest {
        place: "A~B".into(),
        line_id: "101".into(),
        outbound: true,
    }];
    let err = c.liste_temps(&tilde, None, Nb::DEFAULT).await.unwrap_err();
    assert!(matches!(err, ApiError::InvalidParam { ref name, .. } if name == "listeNoms"));
    let err = c.messages(&["1~2".into()], &[]).await.unwrap_err();
    assert!(matches!(err, ApiError::InvalidParam { .. }));
    assert!(matches!(
        c.details_arret("  ").await,
        Err(ApiError::InvalidParam { .. })
    ));
    assert!(matches!(
        c.arrets_proches(123.0, 6.0).await,
        Err(ApiError::InvalidParam { .. })
    ));
    assert!(s.requests().is_empty(), "nothing must have been sent");
}

#[tokio::test]
async fn a_client_without_key_says_how_to_get_one() {
    let s = server().await;
    let c = client(&s.url, "");
    let err = c.lignes().await.unwrap_err();
    assert_eq!(err, ApiError::MissingKey);
    let text = err.to_string();
    assert!(text.contains("ginko.support-ssi@keolis.com"), "{text}");
    assert!(
        text.contains("quai key trial") && text.contains("quai demo"),
        "{text}"
    );
    assert!(s.requests().is_empty());
}
