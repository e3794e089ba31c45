//! `dost-central`: the reference DOST central API as a process.
//!
//! ```text
//! dost-central [serve] --listen ADDR --db PATH [--fault SPEC] [--timeline demo|off|fast] \
//!              [--token T ...] [--catalog FILE.json]
//! dost-central export --db PATH
//! ```
//! `serve` prints `listening on ADDR` as the first line on stdout (use port 0 for a free port);
//! logs go to stderr (`RUST_LOG`, default `info`).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use dost_central::{CentralConfig, CentralError, Faults, Timeline};
use tokio_util::sync::CancellationToken;

#[derive(Parser, Debug)]
#[command(
    name = "dost-central",
    version,
    about = "Reference DOST central API (development and test tool: plain HTTP, unauthenticated /admin)",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the API (the default).
    Serve(ServeArgs),
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
    /// Accepted bearer token (repeatable); none = any non-empty token.
    #[arg(long = "token")]
    tokens: Vec<String>,
    /// JSON document served by GET /v1/catalog.
    #[arg(long)]
    catalog: Option<PathBuf>,
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
        Some(Command::Serve(args)) => serve(args),
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
    cfg.tokens = args.tokens;
    cfg.catalog_json = catalog_json;
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
