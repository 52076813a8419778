//! The demo network and its Ginko-compatible server: `quai demo` and
//! `quai serve-demo` run everything with no key and no internet, and the
//! tests use the same server.

pub mod network;
pub mod server;
pub mod timetable;

pub use server::{Clock, DemoServer, METHODS, ServerOptions};

/// The key the demo client sends (the server accepts any non-empty key).
pub const DEMO_KEY: &str = "demo";

/// Credit shown on the demo board (ODbL asks to name the source).
pub const ATTRIBUTION_SHORT: &str = "données de démonstration, d'après l'open data Ginko (ODbL)";

/// The places of the demo board.
pub fn favourite_places() -> Vec<&'static str> {
    vec![
        "Crous Université",
        "Ile de France",
        "République",
        "Gare Viotte",
        "Rivotte",
    ]
}
