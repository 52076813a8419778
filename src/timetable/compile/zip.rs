//! The feed's zip: its tables by name, read row by row with the bytes
//! read counted, and the rows skipped, counted by reason.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::{Read, Seek};
use std::rc::Rc;

use super::{CompileError, Skipped};
use crate::timetable::table::Table;

pub struct Feed<R: Read + Seek> {
    zip: zip::ZipArchive<R>,
    /// A table's name (without any folder) and its entry.
    names: HashMap<String, usize>,
    /// Bytes read out of the table being read, for the progress bar.
    pub read: Rc<Cell<u64>>,
}

/// A reader that counts what passes.
pub struct Counting<R> {
    inner: R,
    pub read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

impl<R: Read + Seek> Feed<R> {
    pub fn open(reader: R) -> Result<Feed<R>, CompileError> {
        let mut zip = zip::ZipArchive::new(reader).map_err(|e| CompileError::Zip(e.to_string()))?;
        let mut names = HashMap::new();
        for i in 0..zip.len() {
            let name = zip
                .by_index_raw(i)
                .and_then(|f| f.name().map(|n| n.to_string()))
                .map_err(|e| CompileError::Zip(e.to_string()))?;
            // Some feeds keep their tables in a folder.
            let base = name.rsplit('/').next().unwrap_or(&name).to_string();
            names.entry(base).or_insert(i);
        }
        Ok(Feed {
            zip,
            names,
            read: Rc::new(Cell::new(0)),
        })
    }

    pub fn has(&mut self, file: &str) -> bool {
        // An empty optional table is as good as none.
        self.names.contains_key(file) && self.size(file) > 3
    }

    pub fn table(
        &mut self,
        file: &'static str,
        required: &[&str],
        optional: &[&str],
    ) -> Result<Table<Counting<zip::read::ZipFile<'_, R>>>, CompileError> {
        let at = *self
            .names
            .get(file)
            .ok_or(CompileError::MissingFile { file })?;
        let entry = self.zip.by_index(at).map_err(|e| CompileError::Read {
            file,
            detail: e.to_string(),
        })?;
        self.read.set(0);
        let counting = Counting {
            inner: entry,
            read: Rc::clone(&self.read),
        };
        Table::new(file, counting, required, optional)
    }

    pub fn size(&mut self, file: &str) -> u64 {
        self.names
            .get(file)
            .and_then(|&at| self.zip.by_index_raw(at).ok().map(|f| f.size()))
            .unwrap_or(0)
    }
}

/// Counts skipped rows per reason.
#[derive(Default)]
pub struct Skips(pub Vec<Skipped>);

impl Skips {
    pub fn add(&mut self, file: &str, reason: &str, line: u64) {
        if let Some(s) = self
            .0
            .iter_mut()
            .find(|s| s.file == file && s.reason == reason)
        {
            s.rows += 1;
        } else {
            self.0.push(Skipped {
                file: file.into(),
                rows: 1,
                reason: reason.into(),
                first_line: line,
            });
        }
    }

    pub fn malformed<R: Read>(&mut self, table: &Table<R>) {
        if let Some(line) = table.first_malformed {
            self.0.push(Skipped {
                file: table.file().into(),
                rows: table.malformed,
                reason: "malformed".into(),
                first_line: line,
            });
        }
    }
}
