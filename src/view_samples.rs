//! Sample view models for screenshots and UI previews only (never shown to citizens).
//!
//! `sample(screen, lang)` gives a realistic view model of every screen in every language:
//! citizen "Əli Məmmədov" (FİN 5ZX****), nine DOST services, a two-field form (one field
//! with an error), a finished application and three applications with their status.

use dost_api::ApplicationState;

use crate::view::{
    ApplicationRow, ApplicationsView, CardErrorKind, CitizenView, DoneView, FieldError, FieldKind,
    FieldView, FormView, Lang, OutOfServiceKind, ReceiptState, ReviewView, ScreenId, ServiceView,
    ViewModel,
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
        ScreenId::Attract | ScreenId::ReadingCard | ScreenId::CardError | ScreenId::OutOfService
    );
    if in_session {
        vm.citizen = Some(CitizenView {
            display_name: "Əli Məmmədov".into(),
            masked_fin: "5ZX****".into(),
        });
    }
    match screen {
        ScreenId::Attract | ScreenId::ReadingCard | ScreenId::Welcome | ScreenId::Submitting => {}
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
