//! The demo configuration end to end, through the real core: simulated reader and printer,
//! a real SQLite file, the embedded central API over real HTTP on 127.0.0.1.

mod common;

use std::time::{Duration, Instant};

use dost_api::ApplicationState;
use dost_kiosk::config::KioskConfig;
use dost_kiosk::kit::Harness;
use dost_kiosk::platform::lock::LockError;
use dost_kiosk::runtime::{self, Kiosk};
use kiosk_core::card::CardTest;
use kiosk_core::view::{
    PaperLevel, PartName, PartStatus, ReceiptState, ScreenId, ServiceAction, ServiceMessage,
    UiEvent, ViewModel,
};

struct Demo {
    kiosk: Kiosk,
    h: Harness,
    _dir: tempfile::TempDir,
    data: std::path::PathBuf,
}

/// The FİN of the demo card, as the simulated reader reads it.
fn demo_fin() -> String {
    let lines = card_reader::sim::specimens::aze_id_card();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    card_reader::parse_mrz(&lines, today)
        .expect("the demo card parses")
        .fin
        .expect("the demo card has a FİN")
}

async fn start_demo() -> Demo {
    start_demo_with(|_| {}).await
}

async fn start_demo_with(edit: impl FnOnce(&mut KioskConfig)) -> Demo {
    let dir = tempfile::tempdir().expect("temp dir");
    let (kiosk, h) = common::start_demo(dir.path(), edit).await;
    Demo {
        kiosk,
        h,
        data: dir.path().to_path_buf(),
        _dir: dir,
    }
}

impl Demo {
    fn send(&self, ev: UiEvent) {
        self.h.send(ev).expect("core alive");
    }

    /// Waits until the latest view satisfies `pred`, returning it.
    async fn wait(&mut self, what: &str, pred: impl Fn(&ViewModel) -> bool) -> ViewModel {
        common::wait(&mut self.h, what, pred).await
    }

    /// Runs `sql` (one text column of one row, with `arg`) on the kiosk's store.
    async fn query(&self, sql: &'static str, arg: String) -> String {
        self.kiosk
            .store
            .call(move |s| Ok(s.connection().query_row(sql, [&arg], |r| r.get(0))?))
            .await
            .expect("row")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_card_to_receipt_to_centre() {
    let mut demo = start_demo().await;
    demo.wait("attract", |vm| vm.screen == ScreenId::Attract && vm.demo)
        .await;

    demo.send(UiEvent::DemoInsertCard);
    let welcome = demo
        .wait("welcome", |vm| vm.screen == ScreenId::Welcome)
        .await;
    let citizen = welcome.citizen.expect("citizen shown");
    assert!(!citizen.display_name.is_empty());
    assert!(citizen.masked_fin.ends_with("****"));

    demo.send(UiEvent::OpenCatalog);
    let catalog = demo
        .wait("catalog", |vm| vm.screen == ScreenId::Catalog)
        .await;
    assert!(catalog.services.len() >= 8);
    demo.send(UiEvent::SelectService("employment-history".into()));
    demo.wait("service info", |vm| vm.screen == ScreenId::ServiceInfo)
        .await;
    demo.send(UiEvent::StartForm);
    demo.wait("form", |vm| vm.screen == ScreenId::Form).await;
    demo.send(UiEvent::FieldEdited {
        field_id: "phone".into(),
        value: "+994 50 123 45 67".into(),
    });
    demo.send(UiEvent::Next);
    let review = demo
        .wait("review", |vm| vm.screen == ScreenId::Review)
        .await;
    assert_eq!(
        review.review.expect("review rows").rows[0].1,
        "+994 50 123 45 67"
    );
    demo.send(UiEvent::Submit);
    let done = demo
        .wait("receipt printed", |vm| {
            vm.done
                .as_ref()
                .is_some_and(|d| d.receipt == ReceiptState::Printed)
        })
        .await
        .done
        .expect("done view");
    let id = done.application_id.to_string();
    assert_eq!(done.application_id.kiosk_code(), "YAS01");
    assert!(done.qr_payload.contains(&id));

    // The SQLite row, delivered to the centre by the relay.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let state = demo
            .query(
                "SELECT sync_state FROM applications WHERE id = ?1",
                id.clone(),
            )
            .await;
        if state == "synced" {
            break;
        }
        assert!(Instant::now() < deadline, "not delivered: {state}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The bytes the simulated printer received, decoded as the printer would print them.
    let printer = demo.kiosk.sim_printer.as_ref().expect("simulated printer");
    let bytes = printer.state().printed_stream();
    let decoded = receipt_printer::preview::decode(&bytes).expect("decodable receipt");
    let text = decoded.text_lines().join("\n");
    assert!(text.contains(&id), "receipt shows the number:\n{text}");
    let fin = demo_fin();
    let masked = dost_api::mask_fin(&fin);
    assert!(text.contains(&masked), "masked FİN on the receipt:\n{text}");
    assert!(!text.contains(&fin), "never the whole FİN:\n{text}");
    assert!(decoded.qr_payloads().iter().any(|q| q.contains(&id)));
    assert!(demo.kiosk.receipts_dir.join(format!("{id}.png")).is_file());

    // The application as the centre stored it: exactly once.
    let stored = dost_central::export_records(&demo.data.join("central.db")).expect("export");
    assert_eq!(stored.iter().filter(|r| r.application_id == id).count(), 1);

    // The status screen shows it as received.
    demo.send(UiEvent::OpenMyApplications);
    let mine = demo
        .wait("statuses", |vm| {
            vm.applications.as_ref().is_some_and(|a| !a.loading)
        })
        .await
        .applications
        .expect("applications");
    let row = mine
        .rows
        .iter()
        .find(|r| r.application_id.as_str() == id)
        .expect("listed");
    assert!(row.state >= ApplicationState::Received, "{row:?}");
    assert!(!row.pending_upload && !mine.offline);
    assert!(!row.as_of.is_empty());

    // The kiosk's heartbeat reached the centre with its devices.
    let url = format!(
        "{}/admin/kiosks/DOST-YASAMAL-K01/heartbeat",
        demo.kiosk.central_url
    );
    let hb: dost_api::Heartbeat = reqwest::get(&url)
        .await
        .expect("centre reachable")
        .json()
        .await
        .expect("heartbeat stored");
    assert_eq!(hb.kiosk_id, "DOST-YASAMAL-K01");
    assert!(hb.devices.iter().any(|d| d.name == "receipt_printer"));

    // Finishing asks for a rating; skipping it wipes the citizen from the screen.
    demo.send(UiEvent::EndSession);
    demo.wait("rating", |vm| vm.screen == ScreenId::Rating)
        .await;
    demo.send(UiEvent::EndSession);
    let attract = demo
        .wait("attract again", |vm| vm.screen == ScreenId::Attract)
        .await;
    assert!(attract.citizen.is_none() && attract.applications.is_none());
    demo.kiosk.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rating_after_an_application_reaches_the_centre() {
    let mut demo = start_demo().await;
    demo.send(UiEvent::DemoInsertCard);
    demo.wait("welcome", |vm| vm.screen == ScreenId::Welcome)
        .await;
    demo.send(UiEvent::OpenCatalog);
    demo.send(UiEvent::SelectService("employment-history".into()));
    demo.wait("service info", |vm| vm.screen == ScreenId::ServiceInfo)
        .await;
    demo.send(UiEvent::StartForm);
    demo.send(UiEvent::FieldEdited {
        field_id: "phone".into(),
        value: "0701234567".into(),
    });
    demo.send(UiEvent::Next);
    demo.wait("review", |vm| vm.screen == ScreenId::Review)
        .await;
    demo.send(UiEvent::Submit);
    demo.wait("done", |vm| vm.screen == ScreenId::Done).await;
    demo.send(UiEvent::EndSession);
    demo.wait("rating", |vm| vm.screen == ScreenId::Rating)
        .await;
    demo.send(UiEvent::Rate(4));
    let attract = demo
        .wait("attract", |vm| vm.screen == ScreenId::Attract)
        .await;
    assert!(attract.citizen.is_none());
    let url = format!("{}/admin/ratings", demo.kiosk.central_url);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let counts: serde_json::Value = reqwest::get(&url)
            .await
            .expect("centre")
            .json()
            .await
            .expect("json");
        if counts["4"] == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "rating not delivered: {counts}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    demo.kiosk.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_mode_staff_restock_and_technician_diagnostics() {
    let mut demo = start_demo().await;
    demo.send(UiEvent::ServiceEntry);
    demo.wait("pin pad", |vm| vm.screen == ScreenId::ServicePin)
        .await;
    demo.send(UiEvent::PinEntered("0000".into()));
    demo.wait("wrong pin", |vm| {
        vm.service.as_ref().is_some_and(|s| s.pin_refusal.is_some())
    })
    .await;
    demo.send(UiEvent::PinEntered("1357".into()));
    let staff = demo
        .wait("staff screen with data", |vm| {
            vm.screen == ScreenId::ServiceStaff
                && vm.service.as_ref().is_some_and(|s| !s.parts.is_empty())
        })
        .await;
    assert_eq!(staff.service.expect("data").paper.level, PaperLevel::Ok);
    demo.send(UiEvent::ServiceAction(ServiceAction::PaperRestocked));
    demo.wait("restock message", |vm| {
        vm.service.as_ref().is_some_and(|s| s.message.is_some())
    })
    .await;
    demo.send(UiEvent::CloseService);
    demo.wait("attract", |vm| vm.screen == ScreenId::Attract)
        .await;

    demo.send(UiEvent::ServiceEntry);
    demo.send(UiEvent::PinEntered("246810".into()));
    demo.wait("technician", |vm| vm.screen == ScreenId::ServiceTechnician)
        .await;
    demo.send(UiEvent::ServiceAction(ServiceAction::ExportDiagnostics));
    let tech = demo
        .wait("diagnostics saved", |vm| {
            vm.service
                .as_ref()
                .and_then(|s| s.message.as_ref())
                .is_some_and(|m| matches!(m, ServiceMessage::DiagnosticsSaved { .. }))
        })
        .await;
    // The live test card read: the technician inserts a card and sees what was read.
    demo.send(UiEvent::DemoInsertCard);
    let card_test = |vm: &ViewModel| -> Option<CardTest> {
        vm.service
            .as_ref()?
            .parts
            .iter()
            .find_map(|p| match &p.status {
                PartStatus::CardRead { test, .. } if p.name == PartName::CardTest => {
                    Some(test.clone())
                }
                _ => None,
            })
    };
    let read = demo
        .wait(
            "card test",
            |vm| matches!(card_test(vm), Some(CardTest::Read { format, .. }) if format == "TD1"),
        )
        .await;
    assert_eq!(
        read.screen,
        ScreenId::ServiceTechnician,
        "no citizen session opens"
    );
    let Some(CardTest::Read { masked_fin, .. }) = card_test(&read) else {
        panic!("a read card test");
    };
    assert_eq!(masked_fin, Some(dost_api::mask_fin(&demo_fin())));
    let names: Vec<PartName> = tech
        .service
        .expect("data")
        .parts
        .iter()
        .map(|p| p.name)
        .collect();
    for part in [
        PartName::CardReader,
        PartName::Printer,
        PartName::CentreLink,
        PartName::Disk,
        PartName::Database,
        PartName::Clock,
    ] {
        assert!(names.contains(&part), "{part:?} in {names:?}");
    }
    let saved = std::fs::read_dir(&demo.data)
        .expect("data dir")
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with("diagnostics-"));
    assert!(saved);
    // Every entry, action and failure is in the audit log, and the chain holds.
    let (actions, chain) = demo
        .kiosk
        .store
        .call(|store| {
            let actions: Vec<String> = store
                .connection()
                .prepare("SELECT actor || ':' || action FROM audit_log ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            Ok((actions, store.verify_audit()?))
        })
        .await
        .expect("audit");
    for want in [
        "unknown:pin_wrong",
        "staff:service_entered",
        "staff:service_action",
        "staff:service_closed",
        "technician:service_entered",
    ] {
        assert!(actions.iter().any(|a| a == want), "{want} in {actions:?}");
    }
    assert_eq!(chain, None);
    demo.kiosk.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_out_still_takes_the_application_and_prints_after_restock() {
    let mut demo = start_demo().await;
    let printer = demo.kiosk.sim_printer.clone().expect("simulated printer");
    printer.state().set_paper(receipt_printer::PaperLevel::Out);
    demo.wait("printer notice", |vm| vm.printer_unavailable)
        .await;

    demo.send(UiEvent::DemoInsertCard);
    demo.wait("welcome", |vm| vm.screen == ScreenId::Welcome)
        .await;
    demo.send(UiEvent::OpenCatalog);
    demo.send(UiEvent::SelectService("employment-history".into()));
    demo.wait("service info", |vm| vm.screen == ScreenId::ServiceInfo)
        .await;
    demo.send(UiEvent::StartForm);
    demo.send(UiEvent::FieldEdited {
        field_id: "phone".into(),
        value: "0551234567".into(),
    });
    demo.send(UiEvent::Next);
    demo.wait("review", |vm| vm.screen == ScreenId::Review)
        .await;
    demo.send(UiEvent::Submit);
    let done = demo
        .wait("done", |vm| vm.screen == ScreenId::Done)
        .await
        .done
        .expect("done");
    assert_eq!(done.receipt, ReceiptState::NotAvailable);
    assert!(!done.qr_payload.is_empty(), "the QR is shown instead");
    assert!(
        printer.state().printed_stream().is_empty() || {
            let text = receipt_printer::preview::decode(&printer.state().printed_stream())
                .map(|d| d.text_lines().join("\n"))
                .unwrap_or_default();
            !text.contains(done.application_id.as_str())
        }
    );

    // Staff restock: the held receipt prints by itself, once.
    printer.state().set_paper(receipt_printer::PaperLevel::Ok);
    demo.kiosk.restocked();
    demo.wait("printed after restock", |vm| {
        vm.done
            .as_ref()
            .is_some_and(|d| d.receipt == ReceiptState::Printed)
    })
    .await;
    let text = receipt_printer::preview::decode(&printer.state().printed_stream())
        .expect("decodable")
        .text_lines()
        .join("\n");
    assert_eq!(
        text.matches(done.application_id.as_str()).count(),
        1,
        "{text}"
    );
    demo.kiosk.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_from_the_centre_are_checked_then_applied() {
    let mut demo = start_demo_with(|cfg| {
        cfg.central.status_refresh_s = 1;
        cfg.central.heartbeat_s = 1;
    })
    .await;
    let admin = format!(
        "{}/admin/kiosks/DOST-YASAMAL-K01/config",
        demo.kiosk.central_url
    );
    let http = reqwest::Client::new();
    // A bad configuration is refused, reported in the heartbeat, and changes nothing.
    let bad = serde_json::json!({"session": {"idle_timeout_s": 3}});
    let r = http.put(&admin).json(&bad).send().await.expect("admin");
    assert!(r.status().is_success(), "{}", r.status());
    let hb_url = format!(
        "{}/admin/kiosks/DOST-YASAMAL-K01/heartbeat",
        demo.kiosk.central_url
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let hb: Option<dost_api::Heartbeat> = match reqwest::get(&hb_url).await {
            Ok(r) => r.json().await.ok(),
            Err(_) => None,
        };
        if hb
            .and_then(|h| h.config_error)
            .is_some_and(|e| e.contains("idle_timeout_s"))
        {
            break;
        }
        assert!(Instant::now() < deadline, "refusal never reported");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        demo.h.latest().map(|v| v.center_name.clone()),
        Some("DOST Yasamal".to_owned())
    );
    // A good one is applied while the kiosk runs.
    let good = serde_json::json!({"center_name": "DOST Xəzər"});
    http.put(&admin).json(&good).send().await.expect("admin");
    demo.wait("new center name", |vm| vm.center_name == "DOST Xəzər")
        .await;
    demo.kiosk.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_kiosk_per_data_directory() {
    let demo = start_demo().await;
    let cfg: KioskConfig = common::demo_config(&demo.data);
    let (_tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let second = runtime::start(cfg, Box::new(|_| {}), rx).await;
    assert!(
        matches!(
            second,
            Err(runtime::RuntimeError::Lock(LockError::AlreadyRunning(_)))
        ),
        "a second kiosk on the same data must not start"
    );
    demo.kiosk.shutdown(Duration::from_secs(2)).await;
}
