//! The keyboard-wedge reader as the kiosk starts it: a recorded keyboard stream through the
//! kiosk's reader task, a missing or unusable device as a reader fault, and a virtual uinput
//! keyboard where the machine has `/dev/uinput`.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use card_reader::ReaderStatus;
use card_reader::wedge::GrabbedKeyboard;
use tokio_util::task::TaskTracker;

use super::*;
use crate::config::{CardReaderSection, DeviceKind, KioskConfig};

/// Raw `struct input_event` records of a US-layout wedge typing the Azerbaijani specimen
/// card (Shift for letters and `<`, key repeats, sync events), kept with the driver.
const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/drivers/card-reader/tests/data/wedge-aze-id-card.events"
);

async fn next(rx: &mut mpsc::Receiver<ReaderEvent>) -> ReaderEvent {
    match tokio::time::timeout(Duration::from_secs(15), rx.recv()).await {
        Ok(Some(ev)) => ev,
        Ok(None) => panic!("the reader task ended"),
        Err(_) => panic!("no reader event in 15 s"),
    }
}

/// The next event that is not a status change other than `skip`.
async fn next_read(rx: &mut mpsc::Receiver<ReaderEvent>) -> ReaderEvent {
    loop {
        match next(rx).await {
            ReaderEvent::Status(_) => {}
            ev => return ev,
        }
    }
}

fn assert_specimen(ev: &ReaderEvent) {
    match ev {
        ReaderEvent::CardRead(d) => {
            assert_eq!(d.fin.as_deref(), Some("5ZX7K2P"));
            assert_eq!(d.surname, "MAMMADOV");
        }
        other => panic!("expected the specimen card, got {other:?}"),
    }
}

/// The recording typed into a pipe, read by the kiosk's wedge reader task.
async fn read_recorded_stream() {
    let bytes = std::fs::read(RECORDING).expect("recording");
    let (reader, mut writer) = io::pipe().expect("pipe");
    let mut source = Some(reader);
    let (tx, mut rx) = mpsc::channel(16);
    let cancel = CancellationToken::new();
    let open = move || {
        source
            .take()
            .ok_or_else(|| OpenError::Io(io::ErrorKind::NotFound.into()))
    };
    let task = spawn_with("/dev/input/test-event-kbd".into(), open, tx, cancel.clone());
    assert_eq!(
        next(&mut rx).await,
        ReaderEvent::Status(ReaderStatus::Online)
    );
    let typist = std::thread::spawn(move || writer.write_all(&bytes).map(|()| writer));
    assert_specimen(&next_read(&mut rx).await);
    let writer = typist.join().expect("typist").expect("typed");
    cancel.cancel();
    drop(writer);
    assert_eq!(
        next(&mut rx).await,
        ReaderEvent::Status(ReaderStatus::Offline)
    );
    task.await.expect("reader task");
}

#[tokio::test]
async fn a_recorded_keyboard_stream_reads_the_card() {
    read_recorded_stream().await;
}

/// The configuration's wedge reader on `port`, started as the kiosk starts it.
fn start(port: &str) -> (super::super::devices::Reader, CancellationToken) {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml"))
            .expect("demo configuration");
    let mut cfg = KioskConfig::parse(&text, Path::new("config/kiosk.toml")).expect("valid");
    cfg.card_reader = CardReaderSection::of_model(
        card_reader::ReaderModel::KeyboardWedge,
        DeviceKind::Wedge,
        port,
    );
    let cancel = CancellationToken::new();
    let reader = super::super::devices::start_reader(&cfg, &cancel, &TaskTracker::new());
    (reader, cancel)
}

#[tokio::test]
async fn a_missing_keyboard_is_no_device_and_an_unusable_one_a_hardware_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let missing = dir.path().join("usb-reader-event-kbd");
    let (mut reader, cancel) = start(&missing.display().to_string());
    assert_eq!(
        next(&mut reader.events).await,
        ReaderEvent::Status(ReaderStatus::NoDevice)
    );
    cancel.cancel();
    // A file that is there but is no input device (cannot be queried or grabbed).
    std::fs::write(&missing, b"not an input device").expect("file");
    let (mut reader, cancel) = start(&missing.display().to_string());
    assert_eq!(
        next(&mut reader.events).await,
        ReaderEvent::Status(ReaderStatus::HardwareError)
    );
    let e = GrabbedKeyboard::open(&missing).err().expect("refused");
    assert!(e.to_string().contains("usb-reader-event-kbd"), "{e}");
    cancel.cancel();
}

/// Types the specimen on a virtual uinput keyboard and reads it through the kiosk's wedge
/// reader (exclusive grab). A machine without `/dev/uinput` runs the recorded stream instead
/// (and says so); `DOST_TEST_UINPUT=1` makes a missing `/dev/uinput` a failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_virtual_uinput_keyboard_reads_the_card() {
    let required = std::env::var("DOST_TEST_UINPUT").as_deref() == Ok("1");
    if !Path::new("/dev/uinput").exists() {
        assert!(!required, "DOST_TEST_UINPUT=1 but /dev/uinput is missing");
        eprintln!("/dev/uinput missing: the recorded keyboard stream was read instead");
        read_recorded_stream().await;
        return;
    }
    uinput::run().await;
}

mod uinput {
    use card_reader::sim::specimens;
    use card_reader::wedge::{self, EV_KEY, EVENT_SIZE, InputEvent};
    use evdev::uinput::VirtualDevice;
    use evdev::{AttributeSet, EventType, KeyCode};

    use super::*;

    pub async fn run() {
        let mut keys = AttributeSet::<KeyCode>::new();
        for code in 1..=127u16 {
            keys.insert(KeyCode::new(code));
        }
        let mut device = VirtualDevice::builder()
            .expect("uinput")
            .name("dost kiosk test mrz wedge")
            .with_keys(&keys)
            .expect("keys")
            .build()
            .expect("virtual keyboard");
        let node = device
            .enumerate_dev_nodes_blocking()
            .expect("nodes")
            .filter_map(Result::ok)
            .next()
            .expect("event node of the virtual keyboard");
        let (mut reader, cancel) = start(&node.display().to_string());
        // udev may need a moment before the node can be grabbed.
        while next(&mut reader.events).await != ReaderEvent::Status(ReaderStatus::Online) {}
        let card = specimens::aze_id_card();
        let records = wedge::type_text(&format!("{}\r{}\r{}\r", card[0], card[1], card[2]));
        let events: Vec<evdev::InputEvent> = records
            .chunks_exact(EVENT_SIZE)
            .filter_map(InputEvent::parse)
            .filter(|e| e.kind == EV_KEY)
            .map(|e| evdev::InputEvent::new(EventType::KEY.0, e.code, e.value))
            .collect();
        let typist = std::thread::spawn(move || {
            for ev in events {
                device.emit(&[ev])?;
            }
            Ok::<_, io::Error>(device)
        });
        assert_specimen(&next_read(&mut reader.events).await);
        drop(typist.join().expect("typist").expect("typed"));
        cancel.cancel();
    }
}
