//! Raw bytes through every framing's decoder and the MRZ parser.
#![no_main]

use card_reader::Framing;
use card_reader::ReadPipeline;
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    // First byte picks the framing and the chunk size, the rest is the wire.
    let Some((&sel, wire)) = data.split_first() else { return };
    let framing = match sel & 3 {
        0 => Framing::Plain,
        1 => Framing::StxEtx,
        2 => Framing::ThreeM,
        _ => Framing::Desko,
    };
    let chunk = usize::from(sel >> 2).max(1);
    let mut pipeline = ReadPipeline::new(framing, today);
    for c in wire.chunks(chunk) {
        let _ = pipeline.push(c);
    }
});
