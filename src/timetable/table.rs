//! One GTFS table read as it comes out of the zip: the header names the
//! columns (in any order, extra ones ignored), rows are read one at a time
//! into a reused record, fields trimmed. A UTF-8 byte order mark, CRLF line
//! ends and quoted fields are CSV as found in the wild.
//!
//! Every record is bounded: one longer than [`MAX_RECORD_BYTES`] or with
//! more than [`MAX_FIELDS`] fields is read to its end without being kept
//! and counted as malformed, so a feed's memory never depends on its
//! longest line.

use std::io::{BufRead, BufReader, Read};

use super::CompileError;

/// The bytes of one record's fields, at most (a GTFS row is a few hundred).
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// The fields of one record, at most.
pub const MAX_FIELDS: usize = 1024;

/// A table's reader and where it is.
pub struct Table<R: Read> {
    file: &'static str,
    input: BufReader<R>,
    parser: csv_core::Reader,
    record: Record,
    /// Where the fields of a record too long to keep go, to be forgotten.
    scratch: Vec<u8>,
    scratch_ends: Vec<usize>,
    /// The limits of this table's records (the constants, lower in tests).
    max_bytes: usize,
    max_fields: usize,
    /// Column positions of the asked-for names (`None`: absent).
    columns: Vec<Option<usize>>,
    /// Rows skipped because a required field is missing or not UTF-8, or
    /// because the row is too long.
    pub malformed: u64,
    /// The first skipped row's line, for the report.
    pub first_malformed: Option<u64>,
    /// Records read, the header included: the current row's line (a
    /// field with a line break inside counts once).
    records: u64,
}

/// One record's fields, end to end, and where each ends.
#[derive(Default)]
struct Record {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    fields: usize,
}

impl Record {
    fn field(&self, at: usize) -> Option<&[u8]> {
        if at >= self.fields {
            return None;
        }
        let start = if at == 0 { 0 } else { *self.ends.get(at - 1)? };
        self.bytes.get(start..*self.ends.get(at)?)
    }
}

/// What reading one record gave.
enum Read1 {
    Record,
    TooLong,
    End,
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
        Table::with_limits(
            file,
            input,
            required,
            optional,
            (MAX_RECORD_BYTES, MAX_FIELDS),
        )
    }

    /// The same, with records bounded by `(bytes, fields)`.
    pub fn with_limits(
        file: &'static str,
        input: R,
        required: &[&str],
        optional: &[&str],
        (max_bytes, max_fields): (usize, usize),
    ) -> Result<Table<R>, CompileError> {
        let mut table = Table {
            file,
            input: BufReader::with_capacity(256 * 1024, input),
            parser: csv_core::Reader::new(),
            record: Record::default(),
            scratch: vec![0; 64 * 1024],
            scratch_ends: vec![0; 64],
            max_bytes: max_bytes.max(16),
            max_fields: max_fields.max(4),
            columns: Vec::new(),
            malformed: 0,
            first_malformed: None,
            records: 0,
        };
        match table.read_record()? {
            Read1::End => return Err(CompileError::Empty { file }),
            Read1::TooLong => {
                return Err(CompileError::Bad {
                    file,
                    line: 1,
                    detail: format!("header longer than {} bytes", table.max_bytes),
                });
            }
            Read1::Record => table.records = 1,
        }
        let names: Vec<String> = (0..table.record.fields)
            .map(|at| {
                String::from_utf8_lossy(table.record.field(at).unwrap_or_default())
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
        table.columns = columns;
        Ok(table)
    }

    /// Reads one record into `self.record`; one past the limits is read to
    /// its end into the scratch buffers and forgotten.
    fn read_record(&mut self) -> Result<Read1, CompileError> {
        use csv_core::ReadRecordResult as R;
        let (mut out, mut ends) = (0usize, 0usize);
        let mut too_long = false;
        loop {
            let input = self.input.fill_buf().map_err(|e| CompileError::Read {
                file: self.file,
                detail: format!("{e} (near line {})", self.records + 1),
            })?;
            let (result, nin, nout, nend) = if too_long {
                self.parser
                    .read_record(input, &mut self.scratch, &mut self.scratch_ends)
            } else {
                self.parser.read_record(
                    input,
                    self.record.bytes.get_mut(out..).unwrap_or_default(),
                    self.record.ends.get_mut(ends..).unwrap_or_default(),
                )
            };
            self.input.consume(nin);
            if !too_long {
                out += nout;
                ends += nend;
            }
            match result {
                R::InputEmpty => {}
                R::OutputFull if too_long => {}
                R::OutputFull => {
                    if self.record.bytes.len() >= self.max_bytes {
                        too_long = true;
                    } else {
                        let grown = (self.record.bytes.len() * 2).max(256).min(self.max_bytes);
                        self.record.bytes.resize(grown, 0);
                    }
                }
                R::OutputEndsFull if too_long => {}
                R::OutputEndsFull => {
                    if self.record.ends.len() >= self.max_fields {
                        too_long = true;
                    } else {
                        let grown = (self.record.ends.len() * 2).max(16).min(self.max_fields);
                        self.record.ends.resize(grown, 0);
                    }
                }
                R::Record if too_long => return Ok(Read1::TooLong),
                R::Record => {
                    self.record.fields = ends;
                    return Ok(Read1::Record);
                }
                R::End => return Ok(Read1::End),
            }
        }
    }

    /// The next row, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, CompileError> {
        loop {
            match self.read_record()? {
                Read1::Record => {
                    self.records += 1;
                    break;
                }
                Read1::End => return Ok(None),
                // A row too long to be a row costs itself only.
                Read1::TooLong => {
                    self.records += 1;
                    self.skip_line(self.records);
                }
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
    record: &'a Record,
    columns: &'a [Option<usize>],
}

impl<'a> Row<'a> {
    /// The field, trimmed; `None` when the column or the field is absent,
    /// empty, or not UTF-8.
    pub fn get(&self, column: usize) -> Option<&'a str> {
        let at = (*self.columns.get(column)?)?;
        let raw = self.record.field(at)?;
        let text = std::str::from_utf8(raw).ok()?.trim();
        (!text.is_empty()).then_some(text)
    }

    /// The raw bytes of a field, trimmed of spaces (for ids hashed as is).
    pub fn bytes(&self, column: usize) -> Option<&'a [u8]> {
        let at = (*self.columns.get(column)?)?;
        let raw = self.record.field(at)?.trim_ascii();
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

    /// Spaces, `n` of them, made as they are read (never held whole).
    struct Spaces(usize);

    impl Read for Spaces {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.0);
            buf[..n].fill(b' ');
            self.0 -= n;
            Ok(n)
        }
    }

    fn rows<R: Read>(t: &mut Table<R>) -> Vec<(u64, Option<String>)> {
        let mut out = Vec::new();
        while let Some(row) = t.next_row().unwrap() {
            let a = row.get(0).map(str::to_string);
            out.push((0, a));
            out.last_mut().unwrap().0 = t.line();
        }
        out
    }

    #[test]
    fn a_line_too_long_is_one_malformed_row_and_the_next_rows_are_read() {
        let text = format!(
            "a,b\n1,x\n{}\n2,y\n3,{}\n4,z\n",
            "9".repeat(300),
            "w".repeat(300)
        );
        let mut t = Table::with_limits("t.txt", text.as_bytes(), &["a"], &["b"], (100, 8)).unwrap();
        let got = rows(&mut t);
        assert_eq!(
            got,
            [
                (2, Some("1".into())),
                (4, Some("2".into())),
                (6, Some("4".into()))
            ]
        );
        assert_eq!((t.malformed, t.first_malformed), (2, Some(3)));
        // Too many fields, and a quoted field with line breaks too long.
        let text = format!("a\n{}\n\"{}\"\n5\n", ",".repeat(50), "x\n".repeat(200));
        let mut t = Table::with_limits("t.txt", text.as_bytes(), &["a"], &[], (100, 8)).unwrap();
        assert_eq!(rows(&mut t), [(4, Some("5".into()))]);
        assert_eq!((t.malformed, t.first_malformed), (2, Some(2)));
        // A header too long is refused.
        let text = format!("a,{}\n1\n", "b".repeat(300));
        assert!(matches!(
            Table::with_limits("t.txt", text.as_bytes(), &["a"], &[], (100, 8)),
            Err(CompileError::Bad { line: 1, .. })
        ));
    }

    #[test]
    fn a_line_of_megabytes_of_spaces_is_refused_without_being_held() {
        let input = "a,b\n1,x\n"
            .as_bytes()
            .chain(Spaces(8 * MAX_RECORD_BYTES + 17))
            .chain("\n2,y\n".as_bytes());
        let mut t = Table::new("stop_times.txt", input, &["a"], &["b"]).unwrap();
        assert_eq!(rows(&mut t), [(2, Some("1".into())), (4, Some("2".into()))]);
        assert_eq!((t.malformed, t.first_malformed), (1, Some(3)));
        assert!(t.record.bytes.len() <= MAX_RECORD_BYTES);
        assert!(t.record.ends.len() <= MAX_FIELDS);
    }

    #[test]
    fn blank_lines_and_a_last_line_without_its_end_are_csv_as_before() {
        let text = "a\r\n\r\n1\n\n\n2";
        let mut t = Table::new("t.txt", text.as_bytes(), &["a"], &[]).unwrap();
        assert_eq!(rows(&mut t), [(2, Some("1".into())), (3, Some("2".into()))]);
        assert_eq!(t.malformed, 0);
        assert!(matches!(
            Table::new("t.txt", "".as_bytes(), &["a"], &[]),
            Err(CompileError::Empty { .. })
        ));
    }
}
