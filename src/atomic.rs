//! Files written whole or not at all: the new content goes to a temporary
//! file in the same folder (`NAME.tmp-PID-N`), is synced, then renamed over
//! the old file, and the folder is synced. A reader sees the old file or the
//! new one, never half of either; on any failure the old file is left as it
//! was and the temporary file is removed.
//!
//! A target that is a symbolic link is written through: its final target
//! is replaced (the temporary file beside it), and the link stays a link,
//! as a dotfiles folder of links expects.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with(path, |file| file.write_all(bytes))
}

/// Writes `path` atomically with what `fill` writes into the temporary
/// file; when `fill` fails, nothing is replaced.
pub fn write_with<T, E>(path: &Path, fill: impl FnOnce(&mut File) -> Result<T, E>) -> Result<T, E>
where
    E: From<std::io::Error>,
{
    let mut temp = Temp::create(path)?;
    let value = fill(temp.file())?;
    temp.commit()?;
    Ok(value)
}

/// A temporary file that replaces `target` when committed, and is removed
/// when dropped uncommitted (an error, a panic).
pub struct Temp {
    file: File,
    path: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Temp {
    /// Creates the temporary file beside `target` (whose folder must exist),
    /// or beside what `target` links to.
    pub fn create(target: &Path) -> std::io::Result<Temp> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let target = &follow_links(target)?;
        let name = target.file_name().ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} names no file", target.display()),
            )
        })?;
        let mut temp_name = name.to_os_string();
        // The process and a counter: two writers of one file, in this
        // process or another, never share a temporary file.
        temp_name.push(format!(
            ".tmp-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let path = target.with_file_name(temp_name);
        let file = File::create(&path)?;
        Ok(Temp {
            file,
            path,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// The temporary file, to write into.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Where the temporary file is (to check what was written).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Syncs the temporary file and renames it over the target.
    pub fn commit(mut self) -> std::io::Result<()> {
        self.file.flush()?;
        self.file.sync_all()?;
        std::fs::rename(&self.path, &self.target)?;
        self.committed = true;
        sync_folder(&self.target);
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Where the links at `path` lead, followed one by one (a dangling link
/// gives the path it names, to be created); `path` itself when it is no
/// link or does not exist.
fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    // As the kernel's own limit on links followed in one lookup.
    const MAX_LINKS: usize = 40;
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(folder) => folder.join(next),
                    None => next,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("{}: too many levels of symbolic links", path.display()),
    ))
}

/// Removes from `dir` the temporary files of processes that are gone
/// (`NAME.tmp-PID-N` as [`Temp`] names them, `NAME.tmp-PID`,
/// `NAME.part-PID` as downloads name them): what a run killed before it
/// could clean up left. Those of a running process, this one included, are
/// left alone. How many were removed.
pub fn remove_leftovers(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(leftover_pid) else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_file())
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// The process named in a temporary file's name, when it is one.
fn leftover_pid(name: &str) -> Option<u32> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (_, tail) = name
        .rsplit_once(".part-")
        .or_else(|| name.rsplit_once(".tmp-"))?;
    let pid = match tail.split_once('-') {
        Some((pid, n)) if digits(n) => pid,
        Some(_) => return None,
        None => tail,
    };
    if !digits(pid) {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` runs; when that cannot be known, it does.
#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

#[cfg(all(unix, not(target_os = "linux")))]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 sends nothing; it only asks whether `pid` exists.
    let sent = unsafe { libc::kill(pid, 0) };
    sent == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_: u32) -> bool {
    true
}

/// Makes the rename itself durable. Best effort: the file is already whole
/// under its name, and some file systems cannot sync a folder.
#[cfg(unix)]
fn sync_folder(target: &Path) {
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(folder) = File::open(folder) {
        let _ = folder.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_folder(_: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("quai-atomic-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn the_new_content_replaces_the_old_and_no_temporary_file_stays() {
        let dir = folder("ok");
        let path = dir.join("favorites.toml");
        write(&path, b"first").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        write(&path, b"second, longer").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second, longer");
        let n = write_with(&path, |file| -> std::io::Result<usize> {
            file.write_all(b"third")?;
            Ok(5)
        })
        .unwrap();
        assert_eq!(n, 5);
        assert_eq!(std::fs::read(&path).unwrap(), b"third");
        assert_eq!(names(&dir), ["favorites.toml"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_write_that_fails_midway_leaves_the_old_file_whole() {
        let dir = folder("midway");
        let path = dir.join("meta.json");
        std::fs::write(&path, b"{\"old\": true}").unwrap();
        let result = write_with(&path, |file| -> std::io::Result<()> {
            file.write_all(b"{\"new\": ")?;
            file.flush()?;
            Err(std::io::Error::other("the disk is full"))
        });
        assert_eq!(result.unwrap_err().to_string(), "the disk is full");
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"old\": true}");
        assert_eq!(names(&dir), ["meta.json"]);
        // Nor when there was no old file.
        let fresh = dir.join("fresh.json");
        assert!(write_with(&fresh, |_| Err::<(), _>(std::io::Error::other("no"))).is_err());
        assert_eq!(names(&dir), ["meta.json"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_rename_that_fails_leaves_no_temporary_file() {
        let dir = folder("rename");
        // A folder with something in it cannot be replaced by a file.
        let path = dir.join("index");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("kept"), b"kept").unwrap();
        assert!(write(&path, b"new").is_err());
        assert_eq!(names(&dir), ["index"]);
        assert_eq!(std::fs::read(path.join("kept")).unwrap(), b"kept");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_panic_while_writing_leaves_no_temporary_file() {
        let dir = folder("panic");
        let path = dir.join("cache.json");
        std::fs::write(&path, b"old").unwrap();
        let caught = std::panic::catch_unwind(|| {
            write_with(&path, |file| -> std::io::Result<()> {
                file.write_all(b"ne")?;
                panic!("a bug while writing");
            })
        });
        assert!(caught.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(names(&dir), ["cache.json"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_temporary_files_of_gone_processes_are_removed_and_no_others() {
        let dir = folder("leftovers");
        let me = std::process::id();
        let gone = [
            "feed.zip.part-99999999",
            "timetable.idx.tmp-99999999-0",
            "timetable.json.tmp-99999998",
        ];
        let kept = [
            format!("feed.zip.part-{me}"),
            format!("timetable.idx.tmp-{me}-3"),
            // Process 1 always runs.
            "timetable.json.tmp-1-0".to_string(),
            "timetable.idx".to_string(),
            "feed.zip.part-x".to_string(),
            "notes.tmp-12-ab".to_string(),
            "notes.tmp-".to_string(),
        ];
        for name in gone.iter().copied().chain(kept.iter().map(String::as_str)) {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        std::fs::create_dir(dir.join("folder.tmp-99999999")).unwrap();
        assert_eq!(remove_leftovers(&dir), 3);
        let mut expected: Vec<String> = kept.to_vec();
        expected.push("folder.tmp-99999999".into());
        expected.sort();
        assert_eq!(names(&dir), expected);
        assert_eq!(remove_leftovers(&dir.join("absent")), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn two_writers_of_one_file_use_two_temporary_files() {
        let dir = folder("two");
        let path = dir.join("a.json");
        let mut first = Temp::create(&path).unwrap();
        let mut second = Temp::create(&path).unwrap();
        assert_ne!(first.path(), second.path());
        first.file().write_all(b"first").unwrap();
        second.file().write_all(b"second").unwrap();
        first.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        second.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(names(&dir), ["a.json"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_written_through_and_stays_a_link() {
        let dir = folder("link");
        std::fs::create_dir_all(dir.join("dotfiles")).unwrap();
        std::fs::write(dir.join("dotfiles/a.toml"), "old").unwrap();
        let link = dir.join("a.toml");
        std::os::unix::fs::symlink("dotfiles/a.toml", &link).unwrap();
        write(&link, b"new").unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(dir.join("dotfiles/a.toml")).unwrap(), b"new");
        assert_eq!(names(&dir.join("dotfiles")), ["a.toml"]);
        // A dangling link: its target is created.
        let dangling = dir.join("b.toml");
        std::os::unix::fs::symlink(dir.join("dotfiles/b.toml"), &dangling).unwrap();
        write(&dangling, b"made").unwrap();
        assert!(
            dangling
                .symlink_metadata()
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(dir.join("dotfiles/b.toml")).unwrap(), b"made");
        // A loop is an error, and nothing is written.
        let looped = dir.join("c.toml");
        std::os::unix::fs::symlink("c.toml", &looped).unwrap();
        assert!(write(&looped, b"never").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
