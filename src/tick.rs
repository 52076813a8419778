//! The 1 Hz tick of the live board and the kiosk.
//!
//! A tokio interval wakes the program twice a second (its timer wheel first
//! wakes near the deadline, then at it) and once more when the timer is set
//! again; on an idle board those wake-ups were a third of the CPU time. On
//! Linux the tick is a kernel timer (`timerfd`) that fires on each second of
//! the wall clock: one wake-up a second, and the clock on screen turns when
//! the real second does. A step of the wall clock (NTP setting the clock of
//! a Raspberry Pi that booted without one) arms it again on the new time, so
//! that a step back does not stop the tick for as long as the step.
//! Elsewhere, or if the timer fails, it is a tokio interval.

use std::time::Duration;

use tokio::time::{Interval, MissedTickBehavior};

/// Ticks once a second.
pub struct Ticker {
    #[cfg(target_os = "linux")]
    timer: Option<linux::SecondTimer>,
    interval: Interval,
}

impl Ticker {
    /// A ticker whose first tick comes at once. Needs a tokio runtime.
    pub fn new() -> Ticker {
        let mut interval = tokio::time::interval(Duration::from_secs(1));
        interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
        Ticker {
            #[cfg(target_os = "linux")]
            timer: linux::SecondTimer::new().ok(),
            interval,
        }
    }

    /// Waits for the next tick (cancel-safe).
    pub async fn tick(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(timer) = &mut self.timer {
            if timer.wait().await.is_ok() {
                return;
            }
            // A timer that fails once is not trusted again.
            self.timer = None;
        }
        self.interval.tick().await;
    }
}

impl Default for Ticker {
    fn default() -> Ticker {
        Ticker::new()
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::fs::File;
    use std::io::{self, Read};
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::time::UNIX_EPOCH;

    use tokio::io::Interest;
    use tokio::io::unix::AsyncFd;

    /// A `timerfd` firing at every whole second of the wall clock.
    pub struct SecondTimer {
        pub(super) fd: AsyncFd<File>,
        /// The first tick is due at once, as with a tokio interval.
        first: bool,
    }

    /// The next whole second of the wall clock, in seconds since the epoch.
    pub(super) fn next_second() -> io::Result<u64> {
        let now = crate::clock::real_system_time()
            .duration_since(UNIX_EPOCH)
            .map_err(io::Error::other)?;
        Ok(now.as_secs() + 1)
    }

    /// Arms `timer` to fire at `second` (since the epoch), then every
    /// second. A step of the wall clock cancels it (the next read fails
    /// with `ECANCELED`): an absolute timer would otherwise wait for the
    /// old time, as long as the clock was stepped back.
    pub(super) fn arm(timer: &File, second: u64) -> io::Result<()> {
        let spec = libc::itimerspec {
            it_interval: libc::timespec {
                tv_sec: 1,
                tv_nsec: 0,
            },
            it_value: libc::timespec {
                tv_sec: libc::time_t::try_from(second).map_err(io::Error::other)?,
                tv_nsec: 0,
            },
        };
        // SAFETY: `spec` is a valid itimerspec that outlives the call; the
        // old value is not asked for.
        let set = unsafe {
            libc::timerfd_settime(
                timer.as_raw_fd(),
                libc::TFD_TIMER_ABSTIME | libc::TFD_TIMER_CANCEL_ON_SET,
                &spec,
                std::ptr::null_mut(),
            )
        };
        if set < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    impl SecondTimer {
        pub fn new() -> io::Result<SecondTimer> {
            // SAFETY: timerfd_create takes no pointers; the result is checked.
            let raw = unsafe {
                libc::timerfd_create(libc::CLOCK_REALTIME, libc::TFD_NONBLOCK | libc::TFD_CLOEXEC)
            };
            if raw < 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: `raw` is a file descriptor just opened and owned by no one else.
            let file = File::from(unsafe { OwnedFd::from_raw_fd(raw) });
            arm(&file, next_second()?)?;
            // SAFETY: the `File` owns its descriptor, which stays open and
            // the same for as long as the `AsyncFd` holds the `File`.
            let fd = unsafe { AsyncFd::register_with_interest(file, Interest::READABLE)? };
            Ok(SecondTimer { fd, first: true })
        }

        /// Waits for the next whole second (the expirations missed meanwhile
        /// are read together: a late tick is not followed by a burst).
        pub async fn wait(&mut self) -> io::Result<()> {
            if std::mem::take(&mut self.first) {
                return Ok(());
            }
            let read = loop {
                let mut guard = self.fd.readable_mut().await?;
                let mut count = [0u8; 8];
                match guard.try_io(|fd| fd.get_mut().read(&mut count)) {
                    Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Ok(read) => {
                        // The read emptied the timer (or found it cancelled):
                        // the next expiration is a new edge, so the next
                        // wait need not read first.
                        guard.clear_ready();
                        break read;
                    }
                    Err(_would_block) => continue,
                }
            };
            self.after_read(read)
        }

        /// What a read of the timer means: a tick; a step of the wall clock
        /// (`ECANCELED`), after which the timer is armed again on the next
        /// whole second of the new time and the tick is at once (the clock
        /// on screen shows the new time); or a failure.
        pub(super) fn after_read(&mut self, read: io::Result<usize>) -> io::Result<()> {
            match read {
                Ok(8) => Ok(()),
                Ok(_) => Err(io::ErrorKind::UnexpectedEof.into()),
                Err(e) if e.raw_os_error() == Some(libc::ECANCELED) => {
                    arm(self.fd.get_ref(), next_second()?)
                }
                Err(e) => Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_tick_is_at_once_and_the_next_on_a_second() {
        let mut ticker = Ticker::new();
        let start = std::time::Instant::now();
        ticker.tick().await;
        assert!(start.elapsed() < Duration::from_millis(500));
        ticker.tick().await;
        let wall = crate::clock::real_system_time()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        ticker.tick().await;
        let between = start.elapsed();
        // Two ticks after the first: at least one whole second apart,
        // and not a burst.
        assert!(between >= Duration::from_millis(900), "{between:?}");
        assert!(between <= Duration::from_secs(5), "{between:?}");
        #[cfg(target_os = "linux")]
        {
            assert!(ticker.timer.is_some(), "the timerfd is used on Linux");
            // The tick came on (just after) a whole second of the wall clock.
            assert!(wall.subsec_millis() < 500, "{wall:?}");
        }
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_clock_step_arms_the_timer_again_on_the_next_whole_second() {
        let mut timer = linux::SecondTimer::new().unwrap();
        timer.wait().await.unwrap();
        // A step back leaves the timer waiting for the old time: an hour
        // away, here.
        linux::arm(timer.fd.get_ref(), linux::next_second().unwrap() + 3600).unwrap();
        // The read after the step: a tick at once, not a failure.
        let start = std::time::Instant::now();
        timer
            .after_read(Err(std::io::Error::from_raw_os_error(libc::ECANCELED)))
            .unwrap();
        // Then a tick on the next whole second of the clock.
        tokio::time::timeout(Duration::from_secs(3), timer.wait())
            .await
            .expect("the timer ticks again within a second")
            .unwrap();
        let wall = crate::clock::real_system_time()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        assert!(
            start.elapsed() <= Duration::from_millis(1500),
            "{:?}",
            start.elapsed()
        );
        assert!(wall.subsec_millis() < 500, "{wall:?}");
        // And the next one a second later, as before the step.
        tokio::time::timeout(Duration::from_secs(3), timer.wait())
            .await
            .expect("and every second after")
            .unwrap();
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn other_read_results_are_failures() {
        let mut timer = linux::SecondTimer::new().unwrap();
        assert!(timer.after_read(Ok(8)).is_ok());
        assert!(timer.after_read(Ok(3)).is_err());
        let bad = timer.after_read(Err(std::io::Error::from_raw_os_error(libc::EBADF)));
        assert_eq!(bad.unwrap_err().raw_os_error(), Some(libc::EBADF));
    }
}
