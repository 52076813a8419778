//! The faults the demo server can play (`serve-demo --fault-file`): HTTP
//! errors, truncated, huge, slow and refused answers, answers of another
//! shape or type, and hostile texts that sanitising must remove.

use serde_json::{Value, json};

/// A fault the server plays, named in the fault file as `NAME [METHOD…]`
/// (only for those methods when some are given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `500`, `502`, `503`…: that HTTP status with an HTML page.
    Http(u16),
    /// `truncated`: the answer cut in the middle.
    Truncated,
    /// `refused`: `ok:false` with a message.
    Refused,
    /// `key`: `ok:false` refusing the key.
    KeyRefused,
    /// `slow`: the answer after 30 s, longer than any client waits.
    Slow,
    /// `huge`: a 9 MiB answer.
    Huge,
    /// `shape`: `objets` of the wrong shape (an object for a list).
    WrongShape,
    /// `types`: every value of another type (strings as numbers…), names
    /// and ids excepted.
    WrongTypes,
    /// `empty`: every list empty.
    Empty,
    /// `missing`: `TR/getListeTemps` leaves out the first place.
    Missing,
    /// `hostile`: every shown text carries terminal escapes, controls,
    /// bidi overrides, zero-width and wide characters, or is very long.
    Hostile,
    /// A live feed whose own timestamp is ten minutes old.
    Stale,
}

/// The largest fault file read (4 KiB: a fault and a few method names);
/// a larger one, or one that is not a regular file, means no fault.
pub const FAULT_FILE_LIMIT: u64 = 4 * 1024;

impl Fault {
    pub fn parse(name: &str) -> Option<Fault> {
        Some(match name {
            "truncated" => Fault::Truncated,
            "refused" => Fault::Refused,
            "key" => Fault::KeyRefused,
            "slow" => Fault::Slow,
            "huge" => Fault::Huge,
            "shape" => Fault::WrongShape,
            "types" => Fault::WrongTypes,
            "empty" => Fault::Empty,
            "missing" => Fault::Missing,
            "hostile" => Fault::Hostile,
            "stale" => Fault::Stale,
            code => Fault::Http(code.parse().ok().filter(|c| (400..600).contains(c))?),
        })
    }

    /// The fault the file names for `method`, if any.
    pub(super) fn read(path: &std::path::Path, method: &str) -> Option<Fault> {
        let text = crate::config::read_bounded(path, FAULT_FILE_LIMIT).ok()?;
        let mut words = text.split_whitespace();
        let fault = Fault::parse(words.next()?)?;
        let methods: Vec<&str> = words.collect();
        (methods.is_empty() || methods.contains(&method)).then_some(fault)
    }
}

/// Texts a terminal must not interpret, and that must not break a layout.
pub const HOSTILE_TEXTS: [&str; 9] = [
    "\u{1b}[2J\u{1b}[H\u{1b}[31mrouge",
    "\u{1b}]0;titre volé\u{7}\u{1b}]8;;http://example.invalid\u{1b}\\lien\u{1b}]8;;\u{1b}\\",
    "\u{9b}31m\u{9d}osc\u{9c}C1",
    "\u{202e}esrever\u{202c} \u{2066}isolé\u{2069}",
    "zéro\u{200b}\u{200d}\u{feff}largeur",
    "ligne\r\nsuivante\tTab\u{8}\u{7}\u{0}",
    "東京駅 🚋👩\u{200d}👩\u{200d}👧 ＷＩＤＥ",
    "e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}",
    "Très long texte qui ne tient sur aucune ligne d'aucun écran, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, répété, fin",
];

/// Escapes and controls that sanitising removes whole.
const INVISIBLE: &str = "\u{1b}[2J\u{1b}]0;titre volé\u{7}\u{202e}\u{200b}\u{9b}1m\u{7}";

/// The fields that name or identify things: kept as they are by the faults
/// that change values, so that answers still match requests.
const IDENTIFIERS: [&str; 7] = [
    "id",
    "idArret",
    "idLigne",
    "nom",
    "nomExact",
    "sensAller",
    "key",
];

/// Applies a fault that changes `objets`.
pub(super) fn spoil(fault: Fault, method: &str, objets: &mut Value) {
    /// Changes every scalar outside the identifiers; names get `on_names`
    /// appended.
    fn walk(
        value: &mut Value,
        counter: &mut usize,
        on_names: &str,
        change: &impl Fn(&mut Value, usize),
    ) {
        match value {
            Value::Array(items) => items
                .iter_mut()
                .for_each(|v| walk(v, counter, on_names, change)),
            Value::Object(fields) => {
                for (name, v) in fields.iter_mut() {
                    if IDENTIFIERS.contains(&name.as_str()) {
                        if let Value::String(s) = v
                            && name.starts_with("nom")
                        {
                            s.push_str(on_names);
                        }
                        continue;
                    }
                    if v.is_array() || v.is_object() {
                        walk(v, counter, on_names, change);
                    } else {
                        *counter += 1;
                        change(v, *counter);
                    }
                }
            }
            _ => {}
        }
    }
    let mut counter = 0;
    match fault {
        Fault::WrongShape => {
            *objets = match objets.take() {
                Value::Array(items) => json!({ "liste": items }),
                other => json!([other]),
            }
        }
        Fault::WrongTypes => walk(objets, &mut counter, "", &|v, _| {
            *v = match v.take() {
                Value::String(s) => json!(s.len()),
                Value::Number(_) => json!("beaucoup"),
                Value::Bool(_) => json!("peut-être"),
                _ => json!({}),
            }
        }),
        // Names get only what sanitising removes whole, so that they still
        // match the places asked for.
        Fault::Hostile => walk(objets, &mut counter, INVISIBLE, &|v, n| {
            if let Value::String(s) = v {
                s.push_str(HOSTILE_TEXTS[n % HOSTILE_TEXTS.len()]);
            }
        }),
        Fault::Empty => {
            fn empty(value: &mut Value) {
                match value {
                    Value::Array(items) => items.clear(),
                    Value::Object(fields) => fields.values_mut().for_each(empty),
                    _ => {}
                }
            }
            empty(objets)
        }
        Fault::Missing if method == "TR/getListeTemps" => {
            if let Value::Array(places) = objets
                && !places.is_empty()
            {
                places.remove(0);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fault file is read bounded: a fault within the limit is played,
    /// one past it (or a device) is no fault, never read whole.
    #[test]
    fn the_fault_file_is_read_bounded() {
        let dir = std::env::temp_dir().join(format!("quai-fault-file-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("fault");
        std::fs::write(&path, "503 TR/getListeTemps").unwrap();
        assert_eq!(
            Fault::read(&path, "TR/getListeTemps"),
            Some(Fault::Http(503))
        );
        let mut big = b"503 ".to_vec();
        big.resize(FAULT_FILE_LIMIT as usize + 1, b' ');
        std::fs::write(&path, &big).unwrap();
        assert_eq!(Fault::read(&path, "TR/getListeTemps"), None);
        assert_eq!(Fault::read(std::path::Path::new("/dev/zero"), "x"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
