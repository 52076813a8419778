//! What a whole day of a board costs in requests: the real [`Idfm`]
//! network, its client and a server (the demo's, in the measurement and
//! the tests), with the time read from a simulated clock that a board's
//! poller would see — asked every `step` from midnight to midnight.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use jiff::Timestamp;

use super::client::Api;
use super::source::Idfm;
use crate::network::{NetError, Network, PerRow, RowRequest};

/// The requests a day of polling sent, per API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCost {
    pub stop_monitoring: u32,
    pub disruptions: u32,
}

/// A clock that a simulation moves by hand.
#[derive(Clone)]
pub struct HandClock(Arc<AtomicI64>);

impl HandClock {
    pub fn starting(at: Timestamp) -> HandClock {
        HandClock(Arc::new(AtomicI64::new(at.as_millisecond())))
    }

    pub fn now(&self) -> Timestamp {
        Timestamp::from_millisecond(self.0.load(Ordering::Relaxed)).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_millis() as i64, Ordering::Relaxed);
    }

    pub fn reader(&self) -> super::source::Clock {
        let clock = self.clone();
        Arc::new(move || clock.now())
    }
}

/// Polls `stations` for a simulated day: their rows every `step` (as a
/// board's poller does, whatever the network's own period), the messages
/// every minute. `net` must read its time from `clock`.
pub async fn simulate(
    net: &Idfm,
    clock: &HandClock,
    stations: &[&str],
    step: Duration,
) -> Result<DayCost, NetError> {
    let before = (
        net.client().usage(Api::StopMonitoring).sent,
        net.client().usage(Api::Disruptions).sent,
    );
    let mut rows = Vec::new();
    for station in stations {
        let stop_ids = vec![station.to_string()];
        for line in net.lines_at(&stop_ids).await? {
            rows.push(RowRequest {
                place: station.to_string(),
                stop_ids: stop_ids.clone(),
                line_id: line.line.id.clone(),
                outbound: line.outbound,
                destination: line.destination.clone(),
                to: None,
            });
        }
    }
    let day = Duration::from_secs(86_400);
    let mut elapsed = Duration::ZERO;
    let mut since_messages = Duration::from_secs(60);
    while elapsed < day {
        net.departures(&rows, PerRow::DEFAULT).await?;
        if since_messages >= Duration::from_secs(60) {
            let _ = net.messages().await;
            since_messages = Duration::ZERO;
        }
        clock.advance(step);
        elapsed += step;
        since_messages += step;
    }
    Ok(DayCost {
        stop_monitoring: net.client().usage(Api::StopMonitoring).sent - before.0,
        disruptions: net.client().usage(Api::Disruptions).sent - before.1,
    })
}
