//! The blocking reader loop over plain `Read` sources: a file, an in-memory stream,
//! and a pseudo-terminal whose reads time out. Timeouts only stop a broken test from
//! hanging; nothing asserts timing.

use std::io::{Cursor, Write};
use std::sync::{Arc, Mutex};

use card_reader::framing::three_m::{self, BlockEncoding};
use card_reader::sim::specimens;
use card_reader::{BlockingReader, Framing, LoopEnd, ReadPipeline, ReaderEvent, encode_frame};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn refs(lines: &[String]) -> Vec<&str> {
    lines.iter().map(String::as_str).collect()
}

fn collect<R: std::io::Read>(reader: &mut BlockingReader<R>) -> (Vec<ReaderEvent>, LoopEnd) {
    let mut events = Vec::new();
    let end = reader
        .run(
            |ev| {
                events.push(ev);
                true
            },
            || false,
        )
        .unwrap();
    (events, end)
}

#[test]
fn a_file_of_reads_goes_through_the_same_pipeline() {
    let dir = tempfile_dir();
    let path = dir.join("reads.bin");
    let mut bytes = Vec::new();
    for framing_bytes in [
        encode_frame(Framing::ThreeM, &refs(&specimens::aze_id_card())),
        encode_frame(Framing::ThreeM, &refs(&specimens::icao_td3())),
    ] {
        bytes.extend(framing_bytes);
    }
    // A third read cut in the middle by the end of the file.
    let third = encode_frame(Framing::ThreeM, &refs(&specimens::aze_td2_card()));
    bytes.extend(&third[..third.len() / 2]);
    std::fs::write(&path, &bytes).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let mut reader = BlockingReader::new(file, ReadPipeline::new(Framing::ThreeM, today));
    let (events, end) = collect(&mut reader);
    assert_eq!(end, LoopEnd::EndOfInput);
    assert!(matches!(&events[0], ReaderEvent::CardRead(d) if d.fin.as_deref() == Some("5ZX7K2P")));
    assert!(matches!(&events[1], ReaderEvent::CardRead(d) if d.document_code == "P"));
    assert!(matches!(&events[2], ReaderEvent::CardRejected(r) if r.is_partial_read()));
    assert_eq!(events.len(), 3);
    std::fs::remove_dir_all(dir).unwrap();
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("card-reader-blocking-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_enable_command_goes_out_after_every_read() {
    let enable = three_m::encode_block(*b"IE", b"1", BlockEncoding::default());
    let mut bytes = encode_frame(Framing::ThreeM, &refs(&specimens::aze_id_card()));
    let mut bad = encode_frame(Framing::ThreeM, &refs(&specimens::icao_td1()));
    let last = bad.len() - 1;
    bad[last] ^= 0x5A;
    bytes.extend(bad);
    bytes.extend(b"noise that is no read");
    let sent = Shared::default();
    let mut reader = BlockingReader::new(
        Cursor::new(bytes),
        ReadPipeline::new(Framing::ThreeM, today),
    )
    .after_each_read(enable.clone(), sent.clone());
    let (events, _) = collect(&mut reader);
    assert_eq!(events.len(), 2);
    // One command per read, accepted or refused; none for the noise.
    assert_eq!(*sent.0.lock().unwrap(), [enable.clone(), enable].concat());
}

#[test]
fn a_consumer_that_refuses_stops_the_loop() {
    let mut bytes = Vec::new();
    for _ in 0..3 {
        bytes.extend(encode_frame(Framing::Plain, &refs(&specimens::icao_td1())));
    }
    let mut reader =
        BlockingReader::new(Cursor::new(bytes), ReadPipeline::new(Framing::Plain, today));
    let mut n = 0;
    let end = reader
        .run(
            |_| {
                n += 1;
                false
            },
            || false,
        )
        .unwrap();
    assert_eq!((end, n), (LoopEnd::Stopped, 1));
}

#[cfg(all(unix, feature = "serial"))]
#[test]
fn a_read_cut_on_a_serial_line_is_rejected_without_more_bytes() {
    use std::time::{Duration, Instant};

    use serialport::{SerialPort, TTYPort};

    let (mut master, mut slave) = TTYPort::pair().unwrap();
    slave.set_timeout(Duration::from_millis(100)).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = done.clone();
    let thread = std::thread::spawn(move || {
        let mut reader = BlockingReader::new(slave, ReadPipeline::new(Framing::StxEtx, today));
        reader
            .run(
                |ev| tx.send(ev).is_ok(),
                || stop.load(std::sync::atomic::Ordering::SeqCst),
            )
            .unwrap()
    });
    let card = encode_frame(Framing::StxEtx, &refs(&specimens::aze_id_card()));
    master.write_all(&card[..30]).unwrap();
    master.flush().unwrap();
    // No more bytes: the loop's read timeouts drive the clock.
    let ev = rx.recv_timeout(Duration::from_secs(20)).expect("rejection");
    assert!(
        matches!(&ev, ReaderEvent::CardRejected(r) if r.is_partial_read()),
        "{ev:?}"
    );
    master.write_all(&card).unwrap();
    let ev = rx.recv_timeout(Duration::from_secs(20)).expect("card");
    assert!(matches!(ev, ReaderEvent::CardRead(_)));
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let started = Instant::now();
    assert_eq!(thread.join().unwrap(), LoopEnd::Stopped);
    assert!(started.elapsed() < Duration::from_secs(20));
}
