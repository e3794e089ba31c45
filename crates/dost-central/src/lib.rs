//! Reference DOST central API server (`docs/central-api.yaml`).
//!
//! A development and test tool: it stores submissions in SQLite with per-application
//! idempotency, moves statuses along a configurable timeline, and can inject network faults
//! (latency, 5xx, dropped connections, garbage bodies) so the kiosk's outbox relay can be tested
//! against a misbehaving centre. It is embedded in the kiosk demo (in-process, loopback) and run
//! as a process by tests and benchmarks. It speaks plain HTTP: never expose it beyond loopback;
//! production needs TLS.
//!
//! * **Tokens** ([`auth`]): kiosk tokens are bound to one kiosk id each (a kiosk cannot send
//!   another's heartbeat, pull another's configuration, or submit applications and ratings in
//!   another's name); `/admin` needs the admin token. With no kiosk token configured (the
//!   embedded demo), `demo-<kiosk id>` acts as that kiosk and `/admin` is open unless an admin
//!   token is set.
//! * **Bounds**: request bodies (4 MiB for submissions, less elsewhere), batches (500 items),
//!   and every string that is stored are bounded; a request beyond them gets a problem
//!   document, never a crash.
//!
//! * **Idempotency**: per application, by `idempotency_key` (first answer stored and replayed,
//!   with the first `received_at`); a batch is one SQLite transaction (WAL, `synchronous=FULL`).
//! * **Statuses** move `submitted → received → in_review → approved | rejected` along
//!   [`Timeline`] from `received_at`; the decision is [`decision_for`] the id. A state set with
//!   `POST /admin/applications/{id}/state` stops the automatic steps.
//! * **Faults** ([`Faults`]) apply to every `/v1` request: latency, then possibly an injected
//!   500/503 or a dropped connection, each either before the handler runs or after it (so a
//!   batch may be stored although the client sees a failure), or a 200 with a garbage body.
//!   `GET/PUT /admin/faults` change them at run time.
//! * **Queue tickets** (`POST /v1/queue/tickets`): numbered per desk service and day; a
//!   ticket a kiosk numbered while offline keeps its number; one queue entry per `ticket_id`.
//! * **Public status page** (`GET /status/{number}?code=`): the state of an application or
//!   the place of a ticket for whoever holds its paper (the lookup code), no personal data.
//! * **Rejections** carry a reason and a next step ([`reasons`]); verification answers carry
//!   the citizen's name in Azerbaijani spelling when the centre knows it
//!   (`POST /admin/citizens`, or [`CentralConfig::citizen_names`]).
//! * Logs never carry a FİN (see [`mask_fin`]); request logs omit the query string, and no
//!   route takes a FİN in its URL (`POST /v1/citizens/applications` takes it in the body).
//!
//! ```no_run
//! # async fn demo() -> Result<(), dost_central::CentralError> {
//! use dost_central::{CentralConfig, spawn_local};
//! use tokio_util::sync::CancellationToken;
//! let shutdown = CancellationToken::new();
//! let (addr, task) = spawn_local(CentralConfig::new("/tmp/central.db"), shutdown.clone()).await?;
//! println!("central API on http://{addr}/v1");
//! shutdown.cancel();
//! task.await??;
//! # Ok(()) }
//! ```

pub mod auth;
pub mod chip;
mod config;
mod error;
mod http;
mod queue;
pub mod reasons;
mod server;
mod status;
mod store;
mod validate;

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use auth::{KioskToken, TokenError};
pub use config::{
    CentralConfig, Faults, MAX_LATENCY_MS, ParseFaultsError, ParseTimelineError, Timeline,
};
pub use error::CentralError;
pub use http::CitizenName;
pub use http::{
    AdminStateChange, MAX_BODY_BYTES, MAX_HEARTBEAT_BYTES, MAX_LIST, MAX_MEDIUM_BODY_BYTES,
    MAX_SMALL_BODY_BYTES, MAX_VERIFY_BODY_BYTES, RevokeRequest,
};
pub use queue::{MAX_TICKET_NUMBER_LEN, MINUTES_PER_TICKET, service_letter};
pub use status::decision_for;
pub use store::ExportRecord;
pub use validate::{
    IdError, MAX_ANSWER_LEN, MAX_ANSWERS, MAX_ANSWERS_TOTAL, MAX_CONFIG_ERROR_CHARS,
    MAX_DETAIL_CHARS, MAX_DEVICES, MAX_HELP_REQUESTS, MAX_HELP_TEXT_CHARS, MAX_ID_LEN, MAX_KEY_LEN,
    MAX_NAME_CHARS, MAX_NOTE_CHARS, MAX_RATING_SERVICE_CHARS, MAX_VERSION_CHARS, fin_is_valid,
    mask_fin,
};

/// Serves the central API on `listener` until `shutdown` is cancelled.
pub async fn serve(
    listener: TcpListener,
    cfg: CentralConfig,
    shutdown: CancellationToken,
) -> Result<(), CentralError> {
    let state = server::prepare(cfg).await?;
    server::run(listener, state, shutdown).await
}

/// Opens the database, binds `127.0.0.1:0` and serves in a background task.
///
/// Errors opening the database or binding are returned here, not from the task.
pub async fn spawn_local(
    cfg: CentralConfig,
    shutdown: CancellationToken,
) -> Result<(SocketAddr, JoinHandle<Result<(), CentralError>>), CentralError> {
    let state = server::prepare(cfg).await?;
    let (listener, addr) = server::bind_local().await?;
    tracing::info!(%addr, "central API listening");
    let task = tokio::spawn(server::run(listener, state, shutdown));
    Ok((addr, task))
}

/// Writes every stored application of `db` to `out` as one JSON object per line, in the order
/// received ([`ExportRecord`]: application_id, idempotency_key, kiosk_id, service_id,
/// received_at, content_hash; never the FİN). Returns the number of lines.
pub fn export(db: &Path, out: &mut impl Write) -> Result<usize, CentralError> {
    store::export_json_lines(db, out)
}

/// Every stored application of `db`, in the order received.
pub fn export_records(db: &Path) -> Result<Vec<ExportRecord>, CentralError> {
    let mut v = Vec::new();
    store::export_records(db, |r| {
        v.push(r);
        Ok(())
    })?;
    Ok(v)
}
