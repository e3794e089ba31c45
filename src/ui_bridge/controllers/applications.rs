//! The finished application with its QR code, the citizen's applications, one in detail, and
//! the rating (`ApplicationsAdapter`).

use dost_api::ApplicationState;
use kiosk_core::view::{ApplicationRow, ReceiptState, UiEvent, ViewModel};
use slint::{ComponentHandle, Image, SharedString};

use super::{Wiring, changed, model, s};
use crate::ui_bridge::generated::{self as ui, App, ApplicationsAdapter};
use crate::ui_bridge::qr;
use crate::ui_bridge::state::BridgeState;

fn app_state(st: ApplicationState) -> ui::AppState {
    match st {
        ApplicationState::Submitted => ui::AppState::Submitted,
        ApplicationState::Received => ui::AppState::Received,
        ApplicationState::InReview => ui::AppState::InReview,
        ApplicationState::Approved => ui::AppState::Approved,
        ApplicationState::Rejected => ui::AppState::Rejected,
    }
}

fn app_row(r: &ApplicationRow) -> ui::AppRow {
    ui::AppRow {
        application_id: s(r.application_id.as_str()),
        service_title: s(&r.service_title),
        state: app_state(r.state),
        as_of: s(&r.as_of),
        pending_upload: r.pending_upload,
    }
}

pub(super) fn apply(app: &App, state: &mut BridgeState, prev: Option<&ViewModel>, vm: &ViewModel) {
    let g = app.global::<ApplicationsAdapter>();
    if changed(prev, vm, |v| &v.done) {
        g.set_done(match &vm.done {
            Some(d) => {
                let qr = match &state.qr {
                    Some((payload, img)) if *payload == d.qr_payload => img.clone(),
                    _ => {
                        let img = qr::qr_image(&d.qr_payload, 8);
                        state.qr = Some((d.qr_payload.clone(), img.clone()));
                        img
                    }
                };
                ui::DoneData {
                    application_id: s(d.application_id.as_str()),
                    service_title: s(&d.service_title),
                    receipt: match d.receipt {
                        ReceiptState::Printing => ui::Receipt::Printing,
                        ReceiptState::Printed => ui::Receipt::Printed,
                        ReceiptState::NotAvailable => ui::Receipt::NotAvailable,
                    },
                    qr,
                    next_steps: s(&d.next_steps),
                }
            }
            None => ui::DoneData {
                qr: Image::default(),
                ..ui::DoneData::default()
            },
        });
    }
    if changed(prev, vm, |v| &v.applications) {
        let a = vm.applications.clone().unwrap_or_default();
        g.set_applications(model(a.rows.iter().map(app_row).collect()));
        g.set_offline(a.offline);
        g.set_loading(a.loading);
    }
    if changed(prev, vm, |v| &v.application_detail) {
        match &vm.application_detail {
            Some(d) => {
                g.set_detail(app_row(&d.row));
                g.set_detail_history(model(
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
                g.set_detail(ui::AppRow::default());
                g.set_detail_history(model(Vec::new()));
            }
        }
    }
}

pub(super) fn wire(app: &App, w: &Wiring) {
    let g = app.global::<ApplicationsAdapter>();
    {
        let w = w.clone();
        g.on_open_application(move |id: SharedString| {
            if let Ok(id) = dost_api::ApplicationId::parse(&id) {
                w.send(UiEvent::OpenApplication(id));
            }
        });
    }
    {
        let w = w.clone();
        g.on_rate(move |n: i32| {
            if let Ok(n @ 1..=5) = u8::try_from(n) {
                w.send(UiEvent::Rate(n));
            }
        });
    }
}
