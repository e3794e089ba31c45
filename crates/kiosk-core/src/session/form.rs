//! Applying for a service: its information page, the form pages, the review, the submit and
//! its result, and the receipt.

use std::collections::BTreeMap;

use dost_api::{ApplicationId, Lang};

use super::{Ctx, Effect, Phase, Session, Submission};
use crate::catalog::{Field, FieldKind, Service};
use crate::validate::{self, FieldError};
use crate::view::{ReceiptState, UiEvent};

/// Room a value may take beyond what the keyboard types (spaces a citizen's phone or IBAN
/// is grouped with); longer values are refused as they are typed.
const GROUPING_ROOM: usize = 12;

pub(super) fn on_ui(s: Session, ui: UiEvent, ctx: &Ctx, fx: &mut Vec<Effect>) -> Session {
    match ui {
        UiEvent::SelectService(id) => select(s, id, ctx),
        UiEvent::StartForm => match s.phase.clone() {
            Phase::ServiceInfo { service } => {
                let no_questions = ctx
                    .catalog
                    .service(&service)
                    .is_some_and(|svc| svc.desk_only && svc.fields.is_empty());
                if no_questions {
                    // A desk service without questions gives its ticket at once.
                    super::queue::request(s, ctx, fx)
                } else {
                    Session {
                        phase: Phase::Form { service, page: 1 },
                        ..s
                    }
                }
            }
            _ => s,
        },
        UiEvent::FieldEdited { field_id, value } => edited(s, field_id, value, ctx),
        UiEvent::Next => next(s, ctx, fx),
        UiEvent::Back => back(s, ctx),
        UiEvent::Submit => submit(s, ctx, fx),
        _ => s,
    }
}

fn select(s: Session, id: String, ctx: &Ctx) -> Session {
    let Some(svc) = ctx.catalog.service(&id) else {
        return s;
    };
    // From the catalog; "see a specialist" (a desk service) also from the welcome screen.
    let from_welcome = s.phase == Phase::Welcome && svc.desk_only;
    if s.phase != Phase::Catalog && !from_welcome {
        return s;
    }
    // Answers are kept when the citizen comes back to the same service; a new one is offered
    // the phone number of the last application.
    let same = s.answers_for.as_deref() == Some(id.as_str());
    let answers = if same {
        s.answers.clone()
    } else {
        offered_phone(svc, s.remembered_phone.as_deref())
    };
    Session {
        phase: Phase::ServiceInfo {
            service: id.clone(),
        },
        answers,
        errors: BTreeMap::new(),
        answers_for: Some(id),
        submit_failed: false,
        ..s
    }
}

/// The remembered phone number in the phone fields of `svc` (SMS fields: a mobile one only).
fn offered_phone(svc: &Service, phone: Option<&str>) -> BTreeMap<String, String> {
    let Some(phone) = phone else {
        return BTreeMap::new();
    };
    svc.fields
        .iter()
        .filter(|f| match f.kind {
            FieldKind::Phone => true,
            FieldKind::Mobile => validate::mobile(phone).is_ok(),
            _ => false,
        })
        .map(|f| (f.id.clone(), validate::format_phone(phone)))
        .collect()
}

/// The phone number an application was made with (normalised), to offer it again.
fn phone_of(svc: &Service, answers: &BTreeMap<String, String>) -> Option<String> {
    svc.fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Phone | FieldKind::Mobile))
        .find_map(|f| validate::phone(answers.get(&f.id)?).ok())
}

fn edited(mut s: Session, field_id: String, value: String, ctx: &Ctx) -> Session {
    let Phase::Form { service, page } = &s.phase else {
        return s;
    };
    let field = ctx
        .catalog
        .service(service)
        .and_then(|svc| svc.fields_on(*page).find(|f| f.id == field_id));
    // Typing past a field's limit is refused here, not at the review.
    let fits = field.is_some_and(|f| {
        value.chars().count() <= validate::max_chars(f.kind, f.limits()) + GROUPING_ROOM
            && typed_len(f.kind, &value) <= validate::max_chars(f.kind, f.limits())
    });
    if fits {
        s.errors.remove(&field_id);
        s.answers.insert(field_id, value);
    }
    s
}

/// The characters of a value that count against its limit (phones: the digits after `+994`;
/// IBANs: without spaces).
fn typed_len(kind: FieldKind, value: &str) -> usize {
    match kind {
        FieldKind::Phone | FieldKind::Mobile => {
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            let national = match digits.strip_prefix("994") {
                Some(rest) if value.trim_start().starts_with('+') || digits.len() > 9 => rest,
                _ => digits.strip_prefix('0').unwrap_or(&digits),
            };
            national.len()
        }
        FieldKind::Iban => value.chars().filter(|c| !c.is_whitespace()).count(),
        _ => value.chars().count(),
    }
}

fn next(s: Session, ctx: &Ctx, fx: &mut Vec<Effect>) -> Session {
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
    if svc.desk_only && *page >= svc.pages() {
        return super::queue::request(s, ctx, fx);
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
        // "See a specialist" came from the welcome screen.
        Phase::ServiceInfo { service }
            if ctx.catalog.specialist().is_some_and(|sp| sp.id == service) =>
        {
            Phase::Welcome
        }
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
    let remembered_phone = phone_of(svc, &s.answers).or(s.remembered_phone.clone());
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
        remembered_phone,
        ..s
    }
}

pub(super) fn on_stored(
    s: Session,
    application_id: ApplicationId,
    receipt: ReceiptState,
    status_url: String,
) -> Session {
    match s.phase {
        Phase::Submitting { service } => Session {
            phase: Phase::Done {
                service,
                application_id,
                receipt,
                status_url,
                delivered: false,
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

/// The relay delivered an application: the done screen says DOST has it.
pub(super) fn on_delivered(mut s: Session, id: &ApplicationId) -> Session {
    if let Phase::Done {
        application_id,
        delivered,
        ..
    } = &mut s.phase
        && application_id == id
    {
        *delivered = true;
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

pub(super) fn check_page(
    svc: &Service,
    page: u32,
    answers: &BTreeMap<String, String>,
    lang: Lang,
) -> BTreeMap<String, FieldError> {
    let filled = |id: &str| answers.get(id).is_some_and(|v| !v.trim().is_empty());
    svc.fields_on(page)
        .filter_map(|f| {
            let raw = answers.get(&f.id).map(String::as_str).unwrap_or("");
            let consent_missing = f
                .consent_for
                .as_deref()
                .is_some_and(|other| filled(other) && raw.trim() != "yes");
            if consent_missing {
                return Some((f.id.clone(), FieldError::ConsentRequired));
            }
            normalise(f, raw, lang).err().map(|e| (f.id.clone(), e))
        })
        .collect()
}
