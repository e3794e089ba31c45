//! One small controller per concern, each behind its own adapter global (`ui/globals/`):
//! `apply` sets the global's properties from the parts of the view model that changed, `wire`
//! turns the global's callbacks into `UiEvent`s.

pub(super) mod applications;
pub(super) mod catalog;
pub(super) mod chip;
pub(super) mod form;
pub(super) mod help;
pub(super) mod keypad;
pub(super) mod pin;
pub(super) mod service;
pub(super) mod session;
pub(super) mod settings;
pub(super) mod ticket;

use std::cell::RefCell;
use std::rc::Rc;

use kiosk_core::view::{UiEvent, ViewModel};
use slint::{ModelRc, SharedString, VecModel};
use tokio::sync::mpsc::UnboundedSender;

use super::generated::App;
use super::state::BridgeState;

/// What the controllers' callbacks need.
#[derive(Clone)]
pub(super) struct Wiring {
    pub events: UnboundedSender<UiEvent>,
    pub app: slint::Weak<App>,
    pub state: Rc<RefCell<BridgeState>>,
}

impl Wiring {
    /// Sends an event to the core (dropped, with a debug line, when the core has stopped).
    pub fn send(&self, e: UiEvent) {
        if self.events.send(e).is_err() {
            tracing::debug!("UI event dropped: the core has stopped listening");
        }
    }
}

/// Wires every controller's callbacks.
pub(super) fn wire(app: &App, w: &Wiring) {
    session::wire(app, w);
    catalog::wire(app, w);
    form::wire(app, w);
    applications::wire(app, w);
    pin::wire(app, w);
    service::wire(app, w);
    chip::wire(app, w);
    help::wire(app, w);
    keypad::wire(app, w);
}

/// Shows `vm`: each controller sets what changed since `state.last`.
pub(super) fn apply(app: &App, state: &mut BridgeState, vm: &ViewModel) {
    let prev = state.last.take();
    let p = prev.as_ref();
    session::apply(app, p, vm);
    catalog::apply(app, p, vm);
    form::apply(app, state, p, vm);
    applications::apply(app, state, p, vm);
    pin::apply(app, state, p, vm);
    service::apply(app, p, vm);
    settings::apply(app, p, vm);
    chip::apply(app, p, vm);
    help::apply(app, p, vm);
    ticket::apply(app, state, p, vm);
    keypad::apply(app, p, vm);
    state.last = Some(vm.clone());
}

/// True when the part of the view model `f` picks differs from the last one shown.
pub(super) fn changed<T: PartialEq>(
    prev: Option<&ViewModel>,
    vm: &ViewModel,
    f: impl Fn(&ViewModel) -> &T,
) -> bool {
    prev.is_none_or(|p| f(p) != f(vm))
}

pub(super) fn s(v: &str) -> SharedString {
    SharedString::from(v)
}

pub(super) fn model<T: Clone + 'static>(v: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(v)))
}

/// A count for an `int` property (saturating).
pub(super) fn int(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}
