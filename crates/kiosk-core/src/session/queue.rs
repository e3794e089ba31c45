//! Queue tickets of desk services: the optional SMS number (with consent) is checked, the
//! ticket asked for, and shown when it is numbered and stored.

use std::collections::BTreeMap;

use super::{Ctx, Effect, Phase, Session, Ticket};
use crate::catalog::FieldKind;

/// Asks for the ticket of the service on show (its form pages, if any, are checked).
pub(super) fn request(s: Session, ctx: &Ctx, fx: &mut Vec<Effect>) -> Session {
    let Some(svc) = s.service_id().and_then(|id| ctx.catalog.service(id)) else {
        return s;
    };
    if !svc.desk_only {
        return s;
    }
    for page in 1..=svc.pages() {
        let errors = super::form::check_page(svc, page, &s.answers, s.lang);
        if !errors.is_empty() && !svc.fields.is_empty() {
            return Session {
                phase: Phase::Form {
                    service: svc.id.clone(),
                    page,
                },
                errors,
                ..s
            };
        }
    }
    // The SMS number, normalised, when one was given (its consent was checked above).
    let sms_phone = svc
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Mobile | FieldKind::Phone))
        .find_map(|f| {
            let raw = s.answers.get(&f.id)?;
            super::form::normalise(f, raw, s.lang)
                .ok()
                .filter(|v| !v.is_empty())
        });
    fx.push(Effect::IssueTicket {
        generation: s.generation,
        service_id: svc.id.clone(),
        lang: s.lang,
        sms_phone: sms_phone.clone(),
    });
    Session {
        phase: Phase::IssuingTicket {
            service: svc.id.clone(),
        },
        submit_failed: false,
        remembered_phone: sms_phone.or(s.remembered_phone.clone()),
        ..s
    }
}

pub(super) fn on_issued(s: Session, ticket: Ticket) -> Session {
    match s.phase {
        Phase::IssuingTicket { service } => Session {
            phase: Phase::Ticket { service, ticket },
            answers: BTreeMap::new(),
            answers_for: None,
            errors: BTreeMap::new(),
            last_activity_ms: s.now_ms,
            ..s
        },
        _ => s,
    }
}

/// The ticket could not be stored: back to the service's last page, saying so.
pub(super) fn on_failed(s: Session) -> Session {
    match s.phase {
        Phase::IssuingTicket { service } => Session {
            phase: Phase::ServiceInfo { service },
            submit_failed: true,
            last_activity_ms: s.now_ms,
            ..s
        },
        _ => s,
    }
}
