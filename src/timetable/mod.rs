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
//! - [`source`]: the timetable as a [`crate::network::Network`], and the
//!   fallback that fills a live network's missing rows with it.

pub mod compile;
pub mod feed;
pub mod index;
pub mod source;
pub mod store;
pub mod table;

pub use index::{Timetable, TimetableDeparture};

/// Why a feed could not be compiled: the previous index stays in use.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    #[error("not a readable zip file: {0}")]
    Zip(String),
    #[error("the feed has no {file}")]
    MissingFile { file: &'static str },
    #[error("{file} is empty")]
    Empty { file: &'static str },
    #[error("{file} has no column {column}")]
    MissingColumn { file: &'static str, column: String },
    #[error("{file}, line {line}: {detail}")]
    Bad {
        file: &'static str,
        line: u64,
        detail: String,
    },
    #[error("{file} cannot be read: {detail}")]
    Read { file: &'static str, detail: String },
    #[error("the index cannot be written: {0}")]
    Write(#[from] std::io::Error),
}

impl CompileError {
    fn csv(file: &'static str, e: &csv::Error) -> CompileError {
        let line = e.position().map_or(0, csv::Position::line);
        match e.kind() {
            csv::ErrorKind::Io(io) => CompileError::Read {
                file,
                detail: format!("{io} (near line {line})"),
            },
            _ => CompileError::Bad {
                file,
                line,
                detail: e.to_string(),
            },
        }
    }
}
