//! What every full-screen command shares: the full screen opened and
//! restored, input read on its own thread and the Unix signals, both turned
//! into the command's own messages.
//!
//! A terminal can go away under a running program: its window closed, its
//! SSH connection or tmux session ended. Its file descriptors then stay hung
//! up for good: reads find end of file, writes and ioctls fail. crossterm
//! reads such a terminal in a loop that never ends, and asks its size of
//! `tput` when the ioctl fails; so here input is handed to crossterm only
//! when the terminal has something to read, and the size is asked of the
//! terminal itself, never of a program.

use std::io::{self, Stdout, Write};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::event::{self, Event};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{EnterAlternateScreen, enable_raw_mode};
use ratatui::layout::{Position, Size};
use tokio::sync::mpsc;

/// A signal, as a full-screen command sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGTERM or SIGINT: leave, restoring the terminal.
    Stop,
    /// SIGHUP: the board leaves; the kiosk reloads its files while its
    /// terminal lives, and leaves when it is gone.
    Hangup,
    /// SIGWINCH: the terminal's size changed.
    Resize,
}

/// The full screen on stdout.
pub type Screen = Terminal<TtyBackend>;

/// crossterm's backend on stdout, except that the terminal's size is asked
/// of the terminal (the `TIOCGWINSZ` ioctl), so that drawing never starts a
/// process, even on a terminal that is gone, and that the cells of a frame
/// are written into memory a run of one style at a time, then sent in one
/// write ([`crate::ansi`]).
pub struct TtyBackend(CrosstermBackend<Stdout>, Vec<u8>);

impl Backend for TtyBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let bytes = &mut self.1;
        bytes.clear();
        crate::ansi::encode(bytes, content)?;
        self.0.write_all(bytes)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.0.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.0.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        match self.0.show_cursor() {
            // A terminal that is gone has no cursor to show (ratatui shows
            // it when the terminal is dropped, and reports a failure).
            Err(_) if !is_alive() => Ok(()),
            shown => shown,
        }
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.0.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.0.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.0.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.0.clear_region(clear_type)
    }

    #[cfg(unix)]
    fn size(&self) -> io::Result<Size> {
        tty::size(libc::STDOUT_FILENO)
    }

    #[cfg(not(unix))]
    fn size(&self) -> io::Result<Size> {
        self.0.size()
    }

    #[cfg(unix)]
    fn window_size(&mut self) -> io::Result<WindowSize> {
        let ws = tty::winsize(libc::STDOUT_FILENO)?;
        Ok(WindowSize {
            columns_rows: tty::size(libc::STDOUT_FILENO)?,
            pixels: Size::new(ws.ws_xpixel, ws.ws_ypixel),
        })
    }

    #[cfg(not(unix))]
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.0.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.0)
    }
}

/// xterm's alternate scroll mode (DECSET 1007), set on the full screen and
/// reset when it is left: the wheel sends ↑ and ↓ there.
const WHEEL_AS_ARROWS_ON: &[u8] = b"\x1b[?1007h";
const WHEEL_AS_ARROWS_OFF: &[u8] = b"\x1b[?1007l";

/// Opens the full screen on stdout (raw mode, the alternate screen). It is
/// left by [`restore`], and after a panic before the message is printed
/// (install other panic hooks before).
pub fn init() -> io::Result<Screen> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        hook(info);
    }));
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    // The mouse wheel as ↑ and ↓ (the terminal's alternate scroll mode,
    // where it has one): the board scrolls with the wheel, and text can
    // still be selected, which capturing the mouse would prevent.
    io::stdout().write_all(WHEEL_AS_ARROWS_ON)?;
    Terminal::new(TtyBackend(CrosstermBackend::new(io::stdout()), Vec::new()))
}

/// Leaves the full screen. A terminal that is gone has nothing to restore,
/// and nobody to tell that it could not be.
pub fn restore() {
    if !is_alive() {
        return;
    }
    let _ = io::stdout().write_all(WHEEL_AS_ARROWS_OFF);
    if let Err(e) = ratatui::try_restore() {
        let _ = writeln!(io::stderr(), "quai: cannot restore the terminal: {e}");
    }
}

/// Whether the terminal on stdout is still there: a terminal that hung up
/// (its window closed, its connection or tmux session ended) answers no
/// ioctl any more, and never will again.
pub fn is_alive() -> bool {
    #[cfg(unix)]
    {
        tty::alive(libc::STDOUT_FILENO)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Reads input on a thread that waits for the terminal to have something
/// to read, so that it wakes only on input. Events that `map` turns into
/// nothing are dropped. When input ends (no keyboard, end of file, a
/// terminal gone or failing), what `on_end` makes then is sent, and the
/// thread ends.
pub fn spawn_input<M: Send + 'static>(
    tx: mpsc::Sender<M>,
    map: fn(Event) -> Option<M>,
    on_end: fn() -> M,
) {
    std::thread::spawn(move || {
        read_input(&tx, map);
        let _ = tx.blocking_send(on_end());
    });
}

/// Sends the events read until input ends or the receiver is gone.
fn read_input<M>(tx: &mpsc::Sender<M>, map: fn(Event) -> Option<M>) {
    // crossterm reads stdin when it is a terminal, else /dev/tty.
    #[cfg(unix)]
    let Some(input) = tty::Input::open() else {
        return;
    };
    loop {
        // crossterm is called only with something to read: on a terminal
        // that hung up it would read end of file for ever.
        #[cfg(unix)]
        if !input.wait() {
            return;
        }
        // One read may bring several events (keys typed fast, a paste):
        // they are all taken before waiting again.
        loop {
            let Ok(event) = event::read() else {
                return;
            };
            if let Some(msg) = map(event)
                && tx.blocking_send(msg).is_err()
            {
                return;
            }
            match event::poll(Duration::ZERO) {
                Ok(true) => {}
                Ok(false) => break,
                Err(_) => return,
            }
        }
    }
}

/// Turns SIGTERM, SIGINT, SIGHUP and SIGWINCH into messages, for as long as
/// the receiver lives, so that the terminal is restored under systemd too.
pub fn spawn_signals<M: Send + 'static>(tx: mpsc::Sender<M>, map: fn(Signal) -> M) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup), Ok(mut int), Ok(mut winch)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::window_change()),
        ) else {
            return;
        };
        loop {
            let signal = tokio::select! {
                _ = term.recv() => Signal::Stop,
                _ = int.recv() => Signal::Stop,
                _ = hup.recv() => Signal::Hangup,
                _ = winch.recv() => Signal::Resize,
            };
            if tx.send(map(signal)).await.is_err() {
                return;
            }
        }
    });
    #[cfg(not(unix))]
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = tx.send(map(Signal::Stop)).await;
        }
    });
}

/// The terminal asked directly, by its file descriptor.
#[cfg(unix)]
mod tty {
    use std::fs::File;
    use std::io;
    use std::os::fd::{AsRawFd, RawFd};

    use ratatui::layout::Size;

    /// The terminal's size in cells and pixels.
    pub fn winsize(fd: RawFd) -> io::Result<libc::winsize> {
        let mut ws = libc::winsize {
            ws_row: 0,
            ws_col: 0,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCGWINSZ writes one `winsize` to the pointer, which
        // points to `ws` for the whole call; a bad `fd` is an error.
        if unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(ws)
    }

    /// The terminal's size in cells. A terminal that does not know it (a
    /// serial line says 0×0) gets `COLUMNS`×`LINES`, else 80×24; one that
    /// does not answer is an error.
    pub fn size(fd: RawFd) -> io::Result<Size> {
        let ws = winsize(fd)?;
        if ws.ws_col > 0 && ws.ws_row > 0 {
            return Ok(Size::new(ws.ws_col, ws.ws_row));
        }
        let from_env = |name: &str, default: u16| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u16>().ok())
                .filter(|&n| n > 0)
                .unwrap_or(default)
        };
        Ok(Size::new(from_env("COLUMNS", 80), from_env("LINES", 24)))
    }

    /// Whether `fd` is a terminal that still answers.
    pub fn alive(fd: RawFd) -> bool {
        // SAFETY: isatty takes no pointer; a bad `fd` gives 0.
        let tty = unsafe { libc::isatty(fd) } == 1;
        tty && winsize(fd).is_ok()
    }

    /// Waits until `fd` has something to read (true) or never will (false:
    /// hung up, at end of file, failing).
    pub fn wait_for_input(fd: RawFd) -> bool {
        loop {
            let mut poll = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid `pollfd`, alive for the whole call.
            let ready = unsafe { libc::poll(&mut poll, 1, -1) };
            if ready < 0 {
                if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return false;
            }
            if poll.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                return false;
            }
            if poll.revents & libc::POLLIN == 0 {
                continue;
            }
            // Readable with nothing to read: end of file.
            let mut pending: libc::c_int = 0;
            // SAFETY: FIONREAD writes one `c_int` to the pointer, which
            // points to `pending` for the whole call.
            let asked = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut pending) };
            return asked >= 0 && pending > 0;
        }
    }

    /// The terminal crossterm reads: stdin when it is one, else /dev/tty.
    pub struct Input {
        /// /dev/tty, open for as long as it is read.
        _tty: Option<File>,
        fd: RawFd,
    }

    impl Input {
        /// `None` when there is no terminal to read.
        pub fn open() -> Option<Input> {
            // SAFETY: isatty takes no pointer.
            if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
                return Some(Input {
                    _tty: None,
                    fd: libc::STDIN_FILENO,
                });
            }
            let tty = File::open("/dev/tty").ok()?;
            let fd = tty.as_raw_fd();
            Some(Input {
                _tty: Some(tty),
                fd,
            })
        }

        /// See [`wait_for_input`].
        pub fn wait(&self) -> bool {
            wait_for_input(self.fd)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::io::Write;
        use std::os::fd::{FromRawFd, OwnedFd};
        use std::os::unix::fs::OpenOptionsExt;
        use std::time::{Duration, Instant};

        /// A pseudo-terminal: (the terminal's side, the program's side).
        fn pty() -> (File, File) {
            // SAFETY: the calls take no pointer but the name, which is
            // copied before any other call; every result is checked.
            unsafe {
                let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
                assert!(master >= 0, "{}", io::Error::last_os_error());
                let master = File::from(OwnedFd::from_raw_fd(master));
                assert_eq!(libc::grantpt(master.as_raw_fd()), 0);
                assert_eq!(libc::unlockpt(master.as_raw_fd()), 0);
                let name = libc::ptsname(master.as_raw_fd());
                assert!(!name.is_null());
                let name = std::ffi::CStr::from_ptr(name).to_str().unwrap().to_string();
                let slave = std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .custom_flags(libc::O_NOCTTY)
                    .open(name)
                    .unwrap();
                (master, slave)
            }
        }

        #[test]
        fn the_size_is_the_terminals_and_a_closed_terminal_is_gone() {
            let (master, slave) = pty();
            let ws = libc::winsize {
                ws_row: 41,
                ws_col: 123,
                ws_xpixel: 0,
                ws_ypixel: 0,
            };
            // SAFETY: TIOCSWINSZ reads one `winsize` from the pointer.
            assert_eq!(
                unsafe { libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &ws) },
                0
            );
            assert_eq!(size(slave.as_raw_fd()).unwrap(), Size::new(123, 41));
            assert!(alive(slave.as_raw_fd()));
            drop(master);
            assert!(!alive(slave.as_raw_fd()), "a hung-up terminal is gone");
            assert!(size(slave.as_raw_fd()).is_err(), "no size, no tput");
            // Not a terminal at all.
            let file = File::open("/dev/null").unwrap();
            assert!(!alive(file.as_raw_fd()));
            assert!(size(file.as_raw_fd()).is_err());
        }

        #[test]
        fn a_terminal_that_does_not_know_its_size_gets_80_by_24() {
            let (_master, slave) = pty();
            // A new pseudo-terminal is 0×0; the test runs without
            // COLUMNS and LINES (cargo does not set them).
            if std::env::var_os("COLUMNS").is_none() && std::env::var_os("LINES").is_none() {
                assert_eq!(size(slave.as_raw_fd()).unwrap(), Size::new(80, 24));
            }
        }

        #[test]
        fn input_is_waited_for_and_a_hang_up_ends_the_wait_at_once() {
            let (mut master, slave) = pty();
            // A new pseudo-terminal is line by line: a key and Enter.
            master.write_all(b"q\n").unwrap();
            assert!(wait_for_input(slave.as_raw_fd()), "a key to read");
            let mut line = [0u8; 2];
            std::io::Read::read_exact(&mut &slave, &mut line).unwrap();
            assert_eq!(&line, b"q\n");
            let fd = slave.as_raw_fd();
            let (done, waited) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _ = done.send(wait_for_input(fd));
            });
            std::thread::sleep(Duration::from_millis(100));
            assert!(waited.try_recv().is_err(), "nothing to read: it waits");
            drop(master);
            let input = waited
                .recv_timeout(Duration::from_secs(5))
                .expect("the hang-up ends the wait");
            assert!(!input, "a terminal that hung up has nothing more to read");
            // And again at once, without waiting.
            let start = Instant::now();
            assert!(!wait_for_input(slave.as_raw_fd()));
            assert!(start.elapsed() < Duration::from_millis(500));
        }
    }
}
