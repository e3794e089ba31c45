//! A card read on an emulated serial reader (a real pseudo-terminal) opens a session in the
//! kiosk; a garbled read shows the "insert again" error; unplugging the reader takes the kiosk
//! out of service until it is back.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use card_reader::Framing;
use card_reader::sim::{PtyEmulator, specimens};
use dost_kiosk::config::{DeviceKind, KioskConfig};
use dost_kiosk::view::{CardErrorKind, OutOfServiceKind, ScreenId, ViewModel};

async fn wait(views: &Arc<Mutex<Vec<ViewModel>>>, what: &str, pred: impl Fn(&ViewModel) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if views.lock().expect("views").last().is_some_and(&pred) {
            return;
        }
        let last = views.lock().expect("views").last().cloned();
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {last:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serial_reader_drives_the_session() {
    for framing in [
        Framing::Plain,
        Framing::ThreeM,
        Framing::Desko,
        Framing::StxEtx,
    ] {
        let mut emu = PtyEmulator::new().expect("pty");
        let dir = tempfile::tempdir().expect("tmp");
        let mut cfg = KioskConfig::load(Path::new("config/kiosk.toml")).expect("config");
        cfg.kiosk.data_dir = dir.path().to_path_buf();
        cfg.card_reader.kind = DeviceKind::Serial;
        cfg.card_reader.port = emu.path_string();
        cfg.card_reader.framing = match framing {
            Framing::Plain => "plain",
            Framing::ThreeM => "3m",
            Framing::Desko => "desko",
            Framing::StxEtx => "stx-etx",
        }
        .to_owned();
        let views = Arc::new(Mutex::new(Vec::new()));
        let sink = views.clone();
        let (ui, ui_rx) = tokio::sync::mpsc::unbounded_channel();
        let kiosk = dost_kiosk::runtime::start(
            cfg,
            Box::new(move |vm| sink.lock().expect("views").push(vm)),
            ui_rx,
        )
        .await
        .expect("kiosk starts");
        wait(&views, "attract", |vm| vm.screen == ScreenId::Attract).await;

        // A garbled read: the citizen is asked to insert the card again.
        let mut garbled = specimens::aze_id_card();
        garbled[1].replace_range(3..4, "_");
        let refs: Vec<&str> = garbled.iter().map(String::as_str).collect();
        emu.send_read(&refs, framing).expect("send");
        wait(&views, "unreadable", |vm| {
            vm.card_error == Some(CardErrorKind::Unreadable)
        })
        .await;
        ui.send(dost_kiosk::view::UiEvent::EndSession).expect("ui");
        wait(&views, "attract", |vm| vm.screen == ScreenId::Attract).await;

        let card = specimens::aze_id_card();
        let refs: Vec<&str> = card.iter().map(String::as_str).collect();
        emu.send_read(&refs, framing).expect("send");
        wait(&views, "welcome", |vm| vm.screen == ScreenId::Welcome).await;
        ui.send(dost_kiosk::view::UiEvent::EndSession).expect("ui");
        wait(&views, "attract", |vm| vm.screen == ScreenId::Attract).await;

        if framing == Framing::Plain {
            emu.unplug().expect("unplug");
            wait(&views, "reader out of service", |vm| {
                vm.out_of_service == Some(OutOfServiceKind::CardReader)
            })
            .await;
            emu.replug().expect("replug");
            wait(&views, "back in service", |vm| {
                vm.screen == ScreenId::Attract
            })
            .await;
            emu.send_read(&refs, framing).expect("send");
            wait(&views, "welcome after replug", |vm| {
                vm.screen == ScreenId::Welcome
            })
            .await;
        }
        kiosk.shutdown(Duration::from_secs(2)).await;
    }
}
