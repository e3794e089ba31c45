//! The central client against real HTTP servers on 127.0.0.1.
//!
//! It follows no redirect: a 307 from the configured centre never sends a citizen's data
//! (verify, submissions with the FİN) or a heartbeat to the address it names; the "centre"
//! answers every request with 307 to a second server, which counts what reaches it. And the
//! FİN never travels in a URL (where proxies and access logs keep it).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use dost_kiosk::central::{CentralClient, CentralError};
use kiosk_core::card::CitizenKey;

/// Serves `app` on a free port of 127.0.0.1; its base URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

fn fin() -> CitizenKey {
    let fin = dost_api::Fin::parse("5ZX7K2P").expect("a valid FİN");
    CitizenKey::new(Some(&fin), "AA1234567")
}

fn submission() -> dost_api::SubmitBatch {
    dost_api::SubmitBatch {
        applications: vec![dost_api::ApplicationSubmission {
            application_id: "YAS01-261129-0001".into(),
            idempotency_key: "k-1".into(),
            kiosk_id: "DOST-YASAMAL-K01".into(),
            service_id: "unemployment-benefit".into(),
            fin: "5ZX7K2P".into(),
            document_number: "AA1234567".into(),
            lang: "az".into(),
            submitted_at: chrono::Utc::now(),
            answers: Default::default(),
        }],
    }
}

fn heartbeat() -> dost_api::Heartbeat {
    dost_api::Heartbeat {
        kiosk_id: "DOST-YASAMAL-K01".into(),
        version: "test".into(),
        uptime_s: 1,
        sent_at: chrono::Utc::now(),
        devices: Vec::new(),
        outbox_depth: 0,
        held_receipts: 0,
        receipts_left: None,
        config_error: None,
        help_requests: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_refused_and_the_other_host_sees_nothing() {
    // The host a redirect points at: it counts every request that reaches it.
    let reached = Arc::new(AtomicUsize::new(0));
    let seen = reached.clone();
    let elsewhere = serve(Router::new().fallback(move || {
        let seen = seen.clone();
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            (StatusCode::OK, "{}")
        }
    }))
    .await;
    // The configured centre: answers everything with 307 (method and body kept) or 308.
    let target = elsewhere.clone();
    let answered = Arc::new(AtomicUsize::new(0));
    let count = answered.clone();
    let centre = serve(Router::new().fallback(move |uri: axum::http::Uri| {
        let to = format!("{target}{uri}");
        let count = count.clone();
        async move {
            let n = count.fetch_add(1, Ordering::SeqCst);
            let status = if n.is_multiple_of(2) {
                StatusCode::TEMPORARY_REDIRECT
            } else {
                StatusCode::PERMANENT_REDIRECT
            };
            (status, [(header::LOCATION, to)]).into_response()
        }
    }))
    .await;

    let client =
        CentralClient::new(&centre, "kiosk-token", Duration::from_secs(5)).expect("client");
    for round in 0..2 {
        let verify = client.verify(&fin(), "AA1234567").await;
        assert!(
            matches!(verify, Err(CentralError::Redirect { status: 307 | 308 })),
            "verify, round {round}: {verify:?}"
        );
        let submit = client.submit(&submission()).await;
        assert!(
            matches!(submit, Err(CentralError::Redirect { status: 307 | 308 })),
            "submit, round {round}: {submit:?}"
        );
        let hb = client.heartbeat(&heartbeat()).await;
        assert!(
            matches!(hb, Err(CentralError::Redirect { status: 307 | 308 })),
            "heartbeat, round {round}: {hb:?}"
        );
        let list = client.applications_for(&fin()).await;
        assert!(
            matches!(list, Err(CentralError::Redirect { .. })),
            "applications, round {round}: {list:?}"
        );
    }
    assert_eq!(
        answered.load(Ordering::SeqCst),
        8,
        "every request reached the centre"
    );
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "nothing was sent to the host the redirect named"
    );
    // The other host does answer: a client pointed at it reaches it (the count can rise).
    let direct = CentralClient::new(&elsewhere, "t", Duration::from_secs(5)).expect("client");
    let _ = direct.heartbeat(&heartbeat()).await;
    assert_eq!(reached.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fin_never_travels_in_a_url() {
    // Every request's method, URI and body, as a proxy or an access log would see them.
    let seen: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let log = seen.clone();
    let centre = serve(Router::new().fallback(
        move |method: axum::http::Method, uri: axum::http::Uri, body: String| {
            let log = log.clone();
            async move {
                if let Ok(mut l) = log.lock() {
                    l.push((method.to_string(), uri.to_string(), body));
                }
                (StatusCode::SERVICE_UNAVAILABLE, "{}")
            }
        },
    ))
    .await;
    let client =
        CentralClient::new(&centre, "kiosk-token", Duration::from_secs(5)).expect("client");
    let _ = client.verify(&fin(), "AA1234567").await;
    let _ = client.applications_for(&fin()).await;
    let _ = client.submit(&submission()).await;
    let seen = seen.lock().map(|l| l.clone()).unwrap_or_default();
    assert_eq!(seen.len(), 3, "{seen:?}");
    for (method, uri, body) in &seen {
        assert_eq!(method, "POST", "{uri}");
        assert!(!uri.contains("5ZX7K2P"), "the FİN in a URL: {uri}");
        assert!(!uri.contains('?'), "a query string: {uri}");
        assert!(body.contains("5ZX7K2P"), "the FİN goes in the body: {uri}");
    }
    assert!(
        seen.iter()
            .any(|(_, uri, _)| uri == "/v1/citizens/applications")
    );
}
