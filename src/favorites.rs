//! Favourites: places, optionally restricted to some lines and directions,
//! with an optional label, kept in `favorites.toml` beside the settings file.
//!
//! ```toml
//! [[favorite]]
//! place = "Ile de France"
//! label = "Maison"
//! lines = ["T1:aller", "L4"]
//! walk = 4
//! to = "Chamars"
//! ```
//!
//! `to` (optional, a place of the network's timetable): only the
//! departures whose trips call there are shown, with their arrival.
//!
//! The file is readable and editable by hand. It is written atomically
//! (temporary file, fsync, rename) under a lock, after reading it again, so
//! that two quai processes lose neither change. A file that cannot be
//! parsed is never overwritten.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::BoardLine;
use crate::names;

pub const FILE_NAME: &str = "favorites.toml";

/// A line (public number), optionally in one direction only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFilter {
    /// The line's public number ("T1", "A", "M14", "91").
    pub line: String,
    /// A mode named before the number ("bus 91", "rer A", "metro 14").
    pub mode: Option<crate::domain::Mode>,
    pub outbound: Option<bool>,
    /// Rows whose destination holds these words ("A:Chessy").
    pub destination: Option<String>,
}

/// The mode words a line filter may start with.
fn mode_word(word: &str) -> Option<crate::domain::Mode> {
    use crate::domain::Mode;
    match names::fold(word).as_str() {
        "bus" => Some(Mode::Bus),
        "tram" => Some(Mode::Tram),
        "metro" | "m" => Some(Mode::Metro),
        "rer" | "train" | "transilien" => Some(Mode::Rail),
        _ => None,
    }
}

impl LineFilter {
    /// `T1`, `T1:aller`, `L4:retour`, `A`, `M14`, `bus 91`, `A:Chessy`
    /// (a destination).
    pub fn parse(text: &str) -> Result<LineFilter, String> {
        let (line, direction) = match text.split_once(':') {
            Some((l, d)) => (l.trim(), Some(d.trim())),
            None => (text.trim(), None),
        };
        let (mode, line) = match line.split_once(char::is_whitespace) {
            Some((word, rest)) if mode_word(word).is_some() => (mode_word(word), rest.trim()),
            _ => (None, line),
        };
        if line.is_empty() {
            return Err(crate::i18n::tf("fav_no_line_number", &[("text", text)]));
        }
        let (outbound, destination) = match direction.map(|d| (d, d.to_lowercase())) {
            None => (None, None),
            Some((_, lower)) if lower.is_empty() => (None, None),
            Some((_, lower)) if lower == "aller" => (Some(true), None),
            Some((_, lower)) if lower == "retour" => (Some(false), None),
            Some((raw, _)) => (None, Some(raw.to_string())),
        };
        Ok(LineFilter {
            line: line.to_string(),
            mode,
            outbound,
            destination,
        })
    }

    pub fn matches(&self, line: &BoardLine) -> bool {
        use crate::domain::Mode;
        let number = &line.line.number;
        let same_number = number.eq_ignore_ascii_case(&self.line)
            || (line.line.mode == Some(Mode::Metro)
                && number.len() > 1
                && number[1..].eq_ignore_ascii_case(&self.line));
        let same_mode = self.mode.is_none_or(|m| line.line.mode == Some(m));
        let destination = self.destination.as_ref().is_none_or(|d| {
            let wanted = names::words(d);
            let words = names::words(&line.destination);
            wanted
                .iter()
                .all(|w| words.iter().any(|x| x.starts_with(w.as_str())))
        });
        same_number && same_mode && destination && self.outbound.is_none_or(|o| o == line.outbound)
    }
}

impl std::fmt::Display for LineFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::domain::Mode;
        match self.mode {
            Some(Mode::Bus) => write!(f, "bus ")?,
            Some(Mode::Tram) => write!(f, "tram ")?,
            Some(Mode::Metro) => write!(f, "metro ")?,
            Some(Mode::Rail) => write!(f, "rer ")?,
            None => {}
        }
        write!(f, "{}", self.line)?;
        match (self.outbound, &self.destination) {
            (_, Some(d)) => write!(f, ":{d}"),
            (Some(true), None) => write!(f, ":aller"),
            (Some(false), None) => write!(f, ":retour"),
            (None, None) => Ok(()),
        }
    }
}

impl Serialize for LineFilter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for LineFilter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        LineFilter::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Favorite {
    pub place: String,
    /// The place's network (absent: the default one, Ginko).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineFilter>,
    /// Minutes from home to the stop on foot: the board says when to
    /// leave, and dims what cannot be caught.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk: Option<u32>,
    /// Where the rider goes from there (`to = "Chamars"`): only the
    /// departures that get there are shown, each with its arrival.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl Favorite {
    /// The place as the board looks it up (`idfm:Gare de Lyon`).
    pub fn query(&self) -> String {
        match &self.network {
            Some(network) => format!("{network}:{}", self.place),
            None => self.place.clone(),
        }
    }

    /// Keeps the lines this favourite asks for (all when it names none).
    pub fn keeps(&self, line: &BoardLine) -> bool {
        self.lines.is_empty() || self.lines.iter().any(|f| f.matches(line))
    }

    /// "Ile de France → Chamars (Maison) · 3 min à pied — T1:aller, L4"
    pub fn describe(&self) -> String {
        let mut text = self.query();
        if let Some(to) = &self.to {
            let arrow = crate::i18n::tf("dest_heading", &[("name", to)]);
            text.push_str(&format!(" {arrow}"));
        }
        if let Some(label) = &self.label {
            text.push_str(&format!(" ({label})"));
        }
        if let Some(walk) = self.walk {
            let walk = crate::i18n::tf("walk_minutes", &[("n", &walk.to_string())]);
            text.push_str(&format!(" · {walk}"));
        }
        if !self.lines.is_empty() {
            let lines: Vec<String> = self.lines.iter().map(ToString::to_string).collect();
            text.push_str(&format!(" — {}", lines.join(", ")));
        }
        text
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Favorites {
    #[serde(default, rename = "favorite")]
    pub list: Vec<Favorite>,
}

impl Favorites {
    /// The index of the favourite for a place (names compared folded).
    pub fn position(&self, place: &str) -> Option<usize> {
        let folded = names::fold(place);
        self.list
            .iter()
            .position(|f| names::fold(&f.place) == folded)
    }

    pub fn to_toml(&self) -> Result<String, String> {
        let body = toml::to_string(self).map_err(|e| e.to_string())?;
        Ok(format!(
            "# quai favourites: edit freely (quai rewrites this file when favourites change).\n\
             # lines = [\"T1:aller\", \"L4\"] restricts a place to some lines and directions.\n\n{body}"
        ))
    }
}

/// One change to the favourites, applied to the file as it is when written.
#[derive(Debug, Clone, PartialEq)]
pub enum FavOp {
    Move {
        place: String,
        to: usize,
    },
    Remove {
        place: String,
    },
    /// A favourite put back at `at` (the undo of a removal).
    Insert {
        favorite: Favorite,
        at: usize,
    },
    Rename {
        place: String,
        label: Option<String>,
    },
    SetLines {
        place: String,
        lines: Vec<LineFilter>,
    },
}

impl FavOp {
    pub fn apply(&self, favorites: &mut Favorites) -> Result<(), String> {
        let find = |f: &Favorites, place: &str| {
            f.position(place)
                .ok_or_else(|| crate::i18n::tf("fav_gone", &[("place", place)]))
        };
        match self {
            FavOp::Move { place, to } => {
                let i = find(favorites, place)?;
                let item = favorites.list.remove(i);
                let to = (*to).min(favorites.list.len());
                favorites.list.insert(to, item);
            }
            FavOp::Remove { place } => {
                let i = find(favorites, place)?;
                favorites.list.remove(i);
            }
            FavOp::Insert { favorite, at } => {
                // Not twice: the file may have it again already.
                if favorites.position(&favorite.place).is_none() {
                    let at = (*at).min(favorites.list.len());
                    favorites.list.insert(at, favorite.clone());
                }
            }
            FavOp::Rename { place, label } => {
                let i = find(favorites, place)?;
                favorites.list[i].label = label.clone();
            }
            FavOp::SetLines { place, lines } => {
                let i = find(favorites, place)?;
                favorites.list[i].lines = lines.clone();
            }
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FavError {
    #[error("{}", corrupt(path, *line, *column, message))]
    Corrupt {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Refused(String),
}

fn corrupt(path: &Path, line: usize, column: usize, message: &str) -> String {
    crate::i18n::tf(
        "fav_file_corrupt",
        &[
            ("path", &path.display().to_string()),
            ("line", &line.to_string()),
            ("column", &column.to_string()),
            ("message", message),
        ],
    )
}

/// The `[[favorite]]` entries of a broken file that parse on their own,
/// and how many did not.
pub fn salvage(text: &str) -> (Favorites, usize) {
    let mut blocks: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.trim() == "[[favorite]]" {
            blocks.extend(current.take());
            current = Some(String::new());
        } else if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks.extend(current);
    let mut favorites = Favorites::default();
    let mut skipped = 0;
    for block in blocks {
        match toml::from_str::<Favorite>(&block) {
            Ok(favorite) if favorites.position(&favorite.place).is_none() => {
                favorites.list.push(favorite)
            }
            _ => skipped += 1,
        }
    }
    (favorites, skipped)
}

/// The favourites file and its lock, or favourites held in memory for the
/// session (the demo: nothing is written).
#[derive(Debug, Clone)]
pub struct Store {
    pub path: PathBuf,
    memory: Option<std::sync::Arc<std::sync::Mutex<Favorites>>>,
}

impl Store {
    /// `favorites.toml` in the folder of the settings file.
    pub fn beside(settings_path: &Path) -> Store {
        let dir = settings_path.parent().unwrap_or(Path::new("."));
        Store {
            path: dir.join(FILE_NAME),
            memory: None,
        }
    }

    /// Favourites that live as long as the process, starting with
    /// `initial`; no file is read or written.
    pub fn memory(initial: Favorites) -> Store {
        Store {
            path: PathBuf::from(crate::i18n::t("demo_favourites_path")),
            memory: Some(std::sync::Arc::new(std::sync::Mutex::new(initial))),
        }
    }

    /// Whether the favourites are only in memory.
    pub fn in_memory(&self) -> bool {
        self.memory.is_some()
    }

    fn memory_list(&self) -> Option<std::sync::MutexGuard<'_, Favorites>> {
        self.memory
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn io(&self, source: std::io::Error) -> FavError {
        FavError::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// Reads the favourites; a missing file is an empty list.
    pub fn load(&self) -> Result<Favorites, FavError> {
        if let Some(list) = self.memory_list() {
            return Ok(list.clone());
        }
        let text = match crate::config::read_bounded(&self.path, crate::config::FAVORITES_LIMIT) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Favorites::default()),
            Err(e) => return Err(self.io(e)),
        };
        toml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| {
                    let before = &text[..span.start.min(text.len())];
                    (
                        before.matches('\n').count() + 1,
                        before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
                    )
                })
                .unwrap_or((1, 1));
            FavError::Corrupt {
                path: self.path.clone(),
                line,
                column,
                message: e.message().to_string(),
            }
        })
    }

    /// Reads the favourites for a screen that must show something (the
    /// kiosk): a file that cannot be parsed as a whole gives the entries
    /// that parse on their own, with why the others were left out.
    pub fn load_salvaged(&self) -> (Favorites, Option<String>) {
        match self.load() {
            Ok(favorites) => (favorites, None),
            Err(e @ FavError::Corrupt { .. }) => {
                let text = crate::config::read_bounded(&self.path, crate::config::FAVORITES_LIMIT)
                    .unwrap_or_default();
                let (favorites, skipped) = salvage(&text);
                let kept = favorites.list.len();
                (
                    favorites,
                    Some(crate::i18n::tf(
                        "fav_partly_unreadable",
                        &[
                            ("kept", &kept.to_string()),
                            ("skipped", &skipped.to_string()),
                            ("why", &e.to_string()),
                        ],
                    )),
                )
            }
            Err(e) => (
                Favorites::default(),
                Some(crate::i18n::tf(
                    "fav_unreadable",
                    &[("why", &e.to_string())],
                )),
            ),
        }
    }

    /// Changes the favourites: under an exclusive lock, reads the file again,
    /// applies `change`, writes the result atomically. Nothing is written when
    /// the file cannot be parsed or `change` refuses.
    pub fn update<F>(&self, change: F) -> Result<Favorites, FavError>
    where
        F: FnOnce(&mut Favorites) -> Result<(), String>,
    {
        if let Some(mut list) = self.memory_list() {
            let mut changed = list.clone();
            change(&mut changed).map_err(FavError::Refused)?;
            *list = changed.clone();
            return Ok(changed);
        }
        let dir = self.path.parent().unwrap_or(Path::new(".")).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| self.io(e))?;
        let lock_path = dir.join(format!(".{FILE_NAME}.lock"));
        let lock: File = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| self.io(e))?;
        lock.lock().map_err(|e| self.io(e))?;
        let mut favorites = self.load()?;
        change(&mut favorites).map_err(FavError::Refused)?;
        let text = favorites.to_toml().map_err(FavError::Refused)?;
        crate::atomic::write(&self.path, text.as_bytes()).map_err(|e| self.io(e))?;
        drop(lock);
        Ok(favorites)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(name: &str) -> Store {
        let dir = std::env::temp_dir().join(format!("quai-fav-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Store::beside(&dir.join("config.toml"))
    }

    fn favorite(place: &str) -> Favorite {
        Favorite {
            place: place.into(),
            network: None,
            label: None,
            lines: vec![],
            walk: None,
            to: None,
        }
    }

    #[test]
    fn filters_by_mode_number_and_destination() {
        use crate::domain::{LineRef, Mode};
        let row = |number: &str, mode: Mode, destination: &str| BoardLine {
            line: LineRef {
                mode: Some(mode),
                ..LineRef::plain(number, number)
            },
            kind: None,
            outbound: true,
            destination: destination.into(),
            via: String::new(),
        };
        let a = row("A", Mode::Rail, "Marne-la-Vallée Chessy");
        let m14 = row("M14", Mode::Metro, "Aéroport d'Orly");
        let bus = row("14", Mode::Bus, "Gare de Lyon");
        let keeps = |f: &str, l: &BoardLine| LineFilter::parse(f).unwrap().matches(l);
        assert!(keeps("A", &a) && keeps("rer A", &a) && !keeps("bus A", &a));
        assert!(keeps("M14", &m14) && keeps("metro 14", &m14) && keeps("14", &bus));
        assert!(!keeps("metro 14", &bus) && keeps("bus 14", &bus) && !keeps("bus 14", &m14));
        assert!(keeps("A:chessy", &a) && !keeps("A:Saint-Germain", &a));
        for text in ["bus 91", "A:Chessy", "T1:aller", "metro 14"] {
            assert_eq!(LineFilter::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn favourites_in_memory_change_and_touch_no_file() {
        let s = Store::memory(Favorites {
            list: vec![favorite("Chamars")],
        });
        assert!(s.in_memory());
        s.update(|f| {
            f.list.push(favorite("Flore"));
            Ok(())
        })
        .unwrap();
        assert_eq!(s.load().unwrap().list.len(), 2);
        assert!(s.update(|_| Err("no".into())).is_err());
        assert_eq!(
            s.load().unwrap().list.len(),
            2,
            "a refused change changes nothing"
        );
        assert!(!s.path.exists());
    }

    #[test]
    fn round_trip_by_hand_and_by_program() {
        let s = store("roundtrip");
        assert_eq!(s.load().unwrap(), Favorites::default());
        s.update(|f| {
            f.list.push(Favorite {
                place: "Ile de France".into(),
                network: None,
                label: Some("Maison".into()),
                lines: vec![
                    LineFilter::parse("T1:aller").unwrap(),
                    LineFilter::parse("L4").unwrap(),
                ],
                walk: None,
                to: None,
            });
            f.list.push(favorite("Crous Université"));
            Ok(())
        })
        .unwrap();
        let text = std::fs::read_to_string(&s.path).unwrap();
        assert!(
            text.contains("[[favorite]]") && text.contains("\"T1:aller\""),
            "{text}"
        );
        let loaded = s.load().unwrap();
        assert_eq!(
            loaded.list[0].describe(),
            "Ile de France (Maison) — T1:aller, L4"
        );
        assert_eq!(loaded.position("ile-de-france"), Some(0));
        // Hand-written files are read too.
        std::fs::write(
            &s.path,
            "[[favorite]]\nplace = \"Chamars\"\nlines = [\"7:retour\"]\n",
        )
        .unwrap();
        let f = s.load().unwrap();
        assert_eq!(
            f.list[0].lines[0],
            LineFilter {
                line: "7".into(),
                mode: None,
                outbound: Some(false),
                destination: None,
            }
        );
    }

    #[test]
    fn a_corrupt_file_is_named_and_never_overwritten() {
        let s = store("corrupt");
        let bad = "[[favorite]]\nplace = \"Chamars\"\nlines = [\":nord\"]\n";
        std::fs::write(&s.path, bad).unwrap();
        let err = s.load().unwrap_err();
        let text = err.to_string();
        assert!(text.contains("favorites.toml, ligne 3"), "{text}");
        assert!(text.contains("nord"), "{text}");
        assert!(
            s.update(|f| {
                f.list.clear();
                Ok(())
            })
            .is_err()
        );
        assert_eq!(std::fs::read_to_string(&s.path).unwrap(), bad);
        std::fs::write(&s.path, "[[favorite]]\nplace = \"A\"\nplcae = \"B\"\n").unwrap();
        assert!(s.load().unwrap_err().to_string().contains("ligne 3"));
    }

    #[test]
    fn a_broken_file_still_gives_its_good_entries() {
        let text = "[[favorite]]\nplace = \"Chamars\"\n\n[[favorite]]\nplace = \"Battant\nlines = [\"T1\"]\n\n[[favorite]]\nplace = \"Ile de France\"\nlines = [\"T1:aller\"]\n";
        assert!(toml::from_str::<Favorites>(text).is_err());
        let (favorites, skipped) = salvage(text);
        let places: Vec<&str> = favorites.list.iter().map(|f| f.place.as_str()).collect();
        assert_eq!(places, ["Chamars", "Ile de France"]);
        assert_eq!(skipped, 1);
        assert_eq!(favorites.list[1].lines[0].to_string(), "T1:aller");

        let s = store("salvage");
        std::fs::create_dir_all(s.path.parent().unwrap()).unwrap();
        std::fs::write(&s.path, text).unwrap();
        let (loaded, warning) = s.load_salvaged();
        assert_eq!(loaded.list.len(), 2);
        let warning = warning.unwrap();
        assert!(warning.contains("2 gardé(s), 1 ignoré(s)"), "{warning}");
        assert!(warning.contains("ligne 5"), "{warning}");
        assert_eq!(std::fs::read_to_string(&s.path).unwrap(), text, "untouched");
    }

    #[test]
    fn two_concurrent_writers_lose_nothing() {
        let s = store("concurrent");
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let s = s.clone();
                std::thread::spawn(move || {
                    for j in 0..10 {
                        s.update(|f| {
                            f.list.push(favorite(&format!("Arrêt {i}-{j}")));
                            Ok(())
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(s.load().unwrap().list.len(), 80);
    }

    #[test]
    fn operations_apply_to_the_file_as_it_is() {
        let s = store("ops");
        s.update(|f| {
            for p in ["A", "B", "C"] {
                f.list.push(favorite(p));
            }
            Ok(())
        })
        .unwrap();
        let run = |op: FavOp| s.update(|f| op.apply(f)).unwrap();
        run(FavOp::Move {
            place: "C".into(),
            to: 0,
        });
        run(FavOp::Rename {
            place: "a".into(),
            label: Some("Maison".into()),
        });
        run(FavOp::SetLines {
            place: "B".into(),
            lines: vec![LineFilter::parse("T1").unwrap()],
        });
        let f = run(FavOp::Remove { place: "C".into() });
        let described: Vec<String> = f.list.iter().map(Favorite::describe).collect();
        assert_eq!(described, ["A (Maison)", "B — T1"]);
        assert!(
            s.update(|f| FavOp::Remove { place: "Z".into() }.apply(f))
                .is_err()
        );
    }

    #[test]
    fn line_filters() {
        // Anything else than aller/retour is a destination.
        assert_eq!(
            LineFilter::parse("T1:Hauts")
                .unwrap()
                .destination
                .as_deref(),
            Some("Hauts")
        );
        assert!(LineFilter::parse(":aller").is_err());
        let f = LineFilter::parse(" l3 : RETOUR ").unwrap();
        assert_eq!(f.to_string(), "l3:retour");
        let line = |number: &str, outbound| BoardLine {
            line: crate::domain::LineRef {
                id: "x".into(),
                number: number.into(),
                background: None,
                foreground: None,
                mode: None,
            },
            kind: None,
            outbound,
            destination: String::new(),
            via: String::new(),
        };
        assert!(f.matches(&line("L3", false)));
        assert!(!f.matches(&line("L3", true)));
        assert!(!f.matches(&line("L4", false)));
    }
}
