//! DOST's queue ticket layout: the number large, the service, the time, the people ahead and
//! a QR code to follow the queue.

use kiosk_core::print::TicketDoc;
use receipt_printer::{Align, Document, EncodedJob, PrinterProfile, Size, Text};

struct Labels {
    title: &'static str,
    service: &'static str,
    time: &'static str,
    ahead: &'static str,
    wait: &'static str,
    offline: &'static str,
    scan: &'static str,
    sms: &'static str,
}

fn labels(lang: dost_api::Lang) -> &'static Labels {
    const AZ: Labels = Labels {
        title: "Növbə talonu",
        service: "Xidmət",
        time: "Vaxt",
        ahead: "Qarşınızda",
        wait: "Təxmini gözləmə, dəq.",
        offline: "Kiosk mərkəzlə əlaqəsiz idi: nömrəniz qüvvədədir, növbəniz masada göstəriləcək.",
        scan: "Növbəni izləmək üçün QR kodu skan edin",
        sms: "Növbəniz yaxınlaşanda SMS alacaqsınız.",
    };
    const RU: Labels = Labels {
        title: "Талон очереди",
        service: "Услуга",
        time: "Время",
        ahead: "Перед вами",
        wait: "Ожидание, мин. (примерно)",
        offline: "Киоск был без связи с центром: ваш номер действителен, очередь покажут у стола.",
        scan: "Отсканируйте QR-код, чтобы следить за очередью",
        sms: "Когда подойдёт очередь, придёт SMS.",
    };
    const EN: Labels = Labels {
        title: "Queue ticket",
        service: "Service",
        time: "Time",
        ahead: "People ahead",
        wait: "Estimated wait, min",
        offline: "The kiosk was offline: your number is valid; the desk shows your turn.",
        scan: "Scan the QR code to follow the queue",
        sms: "You will get an SMS when your turn is near.",
    };
    match lang {
        dost_api::Lang::Az => &AZ,
        dost_api::Lang::Ru => &RU,
        dost_api::Lang::En => &EN,
    }
}

/// The ticket as a layout-neutral document.
pub fn document(t: &TicketDoc) -> Document {
    let l = labels(t.lang);
    let centered = |s: &str| Text::new(s).align(Align::Center);
    let mut d = Document::new()
        .image(receipt_printer::dost_logo())
        .feed(8)
        .text(centered(&t.center_name).bold())
        .rule()
        .text(centered(l.title))
        .text(centered(&t.number).bold().size(Size::Double))
        .feed(8)
        .text(centered(&format!("{}:", l.service)))
        .text(centered(&t.service_title).bold())
        .rule()
        .key_value(l.time, t.issued_at.format("%d.%m.%Y %H:%M").to_string());
    if let Some(n) = t.people_ahead {
        d = d.key_value(l.ahead, n.to_string());
    }
    if let Some(m) = t.wait_min {
        d = d.key_value(l.wait, m.to_string());
    }
    if t.offline {
        d = d.rule().text(Text::new(l.offline));
    }
    if t.sms {
        d = d.text(Text::new(l.sms));
    }
    d.feed(16)
        .qr(&t.status_url)
        .feed(8)
        .text(centered(l.scan))
        .cut()
}

/// The bytes (and paper) of the ticket on a printer with `profile`.
pub fn encode(t: &TicketDoc, profile: &PrinterProfile) -> EncodedJob {
    receipt_printer::encode_document(&document(t), profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(lang: dost_api::Lang, offline: bool) -> TicketDoc {
        TicketDoc {
            lang,
            center_name: "DOST Yasamal".into(),
            service_title: "Əlilliyin qiymətləndirilməsi üçün növbə".into(),
            number: if offline { "YAS01-T007" } else { "D017" }.into(),
            issued_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
                .and_then(|d| d.and_hms_opt(14, 5, 0))
                .unwrap_or_default(),
            people_ahead: (!offline).then_some(3),
            wait_min: (!offline).then_some(18),
            offline,
            status_url: "https://status.dost.gov.az/status/D017?code=3F2A9C41B0".into(),
            sms: true,
        }
    }

    /// Printed through the ESC/POS encoder and read back by the emulator's decoder: the
    /// number double-size, the place in the queue, the QR code of the status page.
    #[test]
    fn a_ticket_prints_its_number_large_its_place_and_qr() {
        let job = encode(
            &ticket(dost_api::Lang::Az, false),
            &PrinterProfile::default(),
        );
        let decoded =
            receipt_printer::preview::decode(&job.bytes).unwrap_or_else(|e| panic!("{e}"));
        let text = decoded.text_lines().join("\n");
        assert!(text.contains("D017"), "{text}");
        assert!(text.contains("Növbə talonu"), "{text}");
        assert!(text.contains("Qarşınızda: 3"), "{text}");
        assert!(text.contains("14:05"), "{text}");
        assert_eq!(
            decoded.qr_payloads(),
            vec!["https://status.dost.gov.az/status/D017?code=3F2A9C41B0".to_owned()]
        );
        // The number is printed at double size (GS ! 0x11).
        let number_at = job
            .bytes
            .windows(4)
            .position(|w| w == b"D017")
            .unwrap_or_else(|| panic!("number not in the bytes"));
        let before = &job.bytes[..number_at];
        let size = before
            .windows(2)
            .rposition(|w| w[0] == 0x1d && w[1] == b'!');
        assert!(
            size.is_some_and(|i| before.get(i + 2) == Some(&0x11)),
            "double size before the number"
        );
        let offline = encode(
            &ticket(dost_api::Lang::Ru, true),
            &PrinterProfile::default(),
        );
        let decoded =
            receipt_printer::preview::decode(&offline.bytes).unwrap_or_else(|e| panic!("{e}"));
        let text = decoded.text_lines().join("\n");
        assert!(
            text.contains("YAS01-T007") && text.contains("без связи"),
            "{text}"
        );
        assert!(
            !text.contains("Перед вами"),
            "no place when offline: {text}"
        );
    }
}
