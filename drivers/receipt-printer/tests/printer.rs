//! Printer session against the in-process emulator: status, holds, mid-job paper end,
//! late and garbled replies.

mod common;

use common::*;
use receipt_printer::emulator::SimulatedPrinter;
use receipt_printer::{
    DeviceState, EncodedJob, HoldReason, PaperLevel, PrintOutcome, Printer, PrinterError,
    PrinterProfile, ReceiptLang, encode_receipt, preview, receipt_text,
};
use std::time::Duration;

fn setup() -> (SimulatedPrinter, Printer<SimulatedPrinter>, EncodedJob) {
    let sim = SimulatedPrinter::instant();
    let printer = Printer::new(sim.clone(), PrinterProfile::default())
        .with_reply_timeout(Duration::from_millis(40));
    let job = encode_receipt(&receipt(ReceiptLang::Az), &PrinterProfile::default());
    (sim, printer, job)
}

#[test]
fn healthy_printer_prints_the_whole_job_with_status_checks_between_chunks() {
    let (sim, mut printer, job) = setup();
    let st = printer.status().unwrap();
    assert_eq!(st.device, DeviceState::Online);
    assert!(st.can_print());
    sim.clear_received();
    assert_eq!(printer.print(&job).unwrap(), PrintOutcome::Printed);
    let got = sim.received();
    // Job bytes plus 4 status requests, each asked twice (two replies must agree),
    // before and after each chunk.
    let chunks = job.bytes.len().div_ceil(receipt_printer::CHUNK);
    assert_eq!(sim.status_requests(), 8 * (chunks + 1));
    assert_eq!(got.len(), job.bytes.len() + 3 * 8 * (chunks + 1));
    let d = preview::decode(&sim.printed_stream()).unwrap();
    assert_eq!(sim.printed_stream(), job.bytes);
    assert_eq!(
        d.text_lines(),
        receipt_text(&receipt(ReceiptLang::Az), &PrinterProfile::default())
    );
    assert!((sim.printed_mm() - job.paper_mm).abs() < 0.01);
}

#[test]
fn held_before_start_sends_nothing_of_the_job() {
    type Set = fn(&SimulatedPrinter);
    let cases: [(Set, HoldReason); 5] = [
        (|s| s.set_paper(PaperLevel::Out), HoldReason::PaperOut),
        (|s| s.set_cover_open(true), HoldReason::CoverOpen),
        (|s| s.set_offline(true), HoldReason::Offline),
        (|s| s.set_cutter_error(true), HoldReason::CutterError),
        (|s| s.set_unplugged(true), HoldReason::Disconnected),
    ];
    for (set, reason) in cases {
        let (sim, mut printer, job) = setup();
        set(&sim);
        assert_eq!(printer.print(&job).unwrap(), PrintOutcome::Held(reason));
        assert!(sim.received().len() <= 3 * 8, "{reason:?}: job bytes sent");
    }
}

#[test]
fn status_reports_each_condition() {
    let (sim, mut printer, _) = setup();
    sim.set_paper(PaperLevel::Low);
    let st = printer.status().unwrap();
    assert_eq!(st.paper, PaperLevel::Low);
    assert!(st.can_print());
    sim.set_paper(PaperLevel::Out);
    let st = printer.status().unwrap();
    assert_eq!(
        (st.paper, st.device),
        (PaperLevel::Out, DeviceState::Offline)
    );
    sim.set_paper(PaperLevel::Ok);
    sim.set_cover_open(true);
    assert!(printer.status().unwrap().cover_open);
    sim.set_cover_open(false);
    sim.set_cutter_error(true);
    assert!(printer.status().unwrap().cutter_error);
    sim.set_cutter_error(false);
    sim.set_unplugged(true);
    assert_eq!(printer.status().unwrap().device, DeviceState::NoDevice);
    sim.set_unplugged(false);
    assert!(printer.status().unwrap().can_print());
}

#[test]
fn paper_running_out_mid_job_is_held_paper_out() {
    let (sim, mut printer, job) = setup();
    sim.set_paper_out_after_mm(Some(40.0));
    assert_eq!(
        printer.print(&job).unwrap(),
        PrintOutcome::Held(HoldReason::PaperOut)
    );
    assert_eq!(sim.paper(), PaperLevel::Out);
    let sent = sim.received().len();
    assert!(
        sent < job.bytes.len(),
        "stopped sending after paper end ({sent} of {})",
        job.bytes.len()
    );
    assert!(sim.printed_mm() <= 40.0 + 0.01);
}

#[test]
fn stale_late_reply_is_drained_before_asking() {
    let (sim, mut printer, _) = setup();
    // A reply to an earlier request (printer offline then) arrives before we ask.
    sim.inject_input(0x1A, Duration::ZERO);
    let st = printer.status().unwrap();
    assert_eq!(st.device, DeviceState::Online);
}

#[test]
fn late_reply_is_retried_and_not_mistaken_for_the_next_one() {
    let (sim, mut printer, _) = setup();
    sim.set_paper(PaperLevel::Low);
    // The first reply (to n=1) comes after our timeout.
    sim.delay_next_replies(1, Duration::from_millis(60));
    let st = printer.status().unwrap();
    assert_eq!(st.device, DeviceState::Online);
    assert_eq!(st.paper, PaperLevel::Low);
    // The late byte (0x12) arrived meanwhile and must not be read as a later reply.
    std::thread::sleep(Duration::from_millis(80));
    sim.set_paper(PaperLevel::Out);
    let st = printer.status().unwrap();
    assert_eq!(st.paper, PaperLevel::Out);
    assert_eq!(st.device, DeviceState::Offline);
}

#[test]
fn one_missing_or_garbled_reply_is_retried() {
    let (sim, mut printer, _) = setup();
    sim.drop_next_replies(1);
    assert!(printer.status().unwrap().can_print());
    sim.garble_next_replies(1);
    assert!(printer.status().unwrap().can_print());
    // n=1 asked three times (one lost, two agreeing), n=2..4 twice, in each poll.
    assert_eq!(sim.status_requests(), 2 * 9);
}

#[test]
fn persistent_silence_or_garbage_is_reported() {
    let (sim, mut printer, job) = setup();
    sim.drop_next_replies(4);
    assert!(matches!(
        printer.status(),
        Err(PrinterError::NoReply { n: 1 })
    ));
    sim.garble_next_replies(4);
    match printer.status() {
        Err(PrinterError::Garbled { n: 1, source }) => assert_eq!(source.0, 0xFF),
        other => panic!("{other:?}"),
    }
    // Replies that never agree twice in a row are no status.
    sim.drop_next_replies(0);
    // A silent printer holds the job as offline.
    sim.drop_next_replies(4);
    assert_eq!(
        printer.print(&job).unwrap(),
        PrintOutcome::Held(HoldReason::Offline)
    );
}

#[test]
fn unplugged_mid_job_is_held_disconnected_and_recovers() {
    let (sim, mut printer, job) = setup();
    sim.set_paper_out_after_mm(None);
    // Unplug after the first status round: emulate by unplugging right away after a status.
    assert!(printer.status().unwrap().can_print());
    sim.set_unplugged(true);
    assert_eq!(
        printer.print(&job).unwrap(),
        PrintOutcome::Held(HoldReason::Disconnected)
    );
    sim.set_unplugged(false);
    assert_eq!(printer.print(&job).unwrap(), PrintOutcome::Printed);
}

#[test]
fn auto_status_back_is_enabled_when_configured() {
    let sim = SimulatedPrinter::instant();
    let profile = PrinterProfile {
        auto_status_back: true,
        ..PrinterProfile::default()
    };
    let mut printer =
        Printer::new(sim.clone(), profile.clone()).with_reply_timeout(Duration::from_millis(40));
    printer
        .print(&encode_receipt(&receipt(ReceiptLang::En), &profile))
        .unwrap();
    assert!(sim.received().windows(3).any(|w| w == [0x1D, b'a', 0x0F]));
    let sim2 = SimulatedPrinter::instant();
    let mut p2 = Printer::new(sim2.clone(), PrinterProfile::default())
        .with_reply_timeout(Duration::from_millis(40));
    p2.print(&encode_receipt(
        &receipt(ReceiptLang::En),
        &PrinterProfile::default(),
    ))
    .unwrap();
    assert!(!sim2.received().windows(2).any(|w| w == [0x1D, b'a']));
}

#[test]
fn profile_deserializes_with_defaults() {
    let p: PrinterProfile =
        serde_json::from_str(r#"{"paper":"58mm","az_glyphs":"raster"}"#).unwrap();
    assert_eq!(p.paper, receipt_printer::PaperWidth::Mm58);
    assert_eq!(p.az_glyphs, receipt_printer::AzGlyphs::Raster);
    assert!(!p.auto_status_back);
    assert_eq!(p.model, "default");
    assert!(serde_json::from_str::<PrinterProfile>(r#"{"paper":"57mm"}"#).is_err());
}

#[test]
fn stray_bytes_before_the_reply_are_skipped_without_a_retry() {
    let (sim, printer, _) = setup();
    let mut printer = printer.with_reply_timeout(Duration::from_millis(300));
    // An auto-status-back style byte (0xx1xx00) shows up just before the real reply.
    sim.inject_input(0x10, Duration::from_millis(3));
    sim.delay_next_replies(1, Duration::from_millis(15));
    let st = printer.status().unwrap();
    assert!(st.can_print());
    assert_eq!(sim.status_requests(), 8);
}

#[test]
fn standard_jobs_never_contain_a_real_time_status_sequence() {
    for lang in LANGS {
        for paper in WIDTHS {
            let job = encode_receipt(
                &receipt(lang),
                &profile(paper, receipt_printer::AzGlyphs::UserDefined),
            );
            assert!(
                !job.bytes
                    .windows(3)
                    .any(|w| w[0] == 0x10 && w[1] == 0x04 && (1..=4).contains(&w[2]))
            );
        }
    }
}

#[test]
fn escpos_file_driver_transport_writes_the_job() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lp0");
    std::fs::write(&path, b"").unwrap();
    let mut t = receipt_printer::EscposTransport::file(&path).unwrap();
    let job = encode_receipt(&receipt(ReceiptLang::Az), &PrinterProfile::default());
    receipt_printer::Transport::write_all(&mut t, &job.bytes).unwrap();
    drop(t);
    assert_eq!(std::fs::read(&path).unwrap(), job.bytes);
    // A plain file never answers status: the printer is reported silent.
    let t = receipt_printer::EscposTransport::file(&path).unwrap();
    let mut p =
        Printer::new(t, PrinterProfile::default()).with_reply_timeout(Duration::from_millis(10));
    assert!(matches!(p.status(), Err(PrinterError::NoReply { n: 1 })));
}
