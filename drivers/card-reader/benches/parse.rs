//! Parsing + validating one TD1 read, alone and through the decoder.

use std::hint::black_box;

use card_reader::ReadPipeline;
use card_reader::sim::specimens;
use card_reader::{Framing, encode_frame, parse_mrz};
use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let lines = specimens::aze_id_card();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    c.bench_function("parse_mrz TD1", |b| {
        b.iter(|| parse_mrz(black_box(&refs), today()))
    });
    let frame = encode_frame(Framing::ThreeM, &refs);
    let mut pipeline = ReadPipeline::new(Framing::ThreeM, today);
    c.bench_function("3m frame -> decode + parse TD1", |b| {
        b.iter(|| pipeline.push(black_box(&frame)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
