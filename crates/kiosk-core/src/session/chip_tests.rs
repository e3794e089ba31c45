//! The chip step of the session, as tables: the card's road from the accepted OCR MRZ through
//! "keep your card on the reader" to the centre's verification or to the refusal screen.

use super::*;
use crate::card::{AcceptedDocument, DocKind};
use crate::chip::{
    ChipInvalid, ChipReadFailure, ChipRequirement, CloneCheck, OnReadFailure, PassiveOnly,
};
use crate::view::UiEvent;
use dost_api::Fin;

fn catalog() -> Catalog {
    let text = include_str!("../../../../config/services.toml");
    Catalog::parse(text, "services.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn card(kind: DocKind) -> Event {
    Event::Card {
        card: CardData {
            kind,
            fin: Fin::parse("5ZX7K2P").ok(),
            document_number: "AA1234567".into(),
            surname: "MAMMADOV".into(),
            given_names: vec!["ALI".into()],
            expiry: NaiveDate::from_ymd_opt(2030, 1, 1).unwrap_or_default(),
        },
        today: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default(),
    }
}

fn policy(id_card: ChipRequirement) -> Policy {
    Policy {
        accept: vec![
            AcceptedDocument::AzeIdCard,
            AcceptedDocument::Passport,
            AcceptedDocument::ForeignIdCard,
        ],
        chip: ChipPolicy {
            id_card,
            passport: ChipRequirement::Off,
            ..ChipPolicy::default()
        },
        ..Policy::default()
    }
}

/// Steps `events` one by one, `dt` milliseconds apart; results of effects are answered for
/// the current generation unless they name one.
struct Run {
    s: Session,
    fx: Vec<Effect>,
    t: u64,
    policy: Policy,
    catalog: Catalog,
}

impl Run {
    fn new(policy: Policy) -> Run {
        Run {
            s: Session::new(Lang::Az),
            fx: Vec::new(),
            t: 0,
            policy,
            catalog: catalog(),
        }
    }

    fn at(&mut self, dt: u64, ev: Event) -> &mut Run {
        self.t += dt;
        let ctx = Ctx {
            policy: &self.policy,
            catalog: &self.catalog,
        };
        let (s, fx) = step(std::mem::take(&mut self.s), ev, self.t, &ctx);
        self.s = s;
        self.fx.extend(fx);
        self
    }

    fn ev(&mut self, ev: Event) -> &mut Run {
        self.at(1000, ev)
    }

    fn read(&mut self, outcome: ChipOutcome) -> &mut Run {
        let generation = self.s.generation;
        self.ev(Event::ChipRead {
            generation,
            outcome,
        })
    }

    fn refused(&self) -> Option<ChipRefusal> {
        match self.s.phase {
            Phase::ChipRefused { refusal, .. } => Some(refusal),
            _ => None,
        }
    }
}

#[test]
fn a_genuine_chip_goes_on_to_the_centre_with_progress() {
    let mut r = Run::new(policy(ChipRequirement::Required));
    r.ev(card(DocKind::AzeIdCard));
    assert_eq!(
        r.s.phase,
        Phase::ReadingChip {
            document: ChipDocument::IdCard,
            percent: 0,
            since_ms: 1000
        }
    );
    assert_eq!(
        r.fx,
        vec![Effect::ReadChip {
            generation: 1,
            document: ChipDocument::IdCard
        }],
        "no verification before the chip"
    );
    assert!(r.s.citizen.is_none() && r.s.pending.is_some());
    for (p, want) in [(40, 40), (20, 40), (250, 100)] {
        r.ev(Event::ChipProgress {
            generation: 1,
            percent: p,
        });
        assert!(
            matches!(r.s.phase, Phase::ReadingChip { percent, .. } if percent == want),
            "{p}: {:?}",
            r.s.phase
        );
    }
    // A stale read of another generation changes nothing.
    r.ev(Event::ChipRead {
        generation: 0,
        outcome: ChipOutcome::Invalid(ChipInvalid::Clone),
    });
    assert!(matches!(r.s.phase, Phase::ReadingChip { .. }));
    r.fx.clear();
    r.read(ChipOutcome::Genuine(CloneCheck::ChipAuthentication));
    assert_eq!(r.s.phase, Phase::Verifying);
    assert!(matches!(
        r.fx.as_slice(),
        [Effect::Verify { generation: 1, document_number, .. }] if document_number == "AA1234567"
    ));
    r.ev(Event::Verified {
        generation: 1,
        outcome: VerifyOutcome::Valid,
    });
    assert_eq!(r.s.phase, Phase::Welcome);
    assert!(r.s.citizen.is_some());
}

#[test]
fn a_refused_card_gets_its_screen_an_audit_entry_and_no_session() {
    let mut r = Run::new(policy(ChipRequirement::Required));
    r.ev(card(DocKind::AzeIdCard));
    r.fx.clear();
    r.read(ChipOutcome::Invalid(ChipInvalid::Clone));
    let refusal = ChipRefusal::Invalid(ChipInvalid::Clone);
    assert_eq!(r.refused(), Some(refusal));
    assert_eq!(
        r.fx,
        vec![Effect::ChipRefused {
            document: ChipDocument::IdCard,
            refusal
        }]
    );
    assert!(!r.s.is_open(), "a refused card opens no session");
    assert!(r.s.citizen.is_none() && r.s.pending.is_none());
    // The centre's late answer for that generation opens nothing either.
    r.ev(Event::Verified {
        generation: 1,
        outcome: VerifyOutcome::Valid,
    });
    assert_eq!(r.refused(), Some(refusal));
    // The refusal (at t = 2 s) shows for card_error_ms, then the attract screen returns.
    r.at(r.policy.card_error_ms - 2000, Event::Tick);
    assert!(r.refused().is_some());
    r.at(1000, Event::Tick);
    assert_eq!(r.s.phase, Phase::Attract);
}

#[test]
fn back_to_start_and_a_new_card_from_the_refusal() {
    let mut r = Run::new(policy(ChipRequirement::Required));
    r.ev(card(DocKind::AzeIdCard));
    r.read(ChipOutcome::NoChip);
    assert_eq!(r.refused(), Some(ChipRefusal::NoChip));
    // Another card starts a new read of the next generation.
    r.ev(card(DocKind::AzeIdCard));
    assert!(matches!(r.s.phase, Phase::ReadingChip { .. }));
    assert_eq!(r.s.generation, 2);
    r.read(ChipOutcome::ReadFailed(ChipReadFailure::CardRemoved));
    assert!(r.refused().is_some());
    r.fx.clear();
    r.ev(Event::Ui(UiEvent::EndSession));
    assert_eq!(r.s.phase, Phase::Attract);
    assert_eq!(r.fx, vec![Effect::Wiped]);
}

#[test]
fn a_read_that_hangs_is_refused_after_the_timeout() {
    let mut r = Run::new(policy(ChipRequirement::Required));
    r.ev(card(DocKind::AzeIdCard));
    let timeout = r.policy.chip.read_timeout_ms;
    r.at(timeout - 1, Event::Tick);
    assert!(matches!(r.s.phase, Phase::ReadingChip { .. }));
    r.at(1, Event::Tick);
    assert_eq!(
        r.refused(),
        Some(ChipRefusal::ReadFailed(ChipReadFailure::Timeout))
    );
    // The read's result arriving afterwards is ignored.
    r.read(ChipOutcome::Genuine(CloneCheck::ActiveAuthentication));
    assert!(r.refused().is_some());
}

#[test]
fn rules_per_document_type() {
    // (id_card rule, document, outcome, reads the chip, ends verifying)
    use ChipRequirement::{Off, Required, WhenPresent};
    let table = [
        (Off, DocKind::AzeIdCard, None, false, true),
        (Required, DocKind::Passport, None, false, true),
        (
            Required,
            DocKind::ForeignIdCard,
            Some(ChipOutcome::NoChip),
            true,
            false,
        ),
        (
            WhenPresent,
            DocKind::AzeIdCard,
            Some(ChipOutcome::NoChip),
            true,
            true,
        ),
        (
            WhenPresent,
            DocKind::AzeIdCard,
            Some(ChipOutcome::Invalid(ChipInvalid::TamperedData)),
            true,
            false,
        ),
        (
            WhenPresent,
            DocKind::AzeIdCard,
            Some(ChipOutcome::PassiveOnly),
            true,
            true,
        ),
    ];
    for (rule, kind, outcome, reads, verifying) in table {
        let mut r = Run::new(policy(rule));
        r.ev(card(kind));
        let read = r.fx.iter().any(|e| matches!(e, Effect::ReadChip { .. }));
        assert_eq!(read, reads, "{rule:?} {kind:?}");
        if let Some(o) = outcome {
            r.read(o);
        }
        assert_eq!(
            r.s.phase == Phase::Verifying,
            verifying,
            "{rule:?} {kind:?} {outcome:?}"
        );
    }
}

#[test]
fn policy_options_reach_the_session() {
    let mut strict = policy(ChipRequirement::WhenPresent);
    strict.chip.passive_only = PassiveOnly::Refuse;
    let mut r = Run::new(strict);
    r.ev(card(DocKind::AzeIdCard));
    r.read(ChipOutcome::PassiveOnly);
    assert_eq!(r.refused(), Some(ChipRefusal::PassiveOnly));

    let mut lenient = policy(ChipRequirement::WhenPresent);
    lenient.chip.on_read_failure = OnReadFailure::AcceptMrz;
    let mut r = Run::new(lenient);
    r.ev(card(DocKind::AzeIdCard));
    r.read(ChipOutcome::ReadFailed(ChipReadFailure::Protocol));
    assert_eq!(r.s.phase, Phase::Verifying);
}
