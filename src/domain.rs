//! The network as the board sees it, independent of any one API's wire names.
//!
//! Every network turns its own answers into these (Ginko's conversion is
//! `src/ginko/convert.rs`); nothing here knows a wire name. Ids are the
//! network's own strings, scoped by the network they come from. Every text
//! held here has been through [`crate::sanitize::text`] already, except
//! `Message::body_html`, which is markup meant for an HTML renderer.

use serde::Serialize;

/// The zones a board's times are written in: each network's own (fixed by
/// its kind, or its timetable's) and the one the header's clock shows (the
/// default network's). A value held by the board, filled by the fetching
/// task from the networks ([`crate::network::Network::zone`]); a network
/// whose zone is not known has the shown one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zones {
    shown: jiff::tz::TimeZone,
    networks: Vec<(String, jiff::tz::TimeZone)>,
}

impl Default for Zones {
    /// The default network kind's zone (the registry's table says which),
    /// and no network's yet.
    fn default() -> Zones {
        Zones::new(default_zone())
    }
}

impl Zones {
    /// Clocks shown in `shown`, no network's zone known yet.
    pub fn new(shown: jiff::tz::TimeZone) -> Zones {
        Zones {
            shown,
            networks: Vec::new(),
        }
    }

    /// The zone the header's clock shows.
    pub fn shown(&self) -> &jiff::tz::TimeZone {
        &self.shown
    }

    /// Network `id`'s times are in `zone`.
    pub fn set(&mut self, id: &str, zone: jiff::tz::TimeZone) {
        match self.networks.iter_mut().find(|(n, _)| n == id) {
            Some(slot) => slot.1 = zone,
            None => self.networks.push((id.to_string(), zone)),
        }
    }

    /// Network `id`'s zone (the shown one when it is not known).
    pub fn of(&self, id: &str) -> &jiff::tz::TimeZone {
        self.networks
            .iter()
            .find(|(n, _)| n == id)
            .map_or(&self.shown, |(_, z)| z)
    }

    /// Whether network `id`'s zone is known (else its times are in the
    /// shown zone).
    pub fn knows(&self, id: &str) -> bool {
        self.networks.iter().any(|(n, _)| n == id)
    }

    /// The current time in the shown zone.
    pub fn now(&self) -> jiff::Zoned {
        jiff::Zoned::now().with_time_zone(self.shown.clone())
    }
}

/// The default network kind's zone, looked up in the database once.
pub fn default_zone() -> jiff::tz::TimeZone {
    static DEFAULT: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    DEFAULT
        .get_or_init(|| {
            jiff::tz::TimeZone::get(crate::network::registry::kinds::default_zone())
                .unwrap_or(jiff::tz::TimeZone::UTC)
        })
        .clone()
}

/// "UTC−5", "UTC+5:30", "UTC": an offset as riders read it.
pub fn offset_label(offset: jiff::tz::Offset) -> String {
    let seconds = offset.seconds();
    if seconds == 0 {
        return "UTC".into();
    }
    let sign = if seconds < 0 { '−' } else { '+' };
    let (hours, minutes) = (seconds.abs() / 3600, seconds.abs() % 3600 / 60);
    if minutes == 0 {
        format!("UTC{sign}{hours}")
    } else {
        format!("UTC{sign}{hours}:{minutes:02}")
    }
}

/// `at` in `zone`, as `format`, followed by the zone's offset ("… UTC−5")
/// when `reader` (the zone the rest of the screen or the machine is in) has
/// another offset then: two zones are never shown as one.
pub fn time_in(
    at: jiff::Timestamp,
    zone: &jiff::tz::TimeZone,
    format: &str,
    reader: &jiff::tz::TimeZone,
) -> String {
    let shown = at.to_zoned(zone.clone());
    let text = shown.strftime(format).to_string();
    let offset = shown.offset();
    if offset == reader.to_offset(at) {
        text
    } else {
        format!("{text} {}", offset_label(offset))
    }
}

/// `at` in `zone` for a command's text output: with its offset when the
/// machine's own zone is another.
pub fn command_time(at: jiff::Timestamp, zone: &jiff::tz::TimeZone, format: &str) -> String {
    time_in(at, zone, format, &jiff::tz::TimeZone::system())
}

/// An age in its largest sensible unit, in the rider's language: "45 s",
/// "3 min", "5 h", "18 days", "3 years" (whole units, rounded down; a
/// unit is used from two of it, years from one).
pub fn age_text(seconds: u64) -> String {
    const MIN: u64 = 60;
    const HOUR: u64 = 60 * MIN;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = 365 * DAY;
    let (key, n) = match seconds {
        s if s >= YEAR => ("age_years", s / YEAR),
        s if s >= 2 * DAY => ("age_days", s / DAY),
        s if s >= 2 * HOUR => ("age_hours", s / HOUR),
        s if s >= 2 * MIN => ("age_minutes", s / MIN),
        s => ("age_seconds", s),
    };
    let key = match (key, n) {
        ("age_years", 1) => "age_one_year",
        (key, _) => key,
    };
    crate::i18n::tf(key, &[("n", &n.to_string())])
}

/// "01:00", or "demain 01:00" when that is another day than `now`, in the
/// network's time (`zone`); seconds round up to the minute (a wait ending
/// at 00:59:59.6 reads 01:00).
pub fn until_text(
    until: jiff::Timestamp,
    now: jiff::Timestamp,
    zone: &jiff::tz::TimeZone,
) -> String {
    let rounded = until
        .checked_add(jiff::SignedDuration::from_secs(59))
        .unwrap_or(until);
    let (at, today) = (rounded.to_zoned(zone.clone()), now.to_zoned(zone.clone()));
    let clock = at.strftime("%H:%M").to_string();
    if at.date() == today.date() {
        clock
    } else if Some(at.date()) == today.date().tomorrow().ok() {
        crate::i18n::tf("tomorrow_at", &[("time", &clock)])
    } else {
        crate::i18n::tf(
            "on_day_at",
            &[("day", &at.strftime("%d/%m").to_string()), ("time", &clock)],
        )
    }
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Parses `RRGGBB`, `#RRGGBB` or `RGB`; anything else is `None`.
    pub fn parse_hex(text: &str) -> Option<Rgb> {
        let hex = text.trim().trim_start_matches('#');
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |s: &str| u8::from_str_radix(s, 16).ok();
        match hex.len() {
            6 => Some(Rgb(
                channel(&hex[0..2])?,
                channel(&hex[2..4])?,
                channel(&hex[4..6])?,
            )),
            3 => {
                let d = |i: usize| channel(&hex[i..=i]).map(|v| v * 17);
                Some(Rgb(d(0)?, d(1)?, d(2)?))
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Bus,
    Tram,
    Metro,
    /// Trains and RER.
    Rail,
}

/// The network's grouping of lines, in its display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Trains and RER (Île-de-France).
    Rail,
    Metro,
    Tram,
    Lianes,
    Urban,
    Complementary,
    PeriUrban,
    School,
    OnDemand,
    Other,
}

/// What identifies and shows a line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineRef {
    /// The network's line id (not for display).
    pub id: String,
    /// The public number ("T1", "L3", "7").
    pub number: String,
    pub background: Option<Rgb>,
    pub foreground: Option<Rgb>,
    pub mode: Option<Mode>,
}

impl LineRef {
    /// A line known by its id and number only (no colours, no mode).
    pub fn plain(id: &str, number: &str) -> LineRef {
        LineRef {
            id: id.into(),
            number: number.into(),
            background: None,
            foreground: None,
            mode: None,
        }
    }

    /// Sort key: trams first, then by public number with numbers compared
    /// as numbers ("L3" < "L4", "7" < "12").
    pub fn order_key(&self, kind: Option<LineKind>) -> (LineKind, String, u32, String) {
        let kind = kind.unwrap_or(match self.mode {
            Some(Mode::Rail) => LineKind::Rail,
            Some(Mode::Metro) => LineKind::Metro,
            Some(Mode::Tram) => LineKind::Tram,
            _ => LineKind::Other,
        });
        let prefix: String = self
            .number
            .chars()
            .take_while(|c| !c.is_ascii_digit())
            .collect();
        let digits: String = self
            .number
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        let n = digits.parse().unwrap_or(u32::MAX);
        (kind, prefix, n, self.number.clone())
    }
}

/// One direction of a line (a variant).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Direction {
    pub id: String,
    pub outbound: bool,
    pub destination: String,
    pub via: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub line: LineRef,
    pub name: String,
    pub kind: Option<LineKind>,
    pub peri_urban: bool,
    pub school: bool,
    pub directions: Vec<Direction>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
}

impl Position {
    /// `None` for the API's "unknown" position (0, 0).
    pub fn known(lat: Option<f64>, lon: Option<f64>) -> Option<Position> {
        match (lat, lon) {
            (Some(lat), Some(lon)) if lat != 0.0 || lon != 0.0 => Some(Position { lat, lon }),
            _ => None,
        }
    }

    /// Great-circle distance in metres.
    pub fn distance_m(self, other: Position) -> f64 {
        let r = 6_371_000.0_f64;
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * r * a.sqrt().asin()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Accessibility {
    Unknown,
    Accessible,
    NotAccessible,
}

/// A physical stop.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stop {
    pub id: String,
    pub name: String,
    pub position: Option<Position>,
    pub accessibility: Accessibility,
}

impl Stop {
    /// A stop known by its id and name only.
    pub fn named(id: &str, name: &str) -> Stop {
        Stop {
            id: id.into(),
            name: name.into(),
            position: None,
            accessibility: Accessibility::Unknown,
        }
    }
}

/// What the time of a departure says.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WaitTime {
    /// "3 min"; `seconds` (Ginko v1.2) allows counting down between two
    /// polls, from the fetch.
    Countdown { text: String, seconds: Option<i64> },
    /// Absolute instants (SIRI, GTFS): when it is expected to leave, and
    /// when it was planned to.
    At {
        expected: jiff::Timestamp,
        aimed: Option<jiff::Timestamp>,
    },
    /// "17h05": a clock time, shown as sent.
    Clock { text: String },
    /// "Travaux", "Déviation", "Perturbations": shown as such, highlighted.
    /// `served` is false when the text means the stop is not served.
    Text { text: String, served: bool },
}

/// Crowding level of a departure or a quarter hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CrowdLevel {
    Low,
    Moderate,
    High,
    Unknown,
    /// The key has no rights to crowding data: show nothing.
    NotAllowed,
}

/// A share of capacity, or why it is not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Load {
    Percent(u8),
    Unknown,
    NotAllowed,
}

/// Where a departure's time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Live, and the vehicle is located.
    Located,
    /// Live answer, but the vehicle is not located: "Non localisé".
    NotLocated,
    /// From the published timetable: "théorique".
    Timetable,
}

/// What the network says of a departure besides its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing particular (on time, or the network does not say).
    Normal,
    Delayed,
    /// It will not run: "Supprimé".
    Cancelled,
    /// A trip the timetable does not have (GTFS-RT `ADDED`, `NEW`, or a
    /// `DUPLICATED` copy): "ajouté".
    Added,
}

/// A line in one direction at a place: one row of a board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoardLine {
    pub line: LineRef,
    pub kind: Option<LineKind>,
    pub outbound: bool,
    pub destination: String,
    pub via: String,
}

impl BoardLine {
    /// Sort key: the network's order of lines, outbound before inbound.
    pub fn order_key(&self) -> ((LineKind, String, u32, String), bool) {
        (self.line.order_key(self.kind), !self.outbound)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Departure {
    pub stop_id: String,
    pub line: LineRef,
    pub outbound: bool,
    pub destination: String,
    pub via: String,
    pub time: WaitTime,
    /// The second text to alternate with every 3 s, when asked for.
    pub alternate: Option<String>,
    /// Located, not located, or from the timetable.
    pub origin: Origin,
    pub status: Status,
    /// The platform or track, when the network gives it.
    pub platform: Option<String>,
    /// The mission or train number (RER missions "ZOLA", train numbers).
    pub mission: Option<String>,
    pub vehicle: Option<String>,
    pub stop_access: Accessibility,
    pub vehicle_access: Accessibility,
    pub crowding: CrowdLevel,
    pub load: Load,
    pub crowding_text: String,
    pub crowding_advice: String,
    /// The traffic message explaining a text in place of a time.
    pub info_id: Option<String>,
}

impl Departure {
    /// Live and located: the time can be trusted.
    pub fn reliable(&self) -> bool {
        self.origin == Origin::Located
    }
}

/// The departures of one place (every stop of one name).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceDepartures {
    pub name: String,
    pub position: Option<Position>,
    pub departures: Vec<Departure>,
}

/// How bad a traffic message is, most severe last (so `max` is the worst).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    None,
    Information,
    Planned,
    Ongoing,
    Interrupted,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// The network the message belongs to, on a board that mixes them
    /// (empty: the board's only network); its `lines` are that network's.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub network: String,
    /// The network's id of the message.
    pub id: String,
    pub title: String,
    /// Markup: render it (and sanitise the result) before display.
    pub body_html: String,
    pub url: String,
    pub severity: Severity,
    /// Public line numbers concerned.
    pub lines: Vec<String>,
    /// Stop ids; empty means the whole lines.
    pub stops: Vec<String>,
    /// The one message of capital importance (older API's `alerte`).
    pub alert: bool,
}

/// A line's traffic state (v1.2 `etat` 0–6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineState {
    NoInformation,
    Normal,
    Information,
    NotRunningNow,
    PlannedDisruption,
    Disrupted,
    Interrupted,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineStatus {
    pub line: LineRef,
    pub state: LineState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FareKind {
    Single,
    Monthly,
    Yearly,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fare {
    pub kind: FareKind,
    pub name: String,
    pub description: String,
    pub where_to_buy: String,
    pub price_eur: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Energy {
    Unknown,
    Diesel,
    NaturalGas,
    Hybrid,
    Electric,
}

/// A vehicle's equipment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vehicle {
    pub number: String,
    pub kind: String,
    pub accessibility: Accessibility,
    pub air_conditioning: Option<bool>,
    pub usb_sockets: Option<bool>,
    pub audio_announcements: Option<bool>,
    pub visual_announcements: Option<bool>,
    pub energy: Energy,
}

/// A vehicle's live state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VehicleLive {
    pub number: String,
    pub crowding: CrowdLevel,
    pub crowding_text: String,
    /// Passengers on board, when known and allowed.
    pub passengers: Option<u32>,
    pub load: Load,
    pub position_text: String,
}

/// The forecast crowding of one quarter hour.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrowdForecast {
    pub start: String,
    pub end: String,
    pub level: CrowdLevel,
    pub text: String,
    pub passengers: Option<u32>,
    pub load: Load,
}

/// A lift's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LiftState {
    Available,
    NotAvailable,
    /// Not said, or said in words quai does not know: never shown as
    /// working.
    Unknown,
}

/// A lift of a station.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lift {
    /// The station's id (the place's stop id).
    pub station: String,
    pub id: String,
    /// Where it is ("Salle d'échange - Quai 2").
    pub situation: String,
    /// Where it goes.
    pub direction: String,
    pub state: LiftState,
    /// Why it is out of order, in French, when said.
    pub reason: String,
    /// Since when, as the network says it (ISO 8601).
    pub since: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get("Europe/Paris").unwrap()
    }

    #[test]
    fn a_time_in_another_zone_says_its_offset() {
        let tz = |name: &str| jiff::tz::TimeZone::get(name).unwrap();
        let at = "2026-12-01T10:33:51Z".parse::<jiff::Timestamp>().unwrap();
        let (montreal, paris) = (tz("America/Montreal"), tz("Europe/Paris"));
        assert_eq!(time_in(at, &montreal, "%H:%M:%S", &paris), "05:33:51 UTC−5");
        assert_eq!(time_in(at, &paris, "%H:%M:%S", &paris), "11:33:51");
        assert_eq!(time_in(at, &tz("UTC"), "%H:%M", &paris), "10:33 UTC");
        assert_eq!(
            time_in(at, &tz("Asia/Kolkata"), "%H:%M", &paris),
            "16:03 UTC+5:30"
        );
        // In summer Montréal is 4 hours behind.
        let summer = "2026-07-01T10:00:00Z".parse::<jiff::Timestamp>().unwrap();
        assert_eq!(time_in(summer, &montreal, "%H:%M", &paris), "06:00 UTC−4");
    }

    #[test]
    fn waits_end_at_a_minute_today_or_tomorrow() {
        let at = |t: &str| t.parse::<jiff::Timestamp>().unwrap();
        let now = at("2026-12-01T22:00:00Z"); // 23:00 in Paris
        assert_eq!(
            until_text(at("2026-12-01T22:30:00Z"), now, &paris()),
            "23:30"
        );
        assert_eq!(
            until_text(at("2026-12-01T23:59:59.600Z"), now, &paris()),
            "demain 01:00"
        );
        assert_eq!(
            until_text(at("2026-12-02T00:00:00Z"), now, &paris()),
            "demain 01:00"
        );
    }

    #[test]
    fn ages_read_in_their_largest_sensible_unit() {
        // In French, as tests run.
        assert_eq!(age_text(45), "45 s");
        assert_eq!(age_text(90), "90 s");
        assert_eq!(age_text(3 * 60 + 20), "3 min");
        assert_eq!(age_text(5 * 3600 + 59), "5 h");
        assert_eq!(age_text(18 * 86_400 + 7), "18 jours");
        assert_eq!(age_text(400 * 86_400), "1 an");
        // As the feeds had them: "data 97234385 s old", "1620575 min 22 s".
        assert_eq!(age_text(97_234_385), "3 ans");
        assert_eq!(age_text(1_620_575 * 60 + 22), "3 ans");
        let en = |key| crate::i18n::lookup(crate::i18n::Language::En, key);
        assert_eq!(en("age_days"), "{n} days");
        assert_eq!(en("age_years"), "{n} years");
    }

    #[test]
    fn colours_parse_defensively() {
        assert_eq!(Rgb::parse_hex("006AB3"), Some(Rgb(0, 0x6a, 0xb3)));
        assert_eq!(Rgb::parse_hex("#fff"), Some(Rgb(255, 255, 255)));
        for bad in ["", "zzzzzz", "12345", "1234567", "ééé"] {
            assert_eq!(Rgb::parse_hex(bad), None, "{bad}");
        }
    }

    #[test]
    fn lines_order_like_the_network() {
        let l = |n: &str| LineRef {
            id: n.into(),
            number: n.into(),
            background: None,
            foreground: None,
            mode: None,
        };
        let mut v = [
            (l("12"), Some(LineKind::Urban)),
            (l("L4"), Some(LineKind::Lianes)),
            (l("7"), Some(LineKind::Urban)),
            (l("T2"), Some(LineKind::Tram)),
            (l("L3"), Some(LineKind::Lianes)),
            (l("T1"), Some(LineKind::Tram)),
        ];
        v.sort_by_key(|(line, kind)| line.order_key(*kind));
        let order: Vec<_> = v.iter().map(|(l, _)| l.number.as_str()).collect();
        assert_eq!(order, ["T1", "T2", "L3", "L4", "7", "12"]);
    }

    #[test]
    fn distances_are_in_metres() {
        let a = Position {
            lat: 47.2380,
            lon: 6.0243,
        };
        let b = Position {
            lat: 47.2470,
            lon: 6.0243,
        };
        let d = a.distance_m(b);
        assert!((d - 1000.8).abs() < 5.0, "{d}");
        assert_eq!(Position::known(Some(0.0), Some(0.0)), None);
    }
}
