//! The chip step between an accepted OCR MRZ and the centre's verification: "keep your card
//! on the reader" while the chip is read, then the chip policy's verdict. A refused card gets
//! its own screen and an audit entry, and no session is opened for it.

use std::ops::ControlFlow;

use super::{Ctx, Effect, Phase, Session};
use crate::card::Citizen;
use crate::chip::{self, ChipDecision, ChipDocument, ChipOutcome, ChipReadFailure};

/// Starts reading the chip of `citizen`'s document (the OCR MRZ passed every check).
pub(super) fn start(
    s: Session,
    citizen: Citizen,
    document: ChipDocument,
    generation: u64,
    fx: &mut Vec<Effect>,
) -> Session {
    fx.push(Effect::ReadChip {
        generation,
        document,
    });
    Session {
        phase: Phase::ReadingChip {
            document,
            percent: 0,
            since_ms: s.now_ms,
        },
        generation,
        pending: Some(citizen),
        last_activity_ms: s.now_ms,
        ..s
    }
}

/// The read moved on (progress never goes back).
pub(super) fn on_progress(s: Session, percent: u8) -> Session {
    match s.phase {
        Phase::ReadingChip {
            document,
            percent: was,
            since_ms,
        } => Session {
            phase: Phase::ReadingChip {
                document,
                percent: percent.min(100).max(was),
                since_ms,
            },
            ..s
        },
        _ => s,
    }
}

/// The read ended: accepted cards go on to the centre's verification, refused ones to the
/// refusal screen.
pub(super) fn on_read(
    s: Session,
    outcome: ChipOutcome,
    ctx: &Ctx,
    fx: &mut Vec<Effect>,
) -> Session {
    let Phase::ReadingChip { document, .. } = s.phase else {
        return s;
    };
    match chip::decide(&ctx.policy.chip, document, outcome) {
        ChipDecision::Accept => match &s.pending {
            Some(citizen) => {
                fx.push(Effect::Verify {
                    generation: s.generation,
                    citizen: citizen.key.clone(),
                    document_number: citizen.document_number.clone(),
                });
                Session {
                    phase: Phase::Verifying,
                    ..s
                }
            }
            // Nothing to verify (cannot happen: a read always has its card).
            None => Session {
                phase: Phase::Attract,
                ..s
            },
        },
        ChipDecision::Refuse(refusal) => {
            fx.push(Effect::ChipRefused { document, refusal });
            Session {
                phase: Phase::ChipRefused {
                    refusal,
                    since_ms: s.now_ms,
                },
                pending: None,
                ..s
            }
        }
    }
}

/// Time passes while the chip is read or its refusal shows: `Break` when handled here,
/// `Continue` with the session untouched otherwise.
pub(super) fn on_tick(
    s: Session,
    ctx: &Ctx,
    fx: &mut Vec<Effect>,
) -> ControlFlow<Session, Session> {
    match s.phase {
        Phase::ReadingChip { since_ms, .. }
            if s.now_ms >= since_ms + ctx.policy.chip.read_timeout_ms =>
        {
            ControlFlow::Break(on_read(
                s,
                ChipOutcome::ReadFailed(ChipReadFailure::Timeout),
                ctx,
                fx,
            ))
        }
        Phase::ChipRefused { since_ms, .. } if s.now_ms >= since_ms + ctx.policy.card_error_ms => {
            ControlFlow::Break(Session {
                phase: Phase::Attract,
                ..s
            })
        }
        Phase::ReadingChip { .. } | Phase::ChipRefused { .. } => ControlFlow::Break(s),
        _ => ControlFlow::Continue(s),
    }
}
