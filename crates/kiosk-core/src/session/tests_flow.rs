//! The citizen flow without dead ends: the tap guard, the done screen's truth, queue tickets,
//! help, the phone offered again, limits refused as typed, names from the centre, ratings.

use super::tests::{P, app_id, catalog, edit, good_card, phase, run, stored, ui, verified};
use super::*;
use crate::screen::{Facts, ViewCtx, view};
use crate::view::ScreenId;

/// Events with the time (ms) they happen at.
type Timed = Vec<(u64, Event)>;

/// Runs `(time in ms, event)` pairs from a fresh session; results are answered for the
/// current generation.
fn run_at(policy: &Policy, events: Vec<(u64, Event)>) -> (Session, Vec<Effect>) {
    let cat = catalog();
    let ctx = Ctx {
        policy,
        catalog: &cat,
    };
    let mut s = Session::new(Lang::Az);
    let mut all = Vec::new();
    for (t, ev) in events {
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
            Event::TicketFailed { .. } => Event::TicketFailed {
                generation: s.generation,
            },
            other => other,
        };
        let (next, fx) = step(s, ev, t, &ctx);
        s = next;
        all.extend(fx);
    }
    (s, all)
}

/// A citizen on the last form page of the employment-history statement (phone typed), the
/// page shown at 10 s.
fn on_last_page() -> Vec<(u64, Event)> {
    vec![
        (1_000, good_card()),
        (2_000, verified(VerifyOutcome::Valid)),
        (3_000, ui(UiEvent::OpenCatalog)),
        (
            4_000,
            ui(UiEvent::SelectService("employment-history".into())),
        ),
        (5_000, ui(UiEvent::StartForm)),
        (6_000, edit("phone", "+994 50 123 45 67")),
    ]
}

#[test]
fn double_taps_are_ignored_until_the_screen_has_been_shown() {
    let policy = Policy::default();
    assert!(policy.tap_guard_ms > 150);
    let with = |extra: Vec<(u64, Event)>| {
        let mut ev = on_last_page();
        ev.extend(extra);
        ev
    };
    let submit = || ui(UiEvent::Submit);
    let table: Vec<(&str, Timed, P)> = vec![
        (
            "next then submit 150 ms apart: the review stays",
            with(vec![(10_000, ui(UiEvent::Next)), (10_150, submit())]),
            P::Review,
        ),
        (
            "submit once the review has been shown",
            with(vec![(10_000, ui(UiEvent::Next)), (10_600, submit())]),
            P::Submitting,
        ),
        (
            "a double tap on submit does not finish the done screen",
            with(vec![
                (10_000, ui(UiEvent::Next)),
                (11_000, submit()),
                (11_050, stored()),
                (11_150, ui(UiEvent::EndSession)),
                (11_300, ui(UiEvent::OpenCatalog)),
            ]),
            P::Done,
        ),
        (
            "finish once the number has been seen",
            with(vec![
                (10_000, ui(UiEvent::Next)),
                (11_000, submit()),
                (11_050, stored()),
                (11_700, ui(UiEvent::EndSession)),
            ]),
            P::Rating,
        ),
        (
            "a double tap on a service card opens it once, not its form",
            vec![
                (1_000, good_card()),
                (2_000, verified(VerifyOutcome::Valid)),
                (3_000, ui(UiEvent::OpenCatalog)),
                (4_000, ui(UiEvent::SelectService("old-age-pension".into()))),
                (4_150, ui(UiEvent::StartForm)),
            ],
            P::Info,
        ),
        (
            "back twice 150 ms apart goes back once",
            with(vec![
                (10_000, ui(UiEvent::Back)),
                (10_150, ui(UiEvent::Back)),
            ]),
            P::Info,
        ),
        (
            "the rating's faces wait for the screen",
            with(vec![
                (10_000, ui(UiEvent::Next)),
                (11_000, submit()),
                (11_050, stored()),
                (12_000, ui(UiEvent::EndSession)),
                (12_150, ui(UiEvent::Rate(1))),
            ]),
            P::Rating,
        ),
    ];
    for (name, events, want) in table {
        let (s, fx) = run_at(&policy, events);
        assert_eq!(phase(&s), want, "{name}");
        if want == P::Review {
            assert!(
                !fx.iter().any(|e| matches!(e, Effect::Submit { .. })),
                "{name}"
            );
        }
    }
}

#[test]
fn typing_is_never_held_back_and_no_guard_lets_double_taps_through() {
    let policy = Policy::default();
    let with = |extra: Vec<(u64, Event)>| {
        let mut ev = on_last_page();
        ev.extend(extra);
        ev
    };
    let submit = || ui(UiEvent::Submit);
    // Typing is never held back, and a dropped tap still counts as a touch.
    let (s, _) = run_at(
        &policy,
        with(vec![
            (10_000, ui(UiEvent::Back)),
            (10_100, ui(UiEvent::StartForm)),
        ]),
    );
    assert_eq!((phase(&s), s.last_activity_ms), (P::Info, 10_100));
    let (s, _) = run_at(
        &policy,
        with(vec![
            (10_000, ui(UiEvent::Next)),
            (10_150, ui(UiEvent::Back)),
        ]),
    );
    assert_eq!(phase(&s), P::Review);
    let (s, _) = run_at(
        &policy,
        vec![
            (1_000, good_card()),
            (2_000, verified(VerifyOutcome::Valid)),
            (3_000, ui(UiEvent::OpenCatalog)),
            (
                4_000,
                ui(UiEvent::SelectService("lawyer-consultation".into())),
            ),
            (5_000, ui(UiEvent::StartForm)),
            (5_100, edit("topic", "Pensiya")),
        ],
    );
    assert_eq!(s.answers.get("topic").map(String::as_str), Some("Pensiya"));
    // No guard configured: the double tap goes through (the burn-in drives at machine speed).
    let fast = Policy {
        tap_guard_ms: 0,
        ..Policy::default()
    };
    let (s, _) = run_at(
        &fast,
        with(vec![(10_000, ui(UiEvent::Next)), (10_150, submit())]),
    );
    assert_eq!(phase(&s), P::Submitting);
}

fn vm_of(s: &Session) -> crate::view::ViewModel {
    let cat = catalog();
    let policy = Policy::default();
    let ctx = ViewCtx {
        catalog: &cat,
        policy: &policy,
        center_name: "DOST Yasamal",
        demo: false,
    };
    view(s, &Facts::default(), &ctx)
}

#[test]
fn done_says_saved_until_the_relay_delivers_then_received_with_next_steps() {
    let mut ev = on_last_page();
    ev.extend([
        (10_000, ui(UiEvent::Next)),
        (11_000, ui(UiEvent::Submit)),
        (11_500, stored()),
    ]);
    let (s, _) = run_at(&Policy::default(), ev);
    let done = vm_of(&s).done.unwrap_or_else(|| panic!("done view"));
    assert!(!done.delivered);
    assert!(
        done.qr_payload.starts_with("https://"),
        "{}",
        done.qr_payload
    );
    assert_eq!(done.duration, "1 iş günü");
    assert!(done.next_steps.contains("SMS"), "{}", done.next_steps);
    let cat = catalog();
    let policy = Policy::default();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let other = Event::Delivered {
        application_id: app_id("YAS01-261124-0002"),
    };
    let (s, _) = step(s, other, 12_000, &ctx);
    assert!(!vm_of(&s).done.is_some_and(|d| d.delivered));
    let ours = Event::Delivered {
        application_id: app_id("YAS01-261124-0001"),
    };
    let (s, _) = step(s, ours, 12_100, &ctx);
    assert!(vm_of(&s).done.is_some_and(|d| d.delivered));
    // "New application" and "my applications" both lead on.
    let (c, _) = step(s.clone(), ui(UiEvent::OpenCatalog), 13_000, &ctx);
    assert_eq!(phase(&c), P::Catalog);
    let (m, fx) = step(s, ui(UiEvent::OpenMyApplications), 13_000, &ctx);
    assert_eq!(phase(&m), P::Mine);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::LoadApplications { .. }))
    );
}

fn ticket(number: &str, offline: bool) -> Ticket {
    Ticket {
        number: number.into(),
        issued_at: chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default(),
        people_ahead: (!offline).then_some(2),
        wait_min: (!offline).then_some(12),
        offline,
        status_url: format!("https://status.dost.gov.az/status/{number}?code=0123456789"),
        sms: false,
        printing: true,
    }
}

fn issued(number: &str) -> Event {
    Event::TicketIssued {
        generation: 0,
        ticket: ticket(number, false),
    }
}

#[test]
fn desk_services_give_a_queue_ticket() {
    let policy = Policy::default();
    let to_form = |service: &str| {
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenCatalog),
            ui(UiEvent::SelectService(service.into())),
            ui(UiEvent::StartForm),
        ]
    };
    let with = |extra: Vec<Event>| {
        let mut ev = to_form("disability-assessment");
        ev.extend(extra);
        ev
    };
    let next = || ui(UiEvent::Next);
    let table: Vec<(&str, Vec<Event>, P)> = vec![
        (
            "the optional SMS page",
            to_form("disability-assessment"),
            P::Form(1),
        ),
        (
            "no SMS: the ticket is asked for",
            with(vec![next()]),
            P::Issuing,
        ),
        ("numbered", with(vec![next(), issued("D017")]), P::Ticket),
        (
            "an SMS number needs consent",
            with(vec![edit("sms_phone", "+994 50 123 45 67"), next()]),
            P::Form(1),
        ),
        (
            "SMS only to mobile operators",
            with(vec![
                edit("sms_phone", "+994 12 555 12 34"),
                edit("sms_consent", "yes"),
                next(),
            ]),
            P::Form(1),
        ),
        (
            "the ticket's finish asks for the rating",
            with(vec![next(), issued("D017"), ui(UiEvent::EndSession)]),
            P::Rating,
        ),
        (
            "a new application from the ticket",
            with(vec![next(), issued("D017"), ui(UiEvent::OpenCatalog)]),
            P::Catalog,
        ),
        (
            "a ticket that cannot be stored goes back, saying so",
            with(vec![next(), Event::TicketFailed { generation: 0 }]),
            P::Info,
        ),
        (
            "see a specialist from the welcome screen",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::SelectService(crate::catalog::SPECIALIST.into())),
            ],
            P::Info,
        ),
        (
            "and back to the welcome screen",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::SelectService(crate::catalog::SPECIALIST.into())),
                ui(UiEvent::Back),
            ],
            P::Welcome,
        ),
        (
            "an application service is not opened from the welcome screen",
            vec![
                good_card(),
                verified(VerifyOutcome::Valid),
                ui(UiEvent::SelectService("employment-history".into())),
            ],
            P::Welcome,
        ),
    ];
    for (name, events, want) in table {
        let (s, _) = run(&policy, events);
        assert_eq!(phase(&s), want, "{name}");
    }
}

#[test]
fn a_ticket_asks_consent_for_sms_and_shows_its_number() {
    let policy = Policy::default();
    let with = |extra: Vec<Event>| {
        let mut ev = vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenCatalog),
            ui(UiEvent::SelectService("disability-assessment".into())),
            ui(UiEvent::StartForm),
        ];
        ev.extend(extra);
        ev
    };
    let next = || ui(UiEvent::Next);
    let (s, _) = run(
        &policy,
        with(vec![edit("sms_phone", "+994 50 123 45 67"), next()]),
    );
    assert_eq!(
        s.errors.get("sms_consent"),
        Some(&FieldError::ConsentRequired)
    );
    let (s, fx) = run(
        &policy,
        with(vec![
            edit("sms_phone", "+994 50 123 45 67"),
            edit("sms_consent", "yes"),
            next(),
        ]),
    );
    assert_eq!(phase(&s), P::Issuing);
    assert!(fx.contains(&Effect::IssueTicket {
        generation: s.generation,
        service_id: "disability-assessment".into(),
        lang: Lang::Az,
        sms_phone: Some("+994501234567".into()),
    }));
    let (s, _) = run(
        &policy,
        with(vec![next(), Event::TicketFailed { generation: 0 }]),
    );
    assert!(s.submit_failed);
    let (s, _) = run(&policy, with(vec![next(), issued("D017")]));
    let t = vm_of(&s).ticket.unwrap_or_else(|| panic!("ticket view"));
    assert_eq!(t.number, "D017");
    assert_eq!((t.people_ahead, t.wait_min), (Some(2), Some(12)));
    assert!(t.qr_payload.contains("D017"));
    assert_eq!(vm_of(&s).screen, ScreenId::QueueTicket);
}

#[test]
fn help_explains_the_screen_and_calls_staff_once() {
    let policy = Policy::default();
    let mut ev = vec![
        good_card(),
        verified(VerifyOutcome::Valid),
        ui(UiEvent::OpenCatalog),
        ui(UiEvent::SelectService("employment-history".into())),
        ui(UiEvent::StartForm),
        ui(UiEvent::OpenHelp),
    ];
    let (s, _) = run(&policy, ev.clone());
    let vm = vm_of(&s);
    assert_eq!(
        (vm.screen, vm.help.map(|h| h.staff_called)),
        (ScreenId::Form, Some(false))
    );
    ev.extend([ui(UiEvent::CallStaff), ui(UiEvent::CallStaff)]);
    let (s, fx) = run(&policy, ev.clone());
    let calls: Vec<&Effect> = fx
        .iter()
        .filter(|e| matches!(e, Effect::CallStaff { .. }))
        .collect();
    assert_eq!(
        calls,
        vec![&Effect::CallStaff {
            screen: ScreenId::Form
        }]
    );
    assert!(vm_of(&s).help.is_some_and(|h| h.staff_called));
    ev.extend([ui(UiEvent::CloseHelp), ui(UiEvent::OpenHelp)]);
    let (s, _) = run(&policy, ev);
    assert!(
        vm_of(&s).help.is_some_and(|h| h.staff_called),
        "the call is remembered"
    );
    // Closing the help leaves the screen as it was; the attract screen has help too.
    let (s, _) = run(&policy, vec![ui(UiEvent::OpenHelp), ui(UiEvent::CloseHelp)]);
    assert_eq!((phase(&s), vm_of(&s).help), (P::Attract, None));
    let (s, fx) = run(&policy, vec![ui(UiEvent::OpenHelp), ui(UiEvent::CallStaff)]);
    assert!(fx.contains(&Effect::CallStaff {
        screen: ScreenId::Attract
    }));
    // Left open on the attract screen, it closes by itself.
    let cat = catalog();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let (s, _) = step(s, Event::Tick, 3_000 + policy.idle_timeout_ms, &ctx);
    assert!(!s.help.open);
}

#[test]
fn the_phone_number_is_offered_again_in_the_same_session() {
    let policy = Policy::default();
    let mut ev = vec![
        good_card(),
        verified(VerifyOutcome::Valid),
        ui(UiEvent::OpenCatalog),
        ui(UiEvent::SelectService("employment-history".into())),
        ui(UiEvent::StartForm),
        edit("phone", "050 123 45 67"),
        ui(UiEvent::Next),
        ui(UiEvent::Submit),
        stored(),
        ui(UiEvent::OpenCatalog),
        ui(UiEvent::SelectService("lawyer-consultation".into())),
    ];
    let (s, _) = run(&policy, ev.clone());
    assert_eq!(
        s.answers.get("phone").map(String::as_str),
        Some("+994 50 123 45 67")
    );
    // A desk service's SMS number is offered too (a mobile number).
    ev.extend([
        ui(UiEvent::Back),
        ui(UiEvent::SelectService("disability-assessment".into())),
    ]);
    let (s, _) = run(&policy, ev);
    assert_eq!(
        s.answers.get("sms_phone").map(String::as_str),
        Some("+994 50 123 45 67")
    );
    // A landline is not offered for SMS; a new session remembers nothing.
    let (s, _) = run(
        &policy,
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenCatalog),
            ui(UiEvent::SelectService("lawyer-consultation".into())),
            ui(UiEvent::StartForm),
            edit("phone", "012 555 12 34"),
            edit("topic", "Pensiya"),
            ui(UiEvent::Next),
            ui(UiEvent::Submit),
            stored(),
            ui(UiEvent::OpenCatalog),
            ui(UiEvent::SelectService("employment-history".into())),
        ],
    );
    assert_eq!(s.remembered_phone.as_deref(), Some("+994125551234"));
    assert!(s.answers.is_empty());
    let (s, _) = run(&policy, vec![good_card(), verified(VerifyOutcome::Valid)]);
    assert!(s.remembered_phone.is_none());
}

#[test]
fn typing_past_a_fields_limit_is_refused() {
    let policy = Policy::default();
    let base = vec![
        good_card(),
        verified(VerifyOutcome::Valid),
        ui(UiEvent::OpenCatalog),
        ui(UiEvent::SelectService("self-employment".into())),
        ui(UiEvent::StartForm),
    ];
    let with = |extra: Vec<Event>| {
        let mut ev = base.clone();
        ev.extend(extra);
        ev
    };
    let eighty = "a".repeat(80);
    let (s, _) = run(
        &policy,
        with(vec![
            edit("business", &eighty),
            edit("business", &"a".repeat(81)),
        ]),
    );
    assert_eq!(s.answers.get("business"), Some(&eighty));
    let (s, _) = run(
        &policy,
        with(vec![
            edit("phone", "+994 50 123 45 67"),
            edit("phone", "+994 50 123 45 678"),
        ]),
    );
    assert_eq!(
        s.answers.get("phone").map(String::as_str),
        Some("+994 50 123 45 67")
    );
    // An IBAN grouped by four takes its 28 characters, not a 29th.
    let pension = vec![
        good_card(),
        verified(VerifyOutcome::Valid),
        ui(UiEvent::OpenCatalog),
        ui(UiEvent::SelectService("old-age-pension".into())),
        ui(UiEvent::StartForm),
        edit("phone", "050 123 45 67"),
        ui(UiEvent::Next),
        edit("iban", "AZ21 NABZ 0000 0000 1370 1000 1944"),
        edit("iban", "AZ21 NABZ 0000 0000 1370 1000 1944 5"),
    ];
    let (s, _) = run(&policy, pension);
    assert_eq!(
        s.answers.get("iban").map(String::as_str),
        Some("AZ21 NABZ 0000 0000 1370 1000 1944")
    );
    // The form view says the limit, for the keyboard and the error message.
    let (s, _) = run(&policy, with(vec![]));
    let form = vm_of(&s).form.unwrap_or_default();
    let business = form.fields.iter().find(|f| f.id == "business");
    assert_eq!(business.map(|f| f.max_chars), Some(80));
}

#[test]
fn the_centre_spells_the_name_in_azerbaijani() {
    let policy = Policy::default();
    let name = |n: &str| Event::CitizenName {
        generation: 0,
        name: n.into(),
    };
    let (s, _) = run(
        &policy,
        vec![
            good_card(),
            name("Əli  Məmmədov"),
            verified(VerifyOutcome::Valid),
        ],
    );
    assert_eq!(
        vm_of(&s).citizen.map(|c| c.display_name),
        Some("Əli Məmmədov".into())
    );
    for bogus in ["", "<script>", &"Ə".repeat(101)] {
        let (s, _) = run(
            &policy,
            vec![good_card(), name(bogus), verified(VerifyOutcome::Valid)],
        );
        assert_eq!(
            s.citizen.map(|c| c.display_name),
            Some("Ali Mammadov".into()),
            "{bogus:?}: the MRZ name stays"
        );
    }
    // Too late (the session is open) or for another session: ignored.
    let (s, _) = run(
        &policy,
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            name("Əli Məmmədov"),
        ],
    );
    assert_eq!(
        s.citizen.map(|c| c.display_name),
        Some("Ali Mammadov".into())
    );
}

#[test]
fn finishing_from_my_applications_offers_the_rating() {
    let policy = Policy::default();
    let (s, fx) = run(
        &policy,
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenMyApplications),
            ui(UiEvent::EndSession),
        ],
    );
    assert_eq!(s.phase, Phase::Rating { service: None });
    assert!(!fx.contains(&Effect::Wiped));
    let (s, fx) = run(
        &policy,
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenMyApplications),
            ui(UiEvent::EndSession),
            ui(UiEvent::Rate(4)),
        ],
    );
    assert_eq!(phase(&s), P::Thanks);
    assert!(vm_of(&s).rated);
    assert!(fx.contains(&Effect::Rate {
        service_id: None,
        score: 4,
        lang: Lang::Az
    }));
    // Finishing from the welcome screen (nothing done) still ends at once.
    let (s, _) = run(
        &policy,
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::EndSession),
        ],
    );
    assert_eq!(phase(&s), P::Attract);
}

#[test]
fn a_rejected_application_shows_the_centres_reason_and_next_step() {
    let policy = Policy::default();
    let (s, _) = run(
        &policy,
        vec![
            good_card(),
            verified(VerifyOutcome::Valid),
            ui(UiEvent::OpenMyApplications),
        ],
    );
    let texts = |t: &str| dost_api::Texts {
        az: format!("az {t}"),
        ru: format!("ru {t}"),
        en: format!("en {t}"),
    };
    let record = AppRecord {
        application_id: app_id("YAS01-261124-0001"),
        service_id: "employment-history".into(),
        state: ApplicationState::Rejected,
        as_of: None,
        pending_upload: false,
        history: vec![],
        receipt: Default::default(),
        rejection: Some(dost_api::Rejection {
            code: "documents_missing".into(),
            reason: texts("why"),
            next_step: texts("what"),
            action: dost_api::NextAction::BringDocuments,
        }),
    };
    let list = AppList {
        records: vec![record],
        offline: false,
        loading: false,
    };
    let cat = catalog();
    let ctx = Ctx {
        policy: &policy,
        catalog: &cat,
    };
    let generation = s.generation;
    let (s, _) = step(s, Event::Applications { generation, list }, 20_000, &ctx);
    let (s, _) = step(
        s,
        ui(UiEvent::OpenApplication(app_id("YAS01-261124-0001"))),
        21_000,
        &ctx,
    );
    let (mut s, _) = step(s, ui(UiEvent::SetLanguage(Lang::Ru)), 22_000, &ctx);
    s.lang = Lang::Ru;
    let detail = vm_of(&s)
        .application_detail
        .unwrap_or_else(|| panic!("detail"));
    let r = detail.rejection.unwrap_or_else(|| panic!("rejection"));
    assert_eq!(
        (r.reason.as_str(), r.next_step.as_str()),
        ("ru why", "ru what")
    );
    assert_eq!(r.action, dost_api::NextAction::BringDocuments);
}
