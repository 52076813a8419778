//! The GTFS-Realtime messages quai reads, field for field (names, types
//! and tags) from the official `gtfs-realtime.proto` (proto2), decoded by
//! prost. Every field is optional here, required ones included: a feed
//! that leaves one out is read as far as it goes. Fields quai does not
//! read are not declared, so prost skips them, as it skips any unknown
//! field (extensions included). Enums are read as their numbers (the
//! constants below), so a value added by a later version of the spec is
//! kept, not an error.

#[derive(Clone, PartialEq, prost::Message)]
pub struct FeedMessage {
    #[prost(message, optional, tag = "1")]
    pub header: Option<FeedHeader>,
    #[prost(message, repeated, tag = "2")]
    pub entity: Vec<FeedEntity>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct FeedHeader {
    #[prost(string, optional, tag = "1")]
    pub gtfs_realtime_version: Option<String>,
    /// FULL_DATASET = 0, DIFFERENTIAL = 1.
    #[prost(int32, optional, tag = "2")]
    pub incrementality: Option<i32>,
    /// POSIX seconds: when the feed's content was made.
    #[prost(uint64, optional, tag = "3")]
    pub timestamp: Option<u64>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct FeedEntity {
    #[prost(string, optional, tag = "1")]
    pub id: Option<String>,
    #[prost(bool, optional, tag = "2")]
    pub is_deleted: Option<bool>,
    #[prost(message, optional, tag = "3")]
    pub trip_update: Option<TripUpdate>,
    #[prost(message, optional, tag = "4")]
    pub vehicle: Option<VehiclePosition>,
    #[prost(message, optional, tag = "5")]
    pub alert: Option<Alert>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct TripUpdate {
    #[prost(message, optional, tag = "1")]
    pub trip: Option<TripDescriptor>,
    #[prost(message, repeated, tag = "2")]
    pub stop_time_update: Vec<StopTimeUpdate>,
    #[prost(message, optional, tag = "3")]
    pub vehicle: Option<VehicleDescriptor>,
    #[prost(uint64, optional, tag = "4")]
    pub timestamp: Option<u64>,
    /// The trip's delay where no stop says otherwise (experimental).
    #[prost(int32, optional, tag = "5")]
    pub delay: Option<i32>,
    /// A `DUPLICATED` trip's own id, day and first departure.
    #[prost(message, optional, tag = "6")]
    pub trip_properties: Option<TripProperties>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct TripProperties {
    #[prost(string, optional, tag = "1")]
    pub trip_id: Option<String>,
    #[prost(string, optional, tag = "2")]
    pub start_date: Option<String>,
    #[prost(string, optional, tag = "3")]
    pub start_time: Option<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct StopTimeEvent {
    #[prost(int32, optional, tag = "1")]
    pub delay: Option<i32>,
    /// POSIX seconds.
    #[prost(int64, optional, tag = "2")]
    pub time: Option<i64>,
    #[prost(int32, optional, tag = "3")]
    pub uncertainty: Option<i32>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct StopTimeUpdate {
    #[prost(uint32, optional, tag = "1")]
    pub stop_sequence: Option<u32>,
    #[prost(message, optional, tag = "2")]
    pub arrival: Option<StopTimeEvent>,
    #[prost(message, optional, tag = "3")]
    pub departure: Option<StopTimeEvent>,
    #[prost(string, optional, tag = "4")]
    pub stop_id: Option<String>,
    /// SCHEDULED = 0, SKIPPED = 1, NO_DATA = 2, UNSCHEDULED = 3.
    #[prost(int32, optional, tag = "5")]
    pub schedule_relationship: Option<i32>,
}

pub mod stop_relationship {
    pub const SCHEDULED: i32 = 0;
    pub const SKIPPED: i32 = 1;
    pub const NO_DATA: i32 = 2;
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct TripDescriptor {
    #[prost(string, optional, tag = "1")]
    pub trip_id: Option<String>,
    /// HH:MM:SS, for trips of a frequency.
    #[prost(string, optional, tag = "2")]
    pub start_time: Option<String>,
    /// YYYYMMDD: the service day.
    #[prost(string, optional, tag = "3")]
    pub start_date: Option<String>,
    #[prost(int32, optional, tag = "4")]
    pub schedule_relationship: Option<i32>,
    #[prost(string, optional, tag = "5")]
    pub route_id: Option<String>,
    #[prost(uint32, optional, tag = "6")]
    pub direction_id: Option<u32>,
}

// The reference's values, all of them, though quai reads only some.
#[allow(dead_code)]
pub mod trip_relationship {
    pub const SCHEDULED: i32 = 0;
    pub const ADDED: i32 = 1;
    pub const UNSCHEDULED: i32 = 2;
    pub const CANCELED: i32 = 3;
    pub const REPLACEMENT: i32 = 5;
    pub const DUPLICATED: i32 = 6;
    pub const DELETED: i32 = 7;
    pub const NEW: i32 = 8;
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct VehicleDescriptor {
    #[prost(string, optional, tag = "1")]
    pub id: Option<String>,
    #[prost(string, optional, tag = "2")]
    pub label: Option<String>,
    #[prost(string, optional, tag = "3")]
    pub license_plate: Option<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Position {
    #[prost(float, optional, tag = "1")]
    pub latitude: Option<f32>,
    #[prost(float, optional, tag = "2")]
    pub longitude: Option<f32>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct VehiclePosition {
    #[prost(message, optional, tag = "1")]
    pub trip: Option<TripDescriptor>,
    #[prost(message, optional, tag = "2")]
    pub position: Option<Position>,
    #[prost(uint32, optional, tag = "3")]
    pub current_stop_sequence: Option<u32>,
    /// INCOMING_AT = 0, STOPPED_AT = 1, IN_TRANSIT_TO = 2 (the default).
    #[prost(int32, optional, tag = "4")]
    pub current_status: Option<i32>,
    #[prost(uint64, optional, tag = "5")]
    pub timestamp: Option<u64>,
    #[prost(string, optional, tag = "7")]
    pub stop_id: Option<String>,
    #[prost(message, optional, tag = "8")]
    pub vehicle: Option<VehicleDescriptor>,
    /// EMPTY = 0 … FULL = 5, NOT_ACCEPTING_PASSENGERS = 6.
    #[prost(int32, optional, tag = "9")]
    pub occupancy_status: Option<i32>,
    #[prost(uint32, optional, tag = "10")]
    pub occupancy_percentage: Option<u32>,
}

pub mod vehicle_status {
    pub const INCOMING_AT: i32 = 0;
    pub const STOPPED_AT: i32 = 1;
    pub const IN_TRANSIT_TO: i32 = 2;
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct TimeRange {
    #[prost(uint64, optional, tag = "1")]
    pub start: Option<u64>,
    #[prost(uint64, optional, tag = "2")]
    pub end: Option<u64>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct EntitySelector {
    #[prost(string, optional, tag = "1")]
    pub agency_id: Option<String>,
    #[prost(string, optional, tag = "2")]
    pub route_id: Option<String>,
    #[prost(int32, optional, tag = "3")]
    pub route_type: Option<i32>,
    #[prost(message, optional, tag = "4")]
    pub trip: Option<TripDescriptor>,
    #[prost(string, optional, tag = "5")]
    pub stop_id: Option<String>,
    #[prost(uint32, optional, tag = "6")]
    pub direction_id: Option<u32>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Translation {
    #[prost(string, optional, tag = "1")]
    pub text: Option<String>,
    #[prost(string, optional, tag = "2")]
    pub language: Option<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct TranslatedString {
    #[prost(message, repeated, tag = "1")]
    pub translation: Vec<Translation>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Alert {
    #[prost(message, repeated, tag = "1")]
    pub active_period: Vec<TimeRange>,
    #[prost(message, repeated, tag = "5")]
    pub informed_entity: Vec<EntitySelector>,
    #[prost(int32, optional, tag = "6")]
    pub cause: Option<i32>,
    #[prost(int32, optional, tag = "7")]
    pub effect: Option<i32>,
    #[prost(message, optional, tag = "8")]
    pub url: Option<TranslatedString>,
    #[prost(message, optional, tag = "10")]
    pub header_text: Option<TranslatedString>,
    #[prost(message, optional, tag = "11")]
    pub description_text: Option<TranslatedString>,
    /// UNKNOWN_SEVERITY = 1, INFO = 2, WARNING = 3, SEVERE = 4.
    #[prost(int32, optional, tag = "14")]
    pub severity_level: Option<i32>,
}

pub mod effect {
    pub const NO_SERVICE: i32 = 1;
    pub const REDUCED_SERVICE: i32 = 2;
    pub const SIGNIFICANT_DELAYS: i32 = 3;
    pub const DETOUR: i32 = 4;
    pub const MODIFIED_SERVICE: i32 = 6;
    pub const STOP_MOVED: i32 = 9;
}

pub mod severity {
    pub const WARNING: i32 = 3;
    pub const SEVERE: i32 = 4;
}
