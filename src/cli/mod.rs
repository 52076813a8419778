//! Command-line definitions. Their texts (each command's and option's
//! help, the headings, the errors) are in the rider's language, from the
//! catalogs `assets/i18n/cli.*.toml`: [`parse`] and [`command`] put them
//! in; a test checks that every command and option has one.

mod localized;

pub use localized::{Parsed, command, parse};

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "quai", version)]
pub struct Cli {
    #[arg(long, global = true, env = "GINKO_API_URL", value_name = "URL")]
    pub api_url: Option<String>,
    #[arg(long, global = true, env = "QUAI_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, global = true)]
    pub no_color: bool,
    #[arg(long, global = true)]
    pub demo: bool,
    #[arg(long, global = true, value_name = "ID")]
    pub network: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Api {
        method: String,
        #[arg(value_name = "NAME=VALUE")]
        params: Vec<String>,
    },
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
    Board {
        #[arg(required = true, value_name = "PLACE")]
        places: Vec<String>,
        #[command(flatten)]
        args: BoardArgs,
        #[arg(long, value_name = "INSTANT")]
        at: Option<String>,
    },
    Stops {
        #[arg(required_unless_present = "near")]
        query: Option<String>,
        #[arg(
            long,
            value_name = "LAT,LON",
            conflicts_with = "query",
            allow_hyphen_values = true
        )]
        near: Option<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    Fav {
        #[command(subcommand)]
        action: FavAction,
    },
    Info {
        #[arg(long)]
        json: bool,
    },
    Quota {
        #[arg(long)]
        json: bool,
    },
    Tarifs {
        #[arg(long)]
        json: bool,
    },
    Demo {
        #[command(flatten)]
        args: BoardArgs,
        #[arg(long, value_name = "HH:MM")]
        at: Option<String>,
    },
    Publish(PublishArgs),
    Timetable {
        #[command(subcommand)]
        action: TimetableAction,
    },
    Networks {
        #[command(subcommand)]
        action: Option<NetworksAction>,
        #[arg(long, global = true)]
        json: bool,
    },
    ServeDemo(ServeDemoArgs),
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    Man,
    Kiosk(KioskArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct KioskArgs {
    #[arg(long, default_value_t = 2, value_parser = departures_per_row)]
    pub nb: i64,
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    pub refresh: u64,
    #[arg(long, default_value_t = 8, value_name = "SECS")]
    pub page_seconds: u64,
    #[arg(long, value_name = "mqtt://HOST:PORT")]
    pub from: Option<String>,
    #[arg(long, default_value = "quai")]
    pub topic_prefix: String,
    #[arg(long, value_enum, default_value_t = crate::ui::kiosk::LargeDigits::Auto)]
    pub large_digits: crate::ui::kiosk::LargeDigits,
    #[arg(long, value_name = "KEY", value_parser = crate::config::QuitKey::parse)]
    pub quit_key: Option<crate::config::QuitKey>,
    #[arg(long, value_name = "HH:MM")]
    pub at: Option<String>,
}
#[derive(Debug, Clone, clap::Args)]
pub struct BoardArgs {
    #[arg(long, default_value_t = 2, value_parser = departures_per_row)]
    pub nb: i64,
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    pub refresh: u64,
    #[arg(long)]
    pub once: bool,
    #[arg(long)]
    pub offline: bool,
    #[arg(long, value_name = "mqtt://HOST:PORT", conflicts_with = "offline")]
    pub from: Option<String>,
    #[arg(long, default_value = "quai")]
    pub topic_prefix: String,
    #[arg(long, conflicts_with = "once")]
    pub json: bool,
    #[arg(long, value_name = "MIN", value_parser = minutes_on_foot)]
    pub walk: Option<u32>,
    #[arg(long, value_name = "PLACE")]
    pub to: Option<String>,
    #[arg(long)]
    pub calls: bool,
}

#[derive(Debug, Subcommand)]
pub enum FavAction {
    List,
    Add {
        place: String,
        #[arg(long = "line", value_name = "NUM[:aller|retour]")]
        lines: Vec<String>,
        #[arg(long)]
        label: Option<String>,
        #[arg(long, value_name = "MIN", value_parser = minutes_on_foot)]
        walk: Option<u32>,
        /// Only the departures that go to this place, with their arrival.
        #[arg(long, value_name = "PLACE")]
        to: Option<String>,
    },
    Rm {
        place: String,
    },
    Mv {
        place: String,
        position: usize,
    },
}

#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    #[arg(value_name = "PLACE")]
    pub places: Vec<String>,
    #[arg(long, value_name = "mqtt://HOST:PORT")]
    pub broker: Option<String>,
    #[arg(long, default_value = "quai")]
    pub topic_prefix: String,
    #[arg(long)]
    pub no_discovery: bool,
    #[arg(long, default_value = "homeassistant")]
    pub discovery_prefix: String,
    #[arg(long)]
    pub list_topics: bool,
    #[arg(long, default_value_t = 3, value_parser = departures_per_row)]
    pub nb: i64,
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    pub refresh: u64,
    /// Only the departures that go to this place, with their arrival.
    #[arg(long, value_name = "PLACE")]
    pub to: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum NetworksAction {
    Check {
        id: String,
        #[arg(long, value_name = "INSTANT")]
        at: Option<String>,
    },
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum TimetableAction {
    Update {
        #[arg(long, value_name = "URL|PATH")]
        from: Option<String>,
    },
    Status {
        #[arg(long)]
        json: bool,
    },
    Next {
        place: String,
        #[arg(long)]
        at: Option<String>,
        #[arg(long, default_value_t = 20, value_parser = departures_limit)]
        limit: u16,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyAction {
    Trial,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeDemoArgs {
    #[arg(long, default_value = "127.0.0.1")]
    pub addr: IpAddr,
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    #[arg(long, value_name = "N")]
    pub fail_every: Option<u64>,
    #[arg(long)]
    pub refuse_key: bool,
    #[arg(long, value_name = "HH:MM")]
    pub at: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub access_log: Option<std::path::PathBuf>,
    #[arg(long, value_name = "FILE")]
    pub fault_file: Option<std::path::PathBuf>,
}

/// Minutes on foot, 0 to 120 (the reason in the rider's language).
fn minutes_on_foot(text: &str) -> Result<u32, String> {
    whole_number(text, 0, 120).map(|n| n as u32)
}

/// Departures per line and direction, 1 to 5.
fn departures_per_row(text: &str) -> Result<i64, String> {
    whole_number(text, 1, 5).map(|n| n as i64)
}

/// How many departures `timetable next` lists, 1 to 500.
fn departures_limit(text: &str) -> Result<u16, String> {
    whole_number(text, 1, 500).map(|n| n as u16)
}

fn whole_number(text: &str, lo: u64, hi: u64) -> Result<u64, String> {
    let bounds = [("lo", lo.to_string()), ("hi", hi.to_string())];
    let bounds = [
        (bounds[0].0, bounds[0].1.as_str()),
        (bounds[1].0, bounds[1].1.as_str()),
    ];
    match text.trim().parse::<u64>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        Ok(_) => Err(crate::i18n::tf("cli.out_of_range", &bounds)),
        Err(_) => Err(crate::i18n::tf("cli.not_a_number", &bounds)),
    }
}
