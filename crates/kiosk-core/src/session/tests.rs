use super::*;
use crate::card::DocKind;
use crate::settings::{SettingField, SettingsDraft};
use crate::view::ServiceMessage;
use dost_api::Fin;

pub(super) fn catalog() -> Catalog {
    let text = include_str!("../../../../config/services.toml");
    Catalog::parse(text, "services.toml").unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn app_id(s: &str) -> ApplicationId {
    ApplicationId::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

pub(super) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default()
}

pub(super) fn card(kind: DocKind, expiry: (i32, u32, u32)) -> CardData {
    CardData {
        kind,
        fin: Fin::parse("5ZX7K2P").ok(),
        document_number: "AA1234567".into(),
        surname: "MAMMADOV".into(),
        given_names: vec!["ALI".into()],
        expiry: NaiveDate::from_ymd_opt(expiry.0, expiry.1, expiry.2).unwrap_or_default(),
    }
}

pub(super) fn good_card() -> Event {
    Event::Card {
        card: card(DocKind::AzeIdCard, (2030, 1, 1)),
        today: today(),
    }
}

pub(super) fn ui(e: UiEvent) -> Event {
    Event::Ui(e)
}

pub(super) fn edit(field: &str, value: &str) -> Event {
    ui(UiEvent::FieldEdited {
        field_id: field.into(),
        value: value.into(),
    })
}

/// Runs events (each one second after the last), returning the session and all effects.
pub(super) fn run(policy: &Policy, events: Vec<Event>) -> (Session, Vec<Effect>) {
    let cat = catalog();
    let ctx = Ctx {
        policy,
        catalog: &cat,
    };
    let mut s = Session::new(Lang::Az);
    let mut all = Vec::new();
    let mut t = 0;
    for ev in events {
        // Results of effects are answered for the current generation.
        let ev = match ev {
            Event::Verified { outcome, .. } => Event::Verified {
                generation: s.generation,
                outcome,
            },
            Event::Stored {
                application_id,
                receipt,
                status_url,
                ..
            } => Event::Stored {
                generation: s.generation,
                application_id,
                receipt,
                status_url,
            },
            Event::TicketIssued { ticket, .. } => Event::TicketIssued {
                generation: s.generation,
                ticket,
            },
            Event::CitizenName { name, .. } => Event::CitizenName {
                generation: s.generation,
                name,
            },
            Event::TicketFailed { .. } => Event::TicketFailed {
                generation: s.generation,
            },
            Event::StoreFailed { .. } => Event::StoreFailed {
                generation: s.generation,
            },
            other => other,
        };
        t += 1000;
        let (next, fx) = step(s, ev, t, &ctx);
        s = next;
        all.extend(fx);
    }
    (s, all)
}

pub(super) fn verified(outcome: VerifyOutcome) -> Event {
    Event::Verified {
        generation: 0,
        outcome,
    }
}

pub(super) fn stored() -> Event {
    Event::Stored {
        generation: 0,
        application_id: app_id("YAS01-261124-0001"),
        receipt: ReceiptState::Printing,
        status_url: "https://status.dost.gov.az/status/YAS01-261124-0001?code=0123456789".into(),
    }
}

#[derive(Debug, PartialEq)]
pub(super) enum P {
    Attract,
    Verifying,
    CardError(CardErrorKind),
    Welcome,
    Catalog,
    Form(u32),
    Review,
    Submitting,
    Done,
    Mine,
    Info,
    Detail,
    Rating,
    Service(Option<Role>),
    Chip,
    Issuing,
    Ticket,
    Thanks,
}

pub(super) fn phase(s: &Session) -> P {
    match &s.phase {
        Phase::Attract => P::Attract,
        Phase::Verifying => P::Verifying,
        Phase::CardError { kind, .. } => P::CardError(*kind),
        Phase::Welcome => P::Welcome,
        Phase::Catalog => P::Catalog,
        Phase::Form { page, .. } => P::Form(*page),
        Phase::Review { .. } => P::Review,
        Phase::Submitting { .. } => P::Submitting,
        Phase::Done { .. } => P::Done,
        Phase::MyApplications => P::Mine,
        Phase::ServiceInfo { .. } => P::Info,
        Phase::ApplicationDetail { .. } => P::Detail,
        Phase::Rating { .. } => P::Rating,
        Phase::ServicePin => P::Service(None),
        Phase::Service(role) => P::Service(Some(*role)),
        Phase::ReadingChip { .. } | Phase::ChipRefused { .. } => P::Chip,
        Phase::IssuingTicket { .. } => P::Issuing,
        Phase::Ticket { .. } => P::Ticket,
        Phase::Thanks { .. } => P::Thanks,
    }
}

#[test]
fn event_sequences_lead_to_screens() {
    let svc = || ui(UiEvent::SelectService("employment-history".into()));
    let pension = || ui(UiEvent::SelectService("old-age-pension".into()));
    let cat = || ui(UiEvent::OpenCatalog);
    let start = || ui(UiEvent::StartForm);
    let table: Vec<(&str, Vec<Event>, P)> = vec![
        ("nothing", vec![], P::Attract),
        ("card read", vec![good_card()], P::Verifying),
        (
            "verified",
            vec![good_card(), verified(VerifyOutcome::Valid)],
            P::Welcome,
        ),
        (
            "centre says no",
            vec![good_card(), verified(VerifyOutcome::Invalid)],
            P::CardError(CardErrorKind::NotVerified),
        ),
        (
            "centre unreachable, policy allows",
            vec![good_card(), verified(VerifyOutcome::Unreachable)],
            P::Welcome,
        ),
        (
            "expired",
            vec![Event::Card {
                card: card(DocKind::AzeIdCard, (2026, 11, 23)),
                today: today(),
            }],
            P::CardError(CardErrorKind::Expired),
        ),
        (
            "expires today is still valid",
            vec![Event::Card {
                card: card(DocKind::AzeIdCard, (2026, 11, 24)),
                today: today(),
            }],
            P::Verifying,
        ),
        (
            "foreign id not accepted",
            vec![Event::Card {
                card: card(DocKind::ForeignIdCard, (2030, 1, 1)),
                today: today(),
            }],
            P::CardError(CardErrorKind::NotAccepted),
        ),
        (
            "garbled read",
            vec![Event::CardUnreadable],
            P::CardError(CardErrorKind::Unreadable),
        ),
        (
            "catalog",
            vec![good_card(), verified(VerifyOutcome::Valid), cat()],
            P::Catalog,
        ),
        (
            "form",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                cat(),
                svc(),
                start(),
            ],
            P::Form(1),
        ),
        (
            "empty phone stays on form",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                cat(),
                svc(),
                start(),
                ui(UiEvent::Next),
            ],
            P::Form(1),
        ),
        (
            "review",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                cat(),
                svc(),
                start(),
                edit("phone", "+994 50 123 45 67"),
                ui(UiEvent::Next),
            ],
            P::Review,
        ),
        (
            "two pages",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                cat(),
                pension(),
                start(),
                edit("phone", "0501234567"),
                ui(UiEvent::Next),
            ],
            P::Form(2),
        ),
        (
            "submitting",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                cat(),
                svc(),
                start(),
                edit("phone", "+994 50 123 45 67"),
                ui(UiEvent::Next),
                ui(UiEvent::Submit),
            ],
            P::Submitting,
        ),
        (
            "done",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                cat(),
                svc(),
                start(),
                edit("phone", "+994 50 123 45 67"),
                ui(UiEvent::Next),
                ui(UiEvent::Submit),
                stored(),
            ],
            P::Done,
        ),
        (
            "store failed goes back to review",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                cat(),
                svc(),
                start(),
                edit("phone", "+994 50 123 45 67"),
                ui(UiEvent::Next),
                ui(UiEvent::Submit),
                Event::StoreFailed { generation: 0 },
            ],
            P::Review,
        ),
        (
            "my applications",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::OpenMyApplications),
            ],
            P::Mine,
        ),
        (
            "back from catalog",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                cat(),
                ui(UiEvent::Back),
            ],
            P::Welcome,
        ),
        (
            "end session",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::EndSession),
            ],
            P::Attract,
        ),
        (
            "second card ignored in a session",
            vec![good_card(), verified(VerifyOutcome::Valid), good_card()],
            P::Welcome,
        ),
    ];
    let policy = Policy::default();
    for (name, events, want) in table {
        let (s, _) = run(&policy, events);
        assert_eq!(phase(&s), want, "{name}");
    }
}

#[test]
fn refuse_policy_refuses_when_centre_unreachable() {
    let policy = Policy {
        offline_auth: OfflineAuth::Refuse,
        ..Policy::default()
    };
    let (s, _) = run(
        &policy,
        vec![good_card(), verified(VerifyOutcome::Unreachable)],
    );
    assert_eq!(phase(&s), P::CardError(CardErrorKind::NotVerified));
    assert!(s.citizen.is_none());
}

#[test]
fn submit_effect_carries_normalised_answers() {
    let (s, fx) = run(
        &Policy::default(),
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenCatalog),
            ui(UiEvent::SelectService("lawyer-consultation".into())),
            ui(UiEvent::StartForm),
            edit("phone", "050 123 45 67"),
            edit("topic", "Pensiya"),
            ui(UiEvent::Next),
            ui(UiEvent::Submit),
        ],
    );
    assert_eq!(phase(&s), P::Submitting);
    let sub = fx.iter().find_map(|e| match e {
        Effect::Submit { submission, .. } => Some(submission.clone()),
        _ => None,
    });
    let sub = sub.unwrap_or_else(|| panic!("no submit in {fx:?}"));
    assert_eq!(
        sub.answers.get("phone").map(String::as_str),
        Some("+994501234567")
    );
    assert_eq!(
        sub.answers.get("topic").map(String::as_str),
        Some("pension")
    );
    assert_eq!(sub.citizen.expose(), "5ZX7K2P");
}

#[test]
fn answers_survive_going_back_and_forth() {
    let (s, _) = run(
        &Policy::default(),
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenCatalog),
            ui(UiEvent::SelectService("old-age-pension".into())),
            ui(UiEvent::StartForm),
            edit("phone", "0501234567"),
            ui(UiEvent::Next),
            edit("iban", "AZ21NABZ00000000137010001944"),
            ui(UiEvent::Back),
            ui(UiEvent::Back),
            ui(UiEvent::SelectService("old-age-pension".into())),
            ui(UiEvent::StartForm),
        ],
    );
    assert_eq!(phase(&s), P::Form(1));
    assert_eq!(
        s.answers.get("phone").map(String::as_str),
        Some("0501234567")
    );
    assert_eq!(
        s.answers.get("iban").map(String::as_str),
        Some("AZ21NABZ00000000137010001944")
    );
}

#[test]
fn validation_error_is_kept_per_field_and_cleared_on_edit() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let (s, _) = run(
        &policy,
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenCatalog),
            ui(UiEvent::SelectService("employment-history".into())),
            ui(UiEvent::StartForm),
            edit("phone", "+994 33 000"),
            ui(UiEvent::Next),
        ],
    );
    assert_eq!(s.errors.get("phone"), Some(&FieldError::PhoneFormat));
    let (s, _) = step(s, edit("phone", "+994 5"), 100_000, &ctx);
    assert!(s.errors.is_empty());
}

#[test]
fn idle_session_counts_down_then_wipes_everything() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let (mut s, _) = run(
        &policy,
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenCatalog),
            ui(UiEvent::SelectService("employment-history".into())),
            ui(UiEvent::StartForm),
            edit("phone", "0501234567"),
        ],
    );
    let last = s.last_activity_ms;
    let generation = s.generation;
    assert_eq!(s.idle_countdown(&policy), None);
    let mut fx;
    (s, fx) = step(s, Event::Tick, last + 39_000, &ctx);
    assert_eq!(s.idle_countdown(&policy), None);
    assert!(fx.is_empty());
    // At least 20 s of warning (WCAG 2.2.1), announced by a sound once.
    (s, fx) = step(s, Event::Tick, last + 40_500, &ctx);
    assert_eq!(s.idle_countdown(&policy), Some(20));
    assert_eq!(fx, vec![Effect::Sound(SoundCue::IdleWarning)]);
    (s, fx) = step(s, Event::Tick, last + 41_000, &ctx);
    assert!(fx.is_empty(), "the warning sounds once");
    (s, _) = step(s, Event::Tick, last + 59_000, &ctx);
    assert_eq!(s.idle_countdown(&policy), Some(1));
    (s, fx) = step(s, Event::Tick, last + 60_000, &ctx);
    assert_eq!(fx, vec![Effect::Wiped]);
    assert_eq!(phase(&s), P::Attract);
    assert!(s.citizen.is_none() && s.answers.is_empty() && s.answers_for.is_none());
    assert_eq!(s.generation, generation + 1);
    assert_eq!(s.lang, policy.default_lang);
    // A touch during the countdown keeps the session.
    let (s2, _) = run(&policy, vec![good_card(), verified(VerifyOutcome::Valid)]);
    let t = s2.last_activity_ms;
    let (s2, _) = step(s2, Event::Tick, t + 45_000, &ctx);
    assert!(s2.idle_countdown(&policy).is_some());
    let (s2, _) = step(s2, ui(UiEvent::Activity), t + 46_000, &ctx);
    assert_eq!(s2.idle_countdown(&policy), None);
    assert!(!s2.idle_warned, "the next warning sounds again");
    let (s2, _) = step(s2, Event::Tick, t + 70_000, &ctx);
    assert_eq!(phase(&s2), P::Welcome);
}

#[test]
fn late_results_of_a_wiped_session_are_dropped() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let (s, fx) = step(Session::new(Lang::Az), good_card(), 1000, &ctx);
    let Some(Effect::Verify { generation, .. }) = fx.first().cloned() else {
        panic!("verify expected: {fx:?}");
    };
    let (s, _) = step(s, ui(UiEvent::EndSession), 2000, &ctx);
    let (s, _) = step(
        s,
        Event::Verified {
            generation,
            outcome: VerifyOutcome::Valid,
        },
        3000,
        &ctx,
    );
    assert_eq!(phase(&s), P::Attract);
    assert!(s.citizen.is_none());
}

#[test]
fn card_error_returns_to_attract() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let (s, _) = step(Session::new(Lang::Az), Event::CardUnreadable, 1000, &ctx);
    let (s, _) = step(s, Event::Tick, 1000 + policy.card_error_ms - 1, &ctx);
    assert_eq!(phase(&s), P::CardError(CardErrorKind::Unreadable));
    let (s, _) = step(s, Event::Tick, 1000 + policy.card_error_ms, &ctx);
    assert_eq!(phase(&s), P::Attract);
    // A good card right after a refused one opens a session.
    let (s, _) = step(s, Event::CardUnreadable, 20_000, &ctx);
    let (s, _) = step(s, good_card(), 21_000, &ctx);
    assert_eq!(phase(&s), P::Verifying);
}

#[test]
fn debug_output_hides_the_fin() {
    let (s, _) = run(
        &Policy::default(),
        vec![good_card(), verified(VerifyOutcome::Valid)],
    );
    let dbg = format!("{s:?}");
    assert!(!dbg.contains("5ZX7K2P"), "{dbg}");
    assert!(
        !dbg.contains("MAMMADOV") && !dbg.contains("Mammadov"),
        "{dbg}"
    );
}

#[test]
fn finishing_asks_for_a_rating_then_wipes() {
    let (s, fx) = run(
        &Policy::default(),
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenCatalog),
            ui(UiEvent::SelectService("employment-history".into())),
            ui(UiEvent::StartForm),
            edit("phone", "0501234567"),
            ui(UiEvent::Next),
            ui(UiEvent::Submit),
            stored(),
            ui(UiEvent::EndSession),
        ],
    );
    assert_eq!(phase(&s), P::Rating);
    assert!(!fx.contains(&Effect::Wiped));
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    // A rating says "thank you", then the session ends by itself.
    let (rated, fx) = step(s.clone(), ui(UiEvent::Rate(9)), 200_000, &ctx);
    assert_eq!(phase(&rated), P::Thanks);
    assert_eq!(
        fx,
        vec![Effect::Rate {
            service_id: Some("employment-history".into()),
            score: 5,
            lang: Lang::Az
        }]
    );
    let (still, fx) = step(
        rated.clone(),
        Event::Tick,
        200_000 + policy.thanks_ms - 1,
        &ctx,
    );
    assert_eq!((phase(&still), fx), (P::Thanks, vec![]));
    let (rated, fx) = step(rated, Event::Tick, 200_000 + policy.thanks_ms, &ctx);
    assert_eq!(phase(&rated), P::Attract);
    assert!(fx.contains(&Effect::Wiped));
    let (skipped, fx) = step(s, ui(UiEvent::EndSession), 201_000, &ctx);
    assert_eq!(phase(&skipped), P::Attract);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Rate { .. })));
}

#[test]
fn service_info_comes_before_the_form_and_back_returns_to_it() {
    let (s, _) = run(
        &Policy::default(),
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenCatalog),
            ui(UiEvent::SelectService("old-age-pension".into())),
        ],
    );
    assert_eq!(phase(&s), P::Info);
    assert_eq!(s.service_id(), Some("old-age-pension"));
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let (s, _) = step(s, ui(UiEvent::StartForm), 100_000, &ctx);
    assert_eq!(phase(&s), P::Form(1));
    let (s, _) = step(s, ui(UiEvent::Back), 101_000, &ctx);
    assert_eq!(phase(&s), P::Info);
    let (s, _) = step(s, ui(UiEvent::Back), 102_000, &ctx);
    assert_eq!(phase(&s), P::Catalog);
}

#[test]
fn application_detail_only_for_listed_applications() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let (s, _) = run(
        &policy,
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenMyApplications),
        ],
    );
    let list = AppList {
        records: vec![AppRecord {
            application_id: app_id("YAS01-261124-0001"),
            service_id: "disability-assessment".into(),
            state: ApplicationState::Received,
            as_of: None,
            pending_upload: false,
            history: vec![],
            receipt: ReceiptFate::Normal,
            rejection: None,
        }],
        offline: false,
        loading: false,
    };
    let generation = s.generation;
    let (s, _) = step(s, Event::Applications { generation, list }, 50_000, &ctx);
    let (s, _) = step(
        s,
        ui(UiEvent::OpenApplication(app_id("OTHER-261124-0001"))),
        50_001,
        &ctx,
    );
    assert_eq!(phase(&s), P::Mine);
    let (s, _) = step(
        s,
        ui(UiEvent::OpenApplication(app_id("YAS01-261124-0001"))),
        50_002,
        &ctx,
    );
    assert_eq!(phase(&s), P::Detail);
    let (s, _) = step(s, ui(UiEvent::Back), 51_003, &ctx);
    assert_eq!(phase(&s), P::Mine);
}

/// A session on the detail of an application whose receipt was not taken.
fn detail_with_receipt(fate: ReceiptFate) -> (Session, ApplicationId) {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let (s, _) = run(
        &policy,
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenMyApplications),
        ],
    );
    let id = app_id("YAS01-261124-0001");
    let record = |n: &str, receipt| AppRecord {
        application_id: app_id(n),
        service_id: "disability-assessment".into(),
        state: ApplicationState::Received,
        as_of: None,
        pending_upload: false,
        history: vec![],
        receipt,
        rejection: None,
    };
    let list = AppList {
        records: vec![
            record("YAS01-261124-0001", fate),
            record("YAS01-261124-0002", ReceiptFate::NotTaken),
        ],
        offline: false,
        loading: false,
    };
    let generation = s.generation;
    let (s, _) = step(s, Event::Applications { generation, list }, 50_000, &ctx);
    let (s, _) = step(s, ui(UiEvent::OpenApplication(id.clone())), 50_001, &ctx);
    assert_eq!(phase(&s), P::Detail);
    (s, id)
}

fn fate(s: &Session, id: &ApplicationId) -> Option<ReceiptFate> {
    s.applications
        .records
        .iter()
        .find(|r| &r.application_id == id)
        .map(|r| r.receipt)
}

#[test]
fn a_receipt_not_taken_prints_again_once_when_its_citizen_asks() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let (s, id) = detail_with_receipt(ReceiptFate::NotTaken);
    let (s, fx) = step(s, ui(UiEvent::ReprintReceipt(id.clone())), 51_000, &ctx);
    assert_eq!(
        fx,
        vec![Effect::Reprint {
            generation: s.generation,
            application_id: id.clone()
        }]
    );
    assert_eq!(fate(&s, &id), Some(ReceiptFate::Reprinting));
    // A double tap asks once.
    let (s, fx) = step(s, ui(UiEvent::ReprintReceipt(id.clone())), 51_150, &ctx);
    assert!(fx.is_empty());
    // Another application's receipt is not printed from this screen.
    let other = app_id("YAS01-261124-0002");
    let (s, fx) = step(s, ui(UiEvent::ReprintReceipt(other.clone())), 51_200, &ctx);
    assert!(fx.is_empty());
    assert_eq!(fate(&s, &other), Some(ReceiptFate::NotTaken));
    let vctx = crate::screen::ViewCtx {
        catalog: &cat,
        policy: &policy,
        center_name: "DOST",
        demo: false,
    };
    let view = crate::screen::view(&s, &crate::screen::Facts::default(), &vctx);
    assert_eq!(
        view.application_detail.map(|d| d.receipt),
        Some(ReceiptFate::Reprinting)
    );
}

#[test]
fn a_reprint_that_could_not_be_queued_is_offered_again() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let (s, id) = detail_with_receipt(ReceiptFate::NotTaken);
    let (s, _) = step(s, ui(UiEvent::ReprintReceipt(id.clone())), 51_000, &ctx);
    let generation = s.generation;
    let failed = Event::Reprinted {
        generation,
        application_id: id.clone(),
        queued: false,
    };
    let (s, _) = step(s, failed, 51_200, &ctx);
    assert_eq!(fate(&s, &id), Some(ReceiptFate::NotTaken));
}

#[test]
fn a_taken_receipt_is_not_printed_again() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let (s, id) = detail_with_receipt(ReceiptFate::Normal);
    let (s, fx) = step(s, ui(UiEvent::ReprintReceipt(id.clone())), 51_000, &ctx);
    assert!(fx.is_empty());
    assert_eq!(fate(&s, &id), Some(ReceiptFate::Normal));
}

#[test]
fn accessibility_switches_last_until_the_session_ends() {
    let (s, _) = run(
        &Policy::default(),
        vec![
            ui(UiEvent::ToggleLargeText),
            ui(UiEvent::ToggleHighContrast),
            good_card(),
            verified(VerifyOutcome::Valid),
        ],
    );
    assert!(s.large_text && s.high_contrast);
    let (s, _) = run(
        &Policy::default(),
        vec![
            ui(UiEvent::ToggleLargeText),
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::EndSession),
        ],
    );
    assert!(!s.large_text && !s.high_contrast);
}

#[test]
fn service_mode_pin_roles_and_idle_close() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    // Not from inside a citizen's session.
    let (s, _) = run(
        &policy,
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::ServiceEntry),
        ],
    );
    assert_eq!(phase(&s), P::Welcome);

    let (s, _) = step(
        Session::new(Lang::Az),
        ui(UiEvent::ServiceEntry),
        1000,
        &ctx,
    );
    assert_eq!(phase(&s), P::Service(None));
    let (s, fx) = step(s, ui(UiEvent::PinEntered("1357".into())), 1100, &ctx);
    assert_eq!(fx, vec![Effect::CheckPin { pin: "1357".into() }]);
    // A card inserted meanwhile is ignored.
    let (s, fx) = step(s, good_card(), 1200, &ctx);
    assert!(fx.is_empty());
    let (s, _) = step(
        s,
        Event::PinChecked(PinResult::Wrong { tries_left: 4 }),
        1300,
        &ctx,
    );
    assert_eq!(
        s.service.pin_refusal,
        Some(PinRefusal::Wrong { tries_left: 4 })
    );
    let (s, _) = step(s, ui(UiEvent::PinEntered("2468".into())), 1400, &ctx);
    let (s, fx) = step(
        s,
        Event::PinChecked(PinResult::Granted(Role::Staff)),
        1500,
        &ctx,
    );
    assert_eq!(phase(&s), P::Service(Some(Role::Staff)));
    assert!(fx.contains(&Effect::Service {
        role: Role::Staff,
        action: ServiceAction::Refresh
    }));
    // Staff may restock, not restart the kiosk.
    let (s, fx) = step(
        s,
        ui(UiEvent::ServiceAction(ServiceAction::PaperRestocked)),
        1600,
        &ctx,
    );
    assert_eq!(fx.len(), 1);
    let (s, fx) = step(
        s,
        ui(UiEvent::ServiceAction(ServiceAction::Restart)),
        1700,
        &ctx,
    );
    assert!(fx.is_empty());
    // Service mode closes by itself.
    let (s, _) = step(s, Event::Tick, 1700 + policy.service_idle_ms - 1, &ctx);
    assert_eq!(phase(&s), P::Service(Some(Role::Staff)));
    let (s, fx) = step(s, Event::Tick, 1700 + policy.service_idle_ms, &ctx);
    assert_eq!(phase(&s), P::Attract);
    assert!(fx.contains(&Effect::ServiceClosed {
        role: Some(Role::Staff)
    }));
}

#[test]
fn a_locked_pin_pad_counts_down_and_works_again_without_a_new_long_press() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let (s, _) = step(Session::new(Lang::Az), ui(UiEvent::ServiceEntry), 0, &ctx);
    let (s, _) = step(s, ui(UiEvent::PinEntered("0000".into())), 100, &ctx);
    let (s, _) = step(
        s,
        Event::PinChecked(PinResult::Locked { for_ms: 30_000 }),
        200,
        &ctx,
    );
    assert_eq!(
        s.service.pin_refusal,
        Some(PinRefusal::Locked { seconds: 30 })
    );
    // The lock counts down on the screen.
    let (s, _) = step(s, Event::Tick, 20_200, &ctx);
    assert_eq!(
        s.service.pin_refusal,
        Some(PinRefusal::Locked { seconds: 10 })
    );
    // It ends: the pad is open and unlocked, and takes a PIN at once.
    let (s, fx) = step(s, Event::Tick, 30_200, &ctx);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(phase(&s), P::Service(None));
    assert_eq!(s.service.pin_refusal, None);
    // The end of the lock started a fresh idle period: the pad is still open long after.
    let later = 30_200 + policy.service_idle_ms - 1;
    let (s, _) = step(s, Event::Tick, later, &ctx);
    assert_eq!(phase(&s), P::Service(None));
    let (_, fx) = step(s, ui(UiEvent::PinEntered("1357".into())), later + 1, &ctx);
    assert_eq!(fx, vec![Effect::CheckPin { pin: "1357".into() }]);
}

#[test]
fn technician_settings_form_edits_checks_and_saves() {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let open = |role| Session {
        phase: Phase::Service(role),
        ..Session::new(Lang::Az)
    };
    let settings_ui = |a| ui(UiEvent::ServiceAction(a));
    // Staff cannot open the settings.
    let (_, fx) = step(
        open(Role::Staff),
        settings_ui(ServiceAction::OpenSettings),
        10,
        &ctx,
    );
    assert!(fx.is_empty());
    let (s, fx) = step(
        open(Role::Technician),
        settings_ui(ServiceAction::OpenSettings),
        10,
        &ctx,
    );
    assert_eq!(fx, vec![Effect::LoadSettings]);
    let mut draft = settings_draft();
    draft.edit("kiosk_code", "YAS01");
    assert!(draft.check());
    let (s, _) = step(s, Event::SettingsLoaded(Ok(Box::new(draft))), 20, &ctx);
    assert!(s.service.settings.is_some());
    // Saving with nothing changed writes nothing.
    let (s2, fx) = step(
        s.clone(),
        settings_ui(ServiceAction::SaveSettings),
        30,
        &ctx,
    );
    assert!(fx.is_empty());
    assert!(s2.service.settings.is_none());
    // A refused value stays on the form, nothing is written.
    let (s, _) = step(
        s,
        ui(UiEvent::FieldEdited {
            field_id: "central_url".into(),
            value: "http://dost.gov.az".into(),
        }),
        40,
        &ctx,
    );
    let (s, fx) = step(s, settings_ui(ServiceAction::SaveSettings), 50, &ctx);
    assert!(fx.is_empty());
    let errors = s
        .service
        .settings
        .as_ref()
        .map(|d| d.errors.clone())
        .unwrap_or_default();
    assert_eq!(
        errors,
        vec![(SettingField::CentralUrl, FieldError::UrlFormat)]
    );
    let (s, _) = step(
        s,
        ui(UiEvent::FieldEdited {
            field_id: "reader_baud".into(),
            value: "19200".into(),
        }),
        60,
        &ctx,
    );
    let (s, _) = step(
        s,
        ui(UiEvent::FieldEdited {
            field_id: "central_url".into(),
            value: "https://kiosk-api.dost.gov.az".into(),
        }),
        70,
        &ctx,
    );
    let (s, fx) = step(s, settings_ui(ServiceAction::SaveSettings), 80, &ctx);
    let Some(Effect::SaveSettings { settings, original }) = fx.first() else {
        panic!("expected a save, got {fx:?}");
    };
    assert_eq!(settings.reader_baud, 19200);
    assert_eq!(settings.central_url, "https://kiosk-api.dost.gov.az");
    assert_eq!(original.reader_baud, 9600);
    // While saving, edits and a second save are ignored.
    let (s, fx) = step(s, settings_ui(ServiceAction::SaveSettings), 90, &ctx);
    assert!(fx.is_empty());
    let (s, _) = step(
        s,
        ui(UiEvent::FieldEdited {
            field_id: "reader_baud".into(),
            value: "57600".into(),
        }),
        95,
        &ctx,
    );
    assert_eq!(
        s.service.settings.as_ref().map(|d| d.edited.reader_baud),
        Some(19200)
    );
    // A refusal from the file keeps the form and says why.
    let (s, _) = step(
        s,
        Event::SettingsSaved(Err("read-only file system".into())),
        100,
        &ctx,
    );
    let d = s
        .service
        .settings
        .clone()
        .unwrap_or_else(|| panic!("form closed"));
    assert!(!d.saving);
    assert_eq!(d.save_error.as_deref(), Some("read-only file system"));
    // Saved: back on the technician's screen with the message.
    let (s, fx) = step(s, settings_ui(ServiceAction::SaveSettings), 110, &ctx);
    assert_eq!(fx.len(), 1);
    let (s, _) = step(
        s,
        Event::SettingsSaved(Ok(SettingsApplied::Restarting)),
        120,
        &ctx,
    );
    assert!(s.service.settings.is_none());
    assert_eq!(phase(&s), P::Service(Some(Role::Technician)));
    assert_eq!(
        s.service.message,
        Some(ServiceMessage::SettingsSavedRestarting)
    );
    // Back from the form drops the edits; closing service mode drops everything.
    let (s, _) = step(
        s,
        Event::SettingsLoaded(Ok(Box::new(settings_draft()))),
        130,
        &ctx,
    );
    let (s, _) = step(s, ui(UiEvent::Back), 140, &ctx);
    assert!(s.service.settings.is_none());
    assert_eq!(phase(&s), P::Service(Some(Role::Technician)));
    let (s, _) = step(
        s,
        Event::SettingsLoaded(Ok(Box::new(settings_draft()))),
        150,
        &ctx,
    );
    let (s, _) = step(s, Event::Tick, 150 + policy.service_idle_ms, &ctx);
    assert_eq!(phase(&s), P::Attract);
    assert!(s.service.settings.is_none());
}

/// The demo's settings form.
fn settings_draft() -> SettingsDraft {
    SettingsDraft::new(crate::settings::tests::demo(), Vec::new())
}
