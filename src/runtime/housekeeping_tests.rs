//! Housekeeping against a real HTTP centre on 127.0.0.1.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use kiosk_core::catalog::Catalog;
use kiosk_core::health::DeviceBoard;
use tokio::sync::{Notify, watch};

use super::{Housekeeping, Pulled};
use crate::central::CentralClient;
use crate::config::KioskConfig;
use crate::runtime::event_loop::Live;
use crate::store::{Store, StoreHandle};

fn demo() -> KioskConfig {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml");
    KioskConfig::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// A centre whose `/v1/catalog` is `bad` while `serve_bad` is set, else `good`.
async fn centre(
    bad: serde_json::Value,
    good: serde_json::Value,
    serve_bad: Arc<AtomicBool>,
) -> String {
    let app = Router::new().route(
        "/v1/catalog",
        axum::routing::get(move || {
            let (bad, good, serve_bad) = (bad.clone(), good.clone(), serve_bad.clone());
            async move {
                let (body, tag) = if serve_bad.load(Ordering::SeqCst) {
                    (bad, "\"bad\"")
                } else {
                    (good, "\"good\"")
                };
                (StatusCode::OK, [(header::ETAG, tag)], axum::Json(body)).into_response()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_catalog_keeps_the_last_good_one() {
    let cfg = demo();
    let shipped = cfg.load_catalog().unwrap_or_else(|e| panic!("{e}"));
    let mut bomb = serde_json::to_value(&shipped).unwrap_or_default();
    bomb["service"][0]["field"][0]["page"] = serde_json::Value::from(u32::MAX);
    let mut newer = shipped.clone();
    newer.services.truncate(3);
    let good = serde_json::to_value(&newer).unwrap_or_default();
    let serve_bad = Arc::new(AtomicBool::new(true));
    let url = centre(bomb, good, serve_bad.clone()).await;

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = Store::open_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let (store, _thread) = StoreHandle::spawn(store).unwrap_or_else(|e| panic!("{e}"));
    let (_devices_tx, devices) = watch::channel(DeviceBoard::default());
    let (live, live_rx) = watch::channel(Live {
        catalog: Arc::new(shipped.clone()),
        cfg: Arc::new(cfg),
    });
    let hk = Housekeeping {
        store,
        client: CentralClient::new(&url, "t", Duration::from_secs(5))
            .unwrap_or_else(|e| panic!("{e}")),
        devices,
        live,
        reread: Arc::new(Notify::new()),
        beat: Arc::new(Notify::new()),
    };
    let mut pulled = Pulled::default();
    hk.pull_catalog(&mut pulled).await;
    assert_eq!(
        *live_rx.borrow().catalog,
        shipped,
        "the last good catalog stays"
    );
    assert_eq!(
        pulled.catalog_etag, None,
        "a refused catalog is asked for again"
    );
    // Pulled again (the centre still sends it): still refused, nothing changes.
    hk.pull_catalog(&mut pulled).await;
    assert_eq!(*live_rx.borrow().catalog, shipped);
    // The centre fixes it: the good one is taken.
    serve_bad.store(false, Ordering::SeqCst);
    hk.pull_catalog(&mut pulled).await;
    let taken: Catalog = (*live_rx.borrow().catalog).clone();
    assert_eq!(taken, newer);
    assert_eq!(pulled.catalog_etag.as_deref(), Some("\"good\""));
}
