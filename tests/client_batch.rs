//! The batched waiting-times helper: chunks of at most 60, answers matched
//! back by name, line and direction whatever their order or absence.

mod support;

use quai::network::ginko::{MAX_REQUESTS_PER_CALL, Nb, WaitRequest};
use serde_json::{Value, json};
use support::{Reply, Scripted, client};

/// Answers every request of a call, except those for "Vide" (no departure),
/// in reverse alphabetical order (the opposite of what one might expect), with
/// the time "N min" where N is the line id.
async fn echo_server() -> Scripted {
    Scripted::start(|seen| {
        let names = seen.param("listeNoms").unwrap_or_default();
        let lines = seen.param("listeIdLignes").unwrap_or_default();
        let dirs = seen.param("listeSensAller").unwrap_or_default();
        let mut places: Vec<(String, Vec<Value>)> = Vec::new();
        for ((name, line), dir) in names.split('~').zip(lines.split('~')).zip(dirs.split('~')) {
            if name == "Vide" {
                continue;
            }
            let t = json!({"idLigne": line, "sensAller": dir == "1", "temps": format!("{line} min"),
                           "typeDeTemps": 0, "fiable": true, "destination": format!("{name} {dir}")});
            match places.iter_mut().find(|(n, _)| n == name) {
                Some((_, list)) => list.push(t),
                None => places.push((name.to_string(), vec![t])),
            }
        }
        places.sort_by(|a, b| b.0.cmp(&a.0));
        let objets: Vec<Value> = places
            .into_iter()
            .map(|(name, list)| json!({"nomExact": name, "listeTemps": list}))
            .collect();
        Reply::objets(Value::Array(objets))
    })
    .await
}

fn req(place: &str, line: usize, outbound: bool) -> WaitRequest {
    WaitRequest {
        place: place.into(),
        line_id: line.to_string(),
        outbound,
    }
}

#[tokio::test]
async fn a_hundred_and_thirty_requests_go_in_three_calls_and_come_back_in_order() {
    let server = echo_server().await;
    let c = client(&server.url, "k");
    let mut requests: Vec<WaitRequest> = (0..130)
        .map(|i| req(&format!("Arrêt {}", i % 30), i, i % 2 == 0))
        .collect();
    requests.push(req("Vide", 1, true));
    // Duplicates are asked once and answered twice.
    requests.push(requests[3].clone());
    requests.push(req("arret 3", 3, false));

    let results = c.waiting_times(&requests, Nb::DEFAULT).await.unwrap();

    let calls = server.requests();
    let sizes: Vec<usize> = calls
        .iter()
        .map(|s| s.param("listeNoms").unwrap().split('~').count())
        .collect();
    assert_eq!(sizes, [MAX_REQUESTS_PER_CALL, MAX_REQUESTS_PER_CALL, 11]);
    assert!(calls.iter().all(|s| s.param("preserverOrdre").is_none()));

    assert_eq!(results.len(), requests.len());
    for (i, result) in results.iter().enumerate().take(130) {
        assert_eq!(result.request, requests[i]);
        assert_eq!(
            result.exact_name.as_deref(),
            Some(format!("Arrêt {}", i % 30).as_str())
        );
        assert_eq!(result.departures.len(), 1, "request {i}");
        let d = &result.departures[0];
        assert_eq!(d.line.id, i.to_string());
        assert_eq!(d.outbound, i % 2 == 0);
    }
    assert!(
        results[130].departures.is_empty(),
        "a place missing from the answer"
    );
    assert_eq!(results[130].exact_name, None);
    assert_eq!(results[131].departures, results[3].departures);
    // "arret 3" is the same place as "Arrêt 3" once folded.
    assert_eq!(results[132].exact_name.as_deref(), Some("Arrêt 3"));
    assert_eq!(results[132].departures[0].line.id, "3");
}

#[tokio::test]
async fn no_request_no_call() {
    let server = echo_server().await;
    let c = client(&server.url, "k");
    assert!(c.waiting_times(&[], Nb::DEFAULT).await.unwrap().is_empty());
    assert!(server.requests().is_empty());
}
