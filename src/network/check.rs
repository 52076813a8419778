//! What `quai networks check` learns of a network read from its feeds, in
//! terms any network could give: each feed's state, and how many of the
//! trips its updates name the timetable knows.

use std::time::Duration;

use jiff::Timestamp;

/// One feed as it was read.
#[derive(Debug, Clone)]
pub struct FeedStatus {
    /// Its name in `--json`, the same in every language ("trip updates").
    pub feed: &'static str,
    /// Its name in the rider's language.
    pub shown: &'static str,
    /// Its URL, without its query (where a key may be).
    pub url: String,
    pub fetched_at: Option<Timestamp>,
    /// How old its content is, by its own header (else since it was read).
    pub age: Option<Duration>,
    pub header_timestamp: Option<Timestamp>,
    pub entities: usize,
    /// Its entities that are trip updates, vehicle positions and alerts.
    pub kinds: [usize; 3],
    pub bytes: usize,
    /// Why its last read failed, in the rider's language.
    pub error: Option<String>,
}

/// A feed network's feeds, read once.
#[derive(Debug, Clone)]
pub struct FeedCheck {
    pub name: String,
    pub feeds: Vec<FeedStatus>,
    /// Older than this (by its own header), a feed is not live.
    pub stale_after: Duration,
    /// The trips of the updates found in the timetable, of all.
    pub matching_trips: Option<(usize, usize)>,
    /// The stop updates whose `stop_sequence` names another stop of their
    /// trip than their `stop_id` (the GTFS-Realtime validator's E045):
    /// never applied to that other stop.
    pub stop_disagreements: Option<StopDisagreements>,
    /// What else the updates say that the timetable does not (unknown
    /// trips, routes and stops, trips that do not run that day, added
    /// trips without a route).
    pub findings: Vec<Finding>,
}

/// One kind of problem in a feed's content, with how many and one example.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The MobilityData GTFS-Realtime validator's rule code, where it has
    /// one ("E003").
    pub code: Option<&'static str>,
    /// The catalog key of its sentence (`{n}` and `{example}` in it).
    pub key: &'static str,
    pub count: usize,
    /// One of them, as the feed names it.
    pub example: String,
}

/// Stop updates whose `stop_sequence` and `stop_id` disagree, and the
/// first of them.
#[derive(Debug, Clone, PartialEq)]
pub struct StopDisagreements {
    pub count: usize,
    /// (trip id, stop_sequence, stop_id), as the feed gives them.
    pub example: Option<(String, u32, String)>,
}
