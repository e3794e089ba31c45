//! Hostile input: every body, batch and stored string is bounded, and nothing a client sends
//! brings the centre down.

mod common;

use common::{Central, KIOSK, cfg, problem};
use dost_api::{DeviceReport, DeviceState, Heartbeat, MAX_BATCH, Rating, RatingBatch};
use dost_central::{
    MAX_CONFIG_ERROR_CHARS, MAX_DEVICES, MAX_HEARTBEAT_BYTES, MAX_MEDIUM_BODY_BYTES,
    MAX_SMALL_BODY_BYTES, MAX_VERIFY_BODY_BYTES,
};
use reqwest::Method;

fn heartbeat() -> Heartbeat {
    Heartbeat {
        kiosk_id: KIOSK.into(),
        version: "0.1.0".into(),
        uptime_s: 1,
        sent_at: chrono::Utc::now(),
        devices: vec![],
        outbox_depth: 0,
        held_receipts: 0,
        receipts_left: None,
        config_error: None,
        help_requests: vec![],
    }
}

fn rating(n: usize) -> Rating {
    Rating {
        rating_id: format!("r{n}"),
        kiosk_id: KIOSK.into(),
        service_id: None,
        score: 3,
        lang: "az".into(),
        rated_at: chrono::Utc::now(),
    }
}

async fn still_serving(c: &Central) {
    let resp = c.client.get(c.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), 204);
}

#[tokio::test]
async fn heartbeats_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(dir.path())).await;
    let send = |hb: Heartbeat| {
        c.post(&format!("/v1/kiosks/{KIOSK}/heartbeat"))
            .json(&hb)
            .send()
    };
    // A body over the heartbeat limit is refused before it is parsed.
    let mut huge = heartbeat();
    huge.config_error = Some("x".repeat(MAX_HEARTBEAT_BYTES));
    problem(send(huge).await.unwrap(), 413).await;
    // Under the body limit, each string and list still has its own bound.
    let mut long = heartbeat();
    long.config_error = Some("ə".repeat(MAX_CONFIG_ERROR_CHARS + 1));
    problem(send(long).await.unwrap(), 422).await;
    let mut many = heartbeat();
    many.devices = vec![
        DeviceReport {
            name: "printer".into(),
            state: DeviceState::Online,
            supply: None,
            detail: None,
        };
        MAX_DEVICES + 1
    ];
    problem(send(many).await.unwrap(), 422).await;
    let mut empty_version = heartbeat();
    empty_version.version.clear();
    problem(send(empty_version).await.unwrap(), 422).await;
    let mut bad_device = heartbeat();
    bad_device.devices = vec![DeviceReport {
        name: "pr inter\u{1b}[2J".into(),
        state: DeviceState::Online,
        supply: None,
        detail: None,
    }];
    problem(send(bad_device).await.unwrap(), 422).await;
    // At the bounds it is accepted.
    let mut full = heartbeat();
    full.config_error = Some("ə".repeat(MAX_CONFIG_ERROR_CHARS));
    assert_eq!(send(full).await.unwrap().status(), 204);
    still_serving(&c).await;
    c.stop().await;
}

#[tokio::test]
async fn ratings_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(dir.path())).await;
    let send = |ratings: Vec<Rating>| c.post("/v1/ratings").json(&RatingBatch { ratings }).send();
    problem(
        send((0..=MAX_BATCH).map(rating).collect()).await.unwrap(),
        413,
    )
    .await;
    let mut lang = rating(1);
    lang.lang = "xx".into();
    problem(send(vec![lang]).await.unwrap(), 422).await;
    let mut service = rating(1);
    service.service_id = Some("s".repeat(65));
    problem(send(vec![service]).await.unwrap(), 422).await;
    let mut empty = rating(1);
    empty.rating_id.clear();
    problem(send(vec![empty]).await.unwrap(), 422).await;
    let body = c
        .post("/v1/ratings")
        .header("content-type", "application/json")
        .body(vec![b' '; MAX_MEDIUM_BODY_BYTES + 1])
        .send()
        .await
        .unwrap();
    problem(body, 413).await;
    let ok = send((0..MAX_BATCH).map(rating).collect()).await.unwrap();
    assert_eq!(ok.status(), 200);
    still_serving(&c).await;
    c.stop().await;
}

#[tokio::test]
async fn small_requests_have_small_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(dir.path())).await;
    let big = "A".repeat(MAX_SMALL_BODY_BYTES);
    // Verify carries the chip's evidence (EF.SOD and data groups): its own, larger bound.
    let huge = "A".repeat(MAX_VERIFY_BODY_BYTES);
    for (path, fin) in [
        ("/v1/citizens/verify", &huge),
        ("/v1/citizens/applications", &big),
    ] {
        let resp = c
            .post(path)
            .json(&serde_json::json!({"fin": fin, "document_number": "AA1"}))
            .send()
            .await
            .unwrap();
        problem(resp, 413).await;
    }
    let resp = c
        .admin(Method::POST, "/admin/revoked")
        .json(&serde_json::json!({ "document_number": big }))
        .send()
        .await
        .unwrap();
    problem(resp, 413).await;
    // Under the body limit, a document number is still 1 to 32 letters and digits.
    for doc in ["A".repeat(33), "AA 123".into(), String::new()] {
        let resp = c
            .admin(Method::POST, "/admin/revoked")
            .json(&serde_json::json!({ "document_number": doc }))
            .send()
            .await
            .unwrap();
        problem(resp, 422).await;
    }
    still_serving(&c).await;
    c.stop().await;
}

#[tokio::test]
async fn admin_inputs_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(dir.path())).await;
    // A kiosk configuration is a JSON object of bounded size.
    for body in [
        serde_json::json!([1, 2]),
        serde_json::json!("text"),
        serde_json::json!(5),
    ] {
        let resp = c
            .admin(Method::PUT, "/admin/kiosks/YAS01/config")
            .json(&body)
            .send()
            .await
            .unwrap();
        problem(resp, 422).await;
    }
    let resp = c
        .admin(Method::PUT, "/admin/kiosks/YAS01/config")
        .json(&serde_json::json!({ "pad": "x".repeat(MAX_MEDIUM_BODY_BYTES) }))
        .send()
        .await
        .unwrap();
    problem(resp, 413).await;
    // A latency that would stall every request forever is refused.
    let resp = c
        .admin(Method::PUT, "/admin/faults")
        .json(&serde_json::json!({ "latency_ms": u64::MAX }))
        .send()
        .await
        .unwrap();
    problem(resp, 422).await;
    let f: dost_central::Faults = c
        .admin(Method::GET, "/admin/faults")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(f, dost_central::Faults::default(), "unchanged");
    still_serving(&c).await;
    c.stop().await;
}

#[tokio::test]
async fn garbled_requests_get_problems_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(cfg(dir.path())).await;
    let raw = |path: &str, body: Vec<u8>| {
        c.post(path)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    // Nesting far past serde_json's recursion limit: in a field the server skips (skipped
    // without recursion, so answered), and as the whole document (refused).
    let skipped = [
        &b"{\"extra\": "[..],
        &vec![b'['; 100_000],
        &vec![b']'; 100_000],
        b", \"applications\": []}",
    ]
    .concat();
    let resp = raw("/v1/applications", skipped).await.unwrap();
    assert_eq!(resp.status(), 200);
    let deep = [vec![b'['; 100_000], vec![b']'; 100_000]].concat();
    let resp = c
        .admin(Method::PUT, "/admin/kiosks/YAS01/config")
        .header("content-type", "application/json")
        .body(deep)
        .send()
        .await
        .unwrap();
    problem(resp, 400).await;
    // Bytes that are not UTF-8, a truncated body, numbers out of range.
    problem(
        raw("/v1/ratings", b"{\"ratings\": [\xff\xfe]}".to_vec())
            .await
            .unwrap(),
        400,
    )
    .await;
    problem(
        raw("/v1/citizens/verify", b"{\"fin\":".to_vec())
            .await
            .unwrap(),
        400,
    )
    .await;
    let hb = serde_json::to_string(&heartbeat())
        .unwrap()
        .replace("\"uptime_s\":1", "\"uptime_s\":18446744073709551616");
    let resp = raw(&format!("/v1/kiosks/{KIOSK}/heartbeat"), hb.into_bytes())
        .await
        .unwrap();
    problem(resp, 422).await;
    // A path id far longer than any id.
    let long = "A".repeat(8_000);
    problem(
        c.get(&format!("/v1/applications/{long}"))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let resp = c
        .admin(Method::GET, &format!("/admin/kiosks/{long}/heartbeat"))
        .send()
        .await
        .unwrap();
    problem(resp, 404).await;
    still_serving(&c).await;
    c.stop().await;
}
