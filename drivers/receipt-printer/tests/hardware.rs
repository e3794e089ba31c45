//! Tests against a real printer (feature `hardware`); the device comes from the
//! environment, as serialport-rs's tests/config.rs does:
//!
//! * `DOST_TEST_PRINTER_USBLP` — a usblp device file (e.g. `/dev/usb/lp0`, `/dev/dost-printer`), or
//! * `DOST_TEST_PRINTER_PORT` with `DOST_TEST_PRINTER_BAUD` (default 38400) — a serial printer;
//! * `DOST_TEST_PRINTER_MODEL` — the model id (default `default`; `printer models` lists them).
//!
//! `cargo test -p receipt-printer --features hardware --test hardware -- --nocapture`
//! prints one test page and checks the status before and after.

use receipt_printer::{
    PrintOutcome, Printer, PrinterProfile, Transport, UsbLpTransport, encode_test_page,
};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn run<T: Transport>(t: T, profile: PrinterProfile) {
    let mut p = Printer::new(t, profile.clone());
    let before = p.status().expect("status before printing");
    eprintln!("status: {before:?}");
    assert!(before.can_print(), "printer not ready: {before:?}");
    let job = encode_test_page(&profile);
    assert_eq!(p.print(&job).expect("print"), PrintOutcome::Printed);
    eprintln!(
        "status after: {:?}",
        p.status().expect("status after printing")
    );
}

#[test]
fn a_real_printer_prints_the_test_page() {
    let profile = PrinterProfile {
        model: env("DOST_TEST_PRINTER_MODEL").unwrap_or_else(|| "default".into()),
        ..PrinterProfile::default()
    };
    if let Some(path) = env("DOST_TEST_PRINTER_USBLP") {
        run(
            UsbLpTransport::open(path).expect("open usblp device"),
            profile,
        );
        return;
    }
    #[cfg(feature = "serial")]
    if let Some(port) = env("DOST_TEST_PRINTER_PORT") {
        let baud = env("DOST_TEST_PRINTER_BAUD").map_or(38_400, |b| b.parse().expect("baud"));
        let t = receipt_printer::SerialTransport::open(&port, baud).expect("open serial port");
        run(t, profile);
        return;
    }
    panic!("set DOST_TEST_PRINTER_USBLP or DOST_TEST_PRINTER_PORT to run hardware tests");
}
