//! A GTFS zip made from tables in memory (the demo's feed, tests).

use std::io::{Cursor, Write};

/// Zips the named tables (deflated).
pub fn zip_tables(tables: &[(&str, &[u8])]) -> std::io::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in tables {
        zip.start_file(*name, options)
            .map_err(std::io::Error::other)?;
        zip.write_all(body)?;
    }
    let cursor = zip.finish().map_err(std::io::Error::other)?;
    Ok(cursor.into_inner())
}

/// Compiles a zip held in memory into an index held in memory.
pub fn compile_in_memory(
    zip: &[u8],
) -> Result<(super::Timetable, super::compile::Summary), super::CompileError> {
    compile_in_memory_with(zip, super::compile::Options::default())
}

/// The same, with `options`.
pub fn compile_in_memory_with(
    zip: &[u8],
    options: super::compile::Options,
) -> Result<(super::Timetable, super::compile::Summary), super::CompileError> {
    let mut out = Cursor::new(Vec::new());
    let summary =
        super::compile::compile_with(Cursor::new(zip), &mut out, &mut |_, _| {}, options)?;
    let table = super::Timetable::from_bytes(out.into_inner())
        .map_err(|e| super::CompileError::Zip(e.to_string()))?;
    Ok((table, summary))
}
