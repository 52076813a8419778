//! What every full-screen command shares: input read on its own thread and
//! the Unix signals, both turned into the command's own messages.

use ratatui::crossterm::event::{self, Event};
use tokio::sync::mpsc;

/// A signal, as a full-screen command sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGTERM or SIGINT: leave, restoring the terminal.
    Stop,
    /// SIGHUP: the board's terminal is gone; the kiosk reloads its files.
    Hangup,
}

/// Reads input on a thread blocked in `read()`, so that it wakes only on
/// input. Events that `map` turns into nothing are dropped. When input
/// fails (no keyboard, a closed terminal), `on_error` is sent, if any, and
/// the thread ends.
pub fn spawn_input<M: Send + 'static>(
    tx: mpsc::Sender<M>,
    map: fn(Event) -> Option<M>,
    on_error: Option<M>,
) {
    std::thread::spawn(move || {
        loop {
            match event::read() {
                Ok(event) => {
                    if let Some(msg) = map(event)
                        && tx.blocking_send(msg).is_err()
                    {
                        return;
                    }
                }
                Err(_) => {
                    if let Some(msg) = on_error {
                        let _ = tx.blocking_send(msg);
                    }
                    return;
                }
            }
        }
    });
}

/// Turns SIGTERM, SIGINT and SIGHUP into messages, for as long as the
/// receiver lives, so that the terminal is restored under systemd too.
pub fn spawn_signals<M: Send + 'static>(tx: mpsc::Sender<M>, map: fn(Signal) -> M) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        loop {
            let signal = tokio::select! {
                _ = term.recv() => Signal::Stop,
                _ = int.recv() => Signal::Stop,
                _ = hup.recv() => Signal::Hangup,
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
