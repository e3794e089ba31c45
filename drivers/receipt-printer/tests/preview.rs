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

/// Huge or odd inputs get a clear error instead of unbounded memory and time.
#[test]
fn preview_work_is_bounded() {
    use receipt_printer::preview::PreviewError;
    let p = profile(PaperWidth::Mm80, AzGlyphs::UserDefined);
    let job = encode_receipt(&receipt(ReceiptLang::Az), &p);
    // A width no printer has.
    assert!(matches!(
        preview::render_png(&job.bytes, 4000),
        Err(PreviewError::TooLarge { width: 4000, .. })
    ));
    // 769 bytes of feeds make metres of paper.
    let mut feeds = vec![0x1B, b'@'];
    while feeds.len() < 769 {
        feeds.extend([0x1B, b'J', 255]);
    }
    let err = preview::render_png(&feeds, 576).unwrap_err();
    assert!(err.to_string().contains("too large"), "{err}");
    // A QR code with 255-dot modules is drawn only where the canvas is.
    let mut qr = vec![0x1B, b'@', 0x1D, b'(', b'k', 3, 0, 49, 67, 255];
    qr.extend([0x1D, b'(', b'k', 7, 0, 49, 80, 48, b'D', b'O', b'S', b'T']);
    qr.extend([0x1D, b'(', b'k', 3, 0, 49, 81, 48]);
    match preview::render_png(&qr, 576) {
        Ok(png) => assert_eq!(&png[..4], b"\x89PNG"),
        Err(e) => assert!(matches!(e, PreviewError::TooLarge { .. }), "{e}"),
    }
}

#[test]
fn documents_encode_and_decode_back() {
    use receipt_printer::{Align, Document, Size, Text, encode_document, receipt_document};
    for paper in WIDTHS {
        let p = profile(paper, AzGlyphs::UserDefined);
        let ticket = Document::new()
            .title("Növbə A-017")
            .rule()
            .key_value("Xidmət", "Əmək pensiyasının təyin edilməsi")
            .key_value("Гость", "Очередь 3")
            .text(Text::new("Sağ tərəf").align(Align::Right).bold())
            .text(Text::new("İKİQAT").size(Size::Double))
            .feed(16)
            .qr("https://e-dost.az/q/A017")
            .cut();
        let job = encode_document(&ticket, &p);
        let d = preview::decode(&job.bytes).unwrap();
        assert_eq!(d.text_lines(), ticket.lines(&p));
        assert_eq!(
            d.qr_payloads(),
            vec!["https://e-dost.az/q/A017".to_string()]
        );
        let right = d
            .elements
            .iter()
            .find_map(|e| match e {
                Element::Text(t) if t.text() == "Sağ tərəf" => Some(t),
                _ => None,
            })
            .unwrap();
        assert_eq!(right.justify, preview::Justify::Right);
        for line in ticket.lines(&p) {
            assert!(line.chars().count() <= paper.columns());
        }
        // The receipt is a document: the same bytes either way.
        let r = receipt(ReceiptLang::Ru);
        assert_eq!(
            encode_document(&receipt_document(&r), &p),
            encode_receipt(&r, &p)
        );
    }
}
