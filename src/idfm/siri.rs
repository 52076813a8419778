//! PRIM's stop-monitoring answers (SIRI Lite JSON), read leniently: values
//! come wrapped (`{"value": …}`, `[{"value": …}]`) or flat, fields go
//! missing, and a 400 carries its reason deep inside the delivery.

use jiff::Timestamp;
use serde_json::Value;

use crate::sanitize;

/// The inner value of a SIRI field: `{"value": x}` → x, `[{"value": x}, …]`
/// → x, `[x, …]` → x, anything else as is.
fn unwrap(v: &Value) -> &Value {
    match v {
        Value::Object(map) => map.get("value").map_or(v, unwrap),
        Value::Array(items) => items.first().map_or(v, unwrap),
        _ => v,
    }
}

/// A field's text, sanitised; `None` when absent, empty or not a scalar.
pub(crate) fn text(v: Option<&Value>) -> Option<String> {
    let text = match unwrap(v?) {
        Value::String(s) => sanitize::text(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn instant(v: Option<&Value>) -> Option<Timestamp> {
    match unwrap(v?) {
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn flag(v: Option<&Value>) -> Option<bool> {
    match unwrap(v?) {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The id inside a SIRI reference: `STIF:Line::C01742:` → `C01742`,
/// `STIF:StopPoint:Q:41087:` → `41087`; a bare id stays as it is.
pub fn ref_id(reference: &str) -> &str {
    let trimmed = reference.trim().trim_end_matches(':');
    trimmed.rsplit(':').next().unwrap_or(trimmed)
}

/// One stop visit: a vehicle's call at the monitored place.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    /// The line's id (`C01742`).
    pub line: String,
    pub destination: String,
    /// The quay's name.
    pub stop_name: Option<String>,
    pub expected_departure: Option<Timestamp>,
    pub expected_arrival: Option<Timestamp>,
    pub aimed_departure: Option<Timestamp>,
    pub aimed_arrival: Option<Timestamp>,
    pub cancelled: bool,
    pub at_stop: bool,
    pub platform: Option<String>,
    /// The mission code (`BOBA`), else the train number.
    pub mission: Option<String>,
    /// `longTrain` / `shortTrain`, when given.
    pub long_train: Option<bool>,
    pub recorded_at: Option<Timestamp>,
}

impl Visit {
    /// When it is expected to leave: the expected departure, else the
    /// expected arrival, else the aimed times.
    pub fn expected(&self) -> Option<Timestamp> {
        self.expected_departure
            .or(self.expected_arrival)
            .or(self.aimed_departure)
            .or(self.aimed_arrival)
    }

    pub fn aimed(&self) -> Option<Timestamp> {
        self.aimed_departure.or(self.aimed_arrival)
    }

    /// Only the schedule: no expected time at all, or expected = aimed
    /// recorded in the small hours for a train hours later (the feed
    /// carries the timetable only from about 02:10).
    pub fn theoretical(&self) -> bool {
        let live = self.expected_departure.or(self.expected_arrival);
        let Some(live) = live else {
            return true;
        };
        let schedule_only = self.recorded_at.is_some_and(|at| {
            let hour = at.in_tz(super::ZONE).map_or(0, |z| z.hour());
            hour < 5 && live.duration_since(at).as_secs() > 3600
        });
        Some(live) == self.aimed() && schedule_only
    }
}

/// What a stop-monitoring answer says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Monitoring {
    pub visits: Vec<Visit>,
    /// The delivery's `ErrorText`, when it refused the request.
    pub error: Option<String>,
}

/// The delivery of a stop-monitoring body, or why it is not one.
pub fn decode(body: &[u8]) -> Result<Monitoring, String> {
    let json: Value =
        serde_json::from_slice(&crate::sanitize::json_answer(body)?).map_err(|e| e.to_string())?;
    let delivery = json
        .get("Siri")
        .and_then(|s| s.get("ServiceDelivery"))
        .ok_or("no Siri.ServiceDelivery")?;
    let deliveries = match delivery.get("StopMonitoringDelivery") {
        Some(Value::Array(items)) => items.as_slice(),
        Some(one @ Value::Object(_)) => std::slice::from_ref(one),
        None | Some(Value::Null) => &[],
        Some(_) => return Err("StopMonitoringDelivery has another shape".into()),
    };
    let mut out = Monitoring::default();
    for d in deliveries {
        if out.error.is_none() {
            out.error = text(
                d.get("ErrorCondition")
                    .and_then(|c| c.get("ErrorInformation"))
                    .and_then(|i| i.get("ErrorText")),
            );
        }
        let visits = match d.get("MonitoredStopVisit") {
            Some(Value::Array(items)) => items.as_slice(),
            _ => &[],
        };
        out.visits.extend(visits.iter().filter_map(visit));
    }
    Ok(out)
}

fn visit(v: &Value) -> Option<Visit> {
    let journey = v.get("MonitoredVehicleJourney")?;
    let call = journey.get("MonitoredCall");
    let field = |name: &str| call.and_then(|c| c.get(name));
    let line = text(journey.get("LineRef"))?;
    let destination = text(journey.get("DestinationName"))
        .or_else(|| text(field("DestinationDisplay")))
        .or_else(|| text(journey.get("DirectionName")))
        .unwrap_or_default();
    let status = |name: &str| text(field(name)).map(|s| s.to_ascii_lowercase());
    let cancelled = status("DepartureStatus").as_deref() == Some("cancelled")
        || (status("DepartureStatus").is_none()
            && status("ArrivalStatus").as_deref() == Some("cancelled"));
    let mission = text(journey.get("JourneyNote")).or_else(|| {
        text(
            journey
                .get("TrainNumbers")
                .and_then(|t| t.get("TrainNumberRef")),
        )
    });
    let long_train = match text(journey.get("VehicleFeatureRef")).as_deref() {
        Some("longTrain") => Some(true),
        Some("shortTrain") => Some(false),
        _ => None,
    };
    Some(Visit {
        line: ref_id(&line).to_string(),
        destination,
        stop_name: text(field("StopPointName")),
        expected_departure: instant(field("ExpectedDepartureTime")),
        expected_arrival: instant(field("ExpectedArrivalTime")),
        aimed_departure: instant(field("AimedDepartureTime")),
        aimed_arrival: instant(field("AimedArrivalTime")),
        cancelled,
        at_stop: flag(field("VehicleAtStop")).unwrap_or(false),
        platform: text(field("DeparturePlatformName"))
            .or_else(|| text(field("ArrivalPlatformName"))),
        mission,
        long_train,
        recorded_at: instant(v.get("RecordedAtTime")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shaped like PRIM's answers: one wrapped RER visit, one flat metro
    /// visit with only expected times, one cancelled train with aimed
    /// times only, and a visit without a line (dropped).
    const BODY: &str = r#"{"Siri":{"ServiceDelivery":{"ResponseTimestamp":"2026-12-01T09:00:00Z",
      "StopMonitoringDelivery":[{"Version":"2.0","Status":"true","MonitoredStopVisit":[
        {"RecordedAtTime":"2026-12-01T08:59:10Z","MonitoredVehicleJourney":{
          "LineRef":{"value":"STIF:Line::C01742:"},"DirectionName":[],
          "DestinationName":[{"value":"Marne-la-Vall\u00e9e Chessy"}],
          "JourneyNote":[{"value":"QIKY"}],"VehicleFeatureRef":["longTrain"],
          "MonitoredCall":{"VehicleAtStop":false,
            "ExpectedDepartureTime":"2026-12-01T09:04:00.000Z",
            "AimedDepartureTime":"2026-12-01T09:01:00.000Z",
            "DepartureStatus":"delayed","DeparturePlatformName":{"value":"A"}}}},
        {"MonitoredVehicleJourney":{"LineRef":"STIF:Line::C01374:",
          "DestinationName":"Porte de Clignancourt",
          "MonitoredCall":{"ExpectedArrivalTime":"2026-12-01T09:02:30Z"}}},
        {"MonitoredVehicleJourney":{"LineRef":{"value":"STIF:Line::C01727:"},
          "DestinationName":[{"value":"Gare de Br\u00e9tigny"}],
          "TrainNumbers":{"TrainNumberRef":[{"value":"145052"}]},
          "MonitoredCall":{"DepartureStatus":"cancelled",
            "AimedDepartureTime":"2026-12-01T09:10:20.000Z","ArrivalPlatformName":{"value":"1"}}}},
        {"MonitoredVehicleJourney":{"MonitoredCall":{}}}
      ]}]}}}"#;

    #[test]
    fn wrapped_and_flat_values_are_both_read() {
        let m = decode(BODY.as_bytes()).unwrap();
        assert_eq!(m.error, None);
        assert_eq!(m.visits.len(), 3);
        let rer = &m.visits[0];
        assert_eq!(rer.line, "C01742");
        assert_eq!(rer.destination, "Marne-la-Vallée Chessy");
        assert_eq!(rer.platform.as_deref(), Some("A"));
        assert_eq!(rer.mission.as_deref(), Some("QIKY"));
        assert_eq!(rer.long_train, Some(true));
        assert_eq!(rer.expected(), "2026-12-01T09:04:00Z".parse().ok());
        assert_eq!(rer.aimed(), "2026-12-01T09:01:00Z".parse().ok());
        assert!(!rer.theoretical());
        let metro = &m.visits[1];
        assert_eq!(metro.line, "C01374");
        assert_eq!(metro.destination, "Porte de Clignancourt");
        assert_eq!(metro.expected(), "2026-12-01T09:02:30Z".parse().ok());
        assert_eq!(metro.aimed(), None);
        assert!(!metro.theoretical());
        let cancelled = &m.visits[2];
        assert!(cancelled.cancelled);
        assert_eq!(cancelled.mission.as_deref(), Some("145052"));
        assert_eq!(cancelled.platform.as_deref(), Some("1"));
        assert!(cancelled.theoretical(), "aimed times only");
    }

    #[test]
    fn a_refusal_carries_its_error_text() {
        let body = r#"{"Siri":{"ServiceDelivery":{"StopMonitoringDelivery":[{"Status":"false",
          "ErrorCondition":{"ErrorInformation":{"ErrorText":"La requête contient des identifiants qui sont inconnus"}}}]}}}"#;
        let m = decode(body.as_bytes()).unwrap();
        assert!(m.visits.is_empty());
        assert_eq!(
            m.error.as_deref(),
            Some("La requête contient des identifiants qui sont inconnus")
        );
    }

    #[test]
    fn schedule_only_visits_of_the_small_hours_are_theoretical() {
        let at = |s: &str| s.parse::<Timestamp>().ok();
        let mut v = decode(BODY.as_bytes()).unwrap().visits.remove(0);
        v.expected_departure = v.aimed_departure;
        v.recorded_at = at("2026-12-01T01:30:00Z"); // 02:30 in Paris
        assert!(v.theoretical());
        v.recorded_at = at("2026-12-01T08:59:00Z");
        assert!(!v.theoretical(), "live, on time");
    }

    #[test]
    fn bodies_that_are_not_siri_are_errors_not_panics() {
        for body in [
            "",
            "[]",
            "{\"Siri\":1}",
            "{\"Siri\":{\"ServiceDelivery\":{\"StopMonitoringDelivery\":3}}}",
            "{\"Siri\":{\"ServiceDelivery\":{\"StopMonitoringDelivery\":[{\"MonitoredStopVisit\":[1,\"x\",null]}]}",
        ] {
            let _ = decode(body.as_bytes());
        }
        assert!(decode(b"{}").is_err());
        let strange = decode(br#"{"Siri":{"ServiceDelivery":{"StopMonitoringDelivery":[{"MonitoredStopVisit":[1,"x",null]}]}}}"#).unwrap();
        assert!(strange.visits.is_empty());
    }

    #[test]
    fn references_give_their_ids() {
        assert_eq!(ref_id("STIF:Line::C01742:"), "C01742");
        assert_eq!(ref_id("STIF:StopPoint:Q:41087:"), "41087");
        assert_eq!(ref_id("line:IDFM:C01378"), "C01378");
        assert_eq!(ref_id("C01742"), "C01742");
    }
}
