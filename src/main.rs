//! The `quai` binary: parses the command line and hands over to the command.

use std::io::Write;
use std::process::ExitCode;

use quai::cli::{Command, KeyAction, NetworksAction, Parsed};
use quai::commands;

fn main() -> ExitCode {
    // The help and the command-line errors are in the rider's language.
    let mut cli = match quai::cli::parse(std::env::args_os()) {
        Parsed::Run(cli) => cli,
        Parsed::Exit(code) => return ExitCode::from(code),
    };
    // `quai demo` is the board of `quai --demo`.
    cli.demo |= matches!(cli.command, Some(Command::Demo { .. }));
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let why = e.to_string();
            eprintln!(
                "quai: {}",
                quai::i18n::tf("cannot_start_runtime", &[("why", &why)])
            );
            return ExitCode::FAILURE;
        }
    };
    let ctx = commands::Context::new(&cli);
    // QUAI_AT: the program's clock from that instant, for every command (a
    // recording replayed, a kiosk or a publisher tried at a set hour),
    // read as `--at` is, in the zone of the command's network; a
    // command's own `--at` wins.
    if let Some(at) = std::env::var("QUAI_AT")
        .ok()
        .filter(|at| !at.trim().is_empty())
    {
        let zone = match &cli.command {
            Some(Command::Board { places, .. }) => commands::at_zone(&ctx, places),
            Some(Command::Networks {
                action: Some(NetworksAction::Check { id, .. }),
                ..
            }) => commands::network_zone(id),
            _ => commands::at_zone(&ctx, &[]),
        };
        match quai::clock::parse_at(&at, &zone) {
            Ok(instant) => quai::clock::start_at(instant),
            Err(why) => {
                eprintln!("quai: QUAI_AT: {why}");
                return ExitCode::from(2);
            }
        }
    }
    // The settings name the networks they define (their language was read
    // with the command line); an unreadable file is the command's to report.
    let _ = ctx.settings();
    let result = runtime.block_on(async {
        match &cli.command {
            Some(Command::Api { method, params }) => commands::api(&ctx, method, params).await,
            Some(Command::Key {
                action: KeyAction::Trial,
            }) => commands::key_trial(&ctx).await,
            Some(Command::Board { places, args, at }) => {
                commands::board(&ctx, places, args, at.as_deref()).await
            }
            Some(Command::Demo { args, at }) => commands::demo(&ctx, args, at.as_deref()).await,
            Some(Command::ServeDemo(args)) => commands::serve_demo(args).await,
            Some(Command::Kiosk(args)) => commands::kiosk(&ctx, args).await,
            Some(Command::Info { json }) => commands::info(&ctx, *json).await,
            Some(Command::Tarifs { json }) => commands::tarifs(&ctx, *json).await,
            Some(Command::Quota { json }) => commands::quota(&ctx, *json).await,
            Some(Command::Stops { query, near, limit }) => {
                commands::stops(&ctx, query.as_deref(), near.as_deref(), *limit).await
            }
            Some(Command::Fav { action }) => commands::fav(&ctx, action).await,
            Some(Command::Timetable { action }) => commands::timetable(&ctx, action).await,
            Some(Command::Networks { action, json }) => {
                commands::networks(&ctx, action.as_ref(), *json).await
            }
            Some(Command::Publish(args)) => commands::publish(&ctx, args).await,
            Some(Command::Completions { shell }) => commands::completions(*shell),
            Some(Command::Man) => commands::man(),
            None => commands::favourites_board(&ctx).await,
        }
    });
    match result {
        Ok(()) => ExitCode::from(commands::exit_status()),
        Err(message) => {
            // stderr may be a terminal that is gone: no panic for that.
            let _ = writeln!(std::io::stderr(), "quai: {message}");
            ExitCode::FAILURE
        }
    }
}
