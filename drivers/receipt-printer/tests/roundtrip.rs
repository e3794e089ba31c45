//! Receipt → bytes → decoder → the intended text, ə included; every letter; sizes.

mod common;

use common::*;
use receipt_printer::preview::{self, Element};
use receipt_printer::{
    AZ_LETTERS, AzGlyphs, PaperWidth, PrinterProfile, RU_LETTERS, ReceiptLang, encode_receipt,
    encode_test_page, receipt_text, test_page_text,
};

#[test]
fn receipt_text_round_trips_in_every_language_and_width() {
    for lang in LANGS {
        for paper in WIDTHS {
            let p = profile(paper, AzGlyphs::UserDefined);
            let r = receipt(lang);
            let job = encode_receipt(&r, &p);
            let d = preview::decode(&job.bytes).unwrap();
            let want = receipt_text(&r, &p);
            assert_eq!(d.text_lines(), want, "{lang:?} {paper:?}");
            for line in &want {
                assert!(line.chars().count() <= paper.columns(), "{line:?} too long");
            }
            assert_eq!(d.qr_payloads(), vec![r.lookup_code.clone()]);
            assert_eq!(d.cuts(), 1);
            assert!(
                (d.paper_mm() - job.paper_mm).abs() < 0.01,
                "{} vs {}",
                d.paper_mm(),
                job.paper_mm
            );
        }
    }
}

#[test]
fn az_receipt_contains_schwa_and_application_number_large() {
    let p = PrinterProfile::default();
    let r = receipt(ReceiptLang::Az);
    let d = preview::decode(&encode_receipt(&r, &p).bytes).unwrap();
    let text = d.text_lines().join("\n");
    assert!(text.contains("Əmək pensiyasının təyin edilməsi"));
    assert!(text.contains("Müraciət nömrəsi"));
    assert!(text.contains("FİN: 5ZX****"));
    assert!(text.contains("Tarix: 24.11.2026 14:05"));
    let big = d
        .elements
        .iter()
        .find_map(|e| match e {
            Element::Text(t) if t.text() == r.application_id => Some(t),
            _ => None,
        })
        .unwrap();
    assert_eq!((big.width_mul, big.height_mul), (2, 2));
    assert!(!text.contains('\u{FFFD}') && !text.contains('?'));
}

#[test]
fn every_azerbaijani_and_russian_letter_round_trips_without_question_marks_or_utf8() {
    let p = PrinterProfile::default();
    for ch in AZ_LETTERS.chars().chain(RU_LETTERS.chars()) {
        let mut r = receipt(ReceiptLang::En);
        r.service_title = format!("x{ch}x");
        let job = encode_receipt(&r, &p);
        let d = preview::decode(&job.bytes).unwrap();
        assert!(
            d.text_lines().contains(&format!("x{ch}x")),
            "{ch} did not round-trip"
        );
        if !ch.is_ascii() {
            let mut utf8 = [0u8; 4];
            let enc = ch.encode_utf8(&mut utf8).as_bytes();
            assert!(
                !job.bytes.windows(enc.len()).any(|w| w == enc),
                "{ch} sent as raw UTF-8"
            );
        }
        assert!(!d.text_lines().join("").contains('?'), "{ch} became '?'");
    }
}

#[test]
fn test_page_has_every_letter_and_a_qr() {
    for paper in WIDTHS {
        let p = profile(paper, AzGlyphs::UserDefined);
        let job = encode_test_page(&p);
        let d = preview::decode(&job.bytes).unwrap();
        assert_eq!(d.text_lines(), test_page_text(&p));
        let all: String = d.text_lines().concat();
        for ch in AZ_LETTERS.chars().chain(RU_LETTERS.chars()) {
            assert!(all.contains(ch), "{ch} missing from test page");
        }
        assert_eq!(d.qr_payloads().len(), 1);
    }
}

#[test]
fn raster_profile_prints_schwa_lines_as_images_of_the_same_glyphs() {
    let p = profile(PaperWidth::Mm80, AzGlyphs::Raster);
    let r = receipt(ReceiptLang::Az);
    let job = encode_receipt(&r, &p);
    let d = preview::decode(&job.bytes).unwrap();
    let want = receipt_text(&r, &p);
    let (schwa, plain): (Vec<_>, Vec<_>) = want.into_iter().partition(|l| l.contains(['ə', 'Ə']));
    assert_eq!(d.text_lines(), plain);
    // Logo + one band per line with ə.
    assert_eq!(d.images().len(), 1 + schwa.len());
    // No user-defined characters in raster mode.
    assert!(!job.bytes.windows(2).any(|w| w == [0x1B, b'&']));
    // The band for "Xidmət:" carries the UDC glyph bitmap of ə at column 4.
    let ud = preview::decode(&encode_receipt(&r, &PrinterProfile::default()).bytes).unwrap();
    let schwa_glyph = ud
        .elements
        .iter()
        .find_map(|e| match e {
            Element::Text(t) => t.cells.iter().find(|c| c.ch == 'ə').and_then(|c| c.udc),
            _ => None,
        })
        .unwrap();
    let idx = schwa.iter().position(|l| l == "Xidmət:").unwrap();
    let img = d.images()[1 + idx];
    assert_eq!(img.rows, 24);
    assert_eq!(img.width_bytes, (7 * 12usize).div_ceil(8));
    for (y, row) in schwa_glyph.iter().enumerate() {
        for x in 0..12 {
            let want = row & (0x8000 >> x) != 0;
            assert_eq!(img.pixel(4 * 12 + x, y), want, "pixel {x},{y}");
        }
    }
}

#[test]
fn standard_receipt_byte_size_is_under_3_kb() {
    for paper in WIDTHS {
        for lang in LANGS {
            let job = encode_receipt(&receipt(lang), &profile(paper, AzGlyphs::UserDefined));
            println!(
                "receipt {lang:?} {paper:?}: {} bytes, {:.1} mm paper",
                job.bytes.len(),
                job.paper_mm
            );
            assert!(
                job.bytes.len() < 3 * 1024,
                "{lang:?} {paper:?}: {} bytes",
                job.bytes.len()
            );
        }
        let raster = encode_receipt(&receipt(ReceiptLang::Az), &profile(paper, AzGlyphs::Raster));
        println!("receipt Az {paper:?} raster: {} bytes", raster.bytes.len());
    }
}

#[test]
fn paper_accounting_counts_lines_images_and_feeds() {
    let p = PrinterProfile::default();
    let mut r = receipt(ReceiptLang::En);
    let base = encode_receipt(&r, &p).paper_mm;
    r.next_steps.push("One more line.".into());
    let more = encode_receipt(&r, &p).paper_mm;
    // One more 32-dot text line = 4 mm.
    assert!((more - base - 4.0).abs() < 0.01, "{base} -> {more}");
    assert!(base > 100.0 && base < 250.0, "{base}");
}

#[test]
fn udc_is_switched_off_for_literal_tilde_and_brace() {
    let p = PrinterProfile::default();
    let mut r = receipt(ReceiptLang::Az);
    r.service_title = "ə~}Ə".into();
    let d = preview::decode(&encode_receipt(&r, &p).bytes).unwrap();
    assert!(d.text_lines().contains(&"ə~}Ə".to_string()));
}
