//! The session as every screen sees it (`SessionAdapter`): screen, language, citizen,
//! accessibility, notices; language switches, the demo card, activity, back, finish.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use kiosk_core::view::{self, CardErrorKind, Lang, OutOfServiceKind, UiEvent, ViewModel};
use slint::{ComponentHandle, SharedString};

use super::{Wiring, changed, s};
use crate::ui_bridge::generated::{self as ui, App, SessionAdapter};

/// At most one `UiEvent::Activity` per this interval.
const ACTIVITY_THROTTLE: Duration = Duration::from_secs(1);

pub(crate) fn screen(id: view::ScreenId) -> ui::Screen {
    use view::ScreenId as S;
    match id {
        S::Attract => ui::Screen::Attract,
        S::ReadingCard => ui::Screen::ReadingCard,
        S::CardError => ui::Screen::CardError,
        S::Welcome => ui::Screen::Welcome,
        S::Catalog => ui::Screen::Catalog,
        S::Form => ui::Screen::Form,
        S::Review => ui::Screen::Review,
        S::Submitting => ui::Screen::Submitting,
        S::Done => ui::Screen::Done,
        S::MyApplications => ui::Screen::MyApplications,
        S::OutOfService => ui::Screen::OutOfService,
        S::ServiceInfo => ui::Screen::ServiceInfo,
        S::ApplicationDetail => ui::Screen::ApplicationDetail,
        S::Rating => ui::Screen::Rating,
        S::ServicePin => ui::Screen::ServicePin,
        S::ServiceTechnician => ui::Screen::ServiceTechnician,
        S::ServiceStaff => ui::Screen::ServiceStaff,
        S::ServiceSettings => ui::Screen::ServiceSettings,
        S::ReadingChip => ui::Screen::ReadingChip,
        S::ChipRefused => ui::Screen::ChipRefused,
        S::QueueTicket => ui::Screen::QueueTicket,
    }
}

/// Selects the bundled translation for `lang` ("en" is the source language).
pub(crate) fn select_language(lang: Lang) {
    if let Err(e) = slint::select_bundled_translation(lang.code()) {
        tracing::warn!("cannot select UI language {}: {e}", lang.code());
    }
}

/// Shows the window in `lang` at once (a language button, before the core answers).
pub(in crate::ui_bridge) fn switch_language(app: &App, lang: Lang) {
    select_language(lang);
    app.global::<SessionAdapter>().set_lang(s(lang.code()));
}

pub(super) fn apply(app: &App, prev: Option<&ViewModel>, vm: &ViewModel) {
    let g = app.global::<SessionAdapter>();
    if changed(prev, vm, |v| &v.lang) {
        select_language(vm.lang);
        g.set_lang(s(vm.lang.code()));
    }
    if changed(prev, vm, |v| &v.screen) {
        g.set_screen(screen(vm.screen));
    }
    if changed(prev, vm, |v| &v.demo) {
        g.set_demo(vm.demo);
    }
    if changed(prev, vm, |v| &v.center_name) {
        g.set_center_name(s(&vm.center_name));
    }
    if changed(prev, vm, |v| &v.citizen) {
        g.set_has_citizen(vm.citizen.is_some());
        let c = vm.citizen.clone().unwrap_or_default();
        g.set_citizen(ui::CitizenData {
            name: s(&c.display_name),
            masked_fin: s(&c.masked_fin),
        });
    }
    if changed(prev, vm, |v| &v.card_error) {
        g.set_card_error(match vm.card_error {
            None => ui::CardError::None,
            Some(CardErrorKind::Unreadable) => ui::CardError::Unreadable,
            Some(CardErrorKind::Expired) => ui::CardError::Expired,
            Some(CardErrorKind::NotAccepted) => ui::CardError::NotAccepted,
            Some(CardErrorKind::NotVerified) => ui::CardError::NotVerified,
        });
    }
    if changed(prev, vm, |v| &v.out_of_service) {
        g.set_out_of_service(match vm.out_of_service {
            None => ui::OutOfService::None,
            Some(OutOfServiceKind::CardReader) => ui::OutOfService::CardReader,
            Some(OutOfServiceKind::Storage) => ui::OutOfService::Storage,
        });
    }
    if changed(prev, vm, |v| &v.printer_unavailable) {
        g.set_printer_unavailable(vm.printer_unavailable);
    }
    if changed(prev, vm, |v| &v.idle_countdown) {
        g.set_idle_countdown(vm.idle_countdown.map_or(-1, super::int));
    }
    if changed(prev, vm, |v| &v.large_text) {
        g.set_large_text(vm.large_text);
    }
    if changed(prev, vm, |v| &v.high_contrast) {
        g.set_high_contrast(vm.high_contrast);
    }
}

pub(super) fn wire(app: &App, w: &Wiring) {
    let g = app.global::<SessionAdapter>();
    macro_rules! simple {
        ($on:ident, $ev:expr) => {{
            let w = w.clone();
            g.$on(move || w.send($ev));
        }};
    }
    simple!(on_demo_insert_card, UiEvent::DemoInsertCard);
    simple!(on_open_catalog, UiEvent::OpenCatalog);
    simple!(on_open_my_applications, UiEvent::OpenMyApplications);
    simple!(on_back, UiEvent::Back);
    simple!(on_end_session, UiEvent::EndSession);
    simple!(on_toggle_large_text, UiEvent::ToggleLargeText);
    simple!(on_toggle_high_contrast, UiEvent::ToggleHighContrast);
    simple!(on_service_entry, UiEvent::ServiceEntry);
    {
        let w = w.clone();
        g.on_demo_shortcut(move || {
            let demo = w.state.borrow().last.as_ref().is_some_and(|vm| vm.demo);
            if demo {
                w.send(UiEvent::DemoInsertCard);
            }
        });
    }
    {
        let w = w.clone();
        g.on_set_language(move |code: SharedString| {
            let Some(lang) = Lang::parse(&code) else {
                return;
            };
            // Switch at once; the core's next view model confirms it.
            if let Some(app) = w.app.upgrade() {
                switch_language(&app, lang);
            } else {
                select_language(lang);
            }
            w.send(UiEvent::SetLanguage(lang));
        });
    }
    {
        let w = w.clone();
        let last: Rc<RefCell<Option<Instant>>> = Rc::default();
        g.on_activity(move || {
            let now = Instant::now();
            let mut last = last.borrow_mut();
            if last.is_none_or(|t| now.duration_since(t) >= ACTIVITY_THROTTLE) {
                *last = Some(now);
                w.send(UiEvent::Activity);
            }
        });
    }
}
