//! The offline timetable: a network's GTFS feed compiled once into a
//! compact index file, opened in a millisecond and asked in microseconds
//! for the next departures at a place or of a row, when live times are out
//! of reach.
//!
//! - [`table`]: one GTFS table read row by row, as CSV is found in the wild;
//! - [`compile`]: the zip streamed into the index (no table held as
//!   objects: stop times become 16-byte events, sorted once);
//! - [`index`]: the index file's layout, written and read in place
//!   (memory-mapped), and its queries;
//! - [`store`]: where a network's index lives, fetching and compiling it
//!   (conditionally, atomically), its status;
//! - [`source`]: the timetable as a [`crate::network::Network`];
//! - [`arrivals`]: where a row's departures go, and when they get there;
//! - [`fallback`]: a live network whose missing rows are filled from its
//!   timetable, and that timetable kept current.

pub mod arrivals;
pub mod compile;
pub mod fallback;
pub mod feed;
pub mod index;
pub mod source;
pub mod store;
pub mod table;

use crate::i18n::tf;
pub use index::{Reach, Run, Timetable, TimetableDeparture};

/// Why a feed could not be compiled: the previous index stays in use.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    #[error("{}", tf("tt_not_zip", &[("why", .0.as_str())]))]
    Zip(String),
    #[error("{}", tf("tt_missing_file", &[("file", file)]))]
    MissingFile { file: &'static str },
    #[error("{}", tf("tt_empty_file", &[("file", file)]))]
    Empty { file: &'static str },
    #[error("{}", tf("tt_missing_column", &[("file", file), ("column", column.as_str())]))]
    MissingColumn { file: &'static str, column: String },
    #[error("{}", tf("tt_bad_line", &[("file", file), ("line", &line.to_string()), ("detail", detail.as_str())]))]
    Bad {
        file: &'static str,
        line: u64,
        detail: String,
    },
    #[error("{}", tf("tt_unreadable_file", &[("file", file), ("detail", detail.as_str())]))]
    Read { file: &'static str, detail: String },
    #[error("{}", tf("tt_cannot_write", &[("why", &.0.to_string())]))]
    Write(#[from] std::io::Error),
}
