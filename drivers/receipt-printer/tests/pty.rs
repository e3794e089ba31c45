//! The serial transport against the pseudo-terminal emulator: status, paper end in the
//! middle of a job, printer unplugged and plugged back.

mod common;

use common::*;
use receipt_printer::emulator::PtyPrinterEmulator;
use receipt_printer::{
    DeviceState, HoldReason, PaperLevel, PrintOutcome, Printer, PrinterProfile, ReceiptLang,
    SerialTransport, encode_receipt, preview, receipt_text,
};
use std::time::Duration;

fn printer(emu: &PtyPrinterEmulator) -> Printer<SerialTransport> {
    let t = SerialTransport::open(&emu.path_str(), 38_400).unwrap();
    Printer::new(t, PrinterProfile::default()).with_reply_timeout(Duration::from_millis(500))
}

#[test]
fn prints_over_a_pty_and_reads_status() {
    let emu = PtyPrinterEmulator::start().unwrap();
    let mut p = printer(&emu);
    let st = p.status().unwrap();
    assert_eq!(st.device, DeviceState::Online);
    emu.set_paper(PaperLevel::Low);
    assert_eq!(p.status().unwrap().paper, PaperLevel::Low);
    emu.set_paper(PaperLevel::Ok);
    emu.set_cover_open(true);
    assert_eq!(
        p.print(&encode_receipt(
            &receipt(ReceiptLang::Az),
            &PrinterProfile::default()
        ))
        .unwrap(),
        PrintOutcome::Held(HoldReason::CoverOpen)
    );
    emu.set_cover_open(false);
    emu.clear_received();
    let r = receipt(ReceiptLang::Az);
    let job = encode_receipt(&r, &PrinterProfile::default());
    assert_eq!(p.print(&job).unwrap(), PrintOutcome::Printed);
    assert_eq!(emu.printed_stream(), job.bytes);
    let d = preview::decode(&emu.printed_stream()).unwrap();
    assert_eq!(d.text_lines(), receipt_text(&r, &PrinterProfile::default()));
}

#[test]
fn paper_runs_out_in_the_middle_of_a_job() {
    let emu = PtyPrinterEmulator::start().unwrap();
    let mut p = printer(&emu);
    let job = encode_receipt(&receipt(ReceiptLang::Ru), &PrinterProfile::default());
    emu.set_paper_out_after_mm(Some(job.paper_mm / 2.0));
    assert_eq!(
        p.print(&job).unwrap(),
        PrintOutcome::Held(HoldReason::PaperOut)
    );
    assert!(emu.printed_stream().len() < job.bytes.len());
    let st = p.status().unwrap();
    assert_eq!(
        (st.paper, st.device),
        (PaperLevel::Out, DeviceState::Offline)
    );
    // Roll replaced.
    emu.set_paper_out_after_mm(None);
    emu.set_paper(PaperLevel::Ok);
    assert_eq!(p.print(&job).unwrap(), PrintOutcome::Printed);
}

#[test]
fn printer_unplugged_and_plugged_back() {
    let emu = PtyPrinterEmulator::start().unwrap();
    let mut p = printer(&emu);
    let job = encode_receipt(&receipt(ReceiptLang::En), &PrinterProfile::default());
    assert!(p.status().unwrap().can_print());
    assert!(emu.unplug());
    assert!(!emu.path().exists());
    assert_eq!(p.status().unwrap().device, DeviceState::NoDevice);
    assert_eq!(
        p.print(&job).unwrap(),
        PrintOutcome::Held(HoldReason::Disconnected)
    );
    assert!(emu.replug());
    assert!(emu.path().exists());
    assert_eq!(p.status().unwrap().device, DeviceState::Online);
    emu.clear_received();
    assert_eq!(p.print(&job).unwrap(), PrintOutcome::Printed);
    assert_eq!(emu.printed_stream(), job.bytes);
}

/// The usblp transport is a non-blocking device file: here the emulator's pty stands in
/// for `/dev/usb/lp0`, and status is read back through the file.
#[test]
fn usblp_device_file_prints_and_reads_status_back() {
    let emu = PtyPrinterEmulator::start().unwrap();
    let t = receipt_printer::UsbLpTransport::open(emu.path()).unwrap();
    let mut p =
        Printer::new(t, PrinterProfile::default()).with_reply_timeout(Duration::from_millis(500));
    assert!(p.status().unwrap().can_print());
    emu.set_paper(PaperLevel::Low);
    assert_eq!(p.status().unwrap().paper, PaperLevel::Low);
    emu.set_paper(PaperLevel::Ok);
    emu.clear_received();
    let job = encode_receipt(&receipt(ReceiptLang::Az), &PrinterProfile::default());
    assert_eq!(p.print(&job).unwrap(), PrintOutcome::Printed);
    assert_eq!(emu.printed_stream(), job.bytes);
    // Unplugged: the file goes away, the printer is reported missing, then found again.
    assert!(emu.unplug());
    assert_eq!(p.status().unwrap().device, DeviceState::NoDevice);
    assert!(emu.replug());
    assert_eq!(p.status().unwrap().device, DeviceState::Online);
}
