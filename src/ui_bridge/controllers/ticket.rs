//! The queue ticket of a desk service (`TicketAdapter`), with its QR code.

use kiosk_core::view::ViewModel;
use slint::{ComponentHandle, Image};

use super::{changed, int, s};
use crate::ui_bridge::generated::{self as ui, App, TicketAdapter};
use crate::ui_bridge::qr;
use crate::ui_bridge::state::BridgeState;

pub(super) fn apply(app: &App, state: &mut BridgeState, prev: Option<&ViewModel>, vm: &ViewModel) {
    if !changed(prev, vm, |v| &v.ticket) {
        return;
    }
    let g = app.global::<TicketAdapter>();
    let t = vm.ticket.clone().unwrap_or_default();
    let qr = if t.qr_payload.is_empty() {
        Image::default()
    } else {
        match &state.ticket_qr {
            Some((payload, img)) if *payload == t.qr_payload => img.clone(),
            _ => {
                let img = qr::qr_image(&t.qr_payload, 8);
                state.ticket_qr = Some((t.qr_payload.clone(), img.clone()));
                img
            }
        }
    };
    g.set_ticket(ui::TicketData {
        service_title: s(&t.service_title),
        number: s(&t.number),
        issued_at: s(&t.issued_at),
        people_ahead: t.people_ahead.map_or(-1, int),
        wait_min: t.wait_min.map_or(-1, int),
        offline: t.offline,
        sms: t.sms,
        printing: t.printing,
        qr,
    });
}
