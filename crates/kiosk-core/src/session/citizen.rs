//! The citizen's way in and out: a card, the centre's verification, time, idle wipe, the end of
//! a session, and the switches every citizen screen has (language, large text, contrast).

use chrono::NaiveDate;

use super::{Ctx, Effect, Phase, Session, SoundCue, VerifyOutcome, chip};
use crate::card::{CardData, Citizen, OfflineAuth};
use crate::view::{CardErrorKind, UiEvent};

pub(super) fn on_tick(s: Session, ctx: &Ctx, fx: &mut Vec<Effect>) -> Session {
    let s = match chip::on_tick(s, ctx, fx) {
        std::ops::ControlFlow::Break(s) => return s,
        std::ops::ControlFlow::Continue(s) => s,
    };
    let idle_since = s.now_ms.saturating_sub(s.last_activity_ms);
    match s.phase {
        Phase::ServicePin | Phase::Service(_) => {
            if idle_since >= ctx.policy.service_idle_ms {
                fx.push(Effect::ServiceClosed { role: s.role() });
                s.wiped(fx, ctx.policy.default_lang)
            } else {
                super::service::on_pin_tick(s)
            }
        }
        Phase::CardError { since_ms, .. } if s.now_ms >= since_ms + ctx.policy.card_error_ms => {
            Session {
                phase: Phase::Attract,
                ..s
            }
        }
        Phase::Submitting { .. } | Phase::IssuingTicket { .. } => s,
        // "Thank you" stays a moment, then the session ends.
        Phase::Thanks { since_ms } if s.now_ms >= since_ms + ctx.policy.thanks_ms => {
            s.wiped(fx, ctx.policy.default_lang)
        }
        _ if s.is_open() && idle_since >= ctx.policy.idle_timeout_ms => {
            s.wiped(fx, ctx.policy.default_lang)
        }
        // Help opened on the attract screen closes by itself.
        _ if s.help.open && idle_since >= ctx.policy.idle_timeout_ms => Session {
            help: Default::default(),
            ..s
        },
        _ => {
            // The countdown is announced by a sound, once per warning.
            let mut s = s;
            if !s.idle_warned && s.idle_countdown(ctx.policy).is_some() {
                s.idle_warned = true;
                fx.push(Effect::Sound(SoundCue::IdleWarning));
            }
            s
        }
    }
}

/// Longest name the centre's answer may set.
const MAX_NAME_CHARS: usize = 100;

/// The centre's answer spells the citizen's name (in Azerbaijani): it replaces the MRZ's.
pub(super) fn on_name(mut s: Session, name: &str) -> Session {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let plausible = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\''));
    if s.phase == Phase::Verifying
        && plausible
        && let Some(pending) = s.pending.as_mut()
    {
        pending.display_name = name;
    }
    s
}

fn refused(s: Session, kind: CardErrorKind) -> Session {
    Session {
        phase: Phase::CardError {
            kind,
            since_ms: s.now_ms,
        },
        pending: None,
        ..s
    }
}

pub(super) fn on_unreadable(s: Session) -> Session {
    match s.phase {
        Phase::Attract | Phase::CardError { .. } | Phase::ChipRefused { .. } => {
            refused(s, CardErrorKind::Unreadable)
        }
        _ => s,
    }
}

pub(super) fn on_card(
    s: Session,
    card: &CardData,
    today: NaiveDate,
    ctx: &Ctx,
    fx: &mut Vec<Effect>,
) -> Session {
    // A card only opens a session from the attract screen (or after a refused card).
    if s.is_open() || s.in_service_mode() {
        return s;
    }
    if !card.accepted_by(&ctx.policy.accept) {
        return refused(s, CardErrorKind::NotAccepted);
    }
    if card.expiry < today {
        return refused(s, CardErrorKind::Expired);
    }
    let citizen = Citizen::from(card);
    let generation = s.generation + 1;
    if let Some(document) = ctx.policy.chip.reads(card.kind) {
        return chip::start(s, citizen, document, generation, fx);
    }
    fx.push(Effect::Verify {
        generation,
        citizen: citizen.key.clone(),
        document_number: citizen.document_number.clone(),
    });
    Session {
        phase: Phase::Verifying,
        generation,
        pending: Some(citizen),
        last_activity_ms: s.now_ms,
        ..s
    }
}

pub(super) fn on_verified(s: Session, outcome: VerifyOutcome, ctx: &Ctx) -> Session {
    if s.phase != Phase::Verifying {
        return s;
    }
    let ok = match outcome {
        VerifyOutcome::Valid => true,
        VerifyOutcome::Invalid => false,
        VerifyOutcome::Unreachable => ctx.policy.offline_auth == OfflineAuth::Allow,
    };
    if !ok {
        return refused(s, CardErrorKind::NotVerified);
    }
    Session {
        phase: Phase::Welcome,
        citizen: s.pending.clone(),
        pending: None,
        last_activity_ms: s.now_ms,
        ..s
    }
}

pub(super) fn on_ui(s: Session, ui: UiEvent, ctx: &Ctx, fx: &mut Vec<Effect>) -> Session {
    match ui {
        UiEvent::SetLanguage(lang) => Session { lang, ..s },
        UiEvent::ToggleLargeText => Session {
            large_text: !s.large_text,
            ..s
        },
        UiEvent::ToggleHighContrast => Session {
            high_contrast: !s.high_contrast,
            ..s
        },
        UiEvent::OpenCatalog => match s.phase {
            Phase::Welcome | Phase::Done { .. } | Phase::MyApplications | Phase::Ticket { .. } => {
                Session {
                    phase: Phase::Catalog,
                    ..s
                }
            }
            _ => s,
        },
        UiEvent::EndSession => match s.phase {
            // A finished application or ticket: "how was your visit?" before the wipe.
            Phase::Done { service, .. } | Phase::Ticket { service, .. } => Session {
                phase: Phase::Rating {
                    service: Some(service),
                },
                ..s
            },
            // Finishing from the citizen's applications: the rating too.
            Phase::MyApplications | Phase::ApplicationDetail { .. } => Session {
                phase: Phase::Rating { service: None },
                ..s
            },
            Phase::ServicePin | Phase::Service(_) => s,
            _ if s.is_open()
                || matches!(s.phase, Phase::CardError { .. } | Phase::ChipRefused { .. }) =>
            {
                s.wiped(fx, ctx.policy.default_lang)
            }
            _ => s,
        },
        // Any touch only keeps the session alive (the step noted the time); the demo card is
        // inserted by the runtime.
        _ => s,
    }
}
