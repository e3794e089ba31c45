//! Fault injection over real HTTP, and exactly-once storage under retries.

mod common;

use std::collections::HashSet;

use common::{Central, app, db_in};
use dost_api::{ItemOutcome, SubmitBatch, SubmitBatchResponse};
use dost_central::{CentralConfig, Faults};

fn cfg(dir: &tempfile::TempDir, faults: &str) -> CentralConfig {
    let mut c = common::cfg(dir.path());
    c.faults = faults.parse().unwrap();
    c
}

fn batch(range: std::ops::Range<u32>) -> SubmitBatch {
    SubmitBatch {
        applications: range.map(app).collect(),
    }
}

#[tokio::test]
async fn error_rate_one_gives_5xx_problems() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir, "error-rate=1")).await;
    let mut seen = HashSet::new();
    for _ in 0..20 {
        let resp = c
            .post("/v1/applications")
            .json(&batch(0..2))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        assert!(status == 500 || status == 503, "{status}");
        if status == 503 {
            assert_eq!(resp.headers()["retry-after"], "1");
        }
        assert_eq!(resp.headers()["content-type"], dost_api::PROBLEM_JSON);
        seen.insert(status);
    }
    assert_eq!(seen.len(), 2, "both 500 and 503 happen");
    // Faults apply to reads too.
    let resp = c.get("/v1/catalog").send().await.unwrap();
    assert!(resp.status().is_server_error());
    // Admin routes are never faulted.
    let resp = c
        .admin(reqwest::Method::GET, "/admin/faults")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    c.stop().await;
}

#[tokio::test]
async fn garbage_one_gives_non_json() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir, "garbage=1")).await;
    for _ in 0..5 {
        let resp = c
            .post("/v1/applications")
            .json(&batch(0..3))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let bytes = resp.bytes().await.unwrap();
        assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_err());
    }
    c.stop().await;
}

#[tokio::test]
async fn drop_one_closes_the_connection() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir, "drop=1")).await;
    for _ in 0..5 {
        let err = c
            .post("/v1/applications")
            .json(&batch(0..1))
            .send()
            .await
            .expect_err("no answer");
        assert!(!err.is_timeout(), "dropped, not stalled: {err}");
    }
    // The server still works for later connections.
    c.admin(reqwest::Method::PUT, "/admin/faults")
        .json(&Faults::default())
        .send()
        .await
        .unwrap();
    let ok = c.submit(&[app(1)]).await;
    assert!(matches!(
        ok.results[0].outcome,
        ItemOutcome::Accepted | ItemOutcome::Replayed
    ));
    c.stop().await;
}

#[tokio::test]
async fn latency_is_added() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir, "latency=200")).await;
    let t = std::time::Instant::now();
    let resp = c
        .post("/v1/citizens/applications")
        .json(&serde_json::json!({"fin": "5AB12C7"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(t.elapsed() >= std::time::Duration::from_millis(200));
    c.stop().await;
}

/// Errors injected after the batch was stored make the kiosk retry what the centre already
/// has: every application must still be stored exactly once, with replays on the retry.
#[tokio::test]
async fn retries_after_injected_errors_store_each_application_once() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir, "error-rate=1")).await;
    let all = batch(0..10);
    // Every attempt fails; about half of them after storing. 2^-20 chance none stored.
    for _ in 0..20 {
        let resp = c.post("/v1/applications").json(&all).send().await.unwrap();
        assert!(resp.status().is_server_error());
    }
    c.admin(reqwest::Method::PUT, "/admin/faults")
        .json(&Faults::default())
        .send()
        .await
        .unwrap();
    let resp: SubmitBatchResponse = c
        .post("/v1/applications")
        .json(&all)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        resp.results
            .iter()
            .all(|r| r.outcome == ItemOutcome::Replayed && r.received_at.is_some()),
        "{resp:?}"
    );

    // A mixed-fault relay: keep retrying each batch until it is answered.
    c.admin(reqwest::Method::PUT, "/admin/faults")
        .json(
            &"error-rate=0.4,drop=0.2,garbage=0.2"
                .parse::<Faults>()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    for chunk in 1..6u32 {
        let b = batch(chunk * 10..chunk * 10 + 10);
        let mut attempts = 0;
        loop {
            attempts += 1;
            assert!(attempts < 200, "never answered");
            let Ok(resp) = c.post("/v1/applications").json(&b).send().await else {
                continue;
            };
            if !resp.status().is_success() {
                continue;
            }
            let Ok(body) = resp.json::<SubmitBatchResponse>().await else {
                continue;
            };
            assert_eq!(body.results.len(), 10);
            assert!(
                body.results
                    .iter()
                    .all(|r| matches!(r.outcome, ItemOutcome::Accepted | ItemOutcome::Replayed))
            );
            break;
        }
    }
    c.stop().await;

    let records = dost_central::export_records(&db_in(dir.path())).unwrap();
    assert_eq!(records.len(), 60);
    let ids: HashSet<_> = records.iter().map(|r| r.application_id.clone()).collect();
    assert_eq!(ids.len(), 60, "each application stored exactly once");
    let keys: HashSet<_> = records.iter().map(|r| r.idempotency_key.clone()).collect();
    assert_eq!(keys.len(), 60);
}
