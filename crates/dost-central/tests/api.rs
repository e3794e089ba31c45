//! The central API over real HTTP on 127.0.0.1 with a real SQLite file.

mod common;

use std::time::Duration;

use common::{Central, app, db_in, problem};
use dost_api::{
    ApplicationList, ApplicationQuery, ApplicationState, ApplicationStatus, DeviceReport,
    DeviceState, Heartbeat, ItemOutcome, MAX_BATCH, SubmitBatch, SubmitBatchResponse, SupplyLevel,
    VerifyRequest, VerifyResponse,
};
use dost_central::{CentralConfig, Timeline};

fn cfg(dir: &tempfile::TempDir) -> CentralConfig {
    common::cfg(dir.path())
}

#[tokio::test]
async fn accepted_replayed_conflict_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;

    let first = c.submit(&[app(1), app(2)]).await;
    assert_eq!(first.results.len(), 2);
    for (r, n) in first.results.iter().zip([1, 2]) {
        assert_eq!(r.outcome, ItemOutcome::Accepted);
        assert_eq!(r.application_id, app(n).application_id);
        assert!(r.received_at.is_some());
        assert!(r.problem.is_none());
    }

    // Same content again (plus a new one): replayed with the first received_at, in order.
    let again = c.submit(&[app(3), app(1)]).await;
    assert_eq!(again.results[0].outcome, ItemOutcome::Accepted);
    assert_eq!(again.results[1].outcome, ItemOutcome::Replayed);
    assert_eq!(again.results[1].received_at, first.results[0].received_at);

    // Same key, other content: conflict, nothing stored.
    let mut changed = app(2);
    changed
        .answers
        .insert("phone".into(), "+994551111111".into());
    // Same application id under another key: conflict.
    let mut rekeyed = app(1);
    rekeyed.idempotency_key = "another-key".into();
    // Invalid ones.
    let mut bad_fin = app(10);
    bad_fin.fin = "5AB12O7".into();
    let mut empty_service = app(11);
    empty_service.service_id = String::new();
    let mut many_answers = app(12);
    for i in 0..70 {
        many_answers.answers.insert(format!("f{i}"), "x".into());
    }
    let mut empty_id = app(13);
    empty_id.application_id = String::new();
    let mut huge_answer = app(14);
    huge_answer.answers.insert("big".into(), "x".repeat(10_000));
    let out = c
        .submit(&[
            changed,
            rekeyed,
            bad_fin,
            empty_service,
            many_answers,
            empty_id,
            huge_answer,
        ])
        .await;
    let outcomes: Vec<_> = out.results.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            ItemOutcome::Conflict,
            ItemOutcome::Conflict,
            ItemOutcome::Invalid,
            ItemOutcome::Invalid,
            ItemOutcome::Invalid,
            ItemOutcome::Invalid,
            ItemOutcome::Invalid,
        ]
    );
    for r in &out.results {
        assert!(r.received_at.is_none());
        let p = r.problem.as_ref().expect("problem");
        assert!(p.status == 409 || p.status == 422, "{p:?}");
    }

    // A duplicate inside one batch: the second is a replay of the first.
    let dup = c.submit(&[app(20), app(20)]).await;
    assert_eq!(dup.results[0].outcome, ItemOutcome::Accepted);
    assert_eq!(dup.results[1].outcome, ItemOutcome::Replayed);

    let path = db_in(dir.path());
    c.stop().await;
    let records = dost_central::export_records(&path).unwrap();
    let ids: Vec<_> = records.iter().map(|r| r.application_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "YAS01-261124-0001",
            "YAS01-261124-0002",
            "YAS01-261124-0003",
            "YAS01-261124-0020"
        ]
    );
}

#[tokio::test]
async fn batch_and_body_limits_and_malformed_json() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;

    let too_many = SubmitBatch {
        applications: (0..(MAX_BATCH as u32 + 1)).map(app).collect(),
    };
    let resp = c
        .post("/v1/applications")
        .json(&too_many)
        .send()
        .await
        .unwrap();
    problem(resp, 413).await;

    // Exactly MAX_BATCH is fine.
    let full: Vec<_> = (0..MAX_BATCH as u32).map(app).collect();
    let t = std::time::Instant::now();
    let out = c.submit(&full).await;
    assert_eq!(out.results.len(), MAX_BATCH);
    assert!(
        out.results
            .iter()
            .all(|r| r.outcome == ItemOutcome::Accepted)
    );
    eprintln!("{MAX_BATCH} applications stored in {:?}", t.elapsed());

    let big = vec![b' '; dost_central::MAX_BODY_BYTES + 10];
    let resp = c
        .post("/v1/applications")
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    problem(resp, 413).await;

    let resp = c
        .post("/v1/applications")
        .header("content-type", "application/json")
        .body("{\"applications\": [")
        .send()
        .await
        .unwrap();
    problem(resp, 400).await;

    let resp = c
        .post("/v1/applications")
        .header("content-type", "application/json")
        .body("{\"applications\": [{\"application_id\": 5}]}")
        .send()
        .await
        .unwrap();
    problem(resp, 422).await;

    let resp = c
        .post("/v1/applications")
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    problem(resp, 415).await;

    let resp = c.get("/v1/nowhere").send().await.unwrap();
    problem(resp, 404).await;
    c.stop().await;
}

/// The per-application `idempotency_key` is the only key: an `Idempotency-Key` header is not
/// part of the contract and changes nothing (it used to refuse batches of more than one).
#[tokio::test]
async fn idempotency_key_header_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;
    for batch in [vec![app(1), app(2)], vec![app(3)], vec![]] {
        let n = batch.len();
        let resp = c
            .post("/v1/applications")
            .header("Idempotency-Key", "unrelated")
            .json(&SubmitBatch {
                applications: batch,
            })
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let body: SubmitBatchResponse = resp.json().await.unwrap();
        assert_eq!(body.results.len(), n);
        assert!(
            body.results
                .iter()
                .all(|r| r.outcome == ItemOutcome::Accepted)
        );
    }
    c.stop().await;
}

#[tokio::test]
async fn replay_survives_restart() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;
    let first = c.submit(&[app(1)]).await;
    assert_eq!(first.results[0].outcome, ItemOutcome::Accepted);
    c.stop().await;

    let c = Central::start(cfg(&dir)).await;
    let again = c.submit(&[app(1)]).await;
    assert_eq!(again.results[0].outcome, ItemOutcome::Replayed);
    assert_eq!(again.results[0].received_at, first.results[0].received_at);
    let mut changed = app(1);
    changed.lang = "ru".into();
    let conflict = c.submit(&[changed]).await;
    assert_eq!(conflict.results[0].outcome, ItemOutcome::Conflict);
    c.stop().await;
}

#[tokio::test]
async fn status_follows_timeline_and_admin_override() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = cfg(&dir);
    config.timeline = Timeline {
        received_after: Duration::ZERO,
        in_review_after: Duration::from_millis(1500),
        decided_after: Duration::from_millis(3000),
    };
    let c = Central::start(config).await;
    c.submit(&[app(1), app(2)]).await;
    let id = app(1).application_id;

    let st: ApplicationStatus = c
        .get(&format!("/v1/applications/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(st.state, ApplicationState::Received);
    assert_eq!(st.history[0].state, ApplicationState::Submitted);

    // Override the second one by hand before the timeline decides it.
    let resp = c
        .admin(
            reqwest::Method::POST,
            &format!("/admin/applications/{}/state", app(2).application_id),
        )
        .json(&dost_central::AdminStateChange {
            state: ApplicationState::Rejected,
            note: Some("documents missing".into()),
            reason: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let overridden: ApplicationStatus = resp.json().await.unwrap();
    assert_eq!(overridden.state, ApplicationState::Rejected);

    tokio::time::sleep(Duration::from_millis(3300)).await;
    let st: ApplicationStatus = c
        .get(&format!("/v1/applications/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(st.state.is_final());
    assert_eq!(st.state, dost_central::decision_for(&id));
    let states: Vec<_> = st.history.iter().map(|e| e.state).collect();
    assert_eq!(
        states[..3],
        [
            ApplicationState::Submitted,
            ApplicationState::Received,
            ApplicationState::InReview
        ]
    );
    assert_eq!(states.len(), 4);

    // The override stays; the timeline does not move it on.
    let st: ApplicationStatus = c
        .get(&format!("/v1/applications/{}", app(2).application_id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(st.state, ApplicationState::Rejected);
    let last = st.history.last().unwrap();
    assert_eq!(last.note.as_deref(), Some("documents missing"));
    assert!(
        !st.history
            .iter()
            .any(|e| e.state == ApplicationState::InReview)
    );

    let resp = c.get("/v1/applications/NOPE-1").send().await.unwrap();
    problem(resp, 404).await;
    let resp = c
        .admin(reqwest::Method::POST, "/admin/applications/NOPE-1/state")
        .json(&serde_json::json!({"state": "approved"}))
        .send()
        .await
        .unwrap();
    problem(resp, 404).await;
    let resp = c
        .admin(
            reqwest::Method::POST,
            &format!("/admin/applications/{id}/state"),
        )
        .json(&serde_json::json!({"state": "lost"}))
        .send()
        .await
        .unwrap();
    problem(resp, 422).await;
    c.stop().await;
}

#[tokio::test]
async fn citizen_applications_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;
    c.submit(&[app(1)]).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    c.submit(&[app(2)]).await;
    let mut other = app(3);
    other.fin = "7XY89Z1".into();
    c.submit(&[other]).await;

    let query = |fin: &str| {
        c.post("/v1/citizens/applications")
            .json(&ApplicationQuery { fin: fin.into() })
    };
    let list: ApplicationList = query("5AB12C7").send().await.unwrap().json().await.unwrap();
    let ids: Vec<_> = list
        .applications
        .iter()
        .map(|a| a.application_id.as_str())
        .collect();
    assert_eq!(ids, ["YAS01-261124-0002", "YAS01-261124-0001"]);

    let none: ApplicationList = query("1234567").send().await.unwrap().json().await.unwrap();
    assert!(none.applications.is_empty());

    problem(query("bad").send().await.unwrap(), 422).await;
    let missing = c
        .post("/v1/citizens/applications")
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    problem(missing, 422).await;
    let malformed = c
        .post("/v1/citizens/applications")
        .header("content-type", "application/json")
        .body("{\"fin\": ")
        .send()
        .await
        .unwrap();
    problem(malformed, 400).await;
    c.stop().await;
}

/// The FİN no longer travels in a URL: the old `GET /v1/applications?fin=` route is gone.
#[tokio::test]
async fn fin_query_string_route_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;
    c.submit(&[app(1)]).await;
    for path in [
        "/v1/applications?fin=5AB12C7",
        "/v1/citizens/applications?fin=5AB12C7",
    ] {
        let resp = c.get(path).send().await.unwrap();
        problem(resp, 405).await;
    }
    c.stop().await;
}

#[tokio::test]
async fn verify_citizen() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;
    let verify = |fin: &str, doc: &str| {
        c.post("/v1/citizens/verify").json(&VerifyRequest {
            fin: fin.into(),
            document_number: doc.into(),
            chip: None,
        })
    };
    let ok: VerifyResponse = verify("5AB12C7", "AA1234567")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(ok.valid);
    assert_eq!(ok.reason, None);

    let bad: VerifyResponse = verify("5ab12c7", "AA1234567")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!bad.valid);
    assert_eq!(bad.reason.as_deref(), Some("malformed"));

    let resp = c
        .admin(reqwest::Method::POST, "/admin/revoked")
        .json(&dost_central::RevokeRequest {
            document_number: "AA1234567".into(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let revoked: VerifyResponse = verify("5AB12C7", "AA1234567")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!revoked.valid);
    assert_eq!(revoked.reason.as_deref(), Some("revoked"));
    c.stop().await;
}

#[tokio::test]
async fn catalog_and_kiosk_config_etags() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = cfg(&dir);
    config.catalog_json = Some(serde_json::json!({"services": [{"id": "pension-certificate"}]}));
    let c = Central::start(config).await;

    let resp = c.get("/v1/catalog").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"));
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["services"][0]["id"], "pension-certificate");

    let resp = c
        .get("/v1/catalog")
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 304);
    assert_eq!(resp.headers()["etag"].to_str().unwrap(), etag);
    let resp = c
        .get("/v1/catalog")
        .header("If-None-Match", "\"stale\"")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    // Kiosk configuration.
    problem(c.get("/v1/kiosks/YAS01/config").send().await.unwrap(), 404).await;
    let resp = c
        .admin(reqwest::Method::PUT, "/admin/kiosks/YAS01/config")
        .json(&serde_json::json!({"idle_timeout_s": 45}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let resp = c.get("/v1/kiosks/YAS01/config").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["idle_timeout_s"], 45);
    let resp = c
        .get("/v1/kiosks/YAS01/config")
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 304);
    c.admin(reqwest::Method::PUT, "/admin/kiosks/YAS01/config")
        .json(&serde_json::json!({"idle_timeout_s": 30}))
        .send()
        .await
        .unwrap();
    let resp = c
        .get("/v1/kiosks/YAS01/config")
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "changed config has a new ETag");
    c.stop().await;

    // No catalog configured: 404.
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;
    problem(c.get("/v1/catalog").send().await.unwrap(), 404).await;
    c.stop().await;
}

#[tokio::test]
async fn heartbeat_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;
    let hb = |outbox| Heartbeat {
        kiosk_id: "YAS01".into(),
        version: "0.1.0".into(),
        uptime_s: 3600,
        sent_at: chrono::Utc::now(),
        devices: vec![DeviceReport {
            name: "printer".into(),
            state: DeviceState::Online,
            supply: Some(SupplyLevel::Low),
            detail: None,
        }],
        outbox_depth: outbox,
        held_receipts: 0,
        receipts_left: Some(40),
        config_error: None,
        help_requests: Vec::new(),
    };
    for n in [3, 7] {
        let resp = c
            .post("/v1/kiosks/YAS01/heartbeat")
            .json(&hb(n))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204);
    }
    let last: Heartbeat = c
        .admin(reqwest::Method::GET, "/admin/kiosks/YAS01/heartbeat")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(last.outbox_depth, 7);
    assert_eq!(last.devices[0].supply, Some(SupplyLevel::Low));

    let resp = c
        .post("/v1/kiosks/OTHER/heartbeat")
        .json(&hb(1))
        .send()
        .await
        .unwrap();
    problem(resp, 403).await;
    let resp = c
        .admin(reqwest::Method::GET, "/admin/kiosks/OTHER/heartbeat")
        .send()
        .await
        .unwrap();
    problem(resp, 404).await;
    c.stop().await;
}

#[tokio::test]
async fn bearer_token_required() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;
    let body = SubmitBatch {
        applications: vec![app(1)],
    };
    let resp = c
        .client
        .post(c.url("/v1/applications"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.headers().contains_key("www-authenticate"));
    problem(resp, 401).await;
    let resp = c
        .client
        .post(c.url("/v1/applications"))
        .bearer_auth("wrong")
        .json(&body)
        .send()
        .await
        .unwrap();
    problem(resp, 401).await;
    let resp = c.client.get(c.url("/v1/catalog")).send().await.unwrap();
    problem(resp, 401).await;
    c.stop().await;
    // Nothing was stored.
    assert!(
        dost_central::export_records(&db_in(dir.path()))
            .unwrap()
            .is_empty()
    );

    // Dev mode: no configured tokens accepts any non-empty token, still not none.
    let dir = tempfile::tempdir().unwrap();
    let mut dev = cfg(&dir);
    dev.kiosk_tokens.clear();
    let c = Central::start(dev).await;
    let resp = c
        .client
        .post(c.url("/v1/applications"))
        .bearer_auth("anything")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = c
        .client
        .post(c.url("/v1/applications"))
        .json(&body)
        .send()
        .await
        .unwrap();
    problem(resp, 401).await;
    c.stop().await;
}

#[tokio::test]
async fn export_prints_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;
    let stored = c.submit(&[app(1), app(2)]).await;
    c.stop().await;
    let mut out = Vec::new();
    let n = dost_central::export(&db_in(dir.path()), &mut out).unwrap();
    assert_eq!(n, 2);
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["application_id"], "YAS01-261124-0001");
    assert_eq!(lines[0]["idempotency_key"], "key-1");
    assert_eq!(lines[0]["kiosk_id"], "YAS01");
    assert_eq!(lines[0]["service_id"], "pension-certificate");
    assert_eq!(lines[0]["content_hash"].as_str().unwrap().len(), 64);
    let received: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(lines[1]["received_at"].clone()).unwrap();
    assert_eq!(Some(received), stored.results[1].received_at);
    assert!(!text.contains("5AB12C7"), "export never carries the FİN");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_resends_store_once() {
    let dir = tempfile::tempdir().unwrap();
    let c = std::sync::Arc::new(Central::start(cfg(&dir)).await);
    let apps: Vec<_> = (0..25).map(app).collect();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let c = c.clone();
        let apps = apps.clone();
        tasks.push(tokio::spawn(async move { c.submit(&apps).await }));
    }
    let mut accepted = vec![0; apps.len()];
    let mut first_seen = vec![None; apps.len()];
    for t in tasks {
        let resp = t.await.unwrap();
        for (i, r) in resp.results.iter().enumerate() {
            assert!(matches!(
                r.outcome,
                ItemOutcome::Accepted | ItemOutcome::Replayed
            ));
            if r.outcome == ItemOutcome::Accepted {
                accepted[i] += 1;
            }
            // Every answer for an application names the same received_at.
            let prev = first_seen[i].get_or_insert(r.received_at);
            assert_eq!(*prev, r.received_at);
        }
    }
    assert!(accepted.iter().all(|&n| n == 1), "{accepted:?}");
    let c = std::sync::Arc::into_inner(c).unwrap();
    c.stop().await;
    assert_eq!(
        dost_central::export_records(&db_in(dir.path()))
            .unwrap()
            .len(),
        25
    );
}

#[tokio::test]
async fn ratings_are_stored_once_per_id() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;
    let rating = |id: &str, score| dost_api::Rating {
        rating_id: id.into(),
        kiosk_id: "YAS01".into(),
        service_id: Some("disability-assessment".into()),
        score,
        lang: "az".into(),
        rated_at: chrono::Utc::now(),
    };
    let batch = dost_api::RatingBatch {
        ratings: vec![rating("r1", 5), rating("r2", 2)],
    };
    for (accepted, replayed) in [(2, 0), (0, 2)] {
        let resp = c.post("/v1/ratings").json(&batch).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let body: dost_api::RatingBatchResponse = resp.json().await.unwrap();
        assert_eq!((body.accepted, body.replayed), (accepted, replayed));
    }
    let bad = dost_api::RatingBatch {
        ratings: vec![rating("r3", 9)],
    };
    problem(c.post("/v1/ratings").json(&bad).send().await.unwrap(), 422).await;
    let counts: serde_json::Value = c
        .admin(reqwest::Method::GET, "/admin/ratings")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counts["5"], 1);
    assert_eq!(counts["2"], 1);
    assert_eq!(counts["3"], 0);
    c.stop().await;
}

/// JSON Schema's `integer` admits a zero fraction (`3600.0`), and an optional field may be
/// `null`: the centre accepts what the contract allows.
#[tokio::test]
async fn integers_with_a_zero_fraction_and_null_optionals() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(&dir)).await;
    let hb = serde_json::json!({
        "kiosk_id": "YAS01", "version": "0.1.0", "uptime_s": 3600.0,
        "sent_at": "2026-11-24T09:30:00Z",
        "devices": [{"name": "printer", "state": "online", "supply": null, "detail": null}],
        "outbox_depth": 2.0, "held_receipts": 0, "receipts_left": null, "config_error": null
    });
    let resp = c
        .post("/v1/kiosks/YAS01/heartbeat")
        .json(&hb)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let stored: Heartbeat = c
        .admin(reqwest::Method::GET, "/admin/kiosks/YAS01/heartbeat")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((stored.uptime_s, stored.outbox_depth), (3600, 2));
    let ratings = serde_json::json!({"ratings": [{
        "rating_id": "r1", "kiosk_id": "YAS01", "service_id": null, "score": 4.0,
        "lang": "az", "rated_at": "2026-11-24T09:30:00Z"
    }]});
    let resp = c.post("/v1/ratings").json(&ratings).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let fraction = serde_json::json!({"ratings": [{
        "rating_id": "r2", "kiosk_id": "YAS01", "score": 4.5,
        "lang": "az", "rated_at": "2026-11-24T09:30:00Z"
    }]});
    problem(
        c.post("/v1/ratings").json(&fraction).send().await.unwrap(),
        422,
    )
    .await;
    c.stop().await;
}
