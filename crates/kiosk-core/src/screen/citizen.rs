//! The citizen's screens: catalog, service information, form, review, done, applications.

use dost_api::Lang;

use super::{ViewCtx, baku_time};
use crate::catalog::{Catalog, Field, FieldKind, Service};
use crate::print::lookup_code;
use crate::session::{AppRecord, Phase, Session};
use crate::validate;
use crate::view::{
    ApplicationDetailView, ApplicationRow, ApplicationsView, DoneView, FieldView, FormView,
    HistoryRow, ReviewView, ScreenId, ServiceView, ViewModel,
};

/// One service of the catalog in `lang`.
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

/// Fills the citizen's part of `vm` for the session's phase; returns the screen.
pub(super) fn fill(vm: &mut ViewModel, s: &Session, ctx: &ViewCtx) -> ScreenId {
    let lang = s.lang;
    let service = s.service_id().and_then(|id| ctx.catalog.service(id));
    vm.selected_service = service.map(|svc| service_view(ctx.catalog, svc, lang));
    match &s.phase {
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
        Phase::ServiceInfo { .. } => ScreenId::ServiceInfo,
        Phase::Form { page, .. } => {
            vm.form = service.map(|svc| form(svc, *page, s));
            ScreenId::Form
        }
        Phase::Review { .. } => {
            vm.review = service.map(|svc| review(svc, s));
            ScreenId::Review
        }
        Phase::Submitting { .. } => ScreenId::Submitting,
        Phase::Done {
            application_id,
            receipt,
            ..
        } => {
            vm.done = Some(DoneView {
                application_id: application_id.clone(),
                service_title: service
                    .map(|s| s.title.get(lang).to_owned())
                    .unwrap_or_default(),
                receipt: *receipt,
                qr_payload: lookup_code(application_id),
                next_steps: service
                    .map(|s| s.next_steps.get(lang).to_owned())
                    .unwrap_or_default(),
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
        // Service mode is drawn by `service::fill`.
        Phase::ServicePin | Phase::Service(_) => ScreenId::ServicePin,
    }
}

fn form(svc: &Service, page: u32, s: &Session) -> FormView {
    let lang = s.lang;
    FormView {
        service_title: svc.title.get(lang).to_owned(),
        page,
        pages: svc.pages(),
        fields: svc
            .fields_on(page)
            .map(|f| FieldView {
                id: f.id.clone(),
                setting: None,
                label: f.label.get(lang).to_owned(),
                help: f
                    .help
                    .as_ref()
                    .map(|h| h.get(lang).to_owned())
                    .unwrap_or_default(),
                kind: f.kind,
                required: f.required,
                value: s
                    .answers
                    .get(&f.id)
                    .map(|raw| match f.kind {
                        FieldKind::Choice => shown_value(f, raw, lang),
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
    }
}

fn review(svc: &Service, s: &Session) -> ReviewView {
    let lang = s.lang;
    ReviewView {
        service_title: svc.title.get(lang).to_owned(),
        rows: svc
            .fields
            .iter()
            .filter_map(|f| {
                let raw = s.answers.get(&f.id)?.trim();
                (!raw.is_empty()).then(|| (f.label.get(lang).to_owned(), shown_value(f, raw, lang)))
            })
            .collect(),
    }
}

/// Shown value of an answer (choice ids become labels, phones are spaced).
fn shown_value(f: &Field, raw: &str, lang: Lang) -> String {
    match f.kind {
        FieldKind::Choice => f
            .options
            .iter()
            .find(|o| o.id == raw || o.label.get(lang) == raw)
            .map(|o| o.label.get(lang).to_owned())
            .unwrap_or_else(|| raw.to_owned()),
        FieldKind::Phone => validate::phone(raw)
            .map(|p| validate::format_phone(&p))
            .unwrap_or_else(|_| raw.to_owned()),
        _ => raw.to_owned(),
    }
}

fn app_row(catalog: &Catalog, r: &AppRecord, lang: Lang) -> ApplicationRow {
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
