//! `cargo bench -p receipt-printer --bench encode`

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use receipt_printer::{
    AzGlyphs, PaperWidth, PrinterProfile, Receipt, ReceiptLang, encode_receipt, preview,
};
use std::hint::black_box;

fn receipt() -> Receipt {
    Receipt {
        lang: ReceiptLang::Az,
        center_name: "Bakı şəhəri 1 nömrəli DOST mərkəzi (Yasamal)".into(),
        kiosk_id: "YAS-K03".into(),
        service_title: "Əmək pensiyasının təyin edilməsi".into(),
        application_id: "DOST-2026-004217".into(),
        lookup_code: "https://e-dost.az/q/7F3K9Q2M".into(),
        issued_at: NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(14, 5, 0))
            .unwrap_or_default(),
        masked_fin: "5ZX****".into(),
        next_steps: vec![
            "Müraciətiniz 5 iş günü ərzində baxılacaq.".into(),
            "Nəticə barədə SMS ilə məlumatlandırılacaqsınız.".into(),
            "Əlavə sənəd tələb olunarsa, mərkəzə gəlməyiniz xahiş olunur.".into(),
        ],
        footer: Some("Qaynar xətt: 142. Təşəkkür edirik!".into()),
    }
}

fn bench(c: &mut Criterion) {
    let r = receipt();
    let ud = PrinterProfile::default();
    let raster = PrinterProfile {
        paper: PaperWidth::Mm80,
        az_glyphs: AzGlyphs::Raster,
        ..PrinterProfile::default()
    };
    let job = encode_receipt(&r, &ud);
    eprintln!(
        "standard az 80mm receipt: {} bytes, {:.1} mm paper (goal < 3 KB)",
        job.bytes.len(),
        job.paper_mm
    );
    c.bench_function("encode_receipt az 80mm user-defined", |b| {
        b.iter(|| encode_receipt(black_box(&r), black_box(&ud)))
    });
    c.bench_function("encode_receipt az 80mm raster", |b| {
        b.iter(|| encode_receipt(black_box(&r), black_box(&raster)))
    });
    c.bench_function("preview::decode az 80mm", |b| {
        b.iter(|| preview::decode(black_box(&job.bytes)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
