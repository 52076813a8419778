//! Reading a file the user names (the settings, the favourites, a key
//! file), bounded: only a regular file is read (a FIFO, a device or a
//! folder is refused at once, never waited on), and a file past its limit
//! is refused without being held whole.

use std::fs::{File, OpenOptions};
use std::io::{Error, ErrorKind, Read};
use std::path::Path;

use crate::i18n::{t, tf};

/// The largest settings file read (1 MiB).
pub(crate) const SETTINGS_LIMIT: u64 = 1024 * 1024;
/// The largest favourites file read (1 MiB).
pub(crate) const FAVORITES_LIMIT: u64 = 1024 * 1024;
/// The largest key file read (4 KiB).
pub(crate) const KEY_LIMIT: u64 = 4 * 1024;

/// The text of the file at `path`, when it is a regular file (links
/// followed) of at most `limit` bytes. A missing file is `NotFound`, as
/// from `std::fs::read_to_string`.
pub(crate) fn read_bounded(path: &Path, limit: u64) -> std::io::Result<String> {
    // Checked before opening: opening some devices does something.
    check(&std::fs::metadata(path)?, limit)?;
    let file = open(path)?;
    // Checked again on what was opened: the name may have changed hands.
    check(&file.metadata()?, limit)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    String::from_utf8(bytes).map_err(|e| Error::new(ErrorKind::InvalidData, e))
}

fn check(meta: &std::fs::Metadata, limit: u64) -> std::io::Result<()> {
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, t("file_not_regular")));
    }
    if meta.len() > limit {
        return Err(too_large(limit));
    }
    Ok(())
}

fn too_large(limit: u64) -> Error {
    let size = if limit >= 1024 * 1024 && limit.is_multiple_of(1024 * 1024) {
        tf(
            "file_size_mib",
            &[("n", &(limit / (1024 * 1024)).to_string())],
        )
    } else {
        tf("file_size_kib", &[("n", &limit.div_ceil(1024).to_string())])
    };
    Error::new(
        ErrorKind::FileTooLarge,
        tf("file_too_large", &[("max", &size)]),
    )
}

/// Opens without waiting: a FIFO with no writer would block `open`.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("quai-file-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_regular_file_within_its_limit_is_read() {
        let dir = folder("ok");
        let path = dir.join("f");
        std::fs::write(&path, "1234").unwrap();
        assert_eq!(read_bounded(&path, 4).unwrap(), "1234");
        let e = read_bounded(&path, 3).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::FileTooLarge);
        let e = read_bounded(&dir.join("none"), 3).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn devices_folders_and_fifos_are_refused_at_once() {
        let dir = folder("special");
        for path in [Path::new("/dev/zero"), dir.as_path()] {
            let e = read_bounded(path, 1024).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{}", path.display());
        }
        #[cfg(unix)]
        {
            let fifo = dir.join("fifo");
            let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
            let started = std::time::Instant::now();
            let e = read_bounded(&fifo, 1024).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput);
            assert!(started.elapsed() < std::time::Duration::from_secs(1));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
