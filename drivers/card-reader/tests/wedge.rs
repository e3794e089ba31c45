//! Keyboard-wedge readers. The recorded event streams always run (the same
//! `EventStream` → plain-framing path as a grabbed device); the uinput test types into a
//! virtual keyboard where the machine has `/dev/uinput`.
//!
//! `tests/data/wedge-aze-id-card.events` holds raw `struct input_event` records (24 bytes,
//! x86-64/aarch64 layout) of a US-layout wedge typing the Azerbaijani specimen card:
//! scan codes, Shift for letters and `<` (left and right Shift), key repeats (ignored)
//! and sync events. It was written by `wedge::type_text` plus those extra events
//! (`UPDATE_FIXTURES=1` rewrites it), not captured from a device.

use std::io::Cursor;

use card_reader::sim::specimens;
use card_reader::wedge::{
    self, EV_KEY, EV_MSC, EV_SYN, EVENT_SIZE, EventStream, InputEvent, KEY_LEFTSHIFT,
    KEY_RIGHTSHIFT, key_to_ascii,
};
use card_reader::{
    BlockingReader, Framing, MrzErrorKind, ReadPipeline, ReaderEvent, RejectionKind,
};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/wedge-aze-id-card.events"
);

fn record(kind: u16, code: u16, value: i32) -> Vec<u8> {
    InputEvent { kind, code, value }.to_record()
}

/// The fixture's content: the card typed line by line with Enter, the second line's
/// fillers typed with the right Shift, and an auto-repeat of Shift in the third.
fn make_fixture() -> Vec<u8> {
    let card = specimens::aze_id_card();
    let mut out = wedge::type_text(&format!("{}\r", card[0]));
    for c in card[1].bytes() {
        if c == b'<' {
            out.extend(record(EV_KEY, KEY_RIGHTSHIFT, 1));
            out.extend(record(EV_MSC, 4, 51));
            out.extend(record(EV_KEY, 51, 1));
            out.extend(record(EV_SYN, 0, 0));
            out.extend(record(EV_KEY, 51, 0));
            out.extend(record(EV_KEY, KEY_RIGHTSHIFT, 0));
            out.extend(record(EV_SYN, 0, 0));
        } else {
            out.extend(wedge::type_text(&char::from(c).to_string()));
        }
    }
    out.extend(wedge::type_text("\r"));
    out.extend(record(EV_KEY, KEY_LEFTSHIFT, 1));
    out.extend(record(EV_KEY, KEY_LEFTSHIFT, 2));
    out.extend(record(EV_KEY, KEY_LEFTSHIFT, 2));
    out.extend(record(EV_KEY, KEY_LEFTSHIFT, 0));
    out.extend(wedge::type_text(&format!("{}\r", card[2])));
    out
}

fn fixture() -> Vec<u8> {
    if std::env::var("UPDATE_FIXTURES").as_deref() == Ok("1") {
        std::fs::write(FIXTURE, make_fixture()).unwrap();
    }
    let bytes = std::fs::read(FIXTURE).expect("fixture (UPDATE_FIXTURES=1 writes it)");
    assert_eq!(bytes, make_fixture(), "fixture is stale: UPDATE_FIXTURES=1");
    bytes
}

fn read_all<R: std::io::Read>(source: R) -> Vec<ReaderEvent> {
    let mut reader = BlockingReader::new(
        EventStream::new(source),
        ReadPipeline::new(Framing::Plain, today),
    );
    let mut events = Vec::new();
    reader
        .run(
            |ev| {
                events.push(ev);
                true
            },
            || false,
        )
        .unwrap();
    events
}

#[test]
fn recorded_event_stream_reads_the_card() {
    let bytes = fixture();
    assert_eq!(bytes.len() % EVENT_SIZE, 0);
    let events = read_all(Cursor::new(bytes));
    match &events[..] {
        [ReaderEvent::CardRead(d)] => {
            assert_eq!(d.fin.as_deref(), Some("5ZX7K2P"));
            assert_eq!(d.surname, "MAMMADOV");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn recorded_stream_in_odd_chunks_reads_the_same() {
    struct Dribble(Vec<u8>, usize);
    impl std::io::Read for Dribble {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(7).min(self.0.len() - self.1);
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }
    let events = read_all(Dribble(fixture(), 0));
    assert!(
        matches!(&events[..], [ReaderEvent::CardRead(_)]),
        "{events:?}"
    );
}

#[test]
fn keys_map_with_shift_like_a_us_keyboard() {
    let typed: String = wedge::ascii_to_key(b'<')
        .into_iter()
        .map(|(k, shift)| char::from(key_to_ascii(k, shift).unwrap()))
        .collect();
    assert_eq!(typed, "<");
    for c in b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<\r_" {
        let (key, shift) = wedge::ascii_to_key(*c).unwrap();
        assert_eq!(key_to_ascii(key, shift), Some(*c), "{}", char::from(*c));
    }
    // Letters are upper case with or without Shift; Shift+1 is '!'; the ISO key is '<'.
    assert_eq!(key_to_ascii(30, false), Some(b'A'));
    assert_eq!(key_to_ascii(2, true), Some(b'!'));
    assert_eq!(key_to_ascii(wedge::KEY_102ND, false), Some(b'<'));
    assert_eq!(key_to_ascii(wedge::KEY_KPENTER, false), Some(b'\r'));
    assert_eq!(key_to_ascii(KEY_LEFTSHIFT, false), None);
    // An F key types '?', never nothing.
    assert_eq!(key_to_ascii(59, false), Some(b'?'));
}

#[test]
fn an_unmapped_key_in_the_mrz_is_refused_not_dropped() {
    let card = specimens::aze_id_card();
    let mut bytes = wedge::type_text(&format!("{}\r", card[0]));
    let line2 = &card[1];
    bytes.extend(wedge::type_text(&line2[..10]));
    bytes.extend(record(EV_KEY, 59, 1)); // F1 instead of a digit
    bytes.extend(record(EV_KEY, 59, 0));
    bytes.extend(wedge::type_text(&format!(
        "{}\r{}\r",
        &line2[11..],
        card[2]
    )));
    let events = read_all(Cursor::new(bytes));
    match &events[..] {
        [ReaderEvent::CardRejected(r)] => {
            assert_eq!(r.kind, RejectionKind::Mrz(MrzErrorKind::Unreadable));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_wedge_read_cut_short_is_refused() {
    let card = specimens::aze_id_card();
    let bytes = wedge::type_text(&format!("{}\r{}", card[0], &card[1][..12]));
    let events = read_all(Cursor::new(bytes));
    assert!(
        matches!(&events[..], [ReaderEvent::CardRejected(r)] if r.is_partial_read()),
        "{events:?}"
    );
}

/// Types the specimen into a virtual uinput keyboard and reads it back through an
/// exclusive grab. Where the machine has no `/dev/uinput` the same decoding runs over
/// the recorded stream through an OS pipe instead; with `DOST_TEST_UINPUT=1` (a machine
/// that must have uinput) a missing `/dev/uinput` fails the test.
#[cfg(feature = "evdev")]
#[test]
fn uinput_keyboard_is_grabbed_and_read() {
    use std::path::Path;

    let required = std::env::var("DOST_TEST_UINPUT").as_deref() == Ok("1");
    if !Path::new("/dev/uinput").exists() {
        assert!(!required, "DOST_TEST_UINPUT=1 but /dev/uinput is missing");
        eprintln!("/dev/uinput missing: decoding the recorded stream through a pipe instead");
        let (reader, mut writer) = std::io::pipe().unwrap();
        let bytes = fixture();
        let feeder = std::thread::spawn(move || std::io::Write::write_all(&mut writer, &bytes));
        let events = read_all(reader);
        feeder.join().unwrap().unwrap();
        assert!(
            matches!(&events[..], [ReaderEvent::CardRead(d)] if d.fin.as_deref() == Some("5ZX7K2P"))
        );
        return;
    }
    uinput::run();
}

#[cfg(feature = "evdev")]
mod uinput {
    use std::time::{Duration, Instant};

    use card_reader::wedge::GrabbedKeyboard;
    use evdev::uinput::VirtualDevice;
    use evdev::{AttributeSet, EventType, KeyCode};

    use super::*;

    pub fn run() {
        let mut keys = AttributeSet::<KeyCode>::new();
        for code in 1..=127u16 {
            keys.insert(KeyCode::new(code));
        }
        let mut device = VirtualDevice::builder()
            .unwrap()
            .name("dost test mrz wedge")
            .with_keys(&keys)
            .unwrap()
            .build()
            .unwrap();
        let node = device
            .enumerate_dev_nodes_blocking()
            .unwrap()
            .filter_map(Result::ok)
            .next()
            .expect("event node of the virtual keyboard");
        // udev may need a moment to make the node usable.
        let deadline = Instant::now() + Duration::from_secs(5);
        let kbd = loop {
            match GrabbedKeyboard::open(&node) {
                Ok(k) => break k,
                Err(e) if Instant::now() < deadline => {
                    eprintln!("waiting for {}: {e}", node.display());
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("{e}"),
            }
        };
        assert!(kbd.is_grabbed());
        let card = specimens::aze_id_card();
        let records = wedge::type_text(&format!("{}\r{}\r{}\r", card[0], card[1], card[2]));
        let events: Vec<evdev::InputEvent> = records
            .chunks_exact(EVENT_SIZE)
            .filter_map(InputEvent::parse)
            .filter(|e| e.kind == EV_KEY)
            .map(|e| evdev::InputEvent::new(EventType::KEY.0, e.code, e.value))
            .collect();
        let typist = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            for ev in events {
                device.emit(&[ev]).unwrap();
            }
            device
        });
        let mut reader = BlockingReader::new(
            EventStream::new(kbd),
            ReadPipeline::new(Framing::Plain, today),
        );
        let mut got = None;
        let stop_at = Instant::now() + Duration::from_secs(20);
        reader
            .run(
                |ev| {
                    got = Some(ev);
                    false
                },
                || Instant::now() > stop_at,
            )
            .unwrap();
        drop(typist.join().unwrap());
        assert!(
            matches!(&got, Some(ReaderEvent::CardRead(d)) if d.fin.as_deref() == Some("5ZX7K2P")),
            "{got:?}"
        );
    }
}
