//! Which screen shows what: a pure function of device health and session, faults first.

use chrono::{DateTime, Utc};

use crate::catalog::{Catalog, FieldKindDef, Service};
use crate::session::{Phase, Policy, Session};
use crate::validate;
use crate::view::{
    ApplicationDetailView, ApplicationRow, ApplicationsView, CitizenView, DoneView, FieldKind,
    FieldView, FormView, HistoryRow, Lang, OutOfServiceKind, ReviewView, ScreenId, ServiceView,
    ViewModel,
};

/// Health of the parts the screen depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Health {
    /// The local database accepts writes.
    pub storage_ok: bool,
    /// The card reader is online.
    pub reader_ok: bool,
    /// The receipt printer can print now.
    pub printer_ok: bool,
}

impl Default for Health {
    fn default() -> Self {
        Self {
            storage_ok: true,
            reader_ok: true,
            printer_ok: true,
        }
    }
}

/// Static facts for the view.
pub struct ViewCtx<'a> {
    pub catalog: &'a Catalog,
    pub policy: &'a Policy,
    pub center_name: &'a str,
    pub demo: bool,
}

/// Local time in Asia/Baku, as Azerbaijanis write it.
pub fn baku_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Asia::Baku)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

pub fn service_view(catalog: &Catalog, s: &Service, lang: Lang) -> ServiceView {
    ServiceView {
        id: s.id.clone(),
        area_id: s.area.clone(),
        area: catalog
            .area(&s.area)
            .map(|a| a.title.get(lang).to_owned())
            .unwrap_or_default(),
        title: s.title.get(lang).to_owned(),
        summary: s.summary.get(lang).to_owned(),
        needs: s.needs.get(lang).to_owned(),
        duration: s.duration.get(lang).to_owned(),
    }
}

/// Shown value of an answer (choice ids become labels, phones are spaced).
fn shown_value(f: &crate::catalog::Field, raw: &str, lang: Lang) -> String {
    match f.kind {
        FieldKindDef::Choice => f
            .options
            .iter()
            .find(|o| o.id == raw || o.label.get(lang) == raw)
            .map(|o| o.label.get(lang).to_owned())
            .unwrap_or_else(|| raw.to_owned()),
        FieldKindDef::Phone => validate::phone(raw)
            .map(|p| validate::format_phone(&p))
            .unwrap_or_else(|_| raw.to_owned()),
        _ => raw.to_owned(),
    }
}

fn app_row(catalog: &Catalog, r: &crate::session::AppRecord, lang: Lang) -> ApplicationRow {
    ApplicationRow {
        application_id: r.application_id.clone(),
        service_title: catalog
            .service(&r.service_id)
            .map(|s| s.title.get(lang).to_owned())
            .unwrap_or_else(|| r.service_id.clone()),
        state: r.state,
        as_of: r.as_of.map(baku_time).unwrap_or_default(),
        pending_upload: r.pending_upload,
    }
}

/// The view model for this session and health.
pub fn view(s: &Session, health: Health, ctx: &ViewCtx) -> ViewModel {
    let lang = s.lang;
    let mut vm = ViewModel {
        lang,
        demo: ctx.demo,
        center_name: ctx.center_name.to_owned(),
        printer_unavailable: !health.printer_ok,
        idle_countdown: s.idle_countdown(ctx.policy),
        submit_failed: s.submit_failed,
        large_text: s.large_text,
        high_contrast: s.high_contrast,
        citizen: s.citizen.as_ref().map(|c| CitizenView {
            display_name: c.display_name.clone(),
            masked_fin: crate::text::mask_fin(&c.fin),
        }),
        ..ViewModel::default()
    };
    // Faults first: a kiosk that cannot store cannot serve anyone.
    if !health.storage_ok {
        vm.screen = ScreenId::OutOfService;
        vm.out_of_service = Some(OutOfServiceKind::Storage);
        vm.citizen = None;
        return vm;
    }
    if !health.reader_ok && matches!(s.phase, Phase::Attract | Phase::CardError { .. }) {
        vm.screen = ScreenId::OutOfService;
        vm.out_of_service = Some(OutOfServiceKind::CardReader);
        return vm;
    }
    let service = s.service_id().and_then(|id| ctx.catalog.service(id));
    vm.selected_service = service.map(|svc| service_view(ctx.catalog, svc, lang));
    vm.screen = match &s.phase {
        Phase::Attract => ScreenId::Attract,
        Phase::Verifying => ScreenId::ReadingCard,
        Phase::CardError { kind, .. } => {
            vm.card_error = Some(*kind);
            ScreenId::CardError
        }
        Phase::Welcome => ScreenId::Welcome,
        Phase::Catalog => {
            // Grouped by area, in catalog order of the areas.
            vm.services = ctx
                .catalog
                .areas
                .iter()
                .flat_map(|a| ctx.catalog.services.iter().filter(move |s| s.area == a.id))
                .map(|svc| service_view(ctx.catalog, svc, lang))
                .collect();
            ScreenId::Catalog
        }
        Phase::Form { page, .. } => {
            if let Some(svc) = service {
                vm.form = Some(FormView {
                    service_title: svc.title.get(lang).to_owned(),
                    page: *page,
                    pages: svc.pages(),
                    fields: svc
                        .fields_on(*page)
                        .map(|f| FieldView {
                            id: f.id.clone(),
                            label: f.label.get(lang).to_owned(),
                            help: f
                                .help
                                .as_ref()
                                .map(|h| h.get(lang).to_owned())
                                .unwrap_or_default(),
                            kind: FieldKind::from(f.kind),
                            required: f.required,
                            value: s
                                .answers
                                .get(&f.id)
                                .map(|raw| match f.kind {
                                    FieldKindDef::Choice => shown_value(f, raw, lang),
                                    _ => raw.clone(),
                                })
                                .unwrap_or_default(),
                            options: f
                                .options
                                .iter()
                                .map(|o| o.label.get(lang).to_owned())
                                .collect(),
                            error: s.errors.get(&f.id).copied(),
                        })
                        .collect(),
                });
            }
            ScreenId::Form
        }
        Phase::Review { .. } => {
            if let Some(svc) = service {
                vm.review = Some(ReviewView {
                    service_title: svc.title.get(lang).to_owned(),
                    rows: svc
                        .fields
                        .iter()
                        .filter_map(|f| {
                            let raw = s.answers.get(&f.id)?.trim();
                            (!raw.is_empty())
                                .then(|| (f.label.get(lang).to_owned(), shown_value(f, raw, lang)))
                        })
                        .collect(),
                });
            }
            ScreenId::Review
        }
        Phase::Submitting { .. } => ScreenId::Submitting,
        Phase::ServiceInfo { .. } => ScreenId::ServiceInfo,
        Phase::ApplicationDetail { application_id } => {
            vm.application_detail = s
                .applications
                .records
                .iter()
                .find(|r| &r.application_id == application_id)
                .map(|r| ApplicationDetailView {
                    row: app_row(ctx.catalog, r, lang),
                    history: r
                        .history
                        .iter()
                        .map(|(state, at)| HistoryRow {
                            state: *state,
                            at: baku_time(*at),
                        })
                        .collect(),
                });
            ScreenId::ApplicationDetail
        }
        Phase::Rating { .. } => ScreenId::Rating,
        Phase::Service { role } => {
            vm.citizen = None;
            vm.idle_countdown = None;
            let mut data = s.service_view.as_deref().cloned().unwrap_or_default();
            data.pin_refusal = s.pin_refusal;
            data.checking = s.checking_pin;
            match (&s.settings, role) {
                (Some(draft), Some(crate::service::Role::Technician)) => {
                    data.settings = Some(crate::view::SettingsView {
                        saving: draft.saving,
                        save_error: draft.save_error.clone(),
                        invalid: !draft.errors.is_empty(),
                    });
                    vm.form = Some(FormView {
                        service_title: String::new(),
                        fields: draft.fields(),
                        page: 1,
                        pages: 1,
                    });
                }
                _ => data.settings = None,
            }
            let settings_open = data.settings.is_some();
            vm.service = Some(data);
            match role {
                None => ScreenId::ServicePin,
                Some(crate::service::Role::Technician) if settings_open => {
                    ScreenId::ServiceSettings
                }
                Some(crate::service::Role::Technician) => ScreenId::ServiceTechnician,
                Some(crate::service::Role::Staff) => ScreenId::ServiceStaff,
            }
        }
        Phase::Done {
            application_id,
            lookup_code,
            receipt,
            ..
        } => {
            vm.done = Some(DoneView {
                application_id: application_id.clone(),
                service_title: service
                    .map(|s| s.title.get(lang).to_owned())
                    .unwrap_or_default(),
                receipt: *receipt,
                qr_payload: lookup_code.clone(),
            });
            ScreenId::Done
        }
        Phase::MyApplications => {
            let list = &s.applications;
            vm.applications = Some(ApplicationsView {
                offline: list.offline,
                loading: list.loading,
                rows: list
                    .records
                    .iter()
                    .map(|r| app_row(ctx.catalog, r, lang))
                    .collect(),
            });
            ScreenId::MyApplications
        }
    };
    vm
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Citizen, Session};
    use std::path::Path;

    fn catalog() -> Catalog {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/services.toml");
        Catalog::load(&p).unwrap_or_else(|e| panic!("{e}"))
    }

    fn welcome() -> Session {
        Session {
            phase: Phase::Welcome,
            citizen: Some(Citizen {
                fin: "5ZX7K2P".into(),
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
        let all_bad = Health {
            storage_ok: false,
            reader_ok: false,
            printer_ok: false,
        };
        let vm = view(&welcome(), all_bad, &ctx);
        assert_eq!(vm.screen, ScreenId::OutOfService);
        assert_eq!(vm.out_of_service, Some(OutOfServiceKind::Storage));
        assert!(vm.citizen.is_none());

        let reader_down = Health {
            reader_ok: false,
            ..Health::default()
        };
        let attract = Session::new(Lang::Az);
        assert_eq!(
            view(&attract, reader_down, &ctx).out_of_service,
            Some(OutOfServiceKind::CardReader)
        );
        // A citizen already in a session keeps being served.
        assert_eq!(
            view(&welcome(), reader_down, &ctx).screen,
            ScreenId::Welcome
        );

        let printer_down = Health {
            printer_ok: false,
            ..Health::default()
        };
        let vm = view(&welcome(), printer_down, &ctx);
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
        let vm = view(&welcome(), Health::default(), &ctx);
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
        let vm = view(&s, Health::default(), &ctx);
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
            .insert("phone".into(), crate::view::FieldError::PhoneFormat);
        let vm = view(&s, Health::default(), &ctx);
        let form = vm.form.unwrap_or_default();
        assert_eq!(form.pages, 1);
        assert_eq!(form.fields.len(), 2);
        assert_eq!(
            form.fields[0].error,
            Some(crate::view::FieldError::PhoneFormat)
        );
        assert_eq!(form.fields[1].value, "Pensiya");
        assert_eq!(form.fields[1].options.len(), 3);
        s.phase = Phase::Review {
            service: "lawyer-consultation".into(),
        };
        let review = view(&s, Health::default(), &ctx).review.unwrap_or_default();
        assert_eq!(
            review.rows,
            vec![
                ("Mobil nömrə".to_owned(), "+994 50 123 45 67".to_owned()),
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
}
