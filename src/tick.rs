//! The 1 Hz tick of the live board and the kiosk.
//!
//! A tokio interval wakes the program twice a second (its timer wheel first
//! wakes near the deadline, then at it) and once more when the timer is set
//! again; on an idle board those wake-ups were a third of the CPU time. On
//! Linux the tick is a kernel timer (`timerfd`) that fires on each second of
//! the wall clock: one wake-up a second, and the clock on screen turns when
//! the real second does. Elsewhere, or if the timer cannot be made, it is a
//! tokio interval.

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
    use std::time::{SystemTime, UNIX_EPOCH};

    use tokio::io::Interest;
    use tokio::io::unix::AsyncFd;

    /// A `timerfd` firing at every whole second of the wall clock.
    pub struct SecondTimer {
        fd: AsyncFd<File>,
        /// The first tick is due at once, as with a tokio interval.
        first: bool,
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
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_err(io::Error::other)?;
            let second = libc::timespec {
                tv_sec: 1,
                tv_nsec: 0,
            };
            let spec = libc::itimerspec {
                it_interval: second,
                it_value: libc::timespec {
                    tv_sec: libc::time_t::try_from(now.as_secs() + 1).map_err(io::Error::other)?,
                    tv_nsec: 0,
                },
            };
            // SAFETY: `spec` is a valid itimerspec that outlives the call; the
            // old value is not asked for.
            let set = unsafe {
                libc::timerfd_settime(
                    file.as_raw_fd(),
                    libc::TFD_TIMER_ABSTIME,
                    &spec,
                    std::ptr::null_mut(),
                )
            };
            if set < 0 {
                return Err(io::Error::last_os_error());
            }
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
            loop {
                let mut guard = self.fd.readable_mut().await?;
                let mut count = [0u8; 8];
                match guard.try_io(|fd| fd.get_mut().read(&mut count)) {
                    Ok(Ok(8)) => {
                        // The read emptied the timer: the next expiration is
                        // a new edge, so the next wait need not read first.
                        guard.clear_ready();
                        return Ok(());
                    }
                    Ok(Ok(_)) => return Err(io::ErrorKind::UnexpectedEof.into()),
                    Ok(Err(e)) => return Err(e),
                    Err(_would_block) => continue,
                }
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
        let wall = std::time::SystemTime::now()
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
}
