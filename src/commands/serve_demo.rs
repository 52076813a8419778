//! `quai serve-demo`: the demo server, for other programs and tests.

use std::io::Write;
use std::time::Duration;

use super::{CommandResult, wait_for_shutdown};
use crate::cli::ServeDemoArgs;
use crate::demo;

/// `quai serve-demo`
pub async fn serve_demo(args: &ServeDemoArgs) -> CommandResult {
    let options = demo::ServerOptions {
        latency: Duration::from_millis(args.latency),
        fail_every: args.fail_every.filter(|n| *n > 0),
        refuse_key: args.refuse_key,
        access_log: args.access_log.clone(),
        fault_file: args.fault_file.clone(),
        // Its clients read their own clocks: PRIM at the demo's.
        prim_follows_clock: true,
    };
    let at = args.at.as_deref().map(demo::parse_at).transpose()?;
    let clock = demo::clock_starting_at(at);
    let server = demo::DemoServer::start_with_clock((args.addr, args.port).into(), options, clock)
        .await
        .map_err(|e| format!("cannot start the demo server: {e}"))?;
    // Whoever started the server may stop reading its output: a closed
    // stdout must not stop the server.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "quai demo server listening on {}", server.url());
    let _ = writeln!(
        out,
        "Use it with: GINKO_API_URL={} GINKO_API_KEY={} quai …",
        server.url(),
        demo::DEMO_KEY
    );
    let _ = writeln!(
        out,
        "IDFM too: IDFM_PRIM_URL={url}{} IDFM_DATA_URL={url}{} IDFM_API_KEY={key} \
         IDFM_DATASET_KEY={key} quai …",
        demo::idfm::PRIM_PATH,
        demo::idfm::DATA_PATH,
        url = server.url(),
        key = demo::DEMO_KEY
    );
    let _ = out.flush();
    wait_for_shutdown().await;
    Ok(())
}
