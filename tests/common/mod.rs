//! Shared by the integration tests that drive the demo core in process (each test binary
//! uses part of it).
#![allow(dead_code)]

use std::path::Path;

use dost_kiosk::config::KioskConfig;
use dost_kiosk::kit::Harness;
use dost_kiosk::runtime::Kiosk;
use kiosk_core::view::{ScreenId, UiEvent, ViewModel};

/// The demo configuration, with its data in `data_dir`.
pub fn demo_config(data_dir: &Path) -> KioskConfig {
    dost_kiosk::central::ensure_tls();
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml");
    let mut cfg = KioskConfig::load(Path::new(config)).expect("demo config");
    cfg.kiosk.data_dir = data_dir.to_path_buf();
    // These tests tap at machine speed: no double-tap guard (the guard's own tests are in
    // kiosk-core's session tests and tests/ui_citizen.rs).
    cfg.session.tap_guard_ms = 0;
    cfg
}

/// Waits (30 s at most) until the latest view satisfies `pred`, and returns it.
pub async fn wait(h: &mut Harness, what: &str, pred: impl Fn(&ViewModel) -> bool) -> ViewModel {
    match h.wait(what, pred).await {
        Ok(vm) => vm,
        Err(e) => panic!("waiting for {what}: {e}"),
    }
}

/// The demo core on `data_dir`, with `edit` applied to the demo configuration first.
pub async fn start_demo(data_dir: &Path, edit: impl FnOnce(&mut KioskConfig)) -> (Kiosk, Harness) {
    let mut cfg = demo_config(data_dir);
    edit(&mut cfg);
    Harness::start(cfg).await.expect("kiosk starts")
}

/// The demo core on `data_dir`, a citizen (the demo card) on the review screen of the
/// employment history statement with a mobile number typed, ready to submit.
pub async fn demo_at_review(data_dir: &Path) -> (Kiosk, Harness) {
    let (kiosk, mut h) = start_demo(data_dir, |_| {}).await;
    let send = |h: &Harness, ev| h.send(ev).expect("core alive");
    wait(&mut h, "attract", |vm| vm.screen == ScreenId::Attract).await;
    send(&h, UiEvent::DemoInsertCard);
    wait(&mut h, "welcome", |vm| vm.screen == ScreenId::Welcome).await;
    send(&h, UiEvent::OpenCatalog);
    send(&h, UiEvent::SelectService("employment-history".into()));
    wait(&mut h, "service info", |vm| {
        vm.screen == ScreenId::ServiceInfo
    })
    .await;
    send(&h, UiEvent::StartForm);
    wait(&mut h, "form", |vm| vm.screen == ScreenId::Form).await;
    send(
        &h,
        UiEvent::FieldEdited {
            field_id: "phone".into(),
            value: "+994 50 123 45 67".into(),
        },
    );
    send(&h, UiEvent::Next);
    wait(&mut h, "review", |vm| vm.screen == ScreenId::Review).await;
    (kiosk, h)
}
