//! Applying for a service: its information page, the form pages, the review, the submit and
//! its result, and the receipt.

use std::collections::BTreeMap;

use dost_api::{ApplicationId, Lang};

use super::{Ctx, Effect, Phase, Session, Submission};
use crate::catalog::{Field, FieldKind, Service};
use crate::validate::{self, FieldError};
use crate::view::{ReceiptState, UiEvent};

/// Longest value a field takes from the screen (the catalog's own limits are checked later).
const MAX_VALUE_CHARS: usize = 200;

pub(super) fn on_ui(s: Session, ui: UiEvent, ctx: &Ctx, fx: &mut Vec<Effect>) -> Session {
    match ui {
        UiEvent::SelectService(id) => select(s, id, ctx),
        UiEvent::StartForm => match s.phase {
            Phase::ServiceInfo { service } => Session {
                phase: Phase::Form { service, page: 1 },
                ..s
            },
            _ => s,
        },
        UiEvent::FieldEdited { field_id, value } => edited(s, field_id, value, ctx),
        UiEvent::Next => next(s, ctx),
        UiEvent::Back => back(s, ctx),
        UiEvent::Submit => submit(s, ctx, fx),
        _ => s,
    }
}

fn select(s: Session, id: String, ctx: &Ctx) -> Session {
    if s.phase != Phase::Catalog || ctx.catalog.service(&id).is_none() {
        return s;
    }
    // Answers are kept when the citizen comes back to the same service.
    let same = s.answers_for.as_deref() == Some(id.as_str());
    Session {
        phase: Phase::ServiceInfo {
            service: id.clone(),
        },
        answers: if same { s.answers } else { BTreeMap::new() },
        errors: BTreeMap::new(),
        answers_for: Some(id),
        submit_failed: false,
        ..s
    }
}

fn edited(mut s: Session, field_id: String, value: String, ctx: &Ctx) -> Session {
    let Phase::Form { service, page } = &s.phase else {
        return s;
    };
    let on_page = ctx
        .catalog
        .service(service)
        .is_some_and(|svc| svc.fields_on(*page).any(|f| f.id == field_id));
    if on_page && value.chars().count() <= MAX_VALUE_CHARS {
        s.errors.remove(&field_id);
        s.answers.insert(field_id, value);
    }
    s
}

fn next(s: Session, ctx: &Ctx) -> Session {
    let Phase::Form { service, page } = &s.phase else {
        return s;
    };
    let Some(svc) = ctx.catalog.service(service) else {
        return s;
    };
    let errors = check_page(svc, *page, &s.answers, s.lang);
    if !errors.is_empty() {
        return Session { errors, ..s };
    }
    let phase = if *page < svc.pages() {
        Phase::Form {
            service: service.clone(),
            page: page + 1,
        }
    } else {
        Phase::Review {
            service: service.clone(),
        }
    };
    Session { phase, errors, ..s }
}

fn back(s: Session, ctx: &Ctx) -> Session {
    let phase = match s.phase.clone() {
        Phase::Form { service, page } if page > 1 => Phase::Form {
            service,
            page: page - 1,
        },
        Phase::Form { service, .. } => Phase::ServiceInfo { service },
        Phase::ServiceInfo { .. } => Phase::Catalog,
        Phase::ApplicationDetail { .. } => Phase::MyApplications,
        Phase::Review { service } => {
            let pages = ctx.catalog.service(&service).map_or(1, Service::pages);
            Phase::Form {
                service,
                page: pages,
            }
        }
        Phase::Catalog | Phase::MyApplications => Phase::Welcome,
        other => other,
    };
    Session {
        phase,
        errors: BTreeMap::new(),
        submit_failed: false,
        ..s
    }
}

fn submit(s: Session, ctx: &Ctx, fx: &mut Vec<Effect>) -> Session {
    let (Phase::Review { service }, Some(citizen)) = (&s.phase, &s.citizen) else {
        return s;
    };
    let Some(svc) = ctx.catalog.service(service) else {
        return s;
    };
    // Every page is checked again: a page with an error is shown again.
    for page in 1..=svc.pages() {
        let errors = check_page(svc, page, &s.answers, s.lang);
        if !errors.is_empty() {
            return Session {
                phase: Phase::Form {
                    service: service.clone(),
                    page,
                },
                errors,
                ..s
            };
        }
    }
    let answers = svc
        .fields
        .iter()
        .filter_map(|f| {
            let raw = s.answers.get(&f.id).map(String::as_str).unwrap_or("");
            normalise(f, raw, s.lang)
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| (f.id.clone(), v))
        })
        .collect();
    fx.push(Effect::Submit {
        generation: s.generation,
        submission: Submission {
            service_id: service.clone(),
            lang: s.lang,
            citizen: citizen.key.clone(),
            document_number: citizen.document_number.clone(),
            answers,
        },
    });
    Session {
        phase: Phase::Submitting {
            service: service.clone(),
        },
        submit_failed: false,
        ..s
    }
}

pub(super) fn on_stored(
    s: Session,
    application_id: ApplicationId,
    receipt: ReceiptState,
) -> Session {
    match s.phase {
        Phase::Submitting { service } => Session {
            phase: Phase::Done {
                service,
                application_id,
                receipt,
            },
            answers: BTreeMap::new(),
            answers_for: None,
            errors: BTreeMap::new(),
            submit_failed: false,
            last_activity_ms: s.now_ms,
            ..s
        },
        _ => s,
    }
}

pub(super) fn on_store_failed(s: Session) -> Session {
    match s.phase {
        Phase::Submitting { service } => Session {
            phase: Phase::Review { service },
            submit_failed: true,
            last_activity_ms: s.now_ms,
            ..s
        },
        _ => s,
    }
}

pub(super) fn on_receipt(mut s: Session, id: &ApplicationId, state: ReceiptState) -> Session {
    if let Phase::Done {
        application_id,
        receipt,
        ..
    } = &mut s.phase
        && application_id == id
    {
        *receipt = state;
    }
    // The citizen's list offers to print again a receipt that was just pulled back.
    if state == ReceiptState::NotTaken
        && let Some(r) = s
            .applications
            .records
            .iter_mut()
            .find(|r| &r.application_id == id)
    {
        r.receipt = super::ReceiptFate::NotTaken;
    }
    s
}

/// Checks one value of a field; choice answers are stored by option id.
pub fn normalise(f: &Field, raw: &str, lang: Lang) -> Result<String, FieldError> {
    if f.kind == FieldKind::Choice {
        let raw = raw.trim();
        if raw.is_empty() {
            return if f.required {
                Err(FieldError::Required)
            } else {
                Ok(String::new())
            };
        }
        return f
            .options
            .iter()
            .find(|o| o.id == raw || o.label.get(lang) == raw)
            .map(|o| o.id.clone())
            .ok_or(FieldError::Required);
    }
    validate::check(f.kind, f.required, f.limits(), &[], raw)
}

fn check_page(
    svc: &Service,
    page: u32,
    answers: &BTreeMap<String, String>,
    lang: Lang,
) -> BTreeMap<String, FieldError> {
    svc.fields_on(page)
        .filter_map(|f| {
            let raw = answers.get(&f.id).map(String::as_str).unwrap_or("");
            normalise(f, raw, lang).err().map(|e| (f.id.clone(), e))
        })
        .collect()
}
