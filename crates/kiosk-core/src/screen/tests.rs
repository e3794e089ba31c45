use super::*;
use crate::card::{Citizen, CitizenKey};
use crate::health::{PrinterFacts, SensorPaper};
use crate::session::Session;
use dost_api::{DeviceState, Fin, Lang};

fn catalog() -> Catalog {
    let text = include_str!("../../../../config/services.toml");
    Catalog::parse(text, "services.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn with_devices(reader: DeviceState, printer: DeviceState) -> Facts {
    Facts {
        devices: DeviceBoard {
            reader: Some(reader),
            printer: Some(PrinterFacts {
                state: printer,
                paper: SensorPaper::Ok,
                cover_open: false,
                cutter_error: false,
            }),
            ..DeviceBoard::default()
        },
        ..Facts::default()
    }
}

fn welcome() -> Session {
    Session {
        phase: Phase::Welcome,
        citizen: Some(Citizen {
            key: CitizenKey::new(Fin::parse("5ZX7K2P").ok().as_ref(), "AA1234567"),
            document_number: "AA1234567".into(),
            display_name: "Ali Mammadov".into(),
            expiry: chrono::NaiveDate::MIN,
        }),
        ..Session::new(Lang::Ru)
    }
}

#[test]
fn faults_come_first() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = ViewCtx {
        catalog: &cat,
        policy: &policy,
        center_name: "DOST Yasamal",
        demo: true,
    };
    let all_bad = Facts {
        storage_ok: false,
        ..with_devices(DeviceState::NoDevice, DeviceState::NoDevice)
    };
    let vm = view(&welcome(), &all_bad, &ctx);
    assert_eq!(vm.screen, ScreenId::OutOfService);
    assert_eq!(vm.out_of_service, Some(OutOfServiceKind::Storage));
    assert!(vm.citizen.is_none());

    let reader_down = with_devices(DeviceState::NoDevice, DeviceState::Online);
    let attract = Session::new(Lang::Az);
    assert_eq!(
        view(&attract, &reader_down, &ctx).out_of_service,
        Some(OutOfServiceKind::CardReader)
    );
    // A citizen already in a session keeps being served.
    assert_eq!(
        view(&welcome(), &reader_down, &ctx).screen,
        ScreenId::Welcome
    );

    let printer_down = with_devices(DeviceState::Online, DeviceState::Offline);
    let vm = view(&welcome(), &printer_down, &ctx);
    assert_eq!(vm.screen, ScreenId::Welcome);
    assert!(vm.printer_unavailable);
}

#[test]
fn welcome_shows_masked_identity_in_language() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = ViewCtx {
        catalog: &cat,
        policy: &policy,
        center_name: "DOST Yasamal",
        demo: false,
    };
    let vm = view(&welcome(), &Facts::default(), &ctx);
    assert_eq!(vm.lang, Lang::Ru);
    let c = vm.citizen.clone().unwrap_or_default();
    assert_eq!(c.masked_fin, "5ZX****");
    assert_eq!(c.display_name, "Ali Mammadov");
    assert!(!format!("{vm:?}").contains("5ZX7K2P"));
}

#[test]
fn catalog_is_grouped_and_translated() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = ViewCtx {
        catalog: &cat,
        policy: &policy,
        center_name: "",
        demo: false,
    };
    let s = Session {
        phase: Phase::Catalog,
        ..welcome()
    };
    let vm = view(&s, &Facts::default(), &ctx);
    assert_eq!(vm.services.len(), cat.services.len());
    let areas: Vec<&str> = vm.services.iter().map(|s| s.area_id.as_str()).collect();
    let mut dedup = areas.clone();
    dedup.dedup();
    let mut unique = dedup.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(dedup.len(), unique.len(), "areas are contiguous: {areas:?}");
    assert!(vm.services.iter().any(|s| s.title == "Консультация юриста"));
}

#[test]
fn form_review_and_errors() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = ViewCtx {
        catalog: &cat,
        policy: &policy,
        center_name: "",
        demo: false,
    };
    let mut s = Session {
        phase: Phase::Form {
            service: "lawyer-consultation".into(),
            page: 1,
        },
        lang: Lang::Az,
        ..welcome()
    };
    s.answers.insert("phone".into(), "0501234567".into());
    s.answers.insert("topic".into(), "pension".into());
    s.errors
        .insert("phone".into(), crate::validate::FieldError::PhoneFormat);
    let vm = view(&s, &Facts::default(), &ctx);
    let form = vm.form.unwrap_or_default();
    assert_eq!(form.pages, 1);
    assert_eq!(form.fields.len(), 2);
    assert_eq!(
        form.fields[0].error,
        Some(crate::validate::FieldError::PhoneFormat)
    );
    assert_eq!(form.fields[1].value, "Pensiya");
    assert_eq!(form.fields[1].options.len(), 3);
    s.phase = Phase::Review {
        service: "lawyer-consultation".into(),
    };
    let review = view(&s, &Facts::default(), &ctx).review.unwrap_or_default();
    assert_eq!(
        review.rows,
        vec![
            ("Əlaqə nömrəsi".to_owned(), "+994 50 123 45 67".to_owned()),
            ("Mövzu".to_owned(), "Pensiya".to_owned())
        ]
    );
}

#[test]
fn baku_is_utc_plus_four() {
    let t = DateTime::parse_from_rfc3339("2026-11-24T20:05:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default();
    assert_eq!(baku_time(t), "25.11.2026 00:05");
}
