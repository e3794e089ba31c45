//! DOST's receipt layout (pure), built on the layout-neutral [`Document`]: labels,
//! word wrapping and FİN masking. Kept for the kiosk until it builds its receipt itself.

use crate::document::{Align, Bitmap, Document, Text};
use crate::{PrinterProfile, Receipt};
use serde::Deserialize;

/// Language of the receipt's fixed labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptLang {
    #[default]
    Az,
    Ru,
    En,
}

pub(crate) struct Labels {
    pub agency: &'static str,
    pub center: &'static str,
    pub kiosk: &'static str,
    pub service: &'static str,
    pub application: &'static str,
    pub scan: &'static str,
    pub date: &'static str,
    pub fin: &'static str,
    pub next: &'static str,
}

pub(crate) fn labels(lang: ReceiptLang) -> &'static Labels {
    const AZ: Labels = Labels {
        agency: "Dayanıqlı və Operativ Sosial Təminat Agentliyi",
        center: "Mərkəz",
        kiosk: "Kiosk",
        service: "Xidmət",
        application: "Müraciət nömrəsi",
        scan: "Müraciətin vəziyyətini yoxlamaq üçün QR kodu skan edin",
        date: "Tarix",
        fin: "FİN",
        next: "Növbəti addımlar",
    };
    const RU: Labels = Labels {
        agency: "Агентство устойчивого и оперативного социального обеспечения",
        center: "Центр",
        kiosk: "Киоск",
        service: "Услуга",
        application: "Номер заявления",
        scan: "Отсканируйте QR-код, чтобы проверить статус заявления",
        date: "Дата",
        fin: "ФИН",
        next: "Дальнейшие шаги",
    };
    const EN: Labels = Labels {
        agency: "Agency for Sustainable and Operative Social Security",
        center: "Center",
        kiosk: "Kiosk",
        service: "Service",
        application: "Application number",
        scan: "Scan the QR code to check the status of your application",
        date: "Date",
        fin: "FIN",
        next: "Next steps",
    };
    match lang {
        ReceiptLang::Az => &AZ,
        ReceiptLang::Ru => &RU,
        ReceiptLang::En => &EN,
    }
}

/// One printer-level element: what [`crate::Document`] lowers to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Image(Bitmap),
    Text {
        text: String,
        align: Align,
        bold: bool,
        double: bool,
    },
    Qr(String),
    /// Extra gap, dots.
    Gap(u8),
    Cut,
}

/// Word-wrap `s` to lines of at most `width` characters (characters, not bytes; long words
/// are broken). Continuation lines are indented by `indent` spaces.
pub fn wrap_text(s: &str, width: usize, indent: usize) -> Vec<String> {
    let width = width.max(1);
    let indent = indent.min(width.saturating_sub(1));
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cur_len = 0usize;
    for word in s.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let prefix = if lines.is_empty() { 0 } else { indent };
            let room = width.saturating_sub(if cur_len == 0 { prefix } else { cur_len + 1 });
            if word.len() <= room {
                if cur_len == 0 {
                    cur.push_str(&" ".repeat(prefix));
                    cur_len = prefix;
                } else {
                    cur.push(' ');
                    cur_len += 1;
                }
                cur_len += word.len();
                cur.extend(word.iter());
                break;
            }
            if cur_len > 0 {
                lines.push(std::mem::take(&mut cur));
                cur_len = 0;
                continue;
            }
            // Word longer than a whole line: break it.
            let rest = word.split_off(room);
            cur.push_str(&" ".repeat(prefix));
            cur.extend(word.iter());
            lines.push(std::mem::take(&mut cur));
            word = rest;
        }
    }
    if cur_len > 0 || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Defence in depth: only the first 3 characters of a FİN ever reach paper, whatever the
/// caller passed (`5ZX4K7A` and `5ZX****` both print as `5ZX****`).
pub fn mask_fin(fin: &str) -> String {
    fin.trim()
        .chars()
        .enumerate()
        .map(|(i, c)| if i < 3 { c } else { '*' })
        .collect()
}

pub(crate) fn rule(cols: usize) -> Block {
    Block::Text {
        text: "-".repeat(cols),
        align: Align::Left,
        bold: false,
        double: false,
    }
}

/// The receipt as a layout-neutral document.
pub fn receipt_document(r: &Receipt) -> Document {
    let l = labels(r.lang);
    let centered = |s: &str| Text::new(s).align(Align::Center);
    let mut d = Document::new()
        .image(crate::logo::dost_logo())
        .feed(8)
        .text(centered(l.agency).bold())
        .rule()
        .key_value(l.center, &r.center_name)
        .key_value(l.kiosk, &r.kiosk_id)
        .rule()
        .text(centered(&format!("{}:", l.service)))
        .text(centered(&r.service_title).bold())
        .feed(16)
        .text(centered(l.application))
        .title(&r.application_id)
        .feed(16)
        .qr(&r.lookup_code)
        .feed(8)
        .text(centered(l.scan))
        .rule()
        .key_value(l.date, r.issued_at.format("%d.%m.%Y %H:%M").to_string())
        .key_value(l.fin, &r.masked_fin);
    if !r.next_steps.is_empty() {
        d = d.rule().text(Text::new(format!("{}:", l.next)).bold());
        for (i, step) in r.next_steps.iter().enumerate() {
            let indent = format!("{}. ", i + 1).chars().count();
            d = d.text(Text::new(format!("{}. {}", i + 1, step)).indent(indent));
        }
    }
    if let Some(footer) = r.footer.as_deref().filter(|f| !f.trim().is_empty()) {
        d = d.rule().text(centered(footer));
    }
    d.cut()
}

/// The block sequence of a receipt.
pub(crate) fn receipt_blocks(r: &Receipt, p: &PrinterProfile) -> Vec<Block> {
    receipt_document(r).lower(p)
}

/// The text lines the receipt prints, in order (what the emulator must decode back).
pub fn receipt_text(r: &Receipt, p: &PrinterProfile) -> Vec<String> {
    receipt_document(r).lines(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_respects_width_in_chars_and_indent() {
        let lines = wrap_text(
            "Müraciətin vəziyyətini yoxlamaq üçün QR kodu skan edin",
            20,
            2,
        );
        assert_eq!(
            lines,
            vec![
                "Müraciətin",
                "  vəziyyətini",
                "  yoxlamaq üçün QR",
                "  kodu skan edin"
            ]
        );
        for l in &lines {
            assert!(l.chars().count() <= 20);
        }
    }

    #[test]
    fn fin_is_masked_even_if_given_in_clear() {
        assert_eq!(mask_fin("5ZX4K7A"), "5ZX****");
        assert_eq!(mask_fin("5ZX****"), "5ZX****");
        assert_eq!(mask_fin(" 5Z "), "5Z");
    }

    #[test]
    fn wrap_breaks_long_words() {
        let lines = wrap_text("ABCDEFGHIJ", 4, 0);
        assert_eq!(lines, vec!["ABCD", "EFGH", "IJ"]);
        assert_eq!(wrap_text("", 4, 0), vec![""]);
    }
}
