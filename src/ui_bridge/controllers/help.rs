//! The help overlay of the citizen screens (`HelpAdapter`): open, close, call staff.

use kiosk_core::view::{UiEvent, ViewModel};
use slint::ComponentHandle;

use super::{Wiring, changed};
use crate::ui_bridge::generated::{App, HelpAdapter};

pub(super) fn apply(app: &App, prev: Option<&ViewModel>, vm: &ViewModel) {
    if changed(prev, vm, |v| &v.help) {
        let g = app.global::<HelpAdapter>();
        g.set_open(vm.help.is_some());
        g.set_staff_called(vm.help.is_some_and(|h| h.staff_called));
    }
}

pub(super) fn wire(app: &App, w: &Wiring) {
    let g = app.global::<HelpAdapter>();
    {
        let w = w.clone();
        g.on_open_help(move || w.send(UiEvent::OpenHelp));
    }
    {
        let w = w.clone();
        g.on_close_help(move || w.send(UiEvent::CloseHelp));
    }
    {
        let w = w.clone();
        g.on_call_staff(move || w.send(UiEvent::CallStaff));
    }
}
