//! Any network from its feeds: a GTFS timetable (compiled by
//! [`crate::timetable`]) and GTFS-Realtime trip updates, alerts and
//! vehicle positions (`[[network]]` in the settings). The protobuf wire
//! format stays here; the rest of quai sees a [`crate::network::Network`].
//!
//! - [`proto`]: the messages, as the official `gtfs-realtime.proto`;
//! - [`feed`]: one feed fetched (conditional, bounded) and decoded;
//! - [`live`]: what trip updates say of a scheduled departure;
//! - [`alerts`]: alerts as traffic messages;
//! - [`source`]: the network and its feeds' states;
//! - `destination`: where a row's departures go, and their arrivals;
//! - [`rows`]: a row's departures, the timetable's corrected by the trip
//!   updates, and the trips it does not have.

pub mod alerts;
mod destination;
pub mod feed;
pub(crate) mod kind;
pub mod live;
pub mod proto;
mod rows;
pub mod source;

pub use feed::{FeedAuth, Fetcher, Kind};
pub use source::FeedNetwork;
