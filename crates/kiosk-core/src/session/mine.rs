//! The citizen's own applications and the rating at the end of a visit.

use dost_api::ApplicationId;

use super::{AppList, Ctx, Effect, Phase, ReceiptFate, Session};
use crate::view::UiEvent;

pub(super) fn on_ui(s: Session, ui: UiEvent, _ctx: &Ctx, fx: &mut Vec<Effect>) -> Session {
    match ui {
        UiEvent::OpenMyApplications => match (&s.phase, &s.citizen) {
            (
                Phase::Welcome | Phase::Done { .. } | Phase::Catalog | Phase::Ticket { .. },
                Some(c),
            ) => {
                fx.push(Effect::LoadApplications {
                    generation: s.generation,
                    citizen: c.key.clone(),
                });
                Session {
                    phase: Phase::MyApplications,
                    applications: AppList {
                        loading: true,
                        ..AppList::default()
                    },
                    ..s
                }
            }
            _ => s,
        },
        UiEvent::OpenApplication(id) => {
            let listed = s
                .applications
                .records
                .iter()
                .any(|r| r.application_id == id);
            if s.phase == Phase::MyApplications && listed {
                Session {
                    phase: Phase::ApplicationDetail { application_id: id },
                    ..s
                }
            } else {
                s
            }
        }
        UiEvent::ReprintReceipt(id) => reprint(s, id, fx),
        UiEvent::Rate(score) => match &s.phase {
            Phase::Rating { service } => {
                fx.push(Effect::Rate {
                    service_id: service.clone(),
                    score: score.clamp(1, 5),
                    lang: s.lang,
                });
                // "Thank you", then the session ends (by time, or "finish").
                Session {
                    phase: Phase::Thanks { since_ms: s.now_ms },
                    ..s
                }
            }
            _ => s,
        },
        _ => s,
    }
}

/// "Print again" on the detail of an application whose receipt was not taken: once per
/// receipt (a second tap finds it reprinting), only for the application shown.
fn reprint(mut s: Session, id: ApplicationId, fx: &mut Vec<Effect>) -> Session {
    let shown =
        matches!(&s.phase, Phase::ApplicationDetail { application_id } if *application_id == id);
    let generation = s.generation;
    if let Some(r) = s
        .applications
        .records
        .iter_mut()
        .find(|r| shown && r.application_id == id && r.receipt == ReceiptFate::NotTaken)
    {
        r.receipt = ReceiptFate::Reprinting;
        fx.push(Effect::Reprint {
            generation,
            application_id: id,
        });
    }
    s
}

/// The store's answer to a reprint: a receipt that could not be queued is offered again.
pub(super) fn on_reprinted(mut s: Session, id: &ApplicationId, queued: bool) -> Session {
    if let Some(r) = s
        .applications
        .records
        .iter_mut()
        .find(|r| &r.application_id == id && r.receipt == ReceiptFate::Reprinting)
        && !queued
    {
        r.receipt = ReceiptFate::NotTaken;
    }
    s
}
