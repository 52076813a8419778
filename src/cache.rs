//! A small on-disk cache (`$XDG_CACHE_HOME/quai/<network>/`) of the
//! slow-changing answers: stops (kept for days) and lines (for the day). Files are JSON,
//! written atomically; an unreadable file is a cache miss, never an error.
//! `Cache::memory()` keeps everything in memory (the demo touches no file).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::config::read_bounded;

/// The largest cache file read (64 MiB: IDFM's stops are the largest,
/// a few MiB); a larger one is a cache miss, never held whole.
pub const CACHE_LIMIT: u64 = 64 * 1024 * 1024;

#[derive(Clone, Default)]
pub struct Cache {
    dir: Option<PathBuf>,
    /// Names in memory start with this (a network's own part).
    prefix: String,
    memory: Arc<Mutex<HashMap<String, (SystemTime, String)>>>,
    /// The largest file read ([`CACHE_LIMIT`]; smaller in tests).
    limit: u64,
}

impl Cache {
    /// A cache that lives only as long as the process.
    pub fn memory() -> Cache {
        Cache {
            limit: CACHE_LIMIT,
            ..Cache::default()
        }
    }

    /// A cache in `dir` (created when first written).
    pub fn disk(dir: PathBuf) -> Cache {
        Cache {
            dir: Some(dir),
            limit: CACHE_LIMIT,
            ..Cache::default()
        }
    }

    /// The part of the cache of one network (`<dir>/<network>/` on disk):
    /// two networks never read each other's files.
    pub fn scoped(&self, network: &str) -> Cache {
        let safe: String = network
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        Cache {
            dir: self.dir.as_ref().map(|d| d.join(&safe)),
            prefix: format!("{}{safe}/", self.prefix),
            memory: self.memory.clone(),
            limit: self.limit,
        }
    }

    /// The stored value and whether it is younger than `max_age`; `None`
    /// when absent or unreadable.
    pub fn get<T: DeserializeOwned>(&self, name: &str, max_age: Duration) -> Option<(T, bool)> {
        let (written, text) = match &self.dir {
            Some(dir) => {
                let path = dir.join(name);
                let written = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
                (written, read_bounded(&path, self.limit).ok()?)
            }
            None => self
                .memory
                .lock()
                .ok()?
                .get(&format!("{}{name}", self.prefix))
                .cloned()?,
        };
        let value = serde_json::from_str(&text).ok()?;
        let fresh = SystemTime::now()
            .duration_since(written)
            .is_ok_and(|age| age <= max_age);
        Some((value, fresh))
    }

    /// Stores a value; failures (read-only disk, full disk) only cost a
    /// later re-fetch.
    pub fn put<T: Serialize>(&self, name: &str, value: &T) {
        let Ok(text) = serde_json::to_string(value) else {
            return;
        };
        match &self.dir {
            Some(dir) => {
                let _ = std::fs::create_dir_all(dir)
                    .and_then(|()| crate::atomic::write(&dir.join(name), text.as_bytes()));
            }
            None => {
                if let Ok(mut memory) = self.memory.lock() {
                    memory.insert(format!("{}{name}", self.prefix), (SystemTime::now(), text));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_on_disk_and_in_memory() {
        let dir = std::env::temp_dir().join(format!("quai-cache-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for cache in [Cache::disk(dir.clone()), Cache::memory()] {
            assert!(
                cache
                    .get::<Vec<u32>>("a.json", Duration::from_secs(60))
                    .is_none()
            );
            cache.put("a.json", &vec![1u32, 2, 3]);
            let (v, fresh) = cache
                .get::<Vec<u32>>("a.json", Duration::from_secs(60))
                .unwrap();
            assert_eq!((v, fresh), (vec![1, 2, 3], true));
        }
        std::fs::write(dir.join("bad.json"), "{not json").unwrap();
        assert!(
            Cache::disk(dir.clone())
                .get::<Vec<u32>>("bad.json", Duration::MAX)
                .is_none()
        );
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A cache file past the limit, or one that is not a regular file, is
    /// a miss: nothing is read whole.
    #[test]
    fn an_oversized_or_special_cache_file_is_a_miss() {
        let dir = std::env::temp_dir().join(format!("quai-cache-big-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut cache = Cache::disk(dir.clone());
        cache.limit = 16;
        cache.put("small.json", &vec![1u32, 2]);
        assert!(cache.get::<Vec<u32>>("small.json", Duration::MAX).is_some());
        cache.put("big.json", &vec![1u32; 64]);
        assert!(dir.join("big.json").is_file());
        assert!(cache.get::<Vec<u32>>("big.json", Duration::MAX).is_none());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/dev/zero", dir.join("zero.json")).unwrap();
            assert!(cache.get::<Vec<u32>>("zero.json", Duration::MAX).is_none());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn networks_have_parts_of_their_own() {
        let dir = std::env::temp_dir().join(format!("quai-cache-scoped-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for root in [Cache::disk(dir.clone()), Cache::memory()] {
            let (a, b) = (root.scoped("ginko"), root.scoped("idfm"));
            a.put("arrets.json", &vec![1u32]);
            assert!(b.get::<Vec<u32>>("arrets.json", Duration::MAX).is_none());
            assert!(root.get::<Vec<u32>>("arrets.json", Duration::MAX).is_none());
            let (v, _) = a.get::<Vec<u32>>("arrets.json", Duration::MAX).unwrap();
            assert_eq!(v, [1]);
        }
        assert!(dir.join("ginko").join("arrets.json").is_file());
        // Nothing in a network's name climbs out of the cache.
        Cache::disk(dir.clone()).scoped("../x").put("a.json", &1u32);
        assert!(dir.join("x").join("a.json").is_file());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
