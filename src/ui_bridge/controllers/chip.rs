//! Chip authentication (`ChipAdapter`): the read's progress, why a card was refused, and the
//! demo's "photocopy" button.

use kiosk_core::chip::ChipRefusal;
use kiosk_core::view::{UiEvent, ViewModel};
use slint::ComponentHandle;

use super::{Wiring, changed, s};
use crate::ui_bridge::generated::{self as ui, App, ChipAdapter};

fn kind(r: Option<ChipRefusal>) -> ui::ChipRefusalKind {
    match r {
        None => ui::ChipRefusalKind::None,
        Some(ChipRefusal::Invalid(_)) => ui::ChipRefusalKind::Invalid,
        Some(ChipRefusal::NoChip) => ui::ChipRefusalKind::NoChip,
        Some(ChipRefusal::PassiveOnly) => ui::ChipRefusalKind::PassiveOnly,
        Some(ChipRefusal::ReadFailed(_)) => ui::ChipRefusalKind::ReadFailed,
    }
}

pub(super) fn apply(app: &App, prev: Option<&ViewModel>, vm: &ViewModel) {
    if !changed(prev, vm, |v| &v.chip) {
        return;
    }
    let g = app.global::<ChipAdapter>();
    let chip = vm.chip.unwrap_or_default();
    g.set_percent(i32::from(chip.percent));
    g.set_refusal(kind(chip.refusal));
    g.set_code(s(&chip.refusal.map(|r| r.code()).unwrap_or_default()));
    g.set_may_retry(chip.refusal.is_some_and(|r| r.may_retry()));
}

pub(super) fn wire(app: &App, w: &Wiring) {
    let g = app.global::<ChipAdapter>();
    let w = w.clone();
    g.on_demo_photocopy(move || {
        let demo = w.state.borrow().last.as_ref().is_some_and(|vm| vm.demo);
        if demo {
            w.send(UiEvent::DemoInsertPhotocopy);
        }
    });
}
