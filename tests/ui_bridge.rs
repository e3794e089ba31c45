//! UI behaviour through the real bridge, on the `i-slint-backend-testing` platform:
//! find elements by accessible label (needs the debug info build.rs emits in debug builds),
//! click them, and check the `UiEvent`s on the channel.
//!
//! One #[test] on purpose: the testing platform is installed once per process, and Slint
//! objects must stay on the thread that created them. Headless PNG rendering needs a
//! different platform and lives in `tests/ui_render.rs`.

use std::time::Duration;

use dost_kiosk::kit::sample;
use dost_kiosk::ui_bridge::SlintUi;
use i_slint_backend_testing::ElementHandle;
use kiosk_core::view::{Lang, ScreenId, UiEvent};
use slint::platform::{Key, PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition, LogicalSize, SharedString};
use tokio::sync::mpsc::UnboundedReceiver;

fn drain(rx: &mut UnboundedReceiver<UiEvent>) -> Vec<UiEvent> {
    let mut v = Vec::new();
    while let Ok(e) = rx.try_recv() {
        v.push(e);
    }
    v
}

/// Events without the (throttled) activity pings.
fn actions(rx: &mut UnboundedReceiver<UiEvent>) -> Vec<UiEvent> {
    drain(rx)
        .into_iter()
        .filter(|e| *e != UiEvent::Activity)
        .collect()
}

/// The element labelled `label`, preferring interactive ones over plain texts.
fn find(ui: &SlintUi, label: &str) -> ElementHandle {
    let all: Vec<_> = ElementHandle::find_by_accessible_label(ui.app(), label).collect();
    assert!(!all.is_empty(), "no element labelled {label:?}");
    let text = Some(i_slint_backend_testing::AccessibleRole::Text);
    let i = all
        .iter()
        .position(|e| e.accessible_role() != text)
        .unwrap_or(0);
    all.into_iter().nth(i).unwrap()
}

fn exists(ui: &SlintUi, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(ui.app(), label)
        .next()
        .is_some()
}

/// Taps the centre of the element (pointer press + release, like a touch).
fn click(ui: &SlintUi, label: &str) {
    let e = find(ui, label);
    let (pos, size) = (e.absolute_position(), e.size());
    let position = LogicalPosition::new(pos.x + size.width / 2.0, pos.y + size.height / 2.0);
    let w = ui.app().window();
    let button = PointerEventButton::Left;
    w.dispatch_event(WindowEvent::PointerMoved { position });
    w.dispatch_event(WindowEvent::PointerPressed { position, button });
    w.dispatch_event(WindowEvent::PointerReleased { position, button });
    w.dispatch_event(WindowEvent::PointerExited);
}

/// Lets the activity throttle (1 s) pass.
fn wait_throttle() {
    std::thread::sleep(Duration::from_millis(1050));
}

/// A form page with every kind of input the bridge handles: a phone (numeric pad), an empty
/// address with an error (the keyboard types into it), and a choice (option buttons).
fn form_sample(lang: Lang) -> kiosk_core::view::ViewModel {
    use kiosk_core::view::{FieldError, FieldKind, FieldView, FormView};
    let t = |az: &str, ru: &str, en: &str| {
        match lang {
            Lang::Az => az,
            Lang::Ru => ru,
            Lang::En => en,
        }
        .to_owned()
    };
    let mut vm = sample(ScreenId::Form, lang);
    vm.form = Some(FormView {
        service_title: t(
            "İşsiz kimi qeydiyyat",
            "Регистрация безработного",
            "Registration",
        ),
        fields: vec![
            FieldView {
                id: "phone".into(),
                label: t("Mobil telefon", "Мобильный телефон", "Mobile phone"),
                kind: FieldKind::Phone,
                required: true,
                value: "+994 50 123 45 67".into(),
                ..FieldView::default()
            },
            FieldView {
                id: "address".into(),
                label: t(
                    "Faktiki yaşayış ünvanı",
                    "Фактический адрес проживания",
                    "Home address",
                ),
                kind: FieldKind::Address,
                required: true,
                error: Some(FieldError::Required),
                ..FieldView::default()
            },
            FieldView {
                id: "education".into(),
                label: t("Təhsil", "Образование", "Education"),
                kind: FieldKind::Choice,
                required: true,
                value: t("Ali", "Высшее", "Higher"),
                options: vec![
                    t("Orta", "Среднее", "Secondary"),
                    t("Peşə", "Профессиональное", "Vocational"),
                    t("Ali", "Высшее", "Higher"),
                ],
                ..FieldView::default()
            },
        ],
        page: 1,
        pages: 2,
        desk_only: false,
    });
    vm
}

#[test]
fn bridge_turns_touches_into_events() {
    i_slint_backend_testing::init_integration_test_with_system_time();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let ui = SlintUi::new(tx).expect("testing backend creates the window");
    ui.app().window().set_size(LogicalSize::new(1080.0, 1920.0));
    ui.app().show().unwrap();

    // Attract (English): demo button, F2 shortcut, Ctrl+D, language switch.
    ui.show(&sample(ScreenId::Attract, Lang::En));
    click(&ui, "Insert demo card");
    assert_eq!(
        drain(&mut rx),
        vec![UiEvent::Activity, UiEvent::DemoInsertCard]
    );

    let key = |text: SharedString| {
        let w = ui.app().window();
        w.dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        w.dispatch_event(WindowEvent::KeyReleased { text });
    };
    key(Key::F2.into());
    assert_eq!(actions(&mut rx), vec![UiEvent::DemoInsertCard]);
    // "d" without Control: no shortcut.
    key("d".into());
    let ctrl_d = |ui: &SlintUi| {
        let w = ui.app().window();
        w.dispatch_event(WindowEvent::KeyPressed {
            text: Key::Control.into(),
        });
        w.dispatch_event(WindowEvent::KeyPressed { text: "d".into() });
        w.dispatch_event(WindowEvent::KeyReleased { text: "d".into() });
        w.dispatch_event(WindowEvent::KeyReleased {
            text: Key::Control.into(),
        });
    };
    assert_eq!(actions(&mut rx), vec![]);
    ctrl_d(&ui);
    assert_eq!(actions(&mut rx), vec![UiEvent::DemoInsertCard]);

    // Not in demo mode: the shortcut does nothing and the button is gone.
    let mut vm = sample(ScreenId::Attract, Lang::En);
    vm.demo = false;
    ui.show(&vm);
    key(Key::F2.into());
    assert_eq!(actions(&mut rx), vec![]);
    assert!(!exists(&ui, "Insert demo card"));

    // Language: switches the texts at once and tells the core; back to English works.
    click(&ui, "Azərbaycanca");
    assert_eq!(actions(&mut rx), vec![UiEvent::SetLanguage(Lang::Az)]);
    ui.show(&sample(ScreenId::Attract, Lang::Az));
    assert!(exists(&ui, "Demo kartı daxil et"));
    click(&ui, "Русский");
    assert_eq!(actions(&mut rx), vec![UiEvent::SetLanguage(Lang::Ru)]);
    assert!(
        exists(&ui, "Вставить демо-карту"),
        "Russian is shown before the core answers"
    );
    click(&ui, "English");
    assert_eq!(actions(&mut rx), vec![UiEvent::SetLanguage(Lang::En)]);
    assert!(exists(&ui, "Insert demo card"));

    // Activity is throttled to one per second.
    wait_throttle();
    drain(&mut rx);
    wait_throttle();
    click(&ui, "English");
    click(&ui, "English");
    let ev = drain(&mut rx);
    assert_eq!(
        ev.iter().filter(|e| **e == UiEvent::Activity).count(),
        1,
        "{ev:?}"
    );

    // Welcome: the three actions.
    ui.show(&sample(ScreenId::Welcome, Lang::En));
    click(&ui, "New application");
    click(&ui, "My applications");
    click(&ui, "Finish and take my card");
    assert_eq!(
        actions(&mut rx),
        vec![
            UiEvent::OpenCatalog,
            UiEvent::OpenMyApplications,
            UiEvent::EndSession
        ]
    );

    // Catalog: a service card.
    ui.show(&sample(ScreenId::Catalog, Lang::En));
    click(&ui, "Register as unemployed");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::SelectService("unemployed-registration".into())]
    );
    find(&ui, "Apply for an old-age labour pension").invoke_accessible_default_action();
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::SelectService("old-age-pension".into())]
    );

    // Form (English): the field with an error has the keyboard; type "Ab" and erase.
    ui.show(&form_sample(Lang::En));
    click(&ui, "Shift");
    click(&ui, "A");
    click(&ui, "b");
    click(&ui, "Backspace");
    let edited = |v: &str| UiEvent::FieldEdited {
        field_id: "address".into(),
        value: v.into(),
    };
    assert_eq!(
        actions(&mut rx),
        vec![edited("A"), edited("Ab"), edited("A")]
    );
    let input = ElementHandle::find_by_accessible_label(ui.app(), "Home address")
        .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::TextInput))
        .expect("text input of the address field");
    assert_eq!(input.accessible_value().unwrap(), "A");

    // Phone: tap the field, the numeric pad appears; erase and retype the last digit.
    click(&ui, "Mobile phone");
    assert!(
        !exists(&ui, "q"),
        "letter keys are hidden for the phone field"
    );
    click(&ui, "Backspace");
    click(&ui, "8");
    let phone = |v: &str| UiEvent::FieldEdited {
        field_id: "phone".into(),
        value: v.into(),
    };
    assert_eq!(
        actions(&mut rx),
        vec![phone("+994 50 123 45 6"), phone("+994 50 123 45 68")]
    );

    // Choice field: option buttons set the whole value.
    click(&ui, "Vocational");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::FieldEdited {
            field_id: "education".into(),
            value: "Vocational".into()
        }]
    );
    click(&ui, "Next ›");
    click(&ui, "‹ Back");
    assert_eq!(actions(&mut rx), vec![UiEvent::Next, UiEvent::Back]);

    // Azerbaijani keyboard: the letters of the AZ layout.
    ui.show(&form_sample(Lang::Az));
    for k in ["ə", "ğ", "ı"] {
        assert!(exists(&ui, k), "key {k}");
    }
    click(&ui, "Böyük hərf");
    assert!(
        exists(&ui, "İ") && exists(&ui, "I"),
        "Turkic capitals i→İ, ı→I"
    );
    click(&ui, "İ");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::FieldEdited {
            field_id: "address".into(),
            value: "İ".into()
        }]
    );

    // Russian screen: an address is typed in Azerbaijani; the switch key gives Cyrillic.
    ui.show(&form_sample(Lang::Ru));
    assert!(exists(&ui, "ə") && !exists(&ui, "й"));
    click(&ui, "Сменить язык клавиатуры");
    assert!(exists(&ui, "й") && exists(&ui, "ё"));

    // Review: submit; Done: finish; My applications: back.
    ui.show(&sample(ScreenId::Review, Lang::En));
    click(&ui, "Submit application");
    ui.show(&sample(ScreenId::Done, Lang::En));
    assert!(exists(&ui, "YAS01-261124-0007"));
    assert!(exists(&ui, "QR code of your application"));
    click(&ui, "Finish");
    ui.show(&sample(ScreenId::MyApplications, Lang::En));
    assert!(exists(&ui, "In review") && exists(&ui, "Approved") && exists(&ui, "Received"));
    click(&ui, "‹ Back");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::Submit, UiEvent::EndSession, UiEvent::Back]
    );

    // Idle countdown overlay: shown with the seconds, a touch keeps the session.
    let mut vm = sample(ScreenId::Catalog, Lang::En);
    vm.idle_countdown = Some(9);
    ui.show(&vm);
    wait_throttle();
    drain(&mut rx);
    click(&ui, "Yes, continue");
    assert!(drain(&mut rx).contains(&UiEvent::Activity));
    vm.idle_countdown = None;
    ui.show(&vm);
    assert!(!exists(&ui, "Yes, continue"));

    // Card error kinds are translated in the UI.
    let mut vm = sample(ScreenId::CardError, Lang::En);
    vm.card_error = Some(kiosk_core::view::CardErrorKind::Expired);
    ui.show(&vm);
    click(&ui, "Back to start");
    assert_eq!(actions(&mut rx), vec![UiEvent::EndSession]);

    // Service info: start the form; my applications: open one.
    ui.show(&sample(ScreenId::ServiceInfo, Lang::En));
    click(&ui, "Start application");
    click(&ui, "‹ Back");
    assert_eq!(actions(&mut rx), vec![UiEvent::StartForm, UiEvent::Back]);
    ui.show(&sample(ScreenId::MyApplications, Lang::En));
    click(&ui, "YAS01-261103-0015");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::OpenApplication(
            dost_api::ApplicationId::parse("YAS01-261103-0015").expect("number")
        )]
    );
    ui.show(&sample(ScreenId::ApplicationDetail, Lang::En));
    assert!(
        exists(&ui, "Submitted, 03.11.2026 10:14"),
        "history timeline"
    );
    // Its receipt was not taken: the citizen prints it again.
    click(&ui, "Print my receipt again");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::ReprintReceipt(
            dost_api::ApplicationId::parse("YAS01-261103-0015").expect("number")
        )]
    );

    // Rating: each face sends its score; "Skip" ends the session.
    ui.show(&sample(ScreenId::Rating, Lang::En));
    for n in 1..=5u8 {
        click(&ui, &format!("Rating {n} of 5"));
    }
    click(&ui, "Skip");
    assert_eq!(
        actions(&mut rx),
        vec![
            UiEvent::Rate(1),
            UiEvent::Rate(2),
            UiEvent::Rate(3),
            UiEvent::Rate(4),
            UiEvent::Rate(5),
            UiEvent::EndSession
        ]
    );
    ui.show(&sample(ScreenId::Rating, Lang::Az));
    assert!(exists(&ui, "Qiymət: 5-dən 3"), "face labels are translated");

    // Accessibility switches on citizen screens, with their state.
    ui.show(&sample(ScreenId::Catalog, Lang::En));
    click(&ui, "Large text");
    click(&ui, "High contrast");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::ToggleLargeText, UiEvent::ToggleHighContrast]
    );
    let mut vm = sample(ScreenId::Catalog, Lang::En);
    vm.large_text = true;
    ui.show(&vm);
    assert_eq!(find(&ui, "Large text").accessible_checked(), Some(true));
    assert_eq!(find(&ui, "High contrast").accessible_checked(), Some(false));
    let size = find(&ui, "Large text").size();
    assert!(size.width >= 64.0 && size.height >= 64.0, "{size:?}");

    // Hidden service entry: a 3 s press in the top-left corner of the attract screen.
    ui.show(&sample(ScreenId::Attract, Lang::En));
    let w = ui.app().window();
    let corner = LogicalPosition::new(30.0, 30.0);
    let button = PointerEventButton::Left;
    let press = |hold: Duration| {
        w.dispatch_event(WindowEvent::PointerMoved { position: corner });
        w.dispatch_event(WindowEvent::PointerPressed {
            position: corner,
            button,
        });
        std::thread::sleep(hold);
        slint::platform::update_timers_and_animations();
        w.dispatch_event(WindowEvent::PointerReleased {
            position: corner,
            button,
        });
        w.dispatch_event(WindowEvent::PointerExited);
        slint::platform::update_timers_and_animations();
    };
    press(Duration::from_millis(1200));
    assert_eq!(actions(&mut rx), vec![], "a short press does nothing");
    press(Duration::from_millis(3200));
    assert_eq!(actions(&mut rx), vec![UiEvent::ServiceEntry]);

    // Escape (and Alt+F4's key) never leave the kiosk.
    key(Key::Escape.into());
    assert_eq!(actions(&mut rx), vec![]);
    assert!(ui.app().window().is_visible());

    // PIN pad: digits, backspace, OK send the PIN; Cancel leaves service mode.
    ui.show(&sample(ScreenId::ServicePin, Lang::En));
    assert!(exists(&ui, "Wrong PIN. Tries left: 2."));
    for k in ["1", "3", "5", "9", "Backspace", "7"] {
        click(&ui, k);
    }
    assert!(exists(&ui, "4 digits typed"));
    click(&ui, "OK");
    click(&ui, "Cancel");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::PinEntered("1357".into()), UiEvent::CloseService]
    );
    assert!(exists(&ui, "0 digits typed"), "the pad empties after OK");
    let mut vm = sample(ScreenId::ServicePin, Lang::En);
    if let Some(m) = vm.service.as_mut() {
        m.pin_refusal = Some(kiosk_core::view::PinRefusal::Locked { seconds: 60 });
    }
    ui.show(&vm);
    click(&ui, "1");
    click(&ui, "OK");
    assert_eq!(actions(&mut rx), vec![], "locked pad");

    // Technician and staff screens: actions.
    use kiosk_core::view::ServiceAction as A;
    ui.show(&sample(ScreenId::ServiceTechnician, Lang::En));
    for b in ["Test print", "Export diagnostics", "Restart app", "Refresh"] {
        click(&ui, b);
    }
    click(&ui, "Close service mode");
    assert_eq!(
        actions(&mut rx),
        vec![
            UiEvent::ServiceAction(A::TestPrint),
            UiEvent::ServiceAction(A::ExportDiagnostics),
            UiEvent::ServiceAction(A::Restart),
            UiEvent::ServiceAction(A::Refresh),
            UiEvent::CloseService
        ]
    );
    ui.show(&sample(ScreenId::ServiceStaff, Lang::En));
    for b in [
        "Paper restocked",
        "Print held receipts",
        "Test print",
        "Refresh",
    ] {
        click(&ui, b);
    }
    click(&ui, "Close service mode");
    assert_eq!(
        actions(&mut rx),
        vec![
            UiEvent::ServiceAction(A::PaperRestocked),
            UiEvent::ServiceAction(A::ReprintHeld),
            UiEvent::ServiceAction(A::TestPrint),
            UiEvent::ServiceAction(A::Refresh),
            UiEvent::CloseService
        ]
    );

    // Technician's settings: open, pick options, type an address on the "url" keyboard, save.
    ui.show(&sample(ScreenId::ServiceTechnician, Lang::En));
    click(&ui, "Settings: ports, centre, identity");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::ServiceAction(A::OpenSettings)]
    );
    ui.show(&sample(ScreenId::ServiceSettings, Lang::En));
    assert!(exists(
        &ui,
        "Some settings need correcting: see the fields marked in red."
    ));
    assert!(
        !exists(&ui, "On-screen keyboard"),
        "no field focused at first"
    );
    // The reader's options come first: its port, baud rate and framing.
    click(&ui, "Simulated (demo)");
    click(&ui, "19200");
    click(&ui, "desko");
    let edited = |id: &str, v: &str| UiEvent::FieldEdited {
        field_id: id.into(),
        value: v.into(),
    };
    assert_eq!(
        actions(&mut rx),
        vec![
            edited("reader_port", "simulated"),
            edited("reader_baud", "19200"),
            edited("reader_framing", "desko"),
        ]
    );
    // The address is further down: scroll the form to its end as a finger would.
    let middle = LogicalPosition::new(540.0, 1000.0);
    ui.app()
        .window()
        .dispatch_event(WindowEvent::PointerScrolled {
            position: middle,
            delta_x: 0.0,
            delta_y: -5000.0,
        });
    assert!(exists(
        &ui,
        "2 to 8 characters: capital letters A–Z and digits."
    ));
    click(&ui, "Central API address");
    assert!(exists(&ui, "On-screen keyboard"));
    click(&ui, ":");
    click(&ui, "Backspace");
    click(&ui, "/");
    assert_eq!(
        actions(&mut rx),
        vec![
            edited("central_url", "https://api.dost.gov.az:"),
            edited("central_url", "https://api.dost.gov.az"),
            edited("central_url", "https://api.dost.gov.az/"),
        ]
    );
    click(&ui, "Save and apply");
    click(&ui, "Cancel");
    assert_eq!(
        actions(&mut rx),
        vec![UiEvent::ServiceAction(A::SaveSettings), UiEvent::Back]
    );

    // Presenter: view models from another thread, then quit ends run().
    let presenter = ui.presenter();
    let worker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        presenter.show(sample(ScreenId::Welcome, Lang::En)).unwrap();
        std::thread::sleep(Duration::from_millis(200));
        presenter.quit().unwrap();
    });
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    ui.on_first_frame(move || ready_tx.send(()).unwrap());
    let app = ui.app().as_weak();
    let check = slint::Timer::default();
    let seen = std::rc::Rc::new(std::cell::Cell::new(false));
    let seen2 = seen.clone();
    check.start(
        slint::TimerMode::Repeated,
        Duration::from_millis(20),
        move || {
            if let Some(app) = app.upgrade()
                && ElementHandle::find_by_accessible_label(&app, "New application")
                    .next()
                    .is_some()
            {
                seen2.set(true);
            }
        },
    );
    ui.run().unwrap();
    worker.join().unwrap();
    assert!(ready_rx.try_recv().is_ok(), "first-frame hook ran");
    assert!(seen.get(), "the presenter's view model was shown");
}
