//! ViewModel → Slint properties, applying only what changed since the last view model.

use std::collections::HashMap;
use std::rc::Rc;

use slint::{ComponentHandle, Image, Model, ModelRc, SharedString, VecModel};

use super::edit;
use super::generated as ui;
use super::qr;
use kiosk_core::view::{self, ViewModel};

/// What the bridge remembers between two view models (UI thread only).
#[derive(Default)]
pub(crate) struct BridgeState {
    /// The view model on screen (with the citizen's latest keyboard edits applied).
    pub last: Option<ViewModel>,
    /// QR image of the last payload.
    qr: Option<(String, Image)>,
    /// Field kinds of the form on screen, by id (for keyboard editing).
    pub field_kinds: HashMap<String, view::FieldKind>,
    /// Digits typed on the service PIN pad (never in a Slint property: the UI only sees
    /// how many).
    pub pin: String,
}

/// Longest PIN the pad takes.
pub(crate) const PIN_MAX: usize = 12;

fn s(v: &str) -> SharedString {
    SharedString::from(v)
}

fn model<T: Clone + 'static>(v: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(v)))
}

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
    }
}

fn field_kind(k: view::FieldKind) -> ui::FieldKind {
    use view::FieldKind as K;
    match k {
        K::Text => ui::FieldKind::Text,
        K::Phone => ui::FieldKind::Phone,
        K::Number => ui::FieldKind::Number,
        K::Date => ui::FieldKind::Date,
        K::Iban => ui::FieldKind::Iban,
        K::Address => ui::FieldKind::Address,
        K::YesNo => ui::FieldKind::YesNo,
        K::Choice => ui::FieldKind::Choice,
    }
}

fn field_error(e: Option<view::FieldError>) -> ui::FieldError {
    use view::FieldError as E;
    match e {
        None => ui::FieldError::None,
        Some(E::Required) => ui::FieldError::Required,
        Some(E::PhoneFormat) => ui::FieldError::PhoneFormat,
        Some(E::TooLong) => ui::FieldError::TooLong,
        Some(E::TooShort) => ui::FieldError::TooShort,
        Some(E::NotANumber) => ui::FieldError::NotANumber,
        Some(E::OutOfRange) => ui::FieldError::OutOfRange,
        Some(E::DateFormat) => ui::FieldError::DateFormat,
        Some(E::IbanFormat) => ui::FieldError::IbanFormat,
        Some(E::IbanChecksum) => ui::FieldError::IbanChecksum,
        Some(E::UrlFormat) => ui::FieldError::UrlFormat,
        Some(E::IdFormat) => ui::FieldError::IdFormat,
        Some(E::CodeFormat) => ui::FieldError::CodeFormat,
        Some(E::SamePort) => ui::FieldError::SamePort,
    }
}

/// The text the value box shows for a field value.
pub(crate) fn display_value(kind: view::FieldKind, value: &str) -> String {
    match kind {
        view::FieldKind::Phone => edit::phone_local(value),
        _ => value.to_string(),
    }
}

fn field(f: &view::FieldView) -> ui::FieldData {
    ui::FieldData {
        id: s(&f.id),
        label: s(&f.label),
        help: s(&f.help),
        kind: field_kind(f.kind),
        required: f.required,
        value: s(&f.value),
        display: s(&display_value(f.kind, &f.value)),
        options: model(f.options.iter().map(|o| s(o)).collect()),
        error: field_error(f.error),
    }
}

fn service(v: &view::ServiceView) -> ui::ServiceData {
    ui::ServiceData {
        id: s(&v.id),
        area_id: s(&v.area_id),
        area: s(&v.area),
        title: s(&v.title),
        summary: s(&v.summary),
        needs: s(&v.needs),
        duration: s(&v.duration),
    }
}

/// Services grouped by area, areas in order of first appearance.
fn areas(services: &[view::ServiceView]) -> Vec<ui::AreaGroup> {
    let mut groups: Vec<(String, String, Vec<ui::ServiceData>)> = Vec::new();
    for v in services {
        match groups.iter_mut().find(|g| g.0 == v.area_id) {
            Some(g) => g.2.push(service(v)),
            None => groups.push((v.area_id.clone(), v.area.clone(), vec![service(v)])),
        }
    }
    groups
        .into_iter()
        .map(|(area_id, area, list)| ui::AreaGroup {
            area_id: s(&area_id),
            area: s(&area),
            services: model(list),
        })
        .collect()
}

fn app_state(st: dost_api::ApplicationState) -> ui::AppState {
    use dost_api::ApplicationState as A;
    match st {
        A::Submitted => ui::AppState::Submitted,
        A::Received => ui::AppState::Received,
        A::InReview => ui::AppState::InReview,
        A::Approved => ui::AppState::Approved,
        A::Rejected => ui::AppState::Rejected,
    }
}

fn app_row(r: &view::ApplicationRow) -> ui::AppRow {
    ui::AppRow {
        application_id: s(r.application_id.as_str()),
        service_title: s(&r.service_title),
        state: app_state(r.state),
        as_of: s(&r.as_of),
        pending_upload: r.pending_upload,
    }
}

fn part_level(l: view::Level) -> ui::PartLevel {
    match l {
        view::Level::Ok => ui::PartLevel::Ok,
        view::Level::Warn => ui::PartLevel::Warn,
        view::Level::Fail => ui::PartLevel::Fail,
    }
}

fn paper(p: &view::PaperView) -> ui::PaperInfo {
    ui::PaperInfo {
        level: match p.level {
            view::PaperLevel::Ok => ui::PaperLevel::Ok,
            view::PaperLevel::Low => ui::PaperLevel::Low,
            view::PaperLevel::Out => ui::PaperLevel::Out,
            view::PaperLevel::Unknown => ui::PaperLevel::Unknown,
        },
        receipts_left: p
            .receipts_left
            .map_or(-1, |n| n.min(i32::MAX as u64) as i32),
        used_mm: p.used_mm.min(i32::MAX as u64) as i32,
    }
}

fn clamp_i32(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

fn apply_service(k: &ui::Kiosk<'_>, m: Option<&view::ServiceModeView>) {
    let empty = view::ServiceModeView::default();
    let m = m.unwrap_or(&empty);
    let (refusal, tries, seconds) = match m.pin_refusal {
        None => (ui::PinRefusal::None, 0, 0),
        Some(view::PinRefusal::Wrong { tries_left }) => {
            (ui::PinRefusal::Wrong, clamp_i32(tries_left), 0)
        }
        Some(view::PinRefusal::Locked { seconds }) => {
            (ui::PinRefusal::Locked, 0, clamp_i32(seconds))
        }
    };
    k.set_pin_refusal(refusal);
    k.set_pin_tries_left(tries);
    k.set_pin_locked_seconds(seconds);
    k.set_pin_checking(m.checking);
    k.set_parts(model(
        m.parts
            .iter()
            .map(|p| ui::PartItem {
                name: s(super::texts::part_name(p.name)),
                level: part_level(p.level),
                detail: s(&super::texts::part_status(&p.status)),
            })
            .collect(),
    ));
    k.set_paper(paper(&m.paper));
    k.set_held(model(
        m.held
            .iter()
            .map(|h| ui::HeldItem {
                job_id: clamp_i32(h.job_id),
                application_id: s(h.application_id.as_ref().map_or("", |a| a.as_str())),
                reason: s(h.reason.map_or("", |r| r.name())),
            })
            .collect(),
    ));
    k.set_outbox_depth(clamp_i32(m.outbox_depth));
    k.set_sync_error(s(m.sync_error.as_deref().unwrap_or("")));
    k.set_log_tail(model(m.log_tail.iter().map(|l| s(l)).collect()));
    k.set_service_message(s(&m
        .message
        .as_ref()
        .map(super::texts::service_message)
        .unwrap_or_default()));
    k.set_kiosk_id(s(&m.kiosk_id));
    k.set_version(s(&m.version));
    let settings = m.settings.clone().unwrap_or_default();
    k.set_settings_saving(settings.saving);
    k.set_settings_error(s(settings.save_error.as_deref().unwrap_or("")));
    k.set_settings_invalid(settings.invalid);
}

/// The field the keyboard types into when a form page appears: the first with an error,
/// else the first empty one that uses the keyboard, else the first.
fn initial_focus(form: &view::FormView) -> i32 {
    let keyboard =
        |f: &&view::FieldView| !matches!(f.kind, view::FieldKind::YesNo | view::FieldKind::Choice);
    let pos = form
        .fields
        .iter()
        .position(|f| f.error.is_some())
        .or_else(|| {
            form.fields
                .iter()
                .position(|f| keyboard(&f) && f.value.is_empty())
        })
        .unwrap_or(0);
    if form.fields.is_empty() {
        -1
    } else {
        pos as i32
    }
}

/// Selects the bundled translation for `lang` ("en" is the source language).
pub(crate) fn select_language(lang: view::Lang) {
    if let Err(e) = slint::select_bundled_translation(lang.code()) {
        tracing::warn!("cannot select UI language {}: {e}", lang.code());
    }
}

/// Shows `vm`: sets only the properties whose source changed since `state.last`.
pub(crate) fn apply(app: &ui::App, state: &mut BridgeState, vm: &ViewModel) {
    let k = app.global::<ui::Kiosk>();
    let prev = state.last.take();
    let p = prev.as_ref();
    macro_rules! changed {
        ($($f:ident).+) => {
            p.map(|p| &p.$($f).+ != &vm.$($f).+).unwrap_or(true)
        };
    }

    if changed!(lang) {
        select_language(vm.lang);
        k.set_lang(s(vm.lang.code()));
    }
    if changed!(screen) {
        k.set_screen(screen(vm.screen));
    }
    // The PIN pad starts empty, and empties again after every answer to a typed PIN.
    let pin_answered = changed!(service) && vm.service.as_ref().is_some_and(|m| !m.checking);
    if vm.screen != view::ScreenId::ServicePin || changed!(screen) || pin_answered {
        state.pin.clear();
        k.set_pin_length(0);
    }
    if changed!(large_text) {
        k.set_large_text(vm.large_text);
    }
    if changed!(high_contrast) {
        k.set_high_contrast(vm.high_contrast);
    }
    if changed!(selected_service) {
        if let Some(v) = &vm.selected_service {
            k.set_selected_service(service(v));
        } else {
            k.set_selected_service(ui::ServiceData::default());
        }
    }
    if changed!(application_detail) {
        match &vm.application_detail {
            Some(d) => {
                k.set_detail(app_row(&d.row));
                k.set_detail_history(model(
                    d.history
                        .iter()
                        .map(|h| ui::HistoryItem {
                            state: app_state(h.state),
                            at: s(&h.at),
                        })
                        .collect(),
                ));
            }
            None => {
                k.set_detail(ui::AppRow::default());
                k.set_detail_history(model(Vec::new()));
            }
        }
    }
    if changed!(service) {
        apply_service(&k, vm.service.as_ref());
    }
    if changed!(demo) {
        k.set_demo(vm.demo);
    }
    if changed!(center_name) {
        k.set_center_name(s(&vm.center_name));
    }
    if changed!(citizen) {
        k.set_has_citizen(vm.citizen.is_some());
        let c = vm.citizen.clone().unwrap_or_default();
        k.set_citizen(ui::CitizenData {
            name: s(&c.display_name),
            masked_fin: s(&c.masked_fin),
        });
    }
    if changed!(services) {
        k.set_areas(model(areas(&vm.services)));
    }
    if changed!(form) {
        apply_form(
            &k,
            state,
            p.and_then(|p| p.form.as_ref()),
            vm.form.as_ref(),
            vm.screen,
        );
    }
    if changed!(review) {
        let r = vm.review.clone().unwrap_or_default();
        k.set_review_title(s(&r.service_title));
        k.set_review_rows(model(
            r.rows
                .iter()
                .map(|(l, v)| ui::ReviewRow {
                    label: s(l),
                    value: s(v),
                })
                .collect(),
        ));
    }
    if changed!(done) {
        match &vm.done {
            Some(d) => {
                let qr = match &state.qr {
                    Some((payload, img)) if *payload == d.qr_payload => img.clone(),
                    _ => {
                        let img = qr::qr_image(&d.qr_payload, 8);
                        state.qr = Some((d.qr_payload.clone(), img.clone()));
                        img
                    }
                };
                k.set_done(ui::DoneData {
                    application_id: s(d.application_id.as_str()),
                    service_title: s(&d.service_title),
                    receipt: match d.receipt {
                        view::ReceiptState::Printing => ui::Receipt::Printing,
                        view::ReceiptState::Printed => ui::Receipt::Printed,
                        view::ReceiptState::NotAvailable => ui::Receipt::NotAvailable,
                    },
                    qr,
                });
            }
            None => k.set_done(ui::DoneData {
                qr: Image::default(),
                ..ui::DoneData::default()
            }),
        }
    }
    if changed!(applications) {
        let a = vm.applications.clone().unwrap_or_default();
        k.set_applications(model(a.rows.iter().map(app_row).collect()));
        k.set_applications_offline(a.offline);
        k.set_applications_loading(a.loading);
    }
    if changed!(card_error) {
        k.set_card_error(match vm.card_error {
            None => ui::CardError::None,
            Some(view::CardErrorKind::Unreadable) => ui::CardError::Unreadable,
            Some(view::CardErrorKind::Expired) => ui::CardError::Expired,
            Some(view::CardErrorKind::NotAccepted) => ui::CardError::NotAccepted,
            Some(view::CardErrorKind::NotVerified) => ui::CardError::NotVerified,
        });
    }
    if changed!(out_of_service) {
        k.set_out_of_service(match vm.out_of_service {
            None => ui::OutOfService::None,
            Some(view::OutOfServiceKind::CardReader) => ui::OutOfService::CardReader,
            Some(view::OutOfServiceKind::Storage) => ui::OutOfService::Storage,
        });
    }
    if changed!(printer_unavailable) {
        k.set_printer_unavailable(vm.printer_unavailable);
    }
    if changed!(idle_countdown) {
        k.set_idle_countdown(
            vm.idle_countdown
                .map_or(-1, |n| n.min(i32::MAX as u32) as i32),
        );
    }
    if changed!(submit_failed) {
        k.set_submit_failed(vm.submit_failed);
    }
    state.last = Some(vm.clone());
}

fn apply_form(
    k: &ui::Kiosk<'_>,
    state: &mut BridgeState,
    prev: Option<&view::FormView>,
    form: Option<&view::FormView>,
    screen: view::ScreenId,
) {
    let empty = view::FormView::default();
    let form = form.unwrap_or(&empty);
    k.set_form(ui::FormData {
        service_title: s(&form.service_title),
        page: form.page as i32,
        pages: form.pages as i32,
    });
    state.field_kinds = form.fields.iter().map(|f| (f.id.clone(), f.kind)).collect();
    let same_page = prev.is_some_and(|p| {
        p.service_title == form.service_title
            && p.page == form.page
            && p.fields.len() == form.fields.len()
            && p.fields.iter().zip(&form.fields).all(|(a, b)| a.id == b.id)
    });
    let current = k.get_fields();
    if same_page && current.row_count() == form.fields.len() {
        // Same page: update the rows that changed, keep focus and scroll position.
        for (i, f) in form.fields.iter().enumerate() {
            let row = field(f);
            if current.row_data(i).as_ref() != Some(&row) {
                current.set_row_data(i, row);
            }
        }
    } else {
        k.set_fields(model(form.fields.iter().map(field).collect()));
        // The settings form opens with no field focused: the keyboard shows when a box is tapped.
        k.set_focused_field(if screen == view::ScreenId::ServiceSettings {
            -1
        } else {
            initial_focus(form)
        });
    }
}

/// Applies a keyboard edit to the field model and the remembered view model; returns the
/// new value, or None when the field is unknown.
pub(crate) fn edit_field(
    app: &ui::App,
    state: &mut BridgeState,
    field_id: &str,
    new_value: impl FnOnce(view::FieldKind, &str) -> String,
) -> Option<String> {
    let k = app.global::<ui::Kiosk>();
    let fields = k.get_fields();
    let i =
        (0..fields.row_count()).find(|&i| fields.row_data(i).is_some_and(|f| f.id == field_id))?;
    let mut row = fields.row_data(i)?;
    let kind = state.field_kinds.get(field_id).copied().unwrap_or_default();
    let value = new_value(kind, row.value.as_str());
    row.value = s(&value);
    row.display = s(&display_value(kind, &value));
    fields.set_row_data(i, row);
    if let Some(f) = state
        .last
        .as_mut()
        .and_then(|vm| vm.form.as_mut())
        .and_then(|form| form.fields.iter_mut().find(|f| f.id == field_id))
    {
        f.value = value.clone();
    }
    Some(value)
}
