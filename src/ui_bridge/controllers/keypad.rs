//! The keypad and audio guidance on screen (`KeypadAdapter`): the focus ring, the keypad bar,
//! the privacy screen; a plain keyboard's keys as keypad keys (the demo), and the long press
//! that starts audio guidance.

use kiosk_core::access::{Hint, ItemState, Notice};
use kiosk_core::keypad::Key;
use kiosk_core::view::{UiEvent, ViewModel};
use slint::{ComponentHandle, SharedString};

use super::{Wiring, changed, int, s};
use crate::ui_bridge::generated::{self as ui, App, FormAdapter, KeypadAdapter};

fn hint(h: Option<Hint>) -> ui::KeypadHint {
    match h {
        None => ui::KeypadHint::None,
        Some(Hint::Button) => ui::KeypadHint::Button,
        Some(Hint::Field) => ui::KeypadHint::Field,
        Some(Hint::Choice) => ui::KeypadHint::Choice,
        Some(Hint::Key) => ui::KeypadHint::Key,
        Some(Hint::Switch) => ui::KeypadHint::Switch,
        Some(Hint::Idle) => ui::KeypadHint::Idle,
    }
}

fn state(s: Option<ItemState>) -> ui::KeypadState {
    match s {
        None => ui::KeypadState::None,
        Some(ItemState::Selected) => ui::KeypadState::Selected,
        Some(ItemState::NotSelected) => ui::KeypadState::NotSelected,
        Some(ItemState::On) => ui::KeypadState::On,
        Some(ItemState::Off) => ui::KeypadState::Off,
        Some(ItemState::Empty) => ui::KeypadState::Empty,
    }
}

fn notice(n: Option<Notice>) -> ui::KeypadNotice {
    match n {
        None => ui::KeypadNotice::None,
        Some(Notice::AudioOn) => ui::KeypadNotice::AudioOn,
        Some(Notice::AudioOff) => ui::KeypadNotice::AudioOff,
        Some(Notice::Help) => ui::KeypadNotice::Help,
        Some(Notice::NotAvailable) => ui::KeypadNotice::NotAvailable,
        Some(Notice::ScreenBlanked) => ui::KeypadNotice::ScreenBlanked,
        Some(Notice::ScreenShown) => ui::KeypadNotice::ScreenShown,
        Some(Notice::Volume) => ui::KeypadNotice::Volume,
        Some(Notice::Speed) => ui::KeypadNotice::Speed,
        Some(Notice::PageHasMistakes) => ui::KeypadNotice::PageHasMistakes,
        Some(Notice::KeyboardClosed) => ui::KeypadNotice::KeyboardClosed,
    }
}

pub(super) fn apply(app: &App, prev: Option<&ViewModel>, vm: &ViewModel) {
    // The form page may have been replaced (focus reset by the form controller): the
    // keypad's field goes on top of it whenever either changed.
    let form_changed = changed(prev, vm, |v| &v.form);
    if !changed(prev, vm, |v| &v.access) && !form_changed {
        return;
    }
    let a = &vm.access;
    let g = app.global::<KeypadAdapter>();
    g.set_keypad(a.keypad);
    g.set_audio(a.audio);
    g.set_blank(a.blank);
    let ring = a.ring.clone().unwrap_or_default();
    g.set_focus_group(s(&ring.group));
    g.set_focus_label(s(&ring.label));
    g.set_shift(a.shift);
    g.set_bar_at_bottom(a.in_header);
    let (position, count) = a.position.unwrap_or((0, 0));
    g.set_position(int(position));
    g.set_count(int(count));
    g.set_state(state(a.state));
    g.set_hint(hint(a.hint));
    g.set_notice(notice(a.notice));
    g.set_volume(i32::from(a.volume));
    g.set_rate(i32::from(a.rate));
    // The keyboard shows for the field the keypad is in.
    let index = a.field.as_ref().and_then(|id| {
        vm.form
            .as_ref()
            .and_then(|f| f.fields.iter().position(|f| f.id == *id))
    });
    g.set_field_index(index.map_or(-1, int));
    if let Some(i) = index {
        app.global::<FormAdapter>().set_focused_field(int(i));
    }
}

/// A plain keyboard's key as a keypad key (the demo): arrows, Enter, Escape or Backspace for
/// back, F1 help, F5 repeat, digits, + and − volume, * and / speed, F12 screen, F3 speech.
pub fn demo_key(text: &str, control: bool) -> Option<Key> {
    use slint::platform::Key as K;
    if control {
        return None;
    }
    let is = |k: K| text == SharedString::from(k).as_str();
    let key = if is(K::UpArrow) {
        Key::Up
    } else if is(K::DownArrow) {
        Key::Down
    } else if is(K::LeftArrow) {
        Key::Left
    } else if is(K::RightArrow) {
        Key::Right
    } else if is(K::Return) {
        Key::Enter
    } else if is(K::Escape) || is(K::Backspace) {
        Key::Back
    } else if is(K::F1) {
        Key::Help
    } else if is(K::F5) {
        Key::Repeat
    } else if is(K::F12) {
        Key::Blank
    } else if is(K::F3) {
        Key::StartSpeech
    } else {
        match text {
            "+" | "=" => Key::VolumeUp,
            "-" => Key::VolumeDown,
            "*" => Key::RateUp,
            "/" => Key::RateDown,
            t => {
                let mut chars = t.chars();
                match (chars.next().and_then(|c| c.to_digit(10)), chars.next()) {
                    (Some(d), None) => Key::Digit(d as u8),
                    _ => return None,
                }
            }
        }
    };
    Some(key)
}

pub(super) fn wire(app: &App, w: &Wiring) {
    let g = app.global::<KeypadAdapter>();
    {
        let w = w.clone();
        g.on_key(move |text: SharedString, control: bool, repeat: bool| {
            // A held key does not run through a list unheard.
            match demo_key(&text, control) {
                Some(_) if repeat => true,
                Some(key) => {
                    w.send(UiEvent::Keypad(key));
                    true
                }
                None => false,
            }
        });
    }
    {
        let w = w.clone();
        g.on_start_speech(move || {
            let audio = w
                .state
                .borrow()
                .last
                .as_ref()
                .is_some_and(|vm| vm.access.audio);
            // The long press only starts speech (a second long press does not stop it).
            if !audio {
                w.send(UiEvent::Keypad(Key::StartSpeech));
            }
        });
    }
}
