mod common;

use common::*;
use receipt_printer::preview::{self, Element};
use receipt_printer::{AzGlyphs, PaperWidth, ReceiptLang, encode_receipt, encode_test_page};

#[test]
fn writes_previews_of_az_receipts() {
    for (paper, path) in [
        (PaperWidth::Mm80, "/tmp/receipt-az-80.png"),
        (PaperWidth::Mm58, "/tmp/receipt-az-58.png"),
    ] {
        let p = profile(paper, AzGlyphs::UserDefined);
        let job = encode_receipt(&receipt(ReceiptLang::Az), &p);
        let png = preview::render_png(&job.bytes, paper.dots()).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        std::fs::write(path, &png).unwrap();
    }
    let p = profile(PaperWidth::Mm58, AzGlyphs::Raster);
    let job = encode_receipt(&receipt(ReceiptLang::Az), &p);
    std::fs::write(
        "/tmp/receipt-az-58-raster.png",
        preview::render_png(&job.bytes, 384).unwrap(),
    )
    .unwrap();
    let job = encode_test_page(&profile(PaperWidth::Mm80, AzGlyphs::UserDefined));
    std::fs::write(
        "/tmp/receipt-test-page-80.png",
        preview::render_png(&job.bytes, 576).unwrap(),
    )
    .unwrap();
}

#[test]
fn preview_paper_height_matches_decoded_paper() {
    let p = profile(PaperWidth::Mm80, AzGlyphs::UserDefined);
    let job = encode_receipt(&receipt(ReceiptLang::Ru), &p);
    let d = preview::decode(&job.bytes).unwrap();
    let png = preview::render_png(&job.bytes, 576).unwrap();
    // IHDR height at bytes 20..24: paper + 2 × 16 margin on paper + 2 × 16 background.
    let h = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    assert_eq!(h, d.paper_dots + 64);
    assert!(
        d.elements
            .iter()
            .any(|e| matches!(e, Element::Cut { partial: true, .. }))
    );
}
