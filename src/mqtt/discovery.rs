//! Home Assistant MQTT discovery: for each row of the board, a sensor whose
//! state is the next departure in minutes; for each line, a binary sensor
//! on when it is interrupted; one device per place. The config topics are
//! retained; a row or line that is gone gets an empty retained config,
//! which removes its entity.

use serde_json::{Value, json};

use crate::domain::Mode;

/// A discovery config to publish: its topic and JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub topic: String,
    pub payload: String,
}

/// What a row's sensor needs to know.
pub struct RowEntity<'a> {
    pub network: &'a str,
    pub network_name: &'a str,
    pub place_id: &'a str,
    pub place_name: &'a str,
    pub row_id: &'a str,
    pub line: &'a str,
    pub destination: &'a str,
    pub mode: Option<Mode>,
    pub state_topic: &'a str,
}

fn device(network: &str, network_name: &str, place_id: &str, place_name: &str) -> Value {
    json!({
        "identifiers": [format!("quai_{network}_{place_id}")],
        "name": place_name,
        "manufacturer": "quai",
        "model": network_name,
    })
}

fn availability(status_topic: &str) -> Value {
    json!([{
        "topic": status_topic,
        "payload_available": "online",
        "payload_not_available": "offline",
    }])
}

/// The sensor of one row.
pub fn row_sensor(discovery: &str, status_topic: &str, row: &RowEntity<'_>) -> Config {
    let unique = format!("quai_{}_{}_{}", row.network, row.place_id, row.row_id);
    let icon = match row.mode {
        Some(Mode::Tram) => "mdi:tram",
        Some(Mode::Metro) => "mdi:subway-variant",
        Some(Mode::Rail) => "mdi:train",
        _ => "mdi:bus",
    };
    let payload = json!({
        "name": format!("{} → {}", row.line, row.destination),
        "unique_id": unique,
        "object_id": unique,
        "state_topic": row.state_topic,
        "value_template": "{{ value_json.minutes }}",
        "json_attributes_topic": row.state_topic,
        "unit_of_measurement": "min",
        "icon": icon,
        "availability": availability(status_topic),
        "device": device(row.network, row.network_name, row.place_id, row.place_name),
    });
    Config {
        topic: format!("{discovery}/sensor/{unique}/config"),
        payload: payload.to_string(),
    }
}

/// What a line's binary sensor needs to know.
pub struct LineEntity<'a> {
    pub network: &'a str,
    pub network_name: &'a str,
    pub line_id: &'a str,
    pub line: &'a str,
    /// The place whose device carries it (the first to show the line).
    pub place_id: &'a str,
    pub place_name: &'a str,
    pub state_topic: &'a str,
}

/// The binary sensor of one line: on while a blocking disruption lasts.
pub fn line_sensor(discovery: &str, status_topic: &str, line: &LineEntity<'_>) -> Config {
    let unique = format!("quai_{}_line_{}_disruption", line.network, line.line_id);
    let payload = json!({
        "name": crate::i18n::tf("ha_line_blocked", &[("line", line.line)]),
        "unique_id": unique,
        "object_id": unique,
        "state_topic": line.state_topic,
        "payload_on": "ON",
        "payload_off": "OFF",
        "device_class": "problem",
        "availability": availability(status_topic),
        "device": device(line.network, line.network_name, line.place_id, line.place_name),
    });
    Config {
        topic: format!("{discovery}/binary_sensor/{unique}/config"),
        payload: payload.to_string(),
    }
}

/// The largest record of published config topics read (1 MiB: some
/// thousand topics); a larger one is read as none.
pub const RECORD_LIMIT: u64 = 1024 * 1024;

/// The config topics published last time, kept in a file of the cache.
pub fn load_published(path: &std::path::Path) -> Vec<String> {
    crate::config::read_bounded(path, RECORD_LIMIT)
        .ok()
        .and_then(|t| serde_json::from_str::<Vec<String>>(&t).ok())
        .unwrap_or_default()
}

/// Remembers the config topics published now (written atomically).
pub fn save_published(path: &std::path::Path, topics: &[String]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string_pretty(topics).map_err(std::io::Error::other)?;
    crate::atomic::write(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The record of published topics is read bounded: one past the limit
    /// (or a device) is read as none, never held whole.
    #[test]
    fn the_record_is_read_bounded() {
        let dir = std::env::temp_dir().join(format!("quai-discovery-rec-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("published.json");
        save_published(&path, &["a/b/config".to_string()]).unwrap();
        assert_eq!(load_published(&path), ["a/b/config"]);
        let big = format!("[\"{}\"]", "x".repeat(RECORD_LIMIT as usize));
        std::fs::write(&path, big).unwrap();
        assert!(load_published(&path).is_empty());
        assert!(load_published(std::path::Path::new("/dev/zero")).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
