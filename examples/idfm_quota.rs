//! The requests a day an IDFM board makes, measured on the real network
//! code against the demo server with a simulated clock (a day takes a few
//! seconds): `cargo run --release --example idfm_quota`.

use std::time::Duration;

use quai::cache::Cache;
use quai::demo::{self, DemoServer, ServerOptions};
use quai::network::http::parse_base_url;
use quai::network::idfm::day::{HandClock, simulate};
use quai::network::idfm::{self, Client, Idfm};
use quai::secret::Secret;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let server = DemoServer::start_with_clock(
        ([127, 0, 0, 1], 0).into(),
        ServerOptions::default(),
        demo::clock_starting_at(None),
    )
    .await?;
    let url = |path: &str| parse_base_url(&format!("{}{path}", server.url()));
    println!(
        "{:<44} {:>16} {:>12}",
        "board (quota 1000/day, asked every 10 s)", "stop-monitoring", "disruptions"
    );
    for stations in [
        &["73626"][..],
        &["73626", "71517", "70604"][..],
        &["73626", "71517", "474151"][..],
    ] {
        let cache = Cache::memory();
        let client = Client::new(
            url(demo::idfm::PRIM_PATH)?,
            url(demo::idfm::DATA_PATH)?,
            Secret::new(demo::DEMO_KEY),
            None,
            cache.scoped(idfm::ID),
        )
        .map_err(|e| e.to_string())?
        .with_spacing(Duration::ZERO);
        let clock =
            HandClock::starting("2026-12-01T23:00:00Z".parse().map_err(|e| format!("{e}"))?);
        let net = Idfm::new(client, &cache, 1000).with_clock(clock.reader());
        let cost = simulate(&net, &clock, stations, Duration::from_secs(10))
            .await
            .map_err(|e| e.to_string())?;
        let label = format!("{} station(s) {}", stations.len(), stations.join(","));
        println!(
            "{label:<44} {:>16} {:>12}",
            cost.stop_monitoring, cost.disruptions
        );
    }
    Ok(())
}
