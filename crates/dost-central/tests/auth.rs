//! Tokens over real HTTP: kiosk tokens bound to their kiosk, the admin token on `/admin`,
//! and the development (demo) configuration the embedded kiosk demo runs with.

mod common;

use common::{ADMIN, Central, KIOSK, OTHER_KIOSK, OTHER_TOKEN, TOKEN, app, cfg, db_in, problem};
use dost_api::{Heartbeat, ItemOutcome, Rating, RatingBatch, SubmitBatch};
use dost_central::CentralConfig;
use reqwest::Method;

fn heartbeat(kiosk: &str) -> Heartbeat {
    Heartbeat {
        kiosk_id: kiosk.into(),
        version: "0.1.0".into(),
        uptime_s: 10,
        sent_at: chrono::Utc::now(),
        devices: vec![],
        outbox_depth: 0,
        held_receipts: 0,
        receipts_left: None,
        config_error: None,
        help_requests: vec![],
    }
}

fn rating(id: &str, kiosk: &str) -> Rating {
    Rating {
        rating_id: id.into(),
        kiosk_id: kiosk.into(),
        service_id: None,
        score: 4,
        lang: "az".into(),
        rated_at: chrono::Utc::now(),
    }
}

/// Sends `POST /v1/kiosks/{path}/heartbeat` naming `body` with `token`; returns the status.
async fn send_heartbeat(c: &Central, token: &str, path: &str, body: &str) -> u16 {
    c.client
        .post(c.url(&format!("/v1/kiosks/{path}/heartbeat")))
        .bearer_auth(token)
        .json(&heartbeat(body))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_kiosk_token_acts_only_for_its_kiosk() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(dir.path())).await;

    // Heartbeats: own path and body only.
    assert_eq!(send_heartbeat(&c, TOKEN, KIOSK, KIOSK).await, 204);
    assert_eq!(
        send_heartbeat(&c, TOKEN, OTHER_KIOSK, OTHER_KIOSK).await,
        403
    );
    assert_eq!(send_heartbeat(&c, TOKEN, OTHER_KIOSK, KIOSK).await, 403);
    assert_eq!(send_heartbeat(&c, TOKEN, KIOSK, OTHER_KIOSK).await, 403);
    assert_eq!(
        send_heartbeat(&c, OTHER_TOKEN, OTHER_KIOSK, OTHER_KIOSK).await,
        204
    );
    let stored: Heartbeat = c
        .admin(Method::GET, &format!("/admin/kiosks/{KIOSK}/heartbeat"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stored.kiosk_id, KIOSK);

    // Configuration: each kiosk pulls only its own.
    for kiosk in [KIOSK, OTHER_KIOSK] {
        let resp = c
            .admin(Method::PUT, &format!("/admin/kiosks/{kiosk}/config"))
            .json(&serde_json::json!({ "kiosk": kiosk }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204);
    }
    let own: serde_json::Value = c
        .get(&format!("/v1/kiosks/{KIOSK}/config"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(own["kiosk"], KIOSK);
    let resp = c
        .get(&format!("/v1/kiosks/{OTHER_KIOSK}/config"))
        .send()
        .await
        .unwrap();
    problem(resp, 403).await;

    // Submissions: a batch naming another kiosk is refused whole; nothing is stored.
    let mut foreign = app(2);
    foreign.kiosk_id = OTHER_KIOSK.into();
    let resp = c
        .post("/v1/applications")
        .json(&SubmitBatch {
            applications: vec![app(1), foreign.clone()],
        })
        .send()
        .await
        .unwrap();
    problem(resp, 403).await;
    let resp = c
        .client
        .post(c.url("/v1/applications"))
        .bearer_auth(OTHER_TOKEN)
        .json(&SubmitBatch {
            applications: vec![foreign],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "the other kiosk may submit its own");

    // Ratings likewise.
    let resp = c
        .post("/v1/ratings")
        .json(&RatingBatch {
            ratings: vec![rating("r1", KIOSK), rating("r2", OTHER_KIOSK)],
        })
        .send()
        .await
        .unwrap();
    problem(resp, 403).await;
    let counts: serde_json::Value = c
        .admin(Method::GET, "/admin/ratings")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counts["4"], 0, "nothing of the refused batch was stored");

    // Reads that are not tied to a kiosk work for every kiosk.
    let resp = c
        .client
        .post(c.url("/v1/citizens/applications"))
        .bearer_auth(OTHER_TOKEN)
        .json(&serde_json::json!({"fin": "5AB12C7"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    c.stop().await;

    let stored = dost_central::export_records(&db_in(dir.path())).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].kiosk_id, OTHER_KIOSK);
}

#[tokio::test]
async fn admin_routes_need_the_admin_token() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(dir.path())).await;
    let routes = [
        (Method::GET, "/admin/faults"),
        (Method::PUT, "/admin/faults"),
        (Method::GET, "/admin/ratings"),
        (Method::POST, "/admin/revoked"),
        (Method::PUT, "/admin/kiosks/YAS01/config"),
        (Method::GET, "/admin/kiosks/YAS01/config"),
        (Method::GET, "/admin/kiosks/YAS01/heartbeat"),
        (Method::POST, "/admin/applications/YAS01-261124-0001/state"),
    ];
    for (method, path) in &routes {
        for token in [None, Some(TOKEN), Some("admin-token-but-wrong")] {
            let mut req = c
                .client
                .request(method.clone(), c.url(path))
                .json(&serde_json::json!({}));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let resp = req.send().await.unwrap();
            assert!(resp.headers().contains_key("www-authenticate"));
            problem(resp, 401).await;
        }
    }
    // With the admin token they work (and a fault change really applies).
    let resp = c
        .admin(Method::PUT, "/admin/faults")
        .json(&serde_json::json!({"latency_ms": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let f: dost_central::Faults = c
        .admin(Method::GET, "/admin/faults")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(f.latency_ms, 5);
    // The admin token is not a kiosk token.
    let resp = c
        .client
        .get(c.url("/v1/catalog"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    problem(resp, 401).await;
    c.stop().await;

    // Kiosk tokens without an admin token: /admin is closed to everyone.
    let dir = tempfile::tempdir().unwrap();
    let mut closed = cfg(dir.path());
    closed.admin_token = None;
    let c = Central::start(closed).await;
    for token in [None, Some(TOKEN), Some(ADMIN)] {
        let mut req = c.client.get(c.url("/admin/faults"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        problem(req.send().await.unwrap(), 403).await;
    }
    c.stop().await;
}

/// What the embedded kiosk demo relies on: with no token configured, `demo-<kiosk id>` acts
/// as that kiosk (and only that kiosk), and `/admin` is open unless an admin token is set.
#[tokio::test]
async fn development_configuration_accepts_demo_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(CentralConfig::new(db_in(dir.path()))).await;
    let demo = format!("demo-{KIOSK}");
    assert_eq!(send_heartbeat(&c, &demo, KIOSK, KIOSK).await, 204);
    assert_eq!(
        send_heartbeat(&c, &demo, OTHER_KIOSK, OTHER_KIOSK).await,
        403
    );
    // Another development token (benchmarks use one) acts for every kiosk.
    assert_eq!(
        send_heartbeat(&c, "bench-token", OTHER_KIOSK, OTHER_KIOSK).await,
        204
    );
    assert_eq!(
        send_heartbeat(&c, "bench-token", KIOSK, OTHER_KIOSK).await,
        422
    );
    let resp = c
        .client
        .post(c.url("/v1/applications"))
        .bearer_auth(&demo)
        .json(&SubmitBatch {
            applications: vec![app(1)],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: dost_api::SubmitBatchResponse = resp.json().await.unwrap();
    assert_eq!(body.results[0].outcome, ItemOutcome::Accepted);
    let open = c.client.get(c.url("/admin/faults")).send().await.unwrap();
    assert_eq!(open.status(), 200);
    c.stop().await;

    // An admin token closes /admin even in development.
    let dir = tempfile::tempdir().unwrap();
    let mut locked = CentralConfig::new(db_in(dir.path()));
    locked.admin_token = Some(ADMIN.into());
    let c = Central::start(locked).await;
    problem(
        c.client.get(c.url("/admin/faults")).send().await.unwrap(),
        401,
    )
    .await;
    assert_eq!(
        c.admin(Method::GET, "/admin/faults")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    c.stop().await;
}

/// A token configuration that cannot work is refused at start, before anything listens.
#[tokio::test]
async fn ambiguous_tokens_are_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = cfg(dir.path());
    bad.admin_token = Some(TOKEN.into());
    let err = dost_central::spawn_local(bad, tokio_util::sync::CancellationToken::new())
        .await
        .expect_err("admin token equal to a kiosk token");
    assert!(
        matches!(err, dost_central::CentralError::Tokens(_)),
        "{err:?}"
    );
}
