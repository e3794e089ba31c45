//! The technician's settings form (`SettingsAdapter`; its fields are the form's).

use kiosk_core::view::ViewModel;
use slint::ComponentHandle;

use super::s;
use crate::ui_bridge::generated::{App, SettingsAdapter};

pub(super) fn apply(app: &App, prev: Option<&ViewModel>, vm: &ViewModel) {
    let settings = |v: &ViewModel| v.service.as_ref().and_then(|m| m.settings.clone());
    let now = settings(vm);
    if prev.is_some_and(|p| settings(p) == now) {
        return;
    }
    let g = app.global::<SettingsAdapter>();
    let st = now.unwrap_or_default();
    g.set_saving(st.saving);
    g.set_error(s(st.save_error.as_deref().unwrap_or("")));
    g.set_invalid(st.invalid);
}
