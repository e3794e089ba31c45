//! The citizen's own applications and the rating at the end of a visit.

use super::{AppList, Ctx, Effect, Phase, Session};

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
