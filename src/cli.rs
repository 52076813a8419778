//! Command-line definitions.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "quai",
    version,
    about = "Live departure board in the terminal: Ginko (Besançon), Île-de-France Mobilités, and any network with GTFS and GTFS-Realtime feeds",
    after_help = "The API key is read from GINKO_API_KEY or from the settings file \
                  (api_key = \"…\" or api_key_file = \"path\"); there is no flag for it.\n\
                  Try it without a key: quai demo"
)]
pub struct Cli {
    /// Base URL of the Ginko API (https, or http to a loopback address).
    #[arg(long, global = true, env = "GINKO_API_URL", value_name = "URL")]
    pub api_url: Option<String>,

    /// Settings file [default: $XDG_CONFIG_HOME/quai/config.toml].
    #[arg(long, global = true, env = "QUAI_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// No colours (also when NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Run the command on the embedded demo network: no key, no internet,
    /// and none of your files read or written (favourites live in memory
    /// for the session). `quai --demo stops chateau`, `quai --demo info`.
    #[arg(long, global = true)]
    pub demo: bool,

    /// The network of a place named without one (`idfm:"gare de lyon"`
    /// names its own): ginko, idfm, or a `[[network]]`'s id (`quai
    /// networks` lists them) [default: the settings' default_network, else
    /// ginko].
    #[arg(long, global = true, value_name = "ID")]
    pub network: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Raw call of an API method; prints the decoded `objets` as JSON.
    ///
    /// Example: quai api TR/getTempsLieu nom="Ile de France" nb=3
    Api {
        /// Method path, e.g. TR/getListeTemps (".do" optional).
        method: String,
        /// Parameters as name=value (arrays joined with ~, booleans 1/0).
        #[arg(value_name = "NAME=VALUE")]
        params: Vec<String>,
    },
    /// API keys.
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
    /// Live board of one or more places (stop names, matched loosely).
    Board {
        /// Place names, e.g. "Ile de France" or "crous".
        #[arg(required = true, value_name = "PLACE")]
        places: Vec<String>,
        #[command(flatten)]
        args: BoardArgs,
    },
    /// Finds stops by name, or near a position.
    Stops {
        /// A few letters of the name ("chateaufarine", "ile fr").
        #[arg(required_unless_present = "near")]
        query: Option<String>,
        /// Stops within 500 m of LAT,LON, nearest first.
        #[arg(
            long,
            value_name = "LAT,LON",
            conflicts_with = "query",
            allow_hyphen_values = true
        )]
        near: Option<String>,
        /// How many places to list.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Favourite places (the board that `quai` alone opens).
    Fav {
        #[command(subcommand)]
        action: FavAction,
    },
    /// The current traffic messages, the most severe first.
    Info {
        /// JSON for scripts (each message with its text laid out).
        #[arg(long)]
        json: bool,
    },
    /// The requests used and left today per API of the networks with a
    /// daily quota (IDFM), as counted by quai and as last reported by the
    /// server.
    Quota {
        /// JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// The fares: tickets, passes, prices, where to buy them.
    Tarifs {
        /// JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Runs the board on the embedded demo network: no key, no internet.
    Demo {
        #[command(flatten)]
        args: BoardArgs,
        /// Start the demo clock at this time of day (HH:MM, Europe/Paris),
        /// e.g. to see the network by day while it sleeps.
        #[arg(long, value_name = "HH:MM")]
        at: Option<String>,
    },
    /// Polls the places (or the favourites) and publishes their boards to
    /// an MQTT broker, for many screens and Home Assistant: one poller,
    /// any number of subscribers.
    Publish(PublishArgs),
    /// The offline timetable (GTFS): fetch and compile it, say what it
    /// holds, and the next departures from it alone.
    Timetable {
        #[command(subcommand)]
        action: TimetableAction,
    },
    /// Every network quai knows (built in, and `[[network]]` in the
    /// settings) with its feeds' state and its timetable's validity; `check
    /// ID` fetches each feed of one network once and says what is wrong.
    Networks {
        #[command(subcommand)]
        action: Option<NetworksAction>,
        /// JSON for scripts.
        #[arg(long, global = true)]
        json: bool,
    },
    /// Runs only the demo server and prints its URL.
    ServeDemo(ServeDemoArgs),
    /// Prints the shell completions, from the same definitions as the
    /// command line: `source <(quai completions bash)`, or save them where
    /// your shell loads completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Prints the manual page (roff): `quai man | man -l -`, or save it as
    /// quai.1 in a man folder.
    Man,
    /// The favourites full screen for an unattended screen (a Raspberry Pi
    /// on a wall): pages rotate, a large clock, never exits on its own.
    /// SIGHUP reloads the settings and favourites.
    Kiosk(KioskArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct KioskArgs {
    /// Departures per line and direction (1..=5).
    #[arg(long, default_value_t = 2)]
    pub nb: i64,
    /// Seconds between two refreshes (never below 5; 1 against a server on this machine).
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    pub refresh: u64,
    /// Seconds each page stays when the favourites need several.
    #[arg(long, default_value_t = 8, value_name = "SECS")]
    pub page_seconds: u64,
    /// Boards read from an MQTT broker that `quai publish` feeds, instead
    /// of polling the networks: no key needed.
    #[arg(long, value_name = "mqtt://HOST:PORT")]
    pub from: Option<String>,
    /// With --from: the topics' first level.
    #[arg(long, default_value = "quai")]
    pub topic_prefix: String,
    /// Large digits for each row's next departure.
    #[arg(long, value_enum, default_value_t = crate::ui::kiosk::LargeDigits::Auto)]
    pub large_digits: crate::ui::kiosk::LargeDigits,
    /// The one key that quits (a character, "esc" or "F1".."F12"); by
    /// default no key does (settings: kiosk_quit_key).
    #[arg(long, value_name = "KEY", value_parser = crate::config::QuitKey::parse)]
    pub quit_key: Option<crate::config::QuitKey>,
    /// With --demo (the embedded demo network and its favourites; q quits
    /// unless --quit-key says otherwise): start the demo clock at this
    /// time of day (HH:MM).
    #[arg(long, value_name = "HH:MM")]
    pub at: Option<String>,
}

/// Options of every board.
#[derive(Debug, Clone, clap::Args)]
pub struct BoardArgs {
    /// Departures per line and direction (1..=5).
    #[arg(long, default_value_t = 2)]
    pub nb: i64,
    /// Seconds between two refreshes (never below 5; 1 against a server on this machine).
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    pub refresh: u64,
    /// Print the board once as plain text and exit.
    #[arg(long)]
    pub once: bool,
    /// The published timetable alone, without asking for live times (it
    /// needs `quai timetable update` first).
    #[arg(long)]
    pub offline: bool,
    /// Boards read from an MQTT broker that `quai publish` feeds, instead
    /// of polling the networks: no key needed.
    #[arg(long, value_name = "mqtt://HOST:PORT", conflicts_with = "offline")]
    pub from: Option<String>,
    /// With --from: the topics' first level.
    #[arg(long, default_value = "quai")]
    pub topic_prefix: String,
    /// Print the board once as JSON and exit.
    #[arg(long, conflicts_with = "once")]
    pub json: bool,
    /// Minutes on foot to the places: departures that cannot be caught are
    /// dimmed and each row says when to leave (a favourite's `walk` wins).
    #[arg(long, value_name = "MIN", value_parser = clap::value_parser!(u32).range(0..=120))]
    pub walk: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum FavAction {
    /// Lists the favourites in their order.
    List,
    /// Adds a place (or changes its lines and label when already there).
    Add {
        place: String,
        /// Only this line, optionally in one direction: NUM[:aller|retour]
        /// (repeat for several).
        #[arg(long = "line", value_name = "NUM[:aller|retour]")]
        lines: Vec<String>,
        /// A label shown beside the place.
        #[arg(long)]
        label: Option<String>,
        /// Minutes on foot from home to the stop: the board says when to
        /// leave.
        #[arg(long, value_name = "MIN", value_parser = clap::value_parser!(u32).range(0..=120))]
        walk: Option<u32>,
    },
    /// Removes a place.
    Rm { place: String },
    /// Moves a place to a position (1 is the top).
    Mv { place: String, position: usize },
}

#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// Place names (default: the favourites).
    #[arg(value_name = "PLACE")]
    pub places: Vec<String>,
    /// The broker: mqtt://HOST:PORT, or mqtts://HOST:PORT for TLS
    /// (settings: [mqtt] broker; the user and password come from the
    /// settings only).
    #[arg(long, value_name = "mqtt://HOST:PORT")]
    pub broker: Option<String>,
    /// The first level of every topic.
    #[arg(long, default_value = "quai")]
    pub topic_prefix: String,
    /// No Home Assistant discovery configs.
    #[arg(long)]
    pub no_discovery: bool,
    /// Home Assistant's discovery prefix.
    #[arg(long, default_value = "homeassistant")]
    pub discovery_prefix: String,
    /// Print the topics of the places and exit.
    #[arg(long)]
    pub list_topics: bool,
    /// Departures per line and direction (1..=5).
    #[arg(long, default_value_t = 3)]
    pub nb: i64,
    /// Seconds between two refreshes (never below 5; 1 against a server on this machine).
    #[arg(long, default_value_t = 10)]
    pub refresh: u64,
}

#[derive(Debug, Subcommand)]
pub enum NetworksAction {
    /// Fetches each feed of the network once and says what is wrong:
    /// unreachable, not protobuf, stale, no trip the timetable has. Exits
    /// 1 when anything is.
    Check {
        /// The network's id (`quai networks` lists them).
        id: String,
    },
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum TimetableAction {
    /// Fetches the network's GTFS zip (only when it changed) and compiles
    /// it into the index the board falls back to; the previous index stays
    /// in use if anything goes wrong.
    Update {
        /// A URL or a local zip, instead of the settings' gtfs_url (or the
        /// network's published feed).
        #[arg(long, value_name = "URL|PATH")]
        from: Option<String>,
    },
    /// The compiled timetable: validity, source, when fetched, counts.
    Status {
        /// JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// The next departures at a place, from the timetable alone.
    Next {
        /// A place name, matched loosely.
        place: String,
        /// From this time, "YYYY-MM-DD HH:MM" (or "HH:MM" today) in the
        /// feed's time zone [default: now].
        #[arg(long)]
        at: Option<String>,
        /// How many departures (1 to 500).
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=500))]
        limit: u16,
        /// JSON for scripts.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyAction {
    /// Fetches today's trial key (DR/getCleTemporaire) and says how to use it.
    Trial,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeDemoArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub addr: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Delay every answer by this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    /// Every Nth request answers HTTP 503 with an HTML body.
    #[arg(long, value_name = "N")]
    pub fail_every: Option<u64>,
    /// Every request answers ok:false with a key message.
    #[arg(long)]
    pub refuse_key: bool,
    /// Start the demo clock at this time of day (HH:MM, Europe/Paris).
    #[arg(long, value_name = "HH:MM")]
    pub at: Option<String>,
    /// Append a line per request to FILE: unix time in ms, method, HTTP
    /// status, request bytes (query and form), answer body bytes.
    #[arg(long, value_name = "FILE")]
    pub access_log: Option<std::path::PathBuf>,
    /// Before each request, read the fault to play from FILE ("503",
    /// "truncated", "slow TR/getListeTemps"…; see docs/reliability.md). An absent or
    /// empty file means none.
    #[arg(long, value_name = "FILE")]
    pub fault_file: Option<std::path::PathBuf>,
}
