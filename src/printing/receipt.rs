//! DOST's receipt layout: a [`PrintDoc`] laid out for the printer's profile.

use kiosk_core::print::{PrintDoc, ReceiptDoc};
use receipt_printer::{EncodedJob, PrinterProfile, ReceiptLang};

/// The bytes (and paper) of `doc` on a printer with `profile`.
pub fn encode(doc: &PrintDoc, profile: &PrinterProfile) -> EncodedJob {
    match doc {
        PrintDoc::Receipt(r) => receipt_printer::encode_receipt(&receipt(r), profile),
        PrintDoc::TestPage => receipt_printer::encode_test_page(profile),
        PrintDoc::Ticket(t) => super::ticket::encode(t, profile),
    }
}

fn receipt(r: &ReceiptDoc) -> receipt_printer::Receipt {
    receipt_printer::Receipt {
        lang: match r.lang {
            dost_api::Lang::Az => ReceiptLang::Az,
            dost_api::Lang::Ru => ReceiptLang::Ru,
            dost_api::Lang::En => ReceiptLang::En,
        },
        center_name: r.center_name.clone(),
        kiosk_id: r.kiosk_id.clone(),
        service_title: r.service_title.clone(),
        application_id: r.application_id.to_string(),
        lookup_code: r.lookup_code(),
        issued_at: r.issued_at,
        masked_fin: r.masked_fin.clone(),
        next_steps: r.next_steps.clone(),
        footer: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_prints_its_number_masked_fin_and_qr() {
        let id =
            dost_api::ApplicationId::parse("YAS01-261124-0007").unwrap_or_else(|e| panic!("{e}"));
        let doc = PrintDoc::Receipt(ReceiptDoc {
            lang: dost_api::Lang::Az,
            center_name: "DOST Yasamal".into(),
            kiosk_id: "DOST-YASAMAL-K01".into(),
            service_title: "Əlilliyin qiymətləndirilməsi".into(),
            application_id: id,
            issued_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
                .and_then(|d| d.and_hms_opt(14, 5, 0))
                .unwrap_or_default(),
            masked_fin: "5ZX****".into(),
            next_steps: vec!["Sizə zəng ediləcək".into()],
            status_url: "https://status.dost.gov.az/status/YAS01-261124-0007?code=8D1B2C5958"
                .into(),
        });
        let job = encode(&doc, &PrinterProfile::default());
        let decoded =
            receipt_printer::preview::decode(&job.bytes).unwrap_or_else(|e| panic!("{e}"));
        let text = decoded.text_lines().join("\n");
        assert!(text.contains("YAS01-261124-0007"), "{text}");
        assert!(text.contains("5ZX****"), "{text}");
        assert!(!text.contains("5ZX7"), "{text}");
        assert_eq!(
            decoded.qr_payloads(),
            vec!["https://status.dost.gov.az/status/YAS01-261124-0007?code=8D1B2C5958".to_owned()]
        );
        assert!(job.paper_mm > 50.0);
    }
}
