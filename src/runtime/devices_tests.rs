//! The card reader as the configuration starts it: a DESKO reader with its own delimiter
//! bytes, over a pseudo-terminal.

use std::path::Path;
use std::time::Duration;

use card_reader::framing::{ChannelDelimiters, DecoderConfig, Delimiters};
use card_reader::sim::{PtyEmulator, specimens};
use card_reader::{Framing, ReaderStatus};

use super::*;

async fn next(rx: &mut mpsc::Receiver<ReaderEvent>, within: Duration) -> Option<ReaderEvent> {
    tokio::time::timeout(within, rx.recv()).await.ok().flatten()
}

/// The next read (accepted or refused) within `within`, status changes skipped.
async fn next_read(rx: &mut mpsc::Receiver<ReaderEvent>, within: Duration) -> Option<ReaderEvent> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match next(rx, left).await {
            Some(ReaderEvent::Status(_)) => {}
            other => return other,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desko_reader_reads_its_configured_delimiters_and_ignores_the_default_ones() {
    let mut emu = PtyEmulator::new().expect("pty");
    let table = format!(
        "model = \"desko-penta\"\nkind = \"serial\"\nport = \"{}\"\n\n\
         [card_reader.desko]\nocr = [0x10, 0x11]\nbarcode = [0x1A, 0x1B]",
        emu.path_string()
    );
    let text = crate::config::tests_reader::with_reader(&table);
    let cfg = KioskConfig::parse(&text, Path::new("config/kiosk.toml")).expect("valid");
    let custom = ChannelDelimiters {
        ocr: Delimiters {
            open: 0x10,
            close: 0x11,
        },
        barcode: Delimiters {
            open: 0x1A,
            close: 0x1B,
        },
        ..ChannelDelimiters::ACCESS_IS
    };
    assert_eq!(cfg.card_reader.effective().desko, custom);

    let cancel = CancellationToken::new();
    let mut reader = start_reader(&cfg, &cancel, &TaskTracker::new());
    assert_eq!(
        next(&mut reader.events, Duration::from_secs(5)).await,
        Some(ReaderEvent::Status(ReaderStatus::Online))
    );
    // Another card framed with the Access-IS bytes, then the specimen with the configured
    // ones: only the specimen is read.
    let other = specimens::aze_td2_card();
    let other: Vec<&str> = other.iter().map(String::as_str).collect();
    let default_frame = card_reader::encode_frame(Framing::Desko, &other);
    assert_eq!(default_frame.first(), Some(&0x1C));
    let card = specimens::aze_id_card();
    let card: Vec<&str> = card.iter().map(String::as_str).collect();
    let config = DecoderConfig {
        desko: custom,
        ..DecoderConfig::new(Framing::Desko)
    };
    let custom_frame = card_reader::framing::encode_frame_with(&config, &card);
    assert_eq!(custom_frame.first(), Some(&0x10));
    emu.send_raw(&default_frame).expect("send");
    emu.send_raw(&custom_frame).expect("send");
    match next_read(&mut reader.events, Duration::from_secs(5)).await {
        Some(ReaderEvent::CardRead(d)) => assert_eq!(d.fin.as_deref(), Some("5ZX7K2P")),
        other => panic!("expected the specimen, got {other:?}"),
    }
    // The frame with the default bytes made no read at all, not even a refused one.
    assert_eq!(
        next_read(&mut reader.events, Duration::from_millis(800)).await,
        None
    );
    cancel.cancel();
}

/// A usblp printer: the emulator's pseudo-terminal stands in for the device file
/// (`/dev/usb/lp0`); the kiosk's printer worker reads the status back through it and the
/// queued receipt's bytes arrive.
#[test]
fn a_usblp_printer_prints_and_reads_its_status_through_the_device_file()
-> Result<(), Box<dyn std::error::Error>> {
    use crate::printing::{PrinterCmd, PrinterReport};
    use crate::store::{Store, StoreHandle};
    use dost_api::DeviceState;
    use kiosk_core::health::SensorPaper;
    use receipt_printer::PaperLevel;
    use receipt_printer::emulator::PtyPrinterEmulator;

    let emu = PtyPrinterEmulator::start()?;
    emu.set_paper(PaperLevel::Low);
    let dir = tempfile::tempdir()?;
    let text = crate::config::tests_reader::with_reader("kind = \"simulated\"").replacen(
        crate::config::tests_reader::PRINTER_DEVICE,
        &format!("[printer]\nkind = \"usblp\"\nport = \"{}\"", emu.path_str()),
        1,
    );
    let mut cfg = KioskConfig::parse(&text, Path::new("config/kiosk.toml"))?;
    assert_eq!(cfg.printer.kind, crate::config::PrinterKind::Usblp);
    cfg.kiosk.data_dir = dir.path().to_path_buf();
    cfg.printer.status_poll_s = 1;
    let (store, _store_thread) = StoreHandle::spawn(Store::open_dir(dir.path())?)?;
    store.call_blocking(|s| {
        s.queue_job(&kiosk_core::print::PrintDoc::TestPage, chrono::Utc::now())
    })?;
    let mut worker = start_printer(&cfg, &store)?;
    worker.commands.send(PrinterCmd::Kick)?;
    let (mut status, mut printed) = (None, false);
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while (status.is_none() || !printed) && std::time::Instant::now() < deadline {
        match worker.reports.try_recv() {
            Ok(PrinterReport::Status(f)) => status = Some(f),
            Ok(PrinterReport::Job { printed: p, .. }) => printed = p,
            Ok(_) => {}
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    worker.commands.send(PrinterCmd::Stop)?;
    let status = status.ok_or("no status read back")?;
    assert_eq!(
        (status.state, status.paper),
        (DeviceState::Online, SensorPaper::Low)
    );
    assert!(printed, "the receipt was not printed");
    assert!(emu.status_requests() > 0);
    let page = receipt_printer::preview::decode(&emu.printed_stream())?;
    let lines = page.text_lines().join("\n");
    assert!(lines.contains('Ə') && lines.contains('ə'), "{lines}");
    worker
        .thread
        .join()
        .map_err(|_| "printer worker panicked")?;
    Ok(())
}
