//! Accept loop: hyper HTTP/1.1 connections, per-connection kill switch (for injected drops) and
//! graceful shutdown.

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::auth::Auth;
use crate::config::CentralConfig;
use crate::error::CentralError;
use crate::http::{AppState, ConnKill, catalog_entry, router};
use crate::store::Store;

/// How long shutdown waits for requests in flight.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens the database and builds the handler state.
pub(crate) async fn prepare(cfg: CentralConfig) -> Result<Arc<AppState>, CentralError> {
    cfg.faults.validate()?;
    let auth = Auth::new(&cfg.kiosk_tokens, cfg.admin_token.as_deref())?;
    let catalog = cfg.catalog_json.as_ref().map(catalog_entry).transpose()?;
    let path = cfg.db_path.clone();
    let names = cfg.citizen_names.clone();
    let store = tokio::task::spawn_blocking(move || {
        let store = Store::open(&path)?;
        for (fin, name) in &names {
            if crate::validate::fin_is_valid(fin) && crate::validate::validate_name(name).is_ok() {
                store.put_citizen_name(fin, name)?;
            }
        }
        Ok::<_, CentralError>(store)
    })
    .await??;
    tracing::info!(
        db = %cfg.db_path.display(),
        faults = %cfg.faults,
        timeline = ?cfg.timeline,
        kiosk_tokens = cfg.kiosk_tokens.len(),
        admin_token = auth.has_admin_token(),
        catalog = catalog.is_some(),
        chip_cscas = cfg.chip_trust.as_ref().map_or(0, |t| t.cscas().len()),
        "central API ready"
    );
    Ok(Arc::new(AppState {
        store: Arc::new(store),
        timeline: cfg.timeline,
        auth,
        faults: RwLock::new(cfg.faults),
        catalog,
        chip_trust: cfg.chip_trust,
        challenges: crate::chip::ChallengeBook::default(),
    }))
}

/// Serves until `shutdown` is cancelled, then lets requests in flight finish (bounded).
pub(crate) async fn run(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: CancellationToken,
) -> Result<(), CentralError> {
    let app = router(state);
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    // hyper's header timer also runs while a kept-alive connection is idle; keep it longer
    // than client pools' idle timeout (reqwest: 90 s) so clients, not the server, close idle
    // connections and never race a request against a server-side close.
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(120))
        .keep_alive(true);
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                // E.g. out of file descriptors: wait a little instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let kill = CancellationToken::new();
        let svc_kill = kill.clone();
        let svc_app = app.clone();
        let svc = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnKill(svc_kill.clone()));
            let mut app = svc_app.clone();
            async move { tower_service::Service::call(&mut app, req).await }
        });
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), svc));
        tokio::spawn(async move {
            tokio::select! {
                res = conn => {
                    if let Err(e) = res {
                        tracing::debug!(%peer, error = %e, "connection ended with an error");
                    }
                }
                () = kill.cancelled() => {
                    tracing::debug!(%peer, "connection dropped (injected fault)");
                }
            }
        });
    }
    drop(listener);
    tracing::info!("shutting down");
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after {DRAIN_TIMEOUT:?}; closing anyway");
    }
    Ok(())
}

/// Binds 127.0.0.1 on a free port.
pub(crate) async fn bind_local() -> Result<(TcpListener, SocketAddr), CentralError> {
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| CentralError::Bind { addr, source })?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}
