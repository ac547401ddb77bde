//! `consultation-receiver`: parses the command line, starts logging and runs the subcommand
//! (the library, `lib.rs`, holds the rest).

use clap::Parser;
use consultation_receiver::cli::{Cli, Command, LogFormat};
use consultation_receiver::http::panics;
use consultation_receiver::{commands, export};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = cli
        .log_format
        .unwrap_or(if std::io::stderr().is_terminal() {
            LogFormat::Text
        } else {
            LogFormat::Json
        });
    init_logs(format);
    panics::quiet_hook();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("consultation-receiver: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => commands::serve::serve(*args).await,
            Command::Export(args) => export::run(args).await,
            Command::Staff(command) => commands::staff::run(command).await,
            Command::MigrateTo(args) => commands::migrate_to::run(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "stopped");
            eprintln!("consultation-receiver: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr (stdout is `export`'s). `RUST_LOG` sets the levels; info by default.
/// Coloured only on a terminal: in a file or a journal the escapes are noise.
fn init_logs(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder.init(),
    }
}
