//! `disruptions_bulk/disruptions/v2`: the region's disruptions in one body,
//! linked to lines only through `lines[].impactedObjects[].disruptionIds`;
//! periods in Paris local time without an offset.

use jiff::Timestamp;
use jiff::civil::DateTime;
use serde_json::Value;

use super::ZONE as TIME_ZONE;
use super::datasets::public_number;
use super::siri::ref_id;
use crate::domain::{Message, Severity};
use crate::sanitize;

fn text(v: &Value, name: &str) -> String {
    v.get(name)
        .and_then(Value::as_str)
        .map(|s| sanitize::text(s).trim().to_string())
        .unwrap_or_default()
}

/// `20240415T141200`, Paris local time, as an instant.
fn local_instant(text: &str) -> Option<Timestamp> {
    let civil = DateTime::strptime("%Y%m%dT%H%M%S", text.trim()).ok()?;
    civil.in_tz(TIME_ZONE).ok().map(|z| z.timestamp())
}

/// quai's scale for the network's severities.
fn severity(code: &str) -> Severity {
    match code {
        "BLOQUANTE" => Severity::Interrupted,
        "PERTURBEE" => Severity::Ongoing,
        "INFORMATION" => Severity::Information,
        _ => Severity::Information,
    }
}

/// The disruptions current at `now` (within one of their application
/// periods), most severe first, each with the public numbers of its lines.
pub fn current(body: &[u8], now: Timestamp) -> Result<Vec<Message>, String> {
    let json: Value =
        serde_json::from_slice(&crate::sanitize::json_answer(body)?).map_err(|e| e.to_string())?;
    let disruptions = json
        .get("disruptions")
        .and_then(Value::as_array)
        .ok_or("no disruptions array")?;
    let no_lines = Vec::new();
    let lines = json
        .get("lines")
        .and_then(Value::as_array)
        .unwrap_or(&no_lines);
    let mut out: Vec<Message> = Vec::new();
    for d in disruptions {
        let id = text(d, "id");
        if id.is_empty() {
            continue;
        }
        let periods = d.get("applicationPeriods").and_then(Value::as_array);
        let current = periods.is_some_and(|periods| {
            periods.iter().any(|p| {
                let begin = p
                    .get("begin")
                    .and_then(Value::as_str)
                    .and_then(local_instant);
                let end = p.get("end").and_then(Value::as_str).and_then(local_instant);
                begin.is_none_or(|b| b <= now) && end.is_none_or(|e| now < e)
            })
        });
        if !current {
            continue;
        }
        let mut numbers: Vec<String> = lines
            .iter()
            .filter(|line| {
                line.get("impactedObjects")
                    .and_then(Value::as_array)
                    .is_some_and(|objects| {
                        objects.iter().any(|o| {
                            o.get("disruptionIds")
                                .and_then(Value::as_array)
                                .is_some_and(|ids| ids.iter().any(|i| i.as_str() == Some(&id)))
                        })
                    })
            })
            .filter_map(|line| {
                let short = text(line, "shortName");
                let short = if short.is_empty() {
                    ref_id(&text(line, "id")).to_string()
                } else {
                    short
                };
                (!short.is_empty()).then(|| public_number(&short, &text(line, "mode")))
            })
            .collect();
        numbers.sort();
        numbers.dedup();
        let title = text(d, "title");
        let short = text(d, "shortMessage");
        out.push(Message {
            network: String::new(),
            id,
            title: if title.is_empty() { short } else { title },
            body_html: d
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            url: String::new(),
            severity: severity(&text(d, "severity")),
            lines: numbers,
            stops: Vec::new(),
            alert: false,
        });
    }
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.title.cmp(&b.title)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"disruptions":[
      {"id":"d1","applicationPeriods":[{"begin":"20261201T060000","end":"20261201T230000"}],
       "severity":"BLOQUANTE","cause":"TRAVAUX","title":"Métro 11 : Trafic interrompu","message":"<p>Entre Belleville et Mairie des Lilas.</p>"},
      {"id":"d2","applicationPeriods":[{"begin":"20261130T060000","end":"20261130T230000"}],
       "severity":"PERTURBEE","title":"Ended yesterday","message":""},
      {"id":"d3","applicationPeriods":[{"begin":"20261201T080000","end":"20261202T051500"}],
       "severity":"PERTURBEE","title":"RER A : trafic perturbé","message":"x"},
      {"id":"d4","applicationPeriods":[],"severity":"INFORMATION","title":"no period"},
      {"applicationPeriods":[{"begin":"20261201T060000","end":"20261201T230000"}],"title":"no id"}],
     "lines":[
      {"id":"line:IDFM:C01381","shortName":"11","mode":"Metro","impactedObjects":[{"type":"line","id":"line:IDFM:C01381","disruptionIds":["d1"]}]},
      {"id":"line:IDFM:C01742","shortName":"A","mode":"RapidTransit","impactedObjects":[{"type":"stop_area","id":"stop_area:IDFM:71517","disruptionIds":["d3","d2"]}]}],
     "lastUpdatedDate":"2026-12-01T08:59:49.914Z"}"#;

    #[test]
    fn current_disruptions_with_their_lines_most_severe_first() {
        // 10:00 in Paris.
        let now: Timestamp = "2026-12-01T09:00:00Z".parse().unwrap();
        let m = current(BODY.as_bytes(), now).unwrap();
        let ids: Vec<_> = m.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["d1", "d3"]);
        assert_eq!(m[0].severity, Severity::Interrupted);
        assert_eq!(m[0].lines, ["M11"]);
        assert_eq!(m[1].severity, Severity::Ongoing);
        assert_eq!(m[1].lines, ["A"]);
    }

    #[test]
    fn periods_are_paris_local_time() {
        // 07:30 Paris is 06:30 UTC: d1 (from 06:00 Paris) is on, d3 (08:00) not yet.
        let now: Timestamp = "2026-12-01T06:30:00Z".parse().unwrap();
        let ids: Vec<_> = current(BODY.as_bytes(), now)
            .unwrap()
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(ids, ["d1"]);
        // 05:30 UTC is 06:30 Paris: d1 on; read as UTC it would not be.
        let early: Timestamp = "2026-12-01T05:30:00Z".parse().unwrap();
        assert_eq!(current(BODY.as_bytes(), early).unwrap().len(), 1);
        let before: Timestamp = "2026-12-01T04:59:00Z".parse().unwrap();
        assert!(current(BODY.as_bytes(), before).unwrap().is_empty());
    }

    #[test]
    fn other_bodies_are_errors() {
        assert!(current(b"[]", crate::clock::now()).is_err());
        assert!(current(b"{\"disruptions\":3}", crate::clock::now()).is_err());
        assert!(
            current(b"{\"disruptions\":[]}", crate::clock::now())
                .unwrap()
                .is_empty()
        );
    }
}
