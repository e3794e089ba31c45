//! The reader task against a pty-emulated serial reader, and the simulator.
//! Timeouts here only stop a broken test from hanging; nothing asserts timing.

use std::time::Duration;

use card_reader::reader::{RejectionKind, SerialSettings};
use card_reader::sim::specimens;
use card_reader::{
    Framing, MrzErrorKind, ReaderEvent, ReaderStatus, SimulatedReader, encode_frame,
    spawn_serial_reader,
};
use chrono::NaiveDate;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const WAIT: Duration = Duration::from_secs(20);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn refs(lines: &[String]) -> Vec<&str> {
    lines.iter().map(String::as_str).collect()
}

async fn next(rx: &mut mpsc::Receiver<ReaderEvent>) -> ReaderEvent {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("no reader event in time")
        .expect("event channel closed")
}

/// Skips events until a status arrives; returns it.
async fn next_status(rx: &mut mpsc::Receiver<ReaderEvent>) -> ReaderStatus {
    loop {
        if let ReaderEvent::Status(s) = next(rx).await {
            return s;
        }
    }
}

#[cfg(unix)]
mod pty {
    use super::*;
    use card_reader::sim::PtyEmulator;

    fn settings(emu: &PtyEmulator, framing: Framing) -> SerialSettings {
        let mut s = SerialSettings::new(emu.path_string());
        s.framing = framing;
        s
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_arrive_as_events_in_every_framing() {
        for framing in Framing::ALL {
            let mut emu = PtyEmulator::new().unwrap();
            let (tx, mut rx) = mpsc::channel(16);
            let cancel = CancellationToken::new();
            let task = spawn_serial_reader(settings(&emu, framing), tx, cancel.clone(), today);
            assert_eq!(
                next(&mut rx).await,
                ReaderEvent::Status(ReaderStatus::Online)
            );

            let card = specimens::aze_id_card();
            emu.send_raw(b"\x00noise\r\n").unwrap();
            emu.send_read(&refs(&card), framing).unwrap();
            match next(&mut rx).await {
                ReaderEvent::CardRead(d) => {
                    assert_eq!(d.fin.as_deref(), Some("5ZX7K2P"), "{framing}");
                    assert_eq!(d.surname, "MAMMADOV");
                }
                other => panic!("{framing}: expected a card, got {other:?}"),
            }

            // An unreadable character: rejected, never a half-parsed document.
            let mut bad = specimens::aze_td2_card();
            bad[1] = bad[1].replacen('1', "_", 1);
            emu.send_read(&refs(&bad), framing).unwrap();
            match next(&mut rx).await {
                ReaderEvent::CardRejected(r) => {
                    assert_eq!(r.kind, RejectionKind::Mrz(MrzErrorKind::Unreadable));
                    assert_eq!(r.field, "document_number");
                }
                other => panic!("{framing}: expected a rejection, got {other:?}"),
            }

            // A failed check digit.
            let mut bad = specimens::foreign_passport();
            bad[1] = bad[1].replacen("<<<06", "<<<07", 1);
            emu.send_read(&refs(&bad), framing).unwrap();
            match next(&mut rx).await {
                ReaderEvent::CardRejected(r) => {
                    assert_eq!(r.kind, RejectionKind::Mrz(MrzErrorKind::CheckDigit));
                    assert_eq!(r.field, "composite");
                }
                other => panic!("{framing}: expected a rejection, got {other:?}"),
            }

            cancel.cancel();
            tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
            assert_eq!(
                next(&mut rx).await,
                ReaderEvent::Status(ReaderStatus::Offline)
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn bad_bcc_is_a_frame_rejection() {
        let mut emu = PtyEmulator::new().unwrap();
        let (tx, mut rx) = mpsc::channel(16);
        let cancel = CancellationToken::new();
        let task = spawn_serial_reader(settings(&emu, Framing::ThreeM), tx, cancel.clone(), today);
        assert_eq!(next_status(&mut rx).await, ReaderStatus::Online);
        let mut frame = encode_frame(Framing::ThreeM, &refs(&specimens::icao_td1()));
        let last = frame.len() - 1;
        frame[last] ^= 0xFF;
        emu.send_raw(&frame).unwrap();
        match next(&mut rx).await {
            ReaderEvent::CardRejected(r) => {
                assert_eq!(r.field, "frame");
                assert!(matches!(
                    r.kind,
                    RejectionKind::Frame(card_reader::FrameError::Checksum { .. })
                ));
            }
            other => panic!("expected a rejection, got {other:?}"),
        }
        cancel.cancel();
        tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn unplug_and_replug() {
        let mut emu = PtyEmulator::new().unwrap();
        let (tx, mut rx) = mpsc::channel(16);
        let cancel = CancellationToken::new();
        let task = spawn_serial_reader(settings(&emu, Framing::Plain), tx, cancel.clone(), today);
        assert_eq!(next_status(&mut rx).await, ReaderStatus::Online);
        emu.send_read(&refs(&specimens::icao_td3()), Framing::Plain)
            .unwrap();
        assert!(matches!(next(&mut rx).await, ReaderEvent::CardRead(_)));

        for _ in 0..2 {
            emu.unplug().unwrap();
            assert!(emu.send_raw(b"x").is_err());
            assert_eq!(next_status(&mut rx).await, ReaderStatus::NoDevice);
            emu.replug().unwrap();
            assert_eq!(next_status(&mut rx).await, ReaderStatus::Online);
            emu.send_read(&refs(&specimens::aze_td2_card()), Framing::Plain)
                .unwrap();
            match next(&mut rx).await {
                ReaderEvent::CardRead(d) => assert_eq!(d.fin.as_deref(), Some("2AB4C6D")),
                other => panic!("expected a card after replug, got {other:?}"),
            }
        }
        cancel.cancel();
        tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
        assert_eq!(next_status(&mut rx).await, ReaderStatus::Offline);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn missing_device_at_start_then_plugged() {
        let mut emu = PtyEmulator::new().unwrap();
        emu.unplug().unwrap();
        let (tx, mut rx) = mpsc::channel(16);
        let cancel = CancellationToken::new();
        let task = spawn_serial_reader(settings(&emu, Framing::StxEtx), tx, cancel.clone(), today);
        assert_eq!(next_status(&mut rx).await, ReaderStatus::NoDevice);
        emu.replug().unwrap();
        assert_eq!(next_status(&mut rx).await, ReaderStatus::Online);
        emu.send_read(&refs(&specimens::icao_td2()), Framing::StxEtx)
            .unwrap();
        assert!(matches!(next(&mut rx).await, ReaderEvent::CardRead(_)));
        cancel.cancel();
        tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_settings_report_hardware_error() {
    let mut s = SerialSettings::new("/dev/null");
    s.data_bits = 9;
    let (tx, mut rx) = mpsc::channel(4);
    let cancel = CancellationToken::new();
    let task = spawn_serial_reader(s, tx, cancel.clone(), today);
    assert_eq!(next_status(&mut rx).await, ReaderStatus::HardwareError);
    cancel.cancel();
    tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
    assert_eq!(next_status(&mut rx).await, ReaderStatus::Offline);
}

#[tokio::test]
async fn reader_stops_when_receiver_dropped() {
    let (tx, rx) = mpsc::channel(4);
    drop(rx);
    let task = spawn_serial_reader(
        SerialSettings::new("/nonexistent/card-reader"),
        tx,
        CancellationToken::new(),
        today,
    );
    tokio::time::timeout(WAIT, task).await.unwrap().unwrap();
}

#[tokio::test]
async fn simulated_reader_uses_the_decoder_and_parser() {
    for framing in Framing::ALL {
        let (tx, mut rx) = mpsc::channel(16);
        let cancel = CancellationToken::new();
        let sim = SimulatedReader::spawn_with_today(tx, framing, cancel.clone(), today);
        assert_eq!(
            next(&mut rx).await,
            ReaderEvent::Status(ReaderStatus::Online)
        );

        for (name, lines) in specimens::all() {
            assert!(sim.insert(&lines));
            match next(&mut rx).await {
                ReaderEvent::CardRead(d) => {
                    assert_eq!(d.format.line_count(), lines.len(), "{name}")
                }
                other => panic!("{framing} {name}: {other:?}"),
            }
        }
        let expired = match next_after(&sim, &mut rx, &specimens::aze_expired_card()).await {
            ReaderEvent::CardRead(d) => d,
            other => panic!("{other:?}"),
        };
        assert!(expired.is_expired(today()));

        let mut bad = specimens::aze_id_card();
        bad[0] = bad[0].replacen("5ZX7K2P", "5ZX7K2O", 1);
        match next_after(&sim, &mut rx, &bad).await {
            ReaderEvent::CardRejected(r) => assert_eq!(r.field, "composite"),
            other => panic!("{other:?}"),
        }
        // Noise alone produces nothing; the next read still works.
        assert!(sim.insert_raw(b"\x00zz\r\n".to_vec()));
        assert!(matches!(
            next_after(&sim, &mut rx, &specimens::icao_td1()).await,
            ReaderEvent::CardRead(_)
        ));

        cancel.cancel();
        assert_eq!(
            next(&mut rx).await,
            ReaderEvent::Status(ReaderStatus::Offline)
        );
    }
}

async fn next_after(
    sim: &card_reader::SimulatedReaderHandle,
    rx: &mut mpsc::Receiver<ReaderEvent>,
    lines: &[String],
) -> ReaderEvent {
    assert!(sim.insert(lines));
    next(rx).await
}
