//! The citizen flow's UI through the real bridge on `i-slint-backend-testing`, by accessible
//! label: help on every citizen screen, the done screen's truth and ways on, buttons of
//! consecutive screens apart, the queue ticket, the keyboard (cursor, layout switch, limits),
//! error messages that say how to fix, the idle warning hiding citizen data, the rating's
//! thanks, the catalog's scroll hint and place, the specialist entry, the rejection's reason
//! and the staff's calls.
//!
//! One #[test] on purpose: the testing platform is installed once per process.

use std::time::Duration;

use dost_kiosk::kit::sample;
use dost_kiosk::ui_bridge::SlintUi;
use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementRoot};
use kiosk_core::view::{FieldKind, FieldView, FormView, Lang, ScreenId, UiEvent, ViewModel};
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition, LogicalSize};
use tokio::sync::mpsc::UnboundedReceiver;

fn actions(rx: &mut UnboundedReceiver<UiEvent>) -> Vec<UiEvent> {
    let mut v = Vec::new();
    while let Ok(e) = rx.try_recv() {
        if e != UiEvent::Activity {
            v.push(e);
        }
    }
    v
}

/// Elements labelled `label` (interactive ones first).
fn all(ui: &SlintUi, label: &str) -> Vec<ElementHandle> {
    let mut v: Vec<_> = ElementHandle::find_by_accessible_label(ui.app(), label).collect();
    v.sort_by_key(|e| e.accessible_role() == Some(AccessibleRole::Text));
    v
}

fn find(ui: &SlintUi, label: &str) -> ElementHandle {
    all(ui, label)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no element labelled {label:?}"))
}

/// The first element labelled `label` anywhere in the tree, repeated elements included (the
/// catalog's cards sit in nested repeaters).
#[track_caller]
fn find_deep(ui: &SlintUi, label: &str) -> ElementHandle {
    let mut found = None;
    ui.app().root_element().visit_descendants(|e| {
        if e.accessible_label().is_some_and(|l| l == label) {
            found = Some(e.clone());
            return std::ops::ControlFlow::Break(());
        }
        std::ops::ControlFlow::Continue(())
    });
    match found {
        Some(e) => e,
        None => panic!("no element labelled {label:?}"),
    }
}

/// The service cards in view, with their top.
fn cards(ui: &SlintUi) -> Vec<(String, f32)> {
    let mut v = Vec::new();
    ui.app().root_element().visit_descendants(|e| {
        if e.type_name().is_some_and(|t| t == "ServiceCard")
            && let Some(l) = e.accessible_label()
        {
            v.push((l.to_string(), e.absolute_position().y));
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    v
}

fn exists(ui: &SlintUi, label: &str) -> bool {
    !all(ui, label).is_empty()
}

/// Any element whose label contains `part`.
fn label_containing(ui: &SlintUi, part: &str) -> bool {
    let mut found = false;
    ui.app().root_element().visit_descendants(|e| {
        if e.accessible_label().is_some_and(|l| l.contains(part)) {
            found = true;
            return std::ops::ControlFlow::Break(());
        }
        std::ops::ControlFlow::Continue(())
    });
    found
}

fn tap_at(ui: &SlintUi, position: LogicalPosition) {
    let w = ui.app().window();
    let button = PointerEventButton::Left;
    w.dispatch_event(WindowEvent::PointerMoved { position });
    w.dispatch_event(WindowEvent::PointerPressed { position, button });
    w.dispatch_event(WindowEvent::PointerReleased { position, button });
    w.dispatch_event(WindowEvent::PointerExited);
}

fn click(ui: &SlintUi, label: &str) {
    let e = find(ui, label);
    let (p, s) = (e.absolute_position(), e.size());
    tap_at(
        ui,
        LogicalPosition::new(p.x + s.width / 2.0, p.y + s.height / 2.0),
    );
}

/// Window rectangle of an element: (x0, y0, x1, y1).
fn rect(e: &ElementHandle) -> (f32, f32, f32, f32) {
    let (p, s) = (e.absolute_position(), e.size());
    (p.x, p.y, p.x + s.width, p.y + s.height)
}

fn overlap(a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

fn settle() {
    for _ in 0..3 {
        slint::platform::update_timers_and_animations();
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn state(name: &str, lang: Lang) -> ViewModel {
    let catalog = dost_kiosk::kit::shipped_catalog().expect("catalog");
    kiosk_core::samples::state(name, lang, &catalog).expect("state")
}

/// A form page with one field of `kind` holding `value`.
fn one_field(lang: Lang, kind: FieldKind, label: &str, value: &str, max: usize) -> ViewModel {
    let mut vm = sample(ScreenId::Form, lang);
    vm.form = Some(FormView {
        service_title: "Test".into(),
        fields: vec![FieldView {
            id: "f".into(),
            label: label.into(),
            kind,
            required: true,
            value: value.into(),
            max_chars: max,
            ..FieldView::default()
        }],
        page: 1,
        pages: 1,
        desk_only: false,
    });
    vm
}

#[test]
fn citizen_flow_by_accessible_label() {
    i_slint_backend_testing::init_integration_test_with_system_time();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let ui = SlintUi::new(tx).expect("testing backend creates the window");
    ui.app().window().set_size(LogicalSize::new(1080.0, 1920.0));
    ui.app().show().unwrap();

    // Help on every citizen screen; none on the service screens.
    for &screen in ScreenId::ALL {
        ui.show(&sample(screen, Lang::En));
        let service = matches!(
            screen,
            ScreenId::ServicePin
                | ScreenId::ServiceTechnician
                | ScreenId::ServiceStaff
                | ScreenId::ServiceSettings
        );
        assert_eq!(exists(&ui, "Help"), !service, "{screen:?}");
    }
    ui.show(&sample(ScreenId::Form, Lang::En));
    actions(&mut rx);
    click(&ui, "Help");
    assert_eq!(actions(&mut rx), vec![UiEvent::OpenHelp]);
    ui.show(&state("help", Lang::En));
    assert!(label_containing(
        &ui,
        "Touch a box and type with the keyboard"
    ));
    click(&ui, "Call a staff member");
    click(&ui, "Close help");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::CallStaff, UiEvent::CloseHelp]
    );
    ui.show(&state("help-staff-called", Lang::Ru));
    assert!(label_containing(&ui, "Сотрудник вызван"));
    assert!(!exists(&ui, "Позвать сотрудника"), "called once");

    // Done: saved on this kiosk, then received by DOST; next steps, time, the ways on.
    ui.show(&sample(ScreenId::Done, Lang::En));
    assert!(exists(&ui, "Saved on this kiosk"));
    assert!(!exists(&ui, "Received by DOST"));
    assert!(label_containing(
        &ui,
        "What happens next: Your family's situation"
    ));
    click(&ui, "New application");
    click(&ui, "My applications");
    click(&ui, "Finish");
    assert_eq!(
        actions(&mut rx),
        vec![
            UiEvent::OpenCatalog,
            UiEvent::OpenMyApplications,
            UiEvent::EndSession
        ]
    );
    let done_buttons: Vec<_> = ["New application", "My applications", "Finish"]
        .iter()
        .map(|l| rect(&find(&ui, l)))
        .collect();
    ui.show(&state("done-delivered", Lang::Az));
    assert!(exists(&ui, "DOST tərəfindən alındı"));

    // A double tap cannot press the next screen's button: "Next" (form), "Submit" (review)
    // and the done screen's buttons are all in different places.
    ui.show(&sample(ScreenId::Form, Lang::En));
    let next = rect(&find(&ui, "Next ›"));
    ui.show(&sample(ScreenId::Review, Lang::En));
    let submit = rect(&find(&ui, "Submit application"));
    assert!(!overlap(next, submit), "{next:?} {submit:?}");
    for b in &done_buttons {
        assert!(!overlap(submit, *b), "{submit:?} {b:?}");
    }

    // The queue ticket: number, place, the ways on.
    ui.show(&sample(ScreenId::QueueTicket, Lang::En));
    assert!(exists(&ui, "Queue number D017"));
    assert!(label_containing(&ui, "People ahead of you: 3"));
    assert!(exists(&ui, "QR code to follow the queue"));
    click(&ui, "New application");
    click(&ui, "Finish");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::OpenCatalog, UiEvent::EndSession]
    );
    ui.show(&state("ticket-offline", Lang::En));
    assert!(label_containing(&ui, "gave this number itself"));

    // Keyboard: an address takes Azerbaijani letters in the Russian UI; the switch key goes
    // to Russian, then English, then back.
    let mut vm = one_field(Lang::Ru, FieldKind::Address, "Адрес", "", 120);
    ui.show(&vm);
    assert!(
        exists(&ui, "ə") && exists(&ui, "ş"),
        "az letters for an address"
    );
    click(&ui, "Сменить язык клавиатуры");
    assert!(exists(&ui, "й") && !exists(&ui, "ə"));
    click(&ui, "Сменить язык клавиатуры");
    assert!(exists(&ui, "w"));
    click(&ui, "Сменить язык клавиатуры");
    assert!(exists(&ui, "ə"));
    actions(&mut rx);
    // Typing, the arrow keys and typing in the middle.
    for k in ["b", "a", "k", "ı"] {
        click(&ui, k);
    }
    click(&ui, "Курсор влево");
    click(&ui, "Курсор влево");
    click(&ui, "x");
    click(&ui, "Курсор вправо");
    click(&ui, "Курсор вправо");
    click(&ui, "Курсор вправо");
    click(&ui, "ə");
    let edited = |v: &str| UiEvent::FieldEdited {
        field_id: "f".into(),
        value: v.into(),
    };
    assert_eq!(
        actions(&mut rx),
        vec![
            edited("b"),
            edited("ba"),
            edited("bak"),
            edited("bakı"),
            edited("baxkı"),
            edited("baxkıə"),
        ],
        "arrows move the cursor without an edit; the last arrow stops at the end"
    );
    // A tap at the start of the text puts the cursor there.
    let input = ElementHandle::find_by_accessible_label(ui.app(), "Адрес")
        .find(|e| e.type_name().is_some_and(|t| t == "TextInput"))
        .expect("the value's text input");
    assert_eq!(input.accessible_value().as_deref(), Some("baxkıə"));
    let (x0, y0, _, y1) = rect(&input);
    tap_at(&ui, LogicalPosition::new(x0 + 1.0, (y0 + y1) / 2.0));
    settle();
    click(&ui, "q");
    assert_eq!(actions(&mut rx), vec![edited("qbaxkıə")]);

    // A long value shows its end while typed (the text slides left to keep the cursor).
    vm = one_field(
        Lang::En,
        FieldKind::Address,
        "Home address",
        &"Şərifzadə ".repeat(9),
        120,
    );
    // Another field than the one whose cursor was put at the start above.
    if let Some(form) = vm.form.as_mut() {
        form.fields[0].id = "home".into();
    }
    ui.show(&vm);
    click(&ui, "a");
    settle();
    let input = ElementHandle::find_by_accessible_label(ui.app(), "Home address")
        .find(|e| e.type_name().is_some_and(|t| t == "TextInput"))
        .expect("text input");
    let boxed = ElementHandle::find_by_accessible_label(ui.app(), "Home address")
        .find(|e| {
            e.type_name().is_some_and(|t| t != "TextInput")
                && e.accessible_role() == Some(AccessibleRole::TextInput)
        })
        .expect("value box");
    let (ix0, _, ix1, _) = rect(&input);
    let (bx0, _, bx1, _) = rect(&boxed);
    assert!(
        ix0 < bx0,
        "the text's start slid out on the left: {ix0} {bx0}"
    );
    assert!(
        ix1 <= bx1 + 1.0 && ix1 > bx1 - 80.0,
        "its end in view: {ix1} {bx1}"
    );
    actions(&mut rx);

    // IBAN grouped by four; typing past a field's limit is refused.
    ui.show(&one_field(
        Lang::En,
        FieldKind::Iban,
        "IBAN",
        "AZ21NABZ00000000137010001944",
        28,
    ));
    let input = ElementHandle::find_by_accessible_label(ui.app(), "IBAN")
        .find(|e| e.type_name().is_some_and(|t| t == "TextInput"))
        .expect("text input");
    assert_eq!(
        input.accessible_value().as_deref(),
        Some("AZ21 NABZ 0000 0000 1370 1000 1944")
    );
    click(&ui, "5");
    assert_eq!(actions(&mut rx), vec![], "a 29th character is refused");
    ui.show(&one_field(
        Lang::En,
        FieldKind::Text,
        "Profession",
        "abc",
        3,
    ));
    click(&ui, "d");
    assert_eq!(actions(&mut rx), vec![]);

    // Errors say how to fix: the range, the operator codes, that a choice must be picked.
    ui.show(&sample(ScreenId::Form, Lang::En));
    assert!(exists(&ui, "Enter a number from 1 to 20."));
    ui.show(&state("form-errors", Lang::En));
    assert!(label_containing(
        &ui,
        "an operator or area code (10, 50, 51, 55, 60, 70, 77, 99, 12"
    ));
    assert!(exists(&ui, "Please pick one of the choices."));
    ui.show(&state("form-sms", Lang::Az));
    assert!(label_containing(
        &ui,
        "operator kodu (10, 50, 51, 55, 60, 70, 77, 99)"
    ));
    assert!(label_containing(&ui, "SMS almaq üçün burada «Bəli» seçin"));

    // The idle warning hides the citizen's data.
    let mut vm = sample(ScreenId::Welcome, Lang::En);
    ui.show(&vm);
    assert!(exists(&ui, "New application"));
    vm.idle_countdown = Some(20);
    ui.show(&vm);
    assert!(exists(&ui, "Are you still there?"));
    assert!(
        !exists(&ui, "New application"),
        "the screen is hidden under the warning"
    );
    assert!(!label_containing(&ui, "5ZX"), "no FİN under the warning");

    // The rating says thank you; finishing ends the session.
    ui.show(&state("thanks", Lang::En));
    assert!(exists(&ui, "Thank you!"));
    actions(&mut rx);
    click(&ui, "Finish");
    assert_eq!(actions(&mut rx), vec![UiEvent::EndSession]);

    // The catalog says it scrolls, and comes back at the same place.
    ui.show(&sample(ScreenId::Catalog, Lang::En));
    assert!(exists(&ui, "More services below"));
    // A card in view before and after one "more below" (only cards in view are in the tree).
    let before = cards(&ui);
    click(&ui, "More services below");
    settle();
    let after = cards(&ui);
    let (name, first) = before
        .iter()
        .find(|(n, _)| after.iter().any(|(m, _)| m == n))
        .cloned()
        .expect("a card in view before and after the scroll");
    let y_of = |ui: &SlintUi| find_deep(ui, &name).absolute_position().y;
    let scrolled = y_of(&ui);
    assert!(scrolled < first - 100.0, "{first} → {scrolled}");
    ui.show(&sample(ScreenId::ServiceInfo, Lang::En));
    ui.show(&sample(ScreenId::Catalog, Lang::En));
    settle();
    let back = y_of(&ui);
    assert!(
        (back - scrolled).abs() < 1.0,
        "back at {back}, was {scrolled}"
    );
    ui.show(&sample(ScreenId::Welcome, Lang::En));
    ui.show(&sample(ScreenId::Catalog, Lang::En));
    settle();
    let fresh = y_of(&ui);
    assert!((fresh - first).abs() < 1.0, "a new visit starts at the top");
    actions(&mut rx);

    // See a specialist from the welcome screen; the FİN explained in English and Russian.
    ui.show(&sample(ScreenId::Welcome, Lang::En));
    click(&ui, "See a specialist");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::SelectService("specialist".into())]
    );
    assert!(label_containing(
        &ui,
        "FİN (personal identification number): 5ZX****"
    ));
    ui.show(&sample(ScreenId::Welcome, Lang::Ru));
    assert!(label_containing(
        &ui,
        "ФИН (личный идентификационный номер)"
    ));

    // A rejected application: the reason and what to do.
    ui.show(&state("rejected", Lang::Ru));
    assert!(label_containing(
        &ui,
        "Почему отклонено: Среднемесячный доход"
    ));
    assert!(label_containing(
        &ui,
        "Что можно сделать: Если вы не согласны"
    ));
    assert!(exists(&ui, "Вы можете обжаловать"));

    // Staff see who called for help and where; they mark the calls answered.
    ui.show(&sample(ScreenId::ServiceStaff, Lang::En));
    assert!(label_containing(
        &ui,
        "a citizen asked for help while filling in a form"
    ));
    assert!(label_containing(
        &ui,
        "At this kiosk: Zal 1, girişin sağında"
    ));
    click(&ui, "Answered: the citizens were helped");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::ServiceAction(
            kiosk_core::view::ServiceAction::HelpAnswered
        )]
    );
}
