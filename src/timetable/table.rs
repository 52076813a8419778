//! One GTFS table read as it comes out of the zip: the header names the
//! columns (in any order, extra ones ignored), rows are read one at a time
//! into a reused record, fields trimmed. A UTF-8 byte order mark, CRLF line
//! ends and quoted fields are CSV as found in the wild.

use std::io::Read;

use super::CompileError;

/// A table's reader and where it is.
pub struct Table<R: Read> {
    file: &'static str,
    reader: csv::Reader<R>,
    record: csv::ByteRecord,
    /// Column positions of the asked-for names (`None`: absent).
    columns: Vec<Option<usize>>,
    /// Rows skipped because a required field is missing or not UTF-8.
    pub malformed: u64,
    /// The first skipped row's line, for the report.
    pub first_malformed: Option<u64>,
    /// Records read, the header included: the current row's line (a
    /// field with a line break inside counts once).
    records: u64,
}

impl<R: Read> Table<R> {
    /// Reads the header. `required` columns must be there; `optional` may
    /// not be. Columns are then asked for by their position in
    /// `required` followed by `optional`.
    pub fn new(
        file: &'static str,
        input: R,
        required: &[&str],
        optional: &[&str],
    ) -> Result<Table<R>, CompileError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(256 * 1024)
            .from_reader(input);
        let mut header = csv::ByteRecord::new();
        let read = reader
            .read_byte_record(&mut header)
            .map_err(|e| CompileError::csv(file, &e))?;
        if !read {
            return Err(CompileError::Empty { file });
        }
        let names: Vec<String> = header
            .iter()
            .map(|f| {
                String::from_utf8_lossy(f)
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_string()
            })
            .collect();
        let find = |name: &str| names.iter().position(|n| n == name);
        let mut columns = Vec::with_capacity(required.len() + optional.len());
        for name in required {
            match find(name) {
                Some(at) => columns.push(Some(at)),
                None => {
                    return Err(CompileError::MissingColumn {
                        file,
                        column: (*name).to_string(),
                    });
                }
            }
        }
        columns.extend(optional.iter().map(|name| find(name)));
        Ok(Table {
            file,
            reader,
            record: csv::ByteRecord::new(),
            columns,
            malformed: 0,
            first_malformed: None,
            records: 1,
        })
    }

    /// The next row, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, CompileError> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(true) => {
                    self.records += 1;
                    break;
                }
                Ok(false) => return Ok(None),
                Err(e) => match e.kind() {
                    csv::ErrorKind::Io(_) => return Err(CompileError::csv(self.file, &e)),
                    // A row the CSV reader cannot make sense of costs itself only.
                    _ => {
                        self.records += 1;
                        self.skip_line(self.records);
                    }
                },
            }
        }
        Ok(Some(Row {
            record: &self.record,
            columns: &self.columns,
        }))
    }

    /// Counts the current row as skipped.
    pub fn skip(&mut self) {
        self.skip_line(self.records);
    }

    fn skip_line(&mut self, line: u64) {
        self.malformed += 1;
        self.first_malformed.get_or_insert(line);
    }

    pub fn file(&self) -> &'static str {
        self.file
    }

    /// The line of the current row (1 is the header).
    pub fn line(&self) -> u64 {
        self.records
    }
}

/// One row: fields by the position of their name in the table's lists.
pub struct Row<'a> {
    record: &'a csv::ByteRecord,
    columns: &'a [Option<usize>],
}

impl<'a> Row<'a> {
    /// The field, trimmed; `None` when the column or the field is absent,
    /// empty, or not UTF-8.
    pub fn get(&self, column: usize) -> Option<&'a str> {
        let at = (*self.columns.get(column)?)?;
        let raw = self.record.get(at)?;
        let text = std::str::from_utf8(raw).ok()?.trim();
        (!text.is_empty()).then_some(text)
    }

    /// The raw bytes of a field, trimmed of spaces (for ids hashed as is).
    pub fn bytes(&self, column: usize) -> Option<&'a [u8]> {
        let at = (*self.columns.get(column)?)?;
        let raw = self.record.get(at)?.trim_ascii();
        (!raw.is_empty()).then_some(raw)
    }
}

/// "HH:MM:SS" (hours may pass 24, and 99) in seconds.
pub fn parse_time(text: &str) -> Option<u32> {
    let mut parts = text.split(':');
    let h: u32 = parts.next()?.trim().parse().ok()?;
    let m: u32 = parts.next()?.trim().parse().ok()?;
    let s: u32 = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() || m > 59 || s > 59 || h > 999 {
        return None;
    }
    Some(h * 3600 + m * 60 + s)
}

/// "YYYYMMDD" as a day number (days since 1970-01-01).
pub fn parse_date(text: &str) -> Option<i32> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = text[0..4].parse().ok()?;
    let m: u32 = text[4..6].parse().ok()?;
    let d: u32 = text[6..8].parse().ok()?;
    let date = jiff::civil::Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()?;
    Some(day_number(date))
}

/// Days since 1970-01-01.
pub fn day_number(date: jiff::civil::Date) -> i32 {
    // Howard Hinnant's days_from_civil.
    let (y, m, d) = (
        i32::from(date.year()),
        i32::from(date.month()),
        i32::from(date.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number.
pub fn date_of(day: i32) -> jiff::civil::Date {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    jiff::civil::Date::new(
        i16::try_from(y).unwrap_or(1970),
        i8::try_from(m).unwrap_or(1),
        i8::try_from(d).unwrap_or(1),
    )
    .unwrap_or(jiff::civil::date(1970, 1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_go_both_ways() {
        assert_eq!(day_number(jiff::civil::date(1970, 1, 1)), 0);
        assert_eq!(day_number(jiff::civil::date(2026, 10, 25)), 20_751);
        for day in [-1000, 0, 59, 60, 20_000, 20_751, 30_000] {
            assert_eq!(day_number(date_of(day)), day);
        }
        assert_eq!(parse_date("20261025"), Some(20_751));
        assert_eq!(parse_date("20261325"), None);
        assert_eq!(parse_date("2026-10-25"), None);
    }

    #[test]
    fn times_pass_midnight() {
        assert_eq!(parse_time("05:30:00"), Some(19_800));
        assert_eq!(parse_time("25:10:00"), Some(90_600));
        assert_eq!(parse_time(" 5:30:00"), Some(19_800));
        assert_eq!(parse_time("105:00:00"), Some(378_000));
        assert_eq!(parse_time("05:60:00"), None);
        assert_eq!(parse_time("05:30"), None);
    }

    #[test]
    fn columns_in_any_order_with_a_bom_crlf_and_quotes() {
        let text = "\u{feff}b, a ,extra\r\n\"x, \"\"y\"\"\",2 ,z\r\n,3,\r\n";
        let mut t = Table::new("t.txt", text.as_bytes(), &["a"], &["b", "c"]).unwrap();
        let row = t.next_row().unwrap().unwrap();
        assert_eq!(row.get(0), Some("2"));
        assert_eq!(row.get(1), Some("x, \"y\""));
        assert_eq!(row.get(2), None);
        let row = t.next_row().unwrap().unwrap();
        assert_eq!((row.get(0), row.get(1)), (Some("3"), None));
        assert!(t.next_row().unwrap().is_none());
        assert!(matches!(
            Table::new("t.txt", "b\n".as_bytes(), &["a"], &[]),
            Err(CompileError::MissingColumn { .. })
        ));
    }
}
