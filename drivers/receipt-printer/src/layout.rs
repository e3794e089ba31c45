//! Receipt layout (pure): labels, word wrapping and the block sequence the encoder prints.

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

/// Text alignment (`ESC a`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
}

/// One printed element of a receipt.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Logo,
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

fn text(t: impl Into<String>, align: Align, bold: bool) -> Block {
    Block::Text {
        text: t.into(),
        align,
        bold,
        double: false,
    }
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

fn wrapped(out: &mut Vec<Block>, s: &str, cols: usize, indent: usize, align: Align, bold: bool) {
    for line in wrap_text(s, cols, indent) {
        out.push(text(line, align, bold));
    }
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
    text("-".repeat(cols), Align::Left, false)
}

/// The block sequence of a receipt.
pub(crate) fn receipt_blocks(r: &Receipt, p: &PrinterProfile) -> Vec<Block> {
    let cols = p.paper.columns();
    let l = labels(r.lang);
    let mut b = vec![Block::Logo, Block::Gap(8)];
    wrapped(&mut b, l.agency, cols, 0, Align::Center, true);
    b.push(rule(cols));
    wrapped(
        &mut b,
        &format!("{}: {}", l.center, r.center_name),
        cols,
        2,
        Align::Left,
        false,
    );
    wrapped(
        &mut b,
        &format!("{}: {}", l.kiosk, r.kiosk_id),
        cols,
        2,
        Align::Left,
        false,
    );
    b.push(rule(cols));
    wrapped(
        &mut b,
        &format!("{}:", l.service),
        cols,
        0,
        Align::Center,
        false,
    );
    wrapped(&mut b, &r.service_title, cols, 0, Align::Center, true);
    b.push(Block::Gap(16));
    wrapped(&mut b, l.application, cols, 0, Align::Center, false);
    for line in wrap_text(&r.application_id, cols / 2, 0) {
        b.push(Block::Text {
            text: line,
            align: Align::Center,
            bold: true,
            double: true,
        });
    }
    b.push(Block::Gap(16));
    b.push(Block::Qr(r.lookup_code.clone()));
    b.push(Block::Gap(8));
    wrapped(&mut b, l.scan, cols, 0, Align::Center, false);
    b.push(rule(cols));
    let date = r.issued_at.format("%d.%m.%Y %H:%M").to_string();
    wrapped(
        &mut b,
        &format!("{}: {}", l.date, date),
        cols,
        2,
        Align::Left,
        false,
    );
    wrapped(
        &mut b,
        &format!("{}: {}", l.fin, r.masked_fin),
        cols,
        2,
        Align::Left,
        false,
    );
    if !r.next_steps.is_empty() {
        b.push(rule(cols));
        wrapped(&mut b, &format!("{}:", l.next), cols, 0, Align::Left, true);
        for (i, step) in r.next_steps.iter().enumerate() {
            let item = format!("{}. {}", i + 1, step);
            let indent = format!("{}. ", i + 1).chars().count();
            wrapped(&mut b, &item, cols, indent, Align::Left, false);
        }
    }
    if let Some(footer) = r.footer.as_deref().filter(|f| !f.trim().is_empty()) {
        b.push(rule(cols));
        wrapped(&mut b, footer, cols, 0, Align::Center, false);
    }
    b.push(Block::Cut);
    b
}

/// The text lines the receipt prints, in order (what the emulator must decode back).
pub fn receipt_text(r: &Receipt, p: &PrinterProfile) -> Vec<String> {
    receipt_blocks(r, p)
        .into_iter()
        .filter_map(|b| match b {
            Block::Text { text, .. } => Some(text),
            _ => None,
        })
        .collect()
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
