//! The Ginko API (Besançon): transport, wire types, typed methods, the
//! batched waiting-times helper, the conversion to domain types, and Ginko
//! as a [`crate::network::Network`] ([`Ginko`]).

pub mod batch;
pub mod client;
pub mod convert;
mod destination;
pub mod error;
pub(crate) mod kind;
pub(crate) mod lenient;
pub mod methods;
pub mod model;
pub mod source;

pub use batch::WaitResult;
// What only quai's own tests and benchmarks reach from outside.
#[cfg(feature = "wire")]
pub use batch::{MAX_REQUESTS_PER_CALL, match_answers};
pub use client::{ApiKey, Client, DEFAULT_BASE_URL, Params, parse_base_url};
#[cfg(feature = "wire")]
pub use client::{MAX_BODY_BYTES, Timeouts};
pub use error::ApiError;
pub use methods::{Nb, PlaceQuery, WaitRequest};
pub use source::{Ginko, ID};

/// Ginko's time zone: its dates, clocks and service days are local to it.
pub const ZONE: &str = "Europe/Paris";

/// The current time in Ginko's zone.
pub fn now() -> jiff::Zoned {
    crate::clock::now().to_zoned(jiff::tz::TimeZone::get(ZONE).unwrap_or(jiff::tz::TimeZone::UTC))
}

/// Where Ginko publishes its GTFS timetable (replaced when the offer changes).
pub const DEFAULT_GTFS_URL: &str = "https://api.ginko.voyage/gtfs-ginko.zip";
