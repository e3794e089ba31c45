//! Shared by the integration tests that drive the demo core in process (each test binary
//! uses part of it).
#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dost_kiosk::config::KioskConfig;
use dost_kiosk::runtime::{self, Kiosk};
use dost_kiosk::view::{ScreenId, UiEvent, ViewModel};
use tokio::sync::mpsc::UnboundedSender;

/// Every view the core presented, in order.
pub type Views = Arc<Mutex<Vec<ViewModel>>>;

/// Waits (30 s at most) until the latest view satisfies `pred`, and returns it.
pub async fn wait(views: &Views, what: &str, pred: impl Fn(&ViewModel) -> bool) -> ViewModel {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(vm) = views.lock().expect("views").last()
            && pred(vm)
        {
            return vm.clone();
        }
        let last = views.lock().expect("views").last().map(|v| v.screen);
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; last screen: {last:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The demo core on `data_dir`, with `edit` applied to the demo configuration first.
pub async fn start_demo(
    data_dir: &Path,
    edit: impl FnOnce(&mut KioskConfig),
) -> (Kiosk, UnboundedSender<UiEvent>, Views) {
    dost_kiosk::sync::ensure_tls();
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml");
    let mut cfg = KioskConfig::load(Path::new(config)).expect("demo config");
    cfg.kiosk.data_dir = data_dir.to_path_buf();
    edit(&mut cfg);
    let views: Views = Arc::new(Mutex::new(Vec::new()));
    let sink = views.clone();
    let (ui, ui_rx) = tokio::sync::mpsc::unbounded_channel();
    let kiosk = runtime::start(
        cfg,
        Box::new(move |vm| sink.lock().expect("views").push(vm)),
        ui_rx,
    )
    .await
    .expect("kiosk starts");
    (kiosk, ui, views)
}

/// The demo core on `data_dir`, a citizen (the demo card) on the review screen of the
/// disability assessment with a phone number typed, ready to submit.
pub async fn demo_at_review(data_dir: &Path) -> (Kiosk, UnboundedSender<UiEvent>, Views) {
    let (kiosk, ui, views) = start_demo(data_dir, |_| {}).await;
    let send = |ev| ui.send(ev).expect("core alive");
    wait(&views, "attract", |vm| vm.screen == ScreenId::Attract).await;
    send(UiEvent::DemoInsertCard);
    wait(&views, "welcome", |vm| vm.screen == ScreenId::Welcome).await;
    send(UiEvent::OpenCatalog);
    send(UiEvent::SelectService("disability-assessment".into()));
    wait(&views, "service info", |vm| {
        vm.screen == ScreenId::ServiceInfo
    })
    .await;
    send(UiEvent::StartForm);
    wait(&views, "form", |vm| vm.screen == ScreenId::Form).await;
    send(UiEvent::FieldEdited {
        field_id: "phone".into(),
        value: "+994 50 123 45 67".into(),
    });
    send(UiEvent::Next);
    wait(&views, "review", |vm| vm.screen == ScreenId::Review).await;
    (kiosk, ui, views)
}
