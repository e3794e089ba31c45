//! Sample view models for screenshots and UI previews only (never shown to citizens).
//!
//! `sample(screen, lang)` gives a realistic view model of every screen in every language:
//! citizen "Əli Məmmədov" (FİN 5ZX****), nine DOST services, a two-field form (one field
//! with an error), a finished application and three applications with their status, one of
//! them with its history; service mode with six parts, low paper and two held receipts.

use dost_api::ApplicationState;

use crate::view::{
    ApplicationDetailView, ApplicationRow, ApplicationsView, CardErrorKind, CitizenView, DoneView,
    FieldError, FieldKind, FieldView, FormView, HeldReceiptView, HistoryRow, Lang,
    OutOfServiceKind, PaperView, PartLevel, PartView, ReceiptState, ReviewView, ScreenId,
    ServiceModeView, ServiceView, ViewModel,
};

/// Picks the text for `lang` from an (az, ru, en) triple.
fn t(lang: Lang, az: &str, ru: &str, en: &str) -> String {
    match lang {
        Lang::Az => az,
        Lang::Ru => ru,
        Lang::En => en,
    }
    .to_string()
}

/// (id, area id, [area az/ru/en], [title], [summary], [needs], [duration])
type Row = (
    &'static str,
    &'static str,
    [&'static str; 3],
    [&'static str; 3],
    [&'static str; 3],
    [&'static str; 3],
    [&'static str; 3],
);

const EMPLOYMENT: [&str; 3] = ["Məşğulluq", "Занятость", "Employment"];
const PENSIONS: [&str; 3] = ["Pensiyalar", "Пенсии", "Pensions"];
const TSA: [&str; 3] = [
    "Ünvanlı sosial yardım",
    "Адресная социальная помощь",
    "Targeted social assistance",
];
const DISABILITY: [&str; 3] = ["Əlillik", "Инвалидность", "Disability"];
const LABOUR: [&str; 3] = [
    "Əmək münasibətləri",
    "Трудовые отношения",
    "Labour relations",
];
const CONSULT: [&str; 3] = ["Məsləhət", "Консультации", "Consultation"];
const ID_CARD: [&str; 3] = ["Şəxsiyyət vəsiqəsi", "Удостоверение личности", "ID card"];

const SERVICES: [Row; 9] = [
    (
        "unemployment-registration",
        "employment",
        EMPLOYMENT,
        [
            "İşsiz kimi qeydiyyat",
            "Регистрация в качестве безработного",
            "Registration as unemployed",
        ],
        [
            "İş axtaran və ya işsiz kimi qeydiyyata alınmaq",
            "Встать на учёт как ищущий работу или безработный",
            "Register as a job seeker or as unemployed",
        ],
        ID_CARD,
        ["1 iş günü", "1 рабочий день", "1 working day"],
    ),
    (
        "unemployment-benefit",
        "employment",
        EMPLOYMENT,
        [
            "İşsizlikdən sığorta ödənişi",
            "Выплата по страхованию от безработицы",
            "Unemployment insurance benefit",
        ],
        [
            "İşini itirmiş sığortaolunanlar üçün aylıq ödəniş",
            "Ежемесячная выплата застрахованным, потерявшим работу",
            "Monthly payment for insured people who lost their job",
        ],
        ID_CARD,
        ["10 iş günü", "10 рабочих дней", "10 working days"],
    ),
    (
        "self-employment",
        "employment",
        EMPLOYMENT,
        [
            "Özünüməşğulluq proqramı",
            "Программа самозанятости",
            "Self-employment programme",
        ],
        [
            "Kiçik təsərrüfat açmaq üçün aktivlərlə dəstək",
            "Поддержка активами для открытия малого хозяйства",
            "Support with assets to start a small business",
        ],
        ID_CARD,
        ["20 iş günü", "20 рабочих дней", "20 working days"],
    ),
    (
        "old-age-pension",
        "pensions",
        PENSIONS,
        [
            "Yaşa görə əmək pensiyası",
            "Трудовая пенсия по возрасту",
            "Old-age labour pension",
        ],
        [
            "Pensiya yaşına çatanlar üçün pensiyanın təyin edilməsi",
            "Назначение пенсии по достижении пенсионного возраста",
            "Assignment of a pension on reaching pension age",
        ],
        ID_CARD,
        ["10 iş günü", "10 рабочих дней", "10 working days"],
    ),
    (
        "survivor-pension",
        "pensions",
        PENSIONS,
        [
            "Ailə başçısını itirməyə görə pensiya",
            "Пенсия по случаю потери кормильца",
            "Survivor's pension",
        ],
        [
            "Ailə başçısını itirmiş ailə üzvləri üçün pensiya",
            "Пенсия членам семьи, потерявшим кормильца",
            "Pension for family members who lost their breadwinner",
        ],
        ID_CARD,
        ["10 iş günü", "10 рабочих дней", "10 working days"],
    ),
    (
        "targeted-social-assistance",
        "social-assistance",
        TSA,
        [
            "Ünvanlı dövlət sosial yardımı",
            "Адресная государственная социальная помощь",
            "Targeted state social assistance",
        ],
        [
            "Aztəminatlı ailələr üçün aylıq yardım",
            "Ежемесячная помощь малообеспеченным семьям",
            "Monthly assistance for low-income families",
        ],
        ID_CARD,
        ["15 iş günü", "15 рабочих дней", "15 working days"],
    ),
    (
        "disability-assessment",
        "disability",
        DISABILITY,
        [
            "Əlilliyin qiymətləndirilməsi",
            "Оценка инвалидности",
            "Disability assessment",
        ],
        [
            "Əlilliyin müəyyən edilməsi üçün tibbi-sosial ekspertizaya müraciət",
            "Направление на медико-социальную экспертизу",
            "Apply for a medical and social assessment",
        ],
        ID_CARD,
        ["20 iş günü", "20 рабочих дней", "20 working days"],
    ),
    (
        "labour-contract-notice",
        "labour",
        LABOUR,
        [
            "Əmək müqaviləsi haqqında arayış",
            "Справка о трудовом договоре",
            "Labour contract statement",
        ],
        [
            "Qeydiyyatda olan əmək müqavilələriniz barədə arayış",
            "Справка о ваших зарегистрированных трудовых договорах",
            "Statement of your registered labour contracts",
        ],
        ID_CARD,
        ["3 iş günü", "3 рабочих дня", "3 working days"],
    ),
    (
        "lawyer-consultation",
        "consultation",
        CONSULT,
        [
            "Hüquqşünas məsləhəti",
            "Консультация юриста",
            "Lawyer consultation",
        ],
        [
            "Əmək və sosial müdafiə məsələləri üzrə pulsuz məsləhət",
            "Бесплатная консультация по трудовым и социальным вопросам",
            "Free advice on labour and social protection matters",
        ],
        ID_CARD,
        ["1 iş günü", "1 рабочий день", "1 working day"],
    ),
];

fn pick(lang: Lang, v: [&str; 3]) -> String {
    t(lang, v[0], v[1], v[2])
}

/// The nine sample services in `lang`.
pub fn services(lang: Lang) -> Vec<ServiceView> {
    SERVICES
        .iter()
        .map(
            |(id, area_id, area, title, summary, needs, duration)| ServiceView {
                id: id.to_string(),
                area_id: area_id.to_string(),
                area: pick(lang, *area),
                title: pick(lang, *title),
                summary: pick(lang, *summary),
                needs: pick(lang, *needs),
                duration: pick(lang, *duration),
            },
        )
        .collect()
}

fn form(lang: Lang) -> FormView {
    FormView {
        service_title: pick(lang, SERVICES[0].3),
        fields: vec![
            FieldView {
                id: "phone".into(),
                label: t(lang, "Mobil telefon", "Мобильный телефон", "Mobile phone"),
                help: t(
                    lang,
                    "Müraciətinizin vəziyyəti barədə SMS göndəririk",
                    "Мы пришлём SMS о статусе заявления",
                    "We send an SMS about your application's status",
                ),
                kind: FieldKind::Phone,
                required: true,
                value: "+994 50 123 45 67".into(),
                options: vec![],
                error: None,
            },
            FieldView {
                id: "address".into(),
                label: t(
                    lang,
                    "Faktiki yaşayış ünvanı",
                    "Фактический адрес проживания",
                    "Home address",
                ),
                help: t(
                    lang,
                    "Şəhər, küçə, ev, mənzil",
                    "Город, улица, дом, квартира",
                    "City, street, house, flat",
                ),
                kind: FieldKind::Address,
                required: true,
                value: String::new(),
                options: vec![],
                error: Some(FieldError::Required),
            },
            FieldView {
                id: "education".into(),
                label: t(lang, "Təhsil", "Образование", "Education"),
                help: String::new(),
                kind: FieldKind::Choice,
                required: true,
                value: t(lang, "Ali", "Высшее", "Higher"),
                options: vec![
                    t(lang, "Orta", "Среднее", "Secondary"),
                    t(lang, "Peşə", "Профессиональное", "Vocational"),
                    t(lang, "Ali", "Высшее", "Higher"),
                ],
                error: None,
            },
        ],
        page: 1,
        pages: 2,
    }
}

fn review(lang: Lang) -> ReviewView {
    ReviewView {
        service_title: pick(lang, SERVICES[0].3),
        rows: vec![
            (
                t(lang, "Mobil telefon", "Мобильный телефон", "Mobile phone"),
                "+994 50 123 45 67".into(),
            ),
            (
                t(
                    lang,
                    "Faktiki yaşayış ünvanı",
                    "Фактический адрес проживания",
                    "Home address",
                ),
                "Bakı, Yasamal r., Şərifzadə küç. 12, m. 5".into(),
            ),
            (
                t(lang, "Təhsil", "Образование", "Education"),
                t(lang, "Ali", "Высшее", "Higher"),
            ),
            (
                t(
                    lang,
                    "Son iş yeri",
                    "Последнее место работы",
                    "Last employer",
                ),
                "“Bakı Tekstil” MMC".into(),
            ),
            (
                t(
                    lang,
                    "İşdən çıxma tarixi",
                    "Дата увольнения",
                    "Date of leaving",
                ),
                "30.09.2026".into(),
            ),
        ],
    }
}

fn applications(lang: Lang) -> ApplicationsView {
    let row = |id: &str, svc: usize, state, as_of: &str, pending| ApplicationRow {
        application_id: id.into(),
        service_title: pick(lang, SERVICES[svc].3),
        state,
        as_of: as_of.into(),
        pending_upload: pending,
    };
    ApplicationsView {
        rows: vec![
            row(
                "YAS01-261124-0007",
                0,
                ApplicationState::Received,
                "24.11.2026 21:05",
                true,
            ),
            row(
                "YAS01-261103-0015",
                5,
                ApplicationState::InReview,
                "24.11.2026 21:05",
                false,
            ),
            row(
                "YAS01-260915-0042",
                3,
                ApplicationState::Approved,
                "24.11.2026 21:05",
                false,
            ),
        ],
        offline: false,
        loading: false,
    }
}

fn application_detail(lang: Lang) -> ApplicationDetailView {
    let row = applications(lang).rows.remove(1);
    let step = |state, at: &str| HistoryRow {
        state,
        at: at.into(),
    };
    ApplicationDetailView {
        row,
        history: vec![
            step(ApplicationState::Submitted, "03.11.2026 10:14"),
            step(ApplicationState::Received, "03.11.2026 10:16"),
            step(ApplicationState::InReview, "05.11.2026 09:40"),
        ],
    }
}

/// The technician's settings form: a reader on a USB adapter, a printer that is unplugged,
/// and a code that is refused.
pub fn settings_draft() -> crate::settings::SettingsDraft {
    use crate::settings::{PortInfo, Settings, SettingsDraft};
    let original = Settings {
        reader_port: Some("/dev/ttyUSB0".into()),
        reader_baud: 9600,
        reader_line: crate::settings::Line {
            data_bits: 8,
            parity: "none".into(),
            stop_bits: 1,
        },
        reader_framing: "3m".into(),
        printer_port: Some("/dev/ttyS1".into()),
        printer_baud: 38400,
        central_url: "https://api.dost.gov.az".into(),
        kiosk_id: "DOST-YASAMAL-K01".into(),
        kiosk_code: "YAS01".into(),
        center_name: "DOST Yasamal".into(),
    };
    let mut draft = SettingsDraft::new_from(
        original,
        vec![
            PortInfo {
                path: "/dev/ttyUSB0".into(),
                usb: Some("0403:6001 FT232R USB UART".into()),
            },
            PortInfo {
                path: "/dev/ttyS0".into(),
                usb: None,
            },
        ],
    );
    draft.edit(crate::settings::KIOSK_CODE, "YAS-01");
    draft.check();
    draft
}

/// Service mode as technicians and staff see it (technical texts are not translated).
pub fn service_mode() -> ServiceModeView {
    let part = |name: &str, level, detail: &str| PartView {
        name: name.into(),
        level,
        detail: detail.into(),
    };
    let held = |job_id, application_id: &str, reason: &str| HeldReceiptView {
        job_id,
        application_id: application_id.into(),
        reason: reason.into(),
    };
    ServiceModeView {
        pin_refusal: None,
        checking: false,
        parts: vec![
            part(
                "card_reader",
                PartLevel::Ok,
                "ready (simulated, /dev/ttyUSB0)",
            ),
            part(
                "printer",
                PartLevel::Warn,
                "paper low: about 25 receipts left",
            ),
            part(
                "centre link",
                PartLevel::Fail,
                "timeout after 10 s (https://api.dost.gov.az)",
            ),
            part("disk", PartLevel::Ok, "41.2 GB free of 58.0 GB"),
            part("database", PartLevel::Ok, "kiosk.db 12.4 MB, integrity ok"),
            part("clock", PartLevel::Warn, "NTP not synchronised for 3 h"),
        ],
        paper: PaperView {
            level: "low".into(),
            receipts_left: Some(25),
            used_mm: 71_250,
        },
        held: vec![
            held(418, "YAS01-261124-0007", "paper-out"),
            held(421, "YAS01-261124-0009", "cover-open"),
        ],
        outbox_depth: 3,
        sync_error: Some("connect timeout (10 s) to api.dost.gov.az".into()),
        log_tail: vec![
            "21:04:58 INFO  relay: batch of 2 delivered (201)".into(),
            "21:05:03 WARN  printer: paper near end".into(),
            "21:05:11 INFO  session: started (card verified)".into(),
            "21:05:40 INFO  outbox: application YAS01-261124-0007 committed".into(),
            "21:05:41 WARN  printer: receipt job 418 held (paper-out)".into(),
            "21:06:10 WARN  relay: connect timeout, retry in 8.4 s".into(),
            "21:06:19 WARN  relay: connect timeout, retry in 17.1 s".into(),
            "21:06:30 INFO  service: technician PIN accepted".into(),
        ],
        message: Some("Test page queued (job 422)".into()),
        kiosk_id: "YAS01-K03".into(),
        version: "1.0.0".into(),
        settings: None,
    }
}

/// A realistic view model of `screen` in `lang` (demo mode, centre "DOST Yasamal").
pub fn sample(screen: ScreenId, lang: Lang) -> ViewModel {
    let mut vm = ViewModel {
        screen,
        lang,
        demo: true,
        center_name: t(lang, "DOST Yasamal", "DOST Ясамал", "DOST Yasamal"),
        ..ViewModel::default()
    };
    let in_session = !matches!(
        screen,
        ScreenId::Attract
            | ScreenId::ReadingCard
            | ScreenId::CardError
            | ScreenId::OutOfService
            | ScreenId::ServicePin
            | ScreenId::ServiceTechnician
            | ScreenId::ServiceStaff
            | ScreenId::ServiceSettings
    );
    if in_session {
        vm.citizen = Some(CitizenView {
            display_name: "Əli Məmmədov".into(),
            masked_fin: "5ZX****".into(),
        });
    }
    match screen {
        ScreenId::Attract | ScreenId::ReadingCard | ScreenId::Welcome | ScreenId::Submitting => {}
        ScreenId::ServiceInfo => vm.selected_service = services(lang).into_iter().nth(3),
        ScreenId::ApplicationDetail => vm.application_detail = Some(application_detail(lang)),
        ScreenId::Rating => {}
        ScreenId::ServicePin => {
            vm.service = Some(ServiceModeView {
                pin_refusal: Some(crate::view::PinRefusal::Wrong { tries_left: 2 }),
                ..ServiceModeView::default()
            });
        }
        ScreenId::ServiceTechnician | ScreenId::ServiceStaff => {
            let mut m = service_mode();
            if screen == ScreenId::ServiceStaff {
                m.message = Some("Held receipts queued for printing".into());
            }
            vm.service = Some(m);
        }
        ScreenId::ServiceSettings => {
            let draft = settings_draft();
            let mut m = service_mode();
            m.settings = Some(crate::view::SettingsView {
                saving: false,
                save_error: None,
                invalid: true,
            });
            vm.service = Some(m);
            vm.form = Some(FormView {
                service_title: String::new(),
                fields: draft.fields(),
                page: 1,
                pages: 1,
            });
        }
        ScreenId::CardError => vm.card_error = Some(CardErrorKind::Unreadable),
        ScreenId::Catalog => vm.services = services(lang),
        ScreenId::Form => {
            vm.selected_service = services(lang).into_iter().next();
            vm.form = Some(form(lang));
        }
        ScreenId::Review => {
            vm.selected_service = services(lang).into_iter().next();
            vm.review = Some(review(lang));
        }
        ScreenId::Done => {
            vm.done = Some(DoneView {
                application_id: "YAS01-261124-0007".into(),
                service_title: pick(lang, SERVICES[0].3),
                receipt: ReceiptState::NotAvailable,
                qr_payload: "https://dost.gov.az/status/YAS01-261124-0007".into(),
            });
            vm.printer_unavailable = true;
        }
        ScreenId::MyApplications => vm.applications = Some(applications(lang)),
        ScreenId::OutOfService => vm.out_of_service = Some(OutOfServiceKind::CardReader),
    }
    vm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_and_language_has_a_sample() {
        for screen in ScreenId::ALL {
            for lang in Lang::ALL {
                let vm = sample(screen, lang);
                assert_eq!((vm.screen, vm.lang), (screen, lang));
            }
        }
        assert!(services(Lang::Az).len() >= 8);
        let m = service_mode();
        assert_eq!((m.parts.len(), m.held.len(), m.log_tail.len()), (6, 2, 8));
        assert_eq!(m.paper.level, "low");
        for lang in Lang::ALL {
            assert!(
                sample(ScreenId::ApplicationDetail, lang)
                    .application_detail
                    .is_some()
            );
            assert!(
                sample(ScreenId::ServiceInfo, lang)
                    .selected_service
                    .is_some()
            );
            assert!(sample(ScreenId::ServicePin, lang).service.is_some());
        }
        assert!(
            sample(ScreenId::Form, Lang::Az)
                .form
                .unwrap()
                .fields
                .iter()
                .any(|f| f.error.is_some())
        );
    }
}
