//! Tests against a real reader (feature `hardware`), like serialport-rs's
//! tests/config.rs: the device comes from the environment.
//!
//! * `DOST_TEST_READER_PORT` — serial port of the reader (required), e.g. `/dev/dost-reader`.
//! * `DOST_TEST_READER_MODEL` — a reader model name (default `generic-plain`).
//! * `DOST_TEST_READER_WAIT_SECS` — how long to wait for the document (default 60).
//!
//! Run: `DOST_TEST_READER_PORT=/dev/ttyUSB0 DOST_TEST_READER_MODEL=thales-3m-rte \
//! cargo test -p card-reader --features hardware --test hardware -- --nocapture`,
//! then insert an ID card when asked.

use std::time::{Duration, Instant};

use card_reader::{BlockingReader, ReadPipeline, ReaderEvent, ReaderModel};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

#[test]
fn a_real_reader_reads_an_inserted_document() {
    let port = env("DOST_TEST_READER_PORT")
        .expect("set DOST_TEST_READER_PORT to the reader's serial port to run hardware tests");
    let model: ReaderModel = env("DOST_TEST_READER_MODEL")
        .map(|m| m.parse().expect("DOST_TEST_READER_MODEL"))
        .unwrap_or_default();
    let wait = env("DOST_TEST_READER_WAIT_SECS")
        .map(|s| s.parse().expect("DOST_TEST_READER_WAIT_SECS"))
        .unwrap_or(60);
    let settings = model.serial_settings(port);
    let port = settings
        .builder(Duration::from_millis(100))
        .expect("settings")
        .open()
        .expect("open the reader's port");
    let mut reader = BlockingReader::new(port, ReadPipeline::new(settings.framing, today));
    eprintln!("insert an ID card or passport into the {model} reader now");
    let deadline = Instant::now() + Duration::from_secs(wait);
    let mut got = None;
    reader
        .run(
            |ev| {
                got = Some(ev);
                false
            },
            || Instant::now() > deadline,
        )
        .expect("read loop");
    match got {
        Some(ReaderEvent::CardRead(d)) => eprintln!("read a {} {}", d.format, d.document_code),
        other => panic!("expected a document read, got {other:?}"),
    }
}
