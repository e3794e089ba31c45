//! The `dost-kiosk` command: runs the kiosk, or one of the technician's commands. One file per
//! command group; each returns the process's exit code, or a message for stderr.

mod args;
mod card;
mod chip;
mod config;
mod doctor;
mod printer;
mod run;
mod screenshot;
mod speech;

use std::io::Read;
use std::process::ExitCode;

use clap::Parser;

pub use args::*;
pub use doctor::{Check, Provisioned, provision, run_checks};

use crate::config::KioskConfig;

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    if !matches!(cli.command, None | Some(Command::Run(_))) {
        init_logging();
    }
    // Commands that write the data directory create private files only.
    if matches!(
        cli.command,
        None | Some(
            Command::Run(_)
                | Command::Doctor { .. }
                | Command::Provision { .. }
                | Command::BurnIn(_)
                | Command::Printer(PrinterCmd::Restocked)
        )
    ) {
        crate::platform::fs::private_umask();
    }
    let g = &cli.global;
    let result = match &cli.command {
        None => run::run(g, &RunArgs::default()),
        Some(Command::Run(args)) => run::run(g, args),
        Some(Command::Screenshot(args)) => screenshot::screenshot(args),
        Some(Command::Config(ConfigCmd::Check { path })) => {
            config::check(path.as_deref().unwrap_or(&g.config))
        }
        Some(Command::Config(ConfigCmd::Set { key, value })) => config::set(&g.config, key, value),
        Some(Command::Card(CardCmd::Parse { framing })) => card::parse(framing),
        Some(Command::Card(CardCmd::Listen { port })) => card::listen(g, port.as_deref()),
        Some(Command::BurnIn(args)) => load_config(g)
            .and_then(|cfg| crate::kit::burnin::run_cli(cfg, args).map_err(|e| e.to_string())),
        Some(Command::Printer(PrinterCmd::Status { port, json })) => {
            printer::status(g, port, *json)
        }
        Some(Command::Printer(PrinterCmd::Test { port })) => printer::test(g, port),
        Some(Command::Printer(PrinterCmd::Restocked)) => printer::restocked(g),
        Some(Command::Printer(PrinterCmd::Models { json })) => Ok(printer::models(*json)),
        Some(Command::Receipt(ReceiptCmd::Preview { input, out, width })) => {
            printer::preview(input, out, *width)
        }
        Some(Command::Ports) => printer::ports(),
        Some(Command::Pin(PinCmd::Hash)) => pin_hash(),
        Some(Command::Doctor { json }) => doctor::doctor(g, *json),
        Some(Command::Provision { token }) => doctor::provision_cmd(g, token.as_deref()),
        Some(Command::Chip(ChipCmd::Verify(args))) => chip::verify(args),
        Some(Command::Chip(ChipCmd::Readers { json })) => chip::readers(*json),
        Some(Command::Chip(ChipCmd::Read(args))) => chip::read(g, args),
        Some(Command::Speech(cmd)) => speech::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("dost-kiosk: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a command-line error (or the help); its exit code is clap's (2), except for
/// `chip verify`, whose 2 means "invalid document": bad arguments there exit 1.
fn usage_error(e: &clap::Error) -> ExitCode {
    let _ = e.print();
    if !e.use_stderr() {
        return ExitCode::SUCCESS;
    }
    let args: Vec<String> = std::env::args().collect();
    let chip_verify = args.windows(2).any(|w| w[0] == "chip" && w[1] == "verify");
    ExitCode::from(if chip_verify { 1 } else { 2 })
}

fn log_filter() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_env("DOST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
}

/// Logs of the technician's commands: stderr.
fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(log_filter())
        .with_ansi(crate::platform::logs::stderr_colour())
        .with_writer(std::io::stderr)
        .try_init();
}

/// The configuration of `--config`, with `--data-dir` applied.
pub fn load_config(global: &GlobalArgs) -> Result<KioskConfig, String> {
    let mut cfg = KioskConfig::load(&global.config).map_err(|e| e.to_string())?;
    if let Some(dir) = &global.data_dir {
        cfg.kiosk.data_dir = std::path::absolute(dir).map_err(|e| e.to_string())?;
    }
    Ok(cfg)
}

/// `dost-kiosk pin hash`: a PIN on stdin, its argon2 hash on stdout.
fn pin_hash() -> Result<ExitCode, String> {
    let mut pin = String::new();
    std::io::stdin()
        .take(64)
        .read_to_string(&mut pin)
        .map_err(|e| format!("cannot read the PIN: {e}"))?;
    let pin = pin.lines().next().unwrap_or_default().trim();
    let hash = crate::config::pin::hash_pin(pin).map_err(|e| e.to_string())?;
    println!("{hash}");
    Ok(ExitCode::SUCCESS)
}
