//! Golden-byte tests: the receipt in both widths and three languages, and the test page.
//! `UPDATE_GOLDEN=1 cargo test -p receipt-printer --test golden` rewrites the files.

mod common;

use common::*;
use receipt_printer::{AzGlyphs, PaperWidth, ReceiptLang, encode_receipt, encode_test_page};
use std::path::PathBuf;

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn check(name: &str, bytes: &[u8]) {
    let path = golden_path(name);
    if std::env::var("UPDATE_GOLDEN").as_deref() == Ok("1") {
        std::fs::write(&path, bytes).unwrap();
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create)",
            path.display()
        )
    });
    if want != bytes {
        let first = want
            .iter()
            .zip(bytes)
            .position(|(a, b)| a != b)
            .unwrap_or(want.len().min(bytes.len()));
        panic!(
            "{name}: bytes differ from golden at offset {first} (golden {} bytes, now {} bytes); \
             inspect, then UPDATE_GOLDEN=1 if intended",
            want.len(),
            bytes.len()
        );
    }
}

fn lang_name(l: ReceiptLang) -> &'static str {
    match l {
        ReceiptLang::Az => "az",
        ReceiptLang::Ru => "ru",
        ReceiptLang::En => "en",
    }
}

fn width_name(w: PaperWidth) -> &'static str {
    match w {
        PaperWidth::Mm80 => "80mm",
        PaperWidth::Mm58 => "58mm",
    }
}

#[test]
fn receipts_match_golden_bytes() {
    for lang in LANGS {
        for paper in WIDTHS {
            let job = encode_receipt(&receipt(lang), &profile(paper, AzGlyphs::UserDefined));
            check(
                &format!("receipt-{}-{}.bin", lang_name(lang), width_name(paper)),
                &job.bytes,
            );
        }
    }
}

#[test]
fn raster_receipt_and_test_page_match_golden_bytes() {
    let job = encode_receipt(
        &receipt(ReceiptLang::Az),
        &profile(PaperWidth::Mm80, AzGlyphs::Raster),
    );
    check("receipt-az-80mm-raster.bin", &job.bytes);
    let job = encode_test_page(&profile(PaperWidth::Mm58, AzGlyphs::UserDefined));
    check("test-page-58mm.bin", &job.bytes);
}

#[test]
fn encoding_is_deterministic() {
    let p = profile(PaperWidth::Mm80, AzGlyphs::UserDefined);
    let r = receipt(ReceiptLang::Az);
    assert_eq!(encode_receipt(&r, &p), encode_receipt(&r, &p));
}
