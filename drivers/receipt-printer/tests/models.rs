//! Printer models: the bundled database, code page numbers per vendor, each profile's
//! bytes decoded back to the text, presenters, status formats and a noisy line.

mod common;

use common::*;
use receipt_printer::emulator::SimulatedPrinter;
use receipt_printer::preview::{self, Element};
use receipt_printer::{
    AZ_LETTERS, PresenterEvent, PrintOutcome, Printer, PrinterModel, PrinterProfile, RU_LETTERS,
    ReceiptLang, Support, encode_receipt, receipt_text,
};
use std::time::Duration;

fn profile_for(model: &str) -> PrinterProfile {
    PrinterProfile {
        model: model.into(),
        ..PrinterProfile::default()
    }
}

/// The `ESC t` / `ESC GS t` numbers a job selects.
fn pages_selected(bytes: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    for i in 0..bytes.len().saturating_sub(3) {
        if bytes[i] == 0x1B && bytes[i + 1] == b't' {
            v.push(bytes[i + 2]);
        }
        if bytes[i] == 0x1B && bytes[i + 1] == 0x1D && bytes[i + 2] == b't' {
            v.push(bytes[i + 3]);
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn bundled_table_matches_the_bundled_database_subset() {
    let json: serde_json::Value = serde_json::from_str(include_str!(
        "../data/escpos-printer-db/capabilities-subset.json"
    ))
    .unwrap();
    let profiles = json["profiles"].as_object().unwrap();
    assert_eq!(profiles.len(), receipt_printer::models::db::PROFILES.len());
    for p in receipt_printer::models::db::PROFILES {
        let j = &profiles[p.id];
        let page = |name: &str| {
            j["codePages"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(_, v)| v.as_str() == Some(name))
                .map(|(k, _)| k.parse::<u8>().unwrap())
                .min()
        };
        assert_eq!(p.pc857, page("CP857"), "{}", p.id);
        assert_eq!(p.pc866, page("CP866"), "{}", p.id);
        assert_eq!(p.vendor, j["vendor"].as_str().unwrap());
        assert_eq!(p.qr, j["features"]["qrCode"].as_bool().unwrap());
        assert_eq!(
            p.star_commands,
            j["features"]["starCommands"].as_bool().unwrap()
        );
    }
}

#[test]
fn code_page_numbers_differ_per_vendor() {
    // (model, CP857 number, CP866 number, Star command)
    for (model, pc857, pc866, star) in [
        ("TM-T88V", 13, 17, false),
        ("CT-S651", 8, 7, false),
        ("RP326", 29, 7, false),
        ("XP-80", 61, 59, false),
        ("TSP600", 12, 10, true),
    ] {
        let p = profile_for(model);
        let mut r = receipt(ReceiptLang::Az);
        r.service_title = "Şəhər".into();
        r.footer = Some("Спасибо".into());
        let job = encode_receipt(&r, &p);
        assert_eq!(
            pages_selected(&job.bytes),
            {
                let mut v = vec![pc857, pc866];
                v.sort_unstable();
                v
            },
            "{model}"
        );
        assert_eq!(
            job.bytes.windows(3).any(|w| w == [0x1B, 0x1D, b't']),
            star,
            "{model}"
        );
    }
}

#[test]
fn each_profile_prints_the_receipt_text_back() {
    for m in PrinterModel::all()
        .iter()
        .filter(|m| m.support == Support::Supported)
        .chain([&PrinterModel::safe()])
    {
        let mut p = profile_for(m.id);
        if *m == PrinterModel::safe() {
            p.model = "no-such-printer".into();
        }
        for lang in LANGS {
            let r = receipt(lang);
            let job = encode_receipt(&r, &p);
            let d = preview::decode_for(&job.bytes, m).unwrap_or_else(|e| panic!("{}: {e}", m.id));
            let want = receipt_text(&r, &p);
            // Lines printed as raster images are not text; every other line is exact.
            let texts = d.text_lines();
            let rasterised = want.len() - texts.len();
            let line_bands = d.images().iter().filter(|i| i.rows == 24).count();
            assert_eq!(line_bands, rasterised, "{} {lang:?}", m.id);
            let mut it = want.iter();
            for t in &texts {
                assert!(it.any(|w| w == t), "{} {lang:?}: {t:?} not in order", m.id);
            }
            assert!(!texts.join("").contains('\u{FFFD}'), "{} {lang:?}", m.id);
            assert_eq!(d.cuts(), 1, "{}", m.id);
            if m.qr {
                assert_eq!(d.qr_payloads(), vec![r.lookup_code.clone()], "{}", m.id);
            }
        }
    }
}

#[test]
fn unknown_models_fall_back_to_raster_text_and_qr() {
    let p = profile_for("Acme 3000");
    assert_eq!(p.printer_model(), PrinterModel::safe());
    let r = receipt(ReceiptLang::Az);
    let job = encode_receipt(&r, &p);
    // No code page, no user-defined character, no QR command.
    assert!(pages_selected(&job.bytes).is_empty());
    assert!(!job.bytes.windows(2).any(|w| w == [0x1B, b'&']));
    assert!(!job.bytes.windows(3).any(|w| w == [0x1D, b'(', b'k']));
    let d = preview::decode(&job.bytes).unwrap();
    for line in d.text_lines() {
        assert!(line.is_ascii(), "{line:?}");
    }
    for ch in AZ_LETTERS.chars().chain(RU_LETTERS.chars()) {
        let mut r = receipt(ReceiptLang::En);
        r.service_title = format!("x{ch}x");
        let d = preview::decode(&encode_receipt(&r, &p).bytes).unwrap();
        assert!(!d.text_lines().join("").contains('?'), "{ch}");
    }
}

#[test]
fn unsupported_models_are_listed_with_the_reason() {
    for id in ["KR403", "TUP900"] {
        let m = PrinterModel::find(id).unwrap();
        assert!(matches!(m.support, Support::Unsupported(_)));
        assert!(m.describe().contains("NOT SUPPORTED"), "{}", m.describe());
    }
    assert!(PrinterModel::find("kr403").is_some());
    assert!(PrinterModel::all().len() > 50);
}

/// After every `ESC @` a user-defined character is used only once defined again; codes
/// in 0x20–0x7E; `ESC % 1` off before each line end; no `GS *`; Font A only.
#[test]
fn user_defined_characters_follow_the_rules_in_every_profile() {
    for m in PrinterModel::all()
        .iter()
        .filter(|m| m.support == Support::Supported)
    {
        let p = profile_for(m.id);
        for lang in LANGS {
            let bytes = encode_receipt(&receipt(lang), &p).bytes;
            let (mut defined, mut on) = (false, false);
            let mut i = 0;
            while i < bytes.len() {
                match &bytes[i..] {
                    [0x1B, b'@', ..] => (defined, on) = (false, false),
                    [0x1B, b'&', 3, c1, c2, ..] => {
                        assert!((0x20..=0x7E).contains(c1) && (0x20..=0x7E).contains(c2));
                        defined = true;
                    }
                    [0x1B, b'%', n, ..] => {
                        on = *n == 1;
                        assert!(!on || defined, "{}: ESC % 1 before ESC &", m.id);
                    }
                    [0x1B, b'M', ..] => panic!("{}: font switch", m.id),
                    [0x1D, b'*', ..] => panic!("{}: GS * mixed with ESC &", m.id),
                    [0x0A, ..] => assert!(!on, "{}: line end with ESC % 1 on", m.id),
                    _ => {}
                }
                i += 1;
            }
            let uses_udc = bytes.windows(3).any(|w| w == [0x1B, b'%', 1]);
            assert_eq!(
                uses_udc,
                m.user_defined_chars && lang == ReceiptLang::Az,
                "{} {lang:?}",
                m.id
            );
        }
    }
}

fn presenter_printer(model: &str) -> (SimulatedPrinter, Printer<SimulatedPrinter>, PrinterProfile) {
    let sim = SimulatedPrinter::instant();
    let m = PrinterModel::find(model).unwrap();
    sim.set_model(m);
    let p = PrinterProfile {
        retract_after_s: 1,
        ..profile_for(model)
    };
    let printer =
        Printer::new(sim.clone(), p.clone()).with_reply_timeout(Duration::from_millis(40));
    (sim, printer, p)
}

#[test]
fn citizen_presenter_taken_and_not_taken() {
    let (sim, mut printer, p) = presenter_printer("PPU-700");
    let job = encode_receipt(&receipt(ReceiptLang::Az), &p);
    assert!(job.bytes.ends_with(&[0x1D, b'e', 3, 4]));
    assert_eq!(printer.print(&job).unwrap(), PrintOutcome::Printed);
    assert!(sim.receipt_in_presenter());
    assert!(printer.receipt_waiting());
    assert_eq!(printer.poll_presenter().unwrap(), None);
    // The citizen takes it.
    assert!(sim.take_receipt());
    assert_eq!(
        printer.poll_presenter().unwrap(),
        Some(PresenterEvent::Taken)
    );
    assert_eq!(sim.retracted_receipts(), 0);
    // Next one is left: after retract_after_s the session retracts with GS e 2.
    assert_eq!(printer.print(&job).unwrap(), PrintOutcome::Printed);
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(printer.poll_presenter().unwrap(), None);
    assert!(sim.received().ends_with(&[0x1D, b'e', 2]) || sim.retracted_receipts() == 1);
    assert_eq!(
        printer.poll_presenter().unwrap(),
        Some(PresenterEvent::Retracted)
    );
    assert_eq!(sim.retracted_receipts(), 1);
    assert!(!sim.receipt_in_presenter());
}

#[test]
fn custom_presenter_retracts_by_itself_and_reports_full_status() {
    let (sim, mut printer, p) = presenter_printer("VKP80III");
    let job = encode_receipt(&receipt(ReceiptLang::Ru), &p);
    // Cut and present with FS P, retract after 1 s; no partial cut on this model.
    assert!(job.bytes.ends_with(&[0x1C, b'P', 6, 0, b'R', 1]));
    assert!(!job.bytes.windows(3).any(|w| w == [0x1D, b'V', 66]));
    let st = printer.status().unwrap();
    assert!(st.can_print());
    assert!(sim.received().windows(3).any(|w| w == [0x10, 0x04, 20]));
    assert_eq!(printer.print(&job).unwrap(), PrintOutcome::Printed);
    assert!(sim.receipt_in_presenter());
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(
        printer.poll_presenter().unwrap(),
        Some(PresenterEvent::Retracted)
    );
    assert_eq!(sim.retracted_receipts(), 1);
    // Taken in time.
    assert_eq!(printer.print(&job).unwrap(), PrintOutcome::Printed);
    assert!(sim.take_receipt());
    assert_eq!(
        printer.poll_presenter().unwrap(),
        Some(PresenterEvent::Taken)
    );
    // Full status carries paper and cover.
    sim.set_cover_open(true);
    assert!(printer.status().unwrap().cover_open);
    sim.set_cover_open(false);
    sim.set_paper(receipt_printer::PaperLevel::Low);
    assert_eq!(
        printer.status().unwrap().paper,
        receipt_printer::PaperLevel::Low
    );
    // The decoder reads FS P as the cut.
    let d = preview::decode_for(&job.bytes, &printer.model().clone()).unwrap();
    assert!(matches!(d.elements.last(), Some(Element::Cut { .. })));
}

/// A noisy line must never make a printer whose cover is open look ready: replies are
/// taken only when two asks agree. (With one ask per request, as before, bursts of noise
/// bytes let a healthy-looking status through a few times in 2,048 polls.)
#[test]
fn noise_on_the_line_is_never_read_as_a_healthy_status() {
    let sim = SimulatedPrinter::instant();
    sim.set_cover_open(true);
    sim.set_line_noise(Some((0x5EED_1234_ABCD_0001, 32)));
    let mut printer = Printer::new(sim.clone(), PrinterProfile::default())
        .with_reply_timeout(Duration::from_millis(2));
    let mut fooled = 0;
    let mut errors = 0;
    for _ in 0..2048 {
        match printer.status() {
            Ok(st) if st.can_print() => fooled += 1,
            Ok(_) => {}
            Err(_) => errors += 1,
        }
    }
    assert_eq!(fooled, 0, "{errors} polls refused");
    // The same line without noise reads the real state.
    sim.set_line_noise(None);
    assert!(printer.status().unwrap().cover_open);
}
