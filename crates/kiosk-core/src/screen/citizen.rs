//! The citizen's screens: catalog, service information, form, review, done, applications.

use dost_api::Lang;

use super::{ViewCtx, baku_time};
use crate::catalog::{Catalog, Field, FieldKind, Service};
use crate::print::lookup_code;
use crate::session::{AppRecord, Phase, Session};
use crate::validate;
use crate::view::{
    ApplicationDetailView, ApplicationRow, ApplicationsView, ChipView, DoneView, FieldView,
    FormView, HistoryRow, RejectionView, ReviewView, ScreenId, ServiceView, TicketView, ViewModel,
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
        desk_only: s.desk_only,
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
            status_url,
            delivered,
            ..
        } => {
            let text = |f: fn(&Service) -> &crate::catalog::L10n| {
                service
                    .map(|s| f(s).get(lang).to_owned())
                    .unwrap_or_default()
            };
            vm.done = Some(DoneView {
                application_id: application_id.clone(),
                service_title: text(|s| &s.title),
                receipt: *receipt,
                qr_payload: if status_url.is_empty() {
                    lookup_code(application_id)
                } else {
                    status_url.clone()
                },
                next_steps: text(|s| &s.next_steps),
                duration: text(|s| &s.duration),
                delivered: *delivered,
            });
            ScreenId::Done
        }
        Phase::IssuingTicket { .. } | Phase::Ticket { .. } => {
            vm.ticket = Some(ticket_view(s, service));
            ScreenId::QueueTicket
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
                .map(|r| detail(ctx.catalog, r, lang));
            ScreenId::ApplicationDetail
        }
        Phase::Rating { .. } => ScreenId::Rating,
        Phase::ReadingChip { percent, .. } => {
            vm.chip = Some(ChipView {
                percent: *percent,
                refusal: None,
            });
            ScreenId::ReadingChip
        }
        Phase::ChipRefused { refusal, .. } => {
            vm.chip = Some(ChipView {
                percent: 0,
                refusal: Some(*refusal),
            });
            ScreenId::ChipRefused
        }
        Phase::Thanks { .. } => {
            vm.rated = true;
            ScreenId::Rating
        }
        // Service mode is drawn by `service::fill`.
        Phase::ServicePin | Phase::Service(_) => ScreenId::ServicePin,
    }
}

/// One application's detail: its history, its receipt and, rejected, the centre's reason.
fn detail(catalog: &Catalog, r: &AppRecord, lang: Lang) -> ApplicationDetailView {
    ApplicationDetailView {
        row: app_row(catalog, r, lang),
        history: r
            .history
            .iter()
            .map(|(state, at)| HistoryRow {
                state: *state,
                at: baku_time(*at),
            })
            .collect(),
        receipt: r.receipt,
        rejection: r
            .rejection
            .as_ref()
            .filter(|_| r.state == dost_api::ApplicationState::Rejected)
            .map(|j| RejectionView {
                reason: j.reason.get(lang).to_owned(),
                next_step: j.next_step.get(lang).to_owned(),
                action: j.action,
            }),
    }
}

/// The ticket being asked for (no number yet) or issued.
fn ticket_view(s: &Session, service: Option<&Service>) -> TicketView {
    let service_title = service
        .map(|svc| svc.title.get(s.lang).to_owned())
        .unwrap_or_default();
    match &s.phase {
        Phase::Ticket { ticket: t, .. } => TicketView {
            service_title,
            number: t.number.clone(),
            issued_at: t
                .issued_at
                .with_timezone(&chrono_tz::Asia::Baku)
                .format("%H:%M")
                .to_string(),
            people_ahead: t.people_ahead,
            wait_min: t.wait_min,
            offline: t.offline,
            qr_payload: t.status_url.clone(),
            sms: t.sms,
            printing: t.printing,
        },
        _ => TicketView {
            service_title,
            ..TicketView::default()
        },
    }
}

fn form(svc: &Service, page: u32, s: &Session) -> FormView {
    let lang = s.lang;
    FormView {
        service_title: svc.title.get(lang).to_owned(),
        page,
        pages: svc.pages(),
        desk_only: svc.desk_only,
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
                max_chars: validate::max_chars(f.kind, f.limits()),
                limits: f.limits(),
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
        FieldKind::Phone | FieldKind::Mobile => validate::phone(raw)
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
