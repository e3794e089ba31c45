//! No byte input may panic the decoder or the parser.

use card_reader::ReadPipeline;
use card_reader::framing::{CR, ETX, LF, SOH, STX};
use card_reader::sim::specimens;
use card_reader::{Framing, ReaderEvent, encode_frame, parse_mrz};
use chrono::NaiveDate;
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn framing() -> impl Strategy<Value = Framing> {
    prop_oneof![
        Just(Framing::Plain),
        Just(Framing::StxEtx),
        Just(Framing::ThreeM),
        Just(Framing::Desko),
        Just(Framing::AccessIs)
    ]
}

/// Bytes biased towards MRZ characters and control bytes.
fn wire_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => prop::sample::select(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<_".to_vec()),
        2 => prop::sample::select(vec![SOH, STX, ETX, CR, LF, b'O', b'U']),
        1 => any::<u8>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn pipeline_never_panics(framing in framing(), chunks in prop::collection::vec(prop::collection::vec(wire_byte(), 0..200), 0..8)) {
        let mut p = ReadPipeline::new(framing, today);
        for c in &chunks {
            for ev in p.push(c) {
                // Only complete, valid documents come out as reads.
                if let ReaderEvent::CardRead(d) = ev {
                    prop_assert!(matches!(d.format.line_count(), 2 | 3));
                }
            }
        }
    }

    #[test]
    fn parser_never_panics(lines in prop::collection::vec("[0-9A-Z<_a-z é\\x00-\\x1f]{0,50}", 0..5)) {
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let _ = parse_mrz(&refs, today());
    }

    #[test]
    fn mutated_specimens_never_panic(idx in 0usize..8, pos in 0usize..200, byte in wire_byte(), framing in framing()) {
        let all = specimens::all();
        let (_, lines) = &all[idx % all.len()];
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let mut bytes = encode_frame(framing, &refs);
        let at = pos % bytes.len();
        bytes[at] = byte;
        let mut p = ReadPipeline::new(framing, today);
        let _ = p.push(&bytes);
    }

    #[test]
    fn mutated_lines_are_never_accepted_silently(idx in 0usize..8, line in 0usize..3, pos in 0usize..44, delta in 1u8..10) {
        // Changing one digit to another digit inside a check-digit-covered field
        // must never yield a document with that field silently changed.
        let all = specimens::all();
        let (_, lines) = &all[idx % all.len()];
        let li = line % lines.len();
        let mut bytes = lines[li].clone().into_bytes();
        let digits: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i].is_ascii_digit()).collect();
        if digits.is_empty() {
            return Ok(());
        }
        let p = digits[pos % digits.len()];
        bytes[p] = b'0' + (bytes[p] - b'0' + delta) % 10;
        let mut mutated = lines.clone();
        mutated[li] = String::from_utf8(bytes).unwrap();
        let refs: Vec<&str> = mutated.iter().map(String::as_str).collect();
        let orig_refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let orig = parse_mrz(&orig_refs, today()).unwrap();
        if let Ok(d) = parse_mrz(&refs, today()) {
            prop_assert_eq!(d.document_number, orig.document_number);
            prop_assert_eq!(d.birth_date, orig.birth_date);
            prop_assert_eq!(d.expiry_date, orig.expiry_date);
        }
    }
}
