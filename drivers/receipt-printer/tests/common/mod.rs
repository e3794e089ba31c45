#![allow(dead_code)]

use chrono::NaiveDate;
use receipt_printer::{AzGlyphs, PaperWidth, PrinterProfile, Receipt, ReceiptLang};

pub fn receipt(lang: ReceiptLang) -> Receipt {
    let (center, service, steps, footer): (&str, &str, Vec<&str>, &str) = match lang {
        ReceiptLang::Az => (
            "Bakı şəhəri 1 nömrəli DOST mərkəzi (Yasamal)",
            "Əmək pensiyasının təyin edilməsi",
            vec![
                "Müraciətiniz 5 iş günü ərzində baxılacaq.",
                "Nəticə barədə SMS ilə məlumatlandırılacaqsınız.",
                "Əlavə sənəd tələb olunarsa, mərkəzə gəlməyiniz xahiş olunur.",
            ],
            "Qaynar xətt: 142. Təşəkkür edirik!",
        ),
        ReceiptLang::Ru => (
            "Центр DOST № 1 города Баку (Ясамал)",
            "Назначение трудовой пенсии",
            vec![
                "Ваше заявление будет рассмотрено в течение 5 рабочих дней.",
                "О результате вы получите SMS-уведомление.",
                "Если потребуются дополнительные документы, просим прийти в центр.",
            ],
            "Горячая линия: 142. Спасибо!",
        ),
        ReceiptLang::En => (
            "Baku DOST center No. 1 (Yasamal)",
            "Assignment of a labour pension",
            vec![
                "Your application will be reviewed within 5 working days.",
                "You will be notified of the result by SMS.",
                "If more documents are needed, please come to the center.",
            ],
            "Hotline: 142. Thank you!",
        ),
    };
    Receipt {
        lang,
        center_name: center.into(),
        kiosk_id: "YAS-K03".into(),
        service_title: service.into(),
        application_id: "DOST-2026-004217".into(),
        lookup_code: "https://e-dost.az/q/7F3K9Q2M".into(),
        issued_at: NaiveDate::from_ymd_opt(2026, 11, 24)
            .unwrap()
            .and_hms_opt(14, 5, 0)
            .unwrap(),
        masked_fin: "5ZX****".into(),
        next_steps: steps.into_iter().map(String::from).collect(),
        footer: Some(footer.into()),
    }
}

pub fn profile(paper: PaperWidth, az_glyphs: AzGlyphs) -> PrinterProfile {
    PrinterProfile {
        paper,
        az_glyphs,
        ..PrinterProfile::default()
    }
}

pub const LANGS: [ReceiptLang; 3] = [ReceiptLang::Az, ReceiptLang::Ru, ReceiptLang::En];
pub const WIDTHS: [PaperWidth; 2] = [PaperWidth::Mm80, PaperWidth::Mm58];
