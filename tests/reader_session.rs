//! A card read on an emulated serial reader (a real pseudo-terminal) opens a session in the
//! kiosk in every framing; a garbled or cut read shows the "insert again" error; unplugging
//! the reader takes the kiosk out of service until it is back.

mod common;

use std::time::Duration;

use card_reader::Framing;
use card_reader::sim::{PtyEmulator, specimens};
use common::wait;
use dost_kiosk::config::DeviceKind;
use dost_kiosk::kit::Harness;
use kiosk_core::view::{CardErrorKind, OutOfServiceKind, ScreenId, UiEvent};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serial_reader_drives_the_session() {
    for framing in Framing::ALL {
        let mut emu = PtyEmulator::new().expect("pty");
        let dir = tempfile::tempdir().expect("tmp");
        let mut cfg = common::demo_config(dir.path());
        cfg.card_reader.kind = DeviceKind::Serial;
        cfg.card_reader.port = emu.path_string();
        cfg.card_reader.framing = Some(framing);
        let (kiosk, mut h) = Harness::start(cfg).await.expect("kiosk starts");
        let ui = h.sender();
        wait(&mut h, "attract", |vm| vm.screen == ScreenId::Attract).await;

        // A garbled read: the citizen is asked to insert the card again.
        let mut garbled = specimens::aze_id_card();
        garbled[1].replace_range(3..4, "_");
        let refs: Vec<&str> = garbled.iter().map(String::as_str).collect();
        emu.send_read(&refs, framing).expect("send");
        wait(&mut h, "unreadable", |vm| {
            vm.card_error == Some(CardErrorKind::Unreadable)
        })
        .await;
        ui.send(UiEvent::EndSession).expect("ui");
        wait(&mut h, "attract", |vm| vm.screen == ScreenId::Attract).await;

        // A read cut in the middle: "insert again", and nothing of it is glued to the next.
        let card = specimens::aze_id_card();
        let refs: Vec<&str> = card.iter().map(String::as_str).collect();
        let whole = card_reader::encode_frame(framing, &refs);
        emu.send_raw(&whole[..whole.len() / 2]).expect("send");
        wait(&mut h, "cut read refused", |vm| {
            vm.card_error == Some(CardErrorKind::Unreadable)
        })
        .await;
        ui.send(UiEvent::EndSession).expect("ui");
        wait(&mut h, "attract", |vm| vm.screen == ScreenId::Attract).await;

        emu.send_read(&refs, framing).expect("send");
        wait(&mut h, "welcome", |vm| vm.screen == ScreenId::Welcome).await;
        ui.send(UiEvent::EndSession).expect("ui");
        wait(&mut h, "attract", |vm| vm.screen == ScreenId::Attract).await;

        if framing == Framing::Plain {
            emu.unplug().expect("unplug");
            wait(&mut h, "reader out of service", |vm| {
                vm.out_of_service == Some(OutOfServiceKind::CardReader)
            })
            .await;
            emu.replug().expect("replug");
            wait(&mut h, "back in service", |vm| {
                vm.screen == ScreenId::Attract
            })
            .await;
            emu.send_read(&refs, framing).expect("send");
            wait(&mut h, "welcome after replug", |vm| {
                vm.screen == ScreenId::Welcome
            })
            .await;
        }
        kiosk.shutdown(Duration::from_secs(2)).await;
    }
}

/// A keyboard-wedge reader whose input device is not there takes the kiosk out of service,
/// as an unplugged serial reader does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_wedge_keyboard_is_a_reader_fault() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut cfg = common::demo_config(dir.path());
    cfg.card_reader = dost_kiosk::config::CardReaderSection::of_model(
        card_reader::ReaderModel::KeyboardWedge,
        DeviceKind::Wedge,
        dir.path().join("usb-mrz-event-kbd").display().to_string(),
    );
    let (kiosk, mut h) = Harness::start(cfg).await.expect("kiosk starts");
    wait(&mut h, "reader out of service", |vm| {
        vm.out_of_service == Some(OutOfServiceKind::CardReader)
    })
    .await;
    kiosk.shutdown(Duration::from_secs(2)).await;
}
