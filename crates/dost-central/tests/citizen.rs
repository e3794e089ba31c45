//! The citizen-facing routes over real HTTP on 127.0.0.1 with a real SQLite file: queue
//! tickets, the public status page, rejection reasons, names in verification answers and help
//! requests in heartbeats.

mod common;

use common::{Central, app, problem};
use dost_api::{
    ApplicationStatus, Heartbeat, HelpRequest, ItemOutcome, NextAction, TicketRequest,
    TicketResponse, VerifyRequest, VerifyResponse, lookup_code,
};

fn ticket(id: &str) -> TicketRequest {
    TicketRequest {
        ticket_id: id.into(),
        kiosk_id: common::KIOSK.into(),
        service_id: "disability-assessment".into(),
        lang: "az".into(),
        issued_at: chrono::Utc::now(),
        offline_number: None,
        sms_phone: Some("+994501234567".into()),
    }
}

async fn issue(c: &Central, t: &TicketRequest) -> TicketResponse {
    let resp = c.post("/v1/queue/tickets").json(t).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

#[tokio::test]
async fn tickets_are_numbered_per_service_once_per_ticket_id() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(common::cfg(dir.path())).await;
    let a = issue(&c, &ticket("t-1")).await;
    let b = issue(&c, &ticket("t-2")).await;
    assert_eq!((a.number.as_str(), b.number.as_str()), ("D001", "D002"));
    assert_eq!(a.outcome, ItemOutcome::Accepted);
    assert_eq!((a.people_ahead, b.people_ahead), (0, 1));
    assert!(b.estimated_wait_min >= a.estimated_wait_min + 5);
    let mut other = ticket("t-3");
    other.service_id = "specialist".into();
    assert_eq!(issue(&c, &other).await.number, "S001");

    // Sent again (a lost answer): the same number, once in the queue.
    let again = issue(&c, &ticket("t-1")).await;
    assert_eq!(
        (again.number.as_str(), again.outcome),
        ("D001", ItemOutcome::Replayed)
    );
    assert_eq!(issue(&c, &ticket("t-4")).await.number, "D003");

    // Numbered by a kiosk while offline: its number stays, also over an earlier answer.
    let mut offline = ticket("t-5");
    offline.offline_number = Some("YAS01-T001".into());
    assert_eq!(issue(&c, &offline).await.number, "YAS01-T001");
    let mut late = ticket("t-2");
    late.offline_number = Some("YAS01-T002".into());
    let synced = issue(&c, &late).await;
    assert_eq!(
        (synced.number.as_str(), synced.outcome),
        ("YAS01-T002", ItemOutcome::Replayed)
    );

    // Another kiosk's ticket, a reused id for another service, a malformed number.
    let mut foreign = ticket("t-6");
    foreign.kiosk_id = common::OTHER_KIOSK.into();
    problem(
        c.post("/v1/queue/tickets")
            .json(&foreign)
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    let mut reused = ticket("t-1");
    reused.service_id = "specialist".into();
    problem(
        c.post("/v1/queue/tickets")
            .json(&reused)
            .send()
            .await
            .unwrap(),
        409,
    )
    .await;
    let mut bad = ticket("t-7");
    bad.offline_number = Some("<b>".into());
    problem(
        c.post("/v1/queue/tickets").json(&bad).send().await.unwrap(),
        422,
    )
    .await;
    c.stop().await;
}

async fn page(c: &Central, path: &str) -> (u16, String) {
    let resp = c.client.get(c.url(path)).send().await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/html"), "{ct}");
    (status, resp.text().await.unwrap())
}

#[tokio::test]
async fn status_page_shows_state_for_the_right_code_and_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(common::cfg(dir.path())).await;
    let a = app(7);
    c.submit(std::slice::from_ref(&a)).await;
    let code = lookup_code(&a.idempotency_key);
    let (status, html) = page(
        &c,
        &format!("/status/{}?code={code}&lang=en", a.application_id),
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Received by DOST"), "{html}");
    assert!(html.contains(&a.application_id));
    for private in [
        "5AB12C7",
        "5AB",
        "AA1234567",
        "+994501234567",
        "Ağdam",
        "key-7",
    ] {
        assert!(!html.contains(private), "{private} in {html}");
    }
    // Lower-case code, Russian.
    let (status, html) = page(
        &c,
        &format!(
            "/status/{}?code={}&lang=ru",
            a.application_id,
            code.to_lowercase()
        ),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Получено DOST"));
    // Wrong code, no code, unknown number, hostile number: the same 404 page.
    let wrong = lookup_code("another key");
    for path in [
        format!("/status/{}?code={wrong}", a.application_id),
        format!("/status/{}", a.application_id),
        format!("/status/YAS01-261124-9999?code={code}"),
        "/status/%3Cscript%3E?code=0000000000".to_owned(),
        format!("/status/{}?code=%ZZ", a.application_id),
    ] {
        let (status, html) = page(&c, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!html.contains("<script>"));
    }
    // A ticket's page shows its place in the queue.
    let t = issue(&c, &ticket("t-9")).await;
    let (status, html) = page(
        &c,
        &format!("/status/{}?code={}&lang=en", t.number, lookup_code("t-9")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("People ahead of you"), "{html}");
    assert!(!html.contains("+99450"), "the SMS number is not shown");
    c.stop().await;
}

#[tokio::test]
async fn rejections_carry_reason_and_next_step() {
    let dir = tempfile::tempdir().unwrap();
    let c = Central::start(common::cfg(dir.path())).await;
    let a = app(1);
    c.submit(std::slice::from_ref(&a)).await;
    let path = format!("/admin/applications/{}/state", a.application_id);
    let resp = c
        .admin(reqwest::Method::POST, &path)
        .json(&serde_json::json!({"state": "rejected", "reason": "income_above_threshold"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let st: ApplicationStatus = c
        .get(&format!("/v1/applications/{}", a.application_id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = st.rejection.expect("a rejected application says why");
    assert_eq!(r.action, NextAction::Appeal);
    assert!(r.reason.ru.contains("доход"));
    assert!(r.next_step.en.contains("appeal"));
    let resp = c
        .admin(reqwest::Method::POST, &path)
        .json(&serde_json::json!({"state": "rejected", "reason": "no-such-reason"}))
        .send()
        .await
        .unwrap();
    problem(resp, 422).await;
    c.stop().await;
}

#[tokio::test]
async fn verify_answers_with_the_azerbaijani_name_and_heartbeats_keep_help_requests() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = common::cfg(dir.path());
    cfg.citizen_names = vec![("5ZX7K2P".into(), "Əli Məmmədov".into())];
    let c = Central::start(cfg).await;
    let verify = |fin: &str| VerifyRequest {
        fin: fin.into(),
        document_number: "AA1234567".into(),
        chip: None,
    };
    let v: VerifyResponse = c
        .post("/v1/citizens/verify")
        .json(&verify("5ZX7K2P"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v.display_name.as_deref(), Some("Əli Məmmədov"));
    let resp = c
        .admin(reqwest::Method::POST, "/admin/citizens")
        .json(&serde_json::json!({"fin": "5AB12C7", "display_name": "Leyla Həsənova"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let v: VerifyResponse = c
        .post("/v1/citizens/verify")
        .json(&verify("5AB12C7"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v.display_name.as_deref(), Some("Leyla Həsənova"));
    let resp = c
        .admin(reqwest::Method::POST, "/admin/citizens")
        .json(&serde_json::json!({"fin": "5AB12C7", "display_name": "<script>"}))
        .send()
        .await
        .unwrap();
    problem(resp, 422).await;

    let hb = Heartbeat {
        kiosk_id: common::KIOSK.into(),
        version: "0.1.0".into(),
        uptime_s: 1,
        sent_at: chrono::Utc::now(),
        devices: vec![],
        outbox_depth: 0,
        held_receipts: 0,
        receipts_left: None,
        config_error: None,
        help_requests: vec![HelpRequest {
            request_id: "h-1".into(),
            asked_at: chrono::Utc::now(),
            screen: "form".into(),
            location: "Zal 1, girişin yanında".into(),
        }],
    };
    let resp = c
        .post(&format!("/v1/kiosks/{}/heartbeat", common::KIOSK))
        .json(&hb)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let last: Heartbeat = c
        .admin(
            reqwest::Method::GET,
            &format!("/admin/kiosks/{}/heartbeat", common::KIOSK),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(last.help_requests, hb.help_requests);
    c.stop().await;
}
