//! The form page being filled — a service's form or the technician's settings — and the
//! review (`FormAdapter`); the on-screen keyboard's edits.

use kiosk_core::validate;
use kiosk_core::view::{self, FieldKind, SettingField, UiEvent, ViewModel};
use slint::{ComponentHandle, Model, SharedString};

use super::{Wiring, changed, model, s};
use crate::ui_bridge::edit;
use crate::ui_bridge::generated::{self as ui, App, FormAdapter};
use crate::ui_bridge::state::BridgeState;

fn field_kind(k: FieldKind) -> ui::FieldKind {
    match k {
        FieldKind::Text => ui::FieldKind::Text,
        FieldKind::Phone => ui::FieldKind::Phone,
        FieldKind::Number => ui::FieldKind::Number,
        FieldKind::Date => ui::FieldKind::Date,
        FieldKind::Iban => ui::FieldKind::Iban,
        FieldKind::Address => ui::FieldKind::Address,
        FieldKind::YesNo => ui::FieldKind::YesNo,
        FieldKind::Choice => ui::FieldKind::Choice,
        FieldKind::Mobile => ui::FieldKind::Mobile,
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
        Some(E::ConsentRequired) => ui::FieldError::ConsentRequired,
    }
}

fn setting(f: Option<SettingField>) -> ui::SettingField {
    match f {
        None => ui::SettingField::None,
        Some(SettingField::ReaderPort) => ui::SettingField::ReaderPort,
        Some(SettingField::ReaderBaud) => ui::SettingField::ReaderBaud,
        Some(SettingField::ReaderLine) => ui::SettingField::ReaderLine,
        Some(SettingField::ReaderFraming) => ui::SettingField::ReaderFraming,
        Some(SettingField::PrinterPort) => ui::SettingField::PrinterPort,
        Some(SettingField::PrinterBaud) => ui::SettingField::PrinterBaud,
        Some(SettingField::CentralUrl) => ui::SettingField::CentralUrl,
        Some(SettingField::KioskId) => ui::SettingField::KioskId,
        Some(SettingField::KioskCode) => ui::SettingField::KioskCode,
        Some(SettingField::CenterName) => ui::SettingField::CenterName,
    }
}

/// The text the value box shows for a field value.
pub(crate) fn display_value(kind: FieldKind, value: &str) -> String {
    edit::display(kind, value)
}

/// Operator codes a phone field takes, as its error message names them.
fn codes(kind: FieldKind) -> String {
    let list = match kind {
        FieldKind::Mobile => validate::MOBILE_CODES,
        FieldKind::Phone => validate::PHONE_CODES,
        _ => &[],
    };
    list.join(", ")
}

/// A field as the screen's `FieldData`, with the cursor after `cursor` units (None: at the
/// end).
fn field(f: &view::FieldView, cursor: Option<usize>) -> ui::FieldData {
    let len = edit::units(f.kind, &f.value).len();
    let cursor = cursor.unwrap_or(len).min(len);
    let l = f.limits;
    ui::FieldData {
        id: s(&f.id),
        setting: setting(f.setting),
        label: s(&f.label),
        help: s(&f.help),
        kind: field_kind(f.kind),
        required: f.required,
        value: s(&f.value),
        display: s(&display_value(f.kind, &f.value)),
        options: model(f.options.iter().map(|o| s(o)).collect()),
        error: field_error(f.error),
        cursor: super::int(edit::display_offset(f.kind, &f.value, cursor)),
        cursor_at_end: cursor == len,
        max_chars: super::int(f.max_chars),
        has_range: l.min.is_some() && l.max.is_some(),
        range_min: l.min.map_or(0, |n| i32::try_from(n).unwrap_or(i32::MIN)),
        range_max: l.max.map_or(0, |n| i32::try_from(n).unwrap_or(i32::MAX)),
        min_len: l.min_len.map_or(0, super::int),
        max_len: l.max_len.map_or(0, super::int),
        codes: s(&codes(f.kind)),
    }
}

/// The field the keyboard types into when a form page appears: the first with an error,
/// else the first empty one that uses the keyboard, else the first.
fn initial_focus(form: &view::FormView) -> i32 {
    let keyboard = |f: &&view::FieldView| !matches!(f.kind, FieldKind::YesNo | FieldKind::Choice);
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
        super::int(pos)
    }
}

pub(super) fn apply(app: &App, state: &mut BridgeState, prev: Option<&ViewModel>, vm: &ViewModel) {
    let g = app.global::<FormAdapter>();
    if changed(prev, vm, |v| &v.form) {
        apply_form(
            &g,
            state,
            prev.and_then(|p| p.form.as_ref()),
            vm.form.as_ref(),
            vm.screen,
        );
    }
    if changed(prev, vm, |v| &v.review) {
        let r = vm.review.clone().unwrap_or_default();
        g.set_review_title(s(&r.service_title));
        g.set_review_rows(model(
            r.rows
                .iter()
                .map(|(l, v)| ui::ReviewRow {
                    label: s(l),
                    value: s(v),
                })
                .collect(),
        ));
    }
    if changed(prev, vm, |v| &v.submit_failed) {
        g.set_submit_failed(vm.submit_failed);
    }
}

fn apply_form(
    g: &FormAdapter<'_>,
    state: &mut BridgeState,
    prev: Option<&view::FormView>,
    form: Option<&view::FormView>,
    screen: view::ScreenId,
) {
    let empty = view::FormView::default();
    let form = form.unwrap_or(&empty);
    g.set_form(ui::FormData {
        service_title: s(&form.service_title),
        page: super::int(form.page),
        pages: super::int(form.pages),
        desk_only: form.desk_only,
    });
    state.field_kinds = form.fields.iter().map(|f| (f.id.clone(), f.kind)).collect();
    state.field_max = form
        .fields
        .iter()
        // 0: the field names no limit (the technician's settings).
        .map(|f| {
            (
                f.id.clone(),
                if f.max_chars == 0 {
                    usize::MAX
                } else {
                    f.max_chars
                },
            )
        })
        .collect();
    let same_page = prev.is_some_and(|p| {
        p.service_title == form.service_title
            && p.page == form.page
            && p.fields.len() == form.fields.len()
            && p.fields.iter().zip(&form.fields).all(|(a, b)| a.id == b.id)
    });
    // The keyboard's layout follows the kinds: set only when they change, never while typing.
    let kinds: Vec<ui::FieldKind> = form.fields.iter().map(|f| field_kind(f.kind)).collect();
    let shown = g.get_field_kinds();
    if shown.row_count() != kinds.len()
        || kinds
            .iter()
            .enumerate()
            .any(|(i, k)| shown.row_data(i) != Some(*k))
    {
        g.set_field_kinds(model(kinds));
    }
    let current = g.get_fields();
    if same_page && current.row_count() == form.fields.len() {
        // Same page: update the rows that changed, keep focus and scroll position.
        for (i, f) in form.fields.iter().enumerate() {
            let row = field(f, state.cursors.get(&f.id).copied());
            if current.row_data(i).as_ref() != Some(&row) {
                current.set_row_data(i, row);
            }
        }
    } else {
        // A new page: the cursor of each field at its end.
        state.cursors.clear();
        g.set_fields(model(form.fields.iter().map(|f| field(f, None)).collect()));
        // The settings form opens with no field focused: the keyboard shows when a box is tapped.
        g.set_focused_field(if screen == view::ScreenId::ServiceSettings {
            -1
        } else {
            initial_focus(form)
        });
    }
}

/// Applies an edit (new value and cursor, from the kind, value and cursor) to the field model
/// and the remembered view model; returns the new value, or None when the field is unknown.
fn edit_field(
    app: &App,
    state: &mut BridgeState,
    field_id: &str,
    new_value: impl FnOnce(FieldKind, &str, usize, usize) -> (String, usize),
) -> Option<String> {
    let fields = app.global::<FormAdapter>().get_fields();
    let i =
        (0..fields.row_count()).find(|&i| fields.row_data(i).is_some_and(|f| f.id == field_id))?;
    let mut row = fields.row_data(i)?;
    let kind = state.field_kinds.get(field_id).copied().unwrap_or_default();
    let max = state.field_max.get(field_id).copied().unwrap_or(usize::MAX);
    let len = edit::units(kind, row.value.as_str()).len();
    let cursor = state.cursors.get(field_id).copied().unwrap_or(len).min(len);
    let (value, cursor) = new_value(kind, row.value.as_str(), cursor, max);
    state.cursors.insert(field_id.to_owned(), cursor);
    row.value = s(&value);
    row.display = s(&display_value(kind, &value));
    row.cursor = super::int(edit::display_offset(kind, &value, cursor));
    row.cursor_at_end = cursor == edit::units(kind, &value).len();
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

/// A key of the on-screen keyboard pressed into `field_id`: the field shows it at once;
/// returns the new value for the core (None for an unknown field).
pub(in crate::ui_bridge) fn press_key(
    app: &App,
    state: &mut BridgeState,
    field_id: &str,
    key: &str,
) -> Option<String> {
    edit_field(app, state, field_id, |kind, old, cursor, max| {
        edit::apply_key_at(kind, old, cursor, key, max)
    })
}

pub(super) fn wire(app: &App, w: &Wiring) {
    let g = app.global::<FormAdapter>();
    {
        let w = w.clone();
        g.on_next(move || w.send(UiEvent::Next));
    }
    {
        let w = w.clone();
        g.on_submit(move || w.send(UiEvent::Submit));
    }
    {
        let w = w.clone();
        g.on_field_edited(move |id: SharedString, value: SharedString| {
            let Some(app) = w.app.upgrade() else { return };
            let v = value.to_string();
            let edited = edit_field(&app, &mut w.state.borrow_mut(), &id, |kind, _, _, _| {
                let end = edit::units(kind, &v).len();
                (v, end)
            });
            if let Some(value) = edited {
                w.send(UiEvent::FieldEdited {
                    field_id: id.into(),
                    value,
                });
            }
        });
    }
    {
        let w = w.clone();
        g.on_edit_key(move |id: SharedString, key: SharedString| {
            let Some(app) = w.app.upgrade() else { return };
            let mut state = w.state.borrow_mut();
            let before = state.last.as_ref().and_then(|vm| {
                vm.form
                    .as_ref()
                    .and_then(|f| f.fields.iter().find(|f| f.id == id.as_str()))
                    .map(|f| f.value.clone())
            });
            let edited = press_key(&app, &mut state, &id, &key);
            drop(state);
            // Moving the cursor (or a refused key) changes nothing the core needs to know.
            if let Some(value) = edited.filter(|v| before.as_ref() != Some(v)) {
                w.send(UiEvent::FieldEdited {
                    field_id: id.into(),
                    value,
                });
            }
        });
    }
    {
        let w = w.clone();
        g.on_cursor_moved(move |id: SharedString, offset: i32| {
            let Some(app) = w.app.upgrade() else { return };
            let offset = usize::try_from(offset).unwrap_or(0);
            edit_field(&app, &mut w.state.borrow_mut(), &id, |kind, old, _, _| {
                (old.to_owned(), edit::cursor_at(kind, old, offset))
            });
        });
    }
}
