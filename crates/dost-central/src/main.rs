//! `dost-central`: the reference DOST central API as a process.
//!
//! ```text
//! dost-central [serve] --listen ADDR --db PATH [--fault SPEC] [--timeline demo|off|fast] \
//!              [--kiosk-token KIOSK_ID=TOKEN ...] [--tokens-file FILE] \
//!              [--admin-token TOKEN | --admin-token-file FILE] [--catalog FILE.json] \
//!              [--csca PATH ...]
//! dost-central export --db PATH
//! ```
//! `serve` prints `listening on ADDR` as the first line on stdout (use port 0 for a free port);
//! logs go to stderr (`RUST_LOG`, default `info`).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use dost_central::{CentralConfig, CentralError, Faults, KioskToken, Timeline, TokenError};
use tokio_util::sync::CancellationToken;

#[derive(Parser, Debug)]
#[command(
    name = "dost-central",
    version,
    about = "Reference DOST central API (development and test tool: plain HTTP, loopback only)",
    after_help = AUTH_HELP,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

const AUTH_HELP: &str = "\
Tokens:
  Kiosk tokens are bound to one kiosk id each (--kiosk-token KIOSK_ID=TOKEN, repeatable, or
  --tokens-file with one KIOSK_ID=TOKEN a line, # for comments): a kiosk's token may send only
  that kiosk's heartbeat, pull only its configuration and submit applications and ratings only
  in its name (403 otherwise). /admin routes need --admin-token (or --admin-token-file);
  without one they answer 403 once kiosk tokens are configured.
  Development mode, with no kiosk token: `demo-<kiosk id>` acts as that kiosk (what a kiosk
  without a token sends), any other non-empty token for every kiosk, and /admin is open unless
  an admin token is given. Development mode and open /admin routes serve only on a loopback
  address. Tokens are RFC 6750 b64token text (A-Z a-z 0-9 - . _ ~ + / and trailing =).";

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the API (the default).
    #[command(after_help = AUTH_HELP)]
    Serve(Box<ServeArgs>),
    /// Print every stored application as one JSON object per line.
    Export {
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// SQLite database file (created if missing).
    #[arg(long, required = true)]
    db: Option<PathBuf>,
    /// Faults to inject, e.g. `latency=50,error-rate=0.2,drop=0.1,garbage=0.05`.
    #[arg(long, default_value = "none")]
    fault: Faults,
    /// Status timeline: demo, fast, off or RECEIVED/IN_REVIEW/DECIDED (e.g. 0s/2s/5s).
    #[arg(long, default_value = "demo")]
    timeline: Timeline,
    /// Kiosk bearer token bound to a kiosk id (repeatable); none = development mode.
    #[arg(long = "kiosk-token", value_name = "KIOSK_ID=TOKEN")]
    kiosk_tokens: Vec<KioskToken>,
    /// File of kiosk tokens, one KIOSK_ID=TOKEN a line (keeps them out of the process list).
    #[arg(long, value_name = "FILE")]
    tokens_file: Option<PathBuf>,
    /// Bearer token of the /admin routes.
    #[arg(long, value_name = "TOKEN", conflicts_with = "admin_token_file")]
    admin_token: Option<String>,
    /// File whose first line is the admin token.
    #[arg(long, value_name = "FILE")]
    admin_token_file: Option<PathBuf>,
    /// JSON document served by GET /v1/catalog.
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// Trust store of the chip evidence in POST /v1/citizens/verify: a folder of CSCA
    /// certificates (PEM or DER) and CRLs, one certificate file, or a CSCA master list
    /// (repeatable). Without it chip evidence is answered `not_checked`.
    #[arg(long, value_name = "PATH")]
    csca: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
enum MainError {
    #[error(transparent)]
    Central(#[from] CentralError),
    #[error("cannot read catalog {}", path.display())]
    CatalogRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("catalog {} is not valid JSON", path.display())]
    CatalogJson {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot bind {addr}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write to stdout")]
    Stdout(#[source] std::io::Error),
    #[error("missing --db")]
    MissingDb,
    #[error("chip trust store")]
    Trust(#[from] chip_reader::trust::TrustError),
    #[error(transparent)]
    Tokens(#[from] TokenError),
    #[error(
        "refusing to serve on {0}: a non-loopback address needs kiosk tokens and an admin token"
    )]
    OpenOnNetwork(SocketAddr),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let result = match cli.command {
        Some(Command::Export { db }) => export(db),
        Some(Command::Serve(args)) => serve(*args),
        None => serve(cli.serve),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut msg = format!("dost-central: {e}");
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                msg.push_str(&format!(": {s}"));
                src = s.source();
            }
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

fn export(db: PathBuf) -> Result<(), MainError> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let n = dost_central::export(&db, &mut out)?;
    out.flush().map_err(MainError::Stdout)?;
    tracing::info!(applications = n, "exported");
    Ok(())
}

fn serve(args: ServeArgs) -> Result<(), MainError> {
    let db = args.db.ok_or(MainError::MissingDb)?;
    let catalog_json = match &args.catalog {
        None => None,
        Some(path) => {
            let text = std::fs::read(path).map_err(|source| MainError::CatalogRead {
                path: path.clone(),
                source,
            })?;
            Some(
                serde_json::from_slice(&text).map_err(|source| MainError::CatalogJson {
                    path: path.clone(),
                    source,
                })?,
            )
        }
    };
    let mut cfg = CentralConfig::new(db);
    cfg.faults = args.fault;
    cfg.timeline = args.timeline;
    cfg.kiosk_tokens = args.kiosk_tokens;
    if let Some(path) = &args.tokens_file {
        cfg.kiosk_tokens
            .extend(dost_central::auth::read_tokens_file(path)?);
    }
    cfg.admin_token = match (args.admin_token, &args.admin_token_file) {
        (Some(t), _) => Some(t),
        (None, Some(path)) => Some(dost_central::auth::read_secret_file(path)?),
        (None, None) => None,
    };
    if !args.listen.ip().is_loopback() && (cfg.kiosk_tokens.is_empty() || cfg.admin_token.is_none())
    {
        return Err(MainError::OpenOnNetwork(args.listen));
    }
    cfg.catalog_json = catalog_json;
    if !args.csca.is_empty() {
        cfg.chip_trust = Some(chip_reader::TrustStore::load_all(&args.csca)?);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| MainError::Central(CentralError::Io(e)))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|source| MainError::Bind {
                addr: args.listen,
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| MainError::Central(CentralError::Io(e)))?;
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on {addr}").map_err(MainError::Stdout)?;
            out.flush().map_err(MainError::Stdout)?;
        }
        let shutdown = CancellationToken::new();
        tokio::spawn(wait_for_signal(shutdown.clone()));
        dost_central::serve(listener, cfg, shutdown).await?;
        Ok(())
    })
}

async fn wait_for_signal(shutdown: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot watch SIGTERM; Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("signal received");
    shutdown.cancel();
}
