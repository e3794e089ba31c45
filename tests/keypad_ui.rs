//! The keypad on the real UI (`i-slint-backend-testing`): a plain keyboard's keys reach the
//! core as keypad keys; every key of the core's keyboard grids is a key of the on-screen
//! keyboard with the same accessible label (in every layout, with and without Shift); the
//! catalog scrolls the focused service into view.
//!
//! One #[test] on purpose: the testing platform is installed once per process.

use dost_kiosk::kit::sample;
use dost_kiosk::ui_bridge::SlintUi;
use i_slint_backend_testing::ElementHandle;
use kiosk_core::access::Access;
use kiosk_core::focus::keyboard::{self, Label, Layout};
use kiosk_core::keypad::Key;
use kiosk_core::speech::Texts;
use kiosk_core::view::{FieldKind, FieldView, FormView, Lang, ScreenId, UiEvent, ViewModel};
use slint::platform::{Key as SlintKey, WindowEvent};
use slint::{ComponentHandle, LogicalSize, SharedString};

fn labelled(ui: &SlintUi, label: &str) -> Vec<ElementHandle> {
    ElementHandle::find_by_accessible_label(ui.app(), label).collect()
}

fn press(ui: &SlintUi, text: SharedString) {
    let w = ui.app().window();
    w.dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    w.dispatch_event(WindowEvent::KeyReleased { text });
}

/// A form with one field of `kind`, the keypad typing into it (keyboard open).
fn typing(kind: FieldKind, lang: Lang, shift: bool, texts: &Texts) -> ViewModel {
    let mut vm = sample(ScreenId::Form, lang);
    vm.form = Some(FormView {
        service_title: "Test".into(),
        fields: vec![FieldView {
            id: "f".into(),
            label: "Field".into(),
            kind,
            ..FieldView::default()
        }],
        page: 1,
        pages: 1,
        desk_only: false,
    });
    let mut access = Access::default();
    access.observe(None, &vm);
    access.on_key(Key::Enter, &vm);
    vm.access = access.view(&vm, texts);
    vm.access.shift = shift;
    vm
}

#[test]
fn the_keypad_on_the_real_ui() {
    i_slint_backend_testing::init_integration_test_with_system_time();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let ui = SlintUi::new(tx).expect("testing backend creates the window");
    ui.app().window().set_size(LogicalSize::new(1080.0, 1920.0));
    ui.app().show().expect("shown");
    let texts = Texts::shipped().expect("translations");

    // A plain keyboard works as the keypad (demo); other keys stay the UI's.
    ui.show(&sample(ScreenId::Welcome, Lang::En));
    for (text, key) in [
        (SharedString::from(SlintKey::DownArrow), Key::Down),
        (SlintKey::UpArrow.into(), Key::Up),
        (SlintKey::Return.into(), Key::Enter),
        (SlintKey::Escape.into(), Key::Back),
        (SlintKey::F1.into(), Key::Help),
        (SlintKey::F3.into(), Key::StartSpeech),
        (SlintKey::F12.into(), Key::Blank),
        ("7".into(), Key::Digit(7)),
        ("+".into(), Key::VolumeUp),
        ("/".into(), Key::RateDown),
    ] {
        press(&ui, text);
        let got: Vec<UiEvent> = std::iter::from_fn(|| rx.try_recv().ok())
            .filter(|e| *e != UiEvent::Activity)
            .collect();
        assert_eq!(got, vec![UiEvent::Keypad(key)]);
    }
    press(&ui, "q".into());
    assert!(rx.try_recv().is_err(), "a letter is not a keypad key");

    // Every key of every keyboard the keypad moves over is on the screen, same label.
    let cases = [
        (FieldKind::Text, Lang::Az, Layout::Az),
        (FieldKind::Text, Lang::Ru, Layout::Ru),
        (FieldKind::Text, Lang::En, Layout::En),
        (FieldKind::Address, Lang::En, Layout::Az),
        (FieldKind::Iban, Lang::Az, Layout::En),
        (FieldKind::Phone, Lang::Az, Layout::Phone),
        (FieldKind::Number, Lang::Ru, Layout::Number),
        (FieldKind::Date, Lang::En, Layout::Date),
    ];
    for (kind, lang, layout) in cases {
        for shift in [false, true] {
            let vm = typing(kind, lang, shift, &texts);
            assert_eq!(vm.access.field.as_deref(), Some("f"));
            ui.show(&vm);
            for cap in keyboard::rows(layout, shift).iter().flatten() {
                let label = match cap.label() {
                    Label::Text(t) => t.to_owned(),
                    Label::Msg(m) => texts.get(lang, m.msgid()).to_owned(),
                };
                let keys: Vec<_> = labelled(&ui, &label)
                    .into_iter()
                    .filter(|e| {
                        e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button)
                    })
                    .collect();
                assert!(
                    !keys.is_empty(),
                    "{layout:?} shift {shift}: no key labelled {label:?}"
                );
            }
        }
    }

    // The catalog scrolls the focused service into view.
    let mut vm = sample(ScreenId::Catalog, Lang::En);
    let mut access = Access::default();
    access.observe(None, &vm);
    vm.access = access.view(&vm, &texts);
    ui.show(&vm);
    // The first card below the screen: it is clipped away (not on screen, not found).
    let below = |ui: &SlintUi, title: &str| {
        labelled(ui, title)
            .into_iter()
            .filter(|e| {
                e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button)
            })
            .map(|e| e.absolute_position().y)
            .all(|y| y > 1920.0)
    };
    let hidden = vm
        .services
        .iter()
        .position(|s| below(&ui, &s.title))
        .expect("a service below the screen");
    let title = vm.services[hidden].title.clone();
    for _ in 0..hidden {
        access.on_key(Key::Down, &vm);
        vm.access = access.view(&vm, &texts);
        ui.show(&vm);
        // What the event loop does between frames (runs `changed` handlers).
        slint::platform::update_timers_and_animations();
    }
    assert_eq!(
        vm.access.ring.as_ref().map(|r| r.label.clone()),
        Some(title.clone())
    );
    let y = labelled(&ui, &title)
        .into_iter()
        .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
        .map(|e| e.absolute_position().y)
        .unwrap_or_else(|| panic!("{title:?} still not on screen"));
    assert!(
        (0.0..1920.0 - 150.0).contains(&y),
        "focused card at y {y}: not in view"
    );
}
