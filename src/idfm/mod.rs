//! Île-de-France Mobilités: PRIM's real-time services (stop-monitoring in
//! SIRI Lite, the region's disruptions) with the PRIM token, and the
//! portal's datasets (stations, lines, and the lift status of the Licence
//! Mobilité with the dataset key), as a [`crate::network::Network`]
//! ([`Idfm`]) that lives within the day's request quota.

pub mod client;
pub mod datasets;
/// A simulated day of requests (the quota measurement and its tests).
#[cfg(feature = "wire")]
pub mod day;
pub mod disruptions;
pub(crate) mod kind;
mod rounds;
mod rows;
pub mod siri;
pub mod source;

#[cfg(feature = "wire")]
pub use client::{Api, ApiUsage, Usage};
pub use client::{Client, DEFAULT_DATA_URL, DEFAULT_PRIM_URL};
pub use source::{ID, Idfm};

/// Île-de-France's time zone: its dates, clocks and service days are
/// local to it.
pub const ZONE: &str = "Europe/Paris";

/// Where IDFM publishes the regional GTFS timetable (the
/// `offre-horaires-tc-gtfs-idfm` dataset's file).
pub const DEFAULT_GTFS_URL: &str = "https://eu.ftp.opendatasoft.com/stif/GTFS/IDFM-gtfs.zip";

use crate::network::KeyName;

/// The PRIM API token (real-time services).
pub const PRIM_KEY: KeyName = KeyName {
    env: "IDFM_API_KEY",
    setting: "key_setting_prim",
    how_to_get: &["key_how_prim_token", "key_how_prim_quota"],
};

/// The key of the Licence Mobilité datasets (lift status), on the portal.
pub const DATASET_KEY: KeyName = KeyName {
    env: "IDFM_DATASET_KEY",
    setting: "key_setting_dataset",
    how_to_get: &["key_how_dataset_account", "key_how_dataset_value"],
};

/// Where the data comes from, as the licences ask to say it.
/// (a catalog key).
pub const ATTRIBUTION: &str = "attribution_idfm";
