//! The service PIN pad (`PinAdapter`). The digits stay in the bridge: the UI only sees how
//! many were typed.

use kiosk_core::view::{PinRefusal, ScreenId, UiEvent, ViewModel};
use slint::{ComponentHandle, SharedString};

use super::{Wiring, changed, int};
use crate::ui_bridge::edit;
use crate::ui_bridge::generated::{self as ui, App, PinAdapter};
use crate::ui_bridge::state::{BridgeState, PIN_MAX};

pub(super) fn apply(app: &App, state: &mut BridgeState, prev: Option<&ViewModel>, vm: &ViewModel) {
    let g = app.global::<PinAdapter>();
    let service = |v: &ViewModel| v.service.as_ref().map(|m| (m.pin_refusal, m.checking));
    // The pad starts empty, and empties again after every answer to a typed PIN.
    let answered =
        changed(prev, vm, |v| &v.service) && vm.service.as_ref().is_some_and(|m| !m.checking);
    if vm.screen != ScreenId::ServicePin || changed(prev, vm, |v| &v.screen) || answered {
        state.pin.clear();
        g.set_length(0);
    }
    if prev.is_none_or(|p| service(p) != service(vm)) {
        let (refusal, checking) = service(vm).unwrap_or((None, false));
        let (kind, tries, seconds) = match refusal {
            None => (ui::PinRefusal::None, 0, 0),
            Some(PinRefusal::Wrong { tries_left }) => (ui::PinRefusal::Wrong, int(tries_left), 0),
            Some(PinRefusal::Locked { seconds }) => (ui::PinRefusal::Locked, 0, int(seconds)),
        };
        g.set_refusal(kind);
        g.set_tries_left(tries);
        g.set_locked_seconds(seconds);
        g.set_checking(checking);
    }
}

pub(super) fn wire(app: &App, w: &Wiring) {
    let g = app.global::<PinAdapter>();
    {
        let w = w.clone();
        g.on_key(move |key: SharedString| {
            let Some(app) = w.app.upgrade() else { return };
            let mut st = w.state.borrow_mut();
            if key.as_str() == edit::BACKSPACE {
                st.pin.pop();
            } else if key.len() == 1
                && key.chars().all(|c| c.is_ascii_digit())
                && st.pin.len() < PIN_MAX
            {
                st.pin.push_str(&key);
            }
            app.global::<PinAdapter>().set_length(int(st.pin.len()));
        });
    }
    {
        let w = w.clone();
        g.on_submit(move || {
            let pin = std::mem::take(&mut w.state.borrow_mut().pin);
            if let Some(app) = w.app.upgrade() {
                app.global::<PinAdapter>().set_length(0);
            }
            if !pin.is_empty() {
                w.send(UiEvent::PinEntered(pin));
            }
        });
    }
}
