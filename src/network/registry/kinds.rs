//! The kinds of network quai knows, each described once: the one table
//! the rest of the program asks instead of matching on a network's id.
//!
//! A kind is a folder beside `src/ginko/` with an implementation of
//! [`crate::network::Network`], and one entry in [`KINDS`]: what it is
//! called, where its settings and keys are, its clocks' zone, where its
//! timetable comes from and how it is fetched, what its index keeps, how
//! it is built from the settings and what its demo is.

use std::path::Path;

use super::{Build, DemoBuild};
use crate::cache::Cache;
use crate::config::{self, Settings};
use crate::network::Source;
use crate::timetable::store::{Auth, FeedSource};

/// Declares each kind's folder (`src/<kind>/`) as a module of the network
/// seam, `crate::network::<kind>` through the re-export in
/// `src/network/mod.rs`, and its entry in [`KINDS`]: a new kind is its
/// folder and one entry here. Without the `wire` feature (every build of
/// the program) the folders are private to `crate::network`: only the
/// registry, the demo and the kinds themselves can name what is inside,
/// and the compiler says so. `wire` opens them to quai's own tests.
macro_rules! kinds {
    ($($module:ident at $path:literal => $kind:expr),+ $(,)?) => {
        $(
            #[cfg(feature = "wire")]
            #[path = $path]
            pub mod $module;
            #[cfg(not(feature = "wire"))]
            #[path = $path]
            pub(in crate::network) mod $module;
        )+

        /// The kinds' folders, for `src/network/mod.rs` to re-export.
        pub mod folders {
            $(
                #[cfg(feature = "wire")]
                pub use super::$module;
                #[cfg(not(feature = "wire"))]
                pub(in crate::network) use super::$module;
            )+
        }

        /// The kinds, the default network's first.
        pub static KINDS: [Kind; [$(stringify!($module)),+].len()] = [$($kind),+];
    };
}

/// The zone a kind's clocks, dates and service days are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Always this one (an IANA name).
    Fixed(&'static str),
    /// Its timetable's (`agency_timezone`), once one is compiled.
    Timetable,
}

/// Everything the rest of quai may know of a kind of network.
pub struct Kind {
    /// How `quai networks --json` names the kind, in every language.
    pub code: &'static str,
    /// Its description in `quai networks` (a catalog key).
    pub shown: &'static str,
    /// A built-in kind has one network, with this id and name; the others
    /// have one per `[[network]]` table of the settings.
    pub builtin: Option<(&'static str, &'static str)>,
    /// Where its settings are.
    pub settings: &'static str,
    /// The environment variables that hold its keys.
    pub key_env: &'static [&'static str],
    /// Whether it needs a key of the rider's (`quai networks` says whether
    /// one is set).
    pub keyed: bool,
    pub zone: Zone,
    /// Whether its compiled timetable keeps each trip's stops (what trip
    /// updates are applied to, where a trip goes: `--to`). Every kind
    /// does: trips share their stop patterns, so it costs little.
    pub trip_stops: bool,
    /// Where its GTFS timetable is published when the settings say nothing.
    pub default_gtfs_url: Option<&'static str>,
    /// The settings' `gtfs_url` for its network `id`.
    pub gtfs_setting: fn(&Settings, &str) -> Option<String>,
    /// The header its timetable's download needs, if any.
    pub gtfs_auth: fn(&Settings, &Path, &FeedSource) -> Result<Option<Auth>, String>,
    /// Whether its key is configured.
    pub has_key: fn(&Settings, &Path, &Cache) -> bool,
    /// Its networks, built from the settings (none when not configured).
    pub build: fn(&Build<'_>) -> Result<Vec<Source>, String>,
    /// Its network in the demo, served by the demo server.
    pub demo: fn(&DemoBuild<'_>) -> Result<Source, String>,
}

// The kinds, the default network's first: each is its folder, declared
// here as a module of the network seam, and its entry in [`KINDS`].
kinds! {
    ginko at "../../ginko/mod.rs" => Kind {
        code: "ginko-api",
        shown: "net_kind_ginko",
        builtin: Some((ginko::ID, "Ginko")),
        settings: "api_key, api_key_file, api_url, [ginko]",
        key_env: &[config::KEY_ENV],
        keyed: true,
        zone: Zone::Fixed(ginko::ZONE),
        trip_stops: true,
        default_gtfs_url: Some(ginko::DEFAULT_GTFS_URL),
        gtfs_setting: |settings, _| settings.ginko.as_ref().and_then(|g| g.gtfs_url.clone()),
        gtfs_auth: |_, _, _| Ok(None),
        has_key: |settings, path, _| {
            settings
                .api_key(std::env::var(config::KEY_ENV).ok(), path)
                .ok()
                .flatten()
                .is_some()
        },
        build: ginko::kind::build,
        demo: ginko::kind::demo,
    },
    idfm at "../../idfm/mod.rs" => Kind {
        code: "idfm-prim",
        shown: "net_kind_idfm",
        builtin: Some((idfm::ID, "IDFM")),
        settings: "[idfm]",
        key_env: &[idfm::PRIM_KEY.env, idfm::DATASET_KEY.env],
        keyed: true,
        zone: Zone::Fixed(idfm::ZONE),
        trip_stops: true,
        default_gtfs_url: Some(idfm::DEFAULT_GTFS_URL),
        gtfs_setting: |settings, _| settings.idfm.as_ref().and_then(|t| t.gtfs_url.clone()),
        gtfs_auth: idfm::kind::gtfs_auth,
        has_key: |settings, path, cache| {
            idfm::kind::client(settings, path, cache)
                .ok()
                .flatten()
                .is_some()
        },
        build: idfm::kind::build,
        demo: idfm::kind::demo,
    },
    gtfsrt at "../../gtfsrt/mod.rs" => Kind {
        code: "gtfs-realtime",
        shown: "net_kind_feeds",
        builtin: None,
        settings: "[[network]]",
        key_env: &[],
        keyed: false,
        zone: Zone::Timetable,
        trip_stops: true,
        default_gtfs_url: None,
        gtfs_setting: |settings, id| {
            settings
                .networks
                .iter()
                .find(|n| n.id == id)
                .and_then(|n| n.gtfs_url.clone())
        },
        gtfs_auth: |_, _, _| Ok(None),
        has_key: |_, _, _| false,
        build: gtfsrt::kind::build,
        demo: gtfsrt::kind::demo,
    },
}

/// The kind whose networks read their feeds (one per `[[network]]`).
fn defined_kind() -> &'static Kind {
    KINDS
        .iter()
        .find(|k| k.builtin.is_none())
        .unwrap_or(&KINDS[0])
}

/// The built-in networks' ids, the default's first.
pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
    KINDS.iter().filter_map(|k| k.builtin.map(|b| b.0))
}

/// The network of a place or favourite that names none: the first
/// built-in one (Ginko, quai's first network).
pub fn default_network() -> &'static str {
    builtin_ids().next().unwrap_or_default()
}

/// The kind of network `id`: a built-in one's, else a `[[network]]`'s.
pub fn kind_of(id: &str) -> &'static Kind {
    KINDS
        .iter()
        .find(|k| k.builtin.is_some_and(|b| b.0 == id))
        .unwrap_or_else(defined_kind)
}

/// Whether `id` is a built-in network's.
pub fn is_builtin(id: &str) -> bool {
    builtin_ids().any(|b| b == id)
}

/// The default network's zone when it is fixed (else UTC): the shown zone
/// until a network is built.
pub fn default_zone() -> &'static str {
    match KINDS.first().map(|k| k.zone) {
        Some(Zone::Fixed(name)) => name,
        _ => "UTC",
    }
}
