//! Keeping a fallback's timetable current: the day's update in the
//! background (the boards and the kiosk only), and a timetable compiled
//! since by another process (`quai timetable update`) picked up from disk.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use jiff::SignedDuration;
use tokio::time::Instant;

use super::WithTimetable;
use crate::timetable::source::TimetableNetwork;
use crate::timetable::store::{Auth, FeedSource, Store};

/// How often the store's index is looked at for one compiled since.
const DISK_LOOK_EVERY: Duration = Duration::from_secs(10);

/// How often the boards look for a new timetable.
const REFRESH_EVERY: SignedDuration = SignedDuration::from_hours(24);

/// One background update an hour at most: one that left no usable
/// timetable (failed, or the feed served is still the expired one) is
/// tried again after this.
const RETRY_AFTER_FAILURE_S: i64 = 3600;

/// Whether this process updates timetables in the background (the live
/// board and the kiosk; not `--once`, nor the other commands).
static BACKGROUND: AtomicBool = AtomicBool::new(false);

/// Lets the networks refresh their timetables in the background.
pub fn allow_background_updates() {
    BACKGROUND.store(true, Ordering::Relaxed);
}

/// Where a network's timetable is kept and fetched from.
pub struct Refresh {
    store: Store,
    source: FeedSource,
    auth: Option<Auth>,
    running: AtomicBool,
    /// When the last update started (unix seconds): one an hour at most.
    attempted_at: AtomicI64,
}

impl Refresh {
    pub fn new(store: Store, source: FeedSource, auth: Option<Auth>) -> Refresh {
        Refresh {
            store,
            source,
            auth,
            running: AtomicBool::new(false),
            attempted_at: AtomicI64::new(0),
        }
    }
}

impl WithTimetable {
    /// Opens the store's index when it changed on disk since it was last
    /// looked at (every [`DISK_LOOK_EVERY`] at most): a timetable compiled
    /// after the start, by another process, is used without a restart.
    pub(super) fn pick_up_compiled(&self) {
        let (store, id, name) = match (&self.refresh, &self.watched) {
            (Some(refresh), _) => (&refresh.store, self.live.id(), self.live.name()),
            (None, Some((store, id, name))) => (store, id.as_str(), name.as_str()),
            (None, None) => return,
        };
        let Ok(mut seen) = self.on_disk.lock() else {
            return;
        };
        if seen.0.is_some_and(|at| at.elapsed() < DISK_LOOK_EVERY) {
            return;
        }
        seen.0 = Some(Instant::now());
        let modified = std::fs::metadata(store.index_path())
            .and_then(|m| m.modified())
            .ok();
        if modified.is_none() || modified == seen.1 {
            return;
        }
        let first_look = seen.1.is_none();
        seen.1 = modified;
        let Ok(mut slot) = self.timetable.write() else {
            return;
        };
        // The index opened at start is the one on disk at the first look.
        if first_look && slot.is_some() {
            return;
        }
        if let Ok(table) = store.open() {
            let shift = slot.as_ref().map_or(SignedDuration::ZERO, |t| t.shift());
            let network = TimetableNetwork::new(id, name, Arc::new(table)).with_shift(shift);
            *slot = Some(Arc::new(network));
        }
    }

    /// Starts the day's update of the timetable when it is due: an index
    /// exists, the last fetch is a day old, none is running.
    pub(super) fn refresh_if_due(&self) {
        let Some(refresh) = &self.refresh else { return };
        // Only a timetable the user asked for once is kept up to date (an
        // index of an older quai is compiled again).
        if !BACKGROUND.load(Ordering::Relaxed) || !refresh.store.index_path().exists() {
            return;
        }
        let attempted = refresh.attempted_at.load(Ordering::Relaxed);
        if crate::clock::real_now().as_second() - attempted < RETRY_AFTER_FAILURE_S {
            return;
        }
        let meta = refresh.store.meta();
        // A timetable compiled from a local file is the user's to update.
        if meta.as_ref().is_some_and(|m| !m.source.starts_with("http")) {
            return;
        }
        let due = self.table().is_none()
            || meta
                .and_then(|m| m.fetched_at)
                .is_none_or(|at| crate::clock::real_now().duration_since(at) > REFRESH_EVERY);
        if !due || refresh.running.swap(true, Ordering::AcqRel) {
            return;
        }
        refresh
            .attempted_at
            .store(crate::clock::real_now().as_second(), Ordering::Relaxed);
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            refresh.running.store(false, Ordering::Release);
            return;
        };
        let (refresh, shared) = (Arc::clone(refresh), Arc::clone(&self.timetable));
        let (id, name) = (self.live.id().to_string(), self.live.name().to_string());
        runtime.spawn(async move {
            let outcome = refresh
                .store
                .update(&refresh.source, refresh.auth.as_ref(), false)
                .await;
            if outcome.is_ok()
                && let Ok(table) = refresh.store.open()
            {
                let network = TimetableNetwork::new(&id, &name, Arc::new(table));
                if let Ok(mut slot) = shared.write() {
                    *slot = Some(Arc::new(network));
                }
            }
            refresh.running.store(false, Ordering::Release);
        });
    }
}
